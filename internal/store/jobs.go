package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Background jobs (issue 9): the leases that make each scheduled run happen once when
// several servers share one PostgreSQL, and the log of runs shown to administrators. The
// runner (package jobs) decides what to run and when; this file only stores it.
//
// A claim is one conditional UPDATE: "this job, if due and not leased, is mine until t".
// On PostgreSQL two servers updating the same row at once serialise on its row lock and
// the second re-checks the condition against the first one's write, so exactly one of them
// gets the row (READ COMMITTED re-evaluation); on SQLite the single writer does the same.
// No advisory locks, no LISTEN/NOTIFY: a plain row per job.

// Job run statuses.
const (
	RunRunning   = "running"   // claimed, not finished yet
	RunOK        = "ok"        // finished without error
	RunFailed    = "failed"    // returned an error
	RunPanicked  = "panicked"  // panicked; the runner recovered
	RunAbandoned = "abandoned" // its lease ran out before it finished (the server stopped)
	RunLeaseLost = "lease_lost"
)

// JobState is one scheduled job as stored.
type JobState struct {
	Name       string
	Schedule   string
	NextRunAt  time.Time
	LeaseOwner string
	LeaseUntil time.Time
	Attempts   int // attempts of the current scheduled run so far (0 after a success)
	UpdatedAt  time.Time
	LastRun    JobRun // the latest run, if any
}

// JobRun is one run of a job.
type JobRun struct {
	ID          string
	Job         string
	Owner       string // the server (host and process) that ran it
	ScheduledAt time.Time
	Attempt     int
	StartedAt   time.Time
	FinishedAt  time.Time
	Status      string
	Result      string
	Error       string
}

// JobClaim is a lease on one run of a job, returned by ClaimJob.
type JobClaim struct {
	Job         string
	RunID       string // also the lease owner: a finish only counts while it holds the lease
	ScheduledAt time.Time
	Attempt     int // 1 for the first try of a scheduled run
}

// RegisterJob adds a job with its first run time, or, when its schedule text changed since
// it was stored, moves its next run to the new schedule's. A job already stored with the
// same schedule is left alone, so restarting a server neither skips nor repeats a run.
func (db *DB) RegisterJob(ctx context.Context, name, schedule string, next, now time.Time) error {
	_, err := db.write.ExecContext(ctx, `INSERT INTO jobs (name, schedule, next_run_at, attempts, updated_at)
		VALUES ($1, $2, $3, 0, $4)
		ON CONFLICT (name) DO UPDATE SET schedule = excluded.schedule, next_run_at = excluded.next_run_at,
			attempts = 0, updated_at = excluded.updated_at
		WHERE jobs.schedule <> excluded.schedule`,
		name, schedule, next.UTC(), now.UTC())
	if err != nil {
		return fmt.Errorf("register job %s: %w", name, err)
	}
	return nil
}

// ClaimJob leases a job whose next run is due at now and which nobody holds, until
// leaseUntil, and records the run as started. ok is false when the job is not due or
// another runner holds it. Runs left "running" by a server whose lease ran out are
// marked abandoned; the attempt counter goes up at the claim, so a job that brings its
// server down is not retried for ever.
func (db *DB) ClaimJob(ctx context.Context, name, owner string, now, leaseUntil time.Time) (JobClaim, bool, error) {
	now, leaseUntil = now.UTC(), leaseUntil.UTC()
	c := JobClaim{Job: name, RunID: NewID()}
	var claimed bool
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `UPDATE jobs SET lease_owner = $2, lease_until = $3, attempts = attempts + 1,
			updated_at = $4 WHERE name = $1 AND next_run_at <= $4 AND (lease_until IS NULL OR lease_until <= $4)
			RETURNING next_run_at, attempts`, name, c.RunID, leaseUntil, now).Scan(&c.ScheduledAt, &c.Attempt)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("claim job %s: %w", name, err)
		}
		claimed = true
		if _, err := tx.ExecContext(ctx, `UPDATE job_runs SET status = $2, finished_at = $3, error = $4
			WHERE job = $1 AND status = $5`, name, RunAbandoned, now, "lease expired before the run ended", RunRunning); err != nil {
			return fmt.Errorf("abandon stale runs of %s: %w", name, err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO job_runs (id, job, owner, scheduled_at, attempt, started_at, status,
			result, error) VALUES ($1, $2, $3, $4, $5, $6, $7, '', '')`,
			c.RunID, name, owner, c.ScheduledAt.UTC(), c.Attempt, now, RunRunning)
		if err != nil {
			return fmt.Errorf("record run of %s: %w", name, err)
		}
		return nil
	})
	if err != nil {
		return JobClaim{}, false, err
	}
	return c, claimed, nil
}

// JobOutcome is how a claimed run ended and what comes next.
type JobOutcome struct {
	Status   string // RunOK, RunFailed or RunPanicked
	Result   string
	Error    string
	Finished time.Time
	// NextRun is when the job runs again: a retry's time after a failure, else its
	// schedule's next time.
	NextRun time.Time
	// Retry keeps the attempt counter (the same scheduled run is tried again); otherwise it
	// goes back to zero.
	Retry bool
}

// FinishJob records a run's end and releases the lease. When the lease was lost (it ran
// out and another runner took the job), the run is recorded as lease_lost and the job's
// schedule is left to the new holder; ok is then false.
func (db *DB) FinishJob(ctx context.Context, c JobClaim, o JobOutcome) (ok bool, err error) {
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		attempts := "0"
		if o.Retry {
			attempts = "attempts"
		}
		res, err := tx.ExecContext(ctx, `UPDATE jobs SET next_run_at = $3, attempts = `+attempts+`, lease_owner = NULL,
			lease_until = NULL, updated_at = $4 WHERE name = $1 AND lease_owner = $2`,
			c.Job, c.RunID, o.NextRun.UTC(), o.Finished.UTC())
		if err != nil {
			return fmt.Errorf("release job %s: %w", c.Job, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("release job %s: %w", c.Job, err)
		}
		ok = n == 1
		status := o.Status
		if !ok {
			status = RunLeaseLost
		}
		_, err = tx.ExecContext(ctx, `UPDATE job_runs SET finished_at = $2, status = $3, result = $4, error = $5
			WHERE id = $1`, c.RunID, o.Finished.UTC(), status, clip(o.Result, 2000), clip(o.Error, 4000))
		if err != nil {
			return fmt.Errorf("record end of %s: %w", c.Job, err)
		}
		return nil
	})
	return ok, err
}

// clip shortens s to at most n bytes on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}

// RunJobNow makes a job due at now (the administrator's "run now").
func (db *DB) RunJobNow(ctx context.Context, name string, now time.Time) error {
	res, err := db.write.ExecContext(ctx, `UPDATE jobs SET next_run_at = $2, attempts = 0, updated_at = $2
		WHERE name = $1`, name, now.UTC())
	if err != nil {
		return fmt.Errorf("run job %s now: %w", name, err)
	}
	return mustAffect(res, "jobs.not_found")
}

const jobRunColumns = `r.id, r.job, r.owner, r.scheduled_at, r.attempt, r.started_at, r.finished_at, r.status, r.result, r.error`

func scanJobRun(row interface{ Scan(...any) error }) (JobRun, error) {
	var (
		r   JobRun
		end sql.NullTime
	)
	err := row.Scan(&r.ID, &r.Job, &r.Owner, &r.ScheduledAt, &r.Attempt, &r.StartedAt, &end, &r.Status, &r.Result, &r.Error)
	r.FinishedAt = end.Time
	return r, err
}

// Jobs lists the stored jobs by name, each with its latest run.
func (db *DB) Jobs(ctx context.Context) ([]JobState, error) {
	rows, err := queryAll(ctx, db.read, "jobs", func(row interface{ Scan(...any) error }) (JobState, error) {
		var (
			j     JobState
			owner sql.NullString
			until sql.NullTime
		)
		err := row.Scan(&j.Name, &j.Schedule, &j.NextRunAt, &owner, &until, &j.Attempts, &j.UpdatedAt)
		j.LeaseOwner, j.LeaseUntil = owner.String, until.Time
		return j, err
	}, `SELECT name, schedule, next_run_at, lease_owner, lease_until, attempts, updated_at FROM jobs ORDER BY name`)
	if err != nil {
		return nil, err
	}
	for i := range rows {
		r, err := scanJobRun(db.read.QueryRowContext(ctx, `SELECT `+jobRunColumns+` FROM job_runs r WHERE r.job = $1
			ORDER BY r.started_at DESC, r.id DESC LIMIT 1`, rows[i].Name))
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("last run of %s: %w", rows[i].Name, err)
		}
		rows[i].LastRun = r
	}
	return rows, nil
}

// JobRuns lists the latest runs, newest first: of one job, or of every job when job is "".
func (db *DB) JobRuns(ctx context.Context, job string, limit int) ([]JobRun, error) {
	var c conds
	if job != "" {
		c.add("r.job = " + c.arg(job))
	}
	if limit <= 0 {
		limit = 100
	}
	return queryAll(ctx, db.read, "job runs", scanJobRun,
		finishQuery(`SELECT `+jobRunColumns+` FROM job_runs r`, c.where, "r.started_at DESC, r.id DESC", limit), c.args...)
}

// PruneJobRuns deletes the runs that started before a time, keeping the log small.
func (db *DB) PruneJobRuns(ctx context.Context, before time.Time) (int64, error) {
	res, err := db.write.ExecContext(ctx, `DELETE FROM job_runs WHERE started_at < $1 AND status <> $2`, before.UTC(), RunRunning)
	if err != nil {
		return 0, fmt.Errorf("prune job runs: %w", err)
	}
	return res.RowsAffected()
}
