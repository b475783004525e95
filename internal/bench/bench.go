// Package bench measures motcua against the machine's own ceilings, so that figures taken
// on shared machines can be compared as ratios: a complete intake transaction against a raw
// single-row insert on the same database, and (later) the public look-up against a
// hello-world handler, and reports from rollups against a plain scan.
package bench

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/user"
)

// Result is one measurement.
type Result struct {
	Name     string        `json:"name"`
	Clients  int           `json:"clients"`
	N        int           `json:"n"`
	Elapsed  time.Duration `json:"elapsed_ns"`
	PerSec   float64       `json:"per_second"`
	P50, P99 time.Duration `json:"-"`
	P50ms    float64       `json:"p50_ms"`
	P99ms    float64       `json:"p99_ms"`
}

// Run calls op n times from the given number of concurrent clients, timing each call;
// progress, when not nil, is told how many calls are done (at most every 1%).
func Run(ctx context.Context, name string, clients, n int, op func(ctx context.Context, i int) error, progress func(done, n int)) (Result, error) {
	var c chunks
	if err := c.run(ctx, name, clients, 0, n, op, func(done int) {
		if progress != nil {
			progress(done, n)
		}
	}); err != nil {
		return Result{}, err
	}
	return c.result(name, clients), nil
}

// Op is an operation SideBySide measures.
type Op struct {
	Name string
	Do   func(ctx context.Context, i int) error
}

// SideBySide measures the ops in turn, rounds times n/rounds calls of each with the given
// clients, so that each meets the same conditions: on a shared machine the load and the
// disk's latency change from one second to the next, and two measurements taken one
// after the other compare those changes more than the operations. Each op's result sums
// its rounds (calls per second over its own time). progress hears the calls done of all.
func SideBySide(ctx context.Context, clients, n, rounds int, ops []Op, progress func(done, n int)) ([]Result, error) {
	rounds = max(1, min(rounds, n))
	acc := make([]chunks, len(ops))
	total, done := n*len(ops), 0
	for r := range rounds {
		from, to := n*r/rounds, n*(r+1)/rounds
		for k, op := range ops {
			err := acc[k].run(ctx, op.Name, clients, from, to, op.Do, func(d int) {
				if progress != nil {
					progress(done+d, total)
				}
			})
			if err != nil {
				return nil, err
			}
			done += to - from
		}
	}
	out := make([]Result, len(ops))
	for k, op := range ops {
		out[k] = acc[k].result(op.Name, clients)
	}
	return out, nil
}

// chunks accumulates the calls and time of one operation over several runs.
type chunks struct {
	lat     []time.Duration
	elapsed time.Duration
}

// run calls op for i in [from, to) from clients concurrent clients.
func (c *chunks) run(ctx context.Context, name string, clients, from, to int, op func(ctx context.Context, i int) error, progress func(done int)) error {
	var (
		next     atomic.Int64
		done     atomic.Int64
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
	)
	n := to - from
	step := max(int64(n/100), 1)
	start := time.Now()
	for range clients {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n || ctx.Err() != nil {
					return
				}
				t0 := time.Now()
				err := op(ctx, from+i)
				d := time.Since(t0)
				mu.Lock()
				c.lat = append(c.lat, d)
				if err != nil && firstErr == nil {
					firstErr = fmt.Errorf("%s call %d: %w", name, from+i, err)
				}
				mu.Unlock()
				if k := done.Add(1); k%step == 0 {
					progress(int(k))
				}
			}
		})
	}
	wg.Wait()
	c.elapsed += time.Since(start)
	return firstErr
}

func (c *chunks) result(name string, clients int) Result {
	slices.Sort(c.lat)
	n := len(c.lat)
	r := Result{Name: name, Clients: clients, N: n, Elapsed: c.elapsed}
	if n > 0 {
		r.PerSec = float64(n) / c.elapsed.Seconds()
		r.P50, r.P99 = c.lat[n/2], c.lat[min(n-1, n*99/100)]
		r.P50ms, r.P99ms = ms(r.P50), ms(r.P99)
	}
	return r
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Desk is what the intake benchmark receives with: an agency, a published procedure and
// its desk officer.
type Desk struct {
	AgencyID   string
	Procedure  procedure.Version
	Receiver   auth.Actor
	Components []dossier.Component
}

// Place names the units a benchmark desk is set up in: a province, a commune under it
// and the commune's public administration centre with its electronic identifier.
type Place struct {
	Province, Commune, Centre, AgencyCode string
}

// ThanhBa is the commune of Thanh Ba (Phú Thọ), the intake benchmark's desk.
var ThanhBa = Place{Province: "25", Commune: "08152", Centre: "08152.TTPVHCC", AgencyCode: "000.00.41.H29"}

// PrepareDesk sets up, in an empty benchmark database, the commune of Thanh Ba (Phú Thọ)
// with its public administration centre, the birth registration procedure of the sample
// catalog published there, and one desk officer.
func PrepareDesk(ctx context.Context, db *store.DB) (Desk, error) {
	return PrepareDeskAt(ctx, db, ThanhBa)
}

// PrepareDeskAt is PrepareDesk at another place, in a database that may hold other data
// (the sample catalog is imported only when its procedure is missing).
func PrepareDeskAt(ctx context.Context, db *store.DB, at Place) (Desk, error) {
	const code = "1.001193"
	if _, err := db.Procedure(ctx, code); err != nil {
		rows, err := procedure.SampleCatalog()
		if err != nil {
			return Desk{}, err
		}
		if _, err := db.ImportProcedures(ctx, rows, store.ProcedureImportOptions{Today: unit.NewDate(2025, 1, 1)}); err != nil {
			return Desk{}, fmt.Errorf("bench catalog: %w", err)
		}
	}
	prov := unit.Unit{Code: at.Province, Name: "Tỉnh Phú Thọ", Kind: unit.Province, ValidFrom: unit.Reform2025}
	if err := db.CreateUnit(ctx, &prov); err != nil {
		return Desk{}, err
	}
	com := unit.Unit{Code: at.Commune, Name: "Xã Thanh Ba", Kind: unit.Commune, ParentID: prov.ID, ValidFrom: unit.Reform2025}
	if err := db.CreateUnit(ctx, &com); err != nil {
		return Desk{}, err
	}
	centre := unit.Unit{Code: at.Centre, Name: "Trung tâm Phục vụ hành chính công xã Thanh Ba", Kind: unit.Centre,
		ParentID: com.ID, AgencyCode: at.AgencyCode, ValidFrom: unit.Reform2025}
	if err := db.CreateUnit(ctx, &centre); err != nil {
		return Desk{}, err
	}
	if err := db.PublishProcedure(ctx, com.ID, code, unit.Reform2025, ""); err != nil {
		return Desk{}, err
	}
	u := user.User{Email: "tiepnhan.bench." + at.Commune + "@motcua.invalid", FullName: "Cán bộ một cửa", PasswordHash: "!bench", Active: true}
	if err := db.CreateUserWithRole(ctx, &u, &user.Assignment{UnitID: com.ID, Role: user.Receiver}); err != nil {
		return Desk{}, err
	}
	as, err := db.Assignments(ctx, u.ID)
	if err != nil {
		return Desk{}, err
	}
	p, err := db.Procedure(ctx, code)
	if err != nil {
		return Desk{}, err
	}
	v := p.Latest()
	var comps []dossier.Component
	for _, c := range v.Components {
		comps = append(comps, dossier.Component{Name: c.Name, Received: true, Digitised: true})
	}
	return Desk{AgencyID: centre.ID, Procedure: v, Receiver: auth.Actor{UserID: u.ID, Assignments: as}, Components: comps}, nil
}

// Intake is one complete receive transaction (intake block, code, appointment, dossier,
// papers, control slip, history, rollups) for call i, spread over working days so that no
// day's sequence grows unrealistically.
func (k Desk) Intake(db *store.DB, start time.Time) func(ctx context.Context, i int) error {
	return func(ctx context.Context, i int) error {
		at := start.Add(time.Duration(i%2000)*10*time.Second).AddDate(0, 0, i/2000)
		_, err := db.Receive(ctx, k.Receiver, store.IntakeRequest{UnitID: k.AgencyID, ProcedureCode: k.Procedure.Code,
			Channel: dossier.AtDesk, Components: k.Components, Payment: dossier.NoFee, At: at,
			Applicant: dossier.Applicant{Name: "Nguyễn Thị Hương", IDNumber: "025190012345", Phone: "0912345678",
				Address: "Khu 3, xã Thanh Ba, tỉnh Phú Thọ"}})
		return err
	}
}

// RawInsert is the ceiling: one single-row insert in its own transaction.
func RawInsert(db *store.DB) func(ctx context.Context, i int) error {
	payload := strings.Repeat("x", 600) // about the size of a dossier row
	return func(ctx context.Context, _ int) error { return db.RawInsert(ctx, payload) }
}

// IntakeStart is a fixed Monday morning in Vietnam for reproducible codes.
var IntakeStart = time.Date(2026, 3, 2, 8, 0, 0, 0, calendar.Location())

// LookupPlace is where EnsureLookupRefs receives dossiers when a database has none to
// look up: codes no official unit holds.
var LookupPlace = Place{Province: "99", Commune: "99999", Centre: "99999.TTPVHCC", AgencyCode: "000.00.99.H99"}

// EnsureLookupRefs returns n references to look up, picked at random from the database's
// dossiers; when it holds fewer (the dossiers of bench data carry no printed code), it
// first receives the missing ones at a desk of their own (LookupPlace).
func EnsureLookupRefs(ctx context.Context, db *store.DB, n int, progress func(done, n int)) ([]store.LookupRef, error) {
	refs, err := db.LookupRefs(ctx, n)
	if err != nil || len(refs) >= n {
		return refs, err
	}
	desk, err := PrepareDeskAt(ctx, db, LookupPlace)
	if err != nil {
		return nil, fmt.Errorf("look-up desk: %w", err)
	}
	missing := n - len(refs)
	if _, err := Run(ctx, "look-up data", 4, missing, desk.Intake(db, IntakeStart), progress); err != nil {
		return nil, err
	}
	return db.LookupRefs(ctx, n)
}

// addressesPerClient is how many look-ups a simulated citizen's address sends: fewer
// than the portal allows an address in its window, as real citizens do.
const addressesPerClient = 20

// LookupRequests cycles over refs as citizens opening the look-up page (/tra-cuu) from
// their receipt's QR code, or the look-up API (api), each from the address a trusted
// proxy forwards: a new address every addressesPerClient look-ups, never reused by later
// runs of the same requests (10.x.x.x for the page, 11.x.x.x for the API).
func LookupRequests(refs []store.LookupRef, api bool) func(i int) Request {
	prefix, net := "/tra-cuu?ma=", 10
	if api {
		prefix, net = "/api/v1/public/lookup?ma=", 11
	}
	paths := make([]string, len(refs))
	for i, r := range refs {
		paths[i] = prefix + url.QueryEscape(r.Code) + "&k=" + url.QueryEscape(r.Secret)
	}
	var sent atomic.Int64
	return func(i int) Request {
		a := (sent.Add(1) - 1) / addressesPerClient
		return Request{Path: paths[i%len(paths)], ForwardedFor: fmt.Sprintf("%d.%d.%d.%d", net, a>>16&255, a>>8&255, a&255)}
	}
}
