package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/motcua/motcua/internal/bench"
	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
)

// runBench measures motcua against the machine's ceilings. "bench intake" compares a
// complete receive transaction with a raw single-row insert on the same database, with
// each number of concurrent clients.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench", "bench intake [--db …] [--n 2000] [--clients 1,8] [--rounds 10] [--json] | bench lookup [--db …] [--clients 4,32] [--seconds 10] [--json] | "+
		"bench memory [--db FILE] [--dossiers N] [--clients 32] [--seconds 20] [--json] | bench data --db FILE --dossiers N | bench report --db FILE [--json]", stdout)
	dsn := fs.String("db", "", "CSDL trống dùng để đo (mặc định: tệp SQLite tạm) / an empty database to measure on (default: a temporary SQLite file)")
	n := fs.Int("n", 2000, "số thao tác mỗi phép đo / operations per measurement")
	rounds := fs.Int("rounds", 10, "intake: đo xen kẽ trong bấy nhiêu lượt / measure raw inserts and intakes in turn, in this many rounds")
	clientList := fs.String("clients", "", "số máy khách đồng thời (intake: 1,8; lookup: 4,32; memory: 32) / concurrent clients")
	seconds := fs.Float64("seconds", 10, "lookup, memory: số giây mỗi phép đo / seconds per measurement")
	dossiers := fs.Int("dossiers", 1_000_000, "bench data, memory: số hồ sơ / number of dossiers")
	days := fs.Int("days", 3*365, "bench data: số ngày tiếp nhận từ 01/01/2023 / receipt days from 2023-01-01")
	asJSON := fs.Bool("json", false, "in JSON / print JSON")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	mode := strings.Join(pos, " ")
	defaults := map[string]string{"intake": "1,8", "lookup": "4,32", "memory": "32"}
	if *clientList == "" {
		*clientList = defaults[mode]
	}
	switch mode {
	case "data":
		return benchData(ctx, *dsn, *dossiers, *days, stdout, stderr)
	case "report":
		return benchReport(ctx, *dsn, *asJSON, stdout)
	case "hello": // the hello-world server bench lookup starts as a child
		return benchHello(ctx, stdout)
	case "intake", "lookup", "memory":
	default:
		fs.Usage()
		return fmt.Errorf("bench: expected intake, lookup, memory, data or report, got %v", pos)
	}
	clients, err := parseClients(*clientList)
	if err != nil || *n < 1 || *seconds <= 0 {
		return fmt.Errorf("bench: --clients %q, --n %d and --seconds %g: give positive numbers", *clientList, *n, *seconds)
	}
	if mode != "intake" {
		memDossiers := 0
		if mode == "memory" && isSet(fs, "dossiers") {
			memDossiers = *dossiers
		}
		hb := httpBench{dsn: *dsn, clients: clients, duration: time.Duration(*seconds * float64(time.Second)),
			dossiers: memDossiers, asJSON: *asJSON}
		if mode == "lookup" {
			return benchLookup(ctx, hb, stdout, stderr)
		}
		return benchMemory(ctx, hb, stdout, stderr)
	}
	path := *dsn
	if path == "" {
		dir, err := os.MkdirTemp("", "motcua-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		path = filepath.Join(dir, "bench.db")
	}
	db, err := openStore(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	results, err := benchIntake(ctx, db, *n, *rounds, clients, stderr)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(stdout, map[string]any{"database": string(db.Dialect()), "results": results})
	}
	printBench(stdout, string(db.Dialect()), results)
	return nil
}

// isSet reports whether the flag was given on the command line.
func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func parseClients(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		c, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || c < 1 || c > 256 {
			return nil, fmt.Errorf("bad client count %q", f)
		}
		out = append(out, c)
	}
	return out, nil
}

// benchIntake measures raw inserts and intakes side by side (in turn, in rounds of n/rounds
// calls) with each client count, printing progress on w.
func benchIntake(ctx context.Context, db *store.DB, n, rounds int, clients []int, w io.Writer) ([]bench.Result, error) {
	if count, err := db.CountUnits(ctx); err != nil || count > 0 {
		return nil, fmt.Errorf("bench: the database must be empty (it has %d units): give a throwaway database", count)
	}
	desk, err := bench.PrepareDesk(ctx, db)
	if err != nil {
		return nil, err
	}
	if err := db.PrepareRawInsert(ctx); err != nil {
		return nil, err
	}
	var out []bench.Result
	offset := 0
	for _, c := range clients {
		ops := []bench.Op{{Name: "raw insert", Do: bench.RawInsert(db)}, {Name: "intake", Do: shifted(desk.Intake(db, bench.IntakeStart), offset)}}
		rs, err := bench.SideBySide(ctx, c, n, rounds, ops, progressPrinter(w, "raw, intake", c))
		fmt.Fprintln(w)
		if err != nil {
			return nil, err
		}
		out = append(out, rs...)
		offset += n
	}
	return out, nil
}

// shifted numbers calls after the previous measurements', so intakes keep distinct days.
func shifted(op func(context.Context, int) error, by int) func(context.Context, int) error {
	return func(ctx context.Context, i int) error { return op(ctx, i+by) }
}

// progressPrinter shows a step's progress on one line; clients 0 is a step without
// clients (generating data), which shows how many of how many instead.
func progressPrinter(w io.Writer, name string, clients int) func(done, n int) {
	return func(done, n int) {
		if clients == 0 {
			fmt.Fprintf(w, "\r%-10s %3d%% (%d / %d)", name, done*100/n, done, n)
			return
		}
		fmt.Fprintf(w, "\r%-10s %3d máy khách / clients: %3d%%", name, clients, done*100/n)
	}
}

func printBench(w io.Writer, dialect string, results []bench.Result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%s\tclients\tn\tops/s\tp50 ms\tp99 ms\tintake ÷ raw\t\n", dialect)
	var raw float64
	for _, r := range results {
		ratio := ""
		if r.Name == "raw insert" {
			raw = r.PerSec
		} else if raw > 0 {
			ratio = fmt.Sprintf("%.0f%%", 100*r.PerSec/raw)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.0f\t%.2f\t%.2f\t%s\t\n", r.Name, r.Clients, r.N, r.PerSec, r.P50ms, r.P99ms, ratio)
	}
	tw.Flush()
}

// benchData fills an empty database with the scale data set.
func benchData(ctx context.Context, dsn string, n, days int, stdout, stderr io.Writer) error {
	if dsn == "" {
		return fmt.Errorf("bench data: give --db (a SQLite file or a throwaway PostgreSQL database)")
	}
	db, err := openStore(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if count, err := db.CountUnits(ctx); err != nil || count > 0 {
		return fmt.Errorf("bench data: the database must be empty (it has %d units)", count)
	}
	res, err := bench.Generate(ctx, db, bench.DataOptions{Dossiers: n, Days: days, Seed: 1,
		From: time.Date(2023, 1, 1, 0, 0, 0, 0, calendar.Location())}, progressPrinter(stderr, "data", 0))
	fmt.Fprintln(stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d hồ sơ ở %d xã, %v (%.0f hồ sơ/giây) / %d dossiers in %d communes\n",
		res.Dossiers, res.Communes, res.Elapsed.Round(time.Second), float64(res.Dossiers)/res.Elapsed.Seconds(), res.Dossiers, res.Communes)
	return nil
}

// benchReport times reports from the rollups against the same figures by a plain scan:
// a commune over a month, a province over a year, the whole country over a year.
func benchReport(ctx context.Context, dsn string, asJSON bool, stdout io.Writer) error {
	if dsn == "" {
		return fmt.Errorf("bench report: give --db (a database filled by bench data)")
	}
	db, err := openStore(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	loc := calendar.Location()
	year := store.StatsQuery{From: time.Date(2024, 1, 1, 0, 0, 0, 0, loc), To: time.Date(2024, 12, 31, 0, 0, 0, 0, loc)}
	month := store.StatsQuery{From: time.Date(2024, 3, 1, 0, 0, 0, 0, loc), To: time.Date(2024, 3, 31, 0, 0, 0, 0, loc)}
	today := unit.NewDate(2026, 1, 1)
	province, err := db.UnitByCode(ctx, "25", today)
	if err != nil {
		return fmt.Errorf("bench report: run bench data first: %w", err)
	}
	commune, err := db.UnitByCode(ctx, "08152", today)
	if err != nil {
		return err
	}
	cases := []struct {
		scope string
		q     store.StatsQuery
	}{
		{"commune 08152, March 2024", withUnder(month, commune.Path)},
		{"province 25, 2024", withUnder(year, province.Path)},
		{"34 provinces, 2024", year},
		{"province 25, 15 Jan – 20 Nov 2024", withUnder(store.StatsQuery{From: time.Date(2024, 1, 15, 0, 0, 0, 0, loc),
			To: time.Date(2024, 11, 20, 0, 0, 0, 0, loc)}, province.Path)},
	}
	var out []bench.ReportResult
	for _, c := range cases {
		r, err := bench.CompareReport(ctx, db, c.scope, c.q, 5)
		if err != nil {
			return err
		}
		out = append(out, r)
	}
	if asJSON {
		return writeJSON(stdout, map[string]any{"database": string(db.Dialect()), "reports": out})
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%s\treceived\ton time\trollups ms\tscan ms\tspeed-up\tsame figures\t\n", db.Dialect())
	for _, r := range out {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.2f\t%.0f\t%.0f×\t%v\t\n", r.Scope, r.Received, r.OnTime, r.RollupsMs, r.ScanMs, r.Speedup, r.FiguresMatch)
	}
	return tw.Flush()
}

func withUnder(q store.StatsQuery, path string) store.StatsQuery {
	q.Under = []string{path}
	return q
}
