package portal

import (
	"path"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/motcua/motcua/internal/calendar"
)

// Fuzz targets for what the public portal reads from anyone: the look-up reference, the
// statistics period and upload names (the upload contents are fuzzed by FuzzBatchAdd).

func FuzzParseReference(f *testing.F) {
	for _, s := range []string{"000.52.15.H29-260205-0001", " 000.52.15.h29-260205-0001 ", "01a21521-ea0d-78dc-b344-0796809cd091",
		"01A21521-EA0D-78DC-B344-0796809CD091", "{01a21521-ea0d-78dc-b344-0796809cd091}", "", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ref, ok := ParseReference(s)
		if !ok {
			if ref != (Reference{}) {
				t.Fatalf("ParseReference(%q) refused but returned %+v", s, ref)
			}
			return
		}
		if (ref.Code == "") == (ref.Receipt == "") {
			t.Fatalf("ParseReference(%q) = %+v: one of code or receipt", s, ref)
		}
		again, ok := ParseReference(ref.String())
		if !ok || again != ref {
			t.Fatalf("normal form %q of %q reads as %+v", ref, s, again)
		}
		if ref.Receipt != "" && (len(ref.Receipt) != 36 || strings.ToLower(ref.Receipt) != ref.Receipt) {
			t.Fatalf("receipt %q", ref.Receipt)
		}
	})
}

// FuzzParsePeriod: an accepted period is a whole number of days in Vietnam, not empty, at
// most MaxCustomDays long, and its value reads back as the same period.
func FuzzParsePeriod(f *testing.F) {
	for _, in := range [][4]string{{"month", "2026-02", "", ""}, {"quarter", "2026-Q1", "", ""}, {"year", "2026", "", ""},
		{"custom", "", "2026-01-01", "2026-03-31"}, {"custom", "", "2026-03-31", "2026-01-01"}, {"", "", "", ""},
		{"month", "2026-13", "", ""}, {"quarter", "2026-Q5", "", ""}, {"year", "99999", "", ""}, {"custom", "", "1900-01-01", "2199-12-31"}} {
		f.Add(in[0], in[1], in[2], in[3])
	}
	now := time.Date(2026, 5, 20, 10, 0, 0, 0, calendar.Location())
	f.Fuzz(func(t *testing.T, kind, value, from, to string) {
		p, err := ParsePeriod(kind, value, from, to, now)
		if err != nil {
			return
		}
		if !p.From.Before(p.To) || p.From.Location() != calendar.Location() {
			t.Fatalf("ParsePeriod(%q, %q, %q, %q) = %v – %v", kind, value, from, to, p.From, p.To)
		}
		for _, at := range []time.Time{p.From, p.To} {
			if h, m, s := at.Clock(); h != 0 || m != 0 || s != 0 || at.Nanosecond() != 0 {
				t.Fatalf("bound %v is not a midnight", at)
			}
		}
		if days := p.To.Sub(p.From).Hours() / 24; days > MaxCustomDays+1 {
			t.Fatalf("period of %.0f days", days)
		}
		if p.Kind == Custom {
			return // its value is the first day only
		}
		again, err := ParsePeriod(string(p.Kind), p.Value(), "", "", now)
		if err != nil || !again.From.Equal(p.From) || !again.To.Equal(p.To) {
			t.Fatalf("value %q of %+v reads as %+v, %v", p.Value(), p, again, err)
		}
	})
}

// FuzzCleanName: a stored name keeps no path, quote, separator or control character,
// never starts with a dot, and ends with the detected type's extension.
func FuzzCleanName(f *testing.F) {
	for _, s := range []string{"../../etc/passwd", `C:\a\b.pdf`, "a\x00b.html", "\u202Egnp.exe", "..", "", ".htaccess", "a\"; b=c.pdf"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		for _, ctype := range ContentTypes {
			got := CleanName(name, ctype)
			if !strings.HasSuffix(got, Extension(ctype)) || path.Ext(got) != Extension(ctype) || strings.HasPrefix(got, ".") ||
				strings.ContainsAny(got, "/\\\";") ||
				strings.ContainsFunc(got, func(r rune) bool {
					return r == unicode.ReplacementChar || unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
				}) {
				t.Fatalf("CleanName(%q, %s) = %q", name, ctype, got)
			}
			if n := len([]rune(strings.TrimSuffix(got, Extension(ctype)))); n > maxNameRunes {
				t.Fatalf("CleanName(%q) keeps %d characters", name, n)
			}
		}
	})
}
