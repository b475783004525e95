package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/user"
)

// Monitoring (issue 9): the open steps of dossiers being handled, as the stale-progress,
// due-soon and overdue checks need them, the officials a reminder goes to, and the
// per-unit thresholds. The rules themselves are package notify's.

// WatchItem is the open control-slip row of a dossier being handled (received or in
// processing; a dossier waiting for papers has its clock stopped and is left out).
type WatchItem struct {
	DossierID      string
	Code           string
	UnitID         string // the receiving agency, whose calendar the deadlines use
	State          dossier.State
	ProcedureCode  string
	ProcedureName  string
	ApplicantName  string
	Due            time.Time // the appointment in force
	LastProgressAt time.Time // the last recorded action on the dossier
	Step           dossier.StepRecord
	StepUnitPath   string
	StepUnitName   string
}

// WatchFilter selects open steps. Zero fields select everything.
type WatchFilter struct {
	// Actor keeps the official's own work, as the work queue does: steps assigned to
	// them, or unassigned in a role they hold in a unit covering the step's unit.
	Actor *auth.Actor
	// Under keeps steps in units under these materialised paths; UnitID one unit.
	Under  []string
	UnitID string
	Limit  int
}

// WatchItems lists the open steps of dossiers being handled, the earliest appointment
// first.
func (db *DB) WatchItems(ctx context.Context, f WatchFilter) ([]WatchItem, error) {
	var c conds
	c.add("s.finished_at IS NULL")
	c.add("d.state IN (" + c.arg(string(dossier.Received)) + ", " + c.arg(string(dossier.Processing)) + ")")
	if f.Actor != nil {
		c.add(ownWork(&c, *f.Actor))
	}
	c.under("su.path", f.Under)
	if f.UnitID != "" {
		c.add("s.unit_id = " + c.arg(f.UnitID))
	}
	query := finishQuery(`SELECT d.id, COALESCE(d.code, ''), d.unit_id, d.state, d.procedure_code, d.procedure_name,
		d.applicant_name, d.due_at, d.last_progress_at, su.path, su.name, `+stepColumns+`
		FROM dossiers d JOIN dossier_steps s ON s.dossier_id = d.id JOIN units su ON su.id = s.unit_id`,
		c.where, "d.due_at, d.id", f.Limit)
	return queryAll(ctx, db.read, "watch items", func(r interface{ Scan(...any) error }) (WatchItem, error) {
		var (
			w     WatchItem
			state string
			due   sql.NullTime
			sc    stepScan
		)
		err := r.Scan(append([]any{&w.DossierID, &w.Code, &w.UnitID, &state, &w.ProcedureCode, &w.ProcedureName,
			&w.ApplicantName, &due, &w.LastProgressAt, &w.StepUnitPath, &w.StepUnitName}, sc.ptrs(&w.Step)...)...)
		sc.finish(&w.Step)
		w.State, w.Due = dossier.State(state), due.Time
		return w, err
	}, query, c.args...)
}

// ownWork is the condition "the step is the actor's to take", adding its arguments: the
// rule of the work queue.
func ownWork(c *conds, a auth.Actor) string {
	ors := []string{"s.assignee_id = " + c.arg(a.UserID)}
	for _, as := range a.Assignments {
		if as.Role != user.Receiver && as.Role != user.Handler && as.Role != user.Approver {
			continue
		}
		ors = append(ors, fmt.Sprintf("(s.assignee_id IS NULL AND s.role = %s AND substr(su.path, 1, %d) = %s)",
			c.arg(string(as.Role)), len(as.UnitPath), c.arg(as.UnitPath)))
	}
	return "(" + strings.Join(ors, " OR ") + ")"
}

// Recipient is an official a notification may go to.
type Recipient struct {
	UserID    string
	Email     string
	FullName  string
	Lang      string
	EmailMode string // the official's choice; "" when never chosen
}

const recipientColumns = `u.id, u.email, u.full_name, u.lang, COALESCE(p.email_mode, '')`

func scanRecipient(r interface{ Scan(...any) error }) (Recipient, error) {
	var x Recipient
	err := r.Scan(&x.UserID, &x.Email, &x.FullName, &x.Lang, &x.EmailMode)
	return x, err
}

// Recipients returns the active officials among ids (unknown or inactive ones are left
// out), by id.
func (db *DB) Recipients(ctx context.Context, ids []string) ([]Recipient, error) {
	var args []any
	seen := map[string]bool{}
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			args = append(args, id)
		}
	}
	if len(args) == 0 {
		return nil, nil
	}
	return queryAll(ctx, db.read, "recipients", scanRecipient, `SELECT `+recipientColumns+` FROM users u
		LEFT JOIN notification_prefs p ON p.user_id = u.id
		WHERE u.active = $1 AND u.id IN (`+placeholders(2, len(args))+`) ORDER BY u.id`, append([]any{true}, args...)...)
}

// NearestHolders returns the active officials holding role in the nearest unit, at or
// above the unit whose materialised path is path, where anyone holds it: the leader of a
// commune is its own approver, not the province's, unless the commune has none.
func (db *DB) NearestHolders(ctx context.Context, role user.Role, path string) ([]Recipient, error) {
	type row struct {
		Recipient
		depth int
	}
	rows, err := queryAll(ctx, db.read, "role holders", func(r interface{ Scan(...any) error }) (row, error) {
		var x row
		err := r.Scan(&x.UserID, &x.Email, &x.FullName, &x.Lang, &x.EmailMode, &x.depth)
		return x, err
	}, `SELECT DISTINCT `+recipientColumns+`, length(un.path) FROM role_assignments a
		JOIN units un ON un.id = a.unit_id JOIN users u ON u.id = a.user_id
		LEFT JOIN notification_prefs p ON p.user_id = u.id
		WHERE a.role = $1 AND u.active = $2 AND substr($3, 1, length(un.path)) = un.path
		ORDER BY length(un.path) DESC, u.id`, string(role), true, path)
	if err != nil {
		return nil, err
	}
	var out []Recipient
	for _, r := range rows {
		if r.depth != rows[0].depth {
			break
		}
		out = append(out, r.Recipient)
	}
	return out, nil
}

// ReminderSettings are a unit's reminder thresholds in working time; zero means the
// default rule.
type ReminderSettings struct {
	UnitID    string
	UnitPath  string
	UnitName  string
	Stale     time.Duration // no recorded action for longer than this: stale
	Escalate  time.Duration // then this much more before the leader, and again before the overseer
	UpdatedAt time.Time
	UpdatedBy string
}

// MaxReminderThreshold bounds a threshold: 30 working days of 8 hours.
const MaxReminderThreshold = 240 * time.Hour

// SaveReminderSettings stores a unit's thresholds (both zero: back to the default rule,
// the row is removed) and records the change in the audit log.
func (db *DB) SaveReminderSettings(ctx context.Context, unitID string, stale, escalate time.Duration, actorID string) error {
	for field, d := range map[string]time.Duration{"stale": stale, "escalate": escalate} {
		if d < 0 || d > MaxReminderThreshold || d%time.Minute != 0 {
			return failure.InvalidField(field, "reminders.threshold_invalid")
		}
	}
	now := db.Now()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if err := requireUnit(ctx, tx, unitID, "unit_id"); err != nil {
			return err
		}
		var err error
		if stale == 0 && escalate == 0 {
			_, err = tx.ExecContext(ctx, `DELETE FROM reminder_settings WHERE unit_id = $1`, unitID)
		} else {
			_, err = tx.ExecContext(ctx, `INSERT INTO reminder_settings (unit_id, stale_minutes, escalate_minutes,
				updated_at, updated_by) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (unit_id) DO UPDATE SET stale_minutes = excluded.stale_minutes,
					escalate_minutes = excluded.escalate_minutes, updated_at = excluded.updated_at,
					updated_by = excluded.updated_by`,
				unitID, int(stale/time.Minute), int(escalate/time.Minute), now, nullString(actorID))
		}
		if err != nil {
			return fmt.Errorf("save reminder settings of %s: %w", unitID, err)
		}
		return db.auditIn(ctx, tx, AuditEvent{ActorID: actorID, UnitID: unitID, Action: "reminders.save",
			ObjectType: "reminder_settings", ObjectID: unitID,
			Detail: fmt.Sprintf("stale %s, escalate %s", stale, escalate)})
	})
}

// AllReminderSettings lists every unit's own thresholds, by unit path.
func (db *DB) AllReminderSettings(ctx context.Context) ([]ReminderSettings, error) {
	return queryAll(ctx, db.read, "reminder settings", func(r interface{ Scan(...any) error }) (ReminderSettings, error) {
		var (
			x               ReminderSettings
			stale, escalate int
		)
		err := r.Scan(&x.UnitID, &x.UnitPath, &x.UnitName, &stale, &escalate, &x.UpdatedAt, &x.UpdatedBy)
		x.Stale, x.Escalate = time.Duration(stale)*time.Minute, time.Duration(escalate)*time.Minute
		return x, err
	}, `SELECT r.unit_id, u.path, u.name, r.stale_minutes, r.escalate_minutes, r.updated_at, COALESCE(r.updated_by, '')
		FROM reminder_settings r JOIN units u ON u.id = r.unit_id ORDER BY u.path`)
}

// NearestReminderSettings picks, among all (as AllReminderSettings returns them), the
// settings of the nearest unit at or above the unit whose path is path; the zero value
// (default rule) when none applies.
func NearestReminderSettings(all []ReminderSettings, path string) ReminderSettings {
	var best ReminderSettings
	for _, s := range all {
		if strings.HasPrefix(path, s.UnitPath) && len(s.UnitPath) > len(best.UnitPath) {
			best = s
		}
	}
	return best
}
