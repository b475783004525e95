package dossier

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/vn"
)

// Command is one action an official takes on a dossier.
type Command struct {
	DossierID string
	Action    Action
	// Version is the dossier version the official saw; the action fails if the dossier
	// changed since (optimistic locking).
	Version    int
	Note       string
	Reason     string           // request, send back, apology, stop, withdrawal
	AssigneeID string           // forward, send back, assign: who takes the step (empty: anyone in the role)
	Items      []SupplementItem // request
	NewDue     time.Time        // apology: the new appointment
	Channel    Channel          // return: how the result was handed over
	Electronic bool             // return: an electronic result was issued too
	At         time.Time        // zero: now (demo generation and tests set it)
}

// Change is what an action does: the dossier after it, the control-slip row it closes
// and the one it opens, and the detail of the history event.
type Change struct {
	Dossier    Dossier
	Close      bool   // close the open slip row with Outcome
	Timeliness string // of the closed row against its own due
	Open       *StepRecord
	Assign     bool // set the open row's assignee to the command's
	Detail     Detail
}

// Apply computes the effect of cmd on d at time at, with the dossier's calendar and its
// control slip (oldest first). It checks the command's own fields; the caller has checked
// the transition is allowed and permitted, and the version.
func Apply(cal *calendar.Calendar, d Dossier, slip []StepRecord, cmd Command, at time.Time, actorID string) (Change, error) {
	cmd.Note = strings.TrimSpace(vn.NFC(cmd.Note))
	cmd.Reason = strings.TrimSpace(vn.NFC(cmd.Reason))
	if utf8.RuneCountInString(cmd.Note) > 2000 || utf8.RuneCountInString(cmd.Reason) > 2000 {
		return Change{}, failure.InvalidField("note", "dossier.note_too_long")
	}
	if at.Before(d.LastProgressAt) {
		return Change{}, failure.InvalidField("at", "dossier.time_before_last")
	}
	c := Change{Dossier: d, Detail: Detail{}}
	c.Dossier.LastProgressAt, c.Dossier.UpdatedAt = at, at
	if cmd.Note != "" {
		c.Detail["note"] = cmd.Note
	}
	var err error
	switch cmd.Action {
	case ActForward:
		err = c.moveTo(cal, d.StepIndex+1, cmd, at, actorID)
	case ActSendBack:
		err = c.sendBack(cal, cmd, at, actorID)
	case ActAssign:
		c.Assign = true
		c.Detail["assignee"] = cmd.AssigneeID
	case ActRequest:
		err = c.request(cmd, at)
	case ActSupply:
		err = c.supply(cal, slip, at, actorID)
	case ActApologise:
		err = c.apologise(cal, slip, cmd, at)
	case ActStop, ActWithdraw, ActRefuse:
		err = c.close(cmd)
	case ActReturn:
		err = c.returnResult(cmd, at)
	case ActProgress:
		if cmd.Note == "" {
			err = failure.InvalidField("note", "dossier.note_required")
		}
	default:
		err = failure.New(failure.Conflict, "action", "dossier.action_not_allowed")
	}
	if err != nil {
		return Change{}, err
	}
	if c.Close {
		if cur := openRow(slip); cur != nil {
			c.Timeliness = Classify(at, cur.Due)
		}
	}
	return c, nil
}

func openRow(slip []StepRecord) *StepRecord {
	if n := len(slip); n > 0 && slip[n-1].Open() {
		return &slip[n-1]
	}
	return nil
}

// moveTo closes the current step and opens step i (forward, or back by sendBack).
func (c *Change) moveTo(cal *calendar.Calendar, i int, cmd Command, at time.Time, actorID string) error {
	d := &c.Dossier
	if i >= len(d.Workflow) {
		return failure.New(failure.Conflict, "action", "dossier.no_next_step")
	}
	step := d.Workflow[i]
	due, err := StepDue(cal, at, step)
	if err != nil {
		return err
	}
	d.StepIndex, d.State = i, StateOfStep(d.Workflow, i)
	d.CurrentUnitID = d.UnitID
	if step.Kind == procedure.StepTransfer {
		d.CurrentUnitID = step.TransferTo
		d.Transfers++
	}
	if d.State == Ready && d.ResolvedAt.IsZero() {
		d.ResolvedAt = at
		d.Timeliness = Classify(at, d.Due)
		c.Detail["timeliness"] = d.Timeliness
	}
	c.Close = true
	c.Open = &StepRecord{StepIndex: i, Kind: step.Kind, Role: step.Role, UnitID: d.CurrentUnitID,
		AssigneeID: cmd.AssigneeID, FromUserID: actorID, StartedAt: at, Due: due}
	c.Detail["step"] = i
	c.Detail["kind"] = string(step.Kind)
	if cmd.AssigneeID != "" {
		c.Detail["assignee"] = cmd.AssigneeID
	}
	return nil
}

func (c *Change) sendBack(cal *calendar.Calendar, cmd Command, at time.Time, actorID string) error {
	if c.Dossier.StepIndex < 1 {
		return failure.New(failure.Conflict, "action", "dossier.no_previous_step")
	}
	if cmd.Reason == "" {
		return failure.InvalidField("reason", "dossier.reason_required")
	}
	c.Detail["reason"] = cmd.Reason
	return c.moveTo(cal, c.Dossier.StepIndex-1, cmd, at, actorID)
}

// request stops the clock and asks the applicant, once and in writing, for everything
// missing (DOMAIN.md rule 7).
func (c *Change) request(cmd Command, at time.Time) error {
	var items []SupplementItem
	for _, it := range cmd.Items {
		it.Name, it.Reason = strings.TrimSpace(vn.NFC(it.Name)), strings.TrimSpace(vn.NFC(it.Reason))
		if it.Name == "" && it.Reason == "" {
			continue
		}
		if it.Name == "" || utf8.RuneCountInString(it.Name) > 500 || utf8.RuneCountInString(it.Reason) > 1000 {
			return failure.InvalidField("items", "dossier.supplement_item_invalid")
		}
		items = append(items, it)
	}
	if len(items) == 0 {
		return failure.InvalidField("items", "dossier.supplement_items_required")
	}
	d := &c.Dossier
	d.State, d.PausedAt, d.Missing = Supplement, at, items
	d.Supplements++
	c.Close = true
	c.Detail["items"] = items
	if cmd.Reason != "" {
		c.Detail["reason"] = cmd.Reason
	}
	return nil
}

// supply records the complete supplement: the elapsed time is cancelled and the full
// limit restarts from now, with a new appointment (DOMAIN.md rule 7). The step that asked
// reopens for the official who asked.
func (c *Change) supply(cal *calendar.Calendar, slip []StepRecord, at time.Time, actorID string) error {
	d := &c.Dossier
	due, rule, err := Appointment(cal, at, d.Limit)
	if err != nil {
		return err
	}
	step := d.Workflow[d.StepIndex]
	stepDue, err := StepDue(cal, at, step)
	if err != nil {
		return err
	}
	asker := ""
	if n := len(slip); n > 0 {
		asker = slip[n-1].FinishedBy
	}
	c.Detail["previous_due"] = d.Due.UTC().Format(time.RFC3339)
	c.Detail["due"] = due.UTC().Format(time.RFC3339)
	c.Detail["paused_from"] = d.PausedAt.UTC().Format(time.RFC3339)
	d.State, d.ClockStart, d.Due, d.DueRule, d.PausedAt, d.Missing = StateOfStep(d.Workflow, d.StepIndex), at, due, RuleOf(rule), time.Time{}, nil
	d.ExtendedDue = time.Time{}
	c.Open = &StepRecord{StepIndex: d.StepIndex, Kind: step.Kind, Role: step.Role, UnitID: d.CurrentUnitID,
		AssigneeID: asker, FromUserID: actorID, StartedAt: at, Due: stepDue}
	return nil
}

// apologise records the apology letter and its new appointment. The dossier stays late
// against its appointment; the letter is on time only up to the working day before it.
func (c *Change) apologise(cal *calendar.Calendar, slip []StepRecord, cmd Command, at time.Time) error {
	d := &c.Dossier
	if cmd.Reason == "" {
		return failure.InvalidField("reason", "dossier.reason_required")
	}
	if cmd.NewDue.IsZero() || !cmd.NewDue.After(at) || !cmd.NewDue.After(d.DueShown()) {
		return failure.InvalidField("new_due", "dossier.new_due_invalid")
	}
	latest, err := cal.AddWorkingDays(calendar.DateOf(d.Due), -1)
	if err != nil {
		return err
	}
	adv, err := AdviseApology(cal, d.withState(), slip, at)
	if err != nil {
		return err
	}
	d.ExtendedDue = cmd.NewDue.UTC().Truncate(time.Microsecond)
	d.Apologies++
	c.Detail["reason"] = cmd.Reason
	c.Detail["new_due"] = d.ExtendedDue.Format(time.RFC3339)
	c.Detail["in_time"] = !calendar.DateOf(at).After(latest)
	if adv.Fault.ID != "" {
		c.Detail["fault_step"] = adv.Fault.Seq
		c.Detail["fault_unit"] = adv.Fault.UnitID
	}
	return nil
}

// withState returns the dossier as AdviseApology sees it (a supplement pause counts as
// the step that asked).
func (d Dossier) withState() Dossier {
	if d.State == Supplement {
		d.State = Processing
	}
	return d
}

// close stops handling, records the withdrawal or refuses an online submission, with the
// reason.
func (c *Change) close(cmd Command) error {
	if cmd.Reason == "" {
		return failure.InvalidField("reason", "dossier.reason_required")
	}
	d := &c.Dossier
	switch cmd.Action {
	case ActWithdraw:
		d.State = Withdrawn
	case ActRefuse:
		d.State = Refused
	default:
		d.State = Stopped
	}
	d.ClosingReason = cmd.Reason
	d.PausedAt = time.Time{}
	c.Close = true // the open slip row, if any (none while waiting for a supplement)
	c.Detail["reason"] = cmd.Reason
	return nil
}

// returnResult hands the result over.
func (c *Change) returnResult(cmd Command, at time.Time) error {
	if !cmd.Channel.Valid() {
		return failure.InvalidField("channel", "dossier.channel_invalid")
	}
	d := &c.Dossier
	d.State, d.ReturnedAt, d.ReturnChannel, d.Electronic = Returned, at, cmd.Channel, cmd.Electronic
	c.Close = true
	c.Detail["channel"] = string(cmd.Channel)
	c.Detail["electronic"] = cmd.Electronic
	return nil
}
