package web

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/forms"
	"github.com/motcua/motcua/internal/qms"
	"github.com/motcua/motcua/internal/report"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
)

// Annual evaluation (issue 8, part 8): a unit's report on maintaining and improving its
// QMS for a year, with its figures from the data, its assessment and proposals, sealed when
// final; for a district, the comparison of its communes with their totals. The page, the
// PDF and the XLSX show the same content: evalDoc lays it out once, in the reader's
// language for the page and in Vietnamese for the documents.

// evalTitle is the report's title for a year (in Vietnamese, as documents sent upward are).
func evalTitle(year int) string {
	return fmt.Sprintf("Báo cáo đánh giá việc duy trì, cải tiến hệ thống quản lý chất lượng năm %d", year)
}

// evalYear reads the year in the path; anything else is not found.
func evalYear(r *http.Request) (int, bool) {
	y, err := strconv.Atoi(r.PathValue("year"))
	return y, err == nil && y >= 2000 && y <= 2200
}

// qmsEvaluations opens the unit's latest evaluation, or that of its year (this year, or
// its last one) when it has none.
func (s *Server) qmsEvaluations(w http.ResponseWriter, r *http.Request) {
	u, _, ok := s.loadQMSUnit(w, r, auth.ViewQMS)
	if !ok {
		return
	}
	year, err := s.db.LatestEvaluationYear(r.Context(), u.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if year == 0 {
		year = s.unitYear(u)
	}
	http.Redirect(w, r, fmt.Sprintf("/qms/units/%s/evaluations/%d", u.ID, year), http.StatusSeeOther)
}

// evalContext is an evaluation being shown or printed: the unit, the report, its figures,
// and for a unit with administrative units below it, their rows and the totals.
type evalContext struct {
	Unit     unit.Unit
	Year     int
	Eval     store.EvaluationRow
	Figures  qms.EvaluationFigures
	Children []evalChild
	Total    qms.EvaluationTotals
	Finisher string // who finalized it
}

// evalChild is a unit below with its evaluation of the year.
type evalChild struct {
	Unit    unit.Unit
	Status  qms.EvalStatus
	Started bool
	Figures qms.EvaluationFigures
}

// loadEvaluation loads the unit and year in the path for an official allowed the action,
// with the evaluation's figures (and the units below when children is set).
func (s *Server) loadEvaluation(w http.ResponseWriter, r *http.Request, action auth.Action, children bool) (*evalContext, qmsAccess, bool) {
	u, acc, ok := s.loadQMSUnit(w, r, action)
	if !ok {
		return nil, acc, false
	}
	year, ok := evalYear(r)
	if !ok {
		s.notFound(w, r)
		return nil, acc, false
	}
	c, err := s.evalContextOf(r, u, year, children)
	if err != nil {
		s.handleErr(w, r, err)
		return nil, acc, false
	}
	return c, acc, true
}

func (s *Server) evalContextOf(r *http.Request, u unit.Unit, year int, children bool) (*evalContext, error) {
	ctx := r.Context()
	e, err := s.db.Evaluation(ctx, u.ID, year)
	if err != nil {
		return nil, err
	}
	f, err := s.db.EvaluationFiguresOf(ctx, u, e)
	if err != nil {
		return nil, err
	}
	c := &evalContext{Unit: u, Year: year, Eval: e, Figures: f}
	if e.FinalizedBy != "" {
		names, err := s.db.UserNames(ctx, []string{e.FinalizedBy})
		if err != nil {
			return nil, err
		}
		c.Finisher = names[e.FinalizedBy]
	}
	if children {
		if err := s.evalChildren(r, c); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// evalChildren adds the administrative units below c's unit that existed in the year,
// each with its evaluation (the sealed figures of a final one, gathered now otherwise).
func (s *Server) evalChildren(r *http.Request, c *evalContext) error {
	ctx := r.Context()
	kids, err := s.db.ListUnits(ctx, store.UnitFilter{ParentID: c.Unit.ID})
	if err != nil {
		return err
	}
	evals, err := s.db.Evaluations(ctx, []string{c.Unit.Path}, c.Year)
	if err != nil {
		return err
	}
	for _, k := range kids {
		if k.Kind.IsAgency() {
			continue
		}
		if _, _, err := qms.EvaluationPeriod(c.Year, k, s.today()); err != nil {
			continue // not there that year
		}
		e, ok := evals[k.ID]
		if !ok {
			e = store.EvaluationRow{Evaluation: qms.Evaluation{UnitID: k.ID, Year: c.Year, Status: qms.EvalDraft}}
		} else if e.Status != qms.EvalFinal {
			if e, err = s.db.Evaluation(ctx, k.ID, c.Year); err != nil { // with its proposals
				return err
			}
		}
		f, err := s.db.EvaluationFiguresOf(ctx, k, e)
		if err != nil {
			return err
		}
		c.Children = append(c.Children, evalChild{Unit: k, Status: e.Status, Started: e.ID != "", Figures: f})
		f.AddTo(&c.Total, e.Status == qms.EvalFinal)
	}
	return nil
}

// evalDoc lays out the report in a language: the figures of section I, then the sections.
// The same layout feeds the page, the PDF and the XLSX.
func (s *Server) evalDoc(lang string, c *evalContext) forms.QMSEvaluation {
	tr := func(key string, args ...any) string { return s.i18n.T(lang, key, args...) }
	f := c.Figures
	d := f.Dossiers
	lines := []string{tr("qms_evaluation.line_unit", f.UnitName), tr("qms_evaluation.line_period", f.From.Display(), f.To.Display())}
	if len(c.Children) > 0 {
		lines[0] += " " + tr("qms_evaluation.with_units_below")
	}
	if c.Eval.Status != qms.EvalFinal {
		lines = append(lines, tr("qms_evaluation.line_draft", f.GatheredAt.In(vnZone).Format("15:04 02/01/2006")))
	}
	doc := forms.QMSEvaluation{Title: tr("qms_evaluation.title", c.Year), Lines: lines,
		FiguresTitle: tr("qms_evaluation.s_dossiers"),
		Figures: []forms.StatFigure{
			{Label: tr("qms_evaluation.f_received"), Value: d.Received, Rule: tr("qms_evaluation.r_received")},
			{Label: tr("qms_evaluation.f_online"), Value: forms.Ratio{Num: f.Online, Den: d.Received}, Rule: tr("qms_evaluation.r_online"), Part: true},
			{Label: tr("qms_evaluation.f_on_time"), Value: d.OnTime, Rule: tr("qms_evaluation.r_on_time")},
			{Label: tr("qms_evaluation.f_late"), Value: d.CohortLate, Rule: tr("qms_evaluation.r_late")},
			{Label: tr("qms_evaluation.f_rate"), Value: forms.Ratio{Num: d.OnTime, Den: d.Received}, Rule: tr("qms_evaluation.r_rate")},
			{Label: tr("qms_evaluation.f_in_progress"), Value: d.InProgress, Rule: tr("qms_evaluation.r_in_progress")},
			{Label: tr("qms_evaluation.f_overdue"), Value: d.OverdueOpen, Rule: tr("qms_evaluation.r_overdue"), Part: true},
			{Label: tr("qms_evaluation.f_apologies"), Value: d.Apologies, Rule: tr("qms_evaluation.r_apologies")},
			{Label: tr("qms_evaluation.f_satisfaction"), Value: forms.Ratio{Num: int64(f.Satisfy.Satisfied), Den: int64(f.Satisfy.Ratings)},
				Rule: tr("qms_evaluation.r_satisfaction")},
			{Label: tr("qms_evaluation.f_low"), Value: int64(f.Satisfy.Low), Rule: tr("qms_evaluation.r_low"), Part: true},
		},
		Left: forms.QMSSigner{Role: tr("qms_evaluation.preparer"), Name: c.Finisher}, Right: forms.QMSSigner{Role: tr("qms_evaluation.head")},
	}
	doc.Sections = append(doc.Sections, s.evalITSection(lang, tr, f), evalObjectivesSection(tr, f), evalAuditsSection(tr, f),
		evalNCSection(tr, f), evalReviewSection(tr, f), evalProblemsSection(tr, f))
	summary := forms.QMSSection{Title: tr("qms_evaluation.s_summary"), Paragraphs: textLines(f.Summary)}
	if len(summary.Paragraphs) == 0 {
		summary.Paragraphs = []string{tr("qms_evaluation.no_summary")}
	}
	props := forms.QMSSection{Title: tr("qms_evaluation.s_proposals")}
	for _, p := range f.Proposals {
		props.Items = append(props.Items, tr("qms_evaluation.kind_"+string(p.Kind))+": "+p.Text)
	}
	if len(props.Items) == 0 {
		props.Paragraphs = []string{tr("qms_evaluation.no_proposals")}
	}
	doc.Sections = append(doc.Sections, summary, props)
	if len(c.Children) > 0 {
		doc.Sections = append(doc.Sections, s.evalChildrenSection(lang, tr, c))
	}
	if c.Eval.Status == qms.EvalFinal {
		doc.Seal = tr("qms_evaluation.seal", c.Eval.FinalizedAt.In(vnZone).Format("15:04 02/01/2006"), c.Eval.Hash)
		if !c.Eval.Intact {
			doc.Seal += " " + tr("qms_evaluation.seal_broken")
		}
	}
	return doc
}

func (s *Server) evalITSection(lang string, tr func(string, ...any) string, f qms.EvaluationFigures) forms.QMSSection {
	t := forms.QMSTable{Columns: []forms.QMSColumn{{Header: tr("qms_evaluation.c_indicator"), Weight: 44},
		{Header: tr("qms_evaluation.c_value"), Weight: 16, Align: "R"}, {Header: tr("qms_evaluation.c_basis"), Weight: 40}}}
	for _, row := range s.itRows(lang, f.IT) {
		basis := row.Inputs
		if row.Entry != nil {
			basis = strings.TrimPrefix(strings.TrimSpace(basis+"; "+row.Entry.Note), "; ")
		}
		t.Rows = append(t.Rows, []string{tr("itindicator.name." + string(row.Key)), row.Value, dashIfEmpty(basis)})
	}
	return forms.QMSSection{Title: tr("qms_evaluation.s_it"), Table: t}
}

func evalObjectivesSection(tr func(string, ...any) string, f qms.EvaluationFigures) forms.QMSSection {
	met, missed := f.ObjectivesMet()
	sec := forms.QMSSection{Title: tr("qms_evaluation.s_objectives")}
	if len(f.Objectives) == 0 {
		sec.Paragraphs = []string{tr("qms_evaluation.no_objectives")}
		return sec
	}
	sec.Paragraphs = []string{tr("qms_evaluation.objectives_summary", len(f.Objectives), met, missed)}
	sec.Table = forms.QMSTable{Columns: []forms.QMSColumn{{Header: tr("qms_evaluation.c_objective"), Weight: 42},
		{Header: tr("qms_evaluation.c_target"), Weight: 14, Align: "C"}, {Header: tr("qms_evaluation.c_met"), Weight: 10, Align: "C"},
		{Header: tr("qms_evaluation.c_missed"), Weight: 12, Align: "C"}, {Header: tr("qms_evaluation.c_last"), Weight: 22}}}
	for _, o := range f.Objectives {
		sec.Table.Rows = append(sec.Table.Rows, []string{o.Title, o.Target, strconv.Itoa(o.Met), strconv.Itoa(o.Missed), dashIfEmpty(o.Last)})
	}
	return sec
}

func evalAuditsSection(tr func(string, ...any) string, f qms.EvaluationFigures) forms.QMSSection {
	sec := forms.QMSSection{Title: tr("qms_evaluation.s_audits"),
		Items: []string{tr("qms_evaluation.audits_summary", f.Audits.Plans, f.Audits.Done)}}
	for _, res := range qms.AuditResults {
		if n := f.Audits.Findings[res]; n > 0 {
			sec.Items = append(sec.Items, tr("qms.audit_result_"+string(res))+": "+strconv.Itoa(n))
		}
	}
	if len(f.AuditPlans) > 0 {
		sec.Table = forms.QMSTable{Columns: []forms.QMSColumn{{Header: tr("qms_evaluation.c_audited"), Weight: 30},
			{Header: tr("qms_evaluation.c_day"), Weight: 14, Align: "C"}, {Header: tr("qms_evaluation.c_scope"), Weight: 30},
			{Header: tr("qms_evaluation.c_status"), Weight: 14}, {Header: tr("qms_evaluation.c_findings_nc"), Weight: 12, Align: "C"}}}
		for _, a := range f.AuditPlans {
			sec.Table.Rows = append(sec.Table.Rows, []string{a.UnitName, a.PlannedOn.Display(), a.Scope,
				tr("qms.audit_status_" + string(a.Status)), strconv.Itoa(a.NCs)})
		}
	}
	return sec
}

func evalNCSection(tr func(string, ...any) string, f qms.EvaluationFigures) forms.QMSSection {
	sec := forms.QMSSection{Title: tr("qms_evaluation.s_ncs"),
		Items: []string{tr("qms_evaluation.ncs_summary", f.NCTotal(), f.NCOpen, f.NCOverdue)}}
	if f.NCTotal() == 0 {
		return sec
	}
	sec.Table = forms.QMSTable{Columns: []forms.QMSColumn{{Header: tr("qms_evaluation.c_source"), Weight: 40},
		{Header: tr("qms_evaluation.c_total"), Weight: 12, Align: "C"}, {Header: tr("qms_evaluation.c_open"), Weight: 16, Align: "C"},
		{Header: tr("qms_evaluation.c_closed"), Weight: 16, Align: "C"}, {Header: tr("qms_evaluation.c_dismissed"), Weight: 16, Align: "C"}}}
	for _, sc := range f.NCBySource() {
		var open, closed, dismissed int
		for _, c := range f.NCs {
			if c.Source != sc.Source {
				continue
			}
			switch c.Status {
			case qms.NCClosed:
				closed += c.N
			case qms.NCDismissed:
				dismissed += c.N
			default:
				open += c.N
			}
		}
		sec.Table.Rows = append(sec.Table.Rows, []string{tr("qms.source_" + string(sc.Source)), strconv.Itoa(sc.N),
			strconv.Itoa(open), strconv.Itoa(closed), strconv.Itoa(dismissed)})
	}
	return sec
}

func evalReviewSection(tr func(string, ...any) string, f qms.EvaluationFigures) forms.QMSSection {
	sec := forms.QMSSection{Title: tr("qms_evaluation.s_reviews")}
	for _, rv := range f.Reviews {
		sec.Items = append(sec.Items, tr("qms_evaluation.review_line", rv.HeldOn.Display(), rv.Title, tr("qms.review_status_"+string(rv.Status))))
	}
	if len(f.Reviews) == 0 {
		sec.Items = append(sec.Items, tr("qms_evaluation.no_reviews"))
	}
	dl := f.Declared
	switch {
	case !dl.Declared:
		sec.Items = append(sec.Items, tr("qms_evaluation.not_declared"))
	case dl.MustRedeclare():
		sec.Items = append(sec.Items, tr("qms_evaluation.declared_redeclare", dl.Number, dl.DecidedOn.Display(), dl.Added, dl.Removed))
	default:
		sec.Items = append(sec.Items, tr("qms_evaluation.declared", dl.Number, dl.DecidedOn.Display()))
	}
	return sec
}

func evalProblemsSection(tr func(string, ...any) string, f qms.EvaluationFigures) forms.QMSSection {
	sec := forms.QMSSection{Title: tr("qms_evaluation.s_problems")}
	for _, p := range f.Problems() {
		key := "qms_evaluation.problem_" + string(p.Kind)
		if p.N == 0 { // a problem without a count
			sec.Items = append(sec.Items, tr(key))
			continue
		}
		sec.Items = append(sec.Items, tr(key, p.N))
	}
	for _, sp := range f.StaleProcedures {
		sec.Items = append(sec.Items, tr("qms_evaluation.stale_procedure", sp))
	}
	if len(sec.Items) == 0 {
		sec.Paragraphs = []string{tr("qms_evaluation.no_problems")}
	}
	return sec
}

// evalChildrenSection is the short comparison of the units below inside the unit's report.
func (s *Server) evalChildrenSection(lang string, tr func(string, ...any) string, c *evalContext) forms.QMSSection {
	t := forms.QMSTable{Columns: []forms.QMSColumn{{Header: tr("qms_evaluation.c_unit"), Weight: 30},
		{Header: tr("qms_evaluation.c_received"), Weight: 13, Align: "R"}, {Header: tr("qms_evaluation.c_on_time"), Weight: 13, Align: "R"},
		{Header: tr("qms_evaluation.c_rate"), Weight: 13, Align: "R"}, {Header: tr("qms_evaluation.c_nc_open"), Weight: 13, Align: "C"},
		{Header: tr("qms_evaluation.c_report"), Weight: 18}}}
	for _, k := range c.Children {
		d := k.Figures.Dossiers
		t.Rows = append(t.Rows, []string{k.Unit.Name, number(lang, d.Received), number(lang, d.OnTime),
			percentText(lang, report.Rate{Num: d.OnTime, Den: d.Received}), strconv.Itoa(k.Figures.NCOpen), s.evalStatusText(lang, k)})
	}
	tot := c.Total
	t.Rows = append(t.Rows, []string{tr("qms_evaluation.total"), number(lang, tot.Received), number(lang, tot.OnTime),
		percentText(lang, tot.OnTimeRate()), strconv.Itoa(tot.NCOpen), tr("qms_evaluation.final_of", tot.Final, tot.Units)})
	return forms.QMSSection{Title: tr("qms_evaluation.s_children"), Table: t}
}

// percentText is a rate as a percentage only ("99,79%"), "—" without a denominator.
func percentText(lang string, r report.Rate) string {
	p, ok := r.Percent()
	if !ok {
		return "—"
	}
	return decimal(lang, p, 2) + "%"
}

func (s *Server) evalStatusText(lang string, k evalChild) string {
	switch {
	case k.Status == qms.EvalFinal:
		return s.i18n.T(lang, "qms_evaluation.status_final")
	case k.Started:
		return s.i18n.T(lang, "qms_evaluation.status_draft")
	}
	return s.i18n.T(lang, "qms_evaluation.status_none")
}

// evalFigureRow is a figure of section I as the page shows it.
type evalFigureRow struct {
	Label, Value, Rule string
	Part               bool
}

// evalChildRow is a unit below in the page's comparison table.
type evalChildRow struct {
	Unit                                          unit.Unit
	Received, OnTime, Late, Rate, Online          string
	Satisfaction, Mail, Objectives, Audits, NCs   string
	Reviews, Declaration, Proposals, Status, Link string
	Final                                         bool
}

func (s *Server) showQMSEvaluation(w http.ResponseWriter, r *http.Request) {
	c, acc, ok := s.loadEvaluation(w, r, auth.ViewQMS, true)
	if !ok {
		return
	}
	s.qmsEvaluationPage(w, r, http.StatusOK, s.newPage(r, "qms_evaluation.page"), c, acc)
}

func (s *Server) qmsEvaluationPage(w http.ResponseWriter, r *http.Request, status int, p *page, c *evalContext, acc qmsAccess) {
	lang := p.Lang
	doc := s.evalDoc(lang, c)
	var figures []evalFigureRow
	for _, f := range doc.Figures {
		figures = append(figures, evalFigureRow{Label: f.Label, Value: figureValue(lang, f.Value), Rule: f.Rule, Part: f.Part})
	}
	var kids []evalChildRow
	for _, k := range c.Children {
		kids = append(kids, s.evalChildRow(lang, k.Unit, k.Figures, k.Status == qms.EvalFinal, s.evalStatusText(lang, k), c.Year))
	}
	data := map[string]any{"Unit": c.Unit, "Tab": "evaluation", "Year": c.Year, "Prev": c.Year - 1, "Next": c.Year + 1,
		"E": c.Eval, "Doc": doc, "Figures": figures, "Children": kids, "Access": acc, "Finisher": c.Finisher,
		"Final": c.Eval.Status == qms.EvalFinal, "Kinds": qms.ProposalKinds, "Proposals": c.Eval.Proposals,
		"IT": actor(r).Can(auth.ViewReports, c.Unit.Path), "HashText": hashGroups(c.Eval.Hash)}
	if len(c.Children) > 0 {
		data["Total"] = s.evalTotalRow(lang, c.Total)
	}
	if p.Form == nil {
		p.Form = map[string]string{"summary": c.Eval.Summary, "kind": string(qms.Recommendation)}
	}
	p.Active = "nav.qms"
	p.Title = doc.Title + ": " + c.Unit.Name
	p.Data = data
	s.render(w, r, status, "qms_evaluation", p)
}

// hashGroups writes a hash in groups of eight characters, so it wraps on a phone.
func hashGroups(h string) string {
	var parts []string
	for len(h) > 8 {
		parts = append(parts, h[:8])
		h = h[8:]
	}
	return strings.Join(append(parts, h), " ")
}

// figureValue prints a figure for the page: a count, or a ratio with its parts.
func figureValue(lang string, v any) string {
	switch v := v.(type) {
	case forms.Ratio:
		if v.Den == 0 {
			return number(lang, v.Num) + " / 0 = —"
		}
		return number(lang, v.Num) + " / " + number(lang, v.Den) + " = " + percentText(lang, report.Rate{Num: v.Num, Den: v.Den})
	case int64:
		return number(lang, v)
	}
	return fmt.Sprint(v)
}

func (s *Server) evalChildRow(lang string, u unit.Unit, f qms.EvaluationFigures, final bool, status string, year int) evalChildRow {
	d := f.Dossiers
	met, missed := f.ObjectivesMet()
	mail := f.IT.Value(report.ITOfficialMail)
	return evalChildRow{Unit: u, Received: number(lang, d.Received), OnTime: number(lang, d.OnTime), Late: number(lang, d.CohortLate),
		Rate: percentText(lang, report.Rate{Num: d.OnTime, Den: d.Received}), Online: percentText(lang, report.Rate{Num: f.Online, Den: d.Received}),
		Satisfaction: percentText(lang, report.Rate{Num: int64(f.Satisfy.Satisfied), Den: int64(f.Satisfy.Ratings)}),
		Mail:         percentText(lang, report.Rate{Num: mail.Num, Den: mail.Den}), Objectives: fmt.Sprintf("%d / %d", met, missed),
		Audits: fmt.Sprintf("%d / %d", f.Audits.Done, f.Audits.Plans), NCs: fmt.Sprintf("%d / %d", f.NCTotal(), f.NCOpen),
		Reviews: strconv.Itoa(len(f.Reviews)), Declaration: s.declText(lang, f.Declared), Proposals: strconv.Itoa(len(f.Proposals)),
		Status: status, Final: final, Link: fmt.Sprintf("/qms/units/%s/evaluations/%d", u.ID, year)}
}

func (s *Server) evalTotalRow(lang string, t qms.EvaluationTotals) evalChildRow {
	return evalChildRow{Received: number(lang, t.Received), OnTime: number(lang, t.OnTime), Late: number(lang, t.Late),
		Rate: percentText(lang, t.OnTimeRate()), Online: percentText(lang, report.Rate{Num: t.Online, Den: t.Received}),
		Satisfaction: percentText(lang, report.Rate{Num: t.Satisfied, Den: t.Ratings}),
		Mail:         percentText(lang, report.Rate{Num: t.OfficialMail, Den: t.Officials}),
		Objectives:   fmt.Sprintf("%d / %d", t.ObjectivesMet, t.Missed), Audits: fmt.Sprintf("%d / %d", t.AuditsDone, t.Audits),
		NCs: fmt.Sprintf("%d / %d", t.NCs, t.NCOpen), Reviews: strconv.Itoa(t.Reviews),
		Declaration: s.i18n.T(lang, "qms_evaluation.declared_of", t.Declared, t.Units), Proposals: strconv.Itoa(t.Proposals),
		Status: s.i18n.T(lang, "qms_evaluation.final_of", t.Final, t.Units)}
}

func (s *Server) declText(lang string, d qms.DeclarationLine) string {
	switch {
	case !d.Declared:
		return s.i18n.T(lang, "qms_evaluation.decl_none")
	case d.MustRedeclare():
		return s.i18n.T(lang, "qms_evaluation.decl_redeclare")
	}
	return s.i18n.T(lang, "qms_evaluation.decl_done")
}

// evalStep runs a change to the evaluation in the path for an official allowed it, then
// goes back to the report, or shows it again with the refusal and the form as typed.
func (s *Server) evalStep(w http.ResponseWriter, r *http.Request, allowed func(qmsAccess) bool,
	run func(u unit.Unit, year int) error, flashKey string) {
	u, acc, ok := s.loadQMSUnit(w, r, auth.ViewQMS)
	if !ok || !s.parseForm(w, r) {
		return
	}
	year, ok := evalYear(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	if !allowed(acc) {
		s.forbidden(w, r)
		return
	}
	err := run(u, year)
	target := fmt.Sprintf("/qms/units/%s/evaluations/%d", u.ID, year)
	s.stepDone(w, r, err, "qms_evaluation.page", func(status int, p *page) {
		c, err := s.evalContextOf(r, u, year, true)
		if err != nil {
			s.handleErr(w, r, err)
			return
		}
		s.qmsEvaluationPage(w, r, status, p, c, acc)
	}, target, flashKey, year)
}

func (s *Server) saveQMSEvaluation(w http.ResponseWriter, r *http.Request) {
	s.evalStep(w, r, func(a qmsAccess) bool { return a.Manage }, func(u unit.Unit, year int) error {
		return s.db.SaveEvaluationSummary(r.Context(), u, year, r.PostForm.Get("summary"), actor(r).UserID)
	}, "qms_evaluation.saved")
}

func (s *Server) addQMSProposal(w http.ResponseWriter, r *http.Request) {
	s.evalStep(w, r, func(a qmsAccess) bool { return a.Manage }, func(u unit.Unit, year int) error {
		p := qms.Proposal{Kind: qms.ProposalKind(r.PostForm.Get("kind")), Text: r.PostForm.Get("text")}
		return s.db.AddProposal(r.Context(), u, year, &p, actor(r).UserID)
	}, "qms_evaluation.proposal_added")
}

func (s *Server) deleteQMSProposal(w http.ResponseWriter, r *http.Request) {
	s.evalStep(w, r, func(a qmsAccess) bool { return a.Manage }, func(u unit.Unit, year int) error {
		return s.db.DeleteProposal(r.Context(), u, year, r.PathValue("prop"), actor(r).UserID)
	}, "qms_evaluation.proposal_deleted")
}

func (s *Server) finalizeQMSEvaluation(w http.ResponseWriter, r *http.Request) {
	s.evalStep(w, r, func(a qmsAccess) bool { return a.Approve }, func(u unit.Unit, year int) error {
		_, err := s.db.FinalizeEvaluation(r.Context(), u, year, actor(r).UserID)
		return err
	}, "qms_evaluation.finalized")
}

// evalDocument builds the report in Vietnamese with the unit's heading, for the exports.
func (s *Server) evalDocument(r *http.Request, c *evalContext) (forms.QMSEvaluation, error) {
	h, err := s.formHeading(r.Context(), c.Unit)
	if err != nil {
		return forms.QMSEvaluation{}, err
	}
	doc := s.evalDoc("vi", c)
	doc.Heading = h
	doc.Date = c.Figures.GatheredAt
	if c.Eval.Status == qms.EvalFinal {
		doc.Date = c.Eval.FinalizedAt
	}
	if doc.Left.Name == "" {
		if cur := currentFrom(r); cur != nil {
			doc.Left.Name = cur.user.FullName
		}
	}
	return doc, nil
}

// evalFile is the base name of the report's files.
func evalFile(c *evalContext, what string) string {
	code := c.Unit.Code
	if code == "" {
		code = c.Unit.ID
	}
	return fmt.Sprintf("%s-%s-%d", what, code, c.Year)
}

func (s *Server) qmsEvaluationPDF(w http.ResponseWriter, r *http.Request) {
	s.evalDownload(w, r, false, "danh-gia-htqlcl", s.evalReport)
}

func (s *Server) qmsEvaluationXLSX(w http.ResponseWriter, r *http.Request) {
	s.evalDownload(w, r, true, "danh-gia-htqlcl", s.evalReport)
}

func (s *Server) qmsEvaluationSummaryPDF(w http.ResponseWriter, r *http.Request) {
	s.evalDownload(w, r, false, "tong-hop-danh-gia-htqlcl", s.evalComparison)
}

func (s *Server) qmsEvaluationSummaryXLSX(w http.ResponseWriter, r *http.Request) {
	s.evalDownload(w, r, true, "tong-hop-danh-gia-htqlcl", s.evalComparison)
}

// evalXLSXType is the media type of an XLSX workbook.
const evalXLSXType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// pdfAndXLSX is a document that prints as PDF and exports as XLSX.
type pdfAndXLSX interface {
	WritePDF(io.Writer) error
	WriteXLSX(io.Writer) error
}

func (s *Server) evalReport(r *http.Request, c *evalContext) (pdfAndXLSX, error) {
	return s.evalDocument(r, c)
}

func (s *Server) evalComparison(r *http.Request, c *evalContext) (pdfAndXLSX, error) {
	return s.evalSummary(r, c)
}

// evalDownload loads the evaluation in the path and writes the document build makes of it,
// as XLSX when xlsx is set and as PDF otherwise, named after what, the unit and the year.
func (s *Server) evalDownload(w http.ResponseWriter, r *http.Request, xlsx bool, what string,
	build func(*http.Request, *evalContext) (pdfAndXLSX, error)) {
	c, _, ok := s.loadEvaluation(w, r, auth.ViewQMS, true)
	if !ok {
		return
	}
	doc, err := build(r, c)
	if err != nil {
		s.handleErr(w, r, err)
		return
	}
	if xlsx {
		s.writeDocument(w, r, evalXLSXType, evalFile(c, what)+".xlsx", doc.WriteXLSX)
		return
	}
	s.writeDocument(w, r, "application/pdf", evalFile(c, what)+".pdf", doc.WritePDF)
}

// evalSummary builds the comparison of the units below as a periodic report.
func (s *Server) evalSummary(r *http.Request, c *evalContext) (forms.StatReport, error) {
	if len(c.Children) == 0 {
		return forms.StatReport{}, failure.New(failure.NotFound, "", "qms_evaluation.no_children")
	}
	h, err := s.formHeading(r.Context(), c.Unit)
	if err != nil {
		return forms.StatReport{}, err
	}
	const lang = "vi"
	var rows []forms.EvaluationSummaryRow
	for _, k := range c.Children {
		rows = append(rows, s.evalSummaryRow(lang, k.Unit.Name, k.Figures, s.evalStatusText(lang, k)))
	}
	t := c.Total
	total := forms.EvaluationSummaryRow{Name: s.i18n.T(lang, "qms_evaluation.total"), Received: t.Received, OnTime: t.OnTime,
		Late: t.Late, Online: forms.Ratio{Num: t.Online, Den: t.Received}, Satisfaction: forms.Ratio{Num: t.Satisfied, Den: t.Ratings},
		OfficialMail: forms.Ratio{Num: t.OfficialMail, Den: t.Officials}, ObjectivesMet: int64(t.ObjectivesMet),
		Missed: int64(t.Missed), AuditsDone: int64(t.AuditsDone), Audits: int64(t.Audits), NCs: int64(t.NCs),
		NCOpen: int64(t.NCOpen), Reviews: int64(t.Reviews), Declaration: s.i18n.T(lang, "qms_evaluation.declared_of", t.Declared, t.Units),
		Proposals: int64(t.Proposals), Status: s.i18n.T(lang, "qms_evaluation.final_of", t.Final, t.Units)}
	preparer := ""
	if cur := currentFrom(r); cur != nil {
		preparer = cur.user.FullName
	}
	return forms.EvaluationSummary(h, s.i18n.T(lang, "qms_evaluation.summary_title", c.Year),
		[]string{s.i18n.T(lang, "qms_evaluation.line_unit", c.Unit.Name), s.i18n.T(lang, "qms_evaluation.summary_line", len(c.Children))},
		s.cfg.Now(), rows, total, preparer, forms.Signer{}), nil
}

func (s *Server) evalSummaryRow(lang, name string, f qms.EvaluationFigures, status string) forms.EvaluationSummaryRow {
	d := f.Dossiers
	met, missed := f.ObjectivesMet()
	mail := f.IT.Value(report.ITOfficialMail)
	return forms.EvaluationSummaryRow{Name: name, Received: d.Received, OnTime: d.OnTime, Late: d.CohortLate,
		Online: forms.Ratio{Num: f.Online, Den: d.Received}, Satisfaction: forms.Ratio{Num: int64(f.Satisfy.Satisfied), Den: int64(f.Satisfy.Ratings)},
		OfficialMail: forms.Ratio{Num: mail.Num, Den: mail.Den}, ObjectivesMet: int64(met), Missed: int64(missed),
		AuditsDone: int64(f.Audits.Done), Audits: int64(f.Audits.Plans), NCs: int64(f.NCTotal()), NCOpen: int64(f.NCOpen),
		Reviews: int64(len(f.Reviews)), Declaration: s.declText(lang, f.Declared), Proposals: int64(len(f.Proposals)), Status: status}
}

// evalEnumKeys lists the message keys built at run time for the evaluation, for the
// catalog test.
func evalEnumKeys() map[string]string {
	keys := map[string]string{}
	for _, k := range qms.ProposalKinds {
		keys["qms_evaluation.kind_"+string(k)] = "qms.ProposalKinds"
	}
	for _, k := range qms.ProblemKinds {
		keys["qms_evaluation.problem_"+string(k)] = "qms.ProblemKinds"
	}
	for _, a := range []string{"evaluation_summary", "evaluation_proposal", "evaluation_proposal_delete", "evaluation_finalize"} {
		keys["qms.event."+a] = "store evaluation actions"
	}
	return keys
}
