package report

import (
	"testing"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/dossier"
)

func vn(m time.Month, d, h int) time.Time {
	return time.Date(2026, m, d, h, 0, 0, 0, calendar.Location())
}

func cells(ds []Delta) map[Key]int {
	out := map[Key]int{}
	for _, d := range ds {
		out[d.Key] += d.N
		if out[d.Key] == 0 {
			delete(out, d.Key)
		}
	}
	return out
}

// TestDiffsAddUpToContribution walks a dossier through its life and checks that the
// incremental changes always sum to the final dossier's contribution.
func TestDiffsAddUpToContribution(t *testing.T) {
	d := dossier.Dossier{ID: "d", UnitID: "u", State: dossier.Received, Channel: dossier.Online, Payment: dossier.PaidOnline,
		ReceivedAt: vn(3, 2, 9), Due: vn(3, 5, 9), UpdatedAt: vn(3, 2, 9),
		Components: []dossier.Component{{Name: "a", Received: true, Digitised: true}}}
	steps := []func(*dossier.Dossier){
		func(d *dossier.Dossier) { d.State = dossier.Processing },
		func(d *dossier.Dossier) { d.State, d.Supplements, d.PausedAt = dossier.Supplement, 1, vn(3, 6, 9) }, // asked after the due day
		func(d *dossier.Dossier) { d.State, d.Due = dossier.Processing, vn(3, 12, 9) },                       // supplied: restart
		func(d *dossier.Dossier) { d.Apologies = 1 },
		func(d *dossier.Dossier) { d.State, d.ResolvedAt, d.Timeliness = dossier.Ready, vn(3, 16, 10), "late" },
		func(d *dossier.Dossier) { d.State, d.ReturnedAt, d.Electronic = dossier.Returned, vn(3, 17, 8), true },
	}
	acc := cells(Diff(dossier.Dossier{}, d))
	for i, step := range steps {
		prev := d
		step(&d)
		for k, n := range cells(Diff(prev, d)) {
			acc[k] += n
			if acc[k] == 0 {
				delete(acc, k)
			}
		}
		want := cells(Contribution(d))
		if len(acc) != len(want) {
			t.Fatalf("step %d: %v, want %v", i, acc, want)
		}
		for k, n := range want {
			if acc[k] != n {
				t.Fatalf("step %d, %v: %d, want %d", i, k, acc[k], n)
			}
		}
	}
	final := cells(Contribution(d))
	for _, c := range []struct {
		day     string
		counter Counter
		n       int
	}{
		{"2026-03-02", ReceivedOnline, 1}, {"2026-03-02", PaidOnline, 1}, {"2026-03-02", Digitised, 1},
		{"2026-03-02", Supplements, 1}, {"2026-03-02", Apologies, 1}, {"2026-03-02", CohortLate, 1},
		{"2026-03-16", ResolvedLate, 1}, {"2026-03-17", Returned, 1}, {"2026-03-17", Electronic, 1},
		{"2026-03-02", OpenDelta, 1}, {"2026-03-16", OpenDelta, -1},
		// Overdue from the restarted appointment's day until the result was ready.
		{"2026-03-12", OverdueDelta, 1}, {"2026-03-16", OverdueDelta, -1},
	} {
		if got := final[Key{"u", c.day, c.counter}]; got != c.n {
			t.Errorf("%s %s: %d, want %d", c.day, Columns[c.counter], got, c.n)
		}
	}
	if len(final) != 13 {
		t.Errorf("%d cells: %v", len(final), final)
	}
}

func TestContributionEdges(t *testing.T) {
	// Resolved on its appointment's day: never overdue.
	d := dossier.Dossier{ID: "d", UnitID: "u", State: dossier.Ready, Channel: dossier.AtDesk, ReceivedAt: vn(3, 2, 9),
		Due: vn(3, 5, 9), ResolvedAt: vn(3, 5, 16), Timeliness: "late"}
	for k := range cells(Contribution(d)) {
		if k.Counter == OverdueDelta {
			t.Fatalf("closed on the due day but counted overdue: %v", k)
		}
	}
	// Refused at intake: only the refusal; a submission: nothing.
	r := dossier.Dossier{ID: "r", UnitID: "u", State: dossier.Refused, UpdatedAt: vn(3, 2, 9)}
	if c := cells(Contribution(r)); len(c) != 1 || c[Key{"u", "2026-03-02", Refused}] != 1 {
		t.Fatalf("refused: %v", c)
	}
	if c := Contribution(dossier.Dossier{ID: "s", UnitID: "u", State: dossier.Submitted}); len(c) != 0 {
		t.Fatalf("submitted: %v", c)
	}
	// Late at night UTC is the next day in Vietnam.
	if Day(time.Date(2026, 3, 2, 18, 0, 0, 0, time.UTC)) != "2026-03-03" {
		t.Fatal("days are Vietnamese days")
	}
	s := StatsFrom("2026-03-01", "2026-03-31", Sums{}, Sums{}, Sums{})
	if _, ok := s.OnTimeRate().Percent(); ok {
		t.Fatal("an empty period has no rate")
	}
}
