package calendar

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func defaultCalendar(t testing.TB) *Calendar {
	t.Helper()
	c, err := Default()
	if err != nil {
		t.Fatalf("Default: %v", err)
	}
	return c
}

// offDates returns the dates of DaysOff(year) as YYYY-MM-DD strings.
func offDates(t *testing.T, c *Calendar, year int) map[string]DayOff {
	t.Helper()
	days, err := c.DaysOff(year)
	if err != nil {
		t.Fatalf("DaysOff(%d): %v", year, err)
	}
	m := make(map[string]DayOff, len(days))
	for i, d := range days {
		if i > 0 && !days[i-1].Date.Before(d.Date) {
			t.Fatalf("DaysOff(%d) not sorted or duplicated at %s", year, d.Date)
		}
		m[d.Date.String()] = d
	}
	return m
}

func TestComputedHolidays(t *testing.T) {
	c, err := New(Config{}) // rules only, no official schedule
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		year    int
		off     []string // must be days off
		working []string // must be working days
	}{
		{"2022 New Year on Saturday gives Monday 3/1", 2022, []string{"2022-01-01", "2022-01-03"}, []string{"2022-01-04"}},
		{"2022 Hùng Kings on Sunday gives Monday", 2022, []string{"2022-04-10", "2022-04-11"}, []string{"2022-04-12"}},
		{"2022 30/4 and 1/5 on the weekend give 2/5 and 3/5", 2022, []string{"2022-05-02", "2022-05-03"}, []string{"2022-05-04"}},
		{"2022 National Day Friday with Thursday 1/9", 2022, []string{"2022-09-01", "2022-09-02"}, []string{"2022-08-31", "2022-09-05"}},
		{"2023 New Year on Sunday gives Monday 2/1", 2023, []string{"2023-01-02"}, []string{"2023-01-03"}},
		{"2023 Tết as the official 20/1-26/1", 2023, []string{"2023-01-20", "2023-01-23", "2023-01-24", "2023-01-25", "2023-01-26"}, []string{"2023-01-19", "2023-01-27"}},
		{"2023 Hùng Kings Sat, 30/4 Sun, 1/5 Mon → 29/4-3/5", 2023, []string{"2023-05-01", "2023-05-02", "2023-05-03"}, []string{"2023-05-04"}},
		{"2023 National Day Saturday: Fri 1/9 and Mon 4/9", 2023, []string{"2023-09-01", "2023-09-04"}, []string{"2023-09-05", "2023-08-31"}},
		{"2024 Tết computed equals the official 8/2-14/2", 2024, []string{"2024-02-08", "2024-02-09", "2024-02-12", "2024-02-13", "2024-02-14"}, []string{"2024-02-07", "2024-02-15"}},
		{"2006 no Hùng Kings holiday yet", 2006, nil, []string{"2006-04-07"}},
		{"2007 first Hùng Kings holiday", 2007, []string{"2007-04-26"}, nil},
		{"2020 National Day one day only", 2020, []string{"2020-09-02"}, []string{"2020-09-01", "2020-09-03"}},
		{"2026 Hùng Kings Sunday gives Monday 27/4", 2026, []string{"2026-04-27"}, []string{"2026-04-28"}},
		{"2012 Tết four days", 2012, []string{"2012-01-23", "2012-01-24", "2012-01-25"}, []string{"2012-01-27"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, s := range tt.off {
				if ok, err := c.IsWorkingDay(mustDate(t, s)); err != nil || ok {
					t.Errorf("%s: working=%v err=%v, want day off", s, ok, err)
				}
			}
			for _, s := range tt.working {
				if ok, err := c.IsWorkingDay(mustDate(t, s)); err != nil || !ok {
					t.Errorf("%s: working=%v err=%v, want working day", s, ok, err)
				}
			}
		})
	}
}

func TestStatutoryCountEveryYear(t *testing.T) {
	c, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	for year := MinYear; year <= MaxYear; year++ {
		days, err := c.DaysOff(year)
		if err != nil {
			t.Fatalf("DaysOff(%d): %v", year, err)
		}
		holidays := 0
		for _, d := range days {
			if d.Date.Year != year {
				t.Fatalf("%d: day off %s outside the year", year, d.Date)
			}
			if d.Kind == KindHoliday {
				holidays++
			}
		}
		want := 11 // Labour Code 2019
		switch {
		case year < hungKingsFrom:
			want = 8
		case year < tetFiveDaysFrom:
			want = 9
		case year < nationalDayTwoDaysFrom:
			want = 10
		}
		if holidays != want {
			t.Fatalf("%d: %d holidays, want %d", year, holidays, want)
		}
	}
}

func TestOfficialSchedules(t *testing.T) {
	c := defaultCalendar(t)
	tests := []struct {
		year    int
		off     []string
		working []string
		doc     string
	}{
		{2024, []string{"2024-02-08", "2024-02-14", "2024-04-29", "2024-04-30", "2024-05-01", "2024-09-02", "2024-09-03"},
			[]string{"2024-02-07", "2024-02-15", "2024-05-04", "2024-05-02", "2024-09-04"}, "5015/TB-LĐTBXH"},
		{2025, []string{"2025-01-27", "2025-01-28", "2025-01-31", "2025-04-07", "2025-04-30", "2025-05-02", "2025-09-01", "2025-09-02"},
			[]string{"2025-01-24", "2025-02-03", "2025-02-08", "2025-04-26", "2025-05-05", "2025-09-03"}, "6150/TB-LĐTBXH"},
		{2026, []string{"2026-02-16", "2026-02-17", "2026-02-20", "2026-04-27", "2026-04-30", "2026-05-01", "2026-09-01", "2026-09-02"},
			[]string{"2026-02-13", "2026-02-23", "2026-04-28", "2026-09-03"}, "9441/TB-BNV"},
	}
	for _, tt := range tests {
		for _, s := range tt.off {
			if ok, err := c.IsWorkingDay(mustDate(t, s)); err != nil || ok {
				t.Errorf("%s: working=%v err=%v, want day off", s, ok, err)
			}
		}
		for _, s := range tt.working {
			if ok, err := c.IsWorkingDay(mustDate(t, s)); err != nil || !ok {
				t.Errorf("%s: working=%v err=%v, want working day", s, ok, err)
			}
		}
		s, ok := c.Schedule(tt.year)
		if !ok || s.Documents[0].Number != tt.doc || s.Note == "" {
			t.Errorf("Schedule(%d) = %+v, %v", tt.year, s.Documents, ok)
		}
	}
	// 2026 Tết: nine consecutive days off, Sat 14/2 to Sun 22/2, all listed
	// as official with the notice number.
	off := offDates(t, c, 2026)
	for d := mustDate(t, "2026-02-14"); !d.After(mustDate(t, "2026-02-22")); d = d.AddDays(1) {
		day, ok := off[d.String()]
		if !ok || day.Source != SourceOfficial || day.Document != "9441/TB-BNV" || !strings.Contains(day.NameVi, "Tết") {
			t.Errorf("2026 Tết day %s = %+v", d, day)
		}
	}
	if d := off["2026-04-27"]; d.Source != SourceComputed || d.Kind != KindCompensatory {
		t.Errorf("2026-04-27 = %+v, want computed compensatory", d)
	}
	makeUp, err := c.MakeUpDays(2025)
	if err != nil || len(makeUp) != 2 || makeUp[0].Date.String() != "2025-02-08" || makeUp[1].Date.String() != "2025-04-26" {
		t.Errorf("MakeUpDays(2025) = %+v, %v", makeUp, err)
	}
	if d := off["2026-01-01"]; d.NameVi != "Tết Dương lịch" || d.NameEn != "New Year's Day" {
		t.Errorf("2026-01-01 = %+v", d)
	}
}

func TestScheduleOverrides(t *testing.T) {
	doc := []Document{{Number: "1/TB-TEST", Date: mustDate(t, "2029-01-02"), Authority: "Bộ Nội vụ"}}
	s := Schedule{
		Year:      2029,
		Documents: doc,
		DaysOff:   []ScheduledDay{{Date: mustDate(t, "2029-05-02"), NameVi: "Nghỉ hoán đổi", NameEn: "Swapped day off", Kind: KindSwapped}},
		Removed:   []ScheduledDay{{Date: mustDate(t, "2029-05-01"), NameVi: "Làm việc", NameEn: "Worked"}},
		WorkingDays: []ScheduledDay{
			{Date: mustDate(t, "2029-05-05"), NameVi: "Làm bù", NameEn: "Make-up day"},
		},
	}
	c, err := New(Config{Schedules: []Schedule{s}})
	if err != nil {
		t.Fatal(err)
	}
	for date, want := range map[string]bool{"2029-05-01": true, "2029-05-02": false, "2029-05-05": true, "2029-05-06": false, "2029-04-30": false} {
		if got, err := c.IsWorkingDay(mustDate(t, date)); err != nil || got != want {
			t.Errorf("%s working = %v, %v; want %v", date, got, err, want)
		}
	}
}

func TestScheduleValidation(t *testing.T) {
	doc := []Document{{Number: "1/TB-TEST", Date: Date{2026, time.January, 2}, Authority: "Bộ Nội vụ"}}
	day := func(y int, m time.Month, d int) ScheduledDay {
		return ScheduledDay{Date: Date{y, m, d}, NameVi: "Nghỉ", NameEn: "Off"}
	}
	tests := []struct {
		name string
		s    Schedule
		want error
	}{
		{"day that does not exist", Schedule{Year: 2026, Documents: doc, DaysOff: []ScheduledDay{day(2026, time.February, 30)}}, ErrInvalidDate},
		{"make-up day on a Friday", Schedule{Year: 2026, Documents: doc, WorkingDays: []ScheduledDay{day(2026, time.February, 13)}}, ErrInvalidSchedule},
		{"removed Saturday", Schedule{Year: 2026, Documents: doc, Removed: []ScheduledDay{day(2026, time.February, 14)}}, ErrInvalidSchedule},
		{"year out of range", Schedule{Year: 2200, Documents: doc}, ErrOutOfRange},
		{"date in another year", Schedule{Year: 2026, Documents: doc, DaysOff: []ScheduledDay{day(2027, time.January, 4)}}, ErrInvalidSchedule},
		{"no document", Schedule{Year: 2026}, ErrInvalidSchedule},
		{"listed twice", Schedule{Year: 2026, Documents: doc, DaysOff: []ScheduledDay{day(2026, time.March, 2)}, Removed: []ScheduledDay{day(2026, time.March, 2)}}, ErrInvalidSchedule},
		{"unknown document", Schedule{Year: 2026, Documents: doc, DaysOff: []ScheduledDay{{Date: Date{2026, time.March, 2}, NameVi: "x", NameEn: "x", Document: "9/X"}}}, ErrInvalidSchedule},
		{"missing name", Schedule{Year: 2026, Documents: doc, DaysOff: []ScheduledDay{{Date: Date{2026, time.March, 2}}}}, ErrInvalidSchedule},
		{"bad kind", Schedule{Year: 2026, Documents: doc, DaysOff: []ScheduledDay{{Date: Date{2026, time.March, 2}, NameVi: "x", NameEn: "x", Kind: "party"}}}, ErrInvalidSchedule},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.s.Validate()
			if !errors.Is(err, tt.want) {
				t.Fatalf("Validate() = %v, want %v", err, tt.want)
			}
			if _, err := New(Config{Schedules: []Schedule{tt.s}}); err == nil {
				t.Fatal("New accepted an invalid schedule")
			}
		})
	}
	if _, err := DecodeSchedules([]byte(`[{"year":2026,"documents":[{"number":"1","date":"2026-02-30","authority":"x"}]}]`)); err == nil {
		t.Error("DecodeSchedules accepted 2026-02-30")
	}
	if _, err := DecodeSchedules([]byte(`[{"year":2026,"colour":"red"}]`)); err == nil {
		t.Error("DecodeSchedules accepted an unknown field")
	}
}

func TestCalendarConfigErrors(t *testing.T) {
	all := []time.Weekday{0, 1, 2, 3, 4, 5, 6}
	if _, err := New(Config{Weekend: all}); err == nil {
		t.Error("a week without working days was accepted")
	}
	if _, err := New(Config{Weekend: []time.Weekday{9}}); err == nil {
		t.Error("weekday 9 was accepted")
	}
	if _, err := New(Config{DayRule: 7}); err == nil {
		t.Error("day rule 7 was accepted")
	}
	c := defaultCalendar(t)
	if _, err := c.DaysOff(1899); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("DaysOff(1899) = %v", err)
	}
	if _, err := c.IsWorkingDay(Date{2026, 2, 30}); !errors.Is(err, ErrInvalidDate) {
		t.Errorf("IsWorkingDay(2026-02-30) = %v", err)
	}
}

func TestUnitWeekend(t *testing.T) {
	// A unit resting on Sunday only works Saturdays; a holiday on Sunday is
	// compensated on Monday, one on Saturday is not.
	c, err := New(Config{Weekend: []time.Weekday{time.Sunday}})
	if err != nil {
		t.Fatal(err)
	}
	for date, want := range map[string]bool{"2026-03-07": true, "2026-03-08": false, "2026-04-27": false, "2022-01-03": true} {
		if got, err := c.IsWorkingDay(mustDate(t, date)); err != nil || got != want {
			t.Errorf("%s working = %v, %v; want %v", date, got, err, want)
		}
	}
}

func TestZeroValuesDoNotPanic(t *testing.T) {
	var c Calendar
	if _, err := c.IsWorkingDay(Date{2026, time.March, 9}); err == nil {
		t.Error("zero Calendar answered")
	}
	if _, _, err := c.Due(time.Now(), Limit{}); err == nil {
		t.Error("zero Calendar and Limit gave a due")
	}
	var h OfficeHours
	_ = h.Opening() + h.Closing()
	_ = VietnameseWeekday(-1) + Date{}.String() + Limit{}.String() + LunarDate{Year: -5}.YearName()
}

func TestConcurrentUse(t *testing.T) {
	c := defaultCalendar(t)
	done := make(chan error, 8)
	for g := 0; g < 8; g++ {
		go func(g int) {
			var err error
			for y := 2020 + g; y < 2040 && err == nil; y++ {
				_, err = c.DaysOff(y)
			}
			done <- err
		}(g)
	}
	for g := 0; g < 8; g++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
