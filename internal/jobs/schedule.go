package jobs

import (
	"fmt"
	"time"

	"github.com/motcua/motcua/internal/calendar"
)

// Schedule says when a job runs, in Asia/Ho_Chi_Minh.
type Schedule interface {
	// Next returns the first run time strictly after after.
	Next(after time.Time) time.Time
	// String describes the schedule; the jobs table keeps it so that a changed schedule
	// moves the stored next run.
	String() string
}

// Daily runs once a day at a local time (Asia/Ho_Chi_Minh), every day.
func Daily(at calendar.Clock) Schedule { return daily{at: at} }

type daily struct{ at calendar.Clock }

func (d daily) Next(after time.Time) time.Time {
	day := calendar.DateOf(after)
	if t := day.At(d.at); t.After(after) {
		return t
	}
	return day.AddDays(1).At(d.at)
}

func (d daily) String() string { return "daily " + d.at.String() }

// Every runs at every multiple of interval since local midnight, all day, every day.
func Every(interval time.Duration) Schedule {
	return every{interval: interval, from: 0, to: 24 * 60}
}

// EveryDuring runs at from, from+interval, ... before to, on the days workday accepts
// (every day when it is nil): "every 15 minutes within office hours on working days".
func EveryDuring(interval time.Duration, from, to calendar.Clock, workday func(calendar.Date) bool) Schedule {
	return every{interval: interval, from: from, to: to, workday: workday}
}

type every struct {
	interval time.Duration
	from, to calendar.Clock
	workday  func(calendar.Date) bool
}

// searchDays bounds the look-ahead for a day with a slot (Tết and a long weekend are
// well under it); a schedule with no slot in that time runs a year later.
const searchDays = 60

func (e every) Next(after time.Time) time.Time {
	if e.interval <= 0 || e.to <= e.from {
		return after.AddDate(1, 0, 0)
	}
	first := calendar.DateOf(after)
	for i := range searchDays {
		day := first.AddDays(i)
		if e.workday != nil && !e.workday(day) {
			continue
		}
		start, end := day.At(e.from), day.At(e.to)
		if e.to == 24*60 {
			end = day.AddDays(1).Start()
		}
		t := start
		if !after.Before(start) {
			k := after.Sub(start)/e.interval + 1
			t = start.Add(k * e.interval)
		}
		if t.Before(end) {
			return t
		}
	}
	return after.AddDate(1, 0, 0)
}

func (e every) String() string {
	s := fmt.Sprintf("every %s", e.interval)
	if e.from != 0 || e.to != 24*60 {
		s += fmt.Sprintf(" %s-%s", e.from, e.to)
	}
	if e.workday != nil {
		s += " workdays"
	}
	return s
}
