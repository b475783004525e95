package web

import (
	"net/http"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/user"
)

// roleLine is one of the official's roles as the home page lists it.
type roleLine struct {
	Role     user.Role
	UnitID   string
	UnitName string
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	c := currentFrom(r)
	p := s.newPage(r, "home.title")
	p.Active = "nav.home"
	var roles []roleLine
	for _, a := range c.actor.Assignments {
		roles = append(roles, roleLine{Role: a.Role, UnitID: a.UnitID, UnitName: a.UnitName})
	}
	expiring, overdue, err := s.procedureAlerts(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	lowRatings, err := s.lowRatings(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	work, late, err := s.myWork(r.Context(), c.actor)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	mon := s.monitorHome(r)
	dashboards, err := s.homeDashboards(r, mon, work, late)
	if err != nil { // like the monitoring, a dashboard fault never takes the home page down
		s.logger(r).Error("dashboards on the home page", "err", err)
	}
	p.Data = map[string]any{
		"Roles":          roles,
		"SystemAdmin":    c.user.SystemAdmin,
		"SessionExpiry":  s.sessionExpiry(r),
		"CanAdmin":       c.actor.CanAnywhere(auth.ManageUnits) || c.actor.CanAnywhere(auth.ManageUsers),
		"Expiring":       expiring,
		"OverdueReviews": overdue,
		"Window":         procedure.DefaultExpiryWindow,
		"LowRatings":     lowRatings,
		"LowRatingDays":  lowRatingDays,
		"Work":           work,
		"WorkOverdue":    late,
		"ViewsDossiers":  c.actor.CanAnywhere(auth.ViewDossiers),
		"Monitor":        mon,
		"Dashboards":     dashboards,
	}
	s.render(w, r, http.StatusOK, "home", p)
}
