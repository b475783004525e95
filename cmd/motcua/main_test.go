package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/web"
)

func runCmd(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, &out, &errOut)
	return out.String() + errOut.String(), err
}

func TestDispatch(t *testing.T) {
	out, err := runCmd(t, "version")
	if err != nil || !strings.HasPrefix(out, "motcua ") {
		t.Fatalf("version: %q %v", out, err)
	}
	if _, err := runCmd(t, "nonsense"); err == nil || !strings.Contains(err.Error(), "nonsense") {
		t.Fatalf("unknown command: %v", err)
	}
	if _, err := runCmd(t); err == nil {
		t.Fatal("no command accepted")
	}
	for _, c := range commands() {
		out, err := runCmd(t, c.name, "--help")
		if !errors.Is(err, flag.ErrHelp) || !strings.Contains(strings.ToLower(out), "usage") {
			t.Errorf("%s --help: %v\n%s", c.name, err, out)
		}
	}
}

func TestMigrateCommand(t *testing.T) {
	for name, dsn := range map[string]string{
		"sqlite":   filepath.Join(t.TempDir(), "m.db"),
		"postgres": storetest.PostgresDSN(t),
	} {
		t.Run(name, func(t *testing.T) {
			out, err := runCmd(t, "migrate", "--db", dsn, "status")
			if err != nil || !strings.Contains(out, "pending") {
				t.Fatalf("status before: %v\n%s", err, out)
			}
			if out, err := runCmd(t, "migrate", "--db", dsn); err != nil || !strings.Contains(out, "version") {
				t.Fatalf("up: %v\n%s", err, out)
			}
			if out, err := runCmd(t, "migrate", "--db", dsn, "status"); err != nil || strings.Contains(out, "pending") {
				t.Fatalf("status after: %v\n%s", err, out)
			}
			if _, err := runCmd(t, "migrate", "--db", dsn, "sideways"); err == nil {
				t.Fatal("unknown action accepted")
			}
		})
	}
}

func TestAdminCreate(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "a.db")
	t.Setenv("MOTCUA_ADMIN_PASSWORD", "ngan")
	if _, err := runCmd(t, "admin", "create", "--db", dsn, "--email", "a@example.vn", "--name", "Quản Trị"); err == nil {
		t.Fatal("short password accepted")
	}
	t.Setenv("MOTCUA_ADMIN_PASSWORD", "mat-khau-quan-tri")
	if out, err := runCmd(t, "admin", "create", "--db", dsn, "--email", "a@example.vn", "--name", "Quản Trị"); err != nil {
		t.Fatalf("admin create: %v\n%s", err, out)
	}
	if _, err := runCmd(t, "admin", "create", "--db", dsn, "--email", "a@example.vn", "--name", "Lần Hai"); err == nil ||
		!strings.Contains(err.Error(), "email") {
		t.Fatalf("duplicate admin: %v", err)
	}
}

func TestParseSecure(t *testing.T) {
	cases := []struct {
		v, addr string
		want    bool
		err     bool
	}{
		{"auto", "127.0.0.1:8080", false, false},
		{"auto", "localhost:8080", false, false},
		{"auto", "[::1]:8080", false, false},
		{"auto", "0.0.0.0:8080", true, false},
		{"true", "127.0.0.1:8080", true, false},
		{"false", "0.0.0.0:80", false, false},
		{"maybe", "127.0.0.1:8080", false, true},
	}
	for _, c := range cases {
		got, err := parseSecure(c.v, c.addr)
		if (err != nil) != c.err || got != c.want {
			t.Errorf("parseSecure(%q, %q) = %v, %v", c.v, c.addr, got, err)
		}
	}
}

// TestServeGracefulShutdown starts the real server on a free port, checks it answers, then
// cancels the context as SIGTERM would and expects a clean stop.
func TestServeGracefulShutdown(t *testing.T) {
	db, err := openStore(context.Background(), filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	h, err := web.New(db, logger, web.Config{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	started := make(chan struct{})
	go func() { done <- serve(ctx, ln, h, logger, 15*time.Second, func() { close(started) }) }()
	<-started
	resp, err := http.Get("http://" + ln.Addr().String() + "/readyz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("readyz: %v %v", resp, err)
	}
	resp.Body.Close()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("server did not stop")
	}
}

// TestHolidaysFromDatabase: an administrator's schedule stored in the database shows in
// `motcua holidays --db`.
func TestHolidaysFromDatabase(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "h.db")
	db, err := openStore(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	s := calendar.Schedule{
		Year:      2027,
		Documents: []calendar.Document{{Number: "99/TB-BNV", Date: calendar.Date{Year: 2026, Month: 11, Day: 1}, Authority: "Bộ Nội vụ"}},
		DaysOff:   []calendar.ScheduledDay{{Date: calendar.Date{Year: 2027, Month: 3, Day: 3}, NameVi: "Ngày nghỉ thử nghiệm", NameEn: "Test day off"}},
	}
	if err := db.SaveSchedule(context.Background(), s, ""); err != nil {
		t.Fatal(err)
	}
	db.Close()
	out, err := runCmd(t, "holidays", "--db", dsn, "2027")
	if err != nil || !strings.Contains(out, "Ngày nghỉ thử nghiệm") {
		t.Fatalf("holidays --db: %v\n%s", err, out)
	}
	out, err = runCmd(t, "holidays", "2027")
	if err != nil || strings.Contains(out, "Ngày nghỉ thử nghiệm") {
		t.Fatalf("holidays without --db: %v\n%s", err, out)
	}
}
