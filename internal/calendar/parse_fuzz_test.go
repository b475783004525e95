package calendar

import (
	"encoding/json"
	"testing"
)

// Fuzz targets for the calendar's remaining parsers (ParseLimit, ParseDate, ParseInstant
// and Due are fuzzed in parse_test.go): whatever the input, a parser returns a value or an
// error, never panics, and a value it accepts prints back to text it reads the same.

func FuzzParseClock(f *testing.F) {
	for _, s := range []string{"07:30", "00:00", "24:00", "24:01", "7:30", "23:60", "ab:cd", "", "-1:00", "+7:30"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseClock(s)
		if err != nil {
			return
		}
		if c < 0 || c > 24*60 {
			t.Fatalf("ParseClock(%q) = %d minutes", s, int(c))
		}
		if c.String() != s {
			t.Fatalf("ParseClock(%q) prints as %q", s, c)
		}
	})
}

func FuzzParseOfficeHours(f *testing.F) {
	for _, s := range []string{"07:30-11:30,13:30-17:00", "07:00-11:00, 13:00-17:00", "08:00-08:00", "13:30-17:00,07:30-11:30",
		"07:30-11:30,11:00-12:00", "00:00-24:00", "", ",", "07:30-", "-11:30"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := ParseOfficeHours(s)
		if err != nil {
			return
		}
		if h.IsZero() || h.PerDay() <= 0 {
			t.Fatalf("ParseOfficeHours(%q) accepted no office time: %v", s, h)
		}
		var last Clock
		for i, p := range h.Periods() {
			if p.End <= p.Start || (i > 0 && p.Start < last) {
				t.Fatalf("ParseOfficeHours(%q): periods out of order or empty: %v", s, h.Periods())
			}
			last = p.End
		}
		again, err := ParseOfficeHours(h.String())
		if err != nil || again.String() != h.String() || again.PerDay() != h.PerDay() {
			t.Fatalf("round trip %q → %q → %v, %v", s, h, again, err)
		}
	})
}

func FuzzParseDayRule(f *testing.F) {
	for _, s := range []string{"same-time", "end-of-day", "", "End-Of-Day", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseDayRule(s)
		if err != nil {
			return
		}
		if again, err := ParseDayRule(r.String()); err != nil || again != r {
			t.Fatalf("round trip %q → %q → %v, %v", s, r, again, err)
		}
	})
}

// FuzzDecodeSchedules: a schedule import either fails or gives valid schedules, one per
// year, in order, that encode and decode to themselves.
func FuzzDecodeSchedules(f *testing.F) {
	f.Add(officialSchedulesJSON)
	f.Add([]byte(`[]`))
	f.Add([]byte(`[{"year": 2026}]`))
	f.Add([]byte(`[{"year": 2026, "extra": 1}]`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		list, err := DecodeSchedules(data)
		if err != nil {
			return
		}
		for i, s := range list {
			if err := s.Validate(); err != nil {
				t.Fatalf("accepted an invalid schedule %d: %v", s.Year, err)
			}
			if i > 0 && list[i-1].Year >= s.Year {
				t.Fatalf("years out of order or twice: %d then %d", list[i-1].Year, s.Year)
			}
		}
		b, err := json.Marshal(list)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := DecodeSchedules(b); err != nil {
			t.Fatalf("re-encoded schedules refused: %v\n%s", err, b)
		}
	})
}
