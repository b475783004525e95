package web

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/qms"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
)

// qmsRoutes registers the ISO 9001 quality management system (issue 8): the overview of
// the units in the official's ViewQMS scope, each unit's dashboard, its controlled
// documents, objectives, nonconformities and corrective actions, management reviews and
// internal audits. Reading needs ViewQMS on the unit (outside the official's units a page
// is not found, inside without the role it is forbidden); changing needs ManageQMS, and
// approving, verifying and closing ApproveQMS. An official named on a record (a reader, a
// reviewer, the owner of a corrective action, an auditor) may open that record and do
// their part without the QMS roles.
func (s *Server) qmsRoutes(app *http.ServeMux) {
	route(app, "GET /qms", s.signedIn(s.qmsIndex))
	route(app, "GET /qms/reading", s.signedIn(s.qmsReading))
	route(app, "GET /qms/units/{id}", s.signedIn(s.qmsUnit))

	// Documents (part 1).
	route(app, "GET /qms/units/{id}/documents", s.signedIn(s.qmsDocuments))
	route(app, "POST /qms/units/{id}/documents", s.signedIn(s.createQMSDocument))
	route(app, "GET /qms/documents/{doc}", s.signedIn(s.showQMSDocument))
	route(app, "POST /qms/documents/{doc}", s.signedIn(s.updateQMSDocument))
	route(app, "POST /qms/documents/{doc}/submit", s.signedIn(s.submitQMSDocument))
	route(app, "POST /qms/documents/{doc}/review", s.signedIn(s.reviewQMSDocument))
	route(app, "POST /qms/documents/{doc}/approve", s.signedIn(s.approveQMSDocument))
	route(app, "POST /qms/documents/{doc}/return", s.signedIn(s.returnQMSDocument))
	route(app, "POST /qms/documents/{doc}/publish", s.signedIn(s.publishQMSDocument))
	route(app, "POST /qms/documents/{doc}/withdraw", s.signedIn(s.withdrawQMSDocument))
	route(app, "POST /qms/documents/{doc}/revise", s.signedIn(s.reviseQMSDocument))
	route(app, "POST /qms/documents/{doc}/readers", s.signedIn(s.addQMSReaders))
	route(app, "POST /qms/documents/{doc}/readers/{user}/delete", s.signedIn(s.removeQMSReader))
	route(app, "POST /qms/documents/{doc}/acknowledge", s.signedIn(s.acknowledgeQMSDocument))
	route(app, "POST /qms/documents/{doc}/attachments/{att}/delete", s.signedIn(s.deleteQMSAttachment))
	route(app, "GET /qms/attachments/{att}", s.signedIn(s.downloadQMSAttachment))

	// Policy and objectives (part 2).
	route(app, "GET /qms/units/{id}/objectives", s.signedIn(s.qmsObjectives))
	route(app, "POST /qms/units/{id}/objectives", s.signedIn(s.createQMSObjective))
	route(app, "GET /qms/objectives/{obj}", s.signedIn(s.showQMSObjective))
	route(app, "POST /qms/objectives/{obj}", s.signedIn(s.updateQMSObjective))
	route(app, "POST /qms/objectives/{obj}/results", s.signedIn(s.recordQMSObjectiveResult))
	route(app, "POST /qms/objectives/{obj}/raise", s.signedIn(s.raiseFromObjective))

	// Nonconformities and corrective actions (part 3).
	route(app, "GET /qms/units/{id}/nonconformities", s.signedIn(s.qmsNonconformities))
	route(app, "POST /qms/units/{id}/nonconformities", s.signedIn(s.raiseQMSNonconformity))
	route(app, "POST /qms/units/{id}/nonconformities/raise", s.signedIn(s.runQMSRaising))
	route(app, "GET /qms/nonconformities/{nc}", s.signedIn(s.showQMSNC))
	route(app, "POST /qms/nonconformities/{nc}/plan", s.signedIn(s.planQMSNC))
	route(app, "POST /qms/nonconformities/{nc}/implement", s.signedIn(s.implementQMSNC))
	route(app, "POST /qms/nonconformities/{nc}/verify", s.signedIn(s.verifyQMSNC))
	route(app, "POST /qms/nonconformities/{nc}/close", s.signedIn(s.closeQMSNC))
	route(app, "POST /qms/nonconformities/{nc}/dismiss", s.signedIn(s.dismissQMSNC))

	// Management reviews (part 4).
	route(app, "GET /qms/units/{id}/reviews", s.signedIn(s.qmsReviews))
	route(app, "POST /qms/units/{id}/reviews", s.signedIn(s.createQMSReview))
	route(app, "GET /qms/reviews/{rev}", s.signedIn(s.showQMSReview))
	route(app, "POST /qms/reviews/{rev}", s.signedIn(s.updateQMSReview))
	route(app, "POST /qms/reviews/{rev}/outputs", s.signedIn(s.addQMSReviewOutput))
	route(app, "POST /qms/reviews/{rev}/outputs/{out}/done", s.signedIn(s.doneQMSReviewOutput))
	route(app, "POST /qms/reviews/{rev}/finalize", s.signedIn(s.finalizeQMSReview))
	route(app, "GET /qms/reviews/{rev}/minutes.pdf", s.signedIn(s.qmsReviewMinutes))

	// Internal audits (part 5).
	route(app, "GET /qms/units/{id}/audits", s.signedIn(s.qmsAudits))
	route(app, "POST /qms/units/{id}/audits", s.signedIn(s.createQMSProgramme))
	route(app, "POST /qms/programmes/{prog}/plans", s.signedIn(s.createQMSAuditPlan))
	route(app, "GET /qms/audits/{plan}", s.signedIn(s.showQMSAudit))
	route(app, "POST /qms/audits/{plan}/items", s.signedIn(s.addQMSAuditItem))
	route(app, "POST /qms/audits/{plan}/items/{item}", s.signedIn(s.recordQMSFinding))
	route(app, "POST /qms/audits/{plan}/complete", s.signedIn(s.completeQMSAudit))
	route(app, "GET /qms/audits/{plan}/report.pdf", s.signedIn(s.qmsAuditReport))

	// Declarations of conformity (part 7).
	route(app, "GET /qms/units/{id}/declarations", s.signedIn(s.qmsDeclarations))
	route(app, "POST /qms/units/{id}/declarations", s.signedIn(s.createQMSDeclaration))

	// Risks (part 3).
	route(app, "GET /qms/units/{id}/risks", s.signedIn(s.qmsRisks))
	route(app, "POST /qms/units/{id}/risks", s.signedIn(s.createQMSRisk))
	route(app, "GET /qms/risks/{risk}", s.signedIn(s.showQMSRisk))
	route(app, "POST /qms/risks/{risk}", s.signedIn(s.updateQMSRisk))
	route(app, "POST /qms/risks/{risk}/reviews", s.signedIn(s.reviewQMSRisk))

	// The QMS's JSON API (qms_api.go).
	s.qmsAPIRoutes(app)

	// Annual evaluation (part 8).
	route(app, "GET /qms/units/{id}/evaluations", s.signedIn(s.qmsEvaluations))
	route(app, "GET /qms/units/{id}/evaluations/{year}", s.signedIn(s.showQMSEvaluation))
	route(app, "POST /qms/units/{id}/evaluations/{year}", s.signedIn(s.saveQMSEvaluation))
	route(app, "POST /qms/units/{id}/evaluations/{year}/proposals", s.signedIn(s.addQMSProposal))
	route(app, "POST /qms/units/{id}/evaluations/{year}/proposals/{prop}/delete", s.signedIn(s.deleteQMSProposal))
	route(app, "POST /qms/units/{id}/evaluations/{year}/finalize", s.signedIn(s.finalizeQMSEvaluation))
	route(app, "GET /qms/units/{id}/evaluations/{year}/report.pdf", s.signedIn(s.qmsEvaluationPDF))
	route(app, "GET /qms/units/{id}/evaluations/{year}/report.xlsx", s.signedIn(s.qmsEvaluationXLSX))
	route(app, "GET /qms/units/{id}/evaluations/{year}/summary.pdf", s.signedIn(s.qmsEvaluationSummaryPDF))
	route(app, "GET /qms/units/{id}/evaluations/{year}/summary.xlsx", s.signedIn(s.qmsEvaluationSummaryXLSX))
}

// qmsUploadRoutes registers the attachment upload on the outer mux with the portal's
// chain (session, actor, cross-origin protection) but not the application's 1 MiB body
// limit: the handler bounds its own body at qms.UploadBytes.
func (s *Server) qmsUploadRoutes(mux *http.ServeMux) {
	route(mux, "POST /qms/documents/{doc}/attachments", s.portalChain(false)(s.signedIn(s.uploadQMSAttachment)))
}

// qmsAccess is what the signed-in official may do in a unit's QMS.
type qmsAccess struct {
	View, Manage, Approve bool
}

func qmsAccessTo(a auth.Actor, path string) qmsAccess {
	return qmsAccess{View: a.Can(auth.ViewQMS, path), Manage: a.Can(auth.ManageQMS, path), Approve: a.Can(auth.ApproveQMS, path)}
}

// loadQMSUnit loads the unit in the path and checks the action on it: a unit outside the
// official's units is not found, one inside without the action is forbidden.
func (s *Server) loadQMSUnit(w http.ResponseWriter, r *http.Request, action auth.Action) (unit.Unit, qmsAccess, bool) {
	u, ok := s.loadUnitFor(w, r, action)
	if !ok {
		return u, qmsAccess{}, false
	}
	return u, qmsAccessTo(actor(r), u.Path), true
}

// denyRecord answers for a record the official may not open: not found outside their
// units, forbidden inside.
func (s *Server) denyRecord(w http.ResponseWriter, r *http.Request, path, notFoundKey string) {
	if actor(r).Can(auth.ViewUnit, path) {
		s.forbidden(w, r)
		return
	}
	s.renderError(w, r, failure.New(failure.NotFound, "", notFoundKey), http.StatusNotFound)
}

// qmsPage starts a page of a unit's QMS with its sub-menu.
func (s *Server) qmsPage(r *http.Request, titleKey string, u unit.Unit, tab string) *page {
	p := s.newPage(r, titleKey)
	p.Active = "nav.qms"
	p.Title = s.i18n.T(p.Lang, titleKey) + ": " + u.Name
	p.Data = map[string]any{"Unit": u, "Tab": tab}
	return p
}

// refusedForm shows a unit's QMS list again after a refused creation: the form as typed,
// its errors, and the status the failure calls for; show renders the list (and may add to
// the page first). An error that is not a domain failure is a server error.
func (s *Server) refusedForm(w http.ResponseWriter, r *http.Request, err error, u unit.Unit, titleKey, tab string,
	form map[string]string, show func(status int, p *page)) {
	e, ok := failure.As(err)
	if !ok {
		s.serverError(w, r, err)
		return
	}
	p := s.qmsPage(r, titleKey, u, tab)
	p.Form = form
	s.formErrors(p, err)
	show(statusOf(e.Kind), p)
}

// data returns the page's data map.
func (p *page) data() map[string]any {
	m, _ := p.Data.(map[string]any)
	if m == nil {
		m = map[string]any{}
		p.Data = m
	}
	return m
}

// qmsUnits lists the administrative units (not agencies) in the official's ViewQMS scope:
// the units that hold a QMS.
func (s *Server) qmsUnits(r *http.Request) ([]unit.Unit, error) {
	paths, ok := viewScope(actor(r), auth.ViewQMS)
	if !ok {
		return nil, failure.New(failure.Forbidden, "", "error.forbidden")
	}
	var kinds []unit.Kind
	for _, k := range unit.Kinds {
		if !k.IsAgency() {
			kinds = append(kinds, k)
		}
	}
	return s.db.ListUnits(r.Context(), store.UnitFilter{Under: paths, Kinds: kinds, Limit: 1000})
}

// qmsIndex lists the units whose QMS the official reads, with their figures; an official
// of one unit sees its dashboard.
func (s *Server) qmsIndex(w http.ResponseWriter, r *http.Request) {
	units, err := s.qmsUnits(r)
	if err != nil {
		s.handleErr(w, r, err)
		return
	}
	if len(units) == 1 {
		s.qmsDashboard(w, r, units[0], qmsAccessTo(actor(r), units[0].Path))
		return
	}
	today := s.today()
	year := s.cfg.Now().In(vnZone).Year()
	paths, _ := viewScope(actor(r), auth.ViewQMS)
	counts, err := s.db.QMSOverview(r.Context(), paths, year, today.String())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	decl, err := s.declStatuses(r, paths, units)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	type row struct {
		Unit    unit.Unit
		Retired bool
		Indent  string
		store.QMSCounts
		Declaration declStatus
	}
	minDepth := -1
	for _, u := range units {
		if minDepth < 0 || u.Depth() < minDepth {
			minDepth = u.Depth()
		}
	}
	rows := make([]row, len(units))
	for i, u := range units {
		rows[i] = row{Unit: u, Retired: u.Retired(today), Indent: strings.Repeat("— ", u.Depth()-minDepth), QMSCounts: counts[u.ID],
			Declaration: decl[u.ID]}
	}
	p := s.newPage(r, "qms.title")
	p.Active = "nav.qms"
	p.Data = map[string]any{"Rows": rows, "Year": year}
	s.render(w, r, http.StatusOK, "qms_index", p)
}

// qmsReading lists the documents the official must read and has not acknowledged, for
// every official (readers need no QMS role).
func (s *Server) qmsReading(w http.ResponseWriter, r *http.Request) {
	docs, err := s.db.ToRead(r.Context(), actor(r).UserID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := s.newPage(r, "qms.reading_title")
	p.Active = "nav.qms"
	p.Data = map[string]any{"Docs": docs}
	s.render(w, r, http.StatusOK, "qms_reading", p)
}

// qmsUnit is a unit's QMS dashboard: current documents and what waits to be read, the
// objectives of the year, open and overdue nonconformities, the last management review
// and the audits of the year.
func (s *Server) qmsUnit(w http.ResponseWriter, r *http.Request) {
	u, acc, ok := s.loadQMSUnit(w, r, auth.ViewQMS)
	if !ok {
		return
	}
	s.qmsDashboard(w, r, u, acc)
}

func (s *Server) qmsDashboard(w http.ResponseWriter, r *http.Request, u unit.Unit, acc qmsAccess) {
	ctx := r.Context()
	today := s.today()
	docs, err := s.db.Documents(ctx, store.DocumentFilter{UnitID: u.ID,
		Statuses: []qms.DocStatus{qms.Draft, qms.InReview, qms.Approved, qms.Published}})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var current, preparing, reviewDue []store.DocumentRow
	unread := 0
	var policy, scope *store.DocumentRow
	for i, d := range docs {
		switch {
		case d.Current():
			current = append(current, d)
			unread += d.Unread()
			if d.ReviewDue(today) {
				reviewDue = append(reviewDue, d)
			}
			if d.Kind == qms.KindPolicy {
				policy = &docs[i]
			}
			if d.Kind == qms.KindScope {
				scope = &docs[i]
			}
		default:
			preparing = append(preparing, d)
		}
	}
	mine, err := s.db.ToRead(ctx, actor(r).UserID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := s.qmsPage(r, "qms.dashboard", u, "dashboard")
	data := p.data()
	data["Access"] = acc
	data["Current"], data["Preparing"], data["ReviewDue"], data["Unread"] = current, preparing, reviewDue, unread
	data["Policy"], data["Scope"], data["Mine"] = policy, scope, mine
	if policy != nil {
		data["PolicyLines"] = textLines(policy.Body)
	}
	if err := s.qmsDashboardExtras(r, u, data); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "qms_unit", p)
}

// qmsDashboardExtras adds the parts of the dashboard beyond documents: the objectives of
// the year with the missed ones flagged for the leader, and the nonconformities.
func (s *Server) qmsDashboardExtras(r *http.Request, u unit.Unit, data map[string]any) error {
	year := s.unitYear(u)
	views, err := s.objectiveViews(r, u.ID, year)
	if err != nil {
		return err
	}
	var missed []objectiveView
	for _, v := range views {
		if v.Missed > 0 {
			missed = append(missed, v)
		}
	}
	data["Year"], data["Objectives"], data["Missed"] = year, views, missed
	reviews, err := s.db.Reviews(r.Context(), u.ID)
	if err != nil {
		return err
	}
	if len(reviews) > 0 {
		data["LastReview"] = reviews[0]
	}
	if data["Audits"], err = s.db.AuditPlans(r.Context(), store.AuditPlanFilter{Under: []string{u.Path}, Year: year}); err != nil {
		return err
	}
	if data["Declaration"], _, err = s.unitDeclStatus(r, u); err != nil {
		return err
	}
	if err := s.qmsRiskSummary(r, u, data); err != nil {
		return err
	}
	return s.qmsNCSummary(r, u, data)
}

// personChoice is an official in a picker.
type personChoice struct {
	ID, Label string
}

// qmsPeople lists the officials of a unit for the pickers: everyone, and those who may
// approve QMS documents.
func (s *Server) qmsPeople(r *http.Request, u unit.Unit) (all, approvers []personChoice, err error) {
	people, err := s.db.UnitPeople(r.Context(), u.Path)
	if err != nil {
		return nil, nil, err
	}
	for _, p := range people {
		var roles []string
		for _, role := range p.Roles {
			roles = append(roles, s.i18n.T(s.lang(r), "role."+string(role)))
		}
		c := personChoice{ID: p.ID, Label: p.Name + " (" + strings.Join(roles, ", ") + ")"}
		all = append(all, c)
		if p.May(auth.ApproveQMS) {
			approvers = append(approvers, c)
		}
	}
	return all, approvers, nil
}

// formList returns the non-empty values of a posted multi-value field.
func formList(r *http.Request, name string) []string {
	var out []string
	for _, v := range r.PostForm[name] {
		if v = strings.TrimSpace(v); v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// textLines splits a text into its non-empty lines, for paragraphs on a page.
func textLines(text string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// trailRow is one event of a record's history as the page shows it.
type trailRow struct {
	At                 time.Time
	Actor, Key, Detail string
}

// qmsTrail reads a QMS record's history with the officials' names; each action has its
// message "qms.event.<action without qms.>".
func (s *Server) qmsTrail(r *http.Request, objectType, id string) ([]trailRow, error) {
	events, err := s.db.AuditTrail(r.Context(), objectType, id, 100)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, e := range events {
		if e.ActorID != "" {
			ids = append(ids, e.ActorID)
		}
	}
	names, err := s.db.UserNames(r.Context(), ids)
	if err != nil {
		return nil, err
	}
	out := make([]trailRow, len(events))
	for i, e := range events {
		actorName := names[e.ActorID]
		if e.ActorID == "" {
			actorName = s.i18n.T(s.lang(r), "qms.system")
		}
		out[i] = trailRow{At: e.At, Actor: actorName, Key: "qms.event." + strings.TrimPrefix(e.Action, "qms."), Detail: e.Detail}
	}
	return out, nil
}

// qmsEvents are the actions of the QMS records' histories, each with its message
// "qms.event.<name>".
var qmsEvents = []string{"doc_create", "doc_update", "doc_submit", "doc_review", "doc_approve", "doc_return",
	"doc_publish", "doc_withdraw", "doc_revise", "doc_acknowledge", "attachment_add", "attachment_delete",
	"attachment_download", "readers_add", "reader_remove", "objective_create", "objective_update", "objective_result",
	"nc_raise", "nc_raise_auto", "nc_evidence", "nc_plan", "nc_implement", "nc_verify", "nc_close", "nc_dismiss",
	"review_create", "review_update", "review_output", "review_output_done", "review_finalize",
	"programme_create", "audit_plan", "audit_item", "audit_finding", "audit_complete", "declaration"}

// qmsEnumKeys lists the message keys built at run time from the QMS enumerations, for the
// catalog test.
func qmsEnumKeys() map[string]string {
	keys := map[string]string{}
	for _, m := range qms.Measures {
		keys["qms.measure_"+string(m)], keys["qms.measure_"+string(m)+"_def"] = "qms.Measures", "qms.Measures"
	}
	for _, c := range qms.Comparisons {
		keys["qms.comparison_"+string(c)] = "qms.Comparisons"
	}
	for _, src := range qms.Sources {
		keys["qms.source_"+string(src)], keys["qms.nc_auto_"+string(src)] = "qms.Sources", "qms.Sources"
	}
	for _, st := range qms.NCStatuses {
		keys["qms.nc_status_"+string(st)] = "qms.NCStatuses"
	}
	for _, f := range ncFilters {
		keys["qms.nc_show_"+f] = "ncFilters"
	}
	for _, k := range qms.OutputKinds {
		keys["qms.output_"+string(k)] = "qms.OutputKinds"
	}
	for _, st := range []qms.ReviewStatus{qms.ReviewDraft, qms.ReviewFinal} {
		keys["qms.review_status_"+string(st)] = "qms.ReviewStatus"
	}
	for _, res := range qms.AuditResults {
		keys["qms.audit_result_"+string(res)] = "qms.AuditResults"
	}
	for _, st := range []qms.AuditStatus{qms.AuditPlanned, qms.AuditDone} {
		keys["qms.audit_status_"+string(st)] = "qms.AuditStatus"
	}
	return keys
}

// qmsRecord is how the step handlers of one kind of QMS record (risk entry,
// nonconformity, management review) load it with the official's access, read it again and
// show it.
type qmsRecord[R, A any] struct {
	load      func(w http.ResponseWriter, r *http.Request) (R, A, bool)
	reload    func(ctx context.Context, id string) (R, error)
	show      func(w http.ResponseWriter, r *http.Request, status int, p *page, x R, acc A)
	id        func(R) string
	titleKey  string        // the record page's title
	path      string        // the record's address without its ID
	flashArgs func(R) []any // the success message's arguments, if any
}

// step checks the official may take a step on the record, runs it and goes back to the
// record (or shows it again with the refusal and the form as typed).
func (k qmsRecord[R, A]) step(s *Server, w http.ResponseWriter, r *http.Request, allowed func(A) bool,
	run func(x R, me string) error, flashKey string) {
	x, acc, ok := k.load(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	if !allowed(acc) {
		s.forbidden(w, r)
		return
	}
	err := run(x, actor(r).UserID)
	var args []any
	if k.flashArgs != nil {
		args = k.flashArgs(x)
	}
	s.stepDone(w, r, err, k.titleKey, func(status int, p *page) {
		if fresh, err := k.reload(r.Context(), k.id(x)); err == nil {
			x = fresh
		}
		k.show(w, r, status, p, x, acc)
	}, k.path+k.id(x), flashKey, args...)
}

// stepDone ends a change posted on a QMS record: done, a message and back to target; refused
// (an application error), the record's page again through show, with the error, its status
// and the form as typed; anything else is a 500.
func (s *Server) stepDone(w http.ResponseWriter, r *http.Request, err error, titleKey string, show func(status int, p *page),
	target, flashKey string, args ...any) {
	if err == nil {
		s.flash(r, flashKey, args...)
		http.Redirect(w, r, target, http.StatusSeeOther)
		return
	}
	e, ok := failure.As(err)
	if !ok {
		s.serverError(w, r, err)
		return
	}
	p := s.newPage(r, titleKey)
	s.formErrors(p, err)
	p.Form = map[string]string{}
	for k := range r.PostForm {
		p.Form[k] = r.PostForm.Get(k)
	}
	show(statusOf(e.Kind), p)
}
