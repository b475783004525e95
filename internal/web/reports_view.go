package web

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/forms"
	"github.com/motcua/motcua/internal/report"
	"github.com/motcua/motcua/internal/unit"
)

// statFigure is one count of report.Stats as reports show it: its key (JSON name and
// i18n suffix: report.fig.KEY is the label, report.rule.KEY the rule in one line) and
// whether it is a part of the figure above.
type statFigure struct {
	Key   string
	Part  bool
	Value func(report.Stats) int64
}

// statFigures lists every count of a report, in the order the page, the exports and the
// API show them.
var statFigures = []statFigure{
	{"carried_over", false, func(s report.Stats) int64 { return s.CarriedOver }},
	{"received", false, report.Stats.Received},
	{"received_online", true, func(s report.Stats) int64 { return s.ReceivedOnline }},
	{"received_desk", true, func(s report.Stats) int64 { return s.ReceivedDesk }},
	{"received_post", true, func(s report.Stats) int64 { return s.ReceivedPost }},
	{"on_time", false, report.Stats.OnTime},
	{"cohort_early", true, func(s report.Stats) int64 { return s.CohortEarly }},
	{"cohort_on_time", true, func(s report.Stats) int64 { return s.CohortOnTime }},
	{"cohort_late", false, func(s report.Stats) int64 { return s.CohortLate }},
	{"resolved", false, report.Stats.Resolved},
	{"resolved_early", true, func(s report.Stats) int64 { return s.ResolvedEarly }},
	{"resolved_on_time", true, func(s report.Stats) int64 { return s.ResolvedOnTime }},
	{"resolved_late", true, func(s report.Stats) int64 { return s.ResolvedLate }},
	{"in_progress", false, func(s report.Stats) int64 { return s.InProgress }},
	{"in_progress_not_due", true, report.Stats.InProgressNotDue},
	{"in_progress_overdue", true, func(s report.Stats) int64 { return s.InProgressOverdue }},
	{"refused", false, func(s report.Stats) int64 { return s.Refused }},
	{"stopped", false, func(s report.Stats) int64 { return s.Stopped }},
	{"withdrawn", false, func(s report.Stats) int64 { return s.Withdrawn }},
	{"returned", false, func(s report.Stats) int64 { return s.Returned }},
	{"supplements", false, func(s report.Stats) int64 { return s.Supplements }},
	{"apologies", false, func(s report.Stats) int64 { return s.Apologies }},
	{"transfers", false, func(s report.Stats) int64 { return s.Transfers }},
	{"digitised", false, func(s report.Stats) int64 { return s.Digitised }},
	{"paid_online", false, func(s report.Stats) int64 { return s.PaidOnline }},
	{"electronic", false, func(s report.Stats) int64 { return s.Electronic }},
}

// statRate is one rate of a report, with the same keys as statFigure.
type statRate struct {
	Key  string
	Rate func(report.Stats) report.Rate
}

// statRates lists the rates: the headline rate of rule 10 first.
var statRates = []statRate{
	{"on_time_rate", report.Stats.OnTimeRate},
	{"resolved_on_time_rate", report.Stats.ResolvedOnTimeRate},
	{"online_share", report.Stats.OnlineShare},
	{"digitised_share", report.Stats.DigitisedShare},
}

// fmtCount writes a count in the reader's language: "26.298" in Vietnamese, "26,298" in
// English. Vietnamese is the forms package's writing, so the page and the PDF agree.
func fmtCount(lang string, n int64) string { return reportLocalNumber(lang, forms.VietnameseCount(n)) }

// fmtPercent writes a rate's percentage with two decimals, "99,79%" / "99.79%", or "—"
// when its denominator is zero.
func fmtPercent(lang string, r report.Rate) string {
	return reportLocalNumber(lang, forms.VietnamesePercent(forms.Ratio{Num: r.Num, Den: r.Den}))
}

// fmtRate writes a rate with its parts: "26.243 / 26.298 = 99,79%".
func fmtRate(lang string, r report.Rate) string {
	return fmtCount(lang, r.Num) + " / " + fmtCount(lang, r.Den) + " = " + fmtPercent(lang, r)
}

// reportLocalNumber turns Vietnamese number punctuation (dot thousands, decimal comma) into
// English (comma thousands, decimal point).
func reportLocalNumber(lang, vi string) string {
	if lang == "vi" {
		return vi
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case '.':
			return ','
		case ',':
			return '.'
		}
		return r
	}, vi)
}

// reportPercentValue is a rate's percentage rounded to two decimals as the page shows it, nil
// when there is no denominator.
func reportPercentValue(r report.Rate) *float64 {
	p, ok := r.Percent()
	if !ok {
		return nil
	}
	p = math.Round(p*100) / 100
	return &p
}

// periodLabel names a period in a language: "10 tháng đầu năm 2022", "Quý I năm 2026".
func (s *Server) periodLabel(lang string, p report.Period) string {
	t := func(key string, args ...any) string { return s.i18n.T(lang, key, args...) }
	var name string
	switch p.Kind {
	case report.PeriodMonth:
		name = t("report.period_label_month", p.Month, p.Year)
		if lang != "vi" {
			name = t("report.period_label_month", time.Month(p.Month).String(), p.Year)
		}
	case report.PeriodQuarter:
		name = t("report.period_label_quarter", reportQuarterName(p.Quarter), p.Year)
	case report.PeriodYear:
		name = t("report.period_label_year", p.Year)
	case report.PeriodMonths:
		name = t("report.period_label_months", p.Months, p.Year)
	}
	dates := t("report.period_label_range", reportDay(p.From), reportDay(p.To))
	if name == "" {
		return dates
	}
	if p.SoFar {
		return name + " (" + t("report.period_label_so_far", reportDay(p.To)) + ")"
	}
	return name + " (" + dates + ")"
}

func reportQuarterName(q int) string {
	if q >= 1 && q <= 4 {
		return [...]string{"I", "II", "III", "IV"}[q-1]
	}
	return strconv.Itoa(q)
}

// reportDay writes a day as dd/mm/yyyy.
func reportDay(d calendar.Date) string { return d.VietnameseString() }

// reportUnitDate converts a calendar day to the unit package's date.
func reportUnitDate(d calendar.Date) unit.Date { return unit.NewDate(d.Year, d.Month, d.Day) }

// figureRow is one line of the figures table on the page.
type figureRow struct {
	Key, Label, Value, Rule string
	Part                    bool
}

// rateRow is one rate on the page: the parts and the percentage.
type rateRow struct {
	Key, Label, Num, Den, Percent, Text, Rule string
}

// figureRows lays out every count of s for the page.
func (s *Server) figureRows(lang string, st report.Stats) []figureRow {
	out := make([]figureRow, len(statFigures))
	for i, f := range statFigures {
		out[i] = figureRow{Key: f.Key, Label: s.i18n.T(lang, figureKey(f.Key)), Value: fmtCount(lang, f.Value(st)),
			Rule: s.i18n.T(lang, ruleKey(f.Key)), Part: f.Part}
	}
	return out
}

// rateRows lays out the rates of s for the page.
func (s *Server) rateRows(lang string, st report.Stats) []rateRow {
	out := make([]rateRow, len(statRates))
	for i, r := range statRates {
		rate := r.Rate(st)
		out[i] = rateRow{Key: r.Key, Label: s.i18n.T(lang, figureKey(r.Key)), Num: fmtCount(lang, rate.Num),
			Den: fmtCount(lang, rate.Den), Percent: fmtPercent(lang, rate), Text: fmtRate(lang, rate),
			Rule: s.i18n.T(lang, ruleKey(r.Key))}
	}
	return out
}

// breakdownRow is one unit of the breakdown table on the page.
type breakdownRow struct {
	Rank                                                       int
	Name, Kind, ReportURL, RegisterURL                         string
	Rest                                                       bool
	CarriedOver, Received, Resolved, Late, InProgress, Overdue string
	OnTime, RatePercent, RateText                              string
	OverdueCount, LateCount                                    int64
}

// breakdownRows lays out the breakdown for the page, in the query's order.
func (s *Server) breakdownRows(lang string, res *reportResult) []breakdownRow {
	rows := slices.Clone(res.Children)
	sortChildren(rows, res.Query.Sort)
	out := make([]breakdownRow, len(rows))
	for i, c := range rows {
		st := c.Stats
		b := breakdownRow{Name: c.Unit.Name, Kind: s.i18n.T(lang, "kind."+string(c.Unit.Kind)), Rest: c.Rest,
			CarriedOver: fmtCount(lang, st.CarriedOver), Received: fmtCount(lang, st.Received()),
			Resolved: fmtCount(lang, st.Resolved()), Late: fmtCount(lang, st.ResolvedLate),
			InProgress: fmtCount(lang, st.InProgress), Overdue: fmtCount(lang, st.InProgressOverdue),
			OnTime: fmtCount(lang, st.OnTime()), RatePercent: fmtPercent(lang, st.OnTimeRate()),
			RateText: fmtRate(lang, st.OnTimeRate()), OverdueCount: st.InProgressOverdue, LateCount: st.ResolvedLate}
		if c.Rest {
			b.Name = s.i18n.T(lang, "report.rest_row", c.Unit.Name)
		} else {
			b.ReportURL = res.Query.link("/reports", func(v url.Values) { v.Set("unit_id", c.Unit.ID) })
		}
		if res.Query.Sort != "" && !c.Rest {
			b.Rank = i + 1
		}
		if c.Unit.Kind.IsAgency() && !c.Rest && res.Query.Viewer.Can(auth.ViewDossiers, c.Unit.Path) {
			b.RegisterURL = reportRegisterURL(c.Unit.ID, res.Query.Period)
		}
		out[i] = b
	}
	return out
}

// reportRegisterURL opens the dossier register of a receiving agency over the period.
func reportRegisterURL(unitID string, p report.Period) string {
	v := url.Values{"unit_id": {unitID}, "from": {p.From.String()}, "to": {p.To.String()}}
	return "/dossiers/register?" + v.Encode()
}

// trendChart is the month-by-month chart: bars of dossiers received (left axis), a line
// of the on-time rate (right axis, 0–100%), drawn as SVG by the template with every
// coordinate computed here: no script, no request elsewhere.
type trendChart struct {
	Width, Height, Left, Right, Top, Bottom int
	Bars                                    []trendBar
	Line                                    string // polyline points of the rate
	Dots                                    []trendDot
	Ticks, RateTicks                        []trendTick
	LabelY, AxisLabelX, RateLabelX          int
}

type trendBar struct {
	X, Y, W, H, LabelX int
	Label, Title       string
}

type trendDot struct {
	X, Y  int
	Title string
}

type trendTick struct {
	Y     int
	Label string
}

// trendRow is one month of the trend table (the chart's figures, readable without it).
type trendRow struct {
	Label, Received, OnTime, Rate, Late, Overdue string
	Future                                       bool
}

// monthShort is a month's short name: "T3" in Vietnamese, "Mar" in English.
func (s *Server) monthShort(lang string, m int) string {
	if lang == "vi" {
		return s.i18n.T(lang, "report.month_short", m)
	}
	return time.Month(m).String()[:3]
}

// trend lays out the trend as a chart and a table.
func (s *Server) trend(lang string, months []monthStats) (*trendChart, []trendRow) {
	if len(months) == 0 {
		return nil, nil
	}
	c := &trendChart{Width: 720, Height: 250, Left: 56, Right: 672, Top: 16, Bottom: 210}
	c.LabelY, c.AxisLabelX, c.RateLabelX = c.Bottom+18, c.Left-6, c.Right+6
	plotH := c.Bottom - c.Top
	var top int64 = 1
	for _, m := range months {
		top = max(top, m.Stats.Received())
	}
	top = niceCeiling(top)
	for i := 0; i <= 4; i++ {
		y := c.Bottom - i*plotH/4
		c.Ticks = append(c.Ticks, trendTick{Y: y, Label: fmtCount(lang, top*int64(i)/4)})
		c.RateTicks = append(c.RateTicks, trendTick{Y: y, Label: reportLocalNumber(lang, strconv.Itoa(25*i)) + "%"})
	}
	slot := (c.Right - c.Left) / len(months)
	var points []string
	rows := make([]trendRow, len(months))
	for i, m := range months {
		st := m.Stats
		label := s.monthShort(lang, m.Period.Month)
		x := c.Left + i*slot
		rate := st.OnTimeRate()
		rows[i] = trendRow{Label: label, Received: fmtCount(lang, st.Received()), OnTime: fmtCount(lang, rate.Num),
			Rate: fmtPercent(lang, rate), Late: fmtCount(lang, st.ResolvedLate), Overdue: fmtCount(lang, st.InProgressOverdue),
			Future: m.Future}
		h := int(float64(plotH) * float64(st.Received()) / float64(top))
		c.Bars = append(c.Bars, trendBar{X: x + slot/6, Y: c.Bottom - h, W: slot * 2 / 3, H: h, LabelX: x + slot/2, Label: label,
			Title: s.i18n.T(lang, "report.chart_bar_title", label, rows[i].Received, rows[i].Rate)})
		if p, ok := rate.Percent(); ok && !m.Future {
			y := c.Bottom - int(float64(plotH)*p/100)
			points = append(points, fmt.Sprintf("%d,%d", x+slot/2, y))
			c.Dots = append(c.Dots, trendDot{X: x + slot/2, Y: y, Title: label + ": " + rows[i].Rate})
		}
	}
	c.Line = strings.Join(points, " ")
	return c, rows
}

// rateBarChart is a chart of one rate per unit: horizontal bars on a 0–100% axis with
// the unit's name on the left, laid out here like trendChart so the template only draws.
type rateBarChart struct {
	ID                                      string // the figure's id prefix
	Width, Height, Left, Right, Top, Bottom int
	LabelX, AxisY                           int
	Bars                                    []rateBar
	Ticks                                   []rateBarTick
	Caption                                 string
}

type rateBar struct {
	Y, W, H, TextY, ValueX int
	Label, Value, Title    string
	Fill                   string
	Empty                  bool // no denominator: no bar, "—"
}

type rateBarTick struct {
	X     int
	Label string
}

// rateBarItem is one unit of a rate bar chart.
type rateBarItem struct {
	Label string
	Rate  report.Rate
}

// rateBars lays out the items as bars in the order given; a rate below warnBelow percent
// is drawn in red, the others in green.
func (s *Server) rateBars(lang, id, caption string, items []rateBarItem, warnBelow float64) *rateBarChart {
	if len(items) == 0 {
		return nil
	}
	const rowH, barH = 22, 15
	c := &rateBarChart{ID: id, Width: 720, Left: 230, Right: 650, Top: 8, Caption: caption}
	c.LabelX = c.Left - 8
	c.Bottom = c.Top + rowH*len(items)
	c.AxisY, c.Height = c.Bottom+16, c.Bottom+24
	plotW := c.Right - c.Left
	for i := 0; i <= 4; i++ {
		c.Ticks = append(c.Ticks, rateBarTick{X: c.Left + i*plotW/4, Label: reportLocalNumber(lang, strconv.Itoa(25*i)) + "%"})
	}
	for i, it := range items {
		y := c.Top + i*rowH
		b := rateBar{Y: y + (rowH-barH)/2, H: barH, TextY: y + rowH/2, Label: shortLabel(it.Label, 34), Value: fmtPercent(lang, it.Rate),
			Title: it.Label + ": " + fmtRate(lang, it.Rate)}
		p, ok := it.Rate.Percent()
		if !ok {
			b.Empty = true
		} else {
			b.W = int(math.Round(float64(plotW) * p / 100))
			b.ValueX = c.Left + b.W
			b.Fill = "#1e6b3a"
			if p < warnBelow {
				b.Fill = "#b3261e"
			}
		}
		c.Bars = append(c.Bars, b)
	}
	return c
}

// shortLabel cuts a label to n letters with an ellipsis, for a chart's margin.
func shortLabel(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// niceCeiling rounds a chart's top up to 1, 2 or 5 times a power of ten.
func niceCeiling(n int64) int64 {
	step := int64(1)
	for step*10 <= n {
		step *= 10
	}
	for _, k := range []int64{1, 2, 5, 10} {
		if k*step >= n {
			return k * step
		}
	}
	return 10 * step
}

// figureKey and ruleKey are the i18n keys of a figure's label and of its rule.
func figureKey(key string) string { return "report.fig." + key }
func ruleKey(key string) string   { return "report.rule." + key }
