package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/motcua/motcua/internal/bench"
	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/demo"
	"github.com/motcua/motcua/internal/store"
)

// lookupRefs is how many dossiers the look-up load cycles over.
const lookupRefs = 2000

// httpBench is what bench lookup and bench memory are given.
type httpBench struct {
	dsn      string
	clients  []int
	duration time.Duration
	dossiers int // bench memory: fill an empty database with this many dossiers first
	asJSON   bool
}

// lookupReport is bench lookup's result: each load run, its ratio to hello-world with
// the same clients, and the server's memory at the end.
type lookupReport struct {
	Database string             `json:"database"`
	Dossiers int                `json:"dossiers"`
	Runs     []bench.HTTPResult `json:"runs"`
	Ratios   []lookupRatio      `json:"ratios"`
	Memory   bench.Memory       `json:"server_memory"`
	Targets  map[string]string  `json:"targets"`
}

type lookupRatio struct {
	Name     string  `json:"name"`
	Clients  int     `json:"clients"`
	OfHello  float64 `json:"of_hello_world"`
	P99ms    float64 `json:"p99_ms"`
	OKShare  float64 `json:"ok_share"`
	MeetsAll bool    `json:"meets_targets"`
}

// benchLookup measures the public look-up over HTTP against a hello-world net/http
// server: both run as child processes on loopback and are driven by the same load
// generator with the same clients, one after the other, so the ratio compares them on
// the same machine at the same time.
func benchLookup(ctx context.Context, hb httpBench, stdout, stderr io.Writer) error {
	set, err := prepareLookup(ctx, hb.dsn, 0, stderr)
	if err != nil {
		return err
	}
	defer set.cleanup()
	dsn, refs, dossiers := set.dsn, set.refs, set.dossiers
	hello, err := startSelf(ctx, "bench", "hello")
	if err != nil {
		return err
	}
	defer hello.Stop()
	server, err := startBenchServer(ctx, dsn)
	if err != nil {
		return err
	}
	defer server.Stop()
	rep := lookupReport{Database: string(store.DialectOf(dsn)), Dossiers: dossiers,
		Targets: map[string]string{"of_hello_world": "≥ 40%", "p99_ms": "< 10", "server_memory": "< 150 MB"}}
	page, api := bench.LookupRequests(refs, false), bench.LookupRequests(refs, true)
	// Warm up: connections, the server's caches and the database's pages.
	if _, err := bench.Load(ctx, "warm-up", server.Base, 4, 2*time.Second, page, nil); err != nil {
		return err
	}
	helloReq := func(int) bench.Request { return bench.Request{Path: "/"} }
	for _, c := range hb.clients {
		var runs [3]bench.HTTPResult
		for i, m := range []struct {
			name string
			base string
			next func(int) bench.Request
		}{{"hello world", hello.Base, helloReq}, {"look-up page", server.Base, page}, {"look-up API", server.Base, api}} {
			r, err := bench.Load(ctx, m.name, m.base, c, hb.duration, m.next, loadProgress(stderr, m.name, c))
			fmt.Fprintln(stderr)
			if err != nil {
				return err
			}
			runs[i] = r
			rep.Runs = append(rep.Runs, r)
		}
		for _, r := range runs[1:] {
			ratio := r.PerSec / runs[0].PerSec
			ok := r.OK(http.StatusOK)
			rep.Ratios = append(rep.Ratios, lookupRatio{Name: r.Name, Clients: c, OfHello: ratio, P99ms: r.P99ms, OKShare: ok,
				MeetsAll: ratio >= 0.4 && r.P99ms < 10 && ok > 0.999})
		}
	}
	if rep.Memory, err = server.Memory(); err != nil {
		return err
	}
	if hb.asJSON {
		return writeJSON(stdout, rep)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%s, %d dossiers\tclients\treq/s\tp50 ms\tp99 ms\t÷ hello world\t200 OK\t\n", rep.Database, dossiers)
	for i, r := range rep.Runs { // by client count: hello world, then the page and the API
		ratio, ok := "", fmt.Sprintf("%.1f%%", 100*r.OK(http.StatusOK))
		if hello := rep.Runs[i-i%3]; i%3 > 0 {
			ratio = fmt.Sprintf("%.0f%%", 100*r.PerSec/hello.PerSec)
		}
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%.2f\t%.2f\t%s\t%s\t\n", r.Name, r.Clients, r.PerSec, r.P50ms, r.P99ms, ratio, ok)
	}
	tw.Flush()
	fmt.Fprintf(stdout, "server memory after the load: %.0f MB resident, %.0f MB at the peak\n", rep.Memory.RSSMB, rep.Memory.PeakRSSMB)
	fmt.Fprintln(stdout, "targets: look-up ≥ 40% of hello world, p99 < 10 ms, server memory < 150 MB")
	return nil
}

// memoryReport is bench memory's result.
type memoryReport struct {
	Database  string           `json:"database"`
	Dossiers  int              `json:"dossiers"`
	Idle      bench.Memory     `json:"idle"`
	UnderLoad bench.Memory     `json:"under_load"` // the highest resident size sampled during the load
	Load      bench.HTTPResult `json:"load"`
	TargetMB  float64          `json:"target_mb"`
}

// benchMemory measures the server's resident memory with a large database stored,
// idle and under the look-up load. An empty database is first filled by bench data
// with hb.dossiers dossiers.
func benchMemory(ctx context.Context, hb httpBench, stdout, stderr io.Writer) error {
	set, err := prepareLookup(ctx, hb.dsn, hb.dossiers, stderr)
	if err != nil {
		return err
	}
	defer set.cleanup()
	dsn, refs, dossiers := set.dsn, set.refs, set.dossiers
	server, err := startBenchServer(ctx, dsn)
	if err != nil {
		return err
	}
	defer server.Stop()
	page := bench.LookupRequests(refs, false)
	if _, err := bench.Load(ctx, "warm-up", server.Base, 1, time.Second, page, nil); err != nil {
		return err
	}
	rep := memoryReport{Database: string(store.DialectOf(dsn)), Dossiers: dossiers, TargetMB: 150}
	if rep.Idle, err = server.Memory(); err != nil {
		return err
	}
	clients := hb.clients[len(hb.clients)-1]
	stop := make(chan struct{})
	sampled := make(chan bench.Memory)
	go func() {
		var top bench.Memory
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				sampled <- top
				return
			case <-t.C:
				if m, err := server.Memory(); err == nil && m.RSSMB > top.RSSMB {
					top = m
				}
			}
		}
	}()
	rep.Load, err = bench.Load(ctx, "look-up page", server.Base, clients, hb.duration, page, loadProgress(stderr, "look-up page", clients))
	fmt.Fprintln(stderr)
	close(stop)
	rep.UnderLoad = <-sampled
	if err != nil {
		return err
	}
	if end, err := server.Memory(); err == nil {
		rep.UnderLoad.PeakRSSMB = end.PeakRSSMB
		if end.RSSMB > rep.UnderLoad.RSSMB {
			rep.UnderLoad.RSSMB = end.RSSMB
		}
	}
	if hb.asJSON {
		return writeJSON(stdout, rep)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%s, %d dossiers\tclients\treq/s\tp99 ms\tresident MB\tpeak MB\ttarget MB\t\n", rep.Database, dossiers)
	fmt.Fprintf(tw, "idle, after one second of look-ups\t\t\t\t%.0f\t%.0f\t< %.0f\t\n", rep.Idle.RSSMB, rep.Idle.PeakRSSMB, rep.TargetMB)
	fmt.Fprintf(tw, "under the look-up load\t%d\t%.0f\t%.2f\t%.0f\t%.0f\t< %.0f\t\n", clients, rep.Load.PerSec, rep.Load.P99ms,
		rep.UnderLoad.RSSMB, rep.UnderLoad.PeakRSSMB, rep.TargetMB)
	return tw.Flush()
}

// lookupSet is what a look-up measurement runs on.
type lookupSet struct {
	dsn      string
	refs     []store.LookupRef
	dossiers int // stored
	cleanup  func()
}

// prepareLookup finds or fills the database (lookupDatabase) and picks the references to
// look up (lookupData).
func prepareLookup(ctx context.Context, dsn string, fill int, stderr io.Writer) (lookupSet, error) {
	dsn, cleanup, err := lookupDatabase(ctx, dsn, fill, stderr)
	if err != nil {
		return lookupSet{}, err
	}
	refs, n, err := lookupData(ctx, dsn, stderr)
	if err != nil {
		cleanup()
		return lookupSet{}, err
	}
	return lookupSet{dsn: dsn, refs: refs, dossiers: n, cleanup: cleanup}, nil
}

// lookupDatabase returns the database to measure: the one given, filled by bench data
// with dossiers dossiers first when it is empty and dossiers > 0; without one, a
// temporary SQLite file with the demonstration data (removed by cleanup).
func lookupDatabase(ctx context.Context, dsn string, dossiers int, stderr io.Writer) (string, func(), error) {
	cleanup := func() {}
	if dsn == "" {
		dir, err := os.MkdirTemp("", "motcua-bench-")
		if err != nil {
			return "", nil, err
		}
		cleanup = func() { os.RemoveAll(dir) }
		dsn = filepath.Join(dir, "lookup.db")
		db, err := openStore(ctx, dsn)
		if err != nil {
			cleanup()
			return "", nil, err
		}
		defer db.Close()
		fmt.Fprintln(stderr, "nạp dữ liệu minh họa / loading the demonstration data…")
		if _, err := demo.Load(ctx, db, demo.Options{Now: time.Now()}); err != nil {
			cleanup()
			return "", nil, err
		}
		return dsn, cleanup, nil
	}
	if dossiers <= 0 {
		return dsn, cleanup, nil
	}
	db, err := openStore(ctx, dsn)
	if err != nil {
		return "", nil, err
	}
	defer db.Close()
	if n, err := db.CountUnits(ctx); err != nil || n > 0 {
		return dsn, cleanup, err // already filled: measured as it is
	}
	_, err = bench.Generate(ctx, db, bench.DataOptions{Dossiers: dossiers, Days: 3 * 365, Seed: 1,
		From: time.Date(2023, 1, 1, 0, 0, 0, 0, calendar.Location())}, progressPrinter(stderr, "data", 0))
	fmt.Fprintln(stderr)
	return dsn, cleanup, err
}

// lookupData picks the references to look up (receiving some first when the database
// has none) and counts the dossiers stored.
func lookupData(ctx context.Context, dsn string, stderr io.Writer) ([]store.LookupRef, int, error) {
	db, err := openStore(ctx, dsn)
	if err != nil {
		return nil, 0, err
	}
	defer db.Close()
	refs, err := bench.EnsureLookupRefs(ctx, db, lookupRefs, progressPrinter(stderr, "look-up data", 4))
	if err != nil {
		return nil, 0, err
	}
	n, err := db.CountDossiers(ctx, store.DossierFilter{})
	return refs, n, err
}

// startBenchServer runs motcua serve on the database as a child process on a free loopback
// port, trusting loopback as its proxy (the load generator forwards each simulated
// citizen's address), with the background jobs off (a separate worker runs them).
func startBenchServer(ctx context.Context, dsn string) (*bench.Child, error) {
	return startSelf(ctx, "serve", "--db", dsn, "--addr", "127.0.0.1:0", "--trusted-proxies", "127.0.0.1/32",
		"--jobs=false", "--log-format", "json")
}

// startSelf runs this program with args as a child process that prints its address. A
// test binary runs the command line through its TestMain (MOTCUA_TEST_CHILD).
func startSelf(ctx context.Context, args ...string) (*bench.Child, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, exe, args...)
	if testing.Testing() {
		cmd = exec.CommandContext(ctx, exe)
		cmd.Env = append(os.Environ(), "MOTCUA_TEST_CHILD=1", "MOTCUA_TEST_ARGS="+strings.Join(args, "\x1f"))
	}
	return bench.StartChild(cmd)
}

// benchHello serves "Hello, world!" with the HTTP settings of motcua serve: the ceiling
// bench lookup compares the look-up with.
func benchHello(ctx context.Context, stdout io.Writer) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "Hello, world!\n")
	})
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	return serve(ctx, ln, h, logger, 5*time.Second, func() {
		fmt.Fprintf(stdout, "hello world at http://%s\n", ln.Addr())
	})
}

func loadProgress(w io.Writer, name string, clients int) func(spent, of time.Duration) {
	return func(spent, of time.Duration) {
		fmt.Fprintf(w, "\r%-12s %3d máy khách / clients: %4.1f / %.0f s", name, clients, spent.Seconds(), of.Seconds())
	}
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
