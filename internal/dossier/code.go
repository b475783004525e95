package dossier

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/failure"
)

// isAgencyCode tells whether s is an electronic agency identifier of Decision
// 20/2020/QĐ-TTg (000.45.36.H56): three groups of digits or capitals and a letter with
// two digits, that is ^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[A-Z][0-9]{2}$ (checked
// by hand: every intake and every look-up checks one).
func isAgencyCode(s string) bool {
	const shape = "AAA.AA.AA.LDD" // A digit or capital, L capital, D digit
	if len(s) != len(shape) {
		return false
	}
	for i := range len(shape) {
		c := s[i]
		digit, capital := c >= '0' && c <= '9', c >= 'A' && c <= 'Z'
		switch shape[i] {
		case 'A':
			if !digit && !capital {
				return false
			}
		case 'L':
			if !capital {
				return false
			}
		case 'D':
			if !digit {
				return false
			}
		default:
			if c != '.' {
				return false
			}
		}
	}
	return true
}

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
	b := make([]byte, 0, len(c.Agency)+14)
	b = append(append(b, c.Agency...), '-')
	b = append(c.Day.AppendFormat(b, "060102"), '-')
	for n := 1000; n > 1 && c.Sequence < n; n /= 10 {
		b = append(b, '0')
	}
	return string(strconv.AppendInt(b, int64(c.Sequence), 10))
}

// SequenceDay is the key of the per-agency daily sequence: the receipt day in
// Asia/Ho_Chi_Minh as yymmdd.
func SequenceDay(t time.Time) string { return t.In(calendar.Location()).Format("060102") }

// NewCode builds the code of the n-th dossier an agency received on the day of t.
func NewCode(agency string, t time.Time, n int) (Code, error) {
	if !isAgencyCode(agency) {
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
	if !ok || !isAgencyCode(agency) || len(day) != 6 || len(seq) < 4 || len(seq) > 6 || !digits(day) || !digits(seq) {
		return Code{}, bad
	}
	d, ok := parseDay(day)
	if !ok {
		return Code{}, bad
	}
	n, err := strconv.Atoi(seq)
	if err != nil || n < 1 || (len(seq) > 4 && seq[0] == '0') {
		return Code{}, bad
	}
	return Code{Agency: agency, Day: d, Sequence: n}, nil
}

// parseDay reads a yymmdd day of six digits as time.Parse's "060102" does (69–99 are
// 1969–1999, 00–68 are 2000–2068), refusing days that do not exist, at midnight in
// Asia/Ho_Chi_Minh.
func parseDay(s string) (time.Time, bool) {
	two := func(i int) int { return int(s[i]-'0')*10 + int(s[i+1]-'0') }
	y, m, dd := two(0), two(2), two(4)
	if y < 69 {
		y += 2000
	} else {
		y += 1900
	}
	d := time.Date(y, time.Month(m), dd, 0, 0, 0, 0, calendar.Location())
	if m < 1 || m > 12 || dd < 1 || d.Day() != dd || int(d.Month()) != m {
		return time.Time{}, false
	}
	return d, true
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
