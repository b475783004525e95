package calendar

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func TestParseLimit(t *testing.T) {
	good := map[string]string{
		"5d": "5d", "1d": "1d", "1000d": "1000d", "4h": "4h", "1h30m": "1h30m",
		"90m": "1h30m", "30m": "30m", "2h0m": "2h", "day@15:00": "day@15:00",
	}
	for in, want := range good {
		l, err := ParseLimit(in)
		if err != nil || l.String() != want {
			t.Errorf("ParseLimit(%q) = %v, %v; want %s", in, l, err, want)
		}
	}
	bad := []string{"", "0d", "-5d", "0.5d", "1.5h", "5", "d", "h", "m", "5 d", "5D", "+5d", "1001d",
		"0h", "0m", "1001h", "4h30", "day@", "day@25:00", "day@24:00", "day@00:00", "5w", "99999999999999999999d"}
	for _, in := range bad {
		if _, err := ParseLimit(in); !errors.Is(err, ErrInvalidLimit) {
			t.Errorf("ParseLimit(%q) = %v, want ErrInvalidLimit", in, err)
		}
	}
	var v struct{ Limit Limit }
	if err := json.Unmarshal([]byte(`{"Limit":"3d"}`), &v); err != nil || v.Limit.WorkingDayCount() != 3 {
		t.Errorf("JSON limit: %+v, %v", v, err)
	}
	if _, err := json.Marshal(struct{ L Limit }{}); err == nil {
		t.Error("marshalling the zero Limit succeeded")
	}
}

func TestParseDateAndInstant(t *testing.T) {
	if _, err := ParseDate("2026-02-30"); !errors.Is(err, ErrInvalidDate) {
		t.Errorf("2026-02-30: %v", err)
	}
	if _, err := ParseDate("2200-01-01"); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("2200-01-01: %v", err)
	}
	for _, bad := range []string{"", "2026-2-3", "2026/02/03", "+026-02-03", "2026-02-03T", "2026-13-01", "2024-02-29x"} {
		if _, err := ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) succeeded", bad)
		}
	}
	if d, err := ParseDate("2024-02-29"); err != nil || d.Weekday() != time.Thursday {
		t.Errorf("2024-02-29: %v %v", d, err)
	}
	tests := map[string]string{
		"2026-02-13":                "2026-02-13T00:00:00+07:00",
		"2026-02-13T10:00":          "2026-02-13T10:00:00+07:00",
		"2026-02-13T10:00:05":       "2026-02-13T10:00:05+07:00",
		"2026-02-13T03:00:00Z":      "2026-02-13T10:00:00+07:00",
		"2026-02-13T10:00:00+07:00": "2026-02-13T10:00:00+07:00",
	}
	for in, want := range tests {
		got, err := ParseInstant(in)
		if err != nil || got.Format(time.RFC3339) != want {
			t.Errorf("ParseInstant(%q) = %s, %v; want %s", in, got.Format(time.RFC3339), err, want)
		}
	}
	for _, bad := range []string{"2026-02-13T24:00", "2026-02-13T10:60", "2026-02-13 10:00", "2026-02-30T10:00", "tomorrow", "2300-01-01T00:00:00Z"} {
		if _, err := ParseInstant(bad); err == nil {
			t.Errorf("ParseInstant(%q) succeeded", bad)
		}
	}
}

func TestOfficeHours(t *testing.T) {
	h, err := ParseOfficeHours("07:00-11:00, 13:00-17:00")
	if err != nil || h.PerDay() != 8*time.Hour || h.String() != "07:00-11:00,13:00-17:00" {
		t.Fatalf("ParseOfficeHours: %v %v", h, err)
	}
	if DefaultOfficeHours().PerDay() != 7*time.Hour+30*time.Minute {
		t.Error("default office day is not 7h30m")
	}
	for _, bad := range []string{"", "07:30", "11:30-07:30", "07:30-11:30,11:00-17:00", "13:30-17:00,07:30-11:30", "07:30-25:00", "7:30-11:30"} {
		if _, err := ParseOfficeHours(bad); !errors.Is(err, ErrInvalidHours) {
			t.Errorf("ParseOfficeHours(%q) = %v, want ErrInvalidHours", bad, err)
		}
	}
	// An 8-hour unit (13:00-17:00 afternoons) gets different due hours.
	c, err := New(Config{OfficeHours: h})
	if err != nil {
		t.Fatal(err)
	}
	due, _, err := c.Due(mustInstant(t, "2026-03-09T10:00"), mustLimit(t, "4h"))
	if err != nil || !due.Equal(mustInstant(t, "2026-03-09T16:00")) {
		t.Errorf("8-hour unit: due %s, %v", due, err)
	}
}

func TestDateJSONRoundTrip(t *testing.T) {
	in := DayOff{Date: Date{2026, time.February, 17}, NameVi: "Tết", NameEn: "Tet", Kind: KindHoliday, Source: SourceComputed}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out DayOff
	if err := json.Unmarshal(b, &out); err != nil || out != in {
		t.Errorf("round trip %s → %+v, %v", b, out, err)
	}
}

func FuzzParseLimit(f *testing.F) {
	for _, s := range []string{"5d", "4h", "1h30m", "90m", "day@15:00", "0.5d", "-1d", "", "999999h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, err := ParseLimit(s)
		if err != nil {
			return
		}
		if err := l.Validate(); err != nil {
			t.Fatalf("ParseLimit(%q) returned an invalid limit: %v", s, err)
		}
		again, err := ParseLimit(l.String())
		if err != nil || again != l {
			t.Fatalf("round trip %q → %q → %v, %v", s, l.String(), again, err)
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-02-13", "2026-02-30", "1900-01-01", "2199-12-31", "2026-02-13T10:00", "2026-02-13T10:00:00Z", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, err := ParseDate(s); err == nil {
			if d.String() != s {
				t.Fatalf("ParseDate(%q) = %s", s, d)
			}
			if back := dateFromDayNumber(d.dayNumber()); back != d {
				t.Fatalf("day number round trip %s → %s", d, back)
			}
		}
		inst, err := ParseInstant(s)
		if err != nil {
			return
		}
		if inst.Location() != Location() {
			t.Fatalf("ParseInstant(%q) in %s", s, inst.Location())
		}
		layout := map[int]string{10: "2006-01-02", 16: "2006-01-02T15:04", 19: "2006-01-02T15:04:05"}[len(s)]
		if layout != "" && s[len(s)-1] != 'Z' && inst.Format(layout) != s {
			t.Fatalf("ParseInstant(%q) formats back as %q", s, inst.Format(layout))
		}
	})
}

// FuzzDue feeds arbitrary instants and limits to Due: it must return a
// result or an error, never panic, and a result is never before receipt.
func FuzzDue(f *testing.F) {
	f.Add(int64(1770951600), "5d")
	f.Add(int64(-2208988800), "4h")
	f.Add(int64(7258118400), "day@15:00")
	c, err := Default()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, unix int64, limit string) {
		l, err := ParseLimit(limit)
		if err != nil {
			return
		}
		received := time.Unix(unix%(1<<40), 0)
		due, _, err := c.Due(received, l)
		if err == nil && due.Before(received) {
			t.Fatalf("Due(%s, %s) = %s, before receipt", received, l, due)
		}
	})
}
