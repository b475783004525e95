package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/user"
)

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	done, err := s.db.SetupDone(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if !done {
		http.Redirect(w, r, "/setup", http.StatusSeeOther)
		return
	}
	if currentFrom(r) != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	p := s.newPage(r, "login.title")
	p.Form = map[string]string{"next": safeNext(r.URL.Query().Get("next"))}
	s.render(w, r, http.StatusOK, "login", p)
}

// login checks the e-mail and password. Every failure shows the same message and takes
// about the same time, so it does not reveal which e-mails exist; repeated failures lock
// the e-mail and the client address for a while.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	email := strings.ToLower(strings.TrimSpace(r.PostForm.Get("email")))
	password := r.PostForm.Get("password")
	next := safeNext(r.PostForm.Get("next"))
	p := s.newPage(r, "login.title")
	p.Form = map[string]string{"email": email, "next": next}
	fail := func(status int, key string, args ...any) {
		p.ErrorMsg = s.i18n.T(p.Lang, key, args...)
		s.render(w, r, status, "login", p)
	}
	ctx := r.Context()
	emailKey, ipKey := "email:"+email, "ip:"+clientIP(r)
	for _, k := range []struct {
		key   string
		limit int
	}{{emailKey, maxFailures}, {ipKey, 4 * maxFailures}} {
		until, err := s.throttle.attempt(ctx, k.key, k.limit)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if !until.IsZero() {
			s.retryAfter(w, until)
			fail(http.StatusTooManyRequests, "login.locked", minutesUntil(s.cfg.Now(), until))
			return
		}
	}
	u, err := s.db.UserByEmail(ctx, email)
	ok := false
	switch {
	case err == nil:
		ok = user.CheckPassword(u.PasswordHash, password) && u.Active
	case failure.Is(err, failure.NotFound):
		user.DummyCheck(password)
	default:
		s.serverError(w, r, err)
		return
	}
	if !ok { // the attempt stays counted for the e-mail and the address
		s.logger(r).Info("sign-in failed", "email_known", err == nil)
		fail(http.StatusUnauthorized, "login.failed")
		return
	}
	if err := s.throttle.reset(ctx, emailKey); err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.throttle.giveBack(ctx, ipKey); err != nil {
		s.serverError(w, r, err)
		return
	}
	// A new token at sign-in prevents session fixation.
	if err := s.sessions.RenewToken(ctx); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.sessions.Put(ctx, sessUserID, u.ID)
	s.sessions.Remove(ctx, sessLang)
	if err := s.db.RecordLogin(ctx, u.ID); err != nil {
		s.logger(r).Warn("record login", "err", err)
	}
	s.logger(r).Info("signed in", "user_id", u.ID)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if err := s.sessions.Destroy(r.Context()); err != nil {
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// switchLang sets the UI language for this session and, for an official, their setting.
func (s *Server) switchLang(w http.ResponseWriter, r *http.Request) {
	lang := r.PathValue("lang")
	if !s.i18n.Has(lang) {
		s.notFound(w, r)
		return
	}
	s.sessions.Put(r.Context(), sessLang, lang)
	if c := currentFrom(r); c != nil && c.user.Lang != lang {
		u := c.user
		u.Lang = lang
		if err := s.db.UpdateUser(r.Context(), &u); err != nil {
			s.handleErr(w, r, err)
			return
		}
	}
	back := "/"
	if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host {
		back = safeNext(ref.RequestURI())
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

func (s *Server) setupForm(w http.ResponseWriter, r *http.Request) {
	done, err := s.db.SetupDone(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if done {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "setup", s.newPage(r, "setup.title"))
}

// setup creates the first system administrator on a database without officials.
func (s *Server) setup(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := s.newPage(r, "setup.title")
	p.Form = map[string]string{"email": r.PostForm.Get("email"), "full_name": r.PostForm.Get("full_name")}
	u := user.User{Email: r.PostForm.Get("email"), FullName: r.PostForm.Get("full_name"), Lang: p.Lang}
	u.Normalize()
	err := failure.Join(u.Validate(), newPassword(r.PostForm.Get("password"), r.PostForm.Get("password2")))
	if err == nil {
		u.PasswordHash, err = user.HashPassword(r.PostForm.Get("password"))
	}
	if err == nil {
		err = s.db.CreateFirstAdmin(r.Context(), &u)
	}
	if err != nil {
		if e, ok := failure.As(err); ok && e.Key == "setup.already_done" {
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		if _, ok := failure.As(err); !ok {
			s.serverError(w, r, err)
			return
		}
		s.formErrors(p, err)
		s.render(w, r, statusOf(failure.Invalid), "setup", p)
		return
	}
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.sessions.Put(r.Context(), sessUserID, u.ID)
	s.flash(r, "setup.done")
	http.Redirect(w, r, "/admin/units", http.StatusSeeOther)
}

// newPassword validates a new password and its confirmation.
func newPassword(pw, confirm string) error {
	if err := user.ValidatePassword(pw); err != nil {
		return err
	}
	if pw != confirm {
		return failure.InvalidField("password2", "user.password_mismatch")
	}
	return nil
}

func (s *Server) passwordForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "password", s.newPage(r, "password.title"))
}

// changePassword needs the current password, then renews the session token.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	c := currentFrom(r)
	p := s.newPage(r, "password.title")
	err := error(nil)
	if !user.CheckPassword(c.user.PasswordHash, r.PostForm.Get("current")) {
		err = failure.InvalidField("current", "password.current_wrong")
	}
	if err == nil {
		err = newPassword(r.PostForm.Get("password"), r.PostForm.Get("password2"))
	}
	var hash string
	if err == nil {
		hash, err = user.HashPassword(r.PostForm.Get("password"))
	}
	if err == nil {
		err = s.db.SetPassword(r.Context(), c.user.ID, hash)
	}
	if err != nil {
		if _, ok := failure.As(err); !ok {
			s.serverError(w, r, err)
			return
		}
		s.formErrors(p, err)
		s.render(w, r, http.StatusUnprocessableEntity, "password", p)
		return
	}
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "password.changed")
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// sessionExpiry is shown on the home page so officials know when they will be signed out.
func (s *Server) sessionExpiry(r *http.Request) time.Time { return s.sessions.Deadline(r.Context()) }
