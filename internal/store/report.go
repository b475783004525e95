package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/report"
	"github.com/motcua/motcua/internal/unit"
)

// StatsQuery selects the units and the period of a report.
type StatsQuery struct {
	Under    []string  // materialised paths of the units reported on (their subtrees); empty: all
	From, To time.Time // first and last day of the period (days in Vietnam, inclusive)
	// Today bounds the in-progress count: for a period that ends later, it is counted at
	// the end of today. Zero: the store's clock.
	Today time.Time
}

// Stats computes a report's figures from the rollups: the period's counters, and the
// running sums up to the day before it and up to its end (for carried-over and
// in-progress dossiers), read in one query (sumRanges).
func (db *DB) Stats(ctx context.Context, q StatsQuery) (report.Stats, error) {
	from, to, end, err := db.statsDays(q)
	if err != nil {
		return report.Stats{}, err
	}
	sums, err := db.sumRanges(ctx, q.Under, [][2]string{{from, to}, {"", dayBefore(from)}, {"", end}})
	if err != nil {
		return report.Stats{}, err
	}
	return report.StatsFrom(from, to, sums[0], sums[1], sums[2]), nil
}

// statsDays validates the period and returns its days and the day the in-progress count
// is taken.
func (db *DB) statsDays(q StatsQuery) (from, to, end string, err error) {
	if q.From.IsZero() || q.To.IsZero() {
		return "", "", "", failure.InvalidField("from", "report.period_required")
	}
	from, to = report.Day(q.From), report.Day(q.To)
	if to < from {
		return "", "", "", failure.InvalidField("to", "report.period_reversed")
	}
	today := q.Today
	if today.IsZero() {
		today = db.Now()
	}
	end = to
	if t := report.Day(today); t < end {
		end = t
	}
	return from, to, end, nil
}

func dayBefore(day string) string {
	t, _ := time.ParseInLocation("2006-01-02", day, calendar.Location())
	return report.Day(t.AddDate(0, 0, -1))
}

// sumRanges sums the counters of the units under the paths over each range of days
// (from empty: since the beginning) in one query: the ranges are split into rollup
// segments (rollupSegments), each distinct segment is read once (the running sums share
// their whole years), and the rows of one UNION ALL are added up per range.
func (db *DB) sumRanges(ctx context.Context, under []string, ranges [][2]string) ([]report.Sums, error) {
	out := make([]report.Sums, len(ranges))
	var segs []rollupSegment
	index := map[rollupSegment]int{}
	uses := make([][]int, len(ranges))
	for i, r := range ranges {
		for _, seg := range rollupSegments(r[0], r[1]) {
			j, ok := index[seg]
			if !ok {
				j = len(segs)
				index[seg] = j
				segs = append(segs, seg)
			}
			uses[i] = append(uses[i], j)
		}
	}
	if len(segs) == 0 {
		return out, nil
	}
	// The agencies are selected once for every segment (a materialised common table: on
	// PostgreSQL each segment's own subquery scanned the units again, a quarter of a
	// province's report over 1 million dossiers).
	var c conds
	with, agencies := "", ""
	if len(under) > 0 {
		with, agencies = "WITH agencies AS MATERIALIZED ("+agencyIDs(&c, under)+") ", "SELECT id FROM agencies"
	}
	parts := make([]string, len(segs))
	for j, seg := range segs {
		parts[j] = fmt.Sprintf(`SELECT '%d', %s FROM %s r WHERE %s`, j, sumColumns(), seg.table, seg.where(&c, agencies))
	}
	bySeg := make([]report.Sums, len(segs))
	err := db.groupedSums(ctx, with+strings.Join(parts, " UNION ALL "), c.args, func(key string, s report.Sums) {
		j, _ := strconv.Atoi(key)
		bySeg[j] = s
	})
	if err != nil {
		return nil, fmt.Errorf("sum rollups: %w", err)
	}
	for i, js := range uses {
		for _, j := range js {
			out[i].Add(bySeg[j])
		}
	}
	return out, nil
}

func nextMonth(m string) string {
	t, _ := time.Parse("2006-01", m)
	return t.AddDate(0, 1, 0).Format("2006-01")
}

func prevMonth(m string) string {
	t, _ := time.Parse("2006-01", m)
	return t.AddDate(0, -1, 0).Format("2006-01")
}

func isLastDayOfMonth(day string) bool {
	t, err := time.Parse("2006-01-02", day)
	return err == nil && t.AddDate(0, 0, 1).Day() == 1
}

// RollupDifference is one cell where the stored rollups and a recount disagree.
type RollupDifference struct {
	Table, UnitID, Period, Counter string
	Stored, Recounted              int64
}

// recount computes every dossier's contribution from the dossiers themselves.
func (db *DB) recount(ctx context.Context) (rollupSet, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+dossierColumns+` FROM dossiers d`)
	if err != nil {
		return rollupSet{}, fmt.Errorf("recount rollups: %w", err)
	}
	defer rows.Close()
	var deltas []report.Delta
	for rows.Next() {
		d, err := scanDossier(rows)
		if err != nil {
			return rollupSet{}, fmt.Errorf("recount rollups: %w", err)
		}
		deltas = append(deltas, report.Contribution(d)...)
	}
	if err := rows.Err(); err != nil {
		return rollupSet{}, fmt.Errorf("recount rollups: %w", err)
	}
	return groupDeltas(deltas), nil
}

// storedRollups reads a rollup table whole.
func (db *DB) storedRollups(ctx context.Context, table, col string) (map[[2]string]report.Sums, error) {
	out := map[[2]string]report.Sums{}
	rows, err := db.read.QueryContext(ctx, `SELECT unit_id, `+col+`, `+strings.Join(report.Columns[:], ", ")+` FROM `+table)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", table, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			unitID, period string
			s              report.Sums
		)
		ptrs := []any{&unitID, &period}
		for i := range s {
			ptrs = append(ptrs, &s[i])
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("read %s: %w", table, err)
		}
		out[[2]string{unitID, period}] = s
	}
	return out, rows.Err()
}

// VerifyRollups recounts the rollups from the dossiers and lists every cell that differs.
func (db *DB) VerifyRollups(ctx context.Context) ([]RollupDifference, error) {
	recounted, err := db.recount(ctx)
	if err != nil {
		return nil, err
	}
	var diffs []RollupDifference
	for i, level := range rollupLevels {
		stored, err := db.storedRollups(ctx, level.name, level.col)
		if err != nil {
			return nil, err
		}
		for _, r := range recounted[i] {
			k := [2]string{r.unitID, r.period}
			diffs = append(diffs, compareSums(level.name, k, stored[k], r.sums)...)
			delete(stored, k)
		}
		for k, s := range stored {
			diffs = append(diffs, compareSums(level.name, k, s, report.Sums{})...)
		}
	}
	return diffs, nil
}

func compareSums(table string, k [2]string, stored, recounted report.Sums) []RollupDifference {
	var out []RollupDifference
	for i := range stored {
		if stored[i] != recounted[i] {
			out = append(out, RollupDifference{Table: table, UnitID: k[0], Period: k[1], Counter: report.Columns[i],
				Stored: stored[i], Recounted: recounted[i]})
		}
	}
	return out
}

// RebuildRollups replaces the rollups with a recount from the dossiers, in one
// transaction.
func (db *DB) RebuildRollups(ctx context.Context) (int, error) {
	recounted, err := db.recount(ctx)
	if err != nil {
		return 0, err
	}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		for _, level := range rollupLevels {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+level.name); err != nil {
				return fmt.Errorf("clear %s: %w", level.name, err)
			}
		}
		return insertRollupRows(ctx, tx, recounted, db.bulkSQL())
	})
	if err != nil {
		return 0, fmt.Errorf("rebuild rollups: %w", err)
	}
	return recounted.len(), nil
}

// Reports under successor units (DOMAIN.md section 5). A unit retired by a
// reorganisation names its successors, and its dossiers keep their agencies: the rollups
// stay keyed by the agencies of the tree as it was. A retired unit belongs, for reports
// and for reading them, to any scope that holds all of its successors: a former commune
// to the commune it merged into, a former district split among six communes to the
// province that holds them, a former province to the province that replaced it.

// lineageChunk bounds the IDs of one IN list of the lineage queries.
const lineageChunk = 500

// SuccessorPaths returns, for each unit among ids that names successors, the materialised
// paths of its successors.
func (db *DB) SuccessorPaths(ctx context.Context, ids []string) (map[string][]string, error) {
	out := map[string][]string{}
	for start := 0; start < len(ids); start += lineageChunk {
		chunk := ids[start:min(start+lineageChunk, len(ids))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := queryAll(ctx, db.read, "successor paths", func(r interface{ Scan(...any) error }) ([2]string, error) {
			var x [2]string
			err := r.Scan(&x[0], &x[1])
			return x, err
		}, `SELECT s.unit_id, su.path FROM unit_successors s JOIN units su ON su.id = s.successor_id
			WHERE s.unit_id IN (`+placeholders(1, len(chunk))+`) ORDER BY s.unit_id, su.path`, args...)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[r[0]] = append(out[r[0]], r[1])
		}
	}
	return out, nil
}

// Predecessors returns the retired units whose figures belong to u's reports: every unit
// all of whose successors lie in u's subtree, or in the subtree of a unit found so
// (mergers in several steps). Only the outermost are returned, by path: a former district
// inside a former province that is returned too is covered by the province's path.
func (db *DB) Predecessors(ctx context.Context, u unit.Unit) ([]unit.Unit, error) {
	covered := []string{u.Path}
	under := func(p string) bool {
		for _, c := range covered {
			if strings.HasPrefix(p, c) {
				return true
			}
		}
		return false
	}
	var found []unit.Unit
	tried := map[string]bool{}
	for round := 0; round < 8; round++ {
		var c conds
		q := `SELECT DISTINCT s.unit_id FROM unit_successors s JOIN units su ON su.id = s.successor_id WHERE ` +
			c.anyUnder("su.path", covered)
		cands, err := queryAll(ctx, db.read, "predecessor candidates", func(r interface{ Scan(...any) error }) (string, error) {
			var id string
			err := r.Scan(&id)
			return id, err
		}, q, c.args...)
		if err != nil {
			return nil, err
		}
		cands = slices.DeleteFunc(cands, func(id string) bool { return tried[id] })
		if len(cands) == 0 {
			break
		}
		succ, err := db.SuccessorPaths(ctx, cands)
		if err != nil {
			return nil, err
		}
		var accepted []string
		for _, id := range cands {
			tried[id] = true
			if !slices.ContainsFunc(succ[id], func(p string) bool { return !under(p) }) {
				accepted = append(accepted, id)
			}
		}
		units, err := db.unitsByID(ctx, accepted)
		if err != nil {
			return nil, err
		}
		var grew bool
		for _, x := range units {
			if !under(x.Path) {
				found, covered, grew = append(found, x), append(covered, x.Path), true
			}
		}
		if !grew {
			break
		}
	}
	// The outermost only.
	var out []unit.Unit
	for _, x := range found {
		if !slices.ContainsFunc(found, func(y unit.Unit) bool { return y.ID != x.ID && strings.HasPrefix(x.Path, y.Path) }) {
			out = append(out, x)
		}
	}
	slices.SortFunc(out, func(a, b unit.Unit) int { return strings.Compare(a.Path, b.Path) })
	return out, nil
}

// unitsByID loads units by ID (without their successors), by path.
func (db *DB) unitsByID(ctx context.Context, ids []string) ([]unit.Unit, error) {
	var out []unit.Unit
	for start := 0; start < len(ids); start += lineageChunk {
		chunk := ids[start:min(start+lineageChunk, len(ids))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		units, err := queryAll(ctx, db.read, "units by id", scanUnit,
			`SELECT `+unitColumns+` FROM units u WHERE u.id IN (`+placeholders(1, len(chunk))+`) ORDER BY u.path`, args...)
		if err != nil {
			return nil, err
		}
		out = append(out, units...)
	}
	slices.SortFunc(out, func(a, b unit.Unit) int { return strings.Compare(a.Path, b.Path) })
	return out, nil
}
