package web

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
)

// apiUnitJSON is a unit as the API shows it.
type apiUnitJSON struct {
	ID         string   `json:"id"`
	Code       string   `json:"code"`
	AgencyCode string   `json:"agency_code,omitempty"`
	Name       string   `json:"name"`
	Kind       string   `json:"kind"`
	ParentID   string   `json:"parent_id,omitempty"`
	ValidFrom  string   `json:"valid_from"`
	ValidTo    string   `json:"valid_to,omitempty"`
	Successors []string `json:"successors,omitempty"`
}

func toAPIUnit(u unit.Unit) apiUnitJSON {
	return apiUnitJSON{ID: u.ID, Code: u.Code, AgencyCode: u.AgencyCode, Name: u.Name, Kind: string(u.Kind),
		ParentID: u.ParentID, ValidFrom: u.ValidFrom.String(), ValidTo: u.ValidTo.String(), Successors: u.Successors}
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) {
	c := currentFrom(r)
	type role struct {
		Role   string `json:"role"`
		UnitID string `json:"unit_id"`
		Unit   string `json:"unit"`
	}
	roles := []role{}
	for _, a := range c.actor.Assignments {
		roles = append(roles, role{string(a.Role), a.UnitID, a.UnitName})
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"id": c.user.ID, "email": c.user.Email, "full_name": c.user.FullName, "lang": c.user.Lang,
		"system_admin": c.user.SystemAdmin, "roles": roles,
	})
}

// apiUnits lists the units the caller may see. Query: q (search), on (YYYY-MM-DD: units
// existing that day), limit (1–5000, default 500).
func (s *Server) apiUnits(w http.ResponseWriter, r *http.Request) {
	paths, ok := viewScope(actor(r), auth.ViewUnit)
	if !ok {
		s.renderError(w, r, failure.New(failure.Forbidden, "", "error.forbidden"), 0)
		return
	}
	q := r.URL.Query()
	f := store.UnitFilter{Under: paths, Query: q.Get("q"), Limit: 500}
	var errs failure.List
	if v := q.Get("on"); v != "" {
		d, err := unit.ParseDate(v)
		if err != nil {
			errs = append(errs, failure.InvalidField("on", "form.date_invalid"))
		}
		f.ActiveOn = d
	}
	f.Limit = queryLimit(q, f.Limit, 5000, &errs)
	if len(errs) > 0 {
		s.renderError(w, r, errs, http.StatusBadRequest)
		return
	}
	units, err := s.db.ListUnits(r.Context(), f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	out := make([]apiUnitJSON, len(units))
	for i, u := range units {
		out[i] = toAPIUnit(u)
	}
	writeJSON(w, http.StatusOK, map[string]any{"units": out, "count": len(out)})
}

func (s *Server) apiUnit(w http.ResponseWriter, r *http.Request) {
	u, err := s.db.Unit(r.Context(), r.PathValue("id"))
	if err == nil && !actor(r).Can(auth.ViewUnit, u.Path) {
		err = failure.New(failure.NotFound, "", "unit.not_found")
	}
	if err != nil {
		s.handleErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPIUnit(u))
}

// readJSON decodes a JSON request body into v, refusing unknown fields and trailing data;
// on a body it cannot read it answers 400 and returns false.
func (s *Server) readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := io.ReadAll(r.Body)
	if err == nil {
		err = decodeJSON(body, v)
	}
	if err != nil {
		s.renderError(w, r, err, http.StatusBadRequest)
		return false
	}
	return true
}

// decodeJSON decodes one JSON value from body into v, refusing unknown fields, trailing
// data, NUL characters and invalid UTF-8 ("api.json_invalid").
func decodeJSON(body []byte, v any) error {
	invalid := failure.New(failure.Invalid, "", "api.json_invalid")
	if !cleanJSON(body) {
		return invalid
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil || dec.More() {
		return invalid
	}
	return nil
}

// queryLimit reads the limit query parameter of a list (1..most; def when absent), adding
// a field error to errs when it is not a number in range.
func queryLimit(q url.Values, def, most int, errs *failure.List) int {
	v := q.Get("limit")
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > most {
		*errs = append(*errs, failure.InvalidField("limit", "api.limit_invalid", 1, most))
	}
	return n
}
