package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// The e-mail outbox and the mail server settings (issue 9). A message is written in the
// transaction of the event that causes it and sent later by the mail job: the job leases
// a batch, sends, and records sent_at at once for each message the server accepted, so a
// restart neither loses a message (an unsent one keeps its row and is leased again when
// the lease runs out) nor sends one twice (a sent one is never leased again). The one
// window left, between the server's acceptance and the UPDATE, is closed as far as SMTP
// allows by a Message-ID derived from the row, which receiving systems use to drop
// duplicates.

// OutboxMessage is one e-mail in the outbox.
type OutboxMessage struct {
	ID            string
	UserID        string
	To            string
	Subject       string
	Body          string // plain text, UTF-8
	CreatedAt     time.Time
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	SentAt        time.Time
	FailedAt      time.Time
}

// Pending reports whether the message still waits to be sent.
func (m OutboxMessage) Pending() bool { return m.SentAt.IsZero() && m.FailedAt.IsZero() }

func enqueueMail(ctx context.Context, q querier, m *OutboxMessage) error {
	if m.ID == "" {
		m.ID = NewID()
	}
	if m.NextAttemptAt.IsZero() {
		m.NextAttemptAt = m.CreatedAt
	}
	_, err := q.ExecContext(ctx, `INSERT INTO mail_outbox (id, user_id, to_addr, subject, body, created_at, attempts,
		next_attempt_at, last_error) VALUES ($1, $2, $3, $4, $5, $6, 0, $7, '')`,
		m.ID, nullString(m.UserID), m.To, m.Subject, m.Body, m.CreatedAt.UTC(), m.NextAttemptAt.UTC())
	if err != nil {
		return fmt.Errorf("write e-mail to the outbox: %w", err)
	}
	return nil
}

// EnqueueMail writes one message to the outbox on its own (the administrator's test
// message).
func (db *DB) EnqueueMail(ctx context.Context, m *OutboxMessage) error {
	if m.CreatedAt.IsZero() {
		m.CreatedAt = db.Now()
	}
	return enqueueMail(ctx, db.write, m)
}

const outboxColumns = `id, COALESCE(user_id, ''), to_addr, subject, body, created_at, attempts, next_attempt_at, last_error,
	sent_at, failed_at`

func scanOutbox(r interface{ Scan(...any) error }) (OutboxMessage, error) {
	var (
		m            OutboxMessage
		sent, failed sql.NullTime
	)
	err := r.Scan(&m.ID, &m.UserID, &m.To, &m.Subject, &m.Body, &m.CreatedAt, &m.Attempts, &m.NextAttemptAt,
		&m.LastError, &sent, &failed)
	m.SentAt, m.FailedAt = sent.Time, failed.Time
	return m, err
}

// ClaimMail leases up to limit messages due at now for owner until leaseUntil and
// returns them, oldest first; concurrent claimers never lease the same message. On
// PostgreSQL the candidates are picked once, in a CTE, with FOR UPDATE SKIP LOCKED, so
// claimers at once take different messages instead of waiting for each other (an IN
// subquery could be re-run when a row changed under it and lease more than limit); on
// SQLite the single writer serialises the claims and the UPDATE re-checks the conditions.
func (db *DB) ClaimMail(ctx context.Context, owner string, now, leaseUntil time.Time, limit int) ([]OutboxMessage, error) {
	now, leaseUntil = now.UTC(), leaseUntil.UTC()
	const due = `sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $3 AND (lease_until IS NULL OR lease_until <= $3)`
	pick := `SELECT id FROM mail_outbox WHERE ` + due + ` ORDER BY created_at, id LIMIT ` + fmt.Sprint(limit)
	query := `UPDATE mail_outbox SET lease_owner = $1, lease_until = $2 WHERE ` + due + ` AND id IN (` + pick + `)`
	if db.dialect == Postgres {
		query = `WITH picked AS (` + pick + ` FOR UPDATE SKIP LOCKED)
			UPDATE mail_outbox m SET lease_owner = $1, lease_until = $2 FROM picked WHERE m.id = picked.id`
	}
	_, err := db.write.ExecContext(ctx, query, owner, leaseUntil, now)
	if err != nil {
		return nil, fmt.Errorf("lease e-mails: %w", err)
	}
	return queryAll(ctx, db.write, "leased e-mails", scanOutbox, `SELECT `+outboxColumns+` FROM mail_outbox
		WHERE lease_owner = $1 AND sent_at IS NULL AND failed_at IS NULL ORDER BY created_at, id`, owner)
}

// MarkMailSent records that the server accepted a message, whoever holds its lease now:
// it was sent.
func (db *DB) MarkMailSent(ctx context.Context, id string, at time.Time) error {
	_, err := db.write.ExecContext(ctx, `UPDATE mail_outbox SET sent_at = $2, attempts = attempts + 1,
		lease_owner = NULL, lease_until = NULL, last_error = '' WHERE id = $1 AND sent_at IS NULL`, id, at.UTC())
	if err != nil {
		return fmt.Errorf("mark e-mail %s sent: %w", id, err)
	}
	return nil
}

// MarkMailFailed records a failed attempt at a leased message: it is tried again at next,
// or, when permanent (the server refused it for good, or the attempts ran out), it is
// given up.
func (db *DB) MarkMailFailed(ctx context.Context, id, owner, reason string, at, next time.Time, permanent bool) error {
	var failed any
	if permanent {
		failed = at.UTC()
	}
	_, err := db.write.ExecContext(ctx, `UPDATE mail_outbox SET attempts = attempts + 1, last_error = $3,
		next_attempt_at = $4, failed_at = $5, lease_owner = NULL, lease_until = NULL
		WHERE id = $1 AND lease_owner = $2 AND sent_at IS NULL`, id, owner, clip(reason, 1000), next.UTC(), failed)
	if err != nil {
		return fmt.Errorf("record failed e-mail %s: %w", id, err)
	}
	return nil
}

// ReleaseMail gives leased messages back without counting an attempt (the mail job is
// stopping, or mail was turned off).
func (db *DB) ReleaseMail(ctx context.Context, owner string) error {
	_, err := db.write.ExecContext(ctx, `UPDATE mail_outbox SET lease_owner = NULL, lease_until = NULL
		WHERE lease_owner = $1 AND sent_at IS NULL`, owner)
	if err != nil {
		return fmt.Errorf("release e-mails: %w", err)
	}
	return nil
}

// OutboxFilter selects outbox messages.
type OutboxFilter struct {
	UserID  string
	Pending bool // still to be sent
	Failed  bool // given up
	Limit   int
}

// Outbox lists messages, newest first.
func (db *DB) Outbox(ctx context.Context, f OutboxFilter) ([]OutboxMessage, error) {
	var c conds
	if f.UserID != "" {
		c.add("user_id = " + c.arg(f.UserID))
	}
	if f.Pending {
		c.add("sent_at IS NULL AND failed_at IS NULL")
	}
	if f.Failed {
		c.add("failed_at IS NOT NULL")
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	return queryAll(ctx, db.read, "outbox", scanOutbox,
		finishQuery(`SELECT `+outboxColumns+` FROM mail_outbox`, c.where, "created_at DESC, id DESC", f.Limit), c.args...)
}

// OutboxStats counts the outbox: waiting, given up, and sent since a time.
type OutboxStats struct {
	Pending, Failed, SentSince int
	LastError                  string // the latest error of a waiting message
}

// OutboxCounts returns the outbox's figures.
func (db *DB) OutboxCounts(ctx context.Context, since time.Time) (OutboxStats, error) {
	var s OutboxStats
	err := db.read.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(CASE WHEN sent_at IS NULL AND failed_at IS NULL THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN failed_at IS NOT NULL THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN sent_at >= $1 THEN 1 ELSE 0 END), 0) FROM mail_outbox`, since.UTC()).
		Scan(&s.Pending, &s.Failed, &s.SentSince)
	if err != nil {
		return s, fmt.Errorf("outbox counts: %w", err)
	}
	err = db.read.QueryRowContext(ctx, `SELECT last_error FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL
		AND last_error <> '' ORDER BY next_attempt_at DESC LIMIT 1`).Scan(&s.LastError)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return s, fmt.Errorf("outbox last error: %w", err)
	}
	return s, nil
}

// PruneOutbox deletes messages sent or given up before a time.
func (db *DB) PruneOutbox(ctx context.Context, before time.Time) (int64, error) {
	res, err := db.write.ExecContext(ctx, `DELETE FROM mail_outbox WHERE (sent_at IS NOT NULL AND sent_at < $1)
		OR (failed_at IS NOT NULL AND failed_at < $1)`, before.UTC())
	if err != nil {
		return 0, fmt.Errorf("prune outbox: %w", err)
	}
	return res.RowsAffected()
}

// Mail server security modes.
const (
	MailSTARTTLS = "starttls" // plain connection upgraded with STARTTLS (port 587), required
	MailTLS      = "tls"      // TLS from the first byte (port 465)
	MailPlain    = "none"     // no encryption: only for a relay on the same machine or network
)

// MailSettings configure the mail server. The password is stored as given (the database
// must be protected like the mail account); it is never shown back, logged or printed.
type MailSettings struct {
	Enabled  bool   `json:"enabled"`
	Host     string `json:"host"`
	Port     int    `json:"port"`
	Security string `json:"security"`
	Username string `json:"username"`
	Password string `json:"password"`
	From     string `json:"from"`
	FromName string `json:"from_name"`
	// BaseURL is the address officials open motcua at, for the links in e-mails.
	BaseURL string `json:"base_url"`
}

// Ready reports whether mail is turned on with a server and a sender.
func (s MailSettings) Ready() bool { return s.Enabled && s.Host != "" && s.From != "" }

// String describes the settings without the password.
func (s MailSettings) String() string {
	pw := "none"
	if s.Password != "" {
		pw = "set"
	}
	return fmt.Sprintf("mail{enabled=%v host=%s port=%d security=%s user=%s password=%s from=%s}",
		s.Enabled, s.Host, s.Port, s.Security, s.Username, pw, s.From)
}

// LogValue keeps the password out of structured logs.
func (s MailSettings) LogValue() slog.Value { return slog.StringValue(s.String()) }

// mailSettingsKey is the settings row holding the mail server's configuration as JSON.
const mailSettingsKey = "mail"

// GetMailSettings returns the mail server settings (mail off when never configured).
func (db *DB) GetMailSettings(ctx context.Context) (MailSettings, error) {
	var (
		s    MailSettings
		text string
	)
	err := db.read.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, mailSettingsKey).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return MailSettings{Port: 587, Security: MailSTARTTLS}, nil
	}
	if err != nil {
		return s, fmt.Errorf("mail settings: %w", err)
	}
	if err := json.Unmarshal([]byte(text), &s); err != nil {
		return s, fmt.Errorf("mail settings: decode: %w", err)
	}
	return s, nil
}

// SaveMailSettings stores the mail server settings (validated by the caller) and records
// the change, without the password, in the audit log.
func (db *DB) SaveMailSettings(ctx context.Context, s MailSettings, actorID string) error {
	s.Host, s.From = strings.TrimSpace(s.Host), strings.TrimSpace(s.From)
	text, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("encode mail settings: %w", err)
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, mailSettingsKey, string(text))
		if err != nil {
			return fmt.Errorf("save mail settings: %w", err)
		}
		return db.auditIn(ctx, tx, AuditEvent{ActorID: actorID, Action: "mail.settings_save", ObjectType: "settings",
			ObjectID: mailSettingsKey, Detail: s.String()})
	})
}

// RetryFailedMail puts the messages given up back in the queue, due at now (after the
// administrator fixed the mail settings).
func (db *DB) RetryFailedMail(ctx context.Context, now time.Time) (int64, error) {
	res, err := db.write.ExecContext(ctx, `UPDATE mail_outbox SET failed_at = NULL, attempts = 0, next_attempt_at = $1
		WHERE failed_at IS NOT NULL AND sent_at IS NULL`, now.UTC())
	if err != nil {
		return 0, fmt.Errorf("retry failed e-mails: %w", err)
	}
	return res.RowsAffected()
}
