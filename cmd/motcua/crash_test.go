package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/demo"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/user"
)

// TestMain lets the test binary act as the motcua server for the crash test: with
// MOTCUA_TEST_CHILD set it runs the command line in MOTCUA_TEST_ARGS instead of the tests.
func TestMain(m *testing.M) {
	if args := os.Getenv("MOTCUA_TEST_ARGS"); os.Getenv("MOTCUA_TEST_CHILD") == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		err := run(ctx, strings.Split(args, "\x1f"), os.Stdout, os.Stderr)
		stop()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestCrashSafety drives concurrent intakes through the API of a real server process,
// kills it with SIGKILL at random moments, restarts it and retries what was not
// acknowledged with the same idempotency keys. Afterwards every acknowledged dossier
// exists exactly once, the daily numbers have no gap, the history chains verify and the
// rollups match a recount.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	for _, engine := range []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "crash.db") }},
		{"postgres", func(t *testing.T) string { return storetest.PostgresDSN(t) }},
	} {
		t.Run(engine.name, func(t *testing.T) { crashCycles(t, engine.dsn(t), 3) })
	}
}

func crashCycles(t *testing.T, dsn string, cycles int) {
	ctx := context.Background()
	secret, agencyID, body := prepareCrashDB(t, dsn)
	acked := map[string]string{} // idempotency key → dossier code
	var mu sync.Mutex
	next := 0
	rng := rand.New(rand.NewPCG(7, uint64(len(dsn))))
	for cycle := range cycles {
		addr := freeAddr(t)
		child := startServer(t, dsn, addr)
		deadline := time.Now().Add(time.Duration(300+rng.IntN(700)) * time.Millisecond)
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Go(func() {
				for time.Now().Before(deadline) {
					mu.Lock()
					key := fmt.Sprintf("crash-%d-%d", w, next)
					next++
					mu.Unlock()
					if code, ok := postIntake(addr, secret, key, body(agencyID)); ok {
						mu.Lock()
						acked[key] = code
						mu.Unlock()
					}
				}
			})
		}
		time.Sleep(time.Until(deadline) - 100*time.Millisecond)
		_ = child.Process.Signal(syscall.SIGKILL) // in the middle of the clients' requests
		_ = child.Wait()
		wg.Wait()
		t.Logf("cycle %d: %d dossiers acknowledged so far", cycle, len(acked))
	}
	// Retry every acknowledged key once more on a fresh server: the same dossier answers.
	addr := freeAddr(t)
	child := startServer(t, dsn, addr)
	for key, code := range acked {
		got, ok := postIntake(addr, secret, key, body(agencyID))
		if !ok || got != code {
			t.Fatalf("retry of %s: %q, first answer %q", key, got, code)
		}
	}
	_ = child.Process.Signal(syscall.SIGTERM)
	_ = child.Wait()
	if len(acked) == 0 {
		t.Fatal("no intake was acknowledged: the test did not exercise anything")
	}

	db, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	seen := map[string]bool{}
	list, err := db.ListDossiers(ctx, store.DossierFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range list {
		if seen[d.Code] {
			t.Errorf("code %s twice", d.Code)
		}
		seen[d.Code] = true
	}
	for key, code := range acked {
		if !seen[code] {
			t.Errorf("acknowledged dossier %s (%s) is missing", code, key)
		}
	}
	rep, err := db.VerifyHistory(ctx)
	if err != nil || len(rep.Problems) != 0 {
		t.Fatalf("history after crashes: %v %+v", err, rep.Problems)
	}
	if diffs, err := db.VerifyRollups(ctx); err != nil || len(diffs) != 0 {
		t.Fatalf("rollups after crashes: %v %+v", err, diffs)
	}
	t.Logf("%d acknowledged, %d stored", len(acked), len(list))
}

// prepareCrashDB loads the demo's units, officials and catalog and creates an API token
// for the Thanh Ba desk; body builds an intake for the birth registration.
func prepareCrashDB(t *testing.T, dsn string) (secret, agencyID string, body func(string) []byte) {
	t.Helper()
	ctx := context.Background()
	db, err := openStore(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := demo.Load(ctx, db, demo.Options{SkipDossiers: true, Force: true}); err != nil {
		t.Fatal(err)
	}
	d := receiveOne(t, db) // also proves the desk works before the crashes
	_, secret, err = db.CreateAPIToken(ctx, "Kiểm thử sập nguồn", d.UnitID, user.Receiver, time.Time{}, "")
	if err != nil {
		t.Fatal(err)
	}
	p, err := db.Procedure(ctx, "1.001193")
	if err != nil {
		t.Fatal(err)
	}
	var comps []map[string]any
	for _, c := range p.Latest().Components {
		comps = append(comps, map[string]any{"name": c.Name, "received": true})
	}
	return secret, d.UnitID, func(unitID string) []byte {
		b, _ := json.Marshal(map[string]any{"unit_id": unitID, "procedure_code": "1.001193", "channel": "desk",
			"components": comps, "applicant": map[string]string{"kind": "person", "name": "Lê Văn Thử",
				"id_number": "025085001234", "address": "Thanh Ba, Phú Thọ"}})
		return b
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startServer runs "motcua serve" in a child process and waits until it answers.
func startServer(t *testing.T, dsn, addr string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "MOTCUA_TEST_CHILD=1",
		"MOTCUA_TEST_ARGS="+strings.Join([]string{"serve", "--db", dsn, "--addr", addr}, "\x1f"))
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for range 200 {
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			return cmd
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
	t.Fatalf("server did not start:\n%s", logs.String())
	return nil
}

// postIntake sends one intake; ok means the server acknowledged it with a code.
func postIntake(addr, secret, key string, body []byte) (string, bool) {
	return sendIntake(&http.Client{Timeout: 5 * time.Second}, "http://"+addr, secret, key, body)
}

// sendIntake posts an intake through the API with a token and an idempotency key; ok
// means the server acknowledged it with a code (created, or the same dossier again).
func sendIntake(client *http.Client, base, secret, key string, body []byte) (string, bool) {
	req, _ := http.NewRequest("POST", base+"/api/v1/dossiers", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+secret)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", key)
	resp, err := client.Do(req)
	if err != nil {
		return "", false
	}
	defer resp.Body.Close()
	var d struct {
		Code string `json:"code"`
	}
	if (resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK) || json.NewDecoder(resp.Body).Decode(&d) != nil || d.Code == "" {
		return "", false
	}
	return d.Code, true
}
