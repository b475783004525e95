package portal

import (
	"crypto/subtle"
	"strings"

	"github.com/google/uuid"

	"github.com/motcua/motcua/internal/dossier"
)

// Reference is what an applicant types to find a dossier: its national code once the desk
// has received it, or, for an online submission, the receipt number the portal gave at
// submission.
//
// Decision: the receipt number is the dossier's ID (a UUIDv7). It exists from the moment
// of submission, never changes, needs no new column or counter, and its 74 random bits
// make it unguessable, unlike the national code. It is long to type, but the applicant
// receives it with a link, and after acceptance the code printed on the receipt works as
// well. Only online dossiers are found by it.
type Reference struct {
	Code    string // national code, normalised (dossier.ParseCode)
	Receipt string // dossier ID in canonical lower-case form
}

// ParseReference reads a reference as typed; ok is false when it is neither a well-formed
// code nor a receipt number.
func ParseReference(s string) (ref Reference, ok bool) {
	s = strings.TrimSpace(s)
	if c, err := dossier.ParseCode(s); err == nil {
		return Reference{Code: c.String()}, true
	}
	if len(s) == 36 {
		if id, err := uuid.Parse(s); err == nil {
			return Reference{Receipt: id.String()}, true
		}
	}
	return Reference{}, false
}

// String is the reference in its normal form.
func (r Reference) String() string {
	if r.Code != "" {
		return r.Code
	}
	return r.Receipt
}

// NormalizeFactor keeps the characters of a second factor that matter: letters upper-cased
// and digits, without spaces or dashes.
func NormalizeFactor(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// FactorMatches reports whether factor opens the full look-up of d: the look-up secret
// printed on the receipt (and in the receipt's QR code), or the last four digits of the
// applicant's phone number. Comparisons take the same time whatever the input.
func FactorMatches(d dossier.Dossier, factor string) bool {
	f := NormalizeFactor(factor)
	if f == "" {
		return false
	}
	secret := d.LookupSecret != "" && subtle.ConstantTimeCompare([]byte(f), []byte(d.LookupSecret)) == 1
	phone := false
	if len(f) == 4 && len(d.Applicant.Phone) >= 4 {
		phone = subtle.ConstantTimeCompare([]byte(f), []byte(d.Applicant.Phone[len(d.Applicant.Phone)-4:])) == 1
	}
	return secret || phone
}
