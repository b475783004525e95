package web

import (
	"net/http"
	"strconv"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/notify"
	"github.com/motcua/motcua/internal/store"
)

// notificationsPerPage is the length of a page of the notifications list.
const notificationsPerPage = 50

// unreadCount is the bell's figure for the signed-in official (0, logged, on error: the
// bell never takes a page down).
func (s *Server) unreadCount(r *http.Request) int {
	c := currentFrom(r)
	if c == nil {
		return 0
	}
	n, err := s.db.UnreadCount(r.Context(), c.user.ID)
	if err != nil {
		s.logger(r).Error("unread notifications", "err", err)
		return 0
	}
	return n
}

// notificationRow is a notification with its text in the reader's language.
type notificationRow struct {
	store.Notification
	Text string
}

// listNotifications shows the official's notifications, newest first, and their e-mail
// choice.
func (s *Server) listNotifications(w http.ResponseWriter, r *http.Request) {
	c := currentFrom(r)
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = max(page, 1)
	list, err := s.db.Notifications(r.Context(), c.user.ID, notificationsPerPage+1, (page-1)*notificationsPerPage)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	mode, err := s.db.EmailMode(r.Context(), c.user.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if !notify.ValidEmailMode(mode) {
		mode = notify.DefaultEmailMode
	}
	ms, err := s.db.GetMailSettings(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := s.newPage(r, "notify.title")
	more := len(list) > notificationsPerPage
	if more {
		list = list[:notificationsPerPage]
	}
	rows := make([]notificationRow, len(list))
	for i, n := range list {
		rows[i] = notificationRow{Notification: n, Text: notify.Text(s.i18n, p.Lang, n)}
	}
	prev, next := page-1, 0
	if more {
		next = page + 1
	}
	p.Data = map[string]any{"Rows": rows, "Prev": prev, "Next": next, "Mode": mode, "Modes": notify.EmailModes,
		"MailReady": ms.Ready(), "Email": c.user.Email}
	s.render(w, r, http.StatusOK, "notifications", p)
}

// openNotification marks a notification read and goes to what it is about.
func (s *Server) openNotification(w http.ResponseWriter, r *http.Request) {
	c := currentFrom(r)
	n, err := s.db.GetNotification(r.Context(), c.user.ID, r.PathValue("id"))
	if err == nil {
		err = s.db.MarkRead(r.Context(), c.user.ID, n.ID, s.cfg.Now())
	}
	if err != nil {
		s.handleErr(w, r, err)
		return
	}
	target := safeNext(n.Link)
	if n.Link == "" {
		target = "/notifications"
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// readNotification marks one notification read.
func (s *Server) readNotification(w http.ResponseWriter, r *http.Request) {
	c := currentFrom(r)
	if err := s.db.MarkRead(r.Context(), c.user.ID, r.PathValue("id"), s.cfg.Now()); err != nil {
		s.handleErr(w, r, err)
		return
	}
	http.Redirect(w, r, "/notifications", http.StatusSeeOther)
}

// readAllNotifications marks every notification of the official read.
func (s *Server) readAllNotifications(w http.ResponseWriter, r *http.Request) {
	c := currentFrom(r)
	n, err := s.db.MarkAllRead(r.Context(), c.user.ID, s.cfg.Now())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "notify.all_read", n)
	http.Redirect(w, r, "/notifications", http.StatusSeeOther)
}

// saveEmailMode stores how the official wants e-mail: at once, a daily digest, or none.
func (s *Server) saveEmailMode(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	mode := r.PostForm.Get("email_mode")
	if !notify.ValidEmailMode(mode) {
		s.renderError(w, r, failure.InvalidField("email_mode", "notify.mode_invalid"), 0)
		return
	}
	if err := s.db.SetEmailMode(r.Context(), currentFrom(r).user.ID, mode); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "notify.mode_saved")
	http.Redirect(w, r, "/notifications", http.StatusSeeOther)
}
