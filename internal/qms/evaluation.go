package qms

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/report"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/vn"
)

// The annual evaluation of a unit's QMS (issue 8, part 8): the report on maintaining and
// improving the quality management system for a year ("Báo cáo đánh giá việc duy trì, cải
// tiến hệ thống quản lý chất lượng năm YYYY"). Its figures are gathered from the data
// (dossiers, ratings, IT indicators, objectives, audits, nonconformities, reviews, the
// declaration); the unit adds its overall assessment and its recommendations and
// proposals. While a draft, the figures are gathered again each time it is read; once
// final, the figures, the assessment and the proposals are kept as a snapshot whose
// SHA-256 is recorded with it, so any later change shows.

// EvalStatus is where an annual evaluation stands.
type EvalStatus string

// An evaluation is prepared as a draft and made final when it is sent upward.
const (
	EvalDraft EvalStatus = "draft"
	EvalFinal EvalStatus = "final"
)

// ProposalKind says what a proposal asks.
type ProposalKind string

// The unit's recommendations (kiến nghị: to the authorities above) and proposals (đề xuất:
// improvements the unit puts forward).
const (
	Recommendation ProposalKind = "recommendation"
	Suggestion     ProposalKind = "proposal"
)

// ProposalKinds lists the kinds in display order.
var ProposalKinds = []ProposalKind{Recommendation, Suggestion}

// Proposal is one recommendation or proposal of the unit.
type Proposal struct {
	ID        string       `json:"id"`
	Seq       int          `json:"seq"`
	Kind      ProposalKind `json:"kind"`
	Text      string       `json:"text"`
	CreatedBy string       `json:"-"`
	CreatedAt time.Time    `json:"-"`
}

// Normalize trims the text.
func (p *Proposal) Normalize() { p.Text = strings.TrimSpace(vn.NFC(p.Text)) }

// Validate checks a proposal: a known kind and a text.
func (p Proposal) Validate() error {
	var errs failure.List
	if !slices.Contains(ProposalKinds, p.Kind) {
		errs = append(errs, failure.InvalidField("kind", "qms.proposal_kind_invalid"))
	}
	errs = addErr(errs, checkText("text", p.Text, maxNote, true))
	return errs.Err()
}

// MaxProposals bounds the proposals of one evaluation.
const MaxProposals = 50

// Evaluation is a unit's annual evaluation report.
type Evaluation struct {
	ID          string
	UnitID      string
	Year        int
	Status      EvalStatus
	Summary     string // the unit's overall assessment (đánh giá chung)
	Snapshot    *EvaluationFigures
	Hash        string // SHA-256 of the snapshot, hex
	CreatedBy   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	FinalizedBy string
	FinalizedAt time.Time
}

// Editable refuses to change a final evaluation.
func (e Evaluation) Editable() error {
	if e.Status == EvalFinal {
		return failure.New(failure.Conflict, "", "qms.evaluation_final")
	}
	return nil
}

// NormalizeSummary trims an overall assessment.
func NormalizeSummary(s string) string { return strings.TrimSpace(vn.NFC(s)) }

// CheckSummary checks an overall assessment's length.
func CheckSummary(s string) error { return checkText("summary", s, maxBody, false) }

// EvaluationPeriod is the part of a year the evaluation of a unit covers: the year, from
// the day the unit started if later, to the day before it ended or to today if sooner. A
// year the unit did not exist in, or a year to come, is refused.
func EvaluationPeriod(year int, u unit.Unit, today unit.Date) (from, to unit.Date, err error) {
	from, to = unit.NewDate(year, 1, 1), unit.NewDate(year, 12, 31)
	if year < 2000 || today.Before(from) {
		return from, to, failure.InvalidField("year", "qms.evaluation_year_invalid")
	}
	if !u.ValidFrom.IsZero() && from.Before(u.ValidFrom) {
		from = u.ValidFrom
	}
	if !u.ValidTo.IsZero() && !to.Before(u.ValidTo) {
		to = dayBefore(u.ValidTo)
	}
	if today.Before(to) {
		to = today
	}
	if to.Before(from) {
		return from, to, failure.InvalidField("year", "qms.evaluation_unit_absent")
	}
	return from, to, nil
}

func dayBefore(d unit.Date) unit.Date {
	t, _ := time.Parse(unit.DateLayout, d.String())
	return unit.DateOf(t.AddDate(0, 0, -1))
}

// EvaluationFigures is everything an annual evaluation reports, gathered from the data
// for its period; a final evaluation keeps it as its snapshot, with the unit's assessment
// and proposals of that moment.
type EvaluationFigures struct {
	UnitID     string             `json:"unit_id"`
	UnitName   string             `json:"unit_name"`
	Year       int                `json:"year"`
	From       Day                `json:"from"`
	To         Day                `json:"to"`
	GatheredAt time.Time          `json:"gathered_at"`
	Dossiers   Performance        `json:"dossiers"`
	Online     int64              `json:"online"` // received online
	Returned   int64              `json:"returned"`
	Satisfy    Satisfaction       `json:"satisfaction"`
	IT         report.ITYear      `json:"it"`
	Objectives []ObjectiveSummary `json:"objectives"`
	Audits     AuditSummary       `json:"audits"`
	AuditPlans []AuditLine        `json:"audit_plans"`
	NCs        []NCCount          `json:"nonconformities"` // raised in the year, by source and status
	NCOpen     int                `json:"nc_open"`         // of those, not closed nor dismissed
	NCOverdue  int                `json:"nc_overdue"`      // of those, with an overdue action
	Reviews    []ReviewLine       `json:"reviews"`
	Declared   DeclarationLine    `json:"declaration"`
	// StaleProcedures are the expired procedures still published on the period's last day.
	StaleProcedures []string `json:"stale_procedures"`
	// StaleUpdates counts the dossiers reminded in the period for progress not updated.
	StaleUpdates int        `json:"stale_updates"`
	Summary      string     `json:"summary"`
	Proposals    []Proposal `json:"proposals"`
}

// Day is a calendar day kept in a snapshot as YYYY-MM-DD (unit.Date itself has no JSON
// form).
type Day struct{ unit.Date }

// MarshalText writes the day as YYYY-MM-DD ("" for none).
func (d Day) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads YYYY-MM-DD.
func (d *Day) UnmarshalText(b []byte) error {
	p, err := unit.ParseDate(string(b))
	d.Date = p
	return err
}

// AuditLine is an internal audit planned in the year.
type AuditLine struct {
	UnitName  string      `json:"unit_name"`
	PlannedOn Day         `json:"planned_on"`
	Scope     string      `json:"scope"`
	Status    AuditStatus `json:"status"`
	Checked   int         `json:"checked"`
	NCs       int         `json:"ncs"` // minor and major findings
}

// NCCount is how many nonconformities of a source are in a status.
type NCCount struct {
	Source Source   `json:"source"`
	Status NCStatus `json:"status"`
	N      int      `json:"n"`
}

// ReviewLine is a management review held in the year.
type ReviewLine struct {
	HeldOn Day          `json:"held_on"`
	Title  string       `json:"title"`
	Status ReviewStatus `json:"status"`
}

// DeclarationLine is the unit's declaration of conformity in force on the period's last
// day and how the published procedures moved since.
type DeclarationLine struct {
	Declared  bool   `json:"declared"`
	Number    string `json:"number,omitempty"`
	DecidedOn Day    `json:"decided_on"`
	Added     int    `json:"added"`
	Removed   int    `json:"removed"`
}

// MustRedeclare reports whether the scope changed since the declaration.
func (d DeclarationLine) MustRedeclare() bool { return d.Declared && d.Added+d.Removed > 0 }

// NCBySource sums the counts per source, in display order.
func (f EvaluationFigures) NCBySource() []SourceCount {
	var out []SourceCount
	for _, s := range Sources {
		n := 0
		for _, c := range f.NCs {
			if c.Source == s {
				n += c.N
			}
		}
		if n > 0 {
			out = append(out, SourceCount{Source: s, N: n})
		}
	}
	return out
}

// NCTotal is every nonconformity raised in the year.
func (f EvaluationFigures) NCTotal() int {
	n := 0
	for _, c := range f.NCs {
		n += c.N
	}
	return n
}

// ObjectivesMet counts the objectives met every measured month, and missed in at least one.
func (f EvaluationFigures) ObjectivesMet() (met, missed int) {
	for _, o := range f.Objectives {
		switch {
		case o.Missed > 0:
			missed++
		case o.Met > 0:
			met++
		}
	}
	return met, missed
}

// ProblemKind names a problem the evaluation finds in the data.
type ProblemKind string

// The problems an evaluation looks for.
const (
	ProblemLate            ProblemKind = "late_dossiers"       // dossiers resolved late
	ProblemOverdue         ProblemKind = "overdue_in_progress" // in progress past their appointment
	ProblemStalePublished  ProblemKind = "stale_procedures"    // expired procedures still published
	ProblemStaleUpdates    ProblemKind = "stale_updates"       // progress not updated in time
	ProblemLowRatings      ProblemKind = "low_ratings"
	ProblemMissedObjective ProblemKind = "missed_objectives"
	ProblemOverdueActions  ProblemKind = "overdue_actions" // corrective actions past their due day
	ProblemNoAudit         ProblemKind = "no_audit"        // no internal audit completed in the year
	ProblemNoReview        ProblemKind = "no_review"       // no management review held in the year
	ProblemNotDeclared     ProblemKind = "not_declared"
	ProblemRedeclare       ProblemKind = "redeclare" // the scope changed since the declaration
)

// Problem is one problem found, with its count (0 where a count means nothing).
type Problem struct {
	Kind ProblemKind
	N    int64
}

// Problems lists what the figures show went wrong in the year, in a fixed order.
func (f EvaluationFigures) Problems() []Problem {
	var out []Problem
	add := func(k ProblemKind, n int64, found bool) {
		if found {
			out = append(out, Problem{k, n})
		}
	}
	late := f.Dossiers.CohortLate
	add(ProblemLate, late, late > 0)
	add(ProblemOverdue, f.Dossiers.OverdueOpen, f.Dossiers.OverdueOpen > 0)
	add(ProblemStalePublished, int64(len(f.StaleProcedures)), len(f.StaleProcedures) > 0)
	add(ProblemStaleUpdates, int64(f.StaleUpdates), f.StaleUpdates > 0)
	add(ProblemLowRatings, int64(f.Satisfy.Low), f.Satisfy.Low > 0)
	_, missed := f.ObjectivesMet()
	add(ProblemMissedObjective, int64(missed), missed > 0)
	add(ProblemOverdueActions, int64(f.NCOverdue), f.NCOverdue > 0)
	add(ProblemNoAudit, 0, f.Audits.Done == 0)
	add(ProblemNoReview, 0, len(f.Reviews) == 0)
	add(ProblemNotDeclared, 0, !f.Declared.Declared)
	add(ProblemRedeclare, int64(f.Declared.Added+f.Declared.Removed), f.Declared.MustRedeclare())
	return out
}

// ProblemKinds lists every problem kind, for the catalog test.
var ProblemKinds = []ProblemKind{ProblemLate, ProblemOverdue, ProblemStalePublished, ProblemStaleUpdates, ProblemLowRatings,
	ProblemMissedObjective, ProblemOverdueActions, ProblemNoAudit, ProblemNoReview, ProblemNotDeclared, ProblemRedeclare}

// Seal returns the snapshot's canonical bytes and their SHA-256 in hex: the JSON of the
// figures with the assessment and proposals.
func Seal(f EvaluationFigures) ([]byte, string, error) {
	b, err := json.Marshal(f)
	if err != nil {
		return nil, "", fmt.Errorf("seal evaluation: %w", err)
	}
	sum := sha256.Sum256(b)
	return b, hex.EncodeToString(sum[:]), nil
}

// CheckSeal reports whether stored snapshot bytes still have the recorded hash.
func CheckSeal(snapshot []byte, hash string) bool {
	sum := sha256.Sum256(snapshot)
	return hash != "" && hex.EncodeToString(sum[:]) == hash
}

// EvaluationTotals are a district's communes summed for the comparison table.
type EvaluationTotals struct {
	Units                   int
	Received, OnTime, Late  int64
	Online                  int64
	Ratings, Satisfied      int64
	Officials, OfficialMail int64
	ObjectivesMet, Missed   int
	Audits, AuditsDone      int
	NCs, NCOpen             int
	Reviews                 int
	Declared, Final         int
	Proposals               int
}

// AddTo adds one unit's figures (final tells whether its evaluation is final) to the totals.
func (f EvaluationFigures) AddTo(t *EvaluationTotals, final bool) {
	t.Units++
	t.Received += f.Dossiers.Received
	t.OnTime += f.Dossiers.OnTime
	t.Late += f.Dossiers.CohortLate
	t.Online += f.Online
	t.Ratings += int64(f.Satisfy.Ratings)
	t.Satisfied += int64(f.Satisfy.Satisfied)
	mail := f.IT.Value(report.ITOfficialMail)
	t.Officials += mail.Den
	t.OfficialMail += mail.Num
	met, missed := f.ObjectivesMet()
	t.ObjectivesMet += met
	t.Missed += missed
	t.Audits += f.Audits.Plans
	t.AuditsDone += f.Audits.Done
	t.NCs += f.NCTotal()
	t.NCOpen += f.NCOpen
	t.Reviews += len(f.Reviews)
	if f.Declared.Declared {
		t.Declared++
	}
	if final {
		t.Final++
	}
	t.Proposals += len(f.Proposals)
}

// OnTimeRate is the headline rate of the totals (rule 10).
func (t EvaluationTotals) OnTimeRate() report.Rate {
	return report.Rate{Num: t.OnTime, Den: t.Received}
}
