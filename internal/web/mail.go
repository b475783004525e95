package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/user"
)

// mailSecurities are the connection security choices, in display order.
var mailSecurities = []string{store.MailSTARTTLS, store.MailTLS, store.MailPlain}

// defaultPorts are the usual ports of each security choice.
var defaultPorts = map[string]int{store.MailSTARTTLS: 587, store.MailTLS: 465, store.MailPlain: 25}

// mailPage shows the mail server settings (never the password) and the outbox.
func (s *Server) mailPage(w http.ResponseWriter, r *http.Request, status int, p *page) {
	ms, err := s.db.GetMailSettings(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	stats, err := s.db.OutboxCounts(r.Context(), s.cfg.Now().Add(-24*time.Hour))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	pending, err := s.db.Outbox(r.Context(), store.OutboxFilter{Pending: true, Limit: 30})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	failed, err := s.db.Outbox(r.Context(), store.OutboxFilter{Failed: true, Limit: 30})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if p.Form == nil {
		p.Form = map[string]string{"host": ms.Host, "port": strconv.Itoa(ms.Port), "security": ms.Security,
			"username": ms.Username, "from": ms.From, "from_name": ms.FromName, "base_url": ms.BaseURL}
		if ms.Enabled {
			p.Form["enabled"] = "on"
		}
	}
	p.Active = "nav.admin"
	p.Data = map[string]any{"Securities": mailSecurities, "HasPassword": ms.Password != "", "Ready": ms.Ready(),
		"Stats": stats, "Pending": pending, "Failed": failed}
	s.render(w, r, status, "admin_mail", p)
}

func (s *Server) showMail(w http.ResponseWriter, r *http.Request) {
	if !mayOperate(actor(r)) {
		s.forbidden(w, r)
		return
	}
	s.mailPage(w, r, http.StatusOK, s.newPage(r, "mail.title"))
}

// saveMail validates and stores the mail server settings. A blank password keeps the
// stored one; the password is never put back in the form.
func (s *Server) saveMail(w http.ResponseWriter, r *http.Request) {
	if !mayOperate(actor(r)) {
		s.forbidden(w, r)
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	f := r.PostForm
	form := map[string]string{}
	for _, k := range []string{"enabled", "host", "port", "security", "username", "from", "from_name", "base_url"} {
		form[k] = strings.TrimSpace(f.Get(k))
	}
	old, err := s.db.GetMailSettings(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	ms, err := mailSettingsFrom(form, f.Get("password"), f.Get("clear_password") == "on", old)
	if err == nil {
		err = s.db.SaveMailSettings(r.Context(), ms, actor(r).UserID)
	}
	if err != nil {
		if !failure.Is(err, failure.Invalid) {
			s.handleErr(w, r, err)
			return
		}
		p := s.newPage(r, "mail.title")
		p.Form = form
		s.formErrors(p, err)
		s.mailPage(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	s.flash(r, "mail.saved")
	http.Redirect(w, r, "/admin/mail", http.StatusSeeOther)
}

// mailSettingsFrom checks the form: a known security, a port, and when mail is on a host
// and a sender address; the links' base address is an http(s) URL.
func mailSettingsFrom(form map[string]string, password string, clearPassword bool, old store.MailSettings) (store.MailSettings, error) {
	ms := store.MailSettings{Enabled: form["enabled"] == "on", Host: form["host"], Security: form["security"],
		Username: form["username"], Password: old.Password, From: strings.ToLower(form["from"]), FromName: form["from_name"],
		BaseURL: strings.TrimRight(form["base_url"], "/")}
	switch {
	case clearPassword:
		ms.Password = ""
	case password != "":
		ms.Password = password
	}
	var errs failure.List
	port, ok := defaultPorts[ms.Security]
	if !ok {
		errs = append(errs, failure.InvalidField("security", "mail.security_invalid"))
	}
	if v := form["port"]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 65535 {
			errs = append(errs, failure.InvalidField("port", "mail.port_invalid"))
		}
		port = n
	}
	ms.Port = port
	if strings.ContainsAny(ms.Host, " /@:") || len(ms.Host) > 253 || (ms.Enabled && ms.Host == "") {
		errs = append(errs, failure.InvalidField("host", "mail.host_invalid"))
	}
	if ms.From != "" || ms.Enabled {
		if user.ValidateEmail(ms.From) != nil {
			errs = append(errs, failure.InvalidField("from", "mail.from_invalid"))
		}
	}
	if len(ms.FromName) > 100 || len(ms.Username) > 254 || len(ms.Password) > 1024 {
		errs = append(errs, failure.InvalidField("from_name", "mail.too_long"))
	}
	if ms.BaseURL != "" {
		u, err := url.Parse(ms.BaseURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			errs = append(errs, failure.InvalidField("base_url", "mail.base_url_invalid"))
		}
	}
	return ms, errs.Err()
}

// testMail queues a test message to the administrator's own address; the mail job sends it
// within a minute and the outbox below shows how it went.
func (s *Server) testMail(w http.ResponseWriter, r *http.Request) {
	if !mayOperate(actor(r)) {
		s.forbidden(w, r)
		return
	}
	ms, err := s.db.GetMailSettings(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if !ms.Ready() {
		s.flash(r, "mail.not_ready")
		http.Redirect(w, r, "/admin/mail", http.StatusSeeOther)
		return
	}
	c := currentFrom(r)
	lang := s.lang(r)
	m := store.OutboxMessage{UserID: c.user.ID, To: c.user.Email, CreatedAt: s.cfg.Now(),
		Subject: s.i18n.T(lang, "notify.subject_prefix") + " " + s.i18n.T(lang, "mail.test_subject"),
		Body:    s.i18n.T(lang, "notify.mail_greeting", c.user.FullName) + "\n\n" + s.i18n.T(lang, "mail.test_body") + "\n"}
	if err := s.db.EnqueueMail(r.Context(), &m); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "mail.test_queued", c.user.Email)
	http.Redirect(w, r, "/admin/mail", http.StatusSeeOther)
}

// retryMail puts the messages given up back in the queue.
func (s *Server) retryMail(w http.ResponseWriter, r *http.Request) {
	if !mayOperate(actor(r)) {
		s.forbidden(w, r)
		return
	}
	n, err := s.db.RetryFailedMail(r.Context(), s.cfg.Now())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "mail.retried", n)
	http.Redirect(w, r, "/admin/mail", http.StatusSeeOther)
}
