// Package config holds every setting of motcua and where it comes from: built-in defaults,
// then a TOML file, then environment variables, then command-line flags (each overriding
// the one before). One table (keys.go) names every key with its environment variable,
// flag, default and documentation, so the example file, the documentation test, the
// environment and the flags cannot drift apart.
//
// SMTP and other settings an administrator changes at run time live in the database, not
// here.
package config

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// Environments: production turns on the stricter checks of Validate.
const (
	Development = "development"
	Production  = "production"
)

// Config is every setting motcua reads at start.
type Config struct {
	// Environment is "development" (the default) or "production".
	Environment string
	Database    Database
	Server      Server
	Jobs        Jobs
	Log         Log
}

// Database says where the data lives.
type Database struct {
	// URL is a SQLite file path or a postgres:// URL.
	URL string
	// ReadURL is an optional second database for read-only work (reports, public
	// statistics, exports): a PostgreSQL streaming replica. Empty means URL.
	ReadURL string
	// ReadMaxLag is the replication delay beyond which reports read from URL again.
	ReadMaxLag time.Duration
	// MaxConns bounds each connection pool (0: 2×CPUs, at least 4).
	MaxConns int64
}

// Server holds the web server's settings.
type Server struct {
	Addr string
	// SecureCookies is "auto", "true" or "false" (see docs/operations.md).
	SecureCookies string
	// TrustedProxies are the addresses or CIDR prefixes whose X-Forwarded-For and
	// X-Forwarded-Proto headers are believed.
	TrustedProxies     []string
	MaxBodyBytes       int64
	SessionLifetime    time.Duration
	SessionIdleTimeout time.Duration
	ShutdownTimeout    time.Duration
	Demo               bool
}

// Jobs holds the background jobs' settings.
type Jobs struct {
	// Enabled runs the background jobs inside motcua serve.
	Enabled bool
}

// Log holds the logging settings.
type Log struct {
	Level  string // debug, info, warn, error
	Format string // text, json
}

// Default returns the built-in settings: a SQLite file in ./data, a server on the
// loopback interface, jobs in the server, text logs.
func Default() Config {
	return Config{
		Environment: Development,
		Database:    Database{URL: "data/motcua.db", ReadMaxLag: time.Minute},
		Server: Server{
			Addr:               "127.0.0.1:8080",
			SecureCookies:      "auto",
			TrustedProxies:     []string{},
			MaxBodyBytes:       1 << 20,
			SessionLifetime:    12 * time.Hour,
			SessionIdleTimeout: 2 * time.Hour,
			ShutdownTimeout:    15 * time.Second,
		},
		Jobs: Jobs{Enabled: true},
		Log:  Log{Level: "info", Format: "text"},
	}
}

// EnvFile is the environment variable naming the configuration file.
const EnvFile = "MOTCUA_CONFIG"

// LookupEnv reads one environment variable (os.LookupEnv, or a map in tests).
type LookupEnv func(string) (string, bool)

// Load returns the defaults overridden by the file at path (none when path is empty) and
// then by the environment. Every problem found is returned together (*Problems); the
// messages never contain a secret.
func Load(path string, env LookupEnv) (Config, error) {
	cfg := Default()
	var (
		probs Problems
		lines map[string]int
	)
	if path != "" {
		text, err := os.ReadFile(path)
		if err != nil {
			return cfg, fmt.Errorf("đọc tệp cấu hình / read the configuration file: %w", err)
		}
		probs.File = path
		lines = keyLines(string(text))
		probs.List = append(probs.List, decodeFile(&cfg, string(text), lines)...)
	}
	envProbs, fromEnv := applyEnv(&cfg, env)
	probs.List = append(probs.List, envProbs...)
	for _, p := range cfg.check() {
		// Say where the bad value came from: the environment, else the file's line.
		if v, ok := fromEnv[p.Key]; ok {
			p.Source = "env " + v
		} else {
			p.Line = lines[p.Key]
		}
		probs.List = append(probs.List, p)
	}
	if len(probs.List) > 0 {
		slices.SortStableFunc(probs.List, func(a, b Problem) int {
			if (a.Line == 0) != (b.Line == 0) {
				return cmp.Compare(b.Line, a.Line) // lines first, then the rest
			}
			return cmp.Compare(a.Line, b.Line)
		})
		probs.scrub(cfg.secrets())
		return cfg, &probs
	}
	return cfg, nil
}

// Set changes one key from its text form, as a flag does. The error names the key.
func (c *Config) Set(name, value string) error {
	k, ok := KeyByName(name)
	if !ok {
		return fmt.Errorf("khóa không tồn tại / unknown key %q", name)
	}
	if err := k.setText(c, value); err != nil {
		return fmt.Errorf("%s: %s", name, scrubText(err.Error(), secretsOf(value)))
	}
	return nil
}

// Validate runs the checks of Load again, after flags changed the settings.
func (c Config) Validate() error {
	probs := Problems{List: c.check()}
	if len(probs.List) == 0 {
		return nil
	}
	probs.scrub(c.secrets())
	return &probs
}

// Problem is one thing wrong with the settings.
type Problem struct {
	Line   int    // line in the file (0: not from the file, or unknown)
	Key    string // the key, e.g. "server.addr"
	Source string // "", "env MOTCUA_ADDR" …
	Msg    string
}

func (p Problem) String() string {
	var b strings.Builder
	if p.Line > 0 {
		fmt.Fprintf(&b, "dòng / line %d: ", p.Line)
	}
	if p.Key != "" {
		b.WriteString(p.Key)
		if p.Source != "" {
			fmt.Fprintf(&b, " (%s)", p.Source)
		}
		b.WriteString(": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Problems is every problem of one configuration; it is the error Load returns.
type Problems struct {
	File string
	List []Problem
}

func (ps *Problems) Error() string {
	var b strings.Builder
	if ps.File != "" {
		fmt.Fprintf(&b, "cấu hình sai / invalid configuration %s:", ps.File)
	} else {
		b.WriteString("cấu hình sai / invalid configuration:")
	}
	for _, p := range ps.List {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

func (ps *Problems) scrub(secrets []string) {
	for i := range ps.List {
		ps.List[i].Msg = scrubText(ps.List[i].Msg, secrets)
	}
}

// AsProblems returns the problems inside err, if it carries any.
func AsProblems(err error) (*Problems, bool) {
	var ps *Problems
	ok := errors.As(err, &ps)
	return ps, ok
}

// applyEnv overrides the settings from the environment variables of the key table. It
// also returns the keys it set, with their variables.
func applyEnv(c *Config, env LookupEnv) ([]Problem, map[string]string) {
	set := map[string]string{}
	if env == nil {
		return nil, set
	}
	var probs []Problem
	for _, k := range keys {
		v, ok := env(k.Env)
		if !ok || v == "" {
			continue
		}
		set[k.Name] = k.Env
		if err := k.setText(c, v); err != nil {
			probs = append(probs, Problem{Key: k.Name, Source: "env " + k.Env, Msg: err.Error()})
		}
	}
	return probs, set
}

// Setting is one key's effective value (a secret redacted) and where it came from.
type Setting struct {
	Key    Key
	Value  string
	Source string // "default", "file", "env MOTCUA_…"
}

// Describe lists every key of cfg (loaded from path and env) with its source.
func Describe(cfg Config, path string, env LookupEnv) []Setting {
	inFile := map[string]bool{}
	if path != "" {
		if text, err := os.ReadFile(path); err == nil {
			var raw map[string]any
			if _, err := toml.Decode(string(text), &raw); err == nil {
				for _, name := range flatKeys(raw, "") {
					inFile[name] = true
				}
			}
		}
	}
	out := make([]Setting, 0, len(keys))
	for _, k := range keys {
		src := "default"
		if v, ok := env(k.Env); ok && v != "" {
			src = "env " + k.Env
		} else if inFile[k.Name] {
			src = "file"
		}
		out = append(out, Setting{Key: k, Value: k.Value(cfg), Source: src})
	}
	return out
}
