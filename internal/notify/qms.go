package notify

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/i18n"
	"github.com/motcua/motcua/internal/jobs"
	"github.com/motcua/motcua/internal/qms"
	"github.com/motcua/motcua/internal/store"
)

// The QMS's scheduled work (issue 8 part 5, issue 9 part 3): the automatic raising of
// nonconformities every morning, and the reminders of what the QMS's people must do
// (qms_remind.go), both before the 07:00 digest so that the day's e-mail carries them.

// QMSJobs are the QMS's jobs: the raising at 06:30 and the reminders at 06:40, every day
// (a month's end and a review day fall on weekends too).
func QMSJobs(db *store.DB, cat *i18n.Catalogs) []jobs.Job {
	return []jobs.Job{
		{Name: "qms.raise", Schedule: jobs.Daily(clock(6, 30)),
			Run: func(ctx context.Context, now time.Time) (string, error) { return RaiseNonconformities(ctx, db, now) }},
		{Name: "qms.remind", Schedule: jobs.Daily(clock(6, 40)),
			Run: func(ctx context.Context, now time.Time) (string, error) { return QMSReminders(ctx, db, cat, now) }},
	}
}

// RaiseNonconformities is the daily automatic raising for every unit's QMS: the month just
// ended (so that dossiers resolved late on its last evening, and objectives measured on
// its whole, are raised on the first morning after it) and the current month to date. The
// store keeps one record per unit, cause and month and adds only evidence not yet held,
// so running it every day, or on two servers at once, raises nothing twice. The run's
// result gives the new records and evidence of each month.
func RaiseNonconformities(ctx context.Context, db *store.DB, now time.Time) (string, error) {
	this := qms.MonthOf(now)
	var parts []string
	for _, m := range []qms.Month{this.Prev(), this} {
		res, err := db.RaiseAutomaticNonconformities(ctx, "", qms.MonthPeriod(m))
		if err != nil {
			return strings.Join(parts, "; "), fmt.Errorf("raise nonconformities of %s: %w", m, err)
		}
		parts = append(parts, fmt.Sprintf("%s: %d raised, %d evidence", m, res.Raised, res.Evidence))
	}
	return strings.Join(parts, "; "), nil
}
