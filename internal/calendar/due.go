package calendar

import (
	"errors"
	"fmt"
	"sort"
	"time"
)

// ClockStart returns when the clock of a dossier received at t starts: t
// itself during office hours of a working day, else the start of the next
// office period (DOMAIN.md rules 4 and 6). shifted reports the second case.
func (c *Calendar) ClockStart(t time.Time) (start time.Time, shifted bool, err error) {
	day, tod, err := split(t)
	if err != nil {
		return time.Time{}, false, err
	}
	day, tod, err = c.normalize(day, tod)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("clock start %s: %w", t.Format(time.RFC3339), err)
	}
	start = at(day, tod)
	return start, !start.Equal(t), nil
}

// normalize moves (day, tod) to the first office instant at or after it.
func (c *Calendar) normalize(day int, tod time.Duration) (int, time.Duration, error) {
	working, err := c.isWorkingDay(day)
	if err != nil {
		return 0, 0, err
	}
	if working {
		if next, ok := c.hours.nextStart(tod); ok {
			return day, next, nil
		}
	}
	next, err := c.nthWorkingDayAfter(day, 1)
	if err != nil {
		return 0, 0, err
	}
	return next, c.hours.Opening().duration(), nil
}

// Due returns the appointment for a dossier received at received with the
// given limit, and the rule that produced it. The result is in
// Asia/Ho_Chi_Minh. See the package documentation for the rules.
func (c *Calendar) Due(received time.Time, limit Limit) (time.Time, Rule, error) {
	if err := limit.Validate(); err != nil {
		return time.Time{}, Rule{}, fmt.Errorf("due: %w", err)
	}
	day, tod, err := split(received)
	if err != nil {
		return time.Time{}, Rule{}, fmt.Errorf("due: %w", err)
	}
	var dueDay int
	var dueTod time.Duration
	var rule Rule
	if limit.kind == WithinDay {
		dueDay, dueTod, rule, err = c.dueWithinDay(day, tod, limit.cutoff)
	} else {
		dueDay, dueTod, rule, err = c.dueFromStart(day, tod, limit)
	}
	if err != nil {
		return time.Time{}, Rule{}, fmt.Errorf("due %s + %s: %w", received.Format(time.RFC3339), limit, err)
	}
	rule.Shifted = !rule.Start.Equal(received)
	return at(dueDay, dueTod), rule, nil
}

func (c *Calendar) dueFromStart(day int, tod time.Duration, limit Limit) (int, time.Duration, Rule, error) {
	day, tod, err := c.normalize(day, tod)
	if err != nil {
		return 0, 0, Rule{}, err
	}
	start := at(day, tod)
	if limit.kind == WorkingHours {
		dueDay, dueTod, err := c.addWorkingTime(day, tod, limit.hours)
		return dueDay, dueTod, Rule{Code: RuleWorkingHours, WorkingTime: limit.hours, Office: c.hours, Start: start}, err
	}
	dueDay, err := c.nthWorkingDayAfter(day, limit.days)
	if err != nil {
		return 0, 0, Rule{}, err
	}
	if c.dayRule == EndOfDay {
		closing := c.hours.Closing()
		return dueDay, closing.duration(), Rule{Code: RuleWorkingDaysEndOfDay, Days: limit.days, DueClock: closing, Start: start}, nil
	}
	return dueDay, tod, Rule{Code: RuleWorkingDaysSameTime, Days: limit.days, DueClock: clockOf(tod), Start: start}, nil
}

// dueWithinDay implements "within the day; if received at or after the
// cut-off, the next working day": due at the close of office of the day the
// clock starts, or of the next working day when the clock starts at or
// after the cut-off.
func (c *Calendar) dueWithinDay(day int, tod time.Duration, cutoff Clock) (int, time.Duration, Rule, error) {
	day, tod, err := c.normalize(day, tod)
	if err != nil {
		return 0, 0, Rule{}, err
	}
	rule := Rule{Code: RuleWithinDay, Cutoff: cutoff, DueClock: c.hours.Closing(), Start: at(day, tod)}
	if tod >= cutoff.duration() {
		rule.Code = RuleWithinDayNextDay
		if day, err = c.nthWorkingDayAfter(day, 1); err != nil {
			return 0, 0, Rule{}, err
		}
	}
	return day, c.hours.Closing().duration(), rule, nil
}

// addWorkingTime adds office time d to (day, tod). A result that fills a
// day exactly ends at the close of that day, not at the next opening.
func (c *Calendar) addWorkingTime(day int, tod, d time.Duration) (int, time.Duration, error) {
	working, err := c.isWorkingDay(day)
	if err != nil {
		return 0, 0, err
	}
	if working {
		t, rest, ok := c.hours.advance(tod, d)
		if ok {
			return day, t, nil
		}
		d = rest
	}
	per := c.hours.PerDay()
	k, rem := int(d/per), d%per
	if rem == 0 {
		day, err = c.nthWorkingDayAfter(day, k)
		return day, c.hours.Closing().duration(), err
	}
	if day, err = c.nthWorkingDayAfter(day, k+1); err != nil {
		return 0, 0, err
	}
	t, _, _ := c.hours.advance(0, rem)
	return day, t, nil
}

// AddWorkingTime returns the instant at which d of office time has passed
// after t (counting from the next office period if t is outside one).
func (c *Calendar) AddWorkingTime(t time.Time, d time.Duration) (time.Time, error) {
	if d < 0 {
		return time.Time{}, fmt.Errorf("add working time %v: negative duration", d)
	}
	day, tod, err := split(t)
	if err != nil {
		return time.Time{}, err
	}
	if d == 0 {
		return t.In(location), nil
	}
	day, tod, err = c.addWorkingTime(day, tod, d)
	if err != nil {
		return time.Time{}, fmt.Errorf("add working time %v to %s: %w", d, t.Format(time.RFC3339), err)
	}
	return at(day, tod), nil
}

// WorkingTime returns the office time between two instants (negative when
// to is before from): the "elapsed working time" of a dossier.
func (c *Calendar) WorkingTime(from, to time.Time) (time.Duration, error) {
	if to.Before(from) {
		d, err := c.WorkingTime(to, from)
		return -d, err
	}
	dayA, todA, err := split(from)
	if err != nil {
		return 0, err
	}
	dayB, todB, err := split(to)
	if err != nil {
		return 0, err
	}
	d, err := c.workingTime(dayA, todA, dayB, todB)
	if err != nil {
		return 0, fmt.Errorf("working time %s to %s: %w", from.Format(time.RFC3339), to.Format(time.RFC3339), err)
	}
	return d, nil
}

func (c *Calendar) workingTime(dayA int, todA time.Duration, dayB int, todB time.Duration) (time.Duration, error) {
	okA, err := c.isWorkingDay(dayA)
	if err != nil {
		return 0, err
	}
	if dayA == dayB {
		if !okA {
			return 0, nil
		}
		return c.hours.within(todA, todB), nil
	}
	okB, err := c.isWorkingDay(dayB)
	if err != nil {
		return 0, err
	}
	var sum time.Duration
	if okA {
		sum += c.hours.within(todA, 24*time.Hour)
	}
	if okB {
		sum += c.hours.within(0, todB)
	}
	between, err := c.countWorking(dayA, dayB-1)
	if err != nil {
		return 0, err
	}
	return sum + time.Duration(between)*c.hours.PerDay(), nil
}

// Remaining returns the working time left from now until due, negative
// once due has passed (the overdue working time).
func (c *Calendar) Remaining(now, due time.Time) (time.Duration, error) {
	return c.WorkingTime(now, due)
}

// Timeliness classifies a result against its appointment (DOMAIN.md rule 9).
type Timeliness int

// The timeliness classes. Reports count Early and OnTime as "on time".
const (
	// Early: finished on a day before the day of the appointment.
	Early Timeliness = iota + 1
	// OnTime: finished on the day of the appointment, by the due instant.
	OnTime
	// Late: finished after the due instant.
	Late
)

// String returns the code used in data: "early", "on_time" or "late".
func (t Timeliness) String() string {
	switch t {
	case Early:
		return "early"
	case OnTime:
		return "on_time"
	case Late:
		return "late"
	}
	return "unknown"
}

// Vietnamese returns the label used in reports: "Trước hạn", "Đúng hạn",
// "Trễ hạn".
func (t Timeliness) Vietnamese() string {
	switch t {
	case Early:
		return "Trước hạn"
	case OnTime:
		return "Đúng hạn"
	case Late:
		return "Trễ hạn"
	}
	return "Không xác định"
}

// Classify says whether a result finished at finished is early, on time or
// late against the appointment due. Days are compared in Asia/Ho_Chi_Minh.
// It needs no calendar: the appointment already encodes the working days.
func Classify(finished, due time.Time) Timeliness {
	switch {
	case finished.After(due):
		return Late
	case DateOf(finished).Before(DateOf(due)):
		return Early
	}
	return OnTime
}

// Interval is a span of time [Start, End) during which a dossier's clock is
// stopped, e.g. while waiting for the applicant to pay a fee or tax.
type Interval struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// ErrInvalidInterval is returned (wrapped) for a pause that ends before it
// starts.
var ErrInvalidInterval = errors.New("invalid pause interval")

// mergePauses validates, sorts and merges overlapping pauses so that no
// working time is counted twice.
func mergePauses(pauses []Interval) ([]Interval, error) {
	out := make([]Interval, 0, len(pauses))
	for _, p := range pauses {
		if p.End.Before(p.Start) {
			return nil, fmt.Errorf("pause %s–%s: %w", p.Start.Format(time.RFC3339), p.End.Format(time.RFC3339), ErrInvalidInterval)
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start.Before(out[j].Start) })
	merged := out[:0]
	for _, p := range out {
		if n := len(merged); n > 0 && !p.Start.After(merged[n-1].End) {
			if p.End.After(merged[n-1].End) {
				merged[n-1].End = p.End
			}
			continue
		}
		merged = append(merged, p)
	}
	return merged, nil
}

// Extend pushes an appointment back by the working time of the pauses that
// began before it (the clock stops during a pause and resumes after it). A
// pause that begins after the appointment changes nothing: the dossier was
// already late. Pauses should lie after the receipt; DueWithPauses clips
// them. It returns the new due and the working time added.
func (c *Calendar) Extend(due time.Time, pauses []Interval) (time.Time, time.Duration, error) {
	merged, err := mergePauses(pauses)
	if err != nil {
		return time.Time{}, 0, fmt.Errorf("extend: %w", err)
	}
	cur, added := due.In(location), time.Duration(0)
	for _, p := range merged {
		if !p.Start.Before(cur) {
			break
		}
		w, err := c.WorkingTime(p.Start, p.End)
		if err != nil {
			return time.Time{}, 0, fmt.Errorf("extend: %w", err)
		}
		if w == 0 {
			continue
		}
		if cur, err = c.AddWorkingTime(cur, w); err != nil {
			return time.Time{}, 0, fmt.Errorf("extend: %w", err)
		}
		added += w
	}
	return cur, added, nil
}

// DueWithPauses is Due followed by Extend with the pauses clipped to start
// no earlier than the receipt. The rule mentions the added time.
func (c *Calendar) DueWithPauses(received time.Time, limit Limit, pauses []Interval) (time.Time, Rule, error) {
	due, rule, err := c.Due(received, limit)
	if err != nil {
		return time.Time{}, Rule{}, err
	}
	clipped := make([]Interval, 0, len(pauses))
	for _, p := range pauses {
		if p.Start.Before(received) {
			p.Start = received
		}
		if p.End.After(p.Start) {
			clipped = append(clipped, p)
		}
	}
	due, added, err := c.Extend(due, clipped)
	if err != nil {
		return time.Time{}, Rule{}, err
	}
	rule.Paused = added
	return due, rule, nil
}

// WorkingTimeExcluding returns the working time between from and to minus
// the working time of the pauses inside that span: the clock time a dossier
// has actually consumed.
func (c *Calendar) WorkingTimeExcluding(from, to time.Time, pauses []Interval) (time.Duration, error) {
	total, err := c.WorkingTime(from, to)
	if err != nil {
		return 0, err
	}
	if to.Before(from) {
		return 0, fmt.Errorf("working time excluding pauses: %s is before %s", to.Format(time.RFC3339), from.Format(time.RFC3339))
	}
	merged, err := mergePauses(pauses)
	if err != nil {
		return 0, fmt.Errorf("working time excluding pauses: %w", err)
	}
	for _, p := range merged {
		s, e := later(p.Start, from), earlier(p.End, to)
		if !e.After(s) {
			continue
		}
		w, err := c.WorkingTime(s, e)
		if err != nil {
			return 0, err
		}
		total -= w
	}
	return total, nil
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// split returns the local day number and wall-clock time of day of t in
// Asia/Ho_Chi_Minh, refusing instants outside the supported years.
func split(t time.Time) (int, time.Duration, error) {
	local := t.In(location)
	y, m, d := local.Date()
	if y < MinYear || y > MaxYear {
		return 0, 0, fmt.Errorf("instant %s: %w", t.Format(time.RFC3339), ErrOutOfRange)
	}
	h, mi, s := local.Clock()
	tod := time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute +
		time.Duration(s)*time.Second + time.Duration(local.Nanosecond())
	return daysFromCivil(y, int(m), d), tod, nil
}

// at builds the instant at wall-clock time tod of a day in Asia/Ho_Chi_Minh.
// tod may be 24h (the end of the day).
func at(day int, tod time.Duration) time.Time {
	d := dateFromDayNumber(day)
	return time.Date(d.Year, d.Month, d.Day,
		int(tod/time.Hour), int(tod%time.Hour/time.Minute),
		int(tod%time.Minute/time.Second), int(tod%time.Second), location)
}

// clockOf truncates a time of day to the minute, for messages.
func clockOf(tod time.Duration) Clock { return Clock(tod / time.Minute) }
