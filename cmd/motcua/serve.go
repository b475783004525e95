package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/config"
	"github.com/motcua/motcua/internal/demo"
	"github.com/motcua/motcua/internal/jobs"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/web"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", "serve [--config FILE] [--addr 127.0.0.1:8080] [--db data/motcua.db] [--demo]", stdout)
	st := bindSettings(fs, serveKeys...)
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := st.load()
	if err != nil {
		return err
	}
	secureCookies, err := parseSecure(cfg.Server.SecureCookies, cfg.Server.Addr)
	if err != nil {
		return err
	}
	logger, db, err := startService(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer db.Close()
	if cfg.Server.Demo {
		res, err := demo.Load(ctx, db, demo.Options{})
		if err != nil {
			return fmt.Errorf("load demo data: %w", err)
		}
		printLogins(stdout, res.Logins)
	}
	h, err := web.New(db, logger, web.Config{
		SecureCookies:   secureCookies,
		TrustedProxies:  cfg.Proxies(),
		SessionLifetime: cfg.Server.SessionLifetime,
		IdleTimeout:     cfg.Server.SessionIdleTimeout,
		MaxBodyBytes:    cfg.Server.MaxBodyBytes,
		Version:         version,
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Server.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Server.Addr, err)
	}
	jobsDone := make(chan struct{})
	err = serve(ctx, ln, h, logger, cfg.Server.ShutdownTimeout, func() {
		if cfg.Jobs.Enabled {
			go runJobs(ctx, db, logger, jobsDone)
		} else {
			close(jobsDone)
		}
		fmt.Fprintf(stdout, "motcua đang chạy tại / is running at http://%s\n", ln.Addr())
	})
	if err == nil {
		<-jobsDone // the runs in progress end with ctx
	}
	return err
}

// startService is the start of the long-running commands (serve, worker): the logger of
// the log settings, the configuration logged (secrets redacted), the database opened and
// migrated, and whether reports read from the replica.
func startService(ctx context.Context, cfg config.Config, stderr io.Writer) (*slog.Logger, *store.DB, error) {
	logger, err := newLogger(cfg.Log, stderr)
	if err != nil {
		return nil, nil, err
	}
	logger.Info("configuration", "config", cfg)
	db, err := openStoreWith(ctx, cfg.Database.URL, storeOptions(cfg), logger)
	if err != nil {
		return nil, nil, scrubbed(cfg, "open database", err)
	}
	logger.Info("database ready", "dialect", db.Dialect())
	logReplica(db, logger)
	return logger, db, nil
}

// logReplica says whether reports read from the replica, and why not.
func logReplica(db *store.DB, logger *slog.Logger) {
	st := db.Replica()
	switch {
	case !st.Configured:
	case st.Healthy:
		logger.Info("read replica in use for reports", "lag", st.Lag)
	default:
		logger.Warn("read replica not usable: reports read from the primary until it is", "reason", st.Err)
	}
}

// storeOptions are the database settings of the configuration.
func storeOptions(cfg config.Config) store.Options {
	return store.Options{MaxReadConns: int(cfg.Database.MaxConns), ReplicaDSN: cfg.Database.ReadURL, ReplicaMaxLag: cfg.Database.ReadMaxLag}
}

// runJobs runs the background jobs inside the web server until ctx ends.
func runJobs(ctx context.Context, db *store.DB, logger *slog.Logger, done chan<- struct{}) {
	defer close(done)
	runner, err := newRunner(db, logger, jobs.Options{})
	if err == nil {
		err = runner.Run(ctx)
	}
	if err != nil {
		logger.Error("background jobs stopped", "err", err)
	}
}

// serve runs the HTTP server on ln until ctx ends, then shuts down gracefully.
func serve(ctx context.Context, ln net.Listener, h http.Handler, logger *slog.Logger, grace time.Duration, started func()) error {
	srv := web.NewHTTPServer(h, web.DefaultTimeouts, slog.NewLogLogger(logger.Handler(), slog.LevelWarn))
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	logger.Info("listening", "addr", ln.Addr().String())
	if started != nil {
		started()
	}
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	logger.Info("stopped")
	return nil
}

// newLogger builds the logger of the log settings.
func newLogger(l config.Log, w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(l.Level)); err != nil {
		return nil, fmt.Errorf("log.level must be debug, info, warn or error, not %q", l.Level)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch l.Format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("log.format must be text or json, not %q", l.Format)
}

// parseSecure decides the Secure cookie flag: "auto" turns it on unless the server
// listens on a loopback address (local development over plain HTTP).
func parseSecure(v, addr string) (bool, error) {
	switch strings.ToLower(v) {
	case "true", "1", "yes":
		return true, nil
	case "false", "0", "no":
		return false, nil
	case "auto", "":
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return false, fmt.Errorf("--addr %q: %w", addr, err)
		}
		if host == "localhost" {
			return false, nil
		}
		ip := net.ParseIP(host)
		return ip == nil || !ip.IsLoopback(), nil
	}
	return false, fmt.Errorf("--secure-cookies must be auto, true or false, not %q", v)
}
