package web

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
)

// reminderUnits lists the units whose reminder thresholds the official may set: those they
// administer (ManageUnits), active today.
func (s *Server) reminderUnits(r *http.Request) ([]unit.Unit, []string, bool, error) {
	paths, everywhere := actor(r).Scopes(auth.ManageUnits)
	if !everywhere && len(paths) == 0 {
		return nil, nil, false, nil
	}
	units, err := s.db.ListUnits(r.Context(), store.UnitFilter{Under: paths, ActiveOn: s.today(), Limit: 5000})
	return units, paths, true, err
}

// remindersPage shows the thresholds in force in the official's units and the form.
func (s *Server) remindersPage(w http.ResponseWriter, r *http.Request, status int, p *page) {
	units, paths, ok, err := s.reminderUnits(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if !ok {
		s.forbidden(w, r)
		return
	}
	all, err := s.db.AllReminderSettings(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var own []reminderRow
	for _, x := range all {
		if len(paths) == 0 || underAny(x.UnitPath, paths) {
			own = append(own, reminderRow{ReminderSettings: x, StaleText: thresholdText(p.Lang, x.Stale),
				EscalateText: thresholdText(p.Lang, x.Escalate)})
		}
	}
	p.Active = "nav.admin"
	p.Data = map[string]any{"Units": units, "Settings": own, "Operator": mayOperate(actor(r))}
	s.render(w, r, status, "admin_reminders", p)
}

// reminderRow is a unit's own thresholds as the page shows them ("" for the default).
type reminderRow struct {
	store.ReminderSettings
	StaleText, EscalateText string
}

func thresholdText(lang string, d time.Duration) string {
	if d == 0 {
		return ""
	}
	return workingTime(lang, d)
}

func underAny(path string, paths []string) bool {
	for _, p := range paths {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

func (s *Server) listReminders(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "reminders.title")
	p.Form = map[string]string{}
	s.remindersPage(w, r, http.StatusOK, p)
}

// saveReminders stores a unit's thresholds, given in working hours (blank: the default).
func (s *Server) saveReminders(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	form := map[string]string{"unit_id": r.PostForm.Get("unit_id"), "stale": r.PostForm.Get("stale"),
		"escalate": r.PostForm.Get("escalate")}
	u, err := s.db.Unit(r.Context(), form["unit_id"])
	switch {
	case err != nil || !actor(r).Can(auth.ViewUnit, u.Path):
		err = failure.InvalidField("unit_id", "unit.not_found")
	case !actor(r).Can(auth.ManageUnits, u.Path):
		s.forbidden(w, r)
		return
	}
	var stale, escalate time.Duration
	if err == nil {
		stale, err = parseHours(form["stale"], "stale")
	}
	if err == nil {
		escalate, err = parseHours(form["escalate"], "escalate")
	}
	if err == nil {
		err = s.db.SaveReminderSettings(r.Context(), u.ID, stale, escalate, actor(r).UserID)
	}
	if err != nil {
		if !failure.Is(err, failure.Invalid) {
			s.handleErr(w, r, err)
			return
		}
		p := s.newPage(r, "reminders.title")
		p.Form = form
		s.formErrors(p, err)
		s.remindersPage(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	s.flash(r, "reminders.saved", u.Name)
	http.Redirect(w, r, "/admin/reminders", http.StatusSeeOther)
}

// parseHours reads working hours as typed ("6", "4,5", "4.5"; blank is 0: the default),
// to the minute.
func parseHours(v, field string) (time.Duration, error) {
	v = strings.ReplaceAll(strings.TrimSpace(v), ",", ".")
	if v == "" {
		return 0, nil
	}
	h, err := strconv.ParseFloat(v, 64)
	if err != nil || h < 0 || math.IsNaN(h) || h > store.MaxReminderThreshold.Hours() {
		return 0, failure.InvalidField(field, "reminders.threshold_invalid")
	}
	return time.Duration(math.Round(h*60)) * time.Minute, nil
}
