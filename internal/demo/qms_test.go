package demo_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/motcua/motcua/internal/qms"
	"github.com/motcua/motcua/internal/store"
)

// qms2022Check checks the communes' automatic nonconformities of 2022 (called from
// TestDossiers2022, which loads the dossiers once per database): one record per commune
// and month with late dossiers, holding every late dossier of the ten months once; one
// per commune and month of the refused intake attempts (four, two of them in the same
// commune and month); nothing new from a second run,
// even over every unit.
func qms2022Check(t *testing.T, db *store.DB, raw *sql.DB) {
	t.Helper()
	ctx := context.Background()
	var late int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM dossiers WHERE timeliness = 'late'`).Scan(&late); err != nil {
		t.Fatal(err)
	}
	list, err := db.Nonconformities(ctx, store.NCFilter{Year: 2022})
	if err != nil {
		t.Fatal(err)
	}
	count := map[qms.Source]int{}
	evidence := map[qms.Source]int{}
	for _, n := range list {
		count[n.Source]++
		evidence[n.Source] += n.EvidenceCount
		if n.UnitName == "" || n.AutoKey == "" || n.Status != qms.NCOpen {
			t.Errorf("record %+v", n)
		}
	}
	t.Logf("2022 nonconformities: %v, evidence %v (late dossiers %d)", count, evidence, late)
	if late == 0 || evidence[qms.SourceLate] != late || count[qms.SourceLate] == 0 || count[qms.SourceLate] > late {
		t.Errorf("late dossiers: %d records with %d dossiers, want the %d late dossiers grouped",
			count[qms.SourceLate], evidence[qms.SourceLate], late)
	}
	if res, err := db.RaiseAutomaticNonconformities(ctx, "", qms.Period{First: qms.Month{Year: 2022, Month: 1},
		Last: qms.Month{Year: 2022, Month: 10}}); err != nil || res.Raised+res.Evidence != 0 {
		t.Errorf("raising again: %+v %v", res, err)
	}
	if count[qms.SourceIntake] != 3 || evidence[qms.SourceIntake] != 4 { // two attempts in one commune and month
		t.Errorf("refused intakes: %d records, %d attempts", count[qms.SourceIntake], evidence[qms.SourceIntake])
	}
	// Each commune has its register: three entries, two of them reviewed; none added again.
	risks, err := db.Risks(ctx, store.RiskFilter{})
	if err != nil || len(risks) != 3*19 {
		t.Errorf("risks: %d (%v)", len(risks), err)
	}
	var reviewed int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM qms_risk_reviews`).Scan(&reviewed); err != nil || reviewed != 19+6 {
		t.Errorf("risk reviews: %d (%v)", reviewed, err)
	}
	// The records belong to the communes (the owners of their agencies).
	var communes int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM qms_nonconformities n JOIN units u ON u.id = n.unit_id
		WHERE u.kind IN ('commune', 'town')`).Scan(&communes); err != nil || communes != len(list) {
		t.Errorf("%d of %d records on communes (%v)", communes, len(list), err)
	}
}
