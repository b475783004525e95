package web

import (
	"net/http"
	"strings"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/user"
)

// mayOperate: the background jobs and the mail server serve the whole installation, so
// only the system administrator or an administrator of a root unit (a province or city)
// sees and changes them.
func mayOperate(a auth.Actor) bool {
	if a.SystemAdmin {
		return a.SignedIn()
	}
	for _, as := range a.Assignments {
		if strings.Count(as.UnitPath, "/") == 2 && as.Role == user.Admin {
			return true
		}
	}
	return false
}

// jobStatuses are the run statuses the jobs page names (keys jobs.status_<status>).
var jobStatuses = []string{store.RunRunning, store.RunOK, store.RunFailed, store.RunPanicked, store.RunAbandoned, store.RunLeaseLost}

// listJobs shows the scheduled jobs with their next and last runs, and the latest runs.
func (s *Server) listJobs(w http.ResponseWriter, r *http.Request) {
	if !mayOperate(actor(r)) {
		s.forbidden(w, r)
		return
	}
	states, err := s.db.Jobs(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	runs, err := s.db.JobRuns(r.Context(), r.URL.Query().Get("job"), 100)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := s.newPage(r, "jobs.title")
	p.Active = "nav.admin"
	p.Data = map[string]any{"Jobs": states, "Runs": runs, "Now": s.cfg.Now(), "Job": r.URL.Query().Get("job")}
	s.render(w, r, http.StatusOK, "admin_jobs", p)
}

// runJobNow makes a job due at once; a runner picks it up within its poll interval.
func (s *Server) runJobNow(w http.ResponseWriter, r *http.Request) {
	if !mayOperate(actor(r)) {
		s.forbidden(w, r)
		return
	}
	name := r.PathValue("name")
	if err := s.db.RunJobNow(r.Context(), name, s.cfg.Now()); err != nil {
		s.handleErr(w, r, err)
		return
	}
	if err := s.db.Audit(r.Context(), store.AuditEvent{ActorID: actor(r).UserID, Action: "jobs.run_now",
		ObjectType: "job", ObjectID: name}); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "jobs.queued", name)
	http.Redirect(w, r, "/admin/jobs", http.StatusSeeOther)
}
