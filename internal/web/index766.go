package web

import (
	"net/http"
	"net/url"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/report"
)

// index766Routes registers the service index of Decision 766/QĐ-TTg (issue 7 part 4): the
// index of a unit and period with every indicator's score, formula and inputs, the ranking
// of its child units, the form for the scores officials enter, the export to XLSX, the
// JSON, and the versions of the definition with the form to load a province's own.
func (s *Server) index766Routes(app *http.ServeMux) {
	route(app, "GET /reports/index766", s.signedIn(s.index766Page))
	route(app, "POST /reports/index766/entries", s.signedIn(s.index766Enter))
	route(app, "GET /reports/index766/export.xlsx", s.signedIn(s.index766XLSX))
	route(app, "GET /reports/index766/definitions", s.signedIn(s.index766Definitions))
	route(app, "GET /reports/index766/definitions/new", s.signedIn(s.index766NewDefinition))
	route(app, "POST /reports/index766/definitions", s.signedIn(s.index766CreateDefinition))
	route(app, "GET /reports/index766/definitions/{id}", s.signedIn(s.index766Definition))
	route(app, "POST /reports/index766/definitions/{id}", s.signedIn(s.index766UpdateDefinition))
	route(app, "GET /api/v1/reports/index766", s.apiSignedIn(s.apiIndex766))
}

// index766Form are the fields of the entry form, kept after an error.
var index766Form = []string{"indicator", "score", "evidence"}

func (s *Server) index766Page(w http.ResponseWriter, r *http.Request) {
	rq, err := s.readReportQuery(r)
	if err != nil && !failure.Is(err, failure.Invalid) {
		s.handleErr(w, r, err)
		return
	}
	p := s.newPage(r, "index766.title")
	p.Active = "nav.reports"
	p.Form = rq.Form
	if err != nil {
		s.index766Render(w, r, http.StatusBadRequest, p, rq, err)
		return
	}
	s.index766Render(w, r, http.StatusOK, p, rq, nil)
}

// index766Render shows the page: the query form, then (for a valid query) the index. A
// bad query or a refused entry shows its errors with what was typed.
func (s *Server) index766Render(w http.ResponseWriter, r *http.Request, status int, p *page, rq reportQuery, formErr error) {
	data := p.data()
	data["Kinds"], data["Months"], data["Quarters"] = report.PeriodKinds, reportOneTo(12), reportOneTo(4)
	units, err := s.reportUnitOptions(r, rq)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	data["Units"] = units
	data["DefinitionsURL"] = "/reports/index766/definitions"
	data["FormAction"] = "/reports/index766"
	if formErr != nil {
		s.formErrors(p, formErr)
	}
	if formErr != nil && status == http.StatusBadRequest && p.Errors["indicator"] == "" && p.Errors["score"] == "" && p.Errors["evidence"] == "" {
		s.render(w, r, status, "index766", p) // the query itself is wrong: nothing to compute
		return
	}
	res, err := s.buildIndex766(r.Context(), rq, true)
	if failure.Is(err, failure.NotFound) {
		p.ErrorMsg = s.fieldMessage(p.Lang, err)
		s.render(w, r, http.StatusOK, "index766", p)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for k, v := range rq.values() {
		if k != "unit_id" {
			p.Form[k] = v[0]
		}
	}
	p.Title = s.i18n.T(p.Lang, "index766.title_of", s.reportUnitName(p.Lang, rq))
	data["I"] = s.index766View(r, p.Lang, res)
	s.render(w, r, status, "index766", p)
}

// fieldMessage translates an application error's message.
func (s *Server) fieldMessage(lang string, err error) string {
	if e, ok := failure.As(err); ok {
		return s.i18n.T(lang, e.Key, e.Args...)
	}
	return ""
}

// index766Enter records a score an official enters for an indicator of the unit and
// period of the query, with its evidence, against the version in force; then shows the
// index again. Bad input shows the page with the errors and the values as typed.
func (s *Server) index766Enter(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	rq, err := s.readReportQuery(r)
	if err != nil {
		s.renderError(w, r, err, reportQueryStatus(err))
		return
	}
	a := actor(r)
	if rq.All || !canEnterIndex766(a, rq.Unit) {
		s.forbidden(w, r)
		return
	}
	in := report.EntryInput{Indicator: r.PostFormValue("indicator"), Score: r.PostFormValue("score"), Evidence: r.PostFormValue("evidence")}
	v, err := s.db.Index766InForce(r.Context(), provinceOf(rq.Unit.Path), rq.Period.To)
	if err == nil {
		_, err = s.db.SaveIndex766Entry(r.Context(), v.ID, rq.Unit.ID, rq.Period.From, rq.Period.To, in, a.UserID)
	}
	if failure.Is(err, failure.Invalid) || failure.Is(err, failure.NotFound) {
		p := s.newPage(r, "index766.title")
		p.Active = "nav.reports"
		p.Form = rq.Form
		for _, k := range index766Form {
			p.Form[k] = r.PostFormValue(k)
		}
		s.index766Render(w, r, http.StatusBadRequest, p, rq, err)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "index766.entry_saved", in.Indicator)
	http.Redirect(w, r, rq.link("/reports/index766", nil)+"#entry", http.StatusSeeOther)
}

// index766IndicatorView is an indicator as the page shows it.
type index766IndicatorView struct {
	Code, Name, Note, Score, Max, Formula, Working string
	Entered, Missing                               bool
	Num, Den                                       string // inputs of a ratio
	Evidence, By, At                               string // of an entry
}

// index766GroupView is a group as the page shows it.
type index766GroupView struct {
	Code, Name, Score, Max string
	Indicators             []index766IndicatorView
}

// index766RowView is a ranked child unit.
type index766RowView struct {
	Rank                int
	Name, URL, Total    string
	Rating, RatingCode  string
	Groups              []string
	Missing             int
	Version, VersionURL string
}

func (s *Server) index766Groups(lang string, res report.Result) []index766GroupView {
	var out []index766GroupView
	for _, g := range res.Groups {
		gv := index766GroupView{Code: g.Group.Code, Name: index766Name(lang, g.Group.NameVI, g.Group.NameEN),
			Score: index766Points(lang, g.Score), Max: index766Points(lang, g.Group.Points)}
		for _, is := range g.Indicators {
			in := is.Indicator
			iv := index766IndicatorView{Code: in.Code, Name: index766Name(lang, in.NameVI, in.NameEN), Note: in.Note,
				Score: index766Points(lang, is.Score), Max: index766Points(lang, in.Points), Formula: s.index766Formula(lang, in),
				Working: s.index766Working(lang, is), Entered: in.Formula.Type == report.FormulaEntered, Missing: is.Missing}
			if !iv.Entered {
				iv.Num, iv.Den = fmtCount(lang, is.Num), fmtCount(lang, is.Den)
			}
			if e := is.Entry; e != nil {
				iv.Evidence, iv.By = e.Evidence, e.By
				iv.At = e.At.In(vnZone).Format("02/01/2006 15:04")
			}
			gv.Indicators = append(gv.Indicators, iv)
		}
		out = append(out, gv)
	}
	return out
}

// index766View is everything the page shows of a computed index.
func (s *Server) index766View(r *http.Request, lang string, res *index766Result) map[string]any {
	rq, d := res.Query, res.Version.Definition
	var rows []index766RowView
	for _, row := range res.Rows {
		rv := index766RowView{Rank: row.Rank, Name: row.Unit.Name, Total: index766Points(lang, row.Result.Total),
			Rating: index766Name(lang, row.Result.Rating.NameVI, row.Result.Rating.NameEN), RatingCode: row.Result.Rating.Code,
			Missing: row.Result.Missing, URL: rq.link("/reports/index766", func(v url.Values) { v.Set("unit_id", row.Unit.ID) })}
		for _, g := range row.Result.Groups {
			rv.Groups = append(rv.Groups, index766Points(lang, g.Score))
		}
		if row.Version.ID != res.Version.ID {
			rv.Version, rv.VersionURL = row.Version.Definition.Version, "/reports/index766/definitions/"+row.Version.ID
		}
		rows = append(rows, rv)
	}
	var groupCodes []string
	for _, g := range d.Groups {
		groupCodes = append(groupCodes, g.Code)
	}
	var entered []map[string]string
	for _, in := range d.Entered() {
		entered = append(entered, map[string]string{"Code": in.Code, "Name": index766Name(lang, in.NameVI, in.NameEN),
			"Max": index766Points(lang, in.Points)})
	}
	var bands []map[string]string
	for _, b := range d.Ratings {
		bands = append(bands, map[string]string{"Name": index766Name(lang, b.NameVI, b.NameEN), "From": index766Points(lang, b.From)})
	}
	canEnter := !rq.All && canEnterIndex766(actor(r), rq.Unit)
	return map[string]any{
		"UnitName": s.reportUnitName(lang, rq), "Period": s.periodLabel(lang, rq.Period),
		"PastToday": s.reportToday().Before(rq.Period.To), "Today": reportDay(s.reportToday()),
		"Version": d.Version, "VersionURL": "/reports/index766/definitions/" + res.Version.ID,
		"VersionTitle": index766Name(lang, d.TitleVI, d.TitleEN), "Source": d.Source, "DefinitionNote": d.Note,
		"National": res.Version.ScopeUnitID == "",
		"Total":    index766Points(lang, res.Result.Total), "Rating": index766Name(lang, res.Result.Rating.NameVI, res.Result.Rating.NameEN),
		"RatingCode": res.Result.Rating.Code, "Missing": res.Result.Missing, "Bands": bands,
		"Groups": s.index766Groups(lang, res.Result), "GroupCodes": groupCodes, "Rows": rows,
		"CanEnter": canEnter, "Entered": entered, "EnterURL": rq.link("/reports/index766/entries", nil),
		"XLSX": rq.link("/reports/index766/export.xlsx", nil), "API": s.index766APILink(rq),
		"ReportURL": rq.link("/reports", nil),
	}
}

// index766APILink is the JSON of the same index, with the ranking.
func (s *Server) index766APILink(rq reportQuery) string {
	v := url.Values{"unit_id": {rq.unitID()}, "from": {rq.Period.From.String()}, "to": {rq.Period.To.String()}, "by": {"children"}}
	return "/api/v1/reports/index766?" + v.Encode()
}
