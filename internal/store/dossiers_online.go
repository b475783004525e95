package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/dossier"
)

// Submit records an online submission from the public portal, where nobody is signed in.
// It passes the same intake block and checklist as the desk and waits as Submitted, with
// no code, until the desk accepts it (Act with ActReceive) or refuses it. The submission
// time is the receipt time: outside office hours the clock starts at the next office
// period (DOMAIN.md rule 4).
func (db *DB) Submit(ctx context.Context, req IntakeRequest) (dossier.Dossier, error) {
	d, _, err := db.SubmitOnline(ctx, req, nil)
	return d, err
}

// accept receives an online submission at the desk: the code (of the submission day), the
// appointment counted from the submission, the workflow and the first control-slip row.
func (db *DB) accept(ctx context.Context, actor auth.Actor, d dossier.Dossier, cmd dossier.Command, at time.Time) (dossier.Dossier, error) {
	agency, err := db.Unit(ctx, d.UnitID)
	if err != nil {
		return dossier.Dossier{}, err
	}
	received := d.CreatedAt
	plan, err := db.planReceipt(ctx, agency.ID, d.ProcedureCode, d.Limit, received, at)
	if err != nil {
		return dossier.Dossier{}, err
	}
	next := d
	next.Workflow = plan.steps
	next.State, next.StepIndex, next.ReceivedAt, next.ReceivedBy = dossier.Received, 0, received, actor.UserID
	next.ClockStart, next.Due, next.DueRule = received, plan.due, dossier.RuleOf(plan.rule)
	next.LastProgressAt, next.UpdatedAt = at, at
	change := dossier.Change{Dossier: next, Detail: dossier.Detail{"due": plan.due.UTC().Format(time.RFC3339)},
		Open: &dossier.StepRecord{StepIndex: 0, Kind: next.Workflow[0].Kind, Role: next.Workflow[0].Role,
			UnitID: agency.ID, AssigneeID: actor.UserID, FromUserID: actor.UserID, StartedAt: at, Due: plan.firstDue}}
	t, _ := dossier.TransitionFor(d.State, cmd.Action)
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		n, err := nextSequence(ctx, tx, agency.AgencyCode, dossier.SequenceDay(received))
		if err != nil {
			return err
		}
		code, err := dossier.NewCode(agency.AgencyCode, received, n)
		if err != nil {
			return err
		}
		change.Dossier.Code = code.String()
		change.Detail["code"] = change.Dossier.Code
		if _, err := tx.ExecContext(ctx, `UPDATE dossiers SET code = $2, workflow = $3, received_at = $4, received_by = $5,
			search_text = $6 WHERE id = $1 AND version = $7`, d.ID, change.Dossier.Code, jsonText(change.Dossier.Workflow),
			received.UTC(), actor.UserID, searchText(change.Dossier), d.Version); err != nil {
			return fmt.Errorf("accept submission: %w", err)
		}
		return db.writeChange(ctx, tx, d, &change, t, cmd, at, actor.UserID)
	})
	if err != nil {
		return dossier.Dossier{}, err
	}
	return change.Dossier, nil
}
