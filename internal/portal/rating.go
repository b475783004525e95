package portal

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/report"
	"github.com/motcua/motcua/internal/vn"
)

// Level is one answer on the satisfaction scale.
type Level string

// The levels of the national scale.
const (
	VerySatisfied Level = "very_satisfied" // rất hài lòng
	Satisfied     Level = "satisfied"      // hài lòng
	Neutral       Level = "neutral"        // bình thường
	NotSatisfied  Level = "not_satisfied"  // không hài lòng
)

// ScaleLevel is one level of the scale as data: whether the public form offers it,
// whether it counts as satisfied in the rate, and whether it is a low rating that the
// unit's leader must see.
type ScaleLevel struct {
	Level     Level
	Offered   bool
	Satisfied bool
	Low       bool
}

// Scale is the satisfaction scale, best first.
//
// Decision on the neutral level: issue 6 names the national scale as very satisfied /
// satisfied / not satisfied; DOMAIN.md rule 11 also lists "bình thường" (neutral), marked
// [verify], and the 766 dashboards show four. Until the labels are checked against the
// official text the public form offers the three levels of the issue. Neutral stays in
// the scale as data (not offered): a stored neutral rating, from an import or after an
// administrator turns it on, is valid, counts in the denominator of the satisfaction rate
// and not in its numerator (the rate is very satisfied + satisfied ÷ ratings), and is not
// a low rating. Turning it on is a change of Offered here, with no migration: ratings store
// the level's code.
var Scale = []ScaleLevel{
	{Level: VerySatisfied, Offered: true, Satisfied: true},
	{Level: Satisfied, Offered: true, Satisfied: true},
	{Level: Neutral, Offered: false},
	{Level: NotSatisfied, Offered: true, Low: true},
}

// LevelInfo returns the scale entry of a level.
func LevelInfo(l Level) (ScaleLevel, bool) {
	i := slices.IndexFunc(Scale, func(s ScaleLevel) bool { return s.Level == l })
	if i < 0 {
		return ScaleLevel{}, false
	}
	return Scale[i], true
}

// Offered lists the levels the public form shows, best first.
func Offered() []Level { return levelsWhere(func(s ScaleLevel) bool { return s.Offered }) }

// LowLevels lists the levels that make a rating low.
func LowLevels() []Level { return levelsWhere(func(s ScaleLevel) bool { return s.Low }) }

func levelsWhere(keep func(ScaleLevel) bool) []Level {
	var out []Level
	for _, s := range Scale {
		if keep(s) {
			out = append(out, s.Level)
		}
	}
	return out
}

// Criteria are the optional aspects an applicant may rate on the same scale, beside the
// overall level. [verify] They follow the groups of the national measurement of
// satisfaction with administrative services (access to the service, the procedure and its
// papers, the officials, the handling time, the result); the official list and wording
// must be checked, so they are data, stored by code.
var Criteria = []string{"access", "procedure", "official", "timeliness", "result"}

// MaxComment bounds a rating's comment.
const MaxComment = 1000

// Rating is an applicant's rating of one returned dossier.
type Rating struct {
	ID        string
	DossierID string
	UnitID    string // the receiving agency, for reports per unit subtree
	Level     Level
	Criteria  map[string]Level // optional, criterion code → level
	Comment   string
	RatedAt   time.Time
}

// Normalize trims the comment and drops criteria left unanswered.
func (r *Rating) Normalize() {
	r.Comment = strings.TrimSpace(vn.NFC(r.Comment))
	for k, v := range r.Criteria {
		if v == "" {
			delete(r.Criteria, k)
		}
	}
}

// Validate checks the level, the criteria and the comment: every level must be one the
// form offers.
func (r Rating) Validate() error {
	var errs failure.List
	if !offered(r.Level) {
		errs = append(errs, failure.InvalidField("level", "portal.rating_level_required"))
	}
	for k, v := range r.Criteria {
		if !slices.Contains(Criteria, k) || !offered(v) {
			errs = append(errs, failure.InvalidField("criteria", "portal.rating_criterion_invalid"))
			break
		}
	}
	if utf8.RuneCountInString(r.Comment) > MaxComment {
		errs = append(errs, failure.InvalidField("comment", "portal.rating_comment_too_long", MaxComment))
	}
	return errs.Err()
}

func offered(l Level) bool {
	s, ok := LevelInfo(l)
	return ok && s.Offered
}

// Low reports whether the rating is low (the unit's leader sees it).
func (r Rating) Low() bool {
	s, _ := LevelInfo(r.Level)
	return s.Low
}

// Summary counts ratings by level.
type Summary struct {
	Counts map[Level]int
	Total  int
}

// Add counts n ratings of a level.
func (s *Summary) Add(l Level, n int) {
	if s.Counts == nil {
		s.Counts = map[Level]int{}
	}
	s.Counts[l] += n
	s.Total += n
}

// Rate is the satisfaction rate (DOMAIN.md rule 11): ratings at a satisfied level (very
// satisfied + satisfied) ÷ every rating received.
func (s Summary) Rate() report.Rate {
	n := 0
	for _, l := range Scale {
		if l.Satisfied {
			n += s.Counts[l.Level]
		}
	}
	return report.Rate{Num: int64(n), Den: int64(s.Total)}
}
