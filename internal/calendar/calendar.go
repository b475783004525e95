package calendar

import (
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"
)

// DayRule chooses the time of day at which a limit in working days falls due.
// Provinces differ, so it is a per-unit setting (DOMAIN.md rule 6).
type DayRule int

// The day rules.
const (
	// SameTimeOfDay: due at the time of receipt on the Nth working day
	// after the receipt day (received Monday 09:00 + 5 days → next Monday
	// 09:00 when there is no holiday). The default.
	SameTimeOfDay DayRule = iota
	// EndOfDay: due at the close of office on the Nth working day.
	EndOfDay
)

// String names the rule as in configuration ("same-time", "end-of-day").
func (r DayRule) String() string {
	if r == EndOfDay {
		return "end-of-day"
	}
	return "same-time"
}

// ParseDayRule reads "same-time" or "end-of-day", the values of the unit
// setting.
func ParseDayRule(s string) (DayRule, error) {
	switch s {
	case "same-time", "":
		return SameTimeOfDay, nil
	case "end-of-day":
		return EndOfDay, nil
	}
	return 0, fmt.Errorf("day rule %q: want same-time or end-of-day", s)
}

// Config is a unit's working-time setup. Zero fields take the national
// defaults, so Config{} is the civil-service calendar without official
// schedules.
type Config struct {
	// OfficeHours of a working day; zero means DefaultOfficeHours.
	OfficeHours OfficeHours
	// Weekend lists the weekly rest days; empty means Saturday and Sunday.
	Weekend []time.Weekday
	// DayRule for limits in working days; zero is SameTimeOfDay.
	DayRule DayRule
	// Schedules are the official yearly schedules, at most one per year.
	Schedules []Schedule
}

// Calendar answers which days are worked and does deadline arithmetic for
// one unit. Year tables are built on first use and then only read, so a
// Calendar is safe for concurrent use. Build it with New; do not copy it.
type Calendar struct {
	hours     OfficeHours
	weekend   weekendSet
	dayRule   DayRule
	schedules map[int]Schedule
	lunar     *lunarTable
	years     [MaxYear - MinYear + 1]yearSlot
}

type yearSlot struct {
	once  sync.Once
	table *yearTable
	err   error
}

// yearTable is the precomputed working-day picture of one Gregorian year.
type yearTable struct {
	first   int      // day number of 1 January
	cum     []uint16 // cum[i]: working days among the first i days of the year
	daysOff []DayOff
	makeUp  []ScheduledDay
}

func (t *yearTable) total() int { return int(t.cum[len(t.cum)-1]) }

func (t *yearTable) working(i int) bool { return t.cum[i+1] != t.cum[i] }

// New validates the configuration and returns a unit's calendar.
func New(cfg Config) (*Calendar, error) {
	c := &Calendar{hours: cfg.OfficeHours, dayRule: cfg.DayRule, lunar: vietnamLunar()}
	if c.hours.IsZero() {
		c.hours = DefaultOfficeHours()
	}
	if c.dayRule != SameTimeOfDay && c.dayRule != EndOfDay {
		return nil, fmt.Errorf("new calendar: unknown day rule %d", int(c.dayRule))
	}
	weekend := cfg.Weekend
	if len(weekend) == 0 {
		weekend = []time.Weekday{time.Saturday, time.Sunday}
	}
	for _, w := range weekend {
		if w < time.Sunday || w > time.Saturday {
			return nil, fmt.Errorf("new calendar: weekday %d does not exist", int(w))
		}
		c.weekend[w] = true
	}
	if c.weekend == (weekendSet{true, true, true, true, true, true, true}) {
		return nil, fmt.Errorf("new calendar: every day is a weekend day")
	}
	c.schedules = make(map[int]Schedule, len(cfg.Schedules))
	for _, s := range cfg.Schedules {
		if err := s.Validate(); err != nil {
			return nil, fmt.Errorf("new calendar: %w", err)
		}
		if _, dup := c.schedules[s.Year]; dup {
			return nil, fmt.Errorf("new calendar: two schedules for %d: %w", s.Year, ErrInvalidSchedule)
		}
		c.schedules[s.Year] = s
	}
	return c, nil
}

// Default returns the civil-service calendar (default office hours,
// Saturday and Sunday off, same-time rule) with the shipped official
// schedules: what a unit uses until it is configured.
func Default() (*Calendar, error) {
	schedules, err := OfficialSchedules()
	if err != nil {
		return nil, fmt.Errorf("default calendar: %w", err)
	}
	return New(Config{Schedules: schedules})
}

// OfficeHours returns the unit's office hours.
func (c *Calendar) OfficeHours() OfficeHours { return c.hours }

// DayRule returns the unit's rule for limits in working days.
func (c *Calendar) DayRule() DayRule { return c.dayRule }

// Weekend returns the unit's weekly rest days, Sunday first.
func (c *Calendar) Weekend() []time.Weekday {
	var days []time.Weekday
	for w, off := range c.weekend {
		if off {
			days = append(days, time.Weekday(w))
		}
	}
	return days
}

// Schedule returns the official schedule of a year, if one was given.
func (c *Calendar) Schedule(year int) (Schedule, bool) {
	s, ok := c.schedules[year]
	return s, ok
}

// IsWorkingDay reports whether d is worked: not a weekly rest day (unless a
// make-up working day), not a holiday, compensatory or swapped day off.
func (c *Calendar) IsWorkingDay(d Date) (bool, error) {
	if err := d.Validate(); err != nil {
		return false, err
	}
	day := d.dayNumber()
	t, err := c.table(d.Year)
	if err != nil {
		return false, err
	}
	return t.working(day - t.first), nil
}

// DaysOff returns the year's days off other than ordinary weekends, sorted
// by date, each with its names, kind and source. Weekend days appear only
// when an official schedule lists them as part of a break.
func (c *Calendar) DaysOff(year int) ([]DayOff, error) {
	t, err := c.table(year)
	if err != nil {
		return nil, err
	}
	return append([]DayOff(nil), t.daysOff...), nil
}

// MakeUpDays returns the year's make-up working days (weekly rest days that
// are worked by official schedule), sorted by date.
func (c *Calendar) MakeUpDays(year int) ([]ScheduledDay, error) {
	t, err := c.table(year)
	if err != nil {
		return nil, err
	}
	return append([]ScheduledDay(nil), t.makeUp...), nil
}

// AddWorkingDays returns the nth working day after d (n > 0) or the |n|th
// working day before d (n < 0); d itself is never counted. n = 0 returns d.
func (c *Calendar) AddWorkingDays(d Date, n int) (Date, error) {
	if err := d.Validate(); err != nil {
		return Date{}, err
	}
	var (
		day int
		err error
	)
	switch {
	case n > 0:
		day, err = c.nthWorkingDayAfter(d.dayNumber(), n)
	case n < 0:
		day, err = c.nthWorkingDayBefore(d.dayNumber(), -n)
	default:
		return d, nil
	}
	if err != nil {
		return Date{}, fmt.Errorf("add %d working days to %s: %w", n, d, err)
	}
	return dateFromDayNumber(day), nil
}

// WorkingDaysBetween counts the working days after from up to and including
// to; it is negative when to is before from, so that
// WorkingDaysBetween(d, AddWorkingDays(d, n)) == n.
func (c *Calendar) WorkingDaysBetween(from, to Date) (int, error) {
	if err := from.Validate(); err != nil {
		return 0, err
	}
	if err := to.Validate(); err != nil {
		return 0, err
	}
	n, err := c.countWorking(from.dayNumber(), to.dayNumber())
	if err != nil {
		return 0, fmt.Errorf("working days between %s and %s: %w", from, to, err)
	}
	return n, nil
}

// table returns the year's table, building it on first use.
func (c *Calendar) table(year int) (*yearTable, error) {
	if year < MinYear || year > MaxYear {
		return nil, fmt.Errorf("year %d: %w", year, ErrOutOfRange)
	}
	if c.lunar == nil {
		return nil, errors.New("calendar not initialised: build it with calendar.New")
	}
	slot := &c.years[year-MinYear]
	slot.once.Do(func() { slot.table, slot.err = c.buildYear(year) })
	return slot.table, slot.err
}

// tableOfDay returns the table of the year containing day and the index of
// day within it.
func (c *Calendar) tableOfDay(day int) (*yearTable, int, error) {
	t, err := c.table(dateFromDayNumber(day).Year)
	if err != nil {
		return nil, 0, err
	}
	return t, day - t.first, nil
}

func (c *Calendar) buildYear(year int) (*yearTable, error) {
	computed, err := statutoryDaysOff(year, c.weekend, c.lunar)
	if err != nil {
		return nil, err
	}
	byDate := make(map[Date]DayOff, len(computed)+16)
	for _, d := range computed {
		byDate[d.Date] = d
	}
	t := &yearTable{first: daysFromCivil(year, 1, 1)}
	if s, ok := c.schedules[year]; ok {
		applySchedule(s, byDate)
		t.makeUp = append([]ScheduledDay(nil), s.WorkingDays...)
		sort.Slice(t.makeUp, func(i, j int) bool { return t.makeUp[i].Date.Before(t.makeUp[j].Date) })
	}
	n := 365
	if isLeapYear(year) {
		n = 366
	}
	working := make([]bool, n)
	for i := range working {
		working[i] = !c.weekend[weekdayOf(t.first+i)]
	}
	for d := range byDate {
		if d.Year != year { // cannot happen with the statutory rules; never index outside the year
			delete(byDate, d)
			continue
		}
		working[d.dayNumber()-t.first] = false
	}
	for _, m := range t.makeUp {
		working[m.Date.dayNumber()-t.first] = true
	}
	t.cum = make([]uint16, n+1)
	for i, w := range working {
		t.cum[i+1] = t.cum[i]
		if w {
			t.cum[i+1]++
		}
	}
	for _, d := range byDate {
		t.daysOff = append(t.daysOff, d)
	}
	sortDaysOff(t.daysOff)
	return t, nil
}

// applySchedule overrides the computed days off with an official schedule.
func applySchedule(s Schedule, byDate map[Date]DayOff) {
	for _, r := range s.Removed {
		delete(byDate, r.Date)
	}
	for _, a := range s.DaysOff {
		kind := a.Kind
		if kind == "" {
			kind = KindHoliday
		}
		byDate[a.Date] = DayOff{
			Date: a.Date, NameVi: a.NameVi, NameEn: a.NameEn,
			Kind: kind, Source: SourceOfficial, Document: s.document(a),
		}
	}
}

// nthWorkingDayAfter returns the day number of the nth (n >= 1) working day
// strictly after day.
func (c *Calendar) nthWorkingDayAfter(day, n int) (int, error) {
	t, i, err := c.tableOfDay(day)
	if err != nil {
		return 0, err
	}
	target := int(t.cum[i+1]) + n
	for year := dateFromDayNumber(day).Year; ; {
		if target <= t.total() {
			return t.first + firstReaching(t.cum, target), nil
		}
		target -= t.total()
		year++
		if t, err = c.table(year); err != nil {
			return 0, err
		}
	}
}

// nthWorkingDayBefore returns the day number of the nth (n >= 1) working day
// strictly before day.
func (c *Calendar) nthWorkingDayBefore(day, n int) (int, error) {
	t, i, err := c.tableOfDay(day)
	if err != nil {
		return 0, err
	}
	target := int(t.cum[i]) - n + 1 // rank of the wanted day within its year
	for year := dateFromDayNumber(day).Year; target < 1; {
		year--
		if t, err = c.table(year); err != nil {
			return 0, err
		}
		target += t.total()
	}
	return t.first + firstReaching(t.cum, target), nil
}

// firstReaching returns the smallest index j with cum[j+1] >= target, that
// is the day on which the target-th working day of the year falls
// (1 <= target <= total). A hand-written binary search keeps Due cheap.
func firstReaching(cum []uint16, target int) int {
	lo, hi := 0, len(cum)-1
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if int(cum[mid+1]) >= target {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// countWorking returns the working days in (a, b], negated when b < a.
func (c *Calendar) countWorking(a, b int) (int, error) {
	if b < a {
		n, err := c.countWorking(b, a)
		return -n, err
	}
	ta, ia, err := c.tableOfDay(a)
	if err != nil {
		return 0, err
	}
	tb, ib, err := c.tableOfDay(b)
	if err != nil {
		return 0, err
	}
	if ta == tb {
		return int(tb.cum[ib+1]) - int(ta.cum[ia+1]), nil
	}
	n := ta.total() - int(ta.cum[ia+1]) + int(tb.cum[ib+1])
	for y := dateFromDayNumber(a).Year + 1; y < dateFromDayNumber(b).Year; y++ {
		t, err := c.table(y)
		if err != nil {
			return 0, err
		}
		n += t.total()
	}
	return n, nil
}

// isWorkingDay reports whether a day number is worked.
func (c *Calendar) isWorkingDay(day int) (bool, error) {
	t, i, err := c.tableOfDay(day)
	if err != nil {
		return false, err
	}
	return t.working(i), nil
}
