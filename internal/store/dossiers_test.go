package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/user"
)

// desk is a commune with a one-stop agency, a published procedure and one official per
// role.
type desk struct {
	db                                   *store.DB
	commune, agency, other               unit.Unit
	receiver, handler, approver, outside auth.Actor
	code                                 string
}

func newDesk(t testing.TB, db *store.DB) desk {
	t.Helper()
	ctx := context.Background()
	prov := mustCreate(t, db, unit.Unit{Code: "25", Name: "Tỉnh Phú Thọ", Kind: unit.Province})
	com := mustCreate(t, db, unit.Unit{Code: "08152", Name: "Xã Thanh Ba", Kind: unit.Commune, ParentID: prov.ID})
	agency := mustCreate(t, db, unit.Unit{Code: "08152.TT", Name: "Trung tâm PVHCC xã Thanh Ba", Kind: unit.Centre,
		ParentID: com.ID, AgencyCode: "000.00.41.H29"})
	other := mustCreate(t, db, unit.Unit{Code: "08173", Name: "Xã Quảng Yên", Kind: unit.Commune, ParentID: prov.ID})
	v := sampleVersion("1.004873", "Cấp Giấy xác nhận tình trạng hôn nhân", d(2020, 1, 1))
	v.Components = append(v.Components, procedure.Component{Name: "Giấy tờ tùy thân", Copies: 1})
	mustAdd(t, db, v)
	if err := db.PublishProcedure(ctx, com.ID, v.Code, d(2020, 1, 1), ""); err != nil {
		t.Fatal(err)
	}
	// The agency's internal workflow: 2h + 1d + 1d + 4h of the 3-day limit.
	wf := procedure.Workflow{UnitID: agency.ID, Code: v.Code, Steps: []procedure.Step{
		step(procedure.StepReceive, user.Receiver, "2h"), step(procedure.StepExamine, user.Handler, "1d"),
		step(procedure.StepApprove, user.Approver, "1d"), step(procedure.StepReturn, user.Receiver, "4h")}}
	if err := db.SaveWorkflow(ctx, &wf, ""); err != nil {
		t.Fatal(err)
	}
	return desk{db: db, commune: com, agency: agency, other: other, code: v.Code,
		receiver: official(t, db, "tiepnhan@x.vn", "Lê Thị Tiếp", com, user.Receiver),
		handler:  official(t, db, "xuly@x.vn", "Phạm Văn Xử", com, user.Handler),
		approver: official(t, db, "lanhdao@x.vn", "Hoàng Văn Duyệt", com, user.Approver),
		outside:  official(t, db, "tiepnhan.qy@x.vn", "Ngô Thị Khác", other, user.Receiver),
	}
}

func official(t testing.TB, db *store.DB, email, name string, in unit.Unit, role user.Role) auth.Actor {
	t.Helper()
	ctx := context.Background()
	u := user.User{Email: email, FullName: name, PasswordHash: "h", Active: true}
	a := user.Assignment{UnitID: in.ID, Role: role}
	if err := db.CreateUserWithRole(ctx, &u, &a); err != nil {
		t.Fatal(err)
	}
	as, err := db.Assignments(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return auth.Actor{UserID: u.ID, Assignments: as}
}

func (k desk) request(key string, at time.Time) store.IntakeRequest {
	return store.IntakeRequest{UnitID: k.agency.ID, ProcedureCode: k.code, Channel: dossier.AtDesk,
		Applicant: dossier.Applicant{Name: "Nguyễn Thị Hương", IDNumber: "025190012345", Phone: "0912345678",
			Address: "Khu 3, xã Thanh Ba"},
		Components:     []dossier.Component{{Name: "Tờ khai", Received: true, Digitised: true}},
		Payment:        dossier.PaidCash,
		IdempotencyKey: key, At: at}
}

func (k desk) act(t *testing.T, who auth.Actor, d dossier.Dossier, cmd dossier.Command) dossier.Dossier {
	t.Helper()
	cmd.DossierID, cmd.Version = d.ID, d.Version
	got, err := k.db.Act(context.Background(), who, cmd)
	if err != nil {
		t.Fatalf("%s: %v", cmd.Action, err)
	}
	return got
}

func vnTime(y int, m time.Month, day, h, min int) time.Time {
	return time.Date(y, m, day, h, min, 0, 0, calendar.Location())
}

func TestDossierLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newDesk(t, db)
		// Thursday 5 February 2026, 09:00, 3 working days: due Tuesday 10 February 09:00.
		d0, err := db.Receive(ctx, k.receiver, k.request("", vnTime(2026, 2, 5, 9, 0)))
		if err != nil {
			t.Fatal(err)
		}
		if d0.Code != "000.00.41.H29-260205-0001" || d0.State != dossier.Received || d0.Version != 1 || d0.Regime != dossier.Regime2025 {
			t.Fatalf("received: %+v", d0)
		}
		if !d0.Due.Equal(vnTime(2026, 2, 10, 9, 0)) || d0.DueRule.Vi == "" || d0.FeeTotal != 8000 || len(d0.LookupSecret) != 8 {
			t.Fatalf("appointment %v rule %q fee %d", d0.Due, d0.DueRule.Vi, d0.FeeTotal)
		}
		if len(d0.Components) != 2 || !d0.Components[0].Digitised || d0.Components[1].Received {
			t.Fatalf("components: %+v", d0.Components)
		}
		got, err := db.DossierByCode(ctx, " 000.00.41.h29-260205-0001")
		if err != nil || got.ID != d0.ID || got.Applicant.Name != "Nguyễn Thị Hương" || len(got.Workflow) != 4 {
			t.Fatalf("by code: %+v, %v", got, err)
		}

		d1 := k.act(t, k.receiver, d0, dossier.Command{Action: dossier.ActForward, AssigneeID: k.handler.UserID, At: vnTime(2026, 2, 5, 10, 0)})
		if d1.State != dossier.Processing || d1.StepIndex != 1 {
			t.Fatalf("forwarded: %s step %d", d1.State, d1.StepIndex)
		}
		queue, err := db.WorkQueue(ctx, k.handler, 10)
		if err != nil || len(queue) != 1 || queue[0].Dossier.ID != d0.ID || queue[0].Step.Kind != procedure.StepExamine {
			t.Fatalf("handler's queue: %+v, %v", queue, err)
		}
		// The handler asks for a missing paper that afternoon; the clock stops.
		d2 := k.act(t, k.handler, d1, dossier.Command{Action: dossier.ActRequest, At: vnTime(2026, 2, 5, 15, 0),
			Items: []dossier.SupplementItem{{Name: "Giấy tờ tùy thân", Reason: "Bản sao chưa chứng thực"}}})
		if d2.State != dossier.Supplement || d2.Supplements != 1 || len(d2.Missing) != 1 {
			t.Fatalf("supplement: %+v", d2)
		}
		if q, _ := db.WorkQueue(ctx, k.handler, 10); len(q) != 0 {
			t.Fatalf("a paused dossier stays in the queue: %+v", q)
		}
		// Supplied on Thursday 12 Feb at 14:00: the full 3 days restart, across Tết 2026
		// (14–22 Feb): Friday 13, Monday 23, due Tuesday 24 Feb 14:00.
		d3 := k.act(t, k.receiver, d2, dossier.Command{Action: dossier.ActSupply, At: vnTime(2026, 2, 12, 14, 0)})
		if d3.State != dossier.Processing || !d3.Due.Equal(vnTime(2026, 2, 24, 14, 0)) || d3.Missing != nil {
			t.Fatalf("supplied: %s due %v", d3.State, d3.Due.In(calendar.Location()))
		}
		if q, _ := db.WorkQueue(ctx, k.handler, 10); len(q) != 1 || q[0].Step.AssigneeID != k.handler.UserID {
			t.Fatalf("the step reopens for the handler who asked: %+v", q)
		}
		// Examined by Friday 13 Feb 10:00 (due 14:00); approved only on Monday 23 at 15:00,
		// after the approval's own day ran out (Monday 10:00), but still before the
		// dossier's appointment: the dossier is early, the approval step late.
		d4 := k.act(t, k.handler, d3, dossier.Command{Action: dossier.ActForward, At: vnTime(2026, 2, 13, 10, 0)})
		d5 := k.act(t, k.approver, d4, dossier.Command{Action: dossier.ActForward, At: vnTime(2026, 2, 23, 15, 0)})
		if d5.State != dossier.Ready || d5.Timeliness != "early" || !d5.ResolvedAt.Equal(vnTime(2026, 2, 23, 15, 0)) {
			t.Fatalf("ready: %s %s", d5.State, d5.Timeliness)
		}
		d6 := k.act(t, k.receiver, d5, dossier.Command{Action: dossier.ActReturn, Channel: dossier.AtDesk, Electronic: true,
			At: vnTime(2026, 2, 26, 9, 0)})
		if d6.State != dossier.Returned || d6.Version != 7 || d6.Timeliness != "early" {
			t.Fatalf("returned: %+v", d6)
		}

		slip, err := db.ControlSlip(ctx, d0.ID)
		if err != nil {
			t.Fatal(err)
		}
		kinds := ""
		for _, s := range slip {
			kinds += fmt.Sprintf("%s/%s/%s ", s.Kind, s.Outcome, s.Timeliness)
			if s.Open() {
				t.Errorf("row %d still open", s.Seq)
			}
		}
		want := "receive/forward/on_time examine/request/early examine/forward/on_time approve/forward/late return/return/late "
		if kinds != want {
			t.Fatalf("control slip:\n got %s\nwant %s", kinds, want)
		}
		history, err := db.History(ctx, d0.ID)
		if err != nil || len(history) != 7 || history[6].Hash != d6.HistoryHash {
			t.Fatalf("history: %d events, %v", len(history), err)
		}
		rep, err := db.VerifyHistory(ctx)
		if err != nil || len(rep.Problems) != 0 || rep.Dossiers != 1 || rep.Events != 7 {
			t.Fatalf("verify: %+v, %v", rep, err)
		}
	})
}

func TestIntakeRejects(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newDesk(t, db)
		now := vnTime(2026, 3, 2, 9, 0)
		cases := []struct {
			name  string
			who   auth.Actor
			edit  func(*store.IntakeRequest)
			kind  failure.Kind
			field string
		}{
			{"missing paper", k.receiver, func(r *store.IntakeRequest) { r.Components = nil }, failure.Invalid, "components"},
			{"unknown paper", k.receiver, func(r *store.IntakeRequest) {
				r.Components = append(r.Components, dossier.Component{Name: "Sổ đỏ", Received: true})
			}, failure.Invalid, "components"},
			{"bad ID number", k.receiver, func(r *store.IntakeRequest) { r.Applicant.IDNumber = "123" }, failure.Invalid, "applicant_id"},
			{"bad channel", k.receiver, func(r *store.IntakeRequest) { r.Channel = "fax" }, failure.Invalid, "channel"},
			{"unknown procedure", k.receiver, func(r *store.IntakeRequest) { r.ProcedureCode = "1.999999" }, failure.Conflict, "procedure"},
			{"not the desk", k.handler, func(*store.IntakeRequest) {}, failure.Forbidden, ""},
			{"another commune", k.outside, func(*store.IntakeRequest) {}, failure.NotFound, ""},
			{"no agency identifier", k.receiver, func(r *store.IntakeRequest) { r.UnitID = k.commune.ID }, failure.Invalid, "unit_id"},
		}
		for _, c := range cases {
			req := k.request("", now)
			c.edit(&req)
			_, err := db.Receive(ctx, c.who, req)
			e, ok := failure.As(err)
			if !ok || e.Kind != c.kind || (c.field != "" && !hasField(err, c.field)) {
				t.Errorf("%s: %v, want %s on %q", c.name, err, c.kind, c.field)
			}
		}
		if n, _ := db.CountDossiers(ctx, store.DossierFilter{}); n != 0 {
			t.Fatalf("%d dossiers written by refused intakes", n)
		}
		// An expired procedure is refused and the refusal recorded.
		if err := db.EndProcedure(ctx, k.code, procedure.End{Status: procedure.Expired, From: d(2026, 1, 1)}); err != nil {
			t.Fatal(err)
		}
		_, err := db.Receive(ctx, k.receiver, k.request("", now))
		if r, ok := procedure.RefusalOf(err); !ok || r != procedure.RefusedExpired {
			t.Fatalf("expired: %v", err)
		}
		refusals, err := db.IntakeRefusals(ctx, store.RefusalFilter{UnitID: k.agency.ID})
		if err != nil || len(refusals) != 2 { // the unknown code above, and this one
			t.Fatalf("refusals: %+v, %v", refusals, err)
		}
	})
}

func hasField(err error, field string) bool {
	for _, f := range failure.Fields(err) {
		if f.Field == field {
			return true
		}
	}
	return false
}

func TestIntakeIdempotentAndGapFree(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newDesk(t, db)
		now := vnTime(2026, 3, 2, 9, 0)
		var wg sync.WaitGroup
		ids := make([]string, 8)
		errs := make([]error, 8)
		for i := range 8 {
			wg.Go(func() {
				d, err := db.Receive(ctx, k.receiver, k.request("double-click", now))
				ids[i], errs[i] = d.ID, err
			})
		}
		wg.Wait()
		for i := range 8 {
			if errs[i] != nil || ids[i] != ids[0] {
				t.Fatalf("retry %d: %s, %v (first %s)", i, ids[i], errs[i], ids[0])
			}
		}
		codes := make([]string, 20)
		for i := range 20 {
			wg.Go(func() {
				d, err := db.Receive(ctx, k.receiver, k.request(fmt.Sprintf("k%d", i), now))
				if err != nil {
					t.Error(err)
				}
				codes[i] = d.Code
			})
		}
		wg.Wait()
		seen := map[string]bool{}
		for _, c := range codes {
			seen[c] = true
		}
		for n := 1; n <= 21; n++ {
			if c := fmt.Sprintf("000.00.41.H29-260302-%04d", n); !seen[c] && n > 1 {
				t.Errorf("number %s missing", c)
			}
		}
		if len(seen) != 20 {
			t.Fatalf("%d distinct codes: %v", len(seen), codes)
		}
		rep, err := db.VerifyHistory(ctx)
		if err != nil || len(rep.Problems) != 0 || rep.Dossiers != 21 {
			t.Fatalf("verify: %+v, %v", rep, err)
		}
	})
}

func TestDossierConcurrentActions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newDesk(t, db)
		d0, err := db.Receive(ctx, k.receiver, k.request("", vnTime(2026, 3, 2, 9, 0)))
		if err != nil {
			t.Fatal(err)
		}
		var (
			wg        sync.WaitGroup
			mu        sync.Mutex
			ok, stale int
		)
		for range 12 {
			wg.Go(func() {
				_, err := db.Act(ctx, k.receiver, dossier.Command{DossierID: d0.ID, Version: d0.Version, Action: dossier.ActForward,
					At: vnTime(2026, 3, 2, 10, 0)})
				mu.Lock()
				defer mu.Unlock()
				switch e, _ := failure.As(err); {
				case err == nil:
					ok++
				case e != nil && e.Key == "dossier.changed" && e.Args[0] == "Lê Thị Tiếp":
					stale++
				default:
					t.Errorf("unexpected: %v", err)
				}
			})
		}
		wg.Wait()
		if ok != 1 || stale != 11 {
			t.Fatalf("%d succeeded, %d told to reload", ok, stale)
		}
		got, _ := db.Dossier(ctx, d0.ID)
		if got.Version != 2 || got.StepIndex != 1 {
			t.Fatalf("after the race: version %d step %d", got.Version, got.StepIndex)
		}
		if h, _ := db.History(ctx, d0.ID); len(h) != 2 {
			t.Fatalf("%d events", len(h))
		}
	})
}

func TestDossierOtherPaths(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newDesk(t, db)
		recv := func(key string) dossier.Dossier {
			d, err := db.Receive(ctx, k.receiver, k.request(key, vnTime(2026, 3, 2, 9, 0)))
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		// Illegal, unauthorised and invalid actions change nothing.
		a := recv("a")
		for _, c := range []struct {
			who  auth.Actor
			cmd  dossier.Command
			want failure.Kind
		}{
			{k.receiver, dossier.Command{Action: dossier.ActReturn, Channel: dossier.AtDesk}, failure.Conflict},
			{k.handler, dossier.Command{Action: dossier.ActForward}, failure.Forbidden},
			{k.outside, dossier.Command{Action: dossier.ActForward}, failure.NotFound},
			{k.approver, dossier.Command{Action: dossier.ActStop}, failure.Invalid},
			{k.receiver, dossier.Command{Action: dossier.ActForward, AssigneeID: k.receiver.UserID}, failure.Invalid},
			{k.receiver, dossier.Command{Action: dossier.ActForward, Version: 9}, failure.Conflict},
		} {
			c.cmd.DossierID = a.ID
			if c.cmd.Version == 0 {
				c.cmd.Version = a.Version
			}
			c.cmd.At = vnTime(2026, 3, 2, 10, 0)
			if _, err := db.Act(ctx, c.who, c.cmd); !failure.Is(err, c.want) {
				t.Errorf("%s: %v, want %s", c.cmd.Action, err, c.want)
			}
		}
		if got, _ := db.Dossier(ctx, a.ID); got.Version != 1 {
			t.Fatalf("a refused action changed the dossier: version %d", got.Version)
		}
		// Sent back by the leader, apologised for, then stopped.
		a = k.act(t, k.receiver, a, dossier.Command{Action: dossier.ActForward, At: vnTime(2026, 3, 2, 10, 0)})
		a = k.act(t, k.handler, a, dossier.Command{Action: dossier.ActForward, At: vnTime(2026, 3, 3, 10, 0)})
		a = k.act(t, k.approver, a, dossier.Command{Action: dossier.ActSendBack, Reason: "Thiếu chữ ký", At: vnTime(2026, 3, 3, 11, 0)})
		if a.StepIndex != 1 || a.State != dossier.Processing {
			t.Fatalf("sent back to step %d", a.StepIndex)
		}
		newDue := vnTime(2026, 3, 10, 9, 0)
		a = k.act(t, k.approver, a, dossier.Command{Action: dossier.ActApologise, Reason: "Cần xác minh thêm", NewDue: newDue,
			At: vnTime(2026, 3, 4, 9, 0)})
		if a.Apologies != 1 || !a.ExtendedDue.Equal(newDue) || !a.DueShown().Equal(newDue) || !a.Due.Equal(vnTime(2026, 3, 5, 9, 0)) {
			t.Fatalf("apology: %+v", a)
		}
		a = k.act(t, k.approver, a, dossier.Command{Action: dossier.ActStop, Reason: "Không đủ điều kiện", At: vnTime(2026, 3, 4, 10, 0)})
		if a.State != dossier.Stopped || a.ClosingReason != "Không đủ điều kiện" {
			t.Fatalf("stopped: %+v", a)
		}
		// Withdrawn at the desk while waiting for a supplement.
		b := recv("b")
		b = k.act(t, k.receiver, b, dossier.Command{Action: dossier.ActRequest, Items: []dossier.SupplementItem{{Name: "Tờ khai", Reason: "Sai tên"}},
			At: vnTime(2026, 3, 2, 10, 0)})
		b = k.act(t, k.receiver, b, dossier.Command{Action: dossier.ActWithdraw, Reason: "Người nộp rút hồ sơ", At: vnTime(2026, 3, 3, 10, 0)})
		if b.State != dossier.Withdrawn {
			t.Fatalf("withdrawn: %s", b.State)
		}
		late, err := db.ListDossiers(ctx, store.DossierFilter{Overdue: vnTime(2026, 4, 1, 9, 0)})
		if err != nil || len(late) != 0 {
			t.Fatalf("closed dossiers listed as overdue: %d, %v", len(late), err)
		}
		found, err := db.ListDossiers(ctx, store.DossierFilter{Query: "nguyen thi huong", Under: []string{k.commune.Path}})
		if err != nil || len(found) != 2 {
			t.Fatalf("search without diacritics: %d, %v", len(found), err)
		}
		rep, err := db.VerifyHistory(ctx)
		if err != nil || len(rep.Problems) != 0 {
			t.Fatalf("verify: %+v, %v", rep, err)
		}
		// Tampering is detected: an edited event, then a deleted dossier.
		if err := db.ExecForTest(ctx, `UPDATE dossier_events SET detail = '{}' WHERE dossier_id = $1 AND seq = 2`, a.ID); err != nil {
			t.Fatal(err)
		}
		if rep, _ := db.VerifyHistory(ctx); len(rep.Problems) != 1 || rep.Problems[0].Seq != 2 {
			t.Fatalf("edited event: %+v", rep.Problems)
		}
		for _, q := range []string{`DELETE FROM dossier_steps WHERE dossier_id = $1`, `DELETE FROM dossier_events WHERE dossier_id = $1`,
			`DELETE FROM dossiers WHERE id = $1`} {
			if err := db.ExecForTest(ctx, q, b.ID); err != nil {
				t.Fatal(err)
			}
		}
		if rep, _ := db.VerifyHistory(ctx); len(rep.Problems) != 2 {
			t.Fatalf("deleted dossier: %+v", rep.Problems)
		}
	})
}
