package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/demo"
)

// The demo and import logic is tested on both databases in internal/demo and
// internal/store; these tests cover the command lines on SQLite.

func TestRunDemo(t *testing.T) {
	ctx := context.Background()
	dsn := filepath.Join(t.TempDir(), "demo.db")
	var out bytes.Buffer
	if err := runDemo(ctx, []string{"--db", dsn}, &out, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{demo.Password, "tiepnhan.thanhba@demo.motcua.vn", "Xã Thanh Ba", "quantri@demo.motcua.vn"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	if err := runDemo(ctx, []string{"--db", dsn}, &out, &out); err != nil {
		t.Fatalf("second run: %v", err)
	}
	if !strings.Contains(out.String(), "already loaded") {
		t.Errorf("second run output:\n%s", out.String())
	}
}

func TestRunDemoRefusesOtherData(t *testing.T) {
	ctx := context.Background()
	dsn := filepath.Join(t.TempDir(), "real.db")
	var out bytes.Buffer
	if err := runImport(ctx, []string{"units", "--province", "01", "--db", dsn}, &out, &out); err != nil {
		t.Fatal(err)
	}
	err := runDemo(ctx, []string{"--db", dsn}, &out, &out)
	if !errors.Is(err, demo.ErrNotEmpty) || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("demo on a database with data: %v", err)
	}
	if err := runDemo(ctx, []string{"--db", dsn, "--force"}, &out, &out); err != nil {
		t.Fatalf("forced: %v", err)
	}
}

func TestRunImport(t *testing.T) {
	ctx := context.Background()
	dsn := filepath.Join(t.TempDir(), "units.db")
	var out bytes.Buffer
	if err := runImport(ctx, []string{"units", "--db", dsn, "--province", "25"}, &out, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "149 mới / created") {
		t.Errorf("output: %s", out.String())
	}
	out.Reset()
	// Flags before the kind work too; the whole list adds the other provinces.
	if err := runImport(ctx, []string{"--db", dsn, "units"}, &out, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "3206 mới / created") || !strings.Contains(out.String(), "149 giữ nguyên / unchanged") {
		t.Errorf("output: %s", out.String())
	}

	bad := filepath.Join(t.TempDir(), "bad.csv")
	if err := os.WriteFile(bad, []byte("code,name,type,parent_code\n25,Tỉnh Phú Thọ,Tỉnh,\n8152,Xã Thanh Ba,Xã,25\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := runImport(ctx, []string{"units", "--db", dsn, "--file", bad}, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("bad file: %v", err)
	}
}

func TestRunImportUsage(t *testing.T) {
	ctx := context.Background()
	var out bytes.Buffer
	for _, args := range [][]string{{"-h"}, {"units", "-h"}} {
		out.Reset()
		if err := runImport(ctx, args, &out, &out); !errors.Is(err, flag.ErrHelp) || !strings.Contains(out.String(), "--province") && !strings.Contains(out.String(), "-province") {
			t.Errorf("%v: %v\n%s", args, err, out.String())
		}
	}
	if err := runDemo(ctx, []string{"-h"}, &out, &out); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("demo -h: %v", err)
	}
	for _, args := range [][]string{{}, {"procedures"}, {"units", "extra"}} {
		if err := runImport(ctx, args, &out, &out); err == nil || errors.Is(err, flag.ErrHelp) {
			t.Errorf("%v: %v", args, err)
		}
	}
	if err := runImport(ctx, []string{"units", "--province", "99", "--db", filepath.Join(t.TempDir(), "x.db")}, &out, &out); err == nil {
		t.Error("unknown province accepted")
	}
}

func TestPrintLogins(t *testing.T) {
	var out bytes.Buffer
	printLogins(&out, []demo.Login{
		{Email: "quantri@demo.motcua.vn", Password: "motcua-demo-2025", FullName: "Nguyễn Văn An", Role: demo.SystemAdminRole},
		{Email: "tiepnhan.thanhba@demo.motcua.vn", Password: "motcua-demo-2025", FullName: "Hà Thị Lan", Role: "receiver", UnitName: "Xã Thanh Ba"},
	})
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 5 || !strings.Contains(lines[0], "motcua-demo-2025") {
		t.Fatalf("table:\n%s", out.String())
	}
	// Columns line up although the names hold multi-byte letters.
	if strings.Index(lines[3], "Nguyễn") == -1 || len([]rune(lines[3][:strings.Index(lines[3], "Nguyễn")])) != len([]rune(lines[4][:strings.Index(lines[4], "Hà Thị")])) {
		t.Errorf("columns do not line up:\n%s", out.String())
	}
	out.Reset()
	printLogins(&out, nil)
	if out.Len() != 0 {
		t.Errorf("empty list printed %q", out.String())
	}
}
