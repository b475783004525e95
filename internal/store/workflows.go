package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/procedure"
)

// Internal workflows (quy trình nội bộ): the steps a unit follows for one procedure, stored
// as JSON beside the unit and the procedure. A unit that recorded none follows
// procedure.DefaultWorkflow.

const workflowColumns = `w.id, w.unit_id, w.code, w.steps, COALESCE(w.updated_by, ''), w.created_at, w.updated_at`

func scanWorkflow(row interface{ Scan(...any) error }) (procedure.Workflow, error) {
	var (
		w     procedure.Workflow
		steps string
	)
	if err := row.Scan(&w.ID, &w.UnitID, &w.Code, &steps, &w.UpdatedBy, &w.CreatedAt, &w.UpdatedAt); err != nil {
		return w, err
	}
	if err := json.Unmarshal([]byte(steps), &w.Steps); err != nil {
		return w, fmt.Errorf("workflow %s of %s steps: %w", w.Code, w.UnitID, err)
	}
	return w, nil
}

// Workflow returns the workflow a unit recorded for a procedure, or a NotFound failure
// ("workflow.not_found") when it recorded none.
func (db *DB) Workflow(ctx context.Context, unitID, code string) (procedure.Workflow, error) {
	return loadWorkflow(ctx, db.read, unitID, procedure.NormalizeCode(code))
}

func loadWorkflow(ctx context.Context, q querier, unitID, code string) (procedure.Workflow, error) {
	w, err := scanWorkflow(q.QueryRowContext(ctx, `SELECT `+workflowColumns+` FROM workflows w
		WHERE w.unit_id = $1 AND w.code = $2`, unitID, code))
	if errors.Is(err, sql.ErrNoRows) {
		return w, failure.New(failure.NotFound, "", "workflow.not_found")
	}
	if err != nil {
		return w, fmt.Errorf("workflow %s of %s: %w", code, unitID, err)
	}
	return w, nil
}

// Workflows lists the workflows a unit recorded, by procedure code.
func (db *DB) Workflows(ctx context.Context, unitID string) ([]procedure.Workflow, error) {
	return queryAll(ctx, db.read, "workflows", scanWorkflow, `SELECT `+workflowColumns+` FROM workflows w
		WHERE w.unit_id = $1 ORDER BY w.code`, unitID)
}

// OfficeTimePerDay is the office time of one of the unit's working days (7h30 with the
// default office hours): what a budget of "1d" is worth when a workflow is summed. It
// reads the same inherited working time CalendarFor builds the unit's calendar from,
// without loading the yearly schedules.
func (db *DB) OfficeTimePerDay(ctx context.Context, unitID string) (time.Duration, error) {
	ws, err := db.WorkSettingsFor(ctx, unitID)
	if err != nil {
		return 0, err
	}
	return ws.OfficeHours.PerDay(), nil
}

// WorkflowFor is what the dossier engine follows for a dossier received by the unit under
// a version of the procedure whose legal time limit is limit: the workflow the unit
// recorded, else procedure.DefaultWorkflow for the unit's office day. A recorded workflow
// that no longer fits limit (the procedure was amended to a shorter limit, or the unit's
// office hours changed) gives way to the default, so a dossier is never planned to be
// late; the workflow editor flags it. The default has no ID.
func (db *DB) WorkflowFor(ctx context.Context, unitID, code string, limit calendar.Limit) (procedure.Workflow, error) {
	code = procedure.NormalizeCode(code)
	perDay, err := db.OfficeTimePerDay(ctx, unitID)
	if err != nil {
		return procedure.Workflow{}, fmt.Errorf("workflow for %s in %s: %w", code, unitID, err)
	}
	w, err := loadWorkflow(ctx, db.read, unitID, code)
	return workflowOrDefault(w, err, unitID, code, limit, perDay)
}

// workflowOrDefault chooses between the workflow loadWorkflow returned (with its error)
// and the default, as WorkflowFor describes.
func workflowOrDefault(w procedure.Workflow, loadErr error, unitID, code string, limit calendar.Limit, perDay time.Duration) (procedure.Workflow, error) {
	switch {
	case loadErr == nil && w.Validate(limit, perDay) == nil:
		return w, nil
	case loadErr != nil && !failure.Is(loadErr, failure.NotFound):
		return procedure.Workflow{}, loadErr
	}
	w = procedure.DefaultWorkflow(limit, perDay)
	w.UnitID, w.Code = unitID, code
	return w, nil
}

// SaveWorkflow validates and records a unit's workflow for a procedure, replacing the
// previous one, audited with both. The budgets must fit the legal time limit of the
// version in force today, counted with the unit's office day; a transfer goes to another
// existing unit. The workflow's ID and stamps are filled in.
func (db *DB) SaveWorkflow(ctx context.Context, w *procedure.Workflow, actorID string) error {
	w.Normalize()
	perDay, err := db.OfficeTimePerDay(ctx, w.UnitID)
	if err == nil {
		err = db.inCatalogTx(ctx, func(tx *sql.Tx) error { return db.saveWorkflow(ctx, tx, w, perDay, actorID) })
	}
	if err != nil {
		return fmt.Errorf("save workflow %s of %s: %w", w.Code, w.UnitID, err)
	}
	return nil
}

func (db *DB) saveWorkflow(ctx context.Context, tx *sql.Tx, w *procedure.Workflow, perDay time.Duration, actorID string) error {
	p, err := loadProcedure(ctx, tx, w.Code)
	if failure.Is(err, failure.NotFound) {
		return failure.InvalidField("code", "procedure.not_found")
	}
	if err != nil {
		return err
	}
	v, ok := p.VersionOn(db.vnToday())
	if !ok {
		return failure.New(failure.Conflict, "code", "workflow.not_in_force", p.Code)
	}
	if err := w.Validate(v.Limit, perDay); err != nil {
		return err
	}
	if err := checkTransfers(ctx, tx, *w); err != nil {
		return err
	}
	steps, err := json.Marshal(w.Steps)
	if err != nil {
		return fmt.Errorf("encode steps: %w", err)
	}
	before, err := loadWorkflow(ctx, tx, w.UnitID, w.Code)
	isNew := failure.Is(err, failure.NotFound)
	if err != nil && !isNew {
		return err
	}
	now := db.Now()
	w.UpdatedBy, w.UpdatedAt = actorID, now
	if isNew {
		w.ID, w.CreatedAt = NewID(), now
		_, err = tx.ExecContext(ctx, `INSERT INTO workflows (id, unit_id, procedure_id, code, steps, updated_by, created_at,
			updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`, w.ID, w.UnitID, p.ID, p.Code, string(steps), nullString(actorID), now)
	} else {
		w.ID, w.CreatedAt = before.ID, before.CreatedAt
		_, err = tx.ExecContext(ctx, `UPDATE workflows SET steps = $2, updated_by = $3, updated_at = $4 WHERE id = $1`,
			w.ID, string(steps), nullString(actorID), now)
	}
	if err != nil {
		return fmt.Errorf("store workflow: %w", err)
	}
	old, _ := json.Marshal(before.Steps)
	return db.auditIn(ctx, tx, AuditEvent{ActorID: actorID, UnitID: w.UnitID, Action: "workflow.save",
		ObjectType: "workflow", ObjectID: w.ID,
		Detail: fmt.Sprintf("%s (limit %s)\nbefore: %s\nafter: %s", p.Code, v.Limit, old, steps)})
}

// checkTransfers makes sure every transfer step goes to another unit that exists.
func checkTransfers(ctx context.Context, q querier, w procedure.Workflow) error {
	var errs failure.List
	for i, s := range w.Steps {
		if s.Kind != procedure.StepTransfer {
			continue
		}
		if s.TransferTo == w.UnitID {
			errs = append(errs, failure.InvalidField("steps", "workflow.transfer_to_self", i+1))
			continue
		}
		err := requireUnit(ctx, q, s.TransferTo, "steps")
		if failure.Is(err, failure.Invalid) {
			errs = append(errs, failure.InvalidField("steps", "workflow.transfer_target_not_found", i+1))
		} else if err != nil {
			return err
		}
	}
	return errs.Err()
}
