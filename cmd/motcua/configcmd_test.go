package main

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

func TestConfigExampleAndCheck(t *testing.T) {
	out, err := runCmd(t, "config", "example")
	if err != nil || !strings.Contains(out, "[server]") || !strings.Contains(out, "MOTCUA_TRUSTED_PROXIES") {
		t.Fatalf("config example: %v\n%s", err, out)
	}
	dir := t.TempDir()
	example := filepath.Join(dir, "example.toml")
	if err := os.WriteFile(example, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("MOTCUA_LOG_LEVEL", "debug")
	out, err = runCmd(t, "config", "check", example)
	if err != nil || !strings.Contains(out, "configuration is valid") || !strings.Contains(out, "(file)") ||
		!regexp.MustCompile(`log\.level\s+= debug\s+\(env MOTCUA_LOG_LEVEL\)`).MatchString(out) {
		t.Fatalf("check of the example: %v\n%s", err, out)
	}

	bad := filepath.Join(dir, "bad.toml")
	text := "[database]\nurl = \"postgres://motcua:Kh0ng-Lo@db.example/motcua?sslmode=nope\"\n\n[server]\naddr = \"0.0.0.0\"\nlisten = \"x\"\n"
	if err := os.WriteFile(bad, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err = runCmd(t, "config", "check", bad)
	if err == nil {
		t.Fatalf("a bad file passed:\n%s", out)
	}
	msg := err.Error()
	for _, want := range []string{"line 2: database.url", "line 5: server.addr", "line 6: server.listen: khóa không tồn tại / unknown key"} {
		if !strings.Contains(msg, want) {
			t.Errorf("check output lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg+out, "Kh0ng-Lo") {
		t.Errorf("the password was printed:\n%s%s", msg, out)
	}
	// A good file with a password: the listing redacts it.
	good := filepath.Join(dir, "good.toml")
	if err := os.WriteFile(good, []byte("[database]\nurl = \"postgres://motcua:Kh0ng-Lo@db.example/motcua\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err = runCmd(t, "config", "check", good)
	if err != nil || strings.Contains(out, "Kh0ng-Lo") || !strings.Contains(out, "motcua:xxxxx@db.example") {
		t.Fatalf("redacted listing: %v\n%s", err, out)
	}
	// The production file shipped in deploy/ passes.
	if out, err := runCmd(t, "config", "check", "../../deploy/motcua.toml"); err != nil || !strings.Contains(out, "production") {
		t.Fatalf("deploy/motcua.toml: %v\n%s", err, out)
	}
	if _, err := runCmd(t, "config", "sideways"); err == nil {
		t.Fatal("unknown action accepted")
	}
}

// TestConfigPrecedence: defaults < file < environment < flags, through a real command.
func TestConfigPrecedence(t *testing.T) {
	dir := t.TempDir()
	fromFile, fromEnv, fromFlag := filepath.Join(dir, "file.db"), filepath.Join(dir, "env.db"), filepath.Join(dir, "flag.db")
	cfgPath := filepath.Join(dir, "motcua.toml")
	if err := os.WriteFile(cfgPath, []byte("[database]\nurl = \""+fromFile+"\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("MOTCUA_DB", "")
	t.Setenv("MOTCUA_CONFIG", cfgPath)
	exists := func(p string) bool { _, err := os.Stat(p); return err == nil }
	if out, err := runCmd(t, "migrate"); err != nil || !exists(fromFile) {
		t.Fatalf("file (MOTCUA_CONFIG): %v\n%s", err, out)
	}
	t.Setenv("MOTCUA_DB", fromEnv)
	if out, err := runCmd(t, "worker", "--once", "--config", cfgPath); err != nil || !exists(fromEnv) {
		t.Fatalf("environment over file: %v\n%s", err, out)
	}
	if out, err := runCmd(t, "migrate", "--config", cfgPath, "--db", fromFlag); err != nil || !exists(fromFlag) {
		t.Fatalf("flag over environment: %v\n%s", err, out)
	}
	t.Setenv("MOTCUA_JOBS", "maybe")
	if _, err := runCmd(t, "serve", "--addr", "127.0.0.1:0"); err == nil || !strings.Contains(err.Error(), "MOTCUA_JOBS") {
		t.Fatalf("a bad environment value: %v", err)
	}
	t.Setenv("MOTCUA_JOBS", "")
	if _, err := runCmd(t, "serve", "--addr", "no-port"); err == nil || !strings.Contains(err.Error(), "server.addr (--addr)") {
		t.Fatalf("a bad flag: %v", err)
	}
	t.Setenv("MOTCUA_CONFIG", filepath.Join(dir, "missing.toml"))
	if _, err := runCmd(t, "migrate"); err == nil {
		t.Fatal("a missing configuration file was ignored")
	}
}

// TestSchemaTooNew: a database upgraded by a newer motcua stops serve, worker and
// migrate with a clear message, and nothing is changed.
func TestSchemaTooNew(t *testing.T) {
	for name, dsn := range map[string]string{
		"sqlite":   filepath.Join(t.TempDir(), "new.db"),
		"postgres": storetest.PostgresDSN(t),
	} {
		t.Run(name, func(t *testing.T) {
			t.Setenv("MOTCUA_CONFIG", "")
			if out, err := runCmd(t, "migrate", "--db", dsn); err != nil {
				t.Fatalf("migrate: %v\n%s", err, out)
			}
			raw, err := sql.Open(map[store.Dialect]string{store.SQLite: "sqlite", store.Postgres: "pgx"}[store.DialectOf(dsn)], dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			if _, err := raw.Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (99999, true)`); err != nil {
				t.Fatal(err)
			}
			for _, args := range [][]string{
				{"migrate", "--db", dsn},
				{"migrate", "--db", dsn, "status"},
				{"migrate", "--db", dsn, "down"},
				{"worker", "--db", dsn, "--once"},
				{"serve", "--db", dsn, "--addr", "127.0.0.1:0"},
			} {
				_, err := runCmd(t, args...)
				if !errors.Is(err, store.ErrSchemaTooNew) || !strings.Contains(err.Error(), "forward-only") ||
					!strings.Contains(err.Error(), "database at 99999") {
					t.Errorf("%v: %v", args, err)
				}
			}
			var n int
			if err := raw.QueryRowContext(context.Background(), `SELECT count(*) FROM goose_db_version WHERE version_id = 99999`).Scan(&n); err != nil || n != 1 {
				t.Fatalf("the newer version row changed: %d %v", n, err)
			}
		})
	}
}

// TestCommandsReadTheConfigFile: the commands that open a database other than serve,
// worker and migrate take it from the configuration file too, so an operator's
// `motcua backup --config /etc/motcua/motcua.toml` backs up the server's database and not
// a new, empty data/motcua.db.
func TestCommandsReadTheConfigFile(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir) // a command that ignored the file would create data/motcua.db here
	configured := filepath.Join(dir, "configured.db")
	cfgPath := filepath.Join(dir, "motcua.toml")
	if err := os.WriteFile(cfgPath, []byte("[database]\nurl = \""+configured+"\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("MOTCUA_DB", "")
	t.Setenv("MOTCUA_CONFIG", "")
	t.Setenv("MOTCUA_ADMIN_PASSWORD", "mat-khau-quan-tri")
	if out, err := runCmd(t, "admin", "create", "--config", cfgPath, "--email", "a@example.vn", "--name", "Quản Trị"); err != nil {
		t.Fatalf("admin create: %v\n%s", err, out)
	}
	backup := filepath.Join(dir, "b.db")
	for _, args := range [][]string{
		{"report", "verify", "--config", cfgPath},
		{"audit", "verify", "--config", cfgPath},
		{"backup", "--config", cfgPath, "--out", backup},
	} {
		if out, err := runCmd(t, args...); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "data")); err == nil {
		t.Fatal("a command opened the default database instead of the configured one")
	}
	// The backup holds the administrator created through the same file.
	db, err := store.Open(t.Context(), backup, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.UserByEmail(t.Context(), "a@example.vn"); err != nil {
		t.Fatalf("the backup is not of the configured database: %v", err)
	}
	// A broken file stops the command with the file's problem.
	if err := os.WriteFile(cfgPath, []byte("[database]\nurl = 5\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := runCmd(t, "report", "verify", "--config", cfgPath); err == nil || !strings.Contains(err.Error(), "database.url") {
		t.Fatalf("a broken file: %v", err)
	}
}
