package dossier

import (
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/user"
)

var vnZone = calendar.Location()

func TestCodeRoundTrip(t *testing.T) {
	at := time.Date(2024, 5, 8, 9, 0, 0, 0, vnZone)
	c, err := NewCode("000.45.36.H56", at, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.String(); got != "000.45.36.H56-240508-0001" {
		t.Fatalf("code = %q", got)
	}
	// Late evening UTC is already the next day in Vietnam.
	c2, _ := NewCode("000.45.36.H56", time.Date(2024, 5, 8, 18, 30, 0, 0, time.UTC), 12345)
	if got := c2.String(); got != "000.45.36.H56-240509-12345" {
		t.Fatalf("code = %q", got)
	}
	p, err := ParseCode(" 000.45.36.h56-240509-12345 ")
	if err != nil || p.String() != c2.String() || p.Sequence != 12345 {
		t.Fatalf("parse = %+v, %v", p, err)
	}
	if SequenceDay(time.Date(2024, 5, 8, 18, 30, 0, 0, time.UTC)) != "240509" {
		t.Fatal("sequence day must be the Vietnamese day")
	}
}

func TestParseCodeRejects(t *testing.T) {
	for _, s := range []string{"", "abc", "000.45.36.H56-240508", "000.45.36.H56-240532-0001", "000.45.36-240508-0001",
		"000.45.36.H56-240508-001", "000.45.36.H56-240508-0000", "000.45.36.H56-240508-0x01", "000.45.36.H56-2405080-0001",
		"000.45.36.H56--0001", "000.45.36.H56-240229-0001" /* 2024 is leap: valid */, "000.45.36.H56-230229-0001",
		"000.45.36.H56-240508-01234567", "000.45.36.H56-240508-00001"} {
		_, err := ParseCode(s)
		if s == "000.45.36.H56-240229-0001" {
			if err != nil {
				t.Errorf("%q: %v", s, err)
			}
			continue
		}
		if !failure.Is(err, failure.Invalid) {
			t.Errorf("ParseCode(%q) = %v, want invalid", s, err)
		}
	}
	if _, err := NewCode("bad", time.Now(), 1); !failure.Is(err, failure.Invalid) {
		t.Fatalf("NewCode with a bad agency = %v", err)
	}
}

func FuzzParseCode(f *testing.F) {
	for _, s := range []string{"000.45.36.H56-240508-0001", "000.00.41.H29-251231-9999", "x-y-z", "--", "000.45.36.H56-240508-123456"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCode(s)
		if err != nil {
			return
		}
		// Whatever parses formats back to itself (upper-cased, trimmed).
		again, err := ParseCode(c.String())
		if err != nil || again != c {
			t.Fatalf("%q parsed to %v, which re-parses to %v, %v", s, c, again, err)
		}
		if c.String() != strings.ToUpper(strings.TrimSpace(s)) {
			t.Fatalf("%q parsed to %v, not the same text", s, c)
		}
	})
}

func TestApplicant(t *testing.T) {
	now := time.Date(2025, 8, 1, 9, 0, 0, 0, vnZone)
	good := Applicant{Kind: Person, Name: "  Nguyễn   Thị Hương ", IDNumber: "025 190 012 345", Phone: "+84 912.345.678",
		Email: "huong@example.vn", Address: "Khu 3, xã Thanh Ba, tỉnh Phú Thọ"}
	good.Normalize()
	if err := good.Validate(now); err != nil {
		t.Fatalf("valid applicant: %v", err)
	}
	if good.Name != "Nguyễn Thị Hương" || good.IDNumber != "025190012345" || good.Phone != "0912345678" {
		t.Fatalf("normalized = %+v", good)
	}
	org := Applicant{Kind: Organisation, Name: "Công ty TNHH Chè Thanh Ba", IDNumber: "0100109106", Representative: "Trần Văn Ơn",
		Address: "Thanh Ba", Phone: "02103888999"}
	org.Normalize()
	if err := org.Validate(now); err != nil {
		t.Fatalf("valid organisation: %v", err)
	}
	cases := []struct {
		name  string
		edit  func(*Applicant)
		field string
	}{
		{"no name", func(a *Applicant) { a.Name = "" }, "applicant_name"},
		{"11 digits", func(a *Applicant) { a.IDNumber = "02519001234" }, "applicant_id"},
		{"unknown province", func(a *Applicant) { a.IDNumber = "003190012345" }, "applicant_id"},
		{"born in the future", func(a *Applicant) { a.IDNumber = "025299012345" }, "applicant_id"},
		{"letters", func(a *Applicant) { a.IDNumber = "02519001234A" }, "applicant_id"},
		{"bad phone", func(a *Applicant) { a.Phone = "12345" }, "applicant_phone"},
		{"bad email", func(a *Applicant) { a.Email = "huong@" }, "applicant_email"},
		{"no address", func(a *Applicant) { a.Address = "" }, "applicant_address"},
		{"kind", func(a *Applicant) { a.Kind = "robot" }, "applicant_kind"},
	}
	for _, c := range cases {
		a := good
		c.edit(&a)
		err := a.Validate(now)
		if !hasField(err, c.field) {
			t.Errorf("%s: %v, want an error on %s", c.name, err, c.field)
		}
	}
}

func hasField(err error, field string) bool {
	for _, f := range failure.Fields(err) {
		if f.Field == field {
			return true
		}
	}
	return false
}

func TestTaxCode(t *testing.T) {
	for s, want := range map[string]bool{
		"0100109106": true, "0101248141": true, "0100109106-001": true, "0100109106001": true,
		"0100109107": false, "010010910": false, "0100109106-000": false, "0100109106-01": false, "01001091O6": false,
	} {
		if got := ValidTaxCode(s); got != want {
			t.Errorf("ValidTaxCode(%q) = %v", s, got)
		}
	}
}

// expectedMachine is the state machine written out independently of Transitions: one
// line per state, the actions allowed there and where they lead.
var expectedMachine = map[State]map[Action]State{
	"":         {ActSubmit: Submitted, ActReceive: Received, ActRefuse: Refused},
	Submitted:  {ActReceive: Received, ActRefuse: Refused, ActWithdraw: Withdrawn},
	Received:   {ActForward: Next, ActAssign: Same, ActRequest: Supplement, ActApologise: Same, ActStop: Stopped, ActWithdraw: Withdrawn, ActProgress: Same},
	Processing: {ActForward: Next, ActSendBack: Next, ActAssign: Same, ActRequest: Supplement, ActApologise: Same, ActStop: Stopped, ActWithdraw: Withdrawn, ActProgress: Same},
	Supplement: {ActSupply: Next, ActApologise: Same, ActStop: Stopped, ActWithdraw: Withdrawn},
	Ready:      {ActReturn: Returned, ActProgress: Same},
	Returned:   {},
	Refused:    {},
	Stopped:    {},
	Withdrawn:  {},
}

func TestTransitionTableExhaustive(t *testing.T) {
	if len(expectedMachine) != len(States)+1 {
		t.Fatalf("the expected machine lists %d states, there are %d", len(expectedMachine), len(States)+1)
	}
	for from, allowed := range expectedMachine {
		for _, a := range Actions {
			tr, ok := TransitionFor(from, a)
			want, wantOK := allowed[a]
			if ok != wantOK || (ok && tr.To != want) {
				t.Errorf("%q + %s: got (%v, %q), want (%v, %q)", from, a, ok, tr.To, wantOK, want)
			}
		}
		if from.Final() && len(AllowedActions(from)) != 0 {
			t.Errorf("final state %s allows %v", from, AllowedActions(from))
		}
	}
	seen := map[string]bool{}
	for _, tr := range Transitions {
		k := string(tr.From) + "/" + string(tr.Action)
		if seen[k] {
			t.Errorf("duplicate transition %s", k)
		}
		seen[k] = true
		if tr.Who == 0 {
			t.Errorf("transition %s has no role rule", k)
		}
	}
}

func defaultSteps(t *testing.T) []procedure.Step {
	t.Helper()
	mk := func(kind procedure.StepKind, role user.Role, budget string) procedure.Step {
		l, err := calendar.ParseLimit(budget)
		if err != nil {
			t.Fatal(err)
		}
		return procedure.Step{Kind: kind, Role: role, Budget: l}
	}
	return []procedure.Step{
		mk(procedure.StepReceive, user.Receiver, "4h"),
		mk(procedure.StepExamine, user.Handler, "2d"),
		mk(procedure.StepApprove, user.Approver, "1d"),
		mk(procedure.StepReturn, user.Receiver, "4h"),
	}
}

func TestPermit(t *testing.T) {
	agency, other := "/p/c/agency/", "/p/x/"
	actor := func(role user.Role, path string) auth.Actor {
		return auth.Actor{UserID: "u", Assignments: []user.Assignment{{Role: role, UnitPath: path}}}
	}
	d := Dossier{State: Processing, StepIndex: 1, Workflow: defaultSteps(t)}
	forward, _ := TransitionFor(Processing, ActForward)
	stop, _ := TransitionFor(Processing, ActStop)
	withdraw, _ := TransitionFor(Processing, ActWithdraw)
	cases := []struct {
		name  string
		actor auth.Actor
		tr    Transition
		want  failure.Kind
	}{
		{"handler forwards at the examine step", actor(user.Handler, "/p/c/"), forward, ""},
		{"receiver may not examine", actor(user.Receiver, "/p/c/"), forward, failure.Forbidden},
		{"handler elsewhere does not see it", actor(user.Handler, other), forward, failure.NotFound},
		{"approver stops", actor(user.Approver, agency), stop, ""},
		{"handler may not stop", actor(user.Handler, agency), stop, failure.Forbidden},
		{"desk records withdrawal", actor(user.Receiver, agency), withdraw, ""},
		{"anonymous", auth.Anonymous, forward, failure.NotFound},
		{"system admin", auth.Actor{UserID: "root", SystemAdmin: true}, stop, ""},
	}
	for _, c := range cases {
		err := Permit(c.actor, c.tr, d, agency, agency)
		if c.want == "" && err != nil || c.want != "" && !failure.Is(err, c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}

func TestStateOfStep(t *testing.T) {
	steps := defaultSteps(t)
	for i, want := range []State{Received, Processing, Processing, Ready} {
		if got := StateOfStep(steps, i); got != want {
			t.Errorf("step %d: %s, want %s", i, got, want)
		}
	}
}

func TestRegime(t *testing.T) {
	if RegimeFor(time.Date(2025, 6, 30, 23, 59, 0, 0, vnZone)) != Regime2018 ||
		RegimeFor(time.Date(2025, 6, 30, 17, 0, 0, 0, time.UTC)) != Regime2025 {
		t.Fatal("the regime changes at midnight of 1 July 2025 in Vietnam")
	}
}

func TestHistoryChain(t *testing.T) {
	base := time.Date(2025, 8, 1, 2, 0, 0, 123456789, time.UTC)
	var events []Event
	prev := Event{}
	for i, a := range []Action{ActReceive, ActForward, ActForward, ActReturn} {
		e := Event{DossierID: "d1", UnitID: "u1", At: base.Add(time.Duration(i) * time.Hour), ActorID: "a", Action: a,
			From: Received, To: Processing, Detail: Detail{"i": i}.Encode()}
		e.Seal(prev)
		events = append(events, e)
		prev = e
	}
	head := prev.Hash
	if errs := VerifyChain("d1", "C", events, head); len(errs) != 0 {
		t.Fatalf("intact chain: %v", errs)
	}
	edited := append([]Event(nil), events...)
	edited[1].Detail = `{"i":7}`
	if errs := VerifyChain("d1", "C", edited, head); len(errs) != 1 || errs[0].Seq != 2 {
		t.Fatalf("edited row: %v", errs)
	}
	deleted := append(append([]Event(nil), events[:1]...), events[2:]...)
	if errs := VerifyChain("d1", "C", deleted, head); len(errs) == 0 {
		t.Fatal("a deleted middle row went unnoticed")
	}
	if errs := VerifyChain("d1", "C", events[:3], head); len(errs) != 1 {
		t.Fatalf("a deleted last row: %v", errs)
	}
}

func TestApologyAdvice(t *testing.T) {
	cal, err := calendar.Default()
	if err != nil {
		t.Fatal(err)
	}
	steps := defaultSteps(t)
	limit, _ := calendar.Days(3)
	// Received Thursday 5 Feb 2026 at 09:00, 3 working days: Tết 2026 (14–22 Feb) is not
	// in the way yet, so due Tuesday 10 Feb 09:00.
	recv := time.Date(2026, 2, 5, 9, 0, 0, 0, vnZone)
	due, _, err := Appointment(cal, recv, limit)
	if err != nil || !due.Equal(time.Date(2026, 2, 10, 9, 0, 0, 0, vnZone)) {
		t.Fatalf("due = %v, %v", due, err)
	}
	d := Dossier{State: Processing, StepIndex: 1, Workflow: steps, ReceivedAt: recv, Due: due}
	examineStart := time.Date(2026, 2, 5, 11, 0, 0, 0, vnZone)
	examineDue, _ := StepDue(cal, examineStart, steps[1])
	slip := []StepRecord{
		{Seq: 1, StepIndex: 0, StartedAt: recv, Due: recv.Add(4 * time.Hour), FinishedAt: examineStart},
		{Seq: 2, StepIndex: 1, StartedAt: examineStart, Due: examineDue},
	}
	// Friday morning: 2 days of examining left fit before Tuesday with the approval day? No:
	// remaining Fri 08:00 → Tue 09:00 is 2 days + 1h; examining needs till Mon 11:00 and
	// approval one day more: Tue 11:00 > due.
	adv, err := AdviseApology(cal, d, slip, time.Date(2026, 2, 6, 8, 0, 0, 0, vnZone))
	if err != nil {
		t.Fatal(err)
	}
	if !adv.Needed || adv.Overdue || adv.Fault.Seq != 2 {
		t.Fatalf("advice = %+v", adv)
	}
	if adv.Latest.String() != "2026-02-09" {
		t.Fatalf("latest apology day = %s, want Monday 9 Feb", adv.Latest)
	}
	// With a 10-day limit the same progress is comfortable.
	d.Due, _, _ = Appointment(cal, recv, mustDays(t, 10))
	adv, _ = AdviseApology(cal, d, slip, time.Date(2026, 2, 6, 8, 0, 0, 0, vnZone))
	if adv.Needed {
		t.Fatalf("10 days: advice = %+v", adv)
	}
	// 10 working days from 5 Feb cross Tết: due after the break, on Thursday 26 February (6 days before, 4 after the break).
	if got := d.Due.In(vnZone).Format("2006-01-02"); got != "2026-02-26" {
		t.Fatalf("10 working days across Tết 2026 = %s", got)
	}
	// Past the appointment it is overdue, and the step that overran is at fault.
	late := time.Date(2026, 2, 27, 9, 0, 0, 0, vnZone)
	adv, _ = AdviseApology(cal, d, slip, late)
	if !adv.Needed || !adv.Overdue || adv.Fault.Seq != 2 {
		t.Fatalf("overdue advice = %+v", adv)
	}
	if Classify(late, d.Due) != "late" || Classify(time.Date(2026, 2, 25, 9, 0, 0, 0, vnZone), d.Due) != "early" {
		t.Fatal("classification")
	}
}

func mustDays(t *testing.T, n int) calendar.Limit {
	t.Helper()
	l, err := calendar.Days(n)
	if err != nil {
		t.Fatal(err)
	}
	return l
}
