package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/store/storetest"
)

func TestBenchIntake(t *testing.T) {
	ctx := context.Background()
	var out, progress bytes.Buffer
	if err := runBench(ctx, []string{"intake", "--n", "20", "--clients", "1,2"}, &out, &progress); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"raw insert", "intake", "intake ÷ raw", "sqlite"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if !strings.Contains(progress.String(), "100%") {
		t.Errorf("no progress shown: %q", progress.String())
	}
	// On PostgreSQL, with JSON output.
	out.Reset()
	if err := runBench(ctx, []string{"intake", "--n", "10", "--clients", "2", "--json", "--db", storetest.PostgresDSN(t)}, &out, &progress); err != nil {
		t.Fatal(err)
	}
	var res struct {
		Database string `json:"database"`
		Results  []struct {
			Name   string  `json:"name"`
			N      int     `json:"n"`
			PerSec float64 `json:"per_second"`
		} `json:"results"`
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil || res.Database != "postgres" || len(res.Results) != 2 || res.Results[1].PerSec <= 0 {
		t.Fatalf("json: %v %s", err, out.String())
	}
	// A database with data is refused; bad flags too.
	used := filepath.Join(t.TempDir(), "used.db")
	if err := runImport(ctx, []string{"units", "--province", "25", "--db", used}, &out, &out); err != nil {
		t.Fatal(err)
	}
	if err := runBench(ctx, []string{"intake", "--db", used}, &out, &progress); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Fatalf("non-empty database: %v", err)
	}
	if err := runBench(ctx, []string{"intake", "--clients", "0"}, &out, &progress); err == nil {
		t.Fatal("zero clients accepted")
	}
}

// TestBenchDataAndReport fills a small scale data set and compares reports from the
// rollups with the plain scan: the figures must agree.
func TestBenchDataAndReport(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "scale.db")
	var out, progress bytes.Buffer
	if err := runBench(ctx, []string{"data", "--db", path, "--dossiers", "3000"}, &out, &progress); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "3000 hồ sơ ở 3321 xã") {
		t.Fatalf("data: %s", out.String())
	}
	out.Reset()
	if err := runBench(ctx, []string{"report", "--db", path, "--json"}, &out, &progress); err != nil {
		t.Fatal(err)
	}
	var res struct {
		Reports []struct {
			Scope        string `json:"scope"`
			Received     int64  `json:"received"`
			FiguresMatch bool   `json:"figures_match"`
		} `json:"reports"`
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil || len(res.Reports) != 4 {
		t.Fatalf("report: %v %s", err, out.String())
	}
	for _, r := range res.Reports {
		if !r.FiguresMatch {
			t.Errorf("%s: the rollups and the scan disagree", r.Scope)
		}
	}
	if res.Reports[2].Received == 0 {
		t.Fatal("the national report counted nothing")
	}
	if err := runBench(ctx, []string{"data", "--db", path, "--dossiers", "10"}, &out, &progress); err == nil {
		t.Fatal("bench data on a filled database")
	}
}

// TestBenchLookupAndMemory runs the look-up against hello world (server processes started
// from this test binary) on a database without dossiers to look up (some are received
// first), and the memory measurement on a small scale data set.
func TestBenchLookupAndMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	ctx := context.Background()
	var out, progress bytes.Buffer
	path := filepath.Join(t.TempDir(), "lookup.db")
	if err := runBench(ctx, []string{"lookup", "--db", path, "--seconds", "0.5", "--clients", "2", "--json"}, &out, &progress); err != nil {
		t.Fatalf("%v\n%s", err, progress.String())
	}
	var res struct {
		Dossiers int `json:"dossiers"`
		Runs     []struct {
			Name     string         `json:"name"`
			Requests int            `json:"requests"`
			Statuses map[string]int `json:"statuses"`
		} `json:"runs"`
		Ratios []struct {
			OfHello float64 `json:"of_hello_world"`
		} `json:"ratios"`
		Memory struct {
			RSSMB float64 `json:"rss_mb"`
		} `json:"server_memory"`
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil || len(res.Runs) != 3 || len(res.Ratios) != 2 || res.Memory.RSSMB <= 0 {
		t.Fatalf("lookup: %v %s", err, out.String())
	}
	for _, r := range res.Runs {
		if r.Requests == 0 || r.Statuses["200"] != r.Requests {
			t.Errorf("%s: %d requests, statuses %v", r.Name, r.Requests, r.Statuses)
		}
	}
	if res.Dossiers != 2000 || res.Ratios[0].OfHello <= 0 {
		t.Fatalf("lookup: %s", out.String())
	}
	out.Reset()
	scale := filepath.Join(t.TempDir(), "scale.db")
	if err := runBench(ctx, []string{"memory", "--db", scale, "--dossiers", "3000", "--seconds", "0.5", "--clients", "2"}, &out, &progress); err != nil {
		t.Fatalf("%v\n%s", err, progress.String())
	}
	for _, want := range []string{"5000 dossiers", "idle", "under the look-up load", "resident MB"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("memory output lacks %q:\n%s", want, out.String())
		}
	}
}
