package procedure

import (
	"slices"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/unit"
)

// ReviewResult is the conclusion of reviewing one procedure (kết quả rà soát).
type ReviewResult string

// Results of a review task. Pending is the empty string: not reviewed yet.
const (
	ReviewPending  ReviewResult = ""
	ReviewKeep     ReviewResult = "keep"     // giữ nguyên
	ReviewSimplify ReviewResult = "simplify" // đề xuất đơn giản hóa
	ReviewAbolish  ReviewResult = "abolish"  // đề xuất bãi bỏ
)

// ReviewResults lists the results an official may record.
var ReviewResults = []ReviewResult{ReviewKeep, ReviewSimplify, ReviewAbolish}

// Valid reports whether r is a result an official may record.
func (r ReviewResult) Valid() bool { return slices.Contains(ReviewResults, r) }

// DefaultExpiryWindow is how many days ahead the "expiring soon" alert looks.
const DefaultExpiryWindow = 30

// ReviewPlan is one unit's review of its procedures for a year, with a due day.
type ReviewPlan struct {
	ID        string
	UnitID    string
	Year      int
	Title     string
	DueOn     unit.Date
	CreatedBy string
	CreatedAt time.Time
	UpdatedAt time.Time
	// Filled by the store when listing.
	Tasks int
	Done  int
}

// Overdue reports whether the plan is past its due day with tasks still open.
func (p ReviewPlan) Overdue(today unit.Date) bool {
	return p.DueOn.Before(today) && p.Done < p.Tasks
}

// Normalize trims the title.
func (p *ReviewPlan) Normalize() { p.Title = clean(p.Title) }

// Validate checks a plan's own fields.
func (p ReviewPlan) Validate() error {
	var errs failure.List
	if p.Year < 2000 || p.Year > 2200 {
		errs = append(errs, failure.InvalidField("year", "review.year_invalid"))
	}
	if p.Title == "" {
		errs = append(errs, failure.InvalidField("title", "review.title_required"))
	}
	if p.DueOn.IsZero() {
		errs = append(errs, failure.InvalidField("due_on", "review.due_required"))
	}
	return errs.Err()
}

// ReviewTask is the review of one procedure inside a plan.
type ReviewTask struct {
	ID         string
	PlanID     string
	UnitID     string
	Code       string
	Name       string // filled by the store when listing
	Result     ReviewResult
	Text       string // the proposal or remarks
	ReviewedBy string
	ReviewedAt time.Time
}

// ValidateResult checks a recorded result: proposals need their text.
func ValidateResult(r ReviewResult, text string) error {
	if !r.Valid() {
		return failure.InvalidField("result", "review.result_invalid")
	}
	if r != ReviewKeep && strings.TrimSpace(text) == "" {
		return failure.InvalidField("text", "review.text_required")
	}
	if len(text) > 5000 {
		return failure.InvalidField("text", "review.text_too_long")
	}
	return nil
}
