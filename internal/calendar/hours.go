package calendar

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrInvalidHours is returned (wrapped) for office hours that cannot be used:
// malformed clock times, empty, unordered or overlapping periods.
var ErrInvalidHours = errors.New("invalid office hours")

// Clock is a local time of day in minutes after midnight (0..1440). Office
// hours are stated to the minute, so a finer unit would only invite
// inconsistencies between units. 1440 stands for 24:00, the end of the day.
type Clock int

// ParseClock parses HH:MM (24-hour, 00:00..24:00).
func ParseClock(s string) (Clock, error) {
	if len(s) != 5 || s[2] != ':' {
		return 0, fmt.Errorf("parse clock %q: want HH:MM: %w", s, ErrInvalidHours)
	}
	h, okH := digits(s[:2])
	m, okM := digits(s[3:])
	if !okH || !okM || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("parse clock %q: want HH:MM between 00:00 and 24:00: %w", s, ErrInvalidHours)
	}
	return Clock(h*60 + m), nil
}

// String formats the clock as HH:MM.
func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }

// duration returns the clock as a duration since midnight.
func (c Clock) duration() time.Duration { return time.Duration(c) * time.Minute }

// Period is one stretch of office time within a day, [Start, End): an
// instant equal to End is already outside it.
type Period struct {
	Start Clock `json:"start"`
	End   Clock `json:"end"`
}

// String formats the period as HH:MM–HH:MM.
func (p Period) String() string { return p.Start.String() + "-" + p.End.String() }

// OfficeHours is the ordered list of a unit's office periods on a working
// day. It is immutable once built; construct it with NewOfficeHours,
// ParseOfficeHours or DefaultOfficeHours so that it is always valid.
type OfficeHours struct {
	periods []Period
	total   time.Duration
}

// DefaultOfficeHours returns 07:30–11:30 and 13:30–17:00, the civil-service
// day most People's Committees publish (7 hours 30 minutes).
func DefaultOfficeHours() OfficeHours {
	h, _ := NewOfficeHours(Period{Start: 7*60 + 30, End: 11*60 + 30}, Period{Start: 13*60 + 30, End: 17 * 60})
	return h
}

// NewOfficeHours validates the periods (at least one; each non-empty and
// within the day; in order; not overlapping) and returns the office hours.
// Touching periods (11:30–11:30) are allowed and behave as one.
func NewOfficeHours(periods ...Period) (OfficeHours, error) {
	if len(periods) == 0 {
		return OfficeHours{}, fmt.Errorf("no office period given: %w", ErrInvalidHours)
	}
	var total time.Duration
	for i, p := range periods {
		if p.Start < 0 || p.End > 24*60 || p.Start >= p.End {
			return OfficeHours{}, fmt.Errorf("period %s: start must be before end, within 00:00–24:00: %w", p, ErrInvalidHours)
		}
		if i > 0 && p.Start < periods[i-1].End {
			return OfficeHours{}, fmt.Errorf("period %s starts before %s ends; list periods in order without overlap: %w", p, periods[i-1], ErrInvalidHours)
		}
		total += (p.End - p.Start).duration()
	}
	return OfficeHours{periods: append([]Period(nil), periods...), total: total}, nil
}

// ParseOfficeHours reads "07:30-11:30,13:30-17:00", the form used in unit
// settings and on the command line.
func ParseOfficeHours(s string) (OfficeHours, error) {
	var periods []Period
	for _, part := range strings.Split(s, ",") {
		start, end, ok := strings.Cut(strings.TrimSpace(part), "-")
		if !ok {
			return OfficeHours{}, fmt.Errorf("parse office hours %q: want HH:MM-HH:MM[,HH:MM-HH:MM...]: %w", s, ErrInvalidHours)
		}
		a, err := ParseClock(strings.TrimSpace(start))
		if err != nil {
			return OfficeHours{}, fmt.Errorf("parse office hours %q: %w", s, err)
		}
		b, err := ParseClock(strings.TrimSpace(end))
		if err != nil {
			return OfficeHours{}, fmt.Errorf("parse office hours %q: %w", s, err)
		}
		periods = append(periods, Period{Start: a, End: b})
	}
	h, err := NewOfficeHours(periods...)
	if err != nil {
		return OfficeHours{}, fmt.Errorf("parse office hours %q: %w", s, err)
	}
	return h, nil
}

// Periods returns a copy of the office periods, in order.
func (h OfficeHours) Periods() []Period { return append([]Period(nil), h.periods...) }

// PerDay returns the office time of one working day (7h30m by default): the
// length of a "working day" when converting between days and hours.
func (h OfficeHours) PerDay() time.Duration { return h.total }

// IsZero reports whether h was never set, so configuration can fall back to
// DefaultOfficeHours.
func (h OfficeHours) IsZero() bool { return len(h.periods) == 0 }

// String formats the office hours as ParseOfficeHours reads them.
func (h OfficeHours) String() string {
	parts := make([]string, len(h.periods))
	for i, p := range h.periods {
		parts[i] = p.String()
	}
	return strings.Join(parts, ",")
}

// Opening returns the start of the first period of the day (0 when unset).
func (h OfficeHours) Opening() Clock {
	if len(h.periods) == 0 {
		return 0
	}
	return h.periods[0].Start
}

// Closing returns the end of the last period of the day (0 when unset).
func (h OfficeHours) Closing() Clock {
	if len(h.periods) == 0 {
		return 0
	}
	return h.periods[len(h.periods)-1].End
}

// nextStart returns the office time-of-day at or after tod: tod itself when
// it lies inside a period, else the start of the next period; ok is false
// when no period of the day remains.
func (h OfficeHours) nextStart(tod time.Duration) (time.Duration, bool) {
	for _, p := range h.periods {
		if tod < p.End.duration() {
			return max(tod, p.Start.duration()), true
		}
	}
	return 0, false
}

// within returns the office time between two times of day a <= b.
func (h OfficeHours) within(a, b time.Duration) time.Duration {
	var sum time.Duration
	for _, p := range h.periods {
		lo, hi := max(a, p.Start.duration()), min(b, p.End.duration())
		if hi > lo {
			sum += hi - lo
		}
	}
	return sum
}

// advance adds office time d to time of day tod within one day. It returns
// the resulting time of day, or ok=false with the office time still to add
// once the day is exhausted. An exact fit ends at the end of a period.
func (h OfficeHours) advance(tod, d time.Duration) (time.Duration, time.Duration, bool) {
	for _, p := range h.periods {
		end := p.End.duration()
		if tod >= end {
			continue
		}
		from := max(tod, p.Start.duration())
		avail := end - from
		if d <= avail {
			return from + d, 0, true
		}
		d -= avail
	}
	return 0, d, false
}
