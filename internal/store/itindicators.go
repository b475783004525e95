package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/report"
	"github.com/motcua/motcua/internal/unit"
)

// IT and administrative-reform indicators (issue 7, part 5): the official mail domains an
// administrator sets per unit, the indicators a unit enters per year, and the years a
// unit closed with their values frozen. The computed indicators (report.ComputeIT) rest
// on the officials of the unit and the rollups.

// MailDomain is an official mail domain pattern set on a unit.
type MailDomain struct {
	ID, UnitID, Pattern string
	CreatedAt           time.Time
}

// MailDomains lists the patterns set on a unit itself.
func (db *DB) MailDomains(ctx context.Context, unitID string) ([]MailDomain, error) {
	return queryAll(ctx, db.read, "mail domains", func(r interface{ Scan(...any) error }) (MailDomain, error) {
		var d MailDomain
		err := r.Scan(&d.ID, &d.UnitID, &d.Pattern, &d.CreatedAt)
		return d, err
	}, `SELECT id, unit_id, pattern, created_at FROM it_mail_domains WHERE unit_id = $1 ORDER BY pattern`, unitID)
}

// MailDomainsFor returns the patterns that apply to a unit: its own and those of every
// unit above it (a province's "*.phutho.gov.vn" applies to its communes).
func (db *DB) MailDomainsFor(ctx context.Context, u unit.Unit) ([]string, error) {
	all, err := db.allMailDomains(ctx)
	if err != nil {
		return nil, err
	}
	return domainsOnPath(all, u.Path), nil
}

// allMailDomains reads every pattern by unit ID (the table holds a few rows per unit).
func (db *DB) allMailDomains(ctx context.Context) (map[string][]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT unit_id, pattern FROM it_mail_domains ORDER BY pattern`)
	if err != nil {
		return nil, fmt.Errorf("mail domains: %w", err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var id, p string
		if err := rows.Scan(&id, &p); err != nil {
			return nil, fmt.Errorf("mail domains: %w", err)
		}
		out[id] = append(out[id], p)
	}
	return out, rows.Err()
}

// domainsOnPath collects the patterns of the units on a materialised path, without
// duplicates, sorted.
func domainsOnPath(all map[string][]string, path string) []string {
	var out []string
	for _, id := range strings.Split(strings.Trim(path, "/"), "/") {
		for _, p := range all[id] {
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	sort.Strings(out)
	return out
}

// AddMailDomain sets an official mail domain pattern on a unit (see
// report.ParseMailDomain); setting it twice is refused.
func (db *DB) AddMailDomain(ctx context.Context, unitID, pattern, actorID string) (MailDomain, error) {
	p, err := report.ParseMailDomain(pattern)
	if err != nil {
		return MailDomain{}, err
	}
	d := MailDomain{ID: NewID(), UnitID: unitID, Pattern: p, CreatedAt: db.Now()}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		if err := requireUnit(ctx, tx, unitID, "unit_id"); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM it_mail_domains WHERE unit_id = $1 AND pattern = $2`,
			unitID, p).Scan(&n); err != nil {
			return fmt.Errorf("mail domain exists: %w", err)
		}
		if n > 0 {
			return failure.InvalidField("pattern", "itindicator.domain_exists", p)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO it_mail_domains (id, unit_id, pattern, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5)`, d.ID, d.UnitID, d.Pattern, nullString(actorID), d.CreatedAt); err != nil {
			return fmt.Errorf("insert mail domain: %w", err)
		}
		return db.auditIn(ctx, tx, AuditEvent{ActorID: actorID, UnitID: unitID, Action: "itindicator.domain_add",
			ObjectType: "unit", ObjectID: unitID, Detail: p})
	})
	if err != nil {
		return MailDomain{}, fmt.Errorf("add mail domain %s: %w", p, err)
	}
	return d, nil
}

// RemoveMailDomain removes a pattern from the unit it is set on.
func (db *DB) RemoveMailDomain(ctx context.Context, unitID, id, actorID string) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var p string
		err := tx.QueryRowContext(ctx, `SELECT pattern FROM it_mail_domains WHERE id = $1 AND unit_id = $2`, id, unitID).Scan(&p)
		if errors.Is(err, sql.ErrNoRows) {
			return failure.New(failure.NotFound, "", "itindicator.domain_not_found")
		}
		if err != nil {
			return fmt.Errorf("mail domain: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM it_mail_domains WHERE id = $1`, id); err != nil {
			return fmt.Errorf("delete mail domain: %w", err)
		}
		return db.auditIn(ctx, tx, AuditEvent{ActorID: actorID, UnitID: unitID, Action: "itindicator.domain_remove",
			ObjectType: "unit", ObjectID: unitID, Detail: p})
	})
	if err != nil {
		return fmt.Errorf("remove mail domain %s: %w", id, err)
	}
	return nil
}

// MailCount is how many officials a unit has and how many of them have an address at an
// official mail domain.
type MailCount struct {
	Officials, OfficialMail int64
}

// OfficialMailByLevel counts, for the unit whose path is given and every administrative
// unit below it, the active officials of that level (a role in the unit itself or in one
// of its agencies, not in an administrative unit below it) and those whose e-mail is at a
// domain of the unit or of a unit above it. A person with roles at two levels counts at
// both. Keys are unit IDs; units without officials are absent.
func (db *DB) OfficialMailByLevel(ctx context.Context, path string) (map[string]MailCount, error) {
	units, err := db.ListUnits(ctx, UnitFilter{Under: []string{path}})
	if err != nil {
		return nil, err
	}
	byID := make(map[string]unit.Unit, len(units))
	for _, u := range units {
		byID[u.ID] = u
	}
	// level finds the administrative unit an assignment's unit belongs to.
	level := func(id string) (unit.Unit, bool) {
		for {
			u, ok := byID[id]
			if !ok {
				return u, false
			}
			if !u.Kind.IsAgency() {
				return u, true
			}
			id = u.ParentID
		}
	}
	var c conds
	c.under("x.path", []string{path})
	rows, err := db.read.QueryContext(ctx, `SELECT DISTINCT ra.user_id, u.email, ra.unit_id FROM role_assignments ra
		JOIN users u ON u.id = ra.user_id JOIN units x ON x.id = ra.unit_id
		WHERE u.active = $2 AND `+strings.Join(c.where, " AND "), append(c.args, true)...)
	if err != nil {
		return nil, fmt.Errorf("officials by level: %w", err)
	}
	defer rows.Close()
	type person struct{ level, user string }
	seen := map[person]bool{}
	emails := map[string]string{}
	for rows.Next() {
		var userID, email, unitID string
		if err := rows.Scan(&userID, &email, &unitID); err != nil {
			return nil, fmt.Errorf("officials by level: %w", err)
		}
		if lv, ok := level(unitID); ok {
			seen[person{lv.ID, userID}] = true
			emails[userID] = email
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("officials by level: %w", err)
	}
	all, err := db.allMailDomains(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]MailCount{}
	for p := range seen {
		c := out[p.level]
		c.Officials++
		if report.OfficialMail(emails[p.user], domainsOnPath(all, byID[p.level].Path)) {
			c.OfficialMail++
		}
		out[p.level] = c
	}
	return out, nil
}

// ITEntries lists what a unit entered for a year.
func (db *DB) ITEntries(ctx context.Context, unitID string, year int) ([]report.ITEntry, error) {
	return queryAll(ctx, db.read, "IT entries", func(r interface{ Scan(...any) error }) (report.ITEntry, error) {
		var e report.ITEntry
		err := r.Scan(&e.Key, &e.Value, &e.Note, &e.EnteredBy, &e.EnteredAt)
		return e, err
	}, `SELECT indicator, value, note, COALESCE(entered_by, ''), entered_at FROM it_indicator_values
		WHERE unit_id = $1 AND year = $2 ORDER BY indicator`, unitID, year)
}

// SaveITEntry enters (or corrects) an indicator of a unit for a year that is still open.
func (db *DB) SaveITEntry(ctx context.Context, unitID string, year int, e report.ITEntry, actorID string) error {
	e.Normalize()
	if err := e.Validate(); err != nil {
		return err
	}
	if err := checkITYear(year, db.thisYear()); err != nil {
		return err
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if err := requireUnit(ctx, tx, unitID, "unit_id"); err != nil {
			return err
		}
		if closed, err := itYearClosed(ctx, tx, unitID, year); err != nil || closed {
			return cmpErr(err, closed)
		}
		now := db.Now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO it_indicator_values (unit_id, year, indicator, value, note, entered_by, entered_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (unit_id, year, indicator)
			DO UPDATE SET value = excluded.value, note = excluded.note, entered_by = excluded.entered_by, entered_at = excluded.entered_at`,
			unitID, year, string(e.Key), e.Value, e.Note, nullString(actorID), now); err != nil {
			return fmt.Errorf("save IT entry: %w", err)
		}
		return db.auditIn(ctx, tx, AuditEvent{ActorID: actorID, UnitID: unitID, Action: "itindicator.enter", ObjectType: "unit",
			ObjectID: unitID, Detail: fmt.Sprintf("%d %s = %s: %s", year, e.Key, trimFloat(e.Value), e.Note)})
	})
	if err != nil {
		return fmt.Errorf("save IT entry %s %d: %w", e.Key, year, err)
	}
	return nil
}

// cmpErr turns the closed-year check into its error.
func cmpErr(err error, closed bool) error {
	if err != nil {
		return err
	}
	if closed {
		return failure.New(failure.Conflict, "", "itindicator.year_closed")
	}
	return nil
}

// checkITYear refuses years the indicators cannot be about: before 2000 or after this year.
func checkITYear(year, thisYear int) error {
	if year < 2000 || year > thisYear {
		return failure.InvalidField("year", "itindicator.year_invalid", thisYear)
	}
	return nil
}

// ITYearClosed reports whether a unit has closed a year.
func (db *DB) ITYearClosed(ctx context.Context, unitID string, year int) (bool, error) {
	return itYearClosed(ctx, db.read, unitID, year)
}

func itYearClosed(ctx context.Context, q querier, unitID string, year int) (bool, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM it_indicator_years WHERE unit_id = $1 AND year = $2`,
		unitID, year).Scan(&n); err != nil {
		return false, fmt.Errorf("IT year closed: %w", err)
	}
	return n > 0, nil
}

// LiveITYear computes a unit's indicators for a year from today's data: its officials
// (mail counts of its level), the year's rollups of the unit and the units below it, and
// what it entered. counts, when not nil, is OfficialMailByLevel of the unit or a unit
// above it, so several units are counted in one pass.
func (db *DB) LiveITYear(ctx context.Context, u unit.Unit, year int, counts map[string]MailCount) (report.ITYear, error) {
	if counts == nil {
		var err error
		if counts, err = db.OfficialMailByLevel(ctx, u.Path); err != nil {
			return report.ITYear{}, err
		}
	}
	domains, err := db.MailDomainsFor(ctx, u)
	if err != nil {
		return report.ITYear{}, err
	}
	st, err := db.Stats(ctx, StatsQuery{Under: []string{u.Path}, From: dayTime(unit.NewDate(year, 1, 1)),
		To: dayTime(unit.NewDate(year, 12, 31))})
	if err != nil {
		return report.ITYear{}, err
	}
	entries, err := db.ITEntries(ctx, u.ID, year)
	if err != nil {
		return report.ITYear{}, err
	}
	c := counts[u.ID]
	return report.ComputeIT(u.ID, year, report.ITInputs{Officials: c.Officials, OfficialMail: c.OfficialMail,
		Domains: domains, Stats: st, Entries: entries}), nil
}

// ITYear returns a unit's indicators for a year: the frozen snapshot of a closed year, or
// the live values of an open one.
func (db *DB) ITYear(ctx context.Context, u unit.Unit, year int, counts map[string]MailCount) (report.ITYear, error) {
	y, ok, err := db.closedITYear(ctx, u.ID, year)
	if err != nil || ok {
		return y, err
	}
	return db.LiveITYear(ctx, u, year, counts)
}

func (db *DB) closedITYear(ctx context.Context, unitID string, year int) (report.ITYear, bool, error) {
	var (
		y        report.ITYear
		snapshot string
	)
	err := db.read.QueryRowContext(ctx, `SELECT snapshot, COALESCE(closed_by, ''), closed_at FROM it_indicator_years
		WHERE unit_id = $1 AND year = $2`, unitID, year).Scan(&snapshot, &y.ClosedBy, &y.ClosedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return y, false, nil
	}
	if err != nil {
		return y, false, fmt.Errorf("IT year %d: %w", year, err)
	}
	if err := json.Unmarshal([]byte(snapshot), &y); err != nil {
		return y, false, fmt.Errorf("IT year %d snapshot: %w", year, err)
	}
	y.Closed = true
	return y, true, nil
}

// CloseITYear freezes a unit's indicators for a year: their values, computed now, become
// the year's record and its entries can no longer change.
func (db *DB) CloseITYear(ctx context.Context, u unit.Unit, year int, actorID string) (report.ITYear, error) {
	if err := checkITYear(year, db.thisYear()); err != nil {
		return report.ITYear{}, err
	}
	y, err := db.LiveITYear(ctx, u, year, nil)
	if err != nil {
		return y, err
	}
	snapshot, err := json.Marshal(y)
	if err != nil {
		return y, fmt.Errorf("IT year snapshot: %w", err)
	}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		if closed, err := itYearClosed(ctx, tx, u.ID, year); err != nil || closed {
			return cmpErr(err, closed)
		}
		y.ClosedAt, y.ClosedBy, y.Closed = db.Now(), actorID, true
		if _, err := tx.ExecContext(ctx, `INSERT INTO it_indicator_years (unit_id, year, snapshot, closed_by, closed_at)
			VALUES ($1, $2, $3, $4, $5)`, u.ID, year, string(snapshot), nullString(actorID), y.ClosedAt); err != nil {
			return fmt.Errorf("insert IT year: %w", err)
		}
		return db.auditIn(ctx, tx, AuditEvent{ActorID: actorID, UnitID: u.ID, Action: "itindicator.close", ObjectType: "unit",
			ObjectID: u.ID, Detail: fmt.Sprintf("%d", year)})
	})
	if err != nil {
		return y, fmt.Errorf("close IT year %d of %s: %w", year, u.ID, err)
	}
	return y, nil
}

// ITHistory returns a unit's indicators year by year, the latest first: every closed year,
// every year with entries, and the year given as current (live while open).
func (db *DB) ITHistory(ctx context.Context, u unit.Unit, current int) ([]report.ITYear, error) {
	years := []int{current}
	rows, err := db.read.QueryContext(ctx, `SELECT year FROM it_indicator_years WHERE unit_id = $1
		UNION SELECT year FROM it_indicator_values WHERE unit_id = $1`, u.ID)
	if err != nil {
		return nil, fmt.Errorf("IT years: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			return nil, fmt.Errorf("IT years: %w", err)
		}
		if !slices.Contains(years, y) {
			years = append(years, y)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("IT years: %w", err)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(years)))
	counts, err := db.OfficialMailByLevel(ctx, u.Path)
	if err != nil {
		return nil, err
	}
	out := make([]report.ITYear, 0, len(years))
	for _, y := range years {
		v, err := db.ITYear(ctx, u, y, counts)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// thisYear is the current year in Vietnam.
func (db *DB) thisYear() int { return db.Now().In(calendar.Location()).Year() }
