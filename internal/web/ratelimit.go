package web

import (
	"sync"
	"time"
)

// addressLimiter counts requests per client address in this process: at most limit in
// a window that starts with an address's first request, then the address is refused
// until lockFor after the limit was reached, like the sign-in throttle. It answers
// without touching the database, so the public look-up (which counts every request)
// costs no write per request. Behind several servers an address may therefore send up
// to limit to each; what guards against guessing, the count of look-ups that found
// nothing per address and of wrong factors per reference, is kept in the database too
// (the throttle) and holds across servers. Safe for
// concurrent use; the table is bounded (maxAddresses), forgetting expired addresses
// first.
type addressLimiter struct {
	limit          int
	window, lockIt time.Duration

	mu    sync.Mutex
	addrs map[string]*addressCount
}

type addressCount struct {
	n      int
	first  time.Time
	locked time.Time // zero, or refused until then
}

// maxAddresses bounds the table: a few MB.
const maxAddresses = 100_000

func newAddressLimiter(limit int, window, lockFor time.Duration) *addressLimiter {
	return &addressLimiter{limit: limit, window: window, lockIt: lockFor, addrs: map[string]*addressCount{}}
}

// allow counts one request from addr at now and tells whether it may proceed; when not,
// until says when the address may come back.
func (l *addressLimiter) allow(addr string, now time.Time) (ok bool, until time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.addrs[addr]
	if c == nil {
		if len(l.addrs) >= maxAddresses {
			l.forget(now)
		}
		c = &addressCount{first: now}
		l.addrs[addr] = c
	}
	if now.Before(c.locked) {
		return false, c.locked
	}
	if now.Sub(c.first) > l.window || !c.locked.IsZero() {
		c.n, c.first, c.locked = 0, now, time.Time{}
	}
	c.n++
	if c.n > l.limit {
		c.locked = now.Add(l.lockIt)
		return false, c.locked
	}
	return true, time.Time{}
}

// forget drops the addresses whose window and lock have passed, and when that is not
// enough, half of the table (the oldest windows are as likely as any to be dropped: map
// order).
func (l *addressLimiter) forget(now time.Time) {
	for a, c := range l.addrs {
		if now.Sub(c.first) > l.window && !now.Before(c.locked) {
			delete(l.addrs, a)
		}
	}
	for a := range l.addrs {
		if len(l.addrs) < maxAddresses/2 {
			break
		}
		delete(l.addrs, a)
	}
}

// release gives back a request of key counted by allow that turned out well (a second
// factor that matched), unless the key is locked.
func (l *addressLimiter) release(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if c := l.addrs[key]; c != nil && c.n > 0 && c.locked.IsZero() && now.Sub(c.first) <= l.window {
		c.n--
	}
}
