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

	"github.com/motcua/motcua/internal/demo"
	"github.com/motcua/motcua/internal/jobs"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/web"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", "serve [--addr 127.0.0.1:8080] [--db data/motcua.db] [--demo]", stdout)
	addr := fs.String("addr", envOr("MOTCUA_ADDR", "127.0.0.1:8080"), "địa chỉ lắng nghe / listen address (env MOTCUA_ADDR)")
	dsn := dbFlag(fs)
	withDemo := fs.Bool("demo", envOr("MOTCUA_DEMO", "") == "true", "nạp dữ liệu minh họa khi khởi động / load demo data at start (env MOTCUA_DEMO=true)")
	secure := fs.String("secure-cookies", envOr("MOTCUA_SECURE_COOKIES", "auto"),
		"cookie chỉ qua HTTPS: auto (bật khi không nghe trên loopback), true, false / Secure cookies (env MOTCUA_SECURE_COOKIES)")
	logFormat := fs.String("log-format", envOr("MOTCUA_LOG_FORMAT", "text"), "định dạng log / log format: text or json (env MOTCUA_LOG_FORMAT)")
	withJobs := fs.Bool("jobs", envOr("MOTCUA_JOBS", "true") == "true",
		"chạy các tác vụ nền trong máy chủ này / run the background jobs in this server (env MOTCUA_JOBS; false when motcua worker runs them)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	logger, err := newLogger(*logFormat, stderr)
	if err != nil {
		return err
	}
	secureCookies, err := parseSecure(*secure, *addr)
	if err != nil {
		return err
	}
	db, err := openStoreWith(ctx, *dsn, logger)
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer db.Close()
	logger.Info("database ready", "dialect", db.Dialect())
	if *withDemo {
		res, err := demo.Load(ctx, db, demo.Options{})
		if err != nil {
			return fmt.Errorf("load demo data: %w", err)
		}
		printLogins(stdout, res.Logins)
	}
	h, err := web.New(db, logger, web.Config{SecureCookies: secureCookies, Version: version})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	jobsDone := make(chan struct{})
	err = serve(ctx, ln, h, logger, func() {
		if *withJobs {
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
func serve(ctx context.Context, ln net.Listener, h http.Handler, logger *slog.Logger, started func()) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
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
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
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

func newLogger(format string, w io.Writer) (*slog.Logger, error) {
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, nil)), nil
	}
	return nil, fmt.Errorf("--log-format must be text or json, not %q", format)
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
