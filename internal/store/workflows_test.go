package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/user"
)

func step(kind procedure.StepKind, role user.Role, budget string) procedure.Step {
	l, err := calendar.ParseLimit(budget)
	if err != nil {
		panic(err)
	}
	return procedure.Step{Kind: kind, Role: role, Budget: l}
}

func TestWorkflows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, a, b, _ := tree(t, db)
		mustAdd(t, db, sampleVersion("1.001193", "Đăng ký khai sinh", d(2025, 7, 1))) // 3 working days
		mustAdd(t, db, sampleVersion("1.000894", "Đăng ký kết hôn", d(2099, 1, 1)))
		threeDays, _ := calendar.ParseLimit("3d")

		// Nothing recorded: the default, fitted to the unit's office day.
		if _, err := db.Workflow(ctx, a.ID, "1.001193"); !failure.Is(err, failure.NotFound) {
			t.Fatalf("no workflow yet: %v", err)
		}
		def, err := db.WorkflowFor(ctx, a.ID, "1.001193", threeDays)
		if err != nil || def.ID != "" || len(def.Steps) != 4 || def.Code != "1.001193" || def.UnitID != a.ID {
			t.Fatalf("default: %+v %v", def, err)
		}
		if err := def.Validate(threeDays, 7*time.Hour+30*time.Minute); err != nil {
			t.Fatalf("default does not fit: %v", err)
		}

		// 2h + 1d + 4h + 1d = 21h of the 22h30 three days give.
		transfer := step(procedure.StepTransfer, user.Receiver, "1d")
		transfer.TransferTo = b.ID
		wf := procedure.Workflow{UnitID: a.ID, Code: " 1.001193 ", Steps: []procedure.Step{
			step(procedure.StepReceive, user.Receiver, "2h"), step(procedure.StepExamine, user.Handler, "1d"),
			step(procedure.StepApprove, user.Approver, "4h"), transfer,
		}}
		wf.Steps[1].Note = "  Kiểm tra   sổ hộ tịch "
		if err := db.SaveWorkflow(ctx, &wf, "u1"); err != nil {
			t.Fatal(err)
		}
		got, err := db.Workflow(ctx, a.ID, "1.001193")
		if err != nil || got.ID != wf.ID || len(got.Steps) != 4 || got.Steps[3].TransferTo != b.ID ||
			got.Steps[1].Budget.String() != "1d" || got.Steps[1].Note != "Kiểm tra sổ hộ tịch" || got.UpdatedBy != "u1" {
			t.Fatalf("stored: %+v %v", got, err)
		}
		if used, _ := db.WorkflowFor(ctx, a.ID, "1.001193", threeDays); used.ID != wf.ID {
			t.Fatalf("stored workflow not used: %+v", used)
		}

		// Rejections: over the limit (both figures named), bad targets, unknown or
		// not-yet-effective procedures, unknown units. Nothing half-saved.
		over := wf
		over.Steps = append([]procedure.Step(nil), wf.Steps...)
		over.Steps[1] = step(procedure.StepExamine, user.Handler, "3d")
		err = db.SaveWorkflow(ctx, &over, "u1")
		wantKind(t, err, failure.Invalid, "steps")
		if e, _ := failure.As(err); e.Key != "workflow.over_limit" || e.Args[0] != "36h" || e.Args[1] != "22h30" {
			t.Fatalf("over limit: %v %v", e.Key, e.Args)
		}
		for target, key := range map[string]string{"nowhere": "workflow.transfer_target_not_found", a.ID: "workflow.transfer_to_self"} {
			bad := wf
			bad.Steps = append([]procedure.Step(nil), wf.Steps...)
			bad.Steps[3].TransferTo = target
			err := db.SaveWorkflow(ctx, &bad, "u1")
			if e, _ := failure.As(err); e == nil || e.Key != key {
				t.Fatalf("transfer to %s: %v", target, err)
			}
		}
		unknown := procedure.Workflow{UnitID: a.ID, Code: "9.999999", Steps: wf.Steps}
		wantKind(t, db.SaveWorkflow(ctx, &unknown, "u1"), failure.Invalid, "code")
		future := procedure.Workflow{UnitID: a.ID, Code: "1.000894", Steps: wf.Steps}
		wantKind(t, db.SaveWorkflow(ctx, &future, "u1"), failure.Conflict, "code")
		noUnit := procedure.Workflow{UnitID: "nope", Code: "1.001193", Steps: wf.Steps}
		wantKind(t, db.SaveWorkflow(ctx, &noUnit, "u1"), failure.NotFound, "")
		if got, _ := db.Workflow(ctx, a.ID, "1.001193"); got.Steps[1].Budget.String() != "1d" {
			t.Fatalf("rejected workflow saved: %+v", got.Steps)
		}

		// Saving again replaces the steps and keeps the row; both saves are audited.
		created := got.CreatedAt
		wf.Steps = []procedure.Step{step(procedure.StepReceive, user.Receiver, "1h"), step(procedure.StepReturn, user.Receiver, "1h")}
		if err := db.SaveWorkflow(ctx, &wf, "u2"); err != nil {
			t.Fatal(err)
		}
		list, err := db.Workflows(ctx, a.ID)
		if err != nil || len(list) != 1 || len(list[0].Steps) != 2 || !list[0].CreatedAt.Equal(created) || list[0].UpdatedBy != "u2" {
			t.Fatalf("after second save: %+v %v", list, err)
		}
		if trail, _ := db.AuditTrail(ctx, "workflow", wf.ID, 0); len(trail) != 2 || trail[0].UnitID != a.ID {
			t.Fatalf("audit: %+v", trail)
		}

		// A recorded workflow that no longer fits gives way to the default: a shorter
		// limit, or a shorter office day (08:00–10:00: 3 days are 6 hours).
		wf.Steps = []procedure.Step{step(procedure.StepReceive, user.Receiver, "4h"), step(procedure.StepReturn, user.Receiver, "4h")}
		if err := db.SaveWorkflow(ctx, &wf, "u2"); err != nil {
			t.Fatal(err)
		}
		fourHours, _ := calendar.ParseLimit("4h")
		if used, _ := db.WorkflowFor(ctx, a.ID, "1.001193", fourHours); used.ID != "" || used.Validate(fourHours, 7*time.Hour+30*time.Minute) != nil {
			t.Fatalf("shorter limit: %+v", used)
		}
		hours, _ := calendar.ParseOfficeHours("08:00-10:00")
		if err := db.SaveWorkSettings(ctx, a.ID, store.WorkSettings{OfficeHours: hours, Weekend: []time.Weekday{time.Sunday}}); err != nil {
			t.Fatal(err)
		}
		if perDay, _ := db.OfficeTimePerDay(ctx, a.ID); perDay != 2*time.Hour {
			t.Fatalf("office day: %v", perDay)
		}
		used, err := db.WorkflowFor(ctx, a.ID, "1.001193", threeDays)
		if err != nil || used.ID != "" || used.Validate(threeDays, 2*time.Hour) != nil {
			t.Fatalf("shorter office day: %+v %v", used, err)
		}
		if _, err := db.WorkflowFor(ctx, "nope", "1.001193", threeDays); !failure.Is(err, failure.NotFound) {
			t.Fatalf("unknown unit: %v", err)
		}
	})
}
