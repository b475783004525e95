package store_test

import (
	"context"
	"testing"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/user"
)

func TestRefuseIntake(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newDesk(t, db)
		req := k.request("refuse-1", vnTime(2026, 3, 2, 9, 0))
		if _, err := db.RefuseIntake(ctx, k.receiver, req, " "); !hasField(err, "reason") {
			t.Fatalf("no reason: %v", err)
		}
		if _, err := db.RefuseIntake(ctx, k.handler, req, "Không thuộc thẩm quyền"); !failure.Is(err, failure.Forbidden) {
			t.Fatalf("a handler refusing: %v", err)
		}
		d, err := db.RefuseIntake(ctx, k.receiver, req, "Không thuộc thẩm quyền giải quyết của xã")
		if err != nil {
			t.Fatal(err)
		}
		if d.State != dossier.Refused || d.Code != "" || !d.ReceivedAt.IsZero() || d.ClosingReason == "" || d.ProcedureName == "" {
			t.Fatalf("refused: %+v", d)
		}
		again, err := db.RefuseIntake(ctx, k.receiver, req, "Không thuộc thẩm quyền giải quyết của xã")
		if err != nil || again.ID != d.ID {
			t.Fatalf("retry: %v", err)
		}
		// Nothing can happen to it afterwards, and it is not a received dossier.
		if _, err := db.Act(ctx, k.receiver, dossier.Command{DossierID: d.ID, Version: 1, Action: dossier.ActForward}); !failure.Is(err, failure.Conflict) {
			t.Fatalf("acting on a refused dossier: %v", err)
		}
		list, _ := db.ListDossiers(ctx, store.DossierFilter{States: []dossier.State{dossier.Refused}})
		if len(list) != 1 {
			t.Fatalf("refused list: %d", len(list))
		}
		if rep, err := db.VerifyHistory(ctx); err != nil || len(rep.Problems) != 0 {
			t.Fatalf("verify: %+v %v", rep, err)
		}
		// A following intake still starts the day's numbers at 0001.
		r, err := db.Receive(ctx, k.receiver, k.request("", vnTime(2026, 3, 2, 10, 0)))
		if err != nil || r.Code != "000.00.41.H29-260302-0001" {
			t.Fatalf("first received: %q %v", r.Code, err)
		}
	})
}

// TestTransfer follows a workflow with an inter-unit step (liên thông): the dossier moves to
// the other unit, whose handler acts on it, and comes back for approval and return.
func TestTransfer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newDesk(t, db)
		office := mustCreate(t, db, unit.Unit{Code: "08152.VP", Name: "Văn phòng đăng ký đất đai", Kind: unit.Office, ParentID: k.other.ID})
		landOfficer := official(t, db, "vpdk@x.vn", "Đinh Văn Đất", office, user.Handler)
		wf := procedure.Workflow{UnitID: k.agency.ID, Code: k.code, Steps: []procedure.Step{
			step(procedure.StepReceive, user.Receiver, "2h"), step(procedure.StepExamine, user.Handler, "4h"),
			{Kind: procedure.StepTransfer, Role: user.Handler, Budget: step("", "", "1d").Budget, TransferTo: office.ID},
			step(procedure.StepApprove, user.Approver, "4h"), step(procedure.StepReturn, user.Receiver, "2h")}}
		if err := db.SaveWorkflow(ctx, &wf, ""); err != nil {
			t.Fatal(err)
		}
		d, err := db.Receive(ctx, k.receiver, k.request("", vnTime(2026, 3, 2, 9, 0)))
		if err != nil {
			t.Fatal(err)
		}
		d = k.act(t, k.receiver, d, dossier.Command{Action: dossier.ActForward, At: vnTime(2026, 3, 2, 9, 30)})
		d = k.act(t, k.handler, d, dossier.Command{Action: dossier.ActForward, AssigneeID: landOfficer.UserID, At: vnTime(2026, 3, 2, 11, 0)})
		if d.CurrentUnitID != office.ID || d.Transfers != 1 || d.Step().Kind != procedure.StepTransfer {
			t.Fatalf("transferred: %+v", d)
		}
		if q, _ := db.WorkQueue(ctx, landOfficer, 10); len(q) != 1 || q[0].Step.UnitID != office.ID {
			t.Fatalf("the other unit's queue: %+v", q)
		}
		// The commune's handler no longer holds it; the land officer does.
		if _, err := db.Act(ctx, k.handler, dossier.Command{DossierID: d.ID, Version: d.Version, Action: dossier.ActForward}); !failure.Is(err, failure.Forbidden) {
			t.Fatalf("the commune's handler during the transfer: %v", err)
		}
		d = k.act(t, landOfficer, d, dossier.Command{Action: dossier.ActForward, At: vnTime(2026, 3, 3, 10, 0)})
		if d.CurrentUnitID != k.agency.ID || d.Step().Kind != procedure.StepApprove {
			t.Fatalf("back home: %+v", d)
		}
		d = k.act(t, k.approver, d, dossier.Command{Action: dossier.ActForward, At: vnTime(2026, 3, 3, 14, 0)})
		d = k.act(t, k.receiver, d, dossier.Command{Action: dossier.ActReturn, Channel: dossier.ByPost, At: vnTime(2026, 3, 4, 9, 0)})
		if d.State != dossier.Returned || d.ReturnChannel != dossier.ByPost {
			t.Fatalf("returned: %+v", d)
		}
		slip, _ := db.ControlSlip(ctx, d.ID)
		if len(slip) != 5 || slip[2].UnitID != office.ID || slip[2].FinishedBy != landOfficer.UserID {
			t.Fatalf("control slip: %+v", slip)
		}
	})
}

// TestOnlineSubmission: a submission waits without a code; the desk accepts it (code of
// the submission day, appointment counted from the next office period), refuses another
// and records a third's withdrawal.
func TestOnlineSubmission(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newDesk(t, db)
		// Friday 6 March 2026, 22:00: the clock starts Monday 07:30; 3 days: Thursday 07:30.
		night := vnTime(2026, 3, 6, 22, 0)
		req := k.request("portal-1", night)
		req.Channel = dossier.AtDesk // the store forces online
		s, err := db.Submit(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if s.State != dossier.Submitted || s.Code != "" || s.Channel != dossier.Online || !s.ReceivedAt.IsZero() || s.LookupSecret == "" {
			t.Fatalf("submitted: %+v", s)
		}
		if again, err := db.Submit(ctx, req); err != nil || again.ID != s.ID {
			t.Fatalf("resubmitted: %v", err)
		}
		bad := k.request("portal-2", night)
		bad.Components = nil
		if _, err := db.Submit(ctx, bad); !hasField(err, "components") {
			t.Fatalf("incomplete submission: %v", err)
		}
		if _, err := db.Act(ctx, k.handler, dossier.Command{DossierID: s.ID, Version: 1, Action: dossier.ActReceive}); !failure.Is(err, failure.Forbidden) {
			t.Fatalf("a handler accepting: %v", err)
		}
		d := k.act(t, k.receiver, s, dossier.Command{Action: dossier.ActReceive, At: vnTime(2026, 3, 9, 8, 0)})
		if d.State != dossier.Received || d.Code != "000.00.41.H29-260306-0001" || !d.ReceivedAt.Equal(night) ||
			!d.Due.Equal(vnTime(2026, 3, 12, 7, 30)) || len(d.Workflow) != 4 || d.Version != 2 {
			t.Fatalf("accepted: code %s received %v due %v", d.Code, d.ReceivedAt, d.Due.In(night.Location()))
		}
		if got, err := db.DossierByCode(ctx, d.Code); err != nil || got.ID != d.ID || got.ReceivedBy != k.receiver.UserID {
			t.Fatalf("by code after acceptance: %+v %v", got, err)
		}
		if found, _ := db.ListDossiers(ctx, store.DossierFilter{Query: "260306-0001"}); len(found) != 1 {
			t.Fatal("the code is not searchable after acceptance")
		}
		r, err := db.Submit(ctx, k.request("portal-3", night))
		if err != nil {
			t.Fatal(err)
		}
		r = k.act(t, k.receiver, r, dossier.Command{Action: dossier.ActRefuse, Reason: "Hồ sơ không thuộc thẩm quyền", At: vnTime(2026, 3, 9, 8, 30)})
		if r.State != dossier.Refused || r.Code != "" {
			t.Fatalf("refused: %+v", r)
		}
		w, _ := db.Submit(ctx, k.request("portal-4", night))
		w = k.act(t, k.receiver, w, dossier.Command{Action: dossier.ActWithdraw, Reason: "Người nộp xin rút", At: vnTime(2026, 3, 9, 9, 0)})
		if w.State != dossier.Withdrawn {
			t.Fatalf("withdrawn: %s", w.State)
		}
		if rep, err := db.VerifyHistory(ctx); err != nil || len(rep.Problems) != 0 || rep.Dossiers != 3 {
			t.Fatalf("verify: %+v %v", rep, err)
		}
	})
}
