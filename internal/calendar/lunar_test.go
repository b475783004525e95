package calendar

import (
	"errors"
	"testing"
	"time"
)

func mustDate(t testing.TB, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatalf("ParseDate(%q): %v", s, err)
	}
	return d
}

func TestLunarTetDates(t *testing.T) {
	// Tết (lunar 1/1) in Vietnam. Sources: Hồ Ngọc Đức's published tables and
	// the Vietnamese government holiday notices of recent years.
	tests := map[int]string{
		1900: "1900-01-31", 1968: "1968-01-29", 1975: "1975-02-11", 1985: "1985-01-21",
		1990: "1990-01-27", 1995: "1995-01-31", 2000: "2000-02-05", 2001: "2001-01-24",
		2005: "2005-02-09", 2007: "2007-02-17", 2008: "2008-02-07", 2009: "2009-01-26",
		2010: "2010-02-14", 2011: "2011-02-03", 2012: "2012-01-23", 2013: "2013-02-10",
		2014: "2014-01-31", 2015: "2015-02-19", 2016: "2016-02-08", 2017: "2017-01-28",
		2018: "2018-02-16", 2019: "2019-02-05", 2020: "2020-01-25", 2021: "2021-02-12",
		2022: "2022-02-01", 2023: "2023-01-22", 2024: "2024-02-10", 2025: "2025-01-29",
		2026: "2026-02-17", 2027: "2027-02-06", 2028: "2028-01-26", 2029: "2029-02-13",
		// 2030: the new moon is at 16:07 UTC on 2 February, 23:07 in Vietnam
		// but 00:07 on 3 February in China, so Vietnam's Tết is a day earlier.
		2030: "2030-02-02",
	}
	for year, want := range tests {
		got, err := LunarToSolar(LunarDate{Year: year, Month: 1, Day: 1})
		if err != nil {
			t.Errorf("Tết %d: %v", year, err)
			continue
		}
		if got.String() != want {
			t.Errorf("Tết %d = %s, want %s", year, got, want)
		}
	}
}

func TestLunarVietnamVersusChina(t *testing.T) {
	china := newLunarTable(8)
	tests := []struct {
		year      int
		vn, china string
	}{
		{1968, "1968-01-29", "1968-01-30"},
		{1985, "1985-01-21", "1985-02-20"},
		{2007, "2007-02-17", "2007-02-18"},
		{2030, "2030-02-02", "2030-02-03"},
		{2024, "2024-02-10", "2024-02-10"}, // most years agree
	}
	for _, tt := range tests {
		vn, err := vietnamLunar().toSolar(LunarDate{Year: tt.year, Month: 1, Day: 1})
		if err != nil {
			t.Fatal(err)
		}
		cn, err := china.toSolar(LunarDate{Year: tt.year, Month: 1, Day: 1})
		if err != nil {
			t.Fatal(err)
		}
		if vn.String() != tt.vn || cn.String() != tt.china {
			t.Errorf("Tết %d: Vietnam %s China %s, want %s and %s", tt.year, vn, cn, tt.vn, tt.china)
		}
	}
}

func TestLunarHungKings(t *testing.T) {
	tests := map[int]string{
		2021: "2021-04-21", 2022: "2022-04-10", 2023: "2023-04-29",
		2024: "2024-04-18", 2025: "2025-04-07", 2026: "2026-04-26",
	}
	for year, want := range tests {
		got, err := LunarToSolar(LunarDate{Year: year, Month: 3, Day: 10})
		if err != nil || got.String() != want {
			t.Errorf("Hùng Kings %d = %s, %v; want %s", year, got, err, want)
		}
	}
}

func TestLunarLeapMonths(t *testing.T) {
	tests := map[int]int{
		2001: 4, 2004: 2, 2006: 7, 2009: 5, 2012: 4, 2014: 9, 2017: 6,
		2020: 4, 2023: 2, 2025: 6, 2024: 0, 2026: 0, 2022: 0,
	}
	for year, want := range tests {
		got, err := LeapMonth(year)
		if err != nil || got != want {
			t.Errorf("LeapMonth(%d) = %d, %v; want %d", year, got, err, want)
		}
	}
	// The leap month exists as its own month, right after the regular one.
	regular, err := LunarToSolar(LunarDate{Year: 2023, Month: 2, Day: 1})
	if err != nil {
		t.Fatal(err)
	}
	leap, err := LunarToSolar(LunarDate{Year: 2023, Month: 2, Day: 1, Leap: true})
	if err != nil {
		t.Fatal(err)
	}
	if regular.String() != "2023-02-20" || leap.String() != "2023-03-22" {
		t.Errorf("2023 month 2 starts %s, leap month 2 starts %s", regular, leap)
	}
	if _, err := LunarToSolar(LunarDate{Year: 2024, Month: 2, Day: 1, Leap: true}); !errors.Is(err, ErrInvalidDate) {
		t.Errorf("leap month in 2024: err = %v, want ErrInvalidDate", err)
	}
}

func TestLunarRoundTripEveryDay(t *testing.T) {
	first := mustDate(t, "1900-01-01")
	last := mustDate(t, "2199-12-31")
	prev := LunarDate{}
	for d := first; !d.After(last); d = d.AddDays(1) {
		l, err := SolarToLunar(d)
		if err != nil {
			t.Fatalf("SolarToLunar(%s): %v", d, err)
		}
		back, err := LunarToSolar(l)
		if err != nil || back != d {
			t.Fatalf("LunarToSolar(%v) = %s, %v; want %s", l, back, err, d)
		}
		if l.Day < 1 || l.Day > 30 || l.Month < 1 || l.Month > 12 {
			t.Fatalf("%s → impossible lunar date %v", d, l)
		}
		if prev != (LunarDate{}) && l.Day != prev.Day+1 && l.Day != 1 {
			t.Fatalf("%s → %v does not follow %v", d, l, prev)
		}
		if l.Day == 1 && prev != (LunarDate{}) && prev.Day < 29 {
			t.Fatalf("%s: lunar month before %v had only %d days", d, l, prev.Day)
		}
		prev = l
	}
}

func TestLunarTableMonthsAreWellFormed(t *testing.T) {
	for _, tz := range []float64{7, 8} {
		tab := newLunarTable(tz)
		for i := 1; i < len(tab.months); i++ {
			n := tab.months[i].start - tab.months[i-1].start
			if n != 29 && n != 30 {
				t.Fatalf("tz %v: month %d has %d days", tz, i-1, n)
			}
		}
	}
}

func TestLunarRejectsBadInput(t *testing.T) {
	bad := []LunarDate{
		{Year: 2026, Month: 13, Day: 1},
		{Year: 2026, Month: 0, Day: 1},
		{Year: 2026, Month: 1, Day: 31},
		{Year: 2026, Month: 1, Day: 0},
		{Year: 1800, Month: 1, Day: 1},
		{Year: 2300, Month: 1, Day: 1},
	}
	for _, l := range bad {
		if _, err := LunarToSolar(l); err == nil {
			t.Errorf("LunarToSolar(%+v) succeeded", l)
		}
	}
	if _, err := SolarToLunar(Date{Year: 2026, Month: time.February, Day: 30}); !errors.Is(err, ErrInvalidDate) {
		t.Errorf("SolarToLunar(2026-02-30): %v", err)
	}
	if _, err := LeapMonth(1899); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("LeapMonth(1899): %v", err)
	}
}

func TestLunarYearName(t *testing.T) {
	for year, want := range map[int]string{2024: "Giáp Thìn", 2025: "Ất Tỵ", 2026: "Bính Ngọ", 1968: "Mậu Thân"} {
		if got := (LunarDate{Year: year}).YearName(); got != want {
			t.Errorf("YearName(%d) = %s, want %s", year, got, want)
		}
	}
}
