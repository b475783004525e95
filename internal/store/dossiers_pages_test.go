package store_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/store/storetest"
)

// TestIntakePagesWritten counts the pages one intake writes to SQLite's log, alone in its
// transaction: the cost that sets the intake's rate against a raw one-row insert (two
// pages), since every changed page is one frame appended at commit (docs/benchmarks.md,
// "Intake against the raw insert"). It fails when a new index or table on the intake's
// path raises the count above the bound; lower the bound when the count falls.
func TestIntakePagesWritten(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	k := newDesk(t, db)
	day := vnTime(2026, 3, 2, 9, 0)
	i := 0
	receive := func(n int, keyed bool) func() error {
		return func() error {
			for range n {
				i++
				key := ""
				if keyed {
					key = fmt.Sprintf("key-%d", i)
				}
				if _, err := db.Receive(ctx, k.receiver, k.request(key, day.Add(time.Duration(i)*time.Second))); err != nil {
					return err
				}
			}
			return nil
		}
	}
	// Warm up: the statements prepared, the day's sequence and rollup rows created.
	if err := receive(20, false)(); err != nil {
		t.Fatal(err)
	}
	const n = 100
	for _, c := range []struct {
		name  string
		keyed bool
		bound float64
	}{{"without idempotency key", false, 16.5}, {"with idempotency key", true, 17.5}} {
		frames, byTree, err := db.WALFramesForTest(ctx, receive(n, c.keyed))
		if err != nil {
			t.Fatal(err)
		}
		per := float64(frames) / n
		var trees []string
		for _, name := range slices.Sorted(maps.Keys(byTree)) {
			trees = append(trees, fmt.Sprintf("%s %.2f", name, float64(byTree[name])/n))
		}
		t.Logf("%s: %d pages for %d intakes, %.1f per intake: %s", c.name, frames, n, per, strings.Join(trees, ", "))
		if per > c.bound {
			t.Errorf("%s: %.1f pages per intake, want at most %.1f", c.name, per, c.bound)
		}
	}
}
