package calendar

import (
	"errors"
	"fmt"
	"time"
	_ "time/tzdata" // deadlines must be computed the same way on hosts without a zoneinfo database
)

// MinYear and MaxYear bound the years the calendar answers for. The lunar
// tables, the statutory rules and every computation refuse dates outside this
// range rather than silently extrapolating.
const (
	MinYear = 1900
	MaxYear = 2199
)

// ErrOutOfRange is returned (wrapped) for any date or year outside
// MinYear..MaxYear, so callers can map it to a clear message with errors.Is.
var ErrOutOfRange = fmt.Errorf("outside the supported years %d–%d", MinYear, MaxYear)

// ErrInvalidDate is returned (wrapped) for a date that does not exist, such as
// 2026-02-30, or text that is not a date.
var ErrInvalidDate = errors.New("invalid date")

// location is Asia/Ho_Chi_Minh, loaded from the tz database embedded by
// time/tzdata. It is set once at package initialisation and never changed.
var location = loadLocation()

func loadLocation() *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		// Unreachable with time/tzdata linked in; a fixed UTC+7 zone is the
		// correct offset for every date the product handles since 1975.
		return time.FixedZone("ICT", 7*60*60)
	}
	return loc
}

// Location returns the Asia/Ho_Chi_Minh time zone in which every working-day
// computation of this package is made and every result is expressed.
func Location() *time.Location { return location }

// Date is a civil date (no time, no zone) in the Vietnamese calendar sense:
// a day off or a working day is a whole local day, independent of instants.
// The zero Date is invalid; use NewDate, ParseDate or DateOf to obtain one.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// NewDate returns the date y-m-d after checking that it exists and lies in
// the supported range, so a schedule cannot name 30 February.
func NewDate(y int, m time.Month, d int) (Date, error) {
	date := Date{Year: y, Month: m, Day: d}
	if err := date.Validate(); err != nil {
		return Date{}, err
	}
	return date, nil
}

// DateOf returns the local date of t in Asia/Ho_Chi_Minh, whatever t's own
// location is, because a day off is a local day.
func DateOf(t time.Time) Date {
	y, m, d := t.In(location).Date()
	return Date{Year: y, Month: m, Day: d}
}

// Validate reports whether the date exists in the Gregorian calendar and lies
// within MinYear..MaxYear.
func (d Date) Validate() error {
	if d.Year < MinYear || d.Year > MaxYear {
		return fmt.Errorf("date %s: %w", d, ErrOutOfRange)
	}
	if d.Month < time.January || d.Month > time.December {
		return fmt.Errorf("date %s: month %d does not exist: %w", d, int(d.Month), ErrInvalidDate)
	}
	if d.Day < 1 || d.Day > daysIn(d.Year, d.Month) {
		return fmt.Errorf("date %s: day %d does not exist in %d-%02d: %w", d, d.Day, d.Year, int(d.Month), ErrInvalidDate)
	}
	return nil
}

// String formats the date as ISO 8601 (YYYY-MM-DD), the form ParseDate reads.
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// VietnameseString formats the date as dd/mm/yyyy, the form printed on
// Vietnamese documents and receipts.
func (d Date) VietnameseString() string {
	return fmt.Sprintf("%02d/%02d/%04d", d.Day, int(d.Month), d.Year)
}

// IsZero reports whether d is the zero Date (no date given).
func (d Date) IsZero() bool { return d == Date{} }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return weekdayOf(d.dayNumber()) }

// AddDays returns the date n calendar days after d (before it if n < 0).
// The result may leave the supported range; Validate it if that matters.
func (d Date) AddDays(n int) Date { return dateFromDayNumber(d.dayNumber() + n) }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	a, b := d.dayNumber(), e.dayNumber()
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Before reports whether d is strictly before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is strictly after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Start returns midnight at the beginning of d in Asia/Ho_Chi_Minh.
func (d Date) Start() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, location)
}

// At returns the instant of clock time c on date d in Asia/Ho_Chi_Minh.
func (d Date) At(c Clock) time.Time {
	return time.Date(d.Year, d.Month, d.Day, int(c)/60, int(c)%60, 0, 0, location)
}

// MarshalText encodes the date as YYYY-MM-DD for JSON and databases.
func (d Date) MarshalText() ([]byte, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return []byte(d.String()), nil
}

// UnmarshalText decodes a YYYY-MM-DD date and rejects dates that do not exist.
func (d *Date) UnmarshalText(b []byte) error {
	parsed, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = parsed
	return nil
}

// ParseDate parses exactly YYYY-MM-DD and rejects dates that do not exist or
// lie outside the supported range. It is strict on purpose: a deadline must
// never be computed from a guessed date.
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, fmt.Errorf("parse date %q: want YYYY-MM-DD: %w", s, ErrInvalidDate)
	}
	y, okY := digits(s[0:4])
	m, okM := digits(s[5:7])
	d, okD := digits(s[8:10])
	if !okY || !okM || !okD {
		return Date{}, fmt.Errorf("parse date %q: want YYYY-MM-DD: %w", s, ErrInvalidDate)
	}
	date, err := NewDate(y, time.Month(m), d)
	if err != nil {
		return Date{}, fmt.Errorf("parse date %q: %w", s, err)
	}
	return date, nil
}

// ParseInstant parses an instant as typed by an official or a script:
// YYYY-MM-DD (midnight), YYYY-MM-DDTHH:MM or YYYY-MM-DDTHH:MM:SS, all
// interpreted in Asia/Ho_Chi_Minh, or RFC 3339 with an explicit offset. The
// result is expressed in Asia/Ho_Chi_Minh.
func ParseInstant(s string) (time.Time, error) {
	switch {
	case len(s) == 10:
		d, err := ParseDate(s)
		if err != nil {
			return time.Time{}, err
		}
		return d.Start(), nil
	case (len(s) == 16 || len(s) == 19) && s[10] == 'T':
		return parseLocalDateTime(s)
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse instant %q: want YYYY-MM-DD, YYYY-MM-DDTHH:MM or RFC 3339: %w", s, ErrInvalidDate)
	}
	if err := DateOf(t).Validate(); err != nil {
		return time.Time{}, fmt.Errorf("parse instant %q: %w", s, err)
	}
	return t.In(location), nil
}

func parseLocalDateTime(s string) (time.Time, error) {
	d, err := ParseDate(s[:10])
	if err != nil {
		return time.Time{}, fmt.Errorf("parse instant %q: %w", s, err)
	}
	c, err := ParseClock(s[11:16])
	if err != nil || c >= 24*60 {
		return time.Time{}, fmt.Errorf("parse instant %q: want a time of day from 00:00 to 23:59: %w", s, ErrInvalidDate)
	}
	sec := 0
	if len(s) == 19 {
		v, ok := digits(s[17:19])
		if s[16] != ':' || !ok || v > 59 {
			return time.Time{}, fmt.Errorf("parse instant %q: bad seconds: %w", s, ErrInvalidDate)
		}
		sec = v
	}
	return time.Date(d.Year, d.Month, d.Day, int(c)/60, int(c)%60, sec, 0, location), nil
}

// digits parses a short run of ASCII digits; it rejects signs and spaces that
// strconv.Atoi would accept or that would make the format ambiguous.
func digits(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func isLeapYear(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if isLeapYear(y) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// dayNumber counts days since 1970-01-01 (proleptic Gregorian), the integer
// the year tables are indexed by. Algorithm: H. Hinnant, "chrono-compatible
// low-level date algorithms".
func (d Date) dayNumber() int { return daysFromCivil(d.Year, int(d.Month), d.Day) }

func daysFromCivil(y, m, d int) int {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

func dateFromDayNumber(z int) Date {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if mp >= 10 {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return Date{Year: y, Month: time.Month(m), Day: d}
}

func weekdayOf(day int) time.Weekday {
	// 1970-01-01 was a Thursday.
	return time.Weekday(((day % 7) + 7 + int(time.Thursday)) % 7)
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

var (
	minDay = daysFromCivil(MinYear, 1, 1)
	maxDay = daysFromCivil(MaxYear, 12, 31)
)
