package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/motcua/motcua/internal/failure"
)

// In-app notifications (issue 9) and each official's e-mail choice. A notification is
// written at most once per person and dedup key (what it is about and at which stage), and
// its e-mail, when one goes at once, is written to the outbox in the same transaction: a
// crash leaves both or neither.

// Notification e-mail states.
const (
	EmailNone     = ""         // no e-mail (mail off, or the official chose none)
	EmailQueued   = "queued"   // written to the outbox with the notification
	EmailDigest   = "digest"   // waits for the official's daily digest
	EmailDigested = "digested" // went out in a digest
)

// Notification is one message to one official.
type Notification struct {
	ID          string
	UserID      string
	UnitID      string // the unit the subject belongs to ("" for none)
	Kind        string
	SubjectType string // "dossier", "publication", "review_plan"
	SubjectID   string
	DedupKey    string
	Args        map[string]string // what the message says, formatted for the reader at display
	Link        string
	CreatedAt   time.Time
	ReadAt      time.Time
	Email       string
}

// Read reports whether the official has read it.
func (n Notification) Read() bool { return !n.ReadAt.IsZero() }

const notificationColumns = `n.id, n.user_id, COALESCE(n.unit_id, ''), n.kind, n.subject_type, n.subject_id, n.dedup_key,
	n.args, n.link, n.created_at, n.read_at, n.email`

func scanNotification(r interface{ Scan(...any) error }) (Notification, error) {
	var (
		n    Notification
		args string
		read sql.NullTime
	)
	if err := r.Scan(&n.ID, &n.UserID, &n.UnitID, &n.Kind, &n.SubjectType, &n.SubjectID, &n.DedupKey, &args, &n.Link,
		&n.CreatedAt, &read, &n.Email); err != nil {
		return n, err
	}
	n.ReadAt = read.Time
	if err := json.Unmarshal([]byte(args), &n.Args); err != nil {
		return n, fmt.Errorf("notification %s: decode: %w", n.ID, err)
	}
	return n, nil
}

// Notify writes a notification unless the official already has one with the same dedup
// key, and with it, in the same transaction, the e-mail when mail is not nil (then the
// notification's Email should be EmailQueued). created is false when it existed: nothing
// is written then, e-mail included.
func (db *DB) Notify(ctx context.Context, n Notification, mail *OutboxMessage) (created bool, err error) {
	if n.UserID == "" || n.Kind == "" || n.DedupKey == "" {
		return false, errors.New("notify: user, kind and dedup key are required")
	}
	if n.ID == "" {
		n.ID = NewID()
	}
	if n.CreatedAt.IsZero() {
		n.CreatedAt = db.Now()
	}
	args, err := json.Marshal(n.Args)
	if err != nil {
		return false, fmt.Errorf("notify: encode: %w", err)
	}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO notifications (id, user_id, unit_id, kind, subject_type, subject_id,
			dedup_key, args, link, created_at, email) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			ON CONFLICT (user_id, dedup_key) DO NOTHING`,
			n.ID, n.UserID, nullString(n.UnitID), n.Kind, n.SubjectType, n.SubjectID, n.DedupKey, string(args), n.Link,
			n.CreatedAt.UTC(), n.Email)
		if err != nil {
			return fmt.Errorf("insert notification: %w", err)
		}
		if k, err := res.RowsAffected(); err != nil || k == 0 {
			return err
		}
		created = true
		if mail != nil {
			if mail.UserID == "" {
				mail.UserID = n.UserID
			}
			if mail.CreatedAt.IsZero() {
				mail.CreatedAt = n.CreatedAt
			}
			return enqueueMail(ctx, tx, mail)
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("notify %s of %s: %w", n.UserID, n.DedupKey, err)
	}
	return created, nil
}

// Notifications lists an official's notifications, newest first.
func (db *DB) Notifications(ctx context.Context, userID string, limit, offset int) ([]Notification, error) {
	if limit <= 0 {
		limit = 50
	}
	query := finishQuery(`SELECT `+notificationColumns+` FROM notifications n`, []string{"n.user_id = $1"},
		"n.created_at DESC, n.id DESC", limit)
	if offset > 0 {
		query += fmt.Sprintf(" OFFSET %d", offset)
	}
	return queryAll(ctx, db.read, "notifications", scanNotification, query, userID)
}

// GetNotification returns one of an official's notifications (NotFound for another's).
func (db *DB) GetNotification(ctx context.Context, userID, id string) (Notification, error) {
	n, err := scanNotification(db.read.QueryRowContext(ctx, `SELECT `+notificationColumns+` FROM notifications n
		WHERE n.id = $1 AND n.user_id = $2`, id, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return n, failure.New(failure.NotFound, "", "notify.not_found")
	}
	if err != nil {
		return n, fmt.Errorf("notification %s: %w", id, err)
	}
	return n, nil
}

// UnreadCount counts an official's unread notifications (the bell).
func (db *DB) UnreadCount(ctx context.Context, userID string) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL`,
		userID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("unread notifications: %w", err)
	}
	return n, nil
}

// MarkRead marks one of an official's notifications read (NotFound for another's; a
// second call changes nothing).
func (db *DB) MarkRead(ctx context.Context, userID, id string, at time.Time) error {
	res, err := db.write.ExecContext(ctx, `UPDATE notifications SET read_at = COALESCE(read_at, $3)
		WHERE id = $1 AND user_id = $2`, id, userID, at.UTC())
	if err != nil {
		return fmt.Errorf("mark notification read: %w", err)
	}
	return mustAffect(res, "notify.not_found")
}

// MarkAllRead marks every unread notification of an official read.
func (db *DB) MarkAllRead(ctx context.Context, userID string, at time.Time) (int64, error) {
	res, err := db.write.ExecContext(ctx, `UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL`,
		userID, at.UTC())
	if err != nil {
		return 0, fmt.Errorf("mark all read: %w", err)
	}
	return res.RowsAffected()
}

// PendingDigests lists the notifications waiting for a digest, by official then age.
func (db *DB) PendingDigests(ctx context.Context) ([]Notification, error) {
	return queryAll(ctx, db.read, "pending digests", scanNotification, `SELECT `+notificationColumns+`
		FROM notifications n WHERE n.email = $1 ORDER BY n.user_id, n.created_at, n.id`, EmailDigest)
}

// WriteDigest marks the given notifications of an official digested and writes the
// digest e-mail (none when mail is nil: the official turned e-mail off meanwhile), in
// one transaction. Notifications no longer waiting are skipped; when none is left,
// nothing is written and ok is false.
func (db *DB) WriteDigest(ctx context.Context, userID string, ids []string, mail *OutboxMessage) (ok bool, err error) {
	if len(ids) == 0 {
		return false, nil
	}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		args := []any{EmailDigested, userID, EmailDigest}
		for _, id := range ids {
			args = append(args, id)
		}
		res, err := tx.ExecContext(ctx, `UPDATE notifications SET email = $1 WHERE user_id = $2 AND email = $3
			AND id IN (`+placeholders(4, len(ids))+`)`, args...)
		if err != nil {
			return fmt.Errorf("mark digested: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		ok = true
		if mail == nil {
			return nil
		}
		mail.UserID = userID
		return enqueueMail(ctx, tx, mail)
	})
	if err != nil {
		return false, fmt.Errorf("digest of %s: %w", userID, err)
	}
	return ok, nil
}

// PruneNotifications deletes read notifications created before a time.
func (db *DB) PruneNotifications(ctx context.Context, before time.Time) (int64, error) {
	res, err := db.write.ExecContext(ctx, `DELETE FROM notifications WHERE created_at < $1 AND read_at IS NOT NULL
		AND email <> $2`, before.UTC(), EmailDigest)
	if err != nil {
		return 0, fmt.Errorf("prune notifications: %w", err)
	}
	return res.RowsAffected()
}

// EmailMode returns an official's e-mail choice ("" when never chosen).
func (db *DB) EmailMode(ctx context.Context, userID string) (string, error) {
	var mode string
	err := db.read.QueryRowContext(ctx, `SELECT email_mode FROM notification_prefs WHERE user_id = $1`, userID).Scan(&mode)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("e-mail choice of %s: %w", userID, err)
	}
	return mode, nil
}

// SetEmailMode stores an official's e-mail choice (the caller validates the value).
func (db *DB) SetEmailMode(ctx context.Context, userID, mode string) error {
	_, err := db.write.ExecContext(ctx, `INSERT INTO notification_prefs (user_id, email_mode, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (user_id) DO UPDATE SET email_mode = excluded.email_mode, updated_at = excluded.updated_at`,
		userID, mode, db.Now())
	if err != nil {
		return fmt.Errorf("save e-mail choice of %s: %w", userID, err)
	}
	return nil
}
