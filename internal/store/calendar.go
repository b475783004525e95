package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/failure"
)

// Schedule sources.
const (
	ScheduleShipped = "shipped" // comes with the program (internal/calendar's official data)
	ScheduleAdmin   = "admin"   // recorded or corrected by an administrator
)

// ScheduleRecord is a stored yearly schedule with who changed it last.
type ScheduleRecord struct {
	Schedule  calendar.Schedule
	Source    string
	UpdatedAt time.Time
	UpdatedBy string
}

// seedSchedules loads the schedules shipped with the program: missing years are added and
// shipped rows refreshed when a newer release corrects them; an administrator's rows are
// never touched. It runs after every migration, so it is idempotent.
func (db *DB) seedSchedules(ctx context.Context) error {
	shipped, err := calendar.OfficialSchedules()
	if err != nil {
		return fmt.Errorf("shipped schedules: %w", err)
	}
	defer db.calendars.clear()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		for _, s := range shipped {
			data, err := json.Marshal(s)
			if err != nil {
				return fmt.Errorf("encode schedule %d: %w", s.Year, err)
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO calendar_schedules (year, data, source, updated_at)
				VALUES ($1, $2, $3, $4)
				ON CONFLICT (year) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at
				WHERE calendar_schedules.source = $3 AND calendar_schedules.data <> excluded.data`,
				s.Year, string(data), ScheduleShipped, db.Now())
			if err != nil {
				return fmt.Errorf("seed schedule %d: %w", s.Year, err)
			}
		}
		return nil
	})
}

// Schedules returns every stored yearly schedule, oldest first.
func (db *DB) Schedules(ctx context.Context) ([]ScheduleRecord, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT data, source, updated_at, COALESCE(updated_by, '')
		FROM calendar_schedules ORDER BY year`)
	if err != nil {
		return nil, fmt.Errorf("schedules: %w", err)
	}
	defer rows.Close()
	var out []ScheduleRecord
	for rows.Next() {
		var (
			rec  ScheduleRecord
			data string
		)
		if err := rows.Scan(&data, &rec.Source, &rec.UpdatedAt, &rec.UpdatedBy); err != nil {
			return nil, fmt.Errorf("schedules: %w", err)
		}
		if err := json.Unmarshal([]byte(data), &rec.Schedule); err != nil {
			return nil, fmt.Errorf("decode schedule: %w", err)
		}
		out = append(out, rec)
	}
	return out, rows.Err()
}

// SaveSchedule validates and stores an administrator's schedule for its year, replacing
// any earlier one, and records the change (with the previous text) in the audit log.
// Appointments already printed on receipts are stored with their dossiers and are not
// recomputed: a corrected schedule only affects deadlines computed afterwards.
func (db *DB) SaveSchedule(ctx context.Context, s calendar.Schedule, actorID string) error {
	if err := s.Validate(); err != nil {
		return failure.InvalidField("schedule", "calendar.schedule_invalid", err.Error())
	}
	data, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("encode schedule: %w", err)
	}
	now := db.Now()
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		var old string
		err := tx.QueryRowContext(ctx, `SELECT data FROM calendar_schedules WHERE year = $1`, s.Year).Scan(&old)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("read schedule: %w", err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO calendar_schedules (year, data, source, updated_at, updated_by)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (year) DO UPDATE SET data = excluded.data, source = excluded.source,
				updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
			s.Year, string(data), ScheduleAdmin, now, nullString(actorID))
		if err != nil {
			return fmt.Errorf("save schedule: %w", err)
		}
		detail := fmt.Sprintf("year %d\nbefore: %s\nafter: %s", s.Year, old, data)
		_, err = tx.ExecContext(ctx, `INSERT INTO audit_events (id, at, actor_id, unit_id, action, object_type, object_id, detail)
			VALUES ($1, $2, $3, NULL, $4, 'calendar_schedule', $5, $6)`,
			NewID(), now, nullString(actorID), "calendar.schedule_save", fmt.Sprint(s.Year), detail)
		if err != nil {
			return fmt.Errorf("audit schedule: %w", err)
		}
		return nil
	})
	db.calendars.clear()
	if err != nil {
		return fmt.Errorf("save schedule %d: %w", s.Year, err)
	}
	return nil
}

// WorkSettings is a unit's working time as stored.
type WorkSettings struct {
	UnitID      string // the unit the settings were found on (the unit or an ancestor); "" for defaults
	OfficeHours calendar.OfficeHours
	Weekend     []time.Weekday
	DayRule     calendar.DayRule
}

var weekdayNames = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// FormatWeekend writes weekdays as "sat,sun".
func FormatWeekend(days []time.Weekday) string {
	parts := make([]string, len(days))
	for i, d := range days {
		parts[i] = weekdayNames[d]
	}
	return strings.Join(parts, ",")
}

// ParseWeekend reads "sat,sun" (empty: no weekly rest day is not allowed).
func ParseWeekend(s string) ([]time.Weekday, error) {
	var out []time.Weekday
	seen := map[time.Weekday]bool{}
	for _, p := range strings.Split(s, ",") {
		p = strings.ToLower(strings.TrimSpace(p))
		found := false
		for i, n := range weekdayNames {
			if p == n && !seen[time.Weekday(i)] {
				out, seen[time.Weekday(i)], found = append(out, time.Weekday(i)), true, true
			}
		}
		if !found {
			return nil, fmt.Errorf("weekend %q: want days like sat,sun", s)
		}
	}
	if len(out) == 0 || len(out) > 3 {
		return nil, fmt.Errorf("weekend %q: one to three rest days", s)
	}
	return out, nil
}

// SaveWorkSettings stores a unit's office hours, weekly rest days and day rule.
func (db *DB) SaveWorkSettings(ctx context.Context, unitID string, ws WorkSettings) error {
	if ws.OfficeHours.IsZero() {
		return failure.InvalidField("office_hours", "calendar.office_hours_invalid", "")
	}
	if len(ws.Weekend) == 0 {
		return failure.InvalidField("weekend", "calendar.weekend_invalid")
	}
	err := db.inCatalogTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO unit_work_settings (unit_id, office_hours, weekend, day_rule, updated_at)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (unit_id) DO UPDATE SET office_hours = excluded.office_hours, weekend = excluded.weekend,
				day_rule = excluded.day_rule, updated_at = excluded.updated_at`,
			unitID, ws.OfficeHours.String(), FormatWeekend(ws.Weekend), ws.DayRule.String(), db.Now())
		return err
	})
	if err != nil {
		if isForeignKeyViolation(err) {
			return failure.New(failure.NotFound, "", "unit.not_found")
		}
		return fmt.Errorf("save work settings of %s: %w", unitID, err)
	}
	return nil
}

// isForeignKeyViolation recognises both engines' foreign-key errors.
func isForeignKeyViolation(err error) bool {
	s := err.Error()
	return strings.Contains(s, "FOREIGN KEY constraint failed") || strings.Contains(s, "SQLSTATE 23503")
}

// WorkSettingsFor returns the settings that apply to a unit: its own, else its nearest
// ancestor's, else the national defaults (UnitID empty).
func (db *DB) WorkSettingsFor(ctx context.Context, unitID string) (WorkSettings, error) {
	var path string
	err := db.read.QueryRowContext(ctx, `SELECT path FROM units WHERE id = $1`, unitID).Scan(&path)
	if errors.Is(err, sql.ErrNoRows) {
		return WorkSettings{}, failure.New(failure.NotFound, "", "unit.not_found")
	}
	if err != nil {
		return WorkSettings{}, fmt.Errorf("work settings of %s: %w", unitID, err)
	}
	ids := strings.Split(strings.Trim(path, "/"), "/")
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := db.read.QueryContext(ctx, `SELECT unit_id, office_hours, weekend, day_rule FROM unit_work_settings
		WHERE unit_id IN (`+placeholders(1, len(ids))+`)`, args...)
	if err != nil {
		return WorkSettings{}, fmt.Errorf("work settings: %w", err)
	}
	defer rows.Close()
	found := map[string][3]string{}
	for rows.Next() {
		var id, hours, weekend, rule string
		if err := rows.Scan(&id, &hours, &weekend, &rule); err != nil {
			return WorkSettings{}, fmt.Errorf("work settings: %w", err)
		}
		found[id] = [3]string{hours, weekend, rule}
	}
	if err := rows.Err(); err != nil {
		return WorkSettings{}, fmt.Errorf("work settings: %w", err)
	}
	for i := len(ids) - 1; i >= 0; i-- {
		if v, ok := found[ids[i]]; ok {
			return decodeWorkSettings(ids[i], v)
		}
	}
	return WorkSettings{OfficeHours: calendar.DefaultOfficeHours(), Weekend: []time.Weekday{time.Saturday, time.Sunday}}, nil
}

func decodeWorkSettings(unitID string, v [3]string) (WorkSettings, error) {
	hours, err := calendar.ParseOfficeHours(v[0])
	if err != nil {
		return WorkSettings{}, fmt.Errorf("stored office hours of %s: %w", unitID, err)
	}
	weekend, err := ParseWeekend(v[1])
	if err != nil {
		return WorkSettings{}, fmt.Errorf("stored weekend of %s: %w", unitID, err)
	}
	rule, err := calendar.ParseDayRule(v[2])
	if err != nil {
		return WorkSettings{}, fmt.Errorf("stored day rule of %s: %w", unitID, err)
	}
	return WorkSettings{UnitID: unitID, OfficeHours: hours, Weekend: weekend, DayRule: rule}, nil
}

// CalendarFor builds the working-day calendar of a unit: its (inherited) working time and
// every stored yearly schedule. This is the one place deadlines get their calendar from.
func (db *DB) CalendarFor(ctx context.Context, unitID string) (*calendar.Calendar, error) {
	ws, err := db.WorkSettingsFor(ctx, unitID)
	if err != nil {
		return nil, err
	}
	return db.calendarWith(ctx, ws)
}

// NationalCalendar is the civil-service calendar with the stored schedules and default
// working time.
func (db *DB) NationalCalendar(ctx context.Context) (*calendar.Calendar, error) {
	return db.calendarWith(ctx, WorkSettings{})
}

func (db *DB) calendarWith(ctx context.Context, ws WorkSettings) (*calendar.Calendar, error) {
	now := time.Now()
	if cal, ok := db.calendars.get(ws, now); ok {
		return cal, nil
	}
	recs, err := db.Schedules(ctx)
	if err != nil {
		return nil, err
	}
	scheds := make([]calendar.Schedule, len(recs))
	for i, r := range recs {
		scheds[i] = r.Schedule
	}
	cal, err := calendar.New(calendar.Config{OfficeHours: ws.OfficeHours, Weekend: ws.Weekend, DayRule: ws.DayRule, Schedules: scheds})
	if err != nil {
		return nil, fmt.Errorf("build calendar: %w", err)
	}
	db.calendars.put(ws, cal, now)
	return cal, nil
}
