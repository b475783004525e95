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
	"github.com/motcua/motcua/internal/qms"
	"github.com/motcua/motcua/internal/unit"
)

// Annual evaluations of the QMS (issue 8, part 8): a unit's report for a year, its overall
// assessment and proposals, its figures gathered from the data while a draft, and the
// sealed snapshot once final.

// EvaluationRow is a unit's evaluation of a year; ID is empty when the unit has not
// started one (nothing entered yet).
type EvaluationRow struct {
	qms.Evaluation
	Proposals []qms.Proposal
	// Intact is whether a final evaluation's stored snapshot still has its hash.
	Intact bool
}

const evaluationColumns = `id, unit_id, year, status, summary, snapshot, hash, COALESCE(created_by, ''), created_at,
	updated_at, COALESCE(finalized_by, ''), finalized_at`

func scanEvaluation(row interface{ Scan(...any) error }) (EvaluationRow, error) {
	var (
		e         EvaluationRow
		snapshot  string
		finalized sql.NullTime
	)
	err := row.Scan(&e.ID, &e.UnitID, &e.Year, &e.Status, &e.Summary, &snapshot, &e.Hash, &e.CreatedBy, &e.CreatedAt,
		&e.UpdatedAt, &e.FinalizedBy, &finalized)
	if err != nil {
		return e, err
	}
	e.FinalizedAt = finalized.Time
	if snapshot != "" {
		var f qms.EvaluationFigures
		if err := json.Unmarshal([]byte(snapshot), &f); err != nil {
			return e, fmt.Errorf("evaluation %s snapshot: %w", e.ID, err)
		}
		e.Snapshot = &f
		e.Intact = qms.CheckSeal([]byte(snapshot), e.Hash)
	}
	return e, nil
}

// Evaluation returns a unit's evaluation of a year with its proposals; a unit that has
// not started one gets a draft without ID.
func (db *DB) Evaluation(ctx context.Context, unitID string, year int) (EvaluationRow, error) {
	e, err := evaluation(ctx, db.read, unitID, year)
	if errors.Is(err, sql.ErrNoRows) {
		return EvaluationRow{Evaluation: qms.Evaluation{UnitID: unitID, Year: year, Status: qms.EvalDraft}}, nil
	}
	if err != nil {
		return e, fmt.Errorf("evaluation %d of %s: %w", year, unitID, err)
	}
	if e.Proposals, err = db.proposals(ctx, db.read, e.ID); err != nil {
		return e, err
	}
	return e, nil
}

func evaluation(ctx context.Context, q querier, unitID string, year int) (EvaluationRow, error) {
	return scanEvaluation(q.QueryRowContext(ctx, `SELECT `+evaluationColumns+` FROM qms_evaluations
		WHERE unit_id = $1 AND year = $2`, unitID, year))
}

func (db *DB) proposals(ctx context.Context, q querier, evaluationID string) ([]qms.Proposal, error) {
	return queryAll(ctx, q, "proposals", func(r interface{ Scan(...any) error }) (qms.Proposal, error) {
		var p qms.Proposal
		err := r.Scan(&p.ID, &p.Seq, &p.Kind, &p.Text, &p.CreatedBy, &p.CreatedAt)
		return p, err
	}, `SELECT id, seq, kind, text, COALESCE(created_by, ''), created_at FROM qms_evaluation_proposals
		WHERE evaluation_id = $1 ORDER BY seq`, evaluationID)
}

// Evaluations returns the evaluations of a year of the units under the paths, by unit ID
// (without their proposals: a final one's snapshot holds them).
func (db *DB) Evaluations(ctx context.Context, under []string, year int) (map[string]EvaluationRow, error) {
	var c conds
	c.under("u.path", under)
	c.add("e.year = " + c.arg(year))
	list, err := queryAll(ctx, db.read, "evaluations", scanEvaluation, finishQuery(`SELECT e.id, e.unit_id, e.year, e.status,
		e.summary, e.snapshot, e.hash, COALESCE(e.created_by, ''), e.created_at, e.updated_at, COALESCE(e.finalized_by, ''),
		e.finalized_at FROM qms_evaluations e JOIN units u ON u.id = e.unit_id`, c.where, "u.path", 0), c.args...)
	if err != nil {
		return nil, err
	}
	out := make(map[string]EvaluationRow, len(list))
	for _, e := range list {
		out[e.UnitID] = e
	}
	return out, nil
}

// evaluationStep loads (or starts) the draft evaluation of a unit and year in a
// transaction, applies a change and audits it.
func (db *DB) evaluationStep(ctx context.Context, u unit.Unit, year int, actorID, action string,
	apply func(tx *sql.Tx, e EvaluationRow, now time.Time) (string, error)) error {
	if _, _, err := qms.EvaluationPeriod(year, u, db.vnToday()); err != nil {
		return err
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		e, err := evaluation(ctx, tx, u.ID, year)
		if errors.Is(err, sql.ErrNoRows) {
			e = EvaluationRow{Evaluation: qms.Evaluation{ID: NewID(), UnitID: u.ID, Year: year, Status: qms.EvalDraft,
				CreatedBy: actorID, CreatedAt: now, UpdatedAt: now}}
			if _, err := tx.ExecContext(ctx, `INSERT INTO qms_evaluations (id, unit_id, year, status, created_by, created_at,
				updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)`, e.ID, u.ID, year, string(e.Status), nullString(actorID),
				now); err != nil {
				return fmt.Errorf("insert evaluation: %w", err)
			}
		} else if err != nil {
			return fmt.Errorf("evaluation: %w", err)
		}
		if err := e.Editable(); err != nil {
			return err
		}
		detail, err := apply(tx, e, now)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE qms_evaluations SET updated_at = $2 WHERE id = $1`, e.ID, now); err != nil {
			return fmt.Errorf("touch evaluation: %w", err)
		}
		return db.auditIn(ctx, tx, AuditEvent{ActorID: actorID, UnitID: u.ID, Action: action, ObjectType: "qms_evaluation",
			ObjectID: e.ID, Detail: detail})
	})
	if err != nil {
		return fmt.Errorf("%s %d of %s: %w", action, year, u.ID, err)
	}
	return nil
}

// SaveEvaluationSummary records the unit's overall assessment of a draft evaluation.
func (db *DB) SaveEvaluationSummary(ctx context.Context, u unit.Unit, year int, summary, actorID string) error {
	summary = qms.NormalizeSummary(summary)
	if err := qms.CheckSummary(summary); err != nil {
		return err
	}
	return db.evaluationStep(ctx, u, year, actorID, "qms.evaluation_summary", func(tx *sql.Tx, e EvaluationRow, _ time.Time) (string, error) {
		_, err := tx.ExecContext(ctx, `UPDATE qms_evaluations SET summary = $2 WHERE id = $1`, e.ID, summary)
		return truncate(summary, 200), err
	})
}

// AddProposal adds a recommendation or proposal to a draft evaluation.
func (db *DB) AddProposal(ctx context.Context, u unit.Unit, year int, p *qms.Proposal, actorID string) error {
	p.Normalize()
	if err := p.Validate(); err != nil {
		return err
	}
	return db.evaluationStep(ctx, u, year, actorID, "qms.evaluation_proposal", func(tx *sql.Tx, e EvaluationRow, now time.Time) (string, error) {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(seq), 0) + 1 FROM qms_evaluation_proposals
			WHERE evaluation_id = $1`, e.ID).Scan(&n, &p.Seq); err != nil {
			return "", fmt.Errorf("next proposal: %w", err)
		}
		if n >= qms.MaxProposals {
			return "", failure.InvalidField("text", "qms.proposals_too_many", qms.MaxProposals)
		}
		p.ID, p.CreatedBy, p.CreatedAt = NewID(), actorID, now
		if _, err := tx.ExecContext(ctx, `INSERT INTO qms_evaluation_proposals (id, evaluation_id, seq, kind, text, created_by,
			created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`, p.ID, e.ID, p.Seq, string(p.Kind), p.Text, nullString(actorID),
			now); err != nil {
			return "", fmt.Errorf("insert proposal: %w", err)
		}
		return fmt.Sprintf("%d %s: %s", p.Seq, p.Kind, p.Text), nil
	})
}

// DeleteProposal removes a proposal from a draft evaluation.
func (db *DB) DeleteProposal(ctx context.Context, u unit.Unit, year int, proposalID, actorID string) error {
	return db.evaluationStep(ctx, u, year, actorID, "qms.evaluation_proposal_delete", func(tx *sql.Tx, e EvaluationRow, _ time.Time) (string, error) {
		var text string
		err := tx.QueryRowContext(ctx, `SELECT text FROM qms_evaluation_proposals WHERE id = $1 AND evaluation_id = $2`,
			proposalID, e.ID).Scan(&text)
		if errors.Is(err, sql.ErrNoRows) {
			return "", failure.New(failure.NotFound, "", "qms.proposal_not_found")
		}
		if err != nil {
			return "", fmt.Errorf("proposal: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM qms_evaluation_proposals WHERE id = $1`, proposalID); err != nil {
			return "", fmt.Errorf("delete proposal: %w", err)
		}
		return text, nil
	})
}

// FinalizeEvaluation gathers a draft evaluation's figures once more and keeps them, with
// the assessment and the proposals, as the evaluation's sealed snapshot; it no longer
// changes.
func (db *DB) FinalizeEvaluation(ctx context.Context, u unit.Unit, year int, actorID string) (EvaluationRow, error) {
	f, err := db.GatherEvaluation(ctx, u, year)
	if err != nil {
		return EvaluationRow{}, err
	}
	err = db.evaluationStep(ctx, u, year, actorID, "qms.evaluation_finalize", func(tx *sql.Tx, e EvaluationRow, now time.Time) (string, error) {
		props, err := db.proposals(ctx, tx, e.ID)
		if err != nil {
			return "", err
		}
		f.Summary, f.Proposals = e.Summary, props
		if f.Proposals == nil {
			f.Proposals = []qms.Proposal{}
		}
		snapshot, hash, err := qms.Seal(f)
		if err != nil {
			return "", err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE qms_evaluations SET status = $2, snapshot = $3, hash = $4, finalized_by = $5,
			finalized_at = $6 WHERE id = $1`, e.ID, string(qms.EvalFinal), string(snapshot), hash, nullString(actorID),
			now); err != nil {
			return "", fmt.Errorf("finalize evaluation: %w", err)
		}
		return "SHA-256 " + hash, nil
	})
	if err != nil {
		return EvaluationRow{}, err
	}
	return db.Evaluation(ctx, u.ID, year)
}

// EvaluationFiguresOf returns what an evaluation reports: its snapshot when final, the
// figures gathered now with its current assessment and proposals otherwise.
func (db *DB) EvaluationFiguresOf(ctx context.Context, u unit.Unit, e EvaluationRow) (qms.EvaluationFigures, error) {
	if e.Status == qms.EvalFinal && e.Snapshot != nil {
		return *e.Snapshot, nil
	}
	f, err := db.GatherEvaluation(ctx, u, e.Year)
	if err != nil {
		return f, err
	}
	f.Summary, f.Proposals = e.Summary, e.Proposals
	return f, nil
}

// GatherEvaluation gathers the figures of a unit's evaluation of a year from the data: the
// dossiers received in the period and their outcome, the ratings, the IT indicators of the
// year, the objectives' months, the internal audits planned in the year, the
// nonconformities raised in it by source and status, the management reviews held, the
// declaration in force on the last day and the expired procedures still published that day,
// and the dossiers reminded for stale progress. Dossiers, ratings, audits and
// nonconformities cover the unit and every unit below it.
func (db *DB) GatherEvaluation(ctx context.Context, u unit.Unit, year int) (qms.EvaluationFigures, error) {
	from, to, err := qms.EvaluationPeriod(year, u, db.vnToday())
	if err != nil {
		return qms.EvaluationFigures{}, err
	}
	under := []string{u.Path}
	f := qms.EvaluationFigures{UnitID: u.ID, UnitName: u.Name, Year: year, From: qms.Day{Date: from}, To: qms.Day{Date: to},
		GatheredAt: db.Now()}
	in, err := db.GatherReviewInputs(ctx, u, from, to, to, "")
	if err != nil {
		return f, err
	}
	f.Dossiers, f.Satisfy, f.Objectives, f.Audits = in.Performance, in.Satisfaction, in.Objectives, in.Audits
	st, err := db.Stats(ctx, StatsQuery{Under: under, From: dayTime(from), To: dayTime(to)})
	if err != nil {
		return f, err
	}
	f.Online, f.Returned = st.ReceivedOnline, st.Returned
	if f.IT, err = db.ITYear(ctx, u, year, nil); err != nil {
		return f, err
	}
	stale, err := db.StalePublications(ctx, PublicationFilter{Under: under}, to)
	if err != nil {
		return f, err
	}
	f.StaleProcedures = []string{}
	for _, p := range stale {
		f.StaleProcedures = append(f.StaleProcedures, p.Code+" — "+p.Procedure.Name+" ("+p.UnitName+")")
	}
	f.Dossiers.StaleProcedure = len(stale)
	if err := db.gatherEvaluationRecords(ctx, u, &f); err != nil {
		return f, err
	}
	f.StaleUpdates, err = db.staleReminded(ctx, under, dayStart(from), dayStart(to).AddDate(0, 0, 1))
	return f, err
}

// gatherEvaluationRecords adds the QMS records of the year: audits, nonconformities,
// management reviews and the declaration.
func (db *DB) gatherEvaluationRecords(ctx context.Context, u unit.Unit, f *qms.EvaluationFigures) error {
	under, today := []string{u.Path}, db.vnToday()
	plans, err := db.AuditPlans(ctx, AuditPlanFilter{Under: under, Year: f.Year})
	if err != nil {
		return err
	}
	f.AuditPlans = []qms.AuditLine{}
	for _, p := range plans {
		f.AuditPlans = append(f.AuditPlans, qms.AuditLine{UnitName: p.UnitName, PlannedOn: qms.Day{Date: p.PlannedOn},
			Scope: p.Scope, Status: p.Status, Checked: p.Checked, NCs: p.NCs})
	}
	ncs, err := db.Nonconformities(ctx, NCFilter{Under: under, Year: f.Year})
	if err != nil {
		return err
	}
	counts := map[[2]string]int{}
	for _, n := range ncs {
		counts[[2]string{string(n.Source), string(n.Status)}]++
		if !n.Status.Final() {
			f.NCOpen++
			if n.Overdue(today) {
				f.NCOverdue++
			}
		}
	}
	f.NCs = []qms.NCCount{}
	for _, src := range qms.Sources {
		for _, st := range qms.NCStatuses {
			if n := counts[[2]string{string(src), string(st)}]; n > 0 {
				f.NCs = append(f.NCs, qms.NCCount{Source: src, Status: st, N: n})
			}
		}
	}
	reviews, err := db.Reviews(ctx, u.ID)
	if err != nil {
		return err
	}
	f.Reviews = []qms.ReviewLine{}
	for i := len(reviews) - 1; i >= 0; i-- {
		r := reviews[i]
		if !r.HeldOn.Before(f.From.Date) && !f.To.Before(r.HeldOn) {
			f.Reviews = append(f.Reviews, qms.ReviewLine{HeldOn: qms.Day{Date: r.HeldOn}, Title: r.Title, Status: r.Status})
		}
	}
	decls, err := db.Declarations(ctx, u.ID)
	if err != nil {
		return err
	}
	for _, d := range decls { // the latest first
		if f.To.Before(d.DecidedOn) {
			continue
		}
		codes, err := db.PublishedCodes(ctx, u.Path, f.To.Date)
		if err != nil {
			return err
		}
		drift := d.DriftTo(codes)
		f.Declared = qms.DeclarationLine{Declared: true, Number: d.Number, DecidedOn: qms.Day{Date: d.DecidedOn},
			Added: len(drift.Added), Removed: len(drift.Removed)}
		break
	}
	return nil
}

// staleReminded counts the dossiers of the units under the paths reminded for stale
// progress (the reminder to the official in charge) between from and to.
func (db *DB) staleReminded(ctx context.Context, under []string, from, to time.Time) (int, error) {
	var c conds
	c.under("x.path", under)
	c.add("n.kind = " + c.arg("stale"))
	c.add("n.created_at >= " + c.arg(from.UTC()))
	c.add("n.created_at < " + c.arg(to.UTC()))
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(DISTINCT n.subject_id) FROM notifications n
		JOIN units x ON x.id = n.unit_id WHERE `+strings.Join(c.where, " AND "), c.args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("stale reminders: %w", err)
	}
	return n, nil
}

// LatestEvaluationYear returns the latest year a unit has started an evaluation of (0 for
// none).
func (db *DB) LatestEvaluationYear(ctx context.Context, unitID string) (int, error) {
	var y sql.NullInt64
	if err := db.read.QueryRowContext(ctx, `SELECT MAX(year) FROM qms_evaluations WHERE unit_id = $1`, unitID).Scan(&y); err != nil {
		return 0, fmt.Errorf("latest evaluation of %s: %w", unitID, err)
	}
	return int(y.Int64), nil
}
