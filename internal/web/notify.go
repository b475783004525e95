package web

import "net/http"

// notifyRoutes registers monitoring and reminders (issue 9): the background jobs'
// page, the officials' notifications and their e-mail choice, the dossiers needing
// attention, and the mail server and reminder settings.
func (s *Server) notifyRoutes(app *http.ServeMux) {
	route(app, "GET /admin/jobs", s.signedIn(s.listJobs))
	route(app, "POST /admin/jobs/{name}/run", s.signedIn(s.runJobNow))
	route(app, "GET /monitor", s.signedIn(s.monitorPage))
	route(app, "GET /notifications", s.signedIn(s.listNotifications))
	route(app, "GET /notifications/{id}", s.signedIn(s.openNotification))
	route(app, "POST /notifications/{id}/read", s.signedIn(s.readNotification))
	route(app, "POST /notifications/read-all", s.signedIn(s.readAllNotifications))
	route(app, "POST /notifications/email", s.signedIn(s.saveEmailMode))
	route(app, "GET /admin/mail", s.signedIn(s.showMail))
	route(app, "POST /admin/mail", s.signedIn(s.saveMail))
	route(app, "POST /admin/mail/test", s.signedIn(s.testMail))
	route(app, "POST /admin/mail/retry", s.signedIn(s.retryMail))
	route(app, "GET /admin/reminders", s.signedIn(s.listReminders))
	route(app, "POST /admin/reminders", s.signedIn(s.saveReminders))
}
