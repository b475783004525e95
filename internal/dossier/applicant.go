package dossier

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/vn"
)

// ApplicantKind says whether the applicant is a person or an organisation.
type ApplicantKind string

// Applicant kinds.
const (
	Person       ApplicantKind = "person"       // công dân: 12-digit personal identification number
	Organisation ApplicantKind = "organisation" // tổ chức, doanh nghiệp: tax code
)

// Applicant is who submits the dossier (người nộp hồ sơ), or the organisation with the
// person representing it.
type Applicant struct {
	Kind           ApplicantKind `json:"kind"`
	Name           string        `json:"name"`
	IDNumber       string        `json:"id_number"` // CCCD / số định danh cá nhân, or mã số thuế
	Phone          string        `json:"phone"`
	Email          string        `json:"email"`
	Address        string        `json:"address"`
	Representative string        `json:"representative,omitempty"` // who came on an organisation's behalf
}

// Normalize trims the fields, puts text in NFC and keeps only the digits of a phone
// number (a leading +84 becomes 0).
func (a *Applicant) Normalize() {
	a.Name = vn.NFC(strings.Join(strings.Fields(a.Name), " "))
	a.Address = vn.NFC(strings.Join(strings.Fields(a.Address), " "))
	a.Representative = vn.NFC(strings.Join(strings.Fields(a.Representative), " "))
	a.IDNumber = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(a.IDNumber), " ", ""))
	a.Email = strings.TrimSpace(a.Email)
	a.Phone = normalizePhone(a.Phone)
	if a.Kind == "" {
		a.Kind = Person
	}
}

func normalizePhone(s string) string {
	s = strings.TrimSpace(s)
	plus := strings.HasPrefix(s, "+")
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')' || r == '+':
		default:
			return s // keep as typed: validation rejects it
		}
	}
	d := b.String()
	if plus && strings.HasPrefix(d, "84") {
		d = "0" + d[2:]
	}
	return d
}

// Validate checks the applicant as of now (for the birth year in a personal number).
func (a Applicant) Validate(now time.Time) error {
	var errs failure.List
	add := func(field, key string) { errs = append(errs, failure.InvalidField(field, key)) }
	switch n := utf8.RuneCountInString(a.Name); {
	case n == 0:
		add("applicant_name", "dossier.applicant_name_required")
	case n > 200:
		add("applicant_name", "dossier.applicant_name_too_long")
	}
	switch a.Kind {
	case Person:
		if !ValidPersonalNumber(a.IDNumber, now) {
			add("applicant_id", "dossier.personal_number_invalid")
		}
	case Organisation:
		if !ValidTaxCode(a.IDNumber) {
			add("applicant_id", "dossier.tax_code_invalid")
		}
		if a.Representative == "" {
			add("representative", "dossier.representative_required")
		}
	default:
		add("applicant_kind", "dossier.applicant_kind_invalid")
	}
	if a.Phone != "" && !ValidPhone(a.Phone) {
		add("applicant_phone", "dossier.phone_invalid")
	}
	if a.Email != "" {
		if m, err := mail.ParseAddress(a.Email); err != nil || m.Address != a.Email || len(a.Email) > 254 {
			add("applicant_email", "dossier.email_invalid")
		}
	}
	switch n := utf8.RuneCountInString(a.Address); {
	case n == 0:
		add("applicant_address", "dossier.address_required")
	case n > 500:
		add("applicant_address", "dossier.address_too_long")
	}
	if utf8.RuneCountInString(a.Representative) > 200 {
		add("representative", "dossier.applicant_name_too_long")
	}
	return errs.Err()
}

// ValidPhone accepts a Vietnamese number as stored by Normalize: 0 and 9 digits (mobile)
// or 0 and 10 digits (landline 02x).
func ValidPhone(s string) bool {
	return digits(s) && s[0] == '0' && (len(s) == 10 || (len(s) == 11 && s[1] == '2'))
}

// birthPlaceCodes are the province codes that open a personal identification number: the
// 63 provinces before 2025, where births were registered (Circular 59/2021/TT-BCA). Numbers
// keep them after the 2025 mergers.
var birthPlaceCodes = codeSet(`001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027
	030 031 033 034 035 036 037 038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068
	070 072 074 075 077 079 080 082 083 084 086 087 089 091 092 093 094 095 096`)

func codeSet(list string) map[string]bool {
	set := map[string]bool{}
	for _, c := range strings.Fields(list) {
		set[c] = true
	}
	return set
}

// ValidPersonalNumber checks a 12-digit personal identification number (số định danh cá
// nhân, on the CCCD card): a birth-place province code, a digit for sex and century, two
// digits of the birth year (not in the future), and six more digits.
func ValidPersonalNumber(s string, now time.Time) bool {
	if len(s) != 12 || !digits(s) || !birthPlaceCodes[s[:3]] {
		return false
	}
	century := [...]int{1900, 1900, 2000, 2000, 2100, 2100, 2200, 2200, 1800, 1800}[s[3]-'0']
	year := century + int(s[4]-'0')*10 + int(s[5]-'0')
	return year <= now.In(calendar.Location()).Year()
}

// taxWeights are the weights of the check digit of a tax code (mã số thuế).
var taxWeights = [9]int{31, 29, 23, 19, 17, 13, 7, 5, 3}

// ValidTaxCode checks a 10-digit tax code and its check digit, or a 13-character code of a
// dependent unit (10 digits, a dash and 3 digits).
func ValidTaxCode(s string) bool {
	base, branch, hasBranch := strings.Cut(s, "-")
	if hasBranch && (len(branch) != 3 || !digits(branch) || branch == "000") {
		return false
	}
	if len(base) == 13 && !hasBranch { // written without the dash
		base, branch = base[:10], base[10:]
		if !digits(branch) || branch == "000" {
			return false
		}
	}
	if len(base) != 10 || !digits(base) {
		return false
	}
	sum := 0
	for i, w := range taxWeights {
		sum += int(base[i]-'0') * w
	}
	check := 10 - sum%11
	return check < 10 && int(base[9]-'0') == check
}
