package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/dossier"
)

// DossierFilter selects dossiers for lists and the register.
type DossierFilter struct {
	Under    []string // materialised paths of the receiving agencies' ancestors (empty: all)
	UnitID   string   // one receiving agency
	States   []dossier.State
	Query    string // code, applicant, ID number, phone or procedure, diacritics optional
	From, To time.Time
	Overdue  time.Time // non-zero: only open dossiers whose appointment passed by then
	Limit    int
	Offset   int
}

// ListDossiers returns dossiers, newest receipt first.
func (db *DB) ListDossiers(ctx context.Context, f DossierFilter) ([]dossier.Dossier, error) {
	c := dossierConds(f)
	query := finishQuery(`SELECT `+dossierColumns+` FROM dossiers d JOIN units u ON u.id = d.unit_id`, c.where,
		"d.received_at DESC, d.code DESC", f.Limit)
	if f.Offset > 0 {
		query += fmt.Sprintf(" OFFSET %d", f.Offset)
	}
	return queryAll(ctx, db.read, "list dossiers", func(r interface{ Scan(...any) error }) (dossier.Dossier, error) {
		return scanDossier(r)
	}, query, c.args...)
}

// CountDossiers counts what ListDossiers would return without a limit or offset.
func (db *DB) CountDossiers(ctx context.Context, f DossierFilter) (int, error) {
	c := dossierConds(f)
	query := `SELECT COUNT(*) FROM dossiers d JOIN units u ON u.id = d.unit_id`
	if len(c.where) > 0 {
		query += " WHERE " + strings.Join(c.where, " AND ")
	}
	var n int
	if err := db.read.QueryRowContext(ctx, query, c.args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count dossiers: %w", err)
	}
	return n, nil
}

// WorkItem is a dossier waiting for an official, with its open control-slip row.
type WorkItem struct {
	Dossier dossier.Dossier
	Step    dossier.StepRecord
}

// WorkQueue lists the open steps the actor can take: assigned to them, or unassigned in
// a role they hold in a unit covering the step's unit; the most urgent first.
func (db *DB) WorkQueue(ctx context.Context, actor auth.Actor, limit int) ([]WorkItem, error) {
	var c conds
	own := ownWork(&c, actor)
	if actor.SystemAdmin {
		own = "(" + own + " OR s.assignee_id IS NULL)"
	}
	c.add("s.finished_at IS NULL")
	c.add(own)
	query := finishQuery(`SELECT `+dossierColumns+`, `+stepColumns+` FROM dossier_steps s
		JOIN dossiers d ON d.id = s.dossier_id JOIN units su ON su.id = s.unit_id`, c.where, "s.due_at, d.due_at", limit)
	return queryAll(ctx, db.read, "work queue", func(r interface{ Scan(...any) error }) (WorkItem, error) {
		var (
			w  WorkItem
			sc stepScan
		)
		ds := &dossierScan{d: &w.Dossier}
		if err := r.Scan(append(ds.ptrs(), sc.ptrs(&w.Step)...)...); err != nil {
			return w, err
		}
		sc.finish(&w.Step)
		return w, ds.finish()
	}, query, c.args...)
}
