package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestStatsFromRollups runs a small month through the engine and checks every figure, then
// that verify agrees, notices a tampered cell, and rebuild repairs it.
func TestStatsFromRollups(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newDesk(t, db)
		recv := func(key string, at time.Time, ch dossier.Channel) dossier.Dossier {
			req := k.request(key, at)
			req.Channel = ch
			d, err := db.Receive(ctx, k.receiver, req)
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		// Carried over: received in February, still open on 1 March.
		old := recv("feb", vnTime(2026, 2, 26, 9, 0), dossier.AtDesk)
		// March: 4 received (desk, post, online, desk); one early, one late, one stopped, one open.
		a := recv("a", vnTime(2026, 3, 2, 9, 0), dossier.AtDesk)
		b := recv("b", vnTime(2026, 3, 3, 9, 0), dossier.ByPost)
		c := recv("c", vnTime(2026, 3, 4, 9, 0), dossier.Online)
		e := recv("e", vnTime(2026, 3, 20, 9, 0), dossier.AtDesk)
		forwardAll := func(d dossier.Dossier, at time.Time) dossier.Dossier {
			d = k.act(t, k.receiver, d, dossier.Command{Action: dossier.ActForward, At: at})
			d = k.act(t, k.handler, d, dossier.Command{Action: dossier.ActForward, At: at})
			return k.act(t, k.approver, d, dossier.Command{Action: dossier.ActForward, At: at})
		}
		a = forwardAll(a, vnTime(2026, 3, 3, 10, 0))  // early (due 5 Mar)
		b = forwardAll(b, vnTime(2026, 3, 11, 10, 0)) // late (due 6 Mar)
		k.act(t, k.receiver, b, dossier.Command{Action: dossier.ActReturn, Channel: dossier.AtDesk, Electronic: true, At: vnTime(2026, 3, 12, 9, 0)})
		k.act(t, k.approver, c, dossier.Command{Action: dossier.ActStop, Reason: "Không đủ điều kiện", At: vnTime(2026, 3, 5, 9, 0)})
		_ = e
		if _, err := db.RefuseIntake(ctx, k.receiver, k.request("r", vnTime(2026, 3, 9, 9, 0)), "Không thuộc thẩm quyền"); err != nil {
			t.Fatal(err)
		}
		_ = old

		march := store.StatsQuery{From: vnTime(2026, 3, 1, 0, 0), To: vnTime(2026, 3, 31, 0, 0), Today: vnTime(2026, 3, 31, 12, 0)}
		s, err := db.Stats(ctx, march)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int64{"received": s.Received(), "desk": s.ReceivedDesk, "post": s.ReceivedPost, "online": s.ReceivedOnline,
			"carried": s.CarriedOver, "on_time": s.OnTime(), "cohort_late": s.CohortLate, "resolved": s.Resolved(),
			"resolved_late": s.ResolvedLate, "in_progress": s.InProgress, "overdue": s.InProgressOverdue,
			"stopped": s.Stopped, "refused": s.Refused, "returned": s.Returned, "electronic": s.Electronic, "digitised": s.Digitised}
		want := map[string]int64{"received": 4, "desk": 2, "post": 1, "online": 1, "carried": 1, "on_time": 1, "cohort_late": 1,
			"resolved": 2, "resolved_late": 1, "in_progress": 2, "overdue": 2, "stopped": 1, "refused": 1, "returned": 1,
			"electronic": 1, "digitised": 4}
		for key, w := range want {
			if got[key] != w {
				t.Errorf("%s = %d, want %d", key, got[key], w)
			}
		}
		if r := s.OnTimeRate(); r.Num != 1 || r.Den != 4 {
			t.Errorf("on-time rate %+v", r)
		}
		// A mid-month range uses the daily cells; an empty unit or period counts zero.
		mid, _ := db.Stats(ctx, store.StatsQuery{From: vnTime(2026, 3, 3, 0, 0), To: vnTime(2026, 3, 4, 0, 0), Today: march.Today})
		if mid.Received() != 2 || mid.CarriedOver != 2 {
			t.Errorf("3–4 March: received %d, carried %d", mid.Received(), mid.CarriedOver)
		}
		none, _ := db.Stats(ctx, store.StatsQuery{Under: []string{k.other.Path}, From: march.From, To: march.To, Today: march.Today})
		if none.Received() != 0 || none.InProgress != 0 {
			t.Errorf("another commune: %+v", none)
		}
		if _, err := db.Stats(ctx, store.StatsQuery{From: march.To, To: march.From}); !failure.Is(err, failure.Invalid) {
			t.Errorf("reversed period: %v", err)
		}

		if diffs, err := db.VerifyRollups(ctx); err != nil || len(diffs) != 0 {
			t.Fatalf("verify: %+v %v", diffs, err)
		}
		if err := db.ExecForTest(ctx, `UPDATE rollup_daily SET received_post = received_post + 5 WHERE day = '2026-03-03'`); err != nil {
			t.Fatal(err)
		}
		diffs, _ := db.VerifyRollups(ctx)
		if len(diffs) != 1 || diffs[0].Counter != "received_post" || diffs[0].Stored != 6 || diffs[0].Recounted != 1 {
			t.Fatalf("tampered: %+v", diffs)
		}
		if _, err := db.RebuildRollups(ctx); err != nil {
			t.Fatal(err)
		}
		if diffs, _ := db.VerifyRollups(ctx); len(diffs) != 0 {
			t.Fatalf("after rebuild: %+v", diffs)
		}
		// The yearly level is verified too, and a whole year reads the same as its months.
		if err := db.ExecForTest(ctx, `UPDATE rollup_yearly SET refused = refused + 1 WHERE year = '2026'`); err != nil {
			t.Fatal(err)
		}
		if diffs, _ := db.VerifyRollups(ctx); len(diffs) != 1 || diffs[0].Table != "rollup_yearly" {
			t.Fatalf("tampered year: %+v", diffs)
		}
		if _, err := db.RebuildRollups(ctx); err != nil {
			t.Fatal(err)
		}
		year, err := db.Stats(ctx, store.StatsQuery{From: vnTime(2026, 1, 1, 0, 0), To: vnTime(2026, 12, 31, 0, 0), Today: march.Today})
		if err != nil {
			t.Fatal(err)
		}
		if year.Received() != 5 || year.Refused != 1 || year.CarriedOver != 0 || year.InProgress != s.InProgress {
			t.Errorf("2026: received %d, refused %d, carried %d, in progress %d", year.Received(), year.Refused,
				year.CarriedOver, year.InProgress)
		}
	})
}

// TestCountDossiersFilters: the count honours every filter the list does.
func TestCountDossiersFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newDesk(t, db)
		for i, at := range []time.Time{vnTime(2026, 3, 2, 9, 0), vnTime(2026, 3, 3, 9, 0), vnTime(2026, 3, 4, 9, 0)} {
			d, err := db.Receive(ctx, k.receiver, k.request("", at))
			if err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				k.act(t, k.approver, d, dossier.Command{Action: dossier.ActStop, Reason: "x", At: vnTime(2026, 3, 2, 10, 0)})
			}
		}
		for _, f := range []store.DossierFilter{
			{States: []dossier.State{dossier.Received}},
			{From: vnTime(2026, 3, 3, 0, 0)},
			{Query: "260304"},
			{Overdue: vnTime(2026, 3, 7, 0, 0)},
		} {
			list, _ := db.ListDossiers(ctx, f)
			n, err := db.CountDossiers(ctx, f)
			if err != nil || n != len(list) || n == 0 {
				t.Errorf("%+v: count %d, list %d, %v", f, n, len(list), err)
			}
		}
	})
}
