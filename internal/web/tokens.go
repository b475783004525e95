package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/user"
)

// tokenRoutes registers the administration of API tokens for integrations.
func (s *Server) tokenRoutes(app *http.ServeMux) {
	route(app, "GET /admin/tokens", s.signedIn(s.listTokens))
	route(app, "POST /admin/tokens", s.signedIn(s.createToken))
	route(app, "POST /admin/tokens/{id}/revoke", s.signedIn(s.revokeToken))
}

// tokenRoles are the roles a token may hold: the work roles and read-only oversight, never
// administration.
var tokenRoles = []user.Role{user.Receiver, user.Handler, user.Approver, user.QMS, user.Overseer}

// bearerSecret returns the secret of an "Authorization: Bearer …" header.
func bearerSecret(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	secret, ok := strings.CutPrefix(h, "Bearer ")
	return strings.TrimSpace(secret), ok
}

func (s *Server) tokensPage(w http.ResponseWriter, r *http.Request, status int, p *page) {
	paths, _ := viewScope(actor(r), auth.ManageUsers)
	tokens, err := s.db.APITokens(r.Context(), paths)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	units, err := s.manageableUnits(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p.Active = "nav.admin"
	data, _ := p.Data.(map[string]any)
	if data == nil {
		data = map[string]any{}
	}
	data["Tokens"], data["Units"], data["Roles"], data["Now"] = tokens, units, tokenRoles, s.cfg.Now()
	p.Data = data
	s.render(w, r, status, "tokens", p)
}

func (s *Server) listTokens(w http.ResponseWriter, r *http.Request) {
	if _, ok := viewScope(actor(r), auth.ManageUsers); !ok {
		s.forbidden(w, r)
		return
	}
	p := s.newPage(r, "token.title")
	p.Form = map[string]string{}
	s.tokensPage(w, r, http.StatusOK, p)
}

// createToken creates a token and shows its secret once, on the answer page itself (it is
// never stored, so it cannot be shown again).
func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	form := map[string]string{"name": r.PostForm.Get("name"), "unit_id": r.PostForm.Get("unit_id"),
		"role": r.PostForm.Get("role"), "expires": r.PostForm.Get("expires")}
	if err := s.mayManageIn(r, form["unit_id"]); err != nil {
		s.handleErr(w, r, err)
		return
	}
	var expires time.Time
	if v := form["expires"]; v != "" {
		d, err := time.ParseInLocation("2006-01-02", v, vnZone)
		if err != nil {
			s.tokenFormError(w, r, form, failure.InvalidField("expires", "form.date_invalid"))
			return
		}
		expires = d.AddDate(0, 0, 1) // valid through the day chosen
	}
	t, secret, err := s.db.CreateAPIToken(r.Context(), form["name"], form["unit_id"], user.Role(form["role"]), expires, actor(r).UserID)
	if err != nil {
		s.tokenFormError(w, r, form, err)
		return
	}
	p := s.newPage(r, "token.title")
	p.Form = map[string]string{}
	p.Data = map[string]any{"Secret": secret, "Created": t}
	s.tokensPage(w, r, http.StatusCreated, p)
}

func (s *Server) tokenFormError(w http.ResponseWriter, r *http.Request, form map[string]string, err error) {
	if !failure.Is(err, failure.Invalid) {
		s.handleErr(w, r, err)
		return
	}
	p := s.newPage(r, "token.title")
	p.Form = form
	s.formErrors(p, err)
	s.tokensPage(w, r, http.StatusUnprocessableEntity, p)
}

// mayManageIn checks the actor manages officials in the unit: NotFound outside their view,
// Forbidden without the role.
func (s *Server) mayManageIn(r *http.Request, unitID string) error {
	u, err := s.db.Unit(r.Context(), unitID)
	if err != nil {
		return failure.InvalidField("unit_id", "unit.not_found")
	}
	a := actor(r)
	switch {
	case a.Can(auth.ManageUsers, u.Path):
		return nil
	case a.Can(auth.ViewUnit, u.Path):
		return failure.New(failure.Forbidden, "", "error.forbidden")
	}
	return failure.New(failure.NotFound, "", "unit.not_found")
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	t, err := s.db.APIToken(r.Context(), r.PathValue("id"))
	if err == nil {
		err = s.mayManageIn(r, t.UnitID)
		if failure.Is(err, failure.Invalid) {
			err = failure.New(failure.NotFound, "", "token.not_found")
		}
	}
	if err == nil {
		err = s.db.RevokeAPIToken(r.Context(), t.ID, actor(r).UserID)
	}
	if err != nil {
		s.handleErr(w, r, err)
		return
	}
	s.flash(r, "token.revoked", t.Name)
	http.Redirect(w, r, "/admin/tokens", http.StatusSeeOther)
}

// tokenActor is the middleware step that signs in an API request carrying a bearer token:
// the token's service official becomes the request's actor. A bad token is refused with
// 401 at once rather than treated as anonymous.
func (s *Server) tokenActor(r *http.Request) (*current, error) {
	secret, ok := bearerSecret(r)
	if !ok || !strings.HasPrefix(r.URL.Path, "/api/") {
		return nil, nil
	}
	u, err := s.db.UserByToken(r.Context(), secret)
	if err != nil {
		return nil, err
	}
	as, err := s.db.Assignments(r.Context(), u.ID)
	if err != nil {
		return nil, err
	}
	return &current{user: u, actor: auth.Actor{UserID: u.ID, Assignments: as}}, nil
}
