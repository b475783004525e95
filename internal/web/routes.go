package web

import (
	"net/http"
)

// handler registers every route of motcua in one place and wraps them in the middleware
// chain: request id, security headers and logging outermost, then metrics and panic
// recovery; the application routes (not health, metrics or static files) then get the
// session, the signed-in actor, cross-origin protection (CSRF) and body limits.
func (s *Server) handler() http.Handler {
	mux := http.NewServeMux()

	// Operations (no session).
	route(mux, "GET /healthz", http.HandlerFunc(s.healthz))
	route(mux, "GET /readyz", http.HandlerFunc(s.readyz))
	route(mux, "GET /metrics", s.metrics.handler())
	route(mux, "GET /static/", staticHandler())

	// The citizens' public portal (no sign-in) and the officials' download of its files.
	s.portalRoutes(mux)
	// The upload of a QMS document's attachments, with its own body limit.
	s.qmsUploadRoutes(mux)

	app := http.NewServeMux()
	// Sign-in and account.
	route(app, "GET /login", http.HandlerFunc(s.loginForm))
	route(app, "POST /login", http.HandlerFunc(s.login))
	route(app, "POST /logout", http.HandlerFunc(s.logout))
	route(app, "GET /setup", http.HandlerFunc(s.setupForm))
	route(app, "POST /setup", http.HandlerFunc(s.setup))
	route(app, "GET /lang/{lang}", http.HandlerFunc(s.switchLang))
	route(app, "GET /account/password", s.signedIn(s.passwordForm))
	route(app, "POST /account/password", s.signedIn(s.changePassword))

	// Home and the areas to come.
	route(app, "GET /{$}", s.signedIn(s.home))
	s.dashboardRoutes(app)
	s.dossierRoutes(app)
	s.procedureRoutes(app)
	s.reviewRoutes(app)
	s.workflowRoutes(app)
	s.reportRoutes(app)
	s.itIndicatorRoutes(app)
	s.index766Routes(app)
	s.qmsRoutes(app)

	// Working-day calendar and unit working time.
	s.calendarRoutes(app)

	// Administration: units.
	route(app, "GET /admin/units", s.signedIn(s.listUnits))
	route(app, "GET /admin/units/new", s.signedIn(s.newUnitForm))
	route(app, "POST /admin/units", s.signedIn(s.createUnit))
	route(app, "GET /admin/units/{id}", s.signedIn(s.showUnit))
	route(app, "POST /admin/units/{id}", s.signedIn(s.updateUnit))

	// Administration: officials and roles.
	route(app, "GET /admin/users", s.signedIn(s.listUsers))
	route(app, "GET /admin/users/new", s.signedIn(s.newUserForm))
	route(app, "POST /admin/users", s.signedIn(s.createUser))
	route(app, "GET /admin/users/{id}", s.signedIn(s.showUser))
	route(app, "POST /admin/users/{id}", s.signedIn(s.updateUser))
	route(app, "POST /admin/users/{id}/password", s.signedIn(s.resetPassword))
	route(app, "POST /admin/users/{id}/roles", s.signedIn(s.addRole))
	route(app, "POST /admin/users/{id}/roles/{assignment}/delete", s.signedIn(s.removeRole))
	s.tokenRoutes(app)
	s.notifyRoutes(app)

	// JSON API.
	route(app, "GET /api/v1/me", s.apiSignedIn(s.apiMe))
	route(app, "GET /api/v1/units", s.apiSignedIn(s.apiUnits))
	route(app, "GET /api/v1/units/{id}", s.apiSignedIn(s.apiUnit))
	s.dossierAPIRoutes(app)
	route(app, "/api/", http.HandlerFunc(s.apiNotFound))

	route(app, "/", http.HandlerFunc(s.notFound))

	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(s.crossOriginDenied))
	mux.Handle("/", s.sessions.LoadAndSave(s.loadActor(csrf.Handler(s.limitBody(app)))))

	return s.forwarded(s.requestID(s.securityHeaders(s.logRequests(s.metrics.instrument(s.recoverPanics(s.cleanText(mux)))))))
}

// route registers h under pattern and records the pattern for metrics and logs (the
// request the mux sees is a copy made by the middleware, so the pattern is passed back
// through the request's context).
func route(mux *http.ServeMux, pattern string, h http.Handler) {
	mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if info := requestInfoFrom(r.Context()); info != nil {
			info.pattern = pattern
		}
		h.ServeHTTP(w, r)
	}))
}
