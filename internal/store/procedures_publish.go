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

// Publication of procedures by units, and the intake block.

// PublishProcedure records that the unit applies and publishes the procedure from day on.
// Publishing a procedure that is not in force that day is refused (procedure.Check's
// reasons, without recording an intake refusal). Publishing again after a withdrawal
// reopens the publication from the new day; publishing what is already published is a
// no-op.
func (db *DB) PublishProcedure(ctx context.Context, unitID, code string, on unit.Date, actorID string) error {
	err := db.inCatalogTx(ctx, func(tx *sql.Tx) error { return publish(ctx, tx, unitID, code, on, actorID, db.Now()) })
	if err != nil {
		return fmt.Errorf("publish %s in %s: %w", code, unitID, err)
	}
	return nil
}

func publish(ctx context.Context, tx *sql.Tx, unitID, code string, on unit.Date, actorID string, now time.Time) error {
	if on.IsZero() {
		return failure.InvalidField("published_on", "procedure.published_on_required")
	}
	if err := requireUnit(ctx, tx, unitID, "unit_id"); err != nil {
		return err
	}
	p, err := loadProcedure(ctx, tx, code)
	if failure.Is(err, failure.NotFound) {
		return failure.InvalidField("code", "procedure.not_found")
	}
	if err != nil {
		return err
	}
	if p.StatusOn(on) != procedure.Effective {
		return failure.New(failure.Conflict, "code", "procedure.publish_not_effective", p.Code, on.Display())
	}
	var (
		id     string
		endsOn unit.Date
	)
	err = tx.QueryRowContext(ctx, `SELECT id, unpublished_on FROM procedure_publications WHERE unit_id = $1 AND procedure_id = $2`,
		unitID, p.ID).Scan(&id, &endsOn)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err = tx.ExecContext(ctx, `INSERT INTO procedure_publications (id, unit_id, procedure_id, code, published_on,
			actor_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`,
			NewID(), unitID, p.ID, p.Code, on, nullString(actorID), now)
	case err != nil:
	case endsOn.IsZero():
		return nil
	default:
		_, err = tx.ExecContext(ctx, `UPDATE procedure_publications SET published_on = $2, unpublished_on = NULL,
			actor_id = $3, updated_at = $4 WHERE id = $1`, id, on, nullString(actorID), now)
	}
	if err != nil {
		return fmt.Errorf("save publication: %w", err)
	}
	return nil
}

// UnpublishProcedure withdraws a unit's publication from day on (the unit stops
// applying the procedure). The publication row stays as history.
func (db *DB) UnpublishProcedure(ctx context.Context, unitID, code string, on unit.Date, actorID string) error {
	return db.inCatalogTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE procedure_publications SET unpublished_on = $3, actor_id = $4, updated_at = $5
			WHERE unit_id = $1 AND code = $2 AND unpublished_on IS NULL`,
			unitID, procedure.NormalizeCode(code), on, nullString(actorID), db.Now())
		if err != nil {
			return fmt.Errorf("unpublish %s in %s: %w", code, unitID, err)
		}
		return mustAffect(res, "procedure.not_published")
	})
}

// PublishedProcedure is a publication with its unit and the procedure's history.
type PublishedProcedure struct {
	procedure.Publication
	UnitName  string
	UnitPath  string
	Procedure procedure.Procedure
}

// PublicationFilter selects publications.
type PublicationFilter struct {
	UnitID   string    // one unit
	Under    []string  // units under these materialised paths; empty with no UnitID: everywhere
	ActiveOn unit.Date // only publications in place that day; zero: every publication, withdrawn too
	Code     string
}

// Publications lists publications with their procedures, by unit path then code.
func (db *DB) Publications(ctx context.Context, f PublicationFilter) ([]PublishedProcedure, error) {
	var c conds
	if f.UnitID != "" {
		c.add("pub.unit_id = " + c.arg(f.UnitID))
	}
	c.under("u.path", f.Under)
	if !f.ActiveOn.IsZero() {
		d := c.arg(f.ActiveOn)
		c.add(fmt.Sprintf("pub.published_on <= %s AND (pub.unpublished_on IS NULL OR pub.unpublished_on > %s)", d, d))
	}
	if f.Code != "" {
		c.add("pub.code = " + c.arg(procedure.NormalizeCode(f.Code)))
	}
	query := `SELECT pub.id, pub.unit_id, pub.code, pub.published_on, pub.unpublished_on, COALESCE(pub.actor_id, ''),
		pub.created_at, pub.updated_at, u.name, u.path FROM procedure_publications pub JOIN units u ON u.id = pub.unit_id`
	if len(c.where) > 0 {
		query += " WHERE " + strings.Join(c.where, " AND ")
	}
	rows, err := db.read.QueryContext(ctx, query+" ORDER BY u.path, pub.code", c.args...)
	if err != nil {
		return nil, fmt.Errorf("publications: %w", err)
	}
	var out []PublishedProcedure
	codes := map[string]bool{}
	for rows.Next() {
		var p PublishedProcedure
		if err := rows.Scan(&p.ID, &p.UnitID, &p.Code, &p.PublishedOn, &p.UnpublishedOn, &p.ActorID, &p.CreatedAt,
			&p.UpdatedAt, &p.UnitName, &p.UnitPath); err != nil {
			rows.Close()
			return nil, fmt.Errorf("publications: %w", err)
		}
		codes[p.Code] = true
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("publications: %w", err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	list := make([]string, 0, len(codes))
	for c := range codes {
		list = append(list, c)
	}
	procs, err := db.ListProcedures(ctx, ProcedureFilter{Codes: list})
	if err != nil {
		return nil, err
	}
	byCode := map[string]procedure.Procedure{}
	for _, p := range procs {
		byCode[p.Code] = p
	}
	for i := range out {
		out[i].Procedure = byCode[out[i].Code]
	}
	return out, nil
}

// StalePublications lists the publications in place on day on whose procedure is no
// longer (or not yet) in force that day: what a unit still shows at its desk but must not
// receive. Under selects an overseer's subtree; UnitID one unit.
func (db *DB) StalePublications(ctx context.Context, f PublicationFilter, on unit.Date) ([]PublishedProcedure, error) {
	f.ActiveOn = on
	all, err := db.Publications(ctx, f)
	if err != nil {
		return nil, err
	}
	var out []PublishedProcedure
	for _, p := range all {
		if p.Procedure.StatusOn(on) != procedure.Effective {
			out = append(out, p)
		}
	}
	return out, nil
}

// ExpiringPublications lists the publications in place on day on whose procedure's
// version in force ends within days days (procedure.DefaultExpiryWindow when 0).
func (db *DB) ExpiringPublications(ctx context.Context, f PublicationFilter, on unit.Date, days int) ([]PublishedProcedure, error) {
	if days <= 0 {
		days = procedure.DefaultExpiryWindow
	}
	f.ActiveOn = on
	all, err := db.Publications(ctx, f)
	if err != nil {
		return nil, err
	}
	var out []PublishedProcedure
	for _, p := range all {
		if _, ok := p.Procedure.EndsWithin(on, days); ok {
			out = append(out, p)
		}
	}
	return out, nil
}

// ApplicableVersion is the intake block the dossier engine calls before receiving a
// dossier: it returns the version of the procedure in force at instant at (its day in
// Asia/Ho_Chi_Minh) when the unit, or a unit above it, publishes the procedure that day.
// Otherwise it refuses with a procedure.Refusal error (unknown, not yet effective,
// expired, abolished, replaced naming the replacement, not applied), and records the
// refused attempt with the actor for the QMS nonconformity log. A version returned is
// frozen: its content can no longer change.
func (db *DB) ApplicableVersion(ctx context.Context, unitID, code string, at time.Time, actorID string) (procedure.Version, error) {
	code = procedure.NormalizeCode(code)
	var path string
	err := db.read.QueryRowContext(ctx, `SELECT path FROM units WHERE id = $1`, unitID).Scan(&path)
	if errors.Is(err, sql.ErrNoRows) {
		return procedure.Version{}, failure.New(failure.NotFound, "unit_id", "unit.not_found")
	}
	if err != nil {
		return procedure.Version{}, fmt.Errorf("intake %s: %w", code, err)
	}
	view, err := loadIntakeView(ctx, db.read, path, code)
	if err != nil {
		return procedure.Version{}, fmt.Errorf("intake %s: %w", code, err)
	}
	v, reason, detail, ferr := view.check(code, at)
	if ferr != nil {
		return procedure.Version{}, db.refuse(ctx, unitID, code, reason, detail, actorID, at, ferr)
	}
	if !v.Frozen {
		if err := freezeVersion(ctx, db.write, v.ID); err != nil {
			return procedure.Version{}, fmt.Errorf("intake %s: %w", code, err)
		}
		v.Frozen = true
	}
	return v, nil
}

// freezeSQL marks a version as received under.
const freezeSQL = `UPDATE procedure_versions SET frozen = $2 WHERE id = $1`

// freezeVersion marks a version as received under: its content can no longer change.
func freezeVersion(ctx context.Context, q execer, versionID string) error {
	if _, err := q.ExecContext(ctx, freezeSQL, versionID, true); err != nil {
		return fmt.Errorf("freeze version: %w", err)
	}
	return nil
}

// intakeView is what the intake block reads about a procedure at a unit: the procedure
// with its versions (found false when no procedure has the code), the periods in which
// the unit or a unit above it published it, and the name of its replacement.
type intakeView struct {
	proc        procedure.Procedure
	found       bool
	published   []publicationPeriod
	replacement string
}

// publicationPeriod is a publication's days: from, up to (not including) to, which is
// zero while it is in place.
type publicationPeriod struct{ from, to unit.Date }

// loadIntakeView reads the intake view of the procedure code at the unit with the
// materialised path unitPath.
func loadIntakeView(ctx context.Context, q querier, unitPath, code string) (intakeView, error) {
	p, err := loadProcedure(ctx, q, code)
	if failure.Is(err, failure.NotFound) {
		return intakeView{}, nil
	}
	if err != nil {
		return intakeView{}, err
	}
	v := intakeView{proc: p, found: true}
	v.published, err = queryAll(ctx, q, "publications", func(r interface{ Scan(...any) error }) (publicationPeriod, error) {
		var pp publicationPeriod
		err := r.Scan(&pp.from, &pp.to)
		return pp, err
	}, `SELECT pub.published_on, pub.unpublished_on FROM procedure_publications pub JOIN units u ON u.id = pub.unit_id
		WHERE pub.procedure_id = $1 AND substr($2, 1, length(u.path)) = u.path`, p.ID, unitPath)
	if err != nil {
		return intakeView{}, err
	}
	if p.ReplacedBy != "" {
		_ = q.QueryRowContext(ctx, `SELECT name FROM procedures WHERE code = $1`, p.ReplacedBy).Scan(&v.replacement)
	}
	return v, nil
}

// check applies the intake block at instant at (its day in Asia/Ho_Chi_Minh): the
// version in force, or the refusal with its reason, detail and error.
func (v intakeView) check(code string, at time.Time) (procedure.Version, procedure.Refusal, string, error) {
	if !v.found {
		return procedure.Version{}, procedure.RefusedUnknown, "", procedure.RefusalError(procedure.RefusedUnknown, code)
	}
	day := unit.DateOf(at.In(calendar.Location()))
	applied := false
	for _, pp := range v.published {
		if !day.Before(pp.from) && (pp.to.IsZero() || day.Before(pp.to)) {
			applied = true
		}
	}
	ver, reason, ferr := procedure.Check(v.proc, day, applied, v.replacement)
	if ferr != nil {
		detail := ""
		if reason == procedure.RefusedReplaced {
			detail = v.proc.ReplacedBy
		}
		return procedure.Version{}, reason, detail, ferr
	}
	return ver, "", "", nil
}

// refuse records a refused intake and returns the refusal (or the recording failure).
func (db *DB) refuse(ctx context.Context, unitID, code string, reason procedure.Refusal, detail, actorID string, at time.Time, refusal error) error {
	_, err := db.write.ExecContext(ctx, `INSERT INTO procedure_refusals (id, unit_id, code, reason, detail, actor_id, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, NewID(), unitID, code, string(reason), detail, nullString(actorID), at.UTC())
	if err != nil {
		return fmt.Errorf("record refused intake of %s: %w", code, err)
	}
	return refusal
}

// RefusalFilter selects recorded intake refusals.
type RefusalFilter struct {
	UnitID string
	Under  []string // materialised paths
	Since  time.Time
	Limit  int // default 500
}

// IntakeRefusal is a recorded refusal with its unit's name.
type IntakeRefusal struct {
	procedure.RefusalRecord
	UnitName string
}

// IntakeRefusals lists recorded refusals, newest first.
func (db *DB) IntakeRefusals(ctx context.Context, f RefusalFilter) ([]IntakeRefusal, error) {
	var c conds
	if f.UnitID != "" {
		c.add("r.unit_id = " + c.arg(f.UnitID))
	}
	c.under("u.path", f.Under)
	if !f.Since.IsZero() {
		c.add("r.at >= " + c.arg(f.Since.UTC()))
	}
	if f.Limit <= 0 {
		f.Limit = 500
	}
	query := `SELECT r.id, r.unit_id, r.code, r.reason, r.detail, COALESCE(r.actor_id, ''), r.at, u.name
		FROM procedure_refusals r JOIN units u ON u.id = r.unit_id`
	if len(c.where) > 0 {
		query += " WHERE " + strings.Join(c.where, " AND ")
	}
	rows, err := db.read.QueryContext(ctx, query+fmt.Sprintf(" ORDER BY r.at DESC, r.id DESC LIMIT %d", f.Limit), c.args...)
	if err != nil {
		return nil, fmt.Errorf("intake refusals: %w", err)
	}
	defer rows.Close()
	var out []IntakeRefusal
	for rows.Next() {
		var r IntakeRefusal
		if err := rows.Scan(&r.ID, &r.UnitID, &r.Code, &r.Reason, &r.Detail, &r.ActorID, &r.At, &r.UnitName); err != nil {
			return nil, fmt.Errorf("intake refusals: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
