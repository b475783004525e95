package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/report"
)

// rollupRow is the counters of one rollup row (an agency and a day, month or year).
type rollupRow struct {
	unitID, period string
	sums           report.Sums
}

// values are the row's statement parameters: agency, period, then the counters in
// report.Columns order.
func (r rollupRow) values() []any {
	out := make([]any, 0, 2+len(r.sums))
	out = append(out, r.unitID, r.period)
	for _, v := range r.sums {
		out = append(out, v)
	}
	return out
}

// rollupTable is one level of the rollups: the counters per agency and day, month or
// year, keyed by the first keyLen characters of the day (2024-03-15, 2024-03, 2024).
type rollupTable struct {
	name, col string
	keyLen    int
}

// The rollup levels, finest first. Reports read whole years from the yearly table, whole
// months from the monthly one and edge days from the daily one (rollupSegments), so a
// running sum since the beginning reads one row per agency and year, not per month.
var (
	rollupDaily   = rollupTable{"rollup_daily", "day", 10}
	rollupMonthly = rollupTable{"rollup_monthly", "month", 7}
	rollupYearly  = rollupTable{"rollup_yearly", "year", 4}
	rollupLevels  = [...]rollupTable{rollupDaily, rollupMonthly, rollupYearly}
)

// rollupSet is rows to add or compare, per level in rollupLevels order.
type rollupSet [len(rollupLevels)][]rollupRow

func (s rollupSet) len() int {
	n := 0
	for _, rows := range s {
		n += len(rows)
	}
	return n
}

// groupDeltas folds cell deltas into rows per level (day, month, year), in a stable
// order.
func groupDeltas(deltas []report.Delta) rollupSet {
	var maps [len(rollupLevels)]map[[2]string]*report.Sums
	for i := range maps {
		maps[i] = map[[2]string]*report.Sums{}
	}
	for _, d := range deltas {
		for i, level := range rollupLevels {
			key := [2]string{d.UnitID, d.Day[:level.keyLen]}
			s := maps[i][key]
			if s == nil {
				s = &report.Sums{}
				maps[i][key] = s
			}
			s[d.Counter] += int64(d.N)
		}
	}
	var out rollupSet
	for i, m := range maps {
		out[i] = sortedRows(m)
	}
	return out
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

// rollupUpsertRows is the statement adding n rows' counters to a rollup table, with
// parameters written the bulk path's way (q).
func rollupUpsertRows(t rollupTable, n int, q bulkSQL) string {
	cols := strings.Join(report.Columns[:], ", ")
	sets := make([]string, len(report.Columns))
	for i, c := range report.Columns {
		sets[i] = fmt.Sprintf("%s = %s.%s + excluded.%s", c, t.name, c, c)
	}
	return fmt.Sprintf(`INSERT INTO %s (unit_id, %s, %s) VALUES %s ON CONFLICT (unit_id, %s) DO UPDATE SET %s`,
		t.name, t.col, cols, q.values(n, 2+len(report.Columns)), t.col, strings.Join(sets, ", "))
}

// insertRollupRows adds rows to the rollups for rebuilds and bulk loads: multi-row upserts
// bounded by q's parameter limit (the rows are distinct keys, as groupDeltas makes them),
// written in key order so concurrent transactions on PostgreSQL lock them in the same
// order. An action writes its few rows through rollTransition.
func insertRollupRows(ctx context.Context, tx *sql.Tx, set rollupSet, q bulkSQL) error {
	for i, level := range rollupLevels {
		rows := make([][]any, len(set[i]))
		for j, r := range set[i] {
			rows[j] = r.values()
		}
		err := q.exec(ctx, tx, rows, func(n, _ int) string { return rollupUpsertRows(level, n, q) })
		if err != nil {
			return fmt.Errorf("write %s: %w", level.name, err)
		}
	}
	return nil
}

// rollTransition updates the rollups for a dossier going from old to new through w.
func rollTransition(ctx context.Context, w execer, old, new dossier.Dossier) error {
	for _, st := range rollupStatements(groupDeltas(report.Diff(old, new))) {
		if _, err := w.ExecContext(ctx, st.query, st.args...); err != nil {
			return fmt.Errorf("write rollups: %w", err)
		}
	}
	return nil
}

// rollupStatements is the single-row upserts adding an action's few rows, in key order
// per level: the same few texts every time, so they stay prepared.
func rollupStatements(set rollupSet) []stmt {
	texts := rollupOneRow()
	var out []stmt
	for i := range rollupLevels {
		for _, r := range set[i] {
			out = append(out, stmt{texts[i], r.values()})
		}
	}
	return out
}

// rollupOneRow is each level's single-row upsert.
var rollupOneRow = sync.OnceValue(func() (texts [len(rollupLevels)]string) {
	for i, level := range rollupLevels {
		texts[i] = rollupUpsertRows(level, 1, bulkSQL{maxParams: 1000}) // numbered, read by both databases
	}
	return texts
})
