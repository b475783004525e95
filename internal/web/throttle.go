package web

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/store"
)

// Rate limits on what anyone may try without an account: signing in, looking up a dossier
// and submitting one online. Their state is in the database (the login_failures table),
// counted in one statement per attempt (store.CountAttempt), so a limit holds under a burst
// of concurrent requests and across every app server behind a load balancer; a client
// address is the one the trusted proxies report (proxy.go).
//
// Sign-in: after maxFailures attempts within window for one e-mail (or 4× that from one
// client address), further attempts are refused for lockFor. An attempt is counted before
// the password is checked, so a burst cannot try more passwords than the limit; a sign-in
// that succeeds clears the e-mail's count and gives its attempt back to the address.
const (
	maxFailures = 5
	window      = 15 * time.Minute
	lockFor     = 15 * time.Minute
)

type throttle struct {
	db  *store.DB
	now func() time.Time
}

// locked returns a key's lock read from the database (store.LoginFailures,
// store.PublicDossier) if it has not ended yet, zero otherwise.
func (t *throttle) locked(until time.Time) time.Time {
	if until.After(t.now()) {
		return until
	}
	return time.Time{}
}

// attempt counts one attempt for the key; beyond limit in the window the key is locked and
// attempt returns when the lock ends (zero: go ahead).
func (t *throttle) attempt(ctx context.Context, key string, limit int) (time.Time, error) {
	return t.db.CountAttempt(ctx, key, limit, t.now(), window, lockFor)
}

// giveBack returns an attempt that succeeded.
func (t *throttle) giveBack(ctx context.Context, key string) error {
	return t.db.ForgetAttempt(ctx, key)
}

func (t *throttle) reset(ctx context.Context, key string) error {
	return t.db.ClearLoginFailures(ctx, key)
}

// throttled is a refusal by a rate limit: the message to show and when to come back,
// which renderError sends as Retry-After.
type throttled struct {
	err   *failure.Error
	until time.Time
}

func (e *throttled) Error() string { return e.err.Error() }
func (e *throttled) Unwrap() error { return e.err }

// tooMany builds the refusal of a locked key; the message gets the minutes to wait.
func (s *Server) tooMany(key string, until time.Time) error {
	return &throttled{err: failure.New(failure.TooMany, "", key, minutesUntil(s.cfg.Now(), until)), until: until}
}

func minutesUntil(now, until time.Time) int { return int(until.Sub(now).Minutes()) + 1 }

// retryAfterOf sets Retry-After when err is a rate limit's refusal.
func (s *Server) retryAfterOf(w http.ResponseWriter, err error) {
	var th *throttled
	if errors.As(err, &th) {
		s.retryAfter(w, th.until)
	}
}

// retryAfter sets the Retry-After header (whole seconds, at least one) for a lock ending
// at until.
func (s *Server) retryAfter(w http.ResponseWriter, until time.Time) {
	secs := int(math.Ceil(until.Sub(s.cfg.Now()).Seconds()))
	w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
}
