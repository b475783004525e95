package report

import (
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/calendar"
)

// Fuzz targets for the report's period (query strings and forms of every report, export
// and dashboard) and the official mail domains of the IT indicators.

func FuzzParsePeriod(f *testing.F) {
	for _, in := range []PeriodInput{{}, {Kind: "month", Year: "2026", Month: "2"}, {Kind: "quarter", Year: "2026", Quarter: "5"},
		{Kind: "year", Year: "1999"}, {Kind: "months", Year: "2026", Months: "7"}, {Kind: "range", From: "01/02/2026", To: "2026-02-28"},
		{From: "2026-03-01", To: "2026-02-01"}, {Kind: "range", From: "1/2/2026", To: "31/12/2199"}, {Kind: "week"}} {
		f.Add(in.Kind, in.Year, in.Month, in.Quarter, in.Months, in.From, in.To)
	}
	today := calendar.Date{Year: 2026, Month: 5, Day: 20}
	f.Fuzz(func(t *testing.T, kind, year, month, quarter, months, from, to string) {
		in := PeriodInput{Kind: kind, Year: year, Month: month, Quarter: quarter, Months: months, From: from, To: to}
		p, err := ParsePeriod(in, today)
		if err != nil {
			return
		}
		if p.To.Before(p.From) || p.From.Year < MinReportYear || p.To.Year > MaxReportYear {
			t.Fatalf("ParsePeriod(%+v) = %s – %s", in, p.From, p.To)
		}
		if !p.Contains(p.From) || !p.Contains(p.To) || !p.Start().Before(p.End().AddDate(0, 0, 1)) {
			t.Fatalf("ParsePeriod(%+v): bounds %s – %s not in the period", in, p.From, p.To)
		}
	})
}

// FuzzParseMailDomain: an accepted pattern is lower-case labels of letters, digits and
// hyphens (optionally behind "*."), and reads back as itself.
func FuzzParseMailDomain(f *testing.F) {
	for _, s := range []string{"phutho.gov.vn", "*.gov.vn", "@PhuTho.Gov.Vn", "gov", "*.vn", "a..vn", "-a.vn", "xn--tnh-phth-6xa.vn", "ủy.vn", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseMailDomain(s)
		if err != nil {
			return
		}
		domain := strings.TrimPrefix(p, "*.")
		if len(p) > 253 || strings.Count(domain, ".") < 1 || strings.ContainsFunc(domain, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.')
		}) {
			t.Fatalf("ParseMailDomain(%q) = %q", s, p)
		}
		if again, err := ParseMailDomain(p); err != nil || again != p {
			t.Fatalf("normal form %q of %q reads as %q, %v", p, s, again, err)
		}
	})
}
