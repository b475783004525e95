package web

import (
	"bytes"
	"fmt"
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

// reportRoutes registers the reports (issue 7): the report page of a unit and period
// with every figure and its rule, the breakdown by child unit with rankings and the
// month-by-month trend; the same report as XLSX and PDF; and the figures as JSON.
func (s *Server) reportRoutes(app *http.ServeMux) {
	route(app, "GET /reports", s.signedIn(s.reportPage))
	route(app, "GET /reports/export.xlsx", s.signedIn(s.reportXLSX))
	route(app, "GET /reports/export.pdf", s.signedIn(s.reportPDF))
	route(app, "GET /api/v1/reports/stats", s.apiSignedIn(s.apiReportStats))
}

// reportUnitOption is a unit in the page's unit chooser.
type reportUnitOption struct {
	ID, Label string
	Selected  bool
}

// reportCrumb is one ancestor in the page's breadcrumb.
type reportCrumb struct {
	Name, URL string
}

func (s *Server) reportPage(w http.ResponseWriter, r *http.Request) {
	rq, p, invalid, ok := s.reportFormPage(w, r, "report.title", "/reports")
	if !ok {
		return
	}
	data := p.Data.(map[string]any)
	data["Sorts"] = reportSorts
	data["Crumbs"] = s.reportCrumbs(r, rq)
	if invalid {
		s.render(w, r, http.StatusBadRequest, "report_view", p)
		return
	}
	res, err := s.buildReport(r.Context(), rq, true, true)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.logger(r).Info("report", "unit", rq.unitID(), "from", rq.Period.From.String(), "to", rq.Period.To.String(),
		"children", len(res.Children), "ms_total", res.Timing.Total.Milliseconds(),
		"ms_children", res.Timing.Children.Milliseconds(), "ms_trend", res.Timing.Trend.Milliseconds())
	s.fillReportPage(p, res)
	s.render(w, r, http.StatusOK, "report_view", p)
}

// reportFormPage reads the report query and starts a page with its unit and period form
// (the reports at /reports, the dashboard at /dashboard: the form's action). ok is false
// when it answered the request itself (an error that is not the form's); invalid when the
// period is wrong, the page then holds the form's errors.
func (s *Server) reportFormPage(w http.ResponseWriter, r *http.Request, titleKey, action string) (rq reportQuery, p *page,
	invalid, ok bool) {
	rq, err := s.readReportQuery(r)
	if err != nil && !failure.Is(err, failure.Invalid) {
		s.handleErr(w, r, err)
		return rq, nil, false, false
	}
	p = s.newPage(r, titleKey)
	p.Active = "nav.reports"
	p.Form = rq.Form
	data := map[string]any{"Kinds": report.PeriodKinds, "Months": reportOneTo(12), "Quarters": reportOneTo(4)}
	if action != "/reports" {
		data["FormAction"] = action
	}
	p.Data = data
	units, err2 := s.reportUnitOptions(r, rq)
	if err2 != nil {
		s.serverError(w, r, err2)
		return rq, nil, false, false
	}
	data["Units"] = units
	if err != nil {
		s.formErrors(p, err)
	}
	return rq, p, err != nil, true
}

// fillReportPage puts a computed report on the page.
func (s *Server) fillReportPage(p *page, res *reportResult) {
	lang, rq := p.Lang, res.Query
	data := p.Data.(map[string]any)
	// The form shows the period actually reported on.
	for k, v := range rq.values() {
		if k != "unit_id" {
			p.Form[k] = v[0]
		}
	}
	name := s.reportUnitName(lang, rq)
	p.Title = s.i18n.T(lang, "report.title_of", name)
	chart, trendRows := s.trend(lang, res.Trend)
	sortLinks := map[string]string{"": rq.link("/reports", func(v url.Values) { v.Del("sort") })}
	for _, k := range reportSorts {
		sortLinks[k] = rq.link("/reports", func(v url.Values) { v.Set("sort", k) })
	}
	st := res.Stats
	data["R"] = map[string]any{
		"UnitName": name, "Period": s.periodLabel(lang, rq.Period), "PastToday": res.Today.Before(rq.Period.To),
		"CountAt": reportDay(res.CountAt), "Figures": s.figureRows(lang, st), "Rates": s.rateRows(lang, st),
		"Received": fmtCount(lang, st.Received()), "OnTimeRate": fmtRate(lang, st.OnTimeRate()),
		"OnTimePercent": fmtPercent(lang, st.OnTimeRate()), "InProgress": fmtCount(lang, st.InProgress),
		"Overdue": fmtCount(lang, st.InProgressOverdue), "Late": fmtCount(lang, st.ResolvedLate),
		"Breakdown": s.breakdownRows(lang, res), "Sort": rq.Sort, "SortLinks": sortLinks,
		"Chart": chart, "Trend": trendRows, "TrendYear": rq.Period.To.Year,
		"XLSX": rq.link("/reports/export.xlsx", nil), "PDF": rq.link("/reports/export.pdf", nil),
		"API": s.reportAPILink(rq), "Empty": st.IsZero(), "Dashboard": rq.link("/dashboard", func(v url.Values) { v.Del("sort") }),
		"RegisterURL": s.reportRegisterLink(rq), "Quick": s.quickPeriods(lang, rq, "/reports"),
		"Millis": fmt.Sprintf("%.0f", float64(res.Timing.Total.Microseconds())/1000),
	}
}

// reportOneTo lists 1..n for the form's choices.
func reportOneTo(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i + 1
	}
	return out
}

// reportUnitName is the unit's name, or "every unit".
func (s *Server) reportUnitName(lang string, rq reportQuery) string {
	if rq.All {
		return s.i18n.T(lang, "report.all_units")
	}
	return rq.Unit.Name
}

// reportAPILink is the JSON of the same report, with the breakdown.
func (s *Server) reportAPILink(rq reportQuery) string {
	v := url.Values{"unit_id": {rq.unitID()}, "from": {rq.Period.From.String()}, "to": {rq.Period.To.String()}, "by": {"children"}}
	return "/api/v1/reports/stats?" + v.Encode()
}

// reportRegisterLink opens the dossier register over the period for an agency (the
// register lists one receiving agency or every one in the official's scope).
func (s *Server) reportRegisterLink(rq reportQuery) string {
	if rq.All || !rq.Unit.Kind.IsAgency() || !rq.Viewer.Can(auth.ViewDossiers, rq.Unit.Path) {
		return ""
	}
	return reportRegisterURL(rq.Unit.ID, rq.Period)
}

// quickPeriod is a one-click period on the page.
type quickPeriod struct {
	Label, URL string
}

// quickPeriods offers this month, last month, this quarter, the first six and nine
// months and this year, for the unit on the page (path: /reports or /dashboard).
func (s *Server) quickPeriods(lang string, rq reportQuery, path string) []quickPeriod {
	today := s.reportToday()
	last := report.MonthPeriod(today.Year, today.Month-1)
	if today.Month == time.January {
		last = report.MonthPeriod(today.Year-1, time.December)
	}
	periods := []struct {
		key string
		p   report.Period
	}{
		{"report.quick_this_month", report.ThisMonthSoFar(today)},
		{"report.quick_last_month", last},
		{"report.quick_this_quarter", report.QuarterPeriod(today.Year, (int(today.Month)+2)/3)},
		{"report.quick_six_months", report.FirstMonthsPeriod(today.Year, 6)},
		{"report.quick_nine_months", report.FirstMonthsPeriod(today.Year, 9)},
		{"report.quick_this_year", report.YearPeriod(today.Year)},
	}
	out := make([]quickPeriod, len(periods))
	for i, q := range periods {
		other := rq
		other.Period = q.p
		out[i] = quickPeriod{Label: s.i18n.T(lang, q.key), URL: other.link(path, nil)}
	}
	return out
}

// reportUnitOptions lists the units the official may report on (administrative units;
// an agency only when it is the one shown), indented by depth; retired units say when
// they ended, so the 2022 district can still be chosen.
func (s *Server) reportUnitOptions(r *http.Request, rq reportQuery) ([]reportUnitOption, error) {
	a := actor(r)
	paths, _ := viewScope(a, auth.ViewReports)
	kinds := []unit.Kind{unit.Province, unit.City, unit.District, unit.Commune, unit.Ward, unit.Town, unit.SpecialZone}
	units, err := s.db.ListUnits(r.Context(), store.UnitFilter{Under: paths, Limit: 3000, Kinds: kinds})
	if err != nil {
		return nil, err
	}
	// The retired units the official reads through their successors: the 2022 district
	// for today's province.
	scopes, err := s.scopeLineages(r.Context(), a)
	if err != nil {
		return nil, err
	}
	for _, sc := range scopes {
		if len(sc.Predecessors) == 0 {
			continue
		}
		old, err := s.db.ListUnits(r.Context(), store.UnitFilter{Under: lineagePaths(sc.Predecessors[0], sc.Predecessors[1:]),
			Limit: 3000, Kinds: kinds})
		if err != nil {
			return nil, err
		}
		units = append(units, old...)
	}
	lang := s.lang(r)
	var out []reportUnitOption
	if a.SystemAdmin {
		out = append(out, reportUnitOption{ID: reportAll, Label: s.i18n.T(lang, "report.all_units"), Selected: rq.All})
	}
	minDepth := -1
	for _, u := range units {
		if minDepth < 0 || u.Depth() < minDepth {
			minDepth = u.Depth()
		}
	}
	found := false
	for _, u := range units {
		label := u.Name
		for range u.Depth() - minDepth {
			label = "— " + label
		}
		if !u.ValidTo.IsZero() {
			label += " " + s.i18n.T(lang, "report.unit_until", reportLastDay(u))
		}
		sel := !rq.All && u.ID == rq.Unit.ID
		found = found || sel
		out = append(out, reportUnitOption{ID: u.ID, Label: label, Selected: sel})
	}
	if !found && !rq.All && rq.Unit.ID != "" {
		out = append(out, reportUnitOption{ID: rq.Unit.ID, Label: rq.Unit.Name, Selected: true})
	}
	return out, nil
}

// reportCrumbs lists the unit's ancestors the official may report on, as links.
func (s *Server) reportCrumbs(r *http.Request, rq reportQuery) []reportCrumb {
	if rq.All || rq.Unit.Path == "" {
		return nil
	}
	a, ctx := actor(r), r.Context()
	ids := reportPathIDs(rq.Unit.Path)
	names, err := s.db.UnitNames(ctx, ids)
	if err != nil {
		return nil
	}
	var out []reportCrumb
	crumb := func(id, name string) reportCrumb {
		return reportCrumb{Name: name, URL: rq.link("/reports", func(v url.Values) { v.Set("unit_id", id) })}
	}
	if a.SystemAdmin {
		out = append(out, reportCrumb{Name: s.i18n.T(s.lang(r), "report.all_units"), URL: rq.link("/reports", func(v url.Values) { v.Set("unit_id", reportAll) })})
	} else if !a.Can(auth.ViewReports, rq.Unit.Path) {
		// Read through a successor: the way back starts at the official's own unit.
		scopes, err := s.scopeLineages(ctx, a)
		if err != nil {
			return nil
		}
		for _, sc := range scopes {
			if slices.ContainsFunc(sc.Predecessors, func(p unit.Unit) bool { return strings.HasPrefix(rq.Unit.Path, p.Path) }) {
				out = append(out, crumb(sc.Unit.ID, sc.Unit.Name))
				break
			}
		}
	}
	prefix := "/"
	for _, id := range ids[:len(ids)-1] {
		prefix += id + "/"
		if ok, err := s.canViewUnit(ctx, a, auth.ViewReports, prefix); err != nil || !ok {
			continue
		}
		out = append(out, crumb(id, names[id]))
	}
	return out
}

// reportXLSX sends the report with its breakdown as a workbook.
func (s *Server) reportXLSX(w http.ResponseWriter, r *http.Request) {
	s.reportExport(w, r, "xlsx")
}

// reportPDF sends the report with its breakdown as the periodic report in PDF.
func (s *Server) reportPDF(w http.ResponseWriter, r *http.Request) {
	s.reportExport(w, r, "pdf")
}

func (s *Server) reportExport(w http.ResponseWriter, r *http.Request, format string) {
	rq, err := s.readReportQuery(r)
	if err != nil {
		s.renderError(w, r, err, reportQueryStatus(err))
		return
	}
	res, err := s.buildReport(r.Context(), rq, true, false)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	doc, err := s.statReport(r, res)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var buf bytes.Buffer
	ctype := "application/pdf"
	if format == "xlsx" {
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		err = doc.WriteXLSX(&buf)
	} else {
		err = doc.WritePDF(&buf)
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.%s"`, reportFileName(rq), format))
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = buf.WriteTo(w)
}

// reportQueryStatus is 400 for a bad query, else the error's own status.
func reportQueryStatus(err error) int {
	if failure.Is(err, failure.Invalid) {
		return http.StatusBadRequest
	}
	return 0
}

// reportFileName is an ASCII file name: bao-cao-CODE-FROM-TO.
func reportFileName(rq reportQuery) string {
	code := "tat-ca"
	if !rq.All {
		code = rq.Unit.Code
	}
	return "bao-cao-" + code + "-" + rq.Period.From.String() + "-" + rq.Period.To.String()
}

// reportLastDay is the last day a retired unit existed (its ValidTo is the first day it no
// longer does), as dd/mm/yyyy.
func reportLastDay(u unit.Unit) string {
	d, err := calendar.ParseDate(u.ValidTo.String())
	if err != nil {
		return u.ValidTo.Display()
	}
	return d.AddDays(-1).VietnameseString()
}
