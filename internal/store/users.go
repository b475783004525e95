package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/user"
	"github.com/motcua/motcua/internal/vn"
)

const userColumns = `id, email, full_name, phone, password_hash, active, system_admin, lang,
	created_at, updated_at, last_login_at`

func scanUser(row interface{ Scan(...any) error }) (user.User, error) {
	var (
		u    user.User
		last sql.NullTime
	)
	err := row.Scan(&u.ID, &u.Email, &u.FullName, &u.Phone, &u.PasswordHash, &u.Active, &u.SystemAdmin,
		&u.Lang, &u.CreatedAt, &u.UpdatedAt, &last)
	u.LastLoginAt = last.Time
	return u, err
}

// CreateUser validates and inserts an official. PasswordHash must already be set (see
// user.HashPassword); the ID is set when empty.
func (db *DB) CreateUser(ctx context.Context, u *user.User) error {
	u.Normalize()
	if err := u.Validate(); err != nil {
		return err
	}
	if u.PasswordHash == "" {
		return failure.InvalidField("password", "user.password_required")
	}
	if u.ID == "" {
		u.ID = NewID()
	}
	now := db.Now()
	u.CreatedAt, u.UpdatedAt = now, now
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if err := checkEmailFree(ctx, tx, u.Email, u.ID); err != nil {
			return err
		}
		return insertUser(ctx, tx, u)
	})
	if err != nil {
		return fmt.Errorf("create user %s: %w", u.Email, err)
	}
	return nil
}

// prepareUserWithRole normalises and validates an official and their first role.
func prepareUserWithRole(u *user.User, a *user.Assignment) error {
	u.Normalize()
	if err := u.Validate(); err != nil {
		return err
	}
	if u.PasswordHash == "" {
		return failure.InvalidField("password", "user.password_required")
	}
	if !a.Role.Valid() {
		return failure.InvalidField("role", "user.role_invalid")
	}
	if u.ID == "" {
		u.ID = NewID()
	}
	if a.ID == "" {
		a.ID = NewID()
	}
	a.UserID = u.ID
	return nil
}

// insertUserWithRole writes a prepared official and their role through tx.
func insertUserWithRole(ctx context.Context, tx *sql.Tx, u *user.User, a *user.Assignment, now time.Time) error {
	u.CreatedAt, u.UpdatedAt = now, now
	if err := checkEmailFree(ctx, tx, u.Email, u.ID); err != nil {
		return err
	}
	if err := tx.QueryRowContext(ctx, `SELECT path, name FROM units WHERE id = $1`, a.UnitID).Scan(&a.UnitPath, &a.UnitName); errors.Is(err, sql.ErrNoRows) {
		return failure.InvalidField("unit_id", "unit.not_found")
	} else if err != nil {
		return fmt.Errorf("check unit: %w", err)
	}
	if err := insertUser(ctx, tx, u); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO role_assignments (id, user_id, unit_id, role, created_at) VALUES ($1, $2, $3, $4, $5)`,
		a.ID, a.UserID, a.UnitID, string(a.Role), now); err != nil {
		return fmt.Errorf("insert assignment: %w", err)
	}
	return nil
}

// insertUser writes a validated user row with its search text.
func insertUser(ctx context.Context, q querier, u *user.User) error {
	_, err := q.ExecContext(ctx, `INSERT INTO users (`+userColumns+`, search_text)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		u.ID, u.Email, u.FullName, u.Phone, u.PasswordHash, u.Active, u.SystemAdmin, u.Lang,
		u.CreatedAt, u.UpdatedAt, nullTime(u.LastLoginAt), vn.Fold(u.FullName+" "+u.Email))
	if err != nil {
		return fmt.Errorf("insert user %s: %w", u.Email, err)
	}
	return nil
}

func checkEmailFree(ctx context.Context, q querier, email, id string) error {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE email = $1 AND id <> $2`, email, id).Scan(&n); err != nil {
		return fmt.Errorf("check e-mail: %w", err)
	}
	if n > 0 {
		return failure.New(failure.Conflict, "email", "user.email_taken")
	}
	return nil
}

// UpdateUser saves the profile fields, the active flag and the language. The password and
// the system-admin flag change only through their own calls.
func (db *DB) UpdateUser(ctx context.Context, u *user.User) error {
	u.Normalize()
	if err := u.Validate(); err != nil {
		return err
	}
	u.UpdatedAt = db.Now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if err := checkEmailFree(ctx, tx, u.Email, u.ID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE users SET email = $2, full_name = $3, phone = $4, active = $5,
			lang = $6, updated_at = $7, search_text = $8 WHERE id = $1`,
			u.ID, u.Email, u.FullName, u.Phone, u.Active, u.Lang, u.UpdatedAt, vn.Fold(u.FullName+" "+u.Email))
		if err != nil {
			return fmt.Errorf("update user: %w", err)
		}
		return mustAffect(res, "user.not_found")
	})
	if err != nil {
		return fmt.Errorf("update user %s: %w", u.ID, err)
	}
	return nil
}

func mustAffect(res sql.Result, notFoundKey string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("rows affected: %w", err)
	}
	if n == 0 {
		return failure.New(failure.NotFound, "", notFoundKey)
	}
	return nil
}

// SetPassword stores a new password hash.
func (db *DB) SetPassword(ctx context.Context, userID, hash string) error {
	res, err := db.write.ExecContext(ctx, `UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1`,
		userID, hash, db.Now())
	if err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	return mustAffect(res, "user.not_found")
}

// RecordLogin stamps a successful sign-in.
func (db *DB) RecordLogin(ctx context.Context, userID string) error {
	_, err := db.write.ExecContext(ctx, `UPDATE users SET last_login_at = $2 WHERE id = $1`, userID, db.Now())
	if err != nil {
		return fmt.Errorf("record login: %w", err)
	}
	return nil
}

// User returns one official.
func (db *DB) User(ctx context.Context, id string) (user.User, error) {
	return db.userWhere(ctx, "id = $1", id)
}

// UserByEmail returns the official with this e-mail (case-insensitive).
func (db *DB) UserByEmail(ctx context.Context, email string) (user.User, error) {
	return db.userWhere(ctx, "email = $1", strings.ToLower(strings.TrimSpace(email)))
}

func (db *DB) userWhere(ctx context.Context, cond string, arg any) (user.User, error) {
	u, err := scanUser(db.read.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE `+cond, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return user.User{}, failure.New(failure.NotFound, "", "user.not_found")
	}
	if err != nil {
		return user.User{}, fmt.Errorf("get user: %w", err)
	}
	return u, nil
}

// CountUsers returns the number of officials; zero means the first-run setup is open.
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count users: %w", err)
	}
	return n, nil
}

// UserFilter selects officials for ListUsers.
type UserFilter struct {
	Under []string // only officials with a role in a unit under one of these paths
	Query string   // folded search on name and e-mail
	Limit int
}

// ListUsers returns officials ordered by name.
func (db *DB) ListUsers(ctx context.Context, f UserFilter) ([]user.User, error) {
	var c conds
	if len(f.Under) > 0 {
		c.add(`id IN (SELECT ra.user_id FROM role_assignments ra JOIN units un ON un.id = ra.unit_id WHERE ` +
			c.anyUnder("un.path", f.Under) + `)`)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		c.add("search_text LIKE " + c.arg(vn.LikePattern(q)) + ` ESCAPE '\'`)
	}
	query := finishQuery(`SELECT `+userColumns+` FROM users`, c.where, "search_text, id", f.Limit)
	return queryAll(ctx, db.read, "list users", scanUser, query, c.args...)
}

// Assign gives a user a role in a unit. Assigning a role the user already has there is a
// conflict, not a silent success, so the admin sees the mistake.
func (db *DB) Assign(ctx context.Context, a *user.Assignment) error {
	if !a.Role.Valid() {
		return failure.InvalidField("role", "user.role_invalid")
	}
	if a.ID == "" {
		a.ID = NewID()
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE id = $1`, a.UserID).Scan(&n); err != nil {
			return fmt.Errorf("check user: %w", err)
		}
		if n == 0 {
			return failure.New(failure.NotFound, "", "user.not_found")
		}
		if err := tx.QueryRowContext(ctx, `SELECT path, name FROM units WHERE id = $1`, a.UnitID).Scan(&a.UnitPath, &a.UnitName); errors.Is(err, sql.ErrNoRows) {
			return failure.InvalidField("unit_id", "unit.not_found")
		} else if err != nil {
			return fmt.Errorf("check unit: %w", err)
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM role_assignments WHERE user_id = $1 AND unit_id = $2 AND role = $3`,
			a.UserID, a.UnitID, string(a.Role)).Scan(&n); err != nil {
			return fmt.Errorf("check assignment: %w", err)
		}
		if n > 0 {
			return failure.New(failure.Conflict, "role", "user.role_already")
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO role_assignments (id, user_id, unit_id, role, created_at) VALUES ($1, $2, $3, $4, $5)`,
			a.ID, a.UserID, a.UnitID, string(a.Role), db.Now())
		if err != nil {
			return fmt.Errorf("insert assignment: %w", err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("assign %s to %s: %w", a.Role, a.UserID, err)
	}
	return nil
}

// Unassign removes one role assignment.
func (db *DB) Unassign(ctx context.Context, assignmentID string) error {
	res, err := db.write.ExecContext(ctx, `DELETE FROM role_assignments WHERE id = $1`, assignmentID)
	if err != nil {
		return fmt.Errorf("unassign %s: %w", assignmentID, err)
	}
	return mustAffect(res, "user.assignment_not_found")
}

// Assignment returns one role assignment with its unit's path.
func (db *DB) Assignment(ctx context.Context, id string) (user.Assignment, error) {
	as, err := db.assignmentsWhere(ctx, "ra.id = $1", id)
	if err != nil {
		return user.Assignment{}, err
	}
	if len(as) == 0 {
		return user.Assignment{}, failure.New(failure.NotFound, "", "user.assignment_not_found")
	}
	return as[0], nil
}

// Assignments returns a user's roles with each unit's path and name.
func (db *DB) Assignments(ctx context.Context, userID string) ([]user.Assignment, error) {
	return db.assignmentsWhere(ctx, "ra.user_id = $1", userID)
}

func (db *DB) assignmentsWhere(ctx context.Context, cond string, arg any) ([]user.Assignment, error) {
	return queryAll(ctx, db.read, "assignments", func(row interface{ Scan(...any) error }) (user.Assignment, error) {
		var a user.Assignment
		err := row.Scan(&a.ID, &a.UserID, &a.UnitID, &a.UnitPath, &a.UnitName, &a.Role)
		return a, err
	}, `SELECT ra.id, ra.user_id, ra.unit_id, un.path, un.name, ra.role
		FROM role_assignments ra JOIN units un ON un.id = ra.unit_id WHERE `+cond+` ORDER BY un.path, ra.role`, arg)
}

// LoginFailures returns the failure count for a throttling key and until when it is
// locked (zero when not locked).
func (db *DB) LoginFailures(ctx context.Context, key string) (failures int, firstAt, lockedUntil time.Time, err error) {
	var locked sql.NullTime
	err = db.readRow(ctx, `SELECT failures, first_at, locked_until FROM login_failures WHERE key = $1`, key).
		Scan(&failures, &firstAt, &locked)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, time.Time{}, time.Time{}, nil
	}
	if err != nil {
		return 0, time.Time{}, time.Time{}, fmt.Errorf("login failures: %w", err)
	}
	return failures, firstAt, locked.Time, nil
}

// SetLoginFailures records the throttling state for a key.
func (db *DB) SetLoginFailures(ctx context.Context, key string, failures int, firstAt, lockedUntil time.Time) error {
	_, err := db.write.ExecContext(ctx, `INSERT INTO login_failures (key, failures, first_at, locked_until)
		VALUES ($1, $2, $3, $4)
		ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, first_at = excluded.first_at,
			locked_until = excluded.locked_until`, key, failures, firstAt.UTC(), nullTime(lockedUntil))
	if err != nil {
		return fmt.Errorf("set login failures: %w", err)
	}
	return nil
}

// CountAttempt counts one attempt for a throttling key in one statement, so concurrent
// attempts on one server or several are all counted: the key's window restarts once it
// has passed (or a lock has ended); an attempt beyond limit within the window locks the key
// for lockFor; a locked key counts nothing more. It returns when the key is locked, zero
// when the attempt may go ahead. A caller that counts an attempt before knowing whether it
// fails gives it back with ForgetAttempt when it succeeds.
func (db *DB) CountAttempt(ctx context.Context, key string, limit int, now time.Time, window, lockFor time.Duration) (lockedUntil time.Time, err error) {
	now = now.UTC()
	var locked sql.NullTime
	err = db.write.QueryRowContext(ctx, `INSERT INTO login_failures (key, failures, first_at, locked_until)
		VALUES ($1, 1, $2, NULL)
		ON CONFLICT (key) DO UPDATE SET
			failures = CASE
				WHEN login_failures.locked_until > $2 THEN login_failures.failures
				WHEN login_failures.first_at <= $3 OR login_failures.locked_until IS NOT NULL THEN 1
				ELSE login_failures.failures + 1 END,
			first_at = CASE
				WHEN login_failures.locked_until > $2 THEN login_failures.first_at
				WHEN login_failures.first_at <= $3 OR login_failures.locked_until IS NOT NULL THEN $2
				ELSE login_failures.first_at END,
			locked_until = CASE
				WHEN login_failures.locked_until > $2 THEN login_failures.locked_until
				WHEN login_failures.first_at <= $3 OR login_failures.locked_until IS NOT NULL THEN NULL
				WHEN login_failures.failures + 1 > $4 THEN $5
				ELSE NULL END
		RETURNING locked_until`, key, now, now.Add(-window), limit, now.Add(lockFor)).Scan(&locked)
	if err != nil {
		return time.Time{}, fmt.Errorf("count attempt: %w", err)
	}
	if locked.Valid && locked.Time.After(now) {
		return locked.Time, nil
	}
	return time.Time{}, nil
}

// ForgetAttempt gives back one attempt counted by CountAttempt that succeeded (an unlocked
// key only: a lock stays to its end).
func (db *DB) ForgetAttempt(ctx context.Context, key string) error {
	if _, err := db.write.ExecContext(ctx, `UPDATE login_failures SET failures = failures - 1
		WHERE key = $1 AND failures > 0 AND locked_until IS NULL`, key); err != nil {
		return fmt.Errorf("forget attempt: %w", err)
	}
	return nil
}

// ClearLoginFailures forgets a key after a successful sign-in.
func (db *DB) ClearLoginFailures(ctx context.Context, key string) error {
	if _, err := db.write.ExecContext(ctx, `DELETE FROM login_failures WHERE key = $1`, key); err != nil {
		return fmt.Errorf("clear login failures: %w", err)
	}
	return nil
}

// CreateFirstAdmin creates the installation's first system administrator, once. The
// "setup_done" settings row is inserted in the same transaction, so two concurrent setup
// requests (even on two servers) cannot both succeed.
func (db *DB) CreateFirstAdmin(ctx context.Context, u *user.User) error {
	u.Normalize()
	u.SystemAdmin, u.Active = true, true
	if err := u.Validate(); err != nil {
		return err
	}
	if u.PasswordHash == "" {
		return failure.InvalidField("password", "user.password_required")
	}
	if u.ID == "" {
		u.ID = NewID()
	}
	now := db.Now()
	u.CreatedAt, u.UpdatedAt = now, now
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
			return fmt.Errorf("count users: %w", err)
		}
		if n > 0 {
			return failure.New(failure.Conflict, "", "setup.already_done")
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('setup_done', $1) ON CONFLICT (key) DO NOTHING`,
			now.Format(time.RFC3339))
		if err != nil {
			return fmt.Errorf("mark setup: %w", err)
		}
		if k, err := res.RowsAffected(); err != nil || k == 0 {
			return failure.New(failure.Conflict, "", "setup.already_done")
		}
		return insertUser(ctx, tx, u)
	})
	if err != nil {
		return fmt.Errorf("create first admin: %w", err)
	}
	return nil
}

// SetupDone reports whether the first administrator exists (or demo data was loaded).
func (db *DB) SetupDone(ctx context.Context) (bool, error) {
	n, err := db.CountUsers(ctx)
	return n > 0, err
}

// CreateUserWithRole creates an official and their first role assignment in one
// transaction: either both exist afterwards or neither.
func (db *DB) CreateUserWithRole(ctx context.Context, u *user.User, a *user.Assignment) error {
	if err := prepareUserWithRole(u, a); err != nil {
		return err
	}
	now := db.Now()
	err := db.inTx(ctx, func(tx *sql.Tx) error { return insertUserWithRole(ctx, tx, u, a, now) })
	if err != nil {
		return fmt.Errorf("create user %s: %w", u.Email, err)
	}
	return nil
}
