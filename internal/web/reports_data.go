package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/report"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
)

// reportQuery is what a report shows: a unit with its subtree (or, for the system
// administrator, every unit) over a period, and how the breakdown is sorted.
type reportQuery struct {
	Unit   unit.Unit // zero when All
	All    bool
	Period report.Period
	Sort   string            // breakdown order: "", "rate", "late", "overdue", "received"
	Form   map[string]string // the query as typed, to put back in the form
	// Predecessors are the retired units whose figures are the unit's
	// (store.Predecessors); Viewer is the official asking.
	Predecessors []unit.Unit
	Viewer       auth.Actor
}

// reportSorts are the breakdown's orders besides the tree order.
var reportSorts = []string{"rate", "late", "overdue", "received"}

// reportAll is the unit_id of "every unit" (system administrator only).
const reportAll = "all"

// reportFormKeys are the query parameters of a report.
var reportFormKeys = []string{"unit_id", "period", "year", "month", "quarter", "months", "from", "to", "sort"}

// readReportQuery reads the unit and the period. An official without ViewReports
// anywhere is forbidden; a unit outside their scope is not found, so its existence is
// not revealed. Period errors are field errors; the unit and form are still returned so
// the page can show them.
func (s *Server) readReportQuery(r *http.Request) (reportQuery, error) {
	a := actor(r)
	q := r.URL.Query()
	rq := reportQuery{Form: map[string]string{}, Viewer: a}
	for _, k := range reportFormKeys {
		rq.Form[k] = strings.TrimSpace(q.Get(k))
	}
	paths, ok := viewScope(a, auth.ViewReports)
	if !ok {
		return rq, failure.New(failure.Forbidden, "", "error.forbidden")
	}
	id := rq.Form["unit_id"]
	switch {
	case id == reportAll && a.SystemAdmin:
		rq.All = true
	case id == "" && len(paths) == 0: // the system administrator: the only root, or all
		roots, err := s.db.ListUnits(r.Context(), store.UnitFilter{Kinds: []unit.Kind{unit.Province, unit.City}, Limit: 2})
		if err != nil {
			return rq, err
		}
		if len(roots) == 1 {
			rq.Unit = roots[0]
		} else {
			rq.All = true
		}
	default:
		if id == "" {
			id = reportPathUnitID(paths[0])
		}
		u, err := s.db.Unit(r.Context(), id)
		if err != nil {
			return rq, failure.New(failure.NotFound, "", "error.not_found")
		}
		if ok, err := s.canViewUnit(r.Context(), a, auth.ViewReports, u.Path); err != nil || !ok {
			if err != nil {
				return rq, err
			}
			return rq, failure.New(failure.NotFound, "", "error.not_found")
		}
		rq.Unit = u
	}
	if !rq.All {
		var err error
		if rq.Predecessors, err = s.predecessorsOf(r.Context(), rq.Unit); err != nil {
			return rq, err
		}
	}
	if slices.Contains(reportSorts, rq.Form["sort"]) {
		rq.Sort = rq.Form["sort"]
	}
	p, err := report.ParsePeriod(report.PeriodInput{Kind: rq.Form["period"], Year: rq.Form["year"], Month: rq.Form["month"],
		Quarter: rq.Form["quarter"], Months: rq.Form["months"], From: rq.Form["from"], To: rq.Form["to"]}, s.reportToday())
	rq.Period = p
	return rq, err
}

// reportPathIDs lists the units of a materialised path "/a/b/c/", root first.
func reportPathIDs(path string) []string { return strings.Split(strings.Trim(path, "/"), "/") }

// reportPathUnitID is the last unit of a materialised path.
func reportPathUnitID(path string) string {
	ids := reportPathIDs(path)
	return ids[len(ids)-1]
}

// reportToday is today in Vietnam, by the server's clock.
func (s *Server) reportToday() calendar.Date { return calendar.DateOf(s.cfg.Now()) }

// unitID is the query's unit_id value.
func (rq reportQuery) unitID() string {
	if rq.All {
		return reportAll
	}
	return rq.Unit.ID
}

// values encodes the query (unit, period, sort) for links; the default "this month so
// far" becomes its fixed range so a link keeps its meaning tomorrow.
func (rq reportQuery) values() url.Values {
	v := url.Values{"unit_id": {rq.unitID()}}
	p := rq.Period
	kind := p.Kind
	if p.SoFar {
		kind = report.PeriodRange
	}
	v.Set("period", string(kind))
	switch kind {
	case report.PeriodMonth:
		v.Set("year", strconv.Itoa(p.Year))
		v.Set("month", strconv.Itoa(p.Month))
	case report.PeriodQuarter:
		v.Set("year", strconv.Itoa(p.Year))
		v.Set("quarter", strconv.Itoa(p.Quarter))
	case report.PeriodYear:
		v.Set("year", strconv.Itoa(p.Year))
	case report.PeriodMonths:
		v.Set("year", strconv.Itoa(p.Year))
		v.Set("months", strconv.Itoa(p.Months))
	default:
		v.Set("from", p.From.String())
		v.Set("to", p.To.String())
	}
	if rq.Sort != "" {
		v.Set("sort", rq.Sort)
	}
	return v
}

// with returns the query for another unit, period or order, as a /reports link.
func (rq reportQuery) link(path string, change func(v url.Values)) string {
	v := rq.values()
	if change != nil {
		change(v)
	}
	return path + "?" + v.Encode()
}

// reportResult holds every number a report shows; the page, the exports and the API
// are all made from one.
type reportResult struct {
	Query    reportQuery
	Today    calendar.Date
	CountAt  calendar.Date // the day in-progress is counted at: the period's end, or today
	Stats    report.Stats
	Children []childStats
	Trend    []monthStats
	Timing   reportTiming
}

// childStats is one row of the breakdown: a child unit with its subtree, or (Rest) what
// the unit received itself, outside every child.
type childStats struct {
	Unit  unit.Unit
	Rest  bool
	Stats report.Stats
}

// monthStats is one month of the trend; Future months (starting after today) have none.
type monthStats struct {
	Period report.Period
	Future bool
	Stats  report.Stats
}

// reportTiming records how long each part took, for the page's footer and the logs.
type reportTiming struct {
	Total, Headline, Children, Trend time.Duration
}

// statsQuery selects a subtree (nil paths: everything) over a period, with in-progress
// figures counted at today at the latest.
func (s *Server) statsQuery(under []string, p report.Period) store.StatsQuery {
	return store.StatsQuery{Under: under, From: p.Start(), To: p.End(), Today: s.cfg.Now()}
}

// statsOf computes the figures of a subtree over a period.
func (s *Server) statsOf(ctx context.Context, under []string, p report.Period) (report.Stats, error) {
	return s.db.Stats(ctx, s.statsQuery(under, p))
}

// under is the query's subtree for the store.
func (rq reportQuery) under() []string {
	if rq.All {
		return nil
	}
	return lineagePaths(rq.Unit, rq.Predecessors)
}

// buildReport computes a report: the unit's figures and, when asked, its breakdown by
// child unit and its month-by-month trend for the period's year.
func (s *Server) buildReport(ctx context.Context, rq reportQuery, children, trend bool) (*reportResult, error) {
	start := time.Now()
	today := s.reportToday()
	res := &reportResult{Query: rq, Today: today, CountAt: rq.Period.To}
	if today.Before(res.CountAt) {
		res.CountAt = today
	}
	var err error
	if res.Stats, err = s.statsOf(ctx, rq.under(), rq.Period); err != nil {
		return nil, err
	}
	res.Timing.Headline = time.Since(start)
	if children {
		t := time.Now()
		if res.Children, err = s.childrenStats(ctx, rq); err != nil {
			return nil, err
		}
		res.Timing.Children = time.Since(t)
	}
	if trend {
		t := time.Now()
		if res.Trend, err = s.trendStats(ctx, rq); err != nil {
			return nil, err
		}
		res.Timing.Trend = time.Since(t)
	}
	res.Timing.Total = time.Since(start)
	return res, nil
}

// childrenStats computes the figures of each child unit from the figures of every
// receiving agency below the unit (store.StatsByUnit: a few grouped queries, however many
// children), each agency counted in the child its path passes through. Children that
// hold no figures are left out when they did not exist during the period (the 148
// communes of 2025 in a 2022 report) or are agencies (a steering committee receives no
// dossiers); a commune without dossiers stays, with its zeros. What the unit holds
// outside its children (dossiers received by the unit itself) becomes a last row, so the
// rows always add up to the total.
func (s *Server) childrenStats(ctx context.Context, rq reportQuery) ([]childStats, error) {
	rows, err := s.reportRowsOf(ctx, rq)
	if err != nil {
		return nil, err
	}
	return s.childrenStatsOf(ctx, rq, rows)
}

// childrenStatsOf is childrenStats over rows already listed.
func (s *Server) childrenStatsOf(ctx context.Context, rq reportQuery, rows *reportRows) ([]childStats, error) {
	units := rows.Units
	per, err := s.db.StatsByUnit(ctx, s.statsQuery(rq.under(), rq.Period))
	if err != nil {
		return nil, err
	}
	stats := make([]report.Stats, len(units))
	var rest report.Stats
	for id, st := range per {
		if i := rows.rowOf(id); i >= 0 {
			stats[i] = stats[i].Plus(st)
		} else {
			rest = rest.Plus(st)
		}
	}
	var out []childStats
	for i, u := range units {
		if breakdownShows(u, rq.Period, !stats[i].IsZero()) {
			out = append(out, childStats{Unit: u, Stats: stats[i]})
		}
	}
	// Administrative units by their statistics code, as official lists order them, then
	// the unit's own agencies by name.
	slices.SortStableFunc(out, func(a, b childStats) int {
		if a, b := a.Unit.Kind.IsAgency(), b.Unit.Kind.IsAgency(); a != b {
			if b {
				return -1
			}
			return 1
		}
		if a.Unit.Kind.IsAgency() {
			return strings.Compare(a.Unit.Name, b.Unit.Name)
		}
		return strings.Compare(a.Unit.Code, b.Unit.Code)
	})
	if !rest.IsZero() && !rq.All {
		out = append(out, childStats{Unit: rq.Unit, Rest: true, Stats: rest})
	}
	return out, nil
}

// trendStats computes each month of the period's last year in one pass over the monthly
// rollup (store.StatsByMonth); months after today are left empty.
func (s *Server) trendStats(ctx context.Context, rq reportQuery) ([]monthStats, error) {
	year := rq.Period.To.Year
	months, started, err := s.db.StatsByMonth(ctx, rq.under(), year, s.cfg.Now())
	if err != nil {
		return nil, err
	}
	out := make([]monthStats, 12)
	for i := range out {
		out[i] = monthStats{Period: report.MonthPeriod(year, time.Month(i+1)), Future: !started[i], Stats: months[i]}
	}
	return out, nil
}

// sortChildren orders the breakdown: by on-time rate (best first, units without
// dossiers last), by late results, by overdue dossiers in progress or by dossiers
// received (most first); ties and the default keep the tree order. The rest row stays
// last.
func sortChildren(rows []childStats, by string) {
	key := func(c childStats) (float64, bool) {
		s := c.Stats
		switch by {
		case "rate":
			p, ok := s.OnTimeRate().Percent()
			return p, ok
		case "late":
			return float64(s.ResolvedLate), true
		case "overdue":
			return float64(s.InProgressOverdue), true
		case "received":
			return float64(s.Received()), true
		}
		return 0, false
	}
	if by == "" {
		return
	}
	slices.SortStableFunc(rows, func(a, b childStats) int {
		if a.Rest != b.Rest {
			if a.Rest {
				return 1
			}
			return -1
		}
		ka, oka := key(a)
		kb, okb := key(b)
		switch {
		case oka != okb:
			if oka {
				return -1
			}
			return 1
		case ka > kb:
			return -1
		case ka < kb:
			return 1
		}
		return 0
	})
}
