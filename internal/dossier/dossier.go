// Package dossier is the one-stop dossier engine's domain: the states a dossier
// (hồ sơ thủ tục hành chính) goes through from intake to return, the table of allowed
// transitions and who may make them, the national dossier code, applicant validation, the
// deadline rules (appointment, supplement restart, apology, timeliness) and the
// tamper-evident history. It holds types and rules only; the store persists them in one
// transaction per action and the web layer shows them.
//
// # Lifecycle (Decree 118/2025/NĐ-CP; Decree 61/2018 before 1 July 2025)
//
// An online submission waits as Submitted until the desk accepts it (Received) or refuses
// it (Refused). At the desk a complete dossier is Received directly: it gets its code, its
// appointment and the first row of the control slip. It then follows the unit's internal
// workflow: each Forward finishes the current step and opens the next (Processing), a
// transfer step hands it to another unit (liên thông), and the step after approval puts the
// result at the desk (Ready) until it is Returned. A supplement request stops the clock
// (Supplement) and the full time limit restarts when the papers arrive (DOMAIN.md rule 7).
// Handling may be Stopped, or the applicant may withdraw (Withdrawn). An apology keeps the
// state and sets a new appointment, but timeliness is always judged against the appointment
// after the last legitimate restart, so a re-dated dossier still counts as late.
package dossier

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/user"
)

// State is where a dossier stands.
type State string

// The dossier states.
const (
	Submitted  State = "submitted"  // nộp trực tuyến, chờ tiếp nhận
	Refused    State = "refused"    // từ chối tiếp nhận (final, no code)
	Received   State = "received"   // đã tiếp nhận, at the desk's receive step
	Processing State = "processing" // đang giải quyết: examine, approve or transfer steps
	Supplement State = "supplement" // chờ bổ sung, hoàn thiện (clock stopped)
	Ready      State = "ready"      // có kết quả, chờ trả
	Returned   State = "returned"   // đã trả kết quả (final)
	Stopped    State = "stopped"    // dừng giải quyết (final)
	Withdrawn  State = "withdrawn"  // rút hồ sơ (final)
)

// States lists every state in display order.
var States = []State{Submitted, Received, Processing, Supplement, Ready, Returned, Refused, Stopped, Withdrawn}

// Valid reports whether s is a known state.
func (s State) Valid() bool { return slices.Contains(States, s) }

// Final reports whether nothing more can happen to a dossier in state s.
func (s State) Final() bool { return s == Refused || s == Returned || s == Stopped || s == Withdrawn }

// Open reports whether the dossier is received and not yet resolved: its clock matters.
func (s State) Open() bool { return s == Received || s == Processing || s == Supplement }

// Channel is how the dossier reached the unit.
type Channel string

// Intake channels.
const (
	AtDesk Channel = "desk"   // trực tiếp
	ByPost Channel = "post"   // bưu chính
	Online Channel = "online" // trực tuyến
)

// Channels lists the channels in display order.
var Channels = []Channel{AtDesk, ByPost, Online}

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool { return slices.Contains(Channels, c) }

// Payment says how the fees were paid.
type Payment string

// Payment methods.
const (
	NoFee        Payment = "none"   // no fee, or exempt
	PaidCash     Payment = "cash"   // tiền mặt at the desk
	PaidOnline   Payment = "online" // thanh toán trực tuyến
	PaidTransfer Payment = "bank"   // chuyển khoản
)

// Payments lists the payment methods in display order.
var Payments = []Payment{NoFee, PaidCash, PaidOnline, PaidTransfer}

// Valid reports whether p is a known payment method.
func (p Payment) Valid() bool { return slices.Contains(Payments, p) }

// Regime is the legal regime a dossier follows for its whole life, chosen by its receipt
// date (DOMAIN.md rule 1).
type Regime string

// The regimes.
const (
	Regime2018 Regime = "2018" // Decree 61/2018 (amended by 107/2021), Circular 01/2018/TT-VPCP
	Regime2025 Regime = "2025" // Decree 118/2025, Circular 03/2025/TT-VPCP
)

// Reform2025 is when Decree 118/2025/NĐ-CP came into force: 1 July 2025, 00:00 in Vietnam.
var Reform2025 = time.Date(2025, time.July, 1, 0, 0, 0, 0, calendar.Location())

// RegimeFor returns the regime of a dossier received at t.
func RegimeFor(t time.Time) Regime {
	if t.Before(Reform2025) {
		return Regime2018
	}
	return Regime2025
}

// Component is one paper of the dossier as received: the procedure's checklist item
// with what the desk actually took in and whether it was digitised.
type Component struct {
	Name      string `json:"name"`
	Originals int    `json:"originals"`
	Copies    int    `json:"copies"`
	Required  bool   `json:"required"`
	Received  bool   `json:"received"`
	Digitised bool   `json:"digitised"`
}

// SupplementItem is one thing the applicant must add or correct, with the reason.
type SupplementItem struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// Rule is the stored wording of the rule that produced the appointment, as printed on the
// receipt.
type Rule struct {
	Code string `json:"code"`
	Vi   string `json:"vi"`
	En   string `json:"en"`
}

// RuleOf keeps a calendar rule's code and texts.
func RuleOf(r calendar.Rule) Rule {
	return Rule{Code: string(r.Code), Vi: r.Vietnamese(), En: r.English()}
}

// Dossier is one administrative-procedure dossier.
type Dossier struct {
	ID            string
	Code          string // empty until received
	UnitID        string // the receiving agency; never changes
	CurrentUnitID string // where the dossier is now (another unit during a transfer)
	Version       int    // optimistic lock: incremented by every action
	State         State
	StepIndex     int
	Workflow      []procedure.Step // snapshot taken at receipt
	Channel       Channel
	Regime        Regime

	ProcedureVersionID string
	ProcedureCode      string
	ProcedureName      string
	Limit              calendar.Limit

	Applicant  Applicant
	Components []Component
	FeeTotal   int64
	Payment    Payment
	Note       string

	ReceivedAt    time.Time
	ReceivedBy    string
	ClockStart    time.Time // receipt, or the last complete supplement
	Due           time.Time // appointment in force (after the last restart): timeliness is judged on it
	DueRule       Rule
	ExtendedDue   time.Time // the apology's new date, if any (still late)
	PausedAt      time.Time // when the clock stopped for a supplement
	Missing       []SupplementItem
	Supplements   int
	Apologies     int
	Transfers     int
	ResolvedAt    time.Time // result ready
	Timeliness    string    // "", "early", "on_time", "late"
	ReturnedAt    time.Time
	ReturnChannel Channel
	Electronic    bool   // result issued as an electronic file too
	ClosingReason string // refusal, stop or withdrawal reason

	LookupSecret   string
	IdempotencyKey string
	LastProgressAt time.Time
	HistoryHash    string
	CreatedBy      string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Step returns the workflow step the dossier is at (the zero Step when the index is out of
// range, e.g. before receipt).
func (d Dossier) Step() procedure.Step {
	if d.StepIndex < 0 || d.StepIndex >= len(d.Workflow) {
		return procedure.Step{}
	}
	return d.Workflow[d.StepIndex]
}

// Overdue reports whether the dossier is open (or ready but resolved late is not
// "overdue") and its appointment has passed at now.
func (d Dossier) Overdue(now time.Time) bool {
	return d.State.Open() && !d.Due.IsZero() && now.After(d.Due) && d.State != Supplement
}

// DueShown is the date to tell the applicant: the apology's date when there is one.
func (d Dossier) DueShown() time.Time {
	if !d.ExtendedDue.IsZero() {
		return d.ExtendedDue
	}
	return d.Due
}

// Digitised counts the received components that were digitised at intake.
func (d Dossier) Digitised() int {
	n := 0
	for _, c := range d.Components {
		if c.Received && c.Digitised {
			n++
		}
	}
	return n
}

// StepRecord is one row of the control slip (phiếu kiểm soát quá trình giải quyết): one
// hand-over, who gave, who took, when, due by the step's budget, and how it ended.
type StepRecord struct {
	ID         string
	DossierID  string
	Seq        int
	StepIndex  int
	Kind       procedure.StepKind
	Role       user.Role
	UnitID     string
	AssigneeID string // empty: anyone with the role in the unit
	FromUserID string
	StartedAt  time.Time
	Due        time.Time
	FinishedAt time.Time
	FinishedBy string
	Outcome    Action // the action that closed the step
	Timeliness string // of the step against its own due
	Note       string
}

// Open reports whether the step is still in progress.
func (s StepRecord) Open() bool { return s.FinishedAt.IsZero() }

// Detail is the JSON-encodable detail of a history event.
type Detail map[string]any

// Encode writes the detail as compact JSON with sorted keys (stable for hashing).
func (d Detail) Encode() string {
	if len(d) == 0 {
		return "{}"
	}
	b, err := json.Marshal(map[string]any(d))
	if err != nil {
		return "{}"
	}
	return string(b)
}
