// Package notify watches dossiers being handled and tells the right people in time: it
// finds stale progress (no recorded action on the current step for too long), appointments
// due within a working day and overdue ones; it reminds the responsible official, then
// escalates to the unit's leader and the overseer; it reminds administrators and QMS
// secretaries of procedures about to expire and review plans overdue. Notifications are
// in-app, with e-mail immediately or in a daily digest through an outbox that a job sends
// over SMTP with retries.
//
// The rules (Assess, the stages, the texts) are pure; the jobs (Monitor, Digest, Sender)
// read and write through the store with a clock passed in.
package notify

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/store"
)

// MinStale is the shortest default stale threshold: half of a two-hour step is too
// little to call a step forgotten.
const MinStale = 4 * time.Hour

// Thresholds are a unit's reminder thresholds in working time (zero: the default rule).
type Thresholds struct {
	Stale    time.Duration
	Escalate time.Duration
}

// Stage is how far a stale step's reminders have gone.
type Stage int

// The escalation stages: the responsible official first, then the leader of the step's
// unit, then the overseer above it.
const (
	StageNone Stage = iota
	StageOfficial
	StageLeader
	StageOverseer
)

// Watch is what monitoring finds about one open step at a time.
type Watch struct {
	store.WatchItem
	Idle          time.Duration // working time since the last recorded action (or the step's start)
	StaleAfter    time.Duration // the threshold that applied
	EscalateAfter time.Duration
	Remaining     time.Duration // working time to the appointment; negative once overdue
	Stale         bool
	DueSoon       bool // the appointment is within one working day
	Overdue       bool // the appointment has passed
	Stage         Stage
}

// Flagged reports whether the step needs attention.
func (w Watch) Flagged() bool { return w.Stale || w.DueSoon || w.Overdue }

// severity orders flagged steps: overdue first, then by escalation stage, then due soon.
func (w Watch) severity() int {
	s := int(w.Stage) * 2
	if w.Overdue {
		s += 10
	}
	if w.DueSoon {
		s++
	}
	return s
}

// Assess applies the rules to one open step at now with the receiving agency's calendar.
//
// Stale: the working time since the last recorded action on the dossier (any action,
// a progress note included), or since the step began if later, is longer than the
// threshold: the unit's, else half of the step's budget and at least MinStale. Each
// further Escalate (default: the threshold again) moves the reminder one stage up.
// Due soon: the appointment is at most one office day of working time away. Overdue: the
// appointment has passed.
func Assess(cal *calendar.Calendar, it store.WatchItem, th Thresholds, now time.Time) (Watch, error) {
	w := Watch{WatchItem: it}
	budget, err := cal.WorkingTime(it.Step.StartedAt, it.Step.Due)
	if err != nil {
		return w, fmt.Errorf("step budget of %s: %w", it.Code, err)
	}
	w.StaleAfter = th.Stale
	if w.StaleAfter <= 0 {
		w.StaleAfter = max(budget/2, MinStale)
	}
	w.EscalateAfter = th.Escalate
	if w.EscalateAfter <= 0 {
		w.EscalateAfter = w.StaleAfter
	}
	last := it.LastProgressAt
	if it.Step.StartedAt.After(last) {
		last = it.Step.StartedAt
	}
	if now.After(last) {
		if w.Idle, err = cal.WorkingTime(last, now); err != nil {
			return w, fmt.Errorf("idle time of %s: %w", it.Code, err)
		}
	}
	switch {
	case w.Idle > w.StaleAfter+2*w.EscalateAfter:
		w.Stage = StageOverseer
	case w.Idle > w.StaleAfter+w.EscalateAfter:
		w.Stage = StageLeader
	case w.Idle > w.StaleAfter:
		w.Stage = StageOfficial
	}
	w.Stale = w.Stage != StageNone
	if !it.Due.IsZero() {
		if w.Remaining, err = cal.Remaining(now, it.Due); err != nil {
			return w, fmt.Errorf("time left of %s: %w", it.Code, err)
		}
		w.Overdue = now.After(it.Due)
		w.DueSoon = !w.Overdue && w.Remaining <= cal.OfficeHours().PerDay()
	}
	return w, nil
}

// Calendars builds and remembers unit calendars for the duration of one pass.
type Calendars struct {
	db   *store.DB
	byID map[string]*calendar.Calendar
}

// NewCalendars returns an empty cache over db.
func NewCalendars(db *store.DB) *Calendars {
	return &Calendars{db: db, byID: map[string]*calendar.Calendar{}}
}

// For returns a unit's calendar.
func (c *Calendars) For(ctx context.Context, unitID string) (*calendar.Calendar, error) {
	if cal, ok := c.byID[unitID]; ok {
		return cal, nil
	}
	cal, err := c.db.CalendarFor(ctx, unitID)
	if err != nil {
		return nil, err
	}
	c.byID[unitID] = cal
	return cal, nil
}

// Find lists the open steps f selects with what monitoring finds about them at now; with
// flaggedOnly, only those that need attention, the most severe first (then by
// appointment).
func Find(ctx context.Context, db *store.DB, f store.WatchFilter, now time.Time, flaggedOnly bool) ([]Watch, error) {
	items, err := db.WatchItems(ctx, f)
	if err != nil {
		return nil, err
	}
	settings, err := db.AllReminderSettings(ctx)
	if err != nil {
		return nil, err
	}
	cals := NewCalendars(db)
	var out []Watch
	for _, it := range items {
		cal, err := cals.For(ctx, it.UnitID)
		if err != nil {
			return nil, err
		}
		s := store.NearestReminderSettings(settings, it.StepUnitPath)
		w, err := Assess(cal, it, Thresholds{Stale: s.Stale, Escalate: s.Escalate}, now)
		if err != nil {
			return nil, err
		}
		if !flaggedOnly || w.Flagged() {
			out = append(out, w)
		}
	}
	if flaggedOnly {
		sort.SliceStable(out, func(i, j int) bool { return out[i].severity() > out[j].severity() })
	}
	return out, nil
}

// Counts are the flagged steps of a list, counted.
type Counts struct {
	Stale, DueSoon, Overdue, Total int
}

// Count counts the flags of ws (a step may carry several; Total counts steps).
func Count(ws []Watch) Counts {
	var c Counts
	for _, w := range ws {
		if !w.Flagged() {
			continue
		}
		c.Total++
		if w.Stale {
			c.Stale++
		}
		if w.DueSoon {
			c.DueSoon++
		}
		if w.Overdue {
			c.Overdue++
		}
	}
	return c
}

// UnitCounts are one unit's counts.
type UnitCounts struct {
	UnitPath, UnitName string
	Counts
}

// ByUnit counts the flagged steps per unit of the step, by unit path.
func ByUnit(ws []Watch) []UnitCounts {
	idx := map[string]int{}
	var out []UnitCounts
	for _, w := range ws {
		if !w.Flagged() {
			continue
		}
		i, ok := idx[w.StepUnitPath]
		if !ok {
			i = len(out)
			idx[w.StepUnitPath] = i
			out = append(out, UnitCounts{UnitPath: w.StepUnitPath, UnitName: w.StepUnitName})
		}
		c := Count([]Watch{w})
		out[i].Stale += c.Stale
		out[i].DueSoon += c.DueSoon
		out[i].Overdue += c.Overdue
		out[i].Total += c.Total
	}
	sort.Slice(out, func(i, j int) bool { return out[i].UnitPath < out[j].UnitPath })
	return out
}
