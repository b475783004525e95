package portal

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/failure"
)

// PeriodKind is how a statistics period is chosen.
type PeriodKind string

// The period kinds the public statistics offer.
const (
	Month   PeriodKind = "month"
	Quarter PeriodKind = "quarter"
	Year    PeriodKind = "year"
	Custom  PeriodKind = "custom" // from one day to another, both included
)

// PeriodKinds lists the kinds in display order.
var PeriodKinds = []PeriodKind{Month, Quarter, Year, Custom}

// MaxCustomDays bounds a custom period (five years).
const MaxCustomDays = 5*366 + 1

// Period is a span of days in Asia/Ho_Chi_Minh: From is the first day's midnight and To the
// midnight after the last day, so an instant t is in the period when From <= t < To.
type Period struct {
	Kind     PeriodKind
	Year     int
	Number   int // month 1–12 or quarter 1–4
	From, To time.Time
}

// LastDay is the period's last day (the day before To).
func (p Period) LastDay() time.Time { return p.To.AddDate(0, 0, -1) }

// Value is the period in the form ParsePeriod reads: 2026-02, 2026-Q1, 2026, or the first
// day for a custom period.
func (p Period) Value() string {
	switch p.Kind {
	case Month:
		return fmt.Sprintf("%04d-%02d", p.Year, p.Number)
	case Quarter:
		return fmt.Sprintf("%04d-Q%d", p.Year, p.Number)
	case Year:
		return strconv.Itoa(p.Year)
	}
	return p.From.Format(time.DateOnly)
}

func midnight(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, calendar.Location())
}

// ParsePeriod reads a period: kind with value "2026-02" (month), "2026-Q1" (quarter) or
// "2026" (year), or kind custom with from and to as YYYY-MM-DD (both days included). An
// empty value means the month, quarter or year of now; an empty kind means month.
func ParsePeriod(kind, value, from, to string, now time.Time) (Period, error) {
	k := PeriodKind(kind)
	if k == "" {
		k = Month
	}
	if !slices.Contains(PeriodKinds, k) {
		return Period{}, failure.InvalidField("period", "portal.period_invalid")
	}
	today := now.In(calendar.Location())
	bad := failure.InvalidField("value", "portal.period_value_invalid")
	value = strings.ToUpper(strings.TrimSpace(value))
	p := Period{Kind: k}
	switch k {
	case Month:
		p.Year, p.Number = today.Year(), int(today.Month())
		if value != "" {
			t, err := time.Parse("2006-01", value)
			if err != nil {
				return Period{}, bad
			}
			p.Year, p.Number = t.Year(), int(t.Month())
		}
		p.From = midnight(p.Year, time.Month(p.Number), 1)
		p.To = p.From.AddDate(0, 1, 0)
	case Quarter:
		p.Year, p.Number = today.Year(), (int(today.Month())+2)/3
		if value != "" {
			y, q, ok := strings.Cut(value, "-Q")
			yn, err1 := strconv.Atoi(y)
			qn, err2 := strconv.Atoi(q)
			if !ok || err1 != nil || err2 != nil || len(y) != 4 || qn < 1 || qn > 4 {
				return Period{}, bad
			}
			p.Year, p.Number = yn, qn
		}
		p.From = midnight(p.Year, time.Month(3*p.Number-2), 1)
		p.To = p.From.AddDate(0, 3, 0)
	case Year:
		p.Year = today.Year()
		if value != "" {
			y, err := strconv.Atoi(value)
			if err != nil || len(value) != 4 {
				return Period{}, bad
			}
			p.Year = y
		}
		p.From = midnight(p.Year, time.January, 1)
		p.To = p.From.AddDate(1, 0, 0)
	case Custom:
		f, err1 := time.ParseInLocation(time.DateOnly, strings.TrimSpace(from), calendar.Location())
		t, err2 := time.ParseInLocation(time.DateOnly, strings.TrimSpace(to), calendar.Location())
		if err1 != nil || err2 != nil {
			return Period{}, failure.InvalidField("from", "portal.period_dates_invalid")
		}
		if t.Before(f) || t.Sub(f) > MaxCustomDays*24*time.Hour {
			return Period{}, failure.InvalidField("to", "portal.period_range_invalid", MaxCustomDays/366)
		}
		p.Year, p.From, p.To = f.Year(), f, t.AddDate(0, 0, 1)
	}
	if p.Year < 2000 || p.Year > 2100 {
		return Period{}, bad
	}
	return p, nil
}
