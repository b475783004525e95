package qms

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/vn"
)

// Risks and opportunities (rủi ro và cơ hội, clause 6.1): a unit's register per process.
// Each entry is scored likelihood × impact on 1–5 scales; the score's level (low, medium,
// high) comes from RiskBands. A treatment (xử lý) has an owner of the unit and a due day;
// an entry goes open → treating → monitored → closed (and may be reopened), and is
// reviewed periodically with a new likelihood and impact. Every change is kept as
// history, field by field, with its old and new value.

// RiskKind says whether an entry is a risk or an opportunity.
type RiskKind string

// The kinds.
const (
	KindRisk        RiskKind = "risk"        // rủi ro
	KindOpportunity RiskKind = "opportunity" // cơ hội
)

// RiskKinds lists the kinds in display order.
var RiskKinds = []RiskKind{KindRisk, KindOpportunity}

// Valid reports whether k is known.
func (k RiskKind) Valid() bool { return slices.Contains(RiskKinds, k) }

// RiskStatus is where an entry stands.
type RiskStatus string

// The life of an entry.
const (
	RiskOpen      RiskStatus = "open"      // identified, not yet treated
	RiskTreating  RiskStatus = "treating"  // the treatment is under way
	RiskMonitored RiskStatus = "monitored" // treated, watched at each review
	RiskClosed    RiskStatus = "closed"    // no longer relevant
)

// RiskStatuses lists the statuses in life order.
var RiskStatuses = []RiskStatus{RiskOpen, RiskTreating, RiskMonitored, RiskClosed}

// Valid reports whether s is known.
func (s RiskStatus) Valid() bool { return slices.Contains(RiskStatuses, s) }

// RiskLevel is how serious a score is.
type RiskLevel string

// The levels.
const (
	LevelLow    RiskLevel = "low"
	LevelMedium RiskLevel = "medium"
	LevelHigh   RiskLevel = "high"
)

// RiskLevels lists the levels from the lowest.
var RiskLevels = []RiskLevel{LevelLow, LevelMedium, LevelHigh}

// RiskBand is the lowest score of a level.
type RiskBand struct {
	From  int
	Level RiskLevel
}

// RiskBands are the thresholds of the levels, highest first: 1–6 low, 8–12 medium, 15–25
// high (the scores 7, 11, 13 and 14 cannot occur on 1–5 scales), the bands of the 5×5
// matrices Vietnamese ISO 9001 consultants use.
var RiskBands = []RiskBand{{15, LevelHigh}, {8, LevelMedium}, {1, LevelLow}}

// The scales of likelihood and impact.
const (
	ScaleMin = 1
	ScaleMax = 5
)

// Score is likelihood × impact.
func Score(likelihood, impact int) int { return likelihood * impact }

// LevelOf is the level of a score (low below every band).
func LevelOf(score int) RiskLevel {
	for _, b := range RiskBands {
		if score >= b.From {
			return b.Level
		}
	}
	return LevelLow
}

// InScale reports whether v is on the 1–5 scale.
func InScale(v int) bool { return v >= ScaleMin && v <= ScaleMax }

// Risk is one entry of a unit's register of risks and opportunities.
type Risk struct {
	ID            string
	UnitID        string
	Kind          RiskKind
	Process       string // the process concerned, in words ("Tiếp nhận hồ sơ đất đai")
	ProcedureCode string // or the procedure it concerns, by its national code
	Description   string
	Cause         string
	Likelihood    int // 1–5
	Impact        int // 1–5
	Treatment     string
	OwnerID       string // an official of the unit
	DueOn         unit.Date
	Status        RiskStatus
	ReviewedOn    unit.Date // the last periodic review
	CreatedBy     string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Score is the entry's likelihood × impact.
func (r Risk) Score() int { return Score(r.Likelihood, r.Impact) }

// Level is the level of the entry's score.
func (r Risk) Level() RiskLevel { return LevelOf(r.Score()) }

// Overdue reports whether the treatment is past its due day while the entry is still
// open or being treated.
func (r Risk) Overdue(today unit.Date) bool {
	return (r.Status == RiskOpen || r.Status == RiskTreating) && !r.DueOn.IsZero() && r.DueOn.Before(today)
}

// Normalize trims the texts.
func (r *Risk) Normalize() {
	r.Process = strings.Join(strings.Fields(vn.NFC(r.Process)), " ")
	r.ProcedureCode = strings.TrimSpace(r.ProcedureCode)
	for _, s := range []*string{&r.Description, &r.Cause, &r.Treatment} {
		*s = strings.TrimSpace(vn.NFC(*s))
	}
}

// procedureCode is the shape of a national procedure code (1.001193, 2.000488.000.00.00.H29,
// 1.000001.MH): digits and dots, then letters and digits.
var procedureCode = regexp.MustCompile(`^[0-9]+\.[0-9A-Za-z.]+$`)

// Validate checks an entry: its kind and status, a process in words or a procedure code,
// a description, likelihood and impact on the 1–5 scale, and for a treatment under way
// the treatment, its owner and due day.
func (r Risk) Validate() error {
	var errs failure.List
	if !r.Kind.Valid() {
		errs = append(errs, failure.InvalidField("kind", "qms.risk_kind_invalid"))
	}
	if !r.Status.Valid() {
		errs = append(errs, failure.InvalidField("status", "qms.risk_status_invalid"))
	}
	if r.Process == "" && r.ProcedureCode == "" {
		errs = append(errs, failure.InvalidField("process", "qms.risk_process_required"))
	}
	errs = addErr(errs, checkText("process", r.Process, maxTitle, false))
	if r.ProcedureCode != "" && (len(r.ProcedureCode) > 40 || !procedureCode.MatchString(r.ProcedureCode)) {
		errs = append(errs, failure.InvalidField("procedure_code", "qms.risk_procedure_code_invalid"))
	}
	if strings.TrimSpace(r.Description) == "" {
		errs = append(errs, failure.InvalidField("description", "qms.risk_description_required"))
	}
	errs = addErr(errs, checkText("description", r.Description, maxNote, false))
	errs = addErr(errs, checkText("cause", r.Cause, maxNote, false))
	errs = addErr(errs, checkText("treatment", r.Treatment, maxNote, false))
	errs = append(errs, scaleErrs(r.Likelihood, r.Impact)...)
	if r.Treatment == "" && (r.Status == RiskTreating || !r.DueOn.IsZero()) {
		errs = append(errs, failure.InvalidField("treatment", "qms.risk_treatment_required"))
	}
	if r.Status == RiskTreating && r.OwnerID == "" {
		errs = append(errs, failure.InvalidField("owner_id", "qms.owner_required"))
	}
	if r.Status == RiskTreating && r.DueOn.IsZero() {
		errs = append(errs, failure.InvalidField("due_on", "qms.risk_due_required"))
	}
	return errs.Err()
}

// scaleErrs checks a likelihood and an impact.
func scaleErrs(likelihood, impact int) failure.List {
	var errs failure.List
	if !InScale(likelihood) {
		errs = append(errs, failure.InvalidField("likelihood", "qms.risk_scale_invalid", ScaleMin, ScaleMax))
	}
	if !InScale(impact) {
		errs = append(errs, failure.InvalidField("impact", "qms.risk_scale_invalid", ScaleMin, ScaleMax))
	}
	return errs
}

// RiskReview is a periodic review of an entry: the day, the likelihood and impact
// assessed then, and what was found.
type RiskReview struct {
	ID         string
	RiskID     string
	ReviewedOn unit.Date
	Likelihood int
	Impact     int
	Note       string
	ReviewedBy string
	CreatedAt  time.Time
}

// Score is the review's likelihood × impact.
func (v RiskReview) Score() int { return Score(v.Likelihood, v.Impact) }

// Level is the level of the review's score.
func (v RiskReview) Level() RiskLevel { return LevelOf(v.Score()) }

// CanReview checks a periodic review of the entry on day today: not of a closed entry,
// a day that is not in the future and not before the last review, likelihood and impact
// on the scale, and a note of what was found.
func (r Risk) CanReview(v RiskReview, today unit.Date) error {
	if r.Status == RiskClosed {
		return failure.New(failure.Conflict, "", "qms.risk_closed")
	}
	var errs failure.List
	switch {
	case v.ReviewedOn.IsZero():
		errs = append(errs, failure.InvalidField("reviewed_on", "qms.date_required"))
	case today.Before(v.ReviewedOn):
		errs = append(errs, failure.InvalidField("reviewed_on", "qms.risk_review_future"))
	case v.ReviewedOn.Before(r.ReviewedOn):
		errs = append(errs, failure.InvalidField("reviewed_on", "qms.risk_review_before_last", r.ReviewedOn.Display()))
	}
	errs = append(errs, scaleErrs(v.Likelihood, v.Impact)...)
	if strings.TrimSpace(v.Note) == "" {
		errs = append(errs, failure.InvalidField("note", "qms.risk_review_note_required"))
	}
	errs = addErr(errs, checkText("note", v.Note, maxNote, false))
	return errs.Err()
}

// RiskChange is one field of an entry changed, with its old and new value as text.
type RiskChange struct {
	Field    string
	Old, New string
}

// RiskChanges lists what differs between two states of an entry, field by field, in a
// fixed order; likelihood and impact changes carry the score's level too.
func RiskChanges(old, cur Risk) []RiskChange {
	var out []RiskChange
	add := func(field, o, n string) {
		if o != n {
			out = append(out, RiskChange{Field: field, Old: o, New: n})
		}
	}
	add("kind", string(old.Kind), string(cur.Kind))
	add("process", old.Process, cur.Process)
	add("procedure_code", old.ProcedureCode, cur.ProcedureCode)
	add("description", old.Description, cur.Description)
	add("cause", old.Cause, cur.Cause)
	add("likelihood", scaleText(old.Likelihood), scaleText(cur.Likelihood))
	add("impact", scaleText(old.Impact), scaleText(cur.Impact))
	if old.Score() != cur.Score() {
		add("score", scoreText(old), scoreText(cur))
	}
	add("treatment", old.Treatment, cur.Treatment)
	add("owner_id", old.OwnerID, cur.OwnerID)
	add("due_on", old.DueOn.String(), cur.DueOn.String())
	add("status", string(old.Status), string(cur.Status))
	add("reviewed_on", old.ReviewedOn.String(), cur.ReviewedOn.String())
	return out
}

// RiskFields are the fields a change may name, in the order RiskChanges lists them, and
// the note of a periodic review, which its history row carries.
var RiskFields = []string{"kind", "process", "procedure_code", "description", "cause", "likelihood", "impact", "score",
	"treatment", "owner_id", "due_on", "status", "reviewed_on", "note"}

// ScoreRange is the lowest and highest score of a level.
func ScoreRange(l RiskLevel) (lo, hi int) {
	hi = ScaleMax * ScaleMax
	for _, b := range RiskBands {
		if b.Level == l {
			return b.From, hi
		}
		hi = b.From - 1
	}
	return 0, -1
}

func scaleText(v int) string {
	if v == 0 {
		return ""
	}
	return strconv.Itoa(v)
}

// scoreText writes a score; nothing for an entry not yet scored.
func scoreText(r Risk) string {
	if r.Likelihood == 0 || r.Impact == 0 {
		return ""
	}
	return strconv.Itoa(r.Score())
}

// RiskMatrix counts entries in each cell of the 5×5 matrix: Cells[l-1][i-1] holds those of
// likelihood l and impact i.
type RiskMatrix struct {
	Cells [ScaleMax][ScaleMax]int
	Total int
}

// MatrixOf counts the entries (closed ones left out: the matrix shows what is live).
func MatrixOf(risks []Risk) RiskMatrix {
	var m RiskMatrix
	for _, r := range risks {
		if r.Status == RiskClosed || !InScale(r.Likelihood) || !InScale(r.Impact) {
			continue
		}
		m.Cells[r.Likelihood-1][r.Impact-1]++
		m.Total++
	}
	return m
}

// Count is how many entries sit in the cell of likelihood l and impact i.
func (m RiskMatrix) Count(l, i int) int {
	if !InScale(l) || !InScale(i) {
		return 0
	}
	return m.Cells[l-1][i-1]
}

// RiskSummary is the state of the register for a management review (clause 9.3.2 e:
// the effectiveness of actions taken to address risks and opportunities).
type RiskSummary struct {
	Risks         int `json:"risks"`         // not closed
	Opportunities int `json:"opportunities"` // not closed
	High          int `json:"high"`          // of which high
	Overdue       int `json:"overdue"`       // treatments past their due day
	Reviewed      int `json:"reviewed"`      // reviewed in the period
	Closed        int `json:"closed"`        // closed in total
}

// SummarizeRisks counts the register for a review of the days from..to gathered on today.
func SummarizeRisks(risks []Risk, from, to, today unit.Date) RiskSummary {
	var s RiskSummary
	for _, r := range risks {
		if r.Status == RiskClosed {
			s.Closed++
			continue
		}
		if r.Kind == KindOpportunity {
			s.Opportunities++
		} else {
			s.Risks++
		}
		if r.Level() == LevelHigh {
			s.High++
		}
		if r.Overdue(today) {
			s.Overdue++
		}
		if !r.ReviewedOn.IsZero() && !r.ReviewedOn.Before(from) && !to.Before(r.ReviewedOn) {
			s.Reviewed++
		}
	}
	return s
}
