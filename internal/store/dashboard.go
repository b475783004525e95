package store

import (
	"context"
	"fmt"
	"time"

	"github.com/motcua/motcua/internal/dossier"
)

// Dashboards (issue 7, part 6): the lists behind a dashboard's tiles. The counts come
// from the rollups (Stats, StatsByUnit) and the monitoring (WatchItems); these lists read
// the dossiers through their indexes: a subtree's agencies first, then each agency's
// dossiers by receipt time.

// RecentRatings lists the newest ratings, at every level, of dossiers of the agencies
// under the paths (everywhere when empty).
func (db *DB) RecentRatings(ctx context.Context, under []string, limit int) ([]RatedDossier, error) {
	return db.ratedDossiers(ctx, under, time.Time{}, nil, limit)
}

// LateQuery selects the late dossiers of a dashboard: received in [From, To) by the
// agencies under Under (everywhere when empty), and either resolved late or still open
// and past their appointment at Now.
type LateQuery struct {
	Under    []string
	From, To time.Time
	Now      time.Time
	Limit    int
}

// lateDossiers is the select of the late dossiers q chooses, in two parts that each read
// an index: the resolved late (dossiers_unit_late: each agency's late dossiers by receipt,
// a partial index whose condition the query repeats literally, so that both databases
// match it) and the open past their appointment (dossiers_state_due).
func (q LateQuery) lateDossiers(columns string) (string, []any) {
	var c conds
	agencies := "d.unit_id IN (SELECT u.id FROM units u)"
	if len(q.Under) > 0 {
		agencies = "d.unit_id IN (SELECT u.id FROM units u WHERE " + c.anyUnder("u.path", q.Under) + ")"
	}
	from, to, late := c.arg(q.From.UTC()), c.arg(q.To.UTC()), c.arg("late")
	received := "d.received_at >= " + from + " AND d.received_at < " + to
	resolved := `SELECT ` + columns + ` FROM dossiers d WHERE ` + agencies + ` AND d.timeliness = 'late' AND ` + received
	open := `SELECT ` + columns + ` FROM dossiers d WHERE d.state IN (` + c.arg(string(dossier.Received)) + `, ` +
		c.arg(string(dossier.Processing)) + `) AND d.due_at < ` + c.arg(q.Now.UTC()) + ` AND d.timeliness <> ` + late +
		` AND ` + agencies + ` AND ` + received
	return resolved + " UNION ALL " + open, c.args
}

// LateDossiers lists the late dossiers q selects, the earliest appointment first, and
// counts them all.
func (db *DB) LateDossiers(ctx context.Context, q LateQuery) ([]dossier.Dossier, int, error) {
	query, args := q.lateDossiers("d.id")
	var n int
	if err := db.reports().QueryRowContext(ctx, `SELECT COUNT(*) FROM (`+query+`) late`, args...).Scan(&n); err != nil {
		return nil, 0, fmt.Errorf("count late dossiers: %w", err)
	}
	if n == 0 {
		return nil, 0, nil
	}
	// The page's dossiers by appointment, then the dossiers themselves by ID.
	query, args = q.lateDossiers("d.id, d.due_at, d.code")
	query = `SELECT id FROM (` + query + `) late ORDER BY due_at, code`
	if q.Limit > 0 {
		query += fmt.Sprintf(" LIMIT %d", q.Limit)
	}
	ids, err := queryAll(ctx, db.reports(), "late dossiers", func(r interface{ Scan(...any) error }) (any, error) {
		var id string
		err := r.Scan(&id)
		return id, err
	}, query, args...)
	if err != nil || len(ids) == 0 {
		return nil, n, err
	}
	list, err := queryAll(ctx, db.reports(), "late dossiers", func(r interface{ Scan(...any) error }) (dossier.Dossier, error) {
		return scanDossier(r)
	}, `SELECT `+dossierColumns+` FROM dossiers d WHERE d.id IN (`+placeholders(1, len(ids))+`) ORDER BY d.due_at, d.code`, ids...)
	return list, n, err
}
