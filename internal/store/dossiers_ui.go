package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/user"
	"github.com/motcua/motcua/internal/vn"
)

// Queries the dossier pages need beside the engine's own: the names of the officials on a
// control slip and in a history, the officials a step can be given to, and the figures of
// a register.

// UserNames returns id → full name for the given officials (unknown IDs are left out).
func (db *DB) UserNames(ctx context.Context, ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	var args []any
	seen := map[string]bool{}
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			args = append(args, id)
		}
	}
	if len(args) == 0 {
		return out, nil
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, full_name FROM users WHERE id IN (`+placeholders(1, len(args))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("user names: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, fmt.Errorf("user names: %w", err)
		}
		out[id] = name
	}
	return out, rows.Err()
}

// Assignable lists the active officials who hold role in a unit covering the unit whose
// materialised path is path, by name: whom a workflow step in that unit may be given to,
// by the same rule Act checks a named assignee against.
func (db *DB) Assignable(ctx context.Context, role user.Role, path string) ([]user.User, error) {
	return queryAll(ctx, db.read, "assignable officials", scanUser, `SELECT `+userColumns+` FROM users
		WHERE active = $1 AND id IN (SELECT a.user_id FROM role_assignments a JOIN units u ON u.id = a.unit_id
		WHERE a.role = $2 AND substr($3, 1, length(u.path)) = u.path) ORDER BY search_text, id`, true, string(role), path)
}

// DossierTally is what a register's filter selects, counted: the figures printed above a
// register and the ones the service index is later computed from.
type DossierTally struct {
	Total    int // dossiers selected
	Resolved int // whose result was ready (timeliness recorded)
	OnTime   int // resolved early or on time
	Late     int // resolved late
}

// OnTimeRate is the share of resolved dossiers resolved early or on time, in per cent
// (100 when nothing is resolved yet).
func (t DossierTally) OnTimeRate() float64 {
	if t.Resolved == 0 {
		return 100
	}
	return float64(t.OnTime) * 100 / float64(t.Resolved)
}

// TallyDossiers counts the dossiers f selects (every condition of ListDossiers; Limit and
// Offset are ignored).
func (db *DB) TallyDossiers(ctx context.Context, f DossierFilter) (DossierTally, error) {
	c := dossierConds(f)
	query := `SELECT COUNT(*),
		COALESCE(SUM(CASE WHEN d.timeliness <> '' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN d.timeliness IN ('early', 'on_time') THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN d.timeliness = 'late' THEN 1 ELSE 0 END), 0)
		FROM dossiers d JOIN units u ON u.id = d.unit_id`
	if len(c.where) > 0 {
		query += " WHERE " + strings.Join(c.where, " AND ")
	}
	var t DossierTally
	if err := db.read.QueryRowContext(ctx, query, c.args...).Scan(&t.Total, &t.Resolved, &t.OnTime, &t.Late); err != nil {
		return t, fmt.Errorf("tally dossiers: %w", err)
	}
	return t, nil
}

// dossierConds builds the WHERE conditions of a DossierFilter over dossiers d joined with
// their receiving agency u, for ListDossiers, CountDossiers and the register's tallies.
func dossierConds(f DossierFilter) conds {
	var c conds
	c.under("u.path", f.Under)
	if f.UnitID != "" {
		c.add("d.unit_id = " + c.arg(f.UnitID))
	}
	if len(f.States) > 0 {
		ph := make([]string, len(f.States))
		for i, s := range f.States {
			ph[i] = c.arg(string(s))
		}
		c.add("d.state IN (" + strings.Join(ph, ", ") + ")")
	}
	if q := vn.Fold(strings.TrimSpace(f.Query)); q != "" {
		c.add(`d.search_text LIKE ` + c.arg(vn.LikePattern(q)) + ` ESCAPE '\'`)
	}
	if !f.From.IsZero() {
		c.add("d.received_at >= " + c.arg(f.From.UTC()))
	}
	if !f.To.IsZero() {
		c.add("d.received_at < " + c.arg(f.To.UTC()))
	}
	if !f.Overdue.IsZero() {
		c.add("d.state IN (" + c.arg(string(dossier.Received)) + ", " + c.arg(string(dossier.Processing)) +
			") AND d.due_at < " + c.arg(f.Overdue.UTC()))
	}
	return c
}
