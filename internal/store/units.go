package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/vn"
)

const unitColumns = `u.id, u.code, COALESCE(u.agency_code, ''), u.name, u.kind, COALESCE(u.parent_id, ''),
	u.path, u.valid_from, u.valid_to, u.created_at, u.updated_at`

func scanUnit(row interface{ Scan(...any) error }) (unit.Unit, error) {
	var u unit.Unit
	err := row.Scan(&u.ID, &u.Code, &u.AgencyCode, &u.Name, &u.Kind, &u.ParentID,
		&u.Path, &u.ValidFrom, &u.ValidTo, &u.CreatedAt, &u.UpdatedAt)
	return u, err
}

// CreateUnit validates and inserts a unit, computing its path from its parent, and records
// its successors. The unit's ID is set when empty.
func (db *DB) CreateUnit(ctx context.Context, u *unit.Unit) error {
	u.Normalize()
	if err := u.Validate(); err != nil {
		return err
	}
	if u.ID == "" {
		u.ID = NewID()
	}
	now := db.Now()
	u.CreatedAt, u.UpdatedAt = now, now
	err := db.inCatalogTx(ctx, func(tx *sql.Tx) error {
		parent, err := parentFor(ctx, tx, *u)
		if err != nil {
			return err
		}
		u.Path = parent.Path + u.ID + "/"
		if parent.ID == "" {
			u.Path = "/" + u.ID + "/"
		}
		if err := checkUnitUnique(ctx, tx, *u); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO units
			(id, code, agency_code, name, search_text, kind, parent_id, path, valid_from, valid_to, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			u.ID, u.Code, nullString(u.AgencyCode), u.Name, vn.Fold(u.Name+" "+u.Code), string(u.Kind),
			nullString(u.ParentID), u.Path, u.ValidFrom, u.ValidTo, now, now)
		if err != nil {
			return fmt.Errorf("insert unit %s: %w", u.Code, err)
		}
		return setSuccessors(ctx, tx, u.ID, u.Successors)
	})
	if err != nil {
		return fmt.Errorf("create unit %s: %w", u.Code, err)
	}
	return nil
}

// UpdateUnit saves changed fields of an existing unit. Moving it under another parent
// rewrites the paths of its whole subtree; a move under itself or its own descendant is
// rejected as a cycle.
func (db *DB) UpdateUnit(ctx context.Context, u *unit.Unit) error {
	u.Normalize()
	if err := u.Validate(); err != nil {
		return err
	}
	err := db.inCatalogTx(ctx, func(tx *sql.Tx) error {
		old, err := scanUnit(tx.QueryRowContext(ctx, `SELECT `+unitColumns+` FROM units u WHERE u.id = $1`, u.ID))
		if errors.Is(err, sql.ErrNoRows) {
			return failure.New(failure.NotFound, "", "unit.not_found")
		}
		if err != nil {
			return fmt.Errorf("load unit: %w", err)
		}
		parent, err := parentFor(ctx, tx, *u)
		if err != nil {
			return err
		}
		if parent.ID != "" && strings.HasPrefix(parent.Path, old.Path) {
			return failure.InvalidField("parent_id", "unit.cycle")
		}
		newPath := "/" + u.ID + "/"
		if parent.ID != "" {
			newPath = parent.Path + u.ID + "/"
		}
		u.Path = newPath
		if err := checkUnitUnique(ctx, tx, *u); err != nil {
			return err
		}
		if err := checkChildrenFit(ctx, tx, *u); err != nil {
			return err
		}
		u.CreatedAt, u.UpdatedAt = old.CreatedAt, db.Now()
		_, err = tx.ExecContext(ctx, `UPDATE units SET code = $2, agency_code = $3, name = $4, search_text = $5,
			kind = $6, parent_id = $7, valid_from = $8, valid_to = $9, updated_at = $10 WHERE id = $1`,
			u.ID, u.Code, nullString(u.AgencyCode), u.Name, vn.Fold(u.Name+" "+u.Code), string(u.Kind),
			nullString(u.ParentID), u.ValidFrom, u.ValidTo, u.UpdatedAt)
		if err != nil {
			return fmt.Errorf("update unit: %w", err)
		}
		if newPath != old.Path {
			if err := movePaths(ctx, tx, old.Path, newPath); err != nil {
				return err
			}
		}
		return setSuccessors(ctx, tx, u.ID, u.Successors)
	})
	if err != nil {
		return fmt.Errorf("update unit %s: %w", u.Code, err)
	}
	return nil
}

// movePaths rewrites the materialised path prefix of a whole subtree.
func movePaths(ctx context.Context, tx *sql.Tx, oldPrefix, newPrefix string) error {
	_, err := tx.ExecContext(ctx, `UPDATE units SET path = $2 || substr(path, $3)
		WHERE substr(path, 1, $4) = $1`, oldPrefix, newPrefix, len(oldPrefix)+1, len(oldPrefix))
	if err != nil {
		return fmt.Errorf("move subtree paths: %w", err)
	}
	return nil
}

// parentFor loads the unit's parent and checks that it may hold a unit of this kind. A unit
// without a parent gets an empty parent.
func parentFor(ctx context.Context, q querier, u unit.Unit) (unit.Unit, error) {
	if u.ParentID == "" {
		if !unit.CanHold("", u.Kind) {
			return unit.Unit{}, failure.InvalidField("parent_id", "unit.parent_required")
		}
		return unit.Unit{}, nil
	}
	if u.ParentID == u.ID {
		return unit.Unit{}, failure.InvalidField("parent_id", "unit.cycle")
	}
	parent, err := scanUnit(q.QueryRowContext(ctx, `SELECT `+unitColumns+` FROM units u WHERE u.id = $1`, u.ParentID))
	if errors.Is(err, sql.ErrNoRows) {
		return unit.Unit{}, failure.InvalidField("parent_id", "unit.parent_not_found")
	}
	if err != nil {
		return unit.Unit{}, fmt.Errorf("load parent: %w", err)
	}
	if !unit.CanHold(parent.Kind, u.Kind) {
		return unit.Unit{}, failure.InvalidField("parent_id", "unit.parent_kind", string(parent.Kind), string(u.Kind))
	}
	return parent, nil
}

// checkChildrenFit rejects a kind change that would leave existing children under a parent
// kind that cannot hold them.
func checkChildrenFit(ctx context.Context, q querier, u unit.Unit) error {
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT kind FROM units WHERE parent_id = $1`, u.ID)
	if err != nil {
		return fmt.Errorf("child kinds: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k unit.Kind
		if err := rows.Scan(&k); err != nil {
			return fmt.Errorf("child kinds: %w", err)
		}
		if !unit.CanHold(u.Kind, k) {
			return failure.InvalidField("kind", "unit.children_kind", string(k))
		}
	}
	return rows.Err()
}

// checkUnitUnique rejects a second unit with the same agency identifier, and a code that
// another unit holds over an overlapping period (codes are reused after mergers, so only
// overlapping validity counts as a duplicate).
func checkUnitUnique(ctx context.Context, q querier, u unit.Unit) error {
	if u.AgencyCode != "" {
		var n int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM units WHERE agency_code = $1 AND id <> $2`,
			u.AgencyCode, u.ID).Scan(&n); err != nil {
			return fmt.Errorf("check agency code: %w", err)
		}
		if n > 0 {
			return failure.New(failure.Conflict, "agency_code", "unit.agency_code_taken", u.AgencyCode)
		}
	}
	rows, err := q.QueryContext(ctx, `SELECT valid_from, valid_to FROM units WHERE code = $1 AND id <> $2`, u.Code, u.ID)
	if err != nil {
		return fmt.Errorf("check code: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var from, to unit.Date
		if err := rows.Scan(&from, &to); err != nil {
			return fmt.Errorf("check code: %w", err)
		}
		if overlaps(u.ValidFrom, u.ValidTo, from, to) {
			return failure.New(failure.Conflict, "code", "unit.code_taken", u.Code)
		}
	}
	return rows.Err()
}

// overlaps reports whether [aFrom, aTo) and [bFrom, bTo) share a day; a zero end is open.
func overlaps(aFrom, aTo, bFrom, bTo unit.Date) bool {
	aEndsBefore := !aTo.IsZero() && !bFrom.Before(aTo)
	bEndsBefore := !bTo.IsZero() && !aFrom.Before(bTo)
	return !aEndsBefore && !bEndsBefore
}

func setSuccessors(ctx context.Context, tx *sql.Tx, id string, successors []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM unit_successors WHERE unit_id = $1`, id); err != nil {
		return fmt.Errorf("clear successors: %w", err)
	}
	seen := map[string]bool{}
	for _, s := range successors {
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		if s == id {
			return failure.InvalidField("successors", "unit.successor_self")
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM units WHERE id = $1`, s).Scan(&n); err != nil {
			return fmt.Errorf("check successor: %w", err)
		}
		if n == 0 {
			return failure.InvalidField("successors", "unit.successor_not_found")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO unit_successors (unit_id, successor_id) VALUES ($1, $2)`, id, s); err != nil {
			return fmt.Errorf("insert successor: %w", err)
		}
	}
	return nil
}

// Unit returns one unit with its successors.
func (db *DB) Unit(ctx context.Context, id string) (unit.Unit, error) {
	u, err := scanUnit(db.read.QueryRowContext(ctx, `SELECT `+unitColumns+` FROM units u WHERE u.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return unit.Unit{}, failure.New(failure.NotFound, "", "unit.not_found")
	}
	if err != nil {
		return unit.Unit{}, fmt.Errorf("get unit %s: %w", id, err)
	}
	u.Successors, err = db.successors(ctx, id)
	return u, err
}

// requireUnit checks through q that a unit exists, answering an invalid field (the unit
// is named in a form or a body) when it does not.
func requireUnit(ctx context.Context, q querier, id, field string) error {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM units WHERE id = $1`, id).Scan(&n); err != nil {
		return fmt.Errorf("check unit %s: %w", id, err)
	}
	if n == 0 {
		return failure.InvalidField(field, "unit.not_found")
	}
	return nil
}

// UnitByAgencyCode finds an agency by its electronic identifier.
func (db *DB) UnitByAgencyCode(ctx context.Context, code string) (unit.Unit, error) {
	u, err := scanUnit(db.read.QueryRowContext(ctx, `SELECT `+unitColumns+` FROM units u WHERE u.agency_code = $1`,
		strings.ToUpper(strings.TrimSpace(code))))
	if errors.Is(err, sql.ErrNoRows) {
		return unit.Unit{}, failure.New(failure.NotFound, "", "unit.not_found")
	}
	if err != nil {
		return unit.Unit{}, fmt.Errorf("get unit by agency code %s: %w", code, err)
	}
	return u, nil
}

// UnitByCode finds the unit holding an administrative code on a day.
func (db *DB) UnitByCode(ctx context.Context, code string, on unit.Date) (unit.Unit, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+unitColumns+` FROM units u WHERE u.code = $1`, strings.TrimSpace(code))
	if err != nil {
		return unit.Unit{}, fmt.Errorf("get unit by code %s: %w", code, err)
	}
	defer rows.Close()
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return unit.Unit{}, fmt.Errorf("get unit by code %s: %w", code, err)
		}
		if u.ActiveOn(on) {
			return u, nil
		}
	}
	if err := rows.Err(); err != nil {
		return unit.Unit{}, fmt.Errorf("get unit by code %s: %w", code, err)
	}
	return unit.Unit{}, failure.New(failure.NotFound, "", "unit.not_found")
}

func (db *DB) successors(ctx context.Context, id string) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT successor_id FROM unit_successors WHERE unit_id = $1 ORDER BY successor_id`, id)
	if err != nil {
		return nil, fmt.Errorf("successors of %s: %w", id, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("successors of %s: %w", id, err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// UnitFilter selects units for ListUnits.
type UnitFilter struct {
	Under    []string    // materialised paths; empty means everywhere
	ActiveOn unit.Date   // zero: any time
	Query    string      // folded-diacritics search on name and code
	Kinds    []unit.Kind // empty: every kind
	ParentID string      // only direct children of this unit
	Limit    int         // 0: no limit
}

// ListUnits returns units matching the filter, ordered by path (parents before children,
// siblings by creation order of their IDs).
func (db *DB) ListUnits(ctx context.Context, f UnitFilter) ([]unit.Unit, error) {
	var c conds
	c.under("u.path", f.Under)
	if !f.ActiveOn.IsZero() {
		d := c.arg(f.ActiveOn)
		c.add(fmt.Sprintf("u.valid_from <= %s AND (u.valid_to IS NULL OR u.valid_to > %s)", d, d))
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		c.add("u.search_text LIKE " + c.arg(vn.LikePattern(q)) + ` ESCAPE '\'`)
	}
	if len(f.Kinds) > 0 {
		var ks []string
		for _, k := range f.Kinds {
			ks = append(ks, c.arg(string(k)))
		}
		c.add("u.kind IN (" + strings.Join(ks, ", ") + ")")
	}
	if f.ParentID != "" {
		c.add("u.parent_id = " + c.arg(f.ParentID))
	}
	query := finishQuery(`SELECT `+unitColumns+` FROM units u`, c.where, "u.path", f.Limit)
	return queryAll(ctx, db.read, "list units", scanUnit, query, c.args...)
}

// UnitNames returns id → name for the given units, for labelling lists cheaply.
func (db *DB) UnitNames(ctx context.Context, ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := db.readRows(ctx, `SELECT id, name FROM units WHERE id IN (`+placeholders(1, len(ids))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("unit names: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, fmt.Errorf("unit names: %w", err)
		}
		out[id] = name
	}
	return out, rows.Err()
}

// CountUnits returns how many units exist, which tells whether a database is empty.
func (db *DB) CountUnits(ctx context.Context) (int, error) {
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM units`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count units: %w", err)
	}
	return n, nil
}
