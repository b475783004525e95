package web

import (
	"net/http"
	"strings"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
)

// unitRow is a unit in the tree listing.
type unitRow struct {
	unit.Unit
	Depth     int
	CanManage bool
	Retired   bool
}

// viewScope returns the unit filter paths an official may read, or forbids.
func viewScope(a auth.Actor, action auth.Action) (paths []string, ok bool) {
	paths, everywhere := a.Scopes(action)
	if everywhere {
		return nil, true
	}
	return paths, len(paths) > 0
}

func (s *Server) listUnits(w http.ResponseWriter, r *http.Request) {
	a := actor(r)
	paths, ok := viewScope(a, auth.ViewUnit)
	if !ok {
		s.forbidden(w, r)
		return
	}
	q := r.URL.Query()
	f := store.UnitFilter{Under: paths, Query: q.Get("q"), Limit: 2000}
	if q.Get("all") == "" {
		f.ActiveOn = unit.DateOf(s.cfg.Now().In(vnZone))
	}
	units, err := s.db.ListUnits(r.Context(), f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	today := unit.DateOf(s.cfg.Now().In(vnZone))
	minDepth := -1
	for _, u := range units {
		if minDepth < 0 || u.Depth() < minDepth {
			minDepth = u.Depth()
		}
	}
	rows := make([]unitRow, len(units))
	for i, u := range units {
		rows[i] = unitRow{Unit: u, Depth: u.Depth() - minDepth, CanManage: a.Can(auth.ManageUnits, u.Path), Retired: u.Retired(today)}
	}
	p := s.newPage(r, "units.title")
	p.Active = "nav.admin"
	p.Form = map[string]string{"q": q.Get("q"), "all": q.Get("all")}
	p.Data = map[string]any{"Units": rows, "CanCreate": a.CanAnywhere(auth.ManageUnits), "Truncated": len(units) == f.Limit}
	s.render(w, r, http.StatusOK, "units", p)
}

// unitForm reads a unit from a posted form; field errors for unparseable dates.
func unitForm(r *http.Request) (unit.Unit, map[string]string, error) {
	f := r.PostForm
	u := unit.Unit{
		Code:       f.Get("code"),
		AgencyCode: f.Get("agency_code"),
		Name:       f.Get("name"),
		Kind:       unit.Kind(f.Get("kind")),
		ParentID:   f.Get("parent_id"),
	}
	for _, s := range f["successors"] {
		if s = strings.TrimSpace(s); s != "" {
			u.Successors = append(u.Successors, s)
		}
	}
	form := map[string]string{}
	for _, k := range []string{"code", "agency_code", "name", "kind", "parent_id", "valid_from", "valid_to"} {
		form[k] = f.Get(k)
	}
	var errs failure.List
	var err error
	if u.ValidFrom, err = unit.ParseDate(f.Get("valid_from")); err != nil {
		errs = append(errs, failure.InvalidField("valid_from", "form.date_invalid"))
	}
	if u.ValidTo, err = unit.ParseDate(f.Get("valid_to")); err != nil {
		errs = append(errs, failure.InvalidField("valid_to", "form.date_invalid"))
	}
	return u, form, errs.Err()
}

// parentChoices lists the units an official may put a new unit under.
func (s *Server) parentChoices(r *http.Request) ([]unit.Unit, error) {
	paths, everywhere := actor(r).Scopes(auth.ManageUnits)
	if !everywhere && len(paths) == 0 {
		return nil, nil
	}
	return s.db.ListUnits(r.Context(), store.UnitFilter{Under: paths, ActiveOn: unit.DateOf(s.cfg.Now().In(vnZone)), Limit: 5000})
}

func (s *Server) unitFormPage(w http.ResponseWriter, r *http.Request, status int, p *page, existing *unit.Unit) {
	parents, err := s.parentChoices(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p.Active = "nav.admin"
	data := map[string]any{"Parents": parents, "Kinds": unit.Kinds, "Unit": existing}
	if existing != nil {
		ws, err := s.db.WorkSettingsFor(r.Context(), existing.ID)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		data["Work"] = ws
		data["WorkWeekend"] = store.FormatWeekend(ws.Weekend)
		names, err := s.db.UnitNames(r.Context(), existing.Successors)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		data["SuccessorNames"] = names
	}
	p.Data = data
	s.render(w, r, status, "unit_form", p)
}

func (s *Server) newUnitForm(w http.ResponseWriter, r *http.Request) {
	if !actor(r).CanAnywhere(auth.ManageUnits) {
		s.forbidden(w, r)
		return
	}
	p := s.newPage(r, "units.new")
	p.Form = map[string]string{"parent_id": r.URL.Query().Get("parent"), "valid_from": unit.DateOf(s.cfg.Now().In(vnZone)).String()}
	s.unitFormPage(w, r, http.StatusOK, p, nil)
}

// mayPlaceUnder checks that the official manages the intended parent (only a system
// administrator creates roots).
func (s *Server) mayPlaceUnder(r *http.Request, parentID string) (bool, error) {
	a := actor(r)
	if parentID == "" {
		return a.SystemAdmin, nil
	}
	parent, err := s.db.Unit(r.Context(), parentID)
	if failure.Is(err, failure.NotFound) {
		return true, nil // the store reports the unknown parent as a field error
	}
	if err != nil {
		return false, err
	}
	return a.Can(auth.ManageUnits, parent.Path), nil
}

func (s *Server) createUnit(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	u, form, err := unitForm(r)
	ok, perr := s.mayPlaceUnder(r, u.ParentID)
	if perr != nil {
		s.serverError(w, r, perr)
		return
	}
	if !ok {
		s.forbidden(w, r)
		return
	}
	if err == nil {
		err = s.db.CreateUnit(r.Context(), &u)
	}
	if err != nil {
		s.unitFormError(w, r, err, "units.new", form, nil)
		return
	}
	s.audit(r, "unit.create", "unit", u.ID, u.ID, u.Code+" "+u.Name)
	s.flash(r, "units.created", u.Name)
	http.Redirect(w, r, "/admin/units/"+u.ID, http.StatusSeeOther)
}

func (s *Server) unitFormError(w http.ResponseWriter, r *http.Request, err error, titleKey string, form map[string]string, existing *unit.Unit) {
	if _, ok := failure.As(err); !ok {
		s.serverError(w, r, err)
		return
	}
	p := s.newPage(r, titleKey)
	p.Form = form
	s.formErrors(p, err)
	e, _ := failure.As(err)
	s.unitFormPage(w, r, statusOf(e.Kind), p, existing)
}

// loadUnitFor fetches the unit in the URL and checks the action on it. Units the official
// may not see are answered as not found, so their existence is not revealed.
func (s *Server) loadUnitFor(w http.ResponseWriter, r *http.Request, action auth.Action) (unit.Unit, bool) {
	u, err := s.db.Unit(r.Context(), r.PathValue("id"))
	if err != nil {
		s.handleErr(w, r, err)
		return unit.Unit{}, false
	}
	a := actor(r)
	if !a.Can(auth.ViewUnit, u.Path) {
		s.notFound(w, r)
		return unit.Unit{}, false
	}
	if !a.Can(action, u.Path) {
		s.forbidden(w, r)
		return unit.Unit{}, false
	}
	return u, true
}

func (s *Server) showUnit(w http.ResponseWriter, r *http.Request) {
	u, ok := s.loadUnitFor(w, r, auth.ViewUnit)
	if !ok {
		return
	}
	a := actor(r)
	if !a.Can(auth.ManageUnits, u.Path) {
		children, err := s.db.ListUnits(r.Context(), store.UnitFilter{ParentID: u.ID})
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		names, err := s.db.UnitNames(r.Context(), append(u.Successors, u.ParentID))
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		p := s.newPage(r, "units.view")
		p.Active = "nav.admin"
		p.Data = map[string]any{"Unit": u, "Children": children, "Names": names}
		s.render(w, r, http.StatusOK, "unit_view", p)
		return
	}
	p := s.newPage(r, "units.edit")
	p.Form = map[string]string{
		"code": u.Code, "agency_code": u.AgencyCode, "name": u.Name, "kind": string(u.Kind),
		"parent_id": u.ParentID, "valid_from": u.ValidFrom.String(), "valid_to": u.ValidTo.String(),
	}
	s.unitFormPage(w, r, http.StatusOK, p, &u)
}

func (s *Server) updateUnit(w http.ResponseWriter, r *http.Request) {
	old, ok := s.loadUnitFor(w, r, auth.ManageUnits)
	if !ok {
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	u, form, err := unitForm(r)
	u.ID = old.ID
	if u.ParentID != old.ParentID {
		allowed, perr := s.mayPlaceUnder(r, u.ParentID)
		if perr != nil {
			s.serverError(w, r, perr)
			return
		}
		if !allowed {
			s.forbidden(w, r)
			return
		}
	}
	if err == nil {
		err = s.db.UpdateUnit(r.Context(), &u)
	}
	if err != nil {
		s.unitFormError(w, r, err, "units.edit", form, &old)
		return
	}
	s.audit(r, "unit.update", "unit", u.ID, u.ID, u.Code+" "+u.Name)
	s.flash(r, "units.saved", u.Name)
	http.Redirect(w, r, "/admin/units/"+u.ID, http.StatusSeeOther)
}

// audit records an administrative change; a failure to record is logged, not shown.
func (s *Server) audit(r *http.Request, action, objectType, objectID, unitID, detail string) {
	err := s.db.Audit(r.Context(), store.AuditEvent{
		ActorID: actor(r).UserID, UnitID: unitID, Action: action,
		ObjectType: objectType, ObjectID: objectID, Detail: detail,
	})
	if err != nil {
		s.logger(r).Error("audit", "err", err, "action", action)
	}
}
