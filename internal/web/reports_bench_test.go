package web

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/report"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/unit"
)

// BenchmarkReportBreakdown measures a province's report: the total (Stats), the breakdown
// by commune (StatsByUnit) and the twelve-month trend (StatsByMonth), over rollups of 150
// communes with two years of daily rows (109,500 daily and 3,600 monthly rows, written
// straight into the rollup tables); and, for comparison, the breakdown made of one Stats
// per commune. Run with:
//
//	go test ./internal/web -run '^$' -bench ReportBreakdown -benchtime 20x
func BenchmarkReportBreakdown(b *testing.B) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run(dialect, func(b *testing.B) {
			var dsn string
			if dialect == "sqlite" {
				dsn = storetest.SQLiteDSN(b)
			} else {
				dsn = storetest.PostgresDSN(b)
			}
			ctx := context.Background()
			db, err := store.Open(ctx, dsn, store.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			if err := db.Migrate(ctx, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
				b.Fatal(err)
			}
			prov := reportSyntheticProvince(b, db, dsn, 150)
			now := time.Date(2026, 12, 20, 10, 0, 0, 0, vnZone)
			s, err := newServer(db, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{Now: func() time.Time { return now }})
			if err != nil {
				b.Fatal(err)
			}
			for _, c := range []struct {
				name string
				p    report.Period
			}{{"year", report.YearPeriod(2026)}, {"month", report.MonthPeriod(2026, 3)}, {"range", report.RangePeriod(calendar.Date{Year: 2025, Month: 3, Day: 17}, calendar.Date{Year: 2026, Month: 2, Day: 9})}} {
				rq := reportQuery{Unit: prov, Period: c.p}
				b.Run(c.name, func(b *testing.B) {
					var headline, children, trend time.Duration
					for b.Loop() {
						res, err := s.buildReport(ctx, rq, true, true)
						if err != nil {
							b.Fatal(err)
						}
						if len(res.Children) != 150 {
							b.Fatalf("%d children", len(res.Children))
						}
						headline += res.Timing.Headline
						children += res.Timing.Children
						trend += res.Timing.Trend
					}
					b.ReportMetric(float64(headline.Microseconds())/1000/float64(b.N), "ms-total-stats/op")
					b.ReportMetric(float64(children.Microseconds())/1000/float64(b.N), "ms-children/op")
					b.ReportMetric(float64(trend.Microseconds())/1000/float64(b.N), "ms-trend/op")
				})
			}
			// The same year's breakdown with one Stats per child, for comparison.
			b.Run("year-one-Stats-per-child", func(b *testing.B) {
				children, err := db.ListUnits(ctx, store.UnitFilter{ParentID: prov.ID})
				if err != nil {
					b.Fatal(err)
				}
				for b.Loop() {
					for _, c := range children {
						if _, err := s.statsOf(ctx, []string{c.Path}, report.YearPeriod(2026)); err != nil {
							b.Fatal(err)
						}
					}
				}
			})
		})
	}
}

// reportSyntheticProvince creates a province of n communes, each with a centre, and fills the
// rollups of 2025 and 2026 with random counts.
func reportSyntheticProvince(b *testing.B, db *store.DB, dsn string, n int) unit.Unit {
	b.Helper()
	ctx := context.Background()
	mk := func(u unit.Unit) unit.Unit {
		u.ValidFrom = unit.NewDate(2020, 1, 1)
		if err := db.CreateUnit(ctx, &u); err != nil {
			b.Fatal(err)
		}
		return u
	}
	prov := mk(unit.Unit{Code: "99", Name: "Tỉnh Thử Nghiệm", Kind: unit.Province})
	var agencies []string
	for i := range n {
		c := mk(unit.Unit{Code: fmt.Sprintf("9%04d", i), Name: fmt.Sprintf("Xã Số %d", i+1), Kind: unit.Commune, ParentID: prov.ID})
		a := mk(unit.Unit{Code: fmt.Sprintf("TT-9%04d", i), Name: "Trung tâm " + c.Name, Kind: unit.Centre, ParentID: c.ID,
			AgencyCode: fmt.Sprintf("000.%02d.%02d.H99", i/100, i%100)})
		agencies = append(agencies, a.ID)
	}
	driver, conn := "pgx", dsn
	if store.DialectOf(dsn) == store.SQLite {
		var err error
		if conn, err = store.SQLiteDSN(dsn); err != nil {
			b.Fatal(err)
		}
		driver = "sqlite"
	}
	raw, err := sql.Open(driver, conn)
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	rng := rand.New(rand.NewPCG(7, 7))
	cols := "unit_id, day, received_desk, received_online, cohort_early, cohort_on_time, cohort_late, resolved_early, resolved_on_time, resolved_late, open_delta"
	tx, err := raw.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	monthly := map[[2]string][9]int{}
	var rows []string
	flush := func() {
		if len(rows) == 0 {
			return
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO rollup_daily ("+cols+") VALUES "+strings.Join(rows, ", ")); err != nil {
			b.Fatal(err)
		}
		rows = rows[:0]
	}
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, a := range agencies {
		for d := start; d.Year() < 2027; d = d.AddDate(0, 0, 1) {
			desk, online := rng.IntN(15), rng.IntN(5)
			early := (desk + online) / 3
			late := rng.IntN(2)
			onTime := desk + online - early - late
			if onTime < 0 {
				onTime, late = 0, desk+online-early
			}
			v := [9]int{desk, online, early, onTime, late, early, onTime, late, 0}
			rows = append(rows, fmt.Sprintf("('%s', '%s', %d, %d, %d, %d, %d, %d, %d, %d, %d)", a, d.Format("2006-01-02"),
				v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]))
			k := [2]string{a, d.Format("2006-01")}
			m := monthly[k]
			for i := range v {
				m[i] += v[i]
			}
			monthly[k] = m
			if len(rows) == 500 {
				flush()
			}
		}
	}
	flush()
	for k, v := range monthly {
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("INSERT INTO rollup_monthly (%s) VALUES ('%s', '%s', %d, %d, %d, %d, %d, %d, %d, %d, %d)",
			strings.Replace(cols, "day", "month", 1), k[0], k[1], v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8])); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return prov
}
