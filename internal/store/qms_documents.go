package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/qms"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/user"
)

// Controlled documents of a unit's QMS (issue 8, part 1). The rules are package qms's;
// this file keeps the versions, their reviewers, distribution and attachments, and writes
// an audit event with every change in the same transaction.

// DocumentRow is a version with what pages show beside it.
type DocumentRow struct {
	qms.Document
	UnitName     string
	UnitPath     string
	AuthorName   string
	OwnerName    string
	ApproverName string
	Readers      int // officials who must read it
	Acknowledged int // of which have acknowledged it
	Files        int // attachments
}

// Unread is how many readers have not acknowledged the version.
func (d DocumentRow) Unread() int { return d.Readers - d.Acknowledged }

// DocumentFilter selects versions.
type DocumentFilter struct {
	UnitID   string
	Under    []string // units under these materialised paths
	Code     string
	Kind     qms.DocKind
	Statuses []qms.DocStatus
	Limit    int
}

const documentColumns = `d.id, d.unit_id, d.code, d.version, d.kind, d.title, d.body, d.procedure_code, d.status,
	d.author_id, COALESCE(d.owner_id, ''), COALESCE(d.approver_id, ''), d.change_note, d.effective_on, d.next_review_on,
	d.submitted_at, d.approved_at, d.published_at, COALESCE(d.published_by, ''), d.obsolete_at, d.obsolete_reason,
	d.created_at, d.updated_at, u.name, u.path,
	COALESCE((SELECT full_name FROM users x WHERE x.id = d.author_id), ''),
	COALESCE((SELECT full_name FROM users x WHERE x.id = d.owner_id), ''),
	COALESCE((SELECT full_name FROM users x WHERE x.id = d.approver_id), ''),
	(SELECT COUNT(*) FROM qms_document_readers r WHERE r.document_id = d.id),
	(SELECT COUNT(*) FROM qms_document_readers r WHERE r.document_id = d.id AND r.acknowledged_at IS NOT NULL),
	(SELECT COUNT(*) FROM qms_attachments a WHERE a.document_id = d.id)`

const documentFrom = ` FROM qms_documents d JOIN units u ON u.id = d.unit_id`

func scanDocument(row interface{ Scan(...any) error }) (DocumentRow, error) {
	var (
		d                                          DocumentRow
		submitted, approved, published, obsoleteAt sql.NullTime
	)
	err := row.Scan(&d.ID, &d.UnitID, &d.Code, &d.Version, &d.Kind, &d.Title, &d.Body, &d.ProcedureCode, &d.Status,
		&d.AuthorID, &d.OwnerID, &d.ApproverID, &d.ChangeNote, &d.EffectiveOn, &d.NextReviewOn,
		&submitted, &approved, &published, &d.PublishedBy, &obsoleteAt, &d.ObsoleteNote,
		&d.CreatedAt, &d.UpdatedAt, &d.UnitName, &d.UnitPath, &d.AuthorName, &d.OwnerName, &d.ApproverName,
		&d.Readers, &d.Acknowledged, &d.Files)
	d.SubmittedAt, d.ApprovedAt, d.PublishedAt, d.ObsoleteAt = submitted.Time, approved.Time, published.Time, obsoleteAt.Time
	return d, err
}

// Documents lists versions: by unit path, code, then newest version first.
func (db *DB) Documents(ctx context.Context, f DocumentFilter) ([]DocumentRow, error) {
	var c conds
	if f.UnitID != "" {
		c.add("d.unit_id = " + c.arg(f.UnitID))
	}
	c.under("u.path", f.Under)
	if f.Code != "" {
		c.add("d.code = " + c.arg(f.Code))
	}
	if f.Kind != "" {
		c.add("d.kind = " + c.arg(string(f.Kind)))
	}
	if len(f.Statuses) > 0 {
		var ph []string
		for _, s := range f.Statuses {
			ph = append(ph, c.arg(string(s)))
		}
		c.add("d.status IN (" + strings.Join(ph, ", ") + ")")
	}
	query := finishQuery(`SELECT `+documentColumns+documentFrom, c.where, "u.path, d.code, d.version DESC", f.Limit)
	return queryAll(ctx, db.read, "documents", scanDocument, query, c.args...)
}

// Document returns one version with its reviewers.
func (db *DB) Document(ctx context.Context, id string) (DocumentRow, error) {
	return db.document(ctx, db.read, id)
}

func (db *DB) document(ctx context.Context, q querier, id string) (DocumentRow, error) {
	d, err := scanDocument(q.QueryRowContext(ctx, `SELECT `+documentColumns+documentFrom+` WHERE d.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return d, failure.New(failure.NotFound, "", "qms.doc_not_found")
	}
	if err != nil {
		return d, fmt.Errorf("document %s: %w", id, err)
	}
	d.Reviews, err = queryAll(ctx, q, "document reviews", func(row interface{ Scan(...any) error }) (qms.Review, error) {
		var (
			r  qms.Review
			at sql.NullTime
		)
		err := row.Scan(&r.DocumentID, &r.UserID, &r.Verdict, &r.Comment, &at)
		r.ReviewedAt = at.Time
		return r, err
	}, `SELECT r.document_id, r.user_id, r.verdict, r.comment, r.reviewed_at FROM qms_document_reviews r
		JOIN users x ON x.id = r.user_id WHERE r.document_id = $1 ORDER BY x.search_text, x.id`, id)
	return d, err
}

// unitOfficial reports whether the user is an active official holding a role in the unit
// whose path is given, above it or below it.
func unitOfficial(ctx context.Context, q querier, userID, path string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM role_assignments a JOIN units u ON u.id = a.unit_id
		JOIN users x ON x.id = a.user_id WHERE a.user_id = $1 AND x.active = $3
		AND (substr(u.path, 1, length($2)) = $2 OR substr($2, 1, length(u.path)) = u.path)`, userID, path, true).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("check official %s: %w", userID, err)
	}
	return n > 0, nil
}

// mayDo reports whether the user's roles allow the action on the unit (auth.Actor.Can
// with the assignments as stored).
func mayDo(ctx context.Context, q querier, userID string, action auth.Action, path string) (bool, error) {
	rows, err := q.QueryContext(ctx, `SELECT a.role, u.path FROM role_assignments a JOIN units u ON u.id = a.unit_id
		JOIN users x ON x.id = a.user_id WHERE a.user_id = $1 AND x.active = $2`, userID, true)
	if err != nil {
		return false, fmt.Errorf("roles of %s: %w", userID, err)
	}
	defer rows.Close()
	a := auth.Actor{UserID: userID}
	for rows.Next() {
		var as user.Assignment
		if err := rows.Scan(&as.Role, &as.UnitPath); err != nil {
			return false, fmt.Errorf("roles of %s: %w", userID, err)
		}
		a.Assignments = append(a.Assignments, as)
	}
	if err := rows.Err(); err != nil {
		return false, fmt.Errorf("roles of %s: %w", userID, err)
	}
	return a.Can(action, path), nil
}

// checkDocPeople checks that the owner and reviewers are officials of the document's unit
// and that the approver may approve its documents (auth.ApproveQMS), besides qms's rules.
func checkDocPeople(ctx context.Context, q querier, d qms.Document, path string, reviewers []string) error {
	var errs failure.List
	for _, f := range []struct{ field, id string }{{"owner_id", d.OwnerID}} {
		if f.id == "" {
			continue
		}
		ok, err := unitOfficial(ctx, q, f.id, path)
		if err != nil {
			return err
		}
		if !ok {
			errs = append(errs, failure.InvalidField(f.field, "qms.not_unit_official"))
		}
	}
	for _, id := range reviewers {
		ok, err := unitOfficial(ctx, q, id, path)
		if err != nil {
			return err
		}
		if !ok {
			errs = append(errs, failure.InvalidField("reviewers", "qms.not_unit_official"))
			break
		}
	}
	if d.ApproverID != "" {
		ok, err := mayDo(ctx, q, d.ApproverID, auth.ApproveQMS, path)
		if err != nil {
			return err
		}
		if !ok {
			errs = append(errs, failure.InvalidField("approver_id", "qms.approver_not_allowed"))
		}
	}
	d.Reviews = nil
	for _, id := range reviewers {
		d.Reviews = append(d.Reviews, qms.Review{UserID: id})
	}
	return failure.Join(errs.Err(), d.CheckPeople())
}

// uniqueIDs drops empty and repeated IDs, keeping the order.
func uniqueIDs(ids []string) []string {
	var out []string
	for _, id := range ids {
		if id = strings.TrimSpace(id); id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// CreateDocument saves version 1 of a new document as a draft by authorID, with its
// reviewers. A code the unit already uses is a conflict: a change to an existing document
// is a new version of it (ReviseDocument).
func (db *DB) CreateDocument(ctx context.Context, d *qms.Document, reviewers []string, authorID string) error {
	d.Normalize()
	d.Version, d.Status, d.AuthorID = 1, qms.Draft, authorID
	d.EffectiveOn = unit.Date{}
	if err := d.Validate(); err != nil {
		return err
	}
	reviewers = uniqueIDs(reviewers)
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		u, err := unitIn(ctx, tx, d.UnitID)
		if err != nil {
			return err
		}
		if err := checkProcedureCode(ctx, tx, d.ProcedureCode); err != nil {
			return err
		}
		if err := checkDocPeople(ctx, tx, *d, u.Path, reviewers); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM qms_documents WHERE unit_id = $1 AND code = $2`,
			d.UnitID, d.Code).Scan(&n); err != nil {
			return fmt.Errorf("check code: %w", err)
		}
		if n > 0 {
			return failure.New(failure.Conflict, "code", "qms.doc_code_taken", d.Code)
		}
		now := db.Now()
		d.ID, d.CreatedAt, d.UpdatedAt = NewID(), now, now
		if err := insertDocument(ctx, tx, *d); err != nil {
			return err
		}
		if err := setReviewers(ctx, tx, d.ID, d.UnitID, reviewers); err != nil {
			return err
		}
		return db.auditIn(ctx, tx, AuditEvent{ActorID: authorID, UnitID: d.UnitID, Action: "qms.doc_create",
			ObjectType: "qms_document", ObjectID: d.ID, Detail: fmt.Sprintf("%s v%d %s: %s", d.Code, d.Version, d.Kind, d.Title)})
	})
	if err != nil {
		return fmt.Errorf("create document %s: %w", d.Code, err)
	}
	return nil
}

func insertDocument(ctx context.Context, tx *sql.Tx, d qms.Document) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO qms_documents (id, unit_id, code, version, kind, title, body, procedure_code,
		status, author_id, owner_id, approver_id, change_note, effective_on, next_review_on, obsolete_reason, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, '', $16, $16)`,
		d.ID, d.UnitID, d.Code, d.Version, string(d.Kind), d.Title, d.Body, d.ProcedureCode, string(d.Status), d.AuthorID,
		nullString(d.OwnerID), nullString(d.ApproverID), d.ChangeNote, d.EffectiveOn, d.NextReviewOn, d.CreatedAt)
	if err != nil {
		return fmt.Errorf("insert document: %w", err)
	}
	return nil
}

func setReviewers(ctx context.Context, tx *sql.Tx, docID, unitID string, reviewers []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM qms_document_reviews WHERE document_id = $1`, docID); err != nil {
		return fmt.Errorf("clear reviewers: %w", err)
	}
	for _, id := range reviewers {
		if _, err := tx.ExecContext(ctx, `INSERT INTO qms_document_reviews (document_id, user_id, unit_id, verdict, comment)
			VALUES ($1, $2, $3, '', '')`, docID, id, unitID); err != nil {
			return fmt.Errorf("add reviewer: %w", err)
		}
	}
	return nil
}

// checkProcedureCode checks that an internal procedure names a procedure of the catalog.
func checkProcedureCode(ctx context.Context, q querier, code string) error {
	if code == "" {
		return nil
	}
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM procedures WHERE code = $1`, code).Scan(&n); err != nil {
		return fmt.Errorf("check procedure %s: %w", code, err)
	}
	if n == 0 {
		return failure.InvalidField("procedure_code", "procedure.not_found")
	}
	return nil
}

// unitIn loads a unit inside a transaction; a missing unit is an invalid unit_id.
func unitIn(ctx context.Context, q querier, id string) (unit.Unit, error) {
	var u unit.Unit
	err := q.QueryRowContext(ctx, `SELECT id, name, path, kind FROM units WHERE id = $1`, id).Scan(&u.ID, &u.Name, &u.Path, &u.Kind)
	if errors.Is(err, sql.ErrNoRows) {
		return u, failure.InvalidField("unit_id", "unit.not_found")
	}
	if err != nil {
		return u, fmt.Errorf("unit %s: %w", id, err)
	}
	return u, nil
}

// UpdateDraft saves the editable fields of a draft (title, body, procedure, owner,
// approver, change note, next review day) and its reviewers. Any other status is refused:
// a published version is never edited in place.
func (db *DB) UpdateDraft(ctx context.Context, in qms.Document, reviewers []string, actorID string) error {
	in.Normalize()
	reviewers = uniqueIDs(reviewers)
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		cur, err := db.document(ctx, tx, in.ID)
		if err != nil {
			return err
		}
		if err := cur.Editable(); err != nil {
			return err
		}
		d := cur.Document
		d.Title, d.Body, d.ProcedureCode, d.OwnerID, d.ApproverID = in.Title, in.Body, in.ProcedureCode, in.OwnerID, in.ApproverID
		d.ChangeNote, d.NextReviewOn = in.ChangeNote, in.NextReviewOn
		if err := d.Validate(); err != nil {
			return err
		}
		if err := checkProcedureCode(ctx, tx, d.ProcedureCode); err != nil {
			return err
		}
		if err := checkDocPeople(ctx, tx, d, cur.UnitPath, reviewers); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE qms_documents SET title = $2, body = $3, procedure_code = $4, owner_id = $5,
			approver_id = $6, change_note = $7, next_review_on = $8, updated_at = $9 WHERE id = $1`,
			d.ID, d.Title, d.Body, d.ProcedureCode, nullString(d.OwnerID), nullString(d.ApproverID), d.ChangeNote,
			d.NextReviewOn, db.Now()); err != nil {
			return fmt.Errorf("update draft: %w", err)
		}
		if err := setReviewers(ctx, tx, d.ID, d.UnitID, reviewers); err != nil {
			return err
		}
		return db.auditIn(ctx, tx, AuditEvent{ActorID: actorID, UnitID: d.UnitID, Action: "qms.doc_update",
			ObjectType: "qms_document", ObjectID: d.ID, Detail: fmt.Sprintf("%s v%d: %s", d.Code, d.Version, d.Title)})
	})
	if err != nil {
		return fmt.Errorf("update document %s: %w", in.ID, err)
	}
	return nil
}

// docStep loads a version in a transaction, checks it with check, applies the update and
// writes the audit event.
func (db *DB) docStep(ctx context.Context, id, actorID, action string, check func(DocumentRow) error,
	apply func(tx *sql.Tx, d DocumentRow, now time.Time) (string, error)) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		d, err := db.document(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := check(d); err != nil {
			return err
		}
		now := db.Now()
		detail, err := apply(tx, d, now)
		if err != nil {
			return err
		}
		return db.auditIn(ctx, tx, AuditEvent{ActorID: actorID, UnitID: d.UnitID, Action: action, ObjectType: "qms_document",
			ObjectID: d.ID, Detail: fmt.Sprintf("%s v%d", d.Code, d.Version) + detail})
	})
	if err != nil {
		return fmt.Errorf("%s %s: %w", action, id, err)
	}
	return nil
}

// setDocStatus moves a version to a status with one timestamp column set.
func setDocStatus(ctx context.Context, tx *sql.Tx, id string, st qms.DocStatus, column string, now time.Time) error {
	q := `UPDATE qms_documents SET status = $2, updated_at = $3`
	if column != "" {
		q += `, ` + column + ` = $3`
	}
	if _, err := tx.ExecContext(ctx, q+` WHERE id = $1`, id, string(st), now); err != nil {
		return fmt.Errorf("set status %s: %w", st, err)
	}
	return nil
}

// SubmitDocument sends a draft to its reviewers and approver; their earlier verdicts are
// cleared.
func (db *DB) SubmitDocument(ctx context.Context, id, actorID string) error {
	return db.docStep(ctx, id, actorID, "qms.doc_submit", func(d DocumentRow) error { return d.CanSubmit() },
		func(tx *sql.Tx, d DocumentRow, now time.Time) (string, error) {
			if _, err := tx.ExecContext(ctx, `UPDATE qms_document_reviews SET verdict = '', comment = '', reviewed_at = NULL
				WHERE document_id = $1`, d.ID); err != nil {
				return "", fmt.Errorf("reset reviews: %w", err)
			}
			return "", setDocStatus(ctx, tx, d.ID, qms.InReview, "submitted_at", now)
		})
}

// ReviewDocument records a named reviewer's verdict; asking for changes sends the version
// back to draft.
func (db *DB) ReviewDocument(ctx context.Context, id, userID string, v qms.Verdict, comment string) error {
	comment = strings.TrimSpace(comment)
	return db.docStep(ctx, id, userID, "qms.doc_review", func(d DocumentRow) error { return d.CanReview(userID, v, comment) },
		func(tx *sql.Tx, d DocumentRow, now time.Time) (string, error) {
			if _, err := tx.ExecContext(ctx, `UPDATE qms_document_reviews SET verdict = $3, comment = $4, reviewed_at = $5
				WHERE document_id = $1 AND user_id = $2`, d.ID, userID, string(v), comment, now); err != nil {
				return "", fmt.Errorf("record review: %w", err)
			}
			if v == qms.Changes {
				if err := setDocStatus(ctx, tx, d.ID, qms.Draft, "", now); err != nil {
					return "", err
				}
			}
			return fmt.Sprintf(": %s\n%s", v, comment), nil
		})
}

// ApproveDocument records the named approver's approval (never the author's).
func (db *DB) ApproveDocument(ctx context.Context, id, userID string) error {
	return db.docStep(ctx, id, userID, "qms.doc_approve", func(d DocumentRow) error { return d.CanApprove(userID) },
		func(tx *sql.Tx, d DocumentRow, now time.Time) (string, error) {
			return "", setDocStatus(ctx, tx, d.ID, qms.Approved, "approved_at", now)
		})
}

// ReturnDocument sends a version in review back to draft, by its approver, with why.
func (db *DB) ReturnDocument(ctx context.Context, id, userID, comment string) error {
	comment = strings.TrimSpace(comment)
	return db.docStep(ctx, id, userID, "qms.doc_return", func(d DocumentRow) error { return d.CanReturn(userID, comment) },
		func(tx *sql.Tx, d DocumentRow, now time.Time) (string, error) {
			return "\n" + comment, setDocStatus(ctx, tx, d.ID, qms.Draft, "", now)
		})
}

// PublishDocument puts an approved version in force from day effective. The version it
// replaces (the document's published one) becomes obsolete in the same transaction. A
// unit has one current scope and one current quality policy: publishing another
// document of such a kind is refused.
func (db *DB) PublishDocument(ctx context.Context, id string, effective unit.Date, actorID string) error {
	return db.docStep(ctx, id, actorID, "qms.doc_publish", func(d DocumentRow) error { return d.CanPublish(effective) },
		func(tx *sql.Tx, d DocumentRow, now time.Time) (string, error) {
			if d.Kind.Single() {
				var other string
				err := tx.QueryRowContext(ctx, `SELECT code FROM qms_documents WHERE unit_id = $1 AND kind = $2 AND status = $3
					AND code <> $4`, d.UnitID, string(d.Kind), string(qms.Published), d.Code).Scan(&other)
				if err == nil {
					return "", failure.New(failure.Conflict, "", "qms.doc_single_current", other)
				}
				if !errors.Is(err, sql.ErrNoRows) {
					return "", fmt.Errorf("check current %s: %w", d.Kind, err)
				}
			}
			if _, err := tx.ExecContext(ctx, `UPDATE qms_documents SET status = $4, obsolete_at = $5, updated_at = $5
				WHERE unit_id = $1 AND code = $2 AND status = $3`, d.UnitID, d.Code, string(qms.Published),
				string(qms.Obsolete), now); err != nil {
				return "", fmt.Errorf("retire previous version: %w", err)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE qms_documents SET status = $2, effective_on = $3, published_at = $4,
				published_by = $5, updated_at = $4 WHERE id = $1`, d.ID, string(qms.Published), effective, now,
				nullString(actorID)); err != nil {
				return "", fmt.Errorf("publish: %w", err)
			}
			return ", effective " + effective.String(), nil
		})
}

// WithdrawDocument makes the current version obsolete without a successor, with the reason.
func (db *DB) WithdrawDocument(ctx context.Context, id, reason, actorID string) error {
	reason = strings.TrimSpace(reason)
	return db.docStep(ctx, id, actorID, "qms.doc_withdraw", func(d DocumentRow) error { return d.CanWithdraw(reason) },
		func(tx *sql.Tx, d DocumentRow, now time.Time) (string, error) {
			if _, err := tx.ExecContext(ctx, `UPDATE qms_documents SET status = $2, obsolete_at = $3, obsolete_reason = $4,
				updated_at = $3 WHERE id = $1`, d.ID, string(qms.Obsolete), now, reason); err != nil {
				return "", fmt.Errorf("withdraw: %w", err)
			}
			return "\n" + reason, nil
		})
}

// ReviseDocument starts the next version of a published (or obsolete) document as a draft
// by actorID: the same content, reviewers and readers (who will acknowledge it again), and
// copies of the attachments. A document has one version in preparation at a time.
func (db *DB) ReviseDocument(ctx context.Context, id, actorID string) (qms.Document, error) {
	var next qms.Document
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		d, err := db.document(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := d.CanRevise(); err != nil {
			return err
		}
		var (
			last int
			open int
		)
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0), COUNT(CASE WHEN status IN ($3, $4, $5) THEN 1 END)
			FROM qms_documents WHERE unit_id = $1 AND code = $2`, d.UnitID, d.Code,
			string(qms.Draft), string(qms.InReview), string(qms.Approved)).Scan(&last, &open); err != nil {
			return fmt.Errorf("versions of %s: %w", d.Code, err)
		}
		if open > 0 {
			return failure.New(failure.Conflict, "", "qms.doc_revision_open")
		}
		next = d.Revision(last, actorID)
		if next.ApproverID == actorID {
			next.ApproverID = ""
		}
		now := db.Now()
		next.ID, next.CreatedAt, next.UpdatedAt = NewID(), now, now
		if err := insertDocument(ctx, tx, next); err != nil {
			return err
		}
		people := func(table, except string) ([]string, error) {
			return queryAll(ctx, tx, table, func(row interface{ Scan(...any) error }) (string, error) {
				var id string
				return id, row.Scan(&id)
			}, `SELECT user_id FROM `+table+` WHERE document_id = $1 AND user_id <> $2 ORDER BY user_id`, d.ID, except)
		}
		reviewers, err := people("qms_document_reviews", actorID) // the new author reviews nothing of theirs
		if err != nil {
			return err
		}
		if err := setReviewers(ctx, tx, next.ID, next.UnitID, reviewers); err != nil {
			return err
		}
		readers, err := people("qms_document_readers", "")
		if err != nil {
			return err
		}
		for _, id := range readers {
			if _, err := tx.ExecContext(ctx, `INSERT INTO qms_document_readers (document_id, user_id, unit_id, added_by, added_at)
				VALUES ($1, $2, $3, $4, $5)`, next.ID, id, next.UnitID, nullString(actorID), now); err != nil {
				return fmt.Errorf("copy readers: %w", err)
			}
		}
		files, err := queryAll(ctx, tx, "attachments", func(row interface{ Scan(...any) error }) (qms.Attachment, error) {
			var a qms.Attachment
			return a, row.Scan(&a.ID, &a.Name, &a.ContentType, &a.Size, &a.SHA256, &a.Data)
		}, `SELECT id, file_name, content_type, size, sha256, data FROM qms_attachments WHERE document_id = $1 ORDER BY created_at, id`, d.ID)
		if err != nil {
			return err
		}
		for _, a := range files {
			a.ID, a.DocumentID, a.UnitID, a.CreatedBy, a.CreatedAt = NewID(), next.ID, next.UnitID, actorID, now
			if err := insertAttachment(ctx, tx, a); err != nil {
				return err
			}
		}
		return db.auditIn(ctx, tx, AuditEvent{ActorID: actorID, UnitID: d.UnitID, Action: "qms.doc_revise",
			ObjectType: "qms_document", ObjectID: next.ID, Detail: fmt.Sprintf("%s v%d from v%d", d.Code, next.Version, d.Version)})
	})
	if err != nil {
		return next, fmt.Errorf("revise document %s: %w", id, err)
	}
	return next, nil
}

// AddAttachment stores a file on a draft (qms.NewAttachment has checked it), at most
// qms.MaxAttachments per version.
func (db *DB) AddAttachment(ctx context.Context, docID string, a *qms.Attachment, actorID string) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		d, err := db.document(ctx, tx, docID)
		if err != nil {
			return err
		}
		if err := d.Editable(); err != nil {
			return err
		}
		if d.Files >= qms.MaxAttachments {
			return failure.InvalidField("file", "qms.too_many_files", qms.MaxAttachments)
		}
		a.ID, a.DocumentID, a.UnitID, a.CreatedBy, a.CreatedAt = NewID(), d.ID, d.UnitID, actorID, db.Now()
		if err := insertAttachment(ctx, tx, *a); err != nil {
			return err
		}
		return db.auditIn(ctx, tx, AuditEvent{ActorID: actorID, UnitID: d.UnitID, Action: "qms.attachment_add",
			ObjectType: "qms_document", ObjectID: d.ID,
			Detail: fmt.Sprintf("%s v%d: %s (%s, %d B, SHA-256 %s)", d.Code, d.Version, a.Name, a.ContentType, a.Size, a.SHA256)})
	})
	if err != nil {
		return fmt.Errorf("attach to %s: %w", docID, err)
	}
	return nil
}

func insertAttachment(ctx context.Context, tx *sql.Tx, a qms.Attachment) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO qms_attachments (id, document_id, unit_id, file_name, content_type, size, sha256,
		data, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		a.ID, a.DocumentID, a.UnitID, a.Name, a.ContentType, a.Size, a.SHA256, a.Data, nullString(a.CreatedBy), a.CreatedAt)
	if err != nil {
		return fmt.Errorf("insert attachment: %w", err)
	}
	return nil
}

// DeleteAttachment removes a file from a draft.
func (db *DB) DeleteAttachment(ctx context.Context, docID, attachmentID, actorID string) error {
	return db.docStep(ctx, docID, actorID, "qms.attachment_delete", func(d DocumentRow) error { return d.Editable() },
		func(tx *sql.Tx, d DocumentRow, _ time.Time) (string, error) {
			var name string
			err := tx.QueryRowContext(ctx, `SELECT file_name FROM qms_attachments WHERE id = $1 AND document_id = $2`,
				attachmentID, docID).Scan(&name)
			if errors.Is(err, sql.ErrNoRows) {
				return "", failure.New(failure.NotFound, "", "qms.file_not_found")
			}
			if err != nil {
				return "", fmt.Errorf("attachment: %w", err)
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM qms_attachments WHERE id = $1`, attachmentID); err != nil {
				return "", fmt.Errorf("delete attachment: %w", err)
			}
			return ": " + name, nil
		})
}

// Attachments lists a version's files without their content.
func (db *DB) Attachments(ctx context.Context, docID string) ([]qms.Attachment, error) {
	return queryAll(ctx, db.read, "attachments", func(row interface{ Scan(...any) error }) (qms.Attachment, error) {
		var a qms.Attachment
		err := row.Scan(&a.ID, &a.DocumentID, &a.UnitID, &a.Name, &a.ContentType, &a.Size, &a.SHA256, &a.CreatedBy, &a.CreatedAt)
		return a, err
	}, `SELECT id, document_id, unit_id, file_name, content_type, size, sha256, COALESCE(created_by, ''), created_at
		FROM qms_attachments WHERE document_id = $1 ORDER BY created_at, id`, docID)
}

// Attachment returns one file with its content.
func (db *DB) Attachment(ctx context.Context, id string) (qms.Attachment, error) {
	var a qms.Attachment
	err := db.read.QueryRowContext(ctx, `SELECT id, document_id, unit_id, file_name, content_type, size, sha256,
		COALESCE(created_by, ''), created_at, data FROM qms_attachments WHERE id = $1`, id).Scan(&a.ID, &a.DocumentID,
		&a.UnitID, &a.Name, &a.ContentType, &a.Size, &a.SHA256, &a.CreatedBy, &a.CreatedAt, &a.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return a, failure.New(failure.NotFound, "", "qms.file_not_found")
	}
	if err != nil {
		return a, fmt.Errorf("attachment %s: %w", id, err)
	}
	return a, nil
}

// Reader is an official who must read a version, and when they acknowledged it.
type Reader struct {
	UserID         string
	Name           string
	Email          string
	AddedAt        time.Time
	AcknowledgedAt time.Time
}

// Readers lists the distribution of a version: the unread first, then by name.
func (db *DB) Readers(ctx context.Context, docID string) ([]Reader, error) {
	return queryAll(ctx, db.read, "readers", func(row interface{ Scan(...any) error }) (Reader, error) {
		var (
			r   Reader
			ack sql.NullTime
		)
		err := row.Scan(&r.UserID, &r.Name, &r.Email, &r.AddedAt, &ack)
		r.AcknowledgedAt = ack.Time
		return r, err
	}, `SELECT r.user_id, x.full_name, x.email, r.added_at, r.acknowledged_at FROM qms_document_readers r
		JOIN users x ON x.id = r.user_id WHERE r.document_id = $1
		ORDER BY CASE WHEN r.acknowledged_at IS NULL THEN 0 ELSE 1 END, x.search_text, x.id`, docID)
}

// IsReader reports whether the official must read the version.
func (db *DB) IsReader(ctx context.Context, docID, userID string) (bool, error) {
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM qms_document_readers WHERE document_id = $1 AND user_id = $2`,
		docID, userID).Scan(&n); err != nil {
		return false, fmt.Errorf("reader of %s: %w", docID, err)
	}
	return n > 0, nil
}

// AddReaders adds officials of the unit to a version's distribution (not to an obsolete
// one); those already on it are left as they are. It returns how many were added.
func (db *DB) AddReaders(ctx context.Context, docID string, userIDs []string, actorID string) (int, error) {
	userIDs = uniqueIDs(userIDs)
	if len(userIDs) == 0 {
		return 0, failure.InvalidField("readers", "qms.readers_required")
	}
	added := 0
	err := db.docStep(ctx, docID, actorID, "qms.readers_add", func(d DocumentRow) error {
		if d.Status == qms.Obsolete {
			return failure.New(failure.Conflict, "", "qms.doc_obsolete")
		}
		return nil
	}, func(tx *sql.Tx, d DocumentRow, now time.Time) (string, error) {
		for _, id := range userIDs {
			ok, err := unitOfficial(ctx, tx, id, d.UnitPath)
			if err != nil {
				return "", err
			}
			if !ok {
				return "", failure.InvalidField("readers", "qms.not_unit_official")
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO qms_document_readers (document_id, user_id, unit_id, added_by, added_at)
				VALUES ($1, $2, $3, $4, $5) ON CONFLICT (document_id, user_id) DO NOTHING`, d.ID, id, d.UnitID, nullString(actorID), now)
			if err != nil {
				return "", fmt.Errorf("add reader: %w", err)
			}
			n, _ := res.RowsAffected()
			added += int(n)
		}
		return fmt.Sprintf(": %d readers added", added), nil
	})
	return added, err
}

// RemoveReader takes an official who has not acknowledged the version off its
// distribution (an acknowledgement is a record and stays).
func (db *DB) RemoveReader(ctx context.Context, docID, userID, actorID string) error {
	return db.docStep(ctx, docID, actorID, "qms.reader_remove", func(DocumentRow) error { return nil },
		func(tx *sql.Tx, d DocumentRow, _ time.Time) (string, error) {
			res, err := tx.ExecContext(ctx, `DELETE FROM qms_document_readers WHERE document_id = $1 AND user_id = $2
				AND acknowledged_at IS NULL`, d.ID, userID)
			if err != nil {
				return "", fmt.Errorf("remove reader: %w", err)
			}
			return ": " + userID, mustAffect(res, "qms.reader_not_found")
		})
}

// Acknowledge records that a reader has read the current version. Acknowledging twice
// keeps the first time; a version not in force cannot be acknowledged.
func (db *DB) Acknowledge(ctx context.Context, docID, userID string) error {
	return db.docStep(ctx, docID, userID, "qms.doc_acknowledge", func(d DocumentRow) error {
		if !d.Current() {
			return failure.New(failure.Conflict, "", "qms.doc_ack_not_current")
		}
		return nil
	}, func(tx *sql.Tx, d DocumentRow, now time.Time) (string, error) {
		var ack sql.NullTime
		err := tx.QueryRowContext(ctx, `SELECT acknowledged_at FROM qms_document_readers WHERE document_id = $1 AND user_id = $2`,
			d.ID, userID).Scan(&ack)
		if errors.Is(err, sql.ErrNoRows) {
			return "", failure.New(failure.Forbidden, "", "qms.not_reader")
		}
		if err != nil {
			return "", fmt.Errorf("reader: %w", err)
		}
		if ack.Valid {
			return " (again)", nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE qms_document_readers SET acknowledged_at = $3 WHERE document_id = $1
			AND user_id = $2`, d.ID, userID, now); err != nil {
			return "", fmt.Errorf("acknowledge: %w", err)
		}
		return "", nil
	})
}

// ToRead lists the current versions the official must read and has not acknowledged.
func (db *DB) ToRead(ctx context.Context, userID string) ([]DocumentRow, error) {
	return queryAll(ctx, db.read, "documents to read", scanDocument, `SELECT `+documentColumns+documentFrom+`
		JOIN qms_document_readers r ON r.document_id = d.id WHERE r.user_id = $1 AND r.acknowledged_at IS NULL
		AND d.status = $2 ORDER BY d.published_at, d.id`, userID, string(qms.Published))
}
