package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/qms"
	"github.com/motcua/motcua/internal/unit"
)

// Declarations of conformity (issue 8, part 7): the head's decision that the unit's QMS
// conforms, with the procedures in scope on its day, and what changed since.

const declarationColumns = `id, unit_id, number, decided_on, signer, scope, procedures, COALESCE(replaces_id, ''),
	COALESCE(created_by, ''), created_at`

func scanDeclaration(row interface{ Scan(...any) error }) (qms.Declaration, error) {
	var (
		d     qms.Declaration
		procs string
	)
	if err := row.Scan(&d.ID, &d.UnitID, &d.Number, &d.DecidedOn, &d.Signer, &d.Scope, &procs, &d.ReplacesID, &d.CreatedBy,
		&d.CreatedAt); err != nil {
		return d, err
	}
	if err := json.Unmarshal([]byte(procs), &d.Procedures); err != nil {
		return d, fmt.Errorf("declaration %s procedures: %w", d.ID, err)
	}
	return d, nil
}

// PublishedCodes lists the codes of the procedures published on day on by the unit whose
// path is given or by units below it: the scope of its QMS that day.
func (db *DB) PublishedCodes(ctx context.Context, path string, on unit.Date) ([]string, error) {
	pubs, err := db.Publications(ctx, PublicationFilter{Under: []string{path}, ActiveOn: on})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, p := range pubs {
		if !slices.Contains(out, p.Code) {
			out = append(out, p.Code)
		}
	}
	slices.Sort(out)
	return out, nil
}

// CreateDeclaration records a declaration of conformity with the procedures the unit
// publishes on its day; it replaces the unit's latest one.
func (db *DB) CreateDeclaration(ctx context.Context, d *qms.Declaration, actorID string) error {
	d.Normalize()
	if err := d.Validate(); err != nil {
		return err
	}
	u, err := db.Unit(ctx, d.UnitID)
	if failure.Is(err, failure.NotFound) {
		return failure.InvalidField("unit_id", "unit.not_found")
	}
	if err != nil {
		return err
	}
	if d.Procedures, err = db.PublishedCodes(ctx, u.Path, d.DecidedOn); err != nil {
		return err
	}
	if d.Procedures == nil {
		d.Procedures = []string{}
	}
	procs, err := json.Marshal(d.Procedures)
	if err != nil {
		return fmt.Errorf("declaration procedures: %w", err)
	}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		var latest string
		err := tx.QueryRowContext(ctx, `SELECT id FROM qms_declarations WHERE unit_id = $1 ORDER BY decided_on DESC,
			created_at DESC LIMIT 1`, d.UnitID).Scan(&latest)
		if err != nil && err != sql.ErrNoRows {
			return fmt.Errorf("latest declaration: %w", err)
		}
		now := db.Now()
		d.ID, d.ReplacesID, d.CreatedBy, d.CreatedAt = NewID(), latest, actorID, now
		if _, err := tx.ExecContext(ctx, `INSERT INTO qms_declarations (id, unit_id, number, decided_on, signer, scope, procedures,
			replaces_id, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, d.ID, d.UnitID, d.Number,
			d.DecidedOn, d.Signer, d.Scope, string(procs), nullString(latest), nullString(actorID), now); err != nil {
			return fmt.Errorf("insert declaration: %w", err)
		}
		return db.auditIn(ctx, tx, AuditEvent{ActorID: actorID, UnitID: d.UnitID, Action: "qms.declaration",
			ObjectType: "qms_declaration", ObjectID: d.ID, Detail: fmt.Sprintf("%s %s, %d procedures: %s", d.Number, d.DecidedOn,
				len(d.Procedures), strings.Join(d.Procedures, ", "))})
	})
	if err != nil {
		return fmt.Errorf("create declaration: %w", err)
	}
	return nil
}

// Declarations lists a unit's declarations, the latest first.
func (db *DB) Declarations(ctx context.Context, unitID string) ([]qms.Declaration, error) {
	return queryAll(ctx, db.read, "declarations", scanDeclaration, `SELECT `+declarationColumns+` FROM qms_declarations
		WHERE unit_id = $1 ORDER BY decided_on DESC, created_at DESC`, unitID)
}

// LatestDeclarations returns, per unit ID, the latest declaration of the units under the
// paths (everywhere when empty).
func (db *DB) LatestDeclarations(ctx context.Context, under []string) (map[string]qms.Declaration, error) {
	var c conds
	c.under("u.path", under)
	query := `SELECT d.id, d.unit_id, d.number, d.decided_on, d.signer, d.scope, d.procedures, COALESCE(d.replaces_id, ''),
		COALESCE(d.created_by, ''), d.created_at FROM qms_declarations d JOIN units u ON u.id = d.unit_id`
	list, err := queryAll(ctx, db.read, "declarations", scanDeclaration, finishQuery(query, c.where,
		"d.unit_id, d.decided_on, d.created_at", 0), c.args...)
	if err != nil {
		return nil, err
	}
	out := map[string]qms.Declaration{}
	for _, d := range list {
		out[d.UnitID] = d // the last of each unit wins
	}
	return out, nil
}
