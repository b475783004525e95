package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/portal"
	"github.com/motcua/motcua/internal/report"
)

// StatsByUnit computes the figures of every receiving agency under q.Under (every agency
// when empty) that has rollups, keyed by the agency's unit ID: the same sums as Stats,
// grouped by agency, in a fixed number of queries however many agencies there are. A
// report's breakdown adds up the agencies of each child unit; agencies without rollups
// are absent (their figures are all zero).
//
// The agencies are selected first and the rollups read through their primary key
// (unit_id, day), so SQLite seeks each agency's days instead of scanning the table.
func (db *DB) StatsByUnit(ctx context.Context, q StatsQuery) (map[string]report.Stats, error) {
	from, to, end, err := db.statsDays(q)
	if err != nil {
		return nil, err
	}
	var sums [3]map[string]report.Sums
	for i, r := range [][2]string{{from, to}, {"", dayBefore(from)}, {"", end}} {
		if sums[i], err = db.sumRangeByUnit(ctx, q.Under, r[0], r[1]); err != nil {
			return nil, err
		}
	}
	out := map[string]report.Stats{}
	for _, m := range sums {
		for id := range m {
			if _, done := out[id]; !done {
				out[id] = report.StatsFrom(from, to, sums[0][id], sums[1][id], sums[2][id])
			}
		}
	}
	return out, nil
}

// rollupSegment is a part of a range of days read from one rollup level: whole years,
// whole months or single days.
type rollupSegment struct {
	table, col, lo, hi string
}

// where adds to c the conditions that select the segment's rows of the agencies (a query
// of their IDs, agencyIDs; empty for every agency), and returns them joined (one query may
// hold several segments, sharing c's parameters).
func (seg rollupSegment) where(c *conds, agencies string) string {
	start := len(c.where)
	agenciesIn(c, agencies)
	c.add(fmt.Sprintf("r.%s >= %s", seg.col, c.arg(seg.lo)))
	c.add(fmt.Sprintf("r.%s <= %s", seg.col, c.arg(seg.hi)))
	return strings.Join(c.where[start:], " AND ")
}

// rollupSegments splits the days from..to (from empty: since the beginning) into whole
// years, read from the yearly rollup, and the rest into whole months, read from the
// monthly one, and the days before the first and after the last whole month, read from
// the daily one. A running sum since the beginning thus reads one row per agency and
// year, plus at most the months and days of the last year.
func rollupSegments(from, to string) []rollupSegment {
	if from != "" && to < from {
		return nil
	}
	firstFull := "0000"
	if from != "" {
		firstFull = from[:4]
		if from[5:] != "01-01" {
			firstFull = addYears(firstFull, 1)
		}
	}
	lastFull := to[:4]
	if to[5:] != "12-31" {
		lastFull = addYears(lastFull, -1)
	}
	if firstFull > lastFull {
		return monthSegments(from, to)
	}
	segs := []rollupSegment{{rollupYearly.name, rollupYearly.col, firstFull, lastFull}}
	if from != "" && from[:4] < firstFull {
		segs = append(segs, monthSegments(from, from[:4]+"-12-31")...)
	}
	if to[:4] > lastFull {
		segs = append(segs, monthSegments(to[:4]+"-01-01", to)...)
	}
	return segs
}

// monthSegments splits the days from..to of less than a calendar year's span into whole
// months and edge days.
func monthSegments(from, to string) []rollupSegment {
	firstFull := "0000-00"
	if from != "" {
		firstFull = from[:7]
		if !strings.HasSuffix(from, "-01") {
			firstFull = nextMonth(from[:7])
		}
	}
	lastFull := to[:7]
	if !isLastDayOfMonth(to) {
		lastFull = prevMonth(to[:7])
	}
	if firstFull > lastFull {
		lo := from
		if lo == "" {
			lo = "0000-00-00"
		}
		return []rollupSegment{{rollupDaily.name, rollupDaily.col, lo, to}}
	}
	segs := []rollupSegment{{rollupMonthly.name, rollupMonthly.col, firstFull, lastFull}}
	if from != "" && from[:7] < firstFull {
		segs = append(segs, rollupSegment{rollupDaily.name, rollupDaily.col, from, from[:7] + "-31"})
	}
	if to[:7] > lastFull {
		segs = append(segs, rollupSegment{rollupDaily.name, rollupDaily.col, to[:7] + "-01", to})
	}
	return segs
}

// addYears moves a four-digit year by n.
func addYears(year string, n int) string {
	y, _ := strconv.Atoi(year)
	return fmt.Sprintf("%04d", y+n)
}

// sumRangeByUnit sums the counters of each agency under the paths over the days from..to.
func (db *DB) sumRangeByUnit(ctx context.Context, under []string, from, to string) (map[string]report.Sums, error) {
	out := map[string]report.Sums{}
	for _, seg := range rollupSegments(from, to) {
		if err := db.sumTableByUnit(ctx, seg, under, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// sumTableByUnit adds one segment's sums per agency into out.
func (db *DB) sumTableByUnit(ctx context.Context, seg rollupSegment, under []string, out map[string]report.Sums) error {
	var c conds
	query := `SELECT r.unit_id, ` + sumColumns() + ` FROM ` + seg.table + ` r WHERE ` + seg.where(&c, agencyIDs(&c, under)) +
		` GROUP BY r.unit_id`
	err := db.groupedSums(ctx, query, c.args, func(id string, s report.Sums) {
		total := out[id]
		total.Add(s)
		out[id] = total
	})
	if err != nil {
		return fmt.Errorf("sum %s by unit: %w", seg.table, err)
	}
	return nil
}

// agencyIDs is the query of the IDs of the units under the paths, adding its parameters to
// c, or empty when paths is empty (every unit).
func agencyIDs(c *conds, under []string) string {
	if len(under) == 0 {
		return ""
	}
	return "SELECT u.id FROM units u WHERE " + c.anyUnder("u.path", under)
}

// agenciesUnder keeps the rollup rows r of the units under the paths (all when empty):
// the units are selected first, so the rollups are read through their primary key.
func agenciesUnder(c *conds, under []string) { agenciesIn(c, agencyIDs(c, under)) }

// agenciesIn keeps the rollup rows r of the agencies a query of IDs selects (all when
// the query is empty).
func agenciesIn(c *conds, agencies string) {
	if agencies != "" {
		c.add("r.unit_id IN (" + agencies + ")")
	}
}

// sumColumns is the select list summing every rollup counter of the rows r.
func sumColumns() string {
	sums := make([]string, len(report.Columns))
	for i, name := range report.Columns {
		sums[i] = "COALESCE(SUM(r." + name + "), 0)"
	}
	return strings.Join(sums, ", ")
}

// groupedSums runs a query whose rows are a key and the counters' sums, and hands each
// row to add.
func (db *DB) groupedSums(ctx context.Context, query string, args []any, add func(key string, s report.Sums)) error {
	rows, err := db.reports().QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			key string
			s   report.Sums
		)
		ptrs := []any{&key}
		for i := range s {
			ptrs = append(ptrs, &s[i])
		}
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		add(key, s)
	}
	return rows.Err()
}

// StatsByMonth computes the figures of the units under the paths (everything when empty)
// for each month of a year, as Stats would for that month alone, from one grouped pass
// over the monthly rollup: running sums give each month's carried-over and in-progress
// figures. The month holding today counts in progress at today (read from the daily
// rollup); months after today are left zero and reported as not started (false).
func (db *DB) StatsByMonth(ctx context.Context, under []string, year int, today time.Time) ([12]report.Stats, [12]bool, error) {
	var (
		out     [12]report.Stats
		started [12]bool
	)
	if today.IsZero() {
		today = db.Now()
	}
	todayDay := report.Day(today)
	last := fmt.Sprintf("%04d-12", year)
	var c conds
	agenciesUnder(&c, under)
	c.add("r.month <= " + c.arg(last))
	var before report.Sums // every month before the one being read
	months := map[int]report.Sums{}
	query := `SELECT r.month, ` + sumColumns() + ` FROM rollup_monthly r WHERE ` + strings.Join(c.where, " AND ") +
		` GROUP BY r.month`
	err := db.groupedSums(ctx, query, c.args, func(month string, s report.Sums) {
		if m, ok := monthOf(month, year); ok {
			months[m] = s
		} else {
			before.Add(s)
		}
	})
	if err != nil {
		return out, started, fmt.Errorf("sum months: %w", err)
	}
	for m := 1; m <= 12; m++ {
		first := fmt.Sprintf("%04d-%02d-01", year, m)
		if first > todayDay {
			break
		}
		end := endOfMonth(first)
		in := months[m]
		upToEnd := before
		if end <= todayDay {
			upToEnd.Add(in)
		} else { // the month in progress: its days up to today
			s, err := db.sumRangeByUnit(ctx, under, first, todayDay)
			if err != nil {
				return out, started, err
			}
			for _, x := range s {
				upToEnd.Add(x)
			}
		}
		out[m-1] = report.StatsFrom(first, end, in, before, upToEnd)
		started[m-1] = true
		before.Add(in)
	}
	return out, started, nil
}

// monthOf returns the month number of "YYYY-MM" when it lies in the year.
func monthOf(month string, year int) (int, bool) {
	t, err := time.Parse("2006-01", month)
	if err != nil || t.Year() != year {
		return 0, false
	}
	return int(t.Month()), true
}

// endOfMonth is the last day of the month of a day "YYYY-MM-DD".
func endOfMonth(day string) string {
	t, _ := time.Parse("2006-01-02", day)
	return t.AddDate(0, 1, -t.Day()).Format("2006-01-02")
}

// RatingsByUnit counts the ratings given in [from, to) to dossiers of each receiving
// agency under the paths (every agency when empty), by level, keyed by the agency's unit
// ID; agencies without ratings are absent. The ranking by satisfaction adds up the
// agencies of each unit, as the breakdown does with StatsByUnit.
func (db *DB) RatingsByUnit(ctx context.Context, under []string, from, to time.Time) (map[string]portal.Summary, error) {
	var c conds
	agenciesUnder(&c, under)
	c.add("r.rated_at >= " + c.arg(from.UTC()))
	c.add("r.rated_at < " + c.arg(to.UTC()))
	rows, err := db.reports().QueryContext(ctx, `SELECT r.unit_id, r.level, COUNT(*) FROM dossier_ratings r WHERE `+
		strings.Join(c.where, " AND ")+` GROUP BY r.unit_id, r.level`, c.args...)
	if err != nil {
		return nil, fmt.Errorf("ratings by unit: %w", err)
	}
	defer rows.Close()
	out := map[string]portal.Summary{}
	for rows.Next() {
		var (
			id, level string
			n         int
		)
		if err := rows.Scan(&id, &level, &n); err != nil {
			return nil, fmt.Errorf("ratings by unit: %w", err)
		}
		s := out[id]
		s.Add(portal.Level(level), n)
		out[id] = s
	}
	return out, rows.Err()
}
