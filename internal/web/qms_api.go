package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/qms"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
)

// The QMS's JSON API (issue 8): a unit's current documents, objectives with their monthly
// results, nonconformities, audits, management reviews, register of risks and declaration
// status; one risk and one nonconformity; a risk added and a nonconformity raised by hand.
// Access is the pages': loadQMSUnit for a unit's lists (ViewQMS to read, ManageQMS to
// add), loadQMSRisk and loadQMSNC for one record (its owner may read it without a role),
// so a unit outside the caller's scope is not found and one inside without the role is
// forbidden, as RFC 9457 problems.

func (s *Server) qmsAPIRoutes(app *http.ServeMux) {
	route(app, "GET /api/v1/units/{id}/qms/documents", s.apiSignedIn(s.apiQMSDocuments))
	route(app, "GET /api/v1/units/{id}/qms/objectives", s.apiSignedIn(s.apiQMSObjectives))
	route(app, "GET /api/v1/units/{id}/qms/nonconformities", s.apiSignedIn(s.apiQMSNonconformities))
	route(app, "POST /api/v1/units/{id}/qms/nonconformities", s.apiSignedIn(s.apiRaiseQMSNonconformity))
	route(app, "GET /api/v1/units/{id}/qms/audits", s.apiSignedIn(s.apiQMSAudits))
	route(app, "GET /api/v1/units/{id}/qms/reviews", s.apiSignedIn(s.apiQMSReviews))
	route(app, "GET /api/v1/units/{id}/qms/risks", s.apiSignedIn(s.apiQMSRisks))
	route(app, "POST /api/v1/units/{id}/qms/risks", s.apiSignedIn(s.apiCreateQMSRisk))
	route(app, "GET /api/v1/units/{id}/qms/declaration", s.apiSignedIn(s.apiQMSDeclaration))
	route(app, "GET /api/v1/qms/risks/{risk}", s.apiSignedIn(s.apiQMSRisk))
	route(app, "GET /api/v1/qms/nonconformities/{nc}", s.apiSignedIn(s.apiQMSNonconformity))
}

// qmsAPIOps documents the QMS routes for openapi.go.
func qmsAPIOps() []apiOp {
	year := apiParam{"year", "Năm (mặc định: năm nay, hoặc năm cuối của đơn vị đã giải thể) / year (default: this year, or a retired unit's last)", "integer", false}
	return []apiOp{
		{Method: "GET", Path: "/api/v1/units/{id}/qms/documents", Tag: "qms", Summary: "A unit's documents in force (current versions)",
			Query: []apiParam{{"kind", "Loại tài liệu / document kind", "string", false}}, Response: apiQMSDocumentList{}},
		{Method: "GET", Path: "/api/v1/units/{id}/qms/objectives", Tag: "qms", Summary: "A unit's quality objectives of a year with their monthly results",
			Query: []apiParam{year}, Response: apiQMSObjectiveList{}},
		{Method: "GET", Path: "/api/v1/units/{id}/qms/nonconformities", Tag: "qms", Summary: "A unit's nonconformities and corrective actions, newest month first",
			Query: []apiParam{{"status", "Trạng thái / status (open, planned, implemented, verified, closed, dismissed)", "string", true},
				{"source", "Nguồn / source", "string", false}, year,
				{"overdue", "1: chỉ hành động khắc phục quá hạn / only overdue corrective actions", "string", false}, qLimit},
			Response: apiQMSNCList{}},
		{Method: "POST", Path: "/api/v1/units/{id}/qms/nonconformities", Tag: "qms", Summary: "Raise a nonconformity by hand (complaint, audit, other)",
			Body: apiQMSNCInput{}, Status: http.StatusCreated, Response: apiQMSNCJSON{}},
		{Method: "GET", Path: "/api/v1/qms/nonconformities/{nc}", Tag: "qms", Summary: "One nonconformity with its evidence", Response: apiQMSNCDetail{}},
		{Method: "GET", Path: "/api/v1/units/{id}/qms/audits", Tag: "qms", Summary: "Internal audits of a unit and the units below it in a year",
			Query: []apiParam{year}, Response: apiQMSAuditList{}},
		{Method: "GET", Path: "/api/v1/units/{id}/qms/reviews", Tag: "qms", Summary: "A unit's management reviews with their inputs and outputs, latest first",
			Response: apiQMSReviewList{}},
		{Method: "GET", Path: "/api/v1/units/{id}/qms/risks", Tag: "qms", Summary: "A unit's register of risks and opportunities, highest score first",
			Query: []apiParam{{"status", "Trạng thái / status (open, treating, monitored, closed)", "string", true},
				{"kind", "risk hoặc opportunity / risk or opportunity", "string", false},
				{"level", "Mức độ / level (low, medium, high)", "string", false},
				{"overdue", "1: chỉ biện pháp xử lý quá hạn / only overdue treatments", "string", false}},
			Response: apiQMSRiskList{}},
		{Method: "POST", Path: "/api/v1/units/{id}/qms/risks", Tag: "qms", Summary: "Add a risk or opportunity to a unit's register",
			Description: "Khả năng và ảnh hưởng từ 1 đến 5; người phụ trách là cán bộ của đơn vị / likelihood and impact 1–5; the owner is an official of the unit.",
			Body:        apiQMSRiskInput{}, Status: http.StatusCreated, Response: apiQMSRiskJSON{}},
		{Method: "GET", Path: "/api/v1/qms/risks/{risk}", Tag: "qms", Summary: "One risk or opportunity with its reviews and history", Response: apiQMSRiskDetail{}},
		{Method: "GET", Path: "/api/v1/units/{id}/qms/declaration", Tag: "qms", Summary: "A unit's declaration of conformity and whether it must declare again",
			Response: apiQMSDeclarationJSON{}},
	}
}

type (
	apiQMSDocumentJSON struct {
		ID            string     `json:"id"`
		UnitID        string     `json:"unit_id"`
		Code          string     `json:"code"`
		Version       int        `json:"version"`
		Kind          string     `json:"kind"`
		Title         string     `json:"title"`
		ProcedureCode string     `json:"procedure_code,omitempty"`
		Status        string     `json:"status"`
		OwnerID       string     `json:"owner_id,omitempty"`
		OwnerName     string     `json:"owner_name,omitempty"`
		ApproverName  string     `json:"approver_name,omitempty"`
		EffectiveOn   string     `json:"effective_on,omitempty"`
		NextReviewOn  string     `json:"next_review_on,omitempty"`
		ReviewDue     bool       `json:"review_due"`
		Readers       int        `json:"readers"`
		Acknowledged  int        `json:"acknowledged"`
		Attachments   int        `json:"attachments"`
		PublishedAt   *time.Time `json:"published_at,omitempty"`
	}
	apiQMSDocumentList struct {
		Documents []apiQMSDocumentJSON `json:"documents"`
		Count     int                  `json:"count"`
	}
	apiQMSResultJSON struct {
		Month    string  `json:"month"`
		Known    bool    `json:"known"`
		Value    float64 `json:"value"`
		Num      int64   `json:"num,omitempty"`
		Den      int64   `json:"den,omitempty"`
		Manual   bool    `json:"manual"`
		Evidence string  `json:"evidence,omitempty"`
		Over     bool    `json:"over"`
		Met      bool    `json:"met"`
		Missed   bool    `json:"missed"`
	}
	apiQMSObjectiveJSON struct {
		ID         string             `json:"id"`
		UnitID     string             `json:"unit_id"`
		Year       int                `json:"year"`
		Title      string             `json:"title"`
		Measure    string             `json:"measure"`
		Comparison string             `json:"comparison"`
		Target     float64            `json:"target"`
		UnitLabel  string             `json:"unit_label,omitempty"`
		Method     string             `json:"method,omitempty"`
		Results    []apiQMSResultJSON `json:"results"`
	}
	apiQMSObjectiveList struct {
		Year       int                   `json:"year"`
		Objectives []apiQMSObjectiveJSON `json:"objectives"`
		Count      int                   `json:"count"`
	}
	apiQMSNCJSON struct {
		ID              string     `json:"id"`
		UnitID          string     `json:"unit_id"`
		Source          string     `json:"source"`
		Month           string     `json:"month"`
		Automatic       bool       `json:"automatic"`
		Title           string     `json:"title"`
		Description     string     `json:"description,omitempty"`
		EvidenceCount   int        `json:"evidence_count"`
		Status          string     `json:"status"`
		RaisedBy        string     `json:"raised_by,omitempty"`
		RaisedAt        time.Time  `json:"raised_at"`
		Correction      string     `json:"correction,omitempty"`
		RootCause       string     `json:"root_cause,omitempty"`
		Action          string     `json:"action,omitempty"`
		ActionOwnerID   string     `json:"action_owner_id,omitempty"`
		ActionOwnerName string     `json:"action_owner_name,omitempty"`
		ActionDueOn     string     `json:"action_due_on,omitempty"`
		ActionDoneAt    *time.Time `json:"action_done_at,omitempty"`
		VerifiedAt      *time.Time `json:"verified_at,omitempty"`
		Effective       bool       `json:"effective"`
		ClosedAt        *time.Time `json:"closed_at,omitempty"`
		DismissedAt     *time.Time `json:"dismissed_at,omitempty"`
		DismissReason   string     `json:"dismiss_reason,omitempty"`
		Overdue         bool       `json:"overdue"`
	}
	apiQMSNCList struct {
		Nonconformities []apiQMSNCJSON `json:"nonconformities"`
		Count           int            `json:"count"`
	}
	apiQMSEvidenceJSON struct {
		Kind  string     `json:"kind"`
		RefID string     `json:"ref_id"`
		Label string     `json:"label"`
		At    *time.Time `json:"at,omitempty"`
	}
	apiQMSNCDetail struct {
		Nonconformity apiQMSNCJSON         `json:"nonconformity"`
		Evidence      []apiQMSEvidenceJSON `json:"evidence"`
	}
	// apiQMSNCInput is the body of POST .../qms/nonconformities.
	apiQMSNCInput struct {
		Source      string `json:"source"`
		Title       string `json:"title"`
		Description string `json:"description"`
	}
	apiQMSAuditJSON struct {
		ID          string     `json:"id"`
		ProgrammeID string     `json:"programme_id"`
		Year        int        `json:"year"`
		UnitID      string     `json:"unit_id"`
		UnitName    string     `json:"unit_name"`
		Scope       string     `json:"scope"`
		PlannedOn   string     `json:"planned_on"`
		Status      string     `json:"status"`
		Conclusion  string     `json:"conclusion,omitempty"`
		CompletedAt *time.Time `json:"completed_at,omitempty"`
		Auditors    []string   `json:"auditors"`
		Items       int        `json:"items"`
		Checked     int        `json:"checked"`
		NCs         int        `json:"nonconformities"`
	}
	apiQMSAuditList struct {
		Year   int               `json:"year"`
		Audits []apiQMSAuditJSON `json:"audits"`
		Count  int               `json:"count"`
	}
	apiQMSPreviousActionJSON struct {
		Text  string `json:"text"`
		Owner string `json:"owner"`
		DueOn string `json:"due_on,omitempty"`
		Done  bool   `json:"done"`
	}
	apiQMSReviewInputsJSON struct {
		Objectives      []qms.ObjectiveSummary     `json:"objectives"`
		Performance     qms.Performance            `json:"performance"`
		Satisfaction    qms.Satisfaction           `json:"satisfaction"`
		NCs             qms.NCSummary              `json:"nonconformities"`
		Audits          qms.AuditSummary           `json:"audits"`
		PreviousActions []apiQMSPreviousActionJSON `json:"previous_actions"`
		Documents       qms.DocumentSummary        `json:"documents"`
		Risks           qms.RiskSummary            `json:"risks"`
	}
	apiQMSOutputJSON struct {
		Seq       int        `json:"seq"`
		Kind      string     `json:"kind"`
		Text      string     `json:"text"`
		OwnerID   string     `json:"owner_id,omitempty"`
		OwnerName string     `json:"owner_name,omitempty"`
		DueOn     string     `json:"due_on,omitempty"`
		DoneAt    *time.Time `json:"done_at,omitempty"`
	}
	apiQMSReviewJSON struct {
		ID       string                 `json:"id"`
		UnitID   string                 `json:"unit_id"`
		Title    string                 `json:"title"`
		From     string                 `json:"from"`
		To       string                 `json:"to"`
		HeldOn   string                 `json:"held_on"`
		Chair    string                 `json:"chair,omitempty"`
		Status   string                 `json:"status"`
		Inputs   apiQMSReviewInputsJSON `json:"inputs"`
		InputsAt time.Time              `json:"inputs_at"`
		Outputs  []apiQMSOutputJSON     `json:"outputs"`
	}
	apiQMSReviewList struct {
		Reviews []apiQMSReviewJSON `json:"reviews"`
		Count   int                `json:"count"`
	}
	apiQMSRiskJSON struct {
		ID            string    `json:"id"`
		UnitID        string    `json:"unit_id"`
		Kind          string    `json:"kind"`
		Process       string    `json:"process,omitempty"`
		ProcedureCode string    `json:"procedure_code,omitempty"`
		Description   string    `json:"description"`
		Cause         string    `json:"cause,omitempty"`
		Likelihood    int       `json:"likelihood"`
		Impact        int       `json:"impact"`
		Score         int       `json:"score"`
		Level         string    `json:"level"`
		Treatment     string    `json:"treatment,omitempty"`
		OwnerID       string    `json:"owner_id,omitempty"`
		OwnerName     string    `json:"owner_name,omitempty"`
		DueOn         string    `json:"due_on,omitempty"`
		Status        string    `json:"status"`
		ReviewedOn    string    `json:"reviewed_on,omitempty"`
		Overdue       bool      `json:"overdue"`
		CreatedAt     time.Time `json:"created_at"`
		UpdatedAt     time.Time `json:"updated_at"`
	}
	apiQMSRiskList struct {
		Risks []apiQMSRiskJSON `json:"risks"`
		Count int              `json:"count"`
	}
	apiQMSRiskReviewJSON struct {
		ReviewedOn   string    `json:"reviewed_on"`
		Likelihood   int       `json:"likelihood"`
		Impact       int       `json:"impact"`
		Score        int       `json:"score"`
		Level        string    `json:"level"`
		Note         string    `json:"note"`
		ReviewedBy   string    `json:"reviewed_by,omitempty"`
		ReviewerName string    `json:"reviewer_name,omitempty"`
		CreatedAt    time.Time `json:"created_at"`
	}
	apiQMSRiskChangeJSON struct {
		At      time.Time `json:"at"`
		ActorID string    `json:"actor_id,omitempty"`
		Actor   string    `json:"actor,omitempty"`
		Action  string    `json:"action"`
		Field   string    `json:"field"`
		Old     string    `json:"old"`
		New     string    `json:"new"`
	}
	apiQMSRiskDetail struct {
		Risk    apiQMSRiskJSON         `json:"risk"`
		Reviews []apiQMSRiskReviewJSON `json:"reviews"`
		History []apiQMSRiskChangeJSON `json:"history"`
	}
	// apiQMSRiskInput is the body of POST .../qms/risks; status defaults to open.
	apiQMSRiskInput struct {
		Kind          string `json:"kind"`
		Process       string `json:"process"`
		ProcedureCode string `json:"procedure_code"`
		Description   string `json:"description"`
		Cause         string `json:"cause"`
		Likelihood    int    `json:"likelihood"`
		Impact        int    `json:"impact"`
		Treatment     string `json:"treatment"`
		OwnerID       string `json:"owner_id"`
		DueOn         string `json:"due_on"`
		Status        string `json:"status"`
	}
	apiQMSDeclarationRef struct {
		ID         string   `json:"id"`
		Number     string   `json:"number"`
		DecidedOn  string   `json:"decided_on"`
		Signer     string   `json:"signer"`
		Scope      string   `json:"scope"`
		Procedures []string `json:"procedures"`
	}
	apiQMSDeclarationJSON struct {
		UnitID string `json:"unit_id"`
		// Status is not_declared, declared, or redeclare (the procedures in scope changed).
		Status  string                `json:"status"`
		Latest  *apiQMSDeclarationRef `json:"latest,omitempty"`
		Added   []string              `json:"added"`
		Removed []string              `json:"removed"`
	}
)

func (s *Server) apiQMSDocuments(w http.ResponseWriter, r *http.Request) {
	u, _, ok := s.loadQMSUnit(w, r, auth.ViewQMS)
	if !ok {
		return
	}
	f := store.DocumentFilter{UnitID: u.ID, Statuses: []qms.DocStatus{qms.Published}, Kind: qms.DocKind(r.URL.Query().Get("kind"))}
	if f.Kind != "" && !slices.Contains(qms.DocKinds, f.Kind) {
		s.renderError(w, r, failure.InvalidField("kind", "qms.api_value_invalid", "kind"), http.StatusBadRequest)
		return
	}
	docs, err := s.db.Documents(r.Context(), f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	today := s.today()
	out := make([]apiQMSDocumentJSON, len(docs))
	for i, d := range docs {
		out[i] = apiQMSDocumentJSON{ID: d.ID, UnitID: d.UnitID, Code: d.Code, Version: d.Version, Kind: string(d.Kind),
			Title: d.Title, ProcedureCode: d.ProcedureCode, Status: string(d.Status), OwnerID: d.OwnerID,
			OwnerName: d.OwnerName, ApproverName: d.ApproverName, EffectiveOn: d.EffectiveOn.String(),
			NextReviewOn: d.NextReviewOn.String(), ReviewDue: d.ReviewDue(today), Readers: d.Readers,
			Acknowledged: d.Acknowledged, Attachments: d.Files, PublishedAt: optTime(d.PublishedAt)}
	}
	writeJSON(w, http.StatusOK, apiQMSDocumentList{Documents: out, Count: len(out)})
}

// apiYear reads ?year= (the unit's year by default); out of range it answers 400.
func (s *Server) apiYear(w http.ResponseWriter, r *http.Request, u unit.Unit) (int, bool) {
	v := r.URL.Query().Get("year")
	if v == "" {
		return s.unitYear(u), true
	}
	y, err := strconv.Atoi(v)
	if err != nil || y < 2000 || y > 2200 {
		s.renderError(w, r, failure.InvalidField("year", "qms.year_invalid"), http.StatusBadRequest)
		return 0, false
	}
	return y, true
}

func (s *Server) apiQMSObjectives(w http.ResponseWriter, r *http.Request) {
	u, _, ok := s.loadQMSUnit(w, r, auth.ViewQMS)
	if !ok {
		return
	}
	year, ok := s.apiYear(w, r, u)
	if !ok {
		return
	}
	list, err := s.db.Objectives(r.Context(), u.ID, year)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	out := make([]apiQMSObjectiveJSON, len(list))
	for i, o := range list {
		rs, err := s.db.ObjectiveResults(r.Context(), o, s.today())
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		results := make([]apiQMSResultJSON, len(rs))
		for j, x := range rs {
			results[j] = apiQMSResultJSON{Month: x.Month.String(), Known: x.Known, Value: x.Value, Num: x.Num, Den: x.Den,
				Manual: x.Manual, Evidence: x.Evidence, Over: x.Over, Met: x.Met, Missed: x.Missed}
		}
		out[i] = apiQMSObjectiveJSON{ID: o.ID, UnitID: o.UnitID, Year: o.Year, Title: o.Title, Measure: string(o.Measure),
			Comparison: string(o.Comparison), Target: o.Target, UnitLabel: o.UnitLabel, Method: o.Method, Results: results}
	}
	writeJSON(w, http.StatusOK, apiQMSObjectiveList{Year: year, Objectives: out, Count: len(out)})
}

func (s *Server) toAPINC(lang string, n store.NCRow, today unit.Date) apiQMSNCJSON {
	return apiQMSNCJSON{ID: n.ID, UnitID: n.UnitID, Source: string(n.Source), Month: n.Month.String(), Automatic: n.AutoKey != "",
		Title: s.ncTitle(lang, n.Nonconformity), Description: n.Description, EvidenceCount: n.EvidenceCount,
		Status: string(n.Status), RaisedBy: n.RaisedBy, RaisedAt: n.RaisedAt.UTC(), Correction: n.Correction,
		RootCause: n.RootCause, Action: n.Action, ActionOwnerID: n.ActionOwnerID, ActionOwnerName: n.OwnerName,
		ActionDueOn: n.ActionDueOn.String(), ActionDoneAt: optTime(n.ActionDoneAt), VerifiedAt: optTime(n.VerifiedAt),
		Effective: n.Effective, ClosedAt: optTime(n.ClosedAt), DismissedAt: optTime(n.DismissedAt),
		DismissReason: n.DismissReason, Overdue: n.Overdue(today)}
}

// ncAPIFilter reads the nonconformities' filters; bad values are field errors.
func (s *Server) ncAPIFilter(q url.Values, u unit.Unit) (store.NCFilter, error) {
	f := store.NCFilter{UnitID: u.ID, Source: qms.Source(q.Get("source")), Limit: 500}
	var errs failure.List
	for _, st := range q["status"] {
		if !slices.Contains(qms.NCStatuses, qms.NCStatus(st)) {
			errs = append(errs, failure.InvalidField("status", "qms.api_value_invalid", "status"))
			break
		}
		f.Statuses = append(f.Statuses, qms.NCStatus(st))
	}
	if f.Source != "" && !f.Source.Valid() {
		errs = append(errs, failure.InvalidField("source", "qms.api_value_invalid", "source"))
	}
	if v := q.Get("year"); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || y < 2000 || y > 2200 {
			errs = append(errs, failure.InvalidField("year", "qms.year_invalid"))
		}
		f.Year = y
	}
	if q.Get("overdue") == "1" {
		f.OverdueOn = s.today()
	}
	f.Limit = queryLimit(q, f.Limit, 5000, &errs)
	return f, errs.Err()
}

func (s *Server) apiQMSNonconformities(w http.ResponseWriter, r *http.Request) {
	u, _, ok := s.loadQMSUnit(w, r, auth.ViewQMS)
	if !ok {
		return
	}
	f, err := s.ncAPIFilter(r.URL.Query(), u)
	if err != nil {
		s.renderError(w, r, err, http.StatusBadRequest)
		return
	}
	list, err := s.db.Nonconformities(r.Context(), f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	lang, today := s.lang(r), s.today()
	out := make([]apiQMSNCJSON, len(list))
	for i, n := range list {
		out[i] = s.toAPINC(lang, n, today)
	}
	writeJSON(w, http.StatusOK, apiQMSNCList{Nonconformities: out, Count: len(out)})
}

func (s *Server) apiRaiseQMSNonconformity(w http.ResponseWriter, r *http.Request) {
	u, _, ok := s.loadQMSUnit(w, r, auth.ManageQMS)
	if !ok {
		return
	}
	var in apiQMSNCInput
	if !s.readJSON(w, r, &in) {
		return
	}
	n, err := qms.NewManual(u.ID, qms.Source(in.Source), in.Title, in.Description)
	if err == nil {
		err = s.db.RaiseNonconformity(r.Context(), &n, actor(r).UserID)
	}
	if err != nil {
		s.handleErr(w, r, err)
		return
	}
	row, err := s.db.Nonconformity(r.Context(), n.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/qms/nonconformities/"+n.ID)
	writeJSON(w, http.StatusCreated, s.toAPINC(s.lang(r), row, s.today()))
}

func (s *Server) apiQMSNonconformity(w http.ResponseWriter, r *http.Request) {
	n, _, ok := s.loadQMSNC(w, r)
	if !ok {
		return
	}
	evidence, err := s.db.NCEvidence(r.Context(), n.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	ev := make([]apiQMSEvidenceJSON, len(evidence))
	for i, e := range evidence {
		ev[i] = apiQMSEvidenceJSON{Kind: string(e.Kind), RefID: e.RefID, Label: e.Label, At: optTime(e.At)}
	}
	writeJSON(w, http.StatusOK, apiQMSNCDetail{Nonconformity: s.toAPINC(s.lang(r), n, s.today()), Evidence: ev})
}

func (s *Server) apiQMSAudits(w http.ResponseWriter, r *http.Request) {
	u, _, ok := s.loadQMSUnit(w, r, auth.ViewQMS)
	if !ok {
		return
	}
	year, ok := s.apiYear(w, r, u)
	if !ok {
		return
	}
	plans, err := s.db.AuditPlans(r.Context(), store.AuditPlanFilter{Under: []string{u.Path}, Year: year})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	out := make([]apiQMSAuditJSON, len(plans))
	for i, p := range plans {
		out[i] = apiQMSAuditJSON{ID: p.ID, ProgrammeID: p.ProgrammeID, Year: p.Year, UnitID: p.UnitID, UnitName: p.UnitName,
			Scope: p.Scope, PlannedOn: p.PlannedOn.String(), Status: string(p.Status), Conclusion: p.Conclusion,
			CompletedAt: optTime(p.CompletedAt), Auditors: append([]string{}, p.Auditors...), Items: p.Items,
			Checked: p.Checked, NCs: p.NCs}
	}
	writeJSON(w, http.StatusOK, apiQMSAuditList{Year: year, Audits: out, Count: len(out)})
}

func (s *Server) apiQMSReviews(w http.ResponseWriter, r *http.Request) {
	u, _, ok := s.loadQMSUnit(w, r, auth.ViewQMS)
	if !ok {
		return
	}
	reviews, err := s.db.Reviews(r.Context(), u.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	out := make([]apiQMSReviewJSON, len(reviews))
	for i, rv := range reviews {
		outs, err := s.db.ReviewOutputs(r.Context(), rv.ID)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		in := rv.Inputs
		prev := make([]apiQMSPreviousActionJSON, len(in.PreviousActions))
		for j, a := range in.PreviousActions {
			prev[j] = apiQMSPreviousActionJSON{Text: a.Text, Owner: a.Owner, DueOn: a.DueOn.String(), Done: a.Done}
		}
		x := apiQMSReviewJSON{ID: rv.ID, UnitID: rv.UnitID, Title: rv.Title, From: rv.From.String(), To: rv.To.String(),
			HeldOn: rv.HeldOn.String(), Chair: rv.Chair, Status: string(rv.Status), InputsAt: rv.InputsAt.UTC(),
			Inputs: apiQMSReviewInputsJSON{Objectives: in.Objectives, Performance: in.Performance, Satisfaction: in.Satisfaction,
				NCs: in.NCs, Audits: in.Audits, PreviousActions: prev, Documents: in.Documents, Risks: in.Risks},
			Outputs: make([]apiQMSOutputJSON, len(outs))}
		for j, o := range outs {
			x.Outputs[j] = apiQMSOutputJSON{Seq: o.Seq, Kind: string(o.Kind), Text: o.Text, OwnerID: o.OwnerID,
				OwnerName: o.OwnerName, DueOn: o.DueOn.String(), DoneAt: optTime(o.DoneAt)}
		}
		out[i] = x
	}
	writeJSON(w, http.StatusOK, apiQMSReviewList{Reviews: out, Count: len(out)})
}

func toAPIRisk(x store.RiskRow, today unit.Date) apiQMSRiskJSON {
	return apiQMSRiskJSON{ID: x.ID, UnitID: x.UnitID, Kind: string(x.Kind), Process: x.Process, ProcedureCode: x.ProcedureCode,
		Description: x.Description, Cause: x.Cause, Likelihood: x.Likelihood, Impact: x.Impact, Score: x.Score(),
		Level: string(x.Level()), Treatment: x.Treatment, OwnerID: x.OwnerID, OwnerName: x.OwnerName,
		DueOn: x.DueOn.String(), Status: string(x.Status), ReviewedOn: x.ReviewedOn.String(), Overdue: x.Overdue(today),
		CreatedAt: x.CreatedAt.UTC(), UpdatedAt: x.UpdatedAt.UTC()}
}

// riskAPIFilter reads the register's filters; bad values are field errors.
func (s *Server) riskAPIFilter(q url.Values, u unit.Unit) (store.RiskFilter, error) {
	f := store.RiskFilter{UnitID: u.ID, Kind: qms.RiskKind(q.Get("kind")), Level: qms.RiskLevel(q.Get("level"))}
	var errs failure.List
	for _, st := range q["status"] {
		if !qms.RiskStatus(st).Valid() {
			errs = append(errs, failure.InvalidField("status", "qms.api_value_invalid", "status"))
			break
		}
		f.Statuses = append(f.Statuses, qms.RiskStatus(st))
	}
	if f.Kind != "" && !f.Kind.Valid() {
		errs = append(errs, failure.InvalidField("kind", "qms.api_value_invalid", "kind"))
	}
	if f.Level != "" && !slices.Contains(qms.RiskLevels, f.Level) {
		errs = append(errs, failure.InvalidField("level", "qms.api_value_invalid", "level"))
	}
	if q.Get("overdue") == "1" {
		f.OverdueOn = s.today()
	}
	return f, errs.Err()
}

func (s *Server) apiQMSRisks(w http.ResponseWriter, r *http.Request) {
	u, _, ok := s.loadQMSUnit(w, r, auth.ViewQMS)
	if !ok {
		return
	}
	f, err := s.riskAPIFilter(r.URL.Query(), u)
	if err != nil {
		s.renderError(w, r, err, http.StatusBadRequest)
		return
	}
	list, err := s.db.Risks(r.Context(), f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	today := s.today()
	out := make([]apiQMSRiskJSON, len(list))
	for i, x := range list {
		out[i] = toAPIRisk(x, today)
	}
	writeJSON(w, http.StatusOK, apiQMSRiskList{Risks: out, Count: len(out)})
}

func (s *Server) apiCreateQMSRisk(w http.ResponseWriter, r *http.Request) {
	u, _, ok := s.loadQMSUnit(w, r, auth.ManageQMS)
	if !ok {
		return
	}
	var in apiQMSRiskInput
	if !s.readJSON(w, r, &in) {
		return
	}
	x := qms.Risk{UnitID: u.ID, Kind: qms.RiskKind(in.Kind), Process: in.Process, ProcedureCode: in.ProcedureCode,
		Description: in.Description, Cause: in.Cause, Likelihood: in.Likelihood, Impact: in.Impact, Treatment: in.Treatment,
		OwnerID: in.OwnerID, Status: qms.RiskStatus(in.Status)}
	due, err := unit.ParseDate(in.DueOn)
	if err != nil {
		s.renderError(w, r, failure.InvalidField("due_on", "form.date_invalid"), 0)
		return
	}
	x.DueOn = due
	if err := s.db.CreateRisk(r.Context(), &x, actor(r).UserID); err != nil {
		s.handleErr(w, r, err)
		return
	}
	row, err := s.db.Risk(r.Context(), x.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/qms/risks/"+x.ID)
	writeJSON(w, http.StatusCreated, toAPIRisk(row, s.today()))
}

func (s *Server) apiQMSRisk(w http.ResponseWriter, r *http.Request) {
	x, _, ok := s.loadQMSRisk(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	reviews, err := s.db.RiskReviews(ctx, x.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	history, err := s.db.RiskHistory(ctx, x.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	out := apiQMSRiskDetail{Risk: toAPIRisk(x, s.today()), Reviews: make([]apiQMSRiskReviewJSON, len(reviews)),
		History: make([]apiQMSRiskChangeJSON, len(history))}
	for i, v := range reviews {
		out.Reviews[i] = apiQMSRiskReviewJSON{ReviewedOn: v.ReviewedOn.String(), Likelihood: v.Likelihood, Impact: v.Impact,
			Score: v.Score(), Level: string(v.Level()), Note: v.Note, ReviewedBy: v.ReviewedBy, ReviewerName: v.ReviewerName,
			CreatedAt: v.CreatedAt.UTC()}
	}
	for i, h := range history {
		out.History[i] = apiQMSRiskChangeJSON{At: h.At.UTC(), ActorID: h.ActorID, Actor: h.ActorName, Action: h.Action,
			Field: h.Field, Old: h.Old, New: h.New}
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiQMSDeclaration(w http.ResponseWriter, r *http.Request) {
	u, _, ok := s.loadQMSUnit(w, r, auth.ViewQMS)
	if !ok {
		return
	}
	st, _, err := s.unitDeclStatus(r, u)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	out := apiQMSDeclarationJSON{UnitID: u.ID, Status: "not_declared", Added: []string{}, Removed: []string{}}
	if d := st.Latest; d != nil {
		out.Status = "declared"
		if st.Drift.Changed() {
			out.Status = "redeclare"
		}
		out.Latest = &apiQMSDeclarationRef{ID: d.ID, Number: d.Number, DecidedOn: d.DecidedOn.String(), Signer: d.Signer,
			Scope: d.Scope, Procedures: append([]string{}, d.Procedures...)}
		out.Added = append(out.Added, st.Drift.Added...)
		out.Removed = append(out.Removed, st.Drift.Removed...)
	}
	writeJSON(w, http.StatusOK, out)
}
