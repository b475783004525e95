package qms

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/report"
	"github.com/motcua/motcua/internal/unit"
)

func TestEvaluationPeriod(t *testing.T) {
	d := unit.NewDate
	commune2022 := unit.Unit{ValidFrom: d(2020, 1, 1), ValidTo: d(2025, 7, 1)}
	today := d(2026, 11, 20)
	for _, c := range []struct {
		year     int
		u        unit.Unit
		from, to unit.Date
		field    string
	}{
		{2022, commune2022, d(2022, 1, 1), d(2022, 12, 31), ""},
		{2025, commune2022, d(2025, 1, 1), d(2025, 6, 30), ""},                          // ended on 1 July
		{2025, unit.Unit{ValidFrom: d(2025, 7, 1)}, d(2025, 7, 1), d(2025, 12, 31), ""}, // started on 1 July
		{2026, unit.Unit{}, d(2026, 1, 1), today, ""},                                   // the year so far
		{2026, commune2022, time0(), time0(), "year"},                                   // after it ended
		{2019, commune2022, time0(), time0(), "year"},                                   // before it started
		{2027, unit.Unit{}, time0(), time0(), "year"},                                   // to come
		{1999, unit.Unit{}, time0(), time0(), "year"},
	} {
		from, to, err := EvaluationPeriod(c.year, c.u, today)
		if c.field != "" {
			if fs := failure.Fields(err); len(fs) != 1 || fs[0].Field != c.field {
				t.Errorf("%d %+v: %v, want an error on %s", c.year, c.u, err, c.field)
			}
			continue
		}
		if err != nil || from != c.from || to != c.to {
			t.Errorf("%d: %s..%s %v, want %s..%s", c.year, from, to, err, c.from, c.to)
		}
	}
}

func time0() unit.Date { return unit.Date{} }

func TestProposalValidate(t *testing.T) {
	p := Proposal{Kind: Recommendation, Text: "  Đề nghị UBND huyện bố trí kinh phí nâng cấp đường truyền  "}
	p.Normalize()
	if err := p.Validate(); err != nil || strings.HasPrefix(p.Text, " ") {
		t.Fatalf("%q: %v", p.Text, err)
	}
	if fs := failure.Fields(Proposal{Kind: "x"}.Validate()); len(fs) != 2 {
		t.Fatalf("bad proposal: %v", fs)
	}
	if err := (Proposal{Kind: Suggestion, Text: strings.Repeat("a", maxNote+1)}).Validate(); err == nil {
		t.Fatal("a proposal too long")
	}
}

func sampleFigures() EvaluationFigures {
	return EvaluationFigures{UnitID: "u", UnitName: "Xã Vân Lĩnh", Year: 2022,
		From: Day{unit.NewDate(2022, 1, 1)}, To: Day{unit.NewDate(2022, 12, 31)},
		Dossiers:   Performance{Received: 1384, OnTime: 1381, CohortLate: 3, OverdueOpen: 1},
		Satisfy:    Satisfaction{Ratings: 10, Satisfied: 9, Low: 1},
		IT:         report.ComputeIT("u", 2022, report.ITInputs{Officials: 8, OfficialMail: 2}),
		Objectives: []ObjectiveSummary{{Title: "Đúng hạn", Met: 10}, {Title: "Hài lòng", Met: 8, Missed: 2}},
		Audits:     AuditSummary{Plans: 1, Done: 1},
		NCs:        []NCCount{{SourceLate, NCOpen, 2}, {SourceLate, NCClosed, 1}, {SourceAudit, NCOpen, 1}},
		NCOpen:     3, Reviews: []ReviewLine{{HeldOn: Day{unit.NewDate(2022, 12, 20)}, Title: "Xem xét năm 2022", Status: ReviewFinal}},
		Declared:        DeclarationLine{Declared: true, Number: "12/QĐ-UBND", DecidedOn: Day{unit.NewDate(2021, 3, 1)}, Added: 1},
		StaleProcedures: []string{"1.000001.MH"},
		Proposals:       []Proposal{{Seq: 1, Kind: Recommendation, Text: "Nâng cấp đường truyền"}},
	}
}

func TestEvaluationProblems(t *testing.T) {
	f := sampleFigures()
	var kinds []ProblemKind
	for _, p := range f.Problems() {
		kinds = append(kinds, p.Kind)
	}
	want := []ProblemKind{ProblemLate, ProblemOverdue, ProblemStalePublished, ProblemLowRatings, ProblemMissedObjective, ProblemRedeclare}
	if !slices.Equal(kinds, want) {
		t.Fatalf("problems %v, want %v", kinds, want)
	}
	if p := f.Problems()[0]; p.N != 3 {
		t.Fatalf("late: %+v", p)
	}
	empty := EvaluationFigures{}
	kinds = nil
	for _, p := range empty.Problems() {
		kinds = append(kinds, p.Kind)
	}
	if !slices.Equal(kinds, []ProblemKind{ProblemNoAudit, ProblemNoReview, ProblemNotDeclared}) {
		t.Fatalf("a unit without a QMS: %v", kinds)
	}
	if by := f.NCBySource(); len(by) != 2 || by[0] != (SourceCount{SourceAudit, 1}) || by[1] != (SourceCount{SourceLate, 3}) {
		t.Fatalf("by source: %+v", by)
	}
	if met, missed := f.ObjectivesMet(); met != 1 || missed != 1 {
		t.Fatalf("objectives %d met, %d missed", met, missed)
	}
}

func TestEvaluationSeal(t *testing.T) {
	f := sampleFigures()
	b, hash, err := Seal(f)
	if err != nil || len(hash) != 64 || !CheckSeal(b, hash) {
		t.Fatalf("seal: %s %v", hash, err)
	}
	var back EvaluationFigures
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.To.String() != "2022-12-31" || back.Reviews[0].HeldOn.Display() != "20/12/2022" || back.Declared.DecidedOn.String() != "2021-03-01" {
		t.Fatalf("days lost in the snapshot: %+v", back)
	}
	again, hash2, _ := Seal(back)
	if hash2 != hash || string(again) != string(b) {
		t.Fatal("the same figures sealed twice give different hashes")
	}
	tampered := strings.Replace(string(b), `"received":1384`, `"received":1385`, 1)
	if tampered == string(b) || CheckSeal([]byte(tampered), hash) {
		t.Fatal("a changed snapshot still matches its hash")
	}
}

func TestEvaluationTotals(t *testing.T) {
	var tot EvaluationTotals
	a, b := sampleFigures(), sampleFigures()
	b.Dossiers.Received, b.Dossiers.OnTime, b.Declared = 100, 100, DeclarationLine{}
	a.AddTo(&tot, true)
	b.AddTo(&tot, false)
	if tot.Units != 2 || tot.Received != 1484 || tot.OnTime != 1481 || tot.Officials != 16 || tot.OfficialMail != 4 ||
		tot.Declared != 1 || tot.Final != 1 || tot.NCs != 8 || tot.Proposals != 2 || tot.Missed != 2 {
		t.Fatalf("totals %+v", tot)
	}
	if p, _ := tot.OnTimeRate().Percent(); p < 99.79 || p > 99.8 {
		t.Fatalf("rate %v", p)
	}
}
