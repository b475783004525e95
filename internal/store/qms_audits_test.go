package store_test

import (
	"context"
	"testing"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/qms"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestInternalAudit plans an audit of commune A with an auditor of commune B (never one of
// A's own officials), records findings on the checklist (a nonconformity raising its
// record once) and completes it.
func TestInternalAudit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newQMSUnits(t, db)
		prog := qms.Programme{UnitID: k.a.ID, Year: 2026, Title: "Chương trình đánh giá nội bộ năm 2026"}
		if err := db.CreateProgramme(ctx, &prog, k.isoA); err != nil {
			t.Fatal(err)
		}
		again := qms.Programme{UnitID: k.a.ID, Year: 2026, Title: "Lần hai"}
		wantKind(t, db.CreateProgramme(ctx, &again, k.isoA), failure.Conflict, "year")

		plan := qms.AuditPlan{ProgrammeID: prog.ID, UnitID: k.a.ID, Scope: "Toàn bộ hệ thống", PlannedOn: d(2026, 10, 15),
			Auditors: []string{k.isoB, k.isoA}}
		wantKind(t, db.CreateAuditPlan(ctx, &plan, k.isoA), failure.Invalid, "auditors") // A's own secretary
		plan.Auditors = []string{k.receiver}
		wantKind(t, db.CreateAuditPlan(ctx, &plan, k.isoA), failure.Invalid, "auditors") // works in A's desk
		plan.Auditors, plan.UnitID = []string{k.isoB}, k.b.ID
		wantKind(t, db.CreateAuditPlan(ctx, &plan, k.isoA), failure.Invalid, "unit_id") // B is outside A's programme
		plan.UnitID = k.a.ID
		if err := db.CreateAuditPlan(ctx, &plan, k.isoA); err != nil {
			t.Fatal(err)
		}
		items, err := db.AuditItems(ctx, plan.ID)
		if err != nil || len(items) != len(qms.Checklist) || items[0].Clause != "4.1" {
			t.Fatalf("checklist: %d %v", len(items), err)
		}
		var c85 qms.AuditItem
		for _, it := range items {
			if it.Clause == "8.5" {
				c85 = it
			}
		}
		wantKind(t, db.RecordFinding(ctx, c85.ID, qms.MinorNC, " ", k.isoB), failure.Invalid, "evidence")
		wantKind(t, db.RecordFinding(ctx, c85.ID, "bad", "x", k.isoB), failure.Invalid, "result")
		if err := db.RecordFinding(ctx, c85.ID, qms.MinorNC, "3 hồ sơ không có phiếu kiểm soát", k.isoB); err != nil {
			t.Fatal(err)
		}
		if err := db.RecordFinding(ctx, c85.ID, qms.MajorNC, "5 hồ sơ không có phiếu kiểm soát", k.isoB); err != nil {
			t.Fatal(err)
		}
		if err := db.RecordFinding(ctx, items[0].ID, qms.Conformity, "", k.isoB); err != nil {
			t.Fatal(err)
		}
		ncs, _ := db.Nonconformities(ctx, store.NCFilter{UnitID: k.a.ID, Source: qms.SourceAudit})
		if len(ncs) != 1 || ncs[0].AuditItemID != c85.ID || ncs[0].RaisedBy != k.isoB || ncs[0].Status != qms.NCOpen {
			t.Fatalf("audit nonconformity: %+v", ncs)
		}
		if err := db.AddAuditItem(ctx, plan.ID, "7.5", "Hồ sơ lưu trữ có được số hóa không?", k.isoB); err != nil {
			t.Fatal(err)
		}
		wantKind(t, db.CompleteAudit(ctx, plan.ID, "", k.isoB), failure.Invalid, "conclusion")
		if err := db.CompleteAudit(ctx, plan.ID, "Hệ thống được duy trì; một điểm không phù hợp lớn ở điều 8.5.", k.isoB); err != nil {
			t.Fatal(err)
		}
		got, err := db.AuditPlan(ctx, plan.ID)
		if err != nil || got.Status != qms.AuditDone || got.Items != len(qms.Checklist)+1 || got.Checked != 2 || got.NCs != 1 ||
			len(got.Auditors) != 1 || got.Year != 2026 {
			t.Fatalf("completed plan: %+v %v", got, err)
		}
		wantKind(t, db.RecordFinding(ctx, items[1].ID, qms.Conformity, "", k.isoB), failure.Conflict, "")

		// The province's steering committee may audit commune A.
		provProg := qms.Programme{UnitID: k.prov.ID, Year: 2026, Title: "Kiểm tra của tỉnh"}
		if err := db.CreateProgramme(ctx, &provProg, k.isoA); err != nil {
			t.Fatal(err)
		}
		overseer := official(t, db, "bcd@x.vn", "Phạm Thị Dung", k.prov, "overseer").UserID
		p2 := qms.AuditPlan{ProgrammeID: provProg.ID, UnitID: k.a.ID, Scope: "Quy trình tiếp nhận", PlannedOn: d(2026, 11, 2),
			Auditors: []string{overseer}}
		if err := db.CreateAuditPlan(ctx, &p2, k.isoA); err != nil {
			t.Fatal(err)
		}
		if list, _ := db.AuditPlans(ctx, store.AuditPlanFilter{Under: []string{k.a.Path}, Year: 2026}); len(list) != 2 {
			t.Fatalf("audits of A: %d", len(list))
		}
		summary, err := db.GatherReviewInputs(ctx, k.a, d(2026, 1, 1), d(2026, 12, 31), d(2026, 12, 20), "")
		if err != nil || summary.Audits.Plans != 2 || summary.Audits.Done != 1 || summary.Audits.Findings[qms.MajorNC] != 1 {
			t.Fatalf("review inputs: %+v %v", summary.Audits, err)
		}
	})
}
