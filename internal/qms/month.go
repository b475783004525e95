package qms

import (
	"database/sql/driver"
	"fmt"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/unit"
)

// Month is a calendar month in Vietnam, the period objectives are measured over and
// automatic nonconformities are grouped by. It is stored as the text YYYY-MM.
type Month struct {
	Year  int
	Month time.Month
}

// MonthOf returns the month of instant t in Asia/Ho_Chi_Minh.
func MonthOf(t time.Time) Month {
	v := t.In(calendar.Location())
	return Month{v.Year(), v.Month()}
}

// MonthOfDate returns the month of a day.
func MonthOfDate(d unit.Date) Month {
	t, _ := time.Parse(unit.DateLayout, d.String())
	return Month{t.Year(), t.Month()}
}

// ParseMonth reads YYYY-MM, of a year the calendar knows (calendar.MinYear to MaxYear):
// year 0000 would read as the zero month, "not set" (found by FuzzParseMonth).
func ParseMonth(s string) (Month, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return Month{}, fmt.Errorf("parse month %q: %w", s, err)
	}
	if t.Year() < calendar.MinYear || t.Year() > calendar.MaxYear {
		return Month{}, fmt.Errorf("parse month %q: year outside %d–%d", s, calendar.MinYear, calendar.MaxYear)
	}
	return Month{t.Year(), t.Month()}, nil
}

// IsZero reports whether the month is unset.
func (m Month) IsZero() bool { return m.Year == 0 }

// String returns YYYY-MM ("" for the zero month).
func (m Month) String() string {
	if m.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month))
}

// Display returns MM/YYYY, the Vietnamese way.
func (m Month) Display() string {
	if m.IsZero() {
		return ""
	}
	return fmt.Sprintf("%02d/%04d", int(m.Month), m.Year)
}

// Start is the first instant of the month in Vietnam.
func (m Month) Start() time.Time {
	return time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, calendar.Location())
}

// End is the first instant after the month (the next month's start).
func (m Month) End() time.Time { return m.Start().AddDate(0, 1, 0) }

// FirstDay is the month's first day.
func (m Month) FirstDay() unit.Date { return unit.NewDate(m.Year, m.Month, 1) }

// LastDay is the month's last day.
func (m Month) LastDay() unit.Date { return unit.DateOf(m.End().AddDate(0, 0, -1)) }

// Next is the following month.
func (m Month) Next() Month { return MonthOf(m.End()) }

// Prev is the month before.
func (m Month) Prev() Month { return MonthOf(m.Start().AddDate(0, 0, -1)) }

// Before reports whether m comes before o.
func (m Month) Before(o Month) bool {
	return m.Year < o.Year || m.Year == o.Year && m.Month < o.Month
}

// Over reports whether the month has ended on day today.
func (m Month) Over(today unit.Date) bool { return m.LastDay().Before(today) }

// Value stores the month as YYYY-MM.
func (m Month) Value() (driver.Value, error) { return m.String(), nil }

// Scan reads a month stored as text.
func (m *Month) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case nil:
		*m = Month{}
		return nil
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("scan month: unsupported type %T", src)
	}
	if s == "" {
		*m = Month{}
		return nil
	}
	p, err := ParseMonth(s)
	*m = p
	return err
}

// YearMonths lists the months of a year.
func YearMonths(year int) []Month {
	out := make([]Month, 12)
	for i := range out {
		out[i] = Month{year, time.Month(i + 1)}
	}
	return out
}

// Period is a span of whole months, both ends included: what the automatic raising covers.
type Period struct {
	First, Last Month
}

// MonthPeriod is the period of one month.
func MonthPeriod(m Month) Period { return Period{m, m} }

// Months lists the months of the period (none when it is reversed).
func (p Period) Months() []Month {
	var out []Month
	for m := p.First; !p.Last.Before(m); m = m.Next() {
		out = append(out, m)
	}
	return out
}
