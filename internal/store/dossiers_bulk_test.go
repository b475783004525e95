package store_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// bulkDesk is the desk with what the bulk path takes from the store once: the agency,
// its calendar, the version in force and the workflow.
type bulkDesk struct {
	desk
	cal *calendar.Calendar
	v   procedure.Version
	wf  procedure.Workflow
}

func newBulkDesk(t testing.TB, db *store.DB) bulkDesk {
	t.Helper()
	ctx := context.Background()
	k := newDesk(t, db)
	agency, err := db.Unit(ctx, k.agency.ID)
	if err != nil {
		t.Fatal(err)
	}
	k.agency = agency
	cal, err := db.CalendarFor(ctx, agency.ID)
	if err != nil {
		t.Fatal(err)
	}
	p, err := db.Procedure(ctx, k.code)
	if err != nil {
		t.Fatal(err)
	}
	v := p.Latest()
	wf, err := db.WorkflowFor(ctx, agency.ID, k.code, v.Limit)
	if err != nil {
		t.Fatal(err)
	}
	return bulkDesk{desk: k, cal: cal, v: v, wf: wf}
}

// play is one dossier's life: who does what, when.
type play struct {
	who auth.Actor
	cmd dossier.Command
}

// viaEngine receives (or, online, submits) and acts through the store, one transaction
// per step.
func (k bulkDesk) viaEngine(t *testing.T, req store.IntakeRequest, steps []play) dossier.Dossier {
	t.Helper()
	ctx := context.Background()
	var (
		d   dossier.Dossier
		err error
	)
	if req.Channel == dossier.Online {
		d, err = k.db.Submit(ctx, req)
	} else {
		d, err = k.db.Receive(ctx, k.receiver, req)
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range steps {
		d = k.act(t, s.who, d, s.cmd)
	}
	return d
}

// inMemory plays the same life on a BulkDossier.
func (k bulkDesk) inMemory(t *testing.T, req store.IntakeRequest, steps []play) *store.BulkDossier {
	t.Helper()
	var (
		b   *store.BulkDossier
		err error
	)
	if req.Channel == dossier.Online {
		b, err = store.NewBulkSubmission(k.agency, k.v, req, store.BulkOptions{})
	} else {
		b, err = store.NewBulkDossier(k.cal, k.agency, k.v, k.wf, req, k.receiver.UserID, store.BulkOptions{})
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range steps {
		if b.Dossier.State == dossier.Submitted && s.cmd.Action == dossier.ActReceive {
			err = b.Accept(k.cal, k.wf, s.cmd.At, s.who.UserID)
		} else {
			err = b.Act(k.cal, s.cmd, s.who.UserID)
		}
		if err != nil {
			t.Fatalf("%s: %v", s.cmd.Action, err)
		}
	}
	return b
}

// TestBulkDossiersMatchTheEngine plays the same lives through Receive, Submit and Act and
// through the bulk path, and finds the same rows: dossier, control slip and history, apart
// from IDs, codes, look-up secrets and hashes.
func TestBulkDossiersMatchTheEngine(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newBulkDesk(t, db)
		items := []dossier.SupplementItem{{Name: "Giấy tờ tùy thân", Reason: "Bản sao chưa chứng thực"}}
		lives := []struct {
			name  string
			req   store.IntakeRequest
			steps []play
		}{
			{"supplement across Tết, returned", k.request("", vnTime(2026, 2, 5, 9, 0)), []play{
				{k.receiver, dossier.Command{Action: dossier.ActForward, AssigneeID: k.handler.UserID, At: vnTime(2026, 2, 5, 10, 0)}},
				{k.handler, dossier.Command{Action: dossier.ActRequest, Items: items, At: vnTime(2026, 2, 5, 15, 0)}},
				{k.receiver, dossier.Command{Action: dossier.ActSupply, At: vnTime(2026, 2, 12, 14, 0)}},
				{k.handler, dossier.Command{Action: dossier.ActForward, Note: "Đủ điều kiện", At: vnTime(2026, 2, 13, 10, 0)}},
				{k.approver, dossier.Command{Action: dossier.ActForward, At: vnTime(2026, 2, 23, 15, 0)}},
				{k.receiver, dossier.Command{Action: dossier.ActReturn, Channel: dossier.AtDesk, Electronic: true, At: vnTime(2026, 2, 26, 9, 0)}},
			}},
			{"sent back, apologised for, stopped", k.request("", vnTime(2026, 2, 5, 8, 0)), []play{
				{k.receiver, dossier.Command{Action: dossier.ActForward, At: vnTime(2026, 2, 5, 8, 30)}},
				{k.handler, dossier.Command{Action: dossier.ActForward, At: vnTime(2026, 2, 6, 10, 0)}},
				{k.approver, dossier.Command{Action: dossier.ActSendBack, Reason: "Thiếu chữ ký", At: vnTime(2026, 2, 6, 11, 0)}},
				{k.approver, dossier.Command{Action: dossier.ActApologise, Reason: "Cần xác minh thêm", NewDue: vnTime(2026, 2, 27, 9, 0),
					At: vnTime(2026, 2, 9, 9, 0)}},
				{k.approver, dossier.Command{Action: dossier.ActStop, Reason: "Không đủ điều kiện", At: vnTime(2026, 2, 9, 10, 0)}},
			}},
			{"online at night, accepted, late", k.request("", vnTime(2026, 2, 5, 22, 0)), []play{
				{k.receiver, dossier.Command{Action: dossier.ActReceive, At: vnTime(2026, 2, 6, 7, 45)}},
				{k.receiver, dossier.Command{Action: dossier.ActAssign, AssigneeID: k.receiver.UserID, At: vnTime(2026, 2, 6, 8, 0)}},
				{k.receiver, dossier.Command{Action: dossier.ActForward, At: vnTime(2026, 2, 6, 9, 0)}},
				{k.handler, dossier.Command{Action: dossier.ActForward, At: vnTime(2026, 2, 26, 9, 0)}},
				{k.approver, dossier.Command{Action: dossier.ActForward, At: vnTime(2026, 2, 26, 10, 0)}},
			}},
			{"online, withdrawn before acceptance", k.request("", vnTime(2026, 2, 5, 23, 0)), []play{
				{k.receiver, dossier.Command{Action: dossier.ActWithdraw, Reason: "Người nộp xin rút", At: vnTime(2026, 2, 6, 8, 0)}},
			}},
		}
		lives[2].req.Channel = dossier.Online
		lives[3].req.Channel = dossier.Online
		var batch []*store.BulkDossier
		var engine []dossier.Dossier
		for _, l := range lives {
			engine = append(engine, k.viaEngine(t, l.req, l.steps))
			batch = append(batch, k.inMemory(t, l.req, l.steps))
		}
		refusal := k.request("", vnTime(2026, 2, 5, 10, 0))
		r, err := store.NewBulkRefusal(k.agency, k.v, refusal, "Không thuộc thẩm quyền", k.receiver.UserID, store.BulkOptions{})
		if err != nil {
			t.Fatal(err)
		}
		engineRefusal, err := db.RefuseIntake(ctx, k.receiver, refusal, "Không thuộc thẩm quyền")
		if err != nil {
			t.Fatal(err)
		}
		engine, batch = append(engine, engineRefusal), append(batch, r)

		if err := db.ImportDossiers(ctx, batch); err != nil {
			t.Fatal(err)
		}
		for i, b := range batch {
			want, got := read(t, db, engine[i].ID), read(t, db, b.Dossier.ID)
			if got.d.Code != b.Dossier.Code || got.d.HistoryHash != b.Dossier.HistoryHash || got.d.Version != len(b.Events) {
				t.Errorf("%d: the batch does not carry what was written: %q %q", i, b.Dossier.Code, got.d.Code)
			}
			if (want.d.Code == "") != (got.d.Code == "") {
				t.Errorf("%d: code %q, the engine's %q", i, got.d.Code, want.d.Code)
			}
			compareLives(t, fmt.Sprint(i), want, got)
		}
		// The engine numbered its three received dossiers of 5 February first; the import
		// continues the day in receipt order (08:00, 09:00, then 22:00), and so does the
		// next intake.
		codes := []string{batch[1].Dossier.Code, batch[0].Dossier.Code, batch[2].Dossier.Code}
		if want := []string{"000.00.41.H29-260205-0004", "000.00.41.H29-260205-0005", "000.00.41.H29-260205-0006"}; !slices.Equal(codes, want) {
			t.Fatalf("codes %v, want %v", codes, want)
		}
		next, err := db.Receive(ctx, k.receiver, k.request("", vnTime(2026, 2, 5, 16, 0)))
		if err != nil || next.Code != "000.00.41.H29-260205-0007" {
			t.Fatalf("next intake: %q %v", next.Code, err)
		}
		rep, err := db.VerifyHistory(ctx)
		if err != nil || len(rep.Problems) != 0 || rep.Dossiers != 11 {
			t.Fatalf("verify: %+v %v", rep, err)
		}
		if diffs, err := db.VerifyRollups(ctx); err != nil || len(diffs) != 0 {
			t.Fatalf("rollups: %+v %v", diffs, err)
		}
	})
}

type life struct {
	d      dossier.Dossier
	slip   []dossier.StepRecord
	events []dossier.Event
}

func read(t *testing.T, db *store.DB, id string) life {
	t.Helper()
	ctx := context.Background()
	d, err := db.Dossier(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	slip, err := db.ControlSlip(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	events, err := db.History(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return life{d, slip, events}
}

// compareLives compares two stored lives, blind to IDs, codes, secrets and hashes.
func compareLives(t *testing.T, name string, want, got life) {
	t.Helper()
	wantCode, gotCode := want.d.Code, got.d.Code
	for _, l := range []*life{&want, &got} {
		l.d.ID, l.d.Code, l.d.LookupSecret, l.d.HistoryHash = "", "", "", ""
		for i := range l.slip {
			l.slip[i].ID, l.slip[i].DossierID = "", ""
		}
		for i := range l.events {
			e := &l.events[i]
			e.ID, e.DossierID, e.PrevHash, e.Hash = "", "", "", ""
		}
	}
	for i := range want.events {
		if wantCode != "" {
			want.events[i].Detail = strings.ReplaceAll(want.events[i].Detail, wantCode, gotCode)
		}
	}
	if !reflect.DeepEqual(want.d, got.d) {
		t.Errorf("%s: dossier\n got %+v\nwant %+v", name, got.d, want.d)
	}
	if !reflect.DeepEqual(want.slip, got.slip) {
		t.Errorf("%s: control slip\n got %+v\nwant %+v", name, got.slip, want.slip)
	}
	if !reflect.DeepEqual(want.events, got.events) {
		t.Errorf("%s: history\n got %+v\nwant %+v", name, got.events, want.events)
	}
}

// TestImportDossiersNumbering imports batches larger than one statement around intakes
// through the engine: numbers follow receipt times per day with no gap, the sequence rows
// let Receive continue, a failed import writes nothing and leaves its batch as it was.
func TestImportDossiersNumbering(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newBulkDesk(t, db)
		if k.v.Frozen {
			t.Fatal("the version is frozen before any dossier")
		}
		build := func(n int, day int) []*store.BulkDossier {
			var out []*store.BulkDossier
			for i := range n {
				at := vnTime(2026, 3, day, 7, 30).Add(time.Duration(i) * 30 * time.Second)
				b, err := store.NewBulkDossier(k.cal, k.agency, k.v, k.wf, k.request("", at), k.receiver.UserID, store.BulkOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if err := b.Act(k.cal, dossier.Command{Action: dossier.ActForward, At: at.Add(10 * time.Minute)}, k.receiver.UserID); err != nil {
					t.Fatal(err)
				}
				out = append(out, b)
			}
			slices.Reverse(out) // the import orders by receipt time itself
			return out
		}
		if err := db.ImportDossiers(ctx, build(3, 2)); err != nil {
			t.Fatal(err)
		}
		if p, _ := db.Procedure(ctx, k.code); !p.Versions[0].Frozen {
			t.Fatal("the version used is not frozen")
		}
		if d, err := db.Receive(ctx, k.receiver, k.request("", vnTime(2026, 3, 2, 16, 0))); err != nil || !strings.HasSuffix(d.Code, "-260302-0004") {
			t.Fatalf("intake after the first import: %q %v", d.Code, err)
		}

		// 700 dossiers on 2 March (more than one INSERT of dossiers) and 5 on 3 March.
		batch := append(build(700, 2), build(5, 3)...)
		broken := append(slices.Clone(batch), build(1, 3)...)
		broken[len(broken)-1].Dossier.ProcedureVersionID = "no-such-version"
		if err := db.ImportDossiers(ctx, broken); err == nil {
			t.Fatal("an import with a bad row succeeded")
		}
		if batch[0].Dossier.Code != "" || batch[0].Events[0].Hash != "" {
			t.Fatal("the failed import changed its batch")
		}
		if err := db.ImportDossiers(ctx, batch); err != nil {
			t.Fatal(err)
		}
		if err := db.ImportDossiers(ctx, batch[:1]); err == nil {
			t.Fatal("a dossier imported twice")
		}
		slices.SortFunc(batch, func(a, b *store.BulkDossier) int { return a.Dossier.ReceivedAt.Compare(b.Dossier.ReceivedAt) })
		for i, b := range batch {
			want := fmt.Sprintf("000.00.41.H29-260302-%04d", i+5)
			if i >= 700 {
				want = fmt.Sprintf("000.00.41.H29-260303-%04d", i-699)
			}
			if b.Dossier.Code != want || b.Dossier.Version != 2 || b.Events[1].PrevHash != b.Events[0].Hash {
				t.Fatalf("%d: %s version %d, want %s", i, b.Dossier.Code, b.Dossier.Version, want)
			}
		}
		for day, want := range map[int]string{2: "0705", 3: "0006"} {
			d, err := db.Receive(ctx, k.receiver, k.request("", vnTime(2026, 3, day, 16, 30)))
			if err != nil || !strings.HasSuffix(d.Code, want) {
				t.Fatalf("intake on %d March after the import: %q %v", day, d.Code, err)
			}
		}
		found, err := db.ListDossiers(ctx, store.DossierFilter{Query: "260302-0600"})
		if err != nil || len(found) != 1 || found[0].StepIndex != 1 {
			t.Fatalf("search by an imported code: %+v %v", found, err)
		}
		rep, err := db.VerifyHistory(ctx)
		if err != nil || len(rep.Problems) != 0 || rep.Dossiers != 3+1+705+2 || rep.Events != 2*(3+705)+3 {
			t.Fatalf("verify: %d dossiers, %d events, %v, %v", rep.Dossiers, rep.Events, rep.Problems, err)
		}
		if diffs, err := db.VerifyRollups(ctx); err != nil || len(diffs) != 0 {
			t.Fatalf("rollups: %+v %v", diffs, err)
		}
	})
}

// BenchmarkImportDossiers measures ImportDossiers with batches of 1,000 complete
// dossiers (receipt, three forwards, return: 4 control-slip rows and 5 events each), the
// size of a commune's year in the demo.
//
//	go test ./internal/store -run XXX -bench ImportDossiers -benchtime 20x
func BenchmarkImportDossiers(b *testing.B) {
	for _, engine := range []struct {
		name string
		open func(testing.TB) *store.DB
	}{{"sqlite", storetest.SQLite}, {"postgres", storetest.Postgres}} {
		b.Run(engine.name, func(b *testing.B) {
			db := engine.open(b)
			k := newBulkDesk(b, db)
			ctx := context.Background()
			const size = 1000
			day := vnTime(2026, 3, 2, 7, 30)
			batches := make([][]*store.BulkDossier, b.N)
			for n := range b.N {
				for i := range size {
					at := day.AddDate(0, 0, n).Add(time.Duration(i) * 20 * time.Second)
					d, err := store.NewBulkDossier(k.cal, k.agency, k.v, k.wf, k.request("", at), k.receiver.UserID, store.BulkOptions{})
					if err != nil {
						b.Fatal(err)
					}
					for j, who := range []auth.Actor{k.receiver, k.handler, k.approver} {
						if err := d.Act(k.cal, dossier.Command{Action: dossier.ActForward, At: at.Add(time.Duration(j+1) * time.Hour)}, who.UserID); err != nil {
							b.Fatal(err)
						}
					}
					if err := d.Act(k.cal, dossier.Command{Action: dossier.ActReturn, Channel: dossier.AtDesk, At: at.Add(4 * time.Hour)}, k.receiver.UserID); err != nil {
						b.Fatal(err)
					}
					batches[n] = append(batches[n], d)
				}
			}
			b.ResetTimer()
			for n := range b.N {
				if err := db.ImportDossiers(ctx, batches[n]); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*size)/b.Elapsed().Seconds(), "dossiers/s")
		})
	}
}
