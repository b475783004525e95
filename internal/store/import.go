package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/vn"
)

// ImportOptions tune ImportUnits.
type ImportOptions struct {
	// ValidFrom is the day the imported units take effect (unit.Reform2025 for the official
	// 2025 list). Required.
	ValidFrom unit.Date
	// NewID names a unit created for a code; NewID (a UUIDv7) when nil. The demo passes a
	// deterministic function so repeated loads give the same IDs.
	NewID func(code string) string
}

// ImportResult counts what ImportUnits did.
type ImportResult struct {
	Created   int
	Updated   int // existing units whose name changed
	Unchanged int
	// IDs maps every imported code to its unit's ID, new or existing, so callers can hang
	// their own units under the imported ones.
	IDs map[string]string
}

// importBatch is how many rows go into one INSERT: 12 columns × 200 rows stays far below
// the bind-parameter limits of both SQLite (32,766) and PostgreSQL (65,535).
const importBatch = 200

// importUnit is what ImportUnits needs to know about a unit already in the database.
type importUnit struct {
	id, code, name, parentID, path string
	kind                           unit.Kind
	from, to                       unit.Date
}

// ImportUnits writes an administrative-unit list in one transaction, parents before
// children. A record whose code is held by a unit active on opts.ValidFrom is that unit: it
// is left alone, or renamed when the list spells the name differently; a different kind or
// parent is a conflict, never a silent move. Any other record becomes a new unit valid from
// opts.ValidFrom. Running the same import twice therefore changes nothing.
//
// The rules are CreateUnit's (Normalize and Validate, a parent that exists and may hold
// the kind, no code shared with a unit of overlapping validity) but checked against one
// read of the units in force instead of several queries per unit, and the rows are
// inserted in batches: the 3,355 units of the 2025 list take well under a second.
// Either every record is written or none is.
func (db *DB) ImportUnits(ctx context.Context, recs []unit.Record, opts ImportOptions) (ImportResult, error) {
	res := ImportResult{IDs: make(map[string]string, len(recs))}
	if opts.ValidFrom.IsZero() {
		return res, failure.InvalidField("valid_from", "unit.valid_from_required")
	}
	if opts.NewID == nil {
		opts.NewID = func(string) string { return NewID() }
	}
	ordered, err := parentsFirst(recs)
	if err != nil {
		return res, err
	}
	err = db.inCatalogTx(ctx, func(tx *sql.Tx) error {
		res.Created, res.Updated, res.Unchanged = 0, 0, 0
		clear(res.IDs)
		existing, err := unitsInForceFrom(ctx, tx, opts.ValidFrom)
		if err != nil {
			return err
		}
		// byCode holds, per code, the units whose validity reaches opts.ValidFrom or later.
		byCode := make(map[string][]importUnit, len(existing))
		for _, u := range existing {
			byCode[u.code] = append(byCode[u.code], u)
		}
		// resolved: code → the unit (new or existing) that holds it from opts.ValidFrom.
		resolved := make(map[string]importUnit, len(recs))
		var inserts []unit.Unit
		now := db.Now()
		for _, rec := range ordered {
			u := unit.Unit{Code: rec.Code, Name: rec.Name, Kind: rec.Kind, ValidFrom: opts.ValidFrom}
			u.Normalize()
			if err := u.Validate(); err != nil {
				return recordError(rec, err)
			}
			var parent importUnit
			if rec.ParentCode != "" {
				p, ok := resolved[rec.ParentCode]
				if !ok {
					p, ok = activeOn(byCode[rec.ParentCode], opts.ValidFrom)
				}
				if !ok {
					return recordError(rec, failure.InvalidField("parent_id", "unit.parent_not_found"))
				}
				parent = p
			}
			if !unit.CanHold(parent.kind, u.Kind) {
				if parent.id == "" {
					return recordError(rec, failure.InvalidField("parent_id", "unit.parent_required"))
				}
				return recordError(rec, failure.InvalidField("parent_id", "unit.parent_kind", string(parent.kind), string(u.Kind)))
			}
			if old, ok := activeOn(byCode[u.Code], opts.ValidFrom); ok {
				if old.kind != u.Kind {
					return recordError(rec, failure.New(failure.Conflict, "kind", "unit.import_kind_differs", u.Code))
				}
				if old.parentID != parent.id {
					return recordError(rec, failure.New(failure.Conflict, "parent_id", "unit.import_parent_differs", u.Code))
				}
				if old.name != u.Name {
					if _, err := tx.ExecContext(ctx, `UPDATE units SET name = $2, search_text = $3, updated_at = $4 WHERE id = $1`,
						old.id, u.Name, vn.Fold(u.Name+" "+u.Code), now); err != nil {
						return fmt.Errorf("line %d: rename unit %s: %w", rec.Line, u.Code, err)
					}
					old.name = u.Name
					res.Updated++
				} else {
					res.Unchanged++
				}
				resolved[u.Code] = old
				res.IDs[u.Code] = old.id
				continue
			}
			for _, other := range byCode[u.Code] {
				if overlaps(u.ValidFrom, u.ValidTo, other.from, other.to) {
					return recordError(rec, failure.New(failure.Conflict, "code", "unit.code_taken", u.Code))
				}
			}
			if _, dup := resolved[u.Code]; dup {
				return recordError(rec, failure.New(failure.Conflict, "code", "unit.code_taken", u.Code))
			}
			u.ID = opts.NewID(u.Code)
			u.ParentID = parent.id
			u.Path = "/" + u.ID + "/"
			if parent.id != "" {
				u.Path = parent.path + u.ID + "/"
			}
			u.CreatedAt, u.UpdatedAt = now, now
			inserts = append(inserts, u)
			resolved[u.Code] = importUnit{id: u.ID, code: u.Code, name: u.Name, parentID: u.ParentID,
				path: u.Path, kind: u.Kind, from: u.ValidFrom}
			res.IDs[u.Code] = u.ID
		}
		for start := 0; start < len(inserts); start += importBatch {
			if err := insertUnits(ctx, tx, inserts[start:min(start+importBatch, len(inserts))]); err != nil {
				return err
			}
		}
		res.Created = len(inserts)
		return nil
	})
	if err != nil {
		return ImportResult{}, fmt.Errorf("import units: %w", err)
	}
	return res, nil
}

// recordError names the line and code of the record at fault, keeping the application
// error inside for callers that map it to a message.
func recordError(rec unit.Record, err error) error {
	if rec.Line > 0 {
		return fmt.Errorf("line %d: unit %s: %w", rec.Line, rec.Code, err)
	}
	return fmt.Errorf("unit %s: %w", rec.Code, err)
}

// parentsFirst orders records so that each comes after the record of its parent code (when
// that parent is in the list), keeping file order otherwise. A cycle of parent codes is an
// error.
func parentsFirst(recs []unit.Record) ([]unit.Record, error) {
	index := make(map[string]int, len(recs))
	for i, r := range recs {
		if _, dup := index[r.Code]; !dup {
			index[r.Code] = i
		}
	}
	depth := make([]int, len(recs)) // 0: not computed yet
	var depthOf func(i int, seen int) (int, error)
	depthOf = func(i int, seen int) (int, error) {
		if depth[i] > 0 {
			return depth[i], nil
		}
		if seen > len(recs) {
			return 0, recordError(recs[i], failure.InvalidField("parent_id", "unit.cycle"))
		}
		d := 1
		if p, ok := index[recs[i].ParentCode]; ok && recs[i].ParentCode != "" {
			pd, err := depthOf(p, seen+1)
			if err != nil {
				return 0, err
			}
			d = pd + 1
		}
		depth[i] = d
		return d, nil
	}
	maxDepth := 0
	for i := range recs {
		d, err := depthOf(i, 0)
		if err != nil {
			return nil, err
		}
		maxDepth = max(maxDepth, d)
	}
	out := make([]unit.Record, 0, len(recs))
	for d := 1; d <= maxDepth; d++ {
		for i, r := range recs {
			if depth[i] == d {
				out = append(out, r)
			}
		}
	}
	return out, nil
}

// unitsInForceFrom reads the units whose validity reaches day or later: the only ones an
// import from that day can collide with or hang under.
func unitsInForceFrom(ctx context.Context, q querier, day unit.Date) ([]importUnit, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, code, name, kind, COALESCE(parent_id, ''), path, valid_from, valid_to
		FROM units WHERE valid_to IS NULL OR valid_to > $1`, day)
	if err != nil {
		return nil, fmt.Errorf("units in force: %w", err)
	}
	defer rows.Close()
	var out []importUnit
	for rows.Next() {
		var u importUnit
		if err := rows.Scan(&u.id, &u.code, &u.name, &u.kind, &u.parentID, &u.path, &u.from, &u.to); err != nil {
			return nil, fmt.Errorf("units in force: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// activeOn returns the unit among us that exists on day d.
func activeOn(us []importUnit, d unit.Date) (importUnit, bool) {
	for _, u := range us {
		if (unit.Unit{ValidFrom: u.from, ValidTo: u.to}).ActiveOn(d) {
			return u, true
		}
	}
	return importUnit{}, false
}

// insertUnits writes new units (no agency code, no successors) with one multi-row INSERT.
func insertUnits(ctx context.Context, tx *sql.Tx, us []unit.Unit) error {
	if len(us) == 0 {
		return nil
	}
	const cols = 12
	var b strings.Builder
	b.WriteString(`INSERT INTO units
		(id, code, agency_code, name, search_text, kind, parent_id, path, valid_from, valid_to, created_at, updated_at) VALUES `)
	args := make([]any, 0, cols*len(us))
	for i, u := range us {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(" + placeholders(i*cols+1, cols) + ")")
		args = append(args, u.ID, u.Code, nullString(u.AgencyCode), u.Name, vn.Fold(u.Name+" "+u.Code), string(u.Kind),
			nullString(u.ParentID), u.Path, u.ValidFrom, u.ValidTo, u.CreatedAt, u.UpdatedAt)
	}
	if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
		return fmt.Errorf("insert units %s…%s: %w", us[0].Code, us[len(us)-1].Code, err)
	}
	return nil
}
