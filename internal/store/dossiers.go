package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/vn"
)

// IntakeRequest is what the desk (or the API) sends to receive a dossier.
type IntakeRequest struct {
	UnitID        string // the receiving agency (it must carry an electronic identifier)
	ProcedureCode string
	Channel       dossier.Channel
	Applicant     dossier.Applicant
	// Components lists the procedure's papers as taken in; every required one must be
	// received (an incomplete dossier is not received: DOMAIN.md rule 3).
	Components     []dossier.Component
	Payment        dossier.Payment
	Note           string
	IdempotencyKey string // a retried request with the same key returns the first dossier
	// At is the receipt time; zero means now. Only demo generation and tests set it.
	At time.Time
}

// dossierColumns lists the dossier columns in the order scanDossier reads them.
const dossierColumns = `d.id, COALESCE(d.code, ''), d.unit_id, d.current_unit_id, d.version, d.state, d.step_index, d.workflow,
	d.channel, d.regime, d.procedure_version_id, d.procedure_code, d.procedure_name, d.time_limit,
	d.applicant_kind, d.applicant_name, d.applicant_id_number, d.applicant_phone, d.applicant_email, d.applicant_address,
	d.representative, d.components, d.fee_total, d.payment, d.note, d.received_at, COALESCE(d.received_by, ''),
	d.clock_start, d.due_at, d.due_rule, d.extended_due_at, d.paused_at, d.missing, d.supplements, d.apologies,
	d.transfers, d.resolved_at, d.timeliness, d.returned_at, d.return_channel, d.electronic_result, d.closing_reason,
	d.lookup_secret, COALESCE(d.idempotency_key, ''), d.last_progress_at, d.history_hash, COALESCE(d.created_by, ''),
	d.created_at, d.updated_at`

// dossierScan holds the temporaries of one dossier row being scanned, so the columns can
// be scanned alone or joined with others.
type dossierScan struct {
	d                                                 *dossier.Dossier
	workflow, limit, components, rule, missing        string
	received, clockStart, due, extended, paused       sql.NullTime
	resolved, returned                                sql.NullTime
	state, channel, regime, kind, payment, retChannel string
}

func (s *dossierScan) ptrs() []any {
	d := s.d
	return []any{&d.ID, &d.Code, &d.UnitID, &d.CurrentUnitID, &d.Version, &s.state, &d.StepIndex, &s.workflow,
		&s.channel, &s.regime, &d.ProcedureVersionID, &d.ProcedureCode, &d.ProcedureName, &s.limit,
		&s.kind, &d.Applicant.Name, &d.Applicant.IDNumber, &d.Applicant.Phone, &d.Applicant.Email, &d.Applicant.Address,
		&d.Applicant.Representative, &s.components, &d.FeeTotal, &s.payment, &d.Note, &s.received, &d.ReceivedBy,
		&s.clockStart, &s.due, &s.rule, &s.extended, &s.paused, &s.missing, &d.Supplements, &d.Apologies,
		&d.Transfers, &s.resolved, &d.Timeliness, &s.returned, &s.retChannel, &d.Electronic, &d.ClosingReason,
		&d.LookupSecret, &d.IdempotencyKey, &d.LastProgressAt, &d.HistoryHash, &d.CreatedBy,
		&d.CreatedAt, &d.UpdatedAt}
}

func (s *dossierScan) finish() error {
	d := s.d
	d.State, d.Channel, d.Regime = dossier.State(s.state), dossier.Channel(s.channel), dossier.Regime(s.regime)
	d.Applicant.Kind, d.Payment, d.ReturnChannel = dossier.ApplicantKind(s.kind), dossier.Payment(s.payment), dossier.Channel(s.retChannel)
	d.ReceivedAt, d.ClockStart, d.Due = s.received.Time, s.clockStart.Time, s.due.Time
	d.ExtendedDue, d.PausedAt, d.ResolvedAt, d.ReturnedAt = s.extended.Time, s.paused.Time, s.resolved.Time, s.returned.Time
	var err error
	if d.Limit, err = calendar.ParseLimit(s.limit); err != nil {
		return fmt.Errorf("dossier %s time limit: %w", d.ID, err)
	}
	for _, f := range []struct {
		text string
		into any
	}{{s.workflow, &d.Workflow}, {s.components, &d.Components}, {s.rule, &d.DueRule}, {s.missing, &d.Missing}} {
		if err := json.Unmarshal([]byte(f.text), f.into); err != nil {
			return fmt.Errorf("dossier %s: decode: %w", d.ID, err)
		}
	}
	return nil
}

func scanDossier(row interface{ Scan(...any) error }) (dossier.Dossier, error) {
	var d dossier.Dossier
	s := &dossierScan{d: &d}
	if err := row.Scan(s.ptrs()...); err != nil {
		return d, err
	}
	return d, s.finish()
}

// Dossier returns one dossier by ID.
func (db *DB) Dossier(ctx context.Context, id string) (dossier.Dossier, error) {
	return db.readDossier(ctx, dossierByID, id)
}

// DossierByCode returns the dossier with a national code (as typed: trimmed, any case).
func (db *DB) DossierByCode(ctx context.Context, code string) (dossier.Dossier, error) {
	c, err := dossier.ParseCode(code)
	if err != nil {
		return dossier.Dossier{}, err
	}
	return db.readDossier(ctx, dossierByCode, c.String())
}

// The look-ups of one dossier, read through prepared statements.
const (
	dossierByID   = `SELECT ` + dossierColumns + ` FROM dossiers d WHERE d.id = $1`
	dossierByCode = `SELECT ` + dossierColumns + ` FROM dossiers d WHERE d.code = $1`
)

// readDossier reads one dossier from the read pool with one of the look-ups above.
func (db *DB) readDossier(ctx context.Context, query string, arg any) (dossier.Dossier, error) {
	return notFoundDossier(scanDossier(db.readRow(ctx, query, arg)))
}

func (db *DB) dossierWhere(ctx context.Context, q querier, cond string, args ...any) (dossier.Dossier, error) {
	return notFoundDossier(scanDossier(q.QueryRowContext(ctx, `SELECT `+dossierColumns+` FROM dossiers d WHERE `+cond, args...)))
}

// notFoundDossier maps a missing row to the application's not-found error.
func notFoundDossier(d dossier.Dossier, err error) (dossier.Dossier, error) {
	if errors.Is(err, sql.ErrNoRows) {
		return dossier.Dossier{}, failure.New(failure.NotFound, "", "dossier.not_found")
	}
	if err != nil {
		return dossier.Dossier{}, fmt.Errorf("get dossier: %w", err)
	}
	return d, nil
}

// Receive takes a complete dossier in at the desk: it applies the catalog's intake block,
// assigns the national code from the agency's daily sequence, computes the appointment
// with the agency's calendar, snapshots the internal workflow and writes the dossier, the
// first control-slip row and the first history event in one transaction.
func (db *DB) Receive(ctx context.Context, actor auth.Actor, req IntakeRequest) (dossier.Dossier, error) {
	d, _, err := db.ReceiveOnce(ctx, actor, req)
	return d, err
}

// ReceiveOnce is Receive that also tells whether this call created the dossier (false when
// an earlier request with the same idempotency key did).
func (db *DB) ReceiveOnce(ctx context.Context, actor auth.Actor, req IntakeRequest) (dossier.Dossier, bool, error) {
	d, created, err := db.receive(ctx, actor, req)
	if err != nil {
		return dossier.Dossier{}, false, err
	}
	return d, created, nil
}

// maxIntakeAttempts bounds how often an intake starts again because the catalog changed
// under it (each change of units, procedures, publications, work settings or workflows
// while it ran). The last attempt is not checked: it read the database just before its
// transaction, as a single uncached intake would.
const maxIntakeAttempts = 4

func (db *DB) receive(ctx context.Context, actor auth.Actor, req IntakeRequest) (dossier.Dossier, bool, error) {
	at := req.At
	if at.IsZero() {
		at = db.Now()
	}
	at = at.UTC().Truncate(time.Microsecond)
	if req.UnitID == "" {
		return dossier.Dossier{}, false, failure.InvalidField("unit_id", "dossier.unit_required")
	}
	for attempt := 1; ; attempt++ {
		d, created, err := db.receiveAttempt(ctx, actor, req, at, attempt)
		if errors.Is(err, errStaleCatalog) {
			continue
		}
		if err != nil {
			return dossier.Dossier{}, false, err
		}
		return d, created, nil
	}
}

// receiveAttempt is one try at receiving: with the cached intake entry on the first
// attempt, from the database on the next ones. It answers errStaleCatalog when the
// catalog changed since the entry was loaded.
func (db *DB) receiveAttempt(ctx context.Context, actor auth.Actor, req IntakeRequest, at time.Time, attempt int) (dossier.Dossier, bool, error) {
	var none dossier.Dossier
	e, err := db.intakeEntry(ctx, req.UnitID, procedure.NormalizeCode(req.ProcedureCode), attempt > 1)
	if err != nil {
		return none, false, err
	}
	if err := checkAgency(actor, e.agency, at); err != nil {
		return none, false, db.confirm(ctx, e, err)
	}
	if d, ok, err := db.byIdempotencyKey(ctx, req.UnitID, req.IdempotencyKey); err != nil || ok {
		return d, false, err
	}
	if err := validateIntake(&req, at); err != nil {
		return none, false, err
	}
	v, reason, detail, ferr := e.view.check(req.ProcedureCode, at)
	if ferr != nil {
		if err := db.confirm(ctx, e, nil); err != nil {
			return none, false, err
		}
		return none, false, db.refuse(ctx, req.UnitID, req.ProcedureCode, reason, detail, actor.UserID, at, ferr)
	}
	d, firstDue, err := db.newDossier(ctx, e, v, req, at, actor.UserID)
	if err != nil {
		return none, false, db.confirm(ctx, e, err)
	}
	w := &intakeWrite{agency: e.agency, d: &d, firstDue: firstDue, generation: e.generation,
		check: attempt < maxIntakeAttempts}
	if !v.Frozen {
		w.freeze = v.ID
	}
	err = db.writeIntake(ctx, w)
	switch {
	case errors.Is(err, errStaleCatalog):
		db.cache.intake.forget(w.seen)
		return none, false, err
	case err != nil:
		// Two requests with one key at once: the loser's insert fails; answer with the winner.
		if existing, ok, lookErr := db.byIdempotencyKey(ctx, req.UnitID, req.IdempotencyKey); lookErr == nil && ok {
			return existing, false, nil
		}
		return none, false, fmt.Errorf("receive dossier: %w", err)
	}
	if !v.Frozen {
		db.cache.intake.drop(intakeKey{req.UnitID, req.ProcedureCode})
	}
	return d, true, nil
}

// checkAgency checks that the actor may receive at the agency and that it can receive at
// instant at.
func checkAgency(actor auth.Actor, agency unit.Unit, at time.Time) error {
	t, _ := dossier.TransitionFor("", dossier.ActReceive)
	if err := dossier.Permit(actor, t, dossier.Dossier{}, agency.Path, agency.Path); err != nil {
		return err
	}
	if agency.AgencyCode == "" {
		return failure.InvalidField("unit_id", "dossier.agency_code_missing")
	}
	if !agency.ActiveOn(unit.DateOf(at.In(calendar.Location()))) {
		return failure.InvalidField("unit_id", "dossier.unit_not_active")
	}
	return nil
}

// byIdempotencyKey finds the dossier an earlier request with the same key created.
func (db *DB) byIdempotencyKey(ctx context.Context, unitID, key string) (dossier.Dossier, bool, error) {
	if key == "" {
		return dossier.Dossier{}, false, nil
	}
	d, err := db.dossierWhere(ctx, db.write, "d.unit_id = $1 AND d.idempotency_key = $2", unitID, key)
	if failure.Is(err, failure.NotFound) {
		return dossier.Dossier{}, false, nil
	}
	return d, err == nil, err
}

// validateIntake normalises and checks the request's own fields.
func validateIntake(req *IntakeRequest, at time.Time) error {
	req.Applicant.Normalize()
	req.Note = strings.TrimSpace(vn.NFC(req.Note))
	req.ProcedureCode = procedure.NormalizeCode(req.ProcedureCode)
	var errs failure.List
	if err := req.Applicant.Validate(at); err != nil {
		errs = append(errs, failure.Fields(err)...)
	}
	if req.ProcedureCode == "" {
		errs = append(errs, failure.InvalidField("procedure", "dossier.procedure_required"))
	}
	if !req.Channel.Valid() {
		errs = append(errs, failure.InvalidField("channel", "dossier.channel_invalid"))
	}
	if req.Payment == "" {
		req.Payment = dossier.NoFee
	}
	if !req.Payment.Valid() {
		errs = append(errs, failure.InvalidField("payment", "dossier.payment_invalid"))
	}
	if utf8.RuneCountInString(req.Note) > 2000 {
		errs = append(errs, failure.InvalidField("note", "dossier.note_too_long"))
	}
	if len(req.IdempotencyKey) > 100 {
		errs = append(errs, failure.InvalidField("idempotency_key", "dossier.idempotency_key_invalid"))
	}
	return errs.Err()
}

// checkComponents matches the papers taken in against the version's checklist: unknown
// papers are refused and every required one must be received.
func checkComponents(v procedure.Version, got []dossier.Component) ([]dossier.Component, error) {
	byName := map[string]dossier.Component{}
	for _, c := range got {
		byName[strings.TrimSpace(vn.NFC(c.Name))] = c
	}
	var (
		out     []dossier.Component
		missing []string
	)
	for _, want := range v.Components {
		c, ok := byName[want.Name]
		delete(byName, want.Name)
		c = dossier.Component{Name: want.Name, Originals: want.Originals, Copies: want.Copies, Required: want.Required,
			Received: ok && c.Received, Digitised: ok && c.Received && c.Digitised}
		if want.Required && !c.Received {
			missing = append(missing, want.Name)
		}
		out = append(out, c)
	}
	for name := range byName {
		return nil, failure.InvalidField("components", "dossier.component_unknown", name)
	}
	if len(missing) > 0 {
		return nil, failure.InvalidField("components", "dossier.components_missing", strings.Join(missing, "; "))
	}
	return out, nil
}

// newDossier builds the received dossier in memory (components, fees, workflow,
// appointment, lookup secret) from the intake entry, and the due time of its first step.
func (db *DB) newDossier(ctx context.Context, e intakeEntry, v procedure.Version, req IntakeRequest, at time.Time, actorID string) (dossier.Dossier, time.Time, error) {
	var none time.Time
	comps, err := checkComponents(v, req.Components)
	if err != nil {
		return dossier.Dossier{}, none, err
	}
	cal, err := db.calendarWith(ctx, e.work)
	if err != nil {
		return dossier.Dossier{}, none, err
	}
	wf, err := workflowOrDefault(e.workflow, e.workflowErr, e.agency.ID, v.Code, v.Limit, e.work.OfficeHours.PerDay())
	if err != nil {
		return dossier.Dossier{}, none, err
	}
	plan, err := planWith(cal, wf.Steps, v.Limit, at, at)
	if err != nil {
		return dossier.Dossier{}, none, err
	}
	secret, err := lookupSecret()
	if err != nil {
		return dossier.Dossier{}, none, err
	}
	agency := e.agency
	return dossier.Dossier{
		ID: NewID(), UnitID: agency.ID, CurrentUnitID: agency.ID, Version: 1, State: dossier.Received,
		Workflow: plan.steps, Channel: req.Channel, Regime: dossier.RegimeFor(at),
		ProcedureVersionID: v.ID, ProcedureCode: v.Code, ProcedureName: v.Name, Limit: v.Limit,
		Applicant: req.Applicant, Components: comps, FeeTotal: feeTotal(v), Payment: req.Payment, Note: req.Note,
		ReceivedAt: at, ReceivedBy: actorID, ClockStart: at, Due: plan.due, DueRule: dossier.RuleOf(plan.rule),
		LookupSecret: secret, IdempotencyKey: req.IdempotencyKey, LastProgressAt: at, CreatedBy: actorID,
		CreatedAt: at, UpdatedAt: at,
	}, plan.firstDue, nil
}

// receiptPlan is what receiving a dossier fixes: the workflow snapshot (ending at the
// desk), the appointment with its rule, and when the first step is due.
type receiptPlan struct {
	steps    []procedure.Step
	due      time.Time
	rule     calendar.Rule
	firstDue time.Time
}

// planReceipt computes the receipt plan with the agency's calendar and workflow for a
// dossier received at received whose first step opens at opened (the same instant at the
// desk; the acceptance of an online submission otherwise).
func (db *DB) planReceipt(ctx context.Context, agencyID, code string, limit calendar.Limit, received, opened time.Time) (receiptPlan, error) {
	cal, err := db.CalendarFor(ctx, agencyID)
	if err != nil {
		return receiptPlan{}, err
	}
	wf, err := db.WorkflowFor(ctx, agencyID, code, limit)
	if err != nil {
		return receiptPlan{}, err
	}
	return planWith(cal, wf.Steps, limit, received, opened)
}

// planWith computes the receipt plan with a calendar and the workflow's steps.
func planWith(cal *calendar.Calendar, steps []procedure.Step, limit calendar.Limit, received, opened time.Time) (receiptPlan, error) {
	p := receiptPlan{steps: withReturnStep(steps)}
	var err error
	if p.due, p.rule, err = dossier.Appointment(cal, received, limit); err != nil {
		return receiptPlan{}, err
	}
	if p.firstDue, err = dossier.StepDue(cal, opened, p.steps[0]); err != nil {
		return receiptPlan{}, err
	}
	return p, nil
}

// withReturnStep makes a workflow snapshot end at the desk: a workflow whose last step
// transfers the dossier away gets a return step (the result comes back to be handed over).
func withReturnStep(steps []procedure.Step) []procedure.Step {
	if len(steps) > 0 && steps[len(steps)-1].Kind == procedure.StepReturn {
		return slices.Clone(steps) // the dossier's own copy: steps may be a cached workflow's
	}
	ret := procedure.Step{Kind: procedure.StepReturn, Role: steps[0].Role, Budget: steps[0].Budget}
	return append(append([]procedure.Step(nil), steps...), ret)
}

// lookupAlphabet avoids letters that read alike (0/O, 1/I/L) on a printed receipt.
const lookupAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// lookupSecret is the second factor printed on the receipt for the public look-up.
func lookupSecret() (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("lookup secret: %w", err)
	}
	for i := range b {
		b[i] = lookupAlphabet[int(b[i])%len(lookupAlphabet)]
	}
	return string(b), nil
}

// dossierInsertColumns are the dossier columns in the order dossierRow lists their values
// (one insert here, multi-row inserts in the bulk path).
const dossierInsertColumns = `id, code, unit_id, current_unit_id, version, state, step_index,
	workflow, channel, regime, procedure_version_id, procedure_code, procedure_name, time_limit, applicant_kind,
	applicant_name, applicant_id_number, applicant_phone, applicant_email, applicant_address, representative,
	search_text, components, fee_total, payment, note, received_at, received_by, clock_start, due_at, due_rule,
	extended_due_at, paused_at, missing, supplements, apologies, transfers, resolved_at, timeliness, returned_at,
	return_channel, electronic_result, closing_reason, lookup_secret, idempotency_key, last_progress_at,
	history_hash, created_by, created_at, updated_at`

// dossierRow is the values of a dossier row in dossierInsertColumns order.
func dossierRow(d dossier.Dossier) []any {
	return []any{d.ID, nullString(d.Code), d.UnitID, d.CurrentUnitID, d.Version, string(d.State), d.StepIndex,
		jsonText(d.Workflow), string(d.Channel), string(d.Regime), d.ProcedureVersionID, d.ProcedureCode, d.ProcedureName,
		d.Limit.String(), string(d.Applicant.Kind), d.Applicant.Name, d.Applicant.IDNumber, d.Applicant.Phone,
		d.Applicant.Email, d.Applicant.Address, d.Applicant.Representative, searchText(d), jsonText(d.Components), d.FeeTotal,
		string(d.Payment), d.Note, nullTime(d.ReceivedAt), nullString(d.ReceivedBy), nullTime(d.ClockStart),
		nullTime(d.Due), jsonObject(d.DueRule), nullTime(d.ExtendedDue), nullTime(d.PausedAt), jsonText(d.Missing),
		d.Supplements, d.Apologies, d.Transfers, nullTime(d.ResolvedAt), d.Timeliness, nullTime(d.ReturnedAt),
		string(d.ReturnChannel), d.Electronic, d.ClosingReason, d.LookupSecret, nullString(d.IdempotencyKey),
		d.LastProgressAt.UTC(), d.HistoryHash, nullString(d.CreatedBy), d.CreatedAt.UTC(), d.UpdatedAt.UTC()}
}

func insertDossier(ctx context.Context, tx execer, d dossier.Dossier) error {
	if _, err := tx.ExecContext(ctx, dossierInsertSQL, dossierRow(d)...); err != nil {
		return fmt.Errorf("insert dossier: %w", err)
	}
	return nil
}

// The single-row inserts of the write path, built once.
var (
	dossierInsertSQL = insertSQL("dossiers", dossierInsertColumns)
	stepInsertSQL    = insertSQL("dossier_steps", stepInsertColumns)
	eventInsertSQL   = insertSQL("dossier_events", eventInsertColumns)
)

// insertSQL is the statement inserting one row of the listed columns.
func insertSQL(table, columns string) string {
	return `INSERT INTO ` + table + ` (` + columns + `) VALUES (` + placeholders(1, strings.Count(columns, ",")+1) + `)`
}

// searchText is what the dossier list searches: code, applicant, ID number, phone and
// procedure, folded (no diacritics, lower case).
func searchText(d dossier.Dossier) string {
	return vn.Fold(strings.Join([]string{d.Code, d.Applicant.Name, d.Applicant.IDNumber, d.Applicant.Phone, d.ProcedureName}, " "))
}

func jsonObject(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "{}"
	}
	return string(b)
}
