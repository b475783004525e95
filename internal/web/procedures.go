package web

import (
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
)

// procedureRoutes registers the procedure catalog (issue 4): the searchable catalog, a
// procedure's page with its history, each unit's publications with the flag on those no
// longer in force, the catalog import with its dry run, and the JSON API.
func (s *Server) procedureRoutes(app *http.ServeMux) {
	route(app, "GET /procedures", s.signedIn(s.listProcedures))
	route(app, "GET /procedures/import", s.signedIn(s.importProceduresForm))
	route(app, "POST /procedures/import", s.signedIn(s.importProcedures))
	route(app, "GET /procedures/units/{id}", s.signedIn(s.unitProcedures))
	route(app, "POST /procedures/units/{id}/publish", s.signedIn(s.publishProcedure))
	route(app, "POST /procedures/units/{id}/unpublish", s.signedIn(s.unpublishProcedure))
	route(app, "GET /procedures/{code}", s.signedIn(s.showProcedure))

	route(app, "GET /api/v1/procedures", s.apiSignedIn(s.apiProcedures))
	route(app, "GET /api/v1/procedures/stale", s.apiSignedIn(s.apiStaleProcedures))
	route(app, "GET /api/v1/procedures/{code}", s.apiSignedIn(s.apiProcedure))
	route(app, "GET /api/v1/units/{id}/procedures", s.apiSignedIn(s.apiUnitProcedures))
}

// today is the current day in Vietnam.
func (s *Server) today() unit.Date { return unit.DateOf(s.cfg.Now().In(vnZone)) }

// mayManageCatalog: the catalog is shared by every unit, so only the system administrator
// or an official holding ManageCatalog at a root unit (a province or city) may change it;
// a commune administrator may not rewrite the procedures of the neighbouring commune.
func mayManageCatalog(a auth.Actor) bool {
	if a.SystemAdmin {
		return a.SignedIn()
	}
	for _, as := range a.Assignments {
		if strings.Count(as.UnitPath, "/") == 2 && auth.RoleAllows(as.Role, auth.ManageCatalog) {
			return true
		}
	}
	return false
}

// procedureRow is a catalog line with its status today.
type procedureRow struct {
	procedure.Procedure
	Today procedure.Status
	Limit string
}

func rowsOf(list []procedure.Procedure, today unit.Date) []procedureRow {
	out := make([]procedureRow, len(list))
	for i, p := range list {
		out[i] = procedureRow{Procedure: p, Today: p.StatusOn(today)}
		if v, ok := p.VersionOn(today); ok {
			out[i].Limit = v.Limit.String()
		} else {
			out[i].Limit = p.Latest().Limit.String()
		}
	}
	return out
}

// procedureFilter reads the catalog filters from the query string.
func procedureFilter(r *http.Request, today unit.Date) (store.ProcedureFilter, failure.List) {
	q := r.URL.Query()
	f := store.ProcedureFilter{Query: q.Get("q"), Field: q.Get("field"), Level: procedure.Level(q.Get("level")),
		Status: procedure.Status(q.Get("status")), On: today, Limit: 500}
	var errs failure.List
	if f.Level != "" && !f.Level.Valid() {
		errs = append(errs, failure.InvalidField("level", "procedure.level_invalid"))
	}
	if f.Status != "" && !f.Status.Valid() {
		errs = append(errs, failure.InvalidField("status", "procedure.status_invalid"))
	}
	if v := q.Get("on"); v != "" {
		d, err := unit.ParseDate(v)
		if err != nil {
			errs = append(errs, failure.InvalidField("on", "form.date_invalid"))
		}
		f.On = d
	}
	return f, errs
}

func (s *Server) listProcedures(w http.ResponseWriter, r *http.Request) {
	a := actor(r)
	today := s.today()
	f, errs := procedureFilter(r, today)
	if len(errs) > 0 {
		s.renderError(w, r, errs, http.StatusBadRequest)
		return
	}
	list, err := s.db.ListProcedures(r.Context(), f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	fields, err := s.db.ProcedureFields(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var stale []store.PublishedProcedure
	if paths, ok := viewScope(a, auth.ViewUnit); ok {
		if stale, err = s.db.StalePublications(r.Context(), store.PublicationFilter{Under: paths}, today); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	units, err := s.publishingUnits(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := s.newPage(r, "procedure.catalog")
	p.Active = "nav.procedures"
	q := r.URL.Query()
	p.Form = map[string]string{"q": q.Get("q"), "field": q.Get("field"), "level": q.Get("level"), "status": q.Get("status")}
	p.Data = map[string]any{
		"Procedures": rowsOf(list, f.On), "Fields": fields, "Levels": procedure.Levels, "Statuses": procedure.Statuses,
		"Stale": stale, "CanImport": mayManageCatalog(a), "Units": units, "Truncated": len(list) == f.Limit, "Today": today,
	}
	s.render(w, r, http.StatusOK, "procedures", p)
}

// publishingUnits lists the units (communes and agencies) whose publications the official
// may see, for the links to their publication pages; an official with roles in many units
// gets the units of their roles only.
func (s *Server) publishingUnits(r *http.Request) ([]unit.Unit, error) {
	a := actor(r)
	if a.SystemAdmin {
		return nil, nil
	}
	var ids []string
	seen := map[string]bool{}
	for _, as := range a.Assignments {
		if !seen[as.UnitID] {
			seen[as.UnitID] = true
			ids = append(ids, as.UnitID)
		}
	}
	var out []unit.Unit
	for _, id := range ids {
		u, err := s.db.Unit(r.Context(), id)
		if failure.Is(err, failure.NotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

func (s *Server) showProcedure(w http.ResponseWriter, r *http.Request) {
	p, err := s.db.Procedure(r.Context(), r.PathValue("code"))
	if err != nil {
		s.handleErr(w, r, err)
		return
	}
	today := s.today()
	var replacement *procedure.Procedure
	if p.ReplacedBy != "" {
		if rp, err := s.db.Procedure(r.Context(), p.ReplacedBy); err == nil {
			replacement = &rp
		}
	}
	var pubs []store.PublishedProcedure
	if paths, ok := viewScope(actor(r), auth.ViewUnit); ok {
		if pubs, err = s.db.Publications(r.Context(), store.PublicationFilter{Under: paths, Code: p.Code}); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	current, hasCurrent := p.VersionOn(today)
	if !hasCurrent {
		current = p.Latest()
	}
	page := s.newPage(r, "procedure.title")
	page.Title = p.Code + " " + p.Name
	page.Active = "nav.procedures"
	page.Data = map[string]any{
		"P": p, "Status": p.StatusOn(today), "Current": current, "Replacement": replacement,
		"Publications": pubs, "Today": today,
	}
	s.render(w, r, http.StatusOK, "procedure_view", page)
}

// unitProcedures shows what a unit publishes, flags what is no longer in force or ends
// soon, and lets the unit's administrator publish and withdraw.
func (s *Server) unitProcedures(w http.ResponseWriter, r *http.Request) {
	u, ok := s.loadUnitFor(w, r, auth.ViewUnit)
	if !ok {
		return
	}
	ctx := r.Context()
	today := s.today()
	pubs, err := s.db.Publications(ctx, store.PublicationFilter{UnitID: u.ID})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	type pubRow struct {
		store.PublishedProcedure
		Active bool
		Status procedure.Status
		EndsOn unit.Date
	}
	var rows []pubRow
	var stale []pubRow
	published := map[string]bool{}
	for _, p := range pubs {
		row := pubRow{PublishedProcedure: p, Active: p.Active(today), Status: p.Procedure.StatusOn(today)}
		row.EndsOn, _ = p.Procedure.EndsWithin(today, procedure.DefaultExpiryWindow)
		if row.Active {
			published[p.Code] = true
			if row.Status != procedure.Effective {
				stale = append(stale, row)
			}
		}
		rows = append(rows, row)
	}
	canPublish := actor(r).Can(auth.PublishProcedures, u.Path)
	var choices []procedure.Procedure
	if canPublish {
		all, err := s.db.ListProcedures(ctx, store.ProcedureFilter{Status: procedure.Effective, On: today})
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		for _, p := range all {
			if !published[p.Code] {
				choices = append(choices, p)
			}
		}
	}
	p := s.newPage(r, "procedure.unit_title")
	p.Title = s.i18n.T(p.Lang, "procedure.unit_title") + ": " + u.Name
	p.Active = "nav.procedures"
	p.Form = map[string]string{"published_on": today.String()}
	p.Data = map[string]any{"Unit": u, "Rows": rows, "Stale": stale, "CanPublish": canPublish, "Choices": choices,
		"Window": procedure.DefaultExpiryWindow}
	s.render(w, r, http.StatusOK, "procedure_unit", p)
}

func (s *Server) publishProcedure(w http.ResponseWriter, r *http.Request) {
	s.changePublication(w, r, true)
}

func (s *Server) unpublishProcedure(w http.ResponseWriter, r *http.Request) {
	s.changePublication(w, r, false)
}

func (s *Server) changePublication(w http.ResponseWriter, r *http.Request, publish bool) {
	u, ok := s.loadUnitFor(w, r, auth.PublishProcedures)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, failure.New(failure.Invalid, "", "error.bad_form"), http.StatusBadRequest)
		return
	}
	code := procedure.NormalizeCode(r.PostForm.Get("code"))
	on := s.today()
	if v := r.PostForm.Get("published_on"); v != "" && publish {
		d, err := unit.ParseDate(v)
		if err != nil {
			s.renderError(w, r, failure.InvalidField("published_on", "form.date_invalid"), 0)
			return
		}
		on = d
	}
	var err error
	action := "procedure.publish"
	if publish {
		err = s.db.PublishProcedure(r.Context(), u.ID, code, on, actor(r).UserID)
	} else {
		action = "procedure.unpublish"
		err = s.db.UnpublishProcedure(r.Context(), u.ID, code, on, actor(r).UserID)
	}
	if err != nil {
		if e, ok := failure.As(err); ok {
			s.flash(r, e.Key, e.Args...)
			http.Redirect(w, r, "/procedures/units/"+u.ID, http.StatusSeeOther)
			return
		}
		s.serverError(w, r, err)
		return
	}
	s.audit(r, action, "procedure", code, u.ID, code+" "+on.String())
	if publish {
		s.flash(r, "procedure.published", code)
	} else {
		s.flash(r, "procedure.unpublished", code)
	}
	http.Redirect(w, r, "/procedures/units/"+u.ID, http.StatusSeeOther)
}

func (s *Server) importProceduresForm(w http.ResponseWriter, r *http.Request) {
	if !mayManageCatalog(actor(r)) {
		s.forbidden(w, r)
		return
	}
	p := s.newPage(r, "procedure.import")
	p.Active = "nav.procedures"
	p.Form = map[string]string{"format": ""}
	p.Data = map[string]any{} // the template looks for line errors and a preview
	s.render(w, r, http.StatusOK, "procedure_import", p)
}

// lineError is an import problem ready to show.
type lineError struct {
	Line    int
	Field   string
	Message string
}

// importProcedures parses the posted file (an upload or pasted text), shows the preview
// of a dry run, or applies the import when asked to.
func (s *Server) importProcedures(w http.ResponseWriter, r *http.Request) {
	if !mayManageCatalog(actor(r)) {
		s.forbidden(w, r)
		return
	}
	if err := r.ParseMultipartForm(1 << 20); err != nil && err != http.ErrNotMultipart {
		s.renderError(w, r, failure.New(failure.Invalid, "", "error.bad_form"), http.StatusBadRequest)
		return
	}
	content := r.PostFormValue("content")
	name := r.PostFormValue("name")
	if f, h, err := r.FormFile("file"); err == nil {
		b, err := io.ReadAll(io.LimitReader(f, procedure.MaxImportBytes))
		f.Close()
		if err != nil {
			s.renderError(w, r, failure.New(failure.Invalid, "", "error.bad_form"), http.StatusBadRequest)
			return
		}
		content, name = string(b), h.Filename
	}
	format := procedure.Format(r.PostFormValue("format"))
	if format != procedure.CSV && format != procedure.JSON {
		format = procedure.FormatOf(name, []byte(content))
	}
	apply := r.PostFormValue("apply") == "1"
	p := s.newPage(r, "procedure.import")
	p.Active = "nav.procedures"
	p.Form = map[string]string{"content": content, "name": name, "format": string(format)}
	rows, err := procedure.Parse(format, []byte(content))
	var res store.ProcedureImportResult
	if err == nil {
		res, err = s.db.ImportProcedures(r.Context(), rows, store.ProcedureImportOptions{DryRun: !apply, Today: s.today()})
	}
	if err != nil {
		le, ok := procedure.AsLineErrors(err)
		if !ok {
			s.serverError(w, r, err)
			return
		}
		var out []lineError
		for _, e := range le {
			out = append(out, lineError{Line: e.Line, Field: e.Err.Field, Message: s.i18n.T(p.Lang, e.Err.Key, e.Err.Args...)})
		}
		p.ErrorMsg = s.i18n.T(p.Lang, "procedure.import_failed", len(out))
		p.Data = map[string]any{"LineErrors": out}
		s.render(w, r, http.StatusUnprocessableEntity, "procedure_import", p)
		return
	}
	if apply {
		s.audit(r, "procedure.import", "procedure_catalog", name, "", strconv.Itoa(len(rows))+" rows")
		s.flash(r, "procedure.imported", res.Added, res.Changed, res.Expired, res.Unchanged)
		http.Redirect(w, r, "/procedures", http.StatusSeeOther)
		return
	}
	p.Data = map[string]any{"Preview": res, "Rows": len(rows)}
	s.render(w, r, http.StatusOK, "procedure_import", p)
}

// JSON API.

type apiVersionJSON struct {
	Number            int                   `json:"version"`
	Name              string                `json:"name"`
	Field             string                `json:"field"`
	Level             string                `json:"level"`
	AgencyKinds       []unit.Kind           `json:"agency_kinds"`
	TimeLimit         string                `json:"time_limit"`
	Fees              []procedure.Fee       `json:"fees"`
	Components        []procedure.Component `json:"components"`
	Result            string                `json:"result"`
	LegalBasis        string                `json:"legal_basis"`
	OnlineLevel       string                `json:"online_level"`
	DecisionNumber    string                `json:"decision_number"`
	DecisionDate      string                `json:"decision_date,omitempty"`
	DecisionAuthority string                `json:"decision_authority"`
	EffectiveFrom     string                `json:"effective_from"`
	EffectiveTo       string                `json:"effective_to,omitempty"`
	Note              string                `json:"note,omitempty"`
	Frozen            bool                  `json:"frozen"`
}

type apiProcedureJSON struct {
	Code       string           `json:"code"`
	Name       string           `json:"name"`
	Field      string           `json:"field"`
	Level      string           `json:"level"`
	Status     string           `json:"status"` // on the day asked (today by default)
	StatusFrom string           `json:"status_from,omitempty"`
	ReplacedBy string           `json:"replaced_by,omitempty"`
	Current    *int             `json:"current_version,omitempty"`
	Versions   []apiVersionJSON `json:"versions,omitempty"`
}

func toAPIProcedure(p procedure.Procedure, on unit.Date, withVersions bool) apiProcedureJSON {
	out := apiProcedureJSON{Code: p.Code, Name: p.Name, Field: p.Field, Level: string(p.Level),
		Status: string(p.StatusOn(on)), StatusFrom: p.StatusFrom.String(), ReplacedBy: p.ReplacedBy}
	if v, ok := p.VersionOn(on); ok {
		n := v.Number
		out.Current = &n
	}
	if withVersions {
		for _, v := range p.Versions {
			out.Versions = append(out.Versions, apiVersionJSON{Number: v.Number, Name: v.Name, Field: v.Field,
				Level: string(v.Level), AgencyKinds: v.AgencyKinds, TimeLimit: v.Limit.String(), Fees: v.Fees,
				Components: v.Components, Result: v.Result, LegalBasis: v.LegalBasis, OnlineLevel: string(v.Online),
				DecisionNumber: v.Announcement.Number, DecisionDate: v.Announcement.Date.String(),
				DecisionAuthority: v.Announcement.Authority, EffectiveFrom: v.EffectiveFrom.String(),
				EffectiveTo: v.EffectiveTo.String(), Note: v.Note, Frozen: v.Frozen})
		}
	}
	return out
}

// apiProcedures searches the catalog. Query: q, field, level, status, on (YYYY-MM-DD).
func (s *Server) apiProcedures(w http.ResponseWriter, r *http.Request) {
	f, errs := procedureFilter(r, s.today())
	if len(errs) > 0 {
		s.renderError(w, r, errs, http.StatusBadRequest)
		return
	}
	list, err := s.db.ListProcedures(r.Context(), f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	out := make([]apiProcedureJSON, len(list))
	for i, p := range list {
		out[i] = toAPIProcedure(p, f.On, false)
	}
	writeJSON(w, http.StatusOK, map[string]any{"procedures": out, "count": len(out)})
}

func (s *Server) apiProcedure(w http.ResponseWriter, r *http.Request) {
	p, err := s.db.Procedure(r.Context(), r.PathValue("code"))
	if err != nil {
		s.handleErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPIProcedure(p, s.today(), true))
}

type apiPublicationJSON struct {
	UnitID        string           `json:"unit_id"`
	Unit          string           `json:"unit"`
	PublishedOn   string           `json:"published_on"`
	UnpublishedOn string           `json:"unpublished_on,omitempty"`
	Procedure     apiProcedureJSON `json:"procedure"`
}

func toAPIPublications(pubs []store.PublishedProcedure, on unit.Date) []apiPublicationJSON {
	out := make([]apiPublicationJSON, len(pubs))
	for i, p := range pubs {
		out[i] = apiPublicationJSON{UnitID: p.UnitID, Unit: p.UnitName, PublishedOn: p.PublishedOn.String(),
			UnpublishedOn: p.UnpublishedOn.String(), Procedure: toAPIProcedure(p.Procedure, on, false)}
	}
	return out
}

// apiStaleProcedures lists, in the caller's units, the publications still in place whose
// procedure is no longer in force today.
func (s *Server) apiStaleProcedures(w http.ResponseWriter, r *http.Request) {
	paths, ok := viewScope(actor(r), auth.ViewUnit)
	if !ok {
		s.renderError(w, r, failure.New(failure.Forbidden, "", "error.forbidden"), 0)
		return
	}
	today := s.today()
	pubs, err := s.db.StalePublications(r.Context(), store.PublicationFilter{Under: paths}, today)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"publications": toAPIPublications(pubs, today), "count": len(pubs)})
}

// apiUnitProcedures lists a unit's publications (in place today; all=1 for history).
func (s *Server) apiUnitProcedures(w http.ResponseWriter, r *http.Request) {
	u, err := s.db.Unit(r.Context(), r.PathValue("id"))
	if err == nil && !actor(r).Can(auth.ViewUnit, u.Path) {
		err = failure.New(failure.NotFound, "", "unit.not_found")
	}
	if err != nil {
		s.handleErr(w, r, err)
		return
	}
	today := s.today()
	f := store.PublicationFilter{UnitID: u.ID, ActiveOn: today}
	if r.URL.Query().Get("all") != "" {
		f.ActiveOn = unit.Date{}
	}
	pubs, err := s.db.Publications(r.Context(), f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"publications": toAPIPublications(pubs, today), "count": len(pubs)})
}
