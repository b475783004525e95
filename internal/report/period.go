package report

import (
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/failure"
)

// PeriodKind is how a report period was chosen: the periods Vietnamese reports use
// (month, quarter, year, the first N months of a year: "6 tháng", "9 tháng") and any
// range of days.
type PeriodKind string

// The kinds of period.
const (
	PeriodMonth   PeriodKind = "month"
	PeriodQuarter PeriodKind = "quarter"
	PeriodYear    PeriodKind = "year"
	PeriodMonths  PeriodKind = "months" // the first Months months of Year
	PeriodRange   PeriodKind = "range"
)

// PeriodKinds lists the kinds in the order a form offers them.
var PeriodKinds = []PeriodKind{PeriodMonth, PeriodQuarter, PeriodYear, PeriodMonths, PeriodRange}

// Period is a report's period: whole days From..To inclusive, in Vietnam. Year, Month,
// Quarter and Months keep how it was chosen, for its label.
type Period struct {
	Kind                         PeriodKind
	Year, Month, Quarter, Months int
	From, To                     calendar.Date
	SoFar                        bool // cut at today (the default "this month so far")
}

// PeriodInput is a period as typed in a form or a query string; empty fields are not
// given.
type PeriodInput struct {
	Kind, Year, Month, Quarter, Months, From, To string
}

// ThisMonthSoFar is the default period: from the first of today's month to today.
func ThisMonthSoFar(today calendar.Date) Period {
	p := MonthPeriod(today.Year, today.Month)
	p.To, p.SoFar = today, true
	return p
}

// MonthPeriod is one calendar month.
func MonthPeriod(year int, m time.Month) Period {
	return Period{Kind: PeriodMonth, Year: year, Month: int(m), From: day(year, m, 1), To: lastDay(year, m)}
}

// QuarterPeriod is quarter q (1–4) of a year.
func QuarterPeriod(year, q int) Period {
	first := time.Month(3*(q-1) + 1)
	return Period{Kind: PeriodQuarter, Year: year, Quarter: q, From: day(year, first, 1), To: lastDay(year, first+2)}
}

// YearPeriod is a whole year.
func YearPeriod(year int) Period {
	return Period{Kind: PeriodYear, Year: year, From: day(year, time.January, 1), To: day(year, time.December, 31)}
}

// FirstMonthsPeriod is the first n months (1–12) of a year.
func FirstMonthsPeriod(year, n int) Period {
	return Period{Kind: PeriodMonths, Year: year, Months: n, From: day(year, time.January, 1), To: lastDay(year, time.Month(n))}
}

// RangePeriod is any range of days.
func RangePeriod(from, to calendar.Date) Period {
	return Period{Kind: PeriodRange, Year: to.Year, From: from, To: to}
}

func day(y int, m time.Month, d int) calendar.Date { return calendar.Date{Year: y, Month: m, Day: d} }

func lastDay(y int, m time.Month) calendar.Date {
	return calendar.DateOf(time.Date(y, m+1, 0, 12, 0, 0, 0, calendar.Location()))
}

// ParsePeriod reads a period. Nothing given is this month so far; a from/to pair without
// a kind is a range. Every bad field is reported, each with its i18n key.
func ParsePeriod(in PeriodInput, today calendar.Date) (Period, error) {
	kind := PeriodKind(strings.TrimSpace(in.Kind))
	if kind == "" {
		if strings.TrimSpace(in.From) == "" && strings.TrimSpace(in.To) == "" {
			return ThisMonthSoFar(today), nil
		}
		kind = PeriodRange
	}
	var errs failure.List
	number := func(field, v string, lo, hi, def int, key string) int {
		v = strings.TrimSpace(v)
		if v == "" {
			return def
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < lo || n > hi {
			errs = append(errs, failure.InvalidField(field, key, lo, hi))
			return def
		}
		return n
	}
	year := func() int {
		return number("year", in.Year, MinReportYear, MaxReportYear, today.Year, "report.year_invalid")
	}
	var p Period
	switch kind {
	case PeriodMonth:
		y, m := year(), number("month", in.Month, 1, 12, int(today.Month), "report.month_invalid")
		p = MonthPeriod(y, time.Month(m))
	case PeriodQuarter:
		y, q := year(), number("quarter", in.Quarter, 1, 4, (int(today.Month)+2)/3, "report.quarter_invalid")
		p = QuarterPeriod(y, q)
	case PeriodYear:
		p = YearPeriod(year())
	case PeriodMonths:
		y, n := year(), number("months", in.Months, 1, 12, int(today.Month), "report.months_invalid")
		p = FirstMonthsPeriod(y, n)
	case PeriodRange:
		from, fromErr := parseDay("from", in.From)
		to, toErr := parseDay("to", in.To)
		for _, e := range []error{fromErr, toErr} {
			if e != nil {
				errs = append(errs, failure.Fields(e)...)
			}
		}
		if fromErr == nil && toErr == nil {
			if to.Before(from) {
				errs = append(errs, failure.InvalidField("to", "report.period_reversed"))
			}
			p = RangePeriod(from, to)
		}
	default:
		errs = append(errs, failure.InvalidField("period", "report.period_kind_invalid"))
	}
	if err := errs.Err(); err != nil {
		return Period{}, err
	}
	return p, nil
}

// The years a report may cover: the working-day calendar's range, so every date is valid.
const (
	MinReportYear = 2000
	MaxReportYear = calendar.MaxYear
)

// parseDay reads YYYY-MM-DD (a date input's value) or DD/MM/YYYY (as officials type it).
func parseDay(field, v string) (calendar.Date, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return calendar.Date{}, failure.InvalidField(field, "report.date_required")
	}
	if parts := strings.Split(v, "/"); len(parts) == 3 && len(parts[0]) <= 2 && len(parts[1]) <= 2 && len(parts[2]) == 4 {
		v = parts[2] + "-" + pad2(parts[1]) + "-" + pad2(parts[0])
	}
	date, err := calendar.ParseDate(v)
	if err != nil || date.Year < MinReportYear || date.Year > MaxReportYear {
		return calendar.Date{}, failure.InvalidField(field, "report.date_invalid", v)
	}
	return date, nil
}

func pad2(s string) string {
	if len(s) == 1 {
		return "0" + s
	}
	return s
}

// Start is the first instant of the period.
func (p Period) Start() time.Time { return p.From.Start() }

// End is the last day's start (the store counts whole days).
func (p Period) End() time.Time { return p.To.Start() }

// Contains reports whether the day lies in the period.
func (p Period) Contains(d calendar.Date) bool { return !d.Before(p.From) && !d.After(p.To) }

// YearMonths lists the months of a year as periods, for a month-by-month trend.
func YearMonths(year int) []Period {
	out := make([]Period, 12)
	for m := range out {
		out[m] = MonthPeriod(year, time.Month(m+1))
	}
	return out
}
