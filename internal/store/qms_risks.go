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

// The register of risks and opportunities (issue 8, part 3; clause 6.1): entries per unit
// and process, their periodic reviews, and the history of every change field by field
// (qms_risk_history), beside the audit log's one event per step. The rules are package
// qms's.

// RiskRow is an entry with its unit and the names pages show.
type RiskRow struct {
	qms.Risk
	UnitName   string
	UnitPath   string
	OwnerName  string
	OwnerEmail string
}

// RiskFilter selects entries of the register.
type RiskFilter struct {
	UnitID    string
	Under     []string
	Open      bool // not closed
	Statuses  []qms.RiskStatus
	Kind      qms.RiskKind
	Level     qms.RiskLevel
	OwnerID   string
	OverdueOn unit.Date // only those whose treatment is overdue that day
	Limit     int
}

const riskColumns = `r.id, r.unit_id, r.kind, r.process, r.procedure_code, r.description, r.cause, r.likelihood, r.impact,
	r.treatment, COALESCE(r.owner_id, ''), r.due_on, r.status, r.reviewed_on, COALESCE(r.created_by, ''), r.created_at,
	r.updated_at, u.name, u.path, COALESCE(o.full_name, ''), COALESCE(o.email, '')`

const riskFrom = ` FROM qms_risks r JOIN units u ON u.id = r.unit_id LEFT JOIN users o ON o.id = r.owner_id`

func scanRisk(row interface{ Scan(...any) error }) (RiskRow, error) {
	var r RiskRow
	err := row.Scan(&r.ID, &r.UnitID, &r.Kind, &r.Process, &r.ProcedureCode, &r.Description, &r.Cause, &r.Likelihood,
		&r.Impact, &r.Treatment, &r.OwnerID, &r.DueOn, &r.Status, &r.ReviewedOn, &r.CreatedBy, &r.CreatedAt, &r.UpdatedAt,
		&r.UnitName, &r.UnitPath, &r.OwnerName, &r.OwnerEmail)
	return r, err
}

// Risks lists entries of the register, the highest score first, then by due day.
func (db *DB) Risks(ctx context.Context, f RiskFilter) ([]RiskRow, error) {
	var c conds
	if f.UnitID != "" {
		c.add("r.unit_id = " + c.arg(f.UnitID))
	}
	c.under("u.path", f.Under)
	if f.Open {
		c.add("r.status <> " + c.arg(string(qms.RiskClosed)))
	}
	if len(f.Statuses) > 0 {
		ph := make([]string, len(f.Statuses))
		for i, s := range f.Statuses {
			ph[i] = c.arg(string(s))
		}
		c.add("r.status IN (" + strings.Join(ph, ", ") + ")")
	}
	if f.Kind != "" {
		c.add("r.kind = " + c.arg(string(f.Kind)))
	}
	if f.Level != "" {
		lo, hi := qms.ScoreRange(f.Level)
		c.add("r.likelihood * r.impact BETWEEN " + c.arg(lo) + " AND " + c.arg(hi))
	}
	if f.OwnerID != "" {
		c.add("r.owner_id = " + c.arg(f.OwnerID))
	}
	if !f.OverdueOn.IsZero() {
		c.add(fmt.Sprintf("r.status IN (%s, %s) AND r.due_on < %s", c.arg(string(qms.RiskOpen)),
			c.arg(string(qms.RiskTreating)), c.arg(f.OverdueOn)))
	}
	query := finishQuery(`SELECT `+riskColumns+riskFrom, c.where,
		"r.likelihood * r.impact DESC, COALESCE(r.due_on, '9999-12-31'), u.path, r.created_at, r.id", f.Limit)
	return queryAll(ctx, db.read, "risks", scanRisk, query, c.args...)
}

// Risk returns one entry.
func (db *DB) Risk(ctx context.Context, id string) (RiskRow, error) { return risk(ctx, db.read, id) }

func risk(ctx context.Context, q querier, id string) (RiskRow, error) {
	r, err := scanRisk(q.QueryRowContext(ctx, `SELECT `+riskColumns+riskFrom+` WHERE r.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, failure.New(failure.NotFound, "", "qms.risk_not_found")
	}
	if err != nil {
		return r, fmt.Errorf("risk %s: %w", id, err)
	}
	return r, nil
}

// checkRiskRefs checks what an entry names outside itself: its owner is an active
// official of the unit (or of a unit above it), its procedure is in the catalog.
func checkRiskRefs(ctx context.Context, q querier, r, old qms.Risk, unitPath string) error {
	var errs failure.List
	if r.OwnerID != "" && r.OwnerID != old.OwnerID {
		ok, err := unitOfficial(ctx, q, r.OwnerID, unitPath)
		if err != nil {
			return err
		}
		if !ok {
			errs = append(errs, failure.InvalidField("owner_id", "qms.not_unit_official"))
		}
	}
	if r.ProcedureCode != "" && r.ProcedureCode != old.ProcedureCode {
		err := checkProcedureCode(ctx, q, r.ProcedureCode)
		if _, ok := failure.As(err); ok {
			errs = append(errs, failure.Fields(err)...)
		} else if err != nil {
			return err
		}
	}
	return errs.Err()
}

// CreateRisk records a new entry of a unit's register, its history starting with every
// field it was given.
func (db *DB) CreateRisk(ctx context.Context, r *qms.Risk, actorID string) error {
	r.Normalize()
	if r.Status == "" {
		r.Status = qms.RiskOpen
	}
	verr := r.Validate()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		u, err := unitIn(ctx, tx, r.UnitID)
		if err != nil {
			return err
		}
		if err := failure.Join(verr, checkRiskRefs(ctx, tx, *r, qms.Risk{}, u.Path)); err != nil {
			return err
		}
		now := db.Now()
		r.ID, r.CreatedBy, r.CreatedAt, r.UpdatedAt, r.ReviewedOn = NewID(), actorID, now, now, unit.Date{}
		if _, err := tx.ExecContext(ctx, `INSERT INTO qms_risks (id, unit_id, kind, process, procedure_code, description,
			cause, likelihood, impact, treatment, owner_id, due_on, status, reviewed_on, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, NULL, $14, $15, $15)`,
			r.ID, r.UnitID, string(r.Kind), r.Process, r.ProcedureCode, r.Description, r.Cause, r.Likelihood, r.Impact,
			r.Treatment, nullString(r.OwnerID), r.DueOn, string(r.Status), nullString(actorID), now); err != nil {
			return fmt.Errorf("insert risk: %w", err)
		}
		return db.riskLogged(ctx, tx, *r, "create", actorID, now, qms.RiskChanges(qms.Risk{}, *r))
	})
	if err != nil {
		return fmt.Errorf("create risk: %w", err)
	}
	return nil
}

// UpdateRisk saves an entry's fields (all but its unit and its reviews) and logs what
// changed; saving it unchanged writes nothing.
func (db *DB) UpdateRisk(ctx context.Context, in qms.Risk, actorID string) error {
	in.Normalize()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		cur, err := risk(ctx, tx, in.ID)
		if err != nil {
			return err
		}
		next := cur.Risk
		next.Kind, next.Process, next.ProcedureCode, next.Description, next.Cause = in.Kind, in.Process, in.ProcedureCode,
			in.Description, in.Cause
		next.Likelihood, next.Impact, next.Treatment, next.OwnerID, next.DueOn, next.Status = in.Likelihood, in.Impact,
			in.Treatment, in.OwnerID, in.DueOn, in.Status
		if err := failure.Join(next.Validate(), checkRiskRefs(ctx, tx, next, cur.Risk, cur.UnitPath)); err != nil {
			return err
		}
		changes := qms.RiskChanges(cur.Risk, next)
		if len(changes) == 0 {
			return nil
		}
		now := db.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE qms_risks SET kind = $2, process = $3, procedure_code = $4, description = $5,
			cause = $6, likelihood = $7, impact = $8, treatment = $9, owner_id = $10, due_on = $11, status = $12,
			updated_at = $13 WHERE id = $1`, next.ID, string(next.Kind), next.Process, next.ProcedureCode, next.Description,
			next.Cause, next.Likelihood, next.Impact, next.Treatment, nullString(next.OwnerID), next.DueOn,
			string(next.Status), now); err != nil {
			return fmt.Errorf("update risk: %w", err)
		}
		return db.riskLogged(ctx, tx, next, "update", actorID, now, changes)
	})
	if err != nil {
		return fmt.Errorf("update risk %s: %w", in.ID, err)
	}
	return nil
}

// ReviewRisk records a periodic review of an entry: its likelihood and impact become
// those assessed, its last review day the review's.
func (db *DB) ReviewRisk(ctx context.Context, v *qms.RiskReview, actorID string) error {
	v.Note = strings.TrimSpace(v.Note)
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		cur, err := risk(ctx, tx, v.RiskID)
		if err != nil {
			return err
		}
		if err := cur.CanReview(*v, db.vnToday()); err != nil {
			return err
		}
		now := db.Now()
		v.ID, v.ReviewedBy, v.CreatedAt = NewID(), actorID, now
		if _, err := tx.ExecContext(ctx, `INSERT INTO qms_risk_reviews (id, risk_id, unit_id, reviewed_on, likelihood, impact,
			note, reviewed_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, v.ID, cur.ID, cur.UnitID,
			v.ReviewedOn, v.Likelihood, v.Impact, v.Note, nullString(actorID), now); err != nil {
			return fmt.Errorf("insert risk review: %w", err)
		}
		next := cur.Risk
		next.Likelihood, next.Impact, next.ReviewedOn = v.Likelihood, v.Impact, v.ReviewedOn
		if _, err := tx.ExecContext(ctx, `UPDATE qms_risks SET likelihood = $2, impact = $3, reviewed_on = $4, updated_at = $5
			WHERE id = $1`, cur.ID, v.Likelihood, v.Impact, v.ReviewedOn, now); err != nil {
			return fmt.Errorf("review risk: %w", err)
		}
		changes := append(qms.RiskChanges(cur.Risk, next), qms.RiskChange{Field: "note", New: v.Note})
		return db.riskLogged(ctx, tx, next, "review", actorID, now, changes)
	})
	if err != nil {
		return fmt.Errorf("review risk %s: %w", v.RiskID, err)
	}
	return nil
}

// riskLogged writes a step's changes to the entry's history, one row per field, and its
// audit event.
func (db *DB) riskLogged(ctx context.Context, tx *sql.Tx, r qms.Risk, action, actorID string, at time.Time,
	changes []qms.RiskChange) error {
	var detail []string
	for i, c := range changes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO qms_risk_history (id, risk_id, unit_id, at, actor_id, action, seq, field,
			old_value, new_value) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, NewID(), r.ID, r.UnitID, at,
			nullString(actorID), action, i, c.Field, c.Old, c.New); err != nil {
			return fmt.Errorf("risk history: %w", err)
		}
		detail = append(detail, fmt.Sprintf("%s: %s → %s", c.Field, truncate(c.Old, 200), truncate(c.New, 200)))
	}
	return db.auditIn(ctx, tx, AuditEvent{ActorID: actorID, UnitID: r.UnitID, Action: "qms.risk_" + action,
		ObjectType: "qms_risk", ObjectID: r.ID, Detail: truncate(strings.Join(detail, "\n"), 2000)})
}

// RiskReviewRow is a periodic review with its reviewer's name.
type RiskReviewRow struct {
	qms.RiskReview
	ReviewerName string
}

// RiskReviews lists an entry's periodic reviews, the latest first.
func (db *DB) RiskReviews(ctx context.Context, riskID string) ([]RiskReviewRow, error) {
	return queryAll(ctx, db.read, "risk reviews", func(row interface{ Scan(...any) error }) (RiskReviewRow, error) {
		var v RiskReviewRow
		err := row.Scan(&v.ID, &v.RiskID, &v.ReviewedOn, &v.Likelihood, &v.Impact, &v.Note, &v.ReviewedBy, &v.CreatedAt,
			&v.ReviewerName)
		return v, err
	}, `SELECT v.id, v.risk_id, v.reviewed_on, v.likelihood, v.impact, v.note, COALESCE(v.reviewed_by, ''), v.created_at,
		COALESCE(x.full_name, '') FROM qms_risk_reviews v LEFT JOIN users x ON x.id = v.reviewed_by
		WHERE v.risk_id = $1 ORDER BY v.reviewed_on DESC, v.created_at DESC, v.id`, riskID)
}

// RiskHistoryRow is one field changed in one step of an entry's life.
type RiskHistoryRow struct {
	At        time.Time
	ActorID   string
	ActorName string
	Action    string // create, update, review
	qms.RiskChange
}

// RiskHistory lists an entry's changes, the latest step first, fields in their order.
func (db *DB) RiskHistory(ctx context.Context, riskID string) ([]RiskHistoryRow, error) {
	return queryAll(ctx, db.read, "risk history", func(row interface{ Scan(...any) error }) (RiskHistoryRow, error) {
		var h RiskHistoryRow
		err := row.Scan(&h.At, &h.ActorID, &h.ActorName, &h.Action, &h.Field, &h.Old, &h.New)
		return h, err
	}, `SELECT h.at, COALESCE(h.actor_id, ''), COALESCE(x.full_name, ''), h.action, h.field, h.old_value, h.new_value
		FROM qms_risk_history h LEFT JOIN users x ON x.id = h.actor_id WHERE h.risk_id = $1
		ORDER BY h.at DESC, h.seq`, riskID)
}
