package store_test

import (
	"context"
	"testing"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/qms"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestObjectives measures a commune's objectives from its dossiers and publications, and
// takes manual results with their evidence.
func TestObjectives(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newDesk(t, db)
		iso := official(t, db, "iso@x.vn", "Đỗ Thị Thư", k.commune, "qms").UserID
		// March 2026: two dossiers received, one resolved early, one late.
		a := k.resolve(t, k.receive(t, vnTime(2026, 3, 2, 9, 0)), vnTime(2026, 3, 3, 10, 0))
		b := k.resolve(t, k.receive(t, vnTime(2026, 3, 3, 9, 0)), vnTime(2026, 3, 11, 10, 0))
		if a.Timeliness != "early" || b.Timeliness != "late" {
			t.Fatalf("fixture: %s %s", a.Timeliness, b.Timeliness)
		}
		// A procedure that ends on 15 March 2026 is still published in April.
		v := sampleVersion("1.000001", "Thủ tục minh họa", d(2026, 1, 1))
		v.EffectiveTo = d(2026, 3, 15)
		mustAdd(t, db, v)
		publishAll(t, db, k.commune.ID, d(2026, 1, 1), "1.000001")

		onTime := qms.Objective{UnitID: k.commune.ID, Year: 2026, Title: "Tỷ lệ hồ sơ giải quyết đúng hạn",
			Measure: qms.OnTimeRate, Comparison: qms.AtLeast, Target: 98, UnitLabel: "hồ sơ"}
		stale := qms.Objective{UnitID: k.commune.ID, Year: 2026, Title: "Không công khai thủ tục hết hiệu lực",
			Measure: qms.StalePublications, Comparison: qms.AtMost, Target: 0}
		manual := qms.Objective{UnitID: k.commune.ID, Year: 2026, Title: "Số buổi tập huấn ISO", Measure: qms.Manual,
			Comparison: qms.AtLeast, Target: 1, UnitLabel: "buổi"}
		for _, o := range []*qms.Objective{&onTime, &stale, &manual} {
			if err := db.CreateObjective(ctx, o, iso); err != nil {
				t.Fatal(err)
			}
		}
		if onTime.UnitLabel != "%" {
			t.Fatalf("label of a rate: %q", onTime.UnitLabel)
		}
		bad := qms.Objective{UnitID: k.commune.ID, Year: 2026, Title: "X", Measure: qms.OnTimeRate, Comparison: qms.AtLeast, Target: 120}
		wantKind(t, db.CreateObjective(ctx, &bad, iso), failure.Invalid, "target")

		today := d(2026, 6, 1)
		results := func(o qms.Objective) []qms.Result {
			t.Helper()
			row, err := db.Objective(ctx, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			rs, err := db.ObjectiveResults(ctx, row, today)
			if err != nil || len(rs) != 12 {
				t.Fatalf("results: %d %v", len(rs), err)
			}
			return rs
		}
		rs := results(onTime)
		if mar := rs[2]; !mar.Known || mar.Num != 1 || mar.Den != 2 || mar.Value != 50 || !mar.Missed || !mar.Over {
			t.Errorf("March on time: %+v", mar)
		}
		if apr := rs[3]; apr.Known || apr.Missed {
			t.Errorf("April, nothing received: %+v", apr)
		}
		if jul := rs[6]; jul.Known || jul.Over {
			t.Errorf("July, not begun: %+v", jul)
		}
		rs = results(stale)
		if rs[1].Value != 0 || !rs[1].Met || rs[3].Value != 1 || !rs[3].Missed || !rs[5].Known || rs[5].Over || rs[5].Missed {
			t.Errorf("stale publications: Feb %+v, Apr %+v, Jun %+v", rs[1], rs[3], rs[5])
		}

		// Manual results need their evidence and a month of the objective's year.
		march := qms.Month{Year: 2026, Month: 3}
		wantKind(t, db.RecordObjectiveResult(ctx, manual.ID, march, 2, " ", iso), failure.Invalid, "evidence")
		wantKind(t, db.RecordObjectiveResult(ctx, manual.ID, qms.Month{Year: 2025, Month: 3}, 2, "x", iso), failure.Invalid, "month")
		wantKind(t, db.RecordObjectiveResult(ctx, onTime.ID, march, 2, "x", iso), failure.Conflict, "")
		if err := db.RecordObjectiveResult(ctx, manual.ID, march, 0, "Kế hoạch tập huấn lùi sang tháng 4", iso); err != nil {
			t.Fatal(err)
		}
		if err := db.RecordObjectiveResult(ctx, manual.ID, march, 2, "Biên bản tập huấn ngày 20/3", iso); err != nil {
			t.Fatal(err)
		}
		rs = results(manual)
		if m := rs[2]; !m.Known || !m.Manual || m.Value != 2 || !m.Met || m.Evidence != "Biên bản tập huấn ngày 20/3" {
			t.Errorf("manual March: %+v", m)
		}
		if rs[1].Known {
			t.Errorf("manual February: %+v", rs[1])
		}

		// Editing keeps the measure; the history has both values.
		onTime.Target, onTime.Measure = 95, qms.Manual
		if err := db.UpdateObjective(ctx, onTime, iso); err != nil {
			t.Fatal(err)
		}
		row, _ := db.Objective(ctx, onTime.ID)
		if row.Target != 95 || row.Measure != qms.OnTimeRate {
			t.Fatalf("updated: %+v", row)
		}
		list, err := db.Objectives(ctx, k.commune.ID, 2026)
		if err != nil || len(list) != 3 || list[0].ID != onTime.ID {
			t.Fatalf("objectives: %d %v", len(list), err)
		}
		if trail, _ := db.AuditTrail(ctx, "qms_objective", manual.ID, 0); len(trail) != 3 {
			t.Fatalf("manual objective's history: %d events", len(trail))
		}
	})
}
