package store_test

import (
	"context"
	"testing"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/unit"
)

// publishAll publishes the codes in the unit from day on.
func publishAll(t *testing.T, db *store.DB, unitID string, on unit.Date, codes ...string) {
	t.Helper()
	for _, c := range codes {
		if err := db.PublishProcedure(context.Background(), unitID, c, on, ""); err != nil {
			t.Fatalf("publish %s: %v", c, err)
		}
	}
}

// reviewFixture: commune A publishes three procedures (and withdrew a fourth), B
// publishes one now and one from 2099, the desk under A publishes one of its own.
func reviewFixture(t *testing.T, db *store.DB) (prov, a, b, deskA unit.Unit) {
	t.Helper()
	ctx := context.Background()
	prov, a, b, deskA = tree(t, db)
	for code, name := range map[string]string{"1.001193": "Đăng ký khai sinh", "1.000894": "Đăng ký kết hôn",
		"1.000656": "Đăng ký khai tử", "1.004873": "Xác nhận tình trạng hôn nhân", "2.000908": "Chứng thực bản sao"} {
		mustAdd(t, db, sampleVersion(code, name, d(2025, 7, 1)))
	}
	publishAll(t, db, a.ID, d(2025, 7, 1), "1.001193", "1.000894", "1.000656", "1.004873")
	if err := db.UnpublishProcedure(ctx, a.ID, "1.004873", d(2025, 8, 1), ""); err != nil {
		t.Fatal(err)
	}
	publishAll(t, db, b.ID, d(2025, 7, 1), "1.001193")
	publishAll(t, db, b.ID, d(2099, 1, 1), "1.000894")
	publishAll(t, db, deskA.ID, d(2025, 7, 1), "2.000908")
	return prov, a, b, deskA
}

func TestReviewPlans(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		prov, a, b, _ := reviewFixture(t, db)
		planA := procedure.ReviewPlan{UnitID: a.ID, Year: 2026, Title: "  Rà soát TTHC   năm 2026 ", DueOn: d(2026, 3, 31)}
		if err := db.CreateReviewPlan(ctx, &planA, "u1"); err != nil {
			t.Fatal(err)
		}
		if planA.ID == "" || planA.Tasks != 3 || planA.Title != "Rà soát TTHC năm 2026" {
			t.Fatalf("plan of A: %+v", planA)
		}
		planB := procedure.ReviewPlan{UnitID: b.ID, Year: 2026, Title: "Rà soát 2026", DueOn: d(2099, 12, 31)}
		if err := db.CreateReviewPlan(ctx, &planB, "u2"); err != nil || planB.Tasks != 1 {
			t.Fatalf("plan of B: %+v %v", planB, err)
		}

		// One plan a unit and year; bad plans name their fields; nothing half-saved.
		dup := procedure.ReviewPlan{UnitID: a.ID, Year: 2026, Title: "Lần hai", DueOn: d(2026, 6, 30)}
		wantKind(t, db.CreateReviewPlan(ctx, &dup, "u1"), failure.Conflict, "year")
		noUnit := procedure.ReviewPlan{UnitID: "nope", Year: 2027, Title: "X", DueOn: d(2027, 3, 31)}
		wantKind(t, db.CreateReviewPlan(ctx, &noUnit, "u1"), failure.Invalid, "unit_id")
		bad := procedure.ReviewPlan{UnitID: a.ID, Year: 1999}
		if fields := failure.Fields(db.CreateReviewPlan(ctx, &bad, "u1")); len(fields) != 3 {
			t.Fatalf("bad plan: %v", fields)
		}
		if plans, err := db.ReviewPlans(ctx, store.ReviewPlanFilter{UnitID: a.ID}); err != nil || len(plans) != 1 {
			t.Fatalf("plans of A after refusals: %d %v", len(plans), err)
		}

		// Listing per unit and per subtree, with counts.
		all, err := db.ReviewPlans(ctx, store.ReviewPlanFilter{Under: []string{prov.Path}, Year: 2026})
		if err != nil || len(all) != 2 {
			t.Fatalf("plans in the province: %d %v", len(all), err)
		}
		onlyA, _ := db.ReviewPlans(ctx, store.ReviewPlanFilter{Under: []string{a.Path}})
		if len(onlyA) != 1 || onlyA[0].UnitName != a.Name || onlyA[0].Tasks != 3 || onlyA[0].Done != 0 {
			t.Fatalf("plans under A: %+v", onlyA)
		}
		if none, _ := db.ReviewPlans(ctx, store.ReviewPlanFilter{UnitID: a.ID, Year: 2025}); len(none) != 0 {
			t.Fatalf("plans of 2025: %d", len(none))
		}

		// Tasks: one per procedure A publishes, named, in code order.
		tasks, err := db.ReviewTasks(ctx, planA.ID)
		if err != nil || len(tasks) != 3 || tasks[0].Code != "1.000656" || tasks[0].Name != "Đăng ký khai tử" || tasks[0].Result != procedure.ReviewPending {
			t.Fatalf("tasks: %+v %v", tasks, err)
		}
		wantKind(t, db.RecordReviewResult(ctx, tasks[0].ID, procedure.ReviewSimplify, "  ", "u1"), failure.Invalid, "text")
		wantKind(t, db.RecordReviewResult(ctx, tasks[0].ID, "maybe", "", "u1"), failure.Invalid, "result")
		wantKind(t, db.RecordReviewResult(ctx, "no-such-task", procedure.ReviewKeep, "", "u1"), failure.NotFound, "")

		// Overdue: past the due day with open tasks, in the subtree asked for.
		overdue, err := db.ReviewPlans(ctx, store.ReviewPlanFilter{Under: []string{prov.Path}, OverdueOn: d(2026, 4, 1)})
		if err != nil || len(overdue) != 1 || overdue[0].ID != planA.ID || !overdue[0].Overdue(d(2026, 4, 1)) {
			t.Fatalf("overdue: %+v %v", overdue, err)
		}
		if onDue, _ := db.ReviewPlans(ctx, store.ReviewPlanFilter{OverdueOn: d(2026, 3, 31)}); len(onDue) != 0 {
			t.Fatalf("overdue on its due day: %d", len(onDue))
		}
		if inB, _ := db.ReviewPlans(ctx, store.ReviewPlanFilter{Under: []string{b.Path}, OverdueOn: d(2026, 4, 1)}); len(inB) != 0 {
			t.Fatalf("overdue in B: %d", len(inB))
		}

		results := []procedure.ReviewResult{procedure.ReviewKeep, procedure.ReviewSimplify, procedure.ReviewAbolish}
		for i, task := range tasks {
			if err := db.RecordReviewResult(ctx, task.ID, results[i], " Đề xuất bỏ bản sao giấy tờ ", "u1"); err != nil {
				t.Fatalf("record %s: %v", task.Code, err)
			}
		}
		got, err := db.ReviewTask(ctx, tasks[1].ID)
		if err != nil || got.Result != procedure.ReviewSimplify || got.Text != "Đề xuất bỏ bản sao giấy tờ" || got.ReviewedBy != "u1" || got.ReviewedAt.IsZero() {
			t.Fatalf("recorded task: %+v %v", got, err)
		}
		plan, err := db.ReviewPlan(ctx, planA.ID)
		if err != nil || plan.Done != 3 || plan.Tasks != 3 || plan.Overdue(d(2026, 4, 1)) {
			t.Fatalf("plan after review: %+v %v", plan, err)
		}
		if overdue, _ := db.ReviewPlans(ctx, store.ReviewPlanFilter{OverdueOn: d(2026, 4, 1)}); len(overdue) != 0 {
			t.Fatalf("finished plan still overdue: %d", len(overdue))
		}
		if _, err := db.ReviewPlan(ctx, "nope"); !failure.Is(err, failure.NotFound) {
			t.Fatalf("missing plan: %v", err)
		}

		// Audited: the plan and each result.
		if trail, _ := db.AuditTrail(ctx, "review_plan", planA.ID, 0); len(trail) != 1 || trail[0].ActorID != "u1" || trail[0].UnitID != a.ID {
			t.Fatalf("plan audit: %+v", trail)
		}
		if trail, _ := db.AuditTrail(ctx, "review_task", tasks[1].ID, 0); len(trail) != 1 || trail[0].Action != "review.result" {
			t.Fatalf("result audit: %+v", trail)
		}
	})
}
