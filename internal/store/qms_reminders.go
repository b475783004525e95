package store

import (
	"context"

	"github.com/motcua/motcua/internal/qms"
	"github.com/motcua/motcua/internal/unit"
)

// What the QMS reminders (notify.QMSReminders, issue 9 part 3) look for across every
// unit: documents whose review comes due, and the objectives of a year to measure. The
// overdue corrective actions and risk treatments come from Nonconformities and Risks.

// DocumentsDueForReview lists the documents in force whose next review day is on or
// before by, the earliest first.
func (db *DB) DocumentsDueForReview(ctx context.Context, by unit.Date) ([]DocumentRow, error) {
	return queryAll(ctx, db.read, "documents due for review", scanDocument, `SELECT `+documentColumns+documentFrom+`
		WHERE d.status = $1 AND d.next_review_on IS NOT NULL AND d.next_review_on <= $2
		ORDER BY d.next_review_on, u.path, d.code`, string(qms.Published), by)
}

// ObjectivesOfYear lists every unit's objectives of a year, by unit.
func (db *DB) ObjectivesOfYear(ctx context.Context, year int) ([]ObjectiveRow, error) {
	return queryAll(ctx, db.read, "objectives of the year", scanObjective, `SELECT `+objectiveColumns+`
		FROM qms_objectives o JOIN units u ON u.id = o.unit_id WHERE o.year = $1 ORDER BY u.path, o.created_at, o.id`, year)
}
