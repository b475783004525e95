// Package vn holds helpers for Vietnamese text that several packages need: folding
// diacritics for search (so "ha noi" finds "Hà Nội") and normalising to NFC.
package vn

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold returns s lower-cased with Vietnamese diacritics removed and đ mapped to d, with
// runs of white space collapsed. Both databases store and query this form with LIKE.
// Bytes that are not UTF-8 are dropped, and the text is lower-cased before it is
// decomposed, so folding a folded text changes nothing.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range norm.NFD.String(strings.ToLower(strings.ToValidUTF8(s, ""))) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ' || r == 'Đ':
			r = 'd'
		case unicode.IsSpace(r):
			if !space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
	}
	return strings.TrimRight(b.String(), " ")
}

// NFC returns s in Unicode normal form C, the form PDF fonts and comparisons expect.
func NFC(s string) string { return norm.NFC.String(s) }

// LikePattern escapes a folded query for a LIKE '%...%' search with ESCAPE '\'.
func LikePattern(q string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(Fold(q)) + "%"
}
