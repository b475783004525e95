package web

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/qms"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
)

// Quality objectives (issue 8, part 2): a unit's objectives of a year with their monthly
// results, and each objective's page with its table, chart, manual results and edit form.

// resultCell is one month of an objective as a table shows it.
type resultCell struct {
	qms.Result
	Text  string // the value, or "—"
	Parts string // "26.243/26.298" for a rate
	Class string // "met", "missed", "provisional" or ""
}

// objectiveView is an objective with its year's results.
type objectiveView struct {
	store.ObjectiveRow
	Target   string // "≥ 98%"
	Cells    []resultCell
	Missed   int         // months missed
	Last     *resultCell // the latest month with a known result
	Chart    objectiveChart
	Editable bool
}

// formatValue writes a result or target in the reader's language: rates with one or two
// decimals and a per cent sign, counts without decimals when whole.
func formatValue(lang string, v float64, m qms.Measure, label string, decimals int) string {
	var s string
	switch {
	case m.Percent():
		s = strconv.FormatFloat(v, 'f', decimals, 64) + "%"
	case v == math.Trunc(v):
		s = strconv.FormatFloat(v, 'f', 0, 64)
	default:
		s = strconv.FormatFloat(v, 'f', -1, 64)
	}
	if lang == "vi" {
		s = strings.Replace(s, ".", ",", 1)
	}
	if label != "" && label != "%" {
		s += " " + label
	}
	return s
}

func (s *Server) objectiveView(lang string, o store.ObjectiveRow, results []qms.Result) objectiveView {
	v := objectiveView{ObjectiveRow: o,
		Target: o.Comparison.Symbol() + " " + formatValue(lang, o.Target, o.Measure, o.UnitLabel, 1)}
	for _, r := range results {
		c := resultCell{Result: r, Text: "—"}
		if r.Known {
			c.Text = formatValue(lang, r.Value, o.Measure, "", 1)
			if r.Den > 0 {
				c.Parts = number(lang, r.Num) + "/" + number(lang, r.Den)
			}
			switch {
			case r.Missed:
				c.Class = "missed"
				v.Missed++
			case !r.Over:
				c.Class = "provisional"
			case r.Met:
				c.Class = "met"
			}
		}
		v.Cells = append(v.Cells, c)
	}
	for i := len(v.Cells) - 1; i >= 0; i-- {
		if v.Cells[i].Known {
			v.Last = &v.Cells[i]
			break
		}
	}
	v.Chart = chartOf(lang, o, v.Cells)
	return v
}

// objectiveViews measures a unit's objectives of a year.
func (s *Server) objectiveViews(r *http.Request, unitID string, year int) ([]objectiveView, error) {
	list, err := s.db.Objectives(r.Context(), unitID, year)
	if err != nil {
		return nil, err
	}
	out := make([]objectiveView, 0, len(list))
	for _, o := range list {
		rs, err := s.db.ObjectiveResults(r.Context(), o, s.today())
		if err != nil {
			return nil, err
		}
		out = append(out, s.objectiveView(s.lang(r), o, rs))
	}
	return out, nil
}

// yearParam reads ?year=, the unit's year by default (unitYear).
func (s *Server) yearParam(r *http.Request, u unit.Unit) int {
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && y >= 2000 && y <= 2200 {
		return y
	}
	return s.unitYear(u)
}

// unitYear is the year a unit's QMS pages show first: this year, or the last year of a
// unit that has ended (a commune merged on 1 July 2025 shows 2025).
func (s *Server) unitYear(u unit.Unit) int {
	year := s.cfg.Now().In(vnZone).Year()
	if u.Retired(s.today()) {
		last, _ := time.Parse(unit.DateLayout, u.ValidTo.String())
		year = min(year, last.AddDate(0, 0, -1).Year())
	}
	return year
}

func (s *Server) qmsObjectives(w http.ResponseWriter, r *http.Request) {
	u, acc, ok := s.loadQMSUnit(w, r, auth.ViewQMS)
	if !ok {
		return
	}
	p := s.qmsPage(r, "qms.objectives", u, "objectives")
	year := s.yearParam(r, u)
	p.Form = map[string]string{"year": strconv.Itoa(year), "measure": string(qms.OnTimeRate), "comparison": string(qms.AtLeast)}
	s.qmsObjectivesPage(w, r, http.StatusOK, p, u, acc, year)
}

func (s *Server) qmsObjectivesPage(w http.ResponseWriter, r *http.Request, status int, p *page, u unit.Unit, acc qmsAccess, year int) {
	views, err := s.objectiveViews(r, u.ID, year)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	data := p.data()
	data["Access"], data["Year"], data["Objectives"] = acc, year, views
	data["Prev"], data["Next"] = year-1, year+1
	data["Measures"], data["Comparisons"], data["Months"] = qms.Measures, qms.Comparisons, qms.YearMonths(year)
	s.render(w, r, status, "qms_objectives", p)
}

// objectiveForm reads an objective's fields from the posted form. A target that is not a
// number reads as NaN, which validation refuses.
func objectiveForm(r *http.Request) (qms.Objective, map[string]string) {
	form := map[string]string{}
	for _, k := range []string{"year", "title", "measure", "comparison", "target", "unit_label", "method"} {
		form[k] = r.PostForm.Get(k)
	}
	year, _ := strconv.Atoi(strings.TrimSpace(form["year"]))
	return qms.Objective{Year: year, Title: form["title"], Measure: qms.Measure(form["measure"]),
		Comparison: qms.Comparison(form["comparison"]), Target: parseNumber(form["target"]), UnitLabel: form["unit_label"],
		Method: form["method"]}, form
}

// parseNumber reads a number written with a decimal comma or point; anything else is NaN.
func parseNumber(s string) float64 {
	s = strings.TrimSuffix(strings.TrimSpace(s), "%")
	f, err := strconv.ParseFloat(strings.Replace(strings.TrimSpace(s), ",", ".", 1), 64)
	if err != nil {
		return math.NaN()
	}
	return f
}

func (s *Server) createQMSObjective(w http.ResponseWriter, r *http.Request) {
	u, acc, ok := s.loadQMSUnit(w, r, auth.ManageQMS)
	if !ok || !s.parseForm(w, r) {
		return
	}
	o, form := objectiveForm(r)
	o.UnitID = u.ID
	if err := s.db.CreateObjective(r.Context(), &o, actor(r).UserID); err != nil {
		s.refusedForm(w, r, err, u, "qms.objectives", "objectives", form, func(status int, p *page) {
			year := o.Year
			if year < 2000 || year > 2200 {
				year = s.yearParam(r, u)
			}
			s.qmsObjectivesPage(w, r, status, p, u, acc, year)
		})
		return
	}
	s.flash(r, "qms.objective_created", o.Title)
	http.Redirect(w, r, "/qms/objectives/"+o.ID, http.StatusSeeOther)
}

// loadQMSObjective loads the objective in the path and checks the action on its unit.
func (s *Server) loadQMSObjective(w http.ResponseWriter, r *http.Request, action auth.Action) (store.ObjectiveRow, qmsAccess, bool) {
	o, err := s.db.Objective(r.Context(), r.PathValue("obj"))
	if err != nil {
		s.handleErr(w, r, err)
		return o, qmsAccess{}, false
	}
	a := actor(r)
	if !a.Can(action, o.UnitPath) {
		s.denyRecord(w, r, o.UnitPath, "qms.objective_not_found")
		return o, qmsAccess{}, false
	}
	return o, qmsAccessTo(a, o.UnitPath), true
}

func (s *Server) showQMSObjective(w http.ResponseWriter, r *http.Request) {
	o, acc, ok := s.loadQMSObjective(w, r, auth.ViewQMS)
	if !ok {
		return
	}
	s.qmsObjectivePage(w, r, http.StatusOK, s.newPage(r, "qms.objective"), o, acc)
}

func (s *Server) qmsObjectivePage(w http.ResponseWriter, r *http.Request, status int, p *page, o store.ObjectiveRow, acc qmsAccess) {
	ctx := r.Context()
	u, err := s.db.Unit(ctx, o.UnitID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	rs, err := s.db.ObjectiveResults(ctx, o, s.today())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	trail, err := s.qmsTrail(r, "qms_objective", o.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	view := s.objectiveView(p.Lang, o, rs)
	for i := range view.Cells {
		if c := &view.Cells[i]; c.Known {
			c.Text = formatValue(p.Lang, c.Value, o.Measure, o.UnitLabel, 2)
		}
	}
	if p.Form == nil {
		p.Form = map[string]string{"title": o.Title, "comparison": string(o.Comparison),
			"target": strings.Replace(strconv.FormatFloat(o.Target, 'f', -1, 64), ".", ",", 1), "unit_label": o.UnitLabel,
			"method": o.Method, "month": qms.MonthOf(s.cfg.Now()).Prev().String()}
	}
	p.Active = "nav.qms"
	p.Title = o.Title
	p.Data = map[string]any{"Unit": u, "Tab": "objectives", "O": view, "Access": acc, "Trail": trail,
		"Comparisons": qms.Comparisons, "Months": qms.YearMonths(o.Year), "RaiseNC": acc.Manage}
	s.render(w, r, status, "qms_objective", p)
}

// objectiveStep runs a change on the objective for an official with ManageQMS, and shows
// the page again with the form as typed when it is refused.
func (s *Server) objectiveStep(w http.ResponseWriter, r *http.Request, run func(o store.ObjectiveRow) error, flashKey string) {
	s.objectiveStepTo(w, r, func(o store.ObjectiveRow) (string, error) { return "", run(o) }, flashKey)
}

// objectiveStepTo is objectiveStep for a change that leads elsewhere: run returns the page
// to go to ("" for the objective's).
func (s *Server) objectiveStepTo(w http.ResponseWriter, r *http.Request, run func(o store.ObjectiveRow) (string, error), flashKey string) {
	o, acc, ok := s.loadQMSObjective(w, r, auth.ManageQMS)
	if !ok || !s.parseForm(w, r) {
		return
	}
	target, err := run(o)
	if target == "" {
		target = "/qms/objectives/" + o.ID
	}
	s.stepDone(w, r, err, "qms.objective", func(status int, p *page) {
		s.qmsObjectivePage(w, r, status, p, o, acc)
	}, target, flashKey, o.Title)
}

func (s *Server) updateQMSObjective(w http.ResponseWriter, r *http.Request) {
	s.objectiveStep(w, r, func(o store.ObjectiveRow) error {
		in, _ := objectiveForm(r)
		in.ID = o.ID
		return s.db.UpdateObjective(r.Context(), in, actor(r).UserID)
	}, "qms.objective_saved")
}

func (s *Server) recordQMSObjectiveResult(w http.ResponseWriter, r *http.Request) {
	s.objectiveStep(w, r, func(o store.ObjectiveRow) error {
		m, err := qms.ParseMonth(r.PostForm.Get("month"))
		if err != nil {
			return failure.InvalidField("month", "qms.objective_month_invalid")
		}
		return s.db.RecordObjectiveResult(r.Context(), o.ID, m, parseNumber(r.PostForm.Get("value")), r.PostForm.Get("evidence"),
			actor(r).UserID)
	}, "qms.objective_result_saved")
}

// Chart geometry, in SVG user units: a bar per month over a plot area, the target as a
// dashed line.
const (
	chartLeft   = 48
	chartTop    = 16
	chartPlot   = 160
	chartStep   = 40
	chartBarW   = 26
	chartBottom = 40
)

// chartBar is one month's bar.
type chartBar struct {
	X, Y, H, TextX, TextY int
	Fill, Label, Value    string
}

// objectiveChart is the small server-side SVG chart of an objective's year.
type objectiveChart struct {
	Width, Height   int
	Left, Right     int
	Base, TargetY   int
	Top, Bottom     string // the axis' extreme values
	TopY, BottomY   int
	Bars            []chartBar
	TargetText      string
	Title, Describe string
}

// chartOf lays out the chart: rates from a floor just under the lowest value (or the
// target) up to 100%, counts from 0 up to a fifth above the largest; met months green,
// missed red, months in progress grey, unknown months without a bar.
func chartOf(lang string, o store.ObjectiveRow, cells []resultCell) objectiveChart {
	lo, hi := 0.0, 0.0
	if o.Measure.Percent() {
		lo, hi = o.Target, 100
		for _, c := range cells {
			if c.Known {
				lo = math.Min(lo, c.Value)
			}
		}
		lo = math.Max(0, math.Floor(lo)-2)
	} else {
		hi = o.Target
		for _, c := range cells {
			if c.Known {
				hi = math.Max(hi, c.Value)
			}
		}
		hi = math.Max(1, math.Ceil(hi*1.2))
	}
	y := func(v float64) int {
		v = math.Max(lo, math.Min(hi, v))
		return chartTop + int(math.Round((hi-v)/(hi-lo)*chartPlot))
	}
	ch := objectiveChart{Width: chartLeft + 12*chartStep + 8, Height: chartTop + chartPlot + chartBottom,
		Left: chartLeft, Right: chartLeft + 12*chartStep, Base: chartTop + chartPlot, TargetY: y(o.Target),
		Top: formatValue(lang, hi, o.Measure, "", 0), Bottom: formatValue(lang, lo, o.Measure, "", 0),
		TopY: chartTop + 4, BottomY: chartTop + chartPlot,
		TargetText: o.Comparison.Symbol() + " " + formatValue(lang, o.Target, o.Measure, "", 1)}
	for i, c := range cells {
		b := chartBar{X: chartLeft + i*chartStep + (chartStep-chartBarW)/2, Label: strconv.Itoa(i + 1),
			TextX: chartLeft + i*chartStep + chartStep/2}
		if c.Known {
			top := y(c.Value)
			b.Y, b.H, b.Value, b.TextY = top, max(ch.Base-top, 1), formatValue(lang, c.Value, o.Measure, "", 1), top-3
			switch c.Class {
			case "missed":
				b.Fill = "#b3261e"
			case "provisional":
				b.Fill = "#8a8580"
			default:
				b.Fill = "#1e6b3a"
			}
		}
		ch.Bars = append(ch.Bars, b)
	}
	ch.Describe = fmt.Sprintf("%s %s", o.Title, ch.TargetText)
	return ch
}
