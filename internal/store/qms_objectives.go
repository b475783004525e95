package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/qms"
	"github.com/motcua/motcua/internal/report"
	"github.com/motcua/motcua/internal/unit"
)

// Quality objectives (issue 8, part 2): a unit's objectives per year, the results entered
// by hand with their evidence, and the results of the measures bound to data, computed
// each time from the same sources as the reports (never stored, so a dossier resolved
// late changes its month's rate at once).

// ObjectiveRow is an objective with its unit.
type ObjectiveRow struct {
	qms.Objective
	UnitName string
	UnitPath string
}

const objectiveColumns = `o.id, o.unit_id, o.year, o.title, o.measure, o.comparison, o.target, o.unit_label, o.method,
	COALESCE(o.created_by, ''), o.created_at, o.updated_at, u.name, u.path`

func scanObjective(row interface{ Scan(...any) error }) (ObjectiveRow, error) {
	var o ObjectiveRow
	err := row.Scan(&o.ID, &o.UnitID, &o.Year, &o.Title, &o.Measure, &o.Comparison, &o.Target, &o.UnitLabel, &o.Method,
		&o.CreatedBy, &o.CreatedAt, &o.UpdatedAt, &o.UnitName, &o.UnitPath)
	return o, err
}

// CreateObjective saves a unit's objective for a year.
func (db *DB) CreateObjective(ctx context.Context, o *qms.Objective, actorID string) error {
	o.Normalize()
	if err := o.Validate(); err != nil {
		return err
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := unitIn(ctx, tx, o.UnitID); err != nil {
			return err
		}
		now := db.Now()
		o.ID, o.CreatedBy, o.CreatedAt, o.UpdatedAt = NewID(), actorID, now, now
		if _, err := tx.ExecContext(ctx, `INSERT INTO qms_objectives (id, unit_id, year, title, measure, comparison, target,
			unit_label, method, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)`,
			o.ID, o.UnitID, o.Year, o.Title, string(o.Measure), string(o.Comparison), o.Target, o.UnitLabel, o.Method,
			nullString(actorID), now); err != nil {
			return fmt.Errorf("insert objective: %w", err)
		}
		return db.auditIn(ctx, tx, AuditEvent{ActorID: actorID, UnitID: o.UnitID, Action: "qms.objective_create",
			ObjectType: "qms_objective", ObjectID: o.ID, Detail: objectiveDetail(*o)})
	})
	if err != nil {
		return fmt.Errorf("create objective: %w", err)
	}
	return nil
}

func objectiveDetail(o qms.Objective) string {
	return fmt.Sprintf("%d %s: %s %s %g%s", o.Year, o.Title, o.Measure, o.Comparison.Symbol(), o.Target, o.UnitLabel)
}

// UpdateObjective changes an objective's title, target, comparison, label and method;
// its unit, year and measure stay (a different measure is a different objective). The
// audit event keeps the previous values.
func (db *DB) UpdateObjective(ctx context.Context, in qms.Objective, actorID string) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		cur, err := objective(ctx, tx, in.ID)
		if err != nil {
			return err
		}
		o := cur.Objective
		o.Title, o.Comparison, o.Target, o.UnitLabel, o.Method = in.Title, in.Comparison, in.Target, in.UnitLabel, in.Method
		o.Normalize()
		if err := o.Validate(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE qms_objectives SET title = $2, comparison = $3, target = $4, unit_label = $5,
			method = $6, updated_at = $7 WHERE id = $1`, o.ID, o.Title, string(o.Comparison), o.Target, o.UnitLabel, o.Method,
			db.Now()); err != nil {
			return fmt.Errorf("update objective: %w", err)
		}
		return db.auditIn(ctx, tx, AuditEvent{ActorID: actorID, UnitID: o.UnitID, Action: "qms.objective_update",
			ObjectType: "qms_objective", ObjectID: o.ID, Detail: objectiveDetail(cur.Objective) + " → " + objectiveDetail(o)})
	})
	if err != nil {
		return fmt.Errorf("update objective %s: %w", in.ID, err)
	}
	return nil
}

// Objective returns one objective.
func (db *DB) Objective(ctx context.Context, id string) (ObjectiveRow, error) {
	return objective(ctx, db.read, id)
}

func objective(ctx context.Context, q querier, id string) (ObjectiveRow, error) {
	o, err := scanObjective(q.QueryRowContext(ctx, `SELECT `+objectiveColumns+` FROM qms_objectives o
		JOIN units u ON u.id = o.unit_id WHERE o.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return o, failure.New(failure.NotFound, "", "qms.objective_not_found")
	}
	if err != nil {
		return o, fmt.Errorf("objective %s: %w", id, err)
	}
	return o, nil
}

// Objectives lists a unit's objectives of a year (every year when 0), in creation order.
func (db *DB) Objectives(ctx context.Context, unitID string, year int) ([]ObjectiveRow, error) {
	var c conds
	c.add("o.unit_id = " + c.arg(unitID))
	if year != 0 {
		c.add("o.year = " + c.arg(year))
	}
	query := finishQuery(`SELECT `+objectiveColumns+` FROM qms_objectives o JOIN units u ON u.id = o.unit_id`, c.where,
		"o.year DESC, o.created_at, o.id", 0)
	return queryAll(ctx, db.read, "objectives", scanObjective, query, c.args...)
}

// RecordObjectiveResult enters (or corrects) a manual objective's result for a month, with
// its evidence; the audit event keeps the previous value.
func (db *DB) RecordObjectiveResult(ctx context.Context, objectiveID string, m qms.Month, value float64, evidence, actorID string) error {
	evidence = strings.TrimSpace(evidence)
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		o, err := objective(ctx, tx, objectiveID)
		if err != nil {
			return err
		}
		if err := o.ValidateManualResult(m, value, evidence, qms.MonthOf(db.Now())); err != nil {
			return err
		}
		var before sql.NullFloat64
		err = tx.QueryRowContext(ctx, `SELECT value FROM qms_objective_results WHERE objective_id = $1 AND month = $2`,
			o.ID, m.String()).Scan(&before)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("previous result: %w", err)
		}
		now := db.Now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO qms_objective_results (id, objective_id, unit_id, month, value, evidence,
			recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (objective_id, month) DO UPDATE SET value = $5, evidence = $6, recorded_by = $7, recorded_at = $8`,
			NewID(), o.ID, o.UnitID, m.String(), value, evidence, nullString(actorID), now); err != nil {
			return fmt.Errorf("save result: %w", err)
		}
		detail := fmt.Sprintf("%s: %g", m, value)
		if before.Valid {
			detail = fmt.Sprintf("%s: %g → %g", m, before.Float64, value)
		}
		return db.auditIn(ctx, tx, AuditEvent{ActorID: actorID, UnitID: o.UnitID, Action: "qms.objective_result",
			ObjectType: "qms_objective", ObjectID: o.ID, Detail: detail + "\n" + evidence})
	})
	if err != nil {
		return fmt.Errorf("record result of %s: %w", objectiveID, err)
	}
	return nil
}

// ObjectiveResults returns the objective's result for every month of its year, judged
// against its target: computed from the data for a bound measure (months not begun on
// day today are unknown), entered by hand otherwise.
func (db *DB) ObjectiveResults(ctx context.Context, o ObjectiveRow, today unit.Date) ([]qms.Result, error) {
	manual := map[string]qms.Result{}
	if o.Measure == qms.Manual {
		rows, err := queryAll(ctx, db.read, "objective results", func(row interface{ Scan(...any) error }) (qms.Result, error) {
			var r qms.Result
			err := row.Scan(&r.Month, &r.Value, &r.Evidence)
			r.Known, r.Manual = true, true
			return r, err
		}, `SELECT month, value, evidence FROM qms_objective_results WHERE objective_id = $1`, o.ID)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			manual[r.Month.String()] = r
		}
	}
	var out []qms.Result
	for _, m := range qms.YearMonths(o.Year) {
		r := qms.Result{Month: m}
		if o.Measure == qms.Manual {
			if got, ok := manual[m.String()]; ok {
				r = got
			}
		} else if !today.Before(m.FirstDay()) {
			var err error
			if r, err = db.measure(ctx, o, m, today); err != nil {
				return nil, err
			}
		}
		r.Month, r.Over = m, m.Over(today)
		out = append(out, o.Judge(r))
	}
	return out, nil
}

// measure computes a bound measure for the unit's subtree in month m, up to day today when
// the month is not over.
func (db *DB) measure(ctx context.Context, o ObjectiveRow, m qms.Month, today unit.Date) (qms.Result, error) {
	under := []string{o.UnitPath}
	end := m.End() // the instant the month's counts stop
	last := m.LastDay()
	if !m.Over(today) {
		last = today
		if now := db.Now(); now.Before(end) {
			end = now
		}
	}
	r := qms.Result{Month: m}
	rate := func(x report.Rate) {
		r.Num, r.Den = x.Num, x.Den
		if p, ok := x.Percent(); ok {
			r.Known, r.Value = true, p
		}
	}
	switch o.Measure {
	case qms.OnTimeRate:
		st, err := db.Stats(ctx, StatsQuery{Under: under, From: m.Start(), To: dayTime(m.LastDay())})
		if err != nil {
			return r, err
		}
		rate(st.OnTimeRate())
	case qms.SatisfactionRate:
		sum, err := db.RatingSummary(ctx, under, m.Start(), m.End())
		if err != nil {
			return r, err
		}
		rate(sum.Rate())
	case qms.StalePublications:
		stale, err := db.StalePublications(ctx, PublicationFilter{Under: under}, last)
		if err != nil {
			return r, err
		}
		r.Known, r.Value = true, float64(len(stale))
	case qms.OverdueActions:
		n, err := db.overdueActionsAt(ctx, under, end)
		if err != nil {
			return r, err
		}
		r.Known, r.Value = true, float64(n)
	}
	return r, nil
}

// dayTime is noon of a day in Vietnam, for the day-based queries.
func dayTime(d unit.Date) time.Time {
	t, _ := time.ParseInLocation(unit.DateLayout, d.String(), calendar.Location())
	return t.Add(12 * time.Hour)
}

// overdueActionsAt counts the corrective actions of the units under the paths that were
// past their due day and not implemented at instant at: due on a day before at's day,
// not done (nor dismissed) by then.
func (db *DB) overdueActionsAt(ctx context.Context, under []string, at time.Time) (int, error) {
	var c conds
	c.under("u.path", under)
	day := unit.DateOf(at.In(calendar.Location())).String()
	c.add("n.action_due_on IS NOT NULL AND n.action_due_on < " + c.arg(day))
	t := c.arg(at.UTC())
	c.add("(n.action_done_at IS NULL OR n.action_done_at > " + t + ")")
	c.add("(n.dismissed_at IS NULL OR n.dismissed_at > " + t + ")")
	c.add("n.raised_at <= " + t)
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM qms_nonconformities n JOIN units u ON u.id = n.unit_id WHERE `+
		strings.Join(c.where, " AND "), c.args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("overdue actions: %w", err)
	}
	return n, nil
}
