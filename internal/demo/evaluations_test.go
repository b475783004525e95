package demo_test

import (
	"context"
	"testing"

	"github.com/motcua/motcua/internal/demo"
	"github.com/motcua/motcua/internal/qms"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
)

// evaluation2022Check checks the annual QMS evaluations of 2022 (called from
// TestDossiers2022): every commune has its report with its two proposals, fifteen of them
// completed with an intact seal; summed over the communes, as the district's comparison
// does, they hold the seed's 26,298 dossiers received and 26,243 resolved on time (99.79%).
func evaluation2022Check(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	district, err := db.UnitByCode(ctx, "232", in2022)
	if err != nil {
		t.Fatal(err)
	}
	communes, err := db.ListUnits(ctx, store.UnitFilter{ParentID: district.ID, Kinds: []unit.Kind{unit.Commune, unit.Town}})
	if err != nil {
		t.Fatal(err)
	}
	var total qms.EvaluationTotals
	for _, c := range communes {
		e, err := db.Evaluation(ctx, c.ID, 2022)
		if err != nil {
			t.Fatal(err)
		}
		f, err := db.EvaluationFiguresOf(ctx, c, e)
		if err != nil {
			t.Fatal(err)
		}
		if e.ID == "" || len(f.Proposals) != 2 || f.Summary == "" || (e.Status == qms.EvalFinal && !e.Intact) {
			t.Errorf("%s: %+v with %d proposals", c.Name, e.Evaluation, len(f.Proposals))
		}
		f.AddTo(&total, e.Status == qms.EvalFinal)
	}
	if total.Units != 19 || total.Final != 15 || total.Proposals != 38 || total.Declared == 0 {
		t.Errorf("totals %+v", total)
	}
	if total.Received != demo.Received2022 || total.OnTime != demo.OnTime2022 {
		t.Fatalf("communes' evaluations: %d received, %d on time; want %d and %d", total.Received, total.OnTime,
			demo.Received2022, demo.OnTime2022)
	}
	if p, _ := total.OnTimeRate().Percent(); p < 99.785 || p >= 99.795 {
		t.Errorf("on-time rate %.4f%%, want 99.79%%", p)
	}
	whole, err := db.Evaluation(ctx, district.ID, 2022)
	if err != nil || whole.Status != qms.EvalDraft || len(whole.Proposals) != 2 {
		t.Fatalf("district's report: %+v %v", whole, err)
	}
	f, err := db.EvaluationFiguresOf(ctx, district, whole)
	if err != nil || f.Dossiers.Received != demo.Received2022 || f.Dossiers.OnTime != demo.OnTime2022 {
		t.Fatalf("district's figures: %+v %v", f.Dossiers, err)
	}
}
