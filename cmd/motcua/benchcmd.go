package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/motcua/motcua/internal/bench"
	"github.com/motcua/motcua/internal/store"
)

// runBench measures motcua against the machine's ceilings. "bench intake" compares a
// complete receive transaction with a raw single-row insert on the same database, with
// each number of concurrent clients.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench", "bench intake [--db postgres://…/throwaway] [--n 2000] [--clients 1,8] [--json]", stdout)
	dsn := fs.String("db", "", "CSDL trống dùng để đo (mặc định: tệp SQLite tạm) / an empty database to measure on (default: a temporary SQLite file)")
	n := fs.Int("n", 2000, "số thao tác mỗi phép đo / operations per measurement")
	clientList := fs.String("clients", "1,8", "số máy khách đồng thời / concurrent clients")
	asJSON := fs.Bool("json", false, "in JSON / print JSON")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] != "intake" {
		fs.Usage()
		return fmt.Errorf("bench: expected intake, got %v", pos)
	}
	clients, err := parseClients(*clientList)
	if err != nil || *n < 1 {
		return fmt.Errorf("bench: --clients %q and --n %d: give positive numbers", *clientList, *n)
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
	results, err := benchIntake(ctx, db, *n, clients, stderr)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"database": string(db.Dialect()), "results": results})
	}
	printBench(stdout, string(db.Dialect()), results)
	return nil
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

// benchIntake measures raw inserts and intakes with each client count, printing progress
// on w.
func benchIntake(ctx context.Context, db *store.DB, n int, clients []int, w io.Writer) ([]bench.Result, error) {
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
		for _, m := range []struct {
			name string
			op   func(context.Context, int) error
		}{{"raw insert", bench.RawInsert(db)}, {"intake", shifted(desk.Intake(db, bench.IntakeStart), offset)}} {
			r, err := bench.Run(ctx, m.name, c, n, m.op, progressPrinter(w, m.name, c))
			fmt.Fprintln(w)
			if err != nil {
				return nil, err
			}
			out = append(out, r)
		}
		offset += n
	}
	return out, nil
}

// shifted numbers calls after the previous measurements', so intakes keep distinct days.
func shifted(op func(context.Context, int) error, by int) func(context.Context, int) error {
	return func(ctx context.Context, i int) error { return op(ctx, i+by) }
}

func progressPrinter(w io.Writer, name string, clients int) func(done, n int) {
	return func(done, n int) {
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
