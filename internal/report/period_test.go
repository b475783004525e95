package report

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/failure"
)

func date(y, m, d int) calendar.Date { return calendar.Date{Year: y, Month: time.Month(m), Day: d} }

func TestParsePeriod(t *testing.T) {
	today := date(2026, 4, 15)
	for _, c := range []struct {
		in       PeriodInput
		from, to calendar.Date
		kind     PeriodKind
	}{
		{PeriodInput{}, date(2026, 4, 1), date(2026, 4, 15), PeriodMonth}, // this month so far
		{PeriodInput{Kind: "month", Year: "2026", Month: "2"}, date(2026, 2, 1), date(2026, 2, 28), PeriodMonth},
		{PeriodInput{Kind: "month", Year: "2024", Month: "2"}, date(2024, 2, 1), date(2024, 2, 29), PeriodMonth},
		{PeriodInput{Kind: "month", Year: "2025", Month: "12"}, date(2025, 12, 1), date(2025, 12, 31), PeriodMonth},
		{PeriodInput{Kind: "quarter", Year: "2026", Quarter: "3"}, date(2026, 7, 1), date(2026, 9, 30), PeriodQuarter},
		{PeriodInput{Kind: "quarter"}, date(2026, 4, 1), date(2026, 6, 30), PeriodQuarter}, // this quarter
		{PeriodInput{Kind: "year", Year: "2022"}, date(2022, 1, 1), date(2022, 12, 31), PeriodYear},
		{PeriodInput{Kind: "months", Year: "2022", Months: "10"}, date(2022, 1, 1), date(2022, 10, 31), PeriodMonths},
		{PeriodInput{Kind: "months", Year: "2026", Months: "6"}, date(2026, 1, 1), date(2026, 6, 30), PeriodMonths},
		{PeriodInput{Kind: "range", From: "2026-03-02", To: "2026-03-02"}, date(2026, 3, 2), date(2026, 3, 2), PeriodRange},
		{PeriodInput{From: "1/3/2026", To: "15/03/2026"}, date(2026, 3, 1), date(2026, 3, 15), PeriodRange}, // dd/mm/yyyy, no kind
		{PeriodInput{Kind: " year ", Year: " 2023 "}, date(2023, 1, 1), date(2023, 12, 31), PeriodYear},
	} {
		p, err := ParsePeriod(c.in, today)
		if err != nil {
			t.Errorf("%+v: %v", c.in, err)
			continue
		}
		if p.From != c.from || p.To != c.to || p.Kind != c.kind {
			t.Errorf("%+v: %s %s..%s, want %s %s..%s", c.in, p.Kind, p.From, p.To, c.kind, c.from, c.to)
		}
		if !p.Contains(c.from) || !p.Contains(c.to) || p.Contains(c.to.AddDays(1)) || p.Contains(c.from.AddDays(-1)) {
			t.Errorf("%+v: Contains", c.in)
		}
		if !p.Start().Equal(c.from.Start()) || !p.End().Equal(c.to.Start()) {
			t.Errorf("%+v: instants", c.in)
		}
	}
	if p, _ := ParsePeriod(PeriodInput{}, today); !p.SoFar {
		t.Error("the default is this month so far")
	}
}

func TestParsePeriodErrors(t *testing.T) {
	today := date(2026, 4, 15)
	for _, c := range []struct {
		in     PeriodInput
		fields string // the fields in error, in order
	}{
		{PeriodInput{Kind: "week"}, "period"},
		{PeriodInput{Kind: "month", Year: "2026", Month: "13"}, "month"},
		{PeriodInput{Kind: "month", Year: "hai nghìn", Month: "0"}, "year,month"},
		{PeriodInput{Kind: "quarter", Year: "1999", Quarter: "5"}, "year,quarter"},
		{PeriodInput{Kind: "year", Year: "3000"}, "year"},
		{PeriodInput{Kind: "months", Year: "2026", Months: "13"}, "months"},
		{PeriodInput{Kind: "range", From: "2026-02-30", To: ""}, "from,to"},
		{PeriodInput{Kind: "range", From: "2026-03-10", To: "2026-03-01"}, "to"},
		{PeriodInput{From: "hôm qua", To: "2026-03-01"}, "from"},
		{PeriodInput{From: "1899-12-31", To: "2026-03-01"}, "from"},
		{PeriodInput{To: "2026-03-01"}, "from"},
	} {
		_, err := ParsePeriod(c.in, today)
		var got []string
		for _, f := range failure.Fields(err) {
			got = append(got, f.Field)
			if f.Key == "" || !strings.HasPrefix(f.Key, "report.") {
				t.Errorf("%+v: key %q", c.in, f.Key)
			}
		}
		if !failure.Is(err, failure.Invalid) || strings.Join(got, ",") != c.fields {
			t.Errorf("%+v: fields %v (%v), want %s", c.in, got, err, c.fields)
		}
	}
}

func TestYearMonths(t *testing.T) {
	ms := YearMonths(2024)
	if len(ms) != 12 || ms[1].To != date(2024, 2, 29) || ms[11].From != date(2024, 12, 1) || ms[11].To != date(2024, 12, 31) {
		t.Fatalf("%+v", ms)
	}
}

// TestStatsArithmetic checks Plus, Minus and IsZero cover every count.
func TestStatsArithmetic(t *testing.T) {
	var a Stats
	v := reflect.ValueOf(&a).Elem()
	n := 0
	for i := range v.NumField() {
		if f := v.Field(i); f.Kind() == reflect.Int64 {
			n++
			f.SetInt(int64(n))
		}
	}
	if n < 20 || a.IsZero() {
		t.Fatalf("%d counts", n)
	}
	a.From, a.To = "2026-03-01", "2026-03-31"
	sum := a.Plus(a)
	if sum.Received() != 2*a.Received() || sum.InProgressOverdue != 2*a.InProgressOverdue || sum.From != a.From {
		t.Errorf("plus: %+v", sum)
	}
	if back := sum.Minus(a); back != a {
		t.Errorf("minus: %+v", back)
	}
	if !a.Minus(a).IsZero() || !(Stats{From: "x"}).IsZero() {
		t.Error("IsZero")
	}
}
