package web

import (
	"net/http"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/user"
)

// mayManageUser: a system administrator manages everyone; other admins manage an official
// only if they manage every unit where that official holds a role (so the admin of commune
// A cannot lock out an official who also works for commune B), and never a system admin.
func mayManageUser(a auth.Actor, target user.User, roles []user.Assignment) bool {
	if a.SystemAdmin {
		return a.SignedIn()
	}
	if target.SystemAdmin || len(roles) == 0 {
		return false
	}
	for _, as := range roles {
		if !a.Can(auth.ManageUsers, as.UnitPath) {
			return false
		}
	}
	return true
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) {
	a := actor(r)
	paths, ok := viewScope(a, auth.ManageUsers)
	if !ok {
		s.forbidden(w, r)
		return
	}
	q := r.URL.Query().Get("q")
	users, err := s.db.ListUsers(r.Context(), store.UserFilter{Under: paths, Query: q, Limit: 1000})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := s.newPage(r, "users.title")
	p.Active = "nav.admin"
	p.Form = map[string]string{"q": q}
	p.Data = map[string]any{"Users": users}
	s.render(w, r, http.StatusOK, "users", p)
}

// manageableUnits lists the active units where the official may assign roles.
func (s *Server) manageableUnits(r *http.Request) ([]unit.Unit, error) {
	paths, everywhere := actor(r).Scopes(auth.ManageUsers)
	if !everywhere && len(paths) == 0 {
		return nil, nil
	}
	return s.db.ListUnits(r.Context(), store.UnitFilter{Under: paths, ActiveOn: unit.DateOf(s.cfg.Now().In(vnZone)), Limit: 5000})
}

func (s *Server) userFormPage(w http.ResponseWriter, r *http.Request, status int, p *page) {
	units, err := s.manageableUnits(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p.Active = "nav.admin"
	p.Data = map[string]any{"Units": units, "Roles": user.Roles}
	s.render(w, r, status, "user_new", p)
}

func (s *Server) newUserForm(w http.ResponseWriter, r *http.Request) {
	if !actor(r).CanAnywhere(auth.ManageUsers) {
		s.forbidden(w, r)
		return
	}
	p := s.newPage(r, "users.new")
	p.Form = map[string]string{"unit_id": r.URL.Query().Get("unit")}
	s.userFormPage(w, r, http.StatusOK, p)
}

// createUser creates an official with a first role in a unit the admin manages, in one
// go, so no official exists that no admin below the system administrator can see.
func (s *Server) createUser(w http.ResponseWriter, r *http.Request) {
	a := actor(r)
	if !a.CanAnywhere(auth.ManageUsers) {
		s.forbidden(w, r)
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	f := r.PostForm
	p := s.newPage(r, "users.new")
	p.Form = map[string]string{"email": f.Get("email"), "full_name": f.Get("full_name"), "phone": f.Get("phone"),
		"unit_id": f.Get("unit_id"), "role": f.Get("role"), "lang": f.Get("lang")}
	u := user.User{Email: f.Get("email"), FullName: f.Get("full_name"), Phone: f.Get("phone"), Lang: f.Get("lang"), Active: true}
	role := user.Role(f.Get("role"))

	u.Normalize()
	errs := failure.Fields(failure.Join(u.Validate(), newPassword(f.Get("password"), f.Get("password2"))))
	if !role.Valid() {
		errs = append(errs, failure.InvalidField("role", "user.role_invalid"))
	}
	target, err := s.db.Unit(r.Context(), f.Get("unit_id"))
	switch {
	case failure.Is(err, failure.NotFound):
		errs = append(errs, failure.InvalidField("unit_id", "unit.not_found"))
	case err != nil:
		s.serverError(w, r, err)
		return
	case !a.Can(auth.ManageUsers, target.Path):
		s.forbidden(w, r)
		return
	}
	if len(errs) == 0 {
		u.PasswordHash, err = user.HashPassword(f.Get("password"))
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		err = s.db.CreateUserWithRole(r.Context(), &u, &user.Assignment{UnitID: target.ID, Role: role})
		if err != nil {
			if _, ok := failure.As(err); !ok {
				s.serverError(w, r, err)
				return
			}
			errs = append(errs, failure.Fields(err)...)
		}
	}
	if len(errs) > 0 {
		s.formErrors(p, errs)
		status := http.StatusUnprocessableEntity
		if failure.Is(errs, failure.Conflict) {
			status = http.StatusConflict
		}
		s.userFormPage(w, r, status, p)
		return
	}
	s.audit(r, "user.create", "user", u.ID, target.ID, u.Email+" "+string(role))
	s.flash(r, "users.created", u.FullName)
	http.Redirect(w, r, "/admin/users/"+u.ID, http.StatusSeeOther)
}

// loadUserFor fetches the official in the URL; one the admin may not manage is answered
// as not found.
func (s *Server) loadUserFor(w http.ResponseWriter, r *http.Request) (user.User, []user.Assignment, bool) {
	u, err := s.db.User(r.Context(), r.PathValue("id"))
	if err != nil {
		s.handleErr(w, r, err)
		return user.User{}, nil, false
	}
	roles, err := s.db.Assignments(r.Context(), u.ID)
	if err != nil {
		s.serverError(w, r, err)
		return user.User{}, nil, false
	}
	if !mayManageUser(actor(r), u, roles) {
		s.notFound(w, r)
		return user.User{}, nil, false
	}
	return u, roles, true
}

func (s *Server) showUser(w http.ResponseWriter, r *http.Request) {
	u, roles, ok := s.loadUserFor(w, r)
	if !ok {
		return
	}
	p := s.newPage(r, "users.edit")
	p.Form = map[string]string{"email": u.Email, "full_name": u.FullName, "phone": u.Phone, "lang": u.Lang}
	s.userPage(w, r, http.StatusOK, p, u, roles)
}

func (s *Server) userPage(w http.ResponseWriter, r *http.Request, status int, p *page, u user.User, roles []user.Assignment) {
	units, err := s.manageableUnits(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p.Active = "nav.admin"
	p.Data = map[string]any{"Target": u, "Assignments": roles, "Units": units, "Roles": user.Roles,
		"Self": u.ID == actor(r).UserID}
	s.render(w, r, status, "user_edit", p)
}

// userPageError shows the official's page again with the error of one of its forms;
// extra holds form values to keep (the role form's choices).
func (s *Server) userPageError(w http.ResponseWriter, r *http.Request, u user.User, roles []user.Assignment, err error, extra map[string]string) {
	e, ok := failure.As(err)
	if !ok {
		s.serverError(w, r, err)
		return
	}
	p := s.newPage(r, "users.edit")
	p.Form = map[string]string{"email": u.Email, "full_name": u.FullName, "phone": u.Phone, "lang": u.Lang}
	for k, v := range extra {
		p.Form[k] = v
	}
	s.formErrors(p, err)
	s.userPage(w, r, statusOf(e.Kind), p, u, roles)
}

func (s *Server) updateUser(w http.ResponseWriter, r *http.Request) {
	u, roles, ok := s.loadUserFor(w, r)
	if !ok {
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	f := r.PostForm
	u.Email, u.FullName, u.Phone, u.Lang = f.Get("email"), f.Get("full_name"), f.Get("phone"), f.Get("lang")
	wasActive := u.Active
	u.Active = f.Get("active") == "on"
	if u.ID == actor(r).UserID && !u.Active {
		p := s.newPage(r, "users.edit")
		p.Form = map[string]string{"email": u.Email, "full_name": u.FullName, "phone": u.Phone, "lang": u.Lang}
		p.ErrorMsg = s.i18n.T(p.Lang, "users.cannot_deactivate_self")
		u.Active = true
		s.userPage(w, r, http.StatusConflict, p, u, roles)
		return
	}
	if err := s.db.UpdateUser(r.Context(), &u); err != nil {
		if _, ok := failure.As(err); !ok {
			s.serverError(w, r, err)
			return
		}
		p := s.newPage(r, "users.edit")
		p.Form = map[string]string{"email": f.Get("email"), "full_name": f.Get("full_name"), "phone": f.Get("phone"), "lang": f.Get("lang")}
		s.formErrors(p, err)
		e, _ := failure.As(err)
		s.userPage(w, r, statusOf(e.Kind), p, u, roles)
		return
	}
	action := "user.update"
	if wasActive != u.Active {
		action = map[bool]string{true: "user.activate", false: "user.deactivate"}[u.Active]
	}
	s.audit(r, action, "user", u.ID, "", u.Email)
	s.flash(r, "users.saved", u.FullName)
	http.Redirect(w, r, "/admin/users/"+u.ID, http.StatusSeeOther)
}

// resetPassword lets an admin set a new password for an official who forgot theirs.
func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request) {
	u, roles, ok := s.loadUserFor(w, r)
	if !ok {
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	err := newPassword(r.PostForm.Get("password"), r.PostForm.Get("password2"))
	var hash string
	if err == nil {
		hash, err = user.HashPassword(r.PostForm.Get("password"))
	}
	if err == nil {
		err = s.db.SetPassword(r.Context(), u.ID, hash)
	}
	if err != nil {
		s.userPageError(w, r, u, roles, err, nil)
		return
	}
	s.audit(r, "user.password_reset", "user", u.ID, "", u.Email)
	s.flash(r, "users.password_reset", u.FullName)
	http.Redirect(w, r, "/admin/users/"+u.ID, http.StatusSeeOther)
}

func (s *Server) addRole(w http.ResponseWriter, r *http.Request) {
	u, roles, ok := s.loadUserFor(w, r)
	if !ok {
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	target, err := s.db.Unit(r.Context(), r.PostForm.Get("unit_id"))
	if err == nil && !actor(r).Can(auth.ManageUsers, target.Path) {
		s.forbidden(w, r)
		return
	}
	as := user.Assignment{UserID: u.ID, UnitID: target.ID, Role: user.Role(r.PostForm.Get("role"))}
	if err == nil {
		err = s.db.Assign(r.Context(), &as)
	} else if failure.Is(err, failure.NotFound) {
		err = failure.InvalidField("unit_id", "unit.not_found")
	}
	if err != nil {
		s.userPageError(w, r, u, roles, err, map[string]string{"unit_id": r.PostForm.Get("unit_id"), "role": r.PostForm.Get("role")})
		return
	}
	s.audit(r, "user.role_add", "user", u.ID, target.ID, string(as.Role))
	s.flash(r, "users.role_added")
	http.Redirect(w, r, "/admin/users/"+u.ID, http.StatusSeeOther)
}

func (s *Server) removeRole(w http.ResponseWriter, r *http.Request) {
	u, _, ok := s.loadUserFor(w, r)
	if !ok {
		return
	}
	as, err := s.db.Assignment(r.Context(), r.PathValue("assignment"))
	if err != nil || as.UserID != u.ID {
		s.notFound(w, r)
		return
	}
	if !actor(r).Can(auth.ManageUsers, as.UnitPath) {
		s.forbidden(w, r)
		return
	}
	if err := s.db.Unassign(r.Context(), as.ID); err != nil {
		s.handleErr(w, r, err)
		return
	}
	s.audit(r, "user.role_remove", "user", u.ID, as.UnitID, string(as.Role))
	s.flash(r, "users.role_removed")
	http.Redirect(w, r, "/admin/users/"+u.ID, http.StatusSeeOther)
}
