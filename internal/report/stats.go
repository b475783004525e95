package report

// Sums are the counters summed over some cells.
type Sums [NumCounters]int64

// Add adds another sum.
func (s *Sums) Add(o Sums) {
	for i := range s {
		s[i] += o[i]
	}
}

// Stats are the figures of a unit (with its subtree) over a period, counted by the rules
// of DOMAIN.md: each field says what it counts.
type Stats struct {
	From, To string // the period's first and last day, inclusive (YYYY-MM-DD)

	CarriedOver    int64 // received before the period and still in progress at its start
	ReceivedDesk   int64 // received in the period, by channel
	ReceivedPost   int64
	ReceivedOnline int64

	// Outcome of the dossiers received in the period (rule 10's numerator).
	CohortEarly, CohortOnTime, CohortLate int64
	// Results ready in the period, whenever received (rule 9).
	ResolvedEarly, ResolvedOnTime, ResolvedLate int64

	InProgress        int64 // at the end of the period (or today, if sooner)
	InProgressOverdue int64 // of which past their appointment

	Refused, Stopped, Withdrawn, Returned int64
	Supplements, Apologies, Transfers     int64 // of the dossiers received in the period
	Digitised, PaidOnline, Electronic     int64
}

// Received is every dossier received in the period.
func (s Stats) Received() int64 { return s.ReceivedDesk + s.ReceivedPost + s.ReceivedOnline }

// OnTime is the period's dossiers resolved early or on time (rule 10's numerator).
func (s Stats) OnTime() int64 { return s.CohortEarly + s.CohortOnTime }

// Resolved is every result ready in the period.
func (s Stats) Resolved() int64 { return s.ResolvedEarly + s.ResolvedOnTime + s.ResolvedLate }

// InProgressNotDue is what is in progress and not yet past its appointment.
func (s Stats) InProgressNotDue() int64 { return s.InProgress - s.InProgressOverdue }

// Rate is a ratio with its parts, so a page can print "26.243 / 26.298" beside the
// percentage and never divide by zero.
type Rate struct {
	Num, Den int64
}

// Percent is the rate in percent; ok is false when the denominator is zero.
func (r Rate) Percent() (float64, bool) {
	if r.Den == 0 {
		return 0, false
	}
	return 100 * float64(r.Num) / float64(r.Den), true
}

// OnTimeRate is the headline rate (rule 10): dossiers received in the period and resolved
// early or on time, over dossiers received in the period.
func (s Stats) OnTimeRate() Rate { return Rate{s.OnTime(), s.Received()} }

// ResolvedOnTimeRate is the rate among results ready in the period.
func (s Stats) ResolvedOnTimeRate() Rate {
	return Rate{s.ResolvedEarly + s.ResolvedOnTime, s.Resolved()}
}

// OnlineShare is the share of dossiers received online.
func (s Stats) OnlineShare() Rate { return Rate{s.ReceivedOnline, s.Received()} }

// DigitisedShare is the share of received dossiers with digitised papers.
func (s Stats) DigitisedShare() Rate { return Rate{s.Digitised, s.Received()} }

// StatsFrom builds the figures from three sums over the same units: the cells inside the
// period, every cell before it, and every cell up to the end of the in-progress count.
func StatsFrom(from, to string, in, before, upToEnd Sums) Stats {
	return Stats{From: from, To: to,
		CarriedOver:  before[OpenDelta],
		ReceivedDesk: in[ReceivedDesk], ReceivedPost: in[ReceivedPost], ReceivedOnline: in[ReceivedOnline],
		CohortEarly: in[CohortEarly], CohortOnTime: in[CohortOnTime], CohortLate: in[CohortLate],
		ResolvedEarly: in[ResolvedEarly], ResolvedOnTime: in[ResolvedOnTime], ResolvedLate: in[ResolvedLate],
		InProgress: upToEnd[OpenDelta], InProgressOverdue: upToEnd[OverdueDelta],
		Refused: in[Refused], Stopped: in[Stopped], Withdrawn: in[Withdrawn], Returned: in[Returned],
		Supplements: in[Supplements], Apologies: in[Apologies], Transfers: in[Transfers],
		Digitised: in[Digitised], PaidOnline: in[PaidOnline], Electronic: in[Electronic],
	}
}
