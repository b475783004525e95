package report

import (
	_ "embed"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/failure"
)

// The service index of Decision 766/QĐ-TTg (23 June 2022): 100 points in groups of
// indicators (DOMAIN.md rule 13). Which groups, which indicators, their points and their
// formulas are data, not code: a Definition is parsed from JSON (ParseDefinition), the
// national default ships embedded (DefaultDefinitionJSON) and a province may load its
// own adjusted versions. What is code is the vocabulary of measures the formulas may use
// (Measures, computed by the store from the rollups, the ratings and the catalog) and
// the evaluation of a definition over a measure set (Definition.Evaluate).

// DefaultDefinitionJSON is the national default definition (index766_default.json).
//
//go:embed index766_default.json
var DefaultDefinitionJSON []byte

// Measure is one name of the fixed vocabulary a formula may use. Each counts something
// for a unit with its subtree over a period: from the rollups (the same figures as
// Stats), from the applicants' ratings given in the period, or from the catalog (the
// publications in place on the period's last day, or today for a period not over).
type Measure string

// The measures. Dossier measures count the dossiers received in the period unless they
// say otherwise (DOMAIN.md rules 9 and 10).
const (
	MeasureReceived          Measure = "received"            // received in the period, every channel
	MeasureReceivedOnline    Measure = "received_online"     // of which submitted online
	MeasureOnTime            Measure = "on_time"             // received in the period, resolved early or on time (rule 10)
	MeasureLate              Measure = "late"                // received in the period, resolved late
	MeasureResolved          Measure = "resolved"            // results ready in the period, whenever received
	MeasureResolvedOnTime    Measure = "resolved_on_time"    // of which early or on time
	MeasureResolvedLate      Measure = "resolved_late"       // of which late
	MeasureInProgressOverdue Measure = "in_progress_overdue" // in progress and past the appointment at the period's end
	MeasureDigitised         Measure = "digitised"           // received with at least one paper digitised
	MeasurePaidOnline        Measure = "paid_online"         // received, fees paid online
	MeasureReturned          Measure = "returned"            // results returned in the period
	MeasureElectronic        Measure = "electronic"          // of which with an electronic copy of the result
	MeasureApologies         Measure = "apologies"           // apology letters for dossiers received in the period

	MeasureRatings             Measure = "ratings"               // ratings given in the period
	MeasureRatingsSatisfied    Measure = "ratings_satisfied"     // very satisfied or satisfied (rule 11)
	MeasureRatingsNotSatisfied Measure = "ratings_not_satisfied" // not satisfied

	MeasurePublished        Measure = "procedures_published"          // publications in place (unit × procedure)
	MeasurePublishedInForce Measure = "procedures_published_in_force" // of which the procedure is in force
	MeasurePublishedExpired Measure = "procedures_published_expired"  // of which it is not (expired, abolished, replaced, not yet)
	MeasureOnline           Measure = "procedures_online"             // in force and offered online (full or partial)
	MeasureOnlineFull       Measure = "procedures_online_full"        // in force and fully online (toàn trình)
	MeasureWithFees         Measure = "procedures_with_fees"          // in force with a fee or charge above zero
	MeasureWithFeesOnline   Measure = "procedures_with_fees_online"   // of which fully online, so the fee can be paid online
)

// MeasureNames lists the vocabulary in the order the documentation shows it.
var MeasureNames = []Measure{
	MeasureReceived, MeasureReceivedOnline, MeasureOnTime, MeasureLate, MeasureResolved, MeasureResolvedOnTime,
	MeasureResolvedLate, MeasureInProgressOverdue, MeasureDigitised, MeasurePaidOnline, MeasureReturned,
	MeasureElectronic, MeasureApologies,
	MeasureRatings, MeasureRatingsSatisfied, MeasureRatingsNotSatisfied,
	MeasurePublished, MeasurePublishedInForce, MeasurePublishedExpired, MeasureOnline, MeasureOnlineFull,
	MeasureWithFees, MeasureWithFeesOnline,
}

// Known reports whether m is in the vocabulary.
func (m Measure) Known() bool { return slices.Contains(MeasureNames, m) }

// Measures is a measure set: a value for every measure of the vocabulary.
type Measures map[Measure]int64

// Ratings counts the applicants' ratings of a period.
type Ratings struct {
	Total, Satisfied, NotSatisfied int64
}

// Catalog counts the publications in place on a day.
type Catalog struct {
	Published, InForce, Online, OnlineFull, WithFees, WithFeesOnline int64
}

// Plus adds another unit's counts.
func (c Catalog) Plus(o Catalog) Catalog {
	return Catalog{c.Published + o.Published, c.InForce + o.InForce, c.Online + o.Online, c.OnlineFull + o.OnlineFull,
		c.WithFees + o.WithFees, c.WithFeesOnline + o.WithFeesOnline}
}

// Plus adds another unit's ratings.
func (r Ratings) Plus(o Ratings) Ratings {
	return Ratings{r.Total + o.Total, r.Satisfied + o.Satisfied, r.NotSatisfied + o.NotSatisfied}
}

// MeasuresOf builds the measure set of a unit from its figures, ratings and catalog.
func MeasuresOf(s Stats, r Ratings, c Catalog) Measures {
	return Measures{
		MeasureReceived: s.Received(), MeasureReceivedOnline: s.ReceivedOnline, MeasureOnTime: s.OnTime(),
		MeasureLate: s.CohortLate, MeasureResolved: s.Resolved(), MeasureResolvedOnTime: s.ResolvedEarly + s.ResolvedOnTime,
		MeasureResolvedLate: s.ResolvedLate, MeasureInProgressOverdue: s.InProgressOverdue, MeasureDigitised: s.Digitised,
		MeasurePaidOnline: s.PaidOnline, MeasureReturned: s.Returned, MeasureElectronic: s.Electronic,
		MeasureApologies: s.Apologies,
		MeasureRatings:   r.Total, MeasureRatingsSatisfied: r.Satisfied, MeasureRatingsNotSatisfied: r.NotSatisfied,
		MeasurePublished: c.Published, MeasurePublishedInForce: c.InForce, MeasurePublishedExpired: c.Published - c.InForce,
		MeasureOnline: c.Online, MeasureOnlineFull: c.OnlineFull, MeasureWithFees: c.WithFees,
		MeasureWithFeesOnline: c.WithFeesOnline,
	}
}

// Definition is one version of the index: its groups of indicators, their points and
// formulas, the rating bands of the total and the days it is in force.
type Definition struct {
	Version       string
	TitleVI       string
	TitleEN       string
	Source        string // the legal text it follows
	Note          string
	EffectiveFrom calendar.Date
	EffectiveTo   calendar.Date // last day in force, inclusive; zero: open-ended
	Ratings       []RatingBand  // highest first; the last starts at 0
	Groups        []Group
}

// RatingBand is a rating of the total score (Xuất sắc, Tốt, Khá, Trung bình, Yếu): a
// total from From (inclusive) up to the next band's From.
type RatingBand struct {
	Code, NameVI, NameEN string
	From                 float64
}

// Group is a group of indicators (CKMB, TDGQ, ...) and its maximum points.
type Group struct {
	Code, NameVI, NameEN string
	Points               float64
	Indicators           []Indicator
}

// Indicator is one scored indicator of a group.
type Indicator struct {
	Code, NameVI, NameEN string
	Points               float64
	Note                 string
	Formula              Formula
}

// FormulaType says how an indicator is scored.
type FormulaType string

// The formula types: a ratio of measures, or a score an official enters with evidence
// because the system cannot know it.
const (
	FormulaRatio   FormulaType = "ratio"
	FormulaEntered FormulaType = "entered"
)

// IfEmpty says how a ratio with a zero denominator scores: nothing to judge earns full
// points, or none.
type IfEmpty string

// The choices for an empty denominator.
const (
	EmptyFull IfEmpty = "full"
	EmptyZero IfEmpty = "zero"
)

// Formula is how an indicator is scored. A ratio is sum(Numerator) ÷ sum(Denominator),
// capped at 1; without bands the score is ratio × points, with bands it is the share of
// points of the first band whose From (a percentage) the ratio reaches.
type Formula struct {
	Type        FormulaType
	Numerator   []Measure
	Denominator []Measure
	IfEmpty     IfEmpty
	Bands       []ScoreBand // highest From first; none: proportional
}

// ScoreBand is a threshold of a ratio formula: from From percent, Share of the points.
type ScoreBand struct {
	From  float64 // percent, 0–100
	Share float64 // of the indicator's points, 0–1
}

// Measures lists the measures the formula uses, numerator first, without repeats.
func (f Formula) Measures() []Measure {
	var out []Measure
	for _, m := range append(slices.Clone(f.Numerator), f.Denominator...) {
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out
}

// InForceOn reports whether the definition is in force on day d.
func (d Definition) InForceOn(day calendar.Date) bool {
	return !day.Before(d.EffectiveFrom) && (d.EffectiveTo.IsZero() || !day.After(d.EffectiveTo))
}

// Overlaps reports whether two definitions are in force on a common day.
func (d Definition) Overlaps(o Definition) bool {
	endsBefore := func(a, b Definition) bool { return !a.EffectiveTo.IsZero() && a.EffectiveTo.Before(b.EffectiveFrom) }
	return !endsBefore(d, o) && !endsBefore(o, d)
}

// Indicator returns the indicator with the code and its group.
func (d Definition) Indicator(code string) (Indicator, Group, bool) {
	for _, g := range d.Groups {
		for _, in := range g.Indicators {
			if in.Code == code {
				return in, g, true
			}
		}
	}
	return Indicator{}, Group{}, false
}

// Entered lists the indicators an official enters.
func (d Definition) Entered() []Indicator {
	var out []Indicator
	for _, g := range d.Groups {
		for _, in := range g.Indicators {
			if in.Formula.Type == FormulaEntered {
				out = append(out, in)
			}
		}
	}
	return out
}

// Entry is a score an official entered for an indicator, with the evidence.
type Entry struct {
	Score    float64
	Evidence string
	By       string // the official's name
	At       time.Time
}

// IndicatorScore is an indicator evaluated: its score and what it came from.
type IndicatorScore struct {
	Indicator Indicator
	Score     float64 // unrounded
	// For a ratio: the sums and the ratio (capped at 1) when the denominator is not zero.
	Num, Den int64
	Ratio    float64
	Empty    bool       // the denominator was zero: IfEmpty decided
	Band     *ScoreBand // the band reached, for a banded formula
	// For an entered indicator: the entry, or Missing when none was entered.
	Entry   *Entry
	Missing bool
}

// GroupScore is a group evaluated.
type GroupScore struct {
	Group      Group
	Score      float64
	Indicators []IndicatorScore
}

// Result is a definition evaluated over a measure set and the entries.
type Result struct {
	Groups  []GroupScore
	Total   float64
	Rating  RatingBand
	Missing int // entered indicators without an entry (scored 0)
}

// Group returns the evaluated group with the code.
func (r Result) Group(code string) (GroupScore, bool) {
	for _, g := range r.Groups {
		if g.Group.Code == code {
			return g, true
		}
	}
	return GroupScore{}, false
}

// Evaluate scores every indicator of the definition: ratios from the measures (a
// measure absent from the set counts 0), entered indicators from the entries by
// indicator code (a missing entry scores 0 and is counted in Missing). Groups and the
// total are sums of the unrounded scores; the rating is the band of the total rounded to
// two decimals, as it is shown.
func (d Definition) Evaluate(m Measures, entries map[string]Entry) Result {
	var res Result
	for _, g := range d.Groups {
		gs := GroupScore{Group: g}
		for _, in := range g.Indicators {
			is := evaluate(in, m, entries)
			if is.Missing {
				res.Missing++
			}
			gs.Score += is.Score
			gs.Indicators = append(gs.Indicators, is)
		}
		res.Total += gs.Score
		res.Groups = append(res.Groups, gs)
	}
	res.Rating = d.RatingOf(res.Total)
	return res
}

func evaluate(in Indicator, m Measures, entries map[string]Entry) IndicatorScore {
	is := IndicatorScore{Indicator: in}
	f := in.Formula
	if f.Type == FormulaEntered {
		e, ok := entries[in.Code]
		if !ok {
			is.Missing = true
			return is
		}
		is.Entry = &e
		is.Score = math.Min(math.Max(e.Score, 0), in.Points)
		return is
	}
	for _, x := range f.Numerator {
		is.Num += m[x]
	}
	for _, x := range f.Denominator {
		is.Den += m[x]
	}
	if is.Den <= 0 {
		is.Empty = true
		if f.IfEmpty == EmptyFull {
			is.Score = in.Points
		}
		return is
	}
	is.Ratio = math.Min(math.Max(float64(is.Num)/float64(is.Den), 0), 1)
	if len(f.Bands) == 0 {
		is.Score = is.Ratio * in.Points
		return is
	}
	pct := Round2(100 * is.Ratio)
	for i, b := range f.Bands {
		if pct >= b.From {
			is.Band = &f.Bands[i]
			is.Score = b.Share * in.Points
			break
		}
	}
	return is
}

// RatingOf is the rating band of a total, rounded to two decimals as shown.
func (d Definition) RatingOf(total float64) RatingBand {
	t := Round2(total)
	for _, b := range d.Ratings {
		if t >= b.From {
			return b
		}
	}
	if n := len(d.Ratings); n > 0 {
		return d.Ratings[n-1]
	}
	return RatingBand{}
}

// Round2 rounds a score to two decimals, as every score is shown.
func Round2(x float64) float64 { return math.Round(x*100) / 100 }

// EntryInput is an entered score as typed in a form.
type EntryInput struct {
	Indicator, Score, Evidence string
}

// MaxEvidence bounds the evidence text of an entry.
const MaxEvidence = 2000

// CheckEntry validates an entered score against the definition: the indicator must
// exist and be entered by officials, the score a number from 0 to the indicator's
// points (a decimal comma is accepted, at most two decimals), the evidence present.
// Every problem is reported, each on its field.
func (d Definition) CheckEntry(in EntryInput) (Indicator, float64, error) {
	var errs failure.List
	code := strings.TrimSpace(in.Indicator)
	ind, _, ok := d.Indicator(code)
	switch {
	case code == "":
		errs = append(errs, failure.InvalidField("indicator", "index766.entry.indicator_required"))
	case !ok:
		errs = append(errs, failure.InvalidField("indicator", "index766.entry.indicator_unknown", code, d.Version))
	case ind.Formula.Type != FormulaEntered:
		errs = append(errs, failure.InvalidField("indicator", "index766.entry.indicator_computed", code))
	}
	raw := strings.TrimSpace(in.Score)
	score, err := strconv.ParseFloat(strings.Replace(raw, ",", ".", 1), 64)
	switch {
	case raw == "":
		errs = append(errs, failure.InvalidField("score", "index766.entry.score_required"))
	case err != nil || math.IsNaN(score) || math.IsInf(score, 0):
		errs = append(errs, failure.InvalidField("score", "index766.entry.score_invalid", raw))
	case score < 0:
		errs = append(errs, failure.InvalidField("score", "index766.entry.score_negative", raw))
	case ok && score > ind.Points:
		errs = append(errs, failure.InvalidField("score", "index766.entry.score_above_max", raw, FormatPoints(ind.Points), code))
	case Round2(score) != score:
		errs = append(errs, failure.InvalidField("score", "index766.entry.score_decimals", raw))
	}
	evidence := strings.TrimSpace(in.Evidence)
	switch {
	case evidence == "":
		errs = append(errs, failure.InvalidField("evidence", "index766.entry.evidence_required"))
	case len([]rune(evidence)) > MaxEvidence:
		errs = append(errs, failure.InvalidField("evidence", "index766.entry.evidence_long", MaxEvidence))
	}
	if err := errs.Err(); err != nil {
		return Indicator{}, 0, err
	}
	return ind, score, nil
}

// FormatPoints writes points the Vietnamese way: "19,96", "18", "2,5".
func FormatPoints(x float64) string {
	s := strconv.FormatFloat(Round2(x), 'f', -1, 64)
	return strings.Replace(s, ".", ",", 1)
}
