package store

import (
	"context"
	"fmt"
	"strings"
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

func (q LateQuery) conds() conds {
	var c conds
	c.under("u.path", q.Under)
	c.add("d.received_at >= " + c.arg(q.From.UTC()))
	c.add("d.received_at < " + c.arg(q.To.UTC()))
	c.add("(d.timeliness = " + c.arg("late") + " OR (d.state IN (" + c.arg(string(dossier.Received)) + ", " +
		c.arg(string(dossier.Processing)) + ") AND d.due_at < " + c.arg(q.Now.UTC()) + "))")
	return c
}

// LateDossiers lists the late dossiers q selects, the earliest appointment first, and
// counts them all.
func (db *DB) LateDossiers(ctx context.Context, q LateQuery) ([]dossier.Dossier, int, error) {
	c := q.conds()
	from := ` FROM dossiers d JOIN units u ON u.id = d.unit_id WHERE ` + strings.Join(c.where, " AND ")
	var n int
	if err := db.reports().QueryRowContext(ctx, `SELECT COUNT(*)`+from, c.args...).Scan(&n); err != nil {
		return nil, 0, fmt.Errorf("count late dossiers: %w", err)
	}
	if n == 0 {
		return nil, 0, nil
	}
	query := `SELECT ` + dossierColumns + from + ` ORDER BY d.due_at, d.code`
	if q.Limit > 0 {
		query += fmt.Sprintf(" LIMIT %d", q.Limit)
	}
	list, err := queryAll(ctx, db.reports(), "late dossiers", func(r interface{ Scan(...any) error }) (dossier.Dossier, error) {
		return scanDossier(r)
	}, query, c.args...)
	return list, n, err
}
