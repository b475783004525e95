package store_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

func TestCountAttempt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		window, lockFor := 15*time.Minute, 10*time.Minute
		count := func(key string, at time.Time) time.Time {
			t.Helper()
			until, err := db.CountAttempt(ctx, key, 3, at, window, lockFor)
			if err != nil {
				t.Fatal(err)
			}
			return until
		}
		for i := range 3 {
			if until := count("k", t0.Add(time.Duration(i)*time.Second)); !until.IsZero() {
				t.Fatalf("attempt %d locked until %v", i+1, until)
			}
		}
		// The fourth in the window locks; a locked key stays locked to the end.
		lockAt := t0.Add(3 * time.Second)
		if until := count("k", lockAt); !until.Equal(lockAt.Add(lockFor)) {
			t.Fatalf("fourth attempt: locked until %v", until)
		}
		if until := count("k", lockAt.Add(lockFor-time.Second)); !until.Equal(lockAt.Add(lockFor)) {
			t.Fatalf("during the lock: %v", until)
		}
		// After the lock a new window starts.
		after := lockAt.Add(lockFor)
		for i := range 3 {
			if until := count("k", after.Add(time.Duration(i)*time.Second)); !until.IsZero() {
				t.Fatalf("after the lock, attempt %d: %v", i+1, until)
			}
		}
		// A passed window restarts the count; a given-back attempt does not count.
		if until := count("w", t0); !until.IsZero() {
			t.Fatal(until)
		}
		count("w", t0.Add(time.Minute))
		count("w", t0.Add(2*time.Minute))
		if err := db.ForgetAttempt(ctx, "w"); err != nil {
			t.Fatal(err)
		}
		if until := count("w", t0.Add(3*time.Minute)); !until.IsZero() {
			t.Fatalf("given back: %v", until)
		}
		if until := count("w", t0.Add(window+3*time.Minute)); !until.IsZero() {
			t.Fatalf("new window: %v", until)
		}
		// Another key is not touched.
		if n, _, l, _ := db.LoginFailures(ctx, "other"); n != 0 || !l.IsZero() {
			t.Fatal("other key")
		}
	})
}

// TestCountAttemptBurst: 200 attempts at once let exactly the limit through.
func TestCountAttemptBurst(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now()
		var allowed, failed atomic.Int32
		var wg sync.WaitGroup
		for range 200 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				until, err := db.CountAttempt(ctx, "burst", 10, now, 15*time.Minute, 15*time.Minute)
				switch {
				case err != nil:
					failed.Add(1)
					t.Error(err)
				case until.IsZero():
					allowed.Add(1)
				}
			}()
		}
		wg.Wait()
		if allowed.Load() != 10 || failed.Load() != 0 {
			t.Fatalf("%d attempts allowed (want 10), %d failed", allowed.Load(), failed.Load())
		}
	})
}
