package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/portal"
	"github.com/motcua/motcua/internal/procedure"
)

// PublicDossier is what the citizens' look-up reads of the dossier a reference names, in
// one statement with the locks of the look-up's two throttling keys (the reference and the
// client address): only the columns the
// look-up shows or checks, not the fifty of a dossier. Dossier holds ID, Code,
// CurrentUnitID, State, StepIndex, Channel, ProcedureCode, ProcedureName, Limit,
// Applicant.Name and .Phone (the second factor), FeeTotal, the dates, Timeliness,
// ClosingReason and LookupSecret; its workflow, components and missing papers are JSON
// decoded only when asked for (StepKind, ReceivedComponents, Missing), since most look-ups show
// none of them.
type PublicDossier struct {
	Found       bool // false: no dossier has that reference (only LockedUntil is set)
	Dossier     dossier.Dossier
	UnitName    string    // the name of the unit holding the dossier now
	Rated       bool      // the applicant has rated it
	LockedUntil time.Time // the later lock of the throttling keys, zero when none was set

	workflow, components, missing string
}

// StepKind is the kind of the workflow step the dossier is at (empty when the index is
// out of range), read without decoding the rest of the workflow.
func (p PublicDossier) StepKind() (procedure.StepKind, error) {
	var steps []struct {
		Kind procedure.StepKind `json:"kind"`
	}
	if err := p.decode(p.workflow, &steps); err != nil {
		return "", err
	}
	if i := p.Dossier.StepIndex; i >= 0 && i < len(steps) {
		return steps[i].Kind, nil
	}
	return "", nil
}

// ReceivedComponents names the papers taken in, in the dossier's order.
func (p PublicDossier) ReceivedComponents() ([]string, error) {
	var comps []struct {
		Name     string `json:"name"`
		Received bool   `json:"received"`
	}
	if err := p.decode(p.components, &comps); err != nil {
		return nil, err
	}
	names := make([]string, 0, len(comps))
	for _, c := range comps {
		if c.Received {
			names = append(names, c.Name)
		}
	}
	return names, nil
}

// Missing lists what a supplement request asks for.
func (p PublicDossier) Missing() ([]dossier.SupplementItem, error) {
	var out []dossier.SupplementItem
	return out, p.decode(p.missing, &out)
}

func (p PublicDossier) decode(text string, into any) error {
	if err := json.Unmarshal([]byte(text), into); err != nil {
		return fmt.Errorf("dossier %s: decode: %w", p.Dossier.ID, err)
	}
	return nil
}

// publicColumns lists what PublicDossier reads, in the order scanPublic reads it: the
// dossier d, its current unit u, whether it was rated and the locks f and a.
const publicColumns = `d.id, COALESCE(d.code, ''), d.current_unit_id, d.state, d.step_index, d.workflow, d.channel,
	d.procedure_code, d.procedure_name, d.time_limit, d.applicant_name, d.applicant_phone, d.components, d.fee_total,
	d.created_at, d.received_at, d.due_at, d.extended_due_at, d.missing, d.resolved_at, d.timeliness, d.returned_at,
	d.closing_reason, d.lookup_secret, COALESCE(u.name, ''),
	EXISTS (SELECT 1 FROM dossier_ratings r WHERE r.dossier_id = d.id), f.locked_until, a.locked_until`

// The public look-ups, by code and by receipt number ($1), with the locks of the keys $2
// and $3.
const (
	publicFrom = ` FROM dossiers d LEFT JOIN units u ON u.id = d.current_unit_id
		LEFT JOIN login_failures f ON f.key = $2 LEFT JOIN login_failures a ON a.key = $3`
	publicByCode    = `SELECT ` + publicColumns + publicFrom + ` WHERE d.code = $1`
	publicByReceipt = `SELECT ` + publicColumns + publicFrom + ` WHERE d.id = $1`
)

// PublicDossier reads the dossier ref names (by code, or by receipt number: the dossier's
// ID) for the public look-up, and the later lock of the throttling keys refKey and
// addrKey, in one statement when the dossier exists. A reference that names no dossier, or
// the zero Reference (one that did not parse), answers Found false with the keys' lock.
func (db *DB) PublicDossier(ctx context.Context, ref portal.Reference, refKey, addrKey string) (PublicDossier, error) {
	query, arg := publicByCode, ref.Code
	if ref.Code == "" {
		query, arg = publicByReceipt, ref.Receipt
	}
	if arg != "" {
		p, err := scanPublic(db.readRow(ctx, query, arg, refKey, addrKey))
		if !errors.Is(err, sql.ErrNoRows) {
			return p, err
		}
	}
	locks, err := queryAll(ctx, db.read, "look-up locks", func(r interface{ Scan(...any) error }) (time.Time, error) {
		var t sql.NullTime
		err := r.Scan(&t)
		return t.Time, err
	}, `SELECT locked_until FROM login_failures WHERE key IN ($1, $2)`, refKey, addrKey)
	if err != nil {
		return PublicDossier{}, err
	}
	var p PublicDossier
	for _, t := range locks {
		p.LockedUntil = later(p.LockedUntil, t)
	}
	return p, nil
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func scanPublic(row *sql.Row) (PublicDossier, error) {
	p := PublicDossier{Found: true}
	d := &p.Dossier
	var (
		state, channel, limit                                          string
		received, due, extended, resolved, returned, refLock, addrLock sql.NullTime
	)
	err := row.Scan(&d.ID, &d.Code, &d.CurrentUnitID, &state, &d.StepIndex, &p.workflow, &channel,
		&d.ProcedureCode, &d.ProcedureName, &limit, &d.Applicant.Name, &d.Applicant.Phone, &p.components, &d.FeeTotal,
		&d.CreatedAt, &received, &due, &extended, &p.missing, &resolved, &d.Timeliness, &returned,
		&d.ClosingReason, &d.LookupSecret, &p.UnitName, &p.Rated, &refLock, &addrLock)
	if errors.Is(err, sql.ErrNoRows) {
		return PublicDossier{}, err
	}
	if err != nil {
		return PublicDossier{}, fmt.Errorf("public dossier: %w", err)
	}
	d.State, d.Channel = dossier.State(state), dossier.Channel(channel)
	d.ReceivedAt, d.Due, d.ExtendedDue = received.Time, due.Time, extended.Time
	d.ResolvedAt, d.ReturnedAt = resolved.Time, returned.Time
	p.LockedUntil = later(refLock.Time, addrLock.Time)
	if d.Limit, err = calendar.ParseLimit(limit); err != nil {
		return PublicDossier{}, fmt.Errorf("dossier %s time limit: %w", d.ID, err)
	}
	return p, nil
}
