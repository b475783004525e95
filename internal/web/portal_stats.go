package web

import (
	"net/http"
	"strings"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/portal"
	"github.com/motcua/motcua/internal/report"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
)

// statsView is one unit subtree's public figures for a period: the report rollups'
// figures (the same numbers as the internal reports) and the ratings given in the period.
type statsView struct {
	UnitID   string
	UnitName string
	Period   portal.Period
	Stats    report.Stats
	Ratings  portal.Summary
}

// statsFor reads the unit and period of a statistics request and computes the figures.
// No unit means every unit.
func (s *Server) statsFor(r *http.Request) (statsView, error) {
	q := r.URL.Query()
	period, err := portal.ParsePeriod(q.Get("period"), q.Get("value"), q.Get("from"), q.Get("to"), s.cfg.Now())
	if err != nil {
		return statsView{}, err
	}
	v := statsView{Period: period, UnitName: s.i18n.T(s.lang(r), "portal.stats_all_units")}
	var under []string
	if id := q.Get("unit"); id != "" {
		u, err := s.db.Unit(r.Context(), id)
		if failure.Is(err, failure.NotFound) {
			return statsView{}, failure.InvalidField("unit", "portal.unit_not_found")
		}
		if err != nil {
			return statsView{}, err
		}
		v.UnitID, v.UnitName, under = u.ID, u.Name, []string{u.Path}
	}
	v.Stats, err = s.db.Stats(r.Context(), store.StatsQuery{Under: under, From: period.From, To: period.LastDay()})
	if err != nil {
		return statsView{}, err
	}
	v.Ratings, err = s.db.RatingSummary(r.Context(), under, period.From, period.To)
	return v, err
}

// bar is one bar of the statistics chart, in SVG user units.
type bar struct {
	Label, Value string
	Y, Width     int
	Fill         string
}

// Chart geometry: labels on the left, bars up to chartWidth long.
const (
	chartLabel = 150
	chartWidth = 300
	chartRow   = 34
)

// statsBars draws the dossiers received and those resolved early, on time and late in
// the period as horizontal bars scaled to the largest.
func statsBars(lang string, labels map[string]string, st report.Stats) []bar {
	rows := []struct {
		key  string
		n    int64
		fill string
	}{{"received", st.Received(), "#5f5a57"}, {"early", st.ResolvedEarly, "#1e6b3a"},
		{"on_time", st.ResolvedOnTime, "#4f9a62"}, {"late", st.ResolvedLate, "#b3261e"}}
	var top int64
	for _, r := range rows {
		top = max(top, r.n)
	}
	out := make([]bar, len(rows))
	for i, r := range rows {
		w := 0
		if top > 0 {
			w = int(r.n * chartWidth / top)
		}
		if r.n > 0 {
			w = max(w, 2)
		}
		out[i] = bar{Label: labels[r.key], Value: number(lang, r.n), Y: i * chartRow, Width: w, Fill: r.fill}
	}
	return out
}

// unitChoice is a unit in the statistics picker, indented by depth with text (no style
// attributes).
type unitChoice struct {
	ID, Label string
}

func (s *Server) publicStats(w http.ResponseWriter, r *http.Request) {
	p := s.portalPage(r, "portal.stats_title", "stats")
	q := r.URL.Query()
	p.Form = map[string]string{"unit": q.Get("unit"), "period": q.Get("period"), "value": q.Get("value"),
		"from": q.Get("from"), "to": q.Get("to")}
	units, err := s.db.ListUnits(r.Context(), store.UnitFilter{ActiveOn: s.today(), Limit: 2000})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	choices := make([]unitChoice, len(units))
	for i, u := range units {
		choices[i] = unitChoice{ID: u.ID, Label: strings.Repeat("— ", max(u.Depth(), 0)) + u.Name}
	}
	data := map[string]any{"Units": choices, "Kinds": portal.PeriodKinds}
	p.Data = data
	v, err := s.statsFor(r)
	if err != nil {
		s.renderForm(w, r, "portal_stats", p, err)
		return
	}
	if p.Form["period"] == "" {
		p.Form["period"] = string(v.Period.Kind)
	}
	if p.Form["value"] == "" && v.Period.Kind != portal.Custom {
		p.Form["value"] = v.Period.Value()
	}
	lang := p.Lang
	label := func(name string) string {
		key := "portal.stats_" + name
		return s.i18n.T(lang, key)
	}
	st := v.Stats
	data["View"] = v
	data["Heading"] = s.i18n.T(lang, "portal.stats_heading", v.UnitName,
		unit.DateOf(v.Period.From).Display(), unit.DateOf(v.Period.LastDay()).Display())
	data["Figures"] = map[string]string{
		"received": number(lang, st.Received()), "cohort_on_time": number(lang, st.OnTime()),
		"resolved": number(lang, st.Resolved()), "early": number(lang, st.ResolvedEarly),
		"on_time": number(lang, st.ResolvedOnTime), "late": number(lang, st.ResolvedLate),
		"in_progress": number(lang, st.InProgress), "overdue": number(lang, st.InProgressOverdue),
		"ratings":      number(lang, int64(v.Ratings.Total)),
		"on_time_rate": rateText(lang, st.OnTimeRate()), "among_resolved": rateText(lang, st.ResolvedOnTimeRate()),
		"satisfaction": rateText(lang, v.Ratings.Rate()),
	}
	data["Bars"] = statsBars(lang, map[string]string{"received": label("bar_received"), "early": label("early"),
		"on_time": label("on_time"), "late": label("late")}, st)
	data["ChartHeight"] = 4 * chartRow
	data["ChartLabel"], data["ChartWidth"] = chartLabel, chartLabel+chartWidth+70
	var levels []map[string]string
	for _, l := range portal.Scale {
		if n := v.Ratings.Counts[l.Level]; n > 0 || l.Offered {
			levels = append(levels, map[string]string{"Level": string(l.Level), "Count": number(lang, int64(n))})
		}
	}
	data["Levels"] = levels
	s.render(w, r, http.StatusOK, "portal_stats", p)
}
