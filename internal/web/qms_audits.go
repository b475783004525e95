package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/forms"
	"github.com/motcua/motcua/internal/qms"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/user"
)

// Internal audits (issue 8, part 5): a unit's yearly programmes with their plans, the audits
// of the unit in the programmes of the units above it, each plan's checklist where its
// auditors record findings, and the audit report as PDF.

func (s *Server) qmsAudits(w http.ResponseWriter, r *http.Request) {
	u, acc, ok := s.loadQMSUnit(w, r, auth.ViewQMS)
	if !ok {
		return
	}
	p := s.qmsPage(r, "qms.audits", u, "audits")
	year := strconv.Itoa(s.unitYear(u))
	p.Form = map[string]string{"year": year, "title": s.i18n.T(p.Lang, "qms.programme_default_title", year),
		"unit_id": u.ID, "planned_on": s.today().String()}
	s.qmsAuditsPage(w, r, http.StatusOK, p, u, acc)
}

// programmeView is a programme with its plans.
type programmeView struct {
	store.ProgrammeRow
	Plans []store.AuditPlanRow
}

func (s *Server) qmsAuditsPage(w http.ResponseWriter, r *http.Request, status int, p *page, u unit.Unit, acc qmsAccess) {
	ctx := r.Context()
	progs, err := s.db.Programmes(ctx, u.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	views := make([]programmeView, len(progs))
	for i, pr := range progs {
		views[i].ProgrammeRow = pr
		if views[i].Plans, err = s.db.AuditPlans(ctx, store.AuditPlanFilter{ProgrammeID: pr.ID}); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	// Audits of this unit planned by the units above it.
	all, err := s.db.AuditPlans(ctx, store.AuditPlanFilter{Under: []string{u.Path}})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var fromAbove []store.AuditPlanRow
	for _, a := range all {
		if a.ProgrammeUnitID != u.ID {
			fromAbove = append(fromAbove, a)
		}
	}
	data := p.data()
	data["Programmes"], data["FromAbove"], data["Access"] = views, fromAbove, acc
	if acc.Manage {
		units, err := s.db.ListUnits(ctx, store.UnitFilter{Under: []string{u.Path}, Kinds: adminKinds(), Limit: 500})
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		choices := make([]unitChoice, len(units))
		for i, x := range units {
			choices[i] = unitChoice{ID: x.ID, Label: strings.Repeat("— ", max(x.Depth()-u.Depth(), 0)) + x.Name}
		}
		auditors, err := s.auditorChoices(r, u)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		data["UnitChoices"], data["Auditors"] = choices, auditors
		if _, ok := data["Picked"]; !ok {
			data["Picked"] = []string(nil)
		}
	}
	s.render(w, r, status, "qms_audits", p)
}

// adminKinds are the kinds of units that hold a QMS (not agencies).
func adminKinds() []unit.Kind {
	var out []unit.Kind
	for _, k := range unit.Kinds {
		if !k.IsAgency() {
			out = append(out, k)
		}
	}
	return out
}

// auditorChoices lists who may be picked as an auditor for the unit's programme: the QMS
// secretaries, leaders and overseers of the unit's parent and every unit below it (other
// communes, the steering committee). Whether one works in the audited unit is checked
// when the plan is saved.
func (s *Server) auditorChoices(r *http.Request, u unit.Unit) ([]personChoice, error) {
	path := u.Path
	if u.ParentID != "" {
		parent, err := s.db.Unit(r.Context(), u.ParentID)
		if err != nil {
			return nil, err
		}
		path = parent.Path
	}
	people, err := s.db.UnitPeople(r.Context(), path)
	if err != nil {
		return nil, err
	}
	var out []personChoice
	for _, p := range people {
		if !slices.ContainsFunc(p.Roles, func(role user.Role) bool {
			return role == user.QMS || role == user.Approver || role == user.Overseer
		}) {
			continue
		}
		var roles []string
		for _, role := range p.Roles {
			roles = append(roles, s.i18n.T(s.lang(r), "role."+string(role)))
		}
		out = append(out, personChoice{ID: p.ID, Label: p.Name + " (" + strings.Join(roles, ", ") + ")"})
	}
	return out, nil
}

func (s *Server) createQMSProgramme(w http.ResponseWriter, r *http.Request) {
	u, acc, ok := s.loadQMSUnit(w, r, auth.ManageQMS)
	if !ok || !s.parseForm(w, r) {
		return
	}
	year, _ := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("year")))
	pr := qms.Programme{UnitID: u.ID, Year: year, Title: r.PostForm.Get("title")}
	if err := s.db.CreateProgramme(r.Context(), &pr, actor(r).UserID); err != nil {
		s.auditsFailed(w, r, u, acc, err)
		return
	}
	s.flash(r, "qms.programme_created", pr.Year)
	http.Redirect(w, r, "/qms/units/"+u.ID+"/audits", http.StatusSeeOther)
}

// auditsFailed shows the audits page again with a refused form.
func (s *Server) auditsFailed(w http.ResponseWriter, r *http.Request, u unit.Unit, acc qmsAccess, err error) {
	e, ok := failure.As(err)
	if !ok {
		s.serverError(w, r, err)
		return
	}
	p := s.qmsPage(r, "qms.audits", u, "audits")
	p.Form = map[string]string{}
	for k := range r.PostForm {
		p.Form[k] = r.PostForm.Get(k)
	}
	p.data()["Picked"] = formList(r, "auditors")
	s.formErrors(p, err)
	s.qmsAuditsPage(w, r, statusOf(e.Kind), p, u, acc)
}

func (s *Server) createQMSAuditPlan(w http.ResponseWriter, r *http.Request) {
	pr, err := s.db.Programme(r.Context(), r.PathValue("prog"))
	if err != nil {
		s.handleErr(w, r, err)
		return
	}
	r.SetPathValue("id", pr.UnitID)
	u, acc, ok := s.loadQMSUnit(w, r, auth.ManageQMS)
	if !ok || !s.parseForm(w, r) {
		return
	}
	day, err := unit.ParseDate(r.PostForm.Get("planned_on"))
	a := qms.AuditPlan{ProgrammeID: pr.ID, UnitID: r.PostForm.Get("unit_id"), Scope: r.PostForm.Get("scope"),
		PlannedOn: day, Auditors: formList(r, "auditors")}
	if err != nil {
		err = failure.InvalidField("planned_on", "form.date_invalid")
	} else {
		err = s.db.CreateAuditPlan(r.Context(), &a, actor(r).UserID)
	}
	if err != nil {
		s.auditsFailed(w, r, u, acc, err)
		return
	}
	s.flash(r, "qms.audit_planned")
	http.Redirect(w, r, "/qms/audits/"+a.ID, http.StatusSeeOther)
}

// auditAccess is what the official may do with an audit plan.
type auditAccess struct {
	qmsAccess
	Auditor bool
}

// loadQMSAudit loads the plan in the path for an official with ViewQMS on the audited
// unit or on the programme's unit, or who is one of its auditors.
func (s *Server) loadQMSAudit(w http.ResponseWriter, r *http.Request) (store.AuditPlanRow, auditAccess, bool) {
	a, err := s.db.AuditPlan(r.Context(), r.PathValue("plan"))
	if err != nil {
		s.handleErr(w, r, err)
		return a, auditAccess{}, false
	}
	act := actor(r)
	acc := auditAccess{qmsAccess: qmsAccessTo(act, a.ProgrammeUnitPath), Auditor: slices.Contains(a.Auditors, act.UserID)}
	if !acc.View && act.Can(auth.ViewQMS, a.UnitPath) {
		acc.View = true
	}
	if !acc.View && !acc.Auditor {
		s.denyRecord(w, r, a.UnitPath, "qms.audit_not_found")
		return a, acc, false
	}
	return a, acc, true
}

func (s *Server) showQMSAudit(w http.ResponseWriter, r *http.Request) {
	a, acc, ok := s.loadQMSAudit(w, r)
	if !ok {
		return
	}
	s.qmsAuditPage(w, r, http.StatusOK, s.newPage(r, "qms.audit"), a, acc)
}

func (s *Server) qmsAuditPage(w http.ResponseWriter, r *http.Request, status int, p *page, a store.AuditPlanRow, acc auditAccess) {
	ctx := r.Context()
	u, err := s.db.Unit(ctx, a.ProgrammeUnitID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	items, err := s.db.AuditItems(ctx, a.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	auditorNames, err := s.auditorNames(r, a)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	trail, err := s.qmsTrail(r, "qms_audit_plan", a.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if p.Form == nil {
		p.Form = map[string]string{}
	}
	p.Active = "nav.qms"
	p.Title = s.i18n.T(p.Lang, "qms.audit_of", a.UnitName, a.PlannedOn.Display())
	p.Data = map[string]any{"Unit": u, "Tab": "audits", "A": a, "Access": acc, "Items": items, "AuditorNames": auditorNames,
		"Results": qms.AuditResults, "Open": a.Status == qms.AuditPlanned, "Trail": trail}
	s.render(w, r, status, "qms_audit", p)
}

// auditStep lets an auditor of the plan change it, and goes back to the plan (or shows it
// again with the refusal).
func (s *Server) auditStep(w http.ResponseWriter, r *http.Request, run func(a store.AuditPlanRow, me string) error, flashKey, anchor string) {
	a, acc, ok := s.loadQMSAudit(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	if !acc.Auditor {
		s.renderError(w, r, failure.New(failure.Forbidden, "", "qms.not_auditor"), 0)
		return
	}
	err := run(a, actor(r).UserID)
	s.stepDone(w, r, err, "qms.audit", func(status int, p *page) {
		p.Form["item"] = r.PathValue("item")
		if fresh, err := s.db.AuditPlan(r.Context(), a.ID); err == nil {
			a = fresh
		}
		s.qmsAuditPage(w, r, status, p, a, acc)
	}, "/qms/audits/"+a.ID+anchor, flashKey)
}

func (s *Server) recordQMSFinding(w http.ResponseWriter, r *http.Request) {
	s.auditStep(w, r, func(a store.AuditPlanRow, me string) error {
		items, err := s.db.AuditItems(r.Context(), a.ID)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(items, func(it qms.AuditItem) bool { return it.ID == r.PathValue("item") }) {
			return failure.New(failure.NotFound, "", "qms.audit_not_found")
		}
		return s.db.RecordFinding(r.Context(), r.PathValue("item"), qms.AuditResult(r.PostForm.Get("result")),
			r.PostForm.Get("evidence"), me)
	}, "qms.finding_recorded", "#item-"+r.PathValue("item"))
}

func (s *Server) addQMSAuditItem(w http.ResponseWriter, r *http.Request) {
	s.auditStep(w, r, func(a store.AuditPlanRow, me string) error {
		return s.db.AddAuditItem(r.Context(), a.ID, r.PostForm.Get("clause"), r.PostForm.Get("question"), me)
	}, "qms.audit_item_added", "")
}

func (s *Server) completeQMSAudit(w http.ResponseWriter, r *http.Request) {
	s.auditStep(w, r, func(a store.AuditPlanRow, me string) error {
		return s.db.CompleteAudit(r.Context(), a.ID, r.PostForm.Get("conclusion"), me)
	}, "qms.audit_completed", "")
}

// qmsAuditReport prints the audit report, in Vietnamese.
func (s *Server) qmsAuditReport(w http.ResponseWriter, r *http.Request) {
	a, _, ok := s.loadQMSAudit(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	h, err := s.headingOf(ctx, a.ProgrammeUnitID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	items, err := s.db.AuditItems(ctx, a.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	auditorNames, err := s.auditorNames(r, a)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	pr, err := s.db.Programme(ctx, a.ProgrammeID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	rec := s.auditReportOf(a, pr, h, items, auditorNames)
	s.writeDocument(w, r, "application/pdf", "bao-cao-danh-gia-noi-bo-"+a.PlannedOn.String()+".pdf", rec.WritePDF)
}

// auditReportOf lays out the report: the audit, its results by clause, its findings and
// the conclusion.
func (s *Server) auditReportOf(a store.AuditPlanRow, pr store.ProgrammeRow, h forms.Heading, items []qms.AuditItem, auditors []string) forms.QMSRecord {
	vi := func(key string) string { return s.i18n.T("vi", key) }
	date := dayTimeVN(a.PlannedOn)
	if !a.CompletedAt.IsZero() {
		date = a.CompletedAt
	}
	rec := forms.QMSRecord{Heading: h, Title: "Báo cáo đánh giá nội bộ", Date: date,
		Lines: []string{"Đơn vị được đánh giá: " + a.UnitName, "Chương trình: " + pr.Title},
		Left:  forms.QMSSigner{Role: "Đại diện đơn vị được đánh giá"},
		Right: forms.QMSSigner{Role: "Chuyên gia đánh giá", Name: strings.Join(auditors, ", ")}}
	rec.Sections = append(rec.Sections, forms.QMSSection{Title: "I. THÔNG TIN CHUNG", Paragraphs: []string{
		"Ngày đánh giá: " + a.PlannedOn.Display() + ".", "Phạm vi: " + a.Scope, "Chuyên gia đánh giá: " + strings.Join(auditors, ", ") + ".",
		"Chuẩn mực: TCVN ISO 9001:2015, các quy trình nội bộ và văn bản pháp luật có liên quan."}})
	table := forms.QMSTable{Columns: []forms.QMSColumn{{Header: "Điều", Weight: 8, Align: "C"}, {Header: "Nội dung đánh giá", Weight: 42},
		{Header: "Bằng chứng", Weight: 32}, {Header: "Kết quả", Weight: 18}}}
	count := map[qms.AuditResult]int{}
	var findings []string
	for _, it := range items {
		result := "Chưa đánh giá"
		if it.Result != qms.Unchecked {
			result = vi("qms.audit_result_" + string(it.Result))
			count[it.Result]++
		}
		table.Rows = append(table.Rows, []string{it.Clause, it.Question, it.Evidence, result})
		if it.Result == qms.Observation || it.Result.RaisesNC() {
			findings = append(findings, fmt.Sprintf("Điều %s — %s: %s", it.Clause, strings.ToLower(result), it.Evidence))
		}
	}
	rec.Sections = append(rec.Sections, forms.QMSSection{Title: "II. KẾT QUẢ THEO ĐIỀU KHOẢN", Table: table})
	summary := []string{}
	for _, res := range qms.AuditResults {
		summary = append(summary, fmt.Sprintf("%s: %d", vi("qms.audit_result_"+string(res)), count[res]))
	}
	if len(findings) == 0 {
		findings = []string{"Không có phát hiện."}
	}
	rec.Sections = append(rec.Sections,
		forms.QMSSection{Title: "III. CÁC PHÁT HIỆN", Paragraphs: []string{strings.Join(summary, "; ") + "."}, Items: findings},
		forms.QMSSection{Title: "IV. KẾT LUẬN", Paragraphs: textLinesOr(a.Conclusion, "Cuộc đánh giá chưa kết thúc.")})
	return rec
}

// auditorNames lists the names of a plan's auditors, in its order.
func (s *Server) auditorNames(r *http.Request, a store.AuditPlanRow) ([]string, error) {
	names, err := s.db.UserNames(r.Context(), a.Auditors)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(a.Auditors))
	for i, id := range a.Auditors {
		out[i] = names[id]
	}
	return out, nil
}

// textLinesOr is textLines, or the fallback for an empty text.
func textLinesOr(text, fallback string) []string {
	if l := textLines(text); len(l) > 0 {
		return l
	}
	return []string{fallback}
}
