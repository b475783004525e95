package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/unit"
)

// Per-process caches of what every intake reads: the agency, the procedure with its
// versions and publications, the agency's working time and its workflow. Servers are
// stateless and several may share one database (and a command-line process may write to
// a SQLite file a server has open), so a cached entry is only used while the database's
// catalog generation is the one it was loaded under:
//
//   - every write to units, procedures, procedure versions, publications, work settings
//     or workflows sets the generation (a settings row) to a new random value in the
//     writer's own transaction (catalogChanged);
//   - the intake reads the generation in its write transaction, in the same statement
//     that takes the dossier number (no extra round trip), and rolls back and starts
//     again from the database when it differs from the entry's;
//   - a refusal decided from a cached entry (procedure expired, unit closed, paper
//     missing…) is confirmed by reading the generation before it is recorded or answered.
//
// So a change committed through any handle, by any process, is seen by the next intake:
// nothing is ever served stale, and the cost is one subquery per intake. A random value
// rather than a counter, so that restoring an older backup never brings back a value a
// running server still holds for different data.

// catalogGenerationKey is the settings row holding the catalog generation.
const catalogGenerationKey = "catalog_generation"

// catalogChanged gives the catalog a new generation through tx, so every server's intake
// cache reloads before its next intake. Writers call it last in their transaction (the
// row is then locked only until their commit).
func catalogChanged(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, catalogGenerationKey, NewID())
	if err != nil {
		return fmt.Errorf("mark catalog changed: %w", err)
	}
	return nil
}

// catalogGeneration reads the current generation ("" before the first change).
func catalogGeneration(ctx context.Context, q querier) (string, error) {
	var g string
	err := q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, catalogGenerationKey).Scan(&g)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("catalog generation: %w", err)
	}
	return g, nil
}

// errStaleCatalog ends an intake attempt made with an entry the catalog has moved past.
var errStaleCatalog = errors.New("intake: the catalog changed since it was cached")

// intakeEntry is what receiving dossiers of one procedure at one agency reads from the
// catalog. Entries are shared between goroutines and never modified.
type intakeEntry struct {
	generation  string // the catalog generation read before the entry was loaded
	cached      bool   // served from the cache (false: loaded for this intake)
	agency      unit.Unit
	view        intakeView
	work        WorkSettings
	workflow    procedure.Workflow // the agency's recorded workflow; workflowErr NotFound when none
	workflowErr error
}

type intakeKey struct{ unitID, code string }

// maxIntakeEntries bounds the cache: a province has a few thousand agencies, each
// receiving a few dozen procedures on a busy day.
const maxIntakeEntries = 20_000

// intakeCache keeps intake entries by agency and procedure code. Safe for concurrent use.
type intakeCache struct {
	mu      sync.Mutex
	entries map[intakeKey]*intakeEntry
}

func (c *intakeCache) get(k intakeKey) (intakeEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	if !ok {
		return intakeEntry{}, false
	}
	out := *e
	out.cached = true
	return out, true
}

func (c *intakeCache) put(k intakeKey, e intakeEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= maxIntakeEntries {
		c.entries = map[intakeKey]*intakeEntry{}
	}
	c.entries[k] = &e
}

// forget drops the entries loaded under another generation than current (the catalog
// changed: they will not be valid again).
func (c *intakeCache) forget(current string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.entries {
		if e.generation != current {
			delete(c.entries, k)
		}
	}
}

// drop removes one entry (its version was just frozen).
func (c *intakeCache) drop(k intakeKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, k)
}

// intakeEntry returns the cached entry for the agency and procedure, or (fresh, or not
// cached) loads it from the database and caches it. An agency that does not exist is not
// cached.
func (db *DB) intakeEntry(ctx context.Context, unitID, code string, fresh bool) (intakeEntry, error) {
	k := intakeKey{unitID, code}
	if !fresh {
		if e, ok := db.cache.intake.get(k); ok {
			return e, nil
		}
	}
	g, err := catalogGeneration(ctx, db.read)
	if err != nil {
		return intakeEntry{}, err
	}
	e := intakeEntry{generation: g}
	if e.agency, err = db.Unit(ctx, unitID); err != nil {
		return intakeEntry{}, err
	}
	if e.view, err = loadIntakeView(ctx, db.read, e.agency.Path, code); err != nil {
		return intakeEntry{}, err
	}
	if e.work, err = db.WorkSettingsFor(ctx, unitID); err != nil {
		return intakeEntry{}, err
	}
	e.workflow, e.workflowErr = loadWorkflow(ctx, db.read, unitID, code)
	if e.workflowErr != nil && !failure.Is(e.workflowErr, failure.NotFound) {
		return intakeEntry{}, e.workflowErr
	}
	db.cache.intake.forget(g)
	db.cache.intake.put(k, e)
	return e, nil
}

// confirm checks that a decision taken from a cached entry still holds: it answers
// errStaleCatalog when the catalog changed since the entry was loaded (the caller starts
// again from the database), else decision.
func (db *DB) confirm(ctx context.Context, e intakeEntry, decision error) error {
	if !e.cached {
		return decision
	}
	g, err := catalogGeneration(ctx, db.read)
	if err != nil {
		return err
	}
	if g != e.generation {
		db.cache.intake.forget(g)
		return errStaleCatalog
	}
	return decision
}

// cache holds this process's state of the write path: the intake cache (above),
// prepared statements (stmtCache) and the intakes waiting to be written together
// (intakeGroups). Everything durable is in the database; this is only a faster way to the
// same answers.
type cache struct {
	intake intakeCache
	stmts  *stmtCache // write pool (SQLite)
	reads  *stmtCache // read pool (SQLite)
	groups intakeGroups
}

func newCache(dialect Dialect, read, write *sql.DB) *cache {
	c := &cache{}
	if dialect == SQLite {
		c.stmts = &stmtCache{db: write}
		c.reads = &stmtCache{db: read, eager: true}
	}
	return c
}

// inCatalogTx runs fn in a write transaction that changes the catalog the intake cache
// holds, and gives the catalog a new generation in it.
func (db *DB) inCatalogTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return catalogChanged(ctx, tx)
	})
}
