package procedure

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/user"
)

// StepKind is what happens at one step of an internal workflow.
type StepKind string

// Step kinds of a quy trình nội bộ.
const (
	StepReceive  StepKind = "receive"  // tiếp nhận at the one-stop desk
	StepExamine  StepKind = "examine"  // thẩm định by the specialist
	StepApprove  StepKind = "approve"  // ký duyệt by the leader
	StepReturn   StepKind = "return"   // trả kết quả
	StepTransfer StepKind = "transfer" // chuyển to another unit (liên thông)
)

// StepKinds lists every kind in display order.
var StepKinds = []StepKind{StepReceive, StepExamine, StepApprove, StepReturn, StepTransfer}

// Valid reports whether k is a known step kind.
func (k StepKind) Valid() bool { return slices.Contains(StepKinds, k) }

// Step is one ordered step: who does it and how much working time it may take.
type Step struct {
	Kind       StepKind       `json:"kind"`
	Role       user.Role      `json:"role"`
	Budget     calendar.Limit `json:"budget"`                // working days or hours (not "within the day")
	TransferTo string         `json:"transfer_to,omitempty"` // unit ID for a transfer step
	Note       string         `json:"note,omitempty"`
}

// Workflow is a unit's internal procedure for one TTHC: what the dossier engine follows
// and what the control slip measures.
type Workflow struct {
	ID        string
	UnitID    string
	Code      string
	Steps     []Step
	UpdatedBy string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// WorkingTime converts a limit to office time, with perDay the office time of one
// working day (7h30 with the default office hours): N days are N × perDay, a
// "within the day" limit is one day.
func WorkingTime(l calendar.Limit, perDay time.Duration) time.Duration {
	switch l.Kind() {
	case calendar.WorkingDays:
		return time.Duration(l.WorkingDayCount()) * perDay
	case calendar.WorkingHours:
		return l.WorkingTime()
	case calendar.WithinDay:
		return perDay
	}
	return 0
}

// Total is the sum of the steps' budgets in office time.
func (w Workflow) Total(perDay time.Duration) time.Duration {
	var sum time.Duration
	for _, s := range w.Steps {
		sum += WorkingTime(s.Budget, perDay)
	}
	return sum
}

// ValidateWorkflow checks the steps and that their budgets fit the procedure's legal
// time limit: the first step receives, the last returns the result (or transfers it),
// every step has a role and a budget, and the sum is not more than the limit.
func (w Workflow) Validate(limit calendar.Limit, perDay time.Duration) error {
	var errs failure.List
	if len(w.Steps) == 0 {
		return failure.InvalidField("steps", "workflow.steps_required")
	}
	if len(w.Steps) > 30 {
		return failure.InvalidField("steps", "workflow.too_many_steps")
	}
	for i, s := range w.Steps {
		field := "steps"
		switch {
		case !s.Kind.Valid():
			errs = append(errs, failure.InvalidField(field, "workflow.step_kind_invalid", i+1))
		case !s.Role.Valid():
			errs = append(errs, failure.InvalidField(field, "workflow.step_role_invalid", i+1))
		case s.Budget.Validate() != nil || s.Budget.Kind() == calendar.WithinDay:
			errs = append(errs, failure.InvalidField(field, "workflow.step_budget_invalid", i+1))
		case s.Kind == StepTransfer && s.TransferTo == "":
			errs = append(errs, failure.InvalidField(field, "workflow.transfer_target_required", i+1))
		case s.Kind != StepTransfer && s.TransferTo != "":
			errs = append(errs, failure.InvalidField(field, "workflow.target_only_transfer", i+1))
		}
	}
	if len(errs) > 0 {
		return errs
	}
	if w.Steps[0].Kind != StepReceive {
		errs = append(errs, failure.InvalidField("steps", "workflow.first_receive"))
	}
	if last := w.Steps[len(w.Steps)-1].Kind; last != StepReturn && last != StepTransfer {
		errs = append(errs, failure.InvalidField("steps", "workflow.last_return"))
	}
	for i, s := range w.Steps[:len(w.Steps)-1] {
		if s.Kind == StepReturn {
			errs = append(errs, failure.InvalidField("steps", "workflow.return_not_last", i+1))
		}
	}
	if err := limit.Validate(); err != nil {
		errs = append(errs, failure.InvalidField("steps", "procedure.limit_invalid"))
	} else if total, max := w.Total(perDay), WorkingTime(limit, perDay); total > max {
		errs = append(errs, failure.InvalidField("steps", "workflow.over_limit", FormatHours(total), FormatHours(max)))
	}
	return errs.Err()
}

// FormatHours writes office time as "18h30" (language-neutral, for messages).
func FormatHours(d time.Duration) string {
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	if m == 0 {
		return fmt.Sprintf("%dh", h)
	}
	return fmt.Sprintf("%dh%02d", h, m)
}

// Normalize trims the free text of the steps so validation and storage see the same values.
func (w *Workflow) Normalize() {
	w.Code = NormalizeCode(w.Code)
	for i := range w.Steps {
		w.Steps[i].TransferTo = strings.TrimSpace(w.Steps[i].TransferTo)
		w.Steps[i].Note = clean(w.Steps[i].Note)
	}
}

// Shares of the legal time limit in DefaultWorkflow when the limit is short: the desk
// steps (receive, return) take an eighth each, approval a quarter, examination the rest.
const (
	deskShare    = 8
	approveShare = 4
)

// DefaultWorkflow is the internal workflow a unit follows for a procedure until it records
// its own: receive at the one-stop desk (receiver), examine (handler), approve (approver)
// and return the result (receiver). A limit of four working days or more gives half a day
// to each desk step, one day to approval and the rest, in whole days, to examination
// (5 days: 3h45m, 3d, 1d, 3h45m with the default office hours). A shorter limit, in days,
// hours or "within the day" (one working day), is split by shares rounded down to a
// quarter of an hour (to the minute under two hours), examination taking what is left.
// perDay is the unit's office time of one working day (7h30 when not positive).
//
// The budgets never add up to more than the limit, so the workflow passes Validate for
// every valid limit of at least four minutes of office time, which no real procedure
// states.
func DefaultWorkflow(limit calendar.Limit, perDay time.Duration) Workflow {
	if perDay <= 0 {
		perDay = calendar.DefaultOfficeHours().PerDay()
	}
	perDay = perDay.Truncate(time.Minute)
	var receive, examine, approve time.Duration
	if n := limit.WorkingDayCount(); n >= 4 && perDay >= time.Hour {
		receive, approve, examine = perDay/2, perDay, time.Duration(n-2)*perDay
	} else {
		total := max(WorkingTime(limit, perDay), 4*time.Minute)
		grain := time.Minute
		if total >= 2*time.Hour {
			grain = 15 * time.Minute
		}
		receive = max((total / deskShare).Truncate(grain), time.Minute)
		approve = max((total / approveShare).Truncate(grain), time.Minute)
		examine = total - 2*receive - approve
	}
	receive = receive.Truncate(time.Minute)
	return Workflow{Steps: []Step{
		{Kind: StepReceive, Role: user.Receiver, Budget: budget(receive, perDay)},
		{Kind: StepExamine, Role: user.Handler, Budget: budget(examine, perDay)},
		{Kind: StepApprove, Role: user.Approver, Budget: budget(approve, perDay)},
		{Kind: StepReturn, Role: user.Receiver, Budget: budget(receive, perDay)},
	}}
}

// budget states office time d as whole working days when it is a multiple of perDay,
// otherwise as hours and minutes.
func budget(d, perDay time.Duration) calendar.Limit {
	if d >= perDay && d%perDay == 0 {
		if l, err := calendar.Days(int(d / perDay)); err == nil {
			return l
		}
	}
	l, _ := calendar.Hours(d)
	return l
}
