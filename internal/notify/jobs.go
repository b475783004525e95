package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/i18n"
	"github.com/motcua/motcua/internal/jobs"
	"github.com/motcua/motcua/internal/store"
)

// Retention of read notifications and of sent or given-up e-mails.
const (
	NotificationDays = 180
	OutboxDays       = 90
)

// Jobs are the reminder jobs: dossiers watched every 15 minutes of office hours on the
// national calendar's working days; the catalog's alerts at 06:45 and the daily digest at
// 07:00, before office hours; the outbox sent every minute; old rows pruned at night; and
// the QMS's raising and reminders (QMSJobs) before the digest.
func Jobs(db *store.DB, cat *i18n.Catalogs, sender *Sender) []jobs.Job {
	return append([]jobs.Job{
		{Name: "notify.monitor", Schedule: jobs.EveryDuring(15*time.Minute, clock(7, 30), clock(17, 0), workday(db)),
			Run: func(ctx context.Context, now time.Time) (string, error) { return Monitor(ctx, db, cat, now) }},
		{Name: "notify.procedures", Schedule: jobs.Daily(clock(6, 45)),
			Run: func(ctx context.Context, now time.Time) (string, error) { return Procedures(ctx, db, cat, now) }},
		{Name: "notify.digest", Schedule: jobs.Daily(clock(7, 0)),
			Run: func(ctx context.Context, now time.Time) (string, error) { return Digest(ctx, db, cat, now) }},
		// Each message keeps its own retry time; the job itself is not retried.
		{Name: "mail.send", Schedule: jobs.Every(time.Minute), Retries: -1, Timeout: 5 * time.Minute, Run: sender.Run},
		{Name: "notify.prune", Schedule: jobs.Daily(clock(3, 15)),
			Run: func(ctx context.Context, now time.Time) (string, error) {
				n, err := db.PruneNotifications(ctx, now.AddDate(0, 0, -NotificationDays))
				if err != nil {
					return "", err
				}
				m, err := db.PruneOutbox(ctx, now.AddDate(0, 0, -OutboxDays))
				return fmt.Sprintf("%d read notifications, %d e-mails deleted", n, m), err
			}},
	}, QMSJobs(db, cat)...)
}

func clock(h, m int) calendar.Clock { return calendar.Clock(h*60 + m) }

// workday tells the national calendar's working days (holidays and make-up Saturdays
// included); Monday to Friday when the calendar cannot be read.
func workday(db *store.DB) func(calendar.Date) bool {
	return func(d calendar.Date) bool {
		cal, err := db.NationalCalendar(context.Background())
		if err == nil {
			if ok, err := cal.IsWorkingDay(d); err == nil {
				return ok
			}
		}
		return d.Weekday() != time.Saturday && d.Weekday() != time.Sunday
	}
}
