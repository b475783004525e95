package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/qms"
	"github.com/motcua/motcua/internal/unit"
)

// Nonconformities and corrective actions (issue 8, part 3): raised by hand, from a missed
// objective or by the automatic raising (qms_raise.go); each step of the corrective
// action recorded with its audit event. The rules are package qms's.

// NCRow is a nonconformity with its unit and the names pages show.
type NCRow struct {
	qms.Nonconformity
	UnitName  string
	UnitPath  string
	OwnerName string
}

// NCFilter selects nonconformities.
type NCFilter struct {
	UnitID    string
	Under     []string
	Open      bool // not closed nor dismissed
	Statuses  []qms.NCStatus
	Source    qms.Source
	Month     qms.Month
	Year      int       // of the month
	OverdueOn unit.Date // only those whose action is overdue that day
	Limit     int
}

const ncColumns = `n.id, n.unit_id, n.source, n.month, COALESCE(n.auto_key, ''), n.title, n.description, n.evidence_count,
	n.status, COALESCE(n.raised_by, ''), n.raised_at, n.correction, n.root_cause, n.action, COALESCE(n.action_owner_id, ''),
	n.action_due_on, n.action_done_at, n.action_done_note, COALESCE(n.verified_by, ''), n.verified_at, n.verification,
	n.effective, COALESCE(n.closed_by, ''), n.closed_at, COALESCE(n.dismissed_by, ''), n.dismissed_at, n.dismiss_reason,
	COALESCE(n.audit_item_id, ''), n.created_at, n.updated_at, u.name, u.path,
	COALESCE((SELECT full_name FROM users x WHERE x.id = n.action_owner_id), '')`

func scanNC(row interface{ Scan(...any) error }) (NCRow, error) {
	var (
		n                              NCRow
		done, verified, closed, dismis sql.NullTime
	)
	err := row.Scan(&n.ID, &n.UnitID, &n.Source, &n.Month, &n.AutoKey, &n.Title, &n.Description, &n.EvidenceCount,
		&n.Status, &n.RaisedBy, &n.RaisedAt, &n.Correction, &n.RootCause, &n.Action, &n.ActionOwnerID,
		&n.ActionDueOn, &done, &n.ActionDoneNote, &n.VerifiedBy, &verified, &n.Verification,
		&n.Effective, &n.ClosedBy, &closed, &n.DismissedBy, &dismis, &n.DismissReason,
		&n.AuditItemID, &n.CreatedAt, &n.UpdatedAt, &n.UnitName, &n.UnitPath, &n.OwnerName)
	n.ActionDoneAt, n.VerifiedAt, n.ClosedAt, n.DismissedAt = done.Time, verified.Time, closed.Time, dismis.Time
	return n, err
}

// Nonconformities lists nonconformities, newest month first.
func (db *DB) Nonconformities(ctx context.Context, f NCFilter) ([]NCRow, error) {
	var c conds
	if f.UnitID != "" {
		c.add("n.unit_id = " + c.arg(f.UnitID))
	}
	c.under("u.path", f.Under)
	if f.Open {
		c.add(fmt.Sprintf("n.status NOT IN (%s, %s)", c.arg(string(qms.NCClosed)), c.arg(string(qms.NCDismissed))))
	}
	if len(f.Statuses) > 0 {
		var ph []string
		for _, s := range f.Statuses {
			ph = append(ph, c.arg(string(s)))
		}
		c.add("n.status IN (" + strings.Join(ph, ", ") + ")")
	}
	if f.Source != "" {
		c.add("n.source = " + c.arg(string(f.Source)))
	}
	if !f.Month.IsZero() {
		c.add("n.month = " + c.arg(f.Month.String()))
	}
	if f.Year != 0 {
		c.add("substr(n.month, 1, 4) = " + c.arg(fmt.Sprintf("%04d", f.Year)))
	}
	if !f.OverdueOn.IsZero() {
		c.add("n.status = " + c.arg(string(qms.NCPlanned)) + " AND n.action_due_on < " + c.arg(f.OverdueOn))
	}
	query := finishQuery(`SELECT `+ncColumns+` FROM qms_nonconformities n JOIN units u ON u.id = n.unit_id`, c.where,
		"n.month DESC, u.path, n.source, n.raised_at DESC, n.id", f.Limit)
	return queryAll(ctx, db.read, "nonconformities", scanNC, query, c.args...)
}

// Nonconformity returns one record.
func (db *DB) Nonconformity(ctx context.Context, id string) (NCRow, error) {
	return nonconformity(ctx, db.read, id)
}

func nonconformity(ctx context.Context, q querier, id string) (NCRow, error) {
	n, err := scanNC(q.QueryRowContext(ctx, `SELECT `+ncColumns+` FROM qms_nonconformities n JOIN units u ON u.id = n.unit_id
		WHERE n.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return n, failure.New(failure.NotFound, "", "qms.nc_not_found")
	}
	if err != nil {
		return n, fmt.Errorf("nonconformity %s: %w", id, err)
	}
	return n, nil
}

// NCEvidence lists what a nonconformity rests on, in time order.
func (db *DB) NCEvidence(ctx context.Context, ncID string) ([]qms.Evidence, error) {
	return queryAll(ctx, db.read, "evidence", func(row interface{ Scan(...any) error }) (qms.Evidence, error) {
		var (
			e  qms.Evidence
			at sql.NullTime
		)
		err := row.Scan(&e.ID, &e.NCID, &e.UnitID, &e.Kind, &e.RefID, &e.Label, &at)
		e.At = at.Time
		return e, err
	}, `SELECT id, nc_id, unit_id, kind, ref_id, label, at FROM qms_nc_evidence WHERE nc_id = $1
		ORDER BY at, label, id`, ncID)
}

// RaiseNonconformity records a nonconformity raised by hand (a complaint, an external
// finding, anything else), in the month of its raising.
func (db *DB) RaiseNonconformity(ctx context.Context, n *qms.Nonconformity, actorID string) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := unitIn(ctx, tx, n.UnitID); err != nil {
			return err
		}
		now := db.Now()
		n.ID, n.Status, n.RaisedBy, n.RaisedAt, n.Month = NewID(), qms.NCOpen, actorID, now, qms.MonthOf(now)
		if err := insertNC(ctx, tx, *n); err != nil {
			return err
		}
		return db.auditIn(ctx, tx, AuditEvent{ActorID: actorID, UnitID: n.UnitID, Action: "qms.nc_raise",
			ObjectType: "qms_nonconformity", ObjectID: n.ID, Detail: string(n.Source) + ": " + n.Title})
	})
	if err != nil {
		return fmt.Errorf("raise nonconformity: %w", err)
	}
	return nil
}

// insertNC writes a new record raised by hand.
func insertNC(ctx context.Context, tx *sql.Tx, n qms.Nonconformity) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO qms_nonconformities (id, unit_id, source, month, auto_key, title, description,
		evidence_count, status, raised_by, raised_at, correction, root_cause, action, action_done_note, verification,
		effective, dismiss_reason, audit_item_id, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, '', '', '', '', '', $12, '', $13, $11, $11)`,
		n.ID, n.UnitID, string(n.Source), n.Month.String(), nullString(n.AutoKey), n.Title, n.Description, n.EvidenceCount,
		string(n.Status), nullString(n.RaisedBy), n.RaisedAt, false, nullString(n.AuditItemID))
	if err != nil {
		return fmt.Errorf("insert nonconformity: %w", err)
	}
	return nil
}

// ncStep loads a record in a transaction, checks it, applies the change and writes the
// audit event.
func (db *DB) ncStep(ctx context.Context, id, actorID, action string, check func(NCRow) error,
	apply func(tx *sql.Tx, n NCRow, now time.Time) (string, error)) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		n, err := nonconformity(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := check(n); err != nil {
			return err
		}
		now := db.Now()
		detail, err := apply(tx, n, now)
		if err != nil {
			return err
		}
		return db.auditIn(ctx, tx, AuditEvent{ActorID: actorID, UnitID: n.UnitID, Action: action,
			ObjectType: "qms_nonconformity", ObjectID: n.ID, Detail: detail})
	})
	if err != nil {
		return fmt.Errorf("%s %s: %w", action, id, err)
	}
	return nil
}

// PlanNonconformity records (or revises, before it is implemented) the correction, root
// cause and corrective action, with its owner (an official of the unit) and due day.
func (db *DB) PlanNonconformity(ctx context.Context, id string, p qms.Plan, actorID string) error {
	p.Normalize()
	return db.ncStep(ctx, id, actorID, "qms.nc_plan", func(n NCRow) error { return n.CanPlan(p) },
		func(tx *sql.Tx, n NCRow, now time.Time) (string, error) {
			ok, err := unitOfficial(ctx, tx, p.OwnerID, n.UnitPath)
			if err != nil {
				return "", err
			}
			if !ok {
				return "", failure.InvalidField("owner_id", "qms.not_unit_official")
			}
			if _, err := tx.ExecContext(ctx, `UPDATE qms_nonconformities SET correction = $2, root_cause = $3, action = $4,
				action_owner_id = $5, action_due_on = $6, status = $7, updated_at = $8 WHERE id = $1`,
				n.ID, p.Correction, p.RootCause, p.Action, p.OwnerID, p.DueOn, string(qms.NCPlanned), now); err != nil {
				return "", fmt.Errorf("plan: %w", err)
			}
			return fmt.Sprintf("due %s, owner %s\n%s", p.DueOn, p.OwnerID, p.Action), nil
		})
}

// ImplementAction records that the corrective action was done.
func (db *DB) ImplementAction(ctx context.Context, id, note, actorID string) error {
	note = strings.TrimSpace(note)
	return db.ncStep(ctx, id, actorID, "qms.nc_implement", func(n NCRow) error { return n.CanImplement(note) },
		func(tx *sql.Tx, n NCRow, now time.Time) (string, error) {
			if _, err := tx.ExecContext(ctx, `UPDATE qms_nonconformities SET action_done_at = $2, action_done_note = $3,
				status = $4, updated_at = $2 WHERE id = $1`, n.ID, now, note, string(qms.NCImplemented)); err != nil {
				return "", fmt.Errorf("implement: %w", err)
			}
			return note, nil
		})
}

// VerifyAction records the verification of effectiveness by someone other than the
// action's owner. Effective, the record may be closed; not effective, the action goes
// back to planned and must be revised and done again.
func (db *DB) VerifyAction(ctx context.Context, id string, effective bool, text, actorID string) error {
	text = strings.TrimSpace(text)
	return db.ncStep(ctx, id, actorID, "qms.nc_verify", func(n NCRow) error { return n.CanVerify(actorID, text) },
		func(tx *sql.Tx, n NCRow, now time.Time) (string, error) {
			status := qms.NCVerified
			q := `UPDATE qms_nonconformities SET verified_by = $2, verified_at = $3, verification = $4, effective = $5,
				status = $6, updated_at = $3`
			if !effective {
				status = qms.NCPlanned
				q += `, action_done_at = NULL`
			}
			if _, err := tx.ExecContext(ctx, q+` WHERE id = $1`, n.ID, actorID, now, text, effective, string(status)); err != nil {
				return "", fmt.Errorf("verify: %w", err)
			}
			return fmt.Sprintf("effective: %v\n%s", effective, text), nil
		})
}

// CloseNonconformity closes a record whose action was verified effective; anything else
// is refused.
func (db *DB) CloseNonconformity(ctx context.Context, id, actorID string) error {
	return db.ncStep(ctx, id, actorID, "qms.nc_close", func(n NCRow) error { return n.CanClose() },
		func(tx *sql.Tx, n NCRow, now time.Time) (string, error) {
			_, err := tx.ExecContext(ctx, `UPDATE qms_nonconformities SET status = $2, closed_by = $3, closed_at = $4,
				updated_at = $4 WHERE id = $1`, n.ID, string(qms.NCClosed), actorID, now)
			return "", err
		})
}

// DismissNonconformity sets aside a record that is not a nonconformity, with the reason.
// An automatic record stays dismissed: raising again adds its new evidence but never
// reopens it.
func (db *DB) DismissNonconformity(ctx context.Context, id, reason, actorID string) error {
	reason = strings.TrimSpace(reason)
	return db.ncStep(ctx, id, actorID, "qms.nc_dismiss", func(n NCRow) error { return n.CanDismiss(reason) },
		func(tx *sql.Tx, n NCRow, now time.Time) (string, error) {
			_, err := tx.ExecContext(ctx, `UPDATE qms_nonconformities SET status = $2, dismissed_by = $3, dismissed_at = $4,
				dismiss_reason = $5, updated_at = $4 WHERE id = $1`, n.ID, string(qms.NCDismissed), actorID, now, reason)
			return reason, err
		})
}

// RaiseForObjective records a missed month of an objective as a nonconformity: the
// unit's grouped record of missed objectives for that month (created if needed) gets the
// objective as evidence. A month not missed is refused, and so is one whose record was
// dismissed. It returns the record's ID.
func (db *DB) RaiseForObjective(ctx context.Context, objectiveID string, m qms.Month, today unit.Date, actorID string) (string, error) {
	o, err := db.Objective(ctx, objectiveID)
	if err != nil {
		return "", err
	}
	if m.Year != o.Year {
		return "", failure.InvalidField("month", "qms.objective_month_invalid")
	}
	rs, err := db.ObjectiveResults(ctx, o, today)
	if err != nil {
		return "", err
	}
	r := rs[int(m.Month)-1]
	if !r.Missed {
		return "", failure.New(failure.Conflict, "month", "qms.objective_not_missed", m.Display())
	}
	var id string
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		g := ncGroup{unitID: o.UnitID, source: qms.SourceObjective, month: m,
			items: []qms.Evidence{objectiveEvidence(o.Objective, r)}}
		n, added, _, err := db.raiseGroup(ctx, tx, g, actorID)
		if err != nil {
			return err
		}
		if n.Status == qms.NCDismissed && added > 0 {
			return failure.New(failure.Conflict, "", "qms.nc_dismissed_month", m.Display())
		}
		id = n.ID
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("raise for objective %s: %w", objectiveID, err)
	}
	return id, nil
}

// objectiveEvidence is an objective's missed month as evidence.
func objectiveEvidence(o qms.Objective, r qms.Result) qms.Evidence {
	return qms.Evidence{Kind: qms.EvidenceObjective, RefID: o.ID, At: r.Month.End().Add(-time.Second),
		Label: fmt.Sprintf("%s: %s (%s %s)", o.Title, trimFloat(r.Value)+o.UnitLabel, o.Comparison.Symbol(),
			trimFloat(o.Target)+o.UnitLabel)}
}

// trimFloat writes a number with at most two decimals.
func trimFloat(v float64) string {
	s := fmt.Sprintf("%.2f", v)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}
