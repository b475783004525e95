package store_test

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/store/storetest"
)

// TestSchemasMatch keeps the two migration folders in step: the same tables with the same
// columns on SQLite and PostgreSQL.
func TestSchemasMatch(t *testing.T) {
	ctx := context.Background()
	lite := storetest.SQLite(t)
	pg := storetest.Postgres(t)
	a, err := lite.Columns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, err := pg.Columns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	flat := func(m map[string][]string) string {
		var out []string
		for table, cols := range m {
			sort.Strings(cols)
			out = append(out, table+"("+strings.Join(cols, ",")+")")
		}
		sort.Strings(out)
		return strings.Join(out, "\n")
	}
	if fa, fb := flat(a), flat(b); fa != fb {
		t.Fatalf("schemas differ:\nsqlite:\n%s\n\npostgres:\n%s", fa, fb)
	}
	if len(a) < 8 {
		t.Fatalf("only %d tables found", len(a))
	}
}
