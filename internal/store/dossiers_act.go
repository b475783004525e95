package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/user"
)

// Act applies one action to a dossier: it checks that the actor sees the dossier, that
// the action is allowed in its state and permitted to the actor's role, and that nobody
// changed the dossier since the version the actor saw; then it writes the dossier, the
// control slip and the history event in one transaction.
func (db *DB) Act(ctx context.Context, actor auth.Actor, cmd dossier.Command) (dossier.Dossier, error) {
	at := cmd.At
	if at.IsZero() {
		at = db.Now()
	}
	at = at.UTC().Truncate(time.Microsecond)
	d, err := db.Dossier(ctx, cmd.DossierID)
	if err != nil {
		return dossier.Dossier{}, err
	}
	if err := db.permitAction(ctx, actor, d, cmd); err != nil {
		return dossier.Dossier{}, err
	}
	if d.State == dossier.Submitted && cmd.Action == dossier.ActReceive {
		return db.accept(ctx, actor, d, cmd, at)
	}
	cal, err := db.CalendarFor(ctx, d.UnitID)
	if err != nil {
		return dossier.Dossier{}, err
	}
	slip, err := db.ControlSlip(ctx, d.ID)
	if err != nil {
		return dossier.Dossier{}, err
	}
	change, err := dossier.Apply(cal, d, slip, cmd, at, actor.UserID)
	if err != nil {
		return dossier.Dossier{}, err
	}
	if err := db.checkAssignee(ctx, change, cmd.AssigneeID); err != nil {
		return dossier.Dossier{}, err
	}
	t, _ := dossier.TransitionFor(d.State, cmd.Action)
	err = db.inTx(ctx, func(tx *sql.Tx) error { return db.writeChange(ctx, tx, d, &change, t, cmd, at, actor.UserID) })
	if err != nil {
		return dossier.Dossier{}, err
	}
	return change.Dossier, nil
}

// permitAction answers NotFound when the actor cannot see the dossier, Conflict when it
// changed since the version the actor saw (checked before the rest, since the change is
// what the actor must learn about) or the action is not possible in its state, and
// Forbidden when the actor lacks the role.
func (db *DB) permitAction(ctx context.Context, actor auth.Actor, d dossier.Dossier, cmd dossier.Command) error {
	a := cmd.Action
	agencyPath, err := db.unitPath(ctx, d.UnitID)
	if err != nil {
		return err
	}
	currentPath, err := db.unitPath(ctx, d.CurrentUnitID)
	if err != nil {
		return err
	}
	if !actor.Can(auth.ViewDossiers, agencyPath) && !actor.Can(auth.ViewDossiers, currentPath) {
		return failure.New(failure.NotFound, "", "dossier.not_found")
	}
	if cmd.Version != d.Version {
		return changedError(ctx, db.read, d)
	}
	t, ok := dossier.TransitionFor(d.State, a)
	if !ok {
		return failure.New(failure.Conflict, "action", "dossier.action_not_allowed")
	}
	return dossier.Permit(actor, t, d, agencyPath, currentPath)
}

func (db *DB) unitPath(ctx context.Context, id string) (string, error) {
	var path string
	if err := db.read.QueryRowContext(ctx, `SELECT path FROM units WHERE id = $1`, id).Scan(&path); err != nil {
		return "", fmt.Errorf("unit %s path: %w", id, err)
	}
	return path, nil
}

// changedError tells (reading through q, the open transaction when there is one) who changed the dossier last and when, for "reload" messages.
func changedError(ctx context.Context, q querier, d dossier.Dossier) error {
	var name string
	var at time.Time
	err := q.QueryRowContext(ctx, `SELECT COALESCE(u.full_name, ''), e.at FROM dossier_events e
		LEFT JOIN users u ON u.id = e.actor_id WHERE e.dossier_id = $1 ORDER BY e.seq DESC LIMIT 1`, d.ID).Scan(&name, &at)
	if err != nil {
		return fmt.Errorf("dossier %s changed: %w", d.Code, err)
	}
	return failure.New(failure.Conflict, "version", "dossier.changed", name, at.In(calendar.Location()).Format("15:04"))
}

// checkAssignee makes sure a named assignee holds the opened (or current) step's role in a
// unit covering the step's unit.
func (db *DB) checkAssignee(ctx context.Context, c dossier.Change, assignee string) error {
	if assignee == "" {
		return nil
	}
	role, unitID := c.Dossier.Step().Role, c.Dossier.CurrentUnitID
	if c.Open != nil {
		role, unitID = c.Open.Role, c.Open.UnitID
	}
	path, err := db.unitPath(ctx, unitID)
	if err != nil {
		return err
	}
	var n int
	err = db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM role_assignments a JOIN units u ON u.id = a.unit_id
		JOIN users us ON us.id = a.user_id
		WHERE a.user_id = $1 AND a.role = $2 AND substr($3, 1, length(u.path)) = u.path AND us.active = $4`,
		assignee, string(role), path, true).Scan(&n)
	if err != nil {
		return fmt.Errorf("check assignee: %w", err)
	}
	if n == 0 {
		return failure.InvalidField("assignee_id", "dossier.assignee_invalid", string(role))
	}
	return nil
}

// writeChange persists one action: the dossier row (guarded by its version), the slip
// rows and the chained event.
func (db *DB) writeChange(ctx context.Context, tx *sql.Tx, old dossier.Dossier, c *dossier.Change, t dossier.Transition,
	cmd dossier.Command, at time.Time, actorID string) error {
	ev := dossier.Event{ID: NewID(), DossierID: old.ID, UnitID: c.Dossier.CurrentUnitID, At: at, ActorID: actorID,
		Action: cmd.Action, From: old.State, To: c.Dossier.State, Detail: c.Detail.Encode()}
	ev.Seal(dossier.Event{Seq: old.Version, Hash: old.HistoryHash})
	c.Dossier.Version = old.Version + 1
	c.Dossier.HistoryHash = ev.Hash
	if err := updateDossier(ctx, tx, c.Dossier, old.Version); err != nil {
		if failure.Is(err, failure.Conflict) {
			return changedError(ctx, tx, old)
		}
		return err
	}
	if err := writeSlip(ctx, tx, old.ID, c, cmd, at, actorID); err != nil {
		return err
	}
	if err := rollTransition(ctx, tx, old, c.Dossier); err != nil {
		return err
	}
	return insertEvent(ctx, tx, ev)
}

// updateDossier writes the changing columns when the stored version is still expected.
func updateDossier(ctx context.Context, tx *sql.Tx, d dossier.Dossier, expected int) error {
	res, err := tx.ExecContext(ctx, `UPDATE dossiers SET version = $2, state = $3, step_index = $4, current_unit_id = $5,
		clock_start = $6, due_at = $7, due_rule = $8, extended_due_at = $9, paused_at = $10, missing = $11,
		supplements = $12, apologies = $13, transfers = $14, resolved_at = $15, timeliness = $16, returned_at = $17,
		return_channel = $18, electronic_result = $19, closing_reason = $20, last_progress_at = $21, history_hash = $22,
		updated_at = $23 WHERE id = $1 AND version = $24`,
		d.ID, d.Version, string(d.State), d.StepIndex, d.CurrentUnitID, nullTime(d.ClockStart), nullTime(d.Due),
		jsonObject(d.DueRule), nullTime(d.ExtendedDue), nullTime(d.PausedAt), jsonText(d.Missing), d.Supplements,
		d.Apologies, d.Transfers, nullTime(d.ResolvedAt), d.Timeliness, nullTime(d.ReturnedAt), string(d.ReturnChannel),
		d.Electronic, d.ClosingReason, d.LastProgressAt.UTC(), d.HistoryHash, d.UpdatedAt.UTC(), expected)
	if err != nil {
		return fmt.Errorf("update dossier %s: %w", d.Code, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return failure.New(failure.Conflict, "version", "dossier.changed")
	}
	return nil
}

// writeSlip closes the open control-slip row and opens the next, or reassigns the open one.
func writeSlip(ctx context.Context, tx *sql.Tx, dossierID string, c *dossier.Change, cmd dossier.Command, at time.Time, actorID string) error {
	if c.Assign {
		if _, err := tx.ExecContext(ctx, `UPDATE dossier_steps SET assignee_id = $2 WHERE dossier_id = $1 AND finished_at IS NULL`,
			dossierID, nullString(cmd.AssigneeID)); err != nil {
			return fmt.Errorf("assign step: %w", err)
		}
	}
	if c.Close {
		if _, err := tx.ExecContext(ctx, `UPDATE dossier_steps SET finished_at = $2, finished_by = $3, outcome = $4,
			timeliness = $5, note = $6 WHERE dossier_id = $1 AND finished_at IS NULL`,
			dossierID, at, actorID, string(cmd.Action), c.Timeliness, firstNonEmpty(cmd.Note, cmd.Reason)); err != nil {
			return fmt.Errorf("close step: %w", err)
		}
	}
	if c.Open == nil {
		return nil
	}
	var last int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM dossier_steps WHERE dossier_id = $1`, dossierID).Scan(&last); err != nil {
		return fmt.Errorf("slip length: %w", err)
	}
	c.Open.ID, c.Open.DossierID, c.Open.Seq = NewID(), dossierID, last+1
	return insertStep(ctx, tx, *c.Open)
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// stepInsertColumns and stepRow give a control-slip row's columns and values.
const stepInsertColumns = `id, dossier_id, seq, step_index, kind, role, unit_id, assignee_id, from_user_id, started_at,
	due_at, finished_at, finished_by, outcome, timeliness, note`

func stepRow(s dossier.StepRecord) []any {
	return []any{s.ID, s.DossierID, s.Seq, s.StepIndex, string(s.Kind), string(s.Role), s.UnitID, nullString(s.AssigneeID),
		nullString(s.FromUserID), s.StartedAt.UTC(), s.Due.UTC(), nullTime(s.FinishedAt), nullString(s.FinishedBy),
		string(s.Outcome), s.Timeliness, s.Note}
}

func insertStep(ctx context.Context, tx execer, s dossier.StepRecord) error {
	if _, err := tx.ExecContext(ctx, stepInsertSQL, stepRow(s)...); err != nil {
		return fmt.Errorf("insert control slip row: %w", err)
	}
	return nil
}

// eventInsertColumns and eventRow give a history event's columns and values.
const eventInsertColumns = `id, dossier_id, unit_id, seq, at, actor_id, action, from_state, to_state, detail, prev_hash, hash`

func eventRow(e dossier.Event) []any {
	return []any{e.ID, e.DossierID, e.UnitID, e.Seq, e.At.UTC(), nullString(e.ActorID), string(e.Action), string(e.From),
		string(e.To), e.Detail, e.PrevHash, e.Hash}
}

func insertEvent(ctx context.Context, tx execer, e dossier.Event) error {
	if _, err := tx.ExecContext(ctx, eventInsertSQL, eventRow(e)...); err != nil {
		return fmt.Errorf("insert history event: %w", err)
	}
	return nil
}

// stepColumns lists the control-slip columns in the order stepScan reads them.
const stepColumns = `s.id, s.dossier_id, s.seq, s.step_index, s.kind, s.role, s.unit_id, COALESCE(s.assignee_id, ''),
	COALESCE(s.from_user_id, ''), s.started_at, s.due_at, s.finished_at, COALESCE(s.finished_by, ''), s.outcome,
	s.timeliness, s.note`

// stepScan holds the temporaries of one control-slip row being scanned.
type stepScan struct {
	kind, role, outcome string
	finished            sql.NullTime
}

func (sc *stepScan) ptrs(s *dossier.StepRecord) []any {
	return []any{&s.ID, &s.DossierID, &s.Seq, &s.StepIndex, &sc.kind, &sc.role, &s.UnitID, &s.AssigneeID, &s.FromUserID,
		&s.StartedAt, &s.Due, &sc.finished, &s.FinishedBy, &sc.outcome, &s.Timeliness, &s.Note}
}

func (sc *stepScan) finish(s *dossier.StepRecord) {
	s.Kind, s.Role, s.Outcome, s.FinishedAt = procedure.StepKind(sc.kind), user.Role(sc.role), dossier.Action(sc.outcome), sc.finished.Time
}

// ControlSlip returns a dossier's control-slip rows, oldest first.
func (db *DB) ControlSlip(ctx context.Context, dossierID string) ([]dossier.StepRecord, error) {
	return queryAll(ctx, db.read, "control slip", func(r interface{ Scan(...any) error }) (dossier.StepRecord, error) {
		var (
			s  dossier.StepRecord
			sc stepScan
		)
		err := r.Scan(sc.ptrs(&s)...)
		sc.finish(&s)
		return s, err
	}, `SELECT `+stepColumns+` FROM dossier_steps s WHERE s.dossier_id = $1 ORDER BY s.seq`, dossierID)
}

// History returns a dossier's events, oldest first.
func (db *DB) History(ctx context.Context, dossierID string) ([]dossier.Event, error) {
	return queryAll(ctx, db.read, "dossier history", scanEvent, `SELECT `+eventColumns+` FROM dossier_events
		WHERE dossier_id = $1 ORDER BY seq`, dossierID)
}

const eventColumns = `id, dossier_id, unit_id, seq, at, COALESCE(actor_id, ''), action, from_state, to_state, detail, prev_hash, hash`

func scanEvent(r interface{ Scan(...any) error }) (dossier.Event, error) {
	var (
		e                dossier.Event
		action, from, to string
	)
	err := r.Scan(&e.ID, &e.DossierID, &e.UnitID, &e.Seq, &e.At, &e.ActorID, &action, &from, &to, &e.Detail, &e.PrevHash, &e.Hash)
	e.Action, e.From, e.To = dossier.Action(action), dossier.State(from), dossier.State(to)
	return e, err
}
