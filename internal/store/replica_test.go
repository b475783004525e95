package store_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// replicaDSNs are the two engines' fresh databases for the replica tests.
func replicaDSNs(t *testing.T) map[string]string {
	return map[string]string{
		"sqlite":   filepath.Join(t.TempDir(), "primary.db"),
		"postgres": storetest.PostgresDSN(t),
	}
}

func openWith(t *testing.T, dsn string, opts store.Options) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dsn, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestReadReplicaPath: with a replica configured (here the same database, opened through
// the read-only path: default_transaction_read_only on PostgreSQL, mode=ro on SQLite)
// reports, breakdowns, the monthly trend and the public ratings read through it and agree
// with the primary, and a write through that handle fails.
func TestReadReplicaPath(t *testing.T) {
	for name, dsn := range replicaDSNs(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			primary := openWith(t, dsn, store.Options{})
			if err := primary.Migrate(ctx, nil); err != nil {
				t.Fatal(err)
			}
			k := newDesk(t, primary)
			for i, day := range []int{2, 3, 9, 20} {
				if _, err := primary.Receive(ctx, k.receiver, k.request(string(rune('a'+i)), vnTime(2026, 3, day, 9, 0))); err != nil {
					t.Fatal(err)
				}
			}
			withReplica := openWith(t, dsn, store.Options{ReplicaDSN: dsn})
			if !withReplica.ReportsFromReplicaForTest() {
				t.Fatalf("reports do not read from the replica: %+v", withReplica.Replica())
			}
			q := store.StatsQuery{From: vnTime(2026, 3, 1, 0, 0), To: vnTime(2026, 3, 31, 0, 0), Today: vnTime(2026, 3, 31, 12, 0)}
			want, err := primary.Stats(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			got, err := withReplica.Stats(ctx, q)
			if err != nil || got != want || got.Received() != 4 {
				t.Fatalf("stats through the replica: %v\n%+v\n%+v", err, got, want)
			}
			byUnit, err := withReplica.StatsByUnit(ctx, store.StatsQuery{Under: []string{k.commune.Path}, From: q.From, To: q.To, Today: q.Today})
			if err != nil || len(byUnit) == 0 {
				t.Fatalf("breakdown through the replica: %v %v", byUnit, err)
			}
			months, _, err := withReplica.StatsByMonth(ctx, nil, 2026, q.Today)
			if err != nil || months[2].Received() != 4 {
				t.Fatalf("trend through the replica: %v %+v", err, months[2])
			}
			if _, err := withReplica.RatingSummary(ctx, nil, q.From, q.Today); err != nil {
				t.Fatalf("ratings through the replica: %v", err)
			}
			err = withReplica.ReplicaExecForTest(ctx, `UPDATE rollup_daily SET received_desk = received_desk + 1`)
			if err == nil || !strings.Contains(err.Error(), "readonly") && !strings.Contains(err.Error(), "read-only") {
				t.Fatalf("a write through the read-only handle: %v", err)
			}
			t.Logf("refused: %v", err)
			if again, _ := primary.Stats(ctx, q); again != want {
				t.Fatal("the refused write changed the figures")
			}
		})
	}
}

// TestReplicaUnreachable: a replica that cannot be reached at start does not stop the
// server, and reports read from the primary meanwhile.
func TestReplicaUnreachable(t *testing.T) {
	for name, dsn := range replicaDSNs(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			bad := filepath.Join(t.TempDir(), "no-such-replica.db")
			if name == "postgres" {
				bad = "postgres://postgres@127.0.0.1:1/test?sslmode=disable&connect_timeout=1"
			}
			db := openWith(t, dsn, store.Options{ReplicaDSN: bad})
			if err := db.Migrate(ctx, nil); err != nil {
				t.Fatal(err)
			}
			if db.ReportsFromReplicaForTest() {
				t.Fatal("reports read from an unreachable replica")
			}
			st := db.Replica()
			if !st.Configured || st.Healthy || !strings.Contains(st.Err, "unreachable") {
				t.Fatalf("state %+v", st)
			}
			if _, err := db.Stats(ctx, store.StatsQuery{From: time.Now().AddDate(0, -1, 0), To: time.Now()}); err != nil {
				t.Fatalf("stats with the replica down: %v", err)
			}
			if err := db.Ping(ctx); err != nil {
				t.Fatalf("the primary is reported down with the replica: %v", err)
			}
		})
	}
}
