// Package jobs runs motcua's background work (reminders, the e-mail outbox, clean-ups) on
// schedules in Asia/Ho_Chi_Minh. The runner lives inside `motcua serve`, or alone in
// `motcua worker`; several may run at once on one PostgreSQL.
//
// Each job has a row in the jobs table with its next run time. A runner claims a due job
// with a lease (one conditional UPDATE, see store.ClaimJob), runs it, records the run and
// moves the next run on; so each scheduled run happens once across servers, a server that
// dies mid-run leaves a lease that runs out and the run is tried again, and a failing run
// is retried with exponential backoff a few times before the job waits for its next
// scheduled time. A panic is recovered and recorded: it never stops the other jobs.
//
// Time comes from an injected clock (Options.Now), so tests run schedules, leases and
// retries without sleeping.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"sync"
	"time"

	"github.com/motcua/motcua/internal/store"
)

// Func is a job's work. now is the runner's clock at the start of the run; result is a
// short summary for the administrators' page ("3 reminders, 1 e-mail").
type Func func(ctx context.Context, now time.Time) (result string, err error)

// Job is one scheduled piece of work.
type Job struct {
	Name     string
	Schedule Schedule
	Run      Func
	// Timeout bounds one run (default 10 minutes); the lease lasts a minute longer, so
	// another server takes the job over only after this one has given up.
	Timeout time.Duration
	// Retries is how many times a failed run is tried again before the job waits for its
	// next scheduled time (default 3; negative: none).
	Retries int
	// Backoff is the delay before the first retry, doubled for each further one
	// (default 1 minute), and never beyond the next scheduled time.
	Backoff time.Duration
}

// Options configure a Runner.
type Options struct {
	// Owner names this runner in the run log (default host name and process id).
	Owner string
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Poll is how often the runner looks for due jobs (default 30 seconds).
	Poll time.Duration
	// Logger receives one line per run (discarded when nil).
	Logger *slog.Logger
}

// Runner runs registered jobs when they are due.
type Runner struct {
	db     *store.DB
	opts   Options
	log    *slog.Logger
	jobs   []Job
	byName map[string]int

	mu         sync.Mutex
	running    map[string]bool
	registered bool
	wg         sync.WaitGroup
}

// New returns a runner over db with no jobs yet.
func New(db *store.DB, opts Options) *Runner {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Poll <= 0 {
		opts.Poll = 30 * time.Second
	}
	if opts.Owner == "" {
		host, _ := os.Hostname()
		opts.Owner = fmt.Sprintf("%s:%d", host, os.Getpid())
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Runner{db: db, opts: opts, log: logger, byName: map[string]int{}, running: map[string]bool{}}
}

// Add registers a job. Names are unique; a job needs a schedule and work.
func (r *Runner) Add(jobs ...Job) error {
	for _, j := range jobs {
		if j.Name == "" || j.Schedule == nil || j.Run == nil {
			return fmt.Errorf("job %q: name, schedule and work are required", j.Name)
		}
		if _, dup := r.byName[j.Name]; dup {
			return fmt.Errorf("job %q added twice", j.Name)
		}
		if j.Timeout <= 0 {
			j.Timeout = 10 * time.Minute
		}
		if j.Retries == 0 {
			j.Retries = 3
		}
		if j.Backoff <= 0 {
			j.Backoff = time.Minute
		}
		r.byName[j.Name] = len(r.jobs)
		r.jobs = append(r.jobs, j)
	}
	return nil
}

// Names lists the registered jobs in the order they were added.
func (r *Runner) Names() []string {
	out := make([]string, len(r.jobs))
	for i, j := range r.jobs {
		out[i] = j.Name
	}
	return out
}

// Owner is the name this runner records on its runs.
func (r *Runner) Owner() string { return r.opts.Owner }

// register stores every job with its first run time (once per runner).
func (r *Runner) register(ctx context.Context) error {
	r.mu.Lock()
	done := r.registered
	r.mu.Unlock()
	if done {
		return nil
	}
	now := r.opts.Now()
	for _, j := range r.jobs {
		if err := r.db.RegisterJob(ctx, j.Name, j.Schedule.String(), j.Schedule.Next(now), now); err != nil {
			return err
		}
	}
	r.mu.Lock()
	r.registered = true
	r.mu.Unlock()
	return nil
}

// RunDue claims every due job that this runner is not already running, runs them
// concurrently and waits for them: one pass of the loop, which tests drive with a fake
// clock. It returns how many runs it made.
func (r *Runner) RunDue(ctx context.Context) (int, error) {
	var wg sync.WaitGroup
	n, err := r.startDue(ctx, &wg)
	wg.Wait()
	return n, err
}

// Run registers the jobs, then looks for due jobs every Poll until ctx ends, running
// each in its own goroutine; on the way out it waits for the runs in progress (their
// context is cancelled with ctx).
func (r *Runner) Run(ctx context.Context) error {
	t := time.NewTicker(r.opts.Poll)
	defer t.Stop()
	defer r.wg.Wait()
	for {
		if _, err := r.startDue(ctx, &r.wg); err != nil && ctx.Err() == nil {
			r.log.Error("jobs: look for due jobs", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// startDue claims the due jobs and starts them on wg.
func (r *Runner) startDue(ctx context.Context, wg *sync.WaitGroup) (int, error) {
	if err := r.register(ctx); err != nil {
		return 0, err
	}
	var (
		n    int
		errs []error
	)
	for _, j := range r.jobs {
		if ctx.Err() != nil {
			break
		}
		r.mu.Lock()
		busy := r.running[j.Name]
		r.mu.Unlock()
		if busy {
			continue
		}
		now := r.opts.Now()
		c, ok, err := r.db.ClaimJob(ctx, j.Name, r.opts.Owner, now, now.Add(j.Timeout+time.Minute))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !ok {
			continue
		}
		n++
		r.mu.Lock()
		r.running[j.Name] = true
		r.mu.Unlock()
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				r.mu.Lock()
				delete(r.running, j.Name)
				r.mu.Unlock()
			}()
			r.execute(ctx, j, c)
		}()
	}
	return n, errors.Join(errs...)
}

// execute runs one claimed job, recovers a panic, and records the outcome.
func (r *Runner) execute(ctx context.Context, j Job, c store.JobClaim) {
	start := r.opts.Now()
	runCtx, cancel := context.WithTimeout(ctx, j.Timeout)
	result, panicked, err := call(runCtx, j.Run, start)
	cancel()
	end := r.opts.Now()
	o := store.JobOutcome{Status: store.RunOK, Result: result, Finished: end}
	next := j.Schedule.Next(later(end, c.ScheduledAt))
	switch {
	case panicked:
		o.Status, o.Error = store.RunPanicked, err.Error()
	case err != nil:
		o.Status, o.Error = store.RunFailed, err.Error()
	}
	o.NextRun = next
	if o.Status != store.RunOK && c.Attempt <= j.Retries {
		retry := end.Add(backoff(j.Backoff, c.Attempt))
		if retry.Before(next) {
			o.NextRun, o.Retry = retry, true
		}
	}
	// Record the end even when the runner is stopping: the run did happen.
	finishCtx, cancelFinish := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancelFinish()
	held, ferr := r.db.FinishJob(finishCtx, c, o)
	attrs := []any{"job", j.Name, "status", o.Status, "attempt", c.Attempt, "took", end.Sub(start).String(),
		"result", result, "next", o.NextRun.Format(time.RFC3339)}
	switch {
	case ferr != nil:
		r.log.Error("jobs: record run", append(attrs, "err", ferr)...)
	case !held:
		r.log.Warn("jobs: lease lost during the run; another runner took the job over", attrs...)
	case o.Status == store.RunOK:
		r.log.Info("jobs: run", attrs...)
	default:
		r.log.Error("jobs: run failed", append(attrs, "err", o.Error)...)
	}
}

// call runs f, turning a panic into an error with the stack.
func call(ctx context.Context, f Func, now time.Time) (result string, panicked bool, err error) {
	defer func() {
		if p := recover(); p != nil {
			result, panicked, err = "", true, fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	result, err = f(ctx, now)
	return result, false, err
}

// backoff is the delay before retry n (1-based): base, 2×base, 4×base, … at most a day.
func backoff(base time.Duration, n int) time.Duration {
	d := base
	for i := 1; i < n && d < 24*time.Hour; i++ {
		d *= 2
	}
	return min(d, 24*time.Hour)
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
