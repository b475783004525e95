package jobs_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/jobs"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// clock is a fake clock the tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

func (c *clock) Add(d time.Duration) { c.Set(c.Now().Add(d)) }

func vn(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, calendar.Location())
}

func clk(s string) calendar.Clock {
	c, err := calendar.ParseClock(s)
	if err != nil {
		panic(err)
	}
	return c
}

func weekdays(d calendar.Date) bool {
	return d.Weekday() != time.Saturday && d.Weekday() != time.Sunday
}

func TestSchedules(t *testing.T) {
	office := jobs.EveryDuring(15*time.Minute, clk("07:30"), clk("17:00"), weekdays)
	for _, tc := range []struct {
		s     jobs.Schedule
		after time.Time
		want  time.Time
	}{
		{jobs.Daily(clk("07:30")), vn(2026, 2, 5, 6, 0), vn(2026, 2, 5, 7, 30)},
		{jobs.Daily(clk("07:30")), vn(2026, 2, 5, 7, 30), vn(2026, 2, 6, 7, 30)},
		{jobs.Daily(clk("07:30")), time.Date(2026, 2, 5, 1, 0, 0, 0, time.UTC), vn(2026, 2, 6, 7, 30)}, // 08:00 in Vietnam
		{office, vn(2026, 2, 5, 6, 0), vn(2026, 2, 5, 7, 30)},
		{office, vn(2026, 2, 5, 7, 30), vn(2026, 2, 5, 7, 45)},
		{office, vn(2026, 2, 5, 10, 7), vn(2026, 2, 5, 10, 15)},
		{office, vn(2026, 2, 5, 16, 45), vn(2026, 2, 6, 7, 30)}, // 17:00 is closing, not a slot
		{office, vn(2026, 2, 6, 18, 0), vn(2026, 2, 9, 7, 30)},  // Friday evening → Monday
		{jobs.Every(time.Minute), vn(2026, 2, 5, 23, 59), vn(2026, 2, 6, 0, 0)},
		{jobs.Every(5 * time.Minute), vn(2026, 2, 5, 10, 2), vn(2026, 2, 5, 10, 5)},
	} {
		if got := tc.s.Next(tc.after); !got.Equal(tc.want) {
			t.Errorf("%s after %s: %s, want %s", tc.s, tc.after, got, tc.want)
		}
	}
	if s := office.String(); s != "every 15m0s 07:30-17:00 workdays" {
		t.Errorf("string: %q", s)
	}
	never := jobs.EveryDuring(time.Hour, clk("08:00"), clk("09:00"), func(calendar.Date) bool { return false })
	if got := never.Next(vn(2026, 2, 5, 6, 0)); !got.After(vn(2026, 12, 31, 0, 0)) {
		t.Errorf("a schedule without slots runs again %s", got)
	}
}

func TestRunnerSchedulesRetriesAndPanics(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := &clock{t: vn(2026, 2, 5, 7, 0)} // Thursday
		var ran, failing, healthy atomic.Int32
		r := jobs.New(db, jobs.Options{Now: c.Now, Owner: "test-1"})
		err := r.Add(
			jobs.Job{Name: "count", Schedule: jobs.EveryDuring(15*time.Minute, clk("07:30"), clk("17:00"), weekdays),
				Run: func(ctx context.Context, now time.Time) (string, error) { ran.Add(1); return "counted", nil }},
			jobs.Job{Name: "flaky", Schedule: jobs.Daily(clk("07:30")), Backoff: time.Minute, Retries: 2,
				Run: func(ctx context.Context, now time.Time) (string, error) {
					if failing.Add(1) <= 2 {
						return "", errors.New("mail server down")
					}
					return "sent", nil
				}},
			jobs.Job{Name: "panics", Schedule: jobs.Daily(clk("07:30")), Retries: -1,
				Run: func(ctx context.Context, now time.Time) (string, error) { panic("boom") }},
			jobs.Job{Name: "healthy", Schedule: jobs.Daily(clk("07:30")),
				Run: func(ctx context.Context, now time.Time) (string, error) { healthy.Add(1); return "ok", nil }},
		)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Add(jobs.Job{Name: "count", Schedule: jobs.Daily(0), Run: func(context.Context, time.Time) (string, error) { return "", nil }}); err == nil {
			t.Fatal("a second job with the same name was accepted")
		}
		run := func() int {
			t.Helper()
			n, err := r.RunDue(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := run(); n != 0 {
			t.Fatalf("%d runs before 07:30", n)
		}
		c.Set(vn(2026, 2, 5, 7, 30))
		if n := run(); n != 4 || ran.Load() != 1 || healthy.Load() != 1 {
			t.Fatalf("at 07:30: %d runs, count %d, healthy %d", n, ran.Load(), healthy.Load())
		}
		if n := run(); n != 0 {
			t.Fatalf("the same slot ran again: %d", n)
		}
		// The failing job retries after 1 then 2 minutes, then succeeds.
		c.Add(time.Minute)
		if n := run(); n != 1 || failing.Load() != 2 {
			t.Fatalf("first retry: %d runs, %d attempts", n, failing.Load())
		}
		c.Add(time.Minute)
		if n := run(); n != 0 {
			t.Fatalf("second retry came early: %d", n)
		}
		c.Add(time.Minute)
		if n := run(); n != 1 || failing.Load() != 3 {
			t.Fatalf("second retry: %d runs, %d attempts", n, failing.Load())
		}
		states, err := db.Jobs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		byName := map[string]store.JobState{}
		for _, s := range states {
			byName[s.Name] = s
		}
		if s := byName["flaky"]; s.Attempts != 0 || !s.NextRunAt.Equal(vn(2026, 2, 6, 7, 30)) || s.LastRun.Status != store.RunOK || s.LastRun.Attempt != 3 {
			t.Fatalf("flaky after success: %+v", s)
		}
		if s := byName["panics"]; s.LastRun.Status != store.RunPanicked || !strings.Contains(s.LastRun.Error, "panic: boom") ||
			!s.NextRunAt.Equal(vn(2026, 2, 6, 7, 30)) || s.LeaseOwner != "" {
			t.Fatalf("panicking job: %+v", s)
		}
		if s := byName["count"]; !s.NextRunAt.Equal(vn(2026, 2, 5, 7, 45)) || s.Schedule != "every 15m0s 07:30-17:00 workdays" {
			t.Fatalf("count: %+v", s)
		}
		runs, err := db.JobRuns(ctx, "flaky", 10)
		if err != nil || len(runs) != 3 || runs[0].Status != store.RunOK || runs[1].Error != "mail server down" || runs[2].Attempt != 1 {
			t.Fatalf("flaky runs: %+v %v", runs, err)
		}
		// A clock that jumps ahead over many slots runs a job once, not once per slot.
		c.Set(vn(2026, 2, 5, 16, 50))
		before := ran.Load()
		run()
		if ran.Load() != before+1 {
			t.Fatalf("after a jump: %d runs", ran.Load()-before)
		}
		// A clock that jumps back runs nothing already done.
		c.Set(vn(2026, 2, 5, 8, 0))
		if n := run(); n != 0 {
			t.Fatalf("after a jump back: %d runs", n)
		}
		// Run now: due at once.
		if err := db.RunJobNow(ctx, "healthy", c.Now()); err != nil {
			t.Fatal(err)
		}
		if n := run(); n != 1 || healthy.Load() != 2 {
			t.Fatalf("run now: %d", n)
		}
		if err := db.RunJobNow(ctx, "no-such-job", c.Now()); err == nil {
			t.Fatal("run now of an unknown job")
		}
		// The run log is pruned by age.
		all, _ := db.JobRuns(ctx, "", 0)
		n, err := db.PruneJobRuns(ctx, vn(2026, 2, 5, 7, 31))
		left, _ := db.JobRuns(ctx, "", 0)
		if err != nil || n == 0 || int(n)+len(left) != len(all) {
			t.Fatalf("prune: %d of %d, %d left, %v", n, len(all), len(left), err)
		}
	})
}

// A server dies while running a job: its lease runs out, another runner takes the job
// and the dead run is marked abandoned; a finish after losing the lease changes nothing.
func TestLeaseExpiry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := &clock{t: vn(2026, 2, 5, 7, 30)}
		var ran atomic.Int32
		job := jobs.Job{Name: "monitor", Schedule: jobs.Daily(clk("07:30")), Timeout: 5 * time.Minute,
			Run: func(ctx context.Context, now time.Time) (string, error) { ran.Add(1); return "", nil }}
		r := jobs.New(db, jobs.Options{Now: c.Now, Owner: "survivor"})
		if err := r.Add(job); err != nil {
			t.Fatal(err)
		}
		if err := db.RegisterJob(ctx, "monitor", job.Schedule.String(), c.Now(), c.Now()); err != nil {
			t.Fatal(err)
		}
		dead, ok, err := db.ClaimJob(ctx, "monitor", "dead-server", c.Now(), c.Now().Add(6*time.Minute))
		if err != nil || !ok {
			t.Fatalf("claim: %v %v", ok, err)
		}
		c.Add(5 * time.Minute)
		if n, _ := r.RunDue(ctx); n != 0 {
			t.Fatal("a held lease was taken")
		}
		c.Add(2 * time.Minute)
		if n, err := r.RunDue(ctx); n != 1 || err != nil || ran.Load() != 1 {
			t.Fatalf("after the lease ran out: %d %v", n, err)
		}
		held, err := db.FinishJob(ctx, dead, store.JobOutcome{Status: store.RunOK, Finished: c.Now(), NextRun: c.Now()})
		if err != nil || held {
			t.Fatalf("a finish without the lease counted: %v %v", held, err)
		}
		runs, _ := db.JobRuns(ctx, "monitor", 10)
		statuses := map[string]string{}
		for _, r := range runs {
			statuses[r.Owner] = r.Status
		}
		if statuses["dead-server"] != store.RunLeaseLost || statuses["survivor"] != store.RunOK || len(runs) != 2 {
			t.Fatalf("runs: %+v", runs)
		}
		states, _ := db.Jobs(ctx)
		if !states[0].NextRunAt.Equal(vn(2026, 2, 6, 7, 30)) {
			t.Fatalf("next run moved by the dead server: %v", states[0].NextRunAt)
		}
	})
}

// Two servers on one PostgreSQL, each with its own connection pool, race for the same
// due job many times over: each scheduled run happens exactly once.
func TestTwoRunnersOnePostgres(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	ctx := context.Background()
	open := func() *store.DB {
		db, err := store.Open(ctx, dsn, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if err := db.Migrate(ctx, nil); err != nil {
			t.Fatal(err)
		}
		return db
	}
	dbs := []*store.DB{open(), open()}
	c := &clock{t: vn(2026, 2, 5, 7, 29)}
	var ran atomic.Int32
	var runners []*jobs.Runner
	for i, db := range dbs {
		r := jobs.New(db, jobs.Options{Now: c.Now, Owner: []string{"server-a", "server-b"}[i]})
		if err := r.Add(jobs.Job{Name: "reminders", Schedule: jobs.EveryDuring(15*time.Minute, clk("07:30"), clk("17:00"), weekdays),
			Run: func(ctx context.Context, now time.Time) (string, error) { ran.Add(1); return "", nil }}); err != nil {
			t.Fatal(err)
		}
		runners = append(runners, r)
	}
	race := func() {
		var wg sync.WaitGroup
		for i := range 16 {
			wg.Go(func() {
				if _, err := runners[i%2].RunDue(ctx); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	}
	race()
	if ran.Load() != 0 {
		t.Fatalf("ran before it was due: %d", ran.Load())
	}
	for slot := 1; slot <= 5; slot++ {
		c.Add(15 * time.Minute)
		race()
		race()
		if got := ran.Load(); got != int32(slot) {
			t.Fatalf("after slot %d: %d runs", slot, got)
		}
	}
	runs, err := dbs[0].JobRuns(ctx, "reminders", 100)
	if err != nil || len(runs) != 5 {
		t.Fatalf("run log: %d %v", len(runs), err)
	}
	seen := map[time.Time]bool{}
	for _, r := range runs {
		if seen[r.ScheduledAt] || r.Status != store.RunOK {
			t.Fatalf("slot %s ran twice or failed: %+v", r.ScheduledAt, r)
		}
		seen[r.ScheduledAt] = true
	}
}
