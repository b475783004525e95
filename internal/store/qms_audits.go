package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/qms"
)

// Internal audits (issue 8, part 5): a unit's yearly programme, plans auditing the unit or
// units below it with auditors who never work in the audited unit, the checklist by ISO
// 9001:2015 clause copied into each plan, findings recorded item by item (a minor or major
// nonconformity raises its nonconformity record at once), and the conclusion.

// ProgrammeRow is a programme with its unit and how many plans it holds.
type ProgrammeRow struct {
	qms.Programme
	UnitName string
	UnitPath string
	Plans    int
}

const programmeColumns = `p.id, p.unit_id, p.year, p.title, COALESCE(p.created_by, ''), p.created_at, u.name, u.path,
	(SELECT COUNT(*) FROM qms_audit_plans a WHERE a.programme_id = p.id)`

func scanProgramme(row interface{ Scan(...any) error }) (ProgrammeRow, error) {
	var p ProgrammeRow
	err := row.Scan(&p.ID, &p.UnitID, &p.Year, &p.Title, &p.CreatedBy, &p.CreatedAt, &p.UnitName, &p.UnitPath, &p.Plans)
	return p, err
}

// CreateProgramme saves a unit's audit programme of a year; a unit has one a year.
func (db *DB) CreateProgramme(ctx context.Context, p *qms.Programme, actorID string) error {
	p.Title = strings.Join(strings.Fields(p.Title), " ")
	if err := p.Validate(); err != nil {
		return err
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := unitIn(ctx, tx, p.UnitID); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM qms_audit_programmes WHERE unit_id = $1 AND year = $2`,
			p.UnitID, p.Year).Scan(&n); err != nil {
			return fmt.Errorf("check programme: %w", err)
		}
		if n > 0 {
			return failure.New(failure.Conflict, "year", "qms.programme_exists", p.Year)
		}
		now := db.Now()
		p.ID, p.CreatedBy, p.CreatedAt = NewID(), actorID, now
		if _, err := tx.ExecContext(ctx, `INSERT INTO qms_audit_programmes (id, unit_id, year, title, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, p.ID, p.UnitID, p.Year, p.Title, nullString(actorID), now); err != nil {
			return fmt.Errorf("insert programme: %w", err)
		}
		return db.auditIn(ctx, tx, AuditEvent{ActorID: actorID, UnitID: p.UnitID, Action: "qms.programme_create",
			ObjectType: "qms_audit_programme", ObjectID: p.ID, Detail: fmt.Sprintf("%d: %s", p.Year, p.Title)})
	})
	if err != nil {
		return fmt.Errorf("create programme: %w", err)
	}
	return nil
}

// Programmes lists a unit's programmes, the latest year first.
func (db *DB) Programmes(ctx context.Context, unitID string) ([]ProgrammeRow, error) {
	return queryAll(ctx, db.read, "programmes", scanProgramme, `SELECT `+programmeColumns+` FROM qms_audit_programmes p
		JOIN units u ON u.id = p.unit_id WHERE p.unit_id = $1 ORDER BY p.year DESC`, unitID)
}

// Programme returns one programme.
func (db *DB) Programme(ctx context.Context, id string) (ProgrammeRow, error) {
	p, err := scanProgramme(db.read.QueryRowContext(ctx, `SELECT `+programmeColumns+` FROM qms_audit_programmes p
		JOIN units u ON u.id = p.unit_id WHERE p.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, failure.New(failure.NotFound, "", "qms.audit_not_found")
	}
	if err != nil {
		return p, fmt.Errorf("programme %s: %w", id, err)
	}
	return p, nil
}

// AuditPlanRow is a plan with its units, year and counts.
type AuditPlanRow struct {
	qms.AuditPlan
	UnitName          string
	UnitPath          string
	ProgrammeUnitID   string
	ProgrammeUnitPath string
	Year              int
	Items             int // checklist items
	Checked           int // with a result
	NCs               int // minor and major findings
}

const auditPlanColumns = `a.id, a.programme_id, a.unit_id, a.scope, a.planned_on, a.status, a.conclusion, a.completed_at,
	COALESCE(a.created_by, ''), a.created_at, a.updated_at, u.name, u.path, p.unit_id, pu.path, p.year,
	(SELECT COUNT(*) FROM qms_audit_items i WHERE i.plan_id = a.id),
	(SELECT COUNT(*) FROM qms_audit_items i WHERE i.plan_id = a.id AND i.result <> ''),
	(SELECT COUNT(*) FROM qms_audit_items i WHERE i.plan_id = a.id AND i.result IN ('minor', 'major'))`

const auditPlanFrom = ` FROM qms_audit_plans a JOIN units u ON u.id = a.unit_id
	JOIN qms_audit_programmes p ON p.id = a.programme_id JOIN units pu ON pu.id = p.unit_id`

func scanAuditPlan(row interface{ Scan(...any) error }) (AuditPlanRow, error) {
	var (
		a    AuditPlanRow
		done sql.NullTime
	)
	err := row.Scan(&a.ID, &a.ProgrammeID, &a.UnitID, &a.Scope, &a.PlannedOn, &a.Status, &a.Conclusion, &done, &a.CreatedBy,
		&a.CreatedAt, &a.UpdatedAt, &a.UnitName, &a.UnitPath, &a.ProgrammeUnitID, &a.ProgrammeUnitPath, &a.Year,
		&a.Items, &a.Checked, &a.NCs)
	a.CompletedAt = done.Time
	return a, err
}

// AuditPlanFilter selects plans.
type AuditPlanFilter struct {
	ProgrammeID string
	Under       []string // audited units under these paths
	Year        int
}

// AuditPlans lists plans with their auditors, by day.
func (db *DB) AuditPlans(ctx context.Context, f AuditPlanFilter) ([]AuditPlanRow, error) {
	var c conds
	if f.ProgrammeID != "" {
		c.add("a.programme_id = " + c.arg(f.ProgrammeID))
	}
	c.under("u.path", f.Under)
	if f.Year != 0 {
		c.add("p.year = " + c.arg(f.Year))
	}
	plans, err := queryAll(ctx, db.read, "audit plans", scanAuditPlan,
		finishQuery(`SELECT `+auditPlanColumns+auditPlanFrom, c.where, "a.planned_on, a.id", 0), c.args...)
	if err != nil {
		return nil, err
	}
	for i := range plans {
		if plans[i].Auditors, err = auditors(ctx, db.read, plans[i].ID); err != nil {
			return nil, err
		}
	}
	return plans, nil
}

// AuditPlan returns one plan with its auditors.
func (db *DB) AuditPlan(ctx context.Context, id string) (AuditPlanRow, error) {
	return auditPlan(ctx, db.read, id)
}

func auditPlan(ctx context.Context, q querier, id string) (AuditPlanRow, error) {
	a, err := scanAuditPlan(q.QueryRowContext(ctx, `SELECT `+auditPlanColumns+auditPlanFrom+` WHERE a.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, failure.New(failure.NotFound, "", "qms.audit_not_found")
	}
	if err != nil {
		return a, fmt.Errorf("audit plan %s: %w", id, err)
	}
	a.Auditors, err = auditors(ctx, q, id)
	return a, err
}

func auditors(ctx context.Context, q querier, planID string) ([]string, error) {
	return queryAll(ctx, q, "auditors", func(row interface{ Scan(...any) error }) (string, error) {
		var id string
		return id, row.Scan(&id)
	}, `SELECT a.user_id FROM qms_audit_auditors a JOIN users x ON x.id = a.user_id WHERE a.plan_id = $1
		ORDER BY x.search_text, x.id`, planID)
}

// checkAuditors refuses an auditor who is not an active official or who works in the
// audited unit (qms.CheckAuditor).
func checkAuditors(ctx context.Context, q querier, auditedPath string, ids []string) error {
	for _, id := range ids {
		paths, err := queryAll(ctx, q, "auditor's units", func(row interface{ Scan(...any) error }) (string, error) {
			var p string
			return p, row.Scan(&p)
		}, `SELECT u.path FROM role_assignments a JOIN units u ON u.id = a.unit_id JOIN users x ON x.id = a.user_id
			WHERE a.user_id = $1 AND x.active = $2`, id, true)
		if err != nil {
			return err
		}
		if len(paths) == 0 {
			return failure.InvalidField("auditors", "qms.not_unit_official")
		}
		if err := qms.CheckAuditor(auditedPath, paths); err != nil {
			return err
		}
	}
	return nil
}

// CreateAuditPlan plans the audit of a unit (the programme's unit or one below it) with
// its auditors, and copies the default checklist (qms.Checklist) into it.
func (db *DB) CreateAuditPlan(ctx context.Context, a *qms.AuditPlan, actorID string) error {
	a.Normalize()
	a.Auditors = uniqueIDs(a.Auditors)
	if err := a.Validate(); err != nil {
		return err
	}
	prog, err := db.Programme(ctx, a.ProgrammeID)
	if err != nil {
		return err
	}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		u, err := unitIn(ctx, tx, a.UnitID)
		if err != nil {
			return err
		}
		if !strings.HasPrefix(u.Path, prog.UnitPath) {
			return failure.InvalidField("unit_id", "qms.audit_unit_outside")
		}
		if err := checkAuditors(ctx, tx, u.Path, a.Auditors); err != nil {
			return err
		}
		now := db.Now()
		a.ID, a.Status, a.CreatedBy, a.CreatedAt, a.UpdatedAt = NewID(), qms.AuditPlanned, actorID, now, now
		if _, err := tx.ExecContext(ctx, `INSERT INTO qms_audit_plans (id, programme_id, unit_id, scope, planned_on, status,
			conclusion, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, '', $7, $8, $8)`,
			a.ID, a.ProgrammeID, a.UnitID, a.Scope, a.PlannedOn, string(a.Status), nullString(actorID), now); err != nil {
			return fmt.Errorf("insert plan: %w", err)
		}
		for _, id := range a.Auditors {
			if _, err := tx.ExecContext(ctx, `INSERT INTO qms_audit_auditors (plan_id, user_id, unit_id) VALUES ($1, $2, $3)`,
				a.ID, id, a.UnitID); err != nil {
				return fmt.Errorf("add auditor: %w", err)
			}
		}
		for i, c := range qms.Checklist {
			if _, err := tx.ExecContext(ctx, `INSERT INTO qms_audit_items (id, plan_id, unit_id, seq, clause, question, evidence,
				result) VALUES ($1, $2, $3, $4, $5, $6, '', '')`, NewID(), a.ID, a.UnitID, i+1, c.Clause, c.Question); err != nil {
				return fmt.Errorf("add checklist: %w", err)
			}
		}
		return db.auditIn(ctx, tx, AuditEvent{ActorID: actorID, UnitID: a.UnitID, Action: "qms.audit_plan",
			ObjectType: "qms_audit_plan", ObjectID: a.ID,
			Detail: fmt.Sprintf("%s %s, auditors %s", u.Name, a.PlannedOn, strings.Join(a.Auditors, ", "))})
	})
	if err != nil {
		return fmt.Errorf("create audit plan: %w", err)
	}
	return nil
}

// AuditItems lists a plan's checklist in order.
func (db *DB) AuditItems(ctx context.Context, planID string) ([]qms.AuditItem, error) {
	return queryAll(ctx, db.read, "audit items", scanAuditItem, `SELECT `+auditItemColumns+`
		FROM qms_audit_items i WHERE i.plan_id = $1 ORDER BY i.seq`, planID)
}

const auditItemColumns = `i.id, i.plan_id, i.unit_id, i.seq, i.clause, i.question, i.evidence, i.result, COALESCE(i.nc_id, ''),
	COALESCE(i.recorded_by, ''), i.recorded_at`

func scanAuditItem(row interface{ Scan(...any) error }) (qms.AuditItem, error) {
	var (
		it qms.AuditItem
		at sql.NullTime
	)
	err := row.Scan(&it.ID, &it.PlanID, &it.UnitID, &it.Seq, &it.Clause, &it.Question, &it.Evidence, &it.Result, &it.NCID,
		&it.RecordedBy, &at)
	it.RecordedAt = at.Time
	return it, err
}

// planStep loads a plan that is not done in a transaction, applies a change and audits it.
func (db *DB) planStep(ctx context.Context, planID, actorID, action string, apply func(tx *sql.Tx, a AuditPlanRow, now time.Time) (string, error)) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		a, err := auditPlan(ctx, tx, planID)
		if err != nil {
			return err
		}
		if a.Status == qms.AuditDone {
			return failure.New(failure.Conflict, "", "qms.audit_done")
		}
		now := db.Now()
		detail, err := apply(tx, a, now)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE qms_audit_plans SET updated_at = $2 WHERE id = $1`, a.ID, now); err != nil {
			return fmt.Errorf("touch plan: %w", err)
		}
		return db.auditIn(ctx, tx, AuditEvent{ActorID: actorID, UnitID: a.UnitID, Action: action, ObjectType: "qms_audit_plan",
			ObjectID: a.ID, Detail: detail})
	})
	if err != nil {
		return fmt.Errorf("%s %s: %w", action, planID, err)
	}
	return nil
}

// AddAuditItem adds a question of the auditors' own to a plan's checklist.
func (db *DB) AddAuditItem(ctx context.Context, planID, clause, question, actorID string) error {
	clause, question = strings.TrimSpace(clause), strings.TrimSpace(question)
	if question == "" {
		return failure.InvalidField("question", "qms.text_required")
	}
	if clause == "" || len(clause) > 10 {
		return failure.InvalidField("clause", "qms.clause_invalid")
	}
	return db.planStep(ctx, planID, actorID, "qms.audit_item", func(tx *sql.Tx, a AuditPlanRow, _ time.Time) (string, error) {
		_, err := tx.ExecContext(ctx, `INSERT INTO qms_audit_items (id, plan_id, unit_id, seq, clause, question, evidence, result)
			VALUES ($1, $2, $3, (SELECT COALESCE(MAX(seq), 0) + 1 FROM qms_audit_items WHERE plan_id = $2), $4, $5, '', '')`,
			NewID(), a.ID, a.UnitID, clause, question)
		return clause + ": " + question, err
	})
}

// RecordFinding records the result of a checklist item with its evidence. A minor or
// major nonconformity raises (once per item) a nonconformity record of the audited unit,
// source audit, linked to the item.
func (db *DB) RecordFinding(ctx context.Context, itemID string, r qms.AuditResult, evidence, actorID string) error {
	evidence = strings.TrimSpace(evidence)
	if err := qms.ValidateFinding(r, evidence); err != nil {
		return err
	}
	var planID string
	if err := db.read.QueryRowContext(ctx, `SELECT plan_id FROM qms_audit_items WHERE id = $1`, itemID).Scan(&planID); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return failure.New(failure.NotFound, "", "qms.audit_not_found")
		}
		return fmt.Errorf("audit item %s: %w", itemID, err)
	}
	return db.planStep(ctx, planID, actorID, "qms.audit_finding", func(tx *sql.Tx, a AuditPlanRow, now time.Time) (string, error) {
		it, err := scanAuditItem(tx.QueryRowContext(ctx, `SELECT `+auditItemColumns+` FROM qms_audit_items i WHERE i.id = $1`, itemID))
		if err != nil {
			return "", fmt.Errorf("audit item: %w", err)
		}
		ncID := it.NCID
		if r.RaisesNC() && ncID == "" {
			key := "audit|" + it.ID
			ncID = uuid.NewSHA1(ncNamespace, []byte(key)).String()
			n := qms.Nonconformity{ID: ncID, UnitID: a.UnitID, Source: qms.SourceAudit, Month: qms.MonthOf(now), AutoKey: key,
				Title:       truncate(fmt.Sprintf("Đánh giá nội bộ %s, điều %s: %s", a.PlannedOn.Display(), it.Clause, evidence), 300),
				Description: it.Question + "\n" + evidence, EvidenceCount: 0, Status: qms.NCOpen, RaisedBy: actorID,
				RaisedAt: now, AuditItemID: it.ID}
			if err := insertNC(ctx, tx, n); err != nil {
				return "", err
			}
			if err := db.auditIn(ctx, tx, AuditEvent{ActorID: actorID, UnitID: a.UnitID, Action: "qms.nc_raise",
				ObjectType: "qms_nonconformity", ObjectID: ncID, Detail: string(r) + ": " + n.Title}); err != nil {
				return "", err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE qms_audit_items SET result = $2, evidence = $3, nc_id = $4, recorded_by = $5,
			recorded_at = $6 WHERE id = $1`, it.ID, string(r), evidence, nullString(ncID), nullString(actorID), now); err != nil {
			return "", fmt.Errorf("record finding: %w", err)
		}
		return fmt.Sprintf("%s %s: %q → %s\n%s", it.Clause, it.ID, it.Result, r, evidence), nil
	})
}

// CompleteAudit closes a plan with its conclusion; it needs at least one result.
func (db *DB) CompleteAudit(ctx context.Context, planID, conclusion, actorID string) error {
	conclusion = strings.TrimSpace(conclusion)
	if conclusion == "" {
		return failure.InvalidField("conclusion", "qms.text_required")
	}
	return db.planStep(ctx, planID, actorID, "qms.audit_complete", func(tx *sql.Tx, a AuditPlanRow, now time.Time) (string, error) {
		if a.Checked == 0 {
			return "", failure.New(failure.Conflict, "", "qms.audit_nothing_checked")
		}
		_, err := tx.ExecContext(ctx, `UPDATE qms_audit_plans SET status = $2, conclusion = $3, completed_at = $4 WHERE id = $1`,
			a.ID, string(qms.AuditDone), conclusion, now)
		return conclusion, err
	})
}
