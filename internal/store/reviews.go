package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/unit"
)

// Review of procedures (rà soát): one plan per unit and year with a due day, one task per
// procedure the unit publishes when the plan is made, a result recorded on each task. The
// rules are package procedure's; this file stores them.

// ReviewPlanRow is a plan with its unit, as listings show it.
type ReviewPlanRow struct {
	procedure.ReviewPlan
	UnitName string
	UnitPath string
}

// ReviewPlanFilter selects review plans.
type ReviewPlanFilter struct {
	UnitID    string
	Under     []string  // units under these materialised paths; empty: everywhere
	Year      int       // 0: every year
	OverdueOn unit.Date // only the plans overdue that day (procedure.ReviewPlan.Overdue)
}

const reviewPlanColumns = `rp.id, rp.unit_id, rp.year, rp.title, rp.due_on, COALESCE(rp.created_by, ''),
	rp.created_at, rp.updated_at,
	(SELECT COUNT(*) FROM review_tasks t WHERE t.plan_id = rp.id),
	(SELECT COUNT(*) FROM review_tasks t WHERE t.plan_id = rp.id AND t.result <> ''),
	u.name, u.path`

func scanReviewPlan(row interface{ Scan(...any) error }) (ReviewPlanRow, error) {
	var p ReviewPlanRow
	err := row.Scan(&p.ID, &p.UnitID, &p.Year, &p.Title, &p.DueOn, &p.CreatedBy, &p.CreatedAt, &p.UpdatedAt,
		&p.Tasks, &p.Done, &p.UnitName, &p.UnitPath)
	return p, err
}

// vnToday is the store clock's day in Vietnam.
func (db *DB) vnToday() unit.Date { return unit.DateOf(db.Now().In(calendar.Location())) }

// CreateReviewPlan validates and saves a unit's review plan for a year, with one task per
// procedure the unit publishes on the day it is created (expired ones included: they are
// what a review must catch), in one transaction with its audit record. A unit has one
// plan a year: a second is a conflict on the field "year". The plan's ID, stamps and task
// count are filled in.
func (db *DB) CreateReviewPlan(ctx context.Context, p *procedure.ReviewPlan, actorID string) error {
	p.Normalize()
	if err := p.Validate(); err != nil {
		return err
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error { return db.createReviewPlan(ctx, tx, p, actorID) })
	if err != nil {
		return fmt.Errorf("create review plan %d of %s: %w", p.Year, p.UnitID, err)
	}
	return nil
}

func (db *DB) createReviewPlan(ctx context.Context, tx *sql.Tx, p *procedure.ReviewPlan, actorID string) error {
	if err := requireUnit(ctx, tx, p.UnitID, "unit_id"); err != nil {
		return err
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM review_plans WHERE unit_id = $1 AND year = $2`,
		p.UnitID, p.Year).Scan(&n); err != nil {
		return fmt.Errorf("check plan of the year: %w", err)
	}
	if n > 0 {
		return failure.New(failure.Conflict, "year", "review.plan_exists", p.Year)
	}
	now := db.Now()
	p.ID, p.CreatedBy, p.CreatedAt, p.UpdatedAt = NewID(), actorID, now, now
	if _, err := tx.ExecContext(ctx, `INSERT INTO review_plans (id, unit_id, year, title, due_on, created_by, created_at,
		updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`,
		p.ID, p.UnitID, p.Year, p.Title, p.DueOn, nullString(actorID), now); err != nil {
		return fmt.Errorf("insert plan: %w", err)
	}
	published, err := publishedBy(ctx, tx, p.UnitID, db.vnToday())
	if err != nil {
		return err
	}
	for _, pub := range published {
		if _, err := tx.ExecContext(ctx, `INSERT INTO review_tasks (id, plan_id, unit_id, procedure_id, code)
			VALUES ($1, $2, $3, $4, $5)`, NewID(), p.ID, p.UnitID, pub.procedureID, pub.code); err != nil {
			return fmt.Errorf("insert task %s: %w", pub.code, err)
		}
	}
	p.Tasks, p.Done = len(published), 0
	return db.auditIn(ctx, tx, AuditEvent{ActorID: actorID, UnitID: p.UnitID, Action: "review.plan_create",
		ObjectType: "review_plan", ObjectID: p.ID,
		Detail: fmt.Sprintf("%d %s, due %s, %d procedures", p.Year, p.Title, p.DueOn, len(published))})
}

// publication is a procedure a unit publishes, as a review task needs it.
type publication struct{ procedureID, code string }

// publishedBy lists the procedures the unit itself publishes on day on, by code.
func publishedBy(ctx context.Context, q querier, unitID string, on unit.Date) ([]publication, error) {
	return queryAll(ctx, q, "published procedures", func(row interface{ Scan(...any) error }) (publication, error) {
		var p publication
		err := row.Scan(&p.procedureID, &p.code)
		return p, err
	}, `SELECT procedure_id, code FROM procedure_publications WHERE unit_id = $1 AND published_on <= $2
		AND (unpublished_on IS NULL OR unpublished_on > $2) ORDER BY code`, unitID, on)
}

// ReviewPlans lists plans with their task counts, newest year first, then by unit.
func (db *DB) ReviewPlans(ctx context.Context, f ReviewPlanFilter) ([]ReviewPlanRow, error) {
	var c conds
	if f.UnitID != "" {
		c.add("rp.unit_id = " + c.arg(f.UnitID))
	}
	c.under("u.path", f.Under)
	if f.Year != 0 {
		c.add("rp.year = " + c.arg(f.Year))
	}
	if !f.OverdueOn.IsZero() {
		c.add("rp.due_on < " + c.arg(f.OverdueOn) +
			" AND EXISTS (SELECT 1 FROM review_tasks t WHERE t.plan_id = rp.id AND t.result = '')")
	}
	query := finishQuery(`SELECT `+reviewPlanColumns+` FROM review_plans rp JOIN units u ON u.id = rp.unit_id`,
		c.where, "rp.year DESC, u.path, rp.id", 0)
	return queryAll(ctx, db.read, "review plans", scanReviewPlan, query, c.args...)
}

// ReviewPlan returns one plan with its counts.
func (db *DB) ReviewPlan(ctx context.Context, id string) (ReviewPlanRow, error) {
	p, err := scanReviewPlan(db.read.QueryRowContext(ctx, `SELECT `+reviewPlanColumns+`
		FROM review_plans rp JOIN units u ON u.id = rp.unit_id WHERE rp.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, failure.New(failure.NotFound, "", "review.plan_not_found")
	}
	if err != nil {
		return p, fmt.Errorf("review plan %s: %w", id, err)
	}
	return p, nil
}

const reviewTaskColumns = `t.id, t.plan_id, t.unit_id, t.code, p.name, t.result, t.result_text,
	COALESCE(t.reviewed_by, ''), t.reviewed_at`

func scanReviewTask(row interface{ Scan(...any) error }) (procedure.ReviewTask, error) {
	var (
		t  procedure.ReviewTask
		at sql.NullTime
	)
	err := row.Scan(&t.ID, &t.PlanID, &t.UnitID, &t.Code, &t.Name, &t.Result, &t.Text, &t.ReviewedBy, &at)
	if at.Valid {
		t.ReviewedAt = at.Time
	}
	return t, err
}

// ReviewTasks lists a plan's tasks with the procedures' names, by code.
func (db *DB) ReviewTasks(ctx context.Context, planID string) ([]procedure.ReviewTask, error) {
	return queryAll(ctx, db.read, "review tasks", scanReviewTask, `SELECT `+reviewTaskColumns+`
		FROM review_tasks t JOIN procedures p ON p.id = t.procedure_id WHERE t.plan_id = $1 ORDER BY t.code`, planID)
}

// ReviewTask returns one task with its procedure's name.
func (db *DB) ReviewTask(ctx context.Context, id string) (procedure.ReviewTask, error) {
	return reviewTask(ctx, db.read, id)
}

func reviewTask(ctx context.Context, q querier, id string) (procedure.ReviewTask, error) {
	t, err := scanReviewTask(q.QueryRowContext(ctx, `SELECT `+reviewTaskColumns+`
		FROM review_tasks t JOIN procedures p ON p.id = t.procedure_id WHERE t.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return t, failure.New(failure.NotFound, "", "review.task_not_found")
	}
	if err != nil {
		return t, fmt.Errorf("review task %s: %w", id, err)
	}
	return t, nil
}

// RecordReviewResult records (or corrects) the result of a task: keep, or a proposal to
// simplify or abolish with its text (procedure.ValidateResult), with who and when, audited
// with the previous result.
func (db *DB) RecordReviewResult(ctx context.Context, taskID string, result procedure.ReviewResult, text, actorID string) error {
	text = strings.TrimSpace(text)
	if err := procedure.ValidateResult(result, text); err != nil {
		return err
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		return db.recordReviewResult(ctx, tx, taskID, result, text, actorID, db.Now())
	})
	if err != nil {
		return fmt.Errorf("record review result of task %s: %w", taskID, err)
	}
	return nil
}

func (db *DB) recordReviewResult(ctx context.Context, tx *sql.Tx, taskID string, result procedure.ReviewResult,
	text, actorID string, now time.Time) error {
	before, err := reviewTask(ctx, tx, taskID)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE review_tasks SET result = $2, result_text = $3, reviewed_by = $4,
		reviewed_at = $5 WHERE id = $1`, taskID, string(result), text, nullString(actorID), now); err != nil {
		return fmt.Errorf("update task: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE review_plans SET updated_at = $2 WHERE id = $1`, before.PlanID, now); err != nil {
		return fmt.Errorf("touch plan: %w", err)
	}
	return db.auditIn(ctx, tx, AuditEvent{ActorID: actorID, UnitID: before.UnitID, Action: "review.result",
		ObjectType: "review_task", ObjectID: taskID,
		Detail: fmt.Sprintf("%s: %q → %q\n%s", before.Code, before.Result, result, text)})
}
