package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/qms"
	"github.com/motcua/motcua/internal/store"
)

// The QMS of the communes of 2022 (issue 8): a few refused intake attempts under
// procedures not yet in force, as a desk makes them, and the nonconformities the automatic
// raising finds in the ten months of dossiers (the late ones, grouped per commune and
// month, and those attempts). The raising is idempotent and its records' IDs derive from
// their keys, so a second load adds nothing; the refusal records get the store's own IDs.

// intakeAttempt is one try at the desk under a procedure that was not in force that day.
type intakeAttempt struct {
	commune string // the commune's 2022 code
	code    string
	at      time.Time
}

// attempts2022 are the demo's refused intake attempts.
var attempts2022 = func() []intakeAttempt {
	at := func(m time.Month, d, h, min int) time.Time {
		return time.Date(2022, m, d, h, min, 0, 0, calendar.Location())
	}
	return []intakeAttempt{
		{"08156", "1.000001.MH", at(time.January, 18, 9, 20)}, // announced, in force from 1 February
		{"08156", "1.000002.MH", at(time.January, 25, 14, 5)},
		{"08179", "1.003554", at(time.May, 10, 10, 0)}, // a procedure of the 2025 catalog
		{"08218", "1.003554", at(time.September, 7, 15, 30)},
	}
}()

// qms2022 records the attempts (once) and raises the nonconformities of January to
// October 2022 for the former district.
func (l *loader) qms2022(ctx context.Context) error {
	district, err := l.db.Unit(ctx, unitID(districtCode, legacyFrom))
	if err != nil {
		return err
	}
	from, to := Period2022()
	have, err := l.db.IntakeRefusals(ctx, store.RefusalFilter{Under: []string{district.Path}, Since: from, Limit: 1000})
	if err != nil {
		return err
	}
	recorded := map[string]bool{}
	for _, r := range have {
		recorded[r.UnitID+"|"+r.Code+"|"+r.At.UTC().Format(time.RFC3339)] = true
	}
	for _, a := range attempts2022 {
		agency := unitID(a.commune+".UBND", legacyFrom)
		if recorded[agency+"|"+a.code+"|"+a.at.UTC().Format(time.RFC3339)] {
			continue
		}
		com, err := l.db.Unit(ctx, unitID(a.commune, legacyFrom))
		if err != nil {
			return err
		}
		receiver := userID("tiepnhan." + slug(com.Name) + ".2022@" + emailDomain)
		if _, err := l.db.ApplicableVersion(ctx, agency, a.code, a.at, receiver); err == nil {
			return fmt.Errorf("intake of %s on %s was not refused", a.code, a.at.Format(time.DateOnly))
		}
	}
	_, err = l.db.RaiseAutomaticNonconformities(ctx, district.ID, qms.Period{First: qms.MonthOf(from),
		Last: qms.MonthOf(to.Add(-time.Second))})
	return err
}
