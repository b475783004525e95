package store

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/report"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/vn"
)

// Bulk import of complete dossiers, for demonstration data and migrations from other
// systems: a dossier's whole life is played in memory with the engine's own rules
// (NewBulkDossier mirrors Receive, NewBulkSubmission and Accept mirror Submit and the
// desk's acceptance, NewBulkRefusal mirrors RefuseIntake, BulkDossier.Act mirrors Act),
// then ImportDossiers writes many such dossiers at once with multi-row INSERTs in one
// transaction, numbering them from the agencies' daily sequences and sealing their
// histories as those calls would.

// BulkDossier is one dossier played in memory: the dossier as after its last action, its
// control slip and its history, oldest first. Until ImportDossiers writes it the dossier
// has no code and its events are not sealed (no Seq or hashes); the import fills them in.
type BulkDossier struct {
	Dossier dossier.Dossier
	Slip    []dossier.StepRecord
	Events  []dossier.Event
	newID   func(time.Time) string
}

// BulkOptions tune NewBulkDossier, NewBulkSubmission and NewBulkRefusal.
type BulkOptions struct {
	// NewID names the rows (dossier, slip rows, events) created at a time; NewID (UUIDv7
	// of the clock) when nil. The demo passes a seeded generator so that two loads give
	// the same IDs.
	NewID func(at time.Time) string
	// Secret is the look-up secret printed on the receipt; a random one when empty.
	Secret string
}

func (o BulkOptions) secret() (string, error) {
	if o.Secret != "" {
		return o.Secret, nil
	}
	return lookupSecret()
}

func (o BulkOptions) idFunc() func(time.Time) string {
	if o.NewID != nil {
		return o.NewID
	}
	return func(time.Time) string { return NewID() }
}

// NewBulkDossier receives a dossier in memory exactly as Receive does once it has found
// the agency, the version in force (the catalog's block, ApplicableVersion) and the
// workflow (WorkflowFor): it checks the request and the components, computes the
// appointment with cal (the agency's calendar, CalendarFor) and opens the first
// control-slip row and the receipt event. req.At, the receipt time, is required. The caller
// answers for the version being applicable and for actorID being a receiver there.
func NewBulkDossier(cal *calendar.Calendar, agency unit.Unit, v procedure.Version, wf procedure.Workflow,
	req IntakeRequest, actorID string, opts BulkOptions) (*BulkDossier, error) {
	at, err := bulkIntake(agency, v, &req)
	if err != nil {
		return nil, err
	}
	if len(wf.Steps) == 0 {
		return nil, failure.InvalidField("steps", "workflow.steps_required")
	}
	comps, err := checkComponents(v, req.Components)
	if err != nil {
		return nil, err
	}
	steps := withReturnStep(wf.Steps)
	due, rule, err := dossier.Appointment(cal, at, v.Limit)
	if err != nil {
		return nil, err
	}
	firstDue, err := dossier.StepDue(cal, at, steps[0])
	if err != nil {
		return nil, err
	}
	secret, err := opts.secret()
	if err != nil {
		return nil, err
	}
	newID := opts.idFunc()
	d := dossier.Dossier{
		ID: newID(at), UnitID: agency.ID, CurrentUnitID: agency.ID, Version: 1, State: dossier.Received,
		Workflow: steps, Channel: req.Channel, Regime: dossier.RegimeFor(at),
		ProcedureVersionID: v.ID, ProcedureCode: v.Code, ProcedureName: v.Name, Limit: v.Limit,
		Applicant: req.Applicant, Components: comps, FeeTotal: feeTotal(v), Payment: req.Payment, Note: req.Note,
		ReceivedAt: at, ReceivedBy: actorID, ClockStart: at, Due: due, DueRule: dossier.RuleOf(rule),
		LookupSecret: secret, IdempotencyKey: req.IdempotencyKey, LastProgressAt: at, CreatedBy: actorID,
		CreatedAt: at, UpdatedAt: at,
	}
	first := steps[0]
	b := &BulkDossier{Dossier: d, newID: newID}
	b.Slip = []dossier.StepRecord{{ID: newID(at), DossierID: d.ID, Seq: 1, StepIndex: 0, Kind: first.Kind, Role: first.Role,
		UnitID: d.UnitID, AssigneeID: actorID, StartedAt: at, Due: firstDue}}
	// The code joins this detail when ImportDossiers numbers the dossier.
	b.Events = []dossier.Event{{ID: newID(at), DossierID: d.ID, UnitID: d.UnitID, At: at, ActorID: actorID,
		Action: dossier.ActReceive, To: dossier.Received, Detail: dossier.Detail{
			"procedure": d.ProcedureCode, "due": d.Due.UTC().Format(time.RFC3339), "channel": d.Channel,
		}.Encode()}}
	return b, nil
}

// NewBulkSubmission records in memory an online submission from the portal as Submit
// does once it has the version in force: it waits as Submitted, without a code, until
// Accept receives it. req.At, the submission time, is required; it becomes the receipt
// time when the desk accepts.
func NewBulkSubmission(agency unit.Unit, v procedure.Version, req IntakeRequest, opts BulkOptions) (*BulkDossier, error) {
	req.Channel = dossier.Online
	at, err := bulkIntake(agency, v, &req)
	if err != nil {
		return nil, err
	}
	comps, err := checkComponents(v, req.Components)
	if err != nil {
		return nil, err
	}
	secret, err := opts.secret()
	if err != nil {
		return nil, err
	}
	newID := opts.idFunc()
	d := dossier.Dossier{ID: newID(at), UnitID: agency.ID, CurrentUnitID: agency.ID, Version: 1, State: dossier.Submitted,
		StepIndex: -1, Channel: dossier.Online, Regime: dossier.RegimeFor(at), ProcedureVersionID: v.ID,
		ProcedureCode: v.Code, ProcedureName: v.Name, Limit: v.Limit, Applicant: req.Applicant, Components: comps,
		FeeTotal: feeTotal(v), Payment: req.Payment, Note: req.Note, LookupSecret: secret, IdempotencyKey: req.IdempotencyKey,
		LastProgressAt: at, CreatedAt: at, UpdatedAt: at}
	b := &BulkDossier{Dossier: d, newID: newID}
	b.Events = []dossier.Event{{ID: newID(at), DossierID: d.ID, UnitID: d.UnitID, At: at, Action: dossier.ActSubmit,
		To: dossier.Submitted, Detail: dossier.Detail{"procedure": d.ProcedureCode}.Encode()}}
	return b, nil
}

// Accept receives a submission at the desk at time at, as Act does for ActReceive on a
// Submitted dossier: the receipt time and the appointment count from the submission, the
// workflow wf (WorkflowFor) is snapshot and its first step opens for actorID. The code
// of the submission day is issued by ImportDossiers.
func (b *BulkDossier) Accept(cal *calendar.Calendar, wf procedure.Workflow, at time.Time, actorID string) error {
	d := b.Dossier
	if d.State != dossier.Submitted {
		return failure.New(failure.Conflict, "action", "dossier.action_not_allowed")
	}
	if at.IsZero() || len(wf.Steps) == 0 {
		return errors.New("bulk dossier: acceptance needs a time and a workflow")
	}
	at = at.UTC().Truncate(time.Microsecond)
	if at.Before(d.LastProgressAt) {
		return failure.InvalidField("at", "dossier.time_before_last")
	}
	next := d
	next.Workflow = withReturnStep(wf.Steps)
	received := d.CreatedAt
	due, rule, err := dossier.Appointment(cal, received, d.Limit)
	if err != nil {
		return err
	}
	firstDue, err := dossier.StepDue(cal, at, next.Workflow[0])
	if err != nil {
		return err
	}
	next.State, next.StepIndex, next.ReceivedAt, next.ReceivedBy = dossier.Received, 0, received, actorID
	next.ClockStart, next.Due, next.DueRule = received, due, dossier.RuleOf(rule)
	next.LastProgressAt, next.UpdatedAt, next.Version = at, at, d.Version+1
	first := next.Workflow[0]
	b.Slip = append(b.Slip, dossier.StepRecord{ID: b.id(at), DossierID: d.ID, Seq: len(b.Slip) + 1, StepIndex: 0,
		Kind: first.Kind, Role: first.Role, UnitID: d.UnitID, AssigneeID: actorID, FromUserID: actorID, StartedAt: at, Due: firstDue})
	// The code joins this detail when ImportDossiers numbers the dossier.
	b.Events = append(b.Events, dossier.Event{ID: b.id(at), DossierID: d.ID, UnitID: next.CurrentUnitID, At: at,
		ActorID: actorID, Action: dossier.ActReceive, From: d.State, To: next.State,
		Detail: dossier.Detail{"due": due.UTC().Format(time.RFC3339)}.Encode()})
	b.Dossier = next
	return nil
}

// NewBulkRefusal records in memory a dossier the desk refuses to receive, as RefuseIntake
// does with v, the procedure's latest version: it gets no code, no appointment and no
// control slip, only its refusal event. req.At is required.
func NewBulkRefusal(agency unit.Unit, v procedure.Version, req IntakeRequest, reason, actorID string, opts BulkOptions) (*BulkDossier, error) {
	if req.At.IsZero() {
		return nil, errors.New("bulk dossier: the intake time is required")
	}
	at := req.At.UTC().Truncate(time.Microsecond)
	reason = strings.TrimSpace(vn.NFC(reason))
	errs := failure.Fields(validateIntake(&req, at))
	switch n := utf8.RuneCountInString(reason); {
	case n == 0:
		errs = append(errs, failure.InvalidField("reason", "dossier.reason_required"))
	case n > 2000:
		errs = append(errs, failure.InvalidField("reason", "dossier.note_too_long"))
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	newID := opts.idFunc()
	d := refusedDossier(v, req, reason, at, actorID)
	d.ID, d.UnitID, d.CurrentUnitID = newID(at), agency.ID, agency.ID
	b := &BulkDossier{Dossier: d, newID: newID}
	b.Events = []dossier.Event{{ID: newID(at), DossierID: d.ID, UnitID: d.UnitID, At: at, ActorID: actorID,
		Action: dossier.ActRefuse, To: dossier.Refused, Detail: dossier.Detail{"procedure": d.ProcedureCode, "reason": reason}.Encode()}}
	return b, nil
}

// id names a row created at a time.
func (b *BulkDossier) id(at time.Time) string {
	if b.newID == nil {
		b.newID = BulkOptions{}.idFunc()
	}
	return b.newID(at)
}

// bulkIntake checks what Receive checks before the catalog's block: an agency with an
// electronic identifier, active on the day, and a valid request for this version. It
// returns the intake time in UTC at the databases' precision.
func bulkIntake(agency unit.Unit, v procedure.Version, req *IntakeRequest) (time.Time, error) {
	if req.At.IsZero() {
		return time.Time{}, errors.New("bulk dossier: the intake time is required")
	}
	at := req.At.UTC().Truncate(time.Microsecond)
	switch {
	case req.UnitID != "" && req.UnitID != agency.ID:
		return time.Time{}, fmt.Errorf("bulk dossier: request for unit %s given agency %s", req.UnitID, agency.ID)
	case agency.AgencyCode == "":
		return time.Time{}, failure.InvalidField("unit_id", "dossier.agency_code_missing")
	case !agency.ActiveOn(unit.DateOf(at.In(calendar.Location()))):
		return time.Time{}, failure.InvalidField("unit_id", "dossier.unit_not_active")
	}
	if req.ProcedureCode == "" {
		req.ProcedureCode = v.Code
	}
	if err := validateIntake(req, at); err != nil {
		return time.Time{}, err
	}
	if req.ProcedureCode != v.Code || v.ID == "" {
		return time.Time{}, fmt.Errorf("bulk dossier: procedure %s given version %s of %s", req.ProcedureCode, v.ID, v.Code)
	}
	if !v.InForceOn(unit.DateOf(at.In(calendar.Location()))) {
		return time.Time{}, procedure.RefusalError(procedure.RefusedNotYetEffective, v.Code, v.EffectiveFrom.Display())
	}
	return at, nil
}

func feeTotal(v procedure.Version) int64 {
	var fee int64
	for _, f := range v.Fees {
		fee += f.Amount
	}
	return fee
}

// Act applies one action in memory as DB.Act does: the action must be allowed in the
// dossier's state (dossier.Transitions), dossier.Apply computes its effect with cal (the
// receiving agency's calendar), and the change is recorded the way Act writes it: a new
// version, the closed and opened control-slip rows, one history event. cmd.At is
// required; cmd.Version is not checked. The caller answers for actorID holding the role
// the transition needs (dossier.Permit).
func (b *BulkDossier) Act(cal *calendar.Calendar, cmd dossier.Command, actorID string) error {
	if cmd.At.IsZero() {
		return errors.New("bulk dossier: the action's time is required")
	}
	at := cmd.At.UTC().Truncate(time.Microsecond)
	old := b.Dossier
	if _, ok := dossier.TransitionFor(old.State, cmd.Action); !ok {
		return failure.New(failure.Conflict, "action", "dossier.action_not_allowed")
	}
	c, err := dossier.Apply(cal, old, b.Slip, cmd, at, actorID)
	if err != nil {
		return err
	}
	b.Events = append(b.Events, dossier.Event{ID: b.id(at), DossierID: old.ID, UnitID: c.Dossier.CurrentUnitID, At: at,
		ActorID: actorID, Action: cmd.Action, From: old.State, To: c.Dossier.State, Detail: c.Detail.Encode()})
	c.Dossier.Version = old.Version + 1
	b.Dossier = c.Dossier
	// The slip as writeSlip leaves it.
	for i := range b.Slip {
		s := &b.Slip[i]
		if !s.Open() {
			continue
		}
		if c.Assign {
			s.AssigneeID = cmd.AssigneeID
		}
		if c.Close {
			s.FinishedAt, s.FinishedBy, s.Outcome, s.Timeliness = at, actorID, cmd.Action, c.Timeliness
			s.Note = firstNonEmpty(cmd.Note, cmd.Reason)
		}
	}
	if c.Open != nil {
		row := *c.Open
		row.ID, row.DossierID, row.Seq = b.id(at), old.ID, len(b.Slip)+1
		b.Slip = append(b.Slip, row)
	}
	return nil
}

// bulkSQL is how the bulk path writes multi-row statements on this database: at most
// maxParams parameters each, written $1, $2, ... or, on SQLite, as positional "?". SQLite
// resolves numbered parameters by a linear scan of their names, while parsing and again
// while binding, so a statement's cost grows with the square of its $N parameters: with
// positional ones the import runs about twice as fast (BenchmarkImportDossiers). This is
// the bulk path's one dialect difference; the statements are otherwise the same.
type bulkSQL struct {
	maxParams  int
	positional bool
}

func (db *DB) bulkSQL() bulkSQL {
	if db.dialect == SQLite {
		return bulkSQL{maxParams: 2000, positional: true}
	}
	return bulkSQL{maxParams: 20_000}
}

// ImportDossiers writes complete dossiers (from NewBulkDossier, NewBulkSubmission or
// NewBulkRefusal and their actions) in one transaction with multi-row INSERTs. It numbers
// the received ones from their agencies' daily sequences (in the order of their receipt
// times within each agency and day, continuing after numbers already issued, with no
// gap), writes each code into the receipt event, seals every history chain, adds the
// dossiers to the report rollups and marks the versions used as frozen. The
// dossier_sequences rows stay consistent with Receive, so VerifyHistory passes and a
// later Receive on the same agency and day takes the next number. On success
// the batch's dossiers carry their codes, versions and history heads, and their events
// are sealed; on failure nothing is written and the batch is unchanged.
func (db *DB) ImportDossiers(ctx context.Context, batch []*BulkDossier) error {
	if len(batch) == 0 {
		return nil
	}
	units := map[string]string{} // unit ID → agency code
	for i, b := range batch {
		if err := checkBulk(b); err != nil {
			return fmt.Errorf("import dossiers: item %d: %w", i, err)
		}
		units[b.Dossier.UnitID] = ""
	}
	if err := db.agencyCodes(ctx, units); err != nil {
		return err
	}
	var out []sealed
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if out, err = numberAndSeal(ctx, tx, batch, units, db.bulkSQL()); err != nil {
			return err
		}
		return writeBulk(ctx, tx, out, db.bulkSQL())
	})
	if err != nil {
		return fmt.Errorf("import dossiers: %w", err)
	}
	for i, b := range batch {
		b.Dossier, b.Slip, b.Events = out[i].d, out[i].slip, out[i].events
	}
	return nil
}

// sealed is one dossier of a batch ready to be written: copies, so a failed import leaves
// the batch as it was.
type sealed struct {
	d      dossier.Dossier
	slip   []dossier.StepRecord
	events []dossier.Event
}

func checkBulk(b *BulkDossier) error {
	if b == nil {
		return errors.New("nil dossier")
	}
	d := b.Dossier
	switch {
	case d.ID == "" || d.UnitID == "":
		return errors.New("dossier without an ID or agency")
	case d.Code != "":
		return fmt.Errorf("dossier %s already has code %s (codes are issued by the import)", d.ID, d.Code)
	case len(b.Events) == 0:
		return fmt.Errorf("dossier %s has no history", d.ID)
	}
	switch b.Events[0].Action {
	case dossier.ActReceive, dossier.ActSubmit, dossier.ActRefuse:
	default:
		return fmt.Errorf("dossier %s: its history must open with its receipt, submission or refusal", d.ID)
	}
	if !d.ReceivedAt.IsZero() && receiptEvent(b.Events) < 0 {
		return fmt.Errorf("dossier %s is received but its history has no receipt", d.ID)
	}
	for i, e := range b.Events {
		if i > 0 && e.At.Before(b.Events[i-1].At) {
			return fmt.Errorf("dossier %s: event %d is older than the one before", d.ID, i+1)
		}
		if e.DossierID != d.ID {
			return fmt.Errorf("dossier %s: event %d belongs to %s", d.ID, i+1, e.DossierID)
		}
	}
	for i, s := range b.Slip {
		if s.DossierID != d.ID || s.Seq != i+1 {
			return fmt.Errorf("dossier %s: control-slip row %d is not its row %d", d.ID, s.Seq, i+1)
		}
	}
	return nil
}

// agencyCodes fills in the electronic identifiers of the agencies (keys of codes).
func (db *DB) agencyCodes(ctx context.Context, codes map[string]string) error {
	ids := make([]any, 0, len(codes))
	for id := range codes {
		ids = append(ids, id)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, COALESCE(agency_code, '') FROM units WHERE id IN (`+
		placeholders(1, len(ids))+`)`, ids...)
	if err != nil {
		return fmt.Errorf("import dossiers: agencies: %w", err)
	}
	defer rows.Close()
	found := 0
	for rows.Next() {
		var id, code string
		if err := rows.Scan(&id, &code); err != nil {
			return fmt.Errorf("import dossiers: agencies: %w", err)
		}
		codes[id] = code
		found++
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("import dossiers: agencies: %w", err)
	}
	for id, code := range codes {
		if code == "" {
			return fmt.Errorf("import dossiers: unit %s: %w", id, failure.InvalidField("unit_id", "dossier.agency_code_missing"))
		}
	}
	return nil
}

// numberAndSeal takes the numbers of every agency and day in one multi-row upsert of
// dossier_sequences, then gives each received dossier its code and seals every chain.
func numberAndSeal(ctx context.Context, tx *sql.Tx, batch []*BulkDossier, agencies map[string]string, q bulkSQL) ([]sealed, error) {
	type key struct{ agency, day string }
	groups := map[key][]int{}
	var keys []key
	for i, b := range batch {
		if b.Dossier.ReceivedAt.IsZero() {
			continue // refused or withdrawn before receipt, or still waiting online: no code
		}
		k := key{agencies[b.Dossier.UnitID], dossier.SequenceDay(b.Dossier.ReceivedAt)}
		if groups[k] == nil {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], i)
	}
	last := map[key]int{}
	per := max(1, q.maxParams/3)
	for start := 0; start < len(keys); start += per {
		chunk := keys[start:min(start+per, len(keys))]
		args := make([]any, 0, 3*len(chunk))
		for _, k := range chunk {
			args = append(args, k.agency, k.day, len(groups[k]))
		}
		rows, err := tx.QueryContext(ctx, `INSERT INTO dossier_sequences (agency_code, day, last) VALUES `+
			q.values(len(chunk), 3)+` ON CONFLICT (agency_code, day) DO UPDATE
			SET last = dossier_sequences.last + excluded.last RETURNING agency_code, day, last`, args...)
		if err != nil {
			return nil, fmt.Errorf("take dossier numbers: %w", err)
		}
		for rows.Next() {
			var k key
			var n int
			if err := rows.Scan(&k.agency, &k.day, &n); err != nil {
				rows.Close()
				return nil, fmt.Errorf("take dossier numbers: %w", err)
			}
			last[k] = n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("take dossier numbers: %w", err)
		}
	}
	out := make([]sealed, len(batch))
	for i, b := range batch {
		out[i] = sealed{d: b.Dossier, slip: slices.Clone(b.Slip), events: slices.Clone(b.Events)}
	}
	for _, k := range keys {
		idx := groups[k]
		slices.SortStableFunc(idx, func(a, b int) int { return batch[a].Dossier.ReceivedAt.Compare(batch[b].Dossier.ReceivedAt) })
		first := last[k] - len(idx) + 1
		if _, ok := last[k]; !ok || first < 1 {
			return nil, fmt.Errorf("take dossier numbers of %s on %s: got %d for %d dossiers", k.agency, k.day, last[k], len(idx))
		}
		for j, i := range idx {
			code, err := dossier.NewCode(k.agency, out[i].d.ReceivedAt, first+j)
			if err != nil {
				return nil, err
			}
			out[i].d.Code = code.String()
			r := receiptEvent(out[i].events)
			detail, err := withCode(out[i].events[r].Detail, out[i].d.Code)
			if err != nil {
				return nil, fmt.Errorf("dossier %s receipt: %w", out[i].d.ID, err)
			}
			out[i].events[r].Detail = detail
		}
	}
	for i := range out {
		prev := dossier.Event{}
		for j := range out[i].events {
			e := &out[i].events[j]
			if e.ID == "" {
				e.ID = NewID()
			}
			e.Seal(prev)
			prev = *e
		}
		out[i].d.Version, out[i].d.HistoryHash = len(out[i].events), prev.Hash
	}
	return out, nil
}

// receiptEvent is the index of the event that received the dossier (-1: none).
func receiptEvent(events []dossier.Event) int {
	return slices.IndexFunc(events, func(e dossier.Event) bool { return e.Action == dossier.ActReceive })
}

// withCode adds the dossier's code to the receipt event's detail, as Receive writes it.
func withCode(detail, code string) (string, error) {
	d := dossier.Detail{}
	dec := json.NewDecoder(bytes.NewReader([]byte(cmp.Or(detail, "{}"))))
	dec.UseNumber()
	if err := dec.Decode(&d); err != nil {
		return "", err
	}
	d["code"] = code
	return d.Encode(), nil
}

// writeBulk inserts the dossiers, their slips and events, and freezes the versions used.
func writeBulk(ctx context.Context, tx *sql.Tx, out []sealed, q bulkSQL) error {
	var dossiers, steps, events [][]any
	versions := map[string]bool{}
	for _, s := range out {
		d := s.d
		versions[d.ProcedureVersionID] = true
		dossiers = append(dossiers, dossierRow(d))
		for _, r := range s.slip {
			steps = append(steps, stepRow(r))
		}
		for _, e := range s.events {
			events = append(events, eventRow(e))
		}
	}
	for _, t := range []struct {
		table, columns string
		rows           [][]any
	}{
		{"dossiers", dossierInsertColumns, dossiers},
		{"dossier_steps", stepInsertColumns, steps},
		{"dossier_events", eventInsertColumns, events},
	} {
		if err := q.insert(ctx, tx, t.table, t.columns, t.rows); err != nil {
			return err
		}
	}
	// The report rollups, as every Receive and Act keeps them: a new dossier adds its
	// whole contribution.
	var deltas []report.Delta
	for _, s := range out {
		deltas = append(deltas, report.Contribution(s.d)...)
	}
	if err := insertRollupRows(ctx, tx, groupDeltas(deltas), q); err != nil {
		return err
	}
	ids := make([]any, 0, len(versions)+1)
	ids = append(ids, true)
	for id := range versions {
		ids = append(ids, id)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE procedure_versions SET frozen = $1 WHERE id IN (`+
		placeholders(2, len(ids)-1)+`)`, ids...); err != nil {
		return fmt.Errorf("freeze procedure versions: %w", err)
	}
	return nil
}

// insert writes rows into table with multi-row INSERTs of at most q.maxParams
// parameters each (at least one row).
func (q bulkSQL) insert(ctx context.Context, tx *sql.Tx, table, columns string, rows [][]any) error {
	return q.exec(ctx, tx, rows, func(n, width int) string {
		return `INSERT INTO ` + table + ` (` + columns + `) VALUES ` + q.values(n, width)
	})
}

// exec runs statement(n, width) over rows in chunks of n rows, n as large as
// q.maxParams allows. The full-size statement is prepared once and reused, as parsing a
// statement of thousands of parameters costs about as much as running it.
func (q bulkSQL) exec(ctx context.Context, tx *sql.Tx, rows [][]any, statement func(n, width int) string) error {
	if len(rows) == 0 {
		return nil
	}
	width := len(rows[0])
	per := max(1, q.maxParams/width)
	var full *sql.Stmt
	if len(rows) >= 2*per {
		var err error
		if full, err = tx.PrepareContext(ctx, statement(per, width)); err != nil {
			return fmt.Errorf("prepare %d-row statement: %w", per, err)
		}
		defer full.Close()
	}
	args := make([]any, 0, per*width)
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		args = args[:0]
		for _, r := range chunk {
			args = append(args, r...)
		}
		var err error
		if full != nil && len(chunk) == per {
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, statement(len(chunk), width), args...)
		}
		if err != nil {
			return fmt.Errorf("write %d rows (%.60s…): %w", len(chunk), statement(1, width), err)
		}
	}
	return nil
}

// values returns "($1, $2), ($3, $4)" (or "(?, ?), (?, ?)") for n rows of width
// parameters.
func (q bulkSQL) values(n, width int) string {
	var b strings.Builder
	b.Grow(n * width * 6)
	p := 1
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for j := range width {
			if j > 0 {
				b.WriteString(", ")
			}
			if q.positional {
				b.WriteByte('?')
			} else {
				b.WriteByte('$')
				b.WriteString(strconv.Itoa(p))
			}
			p++
		}
		b.WriteByte(')')
	}
	return b.String()
}
