package store

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestRollupSegmentsCoverEveryDayOnce: for any range, the years, months and days read
// cover each day of the range exactly once and no day outside it, and whole years and
// months are read from their own levels.
func TestRollupSegmentsCoverEveryDayOnce(t *testing.T) {
	first := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	days := func(seg rollupSegment) []string {
		var out []string
		for d := first; d.Year() < 2028; d = d.AddDate(0, 0, 1) {
			key := d.Format("2006-01-02")[:len(seg.lo)]
			if seg.lo == "0000-00-00" || seg.lo == "0000" || seg.lo == "0000-00" {
				key = d.Format("2006-01-02")[:len(seg.hi)]
				if key <= seg.hi {
					out = append(out, d.Format("2006-01-02"))
				}
				continue
			}
			if key >= seg.lo && key <= seg.hi {
				out = append(out, d.Format("2006-01-02"))
			}
		}
		return out
	}
	check := func(from, to string) {
		t.Helper()
		seen := map[string]int{}
		for _, seg := range rollupSegments(from, to) {
			for _, d := range days(seg) {
				seen[d]++
			}
		}
		for d := first; d.Year() < 2028; d = d.AddDate(0, 0, 1) {
			day := d.Format("2006-01-02")
			want := 0
			if (from == "" || day >= from) && day <= to {
				want = 1
			}
			if seen[day] != want {
				t.Fatalf("%q..%q: day %s read %d times, want %d (segments %+v)", from, to, day, seen[day], want,
					rollupSegments(from, to))
			}
		}
	}
	for _, r := range [][2]string{{"2024-01-01", "2024-12-31"}, {"", "2024-12-31"}, {"", "2025-03-14"},
		{"2023-02-15", "2025-11-03"}, {"2024-03-01", "2024-03-31"}, {"2024-12-31", "2025-01-01"}, {"2024-05-05", "2024-05-05"}} {
		check(r[0], r[1])
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		a := first.AddDate(0, 0, rng.IntN(6*365))
		b := a.AddDate(0, 0, rng.IntN(3*365))
		from := a.Format("2006-01-02")
		if rng.IntN(5) == 0 {
			from = ""
		}
		check(from, b.Format("2006-01-02"))
	}
	if segs := rollupSegments("", "2025-06-30"); len(segs) != 2 || segs[0].table != "rollup_yearly" || segs[1].table != "rollup_monthly" {
		t.Errorf("running sum to the end of June 2025: %+v", segs)
	}
}
