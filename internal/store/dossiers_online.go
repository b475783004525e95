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
	"github.com/motcua/motcua/internal/unit"
)

// Submit records an online submission from the public portal, where nobody is signed in.
// It passes the same intake block and checklist as the desk and waits as Submitted, with
// no code, until the desk accepts it (Act with ActReceive) or refuses it. The submission
// time is the receipt time: outside office hours the clock starts at the next office
// period (DOMAIN.md rule 4).
func (db *DB) Submit(ctx context.Context, req IntakeRequest) (dossier.Dossier, error) {
	at := req.At
	if at.IsZero() {
		at = db.Now()
	}
	at = at.UTC().Truncate(time.Microsecond)
	req.Channel = dossier.Online
	agency, err := db.Unit(ctx, req.UnitID)
	if err != nil {
		return dossier.Dossier{}, failure.InvalidField("unit_id", "dossier.unit_required")
	}
	if agency.AgencyCode == "" {
		return dossier.Dossier{}, failure.InvalidField("unit_id", "dossier.agency_code_missing")
	}
	if !agency.ActiveOn(unit.DateOf(at.In(calendar.Location()))) {
		return dossier.Dossier{}, failure.InvalidField("unit_id", "dossier.unit_not_active")
	}
	if d, ok, err := db.byIdempotencyKey(ctx, req.UnitID, req.IdempotencyKey); err != nil || ok {
		return d, err
	}
	if err := validateIntake(&req, at); err != nil {
		return dossier.Dossier{}, err
	}
	v, err := db.ApplicableVersion(ctx, agency.ID, req.ProcedureCode, at, "")
	if err != nil {
		return dossier.Dossier{}, err
	}
	comps, err := checkComponents(v, req.Components)
	if err != nil {
		return dossier.Dossier{}, err
	}
	secret, err := lookupSecret()
	if err != nil {
		return dossier.Dossier{}, err
	}
	var fee int64
	for _, f := range v.Fees {
		fee += f.Amount
	}
	d := dossier.Dossier{ID: NewID(), UnitID: agency.ID, CurrentUnitID: agency.ID, Version: 1, State: dossier.Submitted,
		StepIndex: -1, Channel: dossier.Online, Regime: dossier.RegimeFor(at), ProcedureVersionID: v.ID,
		ProcedureCode: v.Code, ProcedureName: v.Name, Limit: v.Limit, Applicant: req.Applicant, Components: comps,
		FeeTotal: fee, Payment: req.Payment, Note: req.Note, LookupSecret: secret, IdempotencyKey: req.IdempotencyKey,
		LastProgressAt: at, CreatedAt: at, UpdatedAt: at}
	ev := dossier.Event{ID: NewID(), DossierID: d.ID, UnitID: d.UnitID, At: at, Action: dossier.ActSubmit,
		To: dossier.Submitted, Detail: dossier.Detail{"procedure": d.ProcedureCode}.Encode()}
	ev.Seal(dossier.Event{})
	d.HistoryHash = ev.Hash
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		if err := insertDossier(ctx, tx, d); err != nil {
			return err
		}
		return insertEvent(ctx, tx, ev)
	})
	if err != nil {
		if existing, ok, lookErr := db.byIdempotencyKey(ctx, req.UnitID, req.IdempotencyKey); lookErr == nil && ok {
			return existing, nil
		}
		return dossier.Dossier{}, fmt.Errorf("submit dossier: %w", err)
	}
	return d, nil
}

// accept receives an online submission at the desk: the code (of the submission day), the
// appointment counted from the submission, the workflow and the first control-slip row.
func (db *DB) accept(ctx context.Context, actor auth.Actor, d dossier.Dossier, cmd dossier.Command, at time.Time) (dossier.Dossier, error) {
	agency, err := db.Unit(ctx, d.UnitID)
	if err != nil {
		return dossier.Dossier{}, err
	}
	cal, err := db.CalendarFor(ctx, agency.ID)
	if err != nil {
		return dossier.Dossier{}, err
	}
	wf, err := db.WorkflowFor(ctx, agency.ID, d.ProcedureCode, d.Limit)
	if err != nil {
		return dossier.Dossier{}, err
	}
	next := d
	next.Workflow = withReturnStep(wf.Steps)
	received := d.CreatedAt
	due, rule, err := dossier.Appointment(cal, received, d.Limit)
	if err != nil {
		return dossier.Dossier{}, err
	}
	firstDue, err := dossier.StepDue(cal, at, next.Workflow[0])
	if err != nil {
		return dossier.Dossier{}, err
	}
	next.State, next.StepIndex, next.ReceivedAt, next.ReceivedBy = dossier.Received, 0, received, actor.UserID
	next.ClockStart, next.Due, next.DueRule = received, due, dossier.RuleOf(rule)
	next.LastProgressAt, next.UpdatedAt = at, at
	change := dossier.Change{Dossier: next, Detail: dossier.Detail{"due": due.UTC().Format(time.RFC3339)},
		Open: &dossier.StepRecord{StepIndex: 0, Kind: next.Workflow[0].Kind, Role: next.Workflow[0].Role,
			UnitID: agency.ID, AssigneeID: actor.UserID, FromUserID: actor.UserID, StartedAt: at, Due: firstDue}}
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
