package calendar

import (
	"fmt"
	"sort"
	"time"
)

// Kind classifies a day off, so lists and receipts can say why a day is not
// worked.
type Kind string

// The kinds of day off.
const (
	// KindHoliday is a public holiday of Labour Code 2019 Art. 112(1).
	KindHoliday Kind = "holiday"
	// KindCompensatory is the next working day given for a holiday that
	// falls on a weekly rest day (Art. 112(3), nghỉ bù).
	KindCompensatory Kind = "compensatory"
	// KindSwapped is a working day turned into a day off by an official
	// schedule in exchange for a make-up working day (hoán đổi).
	KindSwapped Kind = "swapped"
	// KindWeekend is a weekly rest day that an official schedule lists as
	// part of a break (e.g. the Saturday starting Tết); it is off anyway.
	KindWeekend Kind = "weekend"
)

// Source says where a day off comes from: the statutory rules computed by
// this package, or a year's official schedule, which overrides them.
type Source string

// The sources of a day off.
const (
	SourceComputed Source = "computed"
	SourceOfficial Source = "official"
)

// DayOff is one non-working day besides ordinary weekends, with the names
// printed to citizens (Vietnamese) and to foreign readers (English).
type DayOff struct {
	Date   Date   `json:"date"`
	NameVi string `json:"name_vi"`
	NameEn string `json:"name_en"`
	Kind   Kind   `json:"kind"`
	Source Source `json:"source"`
	// Document is the number of the deciding document for official days,
	// e.g. "9441/TB-BNV"; empty for computed days.
	Document string `json:"document,omitempty"`
}

// Effective years of the statutory rules. Years before the first Labour
// Code (1995) get the earliest rule set projected backwards: the calendar
// does not model older law, and no dossier is that old.
const (
	// tetFiveDaysFrom: Labour Code 2012 (in force 1 May 2013) raised Tết
	// from 4 to 5 days; the first Tết under it was 2014.
	tetFiveDaysFrom = 2014
	// hungKingsFrom: Labour Code amendment 2007 added Giỗ Tổ Hùng Vương.
	hungKingsFrom = 2007
	// nationalDayTwoDaysFrom: Labour Code 2019 (in force 1 January 2021)
	// added a second National Day holiday adjacent to 2/9.
	nationalDayTwoDaysFrom = 2021
	// tetBackwardFrom: since 2014 the yearly notices compensate a Tết day
	// falling on Saturday with the working day before the break and one
	// falling on Sunday with the day after (as vacanza/holidays encodes;
	// it reproduces the 2023 and 2024 schedules).
	tetBackwardFrom = 2014
)

// weekendSet marks the weekly rest days of a unit, indexed by time.Weekday.
type weekendSet [7]bool

func (w weekendSet) has(d Date) bool { return w[d.Weekday()] }

// statutoryDaysOff computes the public holidays of a year and the
// compensatory days they give under the weekend set, sorted by date.
func statutoryDaysOff(year int, weekend weekendSet, lunar *lunarTable) ([]DayOff, error) {
	holidays, tet, err := statutoryHolidays(year, lunar)
	if err != nil {
		return nil, fmt.Errorf("holidays of %d: %w", year, err)
	}
	backward := make(map[Date]bool, len(tet))
	if year >= tetBackwardFrom {
		for _, d := range tet {
			backward[d.Date] = true
		}
	}
	days := append(holidays, compensatoryDays(holidays, weekend, backward)...)
	sortDaysOff(days)
	return days, nil
}

// statutoryHolidays returns all holidays of the year, and separately the
// Tết days among them (they follow their own compensation practice).
func statutoryHolidays(year int, lunar *lunarTable) (all, tet []DayOff, err error) {
	fixed := func(m time.Month, d int, vi, en string) DayOff {
		return computedHoliday(Date{Year: year, Month: m, Day: d}, vi, en)
	}
	all = []DayOff{fixed(time.January, 1, "Tết Dương lịch", "New Year's Day")}
	if tet, err = tetDays(year, lunar); err != nil {
		return nil, nil, err
	}
	all = append(all, tet...)
	if year >= hungKingsFrom {
		d, err := lunar.toSolar(LunarDate{Year: year, Month: 3, Day: 10})
		if err != nil {
			return nil, nil, fmt.Errorf("Hùng Kings' day: %w", err)
		}
		all = append(all, computedHoliday(d, "Giỗ Tổ Hùng Vương (10/3 âm lịch)", "Hùng Kings' Commemoration Day"))
	}
	all = append(all,
		fixed(time.April, 30, "Ngày Chiến thắng (30/4)", "Victory Day (Reunification Day)"),
		fixed(time.May, 1, "Ngày Quốc tế Lao động (1/5)", "International Labour Day"),
		fixed(time.September, 2, "Quốc khánh (2/9)", "National Day"),
	)
	if year >= nationalDayTwoDaysFrom {
		all = append(all, computedHoliday(nationalDayAdjacent(year), "Quốc khánh (ngày liền kề 2/9)", "National Day (adjacent day)"))
	}
	return all, tet, nil
}

// tetDays returns the statutory Tết days: the last day of the old lunar year
// (giao thừa, 29 or 30 tháng Chạp) and mùng 1 to mùng 4 of the new one (to
// mùng 3 before 2014). This is the computed default only: each year's
// official schedule fixes the actual break.
func tetDays(year int, lunar *lunarTable) ([]DayOff, error) {
	first, err := lunar.toSolar(LunarDate{Year: year, Month: 1, Day: 1})
	if err != nil {
		return nil, fmt.Errorf("Tết: %w", err)
	}
	eve := first.AddDays(-1)
	eveDay, err := lunar.toLunar(eve)
	if err != nil {
		return nil, fmt.Errorf("Tết: %w", err)
	}
	days := []DayOff{computedHoliday(eve,
		fmt.Sprintf("Tết Nguyên đán (%d tháng Chạp)", eveDay.Day),
		"Lunar New Year's Eve")}
	last := 4
	if year < tetFiveDaysFrom {
		last = 3
	}
	for i := 1; i <= last; i++ {
		days = append(days, computedHoliday(first.AddDays(i-1),
			fmt.Sprintf("Tết Nguyên đán (mùng %d Tết)", i),
			fmt.Sprintf("Lunar New Year (day %d)", i)))
	}
	return days, nil
}

// nationalDayAdjacent picks the second National Day holiday by the weekday
// of 2/9, following the choices the Prime Minister has made since 2021 (the
// rule encoded by vacanza/holidays): Mon→Tue 3/9, Tue→Mon 1/9, Wed→Tue 1/9,
// Thu→Fri 3/9, Fri→Thu 1/9, Sat→Fri 1/9, Sun→Mon 3/9.
func nationalDayAdjacent(year int) Date {
	second := Date{Year: year, Month: time.September, Day: 2}
	switch second.Weekday() {
	case time.Monday, time.Thursday, time.Sunday:
		return second.AddDays(1)
	}
	return second.AddDays(-1)
}

// compensatoryDays gives, for each holiday on a weekly rest day, a day off on
// the next day that is neither a rest day, a holiday nor an earlier
// compensatory day (Labour Code 2019 Art. 112(3), civil-service reading).
// Holidays in backward that fall on a Saturday are compensated on the
// previous such day instead, which keeps the Tết break in one block.
func compensatoryDays(holidays []DayOff, weekend weekendSet, backward map[Date]bool) []DayOff {
	taken := make(map[Date]bool, len(holidays)+4)
	for _, h := range holidays {
		taken[h.Date] = true
	}
	sorted := append([]DayOff(nil), holidays...)
	sortDaysOff(sorted)
	var comp []DayOff
	for _, h := range sorted {
		if !weekend.has(h.Date) {
			continue
		}
		step := 1
		if backward[h.Date] && h.Date.Weekday() == time.Saturday {
			step = -1
		}
		d := h.Date.AddDays(step)
		for weekend.has(d) || taken[d] {
			d = d.AddDays(step)
		}
		taken[d] = true
		comp = append(comp, DayOff{
			Date:   d,
			NameVi: "Nghỉ bù " + h.NameVi,
			NameEn: "Compensatory day off for " + h.NameEn,
			Kind:   KindCompensatory,
			Source: SourceComputed,
		})
	}
	return comp
}

func computedHoliday(d Date, vi, en string) DayOff {
	return DayOff{Date: d, NameVi: vi, NameEn: en, Kind: KindHoliday, Source: SourceComputed}
}

func sortDaysOff(days []DayOff) {
	sort.SliceStable(days, func(i, j int) bool { return days[i].Date.Before(days[j].Date) })
}

// VietnameseWeekday returns the Vietnamese name of a weekday as written on
// documents ("Thứ Hai" … "Chủ nhật").
func VietnameseWeekday(w time.Weekday) string {
	return [...]string{"Chủ nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"}[mod(int(w), 7)]
}
