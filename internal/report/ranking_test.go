package report

import (
	"reflect"
	"testing"
)

func TestPreviousPeriod(t *testing.T) {
	for _, c := range []struct {
		p        Period
		from, to [3]int
	}{
		{MonthPeriod(2026, 3), [3]int{2026, 2, 1}, [3]int{2026, 2, 28}},
		{MonthPeriod(2026, 1), [3]int{2025, 12, 1}, [3]int{2025, 12, 31}},
		{ThisMonthSoFar(date(2026, 4, 15)), [3]int{2026, 3, 1}, [3]int{2026, 3, 31}},
		{QuarterPeriod(2026, 1), [3]int{2025, 10, 1}, [3]int{2025, 12, 31}},
		{QuarterPeriod(2026, 3), [3]int{2026, 4, 1}, [3]int{2026, 6, 30}},
		{YearPeriod(2023), [3]int{2022, 1, 1}, [3]int{2022, 12, 31}},
		{FirstMonthsPeriod(2023, 10), [3]int{2022, 1, 1}, [3]int{2022, 10, 31}},
		{RangePeriod(date(2026, 3, 1), date(2026, 3, 10)), [3]int{2026, 2, 19}, [3]int{2026, 2, 28}},
		{RangePeriod(date(2026, 3, 2), date(2026, 3, 2)), [3]int{2026, 3, 1}, [3]int{2026, 3, 1}},
	} {
		got := PreviousPeriod(c.p)
		if got.From != date(c.from[0], c.from[1], c.from[2]) || got.To != date(c.to[0], c.to[1], c.to[2]) {
			t.Errorf("before %v–%v: %v–%v, want %v–%v", c.p.From, c.p.To, got.From, got.To, c.from, c.to)
		}
	}
}

func TestChanges(t *testing.T) {
	for _, c := range []struct {
		cur, prev Rate
		want      Change
	}{
		{Rate{99, 100}, Rate{97, 100}, Change{Delta: 2, Dir: Up, Known: true}},
		{Rate{1, 2}, Rate{3, 4}, Change{Delta: -25, Dir: Down, Known: true}},
		{Rate{2, 3}, Rate{4, 6}, Change{Delta: 0, Dir: NoChange, Known: true}},
		{Rate{0, 0}, Rate{4, 6}, Change{}},
		{Rate{1, 1}, Rate{0, 0}, Change{}},
		// 99,994% and 99,996% print as 99,99% and 100,00%: a change of 0,01 point.
		{Rate{99994, 100000}, Rate{99996, 100000}, Change{Delta: -0.01, Dir: Down, Known: true}},
	} {
		if got := RateChange(c.cur, c.prev); got != c.want {
			t.Errorf("%v vs %v: %+v, want %+v", c.cur, c.prev, got, c.want)
		}
	}
	if c := CountChange(3, 5); c.Dir != Down || c.Delta != -2 || !c.Better(false) || c.Better(true) {
		t.Errorf("3 late after 5: %+v", c)
	}
	if c := CountChange(4, 4); c.Dir != NoChange || c.Better(true) || c.Better(false) {
		t.Errorf("no change: %+v", c)
	}
}

func TestRank(t *testing.T) {
	vals := []struct {
		v  float64
		ok bool
	}{{90, true}, {0, false}, {99, true}, {90, true}, {50, true}}
	value := func(i int) (float64, bool) { return vals[i].v, vals[i].ok }
	ranks, order := Rank(len(vals), value, true)
	if want := []int{2, 0, 1, 2, 4}; !reflect.DeepEqual(ranks, want) {
		t.Errorf("ranks, higher better: %v, want %v", ranks, want)
	}
	if want := []int{2, 0, 3, 4, 1}; !reflect.DeepEqual(order, want) {
		t.Errorf("order, higher better: %v, want %v", order, want)
	}
	ranks, order = Rank(len(vals), value, false)
	if want := []int{2, 0, 4, 2, 1}; !reflect.DeepEqual(ranks, want) {
		t.Errorf("ranks, lower better: %v, want %v", ranks, want)
	}
	if want := []int{4, 0, 3, 2, 1}; !reflect.DeepEqual(order, want) {
		t.Errorf("order, lower better: %v, want %v", order, want)
	}
	if r, o := Rank(0, value, true); len(r) != 0 || len(o) != 0 {
		t.Errorf("no units: %v %v", r, o)
	}
}
