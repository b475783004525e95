package main

import (
	"flag"
	"fmt"
	"os"
	"slices"

	"github.com/motcua/motcua/internal/config"
)

// settings binds a command's flags to the configuration: --config FILE (env
// MOTCUA_CONFIG) and one flag per key the command uses. After the flag set is parsed,
// load applies defaults < file < environment < the flags given on the command line.
type settings struct {
	file  *string
	given []flagValue // the flags given, in order
}

type flagValue struct{ key, value string }

// bindSettings registers --config and the flags of the named keys on fs.
func bindSettings(fs *flag.FlagSet, names ...string) *settings {
	s := &settings{
		file: fs.String("config", "", "tệp cấu hình TOML / TOML configuration file (env "+config.EnvFile+"; motcua config example)"),
	}
	def := config.Default()
	for _, k := range config.Keys() {
		if !slices.Contains(names, k.Name) || k.Flag == "" {
			continue
		}
		usage := fmt.Sprintf("%s (khóa / key %s, env %s, mặc định / default %q)", k.Vi, k.Name, k.Env, k.Value(def))
		set := func(v string) error {
			s.given = append(s.given, flagValue{k.Name, v})
			return nil
		}
		if k.IsBool() {
			fs.BoolFunc(k.Flag, usage, set)
		} else {
			fs.Func(k.Flag, usage, set)
		}
	}
	return s
}

// load returns the configuration for the command, once its flags are parsed.
func (s *settings) load() (config.Config, error) {
	path := *s.file
	if path == "" {
		path = os.Getenv(config.EnvFile)
	}
	cfg, err := config.Load(path, os.LookupEnv)
	if err != nil {
		return cfg, err
	}
	for _, f := range s.given {
		if err := cfg.Set(f.key, f.value); err != nil {
			k, _ := config.KeyByName(f.key)
			return cfg, fmt.Errorf("--%s: %w", k.Flag, err)
		}
	}
	if err := cfg.Validate(); err != nil {
		return cfg, s.withFlags(err)
	}
	return cfg, nil
}

// withFlags names the flag behind each problem the flags brought (the file and the
// environment were checked by config.Load already).
func (s *settings) withFlags(err error) error {
	ps, ok := config.AsProblems(err)
	if !ok {
		return err
	}
	for i, p := range ps.List {
		for _, f := range s.given {
			if k, _ := config.KeyByName(f.key); f.key == p.Key && p.Source == "" {
				ps.List[i].Source = "--" + k.Flag
			}
		}
	}
	return ps
}

// Keys of the commands.
var (
	serveKeys = []string{"environment", "database.url", "database.read_url", "database.read_max_lag", "database.max_conns",
		"server.addr", "server.secure_cookies", "server.trusted_proxies", "server.max_body_bytes",
		"server.session_lifetime", "server.session_idle_timeout", "server.shutdown_timeout", "server.demo",
		"jobs.enabled", "log.level", "log.format"}
	workerKeys  = []string{"environment", "database.url", "database.read_url", "database.read_max_lag", "database.max_conns", "log.level", "log.format"}
	migrateKeys = []string{"environment", "database.url", "log.level", "log.format"}
)

// scrubbedError is an error whose text had the configuration's secrets removed (a
// driver may quote the connection string); errors.Is still sees the cause.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }

func scrubbed(cfg config.Config, what string, err error) error {
	return &scrubbedError{msg: what + ": " + cfg.Scrub(err.Error()), err: err}
}
