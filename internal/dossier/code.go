package dossier

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/failure"
)

// agencyPattern is the electronic agency identifier of Decision 20/2020/QĐ-TTg
// (000.45.36.H56): three groups of digits or capitals and a letter with two digits.
var agencyPattern = regexp.MustCompile(`^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[A-Z][0-9]{2}$`)

// Code is a dossier code in the national format <agency>-<yymmdd>-<sequence>, for example
// 000.45.36.H56-240508-0001. The sequence has at least four digits and grows past 9999.
type Code struct {
	Agency   string
	Day      time.Time // midnight Asia/Ho_Chi_Minh of the receipt day
	Sequence int
}

// MaxSequence bounds the daily sequence of one agency (a typing or data error beyond).
const MaxSequence = 999_999

// String formats the code.
func (c Code) String() string {
	return fmt.Sprintf("%s-%s-%04d", c.Agency, c.Day.Format("060102"), c.Sequence)
}

// SequenceDay is the key of the per-agency daily sequence: the receipt day in
// Asia/Ho_Chi_Minh as yymmdd.
func SequenceDay(t time.Time) string { return t.In(calendar.Location()).Format("060102") }

// NewCode builds the code of the n-th dossier an agency received on the day of t.
func NewCode(agency string, t time.Time, n int) (Code, error) {
	if !agencyPattern.MatchString(agency) {
		return Code{}, failure.InvalidField("unit_id", "dossier.agency_code_missing")
	}
	if n < 1 || n > MaxSequence {
		return Code{}, fmt.Errorf("dossier sequence %d out of range", n)
	}
	local := t.In(calendar.Location())
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, calendar.Location())
	return Code{Agency: agency, Day: day, Sequence: n}, nil
}

// ParseCode reads a dossier code as typed (spaces trimmed, letters upper-cased). It
// accepts only the national format.
func ParseCode(s string) (Code, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	bad := failure.InvalidField("code", "dossier.code_invalid")
	if len(s) > 40 {
		return Code{}, bad
	}
	rest, seq, ok := cutLast(s, "-")
	if !ok {
		return Code{}, bad
	}
	agency, day, ok := cutLast(rest, "-")
	if !ok || !agencyPattern.MatchString(agency) || len(day) != 6 || len(seq) < 4 || len(seq) > 6 || !digits(day) || !digits(seq) {
		return Code{}, bad
	}
	d, err := time.ParseInLocation("060102", day, calendar.Location())
	if err != nil || d.Format("060102") != day {
		return Code{}, bad
	}
	n, err := strconv.Atoi(seq)
	if err != nil || n < 1 || (len(seq) > 4 && seq[0] == '0') {
		return Code{}, bad
	}
	return Code{Agency: agency, Day: d, Sequence: n}, nil
}

func cutLast(s, sep string) (before, after string, ok bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
