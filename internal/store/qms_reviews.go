package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/portal"
	"github.com/motcua/motcua/internal/qms"
	"github.com/motcua/motcua/internal/unit"
)

// Management reviews (issue 8, part 4): the meeting record of a unit for a period, its
// inputs gathered from the data (clause 9.3.2) and kept as JSON, and its outputs
// (decisions and actions with owners, clause 9.3.3).

// ReviewRow is a review with its unit.
type ReviewRow struct {
	qms.ManagementReview
	UnitName string
	UnitPath string
}

const reviewColumns = `r.id, r.unit_id, r.title, r.period_from, r.period_to, r.held_on, r.chair, r.participants, r.notes,
	r.inputs, r.inputs_at, r.status, COALESCE(r.created_by, ''), r.created_at, r.updated_at, u.name, u.path`

func scanReview(row interface{ Scan(...any) error }) (ReviewRow, error) {
	var (
		r      ReviewRow
		inputs string
	)
	err := row.Scan(&r.ID, &r.UnitID, &r.Title, &r.From, &r.To, &r.HeldOn, &r.Chair, &r.Participants, &r.Notes,
		&inputs, &r.InputsAt, &r.Status, &r.CreatedBy, &r.CreatedAt, &r.UpdatedAt, &r.UnitName, &r.UnitPath)
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal([]byte(inputs), &r.Inputs); err != nil {
		return r, fmt.Errorf("review %s inputs: %w", r.ID, err)
	}
	return r, nil
}

// Reviews lists a unit's management reviews, the latest first.
func (db *DB) Reviews(ctx context.Context, unitID string) ([]ReviewRow, error) {
	return queryAll(ctx, db.read, "reviews", scanReview, `SELECT `+reviewColumns+` FROM qms_reviews r
		JOIN units u ON u.id = r.unit_id WHERE r.unit_id = $1 ORDER BY r.held_on DESC, r.created_at DESC`, unitID)
}

// Review returns one review.
func (db *DB) Review(ctx context.Context, id string) (ReviewRow, error) {
	return review(ctx, db.read, id)
}

func review(ctx context.Context, q querier, id string) (ReviewRow, error) {
	r, err := scanReview(q.QueryRowContext(ctx, `SELECT `+reviewColumns+` FROM qms_reviews r JOIN units u ON u.id = r.unit_id
		WHERE r.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, failure.New(failure.NotFound, "", "qms.review_not_found")
	}
	if err != nil {
		return r, fmt.Errorf("review %s: %w", id, err)
	}
	return r, nil
}

// CreateReview records a review of a unit with its inputs gathered now.
func (db *DB) CreateReview(ctx context.Context, r *qms.ManagementReview, actorID string) error {
	r.Normalize()
	if err := r.Validate(); err != nil {
		return err
	}
	u, err := db.Unit(ctx, r.UnitID)
	if failure.Is(err, failure.NotFound) {
		return failure.InvalidField("unit_id", "unit.not_found")
	}
	if err != nil {
		return err
	}
	if r.Inputs, err = db.GatherReviewInputs(ctx, u, r.From, r.To, r.HeldOn, ""); err != nil {
		return err
	}
	inputs, err := json.Marshal(r.Inputs)
	if err != nil {
		return fmt.Errorf("review inputs: %w", err)
	}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		r.ID, r.Status, r.CreatedBy, r.CreatedAt, r.UpdatedAt, r.InputsAt = NewID(), qms.ReviewDraft, actorID, now, now, now
		if _, err := tx.ExecContext(ctx, `INSERT INTO qms_reviews (id, unit_id, title, period_from, period_to, held_on, chair,
			participants, notes, inputs, inputs_at, status, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $11, $11)`,
			r.ID, r.UnitID, r.Title, r.From, r.To, r.HeldOn, r.Chair, r.Participants, r.Notes, string(inputs), now,
			string(r.Status), nullString(actorID)); err != nil {
			return fmt.Errorf("insert review: %w", err)
		}
		return db.auditIn(ctx, tx, AuditEvent{ActorID: actorID, UnitID: r.UnitID, Action: "qms.review_create",
			ObjectType: "qms_review", ObjectID: r.ID, Detail: fmt.Sprintf("%s (%s–%s, held %s)", r.Title, r.From, r.To, r.HeldOn)})
	})
	if err != nil {
		return fmt.Errorf("create review: %w", err)
	}
	return nil
}

// UpdateReview saves a draft review's record of the meeting (title, period, day, chair,
// participants, discussion) and gathers its inputs again for the period.
func (db *DB) UpdateReview(ctx context.Context, in qms.ManagementReview, actorID string) error {
	in.Normalize()
	cur, err := db.Review(ctx, in.ID)
	if err != nil {
		return err
	}
	if err := cur.Editable(); err != nil {
		return err
	}
	r := cur.ManagementReview
	r.Title, r.From, r.To, r.HeldOn, r.Chair, r.Participants, r.Notes = in.Title, in.From, in.To, in.HeldOn, in.Chair,
		in.Participants, in.Notes
	if err := r.Validate(); err != nil {
		return err
	}
	u, err := db.Unit(ctx, r.UnitID)
	if err != nil {
		return err
	}
	if r.Inputs, err = db.GatherReviewInputs(ctx, u, r.From, r.To, r.HeldOn, r.ID); err != nil {
		return err
	}
	inputs, err := json.Marshal(r.Inputs)
	if err != nil {
		return fmt.Errorf("review inputs: %w", err)
	}
	return db.reviewStep(ctx, r.ID, actorID, "qms.review_update", func(tx *sql.Tx, _ ReviewRow, now time.Time) (string, error) {
		_, err := tx.ExecContext(ctx, `UPDATE qms_reviews SET title = $2, period_from = $3, period_to = $4, held_on = $5,
			chair = $6, participants = $7, notes = $8, inputs = $9, inputs_at = $10, updated_at = $10 WHERE id = $1`,
			r.ID, r.Title, r.From, r.To, r.HeldOn, r.Chair, r.Participants, r.Notes, string(inputs), now)
		return r.Title, err
	})
}

// reviewStep loads a draft review in a transaction, applies a change and audits it.
func (db *DB) reviewStep(ctx context.Context, id, actorID, action string, apply func(tx *sql.Tx, r ReviewRow, now time.Time) (string, error)) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		r, err := review(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := r.Editable(); err != nil {
			return err
		}
		now := db.Now()
		detail, err := apply(tx, r, now)
		if err != nil {
			return err
		}
		return db.auditIn(ctx, tx, AuditEvent{ActorID: actorID, UnitID: r.UnitID, Action: action, ObjectType: "qms_review",
			ObjectID: r.ID, Detail: detail})
	})
	if err != nil {
		return fmt.Errorf("%s %s: %w", action, id, err)
	}
	return nil
}

// FinalizeReview makes a review final: its inputs and decisions become the record.
func (db *DB) FinalizeReview(ctx context.Context, id, actorID string) error {
	return db.reviewStep(ctx, id, actorID, "qms.review_finalize", func(tx *sql.Tx, r ReviewRow, now time.Time) (string, error) {
		_, err := tx.ExecContext(ctx, `UPDATE qms_reviews SET status = $2, updated_at = $3 WHERE id = $1`,
			r.ID, string(qms.ReviewFinal), now)
		return "", err
	})
}

// AddReviewOutput records a decision or an action (with an official of the unit as its
// owner) of a draft review.
func (db *DB) AddReviewOutput(ctx context.Context, reviewID string, o *qms.ReviewOutput, actorID string) error {
	o.Normalize()
	if err := o.Validate(); err != nil {
		return err
	}
	return db.reviewStep(ctx, reviewID, actorID, "qms.review_output", func(tx *sql.Tx, r ReviewRow, now time.Time) (string, error) {
		if o.OwnerID != "" {
			ok, err := unitOfficial(ctx, tx, o.OwnerID, r.UnitPath)
			if err != nil {
				return "", err
			}
			if !ok {
				return "", failure.InvalidField("owner_id", "qms.not_unit_official")
			}
		}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM qms_review_outputs WHERE review_id = $1`,
			r.ID).Scan(&o.Seq); err != nil {
			return "", fmt.Errorf("next output: %w", err)
		}
		o.ID, o.ReviewID, o.UnitID, o.CreatedBy, o.CreatedAt = NewID(), r.ID, r.UnitID, actorID, now
		if _, err := tx.ExecContext(ctx, `INSERT INTO qms_review_outputs (id, review_id, unit_id, seq, kind, text, owner_id,
			due_on, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, o.ID, o.ReviewID, o.UnitID,
			o.Seq, string(o.Kind), o.Text, nullString(o.OwnerID), o.DueOn, nullString(actorID), now); err != nil {
			return "", fmt.Errorf("insert output: %w", err)
		}
		return fmt.Sprintf("%d %s: %s", o.Seq, o.Kind, o.Text), nil
	})
}

const outputColumns = `o.id, o.review_id, o.unit_id, o.seq, o.kind, o.text, COALESCE(o.owner_id, ''),
	COALESCE((SELECT full_name FROM users x WHERE x.id = o.owner_id), ''), o.due_on, o.done_at, COALESCE(o.done_by, ''),
	COALESCE(o.created_by, ''), o.created_at`

func scanOutput(row interface{ Scan(...any) error }) (qms.ReviewOutput, error) {
	var (
		o    qms.ReviewOutput
		done sql.NullTime
	)
	err := row.Scan(&o.ID, &o.ReviewID, &o.UnitID, &o.Seq, &o.Kind, &o.Text, &o.OwnerID, &o.OwnerName, &o.DueOn, &done,
		&o.DoneBy, &o.CreatedBy, &o.CreatedAt)
	o.DoneAt = done.Time
	return o, err
}

// ReviewOutputs lists a review's decisions and actions in order.
func (db *DB) ReviewOutputs(ctx context.Context, reviewID string) ([]qms.ReviewOutput, error) {
	return queryAll(ctx, db.read, "review outputs", scanOutput, `SELECT `+outputColumns+` FROM qms_review_outputs o
		WHERE o.review_id = $1 ORDER BY o.seq`, reviewID)
}

// ReviewOutput returns one output.
func (db *DB) ReviewOutput(ctx context.Context, id string) (qms.ReviewOutput, error) {
	o, err := scanOutput(db.read.QueryRowContext(ctx, `SELECT `+outputColumns+` FROM qms_review_outputs o WHERE o.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return o, failure.New(failure.NotFound, "", "qms.review_not_found")
	}
	return o, err
}

// MarkOutputDone records that an action decided at a review is done (whatever the
// review's status: the follow-up outlives the meeting).
func (db *DB) MarkOutputDone(ctx context.Context, outputID, actorID string) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		o, err := scanOutput(tx.QueryRowContext(ctx, `SELECT `+outputColumns+` FROM qms_review_outputs o WHERE o.id = $1`, outputID))
		if errors.Is(err, sql.ErrNoRows) {
			return failure.New(failure.NotFound, "", "qms.review_not_found")
		}
		if err != nil {
			return err
		}
		if o.Kind != qms.OutputAction || !o.DoneAt.IsZero() {
			return failure.New(failure.Conflict, "", "qms.output_not_open")
		}
		now := db.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE qms_review_outputs SET done_at = $2, done_by = $3 WHERE id = $1`,
			o.ID, now, nullString(actorID)); err != nil {
			return fmt.Errorf("output done: %w", err)
		}
		return db.auditIn(ctx, tx, AuditEvent{ActorID: actorID, UnitID: o.UnitID, Action: "qms.review_output_done",
			ObjectType: "qms_review", ObjectID: o.ReviewID, Detail: fmt.Sprintf("%d: %s", o.Seq, o.Text)})
	})
	if err != nil {
		return fmt.Errorf("output %s done: %w", outputID, err)
	}
	return nil
}

// GatherReviewInputs gathers the inputs of a review of unit u for the days from..to:
// the objectives' months in the period, the dossiers' figures and ratings of the period,
// the nonconformities raised and closed in it and open now, the audits planned in it and
// their findings, the actions of the unit's previous review (held before heldOn, not the
// review except), and the documents now.
func (db *DB) GatherReviewInputs(ctx context.Context, u unit.Unit, from, to, heldOn unit.Date, except string) (qms.ReviewInputs, error) {
	var in qms.ReviewInputs
	under := []string{u.Path}
	today := db.vnToday()
	first, last := qms.MonthOfDate(from), qms.MonthOfDate(to)

	for year := first.Year; year <= last.Year; year++ {
		objectives, err := db.Objectives(ctx, u.ID, year)
		if err != nil {
			return in, err
		}
		for _, o := range objectives {
			rs, err := db.ObjectiveResults(ctx, o, today)
			if err != nil {
				return in, err
			}
			sum := qms.ObjectiveSummary{Title: o.Title, Measure: o.Measure,
				Target: o.Comparison.Symbol() + " " + trimFloat(o.Target) + o.UnitLabel}
			for _, r := range rs {
				if r.Month.Before(first) || last.Before(r.Month) {
					continue
				}
				switch {
				case r.Missed:
					sum.Missed++
				case r.Met && r.Over:
					sum.Met++
				default:
					sum.Unknown++
				}
				if r.Known {
					sum.Last = r.Month.Display() + ": " + trimFloat(r.Value) + o.UnitLabel
				}
			}
			in.Objectives = append(in.Objectives, sum)
		}
	}

	st, err := db.Stats(ctx, StatsQuery{Under: under, From: dayTime(from), To: dayTime(to)})
	if err != nil {
		return in, err
	}
	in.Performance = qms.Performance{Received: st.Received(), OnTime: st.OnTime(), CohortLate: st.CohortLate,
		Resolved: st.Resolved(), ResolvedLate: st.ResolvedLate, InProgress: st.InProgress, OverdueOpen: st.InProgressOverdue,
		Apologies: st.Apologies}
	stale, err := db.StalePublications(ctx, PublicationFilter{Under: under}, today)
	if err != nil {
		return in, err
	}
	in.Performance.StaleProcedure = len(stale)

	ratings, err := db.RatingSummary(ctx, under, dayStart(from), dayStart(to).AddDate(0, 0, 1))
	if err != nil {
		return in, err
	}
	in.Satisfaction = qms.Satisfaction{Ratings: ratings.Total, Satisfied: int(ratings.Rate().Num)}
	for _, l := range portal.LowLevels() {
		in.Satisfaction.Low += ratings.Counts[l]
	}

	ncs, err := db.Nonconformities(ctx, NCFilter{Under: under})
	if err != nil {
		return in, err
	}
	raised := map[qms.Source]int{}
	start, end := dayStart(from), dayStart(to).AddDate(0, 0, 1)
	for _, n := range ncs {
		if !n.Month.Before(first) && !last.Before(n.Month) {
			raised[n.Source]++
		}
		switch {
		case !n.Status.Final():
			in.NCs.Open++
			if n.Overdue(today) {
				in.NCs.Overdue++
			}
		case n.Status == qms.NCClosed && !n.ClosedAt.Before(start) && n.ClosedAt.Before(end):
			in.NCs.Closed++
		case n.Status == qms.NCDismissed && !n.DismissedAt.Before(start) && n.DismissedAt.Before(end):
			in.NCs.Dismissed++
		}
	}
	for _, s := range qms.Sources {
		if raised[s] > 0 {
			in.NCs.Raised = append(in.NCs.Raised, qms.SourceCount{Source: s, N: raised[s]})
		}
	}

	if in.Audits, err = db.auditSummary(ctx, under, from, to); err != nil {
		return in, err
	}

	var prev string
	err = db.read.QueryRowContext(ctx, `SELECT id FROM qms_reviews WHERE unit_id = $1 AND held_on <= $2 AND id <> $3
		ORDER BY held_on DESC, created_at DESC LIMIT 1`, u.ID, heldOn, except).Scan(&prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return in, fmt.Errorf("previous review: %w", err)
	}
	if prev != "" {
		outs, err := db.ReviewOutputs(ctx, prev)
		if err != nil {
			return in, err
		}
		for _, o := range outs {
			if o.Kind == qms.OutputAction {
				in.PreviousActions = append(in.PreviousActions, qms.PreviousAction{Text: o.Text, Owner: o.OwnerName,
					DueOn: o.DueOn, Done: !o.DoneAt.IsZero()})
			}
		}
	}

	docs, err := db.Documents(ctx, DocumentFilter{UnitID: u.ID, Statuses: []qms.DocStatus{qms.Published}})
	if err != nil {
		return in, err
	}
	for _, d := range docs {
		in.Documents.Current++
		in.Documents.Unread += d.Unread()
		if d.ReviewDue(today) {
			in.Documents.ReviewDue++
		}
	}

	risks, err := db.Risks(ctx, RiskFilter{UnitID: u.ID})
	if err != nil {
		return in, err
	}
	plain := make([]qms.Risk, len(risks))
	for i, x := range risks {
		plain[i] = x.Risk
	}
	in.Risks = qms.SummarizeRisks(plain, from, to, today)
	return in, nil
}

// auditSummary counts the audit plans of the units under the paths planned in the period,
// those done, and their findings by result.
func (db *DB) auditSummary(ctx context.Context, under []string, from, to unit.Date) (qms.AuditSummary, error) {
	s := qms.AuditSummary{Findings: map[qms.AuditResult]int{}}
	var c conds
	c.under("u.path", under)
	c.add("p.planned_on >= " + c.arg(from))
	c.add("p.planned_on <= " + c.arg(to))
	where := strings.Join(c.where, " AND ")
	rows, err := db.read.QueryContext(ctx, `SELECT i.result, COUNT(*) FROM qms_audit_items i
		JOIN qms_audit_plans p ON p.id = i.plan_id JOIN units u ON u.id = p.unit_id
		WHERE `+where+` AND i.result <> '' GROUP BY i.result`, c.args...)
	if err != nil {
		return s, fmt.Errorf("audit findings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			result string
			n      int
		)
		if err := rows.Scan(&result, &n); err != nil {
			return s, fmt.Errorf("audit findings: %w", err)
		}
		s.Findings[qms.AuditResult(result)] = n
	}
	if err := rows.Err(); err != nil {
		return s, fmt.Errorf("audit findings: %w", err)
	}
	done := c.arg(string(qms.AuditDone))
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN p.status = `+done+` THEN 1 ELSE 0 END), 0)
		FROM qms_audit_plans p JOIN units u ON u.id = p.unit_id WHERE `+where, c.args...).Scan(&s.Plans, &s.Done); err != nil {
		return s, fmt.Errorf("audit plans: %w", err)
	}
	return s, nil
}
