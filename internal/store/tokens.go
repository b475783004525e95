package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/user"
)

// APIToken is an integration's credential: it acts as a service official (UserID) holding
// one role in one unit, until it expires or is revoked.
type APIToken struct {
	ID         string
	UserID     string
	Name       string
	UnitID     string
	UnitName   string
	Role       user.Role
	Prefix     string // the first characters of the secret, to recognise it in lists
	CreatedBy  string
	CreatedAt  time.Time
	ExpiresAt  time.Time // zero: no expiry
	RevokedAt  time.Time
	LastUsedAt time.Time
}

// Active reports whether the token may be used at now.
func (t APIToken) Active(now time.Time) bool {
	return t.RevokedAt.IsZero() && (t.ExpiresAt.IsZero() || now.Before(t.ExpiresAt))
}

// tokenPrefix starts every secret, so a leaked one is recognisable by secret scanners.
const tokenPrefix = "mct_"

// noPassword is stored as the service official's password hash: it is not an argon2id
// hash, so no password ever matches and the account cannot sign in to the pages.
const noPassword = "!api-token"

func hashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// CreateAPIToken creates a token named name for the role in the unit and returns its
// secret, shown once: only its hash is kept. The token's service official is created in
// the same transaction, so history and lists name the integration.
func (db *DB) CreateAPIToken(ctx context.Context, name, unitID string, role user.Role, expires time.Time, actorID string) (APIToken, string, error) {
	name = strings.Join(strings.Fields(name), " ")
	var errs failure.List
	if n := utf8.RuneCountInString(name); n == 0 || n > 100 {
		errs = append(errs, failure.InvalidField("name", "token.name_invalid"))
	}
	if role != user.Receiver && role != user.Handler && role != user.Approver && role != user.Overseer && role != user.QMS {
		errs = append(errs, failure.InvalidField("role", "token.role_invalid"))
	}
	now := db.Now()
	if !expires.IsZero() && !expires.After(now) {
		errs = append(errs, failure.InvalidField("expires", "token.expiry_past"))
	}
	if err := errs.Err(); err != nil {
		return APIToken{}, "", err
	}
	raw := make([]byte, 20)
	if _, err := rand.Read(raw); err != nil {
		return APIToken{}, "", fmt.Errorf("token secret: %w", err)
	}
	secret := tokenPrefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw))
	t := APIToken{ID: NewID(), Name: name, UnitID: unitID, Role: role, Prefix: secret[:10], CreatedBy: actorID,
		CreatedAt: now, ExpiresAt: expires}
	u := user.User{Email: "token-" + t.ID[len(t.ID)-12:] + "@api.motcua.invalid", FullName: "API: " + name,
		PasswordHash: noPassword, Active: true}
	a := user.Assignment{UnitID: unitID, Role: role}
	if err := prepareUserWithRole(&u, &a); err != nil {
		return APIToken{}, "", err
	}
	t.UserID = u.ID
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if err := insertUserWithRole(ctx, tx, &u, &a, now); err != nil {
			return err
		}
		t.UnitName = a.UnitName
		if _, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (id, user_id, name, unit_id, role, token_hash, prefix,
			created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			t.ID, t.UserID, t.Name, t.UnitID, string(t.Role), hashToken(secret), t.Prefix, nullString(actorID), now,
			nullTime(expires)); err != nil {
			return fmt.Errorf("insert token: %w", err)
		}
		return db.auditIn(ctx, tx, AuditEvent{At: now, ActorID: actorID, UnitID: unitID, Action: "token.create",
			ObjectType: "api_token", ObjectID: t.ID, Detail: name + " (" + string(role) + ")"})
	})
	if err != nil {
		return APIToken{}, "", fmt.Errorf("create API token: %w", err)
	}
	return t, secret, nil
}

const tokenColumns = `t.id, t.user_id, t.name, t.unit_id, u.name, t.role, t.prefix, COALESCE(t.created_by, ''), t.created_at,
	t.expires_at, t.revoked_at, t.last_used_at`

func scanToken(r interface{ Scan(...any) error }) (APIToken, error) {
	var (
		t                      APIToken
		role                   string
		expires, revoked, used sql.NullTime
	)
	err := r.Scan(&t.ID, &t.UserID, &t.Name, &t.UnitID, &t.UnitName, &role, &t.Prefix, &t.CreatedBy, &t.CreatedAt,
		&expires, &revoked, &used)
	t.Role, t.ExpiresAt, t.RevokedAt, t.LastUsedAt = user.Role(role), expires.Time, revoked.Time, used.Time
	return t, err
}

// APITokens lists the tokens of units under the given paths (all when empty), newest first.
func (db *DB) APITokens(ctx context.Context, under []string) ([]APIToken, error) {
	var c conds
	c.under("u.path", under)
	return queryAll(ctx, db.read, "list API tokens", scanToken,
		finishQuery(`SELECT `+tokenColumns+` FROM api_tokens t JOIN units u ON u.id = t.unit_id`, c.where, "t.created_at DESC", 0),
		c.args...)
}

// APIToken returns one token.
func (db *DB) APIToken(ctx context.Context, id string) (APIToken, error) {
	t, err := scanToken(db.read.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens t JOIN units u ON u.id = t.unit_id
		WHERE t.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return t, failure.New(failure.NotFound, "", "token.not_found")
	}
	if err != nil {
		return t, fmt.Errorf("get API token: %w", err)
	}
	return t, nil
}

// RevokeAPIToken ends a token at once and deactivates its service official.
func (db *DB) RevokeAPIToken(ctx context.Context, id, actorID string) error {
	t, err := db.APIToken(ctx, id)
	if err != nil {
		return err
	}
	now := db.Now()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`, id, now); err != nil {
			return fmt.Errorf("revoke token: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET active = $2, updated_at = $3 WHERE id = $1`, t.UserID, false, now); err != nil {
			return fmt.Errorf("revoke token: %w", err)
		}
		return db.auditIn(ctx, tx, AuditEvent{At: now, ActorID: actorID, UnitID: t.UnitID, Action: "token.revoke",
			ObjectType: "api_token", ObjectID: id, Detail: t.Name})
	})
}

// UserByToken returns the service official a bearer secret stands for, or Unauthorized
// when the secret is unknown, revoked or expired (one answer for all three).
func (db *DB) UserByToken(ctx context.Context, secret string) (user.User, error) {
	denied := failure.New(failure.Unauthorized, "", "token.invalid")
	if !strings.HasPrefix(secret, tokenPrefix) || len(secret) > 100 {
		return user.User{}, denied
	}
	var (
		id, userID       string
		expires, revoked sql.NullTime
		used             sql.NullTime
	)
	err := db.read.QueryRowContext(ctx, `SELECT id, user_id, expires_at, revoked_at, last_used_at FROM api_tokens
		WHERE token_hash = $1`, hashToken(secret)).Scan(&id, &userID, &expires, &revoked, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return user.User{}, denied
	}
	if err != nil {
		return user.User{}, fmt.Errorf("token: %w", err)
	}
	now := db.Now()
	if !(APIToken{ExpiresAt: expires.Time, RevokedAt: revoked.Time}).Active(now) {
		return user.User{}, denied
	}
	if now.Sub(used.Time) > time.Minute { // record use, at most once a minute per token
		if _, err := db.write.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $2 WHERE id = $1`, id, now); err != nil {
			return user.User{}, fmt.Errorf("token use: %w", err)
		}
	}
	u, err := db.User(ctx, userID)
	if err != nil || !u.Active {
		return user.User{}, denied
	}
	return u, nil
}
