package bench

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
)

// DataOptions shape the scale data set.
type DataOptions struct {
	Dossiers int       // how many dossiers in all
	From     time.Time // first receipt day
	Days     int       // receipts spread over this many days
	Seed     uint64
	Batch    int // dossiers per transaction (default 5,000)
}

// DataResult says what Generate wrote.
type DataResult struct {
	Communes int
	Dossiers int
	Elapsed  time.Duration
}

// Generate fills an empty database with the official 2025 list of 34 provinces and 3,321
// communes and opts.Dossiers finished dossiers spread over them and over opts.Days days,
// with their rollups (see store.LoadFinishedDossiers): the data set of the 10-million
// report benchmark. progress, when not nil, hears how many dossiers are written.
func Generate(ctx context.Context, db *store.DB, opts DataOptions, progress func(done, n int)) (DataResult, error) {
	start := time.Now()
	if opts.Batch <= 0 {
		opts.Batch = 5000
	}
	if opts.Days <= 0 || opts.Dossiers <= 0 {
		return DataResult{}, fmt.Errorf("bench data: give a positive number of dossiers and days")
	}
	endLoad, err := db.BeginBulkLoad(ctx)
	if err != nil {
		return DataResult{}, err
	}
	communes, err := importCommunes(ctx, db)
	if err != nil {
		return DataResult{}, err
	}
	v, err := benchProcedure(ctx, db)
	if err != nil {
		return DataResult{}, err
	}
	rng := rand.New(rand.NewPCG(opts.Seed, 2025))
	batch := make([]dossier.Dossier, 0, opts.Batch)
	for i := range opts.Dossiers {
		batch = append(batch, finishedDossier(rng, i, communes[i%len(communes)], v, opts))
		if len(batch) == opts.Batch || i == opts.Dossiers-1 {
			if err := db.LoadFinishedDossiers(ctx, batch); err != nil {
				return DataResult{}, err
			}
			batch = batch[:0]
			if progress != nil {
				progress(i+1, opts.Dossiers)
			}
		}
	}
	if err := endLoad(ctx); err != nil {
		return DataResult{}, err
	}
	return DataResult{Communes: len(communes), Dossiers: opts.Dossiers, Elapsed: time.Since(start)}, nil
}

func importCommunes(ctx context.Context, db *store.DB) ([]string, error) {
	recs, err := unit.Official2025()
	if err != nil {
		return nil, err
	}
	res, err := db.ImportUnits(ctx, recs, store.ImportOptions{ValidFrom: unit.NewDate(2020, 1, 1)})
	if err != nil {
		return nil, fmt.Errorf("bench data: units: %w", err)
	}
	var communes []string
	for _, r := range recs {
		if r.ParentCode != "" {
			communes = append(communes, res.IDs[r.Code])
		}
	}
	return communes, nil
}

func benchProcedure(ctx context.Context, db *store.DB) (procedure.Version, error) {
	rows, err := procedure.SampleCatalog()
	if err != nil {
		return procedure.Version{}, err
	}
	if _, err := db.ImportProcedures(ctx, rows, store.ProcedureImportOptions{Today: unit.NewDate(2019, 1, 1)}); err != nil {
		return procedure.Version{}, fmt.Errorf("bench data: catalog: %w", err)
	}
	p, err := db.Procedure(ctx, "1.004873")
	if err != nil {
		return procedure.Version{}, err
	}
	return p.Versions[0], nil
}

// finishedDossier makes the i-th dossier: received on a working hour of its day, resolved
// (99.8% early or on time) unless it is among the last days, with realistic channel,
// digitisation and payment mixes.
func finishedDossier(rng *rand.Rand, i int, communeID string, v procedure.Version, o DataOptions) dossier.Dossier {
	day := o.From.AddDate(0, 0, rng.IntN(o.Days))
	received := time.Date(day.Year(), day.Month(), day.Day(), 7+rng.IntN(9), rng.IntN(60), 0, 0, calendar.Location()).UTC()
	due := received.Add(5 * 24 * time.Hour)
	d := dossier.Dossier{ID: benchID(o.Seed, i),
		Code: fmt.Sprintf("BENCH-%d-%09d", o.Seed, i), UnitID: communeID, CurrentUnitID: communeID, Version: 1,
		State: dossier.Returned, StepIndex: 3, Channel: dossier.AtDesk, Regime: dossier.RegimeFor(received),
		ProcedureVersionID: v.ID, ProcedureCode: v.Code, ProcedureName: v.Name, Limit: v.Limit,
		Applicant: dossier.Applicant{Kind: dossier.Person, Name: "Người nộp " + fmt.Sprint(i%1000), IDNumber: "025190012345",
			Address: "Việt Nam"}, Payment: dossier.NoFee, ReceivedAt: received, ClockStart: received, Due: due,
		LastProgressAt: received, CreatedAt: received, UpdatedAt: received, HistoryHash: "-"}
	switch r := rng.IntN(100); {
	case r < 18:
		d.Channel = dossier.Online
		d.Payment = dossier.PaidOnline
	case r < 20:
		d.Channel = dossier.ByPost
	}
	if rng.IntN(10) < 7 {
		d.Components = []dossier.Component{{Name: "Tờ khai", Received: true, Digitised: true}}
	}
	resolved := received.Add(time.Duration(1+rng.IntN(90)) * time.Hour)
	if rng.IntN(1000) < 2 {
		resolved = due.Add(time.Duration(1+rng.IntN(72)) * time.Hour)
	}
	d.ResolvedAt, d.Timeliness = resolved, dossier.Classify(resolved, due)
	d.ReturnedAt, d.LastProgressAt, d.UpdatedAt = resolved.Add(time.Hour), resolved.Add(time.Hour), resolved.Add(time.Hour)
	return d
}

// benchID is the i-th dossier's ID: a UUID (version 7 layout) whose first 48 bits are i,
// so the IDs grow with i and the primary key is filled in order, page after page.
func benchID(seed uint64, i int) string {
	var b uuid.UUID
	binary.BigEndian.PutUint64(b[0:8], uint64(i)<<16)
	b[6], b[7] = 0x70, 0
	binary.BigEndian.PutUint64(b[8:16], seed)
	b[8] = 0x80 | b[8]&0x3f
	return b.String()
}

// ReportResult compares one report from the rollups with the same figures by a scan.
type ReportResult struct {
	Scope        string        `json:"scope"`
	From, To     string        `json:"-"`
	Rollups      time.Duration `json:"rollups_ns"`
	Scan         time.Duration `json:"scan_ns"`
	RollupsMs    float64       `json:"rollups_ms"`
	ScanMs       float64       `json:"scan_ms"`
	Speedup      float64       `json:"speedup"`
	Received     int64         `json:"received"`
	OnTime       int64         `json:"on_time"`
	FiguresMatch bool          `json:"figures_match"`
}

// CompareReport times db.Stats (the best of runs) against db.ScanStats for a subtree and a
// period and checks they agree.
func CompareReport(ctx context.Context, db *store.DB, scope string, q store.StatsQuery, runs int) (ReportResult, error) {
	r := ReportResult{Scope: scope}
	var fast report
	for i := range max(runs, 1) {
		t0 := time.Now()
		s, err := db.Stats(ctx, q)
		if err != nil {
			return r, err
		}
		if d := time.Since(t0); i == 0 || d < r.Rollups {
			r.Rollups = d
		}
		fast = report{s.Received(), s.OnTime()}
	}
	t0 := time.Now()
	slow, err := db.ScanStats(ctx, q)
	if err != nil {
		return r, err
	}
	r.Scan = time.Since(t0)
	r.Received, r.OnTime = fast.received, fast.onTime
	r.FiguresMatch = fast == report{slow.Received(), slow.OnTime()}
	r.RollupsMs, r.ScanMs = ms(r.Rollups), ms(r.Scan)
	if r.Rollups > 0 {
		r.Speedup = float64(r.Scan) / float64(r.Rollups)
	}
	return r, nil
}

type report struct{ received, onTime int64 }
