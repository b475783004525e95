package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/portal"
)

// Applicants' satisfaction ratings (issue 6): one per returned dossier, counted per unit
// subtree and period for the reports, low ones listed for the unit's leader.

// RateDossier stores the applicant's rating of a dossier whose result was returned. The
// caller has checked the applicant's second factor. RatedAt is the time of the rating;
// zero means now. A dossier is rated once: a second
// rating is a Conflict, and the unique dossier_id decides between two sent at once.
func (db *DB) RateDossier(ctx context.Context, r *portal.Rating) error {
	r.Normalize()
	if err := r.Validate(); err != nil {
		return err
	}
	d, err := db.Dossier(ctx, r.DossierID)
	if err != nil {
		return err
	}
	if d.State != dossier.Returned {
		return failure.New(failure.Conflict, "", "portal.rating_not_returned")
	}
	if rated, err := db.Rated(ctx, d.ID); err != nil || rated {
		if err == nil {
			err = failure.New(failure.Conflict, "", "portal.rating_exists")
		}
		return err
	}
	r.ID, r.UnitID = NewID(), d.UnitID
	if r.RatedAt.IsZero() { // only demo generation and tests set it
		r.RatedAt = db.Now()
	}
	r.RatedAt = r.RatedAt.UTC().Truncate(time.Microsecond)
	if r.Criteria == nil {
		r.Criteria = map[string]portal.Level{}
	}
	crit, err := json.Marshal(r.Criteria)
	if err != nil {
		return fmt.Errorf("rating criteria: %w", err)
	}
	_, err = db.write.ExecContext(ctx, `INSERT INTO dossier_ratings (id, dossier_id, unit_id, level, criteria, comment, rated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, r.ID, r.DossierID, r.UnitID, string(r.Level), string(crit), r.Comment, r.RatedAt)
	if err != nil {
		if rated, lookErr := db.Rated(ctx, d.ID); lookErr == nil && rated {
			return failure.New(failure.Conflict, "", "portal.rating_exists")
		}
		return fmt.Errorf("rate dossier %s: %w", d.ID, err)
	}
	return nil
}

// Rated reports whether a dossier has its rating.
func (db *DB) Rated(ctx context.Context, dossierID string) (bool, error) {
	var n int
	if err := db.readRow(ctx, `SELECT COUNT(*) FROM dossier_ratings WHERE dossier_id = $1`, dossierID).Scan(&n); err != nil {
		return false, fmt.Errorf("rated %s: %w", dossierID, err)
	}
	return n > 0, nil
}

// RatingSummary counts the ratings given in [from, to) for dossiers of the agencies under
// the given materialised paths (everywhere when empty), by level.
func (db *DB) RatingSummary(ctx context.Context, under []string, from, to time.Time) (portal.Summary, error) {
	var c conds
	c.under("u.path", under)
	c.add("r.rated_at >= " + c.arg(from.UTC()))
	c.add("r.rated_at < " + c.arg(to.UTC()))
	rows, err := db.reports().QueryContext(ctx, `SELECT r.level, COUNT(*) FROM dossier_ratings r JOIN units u ON u.id = r.unit_id
		WHERE `+strings.Join(c.where, " AND ")+` GROUP BY r.level`, c.args...)
	if err != nil {
		return portal.Summary{}, fmt.Errorf("rating summary: %w", err)
	}
	defer rows.Close()
	var s portal.Summary
	for rows.Next() {
		var (
			level string
			n     int
		)
		if err := rows.Scan(&level, &n); err != nil {
			return portal.Summary{}, fmt.Errorf("rating summary: %w", err)
		}
		s.Add(portal.Level(level), n)
	}
	return s, rows.Err()
}

// RatedDossier is a rating with what a leader needs to follow it up.
type RatedDossier struct {
	portal.Rating
	Code          string
	ProcedureName string
	UnitName      string
}

// LowRatings lists the low ratings (portal.LowLevels) given since a time to dossiers of
// the agencies under the given paths (everywhere when empty), newest first.
func (db *DB) LowRatings(ctx context.Context, under []string, since time.Time, limit int) ([]RatedDossier, error) {
	return db.ratedDossiers(ctx, under, since, portal.LowLevels(), limit)
}

// ratedDossiers lists the ratings at the given levels (every level when none) given since
// a time (from the beginning when zero) to dossiers of the agencies under the paths
// (everywhere when empty), newest first.
func (db *DB) ratedDossiers(ctx context.Context, under []string, since time.Time, levels []portal.Level, limit int) ([]RatedDossier, error) {
	var c conds
	c.under("u.path", under)
	if !since.IsZero() {
		c.add("r.rated_at >= " + c.arg(since.UTC()))
	}
	if len(levels) > 0 {
		ph := make([]string, len(levels))
		for i, l := range levels {
			ph[i] = c.arg(string(l))
		}
		c.add("r.level IN (" + strings.Join(ph, ", ") + ")")
	}
	query := finishQuery(`SELECT r.id, r.dossier_id, r.unit_id, r.level, r.criteria, r.comment, r.rated_at,
		COALESCE(d.code, ''), d.procedure_name, u.name FROM dossier_ratings r JOIN units u ON u.id = r.unit_id
		JOIN dossiers d ON d.id = r.dossier_id`, c.where, "r.rated_at DESC, r.id DESC", limit)
	return queryAll(ctx, db.reports(), "rated dossiers", func(row interface{ Scan(...any) error }) (RatedDossier, error) {
		var (
			rd           RatedDossier
			level, crits string
		)
		err := row.Scan(&rd.ID, &rd.DossierID, &rd.UnitID, &level, &crits, &rd.Comment, &rd.RatedAt, &rd.Code,
			&rd.ProcedureName, &rd.UnitName)
		if err != nil {
			return rd, err
		}
		rd.Level = portal.Level(level)
		if err := json.Unmarshal([]byte(crits), &rd.Criteria); err != nil {
			return rd, fmt.Errorf("rating %s criteria: %w", rd.ID, err)
		}
		return rd, nil
	}, query, c.args...)
}
