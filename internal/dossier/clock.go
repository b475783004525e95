package dossier

import (
	"fmt"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/procedure"
)

// Appointment is the due instant of a dossier whose clock starts at start, with the rule
// that produced it (printed on the receipt).
func Appointment(cal *calendar.Calendar, start time.Time, limit calendar.Limit) (time.Time, calendar.Rule, error) {
	due, rule, err := cal.Due(start, limit)
	if err != nil {
		return time.Time{}, calendar.Rule{}, fmt.Errorf("appointment: %w", err)
	}
	return due, rule, nil
}

// StepDue is when a workflow step opened at start must be finished.
func StepDue(cal *calendar.Calendar, start time.Time, s procedure.Step) (time.Time, error) {
	due, _, err := cal.Due(start, s.Budget)
	if err != nil {
		return time.Time{}, fmt.Errorf("step %s due: %w", s.Kind, err)
	}
	return due, nil
}

// Classify says whether a result ready at finished is early, on time or late against the
// dossier's appointment in force (never the apology's date; DOMAIN.md rules 8 and 9).
func Classify(finished, due time.Time) string { return calendar.Classify(finished, due).String() }

// NeededBeforeResult is the office time the steps still ahead need before the result is
// ready: what is left of the current step's budget (by its own due) plus the budgets of the
// later steps up to, not including, the return step.
func NeededBeforeResult(cal *calendar.Calendar, steps []procedure.Step, current int, now, stepDue time.Time) (time.Duration, error) {
	left, err := cal.Remaining(now, stepDue)
	if err != nil {
		return 0, err
	}
	need := max(left, 0)
	perDay := cal.OfficeHours().PerDay()
	for _, s := range steps[min(current+1, len(steps)):] {
		if s.Kind == procedure.StepReturn {
			break
		}
		need += procedure.WorkingTime(s.Budget, perDay)
	}
	return need, nil
}

// ApologyAdvice says whether an open dossier needs an apology letter now, and which
// step is at fault.
type ApologyAdvice struct {
	Needed bool
	// Overdue: the appointment has already passed.
	Overdue bool
	// Latest is the last day on which the letter is still on time: the working day before
	// the appointment's day (DOMAIN.md rule 8).
	Latest calendar.Date
	// Fault is the control-slip row at fault: the first step that ran over its own
	// budget, or the current one when none did.
	Fault StepRecord
}

// AdviseApology applies rule 8 to an open dossier at now: an apology is needed as soon as
// the remaining working time to the appointment cannot cover the remaining steps. slip is
// the dossier's control slip, oldest first; its last open row is the current step.
func AdviseApology(cal *calendar.Calendar, d Dossier, slip []StepRecord, now time.Time) (ApologyAdvice, error) {
	var adv ApologyAdvice
	if !d.State.Open() || d.State == Supplement || d.Due.IsZero() || len(slip) == 0 {
		return adv, nil
	}
	latest, err := cal.AddWorkingDays(calendar.DateOf(d.Due), -1)
	if err != nil {
		return adv, fmt.Errorf("apology deadline: %w", err)
	}
	adv.Latest = latest
	current := slip[len(slip)-1]
	remaining, err := cal.Remaining(now, d.Due)
	if err != nil {
		return adv, fmt.Errorf("remaining time: %w", err)
	}
	need, err := NeededBeforeResult(cal, d.Workflow, d.StepIndex, now, current.Due)
	if err != nil {
		return adv, fmt.Errorf("remaining steps: %w", err)
	}
	adv.Overdue = now.After(d.Due)
	adv.Needed = adv.Overdue || remaining < need
	adv.Fault = faultyStep(slip, now)
	return adv, nil
}

// faultyStep returns the first row that ran over its due (finished late, or still open
// past it), else the last row.
func faultyStep(slip []StepRecord, now time.Time) StepRecord {
	for _, s := range slip {
		end := s.FinishedAt
		if end.IsZero() {
			end = now
		}
		if end.After(s.Due) {
			return s
		}
	}
	return slip[len(slip)-1]
}
