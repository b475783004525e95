package calendar

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"
)

// ErrInvalidSchedule is returned (wrapped) for an official schedule that
// cannot be applied as given.
var ErrInvalidSchedule = errors.New("invalid schedule")

// Document identifies the official text that decides a year's schedule, so
// every day off can be traced to its legal source.
type Document struct {
	Number    string `json:"number"`    // e.g. "9441/TB-BNV"
	Date      Date   `json:"date"`      // date of signature
	Authority string `json:"authority"` // e.g. "Bộ Nội vụ"
	Title     string `json:"title,omitempty"`
}

// ScheduledDay is one day named by an official schedule.
type ScheduledDay struct {
	Date   Date   `json:"date"`
	NameVi string `json:"name_vi"`
	NameEn string `json:"name_en"`
	// Kind applies to days off: holiday (the default), swapped or weekend.
	Kind Kind `json:"kind,omitempty"`
	// Document is the number of the deciding document; empty means the
	// schedule's first document.
	Document string `json:"document,omitempty"`
}

// Schedule is the official civil-service schedule of one year (lịch nghỉ
// lễ, Tết announced by the Ministry). It overrides the computed defaults:
// the year's days off are the computed ones, plus DaysOff, minus Removed;
// WorkingDays (make-up Saturdays, ngày làm bù) are worked although they are
// weekly rest days.
type Schedule struct {
	Year      int        `json:"year"`
	Documents []Document `json:"documents"`
	// DaysOff lists the days the documents give off. Listing a day the
	// rules also compute is allowed: it confirms it and marks it official.
	DaysOff []ScheduledDay `json:"days_off"`
	// Removed lists computed days off that the documents make working
	// days (e.g. a compensatory day the Tết schedule already absorbed).
	Removed []ScheduledDay `json:"removed,omitempty"`
	// WorkingDays lists make-up working days on weekly rest days.
	WorkingDays []ScheduledDay `json:"working_days,omitempty"`
	// Note records what is unverified or how the data was read, for the
	// administrator who checks it against the published notice.
	Note string `json:"note,omitempty"`
}

// Validate checks that the schedule can be applied: the year is in range;
// there is a deciding document; every date exists and lies in the year; no
// day is listed twice or both off and worked; make-up working days fall on a
// Saturday or Sunday (the civil-service weekend); removed days are weekdays.
func (s Schedule) Validate() error {
	if s.Year < MinYear || s.Year > MaxYear {
		return fmt.Errorf("schedule %d: %w", s.Year, ErrOutOfRange)
	}
	docs, err := s.validateDocuments()
	if err != nil {
		return err
	}
	seen := make(map[Date]string)
	lists := []struct {
		name string
		days []ScheduledDay
	}{{"days_off", s.DaysOff}, {"removed", s.Removed}, {"working_days", s.WorkingDays}}
	for _, list := range lists {
		for _, d := range list.days {
			if err := s.validateDay(list.name, d, docs, seen); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s Schedule) validateDocuments() (map[string]bool, error) {
	if len(s.Documents) == 0 {
		return nil, fmt.Errorf("schedule %d: no deciding document: %w", s.Year, ErrInvalidSchedule)
	}
	docs := make(map[string]bool, len(s.Documents))
	for _, doc := range s.Documents {
		if doc.Number == "" || doc.Authority == "" {
			return nil, fmt.Errorf("schedule %d: document needs a number and an authority: %w", s.Year, ErrInvalidSchedule)
		}
		if err := doc.Date.Validate(); err != nil {
			return nil, fmt.Errorf("schedule %d: document %s: %w", s.Year, doc.Number, err)
		}
		docs[doc.Number] = true
	}
	return docs, nil
}

func (s Schedule) validateDay(list string, d ScheduledDay, docs map[string]bool, seen map[Date]string) error {
	where := fmt.Sprintf("schedule %d: %s %s", s.Year, list, d.Date)
	if err := d.Date.Validate(); err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	if d.Date.Year != s.Year {
		return fmt.Errorf("%s: not in year %d: %w", where, s.Year, ErrInvalidSchedule)
	}
	if prev, dup := seen[d.Date]; dup {
		return fmt.Errorf("%s: already listed in %s: %w", where, prev, ErrInvalidSchedule)
	}
	seen[d.Date] = list
	if d.NameVi == "" || d.NameEn == "" {
		return fmt.Errorf("%s: a Vietnamese and an English name are required: %w", where, ErrInvalidSchedule)
	}
	if d.Document != "" && !docs[d.Document] {
		return fmt.Errorf("%s: unknown document %q: %w", where, d.Document, ErrInvalidSchedule)
	}
	weekend := d.Date.Weekday() == time.Saturday || d.Date.Weekday() == time.Sunday
	switch list {
	case "days_off":
		switch d.Kind {
		case "", KindHoliday, KindSwapped, KindWeekend, KindCompensatory:
		default:
			return fmt.Errorf("%s: unknown kind %q: %w", where, d.Kind, ErrInvalidSchedule)
		}
	case "removed":
		if weekend {
			return fmt.Errorf("%s: a %s is a weekly rest day; list it in working_days to make it worked: %w", where, d.Date.Weekday(), ErrInvalidSchedule)
		}
	case "working_days":
		if !weekend {
			return fmt.Errorf("%s: a make-up working day must be a Saturday or Sunday, not a %s: %w", where, d.Date.Weekday(), ErrInvalidSchedule)
		}
	}
	return nil
}

// document returns the number of the document deciding d.
func (s Schedule) document(d ScheduledDay) string {
	if d.Document != "" || len(s.Documents) == 0 {
		return d.Document
	}
	return s.Documents[0].Number
}

//go:embed official_schedules.json
var officialSchedulesJSON []byte

// OfficialSchedules returns the official schedules shipped with motcua
// (2024–2026), validated and sorted by year. The store loads them on
// migrate; administrators add later years from each new notice.
func OfficialSchedules() ([]Schedule, error) {
	schedules, err := DecodeSchedules(officialSchedulesJSON)
	if err != nil {
		return nil, fmt.Errorf("embedded official schedules: %w", err)
	}
	return schedules, nil
}

// DecodeSchedules reads a JSON array of schedules (the format of the
// embedded file, also used for imports), rejecting unknown fields, and
// validates each one.
func DecodeSchedules(data []byte) ([]Schedule, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var schedules []Schedule
	if err := dec.Decode(&schedules); err != nil {
		return nil, fmt.Errorf("decode schedules: %w", err)
	}
	years := make(map[int]bool, len(schedules))
	for _, s := range schedules {
		if err := s.Validate(); err != nil {
			return nil, err
		}
		if years[s.Year] {
			return nil, fmt.Errorf("schedule %d listed twice: %w", s.Year, ErrInvalidSchedule)
		}
		years[s.Year] = true
	}
	sort.Slice(schedules, func(i, j int) bool { return schedules[i].Year < schedules[j].Year })
	return schedules, nil
}
