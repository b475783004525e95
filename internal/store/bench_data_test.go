package store_test

import (
	"context"
	"maps"
	"slices"
	"testing"

	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestBulkLoadRestoresIndexes: the bulk load drops the dossiers' secondary indexes and its
// end builds the same ones again; the primary key and unique constraints stay throughout.
func TestBulkLoadRestoresIndexes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		before, err := db.SecondaryIndexesForTest(ctx, "dossiers")
		if err != nil {
			t.Fatal(err)
		}
		if len(before) < 3 {
			t.Fatalf("secondary indexes before the load: %v", slices.Sorted(maps.Keys(before)))
		}
		end, err := db.BeginBulkLoad(ctx)
		if err != nil {
			t.Fatal(err)
		}
		during, err := db.SecondaryIndexesForTest(ctx, "dossiers")
		if err != nil || len(during) != 0 {
			t.Fatalf("during the load: %v %v", during, err)
		}
		if err := end(ctx); err != nil {
			t.Fatal(err)
		}
		after, err := db.SecondaryIndexesForTest(ctx, "dossiers")
		if err != nil || !maps.Equal(before, after) {
			t.Fatalf("after the load: %v, want %v (%v)", after, before, err)
		}
	})
}
