package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/vn"
)

// RefuseIntake records a dossier the desk refuses to receive (not within the unit's
// competence, or not eligible; DOMAIN.md rule 3), so the refusal slip (Phiếu từ chối tiếp
// nhận giải quyết hồ sơ) can be printed and the refusal counted. The dossier gets no code
// and no appointment; the procedure may be one no longer in force (that may be the reason).
func (db *DB) RefuseIntake(ctx context.Context, actor auth.Actor, req IntakeRequest, reason string) (dossier.Dossier, error) {
	at := req.At
	if at.IsZero() {
		at = db.Now()
	}
	at = at.UTC().Truncate(time.Microsecond)
	agency, err := db.Unit(ctx, req.UnitID)
	if err != nil {
		return dossier.Dossier{}, err
	}
	t, _ := dossier.TransitionFor("", dossier.ActRefuse)
	if err := dossier.Permit(actor, t, dossier.Dossier{}, agency.Path, agency.Path); err != nil {
		return dossier.Dossier{}, err
	}
	if d, ok, err := db.byIdempotencyKey(ctx, req.UnitID, req.IdempotencyKey); err != nil || ok {
		return d, err
	}
	reason = strings.TrimSpace(vn.NFC(reason))
	errs := failure.Fields(validateIntake(&req, at))
	switch n := utf8.RuneCountInString(reason); {
	case n == 0:
		errs = append(errs, failure.InvalidField("reason", "dossier.reason_required"))
	case n > 2000:
		errs = append(errs, failure.InvalidField("reason", "dossier.note_too_long"))
	}
	if err := errs.Err(); err != nil {
		return dossier.Dossier{}, err
	}
	p, err := loadProcedure(ctx, db.read, req.ProcedureCode)
	if failure.Is(err, failure.NotFound) {
		return dossier.Dossier{}, failure.InvalidField("procedure", "procedure.not_found")
	}
	if err != nil {
		return dossier.Dossier{}, fmt.Errorf("refuse intake: %w", err)
	}
	d := refusedDossier(p.Latest(), req, reason, at, actor.UserID)
	d.UnitID, d.CurrentUnitID = agency.ID, agency.ID
	ev := dossier.Event{ID: NewID(), DossierID: d.ID, UnitID: d.UnitID, At: at, ActorID: actor.UserID,
		Action: dossier.ActRefuse, To: dossier.Refused, Detail: dossier.Detail{"procedure": d.ProcedureCode, "reason": reason}.Encode()}
	ev.Seal(dossier.Event{})
	d.HistoryHash = ev.Hash
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		if err := insertDossier(ctx, tx, d); err != nil {
			return err
		}
		if err := rollTransition(ctx, tx, dossier.Dossier{}, d); err != nil {
			return err
		}
		return insertEvent(ctx, tx, ev)
	})
	if err != nil {
		if existing, ok, lookErr := db.byIdempotencyKey(ctx, req.UnitID, req.IdempotencyKey); lookErr == nil && ok {
			return existing, nil
		}
		return dossier.Dossier{}, fmt.Errorf("refuse intake: %w", err)
	}
	return d, nil
}

// refusedDossier builds the record of a refused intake: the papers shown are kept as
// they were declared, nothing is received.
func refusedDossier(v procedure.Version, req IntakeRequest, reason string, at time.Time, actorID string) dossier.Dossier {
	comps := make([]dossier.Component, 0, len(req.Components))
	for _, c := range req.Components {
		c.Name = strings.TrimSpace(vn.NFC(c.Name))
		if c.Name != "" {
			comps = append(comps, dossier.Component{Name: c.Name, Received: false})
		}
	}
	return dossier.Dossier{ID: NewID(), Version: 1, State: dossier.Refused, StepIndex: -1, Channel: req.Channel,
		Regime: dossier.RegimeFor(at), ProcedureVersionID: v.ID, ProcedureCode: v.Code, ProcedureName: v.Name,
		Limit: v.Limit, Applicant: req.Applicant, Components: comps, Payment: dossier.NoFee, Note: req.Note,
		ClosingReason: reason, IdempotencyKey: req.IdempotencyKey, LastProgressAt: at, CreatedBy: actorID,
		CreatedAt: at, UpdatedAt: at}
}
