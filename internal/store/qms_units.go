package store

import (
	"context"
	"fmt"
	"slices"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/qms"
	"github.com/motcua/motcua/internal/user"
)

// Person is an active official with the roles they hold in a unit or below it, as the
// QMS pages offer them (reviewers, approvers, owners, readers).
type Person struct {
	ID    string
	Name  string
	Email string
	Roles []user.Role
}

// May reports whether one of the person's roles allows the action (the roles are held in
// or under the unit asked about).
func (p Person) May(a auth.Action) bool {
	return slices.ContainsFunc(p.Roles, func(r user.Role) bool { return auth.RoleAllows(r, a) })
}

// UnitPeople lists the active officials holding a role in the unit whose path is given or
// in a unit below it, by name.
func (db *DB) UnitPeople(ctx context.Context, path string) ([]Person, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT x.id, x.full_name, x.email, a.role FROM role_assignments a
		JOIN units u ON u.id = a.unit_id JOIN users x ON x.id = a.user_id
		WHERE x.active = $2 AND substr(u.path, 1, length($1)) = $1 ORDER BY x.search_text, x.id, a.role`, path, true)
	if err != nil {
		return nil, fmt.Errorf("unit people: %w", err)
	}
	defer rows.Close()
	var out []Person
	for rows.Next() {
		var (
			p    Person
			role user.Role
		)
		if err := rows.Scan(&p.ID, &p.Name, &p.Email, &role); err != nil {
			return nil, fmt.Errorf("unit people: %w", err)
		}
		if n := len(out); n > 0 && out[n-1].ID == p.ID {
			if !slices.Contains(out[n-1].Roles, role) {
				out[n-1].Roles = append(out[n-1].Roles, role)
			}
			continue
		}
		p.Roles = []user.Role{role}
		out = append(out, p)
	}
	return out, rows.Err()
}

// QMSCounts are the figures of a unit's QMS on the overview of several units.
type QMSCounts struct {
	Current      int // documents in force
	Preparing    int // versions in draft, review or approved
	OpenNCs      int // nonconformities not closed or dismissed
	OverdueNCs   int // of which the corrective action is overdue
	Objectives   int // of the year asked
	AuditsOfYear int
}

// QMSOverview counts, per unit ID, the documents, open and overdue nonconformities,
// objectives and audit plans of year, for the units under the paths.
func (db *DB) QMSOverview(ctx context.Context, under []string, year int, today string) (map[string]QMSCounts, error) {
	out := map[string]QMSCounts{}
	type count struct {
		query string
		set   func(*QMSCounts, int)
		args  []any
	}
	for _, c := range []count{
		{`SELECT t.unit_id, COUNT(*) FROM qms_documents t JOIN units u ON u.id = t.unit_id WHERE t.status = $1`,
			func(q *QMSCounts, n int) { q.Current = n }, []any{string(qms.Published)}},
		{`SELECT t.unit_id, COUNT(*) FROM qms_documents t JOIN units u ON u.id = t.unit_id WHERE t.status IN ($1, $2, $3)`,
			func(q *QMSCounts, n int) { q.Preparing = n }, []any{string(qms.Draft), string(qms.InReview), string(qms.Approved)}},
		{`SELECT t.unit_id, COUNT(*) FROM qms_nonconformities t JOIN units u ON u.id = t.unit_id WHERE t.status NOT IN ($1, $2)`,
			func(q *QMSCounts, n int) { q.OpenNCs = n }, []any{string(qms.NCClosed), string(qms.NCDismissed)}},
		{`SELECT t.unit_id, COUNT(*) FROM qms_nonconformities t JOIN units u ON u.id = t.unit_id WHERE t.status = $1
			AND t.action_due_on < $2`, func(q *QMSCounts, n int) { q.OverdueNCs = n }, []any{string(qms.NCPlanned), today}},
		{`SELECT t.unit_id, COUNT(*) FROM qms_objectives t JOIN units u ON u.id = t.unit_id WHERE t.year = $1`,
			func(q *QMSCounts, n int) { q.Objectives = n }, []any{year}},
		{`SELECT t.unit_id, COUNT(*) FROM qms_audit_plans t JOIN units u ON u.id = t.unit_id
			JOIN qms_audit_programmes p ON p.id = t.programme_id WHERE p.year = $1`,
			func(q *QMSCounts, n int) { q.AuditsOfYear = n }, []any{year}},
	} {
		cs := conds{args: c.args}
		query := c.query
		if len(under) > 0 {
			query += " AND " + cs.anyUnder("u.path", under)
		}
		rows, err := db.read.QueryContext(ctx, query+" GROUP BY t.unit_id", cs.args...)
		if err != nil {
			return nil, fmt.Errorf("qms overview: %w", err)
		}
		for rows.Next() {
			var (
				id string
				n  int
			)
			if err := rows.Scan(&id, &n); err != nil {
				rows.Close()
				return nil, fmt.Errorf("qms overview: %w", err)
			}
			q := out[id]
			c.set(&q, n)
			out[id] = q
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("qms overview: %w", err)
		}
	}
	return out, nil
}
