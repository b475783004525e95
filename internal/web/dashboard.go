package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/report"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
)

// Dashboards (issue 7, part 6). The home page shows each official a dashboard of the
// units they work in: for a commune (or an agency), today's work, what is due soon,
// overdue or stale, expired procedures still published, ratings and this month's on-time
// rate against last month's; for a district or province, the same figures over its
// subtree with a link to the overseer's dashboard (/dashboard). Every tile links to the
// list behind it. Counts come from the rollups, the monitoring pass the home page makes
// anyway, and indexed queries: never a scan of the dossiers.

// dashboardRecentRatings is how many of the newest ratings a commune's dashboard lists.
const dashboardRecentRatings = 5

// dashboardMaxUnits bounds the dashboards on one home page (an official with roles in
// many units gets the first ones and the reports for the rest).
const dashboardMaxUnits = 4

// dashTile is one tile: a label, a figure, a line under it, the list behind it, and
// whether it calls for attention.
type dashTile struct {
	Key    string // i18n key of the label; its last part is the tile's id
	Value  string
	Sub    string
	URL    string
	Warn   bool
	Change *changeView
}

// ID is the tile's HTML id.
func (t dashTile) ID() string { return "tile-" + t.Key[strings.LastIndex(t.Key, ".")+1:] }

// changeView is a change from the previous period as the pages show it: an arrow, the
// signed difference, and whether it is good news.
type changeView struct {
	Arrow, Text, Title string
	Good, Bad          bool
}

// homeDashboard is one unit's dashboard on the home page.
type homeDashboard struct {
	Unit       unit.Unit
	Oversight  bool // a district or province: the overseer's summary
	Tiles      []dashTile
	Recent     []store.RatedDossier
	RatingsURL string
	FullURL    string // the overseer's dashboard of the unit
}

// dashboardUnits lists the units the official's home page shows dashboards for: where
// they hold a role that reads dossiers or reports, the outermost only, in the order of
// their assignments.
func (s *Server) dashboardUnits(ctx context.Context, a auth.Actor) ([]unit.Unit, error) {
	var paths []string
	ids := map[string]string{}
	for _, as := range a.Assignments {
		if as.UnitPath == "" || !(auth.RoleAllows(as.Role, auth.ViewDossiers) || auth.RoleAllows(as.Role, auth.ViewReports)) {
			continue
		}
		if _, ok := ids[as.UnitPath]; !ok {
			ids[as.UnitPath] = as.UnitID
			paths = append(paths, as.UnitPath)
		}
	}
	var out []unit.Unit
	for _, p := range paths {
		if slices.ContainsFunc(paths, func(q string) bool { return q != p && strings.HasPrefix(p, q) }) {
			continue
		}
		u, err := s.db.Unit(ctx, ids[p])
		if err != nil {
			return nil, err
		}
		if out = append(out, u); len(out) == dashboardMaxUnits {
			break
		}
	}
	return out, nil
}

// isOversight reports whether a unit is overseen as a whole (a province, city or district)
// rather than worked in (a commune, ward or agency).
func isOversight(k unit.Kind) bool { return k == unit.Province || k == unit.City || k == unit.District }

// homeDashboards builds the home page's dashboards; mon is the home page's monitoring
// (nil when it found nothing), queue and queueOverdue the official's work queue.
func (s *Server) homeDashboards(r *http.Request, mon *monitorView, queue, queueOverdue int) ([]*homeDashboard, error) {
	ctx, a, lang := r.Context(), actor(r), s.lang(r)
	units, err := s.dashboardUnits(ctx, a)
	if err != nil {
		return nil, err
	}
	var out []*homeDashboard
	for _, u := range units {
		d, err := s.unitDashboard(ctx, lang, a, u, mon, queue, queueOverdue)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// dashFigures are the figures of a unit's dashboard tiles.
type dashFigures struct {
	Today, Month, LastMonth report.Stats
	MonthPeriod, LastPeriod report.Period
	Flags                   flagCounts
	Expired                 []store.PublishedProcedure
	Ratings                 report.Rate
	RatingsCount            int
}

// flagCounts are the monitoring's counts of open steps.
type flagCounts struct {
	DueSoon, Overdue, Stale int
}

// unitDashboard computes one unit's dashboard.
func (s *Server) unitDashboard(ctx context.Context, lang string, a auth.Actor, u unit.Unit, mon *monitorView,
	queue, queueOverdue int) (*homeDashboard, error) {
	under, err := s.reportPaths(ctx, u)
	if err != nil {
		return nil, err
	}
	f, err := s.dashFiguresOf(ctx, u, under)
	if err != nil {
		return nil, err
	}
	f.Flags = flagsFor(a, u, mon)
	oversees := a.Can(auth.ViewReports, u.Path)
	d := &homeDashboard{Unit: u, Oversight: isOversight(u.Kind)}
	if oversees {
		d.RatingsURL = "/dashboard/ratings?" + url.Values{"unit_id": {u.ID}}.Encode()
		if !d.Oversight {
			if d.Recent, err = s.db.RecentRatings(ctx, under, dashboardRecentRatings); err != nil {
				return nil, err
			}
		}
	}
	if d.Oversight && oversees {
		d.FullURL = "/dashboard?" + url.Values{"unit_id": {u.ID}}.Encode()
	}
	d.Tiles = s.homeTiles(lang, a, u, f, d, queue, queueOverdue)
	return d, nil
}

// dashFiguresOf reads the figures every dashboard shows: today, this month so far and
// last month from the rollups, expired procedures still published, and this month's
// ratings.
func (s *Server) dashFiguresOf(ctx context.Context, u unit.Unit, under []string) (dashFigures, error) {
	today := s.reportToday()
	f := dashFigures{MonthPeriod: report.ThisMonthSoFar(today)}
	f.LastPeriod = report.PreviousPeriod(f.MonthPeriod)
	var err error
	for _, x := range []struct {
		p   report.Period
		out *report.Stats
	}{{report.RangePeriod(today, today), &f.Today}, {f.MonthPeriod, &f.Month}, {f.LastPeriod, &f.LastMonth}} {
		if *x.out, err = s.statsOf(ctx, under, x.p); err != nil {
			return f, err
		}
	}
	if f.Expired, err = s.db.StalePublications(ctx, store.PublicationFilter{Under: []string{u.Path}}, s.today()); err != nil {
		return f, err
	}
	sum, err := s.db.RatingSummary(ctx, under, f.MonthPeriod.Start(), today.AddDays(1).Start())
	if err != nil {
		return f, err
	}
	f.Ratings, f.RatingsCount = sum.Rate(), sum.Total
	return f, nil
}

// flagsFor takes the unit's due-soon, overdue and stale steps from the home page's
// monitoring: the steps in the unit's subtree for an official who oversees it, else the
// official's own.
func flagsFor(a auth.Actor, u unit.Unit, mon *monitorView) flagCounts {
	var f flagCounts
	if mon == nil {
		return f
	}
	if a.Can(auth.ViewReports, u.Path) && len(mon.Units) > 0 {
		for _, c := range mon.Units {
			if strings.HasPrefix(c.UnitPath, u.Path) {
				f.DueSoon, f.Overdue, f.Stale = f.DueSoon+c.DueSoon, f.Overdue+c.Overdue, f.Stale+c.Stale
			}
		}
		return f
	}
	return flagCounts{DueSoon: mon.MineCounts.DueSoon, Overdue: mon.MineCounts.Overdue, Stale: mon.MineCounts.Stale}
}

// homeTiles lays out a unit's tiles, each linked to its list.
func (s *Server) homeTiles(lang string, a auth.Actor, u unit.Unit, f dashFigures, d *homeDashboard, queue, queueOverdue int) []dashTile {
	t := func(key string, args ...any) string { return s.i18n.T(lang, key, args...) }
	today := s.reportToday()
	reads := a.Can(auth.ViewDossiers, u.Path)
	oversees := a.Can(auth.ViewReports, u.Path)
	monitorURL := "/monitor"
	if oversees {
		monitorURL += "?" + url.Values{"unit": {u.Path}}.Encode()
	}
	var tiles []dashTile
	received := dashTile{Key: "dashboard.tile.received_today", Value: fmtCount(lang, f.Today.Received()),
		Sub: t("dashboard.received_month", fmtCount(lang, f.Month.Received()))}
	if reads {
		received.URL = dashRegisterURL(u, report.RangePeriod(today, today))
	} else if oversees {
		received.URL = reportLink(u.ID, report.RangePeriod(today, today))
	}
	tiles = append(tiles, received)
	if reads && !d.Oversight {
		tiles = append(tiles, dashTile{Key: "dashboard.tile.queue", Value: strconv.Itoa(queue),
			Sub: t("dossier.home_work", queue, queueOverdue), URL: "/dossiers", Warn: queueOverdue > 0})
	}
	flagSub := "dashboard.flags_mine"
	if oversees {
		flagSub = "dashboard.flags_unit"
	}
	tiles = append(tiles,
		dashTile{Key: "dashboard.tile.due_soon", Value: strconv.Itoa(f.Flags.DueSoon), Sub: t("dashboard.due_soon_rule"),
			URL: monitorURL, Warn: f.Flags.DueSoon > 0},
		dashTile{Key: "dashboard.tile.overdue", Value: strconv.Itoa(f.Flags.Overdue), Sub: t(flagSub), URL: monitorURL,
			Warn: f.Flags.Overdue > 0},
		dashTile{Key: "dashboard.tile.stale", Value: strconv.Itoa(f.Flags.Stale), Sub: t(flagSub), URL: monitorURL,
			Warn: f.Flags.Stale > 0})
	expired := dashTile{Key: "dashboard.tile.expired", Value: strconv.Itoa(len(f.Expired)), Warn: len(f.Expired) > 0,
		Sub: t("dashboard.expired_none")}
	if len(f.Expired) > 0 {
		expired.Sub = f.Expired[0].Code + " " + f.Expired[0].Procedure.Name
		if len(f.Expired) > 1 {
			expired.Sub = t("dashboard.expired_more", expired.Sub, len(f.Expired)-1)
		}
	}
	expired.URL = "/procedures"
	if !d.Oversight {
		expired.URL = "/procedures/units/" + u.ID
	}
	tiles = append(tiles, expired)
	rate := f.Month.OnTimeRate()
	onTime := dashTile{Key: "dashboard.tile.on_time", Value: fmtPercent(lang, rate),
		Sub:    t("dashboard.on_time_sub", fmtRate(lang, rate), fmtPercent(lang, f.LastMonth.OnTimeRate())),
		Change: s.rateChangeView(lang, report.RateChange(rate, f.LastMonth.OnTimeRate()), "dashboard.vs_last_month")}
	if oversees {
		onTime.URL = reportLink(u.ID, f.MonthPeriod)
	} else if reads {
		onTime.URL = dashRegisterURL(u, f.MonthPeriod)
	}
	tiles = append(tiles, onTime)
	tiles = append(tiles, dashTile{Key: "dashboard.tile.satisfaction", Value: fmtPercent(lang, f.Ratings),
		Sub: t("dashboard.satisfaction_sub", fmtCount(lang, f.Ratings.Num), fmtCount(lang, int64(f.RatingsCount))),
		URL: d.RatingsURL})
	return tiles
}

// rateChangeView shows a rate's change in percentage points; nil when nothing can be
// compared. titleKey names what it is compared with.
func (s *Server) rateChangeView(lang string, c report.Change, titleKey string) *changeView {
	if !c.Known {
		return nil
	}
	text := reportLocalNumber(lang, strings.Replace(strconv.FormatFloat(c.Delta, 'f', 2, 64), ".", ",", 1))
	return changeOf(c, text, s.i18n.T(lang, titleKey, text), true)
}

// countChangeView shows a count's change; lowerIsBetter for late or stale dossiers.
func (s *Server) countChangeView(lang string, c report.Change, titleKey string, higherIsBetter bool) *changeView {
	if !c.Known {
		return nil
	}
	text := fmtCount(lang, int64(c.Delta))
	return changeOf(c, text, s.i18n.T(lang, titleKey, text), higherIsBetter)
}

func changeOf(c report.Change, text, title string, higherIsBetter bool) *changeView {
	v := &changeView{Arrow: "=", Text: text, Title: title}
	switch c.Dir {
	case report.Up:
		v.Arrow, v.Text = "▲", "+"+text
	case report.Down:
		v.Arrow = "▼"
	}
	v.Good, v.Bad = c.Better(higherIsBetter), c.Dir != report.NoChange && !c.Better(higherIsBetter)
	return v
}

// dashRegisterURL opens the dossier register over a period: the unit's own when it is a
// receiving agency, else every agency the official reads (the register lists one agency
// or all of them).
func dashRegisterURL(u unit.Unit, p report.Period) string {
	if u.Kind.IsAgency() {
		return reportRegisterURL(u.ID, p)
	}
	v := url.Values{"from": {p.From.String()}, "to": {p.To.String()}}
	return "/dossiers/register?" + v.Encode()
}

// reportLink opens the report of a unit over a period.
func reportLink(unitID string, p report.Period) string {
	v := url.Values{"unit_id": {unitID}, "period": {string(report.PeriodRange)}, "from": {p.From.String()}, "to": {p.To.String()}}
	if p.Kind == report.PeriodMonth && !p.SoFar {
		v = url.Values{"unit_id": {unitID}, "period": {string(report.PeriodMonth)}, "year": {strconv.Itoa(p.Year)},
			"month": {strconv.Itoa(p.Month)}}
	}
	return "/reports?" + v.Encode()
}

// reportPaths are the materialised paths whose agencies a unit's figures add up: the
// unit's subtree and its predecessors' (reports under successor units).
func (s *Server) reportPaths(ctx context.Context, u unit.Unit) ([]string, error) {
	preds, err := s.predecessorsOf(ctx, u)
	if err != nil {
		return nil, err
	}
	return lineagePaths(u, preds), nil
}
