package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/store"
)

// dossierAPIRoutes registers the dossier engine's JSON API: the same rules as the pages,
// through the same store calls.
func (s *Server) dossierAPIRoutes(app *http.ServeMux) {
	route(app, "GET /api/v1/dossiers", s.apiSignedIn(s.apiDossiers))
	route(app, "POST /api/v1/dossiers", s.apiSignedIn(s.apiReceive))
	route(app, "GET /api/v1/dossiers/{id}", s.apiSignedIn(s.apiDossier))
	route(app, "GET /api/v1/dossiers/{id}/history", s.apiSignedIn(s.apiDossierHistory))
	route(app, "POST /api/v1/dossiers/{id}/actions", s.apiSignedIn(s.apiDossierAction))
	route(app, "GET /api/v1/dossier-codes/{code}", s.apiSignedIn(s.apiDossierByCode))
	route(app, "GET /api/v1/work", s.apiSignedIn(s.apiWork))
	route(app, "GET /api/v1/openapi.json", http.HandlerFunc(s.openAPI))
}

// apiDossierJSON is a dossier as the API shows it to officials.
type apiDossierJSON struct {
	ID             string                   `json:"id"`
	Code           string                   `json:"code,omitempty"`
	Version        int                      `json:"version"`
	State          dossier.State            `json:"state"`
	UnitID         string                   `json:"unit_id"`
	CurrentUnitID  string                   `json:"current_unit_id"`
	Step           int                      `json:"step"`
	StepKind       string                   `json:"step_kind,omitempty"`
	Regime         dossier.Regime           `json:"regime"`
	Channel        dossier.Channel          `json:"channel"`
	ProcedureCode  string                   `json:"procedure_code"`
	ProcedureName  string                   `json:"procedure_name"`
	TimeLimit      string                   `json:"time_limit"`
	Applicant      dossier.Applicant        `json:"applicant"`
	Components     []dossier.Component      `json:"components"`
	FeeTotal       int64                    `json:"fee_total"`
	Payment        dossier.Payment          `json:"payment"`
	Note           string                   `json:"note,omitempty"`
	ReceivedAt     *time.Time               `json:"received_at,omitempty"`
	Due            *time.Time               `json:"due,omitempty"`
	DueRule        dossier.Rule             `json:"due_rule"`
	ExtendedDue    *time.Time               `json:"extended_due,omitempty"`
	Overdue        bool                     `json:"overdue"`
	Missing        []dossier.SupplementItem `json:"missing,omitempty"`
	Supplements    int                      `json:"supplements"`
	Apologies      int                      `json:"apologies"`
	Transfers      int                      `json:"transfers"`
	ResolvedAt     *time.Time               `json:"resolved_at,omitempty"`
	Timeliness     string                   `json:"timeliness,omitempty"`
	ReturnedAt     *time.Time               `json:"returned_at,omitempty"`
	ReturnChannel  dossier.Channel          `json:"return_channel,omitempty"`
	Electronic     bool                     `json:"electronic_result"`
	ClosingReason  string                   `json:"closing_reason,omitempty"`
	LastProgressAt time.Time                `json:"last_progress_at"`
	Actions        []dossier.Action         `json:"actions,omitempty"`
	ControlSlip    []apiStepJSON            `json:"control_slip,omitempty"`
}

type apiStepJSON struct {
	Seq        int        `json:"seq"`
	Step       int        `json:"step"`
	Kind       string     `json:"kind"`
	Role       string     `json:"role"`
	UnitID     string     `json:"unit_id"`
	AssigneeID string     `json:"assignee_id,omitempty"`
	FromUserID string     `json:"from_user_id,omitempty"`
	StartedAt  time.Time  `json:"started_at"`
	Due        time.Time  `json:"due"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
	FinishedBy string     `json:"finished_by,omitempty"`
	Outcome    string     `json:"outcome,omitempty"`
	Timeliness string     `json:"timeliness,omitempty"`
	Note       string     `json:"note,omitempty"`
}

// optTime returns nil for the zero time so the field is left out.
func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func toAPIDossier(d dossier.Dossier, now time.Time) apiDossierJSON {
	return apiDossierJSON{ID: d.ID, Code: d.Code, Version: d.Version, State: d.State, UnitID: d.UnitID,
		CurrentUnitID: d.CurrentUnitID, Step: d.StepIndex, StepKind: string(d.Step().Kind), Regime: d.Regime,
		Channel: d.Channel, ProcedureCode: d.ProcedureCode, ProcedureName: d.ProcedureName, TimeLimit: d.Limit.String(),
		Applicant: d.Applicant, Components: d.Components, FeeTotal: d.FeeTotal, Payment: d.Payment, Note: d.Note,
		ReceivedAt: optTime(d.ReceivedAt), Due: optTime(d.Due), DueRule: d.DueRule, ExtendedDue: optTime(d.ExtendedDue),
		Overdue: d.Overdue(now), Missing: d.Missing, Supplements: d.Supplements, Apologies: d.Apologies,
		Transfers: d.Transfers, ResolvedAt: optTime(d.ResolvedAt), Timeliness: d.Timeliness,
		ReturnedAt: optTime(d.ReturnedAt), ReturnChannel: d.ReturnChannel, Electronic: d.Electronic,
		ClosingReason: d.ClosingReason, LastProgressAt: d.LastProgressAt.UTC()}
}

func toAPISteps(slip []dossier.StepRecord) []apiStepJSON {
	out := make([]apiStepJSON, len(slip))
	for i, s := range slip {
		out[i] = apiStepJSON{Seq: s.Seq, Step: s.StepIndex, Kind: string(s.Kind), Role: string(s.Role), UnitID: s.UnitID,
			AssigneeID: s.AssigneeID, FromUserID: s.FromUserID, StartedAt: s.StartedAt.UTC(), Due: s.Due.UTC(),
			FinishedAt: optTime(s.FinishedAt), FinishedBy: s.FinishedBy, Outcome: string(s.Outcome),
			Timeliness: s.Timeliness, Note: s.Note}
	}
	return out
}

// apiIntakeJSON is the body of POST /api/v1/dossiers.
type apiIntakeJSON struct {
	UnitID         string              `json:"unit_id"`
	ProcedureCode  string              `json:"procedure_code"`
	Channel        dossier.Channel     `json:"channel"`
	Applicant      dossier.Applicant   `json:"applicant"`
	Components     []dossier.Component `json:"components"`
	Payment        dossier.Payment     `json:"payment"`
	Note           string              `json:"note"`
	IdempotencyKey string              `json:"idempotency_key"`
}

// decodeIntake reads an intake body; the Idempotency-Key header, when present, wins over
// the body's field.
func decodeIntake(body []byte, headerKey string) (store.IntakeRequest, error) {
	var in apiIntakeJSON
	if err := decodeJSON(body, &in); err != nil {
		return store.IntakeRequest{}, err
	}
	if headerKey != "" {
		in.IdempotencyKey = headerKey
	}
	return store.IntakeRequest{UnitID: in.UnitID, ProcedureCode: in.ProcedureCode, Channel: in.Channel,
		Applicant: in.Applicant, Components: in.Components, Payment: in.Payment, Note: in.Note,
		IdempotencyKey: in.IdempotencyKey}, nil
}

// apiReceive receives a dossier: 201 with the dossier, or 200 with the dossier an earlier
// request with the same idempotency key created.
func (s *Server) apiReceive(w http.ResponseWriter, r *http.Request) {
	var body bytes.Buffer
	if _, err := body.ReadFrom(r.Body); err != nil {
		s.renderError(w, r, failure.New(failure.Invalid, "", "api.json_invalid"), http.StatusBadRequest)
		return
	}
	req, err := decodeIntake(body.Bytes(), r.Header.Get("Idempotency-Key"))
	if err != nil {
		s.renderError(w, r, err, http.StatusBadRequest)
		return
	}
	d, created, err := s.db.ReceiveOnce(r.Context(), actor(r), req)
	if err != nil {
		s.handleErr(w, r, err)
		return
	}
	status := http.StatusOK // an earlier request with this key created it
	if created {
		status = http.StatusCreated
	}
	w.Header().Set("Location", "/api/v1/dossiers/"+d.ID)
	dd, err := s.deskOf(r, d, nil)
	s.writeDossier(w, r, status, dd, err)
}

// visibleDossier passes on a loaded dossier (or the error loading it), with its agency and
// current unit, when the actor may see it: outside their scope it is NotFound, like one that
// does not exist.
func (s *Server) visibleDossier(r *http.Request, d dossier.Dossier, err error) (deskDossier, error) {
	dd, err := s.deskOf(r, d, err)
	if err != nil {
		return deskDossier{}, err
	}
	if !dd.visibleTo(actor(r)) {
		return deskDossier{}, failure.New(failure.NotFound, "", "dossier.not_found")
	}
	return dd, nil
}

// deskOf loads a dossier's agency and current unit (or passes on the error loading the
// dossier).
func (s *Server) deskOf(r *http.Request, d dossier.Dossier, err error) (deskDossier, error) {
	if err != nil {
		return deskDossier{}, err
	}
	return newDeskUnits(s.db).of(r.Context(), d)
}

// dossierDetail adds the control slip and the actions the actor may take now.
func (s *Server) dossierDetail(r *http.Request, dd deskDossier, slip []dossier.StepRecord) apiDossierJSON {
	out := toAPIDossier(dd.D, s.cfg.Now())
	out.ControlSlip = toAPISteps(slip)
	for _, act := range dossier.AllowedActions(dd.D.State) {
		if dd.permit(actor(r), act) == nil {
			out.Actions = append(out.Actions, act)
		}
	}
	return out
}

func (s *Server) apiDossier(w http.ResponseWriter, r *http.Request) {
	d, err := s.db.Dossier(r.Context(), r.PathValue("id"))
	dd, err := s.visibleDossier(r, d, err)
	s.writeDossier(w, r, http.StatusOK, dd, err)
}

func (s *Server) apiDossierByCode(w http.ResponseWriter, r *http.Request) {
	d, err := s.db.DossierByCode(r.Context(), r.PathValue("code"))
	dd, err := s.visibleDossier(r, d, err)
	s.writeDossier(w, r, http.StatusOK, dd, err)
}

// writeDossier answers with a dossier (or the error that produced it), its control slip,
// its ETag and the actions open to the actor.
func (s *Server) writeDossier(w http.ResponseWriter, r *http.Request, status int, dd deskDossier, err error) {
	if err != nil {
		s.handleErr(w, r, err)
		return
	}
	d := dd.D
	slip, err := s.db.ControlSlip(r.Context(), d.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("ETag", dossierETag(d))
	writeJSON(w, status, s.dossierDetail(r, dd, slip))
}

// apiEventJSON is one history event.
type apiEventJSON struct {
	Seq      int             `json:"seq"`
	At       time.Time       `json:"at"`
	ActorID  string          `json:"actor_id,omitempty"`
	Action   dossier.Action  `json:"action"`
	From     dossier.State   `json:"from,omitempty"`
	To       dossier.State   `json:"to"`
	Detail   json.RawMessage `json:"detail"`
	PrevHash string          `json:"prev_hash"`
	Hash     string          `json:"hash"`
}

func (s *Server) apiDossierHistory(w http.ResponseWriter, r *http.Request) {
	loaded, err := s.db.Dossier(r.Context(), r.PathValue("id"))
	dd, err := s.visibleDossier(r, loaded, err)
	if err != nil {
		s.handleErr(w, r, err)
		return
	}
	d := dd.D
	events, err := s.db.History(r.Context(), d.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	out := make([]apiEventJSON, len(events))
	for i, e := range events {
		out[i] = apiEventJSON{Seq: e.Seq, At: e.At.UTC(), ActorID: e.ActorID, Action: e.Action, From: e.From, To: e.To,
			Detail: json.RawMessage(e.Detail), PrevHash: e.PrevHash, Hash: e.Hash}
	}
	writeJSON(w, http.StatusOK, map[string]any{"dossier_id": d.ID, "code": d.Code, "events": out})
}

// apiActionJSON is the body of POST /api/v1/dossiers/{id}/actions.
type apiActionJSON struct {
	Action     dossier.Action           `json:"action"`
	Version    int                      `json:"version"`
	Note       string                   `json:"note"`
	Reason     string                   `json:"reason"`
	AssigneeID string                   `json:"assignee_id"`
	Items      []dossier.SupplementItem `json:"items"`
	NewDue     time.Time                `json:"new_due"`
	Channel    dossier.Channel          `json:"channel"`
	Electronic bool                     `json:"electronic_result"`
}

// dossierETag is the entity tag of a dossier version: any action changes it.
func dossierETag(d dossier.Dossier) string { return `"v` + strconv.Itoa(d.Version) + `"` }

// ifMatchVersion reads the version from an If-Match header written as dossierETag
// (weak or strong); ok is false when the header is absent.
func ifMatchVersion(r *http.Request) (version int, ok bool, err error) {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" {
		return 0, false, nil
	}
	v, found := strings.CutPrefix(strings.TrimPrefix(h, "W/"), `"v`)
	n, convErr := strconv.Atoi(strings.TrimSuffix(v, `"`))
	if !found || convErr != nil || n < 1 {
		return 0, true, failure.InvalidField("If-Match", "api.if_match_invalid")
	}
	return n, true, nil
}

func (s *Server) apiDossierAction(w http.ResponseWriter, r *http.Request) {
	var in apiActionJSON
	if !s.readJSON(w, r, &in) {
		return
	}
	v, conditional, err := ifMatchVersion(r)
	switch {
	case err != nil:
		s.renderError(w, r, err, http.StatusBadRequest)
		return
	case conditional && in.Version != 0 && in.Version != v:
		s.renderError(w, r, failure.InvalidField("version", "api.version_mismatch"), http.StatusBadRequest)
		return
	case conditional:
		in.Version = v
	case in.Version < 1:
		s.renderError(w, r, failure.InvalidField("version", "api.version_required"), http.StatusBadRequest)
		return
	}
	d, err := s.db.Act(r.Context(), actor(r), dossier.Command{DossierID: r.PathValue("id"), Action: in.Action,
		Version: in.Version, Note: in.Note, Reason: in.Reason, AssigneeID: in.AssigneeID, Items: in.Items,
		NewDue: in.NewDue, Channel: in.Channel, Electronic: in.Electronic})
	if e, ok := failure.As(err); ok && conditional && e.Key == "dossier.changed" {
		s.renderError(w, r, err, http.StatusPreconditionFailed)
		return
	}
	dd, err := s.deskOf(r, d, err)
	s.writeDossier(w, r, http.StatusOK, dd, err)
}

// apiDossiers lists dossiers in the actor's scope. Query: unit_id, state (repeatable), q,
// from and to (YYYY-MM-DD, receipt day in Vietnam), overdue=1, limit (1–500, default 100),
// offset.
func (s *Server) apiDossiers(w http.ResponseWriter, r *http.Request) {
	paths, ok := viewScope(actor(r), auth.ViewDossiers)
	if !ok {
		s.renderError(w, r, failure.New(failure.Forbidden, "", "error.forbidden"), 0)
		return
	}
	f, errs := apiDossierFilter(r, s.cfg.Now())
	if len(errs) > 0 {
		s.renderError(w, r, errs, http.StatusBadRequest)
		return
	}
	f.Under = paths
	if f.UnitID != "" { // a unit outside the actor's dossiers is not found, as on the register
		u, err := s.db.Unit(r.Context(), f.UnitID)
		if err != nil && !failure.Is(err, failure.NotFound) {
			s.serverError(w, r, err)
			return
		}
		if err != nil || !actor(r).Can(auth.ViewDossiers, u.Path) {
			s.renderError(w, r, failure.New(failure.NotFound, "", "error.not_found"), 0)
			return
		}
	}
	list, err := s.db.ListDossiers(r.Context(), f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	out := make([]apiDossierJSON, len(list))
	for i, d := range list {
		out[i] = toAPIDossier(d, s.cfg.Now())
	}
	writeJSON(w, http.StatusOK, map[string]any{"dossiers": out, "count": len(out), "offset": f.Offset})
}

func apiDossierFilter(r *http.Request, now time.Time) (store.DossierFilter, failure.List) {
	q := r.URL.Query()
	f := store.DossierFilter{UnitID: q.Get("unit_id"), Query: q.Get("q"), Limit: 100}
	var errs failure.List
	for _, st := range q["state"] {
		if !dossier.State(st).Valid() {
			errs = append(errs, failure.InvalidField("state", "api.state_invalid"))
			break
		}
		f.States = append(f.States, dossier.State(st))
	}
	for _, p := range []struct {
		name string
		into *time.Time
		days int
	}{{"from", &f.From, 0}, {"to", &f.To, 1}} {
		if v := q.Get(p.name); v != "" {
			d, err := time.ParseInLocation("2006-01-02", v, vnZone)
			if err != nil {
				errs = append(errs, failure.InvalidField(p.name, "form.date_invalid"))
				continue
			}
			*p.into = d.AddDate(0, 0, p.days)
		}
	}
	if q.Get("overdue") == "1" {
		f.Overdue = now
	}
	f.Limit = queryLimit(q, f.Limit, 500, &errs)
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			errs = append(errs, failure.InvalidField("offset", "api.offset_invalid"))
		}
		f.Offset = n
	}
	return f, errs
}

// apiWork is the actor's "my work" queue: open steps they can take, most urgent first.
func (s *Server) apiWork(w http.ResponseWriter, r *http.Request) {
	items, err := s.db.WorkQueue(r.Context(), actor(r), 200)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	type item struct {
		Dossier apiDossierJSON `json:"dossier"`
		Step    apiStepJSON    `json:"step"`
	}
	out := make([]item, len(items))
	for i, it := range items {
		out[i] = item{toAPIDossier(it.Dossier, s.cfg.Now()), toAPISteps([]dossier.StepRecord{it.Step})[0]}
	}
	writeJSON(w, http.StatusOK, map[string]any{"work": out, "count": len(out)})
}
