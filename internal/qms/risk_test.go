package qms

import (
	"slices"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/unit"
)

func TestRiskLevels(t *testing.T) {
	for _, tc := range []struct {
		l, i int
		want RiskLevel
	}{{1, 1, LevelLow}, {2, 3, LevelLow}, {2, 4, LevelMedium}, {3, 4, LevelMedium}, {3, 5, LevelHigh}, {5, 5, LevelHigh}, {4, 4, LevelHigh}} {
		if got := LevelOf(Score(tc.l, tc.i)); got != tc.want {
			t.Errorf("%d×%d = %d: %s, want %s", tc.l, tc.i, Score(tc.l, tc.i), got, tc.want)
		}
	}
	// The bands cover every score of the matrix, highest first, each level once.
	for i := 1; i < len(RiskBands); i++ {
		if RiskBands[i].From >= RiskBands[i-1].From {
			t.Fatalf("bands out of order: %v", RiskBands)
		}
	}
	for _, tc := range []struct {
		l      RiskLevel
		lo, hi int
	}{{LevelHigh, 15, 25}, {LevelMedium, 8, 14}, {LevelLow, 1, 7}, {"none", 0, -1}} {
		if lo, hi := ScoreRange(tc.l); lo != tc.lo || hi != tc.hi {
			t.Errorf("range of %s: %d–%d", tc.l, lo, hi)
		}
	}
	if RiskBands[len(RiskBands)-1].From != 1 {
		t.Fatal("the lowest band must start at 1")
	}
	for _, lv := range RiskLevels {
		if !slices.ContainsFunc(RiskBands, func(b RiskBand) bool { return b.Level == lv }) {
			t.Errorf("level %s has no band", lv)
		}
	}
}

func fields(err error) []string {
	var out []string
	for _, e := range failure.Fields(err) {
		if fe, ok := failure.As(e); ok {
			out = append(out, fe.Field+":"+fe.Key)
		}
	}
	slices.Sort(out)
	return out
}

func TestRiskValidate(t *testing.T) {
	ok := Risk{Kind: KindRisk, Status: RiskOpen, Process: "Tiếp nhận hồ sơ đất đai",
		Description: "Hồ sơ trễ hạn do thiếu công chức địa chính", Likelihood: 4, Impact: 4}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid risk: %v", err)
	}
	if ok.Score() != 16 || ok.Level() != LevelHigh {
		t.Fatalf("score %d level %s", ok.Score(), ok.Level())
	}
	byCode := ok
	byCode.Process, byCode.ProcedureCode = "", "1.001193"
	if err := byCode.Validate(); err != nil {
		t.Fatalf("process by procedure code: %v", err)
	}

	for _, tc := range []struct {
		name string
		edit func(*Risk)
		want []string
	}{
		{"likelihood 7", func(r *Risk) { r.Likelihood = 7 }, []string{"likelihood:qms.risk_scale_invalid"}},
		{"impact 0", func(r *Risk) { r.Impact = 0 }, []string{"impact:qms.risk_scale_invalid"}},
		{"no description", func(r *Risk) { r.Description = "  " }, []string{"description:qms.risk_description_required"}},
		{"no process", func(r *Risk) { r.Process = "" }, []string{"process:qms.risk_process_required"}},
		{"bad code", func(r *Risk) { r.ProcedureCode = "abc; drop" }, []string{"procedure_code:qms.risk_procedure_code_invalid"}},
		{"bad kind and status", func(r *Risk) { r.Kind, r.Status = "threat", "done" },
			[]string{"kind:qms.risk_kind_invalid", "status:qms.risk_status_invalid"}},
		{"treating without a plan", func(r *Risk) { r.Status = RiskTreating },
			[]string{"due_on:qms.risk_due_required", "owner_id:qms.owner_required", "treatment:qms.risk_treatment_required"}},
		{"due day without treatment", func(r *Risk) { r.DueOn = unit.NewDate(2022, 5, 1) },
			[]string{"treatment:qms.risk_treatment_required"}},
		{"long cause", func(r *Risk) { r.Cause = strings.Repeat("x", maxNote+1) }, []string{"cause:qms.text_too_long"}},
	} {
		r := ok
		tc.edit(&r)
		if got := fields(r.Validate()); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestRiskOverdueAndReview(t *testing.T) {
	today := unit.NewDate(2022, 6, 10)
	r := Risk{Kind: KindRisk, Status: RiskTreating, Process: "Một cửa", Description: "x", Likelihood: 3, Impact: 3,
		Treatment: "Bố trí thêm công chức", OwnerID: "u1", DueOn: unit.NewDate(2022, 6, 9)}
	if !r.Overdue(today) || r.Overdue(unit.NewDate(2022, 6, 9)) {
		t.Fatal("overdue on the day after the due day only")
	}
	for _, st := range []RiskStatus{RiskMonitored, RiskClosed} {
		r2 := r
		r2.Status = st
		if r2.Overdue(today) {
			t.Errorf("%s flagged overdue", st)
		}
	}

	r.ReviewedOn = unit.NewDate(2022, 3, 1)
	v := RiskReview{ReviewedOn: unit.NewDate(2022, 6, 1), Likelihood: 2, Impact: 3, Note: "Đã bố trí thêm người"}
	if err := r.CanReview(v, today); err != nil {
		t.Fatal(err)
	}
	if v.Score() != 6 || v.Level() != LevelLow {
		t.Fatalf("review score %d %s", v.Score(), v.Level())
	}
	for _, tc := range []struct {
		name string
		edit func(*RiskReview)
		want []string
	}{
		{"future", func(v *RiskReview) { v.ReviewedOn = unit.NewDate(2022, 6, 11) }, []string{"reviewed_on:qms.risk_review_future"}},
		{"before last", func(v *RiskReview) { v.ReviewedOn = unit.NewDate(2022, 2, 1) }, []string{"reviewed_on:qms.risk_review_before_last"}},
		{"no day", func(v *RiskReview) { v.ReviewedOn = unit.Date{} }, []string{"reviewed_on:qms.date_required"}},
		{"scale", func(v *RiskReview) { v.Likelihood, v.Impact = 6, -1 },
			[]string{"impact:qms.risk_scale_invalid", "likelihood:qms.risk_scale_invalid"}},
		{"no note", func(v *RiskReview) { v.Note = " " }, []string{"note:qms.risk_review_note_required"}},
	} {
		w := v
		tc.edit(&w)
		if got := fields(r.CanReview(w, today)); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	r.Status = RiskClosed
	if got := key(r.CanReview(v, today)); got != "qms.risk_closed" {
		t.Errorf("review of a closed entry: %s", got)
	}
}

func TestRiskChangesAndMatrix(t *testing.T) {
	old := Risk{Kind: KindRisk, Status: RiskOpen, Process: "Một cửa", Description: "Thiếu người", Likelihood: 4, Impact: 4}
	cur := old
	cur.Likelihood, cur.Status, cur.Treatment = 2, RiskTreating, "Tăng cường"
	got := RiskChanges(old, cur)
	want := []RiskChange{{"likelihood", "4", "2"}, {"score", "16", "8"}, {"treatment", "", "Tăng cường"},
		{"status", "open", "treating"}}
	if !slices.Equal(got, want) {
		t.Fatalf("changes: %v, want %v", got, want)
	}
	for _, c := range got {
		if !slices.Contains(RiskFields, c.Field) {
			t.Errorf("field %s not in RiskFields", c.Field)
		}
	}
	if n := len(RiskChanges(Risk{}, old)); n != 7 { // kind, process, description, likelihood, impact, score, status
		t.Errorf("changes of a new entry: %d: %v", n, RiskChanges(Risk{}, old))
	}
	if len(RiskChanges(old, old)) != 0 {
		t.Error("no change reported as a change")
	}

	closed := old
	closed.Status = RiskClosed
	m := MatrixOf([]Risk{old, old, cur, closed, {Likelihood: 9, Impact: 1}})
	if m.Total != 3 || m.Count(4, 4) != 2 || m.Count(2, 4) != 1 || m.Count(6, 1) != 0 {
		t.Fatalf("matrix: %+v", m)
	}

	opp := Risk{Kind: KindOpportunity, Status: RiskMonitored, Likelihood: 5, Impact: 4, ReviewedOn: unit.NewDate(2022, 5, 2)}
	late := cur
	late.DueOn = unit.NewDate(2022, 4, 1)
	s := SummarizeRisks([]Risk{old, late, closed, opp}, unit.NewDate(2022, 1, 1), unit.NewDate(2022, 6, 30), unit.NewDate(2022, 7, 1))
	if s != (RiskSummary{Risks: 2, Opportunities: 1, High: 2, Overdue: 1, Reviewed: 1, Closed: 1}) {
		t.Fatalf("summary: %+v", s)
	}
}
