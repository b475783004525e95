package calendar

import (
	"encoding/json"
	"fmt"
	"time"
)

// RuleCode identifies, for programs, which rule produced an appointment.
type RuleCode string

// The rule codes.
const (
	RuleWorkingDaysSameTime RuleCode = "working-days-same-time"
	RuleWorkingDaysEndOfDay RuleCode = "working-days-end-of-day"
	RuleWorkingHours        RuleCode = "working-hours"
	RuleWithinDay           RuleCode = "within-day"
	RuleWithinDayNextDay    RuleCode = "within-day-next-day"
)

// Rule records which rule produced an appointment and with which figures,
// so that every printed date can be justified. Vietnamese (for the
// receipt) and English (for logs) render it in full; they are built on
// demand so that computing a due stays cheap.
type Rule struct {
	Code RuleCode `json:"code"`
	// Days is N of a working-days limit.
	Days int `json:"days,omitempty"`
	// WorkingTime is the office time of a working-hours limit.
	WorkingTime time.Duration `json:"working_time,omitempty"`
	// Cutoff is the cut-off of a within-the-day limit.
	Cutoff Clock `json:"cutoff,omitempty"`
	// DueClock is the time of day of the appointment for day rules.
	DueClock Clock `json:"due_clock,omitempty"`
	// Office is the unit's office hours, quoted by the hours rule.
	Office OfficeHours `json:"-"`
	// Start is when the clock started: the receipt itself, or the start
	// of the next office period when received outside office hours.
	Start time.Time `json:"start"`
	// Shifted is true when the receipt was outside office hours.
	Shifted bool `json:"shifted"`
	// Paused is the working time added for pauses (DueWithPauses).
	Paused time.Duration `json:"paused,omitempty"`
}

const (
	excludedVi = "không tính thứ Bảy, Chủ nhật, ngày nghỉ lễ, Tết và ngày nghỉ bù"
	excludedEn = "weekends, public holidays and compensatory days excluded"
)

// Vietnamese states the rule as printed on the receipt.
func (r Rule) Vietnamese() string {
	var s string
	switch r.Code {
	case RuleWorkingDaysSameTime:
		s = fmt.Sprintf("%d ngày làm việc (%s), tính từ ngày làm việc sau ngày tiếp nhận; hẹn trả vào cùng giờ tiếp nhận (%s) của ngày làm việc thứ %d.",
			r.Days, excludedVi, r.DueClock, r.Days)
	case RuleWorkingDaysEndOfDay:
		s = fmt.Sprintf("%d ngày làm việc (%s), tính từ ngày làm việc sau ngày tiếp nhận; hẹn trả vào cuối giờ làm việc (%s) của ngày làm việc thứ %d.",
			r.Days, excludedVi, r.DueClock, r.Days)
	case RuleWorkingHours:
		vi, _ := formatWorkingTime(r.WorkingTime)
		s = fmt.Sprintf("%s làm việc, chỉ tính trong giờ hành chính (%s) của ngày làm việc, kể từ khi tiếp nhận.", vi, r.Office)
	case RuleWithinDay, RuleWithinDayNextDay:
		s = fmt.Sprintf("Giải quyết trong ngày: tiếp nhận trước %s thì trả kết quả trước %s cùng ngày; từ %s trở đi thì trả vào ngày làm việc tiếp theo.",
			r.Cutoff, r.DueClock, r.Cutoff)
		if r.Code == RuleWithinDayNextDay {
			s += fmt.Sprintf(" Hồ sơ tiếp nhận từ %s nên hẹn ngày làm việc tiếp theo.", r.Cutoff)
		}
	default:
		return ""
	}
	if r.Shifted {
		local := r.Start.In(location)
		d := DateOf(local)
		s += fmt.Sprintf(" Tiếp nhận ngoài giờ làm việc: thời hạn tính từ %s %s %s.",
			local.Format("15:04"), VietnameseWeekday(d.Weekday()), d.VietnameseString())
	}
	if r.Paused > 0 {
		vi, _ := formatWorkingTime(r.Paused)
		s += fmt.Sprintf(" Cộng thêm %s làm việc tạm dừng giải quyết.", vi)
	}
	return s
}

// English states the rule for logs and foreign readers.
func (r Rule) English() string {
	var s string
	switch r.Code {
	case RuleWorkingDaysSameTime:
		s = fmt.Sprintf("%d working days (%s), counted from the working day after receipt; due at the time of receipt (%s) on working day %d.",
			r.Days, excludedEn, r.DueClock, r.Days)
	case RuleWorkingDaysEndOfDay:
		s = fmt.Sprintf("%d working days (%s), counted from the working day after receipt; due at the close of office (%s) on working day %d.",
			r.Days, excludedEn, r.DueClock, r.Days)
	case RuleWorkingHours:
		_, en := formatWorkingTime(r.WorkingTime)
		s = fmt.Sprintf("%s of working time, counted only within office hours (%s) on working days from receipt.", en, r.Office)
	case RuleWithinDay, RuleWithinDayNextDay:
		s = fmt.Sprintf("Within the day: received before %s, due by %s the same day; from %s on, due the next working day.",
			r.Cutoff, r.DueClock, r.Cutoff)
		if r.Code == RuleWithinDayNextDay {
			s += fmt.Sprintf(" Received at or after %s, so due the next working day.", r.Cutoff)
		}
	default:
		return ""
	}
	if r.Shifted {
		local := r.Start.In(location)
		d := DateOf(local)
		s += fmt.Sprintf(" Received outside office hours: the limit runs from %s %s %s.",
			local.Format("15:04"), d.Weekday(), d.VietnameseString())
	}
	if r.Paused > 0 {
		_, en := formatWorkingTime(r.Paused)
		s += fmt.Sprintf(" Extended by %s of working time during which the clock was stopped.", en)
	}
	return s
}

// MarshalJSON adds the Vietnamese and English texts to the rule's fields,
// so stored receipts keep the exact wording printed.
func (r Rule) MarshalJSON() ([]byte, error) {
	type plain Rule
	return json.Marshal(struct {
		plain
		Vi string `json:"vi"`
		En string `json:"en"`
	}{plain(r), r.Vietnamese(), r.English()})
}

// MarshalText encodes the clock as HH:MM.
func (c Clock) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText decodes HH:MM.
func (c *Clock) UnmarshalText(b []byte) error {
	v, err := ParseClock(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// formatWorkingTime renders a working-time duration as "4 giờ 30 phút" and
// "4 hours 30 minutes" (seconds are dropped: limits are in minutes).
func formatWorkingTime(d time.Duration) (vi, en string) {
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	plural := func(n int, unit string) string {
		if n == 1 {
			return fmt.Sprintf("%d %s", n, unit)
		}
		return fmt.Sprintf("%d %ss", n, unit)
	}
	switch {
	case h == 0:
		return fmt.Sprintf("%d phút", m), plural(m, "minute")
	case m == 0:
		return fmt.Sprintf("%d giờ", h), plural(h, "hour")
	}
	return fmt.Sprintf("%d giờ %d phút", h, m), plural(h, "hour") + " " + plural(m, "minute")
}

// FormatWorkingTime renders a working-time duration for people, in
// Vietnamese and English ("18 giờ 30 phút", "18 hours 30 minutes"), with a
// leading minus sign for overdue time.
func FormatWorkingTime(d time.Duration) (vi, en string) {
	if d < 0 {
		vi, en = formatWorkingTime(-d)
		return "-" + vi, "-" + en
	}
	return formatWorkingTime(d)
}
