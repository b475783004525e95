package unit

import "testing"

// FuzzParseDate: a day typed in a form (valid from, valid to, a publication day) reads
// back as the text given, or is refused; only the empty text is the unset day.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2025-07-01", "2025-02-29", "2024-02-29", "0001-01-01", "0000-01-01", "9999-12-31", "", "2025-7-1", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		if d.String() != s || d.IsZero() != (s == "") {
			t.Fatalf("ParseDate(%q) = %q (zero %v)", s, d, d.IsZero())
		}
	})
}
