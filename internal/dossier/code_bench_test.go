package dossier

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/calendar"
)

// BenchmarkNewCode measures numbering a received dossier: its code built and written as
// text, as every intake does. BenchmarkParseCode reads a typed code, as every public
// look-up does.
//
//	go test ./internal/dossier -run '^$' -bench Code -count 6
func BenchmarkNewCode(b *testing.B) {
	at := time.Date(2026, 3, 2, 9, 30, 0, 0, calendar.Location())
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		c, err := NewCode("000.00.41.H29", at, 1+i%9999)
		if err != nil {
			b.Fatal(err)
		}
		if len(c.String()) < 25 {
			b.Fatal(c.String())
		}
	}
}

func BenchmarkParseCode(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseCode(" 000.00.41.h29-260302-0042 "); err != nil {
			b.Fatal(err)
		}
	}
}

// TestCodeByHand: the hand-written agency check and code formatting agree with the
// regular expression and the format they replace.
func TestCodeByHand(t *testing.T) {
	pattern := regexp.MustCompile(`^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[A-Z][0-9]{2}$`)
	for _, s := range []string{"000.00.41.H29", "000.45.36.H56", "A1B.C2.3D.Z00", "000.00.41.h29", "000.00.41.929",
		"000.00.41.HA9", "000-00.41.H29", "000.00.41.H2", "000.00.41.H290", "", "0000.0.41.H29", "000.00.41.H29 ", "ÀBC.00.41.H29"} {
		if got, want := isAgencyCode(s), pattern.MatchString(s); got != want {
			t.Errorf("%q: %v, the pattern says %v", s, got, want)
		}
	}
	day := time.Date(2026, 3, 2, 0, 0, 0, 0, calendar.Location())
	for n := 1; n <= MaxSequence; n = n*3/2 + 1 {
		c := Code{Agency: "000.00.41.H29", Day: day, Sequence: n}
		if got, want := c.String(), fmt.Sprintf("%s-%s-%04d", c.Agency, c.Day.Format("060102"), c.Sequence); got != want {
			t.Errorf("%d: %s, want %s", n, got, want)
		}
	}
}

// TestParseDayByHand: the hand-written day reading agrees with time.Parse on every yymmdd.
func TestParseDayByHand(t *testing.T) {
	for y := range 100 {
		for m := range 14 {
			for d := range 33 {
				s := fmt.Sprintf("%02d%02d%02d", y, m, d)
				want, err := time.ParseInLocation("060102", s, calendar.Location())
				got, ok := parseDay(s)
				if ok != (err == nil) || (ok && !got.Equal(want)) {
					t.Fatalf("%s: %v %v, time.Parse %v %v", s, got, ok, want, err)
				}
			}
		}
	}
}
