package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/report"
	"github.com/motcua/motcua/internal/unit"
)

// Group commit of intakes. Every intake ends with a write transaction, and committing
// costs more than the rows themselves: SQLite appends every page the transaction changed
// to its log (a dossier touches about twenty: the row, its indexes, the control slip,
// the event, the rollups), and PostgreSQL flushes its log and holds the agency's
// sequence row locked until the flush is done, so concurrent intakes of one agency would
// otherwise commit one after the other. Intakes that arrive while a transaction is being
// written wait for it and are then written together, in one transaction, by one of them
// (the leader); alone, an intake is written at once. Each keeps its own number from the
// agency's daily sequence and its own history chain; nothing is acknowledged before the
// commit. When anything in a group fails (a duplicate idempotency key, a catalog that
// changed, a lock conflict), the group is rolled back (its numbers given back) and every
// intake of it is written again alone, so one's failure never becomes another's.

// maxIntakeGroup bounds a group's transaction.
const maxIntakeGroup = 64

// intakeWrite is a received dossier ready to be written, with what the write checks.
type intakeWrite struct {
	agency     unit.Unit
	d          *dossier.Dossier
	firstDue   time.Time
	generation string // the catalog generation the intake was planned with
	check      bool   // refuse to write when the catalog generation differs
	freeze     string // version to freeze, "" when it is frozen already

	seen string // the generation read in the write transaction
	err  error

	done chan struct{} // closed when written (or failed)
	lead chan struct{} // told to write the waiting group
}

// intakeGroups queues intakes waiting for the transaction in progress. Safe for
// concurrent use.
type intakeGroups struct {
	mu      sync.Mutex
	busy    bool
	pending []*intakeWrite
}

// writeIntake writes w, alone or in a group, and returns its error.
func (db *DB) writeIntake(ctx context.Context, w *intakeWrite) error {
	g := &db.cache.groups
	w.done, w.lead = make(chan struct{}), make(chan struct{}, 1)
	g.mu.Lock()
	g.pending = append(g.pending, w)
	if g.busy {
		g.mu.Unlock()
		select {
		case <-w.done:
			return w.err
		case <-w.lead: // w is first in line: it writes the group, itself included
		}
	} else {
		g.busy = true
		g.mu.Unlock()
	}
	db.prepareStatements(ctx)
	g.mu.Lock()
	n := min(len(g.pending), maxIntakeGroup)
	group := g.pending[:n:n]
	g.pending = slices.Clone(g.pending[n:])
	g.mu.Unlock()
	db.writeGroup(ctx, group)
	for _, o := range group {
		close(o.done)
	}
	g.mu.Lock()
	if len(g.pending) > 0 {
		next := g.pending[0]
		g.mu.Unlock()
		next.lead <- struct{}{}
	} else {
		g.busy = false
		g.mu.Unlock()
	}
	return w.err
}

// writeGroup writes the intakes in one transaction, or each alone when that fails.
func (db *DB) writeGroup(ctx context.Context, group []*intakeWrite) {
	if len(group) == 1 {
		group[0].err = db.writeIntakes(ctx, group)
		return
	}
	// The group's transaction is not the leader's: a leader whose request is cancelled
	// must not fail the others.
	ctx = context.WithoutCancel(ctx)
	// Agencies in code order, so that transactions of other servers lock the same
	// sequence and rollup rows in the same order.
	slices.SortStableFunc(group, func(a, b *intakeWrite) int {
		return cmp.Or(cmp.Compare(a.agency.AgencyCode, b.agency.AgencyCode), a.d.ReceivedAt.Compare(b.d.ReceivedAt))
	})
	if db.writeIntakes(ctx, group) == nil {
		return
	}
	for _, w := range group {
		w.err = db.writeIntakes(ctx, []*intakeWrite{w})
	}
}

// writeIntakes writes the intakes in one transaction: their numbers taken in one
// statement, then their rows, events and rollups (summed per row) through execAll. A
// write whose catalog generation differs fails with errStaleCatalog, and with it the
// transaction.
func (db *DB) writeIntakes(ctx context.Context, ws []*intakeWrite) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		stx := db.writeTx(tx)
		blocks := map[sequenceKey]int{}
		for _, w := range ws {
			blocks[sequenceKey{w.agency.AgencyCode, dossier.SequenceDay(w.d.ReceivedAt)}]++
		}
		last, generation, err := takeNumbers(ctx, stx, blocks)
		if err != nil {
			return err
		}
		var (
			stmts  []stmt
			deltas []report.Delta
			frozen = map[string]bool{}
		)
		for _, w := range ws {
			if w.seen = generation; w.check && generation != w.generation {
				return errStaleCatalog
			}
			k := sequenceKey{w.agency.AgencyCode, dossier.SequenceDay(w.d.ReceivedAt)}
			n := last[k] - blocks[k] + 1 // the block's numbers go in the group's order
			blocks[k]--
			rows, err := receivedRows(w.agency.AgencyCode, w.d, w.firstDue, n)
			if err != nil {
				return err
			}
			stmts = append(stmts, rows...)
			deltas = append(deltas, report.Diff(dossier.Dossier{}, *w.d)...)
			if w.freeze != "" && !frozen[w.freeze] {
				frozen[w.freeze] = true
				stmts = append(stmts, stmt{freezeSQL, []any{w.freeze, true}})
			}
		}
		stmts = append(stmts, rollupStatements(groupDeltas(deltas))...)
		if err := stx.execAll(ctx, stmts, len(ws) > 1); err != nil {
			return fmt.Errorf("write received dossiers: %w", err)
		}
		return nil
	})
}

// sequenceKey is an agency's daily sequence.
type sequenceKey struct{ agencyCode, day string }

// takeNumbers takes blocks of numbers from the agencies' daily sequences in one statement
// and returns the last number of each block, and the catalog generation (see cache.go),
// read in the same statement so that checking the intake cache costs no round trip. It
// runs inside the intake transaction: the row lock (PostgreSQL) or the single writer
// (SQLite) serialises concurrent intakes, and a rolled-back intake gives its numbers
// back, so the daily sequence has no gaps and no duplicates.
func takeNumbers(ctx context.Context, q execer, blocks map[sequenceKey]int) (map[sequenceKey]int, string, error) {
	keys := slices.SortedFunc(maps.Keys(blocks), func(a, b sequenceKey) int {
		return cmp.Or(cmp.Compare(a.agencyCode, b.agencyCode), cmp.Compare(a.day, b.day))
	})
	args := []any{catalogGenerationKey}
	values := make([]string, len(keys))
	for i, k := range keys {
		values[i] = "(" + placeholders(len(args)+1, 3) + ")"
		args = append(args, k.agencyCode, k.day, blocks[k])
	}
	query := `INSERT INTO dossier_sequences (agency_code, day, last) VALUES ` + strings.Join(values, ", ") + `
		ON CONFLICT (agency_code, day) DO UPDATE SET last = dossier_sequences.last + excluded.last
		RETURNING agency_code, day, last, COALESCE((SELECT value FROM settings WHERE key = $1), '')`
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, "", fmt.Errorf("take dossier numbers: %w", err)
	}
	defer rows.Close()
	last := make(map[sequenceKey]int, len(keys))
	var generation string
	for rows.Next() {
		var (
			k sequenceKey
			n int
		)
		if err := rows.Scan(&k.agencyCode, &k.day, &n, &generation); err != nil {
			return nil, "", fmt.Errorf("take dossier numbers: %w", err)
		}
		last[k] = n
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("take dossier numbers: %w", err)
	}
	if len(last) != len(keys) {
		return nil, "", fmt.Errorf("take dossier numbers: %d of %d sequences answered", len(last), len(keys))
	}
	return last, generation, nil
}

// nextSequence takes the agency's next dossier number for the day (see takeNumbers).
func nextSequence(ctx context.Context, q execer, agencyCode, day string) (int, error) {
	k := sequenceKey{agencyCode, day}
	last, _, err := takeNumbers(ctx, q, map[sequenceKey]int{k: 1})
	return last[k], err
}

// receivedRows gives a received dossier its code (number n of the agency's day) and returns the statements writing it with
// its first control-slip row and its first event, chained.
func receivedRows(agencyCode string, d *dossier.Dossier, firstDue time.Time, n int) ([]stmt, error) {
	at := d.ReceivedAt
	code, err := dossier.NewCode(agencyCode, at, n)
	if err != nil {
		return nil, err
	}
	d.Code = code.String()
	first := d.Workflow[0]
	ev := dossier.Event{ID: NewID(), DossierID: d.ID, UnitID: d.UnitID, At: at, ActorID: d.CreatedBy,
		Action: dossier.ActReceive, To: dossier.Received, Detail: dossier.Detail{
			"code": d.Code, "procedure": d.ProcedureCode, "due": d.Due.UTC().Format(time.RFC3339), "channel": d.Channel,
		}.Encode()}
	ev.Seal(dossier.Event{})
	d.HistoryHash = ev.Hash
	step := dossier.StepRecord{ID: NewID(), DossierID: d.ID, Seq: 1, StepIndex: 0, Kind: first.Kind, Role: first.Role,
		UnitID: d.UnitID, AssigneeID: d.CreatedBy, StartedAt: at, Due: firstDue}
	return []stmt{{dossierInsertSQL, dossierRow(*d)}, {stepInsertSQL, stepRow(step)}, {eventInsertSQL, eventRow(ev)}}, nil
}
