package demo_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/demo"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// figures counts with plain SQL what the district's report counts: dossiers its communes'
// agencies received in the period, and those of them resolved early or on time.
func figures(t testing.TB, raw *sql.DB) (received, onTime int) {
	t.Helper()
	from, to := demo.Period2022()
	err := raw.QueryRow(`SELECT COUNT(*), COALESCE(SUM(CASE WHEN d.timeliness IN ('early', 'on_time') THEN 1 ELSE 0 END), 0)
		FROM dossiers d JOIN units a ON a.id = d.unit_id JOIN units c ON c.id = a.parent_id JOIN units h ON h.id = c.parent_id
		WHERE h.code = '232' AND d.received_at >= $1 AND d.received_at < $2`, from.UTC(), to.UTC()).Scan(&received, &onTime)
	if err != nil {
		t.Fatal(err)
	}
	return received, onTime
}

// fingerprint hashes what the generator decided for every dossier, to compare two loads.
func fingerprint(t testing.TB, raw *sql.DB) string {
	t.Helper()
	rows, err := raw.Query(`SELECT id, COALESCE(code, ''), state, timeliness, applicant_name, history_hash FROM dossiers ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	h := sha256.New()
	for rows.Next() {
		var id, code, state, timeliness, name, hash string
		if err := rows.Scan(&id, &code, &state, &timeliness, &name, &hash); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(h, id, code, state, timeliness, name, hash)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// openBoth opens a fresh database of the dialect through the store and, beside it, with
// plain database/sql for the counts.
func openBoth(t *testing.T, dialect store.Dialect) (*store.DB, *sql.DB) {
	t.Helper()
	var dsn, driver string
	if dialect == store.SQLite {
		dsn, driver = storetest.SQLiteDSN(t), "sqlite"
	} else {
		dsn, driver = storetest.PostgresDSN(t), "pgx"
	}
	ctx := context.Background()
	db, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return db, raw
}

// TestDossiers2022 loads the demo with its dossiers on SQLite and PostgreSQL: the report's
// figures by plain SQL, clean histories and sequences, nothing added by a second load,
// and the same data on both engines.
func TestDossiers2022(t *testing.T) {
	prints := map[store.Dialect]string{}
	for _, dialect := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := context.Background()
			db, raw := openBoth(t, dialect)
			start := time.Now()
			res, err := demo.Load(ctx, db, demo.Options{Now: now})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: demo with %d dossiers loaded in %v", dialect, res.DossiersCreated, time.Since(start).Round(time.Millisecond))
			if received, onTime := figures(t, raw); received != demo.Received2022 || onTime != demo.OnTime2022 {
				t.Fatalf("received %d, resolved early or on time %d; want %d and %d", received, onTime, demo.Received2022, demo.OnTime2022)
			}
			if res.DossiersCreated <= demo.Received2022 {
				t.Errorf("%d dossiers written: no refusals at intake?", res.DossiersCreated)
			}
			rep, err := db.VerifyHistory(ctx)
			if err != nil || len(rep.Problems) != 0 {
				t.Fatalf("verify: %v, %d problems, first %v", err, len(rep.Problems), rep.Problems[:min(3, len(rep.Problems))])
			}
			// The report engine's rollups agree, and give the same figures.
			if diffs, err := db.VerifyRollups(ctx); err != nil || len(diffs) != 0 {
				t.Fatalf("rollups: %d differences, %v", len(diffs), err)
			}
			district, err := db.UnitByCode(ctx, "232", in2022)
			if err != nil {
				t.Fatal(err)
			}
			from, to := demo.Period2022()
			last := to.AddDate(0, 0, -1)
			st, err := db.Stats(ctx, store.StatsQuery{Under: []string{district.Path}, From: from, To: last, Today: last})
			if err != nil || st.Received() != demo.Received2022 || st.OnTime() != demo.OnTime2022 {
				t.Fatalf("report: received %d, on time %d (%v)", st.Received(), st.OnTime(), err)
			}
			// The register of the district shows them too (issue 5: "done when").
			tally, err := db.TallyDossiers(ctx, store.DossierFilter{Under: []string{district.Path}, From: from, To: to})
			if err != nil || tally.Total != demo.Received2022 || tally.OnTime != demo.OnTime2022 {
				t.Fatalf("register: %+v (%v)", tally, err)
			}
			mixes(t, db, raw)
			qms2022Check(t, db, raw)
			it2022Check(t, db)
			index766Check(t, db)
			evaluation2022Check(t, db)
			again, err := demo.Load(ctx, db, demo.Options{Now: now})
			if err != nil || again.DossiersCreated != 0 {
				t.Fatalf("second load: %d dossiers, %v", again.DossiersCreated, err)
			}
			prints[dialect] = fingerprint(t, raw)
		})
	}
	if a, b := prints[store.SQLite], prints[store.Postgres]; a != "" && b != "" && a != b {
		t.Error("SQLite and PostgreSQL got different dossiers from the same seed")
	}
}

// mixes checks the 2022 dossiers look like a year of a district's communes: every channel,
// receipts on working days in office hours but for some online submissions at night,
// codes of the receipt day, supplements, transfers, refusals that are not received,
// late dossiers each with an apology, some still in progress, stopped and withdrawn,
// digitised papers, online payments and electronic results.
func mixes(t *testing.T, db *store.DB, raw *sql.DB) {
	t.Helper()
	cal, err := db.NationalCalendar(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	rows, err := raw.Query(`SELECT state, channel, COALESCE(code, ''), received_at, timeliness, supplements, apologies,
		transfers, payment, electronic_result, components FROM dossiers`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	count := map[string]int{}
	for rows.Next() {
		var (
			state, channel, code, timeliness, payment, components string
			received                                              sql.NullTime
			supplements, apologies, transfers                     int
			electronic                                            bool
		)
		if err := rows.Scan(&state, &channel, &code, &received, &timeliness, &supplements, &apologies, &transfers,
			&payment, &electronic, &components); err != nil {
			t.Fatal(err)
		}
		count["state "+state]++
		if state == string(dossier.Refused) {
			if code != "" || received.Valid {
				t.Errorf("a refused dossier was received: %q", code)
			}
			continue
		}
		count["channel "+channel]++
		at := received.Time.In(calendar.Location())
		day := calendar.DateOf(at)
		working, err := cal.IsWorkingDay(day)
		if err != nil {
			t.Fatal(err)
		}
		clock := at.Hour()*60 + at.Minute()
		inHours := working && (clock >= 7*60+30 && clock < 11*60+30 || clock >= 13*60+30 && clock < 17*60)
		switch {
		case !inHours && channel != string(dossier.Online):
			t.Errorf("%s received at the desk at %v", code, at)
		case !inHours:
			count["online at night"]++
		}
		if c, err := dossier.ParseCode(code); err != nil || calendar.DateOf(c.Day) != day {
			t.Errorf("code %s for a dossier received %v (%v)", code, at, err)
		}
		if (timeliness == "late") != (apologies == 1) {
			t.Errorf("%s: %s with %d apologies", code, timeliness, apologies)
		}
		count["supplemented"] += min(supplements, 1)
		count["transferred"] += transfers
		count["late"] += btoi(timeliness == "late")
		count["online payment"] += btoi(payment == string(dossier.PaidOnline))
		count["electronic result"] += btoi(electronic)
		count["digitised"] += btoi(strings.Contains(components, `"digitised":true`))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	t.Logf("mix: %v", count)
	for _, k := range []string{"state refused", "state stopped", "state withdrawn", "state processing", "state supplement",
		"state ready", "channel desk", "channel post", "online at night", "supplemented", "transferred",
		"online payment", "electronic result"} {
		if count[k] == 0 {
			t.Errorf("no %s", k)
		}
	}
	if n := count["channel online"]; n < demo.Received2022/10 {
		t.Errorf("%d online dossiers", n)
	}
	if n := count["digitised"]; n < demo.Received2022/2 {
		t.Errorf("%d dossiers with digitised papers", n)
	}
	if n := count["late"]; n < 20 || n > 40 {
		t.Errorf("%d late dossiers", n)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// BenchmarkDossiers2022 measures generating and writing the 2022 dossiers on each
// database, the rest of the demo being loaded first, untimed.
//
//	go test ./internal/demo -run XXX -bench Dossiers2022 -benchtime 1x -count 3
func BenchmarkDossiers2022(b *testing.B) {
	for _, engine := range []struct {
		name string
		open func(testing.TB) *store.DB
	}{{"sqlite", storetest.SQLite}, {"postgres", storetest.Postgres}} {
		b.Run(engine.name, func(b *testing.B) {
			ctx := context.Background()
			for range b.N {
				b.StopTimer()
				db := engine.open(b)
				if _, err := demo.Load(ctx, db, demo.Options{Now: now, SkipDossiers: true}); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				res, err := demo.Load(ctx, db, demo.Options{Now: now})
				if err != nil || res.DossiersCreated < demo.Received2022 {
					b.Fatalf("%d dossiers, %v", res.DossiersCreated, err)
				}
			}
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/load")
			b.ReportMetric(float64(b.N*demo.Received2022)/b.Elapsed().Seconds(), "dossiers/s")
		})
	}
}
