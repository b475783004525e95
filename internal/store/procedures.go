package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/vn"
)

// The procedure catalog: procedures, their versions and their declared ends. The rules
// are package procedure's; this file stores them and checks what needs the database
// (unique code and number, version order, replacement cycles).

const procedureColumns = `p.id, p.code, p.name, p.field, p.level, p.status, p.status_from,
	COALESCE(p.replaced_by, ''), p.created_at, p.updated_at`

func scanProcedure(row interface{ Scan(...any) error }) (procedure.Procedure, error) {
	var p procedure.Procedure
	err := row.Scan(&p.ID, &p.Code, &p.Name, &p.Field, &p.Level, &p.Status, &p.StatusFrom, &p.ReplacedBy,
		&p.CreatedAt, &p.UpdatedAt)
	return p, err
}

const versionColumns = `v.id, v.code, v.version, v.name, v.field, v.level, v.agency_kinds, v.time_limit,
	v.fees, v.components, v.result, v.legal_basis, v.online_level, v.decision_number, v.decision_date,
	v.decision_authority, v.effective_from, v.effective_to, v.note, v.frozen, v.created_at, v.updated_at`

func scanVersion(row interface{ Scan(...any) error }) (procedure.Version, error) {
	var (
		v                  procedure.Version
		kinds, limit       string
		fees, comps        string
		level, onlineLevel string
	)
	err := row.Scan(&v.ID, &v.Code, &v.Number, &v.Name, &v.Field, &level, &kinds, &limit, &fees, &comps,
		&v.Result, &v.LegalBasis, &onlineLevel, &v.Announcement.Number, &v.Announcement.Date,
		&v.Announcement.Authority, &v.EffectiveFrom, &v.EffectiveTo, &v.Note, &v.Frozen, &v.CreatedAt, &v.UpdatedAt)
	if err != nil {
		return v, err
	}
	v.Level, v.Online = procedure.Level(level), procedure.OnlineLevel(onlineLevel)
	for _, k := range strings.Split(kinds, ",") {
		if k != "" {
			v.AgencyKinds = append(v.AgencyKinds, unit.Kind(k))
		}
	}
	if v.Limit, err = calendar.ParseLimit(limit); err != nil {
		return v, fmt.Errorf("version %s/%d: %w", v.Code, v.Number, err)
	}
	if err := json.Unmarshal([]byte(fees), &v.Fees); err != nil {
		return v, fmt.Errorf("version %s/%d fees: %w", v.Code, v.Number, err)
	}
	if err := json.Unmarshal([]byte(comps), &v.Components); err != nil {
		return v, fmt.Errorf("version %s/%d components: %w", v.Code, v.Number, err)
	}
	return v, nil
}

func kindsText(ks []unit.Kind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ",")
}

func jsonText(v any) string {
	if v == nil {
		return "[]"
	}
	b, err := json.Marshal(v)
	if err != nil || string(b) == "null" {
		return "[]"
	}
	return string(b)
}

// loadProcedure reads a procedure and its versions by code.
func loadProcedure(ctx context.Context, q querier, code string) (procedure.Procedure, error) {
	p, err := scanProcedure(q.QueryRowContext(ctx, `SELECT `+procedureColumns+` FROM procedures p WHERE p.code = $1`,
		procedure.NormalizeCode(code)))
	if errors.Is(err, sql.ErrNoRows) {
		return p, failure.New(failure.NotFound, "", "procedure.not_found")
	}
	if err != nil {
		return p, fmt.Errorf("load procedure %s: %w", code, err)
	}
	p.Versions, err = loadVersions(ctx, q, `v.procedure_id = $1`, p.ID)
	return p, err
}

func loadVersions(ctx context.Context, q querier, where string, args ...any) ([]procedure.Version, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+versionColumns+` FROM procedure_versions v
		JOIN procedures p ON p.id = v.procedure_id WHERE `+where+` ORDER BY v.code, v.version`, args...)
	if err != nil {
		return nil, fmt.Errorf("load versions: %w", err)
	}
	defer rows.Close()
	var out []procedure.Version
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, fmt.Errorf("load versions: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Procedure returns a procedure with its whole version history, oldest first.
func (db *DB) Procedure(ctx context.Context, code string) (procedure.Procedure, error) {
	return loadProcedure(ctx, db.read, code)
}

// AddProcedureVersion validates and saves a new version, creating the procedure when the
// code is new. A zero Number takes the next one. The version must start after the
// previous one started; it closes the previous one on its first day, and a declared end
// that it comes after is lifted (the procedure is announced again). A duplicate code and
// number is a conflict on the field "version".
func (db *DB) AddProcedureVersion(ctx context.Context, v *procedure.Version) error {
	err := db.inCatalogTx(ctx, func(tx *sql.Tx) error { return addVersion(ctx, tx, v, db.Now()) })
	if err != nil {
		return fmt.Errorf("add procedure %s version %d: %w", v.Code, v.Number, err)
	}
	return nil
}

func addVersion(ctx context.Context, tx *sql.Tx, v *procedure.Version, now time.Time) error {
	v.Normalize()
	if v.Number == 0 {
		v.Number = 1
		var latest sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT MAX(version) FROM procedure_versions WHERE code = $1`, v.Code).Scan(&latest); err != nil {
			return fmt.Errorf("latest version: %w", err)
		}
		if latest.Valid {
			v.Number = int(latest.Int64) + 1
		}
	}
	if err := v.Validate(); err != nil {
		return err
	}
	p, err := loadProcedure(ctx, tx, v.Code)
	isNew := failure.Is(err, failure.NotFound)
	if err != nil && !isNew {
		return err
	}
	if isNew {
		p = procedure.Procedure{ID: NewID(), Code: v.Code, Status: procedure.Effective}
		_, err := tx.ExecContext(ctx, `INSERT INTO procedures (id, code, name, field, level, search_text, status,
			created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
			p.ID, v.Code, v.Name, v.Field, string(v.Level), search(v), string(procedure.Effective), now)
		if err != nil {
			return fmt.Errorf("insert procedure: %w", err)
		}
	}
	for _, old := range p.Versions {
		if old.Number == v.Number {
			return failure.New(failure.Conflict, "version", "procedure.version_taken", v.Code, v.Number)
		}
	}
	if n := len(p.Versions); n > 0 {
		prev := p.Versions[n-1]
		if v.Number < prev.Number {
			return failure.InvalidField("version", "procedure.version_order", prev.Number)
		}
		if !prev.EffectiveFrom.Before(v.EffectiveFrom) {
			return failure.InvalidField("effective_from", "procedure.version_starts_early", prev.EffectiveFrom.Display())
		}
		if prev.EffectiveTo.IsZero() || v.EffectiveFrom.Before(prev.EffectiveTo) {
			if _, err := tx.ExecContext(ctx, `UPDATE procedure_versions SET effective_to = $2, updated_at = $3 WHERE id = $1`,
				prev.ID, v.EffectiveFrom, now); err != nil {
				return fmt.Errorf("close previous version: %w", err)
			}
		}
	}
	if v.ID == "" {
		v.ID = NewID()
	}
	v.CreatedAt, v.UpdatedAt = now, now
	if _, err := tx.ExecContext(ctx, `INSERT INTO procedure_versions (id, procedure_id, code, version, name, field,
		level, agency_kinds, time_limit, fees, components, result, legal_basis, online_level, decision_number,
		decision_date, decision_authority, effective_from, effective_to, note, frozen, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $22)`,
		v.ID, p.ID, v.Code, v.Number, v.Name, v.Field, string(v.Level), kindsText(v.AgencyKinds), v.Limit.String(),
		jsonText(v.Fees), jsonText(v.Components), v.Result, v.LegalBasis, string(v.Online), v.Announcement.Number,
		v.Announcement.Date, v.Announcement.Authority, v.EffectiveFrom, v.EffectiveTo, v.Note, v.Frozen, now); err != nil {
		return fmt.Errorf("insert version: %w", err)
	}
	// The procedure row shows the latest version; a declared end before this version is lifted.
	status, from, repl := p.Status, p.StatusFrom, p.ReplacedBy
	if status.Ended() && !v.EffectiveFrom.Before(from) {
		status, from, repl = procedure.Effective, unit.Date{}, ""
	}
	if status == "" {
		status = procedure.Effective
	}
	_, err = tx.ExecContext(ctx, `UPDATE procedures SET name = $2, field = $3, level = $4, search_text = $5,
		status = $6, status_from = $7, replaced_by = $8, updated_at = $9 WHERE id = $1`,
		p.ID, v.Name, v.Field, string(v.Level), search(v), string(status), from, nullString(repl), now)
	if err != nil {
		return fmt.Errorf("update procedure: %w", err)
	}
	return nil
}

func search(v *procedure.Version) string { return vn.Fold(v.Code + " " + v.Name + " " + v.Field) }

// UpdateProcedureVersion changes a version's content while no dossier can have been
// received under it (procedure.Version.Editable on day today); afterwards a change needs
// a new version. Code and number cannot change.
func (db *DB) UpdateProcedureVersion(ctx context.Context, v *procedure.Version, today unit.Date) error {
	v.Normalize()
	if err := v.Validate(); err != nil {
		return err
	}
	err := db.inCatalogTx(ctx, func(tx *sql.Tx) error { return updateVersion(ctx, tx, v, today, db.Now()) })
	if err != nil {
		return fmt.Errorf("update procedure %s version %d: %w", v.Code, v.Number, err)
	}
	return nil
}

func updateVersion(ctx context.Context, tx *sql.Tx, v *procedure.Version, today unit.Date, now time.Time) error {
	p, err := loadProcedure(ctx, tx, v.Code)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(p.Versions, func(o procedure.Version) bool { return o.Number == v.Number })
	if i < 0 {
		return failure.New(failure.NotFound, "", "procedure.version_not_found")
	}
	old := p.Versions[i]
	if !old.Editable(today) {
		return failure.New(failure.Conflict, "version", "procedure.version_immutable", v.Code, v.Number)
	}
	if i > 0 && !p.Versions[i-1].EffectiveFrom.Before(v.EffectiveFrom) {
		return failure.InvalidField("effective_from", "procedure.version_starts_early", p.Versions[i-1].EffectiveFrom.Display())
	}
	if i+1 < len(p.Versions) {
		next := p.Versions[i+1]
		if !v.EffectiveFrom.Before(next.EffectiveFrom) {
			return failure.InvalidField("effective_from", "procedure.version_overlaps", next.Number)
		}
		if v.EffectiveTo.IsZero() || next.EffectiveFrom.Before(v.EffectiveTo) {
			v.EffectiveTo = next.EffectiveFrom
		}
	}
	v.ID, v.CreatedAt, v.UpdatedAt, v.Frozen = old.ID, old.CreatedAt, now, false
	_, err = tx.ExecContext(ctx, `UPDATE procedure_versions SET name = $2, field = $3, level = $4, agency_kinds = $5,
		time_limit = $6, fees = $7, components = $8, result = $9, legal_basis = $10, online_level = $11,
		decision_number = $12, decision_date = $13, decision_authority = $14, effective_from = $15,
		effective_to = $16, note = $17, updated_at = $18 WHERE id = $1`,
		v.ID, v.Name, v.Field, string(v.Level), kindsText(v.AgencyKinds), v.Limit.String(), jsonText(v.Fees),
		jsonText(v.Components), v.Result, v.LegalBasis, string(v.Online), v.Announcement.Number, v.Announcement.Date,
		v.Announcement.Authority, v.EffectiveFrom, v.EffectiveTo, v.Note, now)
	if err != nil {
		return fmt.Errorf("update version: %w", err)
	}
	if i == len(p.Versions)-1 {
		if _, err := tx.ExecContext(ctx, `UPDATE procedures SET name = $2, field = $3, level = $4, search_text = $5,
			updated_at = $6 WHERE id = $1`, p.ID, v.Name, v.Field, string(v.Level), search(v), now); err != nil {
			return fmt.Errorf("update procedure: %w", err)
		}
	}
	return nil
}

// EndProcedure declares that a procedure ends on a day: expired, abolished, or replaced
// by another procedure (which must exist, and must not lead back to this one). Every
// version still in force on that day is closed on it; a version that would start on or
// after it is refused, since nothing may then be received under it.
func (db *DB) EndProcedure(ctx context.Context, code string, end procedure.End) error {
	code = procedure.NormalizeCode(code)
	end.ReplacedBy = procedure.NormalizeCode(end.ReplacedBy)
	if err := end.Validate(code); err != nil {
		return err
	}
	err := db.inCatalogTx(ctx, func(tx *sql.Tx) error { return endProcedure(ctx, tx, code, end, db.Now()) })
	if err != nil {
		return fmt.Errorf("end procedure %s: %w", code, err)
	}
	return nil
}

func endProcedure(ctx context.Context, tx *sql.Tx, code string, end procedure.End, now time.Time) error {
	p, err := loadProcedure(ctx, tx, code)
	if err != nil {
		return err
	}
	if end.Status == procedure.Replaced {
		if err := checkReplacement(ctx, tx, code, end.ReplacedBy); err != nil {
			return err
		}
	}
	for _, v := range p.Versions {
		if !v.EffectiveFrom.Before(end.From) {
			return failure.InvalidField("effective_to", "procedure.end_before_version", v.Number, v.EffectiveFrom.Display())
		}
		if v.EffectiveTo.IsZero() || end.From.Before(v.EffectiveTo) {
			if _, err := tx.ExecContext(ctx, `UPDATE procedure_versions SET effective_to = $2, updated_at = $3 WHERE id = $1`,
				v.ID, end.From, now); err != nil {
				return fmt.Errorf("close version: %w", err)
			}
		}
	}
	_, err = tx.ExecContext(ctx, `UPDATE procedures SET status = $2, status_from = $3, replaced_by = $4, updated_at = $5
		WHERE id = $1`, p.ID, string(end.Status), end.From, nullString(end.ReplacedBy), now)
	if err != nil {
		return fmt.Errorf("end procedure: %w", err)
	}
	return nil
}

// checkReplacement makes sure the replacement exists and that following replacements
// from it never comes back to code.
func checkReplacement(ctx context.Context, q querier, code, next string) error {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM procedures WHERE code = $1`, next).Scan(&n); err != nil {
		return fmt.Errorf("check replacement: %w", err)
	}
	if n == 0 {
		return failure.InvalidField("replaced_by", "procedure.replacement_not_found", next)
	}
	rows, err := q.QueryContext(ctx, `SELECT code, replaced_by FROM procedures WHERE replaced_by IS NOT NULL`)
	if err != nil {
		return fmt.Errorf("check replacement: %w", err)
	}
	defer rows.Close()
	chain := map[string]string{}
	for rows.Next() {
		var c, r string
		if err := rows.Scan(&c, &r); err != nil {
			return fmt.Errorf("check replacement: %w", err)
		}
		chain[c] = r
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("check replacement: %w", err)
	}
	delete(chain, code)
	if loop, ok := procedure.ReplacementCycle(code, next, chain); ok {
		return failure.InvalidField("replaced_by", "procedure.replacement_cycle", strings.Join(loop, " → "))
	}
	return nil
}

// ProcedureFilter selects procedures for ListProcedures.
type ProcedureFilter struct {
	Query  string // folded-diacritics search on code, name and field
	Field  string
	Level  procedure.Level
	Status procedure.Status // computed on On
	On     unit.Date        // the day Status is computed for (required with Status)
	Codes  []string         // only these codes
	Limit  int              // 0: no limit
}

// ListProcedures returns procedures with their versions, ordered by field then code.
// The status filter is applied to each procedure's StatusOn(f.On).
func (db *DB) ListProcedures(ctx context.Context, f ProcedureFilter) ([]procedure.Procedure, error) {
	var (
		where []string
		args  []any
	)
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if q := strings.TrimSpace(f.Query); q != "" {
		where = append(where, "p.search_text LIKE "+arg(vn.LikePattern(q))+` ESCAPE '\'`)
	}
	if f.Field != "" {
		where = append(where, "p.field = "+arg(f.Field))
	}
	if f.Level != "" {
		where = append(where, "p.level = "+arg(string(f.Level)))
	}
	if len(f.Codes) > 0 {
		var cs []string
		for _, c := range f.Codes {
			cs = append(cs, arg(procedure.NormalizeCode(c)))
		}
		where = append(where, "p.code IN ("+strings.Join(cs, ", ")+")")
	}
	cond := "1 = 1"
	if len(where) > 0 {
		cond = strings.Join(where, " AND ")
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+procedureColumns+` FROM procedures p WHERE `+cond+
		` ORDER BY p.field, p.code`, args...)
	if err != nil {
		return nil, fmt.Errorf("list procedures: %w", err)
	}
	var list []procedure.Procedure
	index := map[string]int{}
	for rows.Next() {
		p, err := scanProcedure(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("list procedures: %w", err)
		}
		index[p.ID] = len(list)
		list = append(list, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list procedures: %w", err)
	}
	if len(list) == 0 {
		return nil, nil
	}
	versions, err := loadVersionsWithProcedure(ctx, db.read, cond, args...)
	if err != nil {
		return nil, err
	}
	for _, pv := range versions {
		if i, ok := index[pv.procedureID]; ok {
			list[i].Versions = append(list[i].Versions, pv.Version)
		}
	}
	out := list[:0]
	for _, p := range list {
		if f.Status != "" && p.StatusOn(f.On) != f.Status {
			continue
		}
		out = append(out, p)
		if f.Limit > 0 && len(out) == f.Limit {
			break
		}
	}
	return out, nil
}

type versionOf struct {
	procedure.Version
	procedureID string
}

func loadVersionsWithProcedure(ctx context.Context, q querier, where string, args ...any) ([]versionOf, error) {
	rows, err := q.QueryContext(ctx, `SELECT v.procedure_id, `+versionColumns+` FROM procedure_versions v
		JOIN procedures p ON p.id = v.procedure_id WHERE `+where+` ORDER BY v.code, v.version`, args...)
	if err != nil {
		return nil, fmt.Errorf("load versions: %w", err)
	}
	defer rows.Close()
	var out []versionOf
	for rows.Next() {
		var pid string
		v, err := scanVersion(prefixScanner{rows, &pid})
		if err != nil {
			return nil, fmt.Errorf("load versions: %w", err)
		}
		out = append(out, versionOf{v, pid})
	}
	return out, rows.Err()
}

// prefixScanner scans one extra leading column into first, then the rest as usual.
type prefixScanner struct {
	row   interface{ Scan(...any) error }
	first *string
}

func (p prefixScanner) Scan(dest ...any) error {
	return p.row.Scan(append([]any{p.first}, dest...)...)
}

// ProcedureFields lists the fields (lĩnh vực) in the catalog, for filters.
func (db *DB) ProcedureFields(ctx context.Context) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT DISTINCT field FROM procedures ORDER BY field`)
	if err != nil {
		return nil, fmt.Errorf("procedure fields: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var f string
		if err := rows.Scan(&f); err != nil {
			return nil, fmt.Errorf("procedure fields: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// CountProcedures returns how many procedures the catalog holds.
func (db *DB) CountProcedures(ctx context.Context) (int, error) {
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM procedures`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count procedures: %w", err)
	}
	return n, nil
}
