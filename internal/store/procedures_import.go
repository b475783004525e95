package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/unit"
)

// ProcedureImportOptions tune ImportProcedures.
type ProcedureImportOptions struct {
	// DryRun computes the preview and every error, then rolls everything back.
	DryRun bool
	// Today decides which existing versions may still be edited (Version.Editable).
	Today unit.Date
	// NewID names a new version (code, number); NewID (UUIDv7) when nil. The demo passes a
	// deterministic function.
	NewID func(code string, number int) string
	// Progress, when set, is called after each row with the rows done and the total.
	Progress func(done, total int)
}

// ImportAction is what an import does with one row.
type ImportAction string

// Import actions shown in the preview.
const (
	ImportAdded     ImportAction = "added"     // a new procedure or a new version
	ImportChanged   ImportAction = "changed"   // a version not yet in force, edited
	ImportExpired   ImportAction = "expired"   // a version closed or a procedure ended
	ImportUnchanged ImportAction = "unchanged" // already as the file says
)

// ImportChange is one row of the preview.
type ImportChange struct {
	Line   int
	Code   string
	Number int
	Name   string
	Action ImportAction
}

// ProcedureImportResult counts what ImportProcedures did (or would do, in a dry run).
type ProcedureImportResult struct {
	Added, Changed, Expired, Unchanged int
	Changes                            []ImportChange // every row but the unchanged, in file order
	DryRun                             bool
}

var errRollback = errors.New("dry run: roll back")

// ImportProcedures writes parsed rows in one transaction, idempotently by code and
// version: a new version is added (closing the previous one), an existing version with
// other content is updated while it is still editable and refused otherwise (an
// amendment needs a new version number), an end date or a declared end (expired,
// abolished, replaced) closes what the file says. Ends are applied after every version,
// so a replacement may appear later in the file. Every problem is reported with its
// line (procedure.LineErrors) and then nothing is written.
func (db *DB) ImportProcedures(ctx context.Context, rows []procedure.Row, opts ProcedureImportOptions) (ProcedureImportResult, error) {
	res := ProcedureImportResult{DryRun: opts.DryRun}
	if opts.Today.IsZero() {
		opts.Today = unit.DateOf(db.Now())
	}
	order := slices.Clone(rows)
	slices.SortStableFunc(order, func(a, b procedure.Row) int {
		if c := strings.Compare(a.Version.Code, b.Version.Code); c != 0 {
			return c
		}
		return a.Version.Number - b.Version.Number
	})
	actions := map[int]ImportAction{} // by line
	var lineErrs procedure.LineErrors
	record := func(line int, err error) error {
		fe, ok := failure.As(err)
		if !ok {
			return err
		}
		lineErrs = append(lineErrs, procedure.LineError{Line: line, Err: fe})
		if len(lineErrs) >= procedure.MaxLineErrors {
			return lineErrs
		}
		return nil
	}
	err := db.inCatalogTx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		total := len(order) * 2
		for i, r := range order {
			act, err := importVersion(ctx, tx, r, opts, now)
			if err != nil {
				if err := record(r.Line, err); err != nil {
					return err
				}
			} else {
				actions[r.Line] = act
			}
			if opts.Progress != nil {
				opts.Progress(i+1, total)
			}
		}
		for i, r := range order {
			if r.End.Status != "" {
				if _, ok := actions[r.Line]; ok {
					act, err := importEnd(ctx, tx, r, now)
					if err != nil {
						if err := record(r.Line, err); err != nil {
							return err
						}
					} else if act == ImportExpired && actions[r.Line] == ImportUnchanged {
						actions[r.Line] = ImportExpired
					}
				}
			}
			if opts.Progress != nil {
				opts.Progress(len(order)+i+1, total)
			}
		}
		if len(lineErrs) > 0 {
			slices.SortStableFunc(lineErrs, func(a, b procedure.LineError) int { return a.Line - b.Line })
			return lineErrs
		}
		if opts.DryRun {
			return errRollback
		}
		return nil
	})
	if err != nil && !errors.Is(err, errRollback) {
		var le procedure.LineErrors
		if errors.As(err, &le) {
			return res, le
		}
		return res, fmt.Errorf("import procedures: %w", err)
	}
	for _, r := range rows {
		act := actions[r.Line]
		switch act {
		case ImportAdded:
			res.Added++
		case ImportChanged:
			res.Changed++
		case ImportExpired:
			res.Expired++
		default:
			res.Unchanged++
			continue
		}
		res.Changes = append(res.Changes, ImportChange{Line: r.Line, Code: r.Version.Code, Number: r.Version.Number,
			Name: r.Version.Name, Action: act})
	}
	return res, nil
}

// importVersion adds or updates one version.
func importVersion(ctx context.Context, tx *sql.Tx, r procedure.Row, opts ProcedureImportOptions, now time.Time) (ImportAction, error) {
	v := r.Version
	p, err := loadProcedure(ctx, tx, v.Code)
	if err != nil && !failure.Is(err, failure.NotFound) {
		return "", err
	}
	i := slices.IndexFunc(p.Versions, func(o procedure.Version) bool { return o.Number == v.Number })
	if i < 0 {
		if opts.NewID != nil {
			v.ID = opts.NewID(v.Code, v.Number)
		}
		if err := addVersion(ctx, tx, &v, now); err != nil {
			return "", err
		}
		return ImportAdded, nil
	}
	old := p.Versions[i]
	act := ImportUnchanged
	if !old.SameContent(v) {
		if !old.Editable(opts.Today) {
			return "", failure.New(failure.Conflict, "version", "procedure.version_immutable", v.Code, v.Number)
		}
		keepTo := v.EffectiveTo
		if err := updateVersion(ctx, tx, &v, opts.Today, now); err != nil {
			return "", err
		}
		if keepTo.IsZero() {
			return ImportChanged, nil
		}
		act = ImportChanged
		old.EffectiveTo = v.EffectiveTo
	}
	if !v.EffectiveTo.IsZero() && v.EffectiveTo.String() != old.EffectiveTo.String() {
		if !old.EffectiveFrom.Before(v.EffectiveTo) {
			return "", failure.InvalidField("effective_to", "procedure.effective_to_before_from")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE procedure_versions SET effective_to = $2, updated_at = $3 WHERE id = $1`,
			old.ID, v.EffectiveTo, now); err != nil {
			return "", fmt.Errorf("close version: %w", err)
		}
		if act == ImportUnchanged {
			act = ImportExpired
		}
	}
	return act, nil
}

// importEnd applies a row's declared end unless the procedure already has it.
func importEnd(ctx context.Context, tx *sql.Tx, r procedure.Row, now time.Time) (ImportAction, error) {
	p, err := loadProcedure(ctx, tx, r.Version.Code)
	if err != nil {
		return "", err
	}
	if p.Status == r.End.Status && p.StatusFrom.String() == r.End.From.String() && p.ReplacedBy == r.End.ReplacedBy {
		return ImportUnchanged, nil
	}
	if err := endProcedure(ctx, tx, p.Code, r.End, now); err != nil {
		return "", err
	}
	return ImportExpired, nil
}
