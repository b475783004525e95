package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/report"
)

// rollupRow is the counters of one rollup row (an agency and a day or month).
type rollupRow struct {
	unitID, period string
	sums           report.Sums
}

// groupDeltas folds cell deltas into rows, per day and per month, in a stable order.
func groupDeltas(deltas []report.Delta) (daily, monthly []rollupRow) {
	byDay, byMonth := map[[2]string]*report.Sums{}, map[[2]string]*report.Sums{}
	for _, d := range deltas {
		for _, g := range []struct {
			m   map[[2]string]*report.Sums
			key [2]string
		}{{byDay, [2]string{d.UnitID, d.Day}}, {byMonth, [2]string{d.UnitID, d.Day[:7]}}} {
			s := g.m[g.key]
			if s == nil {
				s = &report.Sums{}
				g.m[g.key] = s
			}
			s[d.Counter] += int64(d.N)
		}
	}
	return sortedRows(byDay), sortedRows(byMonth)
}

func sortedRows(m map[[2]string]*report.Sums) []rollupRow {
	out := make([]rollupRow, 0, len(m))
	for k, s := range m {
		out = append(out, rollupRow{k[0], k[1], *s})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].unitID != out[j].unitID {
			return out[i].unitID < out[j].unitID
		}
		return out[i].period < out[j].period
	})
	return out
}

// rollupUpsertRows is the statement adding n rows' counters to a rollup table.
func rollupUpsertRows(table, periodCol string, n int) string {
	cols := strings.Join(report.Columns[:], ", ")
	sets := make([]string, len(report.Columns))
	for i, c := range report.Columns {
		sets[i] = fmt.Sprintf("%s = %s.%s + excluded.%s", c, table, c, c)
	}
	width := 2 + len(report.Columns)
	values := make([]string, n)
	for i := range n {
		values[i] = "(" + placeholders(1+i*width, width) + ")"
	}
	return fmt.Sprintf(`INSERT INTO %s (unit_id, %s, %s) VALUES %s ON CONFLICT (unit_id, %s) DO UPDATE SET %s`,
		table, periodCol, cols, strings.Join(values, ", "), periodCol, strings.Join(sets, ", "))
}

// applyRollups adds cell deltas to the daily and monthly rollups through tx. Rows are
// written in key order so concurrent transactions on PostgreSQL lock them in the same
// order.
func applyRollups(ctx context.Context, tx *sql.Tx, deltas []report.Delta) error {
	if len(deltas) == 0 {
		return nil
	}
	daily, monthly := groupDeltas(deltas)
	return insertRollupRows(ctx, tx, daily, monthly)
}

// rollTransition updates the rollups for a dossier going from old to new.
func rollTransition(ctx context.Context, tx *sql.Tx, old, new dossier.Dossier) error {
	return applyRollups(ctx, tx, report.Diff(old, new))
}
