package demo

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/user"
)

// Planning: every dossier's life as a list of dated actions, then the choice of the few
// that end otherwise than on time.

// Reasons written on the letters and notices.
var (
	apologyReasons = []string{
		"Cần xác minh thêm thông tin với cơ quan, đơn vị liên quan",
		"Công chức thụ lý nghỉ ốm, chưa kịp bố trí người thay",
		"Hệ thống phần mềm một cửa gặp sự cố, chưa cập nhật được kết quả",
		"Chờ ý kiến của phòng chuyên môn cấp huyện",
	}
	stopReasons = []string{
		"Hồ sơ không đủ điều kiện giải quyết theo quy định",
		"Người yêu cầu không thuộc đối tượng được giải quyết theo quy định",
	}
	noSupplyReason   = "Quá thời hạn nhưng người nộp không bổ sung hồ sơ theo thông báo"
	withdrawReason   = "Người nộp hồ sơ có đơn xin rút hồ sơ"
	supplementIssues = []string{
		"Bản sao chưa được chứng thực",
		"Thông tin trên tờ khai chưa khớp với giấy tờ tùy thân",
		"Thiếu chữ ký của người yêu cầu",
		"Giấy tờ đã hết hạn sử dụng",
	}
)

// script plans a's life towards the outcome wanted and says how it stands at the end of
// the period. hurry caps the time to the result so that it is ready by the close of the
// period, when that is plausible for the procedure's limit.
func (g *dossierGen) script(a *arrival, want outcome, hurry bool) (plan, error) {
	var variant uint64
	if hurry {
		variant = 1
	}
	rng := rand.New(rand.NewPCG(dossierSeed+1, uint64(a.g)<<4|uint64(want)<<1|variant))
	c, cal, steps := a.com, a.com.cal, a.steps
	last := len(steps) - 1 // the return step
	var p plan
	add := func(at time.Time, by string, cmd dossier.Command) {
		p.acts = append(p.acts, act{at: at, by: by, cmd: cmd})
	}
	start := a.at
	if a.channel == dossier.Online {
		p.acts = append(p.acts, act{at: a.accept, by: c.officials[user.Receiver], accept: true})
		start = a.accept
	}
	due, _, err := cal.Due(a.at, a.v.Limit)
	if err != nil {
		return p, err
	}
	within := a.v.Limit.Kind() == calendar.WithinDay
	if (want == stopped || want == withdrawn || want == inProgress) && last < 2 {
		return p, fmt.Errorf("%s: a workflow without an examination step", a.v.Code)
	}
	var total time.Duration
	if want == late {
		total, err = g.lateLife(rng, a, start, due, add)
	} else {
		total, err = g.resolveTime(rng, a, start, due, hurry)
	}
	if err != nil {
		return p, err
	}
	parts := g.split(rng, steps[:last], total)
	supplementRate := 0.04
	if within {
		supplementRate = 0.005
	}
	supplement := want == onTime && !hurry && last >= 2 && rng.Float64() < supplementRate
	t := start
	for i := 0; i < last; i++ {
		if i == 1 && (supplement || want == inProgress || want == stopped || want == withdrawn) {
			at, err := cal.AddWorkingTime(t, share(parts[1], 0.2+0.6*rng.Float64()))
			if err != nil {
				return p, err
			}
			if want == withdrawn {
				add(at, c.officials[user.Receiver], dossier.Command{Action: dossier.ActWithdraw, Reason: withdrawReason})
				return g.finish(p, want, at)
			}
			if want == stopped && rng.Float64() < 0.5 {
				add(at, c.officials[user.Approver], dossier.Command{Action: dossier.ActStop, Reason: pick(rng, stopReasons)})
				return g.finish(p, want, at)
			}
			add(at, c.officials[user.Handler], dossier.Command{Action: dossier.ActRequest, Items: supplementItems(rng, a.v),
				Reason: "Hồ sơ cần bổ sung, hoàn thiện theo quy định"})
			if want == inProgress {
				return g.finish(p, want, at)
			}
			wait := 1 + rng.IntN(8)
			if want == stopped {
				wait = 10 + rng.IntN(6)
			}
			supplied, err := later(rng, cal, at, wait)
			if err != nil {
				return p, err
			}
			if want == stopped {
				add(supplied, c.officials[user.Approver], dossier.Command{Action: dossier.ActStop, Reason: noSupplyReason})
				return g.finish(p, want, supplied)
			}
			add(supplied, c.officials[user.Receiver], dossier.Command{Action: dossier.ActSupply, Note: "Đã nhận đủ giấy tờ bổ sung"})
			if due, _, err = cal.Due(supplied, a.v.Limit); err != nil {
				return p, err
			}
			rest, err := g.resolveTime(rng, a, supplied, due, false)
			if err != nil {
				return p, err
			}
			parts = append(parts[:1], g.split(rng, steps[1:last], rest)...)
			t = supplied
		}
		if t, err = cal.AddWorkingTime(t, parts[i]); err != nil {
			return p, err
		}
		add(t, g.actor(c, steps[i]), dossier.Command{Action: dossier.ActForward, AssigneeID: g.actor(c, steps[i+1])})
	}
	resolved := t
	if err := g.returnAct(rng, a, resolved, add); err != nil {
		return p, err
	}
	slices.SortStableFunc(p.acts, func(x, y act) int { return x.at.Compare(y.at) })
	switch {
	case !resolved.Before(g.to):
		p.class = inProgress
	case resolved.After(due):
		p.class = late
	default:
		p.class = onTime
	}
	return p, nil
}

// finish ends a plan that stops before a result at the action at.
func (g *dossierGen) finish(p plan, class outcome, at time.Time) (plan, error) {
	if !at.Before(g.to) {
		p.class = -1 // not what was wanted: the caller tries another dossier
		return p, nil
	}
	p.class = class
	return p, nil
}

// actor is who acts at a step: the commune's official with the step's role, or the
// district's handler for the step that transfers the dossier there.
func (g *dossierGen) actor(c *dossierCommune, s procedure.Step) string {
	if s.Kind == procedure.StepTransfer {
		return g.district
	}
	return c.officials[s.Role]
}

// resolveTime draws the office time from start to the result: minutes for procedures
// "within the day", a share of the time to the appointment otherwise, never past it.
func (g *dossierGen) resolveTime(rng *rand.Rand, a *arrival, start, due time.Time, hurry bool) (time.Duration, error) {
	cal := a.com.cal
	w, err := cal.WorkingTime(start, due)
	if err != nil {
		return 0, err
	}
	var r time.Duration
	if a.v.Limit.Kind() == calendar.WithinDay {
		r = 8*time.Minute + share(45*time.Minute, rng.ExpFloat64())
	} else {
		r = share(w, 0.04+0.55*math.Pow(rng.Float64(), 1.6))
	}
	r = min(r, share(w, 0.9))
	floor := time.Duration(len(a.steps)-1) * 3 * time.Minute
	if hurry {
		avail, err := cal.WorkingTime(start, g.end)
		if err != nil {
			return 0, err
		}
		plausible := max(floor, procedure.WorkingTime(a.v.Limit, g.perDay)/25)
		if share(avail, 0.8) >= plausible {
			r = min(r, share(avail, 0.8))
		}
	}
	return max(r, floor), nil
}

// lateLife plans a late dossier: an apology letter with a new date (most in time, the
// working day before the appointment), and a result after the appointment, mostly by the
// new date. It returns the office time from start to the result.
func (g *dossierGen) lateLife(rng *rand.Rand, a *arrival, start, due time.Time, add func(time.Time, string, dossier.Command)) (time.Duration, error) {
	cal := a.com.cal
	k := 2 + rng.IntN(4)
	if a.v.Limit.Kind() == calendar.WithinDay {
		k = 1 + rng.IntN(2)
	}
	day, err := cal.AddWorkingDays(calendar.DateOf(due), k)
	if err != nil {
		return 0, err
	}
	newDue := day.At(cal.OfficeHours().Closing())
	span, err := cal.WorkingTime(due, newDue)
	if err != nil {
		return 0, err
	}
	over := 15*time.Minute + share(share(span, 0.85)-15*time.Minute, rng.Float64())
	if rng.Float64() < 0.15 {
		over = span + 15*time.Minute + share(g.perDay, rng.Float64())
	}
	result, err := cal.AddWorkingTime(due, over)
	if err != nil {
		return 0, err
	}
	var letter time.Time
	if rng.Float64() < 0.8 {
		latest, err := cal.AddWorkingDays(calendar.DateOf(due), -1)
		if err != nil {
			return 0, err
		}
		letter = officeMoment(rng, cal, latest)
	}
	if !letter.After(start.Add(5*time.Minute)) || !letter.Before(result) {
		w, err := cal.WorkingTime(start, result)
		if err != nil {
			return 0, err
		}
		if letter, err = cal.AddWorkingTime(start, share(w, 0.3+0.5*rng.Float64())); err != nil {
			return 0, err
		}
	}
	add(letter, a.com.officials[user.Approver], dossier.Command{Action: dossier.ActApologise, Reason: pick(rng, apologyReasons),
		NewDue: newDue})
	return cal.WorkingTime(start, result)
}

// split shares office time r between the steps, by their budgets with some noise; every
// step takes at least two minutes.
func (g *dossierGen) split(rng *rand.Rand, steps []procedure.Step, r time.Duration) []time.Duration {
	w := make([]float64, len(steps))
	var sum float64
	for i, s := range steps {
		w[i] = float64(procedure.WorkingTime(s.Budget, g.perDay)) * (0.6 + 0.8*rng.Float64())
		sum += w[i]
	}
	parts := make([]time.Duration, len(steps))
	r = r.Truncate(time.Second) // whole seconds, like the receipt times
	var used time.Duration
	for i := range steps {
		if i == len(steps)-1 {
			parts[i] = max(2*time.Minute, r-used)
			break
		}
		parts[i] = max(2*time.Minute, share(r, w[i]/sum))
		used += parts[i]
	}
	return parts
}

// returnAct plans the hand-over of the result: online at once for most online dossiers,
// by post, or at the desk (often the same day for procedures within the day).
func (g *dossierGen) returnAct(rng *rand.Rand, a *arrival, resolved time.Time, add func(time.Time, string, dossier.Command)) error {
	cal := a.com.cal
	cmd := dossier.Command{Action: dossier.ActReturn, Channel: dossier.AtDesk}
	m := float64(a.at.In(calendar.Location()).Month() - 1)
	var (
		at  time.Time
		err error
	)
	switch {
	case a.channel == dossier.Online && rng.Float64() < 0.7:
		cmd.Channel, cmd.Electronic = dossier.Online, true
		at, err = cal.AddWorkingTime(resolved, time.Duration(2+rng.IntN(38))*time.Minute)
	case a.channel == dossier.ByPost:
		cmd.Channel = dossier.ByPost
		at, err = later(rng, cal, resolved, 1+rng.IntN(3))
	default:
		cmd.Electronic = a.channel == dossier.Online || rng.Float64() < 0.15+0.04*m
		if a.v.Limit.Kind() == calendar.WithinDay && rng.Float64() < 0.8 {
			at, err = cal.AddWorkingTime(resolved, time.Duration(3+rng.IntN(42))*time.Minute)
		} else {
			at, err = later(rng, cal, resolved, 1+rng.IntN(5))
		}
	}
	if err != nil {
		return err
	}
	add(at, a.com.officials[user.Receiver], cmd)
	return nil
}

// later draws an office moment n working days after t's day.
func later(rng *rand.Rand, cal *calendar.Calendar, t time.Time, n int) (time.Time, error) {
	day, err := cal.AddWorkingDays(calendar.DateOf(t), n)
	if err != nil {
		return time.Time{}, err
	}
	return officeMoment(rng, cal, day), nil
}

func supplementItems(rng *rand.Rand, v procedure.Version) []dossier.SupplementItem {
	name := "Giấy tờ tùy thân"
	if len(v.Components) > 0 {
		name = v.Components[rng.IntN(len(v.Components))].Name
	}
	return []dossier.SupplementItem{{Name: name, Reason: pick(rng, supplementIssues)}}
}

func pick[T any](rng *rand.Rand, list []T) T { return list[rng.IntN(len(list))] }

// share is the fraction f of d in whole seconds, so every planned time stays on a second
// like the receipt times.
func share(d time.Duration, f float64) time.Duration {
	return time.Duration(float64(d) * f).Truncate(time.Second)
}

// planAll plans every dossier, then chooses the 55 that are not resolved on time: a few
// waiting for a supplement, the natural stragglers of the last days (the others near the
// end are hurried), a few stopped or withdrawn, and the rest late with an apology.
func (g *dossierGen) planAll(all []*arrival) error {
	for _, a := range all {
		p, err := g.script(a, onTime, false)
		if err != nil {
			return fmt.Errorf("plan %s: %w", a.v.Code, err)
		}
		a.plan = p
	}
	chosen := map[*arrival]bool{}
	rng := rand.New(rand.NewPCG(dossierSeed, 7))
	assign := func(cands []*arrival, want outcome, n int) (int, error) {
		rng.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
		done := 0
		for _, a := range cands {
			if done == n {
				break
			}
			if chosen[a] || a.plan.class != onTime {
				continue
			}
			p, err := g.script(a, want, false)
			if err != nil {
				return done, err
			}
			if p.class == want {
				a.plan, chosen[a] = p, true
				done++
			}
		}
		if done < n {
			return done, fmt.Errorf("only %d of %d dossiers could be planned as %d", done, n, want)
		}
		return done, nil
	}
	multiDay := func(from, to time.Time, ok func(*arrival) bool) []*arrival {
		var out []*arrival
		for _, a := range all {
			if a.v.Limit.Kind() != calendar.WithinDay && !a.at.Before(from) && a.at.Before(to) && (ok == nil || ok(a)) {
				out = append(out, a)
			}
		}
		return out
	}
	date := func(m time.Month, d int) time.Time { return time.Date(2022, m, d, 0, 0, 0, 0, calendar.Location()) }

	if _, err := assign(multiDay(date(10, 10), date(10, 28), nil), inProgress, pendingCount); err != nil {
		return err
	}
	// Stragglers: hurry the ones with most office time left until few remain.
	var open []*arrival
	for _, a := range all {
		if a.plan.class == inProgress && !chosen[a] {
			open = append(open, a)
		}
	}
	left := func(a *arrival) time.Duration {
		w, _ := a.com.cal.WorkingTime(a.at, g.end)
		return w
	}
	slices.SortStableFunc(open, func(x, y *arrival) int { return cmp.Compare(left(y), left(x)) })
	stragglers := len(open)
	for _, a := range open {
		if stragglers <= maxOpenNatural {
			break
		}
		p, err := g.script(a, onTime, true)
		if err != nil {
			return err
		}
		if p.class == onTime {
			a.plan = p
			stragglers--
		}
	}
	mid := multiDay(date(2, 7), date(10, 1), nil)
	if _, err := assign(mid, stopped, stoppedCount); err != nil {
		return err
	}
	if _, err := assign(mid, withdrawn, withdrawnCount); err != nil {
		return err
	}
	lateCount := Received2022 - OnTime2022 - pendingCount - stragglers - stoppedCount - withdrawnCount
	if lateCount < 0 {
		return fmt.Errorf("%d dossiers would still be in progress on 31 October: more than the report allows", stragglers)
	}
	var withinDay []*arrival
	for _, a := range all {
		if a.v.Limit.Kind() == calendar.WithinDay && a.at.After(date(1, 10)) && a.at.Before(date(10, 15)) {
			withinDay = append(withinDay, a)
		}
	}
	if _, err := assign(withinDay, late, lateCount/4); err != nil {
		return err
	}
	notSent := func(a *arrival) bool { return a.v.Code != transferCode }
	if _, err := assign(multiDay(date(1, 10), date(10, 15), notSent), late, lateCount-lateCount/4); err != nil {
		return err
	}
	counts := map[outcome]int{}
	for _, a := range all {
		counts[a.plan.class]++
	}
	if len(all) != Received2022 || counts[onTime] != OnTime2022 {
		return fmt.Errorf("planned %d dossiers, %d on time (%v); the report says %d and %d",
			len(all), counts[onTime], counts, Received2022, OnTime2022)
	}
	return nil
}
