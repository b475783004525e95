package web

import (
	"context"
	"time"

	"github.com/motcua/motcua/internal/store"
)

// Sign-in throttling, kept in the database so it holds across app servers: after
// maxFailures failed attempts within window for one e-mail (or 4× that from one client
// address), further attempts are refused for lockFor.
const (
	maxFailures = 5
	window      = 15 * time.Minute
	lockFor     = 15 * time.Minute
)

type throttle struct {
	db  *store.DB
	now func() time.Time
}

// lockedUntil returns when the key's lock ends (zero if not locked).
func (t *throttle) lockedUntil(ctx context.Context, key string) (time.Time, error) {
	_, _, until, err := t.db.LoginFailures(ctx, key)
	if err != nil {
		return time.Time{}, err
	}
	if until.After(t.now()) {
		return until, nil
	}
	return time.Time{}, nil
}

// fail records one failed attempt and locks the key once it reaches limit.
func (t *throttle) fail(ctx context.Context, key string, limit int) error {
	now := t.now().UTC()
	n, first, _, err := t.db.LoginFailures(ctx, key)
	if err != nil {
		return err
	}
	if n == 0 || now.Sub(first) > window {
		n, first = 0, now
	}
	n++
	var until time.Time
	if n >= limit {
		until = now.Add(lockFor)
		n, first = 0, now
	}
	return t.db.SetLoginFailures(ctx, key, n, first, until)
}

func (t *throttle) reset(ctx context.Context, key string) error {
	return t.db.ClearLoginFailures(ctx, key)
}
