package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/user"
)

// The dossiers of 2022. The communes of Huyện Thanh Ba get ten months of dossiers, 1
// January to 31 October 2022, so that together they received Received2022 dossiers of
// which OnTime2022 were resolved early or on time: the figures of the district's report
// (99.8%, DOMAIN.md rule 10). Every dossier is played through the engine's own rules in
// memory (store.NewBulkDossier, NewBulkSubmission, BulkDossier.Act: dossier.Apply with the
// agency's calendar and workflow, so Tết 2022, weekends, supplements restarting the clock
// and apologies follow the law as the engine applies it) and written commune by commune
// with store.ImportDossiers. The data is a snapshot at the end of 31 October 2022: actions
// planned after it are not recorded, so some dossiers are still in progress.
//
// The 55 dossiers not resolved on time are chosen, not left to chance: a few stopped or
// withdrawn, a few waiting for a supplement, those that cannot be finished by 31 October
// (received on the last days under limits of several days; near the end the communes
// otherwise hurry to clear their desks), and the rest late, each with an apology letter
// (most in time, the working day before the appointment, as rule 8 asks). Refusals at the
// desk come on top: they are not received dossiers.
//
// Everything is deterministic: one seed, a PCG stream per commune for the arrivals and per
// dossier for its life, its applicant and its row IDs (time-ordered like UUIDv7), so two
// loads give the same data on SQLite and PostgreSQL.

// The figures of the report the demo reproduces.
const (
	// Received2022 is how many dossiers the communes received from 1 January to 31
	// October 2022.
	Received2022 = 26_298
	// OnTime2022 is how many of them were resolved early or on time.
	OnTime2022 = 26_243
)

// Period2022 is the reporting period of the 2022 dossiers, [from, to) in
// Asia/Ho_Chi_Minh.
func Period2022() (from, to time.Time) {
	loc := calendar.Location()
	return time.Date(2022, time.January, 1, 0, 0, 0, 0, loc), time.Date(2022, time.November, 1, 0, 0, 0, 0, loc)
}

const dossierSeed = 2022_10_31

// The make-up of the 55 dossiers not resolved on time (the rest are late).
const (
	stoppedCount   = 4
	withdrawnCount = 3
	pendingCount   = 4  // waiting for a supplement on 31 October
	maxOpenNatural = 14 // others still in progress on 31 October
	refusalRate    = 0.004
)

// communeWeight is each commune's share of the dossiers: roughly its population in
// hundreds (illustrative, not census figures); the town, with its market and offices,
// counts double.
var communeWeight = map[string]float64{
	"08152": 2 * 110, "08156": 55, "08158": 48, "08161": 40, "08164": 66, "08170": 58, "08173": 52,
	"08179": 75, "08194": 60, "08197": 56, "08200": 39, "08203": 59, "08206": 68, "08209": 62,
	"08215": 46, "08218": 43, "08221": 64, "08224": 49, "08227": 61,
}

// procedureMix is the share of each procedure among a commune's dossiers in 2022:
// certifications first, then civil status. 1.001776 goes to the district for decision.
var procedureMix = []struct {
	code   string
	weight float64
}{
	{"2.000908", 52}, {"2.000884", 12}, {"2.000635", 9}, {"1.001193", 7}, {"1.004873", 7},
	{"1.000894", 2.5}, {"1.000656", 2.5}, {"1.000002.MH", 2.5}, {"1.000001.MH", 1.5},
	{"1.001776", 1.2}, {"1.001758", 0.4},
}

// transferCode is the procedure whose 2022 workflow sends the dossier to the district.
const transferCode = "1.001776"

// monthWeight shapes the year: busy before Tết and in the summer (school enrolment),
// quiet in the Tết month.
var monthWeight = [13]float64{0, 1.15, 0.8, 1.0, 0.95, 1.0, 1.05, 1.15, 1.1, 0.95, 1.0}

// outcome is how a dossier stands at the end of the period.
type outcome int

const (
	onTime outcome = iota
	late
	inProgress
	stopped
	withdrawn
)

// dossierCommune is a commune of 2022 with what its dossiers need.
type dossierCommune struct {
	idx       int
	name      string
	agency    unit.Unit
	cal       *calendar.Calendar
	officials map[user.Role]string // user IDs of the ".2022" officials
	received  int
	refusals  int
	loaded    bool
}

// arrival is one dossier: when and how it came, and its planned life.
type arrival struct {
	g       int // global index: the dossier's random streams
	com     *dossierCommune
	at      time.Time // receipt, or the online submission
	accept  time.Time // online: when the desk accepts it
	channel dossier.Channel
	v       procedure.Version
	wf      procedure.Workflow
	steps   []procedure.Step // wf with its return step, as the dossier snapshots it
	plan    plan
}

// act is one planned action.
type act struct {
	at     time.Time
	by     string
	cmd    dossier.Command
	accept bool
}

// plan is a dossier's life as planned, and how it stands at the end of the period.
type plan struct {
	acts  []act
	class outcome
}

type dossierGen struct {
	db        *store.DB
	from, to  time.Time // the period
	end       time.Time // the close of office on its last working day
	communes  []*dossierCommune
	procs     map[string]procedure.Procedure
	days      []calendar.Date
	cumWeight []float64
	district  string // the district's handler, who decides transferred dossiers
	workflows map[string]procedure.Workflow
	checked   map[string]bool // agency and version passed through the catalog's block
	perDay    time.Duration
}

// dossiers2022 generates the 2022 dossiers of the communes that have none yet and
// returns how many it wrote.
func (l *loader) dossiers2022(ctx context.Context) (int, error) {
	g, err := newDossierGen(ctx, l.db)
	if err != nil {
		return 0, err
	}
	if !slices.ContainsFunc(g.communes, func(c *dossierCommune) bool { return !c.loaded }) {
		return 0, nil
	}
	all, err := g.arrivals(ctx)
	if err != nil {
		return 0, err
	}
	if err := g.planAll(all); err != nil {
		return 0, err
	}
	written := 0
	for _, c := range g.communes {
		if c.loaded {
			continue
		}
		n, err := g.write(ctx, c, all)
		if err != nil {
			return written, fmt.Errorf("dossiers of %s: %w", c.name, err)
		}
		written += n
	}
	return written, nil
}

func newDossierGen(ctx context.Context, db *store.DB) (*dossierGen, error) {
	g := &dossierGen{db: db, procs: map[string]procedure.Procedure{}, workflows: map[string]procedure.Workflow{},
		checked: map[string]bool{}}
	g.from, g.to = Period2022()
	for k, c := range thanhBa2022 {
		agency, err := db.Unit(ctx, unitID(c.code+".UBND", legacyFrom))
		if err != nil {
			return nil, fmt.Errorf("agency of %s: %w", c.name, err)
		}
		cal, err := db.CalendarFor(ctx, agency.ID)
		if err != nil {
			return nil, err
		}
		n, err := db.CountDossiers(ctx, store.DossierFilter{UnitID: agency.ID})
		if err != nil {
			return nil, err
		}
		officials := map[user.Role]string{}
		for _, r := range communeRoles {
			officials[r.role] = userID(r.word + "." + slug(c.name) + ".2022@" + emailDomain)
		}
		g.communes = append(g.communes, &dossierCommune{idx: k, name: c.name, agency: agency, cal: cal,
			officials: officials, loaded: n > 0})
	}
	g.district = userID(districtHandlerEmail)
	var codes []string
	for _, m := range procedureMix {
		codes = append(codes, m.code)
	}
	list, err := db.ListProcedures(ctx, store.ProcedureFilter{Codes: codes})
	if err != nil {
		return nil, err
	}
	for _, p := range list {
		g.procs[p.Code] = p
	}
	for _, m := range procedureMix {
		if _, ok := g.procs[m.code]; !ok {
			return nil, fmt.Errorf("procedure %s of the 2022 mix is not in the catalog", m.code)
		}
	}
	cal := g.communes[0].cal
	g.perDay = cal.OfficeHours().PerDay()
	for d := calendar.DateOf(g.from); d.Before(calendar.DateOf(g.to)); d = d.AddDays(1) {
		working, err := cal.IsWorkingDay(d)
		if err != nil {
			return nil, err
		}
		if !working {
			continue
		}
		w := monthWeight[d.Month]
		switch d.Weekday() {
		case time.Monday:
			w *= 1.15
		case time.Friday:
			w *= 0.9
		}
		total := w
		if n := len(g.cumWeight); n > 0 {
			total += g.cumWeight[n-1]
		}
		g.days, g.cumWeight = append(g.days, d), append(g.cumWeight, total)
	}
	last := g.days[len(g.days)-1]
	g.end = last.At(cal.OfficeHours().Closing())
	return g, nil
}

// arrivals draws every commune's dossiers: how many (by weight, exactly Received2022 in
// all), on which working days, at what time, through which channel, for which procedure.
func (g *dossierGen) arrivals(ctx context.Context) ([]*arrival, error) {
	var weights []float64
	for _, c := range thanhBa2022 {
		weights = append(weights, communeWeight[c.code])
	}
	counts := apportion(Received2022, weights)
	var all []*arrival
	for k, c := range g.communes {
		c.received = counts[k]
		c.refusals = int(math.Round(float64(counts[k]) * refusalRate))
		rng := rand.New(rand.NewPCG(dossierSeed, uint64(1000+k)))
		var list []*arrival
		for range c.received {
			a, err := g.arrive(ctx, rng, c)
			if err != nil {
				return nil, err
			}
			list = append(list, a)
		}
		sort.SliceStable(list, func(i, j int) bool { return list[i].at.Before(list[j].at) })
		for i, a := range list {
			a.g = k*100_000 + i
		}
		all = append(all, list...)
	}
	return all, nil
}

// apportion splits total by weights with the largest remainders, so the parts add up.
func apportion(total int, weights []float64) []int {
	var sum float64
	for _, w := range weights {
		sum += w
	}
	out := make([]int, len(weights))
	type rem struct {
		i int
		r float64
	}
	var rems []rem
	given := 0
	for i, w := range weights {
		exact := float64(total) * w / sum
		out[i] = int(exact)
		given += out[i]
		rems = append(rems, rem{i, exact - float64(out[i])})
	}
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].r > rems[b].r })
	for j := 0; given < total; j++ {
		out[rems[j].i]++
		given++
	}
	return out
}

// arrive draws one dossier of commune c.
func (g *dossierGen) arrive(ctx context.Context, rng *rand.Rand, c *dossierCommune) (*arrival, error) {
	day := g.days[sort.SearchFloat64s(g.cumWeight, rng.Float64()*g.cumWeight[len(g.cumWeight)-1])]
	lastDay := day == g.days[len(g.days)-1]
	m := float64(day.Month - 1)
	a := &arrival{com: c, channel: dossier.AtDesk}
	switch u := rng.Float64(); {
	case u < 0.10+0.02*m:
		a.channel = dossier.Online
	case u < 0.12+0.02*m:
		a.channel = dossier.ByPost
	}
	p := g.pickProcedure(rng, day)
	v, _ := p.VersionOn(unit.NewDate(day.Year, day.Month, day.Day))
	if a.channel == dossier.Online && v.Online == procedure.OnlineNone {
		a.channel = dossier.AtDesk
	}
	a.at = officeMoment(rng, c.cal, day)
	if a.channel == dossier.Online {
		if !lastDay && rng.Float64() < 0.1 {
			a.at = nightMoment(rng, day)
		}
		delay := time.Duration(5+rng.IntN(85)) * time.Minute
		if lastDay {
			delay = time.Duration(1+rng.IntN(10)) * time.Minute
			if a.at.After(day.At(16*60 + 30)) {
				a.at = a.at.Add(-40 * time.Minute)
			}
		}
		acc, err := c.cal.AddWorkingTime(a.at, delay)
		if err != nil {
			return nil, err
		}
		a.accept = acc
	}
	if err := g.bind(ctx, a, v); err != nil {
		return nil, err
	}
	return a, nil
}

// pickProcedure draws a procedure in force on day by the 2022 mix.
func (g *dossierGen) pickProcedure(rng *rand.Rand, day calendar.Date) procedure.Procedure {
	on := unit.NewDate(day.Year, day.Month, day.Day)
	var total float64
	for _, m := range procedureMix {
		if g.procs[m.code].StatusOn(on) == procedure.Effective {
			total += m.weight
		}
	}
	x := rng.Float64() * total
	var last procedure.Procedure
	for _, m := range procedureMix {
		p := g.procs[m.code]
		if p.StatusOn(on) != procedure.Effective {
			continue
		}
		last = p
		if x -= m.weight; x < 0 {
			break
		}
	}
	return last
}

// bind gives the arrival its version and workflow, passing the agency and version once
// through the engine's catalog block (ApplicableVersion: published there that day, in
// force, frozen from now on).
func (g *dossierGen) bind(ctx context.Context, a *arrival, v procedure.Version) error {
	agency := a.com.agency
	key := agency.ID + "/" + v.ID
	if !g.checked[key] {
		got, err := g.db.ApplicableVersion(ctx, agency.ID, v.Code, a.at, "")
		if err != nil {
			return fmt.Errorf("%s in %s on %s: %w", v.Code, agency.Name, a.at.Format(time.DateOnly), err)
		}
		if got.ID != v.ID {
			return fmt.Errorf("%s in %s: the catalog gives version %d, the demo expected %d", v.Code, agency.Name, got.Number, v.Number)
		}
		g.checked[key] = true
	}
	wfKey := agency.ID + "/" + v.ID
	wf, ok := g.workflows[wfKey]
	if !ok {
		var err error
		if wf, err = g.db.WorkflowFor(ctx, agency.ID, v.Code, v.Limit); err != nil {
			return err
		}
		g.workflows[wfKey] = wf
	}
	a.v, a.wf, a.steps = v, wf, withReturn(wf.Steps)
	return nil
}

// withReturn is the workflow as a dossier snapshots it: ending with the return at the
// desk (store.NewBulkDossier adds it the same way).
func withReturn(steps []procedure.Step) []procedure.Step {
	if len(steps) > 0 && steps[len(steps)-1].Kind == procedure.StepReturn {
		return steps
	}
	ret := procedure.Step{Kind: procedure.StepReturn, Role: steps[0].Role, Budget: steps[0].Budget}
	return append(slices.Clone(steps), ret)
}

// officeMoment draws a time during office hours of a working day: mornings are busier.
func officeMoment(rng *rand.Rand, cal *calendar.Calendar, day calendar.Date) time.Time {
	periods := cal.OfficeHours().Periods()
	p := periods[0]
	if len(periods) > 1 && rng.Float64() >= 0.62 {
		p = periods[1+rng.IntN(len(periods)-1)]
	}
	span := int(p.End-p.Start)*60 - 60
	return day.At(p.Start).Add(time.Duration(rng.IntN(span)) * time.Second)
}

// nightMoment draws an online submission's time outside office hours: the evening, or
// early in the morning.
func nightMoment(rng *rand.Rand, day calendar.Date) time.Time {
	if rng.Float64() < 0.8 {
		return day.At(18 * 60).Add(time.Duration(rng.IntN(330*60)) * time.Second)
	}
	return day.At(5*60 + 30).Add(time.Duration(rng.IntN(100*60)) * time.Second)
}
