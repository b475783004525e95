package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/store"
)

// calendarRoutes registers the working-day calendar pages.
func (s *Server) calendarRoutes(app *http.ServeMux) {
	route(app, "GET /calendar", s.signedIn(s.showCalendar))
	route(app, "POST /admin/calendar/{year}", s.signedIn(s.saveSchedule))
	route(app, "POST /admin/units/{id}/worktime", s.signedIn(s.saveWorkTime))
}

// showCalendar lists a year's days off (computed and official) and make-up working days;
// a system administrator also gets the form to record the year's official schedule.
func (s *Server) showCalendar(w http.ResponseWriter, r *http.Request) {
	year := time.Now().In(vnZone).Year()
	if v := r.URL.Query().Get("year"); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || y < calendar.MinYear || y > calendar.MaxYear {
			s.renderError(w, r, failure.InvalidField("year", "calendar.year_invalid", calendar.MinYear, calendar.MaxYear), http.StatusBadRequest)
			return
		}
		year = y
	}
	p := s.newPage(r, "calendar.title")
	s.calendarPage(w, r, http.StatusOK, p, year, nil)
}

func (s *Server) calendarPage(w http.ResponseWriter, r *http.Request, status int, p *page, year int, form map[string]string) {
	cal, err := s.db.NationalCalendar(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	days, err := cal.DaysOff(year)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	makeUp, err := cal.MakeUpDays(year)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	sched, hasSched := cal.Schedule(year)
	if form == nil {
		form = scheduleForm(sched, hasSched)
	}
	p.Form = form
	p.Data = map[string]any{
		"Year": year, "Prev": year - 1, "Next": year + 1, "DaysOff": days, "MakeUp": makeUp,
		"Schedule": sched, "HasSchedule": hasSched, "CanEdit": actor(r).SystemAdmin,
	}
	s.render(w, r, status, "calendar", p)
}

// scheduleForm writes a schedule as the edit form's text: one day per line,
// "YYYY-MM-DD | tên tiếng Việt | English name".
func scheduleForm(s calendar.Schedule, ok bool) map[string]string {
	f := map[string]string{}
	if !ok {
		return f
	}
	if len(s.Documents) > 0 {
		d := s.Documents[0]
		f["doc_number"], f["doc_date"], f["doc_authority"], f["doc_title"] = d.Number, d.Date.String(), d.Authority, d.Title
	}
	lines := func(days []calendar.ScheduledDay) string {
		var b strings.Builder
		for _, d := range days {
			b.WriteString(d.Date.String() + " | " + d.NameVi + " | " + d.NameEn + "\n")
		}
		return b.String()
	}
	f["days_off"], f["removed"], f["working_days"], f["note"] = lines(s.DaysOff), lines(s.Removed), lines(s.WorkingDays), s.Note
	return f
}

// parseScheduleForm reads the edit form back into a schedule, naming the line of any
// malformed entry. Extra documents of a shipped schedule are kept.
func parseScheduleForm(year int, f map[string]string, previous calendar.Schedule) (calendar.Schedule, error) {
	s := calendar.Schedule{Year: year, Note: strings.TrimSpace(f["note"])}
	var errs failure.List
	docDate, err := calendar.ParseDate(strings.TrimSpace(f["doc_date"]))
	if err != nil {
		errs = append(errs, failure.InvalidField("doc_date", "form.date_invalid"))
	}
	s.Documents = []calendar.Document{{Number: strings.TrimSpace(f["doc_number"]), Date: docDate,
		Authority: strings.TrimSpace(f["doc_authority"]), Title: strings.TrimSpace(f["doc_title"])}}
	if len(previous.Documents) > 1 {
		s.Documents = append(s.Documents, previous.Documents[1:]...)
	}
	if s.Documents[0].Number == "" || s.Documents[0].Authority == "" {
		errs = append(errs, failure.InvalidField("doc_number", "calendar.document_required"))
	}
	for _, field := range []string{"days_off", "removed", "working_days"} {
		days, err := parseDayLines(f[field])
		if err != nil {
			errs = append(errs, failure.Fields(err)...)
			continue
		}
		switch field {
		case "days_off":
			s.DaysOff = keepKinds(days, previous.DaysOff)
		case "removed":
			s.Removed = days
		default:
			s.WorkingDays = days
		}
	}
	return s, errs.Err()
}

// keepKinds carries the kind (holiday, swapped, weekend) of days already in the schedule,
// which the text form does not show.
func keepKinds(days, previous []calendar.ScheduledDay) []calendar.ScheduledDay {
	kinds := map[calendar.Date]calendar.Kind{}
	docs := map[calendar.Date]string{}
	for _, d := range previous {
		kinds[d.Date], docs[d.Date] = d.Kind, d.Document
	}
	for i := range days {
		days[i].Kind, days[i].Document = kinds[days[i].Date], docs[days[i].Date]
	}
	return days
}

func parseDayLines(text string) ([]calendar.ScheduledDay, error) {
	var out []calendar.ScheduledDay
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		parts := strings.Split(line, "|")
		d, err := calendar.ParseDate(strings.TrimSpace(parts[0]))
		if err != nil {
			return nil, failure.InvalidField("days", "calendar.line_invalid", i+1, line)
		}
		day := calendar.ScheduledDay{Date: d}
		if len(parts) > 1 {
			day.NameVi = strings.TrimSpace(parts[1])
		}
		if len(parts) > 2 {
			day.NameEn = strings.TrimSpace(parts[2])
		}
		if day.NameVi == "" {
			day.NameVi = "Ngày nghỉ theo thông báo"
		}
		if day.NameEn == "" {
			day.NameEn = day.NameVi
		}
		out = append(out, day)
	}
	return out, nil
}

// saveSchedule records a year's official schedule (system administrators only: the
// civil-service calendar is national).
func (s *Server) saveSchedule(w http.ResponseWriter, r *http.Request) {
	if !actor(r).SystemAdmin {
		s.forbidden(w, r)
		return
	}
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil || year < calendar.MinYear || year > calendar.MaxYear {
		s.notFound(w, r)
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	form := map[string]string{}
	for _, k := range []string{"doc_number", "doc_date", "doc_authority", "doc_title", "days_off", "removed", "working_days", "note"} {
		form[k] = r.PostForm.Get(k)
	}
	cal, err := s.db.NationalCalendar(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	previous, _ := cal.Schedule(year)
	sched, err := parseScheduleForm(year, form, previous)
	if err == nil {
		err = s.db.SaveSchedule(r.Context(), sched, actor(r).UserID)
	}
	if err != nil {
		if _, ok := failure.As(err); !ok {
			s.serverError(w, r, err)
			return
		}
		p := s.newPage(r, "calendar.title")
		s.formErrors(p, err)
		s.calendarPage(w, r, http.StatusUnprocessableEntity, p, year, form)
		return
	}
	s.flash(r, "calendar.saved", year)
	http.Redirect(w, r, "/calendar?year="+strconv.Itoa(year), http.StatusSeeOther)
}

// saveWorkTime sets a unit's office hours, weekly rest days and day rule.
func (s *Server) saveWorkTime(w http.ResponseWriter, r *http.Request) {
	u, ok := s.loadUnitFor(w, r, auth.ManageUnits)
	if !ok {
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	var errs failure.List
	hours, err := calendar.ParseOfficeHours(r.PostForm.Get("office_hours"))
	if err != nil {
		errs = append(errs, failure.InvalidField("office_hours", "calendar.office_hours_invalid", r.PostForm.Get("office_hours")))
	}
	weekend, err := store.ParseWeekend(strings.Join(r.PostForm["weekend"], ","))
	if err != nil {
		errs = append(errs, failure.InvalidField("weekend", "calendar.weekend_invalid"))
	}
	rule, err := calendar.ParseDayRule(r.PostForm.Get("day_rule"))
	if err != nil {
		errs = append(errs, failure.InvalidField("day_rule", "calendar.day_rule_invalid"))
	}
	if len(errs) == 0 {
		if err := s.db.SaveWorkSettings(r.Context(), u.ID, store.WorkSettings{OfficeHours: hours, Weekend: weekend, DayRule: rule}); err != nil {
			s.handleErr(w, r, err)
			return
		}
		s.audit(r, "unit.worktime", "unit", u.ID, u.ID, hours.String()+" "+store.FormatWeekend(weekend)+" "+rule.String())
		s.flash(r, "calendar.worktime_saved", u.Name)
		http.Redirect(w, r, "/admin/units/"+u.ID, http.StatusSeeOther)
		return
	}
	p := s.newPage(r, "units.edit")
	p.Form = map[string]string{"code": u.Code, "agency_code": u.AgencyCode, "name": u.Name, "kind": string(u.Kind),
		"parent_id": u.ParentID, "valid_from": u.ValidFrom.String(), "valid_to": u.ValidTo.String(),
		"office_hours": r.PostForm.Get("office_hours")}
	s.formErrors(p, errs)
	p.ErrorMsg = s.i18n.T(p.Lang, "calendar.worktime_invalid")
	s.unitFormPage(w, r, http.StatusUnprocessableEntity, p, &u)
}
