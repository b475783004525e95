package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
)

// reviewRoutes registers the review of procedures (rà soát, issue 4): a unit's plans with
// the overdue ones flagged, the plan page with a one-click result form per procedure, and
// the JSON API. Reading needs ViewUnit on the plan's unit, changing needs ReviewProcedures.
func (s *Server) reviewRoutes(app *http.ServeMux) {
	route(app, "GET /procedures/units/{id}/reviews", s.signedIn(s.unitReviews))
	route(app, "POST /procedures/units/{id}/reviews", s.signedIn(s.createReviewPlan))
	route(app, "GET /procedures/reviews/{plan}", s.signedIn(s.showReviewPlan))
	route(app, "POST /procedures/reviews/{plan}/tasks/{task}", s.signedIn(s.recordReviewResult))

	route(app, "GET /api/v1/reviews/overdue", s.apiSignedIn(s.apiOverdueReviews))
	route(app, "GET /api/v1/reviews/{plan}", s.apiSignedIn(s.apiReviewPlan))
	route(app, "POST /api/v1/reviews/{plan}/tasks/{task}", s.apiSignedIn(s.apiRecordReviewResult))
	route(app, "GET /api/v1/units/{id}/reviews", s.apiSignedIn(s.apiUnitReviews))
	route(app, "POST /api/v1/units/{id}/reviews", s.apiSignedIn(s.apiCreateReviewPlan))
}

// planRow is a plan in a listing, with its state today.
type planRow struct {
	store.ReviewPlanRow
	Overdue bool
}

func planRows(plans []store.ReviewPlanRow, today unit.Date) []planRow {
	out := make([]planRow, len(plans))
	for i, p := range plans {
		out[i] = planRow{ReviewPlanRow: p, Overdue: p.Overdue(today)}
	}
	return out
}

// unitReviews lists the review plans of a unit and the units below it, and offers the
// form for a new plan to those who review the unit's procedures.
func (s *Server) unitReviews(w http.ResponseWriter, r *http.Request) {
	u, ok := s.loadUnitFor(w, r, auth.ViewUnit)
	if !ok {
		return
	}
	year := strconv.Itoa(s.cfg.Now().In(vnZone).Year())
	form := map[string]string{"year": year, "title": s.i18n.T(s.lang(r), "review.default_title", year)}
	s.unitReviewsPage(w, r, http.StatusOK, s.newPage(r, "review.title"), u, form)
}

func (s *Server) unitReviewsPage(w http.ResponseWriter, r *http.Request, status int, p *page, u unit.Unit, form map[string]string) {
	plans, err := s.db.ReviewPlans(r.Context(), store.ReviewPlanFilter{Under: []string{u.Path}})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	rows := planRows(plans, s.today())
	overdue := 0
	for _, row := range rows {
		if row.Overdue {
			overdue++
		}
	}
	p.Title = s.i18n.T(p.Lang, "review.title") + ": " + u.Name
	p.Active = "nav.procedures"
	p.Form = form
	p.Data = map[string]any{"Unit": u, "Plans": rows, "Overdue": overdue, "CanReview": actor(r).Can(auth.ReviewProcedures, u.Path)}
	s.render(w, r, status, "review_plans", p)
}

// planForm reads a new plan from the posted form or JSON fields. A year that is not a
// number reads as 0, which the plan's validation refuses with its own message.
func planForm(unitID, year, title, dueOn string) (procedure.ReviewPlan, error) {
	y, _ := strconv.Atoi(strings.TrimSpace(year))
	plan := procedure.ReviewPlan{UnitID: unitID, Year: y, Title: title}
	due, err := unit.ParseDate(strings.TrimSpace(dueOn))
	if err != nil {
		plan.Normalize()
		return plan, failure.Join(failure.InvalidField("due_on", "form.date_invalid"), plan.Validate())
	}
	plan.DueOn = due
	return plan, nil
}

func (s *Server) createReviewPlan(w http.ResponseWriter, r *http.Request) {
	u, ok := s.loadUnitFor(w, r, auth.ReviewProcedures)
	if !ok || !s.parseForm(w, r) {
		return
	}
	form := map[string]string{}
	for _, k := range []string{"year", "title", "due_on"} {
		form[k] = r.PostForm.Get(k)
	}
	plan, err := planForm(u.ID, form["year"], form["title"], form["due_on"])
	if err == nil {
		err = s.db.CreateReviewPlan(r.Context(), &plan, actor(r).UserID)
	}
	if err != nil {
		e, ok := failure.As(err)
		if !ok {
			s.serverError(w, r, err)
			return
		}
		p := s.newPage(r, "review.title")
		s.formErrors(p, err)
		s.unitReviewsPage(w, r, statusOf(e.Kind), p, u, form)
		return
	}
	s.flash(r, "review.plan_created", plan.Year, plan.Tasks)
	http.Redirect(w, r, "/procedures/reviews/"+plan.ID, http.StatusSeeOther)
}

// loadPlanFor loads the plan named in the path and checks the action on its unit: a plan
// of a unit outside the official's units is not found, a visible one without the action
// is forbidden.
func (s *Server) loadPlanFor(w http.ResponseWriter, r *http.Request, action auth.Action) (store.ReviewPlanRow, bool) {
	plan, err := s.db.ReviewPlan(r.Context(), r.PathValue("plan"))
	a := actor(r)
	if err == nil && !a.Can(auth.ViewUnit, plan.UnitPath) {
		err = failure.New(failure.NotFound, "", "review.plan_not_found")
	}
	if err != nil {
		s.handleErr(w, r, err)
		return plan, false
	}
	if !a.Can(action, plan.UnitPath) {
		s.renderError(w, r, failure.New(failure.Forbidden, "", "error.forbidden"), 0)
		return plan, false
	}
	return plan, true
}

// loadTaskFor loads the task named in the path after checking its plan (loadPlanFor).
func (s *Server) loadTaskFor(w http.ResponseWriter, r *http.Request, action auth.Action) (store.ReviewPlanRow, procedure.ReviewTask, bool) {
	plan, ok := s.loadPlanFor(w, r, action)
	if !ok {
		return plan, procedure.ReviewTask{}, false
	}
	task, err := s.db.ReviewTask(r.Context(), r.PathValue("task"))
	if err == nil && task.PlanID != plan.ID {
		err = failure.New(failure.NotFound, "", "review.task_not_found")
	}
	if err != nil {
		s.handleErr(w, r, err)
		return plan, task, false
	}
	return plan, task, true
}

func (s *Server) showReviewPlan(w http.ResponseWriter, r *http.Request) {
	plan, ok := s.loadPlanFor(w, r, auth.ViewUnit)
	if !ok {
		return
	}
	s.reviewPlanPage(w, r, http.StatusOK, s.newPage(r, "review.title"), plan, nil)
}

func (s *Server) reviewPlanPage(w http.ResponseWriter, r *http.Request, status int, p *page, plan store.ReviewPlanRow, form map[string]string) {
	tasks, err := s.db.ReviewTasks(r.Context(), plan.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p.Title = plan.Title
	p.Active = "nav.procedures"
	p.Form = form
	p.Data = map[string]any{"Plan": plan, "Tasks": tasks, "Overdue": plan.Overdue(s.today()),
		"CanReview": actor(r).Can(auth.ReviewProcedures, plan.UnitPath), "Results": procedure.ReviewResults}
	s.render(w, r, status, "review_plan", p)
}

// recordReviewResult records the button pressed (keep, simplify, abolish) with the text;
// a refused result comes back on the plan page with the text as typed.
func (s *Server) recordReviewResult(w http.ResponseWriter, r *http.Request) {
	plan, task, ok := s.loadTaskFor(w, r, auth.ReviewProcedures)
	if !ok || !s.parseForm(w, r) {
		return
	}
	result, text := procedure.ReviewResult(r.PostForm.Get("result")), r.PostForm.Get("text")
	if err := s.db.RecordReviewResult(r.Context(), task.ID, result, text, actor(r).UserID); err != nil {
		e, ok := failure.As(err)
		if !ok {
			s.serverError(w, r, err)
			return
		}
		p := s.newPage(r, "review.title")
		s.formErrors(p, err)
		s.reviewPlanPage(w, r, statusOf(e.Kind), p, plan, map[string]string{"task": task.ID, "text": text})
		return
	}
	s.flash(r, "review.result_recorded", task.Code)
	http.Redirect(w, r, "/procedures/reviews/"+plan.ID+"#task-"+task.ID, http.StatusSeeOther)
}

// procedureAlert is a published procedure that ends soon, with the day it ends.
type procedureAlert struct {
	store.PublishedProcedure
	EndsOn unit.Date
}

// procedureAlerts gathers what the home page flags to an official who reviews procedures
// (unit administrators and QMS secretaries): in the units where they may, the published
// procedures ending within procedure.DefaultExpiryWindow days and the overdue review
// plans. The system administrator holds no unit and gets none: the whole country is not
// an alert.
func (s *Server) procedureAlerts(r *http.Request) ([]procedureAlert, []store.ReviewPlanRow, error) {
	paths, everywhere := actor(r).Scopes(auth.ReviewProcedures)
	if everywhere || len(paths) == 0 {
		return nil, nil, nil
	}
	today := s.today()
	pubs, err := s.db.ExpiringPublications(r.Context(), store.PublicationFilter{Under: paths}, today, procedure.DefaultExpiryWindow)
	if err != nil {
		return nil, nil, err
	}
	expiring := make([]procedureAlert, len(pubs))
	for i, p := range pubs {
		expiring[i].PublishedProcedure = p
		expiring[i].EndsOn, _ = p.Procedure.EndsWithin(today, procedure.DefaultExpiryWindow)
	}
	overdue, err := s.db.ReviewPlans(r.Context(), store.ReviewPlanFilter{Under: paths, OverdueOn: today})
	if err != nil {
		return nil, nil, err
	}
	return expiring, overdue, nil
}

// JSON API.

type apiReviewPlanJSON struct {
	ID        string    `json:"id"`
	UnitID    string    `json:"unit_id"`
	Unit      string    `json:"unit"`
	Year      int       `json:"year"`
	Title     string    `json:"title"`
	DueOn     string    `json:"due_on"`
	Tasks     int       `json:"tasks"`
	Done      int       `json:"done"`
	Overdue   bool      `json:"overdue"`
	CreatedAt time.Time `json:"created_at"`
}

type apiReviewTaskJSON struct {
	ID         string     `json:"id"`
	Code       string     `json:"code"`
	Name       string     `json:"name"`
	Result     string     `json:"result"` // "" while pending
	Text       string     `json:"text,omitempty"`
	ReviewedBy string     `json:"reviewed_by,omitempty"`
	ReviewedAt *time.Time `json:"reviewed_at,omitempty"`
}

func toAPIReviewPlan(p store.ReviewPlanRow, today unit.Date) apiReviewPlanJSON {
	return apiReviewPlanJSON{ID: p.ID, UnitID: p.UnitID, Unit: p.UnitName, Year: p.Year, Title: p.Title,
		DueOn: p.DueOn.String(), Tasks: p.Tasks, Done: p.Done, Overdue: p.Overdue(today), CreatedAt: p.CreatedAt}
}

func toAPIReviewPlans(plans []store.ReviewPlanRow, today unit.Date) []apiReviewPlanJSON {
	out := make([]apiReviewPlanJSON, len(plans))
	for i, p := range plans {
		out[i] = toAPIReviewPlan(p, today)
	}
	return out
}

func toAPIReviewTask(t procedure.ReviewTask) apiReviewTaskJSON {
	out := apiReviewTaskJSON{ID: t.ID, Code: t.Code, Name: t.Name, Result: string(t.Result), Text: t.Text, ReviewedBy: t.ReviewedBy}
	if !t.ReviewedAt.IsZero() {
		at := t.ReviewedAt
		out.ReviewedAt = &at
	}
	return out
}

// apiOverdueReviews lists the overdue review plans in the caller's units.
func (s *Server) apiOverdueReviews(w http.ResponseWriter, r *http.Request) {
	paths, ok := viewScope(actor(r), auth.ViewUnit)
	if !ok {
		s.renderError(w, r, failure.New(failure.Forbidden, "", "error.forbidden"), 0)
		return
	}
	today := s.today()
	plans, err := s.db.ReviewPlans(r.Context(), store.ReviewPlanFilter{Under: paths, OverdueOn: today})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"plans": toAPIReviewPlans(plans, today), "count": len(plans)})
}

// apiUnitReviews lists the review plans of a unit and the units below it.
func (s *Server) apiUnitReviews(w http.ResponseWriter, r *http.Request) {
	u, ok := s.loadUnitFor(w, r, auth.ViewUnit)
	if !ok {
		return
	}
	plans, err := s.db.ReviewPlans(r.Context(), store.ReviewPlanFilter{Under: []string{u.Path}})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"plans": toAPIReviewPlans(plans, s.today()), "count": len(plans)})
}

// apiCreateReviewPlan creates a plan from {"year": 2026, "title": "...", "due_on": "2026-03-31"}.
// apiReviewPlanInput is the body of POST /api/v1/units/{id}/reviews.
type apiReviewPlanInput struct {
	Year  int    `json:"year"`
	Title string `json:"title"`
	DueOn string `json:"due_on"`
}

// apiReviewResultInput is the body of POST /api/v1/reviews/{plan}/tasks/{task}.
type apiReviewResultInput struct {
	Result string `json:"result"`
	Text   string `json:"text"`
}

func (s *Server) apiCreateReviewPlan(w http.ResponseWriter, r *http.Request) {
	u, ok := s.loadUnitFor(w, r, auth.ReviewProcedures)
	if !ok {
		return
	}
	var body apiReviewPlanInput
	if !s.readJSON(w, r, &body) {
		return
	}
	plan, err := planForm(u.ID, strconv.Itoa(body.Year), body.Title, body.DueOn)
	if err == nil {
		err = s.db.CreateReviewPlan(r.Context(), &plan, actor(r).UserID)
	}
	if err != nil {
		s.handleErr(w, r, err)
		return
	}
	created, err := s.db.ReviewPlan(r.Context(), plan.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toAPIReviewPlan(created, s.today()))
}

// apiReviewPlan returns a plan with its tasks.
func (s *Server) apiReviewPlan(w http.ResponseWriter, r *http.Request) {
	plan, ok := s.loadPlanFor(w, r, auth.ViewUnit)
	if !ok {
		return
	}
	tasks, err := s.db.ReviewTasks(r.Context(), plan.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	out := make([]apiReviewTaskJSON, len(tasks))
	for i, t := range tasks {
		out[i] = toAPIReviewTask(t)
	}
	writeJSON(w, http.StatusOK, map[string]any{"plan": toAPIReviewPlan(plan, s.today()), "tasks": out})
}

// apiRecordReviewResult records {"result": "keep"|"simplify"|"abolish", "text": "..."}.
func (s *Server) apiRecordReviewResult(w http.ResponseWriter, r *http.Request) {
	_, task, ok := s.loadTaskFor(w, r, auth.ReviewProcedures)
	if !ok {
		return
	}
	var body apiReviewResultInput
	if !s.readJSON(w, r, &body) {
		return
	}
	if err := s.db.RecordReviewResult(r.Context(), task.ID, procedure.ReviewResult(body.Result), body.Text, actor(r).UserID); err != nil {
		s.handleErr(w, r, err)
		return
	}
	task, err := s.db.ReviewTask(r.Context(), task.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPIReviewTask(task))
}
