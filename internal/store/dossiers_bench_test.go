package store_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// BenchmarkReceive measures one complete intake transaction (intake block, code from the
// daily sequence, appointment, dossier, components, first control-slip row and chained
// history event) with 1 and 8 concurrent clients on each database.
//
//	go test ./internal/store -run XXX -bench Receive -benchtime 2000x
func BenchmarkReceive(b *testing.B) {
	for _, engine := range []struct {
		name string
		open func(testing.TB) *store.DB
	}{{"sqlite", storetest.SQLite}, {"postgres", storetest.Postgres}} {
		for _, clients := range []int{1, 8} {
			b.Run(fmt.Sprintf("%s/clients=%d", engine.name, clients), func(b *testing.B) {
				db := engine.open(b)
				k := newDesk(b, db)
				ctx := context.Background()
				day := time.Date(2026, 3, 2, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))
				var n atomic.Int64
				b.SetParallelism(clients)
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						i := n.Add(1)
						// Spread over days so no single day passes the sequence's bound.
						req := k.request("", day.AddDate(0, 0, int(i/5000)))
						if _, err := db.Receive(ctx, k.receiver, req); err != nil {
							b.Error(err)
							return
						}
					}
				})
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "dossiers/s")
			})
		}
	}
}
