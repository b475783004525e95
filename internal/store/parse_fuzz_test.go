package store_test

import (
	"testing"

	"github.com/motcua/motcua/internal/store"
)

// FuzzParseWeekend: a unit's weekly rest days, as typed, are one to three distinct days
// that print back to text read the same.
func FuzzParseWeekend(f *testing.F) {
	for _, s := range []string{"sat,sun", "sun", " Sat , SUN ", "sat,sat", "mon,tue,wed,thu", "", ",", "fri"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		days, err := store.ParseWeekend(s)
		if err != nil {
			return
		}
		seen := map[int]bool{}
		for _, d := range days {
			if d < 0 || d > 6 || seen[int(d)] {
				t.Fatalf("ParseWeekend(%q) = %v", s, days)
			}
			seen[int(d)] = true
		}
		if len(days) < 1 || len(days) > 3 {
			t.Fatalf("ParseWeekend(%q) = %v", s, days)
		}
		again, err := store.ParseWeekend(store.FormatWeekend(days))
		if err != nil || store.FormatWeekend(again) != store.FormatWeekend(days) {
			t.Fatalf("round trip %q → %q → %v, %v", s, store.FormatWeekend(days), again, err)
		}
	})
}
