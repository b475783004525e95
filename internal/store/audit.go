package store

import (
	"context"
	"fmt"
	"time"
)

// AuditEvent records who changed what, for administrators and later for the QMS records.
type AuditEvent struct {
	ID         string
	At         time.Time
	ActorID    string
	UnitID     string
	Action     string // e.g. "user.create", "unit.update"
	ObjectType string
	ObjectID   string
	Detail     string
}

// Audit appends an event.
func (db *DB) Audit(ctx context.Context, e AuditEvent) error {
	return db.auditIn(ctx, db.write, e)
}

// auditIn appends an event through q: inside a transaction, the change and its record
// commit (or roll back) together.
func (db *DB) auditIn(ctx context.Context, q querier, e AuditEvent) error {
	if e.ID == "" {
		e.ID = NewID()
	}
	if e.At.IsZero() {
		e.At = db.Now()
	}
	_, err := q.ExecContext(ctx, `INSERT INTO audit_events (id, at, actor_id, unit_id, action, object_type, object_id, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		e.ID, e.At.UTC(), nullString(e.ActorID), nullString(e.UnitID), e.Action, e.ObjectType, e.ObjectID, e.Detail)
	if err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}

// AuditTrail returns the events about one object, newest first.
func (db *DB) AuditTrail(ctx context.Context, objectType, objectID string, limit int) ([]AuditEvent, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := db.read.QueryContext(ctx, fmt.Sprintf(`SELECT id, at, COALESCE(actor_id, ''), COALESCE(unit_id, ''), action,
		object_type, object_id, detail FROM audit_events WHERE object_type = $1 AND object_id = $2
		ORDER BY at DESC, id DESC LIMIT %d`, limit), objectType, objectID)
	if err != nil {
		return nil, fmt.Errorf("audit trail: %w", err)
	}
	defer rows.Close()
	var out []AuditEvent
	for rows.Next() {
		var e AuditEvent
		if err := rows.Scan(&e.ID, &e.At, &e.ActorID, &e.UnitID, &e.Action, &e.ObjectType, &e.ObjectID, &e.Detail); err != nil {
			return nil, fmt.Errorf("audit trail: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
