package store_test

import (
	"context"
	"testing"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/qms"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/user"
)

// TestManagementReview gathers a review's inputs from a commune's dossiers, objectives and
// nonconformities, records its outputs, carries its actions into the next review, and
// keeps a final review as it was.
func TestManagementReview(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newDesk(t, db)
		iso := official(t, db, "iso@x.vn", "Đỗ Thị Thư", k.commune, user.QMS).UserID
		k.resolve(t, k.receive(t, vnTime(2026, 3, 2, 9, 0)), vnTime(2026, 3, 3, 10, 0))
		k.resolve(t, k.receive(t, vnTime(2026, 3, 3, 9, 0)), vnTime(2026, 3, 11, 10, 0))
		o := qms.Objective{UnitID: k.commune.ID, Year: 2026, Title: "Đúng hạn", Measure: qms.OnTimeRate, Comparison: qms.AtLeast, Target: 98}
		if err := db.CreateObjective(ctx, &o, iso); err != nil {
			t.Fatal(err)
		}
		if _, err := db.RaiseAutomaticNonconformities(ctx, k.commune.ID, qms.MonthPeriod(qms.Month{Year: 2026, Month: 3})); err != nil {
			t.Fatal(err)
		}

		bad := qms.ManagementReview{UnitID: k.commune.ID, Title: "X", From: d(2026, 6, 30), To: d(2026, 1, 1)}
		if fields := failure.Fields(db.CreateReview(ctx, &bad, iso)); len(fields) != 2 {
			t.Fatalf("bad review: %v", fields)
		}
		rv := qms.ManagementReview{UnitID: k.commune.ID, Title: "Xem xét 6 tháng đầu năm 2026", From: d(2026, 1, 1),
			To: d(2026, 6, 30), HeldOn: d(2026, 7, 3), Chair: "Hoàng Văn Duyệt, Chủ tịch UBND xã"}
		if err := db.CreateReview(ctx, &rv, iso); err != nil {
			t.Fatal(err)
		}
		got, err := db.Review(ctx, rv.ID)
		if err != nil {
			t.Fatal(err)
		}
		in := got.Inputs
		if in.Performance.Received != 2 || in.Performance.OnTime != 1 || in.Performance.CohortLate != 1 {
			t.Errorf("performance: %+v", in.Performance)
		}
		if len(in.Objectives) != 1 || in.Objectives[0].Missed != 1 || in.Objectives[0].Target != "≥ 98%" {
			t.Errorf("objectives: %+v", in.Objectives)
		}
		if in.NCs.Open != 2 || len(in.NCs.Raised) != 2 {
			t.Errorf("nonconformities: %+v", in.NCs)
		}
		if len(in.PreviousActions) != 0 {
			t.Errorf("previous actions of the first review: %+v", in.PreviousActions)
		}

		// Outputs: an action needs its owner (of the unit) and due day.
		act := qms.ReviewOutput{Kind: qms.OutputAction, Text: "Bổ sung cán bộ thẩm định"}
		if fields := failure.Fields(db.AddReviewOutput(ctx, rv.ID, &act, iso)); len(fields) != 2 {
			t.Fatalf("action without owner and day: %v", fields)
		}
		act.OwnerID, act.DueOn = k.handler.UserID, d(2026, 9, 30)
		dec := qms.ReviewOutput{Kind: qms.OutputDecision, Text: "Duy trì mục tiêu 98% cho 6 tháng cuối năm"}
		for _, o := range []*qms.ReviewOutput{&dec, &act} {
			if err := db.AddReviewOutput(ctx, rv.ID, o, iso); err != nil {
				t.Fatal(err)
			}
		}
		outs, _ := db.ReviewOutputs(ctx, rv.ID)
		if len(outs) != 2 || outs[1].Seq != 2 || outs[1].OwnerName != "Phạm Văn Xử" {
			t.Fatalf("outputs: %+v", outs)
		}
		if err := db.FinalizeReview(ctx, rv.ID, iso); err != nil {
			t.Fatal(err)
		}
		late := qms.ReviewOutput{Kind: qms.OutputDecision, Text: "Sau khi họp"}
		wantKind(t, db.AddReviewOutput(ctx, rv.ID, &late, iso), failure.Conflict, "")
		got.Title = "Sửa sau khi hoàn thành"
		wantKind(t, db.UpdateReview(ctx, got.ManagementReview, iso), failure.Conflict, "")
		// Actions are followed up after the meeting; the next review sees them.
		wantKind(t, db.MarkOutputDone(ctx, dec.ID, iso), failure.Conflict, "")
		if err := db.MarkOutputDone(ctx, act.ID, k.handler.UserID); err != nil {
			t.Fatal(err)
		}
		next := qms.ManagementReview{UnitID: k.commune.ID, Title: "Xem xét năm 2026", From: d(2026, 1, 1), To: d(2026, 12, 31),
			HeldOn: d(2026, 12, 20)}
		if err := db.CreateReview(ctx, &next, iso); err != nil {
			t.Fatal(err)
		}
		// The stored inputs keep the action's due day (they lost it while unit.Date had no JSON form).
		if got, _ := db.Review(ctx, next.ID); len(got.Inputs.PreviousActions) != 1 || !got.Inputs.PreviousActions[0].Done ||
			got.Inputs.PreviousActions[0].DueOn != d(2026, 9, 30) {
			t.Fatalf("previous actions: %+v", got.Inputs.PreviousActions)
		}
		list, _ := db.Reviews(ctx, k.commune.ID)
		if len(list) != 2 || list[0].ID != next.ID {
			t.Fatalf("reviews: %d", len(list))
		}
	})
}
