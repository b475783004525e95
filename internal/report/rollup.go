// Package report computes the statistics of dossier handling (DOMAIN.md rules 9 and 10)
// and defines the rollups that make them fast: per unit and day, counters that every
// dossier transition keeps up to date in its own transaction, so reports never scan the
// dossier table.
//
// # Contributions
//
// A dossier's share of the rollups is a function of its current state only:
// Contribution(d) lists, for the receiving agency, which day gets +1 in which counter.
// A transition changes the rollups by Contribution(new) − Contribution(old), so the
// incremental counters always equal what a rebuild from the dossiers computes; verify
// compares the two.
//
// Days are calendar days in Asia/Ho_Chi_Minh. Counts that an action adds to (supplement
// requests, apologies, transfers) are attributed to the day the dossier was received, as
// is the digitisation and online payment of its papers, so they can be derived from the
// dossier alone.
//
// In-progress figures at the end of a day come from two running sums: OpenDelta (+1 on
// the receipt day, −1 on the day the result was ready or the handling ended) and
// OverdueDelta (+1 on the appointment's day, −1 on the closing day when that is later;
// nothing when the dossier closed by its appointment day). A supplement request stops the
// overdue stretch altogether (the clock restarts with a new appointment), so a stretch
// before a request is not shown in historical in-progress counts; the dossier's
// timeliness is still judged against the appointment in force.
package report

import (
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/dossier"
)

// Counter is one rollup column.
type Counter int

// The rollup counters, in column order.
const (
	ReceivedDesk Counter = iota
	ReceivedPost
	ReceivedOnline
	Refused
	CohortEarly // received that day, result ready before the appointment's day
	CohortOnTime
	CohortLate
	ResolvedEarly // result ready that day
	ResolvedOnTime
	ResolvedLate
	Stopped
	Withdrawn
	Returned
	Supplements // requests, attributed to the receipt day
	Apologies
	Transfers
	Digitised  // received dossiers with at least one paper digitised
	PaidOnline // received dossiers whose fees were paid online
	Electronic // results returned with an electronic copy, on the return day
	OpenDelta
	OverdueDelta
	NumCounters
)

// Columns names the counters as the rollup tables' columns.
var Columns = [NumCounters]string{
	"received_desk", "received_post", "received_online", "refused",
	"cohort_early", "cohort_on_time", "cohort_late",
	"resolved_early", "resolved_on_time", "resolved_late",
	"stopped", "withdrawn", "returned", "supplements", "apologies", "transfers",
	"digitised", "paid_online", "electronic", "open_delta", "overdue_delta",
}

// Key is one rollup cell: a receiving agency, a day (YYYY-MM-DD in Vietnam) and a counter.
type Key struct {
	UnitID  string
	Day     string
	Counter Counter
}

// Delta is a change to one cell.
type Delta struct {
	Key
	N int
}

// Day is the Vietnamese calendar day of t, as stored in the rollups.
func Day(t time.Time) string { return t.In(calendar.Location()).Format("2006-01-02") }

// Contribution lists the cells a dossier counts in, each +1 (OpenDelta and OverdueDelta
// may hold −1). A dossier that was never received (submitted, or refused) counts only its
// refusal.
func Contribution(d dossier.Dossier) []Delta {
	var out []Delta
	add := func(t time.Time, c Counter, n int) {
		out = append(out, Delta{Key{d.UnitID, Day(t), c}, n})
	}
	if d.State == dossier.Refused {
		add(d.UpdatedAt, Refused, 1)
	}
	if d.ReceivedAt.IsZero() || d.ID == "" {
		return out
	}
	r := d.ReceivedAt
	add(r, receivedCounter(d.Channel), 1)
	if d.Digitised() > 0 {
		add(r, Digitised, 1)
	}
	if d.Payment == dossier.PaidOnline {
		add(r, PaidOnline, 1)
	}
	for c, n := range map[Counter]int{Supplements: d.Supplements, Apologies: d.Apologies, Transfers: d.Transfers} {
		if n > 0 {
			add(r, c, n)
		}
	}
	closed, closedAt := closing(d)
	add(r, OpenDelta, 1)
	if closed {
		add(closedAt, OpenDelta, -1)
	}
	if !d.ResolvedAt.IsZero() {
		cohort, resolved := timelinessCounters(d.Timeliness)
		add(r, cohort, 1)
		add(d.ResolvedAt, resolved, 1)
	}
	switch d.State {
	case dossier.Stopped:
		add(d.UpdatedAt, Stopped, 1)
	case dossier.Withdrawn:
		add(d.UpdatedAt, Withdrawn, 1)
	case dossier.Returned:
		add(d.ReturnedAt, Returned, 1)
		if d.Electronic {
			add(d.ReturnedAt, Electronic, 1)
		}
	}
	if d.State != dossier.Supplement && !d.Due.IsZero() {
		dueDay := Day(d.Due)
		if !closed {
			add(d.Due, OverdueDelta, 1)
		} else if Day(closedAt) > dueDay {
			add(d.Due, OverdueDelta, 1)
			add(closedAt, OverdueDelta, -1)
		}
	}
	return out
}

// closing says whether a received dossier has left "in progress" and when: its result was
// ready, or its handling was stopped or withdrawn.
func closing(d dossier.Dossier) (bool, time.Time) {
	switch {
	case !d.ResolvedAt.IsZero():
		return true, d.ResolvedAt
	case d.State == dossier.Stopped || d.State == dossier.Withdrawn:
		return true, d.UpdatedAt
	}
	return false, time.Time{}
}

func receivedCounter(c dossier.Channel) Counter {
	switch c {
	case dossier.ByPost:
		return ReceivedPost
	case dossier.Online:
		return ReceivedOnline
	}
	return ReceivedDesk
}

func timelinessCounters(t string) (cohort, resolved Counter) {
	switch t {
	case "early":
		return CohortEarly, ResolvedEarly
	case "on_time":
		return CohortOnTime, ResolvedOnTime
	}
	return CohortLate, ResolvedLate
}

// Diff is what a transition from old to new changes in the rollups: the new dossier's
// contribution minus the old one's, with cancelled cells left out.
func Diff(old, new dossier.Dossier) []Delta {
	sum := map[Key]int{}
	var order []Key
	for _, part := range []struct {
		ds   []Delta
		sign int
	}{{Contribution(old), -1}, {Contribution(new), 1}} {
		for _, d := range part.ds {
			if _, seen := sum[d.Key]; !seen {
				order = append(order, d.Key)
			}
			sum[d.Key] += part.sign * d.N
		}
	}
	var out []Delta
	for _, k := range order {
		if n := sum[k]; n != 0 {
			out = append(out, Delta{k, n})
		}
	}
	return out
}
