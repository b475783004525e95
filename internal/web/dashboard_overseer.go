package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/notify"
	"github.com/motcua/motcua/internal/portal"
	"github.com/motcua/motcua/internal/report"
	"github.com/motcua/motcua/internal/store"
)

// The overseer's dashboard (issue 7, parts 3 and 6): a district's or province's subtree
// over a period (this month so far unless chosen), as the reports choose units and
// periods, including the figures of the units it succeeded. Tiles for the subtree; every
// unit below ranked by on-time rate, late results, satisfaction or stale progress with the
// change from the previous period (▲▼); the on-time rate per unit and the month-by-month
// trend as SVG; the late and stale dossiers; each unit leads to its own dashboard, and an
// agency to its register, down to the dossiers.

// dashSorts are the rankings the dashboard offers, the first by default.
var dashSorts = []string{"rate", "late", "satisfaction", "stale"}

// dashListLimit bounds the late and stale lists on the page.
const dashListLimit = 20

// dashBarLimit is how many units the rate chart draws; beyond, the lowest rates.
const dashBarLimit = 40

// rankRow is one unit of the ranking table.
type rankRow struct {
	Rank                           int
	Name, Kind, URL, RegisterURL   string
	Rest                           bool
	Received                       string
	RatePercent, RateText          string
	RateChange                     *changeView
	Late                           string
	LateCount                      int64
	LateChange                     *changeView
	OverdueNow, Stale, Expired     int64
	Satisfaction, SatisfactionText string
	SatisfactionChange             *changeView
}

// lateRow is a late dossier of the period.
type lateRow struct {
	Code, Procedure, Applicant, Agency, URL string
	Due                                     time.Time
	Resolved                                bool // resolved late, else open past its appointment
}

// staleRow is a stale step.
type staleRow struct {
	Code, Procedure, Unit, Idle, URL string
	Due                              time.Time
}

// dashUnitFigures are one row's figures.
type dashUnitFigures struct {
	Stats, Prev         report.Stats
	OverdueNow          int64
	Ratings, PrevRating portal.Summary
	Stale, Expired      int64
}

func (s *Server) dashboardPage(w http.ResponseWriter, r *http.Request) {
	rq, p, invalid, ok := s.reportFormPage(w, r, "dashboard.title", "/dashboard")
	if !ok {
		return
	}
	data := p.Data.(map[string]any)
	if invalid {
		s.render(w, r, http.StatusBadRequest, "dashboard", p)
		return
	}
	sort := r.URL.Query().Get("sort")
	if !slices.Contains(dashSorts, sort) {
		sort = dashSorts[0]
	}
	rq.Sort, p.Form["sort"] = sort, sort
	start := time.Now()
	v, err := s.overseerView(r.Context(), p.Lang, rq, sort)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	v.Millis = fmt.Sprintf("%.0f", float64(time.Since(start).Microseconds())/1000)
	s.logger(r).Info("dashboard", "unit", rq.unitID(), "from", rq.Period.From.String(), "to", rq.Period.To.String(),
		"rows", len(v.Rows), "ms", v.Millis)
	for k, vals := range rq.values() {
		if k != "unit_id" {
			p.Form[k] = vals[0]
		}
	}
	p.Title = s.i18n.T(p.Lang, "dashboard.title_of", v.UnitName)
	data["V"] = v
	data["Crumbs"] = s.dashboardCrumbs(r, rq)
	s.render(w, r, http.StatusOK, "dashboard", p)
}

// overseerViewT is everything the dashboard page shows.
type overseerViewT struct {
	UnitName, Period, PrevPeriod string
	Tiles                        []dashTile
	Rows                         []rankRow
	Sort                         string
	SortLinks                    map[string]string
	Bars                         *rateBarChart
	Chart                        *trendChart
	Trend                        []trendRow
	TrendYear                    int
	Late                         []lateRow
	LateTotal                    int
	LateURL                      string
	Stale                        []staleRow
	StaleTotal                   int
	StaleURL                     string
	Quick                        []quickPeriod
	ReportURL                    string
	Millis                       string
}

// overseerView computes the dashboard of rq's unit and period, ranked by sort.
func (s *Server) overseerView(ctx context.Context, lang string, rq reportQuery, sort string) (*overseerViewT, error) {
	now := s.cfg.Now()
	under := rq.under()
	rows, err := s.reportRowsOf(ctx, rq)
	if err != nil {
		return nil, err
	}
	// One monitoring pass for the stale counts and list.
	watches, err := notify.Find(ctx, s.db, store.WatchFilter{Under: under}, now, true)
	if err != nil {
		return nil, err
	}
	list, figs, err := s.rowFigures(ctx, rq, rows, watches)
	if err != nil {
		return nil, err
	}
	// The subtree's totals.
	var tot dashUnitFigures
	for _, f := range figs {
		addSummary(&tot.Ratings, f.Ratings)
		addSummary(&tot.PrevRating, f.PrevRating)
		tot.OverdueNow, tot.Stale, tot.Expired = tot.OverdueNow+f.OverdueNow, tot.Stale+f.Stale, tot.Expired+f.Expired
	}
	if tot.Stats, err = s.statsOf(ctx, under, rq.Period); err != nil {
		return nil, err
	}
	prevP := report.PreviousPeriod(rq.Period)
	if tot.Prev, err = s.statsOf(ctx, under, prevP); err != nil {
		return nil, err
	}
	v := &overseerViewT{UnitName: s.reportUnitName(lang, rq), Period: s.periodLabel(lang, rq.Period),
		PrevPeriod: s.periodLabel(lang, prevP), Sort: sort, SortLinks: map[string]string{},
		Quick: s.quickPeriods(lang, rq, "/dashboard"), ReportURL: rq.link("/reports", nil), TrendYear: rq.Period.To.Year}
	for _, k := range dashSorts {
		v.SortLinks[k] = rq.link("/dashboard", func(q url.Values) { q.Set("sort", k) })
	}
	v.Tiles = s.overseerTiles(lang, rq, tot)
	v.Rows, v.Bars = s.rankRows(lang, rq, list, figs, sort, tot.Stats.OnTimeRate())
	months, err := s.trendStats(ctx, rq)
	if err != nil {
		return nil, err
	}
	v.Chart, v.Trend = s.trend(lang, months)
	if err := s.lateList(ctx, lang, rq, rows, now, watches, v); err != nil {
		return nil, err
	}
	return v, nil
}

// addSummary adds one rating summary to another.
func addSummary(to *portal.Summary, from portal.Summary) {
	for l, n := range from.Counts {
		to.Add(l, n)
	}
}

// rowFigures computes each row's figures: the period and the one before from the
// rollups, in progress past the appointment today, ratings of both periods, stale steps
// now and expired procedures still published. The rows listed are those of the
// breakdown (childrenStatsOf: units that existed in the period or hold figures, and the
// rest); figures are keyed by unit ID, the rest by "".
func (s *Server) rowFigures(ctx context.Context, rq reportQuery, rows *reportRows, watches []notify.Watch) ([]childStats,
	map[string]*dashUnitFigures, error) {
	list, err := s.childrenStatsOf(ctx, rq, rows)
	if err != nil {
		return nil, nil, err
	}
	figs := map[string]*dashUnitFigures{}
	key := func(c childStats) string {
		if c.Rest {
			return ""
		}
		return c.Unit.ID
	}
	for _, c := range list {
		figs[key(c)] = &dashUnitFigures{Stats: c.Stats}
	}
	// A row that holds a figure is shown even when it did not exist in the period (a
	// commune of today with stale steps, in a report on 2022), as the breakdown does.
	at := func(i int) *dashUnitFigures {
		c := childStats{Unit: rq.Unit, Rest: true}
		if i >= 0 {
			c = childStats{Unit: rows.Units[i]}
		}
		f := figs[key(c)]
		if f == nil {
			f = &dashUnitFigures{}
			figs[key(c)] = f
			list = append(list, c)
		}
		return f
	}
	// In progress past the appointment today.
	nowQ := rq
	nowQ.Period = report.RangePeriod(s.reportToday(), s.reportToday())
	now, err := s.childrenStatsOf(ctx, nowQ, rows)
	if err != nil {
		return nil, nil, err
	}
	for _, c := range now {
		if n := c.Stats.InProgressOverdue; n > 0 {
			i := -1
			if !c.Rest {
				i = rows.index[c.Unit.ID]
			}
			at(i).OverdueNow = n
		}
	}
	under := rq.under()
	for _, x := range []struct {
		p   report.Period
		set func(f *dashUnitFigures) *portal.Summary
	}{
		{rq.Period, func(f *dashUnitFigures) *portal.Summary { return &f.Ratings }},
		{report.PreviousPeriod(rq.Period), func(f *dashUnitFigures) *portal.Summary { return &f.PrevRating }},
	} {
		by, err := s.db.RatingsByUnit(ctx, under, x.p.Start(), x.p.To.AddDays(1).Start())
		if err != nil {
			return nil, nil, err
		}
		for id, sum := range by {
			addSummary(x.set(at(rows.rowOf(id))), sum)
		}
	}
	for _, w := range watches {
		if w.Stale {
			at(rows.rowOfPath(w.StepUnitPath)).Stale++
		}
	}
	pubs, err := s.db.StalePublications(ctx, store.PublicationFilter{Under: under}, s.today())
	if err != nil {
		return nil, nil, err
	}
	for _, p := range pubs {
		at(rows.rowOfPath(p.UnitPath)).Expired++
	}
	// The previous period's figures of the rows shown.
	prevQ := rq
	prevQ.Period = report.PreviousPeriod(rq.Period)
	prev, err := s.childrenStatsOf(ctx, prevQ, rows)
	if err != nil {
		return nil, nil, err
	}
	for _, c := range prev {
		if f := figs[key(c)]; f != nil {
			f.Prev = c.Stats
		}
	}
	return list, figs, nil
}

// overseerTiles lays out the subtree's tiles, each linked to its list.
func (s *Server) overseerTiles(lang string, rq reportQuery, tot dashUnitFigures) []dashTile {
	t := func(key string, args ...any) string { return s.i18n.T(lang, key, args...) }
	st, prev := tot.Stats, tot.Prev
	reads := !rq.All && rq.Viewer.Can(auth.ViewDossiers, rq.Unit.Path)
	received := dashTile{Key: "dashboard.tile.received", Value: fmtCount(lang, st.Received()), URL: rq.link("/reports", nil),
		Sub:    t("dashboard.previous", fmtCount(lang, prev.Received())),
		Change: s.countChangeView(lang, report.CountChange(st.Received(), prev.Received()), "dashboard.vs_previous", true)}
	if received.Change != nil {
		received.Change.Good, received.Change.Bad = false, false // more dossiers is neither
	}
	overdue := dashTile{Key: "dashboard.tile.overdue_now", Value: fmtCount(lang, tot.OverdueNow), Warn: tot.OverdueNow > 0,
		Sub: t("dashboard.overdue_now_rule"), URL: "#late"}
	if reads {
		v := url.Values{"overdue": {"1"}}
		if rq.Unit.Kind.IsAgency() {
			v.Set("unit_id", rq.Unit.ID)
		}
		overdue.URL = "/dossiers/register?" + v.Encode()
		if received.URL = dashRegisterURL(rq.Unit, rq.Period); !rq.Unit.Kind.IsAgency() {
			received.URL = rq.link("/reports", nil)
		}
	}
	ratingsURL := ""
	if !rq.All {
		ratingsURL = "/dashboard/ratings?" + url.Values{"unit_id": {rq.Unit.ID}}.Encode()
	}
	return []dashTile{
		received,
		{Key: "dashboard.tile.on_time_rate", Value: fmtPercent(lang, st.OnTimeRate()), URL: rq.link("/reports", nil),
			Sub:    t("dashboard.rate_previous", fmtRate(lang, st.OnTimeRate()), fmtPercent(lang, prev.OnTimeRate())),
			Change: s.rateChangeView(lang, report.RateChange(st.OnTimeRate(), prev.OnTimeRate()), "dashboard.vs_previous_points")},
		{Key: "dashboard.tile.late", Value: fmtCount(lang, st.ResolvedLate), URL: "#late", Warn: st.ResolvedLate > 0,
			Sub:    t("dashboard.previous", fmtCount(lang, prev.ResolvedLate)),
			Change: s.countChangeView(lang, report.CountChange(st.ResolvedLate, prev.ResolvedLate), "dashboard.vs_previous", false)},
		overdue,
		{Key: "dashboard.tile.stale_now", Value: fmtCount(lang, tot.Stale), URL: dashMonitorURL(rq), Warn: tot.Stale > 0,
			Sub: t("dashboard.stale_rule")},
		{Key: "dashboard.tile.satisfaction_period", Value: fmtPercent(lang, tot.Ratings.Rate()), URL: ratingsURL,
			Sub: t("dashboard.satisfaction_sub", fmtCount(lang, tot.Ratings.Rate().Num), fmtCount(lang, int64(tot.Ratings.Total))),
			Change: s.rateChangeView(lang, report.RateChange(tot.Ratings.Rate(), tot.PrevRating.Rate()),
				"dashboard.vs_previous_points")},
		{Key: "dashboard.tile.expired", Value: fmtCount(lang, tot.Expired), URL: "/procedures", Warn: tot.Expired > 0,
			Sub: t("dashboard.expired_rule")},
	}
}

// rankRows ranks the rows by sort and lays them out, with the chart of on-time rates;
// overall is the subtree's rate, below which a bar is red.
func (s *Server) rankRows(lang string, rq reportQuery, list []childStats, figs map[string]*dashUnitFigures, sort string,
	overall report.Rate) ([]rankRow, *rateBarChart) {
	var units []childStats
	var rest *childStats
	for i := range list {
		if list[i].Rest {
			rest = &list[i]
		} else {
			units = append(units, list[i])
		}
	}
	fig := func(c childStats) *dashUnitFigures {
		if c.Rest {
			return figs[""]
		}
		return figs[c.Unit.ID]
	}
	value := func(i int) (float64, bool) {
		f := fig(units[i])
		switch sort {
		case "late":
			return float64(f.Stats.ResolvedLate), true
		case "satisfaction":
			return f.Ratings.Rate().Percent()
		case "stale":
			return float64(f.Stale), true
		}
		return f.Stats.OnTimeRate().Percent()
	}
	ranks, order := report.Rank(len(units), value, sort == "rate" || sort == "satisfaction")
	var out []rankRow
	for _, i := range order {
		out = append(out, s.rankRow(lang, rq, units[i], fig(units[i]), ranks[i]))
	}
	if rest != nil {
		out = append(out, s.rankRow(lang, rq, *rest, fig(*rest), 0))
	}
	// The chart: best rate first; beyond dashBarLimit units, the lowest.
	_, rateOrder := report.Rank(len(units), func(i int) (float64, bool) { return fig(units[i]).Stats.OnTimeRate().Percent() }, true)
	caption := s.i18n.T(lang, "dashboard.bars_caption", fmtPercent(lang, overall))
	if len(rateOrder) > dashBarLimit {
		rateOrder = rateOrder[len(rateOrder)-dashBarLimit:]
		caption = s.i18n.T(lang, "dashboard.bars_caption_lowest", dashBarLimit, fmtPercent(lang, overall))
	}
	var items []rateBarItem
	for _, i := range rateOrder {
		items = append(items, rateBarItem{Label: units[i].Unit.Name, Rate: fig(units[i]).Stats.OnTimeRate()})
	}
	warn, _ := overall.Percent()
	return out, s.rateBars(lang, "rates", caption, items, warn)
}

// rankRow lays out one row of the ranking.
func (s *Server) rankRow(lang string, rq reportQuery, c childStats, f *dashUnitFigures, rank int) rankRow {
	st := c.Stats
	row := rankRow{Rank: rank, Name: c.Unit.Name, Kind: s.i18n.T(lang, "kind."+string(c.Unit.Kind)), Rest: c.Rest,
		Received: fmtCount(lang, st.Received()), RatePercent: fmtPercent(lang, st.OnTimeRate()),
		RateText:   fmtRate(lang, st.OnTimeRate()),
		RateChange: s.rateChangeView(lang, report.RateChange(st.OnTimeRate(), f.Prev.OnTimeRate()), "dashboard.vs_previous_points"),
		Late:       fmtCount(lang, st.ResolvedLate), LateCount: st.ResolvedLate,
		LateChange: s.countChangeView(lang, report.CountChange(st.ResolvedLate, f.Prev.ResolvedLate), "dashboard.vs_previous", false),
		OverdueNow: f.OverdueNow, Stale: f.Stale, Expired: f.Expired,
		Satisfaction:     fmtPercent(lang, f.Ratings.Rate()),
		SatisfactionText: fmtCount(lang, f.Ratings.Rate().Num) + " / " + fmtCount(lang, int64(f.Ratings.Total)),
		SatisfactionChange: s.rateChangeView(lang, report.RateChange(f.Ratings.Rate(), f.PrevRating.Rate()),
			"dashboard.vs_previous_points")}
	switch {
	case c.Rest:
		row.Name = s.i18n.T(lang, "dashboard.rest_row", c.Unit.Name)
	case c.Unit.Kind.IsAgency():
		if rq.Viewer.Can(auth.ViewDossiers, c.Unit.Path) {
			row.RegisterURL = reportRegisterURL(c.Unit.ID, rq.Period)
		}
	default:
		row.URL = rq.link("/dashboard", func(v url.Values) { v.Set("unit_id", c.Unit.ID) })
	}
	return row
}

// lateList fills the late dossiers of the period (received in it and resolved late or
// open past their appointment now) and the stale steps now.
func (s *Server) lateList(ctx context.Context, lang string, rq reportQuery, rows *reportRows, now time.Time,
	watches []notify.Watch, v *overseerViewT) error {
	under := rq.under()
	list, n, err := s.db.LateDossiers(ctx, store.LateQuery{Under: under, From: rq.Period.Start(),
		To: rq.Period.To.AddDays(1).Start(), Now: now, Limit: dashListLimit})
	if err != nil {
		return err
	}
	v.LateTotal = n
	reads := func(unitID string) bool {
		p, ok := rows.paths[unitID]
		return ok && rq.Viewer.Can(auth.ViewDossiers, p)
	}
	for _, d := range list {
		r := lateRow{Code: d.Code, Procedure: d.ProcedureName, Applicant: d.Applicant.Name, Agency: rows.names[d.UnitID],
			Due: d.Due, Resolved: d.Timeliness == "late"}
		if reads(d.UnitID) {
			r.URL = "/dossiers/" + d.ID
		}
		v.Late = append(v.Late, r)
	}
	if !rq.All && rq.Viewer.Can(auth.ViewDossiers, rq.Unit.Path) && rq.Unit.Kind.IsAgency() {
		v.LateURL = reportRegisterURL(rq.Unit.ID, rq.Period)
	}
	v.StaleURL = dashMonitorURL(rq)
	for _, w := range watches {
		if !w.Stale {
			continue
		}
		if v.StaleTotal++; len(v.Stale) < dashListLimit {
			r := staleRow{Code: w.Code, Procedure: w.ProcedureName, Unit: w.StepUnitName, Due: w.Due,
				Idle: workingTime(lang, w.Idle)}
			if reads(w.UnitID) {
				r.URL = "/dossiers/" + w.DossierID
			}
			v.Stale = append(v.Stale, r)
		}
	}
	return nil
}

// dashboardCrumbs are the report's crumbs pointing at dashboards.
func (s *Server) dashboardCrumbs(r *http.Request, rq reportQuery) []reportCrumb {
	crumbs := s.reportCrumbs(r, rq)
	for i := range crumbs {
		if u, err := url.Parse(crumbs[i].URL); err == nil {
			crumbs[i].URL = "/dashboard?" + u.RawQuery
		}
	}
	return crumbs
}

// dashMonitorURL is the monitoring page narrowed to the unit where the official oversees
// it directly (the monitoring reads the official's own units).
func dashMonitorURL(rq reportQuery) string {
	if rq.All || !rq.Viewer.Can(auth.ViewReports, rq.Unit.Path) {
		return "/monitor"
	}
	return "/monitor?" + url.Values{"unit": {rq.Unit.Path}}.Encode()
}
