package report

import (
	"math"
	"slices"
	"time"
)

// Rankings and comparisons (issue 7, part 3): the period before a period, the change of
// a figure from one to the other, and ranks of units by a figure.

// PreviousPeriod is the period a period is compared with: the month before a month (a
// month so far is compared with the whole month before), the quarter before a quarter,
// the year before a year, the same first months of the year before, and for a range the
// same number of days just before it.
func PreviousPeriod(p Period) Period {
	switch p.Kind {
	case PeriodMonth:
		if p.Month == 1 {
			return MonthPeriod(p.Year-1, time.December)
		}
		return MonthPeriod(p.Year, time.Month(p.Month-1))
	case PeriodQuarter:
		if p.Quarter == 1 {
			return QuarterPeriod(p.Year-1, 4)
		}
		return QuarterPeriod(p.Year, p.Quarter-1)
	case PeriodYear:
		return YearPeriod(p.Year - 1)
	case PeriodMonths:
		return FirstMonthsPeriod(p.Year-1, p.Months)
	}
	// Vietnam keeps no daylight saving time: days are 24 hours.
	days := int(math.Round(p.To.Start().Sub(p.From.Start()).Hours()/24)) + 1
	to := p.From.AddDays(-1)
	return RangePeriod(to.AddDays(1-days), to)
}

// Direction says which way a figure moved from the previous period.
type Direction int

// The directions of a change; NoChange also when nothing can be compared.
const (
	NoChange Direction = iota
	Up
	Down
)

// Change is how a figure moved from the previous period to this one: Delta in the
// figure's unit (percentage points for a rate), Known false when either period has no
// value (a rate without a denominator).
type Change struct {
	Delta float64
	Dir   Direction
	Known bool
}

// RateChange compares two rates in percentage points, rounded to two decimals as the
// pages print rates, so a change too small to print is no change.
func RateChange(cur, prev Rate) Change {
	c, okC := cur.Percent()
	p, okP := prev.Percent()
	if !okC || !okP {
		return Change{}
	}
	return changeOf(math.Round(c*100)/100 - math.Round(p*100)/100)
}

// CountChange compares two counts.
func CountChange(cur, prev int64) Change { return changeOf(float64(cur - prev)) }

func changeOf(d float64) Change {
	d = math.Round(d*100) / 100
	c := Change{Delta: d, Known: true}
	switch {
	case d > 0:
		c.Dir = Up
	case d < 0:
		c.Dir = Down
	}
	return c
}

// Better reports whether the change is an improvement, for a figure where higher is
// better (a rate) or lower is (late or stale dossiers).
func (c Change) Better(higherIsBetter bool) bool {
	return c.Dir != NoChange && (c.Dir == Up) == higherIsBetter
}

// Rank gives ranks to n units by a value: value(i) returns unit i's figure and whether
// it has one. The best comes first (the highest when higherIsBetter, else the lowest);
// equal values share a rank (1, 2, 2, 4); units without a value get rank 0 and come last.
// It returns the ranks by unit and the units in ranking order (ties keep their order).
func Rank(n int, value func(i int) (float64, bool), higherIsBetter bool) (ranks []int, order []int) {
	order = make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		va, oka := value(a)
		vb, okb := value(b)
		switch {
		case oka != okb:
			if oka {
				return -1
			}
			return 1
		case !oka || va == vb:
			return 0
		case (va > vb) == higherIsBetter:
			return -1
		}
		return 1
	})
	ranks = make([]int, n)
	for pos, i := range order {
		v, ok := value(i)
		if !ok {
			continue
		}
		ranks[i] = pos + 1
		if pos > 0 {
			if pv, pok := value(order[pos-1]); pok && pv == v {
				ranks[i] = ranks[order[pos-1]]
			}
		}
	}
	return ranks, order
}
