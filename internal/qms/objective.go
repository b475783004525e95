package qms

import (
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/vn"
)

// Measure is how an objective's monthly result is obtained.
type Measure string

// The measures. Every one but Manual is computed from the unit's data each month.
const (
	// OnTimeRate is the headline rate of DOMAIN.md rule 10 for the unit's subtree:
	// dossiers received in the month and resolved early or on time ÷ dossiers received in
	// the month, in per cent.
	OnTimeRate Measure = "on_time_rate"
	// SatisfactionRate is rule 11: very satisfied + satisfied ÷ ratings given in the
	// month to dossiers of the unit's subtree, in per cent.
	SatisfactionRate Measure = "satisfaction_rate"
	// StalePublications counts the procedures the unit still publishes on the month's last
	// day (or today) although they are no longer in force.
	StalePublications Measure = "stale_publications"
	// OverdueActions counts the unit's corrective actions past their due day and not
	// implemented at the month's end (or today).
	OverdueActions Measure = "overdue_actions"
	// Manual results are entered each month with their evidence.
	Manual Measure = "manual"
)

// Measures lists the measures in display order.
var Measures = []Measure{OnTimeRate, SatisfactionRate, StalePublications, OverdueActions, Manual}

// Valid reports whether m is a known measure.
func (m Measure) Valid() bool { return slices.Contains(Measures, m) }

// Bound reports whether the measure is computed from the data.
func (m Measure) Bound() bool { return m.Valid() && m != Manual }

// Percent reports whether the measure is a rate in per cent.
func (m Measure) Percent() bool { return m == OnTimeRate || m == SatisfactionRate }

// Comparison says which side of the target meets the objective.
type Comparison string

// The comparisons.
const (
	AtLeast Comparison = "at_least" // ≥ target
	AtMost  Comparison = "at_most"  // ≤ target
)

// Comparisons lists the comparisons.
var Comparisons = []Comparison{AtLeast, AtMost}

// Valid reports whether c is known.
func (c Comparison) Valid() bool { return slices.Contains(Comparisons, c) }

// Symbol is ≥ or ≤.
func (c Comparison) Symbol() string {
	if c == AtMost {
		return "≤"
	}
	return "≥"
}

// Objective is a quality objective of a unit for a year (mục tiêu chất lượng, clause 6.2).
type Objective struct {
	ID         string
	UnitID     string
	Year       int
	Title      string
	Measure    Measure
	Comparison Comparison
	Target     float64
	UnitLabel  string // what a manual result counts ("%", "buổi", "hồ sơ"); set for bound measures
	Method     string // how it is measured and by whom
	CreatedBy  string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Normalize trims the text and sets the label of bound measures.
func (o *Objective) Normalize() {
	o.Title = strings.Join(strings.Fields(vn.NFC(o.Title)), " ")
	o.Method = strings.TrimSpace(vn.NFC(o.Method))
	o.UnitLabel = strings.TrimSpace(vn.NFC(o.UnitLabel))
	switch {
	case o.Measure.Percent():
		o.UnitLabel = "%"
	case o.Measure.Bound():
		o.UnitLabel = ""
	}
}

// Validate checks the objective's fields: rates between 0 and 100, counts not negative.
func (o Objective) Validate() error {
	var errs failure.List
	if o.Year < 2000 || o.Year > 2200 {
		errs = append(errs, failure.InvalidField("year", "qms.year_invalid"))
	}
	errs = addErr(errs, checkText("title", o.Title, maxTitle, true))
	if !o.Measure.Valid() {
		errs = append(errs, failure.InvalidField("measure", "qms.objective_measure_invalid"))
	}
	if !o.Comparison.Valid() {
		errs = append(errs, failure.InvalidField("comparison", "qms.objective_comparison_invalid"))
	}
	switch {
	case math.IsNaN(o.Target) || math.IsInf(o.Target, 0):
		errs = append(errs, failure.InvalidField("target", "qms.objective_target_invalid"))
	case o.Measure.Percent() && (o.Target < 0 || o.Target > 100):
		errs = append(errs, failure.InvalidField("target", "qms.objective_target_percent"))
	case o.Measure.Bound() && o.Target < 0:
		errs = append(errs, failure.InvalidField("target", "qms.objective_target_invalid"))
	}
	if utf8.RuneCountInString(o.UnitLabel) > 30 {
		errs = append(errs, failure.InvalidField("unit_label", "qms.text_too_long", 30))
	}
	if utf8.RuneCountInString(o.Method) > maxNote {
		errs = append(errs, failure.InvalidField("method", "qms.text_too_long", maxNote))
	}
	return errs.Err()
}

// Meets reports whether a value meets the objective.
func (o Objective) Meets(v float64) bool {
	const eps = 1e-9
	if o.Comparison == AtMost {
		return v <= o.Target+eps
	}
	return v >= o.Target-eps
}

// Result is an objective's result for one month: computed from the data, or entered by
// hand with its evidence. Known is false when there is nothing to measure (no dossier
// received, no rating given) or nothing entered yet.
type Result struct {
	Month    Month
	Known    bool
	Value    float64
	Num, Den int64  // the rate's parts, for rates computed from the data
	Evidence string // a manual result's evidence
	Manual   bool
	Over     bool // the month has ended: its result is final
	Met      bool // known and meeting the target
	Missed   bool // known, not meeting the target, and the month is over
}

// Judge sets whether the result meets the objective; a result is missed only once its
// month is over (a month in progress may still recover).
func (o Objective) Judge(r Result) Result {
	r.Met = r.Known && o.Meets(r.Value)
	r.Missed = r.Known && !r.Met && r.Over
	return r
}

// ValidateManualResult checks a result entered by hand: for a manual objective, with its
// evidence, a value within the measure's range, and a month of the objective's year that
// has begun.
func (o Objective) ValidateManualResult(m Month, value float64, evidence string, today Month) error {
	var errs failure.List
	if o.Measure != Manual {
		return failure.New(failure.Conflict, "", "qms.objective_not_manual")
	}
	if m.Year != o.Year || today.Before(m) {
		errs = append(errs, failure.InvalidField("month", "qms.objective_month_invalid"))
	}
	if math.IsNaN(value) || math.IsInf(value, 0) || value < 0 {
		errs = append(errs, failure.InvalidField("value", "qms.objective_value_invalid"))
	}
	switch n := utf8.RuneCountInString(strings.TrimSpace(evidence)); {
	case n == 0:
		errs = append(errs, failure.InvalidField("evidence", "qms.evidence_required"))
	case n > maxNote:
		errs = append(errs, failure.InvalidField("evidence", "qms.text_too_long", maxNote))
	}
	return errs.Err()
}
