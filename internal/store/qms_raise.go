package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/qms"
	"github.com/motcua/motcua/internal/unit"
)

// The automatic raising of nonconformities from the data (issue 8, part 3).
//
// Each piece of evidence belongs to the QMS of the nearest administrative unit (not an
// agency) at or above the unit it happened in: a dossier received by "UBND xã Vân Lĩnh"
// belongs to Xã Vân Lĩnh's QMS. For each such unit, cause and month there is one record
// (its auto_key), with one evidence row per dossier, refusal, publication, rating or
// objective. Record and evidence IDs derive from their keys (UUIDv5), and every insert
// does nothing when the row exists, so running the raising twice, or two servers running
// it at once, adds nothing the second time; a dismissed or closed record is never
// reopened, only given the new evidence.

// RaiseResult says what a run of the automatic raising did.
type RaiseResult struct {
	Months   int // months examined
	Raised   int // new records
	Evidence int // new evidence rows (on new or existing records)
}

// refusalsRaised are the intake refusals that are nonconformities: attempts to receive
// under a procedure not in force or not applied by the unit (an unknown code is a typing
// slip, not a nonconformity).
var refusalsRaised = []procedure.Refusal{procedure.RefusedNotYetEffective, procedure.RefusedExpired,
	procedure.RefusedAbolished, procedure.RefusedReplaced, procedure.RefusedNotApplied}

// ncNamespace roots the IDs of automatic records and their evidence.
var ncNamespace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://motcua.vn/qms/nonconformity"))

// ncGroup is the evidence of one cause in one unit and month.
type ncGroup struct {
	unitID string
	source qms.Source
	month  qms.Month
	items  []qms.Evidence
}

// RaiseAutomaticNonconformities examines the months of period p for the units under
// unitID (every unit when empty) and records one nonconformity per unit, cause and month
// found: dossiers resolved late, intake attempts under procedures not in force or not
// applied, procedures still published after their expiry (on the month's last day, or
// today), low ratings, and missed objectives measured from the data. It is cheap and
// idempotent, meant to be run by the scheduler for the month just ended (and during a
// month for the month so far), and when a unit's QMS page is opened (RaiseIfDue).
func (db *DB) RaiseAutomaticNonconformities(ctx context.Context, unitID string, p qms.Period) (RaiseResult, error) {
	var res RaiseResult
	scope, err := db.raiseScope(ctx, unitID)
	if err != nil {
		return res, err
	}
	today := db.vnToday()
	for _, m := range p.Months() {
		if today.Before(m.FirstDay()) {
			break
		}
		groups, err := db.evidenceOf(ctx, scope, m, today)
		if err != nil {
			return res, fmt.Errorf("raise for %s: %w", m, err)
		}
		err = db.inTx(ctx, func(tx *sql.Tx) error {
			for _, g := range groups {
				_, added, fresh, err := db.raiseGroup(ctx, tx, g, "")
				if err != nil {
					return err
				}
				res.Evidence += added
				if fresh {
					res.Raised++
				}
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO qms_raise_runs (scope, month, ran_at, raised) VALUES ($1, $2, $3, $4)
				ON CONFLICT (scope, month) DO UPDATE SET ran_at = $3, raised = $4`, scope.key, m.String(), db.Now(), len(groups))
			return err
		})
		if err != nil {
			return res, fmt.Errorf("raise for %s: %w", m, err)
		}
		res.Months++
	}
	return res, nil
}

// RaiseIfDue runs the automatic raising for a unit when its QMS page is opened: for the
// month just ended unless a run (for the unit, a unit above it, or everything) finished
// after that month ended, and for the month so far unless one ran today.
func (db *DB) RaiseIfDue(ctx context.Context, u unit.Unit) error {
	now := db.Now()
	this := qms.MonthOf(now)
	scopes := append(strings.Split(strings.Trim(u.Path, "/"), "/"), "*")
	todayStart := unit.DateOf(now.In(calendar.Location()))
	for _, m := range []qms.Month{this.Prev(), this} {
		since := m.End()
		if m == this {
			since = dayStart(todayStart)
		}
		var c conds
		ph := make([]string, len(scopes))
		for i, s := range scopes {
			ph[i] = c.arg(s)
		}
		var n int
		if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM qms_raise_runs WHERE scope IN (`+strings.Join(ph, ", ")+
			`) AND month = `+c.arg(m.String())+` AND ran_at >= `+c.arg(since.UTC()), c.args...).Scan(&n); err != nil {
			return fmt.Errorf("raise runs: %w", err)
		}
		if n > 0 {
			continue
		}
		if _, err := db.RaiseAutomaticNonconformities(ctx, u.ID, qms.MonthPeriod(m)); err != nil {
			return err
		}
	}
	return nil
}

// dayStart is midnight of a day in Vietnam.
func dayStart(d unit.Date) time.Time {
	t, _ := time.ParseInLocation(unit.DateLayout, d.String(), calendar.Location())
	return t
}

// raiseScope is the units a run covers and the owner of each: the nearest administrative
// unit at or above it.
type raiseScopeT struct {
	key   string   // the run's scope: the unit's ID, or "*"
	under []string // its path, or nothing for every unit
	owner map[string]string
	path  map[string]string // of the owners
}

func (db *DB) raiseScope(ctx context.Context, unitID string) (raiseScopeT, error) {
	s := raiseScopeT{key: "*", owner: map[string]string{}, path: map[string]string{}}
	var c conds
	if unitID != "" {
		var path string
		if err := db.read.QueryRowContext(ctx, `SELECT path FROM units WHERE id = $1`, unitID).Scan(&path); err != nil {
			return s, fmt.Errorf("unit %s: %w", unitID, err)
		}
		s.key, s.under = unitID, []string{path}
		// The unit's subtree and its ancestors (whose kinds decide the owners).
		ids := strings.Split(strings.Trim(path, "/"), "/")
		ph := make([]string, len(ids))
		for i, id := range ids {
			ph[i] = c.arg(id)
		}
		c.add("(" + c.anyUnder("path", s.under) + " OR id IN (" + strings.Join(ph, ", ") + "))")
	}
	type row struct{ id, kind, path string }
	rows, err := queryAll(ctx, db.read, "units", func(r interface{ Scan(...any) error }) (row, error) {
		var x row
		return x, r.Scan(&x.id, &x.kind, &x.path)
	}, finishQuery(`SELECT id, kind, path FROM units`, c.where, "path", 0), c.args...)
	if err != nil {
		return s, err
	}
	kind, path := map[string]unit.Kind{}, map[string]string{}
	for _, x := range rows {
		kind[x.id], path[x.id] = unit.Kind(x.kind), x.path
	}
	for _, x := range rows {
		ids := strings.Split(strings.Trim(x.path, "/"), "/")
		for i := len(ids) - 1; i >= 0; i-- {
			if k, ok := kind[ids[i]]; ok && !k.IsAgency() {
				s.owner[x.id], s.path[ids[i]] = ids[i], path[ids[i]]
				break
			}
		}
	}
	return s, nil
}

// evidenceOf gathers the month's evidence of every cause in the scope, grouped by owner.
func (db *DB) evidenceOf(ctx context.Context, s raiseScopeT, m qms.Month, today unit.Date) ([]ncGroup, error) {
	groups := map[string]*ncGroup{}
	add := func(unitID string, src qms.Source, e qms.Evidence) {
		owner, ok := s.owner[unitID]
		if !ok {
			return
		}
		k := qms.AutoKey(owner, src, m)
		g := groups[k]
		if g == nil {
			g = &ncGroup{unitID: owner, source: src, month: m}
			groups[k] = g
		}
		g.items = append(g.items, e)
	}
	from, to := m.Start().UTC(), m.End().UTC()

	// Dossiers resolved late in the month, by their receiving agency ('late' written
	// literally: both databases then read the partial index of late dossiers).
	var c conds
	c.under("u.path", s.under)
	c.add("d.timeliness = 'late'")
	c.add("d.resolved_at >= " + c.arg(from))
	c.add("d.resolved_at < " + c.arg(to))
	type hit struct {
		unitID, ref, label string
		at                 time.Time
	}
	scanHit := func(r interface{ Scan(...any) error }) (hit, error) {
		var h hit
		return h, r.Scan(&h.unitID, &h.ref, &h.label, &h.at)
	}
	late, err := queryAll(ctx, db.read, "late dossiers", scanHit, `SELECT d.unit_id, d.id, COALESCE(d.code, ''), d.resolved_at
		FROM dossiers d JOIN units u ON u.id = d.unit_id WHERE `+strings.Join(c.where, " AND "), c.args...)
	if err != nil {
		return nil, err
	}
	for _, h := range late {
		add(h.unitID, qms.SourceLate, qms.Evidence{Kind: qms.EvidenceDossier, RefID: h.ref, Label: h.label, At: h.at})
	}

	// Intake attempts refused because the procedure was not in force or not applied.
	c = conds{}
	c.under("u.path", s.under)
	c.add("r.at >= " + c.arg(from))
	c.add("r.at < " + c.arg(to))
	var reasons []string
	for _, rr := range refusalsRaised {
		reasons = append(reasons, c.arg(string(rr)))
	}
	c.add("r.reason IN (" + strings.Join(reasons, ", ") + ")")
	refused, err := queryAll(ctx, db.read, "refused intakes", scanHit, `SELECT r.unit_id, r.id, r.code || ': ' || r.reason, r.at
		FROM procedure_refusals r JOIN units u ON u.id = r.unit_id WHERE `+strings.Join(c.where, " AND "), c.args...)
	if err != nil {
		return nil, err
	}
	for _, h := range refused {
		add(h.unitID, qms.SourceIntake, qms.Evidence{Kind: qms.EvidenceRefusal, RefID: h.ref, Label: h.label, At: h.at})
	}

	// Procedures still published on the month's last day (or today) though not in force.
	on := m.LastDay()
	if !m.Over(today) {
		on = today
	}
	stale, err := db.StalePublications(ctx, PublicationFilter{Under: s.under}, on)
	if err != nil {
		return nil, err
	}
	for _, p := range stale {
		add(p.UnitID, qms.SourceStale, qms.Evidence{Kind: qms.EvidencePublication, RefID: p.Code,
			Label: p.Code + " — " + p.Procedure.Name, At: dayStart(on)})
	}

	// Low ratings given in the month.
	low, err := db.LowRatings(ctx, s.under, from, 0)
	if err != nil {
		return nil, err
	}
	for _, r := range low {
		if !r.RatedAt.Before(to) {
			continue
		}
		label := r.Code
		if r.Comment != "" {
			label += ": " + truncate(r.Comment, 200)
		}
		add(r.UnitID, qms.SourceRating, qms.Evidence{Kind: qms.EvidenceRating, RefID: r.DossierID, Label: label, At: r.RatedAt})
	}

	// Objectives measured from the data and missed in a month that is over.
	if m.Over(today) {
		if err := db.missedObjectives(ctx, s, m, today, func(o ObjectiveRow, r qms.Result) {
			add(o.UnitID, qms.SourceObjective, objectiveEvidence(o.Objective, r))
		}); err != nil {
			return nil, err
		}
	}

	out := make([]ncGroup, 0, len(groups))
	for _, g := range groups {
		out = append(out, *g)
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].unitID+string(out[i].source) < out[j].unitID+string(out[j].source)
	})
	return out, nil
}

// missedObjectives calls found for each objective of the scope's units, measured from the
// data, that missed its target in month m.
func (db *DB) missedObjectives(ctx context.Context, s raiseScopeT, m qms.Month, today unit.Date, found func(ObjectiveRow, qms.Result)) error {
	var c conds
	c.under("u.path", s.under)
	c.add("o.year = " + c.arg(m.Year))
	c.add("o.measure <> " + c.arg(string(qms.Manual)))
	list, err := queryAll(ctx, db.read, "objectives", scanObjective, finishQuery(`SELECT `+objectiveColumns+
		` FROM qms_objectives o JOIN units u ON u.id = o.unit_id`, c.where, "u.path, o.created_at, o.id", 0), c.args...)
	if err != nil {
		return err
	}
	for _, o := range list {
		r, err := db.measure(ctx, o, m, today)
		if err != nil {
			return err
		}
		r.Over = true
		if r = o.Judge(r); r.Missed {
			found(o, r)
		}
	}
	return nil
}

// raiseGroup makes sure the group's record exists and holds its evidence. It returns the
// record, how many evidence rows were added and whether the record is new.
func (db *DB) raiseGroup(ctx context.Context, tx *sql.Tx, g ncGroup, actorID string) (NCRow, int, bool, error) {
	key := qms.AutoKey(g.unitID, g.source, g.month)
	id := uuid.NewSHA1(ncNamespace, []byte(key)).String()
	now := db.Now()
	res, err := tx.ExecContext(ctx, `INSERT INTO qms_nonconformities (id, unit_id, source, month, auto_key, title, description,
		evidence_count, status, raised_by, raised_at, correction, root_cause, action, action_done_note, verification,
		effective, dismiss_reason, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, '', '', 0, $6, $7, $8, '', '', '', '', '', $9, '', $8, $8) ON CONFLICT DO NOTHING`,
		id, g.unitID, string(g.source), g.month.String(), key, string(qms.NCOpen), nullString(actorID), now, false)
	if err != nil {
		return NCRow{}, 0, false, fmt.Errorf("insert nonconformity: %w", err)
	}
	n, _ := res.RowsAffected()
	fresh := n > 0
	if err := tx.QueryRowContext(ctx, `SELECT id FROM qms_nonconformities WHERE auto_key = $1`, key).Scan(&id); err != nil {
		return NCRow{}, 0, false, fmt.Errorf("nonconformity %s: %w", key, err)
	}
	added := 0
	var labels []string
	for _, e := range g.items {
		eid := uuid.NewSHA1(ncNamespace, []byte(id+"|"+string(e.Kind)+"|"+e.RefID)).String()
		r, err := tx.ExecContext(ctx, `INSERT INTO qms_nc_evidence (id, nc_id, unit_id, kind, ref_id, label, at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`, eid, id, g.unitID, string(e.Kind), e.RefID,
			e.Label, nullTime(e.At))
		if err != nil {
			return NCRow{}, 0, false, fmt.Errorf("insert evidence: %w", err)
		}
		if k, _ := r.RowsAffected(); k > 0 {
			added++
			labels = append(labels, e.Label)
		}
	}
	if added > 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE qms_nonconformities SET evidence_count = (SELECT COUNT(*) FROM qms_nc_evidence
			WHERE nc_id = $1), updated_at = $2 WHERE id = $1`, id, now); err != nil {
			return NCRow{}, 0, false, fmt.Errorf("count evidence: %w", err)
		}
		action := "qms.nc_evidence"
		if fresh {
			action = "qms.nc_raise_auto"
		}
		if err := db.auditIn(ctx, tx, AuditEvent{ActorID: actorID, UnitID: g.unitID, Action: action,
			ObjectType: "qms_nonconformity", ObjectID: id,
			Detail: fmt.Sprintf("%s %s: +%d\n%s", g.source, g.month, added, truncate(strings.Join(labels, "\n"), 2000))}); err != nil {
			return NCRow{}, 0, false, err
		}
	}
	row, err := nonconformity(ctx, tx, id)
	return row, added, fresh, err
}

// truncate keeps at most n runes of s.
func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
