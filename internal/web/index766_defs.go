package web

import (
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/report"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
)

// The versions of the index definition: the national default shipped with motcua and the
// versions a province loads (its administrator, or the system administrator), each kept
// readable after a later one replaces it.

// index766Provinces lists the provinces (root units) whose versions the official may
// read: those of the units in their report scope, every one for the system administrator.
func (s *Server) index766Provinces(r *http.Request) ([]unit.Unit, error) {
	a := actor(r)
	paths, ok := viewScope(a, auth.ViewReports)
	if !ok {
		return nil, failure.New(failure.Forbidden, "", "error.forbidden")
	}
	roots, err := s.db.ListUnits(r.Context(), store.UnitFilter{Kinds: []unit.Kind{unit.Province, unit.City}})
	if err != nil {
		return nil, err
	}
	var out []unit.Unit
	for _, u := range roots {
		if u.ParentID != "" {
			continue
		}
		if len(paths) == 0 || slices.ContainsFunc(paths, func(p string) bool { return provinceOf(p) == u.ID }) {
			out = append(out, u)
		}
	}
	return out, nil
}

// index766VersionView is a version in the list.
type index766VersionView struct {
	ID, Version, Scope, From, To string
	Closed, Default, InForce     bool
}

func (s *Server) index766Definitions(w http.ResponseWriter, r *http.Request) {
	provinces, err := s.index766Provinces(r)
	if err != nil {
		s.handleErr(w, r, err)
		return
	}
	ids := make([]string, len(provinces))
	names := map[string]string{}
	var manage []unit.Unit
	for i, u := range provinces {
		ids[i], names[u.ID] = u.ID, u.Name
		if canManageIndex766(actor(r), u) {
			manage = append(manage, u)
		}
	}
	list, err := s.db.Index766Versions(r.Context(), ids...)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := s.newPage(r, "index766.definitions")
	p.Active = "nav.reports"
	today := s.reportToday()
	var views []index766VersionView
	for _, v := range list {
		scope := s.i18n.T(p.Lang, "index766.scope_national")
		if v.ScopeUnitID != "" {
			scope = names[v.ScopeUnitID]
		}
		views = append(views, index766VersionView{ID: v.ID, Version: v.Definition.Version, Scope: scope,
			From: v.Definition.EffectiveFrom.VietnameseString(), To: index766End(v.Definition), Closed: v.Closed,
			Default: v.Default, InForce: v.Definition.InForceOn(today)})
	}
	p.Data = map[string]any{"Versions": views, "Manage": manage}
	s.render(w, r, http.StatusOK, "index766_definitions", p)
}

// index766End is a version's last day, or "" when open-ended.
func index766End(d report.Definition) string {
	if d.EffectiveTo.IsZero() {
		return ""
	}
	return d.EffectiveTo.VietnameseString()
}

// index766Visible loads a version the official may read (404 otherwise).
func (s *Server) index766Visible(r *http.Request) (store.Index766Version, []unit.Unit, error) {
	provinces, err := s.index766Provinces(r)
	if err != nil {
		return store.Index766Version{}, nil, err
	}
	v, err := s.db.Index766Version(r.Context(), r.PathValue("id"))
	if err != nil {
		return v, nil, err
	}
	if v.ScopeUnitID != "" && !slices.ContainsFunc(provinces, func(u unit.Unit) bool { return u.ID == v.ScopeUnitID }) {
		return v, nil, failure.New(failure.NotFound, "", "index766.version_not_found")
	}
	return v, provinces, nil
}

func (s *Server) index766Definition(w http.ResponseWriter, r *http.Request) {
	v, provinces, err := s.index766Visible(r)
	if err != nil {
		s.handleErr(w, r, err)
		return
	}
	p := s.newPage(r, "index766.definition")
	p.Active = "nav.reports"
	p.Form = map[string]string{"body": v.Body}
	s.index766DefinitionPage(w, r, http.StatusOK, p, v, provinces, nil)
}

// index766DefinitionPage shows a version: its groups, indicators and formulas, the rating
// bands, the measure vocabulary, its JSON, and the edit form while it is not in force.
func (s *Server) index766DefinitionPage(w http.ResponseWriter, r *http.Request, status int, p *page, v store.Index766Version,
	provinces []unit.Unit, defErr error) {
	lang, d := p.Lang, v.Definition
	scope := s.i18n.T(lang, "index766.scope_national")
	editable := false
	for _, u := range provinces {
		if u.ID == v.ScopeUnitID {
			scope = u.Name
			editable = canManageIndex766(actor(r), u) && s.reportToday().Before(d.EffectiveFrom)
		}
	}
	res := d.Evaluate(report.Measures{}, nil)
	groups := s.index766Groups(lang, res)
	var bands []map[string]string
	for _, b := range d.Ratings {
		bands = append(bands, map[string]string{"Name": index766Name(lang, b.NameVI, b.NameEN), "From": index766Points(lang, b.From)})
	}
	p.Title = s.i18n.T(lang, "index766.definition_of", d.Version)
	data := p.data()
	data["D"] = map[string]any{"ID": v.ID, "Version": d.Version, "Title": index766Name(lang, d.TitleVI, d.TitleEN),
		"Source": d.Source, "Note": d.Note, "Scope": scope, "From": d.EffectiveFrom.VietnameseString(), "To": index766End(d),
		"Closed": v.Closed, "Default": v.Default, "Groups": groups, "Bands": bands, "Editable": editable,
		"UpdatedAt": v.UpdatedAt.In(vnZone).Format("02/01/2006 15:04")}
	data["Measures"] = s.index766Vocabulary(lang)
	data["DefErrors"] = s.index766Errors(lang, defErr)
	s.render(w, r, status, "index766_definition", p)
}

// index766Vocabulary documents the measures a formula may use.
func (s *Server) index766Vocabulary(lang string) []map[string]string {
	out := make([]map[string]string, len(report.MeasureNames))
	for i, m := range report.MeasureNames {
		out[i] = map[string]string{"Name": string(m), "Label": s.i18n.T(lang, "index766.measure."+string(m))}
	}
	return out
}

// index766Errors translates every problem of a definition, each with its line.
func (s *Server) index766Errors(lang string, err error) []string {
	var out []string
	for _, e := range failure.Fields(err) {
		out = append(out, s.i18n.T(lang, e.Key, e.Args...))
	}
	if len(out) == 0 && err != nil {
		if msg := s.fieldMessage(lang, err); msg != "" {
			out = append(out, msg)
		}
	}
	return out
}

func (s *Server) index766NewDefinition(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "index766.new_definition")
	p.Active = "nav.reports"
	p.Form = map[string]string{"province_id": r.URL.Query().Get("province_id")}
	s.index766NewPage(w, r, http.StatusOK, p, nil)
}

// index766NewPage shows the form to load a province's version, filled by default with the
// text of the version in force for the province, to start from.
func (s *Server) index766NewPage(w http.ResponseWriter, r *http.Request, status int, p *page, defErr error) {
	provinces, err := s.index766Provinces(r)
	if err != nil {
		s.handleErr(w, r, err)
		return
	}
	var manage []unit.Unit
	for _, u := range provinces {
		if canManageIndex766(actor(r), u) {
			manage = append(manage, u)
		}
	}
	if len(manage) == 0 {
		s.forbidden(w, r)
		return
	}
	if p.Form["province_id"] == "" {
		p.Form["province_id"] = manage[0].ID
	}
	if _, typed := p.Form["body"]; !typed {
		v, err := s.db.Index766InForce(r.Context(), p.Form["province_id"], s.reportToday())
		if err != nil && !failure.Is(err, failure.NotFound) {
			s.serverError(w, r, err)
			return
		}
		p.Form["body"] = v.Body
		if v.Body == "" {
			p.Form["body"] = string(report.DefaultDefinitionJSON)
		}
	}
	data := p.data()
	data["Provinces"] = manage
	data["Measures"] = s.index766Vocabulary(p.Lang)
	data["DefErrors"] = s.index766Errors(p.Lang, defErr)
	data["MaxKB"] = report.MaxDefinitionBytes >> 10
	s.render(w, r, status, "index766_definition_form", p)
}

// index766Body reads the definition posted: an uploaded file when one is chosen, else the
// text area.
func (s *Server) index766Body(r *http.Request) ([]byte, error) {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if err := r.ParseMultipartForm(2 * report.MaxDefinitionBytes); err != nil {
			return nil, failure.New(failure.Invalid, "", "error.bad_form")
		}
		f, hdr, err := r.FormFile("file")
		if err == nil {
			defer f.Close()
			if hdr.Size > 0 {
				b, err := io.ReadAll(io.LimitReader(f, report.MaxDefinitionBytes+1))
				if err != nil {
					return nil, failure.New(failure.Invalid, "", "error.bad_form")
				}
				return b, nil
			}
		} else if !errors.Is(err, http.ErrMissingFile) {
			return nil, failure.New(failure.Invalid, "", "error.bad_form")
		}
	} else if !s.parseFormOK(r) {
		return nil, failure.New(failure.Invalid, "", "error.bad_form")
	}
	return []byte(r.FormValue("body")), nil
}

func (s *Server) parseFormOK(r *http.Request) bool { return r.ParseForm() == nil }

func (s *Server) index766CreateDefinition(w http.ResponseWriter, r *http.Request) {
	// Refused before the body is read when the official manages no province at all.
	provinces, err := s.index766Provinces(r)
	if err != nil || !slices.ContainsFunc(provinces, func(u unit.Unit) bool { return canManageIndex766(actor(r), u) }) {
		s.forbidden(w, r)
		return
	}
	body, err := s.index766Body(r)
	if err != nil {
		s.renderError(w, r, err, http.StatusBadRequest)
		return
	}
	provinceID := r.FormValue("province_id")
	prov, err := s.db.Unit(r.Context(), provinceID)
	if err != nil || !canManageIndex766(actor(r), prov) {
		s.forbidden(w, r)
		return
	}
	v, err := s.db.SaveIndex766Version(r.Context(), prov.ID, "", body, actor(r).UserID, s.reportToday())
	if failure.Is(err, failure.Invalid) {
		p := s.newPage(r, "index766.new_definition")
		p.Active = "nav.reports"
		p.Form = map[string]string{"province_id": prov.ID, "body": string(body)}
		s.index766NewPage(w, r, http.StatusBadRequest, p, err)
		return
	}
	if err != nil {
		s.handleErr(w, r, err)
		return
	}
	s.flash(r, "index766.version_saved", v.Definition.Version)
	http.Redirect(w, r, "/reports/index766/definitions/"+v.ID, http.StatusSeeOther)
}

func (s *Server) index766UpdateDefinition(w http.ResponseWriter, r *http.Request) {
	v, provinces, err := s.index766Visible(r)
	if err != nil {
		s.handleErr(w, r, err)
		return
	}
	i := slices.IndexFunc(provinces, func(u unit.Unit) bool { return u.ID == v.ScopeUnitID })
	if v.ScopeUnitID == "" || i < 0 || !canManageIndex766(actor(r), provinces[i]) {
		s.forbidden(w, r)
		return
	}
	body, err := s.index766Body(r)
	if err != nil {
		s.renderError(w, r, err, http.StatusBadRequest)
		return
	}
	saved, err := s.db.SaveIndex766Version(r.Context(), v.ScopeUnitID, v.ID, body, actor(r).UserID, s.reportToday())
	if failure.Is(err, failure.Invalid) {
		p := s.newPage(r, "index766.definition")
		p.Active = "nav.reports"
		p.Form = map[string]string{"body": string(body)}
		s.index766DefinitionPage(w, r, http.StatusBadRequest, p, v, provinces, err)
		return
	}
	if err != nil {
		s.handleErr(w, r, err)
		return
	}
	s.flash(r, "index766.version_saved", saved.Definition.Version)
	http.Redirect(w, r, "/reports/index766/definitions/"+saved.ID, http.StatusSeeOther)
}
