package calendar

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrInvalidLimit is returned (wrapped) for a time limit that is malformed,
// zero, negative or implausibly large.
var ErrInvalidLimit = errors.New("invalid time limit")

// Bounds on limits. Procedures state limits of a few days to a few months; a
// bigger figure is a typing error (hours typed as days), not a real limit.
const (
	MaxLimitDays  = 1000
	MaxLimitHours = 1000
)

// LimitKind says how a procedure's time limit is stated.
type LimitKind int

// The kinds of time limit a procedure can state.
const (
	// WorkingDays: N working days (ngày làm việc), the common case.
	WorkingDays LimitKind = iota + 1
	// WorkingHours: an amount of office time (e.g. "4 giờ làm việc").
	WorkingHours
	// WithinDay: the same working day, or the next one when received at
	// or after a cut-off ("trong ngày; sau 15 giờ thì trả vào ngày làm việc
	// tiếp theo").
	WithinDay
)

// Limit is a procedure's time limit. The zero Limit is invalid; build one
// with Days, Hours, SameDay or ParseLimit, which validate.
type Limit struct {
	kind   LimitKind
	days   int
	hours  time.Duration
	cutoff Clock
}

// Days returns a limit of n working days (1..MaxLimitDays).
func Days(n int) (Limit, error) {
	if n < 1 || n > MaxLimitDays {
		return Limit{}, fmt.Errorf("%d working days: want 1..%d: %w", n, MaxLimitDays, ErrInvalidLimit)
	}
	return Limit{kind: WorkingDays, days: n}, nil
}

// Hours returns a limit of d office time, in whole minutes, from one minute
// to MaxLimitHours hours.
func Hours(d time.Duration) (Limit, error) {
	if d < time.Minute || d > MaxLimitHours*time.Hour || d%time.Minute != 0 {
		return Limit{}, fmt.Errorf("%v working time: want whole minutes from 1m to %dh: %w", d, MaxLimitHours, ErrInvalidLimit)
	}
	return Limit{kind: WorkingHours, hours: d}, nil
}

// SameDay returns a "within the day" limit: due at the close of office on the
// receipt day, or of the next working day when received at or after cutoff.
func SameDay(cutoff Clock) (Limit, error) {
	if cutoff <= 0 || cutoff >= 24*60 {
		return Limit{}, fmt.Errorf("cut-off %s: want a time between 00:01 and 23:59: %w", cutoff, ErrInvalidLimit)
	}
	return Limit{kind: WithinDay, cutoff: cutoff}, nil
}

// Kind returns how the limit is stated (0 for the zero Limit).
func (l Limit) Kind() LimitKind { return l.kind }

// WorkingDayCount returns N for a WorkingDays limit, else 0.
func (l Limit) WorkingDayCount() int { return l.days }

// WorkingTime returns the office time of a WorkingHours limit, else 0.
func (l Limit) WorkingTime() time.Duration { return l.hours }

// Cutoff returns the cut-off of a WithinDay limit, else 0.
func (l Limit) Cutoff() Clock { return l.cutoff }

// Validate reports whether the limit was built by a constructor of this
// package (the zero Limit is not).
func (l Limit) Validate() error {
	var err error
	switch l.kind {
	case WorkingDays:
		_, err = Days(l.days)
	case WorkingHours:
		_, err = Hours(l.hours)
	case WithinDay:
		_, err = SameDay(l.cutoff)
	default:
		err = fmt.Errorf("no time limit set: %w", ErrInvalidLimit)
	}
	return err
}

// ParseLimit reads a limit as stored in procedure data and typed on the
// command line:
//
//	"5d"         5 working days
//	"4h", "1h30m", "90m"  working hours and minutes (office time)
//	"day@15:00"  within the day, the next working day if received from 15:00
//
// Fractions of a day ("0.5d") are refused on purpose: half a day depends on
// the unit's office hours, so state it in hours instead. String gives the
// canonical form ("90m" becomes "1h30m"), which ParseLimit reads back.
func ParseLimit(s string) (Limit, error) {
	var (
		l   Limit
		err error
	)
	switch {
	case strings.HasPrefix(s, "day@"):
		c, cerr := ParseClock(s[len("day@"):])
		if cerr != nil {
			err = fmt.Errorf("cut-off: %v: %w", cerr, ErrInvalidLimit)
		} else {
			l, err = SameDay(c)
		}
	case strings.HasSuffix(s, "d"):
		n, ok := digits(s[:len(s)-1])
		if !ok || len(s) > 8 {
			err = fmt.Errorf("want a whole number of working days such as 5d (use hours for fractions): %w", ErrInvalidLimit)
		} else {
			l, err = Days(n)
		}
	case strings.HasSuffix(s, "h") || strings.HasSuffix(s, "m"):
		var d time.Duration
		if d, err = parseHoursMinutes(s); err == nil {
			l, err = Hours(d)
		}
	default:
		err = fmt.Errorf("want 5d, 4h, 1h30m, 90m or day@15:00: %w", ErrInvalidLimit)
	}
	if err != nil {
		return Limit{}, fmt.Errorf("parse limit %q: %w", s, err)
	}
	return l, nil
}

// parseHoursMinutes reads "4h", "1h30m" or "90m" (digits only, no signs or
// decimals, at most 6 digits per number so nothing overflows).
func parseHoursMinutes(s string) (time.Duration, error) {
	bad := fmt.Errorf("want hours and minutes such as 4h, 1h30m or 90m: %w", ErrInvalidLimit)
	var d time.Duration
	rest := s
	if h, after, ok := strings.Cut(rest, "h"); ok {
		n, okN := digits(h)
		if !okN || len(h) > 6 {
			return 0, bad
		}
		d += time.Duration(n) * time.Hour
		rest = after
	}
	if rest != "" {
		m, ok := strings.CutSuffix(rest, "m")
		n, okN := digits(m)
		if !ok || !okN || len(m) > 6 {
			return 0, bad
		}
		d += time.Duration(n) * time.Minute
	}
	return d, nil
}

// String returns the canonical text form read by ParseLimit.
func (l Limit) String() string {
	switch l.kind {
	case WorkingDays:
		return fmt.Sprintf("%dd", l.days)
	case WorkingHours:
		h, m := int(l.hours/time.Hour), int(l.hours%time.Hour/time.Minute)
		switch {
		case m == 0:
			return fmt.Sprintf("%dh", h)
		case h == 0:
			return fmt.Sprintf("%dm", m)
		}
		return fmt.Sprintf("%dh%dm", h, m)
	case WithinDay:
		return "day@" + l.cutoff.String()
	}
	return ""
}

// MarshalText encodes the limit in its canonical text form.
func (l Limit) MarshalText() ([]byte, error) {
	if err := l.Validate(); err != nil {
		return nil, err
	}
	return []byte(l.String()), nil
}

// UnmarshalText decodes a limit with ParseLimit.
func (l *Limit) UnmarshalText(b []byte) error {
	parsed, err := ParseLimit(string(b))
	if err != nil {
		return err
	}
	*l = parsed
	return nil
}
