package store_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/unit"
)

// TestIntakeGroups: many concurrent intakes, written in groups, at two agencies over two
// days, with repeated idempotency keys (so some groups fail and are written again one by
// one), give each day of each agency an unbroken run of numbers, one dossier per key,
// chains that verify and rollups equal to a recount.
func TestIntakeGroups(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newDesk(t, db)
		second := mustCreate(t, db, unit.Unit{Code: "08152.BP", Name: "Bộ phận một cửa xã Thanh Ba", Kind: unit.Centre,
			ParentID: k.commune.ID, AgencyCode: "000.00.42.H29"})
		days := []struct{ y, m, d int }{{2026, 3, 2}, {2026, 3, 3}}
		const clients, each = 12, 6
		var (
			wg    sync.WaitGroup
			mu    sync.Mutex
			byKey = map[string]string{} // idempotency key → dossier ID
			codes []string
		)
		for c := range clients {
			wg.Go(func() {
				for i := range each {
					day := days[(c+i)%2]
					req := k.request(fmt.Sprintf("c%d-%d", c, i), vnTime(2026, 3, day.d, 9, c))
					if i%3 == 0 {
						req.IdempotencyKey = fmt.Sprintf("shared-%d", i) // the same request from several clients
					}
					if c%2 == 1 {
						req.UnitID = second.ID
						req.IdempotencyKey = "b-" + req.IdempotencyKey
					}
					d, err := db.Receive(ctx, k.receiver, req)
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					if prev, ok := byKey[req.IdempotencyKey]; ok && prev != d.ID {
						t.Errorf("key %s: dossiers %s and %s", req.IdempotencyKey, prev, d.ID)
					} else if !ok {
						byKey[req.IdempotencyKey] = d.ID
						codes = append(codes, d.Code)
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		// Per agency and day, the numbers run from 1 without a gap.
		runs := map[string][]string{}
		for _, c := range codes {
			i := strings.LastIndex(c, "-")
			runs[c[:i]] = append(runs[c[:i]], c[i+1:])
		}
		total := 0
		for prefix, nums := range runs {
			sort.Strings(nums)
			for i, n := range nums {
				if want := fmt.Sprintf("%04d", i+1); n != want {
					t.Fatalf("%s: numbers %v, want 0001…%04d", prefix, nums, len(nums))
				}
			}
			total += len(nums)
		}
		if len(runs) != 4 || total != len(byKey) {
			t.Fatalf("%d runs, %d codes for %d keys", len(runs), total, len(byKey))
		}
		rep, err := db.VerifyHistory(ctx)
		if err != nil || len(rep.Problems) != 0 || rep.Dossiers != len(byKey) {
			t.Fatalf("verify: %+v, %v", rep, err)
		}
		if diffs, err := db.VerifyRollups(ctx); err != nil || len(diffs) != 0 {
			t.Fatalf("rollups: %+v, %v", diffs, err)
		}
	})
}
