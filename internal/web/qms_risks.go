package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/qms"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
)

// Risks and opportunities (issue 8, part 3; clause 6.1): a unit's register with its 5×5
// matrix, the form to add an entry, and each entry's page with its edit form, periodic
// reviews and history. Reading needs ViewQMS on the unit, changing ManageQMS; the owner of
// an entry's treatment opens it and records its reviews without the QMS roles.

// riskFilters are the lists the register offers.
var riskFilters = []string{"open", "overdue", "closed", "all"}

// riskFormFields are the fields of an entry's form.
var riskFormFields = []string{"kind", "process", "procedure_code", "description", "cause", "likelihood", "impact",
	"treatment", "owner_id", "due_on", "status"}

func (s *Server) qmsRisks(w http.ResponseWriter, r *http.Request) {
	u, acc, ok := s.loadQMSUnit(w, r, auth.ViewQMS)
	if !ok {
		return
	}
	p := s.qmsPage(r, "qms.risks", u, "risks")
	p.Form = map[string]string{"kind": string(qms.KindRisk), "status": string(qms.RiskOpen)}
	s.qmsRisksPage(w, r, http.StatusOK, p, u, acc)
}

// riskListQuery reads the register's filters from the query: the list shown, the kind,
// the level, and a cell of the matrix.
func riskListQuery(q url.Values, u unit.Unit, today unit.Date) (store.RiskFilter, string) {
	show := q.Get("show")
	if !slices.Contains(riskFilters, show) {
		show = "open"
	}
	f := store.RiskFilter{UnitID: u.ID, Kind: qms.RiskKind(q.Get("kind")), Level: qms.RiskLevel(q.Get("level")), Limit: 1000}
	if !f.Kind.Valid() {
		f.Kind = ""
	}
	if !slices.Contains(qms.RiskLevels, f.Level) {
		f.Level = ""
	}
	switch show {
	case "open":
		f.Open = true
	case "overdue":
		f.OverdueOn = today
	case "closed":
		f.Statuses = []qms.RiskStatus{qms.RiskClosed}
	}
	return f, show
}

func (s *Server) qmsRisksPage(w http.ResponseWriter, r *http.Request, status int, p *page, u unit.Unit, acc qmsAccess) {
	ctx := r.Context()
	today := s.today()
	f, show := riskListQuery(r.URL.Query(), u, today)
	list, err := s.db.Risks(ctx, f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	l, _ := strconv.Atoi(r.URL.Query().Get("l"))
	i, _ := strconv.Atoi(r.URL.Query().Get("i"))
	if qms.InScale(l) && qms.InScale(i) {
		list = slices.DeleteFunc(list, func(x store.RiskRow) bool { return x.Likelihood != l || x.Impact != i })
	}
	live, err := s.db.Risks(ctx, store.RiskFilter{UnitID: u.ID, Open: true})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	data := p.data()
	data["Risks"], data["Show"], data["Filters"], data["Kinds"], data["Levels"] = list, show, riskFilters, qms.RiskKinds, qms.RiskLevels
	data["KindFilter"], data["LevelFilter"], data["Access"], data["Today"] = string(f.Kind), string(f.Level), acc, today
	data["Statuses"], data["Matrix"], data["Bands"] = qms.RiskStatuses, s.riskMatrix(p.Lang, u, live), riskBandsView()
	if qms.InScale(l) && qms.InScale(i) {
		data["Cell"] = fmt.Sprintf("%d × %d", l, i)
	}
	if acc.Manage {
		people, _, err := s.qmsPeople(r, u)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		data["People"] = people
	}
	s.render(w, r, status, "qms_risks", p)
}

// riskForm reads an entry's form: the fields as typed (for the form shown again) and the
// entry they make. A likelihood or impact that is not a number counts as 0, which the
// rules refuse with the scale's message; a day that does not parse is its own error.
func riskForm(r *http.Request) (map[string]string, qms.Risk, error) {
	form := map[string]string{}
	for _, k := range riskFormFields {
		form[k] = r.PostForm.Get(k)
	}
	l, _ := strconv.Atoi(strings.TrimSpace(form["likelihood"]))
	i, _ := strconv.Atoi(strings.TrimSpace(form["impact"]))
	x := qms.Risk{Kind: qms.RiskKind(form["kind"]), Process: form["process"], ProcedureCode: form["procedure_code"],
		Description: form["description"], Cause: form["cause"], Likelihood: l, Impact: i, Treatment: form["treatment"],
		OwnerID: form["owner_id"], Status: qms.RiskStatus(form["status"])}
	due, err := unit.ParseDate(strings.TrimSpace(form["due_on"]))
	if err != nil {
		return form, x, failure.InvalidField("due_on", "form.date_invalid")
	}
	x.DueOn = due
	return form, x, nil
}

func (s *Server) createQMSRisk(w http.ResponseWriter, r *http.Request) {
	u, acc, ok := s.loadQMSUnit(w, r, auth.ManageQMS)
	if !ok || !s.parseForm(w, r) {
		return
	}
	form, x, err := riskForm(r)
	if x.Status == "" {
		x.Status = qms.RiskOpen
	}
	x.UnitID = u.ID
	if err == nil {
		err = s.db.CreateRisk(r.Context(), &x, actor(r).UserID)
	}
	if err != nil {
		s.refusedForm(w, r, err, u, "qms.risks", "risks", form, func(status int, p *page) {
			s.qmsRisksPage(w, r, status, p, u, acc)
		})
		return
	}
	s.flash(r, "qms.risk_created")
	http.Redirect(w, r, "/qms/risks/"+x.ID, http.StatusSeeOther)
}

// riskAccess is what the official may do with an entry.
type riskAccess struct {
	qmsAccess
	Owner bool // owner of the treatment
}

// loadQMSRisk loads the entry in the path for an official with ViewQMS on its unit or who
// owns its treatment.
func (s *Server) loadQMSRisk(w http.ResponseWriter, r *http.Request) (store.RiskRow, riskAccess, bool) {
	x, err := s.db.Risk(r.Context(), r.PathValue("risk"))
	if err != nil {
		s.handleErr(w, r, err)
		return x, riskAccess{}, false
	}
	acc := riskAccessTo(actor(r), x)
	if !acc.View && !acc.Owner {
		s.denyRecord(w, r, x.UnitPath, "qms.risk_not_found")
		return x, acc, false
	}
	return x, acc, true
}

func riskAccessTo(a auth.Actor, x store.RiskRow) riskAccess {
	return riskAccess{qmsAccess: qmsAccessTo(a, x.UnitPath), Owner: x.OwnerID != "" && x.OwnerID == a.UserID}
}

func (s *Server) showQMSRisk(w http.ResponseWriter, r *http.Request) {
	x, acc, ok := s.loadQMSRisk(w, r)
	if !ok {
		return
	}
	s.qmsRiskPage(w, r, http.StatusOK, s.newPage(r, "qms.risk"), x, acc)
}

// riskHistoryStep is one step of an entry's history: who, when, what, and the fields
// changed, written for the reader.
type riskHistoryStep struct {
	store.RiskHistoryRow
	Changes []riskChangeView
}

type riskChangeView struct {
	Field, Old, New string
}

func (s *Server) qmsRiskPage(w http.ResponseWriter, r *http.Request, status int, p *page, x store.RiskRow, acc riskAccess) {
	ctx := r.Context()
	u, err := s.db.Unit(ctx, x.UnitID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	reviews, err := s.db.RiskReviews(ctx, x.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	history, err := s.riskHistory(r, x.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	today := s.today()
	data := map[string]any{"Unit": u, "Tab": "risks", "R": x, "Access": acc, "Reviews": reviews, "History": history,
		"Overdue": x.Overdue(today), "Kinds": qms.RiskKinds, "Statuses": qms.RiskStatuses, "Today": today}
	if acc.Manage {
		people, _, err := s.qmsPeople(r, u)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		data["People"] = people
	}
	if p.Form == nil {
		p.Form = map[string]string{}
	}
	current := map[string]string{"kind": string(x.Kind), "process": x.Process, "procedure_code": x.ProcedureCode,
		"description": x.Description, "cause": x.Cause, "likelihood": strconv.Itoa(x.Likelihood),
		"impact": strconv.Itoa(x.Impact), "treatment": x.Treatment, "owner_id": x.OwnerID, "due_on": x.DueOn.String(),
		"status": string(x.Status), "reviewed_on": today.String(), "review_likelihood": strconv.Itoa(x.Likelihood),
		"review_impact": strconv.Itoa(x.Impact)}
	for k, v := range current {
		if _, typed := r.PostForm[k]; !typed {
			p.Form[k] = v
		}
	}
	p.Active = "nav.qms"
	kindKey := "qms.risk_kind_" + string(x.Kind)
	p.Title = s.i18n.T(p.Lang, kindKey) + ": " + truncateRunes(x.Description, 120)
	p.Data = data
	s.render(w, r, status, "qms_risk", p)
}

// truncateRunes keeps at most n characters of s.
func truncateRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// riskHistory groups an entry's history by step and writes each value for the reader:
// officials by name, kinds, statuses and days in words, scores with their level.
func (s *Server) riskHistory(r *http.Request, id string) ([]riskHistoryStep, error) {
	rows, err := s.db.RiskHistory(r.Context(), id)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, h := range rows {
		if h.Field == "owner_id" {
			ids = append(ids, h.Old, h.New)
		}
	}
	names, err := s.db.UserNames(r.Context(), ids)
	if err != nil {
		return nil, err
	}
	lang := s.lang(r)
	value := func(field, v string) string {
		if v == "" {
			return "—"
		}
		switch field {
		case "owner_id":
			if n := names[v]; n != "" {
				return n
			}
		case "kind", "status":
			key := "qms.risk_" + field + "_" + v
			return s.i18n.T(lang, key)
		case "due_on", "reviewed_on":
			if d, err := unit.ParseDate(v); err == nil {
				return d.Display()
			}
		case "score":
			if n, err := strconv.Atoi(v); err == nil {
				return v + " (" + s.levelName(lang, qms.LevelOf(n)) + ")"
			}
		}
		return v
	}
	var out []riskHistoryStep
	for _, h := range rows {
		fieldKey := "qms.risk_field_" + h.Field
		c := riskChangeView{Field: s.i18n.T(lang, fieldKey), Old: value(h.Field, h.Old), New: value(h.Field, h.New)}
		if n := len(out); n > 0 && out[n-1].At.Equal(h.At) && out[n-1].ActorID == h.ActorID && out[n-1].Action == h.Action {
			out[n-1].Changes = append(out[n-1].Changes, c)
			continue
		}
		if h.ActorName == "" {
			h.ActorName = s.i18n.T(lang, "qms.system")
		}
		out = append(out, riskHistoryStep{RiskHistoryRow: h, Changes: []riskChangeView{c}})
	}
	return out, nil
}

// riskStep is a step on a risk entry (qmsRecord.step).
func (s *Server) riskStep(w http.ResponseWriter, r *http.Request, allowed func(riskAccess) bool,
	run func(x store.RiskRow, me string) error, flashKey string) {
	qmsRecord[store.RiskRow, riskAccess]{load: s.loadQMSRisk, reload: s.db.Risk, show: s.qmsRiskPage,
		id: func(x store.RiskRow) string { return x.ID }, titleKey: "qms.risk", path: "/qms/risks/"}.
		step(s, w, r, allowed, run, flashKey)
}

func (s *Server) updateQMSRisk(w http.ResponseWriter, r *http.Request) {
	s.riskStep(w, r, func(a riskAccess) bool { return a.Manage }, func(x store.RiskRow, me string) error {
		_, in, err := riskForm(r)
		if err != nil {
			return err
		}
		in.ID = x.ID
		return s.db.UpdateRisk(r.Context(), in, me)
	}, "qms.risk_saved")
}

func (s *Server) reviewQMSRisk(w http.ResponseWriter, r *http.Request) {
	s.riskStep(w, r, func(a riskAccess) bool { return a.Manage || a.Owner }, func(x store.RiskRow, me string) error {
		on, err := unit.ParseDate(strings.TrimSpace(r.PostForm.Get("reviewed_on")))
		if err != nil {
			return failure.InvalidField("reviewed_on", "form.date_invalid")
		}
		l, _ := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("review_likelihood")))
		i, _ := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("review_impact")))
		v := qms.RiskReview{RiskID: x.ID, ReviewedOn: on, Likelihood: l, Impact: i, Note: r.PostForm.Get("note")}
		err = s.db.ReviewRisk(r.Context(), &v, me)
		return renameFields(err, map[string]string{"likelihood": "review_likelihood", "impact": "review_impact"})
	}, "qms.risk_reviewed")
}

// renameFields moves the field errors of err to the names of the form that posted them
// (the review form's likelihood is review_likelihood, beside the edit form's).
func renameFields(err error, names map[string]string) error {
	fields := failure.Fields(err)
	if len(fields) == 0 {
		return err
	}
	out := make(failure.List, len(fields))
	for i, e := range fields {
		c := *e
		if n, ok := names[c.Field]; ok {
			c.Field = n
		}
		out[i] = &c
	}
	return out
}

// riskMatrixView is the 5×5 matrix as an SVG: likelihood from 5 at the top to 1, impact
// from 1 on the left to 5, each cell coloured by its level and holding its count.
type riskMatrixView struct {
	Width, Height int
	Left, Top     int // where the grid starts
	Bottom        int // where it ends
	Size          int // of a cell
	Cells         []riskCellView
	Rows, Cols    []riskAxisTick
	Total         int
	Describe      string // for screen readers
}

type riskCellView struct {
	X, Y, TextX, TextY int
	Count              int
	Fill               string
	Href               string
	Label              string
}

type riskAxisTick struct {
	X, Y  int
	Value int
}

// riskFill is the colour of a level's cells.
var riskFill = map[qms.RiskLevel]string{qms.LevelLow: "#d7eedc", qms.LevelMedium: "#fbe5b6", qms.LevelHigh: "#f5c2bd"}

func (s *Server) riskMatrix(lang string, u unit.Unit, risks []store.RiskRow) riskMatrixView {
	plain := make([]qms.Risk, len(risks))
	for i, x := range risks {
		plain[i] = x.Risk
	}
	m := qms.MatrixOf(plain)
	v := riskMatrixView{Left: 60, Top: 10, Size: 56, Total: m.Total}
	v.Width, v.Height, v.Bottom = v.Left+qms.ScaleMax*v.Size+10, v.Top+qms.ScaleMax*v.Size+50, v.Top+qms.ScaleMax*v.Size
	var parts []string
	for l := qms.ScaleMax; l >= qms.ScaleMin; l-- {
		y := v.Top + (qms.ScaleMax-l)*v.Size
		v.Rows = append(v.Rows, riskAxisTick{X: v.Left - 8, Y: y + v.Size/2 + 5, Value: l})
		for i := qms.ScaleMin; i <= qms.ScaleMax; i++ {
			x := v.Left + (i-1)*v.Size
			n := m.Count(l, i)
			level := qms.LevelOf(qms.Score(l, i))
			c := riskCellView{X: x, Y: y, TextX: x + v.Size/2, TextY: y + v.Size/2 + 6, Count: n, Fill: riskFill[level],
				Label: s.i18n.T(lang, "qms.risk_cell", l, i, qms.Score(l, i), s.levelName(lang, level), n)}
			if n > 0 {
				c.Href = fmt.Sprintf("/qms/units/%s/risks?l=%d&i=%d", u.ID, l, i)
				parts = append(parts, c.Label)
			}
			v.Cells = append(v.Cells, c)
		}
	}
	for i := qms.ScaleMin; i <= qms.ScaleMax; i++ {
		v.Cols = append(v.Cols, riskAxisTick{X: v.Left + (i-1)*v.Size + v.Size/2, Y: v.Top + qms.ScaleMax*v.Size + 18, Value: i})
	}
	v.Describe = s.i18n.T(lang, "qms.risk_matrix_describe", m.Total)
	if len(parts) > 0 {
		v.Describe += " " + strings.Join(parts, "; ")
	}
	return v
}

// levelName is a level in words.
func (s *Server) levelName(lang string, l qms.RiskLevel) string {
	key := "qms.risk_level_" + string(l)
	return s.i18n.T(lang, key)
}

// riskBandView is a level with its scores, for the legend.
type riskBandView struct {
	Level  qms.RiskLevel
	Lo, Hi int
	Fill   string
}

func riskBandsView() []riskBandView {
	var out []riskBandView
	for _, l := range qms.RiskLevels {
		lo, hi := qms.ScoreRange(l)
		out = append(out, riskBandView{Level: l, Lo: lo, Hi: hi, Fill: riskFill[l]})
	}
	return out
}

// qmsRiskSummary adds the dashboard's register: the matrix of live entries and the
// treatments overdue.
func (s *Server) qmsRiskSummary(r *http.Request, u unit.Unit, data map[string]any) error {
	live, err := s.db.Risks(r.Context(), store.RiskFilter{UnitID: u.ID, Open: true})
	if err != nil {
		return err
	}
	today := s.today()
	var overdue []store.RiskRow
	high := 0
	for _, x := range live {
		if x.Overdue(today) {
			overdue = append(overdue, x)
		}
		if x.Level() == qms.LevelHigh {
			high++
		}
	}
	data["RiskMatrix"], data["RisksLive"], data["RisksHigh"], data["RisksOverdue"] = s.riskMatrix(s.lang(r), u, live), len(live),
		high, overdue
	return nil
}

// riskEnumKeys lists the message keys built at run time from the register's enumerations,
// for the catalog test.
func riskEnumKeys() map[string]string {
	keys := map[string]string{}
	for _, k := range qms.RiskKinds {
		keys["qms.risk_kind_"+string(k)] = "qms.RiskKinds"
	}
	for _, st := range qms.RiskStatuses {
		keys["qms.risk_status_"+string(st)] = "qms.RiskStatuses"
	}
	for _, l := range qms.RiskLevels {
		keys["qms.risk_level_"+string(l)] = "qms.RiskLevels"
	}
	for _, f := range qms.RiskFields {
		keys["qms.risk_field_"+f] = "qms.RiskFields"
	}
	for _, f := range riskFilters {
		keys["qms.risk_show_"+f] = "riskFilters"
	}
	for _, a := range []string{"create", "update", "review"} {
		keys["qms.risk_action_"+a] = "risk history actions"
	}
	return keys
}
