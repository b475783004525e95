package web

import (
	"net/http"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/unit"
)

// dashboardRatingsLimit is how many of the newest ratings the ratings list shows.
const dashboardRatingsLimit = 100

// dashboardRoutes registers the dashboards' own pages: the overseer's dashboard and the
// ratings behind the satisfaction tile.
func (s *Server) dashboardRoutes(app *http.ServeMux) {
	route(app, "GET /dashboard", s.signedIn(s.dashboardPage))
	route(app, "GET /dashboard/ratings", s.signedIn(s.dashboardRatings))
}

// dashboardUnit reads the unit_id parameter: a unit the official sees reports of (404
// otherwise, so its existence is not revealed); the official's first such unit when
// absent.
func (s *Server) dashboardUnit(r *http.Request) (unit.Unit, error) {
	a := actor(r)
	paths, ok := viewScope(a, auth.ViewReports)
	if !ok {
		return unit.Unit{}, failure.New(failure.Forbidden, "", "error.forbidden")
	}
	id := r.URL.Query().Get("unit_id")
	if id == "" {
		if len(paths) == 0 { // the system administrator: choose a unit
			return unit.Unit{}, failure.InvalidField("unit_id", "dashboard.unit_required")
		}
		id = reportPathUnitID(paths[0])
	}
	u, err := s.db.Unit(r.Context(), id)
	if err != nil {
		return unit.Unit{}, failure.New(failure.NotFound, "", "error.not_found")
	}
	ok, err = s.canViewUnit(r.Context(), a, auth.ViewReports, u.Path)
	if err != nil {
		return unit.Unit{}, err
	}
	if !ok {
		return unit.Unit{}, failure.New(failure.NotFound, "", "error.not_found")
	}
	return u, nil
}

// dashboardRatings lists the newest ratings of dossiers of a unit's agencies, with the
// comments, for the unit's leaders and overseers.
func (s *Server) dashboardRatings(w http.ResponseWriter, r *http.Request) {
	u, err := s.dashboardUnit(r)
	if err != nil {
		s.handleErr(w, r, err)
		return
	}
	under, err := s.reportPaths(r.Context(), u)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	list, err := s.db.RecentRatings(r.Context(), under, dashboardRatingsLimit)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := s.newPage(r, "dashboard.ratings_title")
	p.Active = "nav.home"
	p.Title = s.i18n.T(p.Lang, "dashboard.ratings_of", u.Name)
	p.Data = map[string]any{"Unit": u, "Ratings": list, "Limit": dashboardRatingsLimit}
	s.render(w, r, http.StatusOK, "dashboard_ratings", p)
}
