package qms

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/vn"
)

// ReviewStatus is where a management review stands.
type ReviewStatus string

// A review is prepared and held as a draft (its inputs can be gathered again, decisions
// added); once final, its inputs and decisions are the record. Actions decided stay open
// to be marked done.
const (
	ReviewDraft ReviewStatus = "draft"
	ReviewFinal ReviewStatus = "final"
)

// ManagementReview is the record of a management review meeting (xem xét của lãnh đạo,
// clause 9.3) of a unit for a period.
type ManagementReview struct {
	ID           string
	UnitID       string
	Title        string
	From, To     unit.Date // the period reviewed, both days included
	HeldOn       unit.Date
	Chair        string // who chaired it, as printed on the minutes
	Participants string
	Notes        string // discussion
	Inputs       ReviewInputs
	InputsAt     time.Time // when the inputs were gathered
	Status       ReviewStatus
	CreatedBy    string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Normalize trims the text fields.
func (r *ManagementReview) Normalize() {
	r.Title = strings.Join(strings.Fields(vn.NFC(r.Title)), " ")
	r.Chair = strings.Join(strings.Fields(vn.NFC(r.Chair)), " ")
	r.Participants = strings.TrimSpace(vn.NFC(r.Participants))
	r.Notes = strings.TrimSpace(vn.NFC(r.Notes))
}

// Validate checks a review's own fields: a period of at most three years, the day it was
// (or will be) held.
func (r ManagementReview) Validate() error {
	var errs failure.List
	errs = addErr(errs, checkText("title", r.Title, maxTitle, true))
	switch {
	case r.From.IsZero():
		errs = append(errs, failure.InvalidField("from", "qms.date_required"))
	case r.To.IsZero():
		errs = append(errs, failure.InvalidField("to", "qms.date_required"))
	case r.To.Before(r.From):
		errs = append(errs, failure.InvalidField("to", "qms.period_reversed"))
	case MonthOfDate(r.From).Year+3 < MonthOfDate(r.To).Year:
		errs = append(errs, failure.InvalidField("to", "qms.period_too_long"))
	}
	if r.HeldOn.IsZero() {
		errs = append(errs, failure.InvalidField("held_on", "qms.date_required"))
	}
	if utf8.RuneCountInString(r.Chair) > maxTitle {
		errs = append(errs, failure.InvalidField("chair", "qms.text_too_long", maxTitle))
	}
	for _, f := range []struct{ field, text string }{{"participants", r.Participants}, {"notes", r.Notes}} {
		if utf8.RuneCountInString(f.text) > maxBody {
			errs = append(errs, failure.InvalidField(f.field, "qms.text_too_long", maxBody))
		}
	}
	return errs.Err()
}

// Editable refuses to change a final review.
func (r ManagementReview) Editable() error {
	if r.Status != ReviewDraft {
		return failure.New(failure.Conflict, "", "qms.review_final")
	}
	return nil
}

// OutputKind is what a review decided.
type OutputKind string

// The outputs of a review (clause 9.3.3): decisions (on improvement, changes to the QMS,
// resources) and actions with an owner and a due day.
const (
	OutputDecision OutputKind = "decision"
	OutputAction   OutputKind = "action"
)

// OutputKinds lists the kinds.
var OutputKinds = []OutputKind{OutputDecision, OutputAction}

// ReviewOutput is one decision or action of a review.
type ReviewOutput struct {
	ID        string
	ReviewID  string
	UnitID    string
	Seq       int
	Kind      OutputKind
	Text      string
	OwnerID   string
	OwnerName string // filled by the store
	DueOn     unit.Date
	DoneAt    time.Time
	DoneBy    string
	CreatedBy string
	CreatedAt time.Time
}

// Normalize trims the text.
func (o *ReviewOutput) Normalize() { o.Text = strings.TrimSpace(vn.NFC(o.Text)) }

// Validate checks an output: its text, and for an action its owner and due day.
func (o ReviewOutput) Validate() error {
	var errs failure.List
	if !slices.Contains(OutputKinds, o.Kind) {
		errs = append(errs, failure.InvalidField("kind", "qms.output_kind_invalid"))
	}
	errs = addErr(errs, checkText("text", o.Text, maxNote, true))
	if o.Kind == OutputAction {
		if o.OwnerID == "" {
			errs = append(errs, failure.InvalidField("owner_id", "qms.owner_required"))
		}
		if o.DueOn.IsZero() {
			errs = append(errs, failure.InvalidField("due_on", "qms.date_required"))
		}
	}
	return errs.Err()
}

// Overdue reports whether an action is past its due day and not done.
func (o ReviewOutput) Overdue(today unit.Date) bool {
	return o.Kind == OutputAction && o.DoneAt.IsZero() && !o.DueOn.IsZero() && o.DueOn.Before(today)
}

// ReviewInputs are the inputs of clause 9.3.2, gathered from the data for the period:
// they are kept with the review, as it was held.
type ReviewInputs struct {
	Objectives      []ObjectiveSummary `json:"objectives"`
	Performance     Performance        `json:"performance"`
	Satisfaction    Satisfaction       `json:"satisfaction"`
	NCs             NCSummary          `json:"nonconformities"`
	Audits          AuditSummary       `json:"audits"`
	PreviousActions []PreviousAction   `json:"previous_actions"`
	Documents       DocumentSummary    `json:"documents"`
	Risks           RiskSummary        `json:"risks"`
}

// ObjectiveSummary is an objective's months in the period.
type ObjectiveSummary struct {
	Title   string  `json:"title"`
	Measure Measure `json:"measure"`
	Target  string  `json:"target"` // "≥ 98%"
	Met     int     `json:"met"`
	Missed  int     `json:"missed"`
	Unknown int     `json:"unknown"`
	Last    string  `json:"last"` // "10/2022: 99.8%"
}

// Performance is the process performance of the period (the report's figures).
type Performance struct {
	Received       int64 `json:"received"`
	OnTime         int64 `json:"on_time"`          // received in the period, resolved early or on time
	CohortLate     int64 `json:"cohort_late"`      // received in the period, resolved late
	Resolved       int64 `json:"resolved"`         // results ready in the period
	ResolvedLate   int64 `json:"resolved_late"`    // of which late
	InProgress     int64 `json:"in_progress"`      // at the period's end
	OverdueOpen    int64 `json:"overdue_open"`     // of which past their appointment
	Apologies      int64 `json:"apologies"`        // letters of apology
	StaleProcedure int   `json:"stale_procedures"` // expired procedures still published when gathered
}

// Satisfaction is the citizens' ratings of the period.
type Satisfaction struct {
	Ratings   int `json:"ratings"`
	Satisfied int `json:"satisfied"`
	Low       int `json:"low"`
}

// NCSummary is the state of nonconformities and corrective actions.
type NCSummary struct {
	Raised    []SourceCount `json:"raised"` // in the period, by source
	Open      int           `json:"open"`   // when gathered
	Overdue   int           `json:"overdue"`
	Closed    int           `json:"closed"` // in the period
	Dismissed int           `json:"dismissed"`
}

// SourceCount is how many nonconformities came from a source.
type SourceCount struct {
	Source Source `json:"source"`
	N      int    `json:"n"`
}

// AuditSummary is the internal audits of the period.
type AuditSummary struct {
	Plans    int                 `json:"plans"`
	Done     int                 `json:"done"`
	Findings map[AuditResult]int `json:"findings"`
}

// PreviousAction is an action decided at the previous review and whether it is done.
type PreviousAction struct {
	Text  string    `json:"text"`
	Owner string    `json:"owner"`
	DueOn unit.Date `json:"due_on"`
	Done  bool      `json:"done"`
}

// DocumentSummary is the state of the controlled documents when gathered.
type DocumentSummary struct {
	Current   int `json:"current"`
	ReviewDue int `json:"review_due"`
	Unread    int `json:"unread"`
}
