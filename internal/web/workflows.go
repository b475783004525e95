package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/user"
)

// workflowRoutes registers the internal workflows (quy trình nội bộ, issue 4): a unit's
// published procedures with the workflow each follows, the editor of one workflow (plain
// forms: rows are added and removed by the server) and the JSON API. Reading needs
// ViewUnit, editing ManageWorkflows.
func (s *Server) workflowRoutes(app *http.ServeMux) {
	route(app, "GET /procedures/units/{id}/workflows", s.signedIn(s.unitWorkflows))
	route(app, "GET /procedures/units/{id}/workflows/{code}", s.signedIn(s.showWorkflow))
	route(app, "POST /procedures/units/{id}/workflows/{code}", s.signedIn(s.saveWorkflow))

	route(app, "GET /api/v1/units/{id}/workflows/{code}", s.apiSignedIn(s.apiWorkflow))
	route(app, "POST /api/v1/units/{id}/workflows/{code}", s.apiSignedIn(s.apiSaveWorkflow))
}

// workflowView is a unit's workflow for a procedure as the editor and the API show it: the
// recorded one, or the default when there is none, measured against the legal time limit
// of the version in force today.
type workflowView struct {
	Unit      unit.Unit
	Procedure procedure.Procedure
	Version   procedure.Version // in force today (zero when InForce is false)
	InForce   bool
	PerDay    time.Duration // the unit's office day
	Workflow  procedure.Workflow
	Default   bool // nothing recorded: Workflow is procedure.DefaultWorkflow
	Fits      bool // Workflow passes validation against today's limit
}

// Limit is the office time the legal limit allows.
func (v workflowView) Limit() time.Duration { return procedure.WorkingTime(v.Version.Limit, v.PerDay) }

func (s *Server) workflowView(ctx context.Context, u unit.Unit, code string) (workflowView, error) {
	v := workflowView{Unit: u}
	var err error
	if v.Procedure, err = s.db.Procedure(ctx, code); err != nil {
		return v, err
	}
	if v.PerDay, err = s.db.OfficeTimePerDay(ctx, u.ID); err != nil {
		return v, err
	}
	v.Version, v.InForce = v.Procedure.VersionOn(s.today())
	v.Workflow, err = s.db.Workflow(ctx, u.ID, v.Procedure.Code)
	switch {
	case err == nil:
		v.Fits = v.InForce && v.Workflow.Validate(v.Version.Limit, v.PerDay) == nil
	case !failure.Is(err, failure.NotFound):
		return v, err
	case v.InForce:
		v.Workflow, v.Default, v.Fits = procedure.DefaultWorkflow(v.Version.Limit, v.PerDay), true, true
	}
	return v, nil
}

// workflowLine is a published procedure with the workflow its unit follows.
type workflowLine struct {
	store.PublishedProcedure
	Status   procedure.Status // today: a procedure not in force has no limit to fit
	Limit    string
	Recorded bool
	Fits     bool
}

// unitWorkflows lists the procedures a unit publishes today with their workflow: recorded,
// default, or recorded but no longer fitting the limit.
func (s *Server) unitWorkflows(w http.ResponseWriter, r *http.Request) {
	u, ok := s.loadUnitFor(w, r, auth.ViewUnit)
	if !ok {
		return
	}
	ctx, today := r.Context(), s.today()
	pubs, err := s.db.Publications(ctx, store.PublicationFilter{UnitID: u.ID, ActiveOn: today})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	recorded, err := s.db.Workflows(ctx, u.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	perDay, err := s.db.OfficeTimePerDay(ctx, u.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	byCode := map[string]procedure.Workflow{}
	for _, wf := range recorded {
		byCode[wf.Code] = wf
	}
	p := s.newPage(r, "workflow.title")
	lines := make([]workflowLine, len(pubs))
	for i, pub := range pubs {
		lines[i] = workflowLine{PublishedProcedure: pub, Status: pub.Procedure.StatusOn(today), Fits: true}
		v, inForce := pub.Procedure.VersionOn(today)
		if inForce {
			lines[i].Limit = s.limitText(p.Lang, v.Limit)
		}
		if wf, ok := byCode[pub.Code]; ok {
			lines[i].Recorded = true
			lines[i].Fits = !inForce || wf.Validate(v.Limit, perDay) == nil
		}
	}
	p.Title = s.i18n.T(p.Lang, "workflow.title") + ": " + u.Name
	p.Active = "nav.procedures"
	p.Data = map[string]any{"Unit": u, "Lines": lines, "PerDay": procedure.FormatHours(perDay)}
	s.render(w, r, http.StatusOK, "workflows", p)
}

// stepRow is one step of the editor as typed: the transfer target is a unit code.
type stepRow struct {
	N          int // 1-based
	Kind       string
	Role       string
	Budget     string
	TransferTo string
	Target     string // the target's name, when it resolves
	Note       string
}

// rowsOfSteps writes stored steps as editor rows, naming transfer targets by unit code.
func (s *Server) rowsOfSteps(ctx context.Context, steps []procedure.Step) ([]stepRow, error) {
	rows := make([]stepRow, len(steps))
	for i, st := range steps {
		rows[i] = stepRow{N: i + 1, Kind: string(st.Kind), Role: string(st.Role), Budget: st.Budget.String(), Note: st.Note}
		if st.TransferTo == "" {
			continue
		}
		u, err := s.db.Unit(ctx, st.TransferTo)
		if err != nil {
			return nil, err
		}
		rows[i].TransferTo, rows[i].Target = u.Code, u.Name
	}
	return rows, nil
}

// postedRows reads the editor rows from the form (one value of each column per row).
func postedRows(f map[string][]string) ([]stepRow, bool) {
	kinds := f["kind"]
	cols := [][]string{f["role"], f["budget"], f["transfer_to"], f["note"]}
	for _, c := range cols {
		if len(c) != len(kinds) {
			return nil, false
		}
	}
	rows := make([]stepRow, len(kinds))
	for i := range kinds {
		rows[i] = stepRow{N: i + 1, Kind: kinds[i], Role: cols[0][i], Budget: strings.TrimSpace(cols[1][i]),
			TransferTo: strings.TrimSpace(cols[2][i]), Note: cols[3][i]}
	}
	return rows, true
}

// stepInput is a step as typed in the editor or sent to the API, before parsing.
type stepInput struct {
	Kind       string `json:"kind"`
	Role       string `json:"role"`
	Budget     string `json:"budget"`
	TransferTo string `json:"transfer_to,omitempty"`
	Note       string `json:"note,omitempty"`
}

// parseSteps turns typed steps into workflow steps. resolve finds a transfer target's unit
// ID from what was typed; budgets and targets that cannot be read are named by step.
func parseSteps(in []stepInput, resolve func(string) (string, bool)) ([]procedure.Step, error) {
	steps := make([]procedure.Step, len(in))
	var errs failure.List
	for i, st := range in {
		steps[i] = procedure.Step{Kind: procedure.StepKind(st.Kind), Role: user.Role(st.Role), Note: st.Note}
		b, err := calendar.ParseLimit(strings.TrimSpace(st.Budget))
		if err != nil {
			errs = append(errs, failure.InvalidField("steps", "workflow.step_budget_invalid", i+1))
		}
		steps[i].Budget = b
		if target := strings.TrimSpace(st.TransferTo); target != "" {
			id, ok := resolve(target)
			if !ok {
				errs = append(errs, failure.InvalidField("steps", "workflow.transfer_target_not_found", i+1))
			}
			steps[i].TransferTo = id
		}
	}
	return steps, errs.Err()
}

// loadWorkflowFor loads the unit and procedure named in the path after checking the
// action on the unit (loadUnitFor), with the workflow the unit follows.
func (s *Server) loadWorkflowFor(w http.ResponseWriter, r *http.Request, action auth.Action) (workflowView, bool) {
	u, ok := s.loadUnitFor(w, r, action)
	if !ok {
		return workflowView{}, false
	}
	v, err := s.workflowView(r.Context(), u, r.PathValue("code"))
	if err != nil {
		s.handleErr(w, r, err)
		return v, false
	}
	return v, true
}

func (s *Server) showWorkflow(w http.ResponseWriter, r *http.Request) {
	v, ok := s.loadWorkflowFor(w, r, auth.ViewUnit)
	if !ok {
		return
	}
	rows, err := s.rowsOfSteps(r.Context(), v.Workflow.Steps)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.workflowPage(w, r, http.StatusOK, s.newPage(r, "workflow.title"), v, rows, nil)
}

// workflowPage renders the editor with rows as they stand (stored, default or typed) and
// the messages of a refused save, every one of them (most concern the same field).
func (s *Server) workflowPage(w http.ResponseWriter, r *http.Request, status int, p *page, v workflowView, rows []stepRow, refused error) {
	total := ""
	var sum time.Duration
	for _, row := range rows {
		b, err := calendar.ParseLimit(row.Budget)
		if err != nil || b.Kind() == calendar.WithinDay {
			sum = -1
			break
		}
		sum += procedure.WorkingTime(b, v.PerDay)
	}
	if sum >= 0 {
		total = procedure.FormatHours(sum)
	}
	p.Title = s.i18n.T(p.Lang, "workflow.edit_title", v.Procedure.Code, v.Unit.Name)
	p.Active = "nav.procedures"
	p.Data = map[string]any{
		"V": v, "Rows": rows, "Total": total, "Over": sum > v.Limit() && v.InForce,
		"LimitText": s.limitText(p.Lang, v.Version.Limit), "LimitHours": procedure.FormatHours(v.Limit()),
		"PerDay": procedure.FormatHours(v.PerDay), "Kinds": procedure.StepKinds, "Roles": user.Roles,
		"CanEdit":  actor(r).Can(auth.ManageWorkflows, v.Unit.Path) && v.InForce,
		"Messages": s.fieldMessages(p.Lang, refused),
	}
	s.render(w, r, status, "workflow_edit", p)
}

// fieldMessages translates every field error carried by err, in order.
func (s *Server) fieldMessages(lang string, err error) []string {
	var out []string
	for _, fe := range failure.Fields(err) {
		out = append(out, s.i18n.T(lang, fe.Key, fe.Args...))
	}
	return out
}

// limitText states a legal time limit in words ("3 ngày làm việc").
func (s *Server) limitText(lang string, l calendar.Limit) string {
	switch l.Kind() {
	case calendar.WorkingDays:
		return s.i18n.T(lang, "workflow.limit_days", l.WorkingDayCount())
	case calendar.WorkingHours:
		return s.i18n.T(lang, "workflow.limit_hours", procedure.FormatHours(l.WorkingTime()))
	case calendar.WithinDay:
		return s.i18n.T(lang, "workflow.limit_same_day", l.Cutoff().String())
	}
	return ""
}

// saveWorkflow handles the editor's three buttons: add a row, remove a row (both only
// redraw the form) and save, which comes back with the rows as typed when refused.
func (s *Server) saveWorkflow(w http.ResponseWriter, r *http.Request) {
	v, ok := s.loadWorkflowFor(w, r, auth.ManageWorkflows)
	if !ok || !s.parseForm(w, r) {
		return
	}
	rows, ok := postedRows(r.PostForm)
	if !ok {
		s.renderError(w, r, failure.New(failure.Invalid, "", "error.bad_form"), http.StatusBadRequest)
		return
	}
	p := s.newPage(r, "workflow.title")
	if n, err := strconv.Atoi(r.PostForm.Get("remove")); err == nil && n >= 1 && n <= len(rows) {
		s.workflowPage(w, r, http.StatusOK, p, v, renumber(append(rows[:n-1], rows[n:]...)), nil)
		return
	}
	if r.PostForm.Get("add") != "" {
		rows = append(rows, stepRow{Kind: string(procedure.StepExamine), Role: string(user.Handler)})
		s.workflowPage(w, r, http.StatusOK, p, v, renumber(rows), nil)
		return
	}
	wf, err := s.typedWorkflow(r.Context(), v, rows)
	if err == nil {
		err = s.db.SaveWorkflow(r.Context(), &wf, actor(r).UserID)
	}
	if err != nil {
		e, ok := failure.As(err)
		if !ok {
			s.serverError(w, r, err)
			return
		}
		s.workflowPage(w, r, statusOf(e.Kind), p, v, rows, err)
		return
	}
	s.flash(r, "workflow.saved", v.Procedure.Code)
	http.Redirect(w, r, "/procedures/units/"+v.Unit.ID+"/workflows/"+v.Procedure.Code, http.StatusSeeOther)
}

func renumber(rows []stepRow) []stepRow {
	for i := range rows {
		rows[i].N = i + 1
	}
	return rows
}

// typedWorkflow parses the editor rows, finding transfer targets by unit code (as the
// unit stands today).
func (s *Server) typedWorkflow(ctx context.Context, v workflowView, rows []stepRow) (procedure.Workflow, error) {
	in := make([]stepInput, len(rows))
	for i, row := range rows {
		in[i] = stepInput{Kind: row.Kind, Role: row.Role, Budget: row.Budget, TransferTo: row.TransferTo, Note: row.Note}
	}
	today := s.today()
	steps, err := parseSteps(in, func(code string) (string, bool) {
		t, err := s.db.UnitByCode(ctx, code, today)
		return t.ID, err == nil
	})
	return procedure.Workflow{UnitID: v.Unit.ID, Code: v.Procedure.Code, Steps: steps}, err
}

// JSON API.

type apiWorkflowJSON struct {
	UnitID     string      `json:"unit_id"`
	Code       string      `json:"code"`
	Default    bool        `json:"default"` // nothing recorded: the default workflow
	TimeLimit  string      `json:"time_limit,omitempty"`
	LimitHours string      `json:"limit_office_time,omitempty"`
	OfficeDay  string      `json:"office_day"`
	Total      string      `json:"total"`
	Fits       bool        `json:"fits"`
	Steps      []stepInput `json:"steps"`
	UpdatedBy  string      `json:"updated_by,omitempty"`
	UpdatedAt  *time.Time  `json:"updated_at,omitempty"`
}

func toAPIWorkflow(v workflowView) apiWorkflowJSON {
	out := apiWorkflowJSON{UnitID: v.Unit.ID, Code: v.Procedure.Code, Default: v.Default, OfficeDay: procedure.FormatHours(v.PerDay),
		Total: procedure.FormatHours(v.Workflow.Total(v.PerDay)), Fits: v.Fits, Steps: []stepInput{}, UpdatedBy: v.Workflow.UpdatedBy}
	if v.InForce {
		out.TimeLimit, out.LimitHours = v.Version.Limit.String(), procedure.FormatHours(v.Limit())
	}
	for _, st := range v.Workflow.Steps {
		out.Steps = append(out.Steps, stepInput{Kind: string(st.Kind), Role: string(st.Role), Budget: st.Budget.String(),
			TransferTo: st.TransferTo, Note: st.Note})
	}
	if !v.Workflow.UpdatedAt.IsZero() {
		at := v.Workflow.UpdatedAt
		out.UpdatedAt = &at
	}
	return out
}

// apiWorkflow returns the unit's workflow for a procedure (recorded or default).
func (s *Server) apiWorkflow(w http.ResponseWriter, r *http.Request) {
	v, ok := s.loadWorkflowFor(w, r, auth.ViewUnit)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, toAPIWorkflow(v))
}

// apiSaveWorkflow records {"steps": [{"kind", "role", "budget", "transfer_to" (unit ID),
// "note"}, ...]}.
// apiWorkflowInput is the body of POST /api/v1/units/{id}/workflows/{code}.
type apiWorkflowInput struct {
	Steps []stepInput `json:"steps"`
}

func (s *Server) apiSaveWorkflow(w http.ResponseWriter, r *http.Request) {
	u, ok := s.loadUnitFor(w, r, auth.ManageWorkflows)
	if !ok {
		return
	}
	var body apiWorkflowInput
	if !s.readJSON(w, r, &body) {
		return
	}
	steps, err := parseSteps(body.Steps, func(id string) (string, bool) { return id, true })
	wf := procedure.Workflow{UnitID: u.ID, Code: r.PathValue("code"), Steps: steps}
	if err == nil {
		err = s.db.SaveWorkflow(r.Context(), &wf, actor(r).UserID)
	}
	if err != nil {
		s.handleErr(w, r, err)
		return
	}
	v, err := s.workflowView(r.Context(), u, wf.Code)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPIWorkflow(v))
}
