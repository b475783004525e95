package web

import "net/http"

// notifyRoutes registers monitoring and reminders (issue 9): the background jobs'
// page, the officials' notifications and their e-mail choice, the dossiers needing
// attention, and the mail server and reminder settings.
func (s *Server) notifyRoutes(app *http.ServeMux) {
	route(app, "GET /admin/jobs", s.signedIn(s.listJobs))
	route(app, "POST /admin/jobs/{name}/run", s.signedIn(s.runJobNow))
	route(app, "GET /monitor", s.signedIn(s.monitorPage))
}
