package web

import (
	"net/http"
	"time"

	"github.com/motcua/motcua/internal/portal"
	"github.com/motcua/motcua/internal/report"
)

// The public JSON endpoints of the portal. Their shapes are part of the API: fields are
// only ever added, never renamed or retyped; optional parts are left out rather than
// null, and lists are always arrays. Errors use the API's error shape.

// lookupJSON is the answer of GET /api/v1/public/lookup?ma=<code or receipt>&k=<factor>.
// applicant, procedure and rating appear only when the second factor was given and right.
type lookupJSON struct {
	Reference     string               `json:"reference"`
	Code          string               `json:"code,omitempty"`
	ReceiptNumber string               `json:"receipt_number,omitempty"`
	State         string               `json:"state"`
	StateLabel    string               `json:"state_label"`
	SubmittedAt   *time.Time           `json:"submitted_at,omitempty"`
	ReceivedAt    *time.Time           `json:"received_at,omitempty"`
	DueAt         *time.Time           `json:"due_at,omitempty"`
	ExtendedDueAt *time.Time           `json:"extended_due_at,omitempty"`
	ResolvedAt    *time.Time           `json:"resolved_at,omitempty"`
	ReturnedAt    *time.Time           `json:"returned_at,omitempty"`
	Late          bool                 `json:"late"`
	Timeliness    string               `json:"timeliness,omitempty"`
	CurrentStep   *lookupStepJSON      `json:"current_step,omitempty"`
	Missing       []lookupMissingJSON  `json:"missing"`
	RefusalReason string               `json:"refusal_reason,omitempty"`
	Verified      bool                 `json:"verified"`
	Applicant     *lookupApplicantJSON `json:"applicant,omitempty"`
	Procedure     *lookupProcedureJSON `json:"procedure,omitempty"`
	Rating        *lookupRatingJSON    `json:"rating,omitempty"`
}

type lookupStepJSON struct {
	Kind  string `json:"kind"`
	Label string `json:"label"`
	Unit  string `json:"unit"`
}

type lookupMissingJSON struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

type lookupApplicantJSON struct {
	Name string `json:"name"`
}

type lookupProcedureJSON struct {
	Code       string   `json:"code"`
	Name       string   `json:"name"`
	TimeLimit  string   `json:"time_limit"`
	FeeTotal   int64    `json:"fee_total"`
	Channel    string   `json:"channel"`
	Components []string `json:"components"`
}

type lookupRatingJSON struct {
	CanRate bool `json:"can_rate"`
	Rated   bool `json:"rated"`
}

// timePtr keeps a set time in UTC and leaves a zero time out.
func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func (s *Server) lookupJSON(lang string, v lookupView) lookupJSON {
	stateKey := "dossier.state_" + string(v.State)
	out := lookupJSON{Reference: v.Reference, Code: v.Code, ReceiptNumber: v.Receipt, State: string(v.State),
		StateLabel: s.i18n.T(lang, stateKey), SubmittedAt: timePtr(v.SubmittedAt),
		ReceivedAt: timePtr(v.ReceivedAt), DueAt: timePtr(v.Due), ExtendedDueAt: timePtr(v.ExtendedDue),
		ResolvedAt: timePtr(v.ResolvedAt), ReturnedAt: timePtr(v.ReturnedAt), Late: v.Late, Timeliness: v.Timeliness,
		Missing: []lookupMissingJSON{}, RefusalReason: v.Refusal, Verified: v.Verified}
	if v.StepKind != "" {
		stepKey := "workflow.step." + string(v.StepKind)
		out.CurrentStep = &lookupStepJSON{Kind: string(v.StepKind), Label: s.i18n.T(lang, stepKey), Unit: v.StepUnit}
	}
	for _, m := range v.Missing {
		out.Missing = append(out.Missing, lookupMissingJSON{Name: m.Name, Reason: m.Reason})
	}
	if v.Verified {
		out.Applicant = &lookupApplicantJSON{Name: v.Applicant}
		comps := v.Received
		if comps == nil {
			comps = []string{} // lists are always arrays
		}
		out.Procedure = &lookupProcedureJSON{Code: v.ProcedureRef, Name: v.Procedure, TimeLimit: v.Limit.String(),
			FeeTotal: v.FeeTotal, Channel: string(v.Channel), Components: comps}
		out.Rating = &lookupRatingJSON{CanRate: v.CanRate, Rated: v.Rated}
	}
	return out
}

// statsJSON is the answer of GET /api/v1/public/stats?unit=<id>&period=...: the public
// figures of a unit subtree (every unit without unit) for a period, from the report
// rollups, each rate with its numerator and denominator.
type statsJSON struct {
	UnitID            string         `json:"unit_id,omitempty"`
	Unit              string         `json:"unit"`
	Period            statsPeriod    `json:"period"`
	Received          int64          `json:"received"`              // received in the period
	ReceivedOnTime    int64          `json:"received_on_time"`      // of those, resolved early or on time
	Resolved          int64          `json:"resolved"`              // results ready in the period
	ResolvedEarly     int64          `json:"resolved_early"`        // …before the appointment's day
	ResolvedOnTime    int64          `json:"resolved_on_time"`      // …on that day by the due time
	ResolvedLate      int64          `json:"resolved_late"`         // …after it
	InProgress        int64          `json:"in_progress"`           // at the end of the period
	InProgressOverdue int64          `json:"in_progress_overdue"`   // of which past the appointment
	OnTimeRate        rateJSON       `json:"on_time_rate"`          // received_on_time ÷ received (rule 10)
	RateAmongResolved rateJSON       `json:"on_time_rate_resolved"` // (resolved_early + resolved_on_time) ÷ resolved
	SatisfactionRate  rateJSON       `json:"satisfaction_rate"`     // (very satisfied + satisfied) ÷ ratings
	Ratings           map[string]int `json:"ratings"`               // ratings given in the period by level
}

type statsPeriod struct {
	Kind  string `json:"kind"`
	Value string `json:"value"`
	From  string `json:"from"` // first day, YYYY-MM-DD
	To    string `json:"to"`   // last day, included
}

// rateJSON is a rate with what it divides; percent is absent without a denominator.
type rateJSON struct {
	Numerator   int64    `json:"numerator"`
	Denominator int64    `json:"denominator"`
	Percent     *float64 `json:"percent,omitempty"`
}

func toRateJSON(r report.Rate) rateJSON {
	out := rateJSON{Numerator: r.Num, Denominator: r.Den}
	if p, ok := r.Percent(); ok {
		out.Percent = &p
	}
	return out
}

func (s *Server) apiPublicStats(w http.ResponseWriter, r *http.Request) {
	v, err := s.statsFor(r)
	if err != nil {
		s.handleErr(w, r, err)
		return
	}
	st := v.Stats
	out := statsJSON{UnitID: v.UnitID, Unit: v.UnitName, Period: statsPeriod{Kind: string(v.Period.Kind),
		Value: v.Period.Value(), From: v.Period.From.Format(time.DateOnly), To: v.Period.LastDay().Format(time.DateOnly)},
		Received: st.Received(), ReceivedOnTime: st.OnTime(), Resolved: st.Resolved(), ResolvedEarly: st.ResolvedEarly,
		ResolvedOnTime: st.ResolvedOnTime, ResolvedLate: st.ResolvedLate, InProgress: st.InProgress,
		InProgressOverdue: st.InProgressOverdue, OnTimeRate: toRateJSON(st.OnTimeRate()),
		RateAmongResolved: toRateJSON(st.ResolvedOnTimeRate()), SatisfactionRate: toRateJSON(v.Ratings.Rate()),
		Ratings: map[string]int{}}
	for _, l := range portal.Scale {
		out.Ratings[string(l.Level)] = v.Ratings.Counts[l.Level]
	}
	writeJSON(w, http.StatusOK, out)
}

// portalAPIOps documents the portal's public endpoints for the OpenAPI document.
func portalAPIOps() []apiOp {
	return []apiOp{
		{Method: "GET", Path: "/api/v1/public/lookup", Tag: "public", Public: true, Summary: "Look up a dossier by code or receipt number",
			Description: "Không đăng nhập. Không có hoặc sai yếu tố thứ hai: chỉ trạng thái và ngày; mã không có, sai dạng hay sai yếu tố đều trả 404 như nhau; giới hạn số lần theo địa chỉ. / " +
				"No sign-in. Without the second factor only the state and dates; unknown or malformed references and wrong factors all answer the same 404; rate-limited per client address (429).",
			Query: []apiParam{{"ma", "Mã hồ sơ hoặc số biên nhận / dossier code or receipt number", "string", false},
				{"k", "Mã tra cứu trên giấy tiếp nhận hoặc 4 số cuối điện thoại / look-up secret from the receipt or the phone's last 4 digits", "string", false}},
			Response: lookupJSON{}},
		{Method: "GET", Path: "/api/v1/public/stats", Tag: "public", Public: true, Summary: "Public statistics of a unit subtree for a period",
			Query: []apiParam{{"unit", "Đơn vị (bỏ trống: tất cả) / unit, empty for all", "string", false},
				{"period", "month | quarter | year | custom", "string", false},
				{"value", "2026-02 · 2026-Q1 · 2026", "string", false},
				{"from", "Kỳ tùy chọn: từ ngày (YYYY-MM-DD) / custom period: first day", "string", false},
				{"to", "Kỳ tùy chọn: đến ngày / custom period: last day", "string", false}},
			Response: statsJSON{}},
		{Method: "POST", Path: "/api/v1/public/ratings", Tag: "public", Public: true, Summary: "Rate a returned dossier once, with the look-up's second factor",
			Description: "Không đăng nhập; như trang đánh giá: cần yếu tố thứ hai, hồ sơ đã trả kết quả, mỗi hồ sơ một lần (409). / " +
				"No sign-in; as the rating page: the second factor, a returned dossier, once per dossier (409).",
			Body: apiRatingInput{}, Status: http.StatusCreated, Response: map[string]any{}},
	}
}
