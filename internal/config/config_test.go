package config

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func writeFile(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "motcua.toml")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func envMap(m map[string]string) LookupEnv {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestExampleLoadsToDefaults(t *testing.T) {
	ex := Example()
	cfg, err := Load(writeFile(t, ex), envMap(nil))
	if err != nil {
		t.Fatalf("the example does not load: %v", err)
	}
	if !reflect.DeepEqual(cfg, Default()) {
		t.Fatalf("example ≠ defaults:\n%+v\n%+v", cfg, Default())
	}
	for _, k := range keys {
		_, leaf, ok := strings.Cut(k.Name, ".")
		if !ok {
			leaf = k.Name
		}
		if !strings.Contains(ex, "\n"+leaf+" = ") || !strings.Contains(ex, k.Env) {
			t.Errorf("example lacks %s or %s", k.Name, k.Env)
		}
	}
	if err := Default().Validate(); err != nil {
		t.Fatalf("defaults invalid: %v", err)
	}
}

// TestEveryKeyDocumented: docs/operations.md names every key and its environment variable.
func TestEveryKeyDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/operations.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if !bytes.Contains(doc, []byte("`"+k.Name+"`")) || !bytes.Contains(doc, []byte("`"+k.Env+"`")) {
			t.Errorf("docs/operations.md does not document `%s` / `%s`", k.Name, k.Env)
		}
	}
}

func TestPrecedence(t *testing.T) {
	path := writeFile(t, `
[server]
addr = "0.0.0.0:9000"
trusted_proxies = ["10.0.0.0/8", "192.168.1.5"]
session_lifetime = "8h"
[log]
format = "json"
`)
	cfg, err := Load(path, envMap(map[string]string{"MOTCUA_LOG_FORMAT": "text", "MOTCUA_JOBS": "false"}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Server.Addr != "0.0.0.0:9000" || cfg.Server.SessionLifetime != 8*time.Hour {
		t.Errorf("file not applied: %+v", cfg.Server)
	}
	if cfg.Log.Format != "text" || cfg.Jobs.Enabled {
		t.Errorf("environment not over the file: %+v %+v", cfg.Log, cfg.Jobs)
	}
	if cfg.Database.URL != "data/motcua.db" || cfg.Server.SecureCookies != "auto" {
		t.Errorf("defaults lost: %+v", cfg)
	}
	if got := cfg.Proxies(); len(got) != 2 || got[1].String() != "192.168.1.5/32" {
		t.Errorf("proxies %v", got)
	}
	if err := cfg.Set("server.addr", "127.0.0.1:1"); err != nil || cfg.Server.Addr != "127.0.0.1:1" {
		t.Errorf("flag over env: %v %s", err, cfg.Server.Addr)
	}
	if err := cfg.Set("server.trusted_proxies", " 10.1.0.0/16 , ::1 "); err != nil || len(cfg.Server.TrustedProxies) != 2 {
		t.Errorf("list from a flag: %v %v", err, cfg.Server.TrustedProxies)
	}
	if err := cfg.Set("jobs.enabled", "perhaps"); err == nil {
		t.Error("a bad boolean flag accepted")
	}
}

// TestProblems: a file with several mistakes gets all of them, each with its line.
func TestProblems(t *testing.T) {
	path := writeFile(t, `environment = "staging"

[database]
url = "postgres://motcua:Bi-Mat.42@db.example:5432/motcua?sslmode=bogus"

[server]
adr = "0.0.0.0:80"
format = "json"
max_body_bytes = "1MB"
session_lifetime = "twelve hours"
trusted_proxies = ["10.0.0.0/33"]

[smtp]
host = "mail.example"
`)
	_, err := Load(path, envMap(map[string]string{"MOTCUA_DEMO": "yes please"}))
	ps, ok := AsProblems(err)
	if !ok {
		t.Fatalf("want problems, got %v", err)
	}
	text := err.Error()
	t.Log(text)
	want := []struct {
		line int
		key  string
		has  string
	}{
		{1, "environment", "development, production"},
		{4, "database.url", "bad PostgreSQL URL"},
		{7, "server.adr", "did you mean server.addr"},
		{8, "server.format", "did you mean log.format"},
		{9, "server.max_body_bytes", "expected an integer, not string"},
		{10, "server.session_lifetime", "expected a duration"},
		{11, "server.trusted_proxies", "not an IP address or CIDR"},
		{13, "smtp", "/admin/mail"},
		{0, "server.demo", "expected true or false"},
	}
	for _, w := range want {
		found := false
		for _, p := range ps.List {
			if p.Key == w.key && p.Line == w.line && strings.Contains(p.Msg, w.has) {
				found = true
			}
		}
		if !found {
			t.Errorf("missing problem line %d %s %q", w.line, w.key, w.has)
		}
	}
	if strings.Contains(text, "Bi-Mat.42") {
		t.Errorf("the password shows in the problems:\n%s", text)
	}
}

func TestSyntaxErrorLine(t *testing.T) {
	_, err := Load(writeFile(t, "[server]\naddr = \"127.0.0.1:8080\"\nlog = [\n"), nil)
	ps, ok := AsProblems(err)
	if !ok || len(ps.List) != 1 || ps.List[0].Line < 3 || !strings.Contains(ps.List[0].Msg, "TOML syntax") {
		t.Fatalf("syntax error: %v", err)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "none.toml"), nil); err == nil {
		t.Fatal("a missing file accepted")
	}
}

func TestProduction(t *testing.T) {
	path := writeFile(t, `environment = "production"
[database]
url = "data/motcua.db"
[server]
secure_cookies = "false"
demo = true
`)
	_, err := Load(path, nil)
	ps, ok := AsProblems(err)
	if !ok {
		t.Fatalf("production accepted a development setup: %v", err)
	}
	keys := map[string]bool{}
	for _, p := range ps.List {
		keys[p.Key] = true
	}
	for _, k := range []string{"database.url", "server.secure_cookies", "server.demo"} {
		if !keys[k] {
			t.Errorf("production check of %s missing: %v", k, err)
		}
	}
	good := writeFile(t, "environment = \"production\"\n[database]\nurl = \"/var/lib/motcua/motcua.db\"\n")
	if _, err := Load(good, nil); err != nil {
		t.Fatalf("a sound production file refused: %v", err)
	}
}

func TestReadURLSameEngine(t *testing.T) {
	_, err := Load("", envMap(map[string]string{"MOTCUA_DB": "/srv/m.db", "MOTCUA_DB_READ": "postgres://h/db"}))
	if err == nil || !strings.Contains(err.Error(), "database.read_url") {
		t.Fatalf("mixed engines accepted: %v", err)
	}
}

func TestRedaction(t *testing.T) {
	cases := map[string]string{
		"postgres://motcua:s3cr3t@db:5432/motcua":              "postgres://motcua:xxxxx@db:5432/motcua",
		"postgres://db/motcua?user=m&password=s3cr3t&x=1":      "postgres://db/motcua?user=m&password=xxxxx&x=1",
		"host=db user=motcua password='s3 cr3t' dbname=motcua": "host=db user=motcua password=xxxxx dbname=motcua",
		"/var/lib/motcua/motcua.db":                            "/var/lib/motcua/motcua.db",
	}
	for in, want := range cases {
		if got := RedactDSN(in); got != want {
			t.Errorf("RedactDSN(%q) = %q, want %q", in, got, want)
		}
	}
	cfg := Default()
	cfg.Database.URL = "postgres://motcua:s3cr3t@db:5432/motcua"
	cfg.Database.ReadURL = "postgres://ro:an0ther@replica:5432/motcua"
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("configuration", "config", cfg)
	if strings.Contains(buf.String(), "s3cr3t") || strings.Contains(buf.String(), "an0ther") || !strings.Contains(buf.String(), "replica") {
		t.Errorf("log line: %s", buf.String())
	}
	if got := cfg.Scrub("connect failed for s3cr3t"); strings.Contains(got, "s3cr3t") {
		t.Errorf("scrub: %s", got)
	}
}
