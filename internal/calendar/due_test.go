package calendar

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func mustInstant(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := ParseInstant(s)
	if err != nil {
		t.Fatalf("ParseInstant(%q): %v", s, err)
	}
	return v
}

func mustLimit(t testing.TB, s string) Limit {
	t.Helper()
	l, err := ParseLimit(s)
	if err != nil {
		t.Fatalf("ParseLimit(%q): %v", s, err)
	}
	return l
}

func TestDue(t *testing.T) {
	sameTime := defaultCalendar(t)
	endOfDay, err := New(Config{DayRule: EndOfDay, Schedules: mustOfficial(t)})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		cal      *Calendar
		received string
		limit    string
		want     string
		code     RuleCode
		shifted  bool
	}{
		{"Monday 09:00 + 5 days is next Monday 09:00", sameTime, "2026-03-09T09:00", "5d", "2026-03-16T09:00", "working-days-same-time", false},
		{"end-of-day rule", endOfDay, "2026-03-09T09:00", "5d", "2026-03-16T17:00", "working-days-end-of-day", false},
		{"Friday before Tết 2026 skips 14/2-22/2", sameTime, "2026-02-13T10:00", "5d", "2026-02-27T10:00", "working-days-same-time", false},
		{"received Saturday starts Monday 07:30", sameTime, "2026-03-07T10:00", "1d", "2026-03-10T07:30", "working-days-same-time", true},
		{"received at lunch starts 13:30", sameTime, "2026-03-09T12:00", "1d", "2026-03-10T13:30", "working-days-same-time", true},
		{"received at 11:30 sharp starts 13:30", sameTime, "2026-03-09T11:30", "1d", "2026-03-10T13:30", "working-days-same-time", true},
		{"received after hours starts next morning", sameTime, "2026-03-09T17:30", "2d", "2026-03-12T07:30", "working-days-same-time", true},
		{"received before opening starts 07:30", sameTime, "2026-03-09T06:00", "1d", "2026-03-10T07:30", "working-days-same-time", true},
		{"make-up Saturday 26/4/2025 counts", sameTime, "2025-04-25T09:00", "1d", "2025-04-26T09:00", "working-days-same-time", false},
		{"Hùng Kings compensatory Monday 27/4/2026", sameTime, "2026-04-24T09:00", "1d", "2026-04-28T09:00", "working-days-same-time", false},
		{"4 hours across lunch", sameTime, "2026-03-09T10:00", "4h", "2026-03-09T16:00", "working-hours", false},
		{"4 hours across the night", sameTime, "2026-03-09T16:00", "4h", "2026-03-10T10:30", "working-hours", false},
		{"a full day of hours ends at 17:00", sameTime, "2026-03-09T07:30", "7h30m", "2026-03-09T17:00", "working-hours", false},
		{"two full days of hours", sameTime, "2026-03-09T07:30", "15h", "2026-03-10T17:00", "working-hours", false},
		{"hours across Tết", sameTime, "2026-02-13T16:00", "2h", "2026-02-23T08:30", "working-hours", false},
		{"within the day before cut-off", sameTime, "2026-03-09T10:00", "day@15:00", "2026-03-09T17:00", "within-day", false},
		{"within the day at cut-off", sameTime, "2026-03-09T15:00", "day@15:00", "2026-03-10T17:00", "within-day-next-day", false},
		{"within the day, received at night", sameTime, "2026-03-09T20:00", "day@15:00", "2026-03-10T17:00", "within-day", true},
		{"within the day, received Saturday", sameTime, "2026-03-07T09:00", "day@15:00", "2026-03-09T17:00", "within-day", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			received := mustInstant(t, tt.received)
			due, rule, err := tt.cal.Due(received, mustLimit(t, tt.limit))
			if err != nil {
				t.Fatal(err)
			}
			if want := mustInstant(t, tt.want); !due.Equal(want) || due.Location() != Location() {
				t.Errorf("due = %s, want %s", due, want)
			}
			if rule.Code != tt.code || rule.Shifted != tt.shifted || rule.Vietnamese() == "" || rule.English() == "" {
				t.Errorf("rule = %+v, want code %s shifted %v", rule, tt.code, tt.shifted)
			}
			if tt.shifted != strings.Contains(rule.Vietnamese(), "ngoài giờ") {
				t.Errorf("rule text %q does not match shifted=%v", rule.Vietnamese(), tt.shifted)
			}
		})
	}
}

func mustOfficial(t testing.TB) []Schedule {
	t.Helper()
	s, err := OfficialSchedules()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestDueAcceptsAnyLocation(t *testing.T) {
	c := defaultCalendar(t)
	utc := time.Date(2026, 3, 9, 2, 0, 0, 0, time.UTC) // 09:00 in Hà Nội
	due, _, err := c.Due(utc, mustLimit(t, "5d"))
	if err != nil {
		t.Fatal(err)
	}
	if got := due.Format("2006-01-02T15:04 -0700"); got != "2026-03-16T09:00 +0700" {
		t.Errorf("due = %s", got)
	}
}

func TestDueErrors(t *testing.T) {
	c := defaultCalendar(t)
	if _, _, err := c.Due(mustInstant(t, "2199-12-30T10:00"), mustLimit(t, "5d")); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("due beyond 2199: %v", err)
	}
	if _, _, err := c.Due(time.Date(1899, 12, 31, 10, 0, 0, 0, Location()), mustLimit(t, "5d")); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("received in 1899: %v", err)
	}
	if _, _, err := c.Due(mustInstant(t, "2026-03-09T09:00"), Limit{}); !errors.Is(err, ErrInvalidLimit) {
		t.Errorf("zero limit: %v", err)
	}
	if _, err := c.AddWorkingTime(mustInstant(t, "2026-03-09T09:00"), -time.Hour); err == nil {
		t.Error("negative working time accepted")
	}
}

func TestWorkingTime(t *testing.T) {
	c := defaultCalendar(t)
	tests := []struct{ from, to, want string }{
		{"2026-03-09T09:00", "2026-03-09T16:00", "5h"},
		{"2026-03-09T12:00", "2026-03-09T13:00", "0s"},
		{"2026-02-13T10:00", "2026-02-23T10:00", "7h30m"},
		{"2026-03-07T00:00", "2026-03-09T00:00", "0s"},
		{"2026-03-09T00:00", "2026-03-16T00:00", "37h30m"},
		{"2026-03-16T09:00", "2026-03-09T09:00", "-37h30m"},
	}
	for _, tt := range tests {
		got, err := c.WorkingTime(mustInstant(t, tt.from), mustInstant(t, tt.to))
		if want, _ := time.ParseDuration(tt.want); err != nil || got != want {
			t.Errorf("WorkingTime(%s, %s) = %v, %v; want %s", tt.from, tt.to, got, err, tt.want)
		}
	}
	rem, err := c.Remaining(mustInstant(t, "2026-03-16T10:00"), mustInstant(t, "2026-03-16T09:00"))
	if err != nil || rem != -time.Hour {
		t.Errorf("Remaining overdue = %v, %v", rem, err)
	}
}

func TestClassify(t *testing.T) {
	due := mustInstant(t, "2026-03-16T09:00")
	tests := []struct {
		finished string
		want     Timeliness
	}{
		{"2026-03-13T16:00", Early},
		{"2026-03-15T10:00", Early}, // Sunday before the due Monday
		{"2026-03-16T08:00", OnTime},
		{"2026-03-16T09:00", OnTime},
		{"2026-03-16T09:01", Late},
		{"2026-03-17T08:00", Late},
	}
	for _, tt := range tests {
		if got := Classify(mustInstant(t, tt.finished), due); got != tt.want {
			t.Errorf("Classify(%s) = %s, want %s", tt.finished, got, tt.want)
		}
	}
	if Early.Vietnamese() != "Trước hạn" || OnTime.Vietnamese() != "Đúng hạn" || Late.Vietnamese() != "Trễ hạn" {
		t.Error("Vietnamese labels")
	}
	// Classification uses the local day even for UTC input.
	if got := Classify(time.Date(2026, 3, 15, 18, 0, 0, 0, time.UTC), due); got != OnTime {
		t.Errorf("UTC 15/3 18:00 is 16/3 01:00 in Hà Nội: got %s", got)
	}
}

func TestPauses(t *testing.T) {
	c := defaultCalendar(t)
	received := mustInstant(t, "2026-03-09T09:00")
	limit := mustLimit(t, "5d")
	day := Interval{Start: mustInstant(t, "2026-03-10T07:30"), End: mustInstant(t, "2026-03-11T07:30")}
	due, rule, err := c.DueWithPauses(received, limit, []Interval{day})
	if err != nil {
		t.Fatal(err)
	}
	if want := mustInstant(t, "2026-03-17T09:00"); !due.Equal(want) || rule.Paused != 7*time.Hour+30*time.Minute || !strings.Contains(rule.Vietnamese(), "tạm dừng") {
		t.Errorf("due with a one-day pause = %s (%+v), want %s", due, rule, want)
	}
	// Overlapping pauses count once; a pause after the due changes nothing.
	overlap := []Interval{day, {Start: mustInstant(t, "2026-03-10T09:00"), End: mustInstant(t, "2026-03-10T10:00")},
		{Start: mustInstant(t, "2026-04-01T09:00"), End: mustInstant(t, "2026-04-02T09:00")}}
	due2, _, err := c.DueWithPauses(received, limit, overlap)
	if err != nil || !due2.Equal(due) {
		t.Errorf("overlapping pauses: %s, %v; want %s", due2, err, due)
	}
	// A pause straddling the original due: the clock stops with 1h left.
	straddle := Interval{Start: mustInstant(t, "2026-03-16T08:00"), End: mustInstant(t, "2026-03-17T08:00")}
	due3, _, err := c.DueWithPauses(received, limit, []Interval{straddle})
	if err != nil || !due3.Equal(mustInstant(t, "2026-03-17T09:00")) {
		t.Errorf("straddling pause: %s, %v", due3, err)
	}
	elapsed, err := c.WorkingTimeExcluding(received, mustInstant(t, "2026-03-12T09:00"), []Interval{day})
	if err != nil || elapsed != 15*time.Hour {
		t.Errorf("WorkingTimeExcluding = %v, %v; want 15h", elapsed, err)
	}
	if _, _, err := c.Extend(due, []Interval{{Start: due, End: due.Add(-time.Hour)}}); !errors.Is(err, ErrInvalidInterval) {
		t.Errorf("reversed pause: %v", err)
	}
}

// TestWorkingDayProperties checks, on random dates over the whole range,
// that adding n working days then counting back gives n, that results are
// always working days, and that results grow with n.
func TestWorkingDayProperties(t *testing.T) {
	c := defaultCalendar(t)
	rng := rand.New(rand.NewPCG(1, 2))
	span := daysFromCivil(MaxYear-1, 1, 1) - minDay
	for i := 0; i < 20000; i++ {
		d := dateFromDayNumber(minDay + rng.IntN(span))
		n := 1 + rng.IntN(120)
		e, err := c.AddWorkingDays(d, n)
		if err != nil {
			t.Fatalf("AddWorkingDays(%s, %d): %v", d, n, err)
		}
		if ok, _ := c.IsWorkingDay(e); !ok {
			t.Fatalf("AddWorkingDays(%s, %d) = %s, a day off", d, n, e)
		}
		if back, err := c.WorkingDaysBetween(d, e); err != nil || back != n {
			t.Fatalf("WorkingDaysBetween(%s, %s) = %d, %v; want %d", d, e, back, err, n)
		}
		if back, err := c.WorkingDaysBetween(e, d); err != nil || back != -n {
			t.Fatalf("WorkingDaysBetween(%s, %s) = %d, %v; want %d", e, d, back, err, -n)
		}
		next, err := c.AddWorkingDays(d, n+1)
		if err != nil || !next.After(e) {
			t.Fatalf("not monotonic: %s + %d = %s, + %d = %s (%v)", d, n, e, n+1, next, err)
		}
		if ok, _ := c.IsWorkingDay(d); ok {
			if b, err := c.AddWorkingDays(e, -n); err != nil || b != d {
				t.Fatalf("AddWorkingDays(%s, %d) = %s, %v; want %s", e, -n, b, err, d)
			}
		}
	}
}

// TestDueProperties checks Due against the independent WorkingTime on random
// receipts: the due is in office time of a working day, and the working
// time from the clock start to the due is the limit.
func TestDueProperties(t *testing.T) {
	c := defaultCalendar(t)
	rng := rand.New(rand.NewPCG(3, 4))
	from := time.Date(2000, 1, 1, 0, 0, 0, 0, Location()).Unix()
	to := time.Date(2198, 1, 1, 0, 0, 0, 0, Location()).Unix()
	per := c.OfficeHours().PerDay()
	for i := 0; i < 20000; i++ {
		received := time.Unix(from+rng.Int64N(to-from), 0)
		var limit Limit
		var want time.Duration
		if i%2 == 0 {
			n := 1 + rng.IntN(40)
			limit, _ = Days(n)
			want = time.Duration(n) * per
		} else {
			want = time.Duration(1+rng.IntN(200*60)) * time.Minute
			limit, _ = Hours(want)
		}
		due, rule, err := c.Due(received, limit)
		if err != nil {
			t.Fatalf("Due(%s, %s): %v", received, limit, err)
		}
		if ok, _ := c.IsWorkingDay(DateOf(due)); !ok {
			t.Fatalf("Due(%s, %s) = %s on a day off", received, limit, due)
		}
		got, err := c.WorkingTime(rule.Start, due)
		if err != nil || got != want {
			t.Fatalf("Due(%s, %s) = %s: working time from %s is %v, want %v", received, limit, due, rule.Start, got, want)
		}
	}
}

func TestRuleText(t *testing.T) {
	c := defaultCalendar(t)
	_, rule, err := c.Due(mustInstant(t, "2026-03-07T10:00"), mustLimit(t, "5d"))
	if err != nil {
		t.Fatal(err)
	}
	wantVi := "5 ngày làm việc (không tính thứ Bảy, Chủ nhật, ngày nghỉ lễ, Tết và ngày nghỉ bù), tính từ ngày làm việc sau ngày tiếp nhận; hẹn trả vào cùng giờ tiếp nhận (07:30) của ngày làm việc thứ 5. Tiếp nhận ngoài giờ làm việc: thời hạn tính từ 07:30 Thứ Hai 09/03/2026."
	if rule.Vietnamese() != wantVi {
		t.Errorf("Vietnamese() =\n%s\nwant\n%s", rule.Vietnamese(), wantVi)
	}
	if !strings.Contains(rule.English(), "Received outside office hours: the limit runs from 07:30 Monday 09/03/2026.") {
		t.Errorf("English() = %s", rule.English())
	}
	b, err := json.Marshal(rule)
	if err != nil || !strings.Contains(string(b), `"vi":"5 ngày`) || !strings.Contains(string(b), `"code":"working-days-same-time"`) || !strings.Contains(string(b), `"due_clock":"07:30"`) {
		t.Errorf("JSON = %s, %v", b, err)
	}
}
