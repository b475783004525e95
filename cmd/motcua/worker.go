package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/i18n"
	"github.com/motcua/motcua/internal/jobs"
	"github.com/motcua/motcua/internal/notify"
	"github.com/motcua/motcua/internal/store"
)

// runWorker runs the background jobs without the web server: on a separate machine, or
// beside web servers started with --jobs=false.
func runWorker(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("worker", "worker [--config FILE] [--db data/motcua.db] [--once]", stdout)
	st := bindSettings(fs, workerKeys...)
	once := fs.Bool("once", false, "chạy các tác vụ đến hạn một lần rồi thoát / run the due jobs once and exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := st.load()
	if err != nil {
		return err
	}
	logger, db, err := startService(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer db.Close()
	runner, err := newRunner(db, logger, jobs.Options{})
	if err != nil {
		return err
	}
	if *once {
		n, err := runner.RunDue(ctx)
		fmt.Fprintf(stdout, "đã chạy %d tác vụ / ran %d jobs\n", n, n)
		return err
	}
	fmt.Fprintf(stdout, "motcua worker: %d tác vụ nền / background jobs, máy chủ / server %s\n", len(runner.Names()), runner.Owner())
	return runner.Run(ctx)
}

// newRunner builds the job runner with every job of motcua.
func newRunner(db *store.DB, logger *slog.Logger, opts jobs.Options) (*jobs.Runner, error) {
	opts.Logger = logger
	r := jobs.New(db, opts)
	cat, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	if err := r.Add(notify.Jobs(db, cat, &notify.Sender{DB: db})...); err != nil {
		return nil, err
	}
	err = r.Add(
		jobs.Job{Name: "sessions.cleanup", Schedule: jobs.Every(30 * time.Minute),
			Run: func(ctx context.Context, _ time.Time) (string, error) {
				n, err := db.Sessions().DeleteExpired(ctx)
				return fmt.Sprintf("%d expired sessions deleted", n), err
			}},
		jobs.Job{Name: "jobs.prune", Schedule: jobs.Daily(calendar.Clock(3 * 60)),
			Run: func(ctx context.Context, now time.Time) (string, error) {
				n, err := db.PruneJobRuns(ctx, now.AddDate(0, 0, -runLogDays))
				return fmt.Sprintf("%d runs older than %d days deleted", n, runLogDays), err
			}},
	)
	if err != nil {
		return nil, err
	}
	return r, nil
}

// runLogDays is how long the run log is kept.
const runLogDays = 30
