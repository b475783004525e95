package unit

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// Date is a calendar day without a time zone (valid-from, valid-to). It is stored as the
// text YYYY-MM-DD in both databases so it compares the same way everywhere.
type Date struct{ t time.Time }

// DateLayout is how dates are written in storage and in forms.
const DateLayout = "2006-01-02"

// NewDate returns the date y-m-d.
func NewDate(y int, m time.Month, d int) Date {
	return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// The years a Date may hold, those of the working-day calendar (calendar.MinYear and
// MaxYear): 0001-01-01 would otherwise read as the zero Date, "not set" (found by
// FuzzParseDate), so a unit's last day typed so would have meant "no end".
const (
	minYear = 1900
	maxYear = 2199
)

// ParseDate reads YYYY-MM-DD. The empty string is the zero Date.
func ParseDate(s string) (Date, error) {
	if s == "" {
		return Date{}, nil
	}
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return Date{}, fmt.Errorf("parse date %q: %w", s, err)
	}
	if t.Year() < minYear || t.Year() > maxYear {
		return Date{}, fmt.Errorf("parse date %q: year outside %d–%d", s, minYear, maxYear)
	}
	return Date{t}, nil
}

// DateOf returns the calendar day of t in t's location.
func DateOf(t time.Time) Date { return NewDate(t.Year(), t.Month(), t.Day()) }

// IsZero reports whether the date is unset.
func (d Date) IsZero() bool { return d.t.IsZero() }

// Before reports whether d is strictly before o.
func (d Date) Before(o Date) bool { return d.t.Before(o.t) }

// String returns YYYY-MM-DD, or "" for the zero date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(DateLayout)
}

// Display returns dd/mm/yyyy, the Vietnamese way of writing a date.
func (d Date) Display() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format("02/01/2006")
}

// Value stores the date as text (NULL when zero).
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// MarshalText writes YYYY-MM-DD ("" for the zero date), so a Date in JSON is a string.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads what MarshalText writes, with ParseDate's checks.
func (d *Date) UnmarshalText(b []byte) error {
	p, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// Scan reads a date stored as text (or a time from a driver that converts it).
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case string:
		p, err := ParseDate(v)
		*d = p
		return err
	case []byte:
		p, err := ParseDate(string(v))
		*d = p
		return err
	case time.Time:
		*d = DateOf(v)
		return nil
	}
	return fmt.Errorf("scan date: unsupported type %T", src)
}
