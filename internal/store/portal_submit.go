package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/portal"
	"github.com/motcua/motcua/internal/unit"
)

// SubmitOnline records an online submission from the public portal together with its
// uploaded files, in one transaction: the dossier as Submit makes it (intake block,
// checklist, state Submitted, no code until the desk accepts it), its first history event
// and one dossier_files row per file. If anything fails nothing is stored. The request's
// components should list the papers the files are for (received and digitised); every
// file must name a component of the procedure.
//
// created is false when an earlier submission with the same idempotency key made the
// dossier: that dossier is returned and the files are not stored again. A key reused for
// another applicant is refused rather than answered with someone else's dossier.
func (db *DB) SubmitOnline(ctx context.Context, req IntakeRequest, files []portal.File) (dossier.Dossier, bool, error) {
	var none dossier.Dossier
	at := req.At
	if at.IsZero() {
		at = db.Now()
	}
	at = at.UTC().Truncate(time.Microsecond)
	req.Channel = dossier.Online
	agency, err := db.Unit(ctx, req.UnitID)
	if err != nil {
		return none, false, failure.InvalidField("unit_id", "dossier.unit_required")
	}
	if agency.AgencyCode == "" {
		return none, false, failure.InvalidField("unit_id", "dossier.agency_code_missing")
	}
	if !agency.ActiveOn(unit.DateOf(at.In(calendar.Location()))) {
		return none, false, failure.InvalidField("unit_id", "dossier.unit_not_active")
	}
	if err := validateIntake(&req, at); err != nil {
		return none, false, err
	}
	if d, ok, err := db.sameSubmission(ctx, req); err != nil || ok {
		return d, false, err
	}
	v, err := db.ApplicableVersion(ctx, agency.ID, req.ProcedureCode, at, "")
	if err != nil {
		return none, false, err
	}
	comps, err := checkComponents(v, req.Components)
	if err != nil {
		return none, false, err
	}
	for _, f := range files {
		if !hasComponent(comps, f.Component) {
			return none, false, failure.InvalidField("components", "dossier.component_unknown", f.Component)
		}
	}
	secret, err := lookupSecret()
	if err != nil {
		return none, false, err
	}
	d := dossier.Dossier{ID: NewID(), UnitID: agency.ID, CurrentUnitID: agency.ID, Version: 1, State: dossier.Submitted,
		StepIndex: -1, Channel: dossier.Online, Regime: dossier.RegimeFor(at), ProcedureVersionID: v.ID,
		ProcedureCode: v.Code, ProcedureName: v.Name, Limit: v.Limit, Applicant: req.Applicant, Components: comps,
		FeeTotal: feeTotal(v), Payment: req.Payment, Note: req.Note, LookupSecret: secret, IdempotencyKey: req.IdempotencyKey,
		LastProgressAt: at, CreatedAt: at, UpdatedAt: at}
	detail := dossier.Detail{"procedure": d.ProcedureCode}
	if len(files) > 0 {
		detail["files"] = len(files)
	}
	ev := dossier.Event{ID: NewID(), DossierID: d.ID, UnitID: d.UnitID, At: at, Action: dossier.ActSubmit,
		To: dossier.Submitted, Detail: detail.Encode()}
	ev.Seal(dossier.Event{})
	d.HistoryHash = ev.Hash
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		if err := insertDossier(ctx, tx, d); err != nil {
			return err
		}
		if err := rollTransition(ctx, tx, dossier.Dossier{}, d); err != nil {
			return err
		}
		if err := insertEvent(ctx, tx, ev); err != nil {
			return err
		}
		for _, f := range files {
			f.ID, f.DossierID, f.UnitID, f.CreatedAt = NewID(), d.ID, d.UnitID, at
			if err := insertFile(ctx, tx, f); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		// Two submissions with one key at once: the loser's insert fails; answer with the winner.
		if existing, ok, lookErr := db.sameSubmission(ctx, req); lookErr == nil && ok {
			return existing, false, nil
		}
		return none, false, fmt.Errorf("submit dossier online: %w", err)
	}
	return d, true, nil
}

// sameSubmission finds the dossier an earlier submission with the request's idempotency
// key made, and checks it is the same applicant's.
func (db *DB) sameSubmission(ctx context.Context, req IntakeRequest) (dossier.Dossier, bool, error) {
	d, ok, err := db.byIdempotencyKey(ctx, req.UnitID, req.IdempotencyKey)
	if err != nil || !ok {
		return d, ok, err
	}
	if d.Channel != dossier.Online || d.Applicant.IDNumber != req.Applicant.IDNumber || d.ProcedureCode != req.ProcedureCode {
		return dossier.Dossier{}, false, failure.New(failure.Conflict, "idempotency_key", "portal.submission_key_reused")
	}
	return d, true, nil
}

func hasComponent(comps []dossier.Component, name string) bool {
	for _, c := range comps {
		if c.Name == name {
			return true
		}
	}
	return false
}

func insertFile(ctx context.Context, tx *sql.Tx, f portal.File) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO dossier_files (id, dossier_id, unit_id, component, file_name, content_type,
		size, sha256, data, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		f.ID, f.DossierID, f.UnitID, f.Component, f.Name, f.ContentType, f.Size, f.SHA256, f.Data, f.CreatedAt.UTC())
	if err != nil {
		return fmt.Errorf("store file %s: %w", f.Name, err)
	}
	return nil
}

const fileColumns = `f.id, f.dossier_id, f.unit_id, f.component, f.file_name, f.content_type, f.size, f.sha256, f.created_at`

func scanFile(r interface{ Scan(...any) error }, extra ...any) (portal.File, error) {
	var f portal.File
	err := r.Scan(append([]any{&f.ID, &f.DossierID, &f.UnitID, &f.Component, &f.Name, &f.ContentType, &f.Size,
		&f.SHA256, &f.CreatedAt}, extra...)...)
	return f, err
}

// DossierFiles lists a dossier's uploaded files without their content, in the order of
// upload.
func (db *DB) DossierFiles(ctx context.Context, dossierID string) ([]portal.File, error) {
	return queryAll(ctx, db.read, "dossier files", func(r interface{ Scan(...any) error }) (portal.File, error) {
		return scanFile(r)
	}, `SELECT `+fileColumns+` FROM dossier_files f WHERE f.dossier_id = $1 ORDER BY f.id`, dossierID)
}

// DossierFile returns one uploaded file with its content. The caller checks the reader
// may see the file's dossier.
func (db *DB) DossierFile(ctx context.Context, id string) (portal.File, error) {
	var data []byte
	row := db.read.QueryRowContext(ctx, `SELECT `+fileColumns+`, f.data FROM dossier_files f WHERE f.id = $1`, id)
	f, err := scanFile(row, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return portal.File{}, failure.New(failure.NotFound, "", "portal.file_not_found")
	}
	if err != nil {
		return portal.File{}, fmt.Errorf("dossier file %s: %w", id, err)
	}
	f.Data = data
	return f, nil
}
