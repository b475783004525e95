package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/vn"
)

// Intake at the desk (tiếp nhận hồ sơ): the official picks the receiving agency among
// those they receive for, then a procedure the agency applies today, then fills in the
// applicant and ticks the papers taken in. The form carries an idempotency key made when
// it is drawn, so a double click or a resent form creates one dossier.

// intakeProcedure is a procedure the agency may receive today, with the version in force.
type intakeProcedure struct {
	Code    string
	Name    string
	Limit   string
	Version procedure.Version
}

// intakeComponent is one line of the checklist.
type intakeComponent struct {
	N         int // 0-based: the value of the received and digitised boxes
	Name      string
	Form      string
	Originals int
	Copies    int
	Required  bool
	Received  bool
	Digitised bool
}

type intakePage struct {
	Tabs       deskTabs
	Agencies   []unit.Unit
	Agency     unit.Unit
	Procedures []intakeProcedure
	Procedure  intakeProcedure
	Chosen     bool // agency and procedure chosen: the full form is shown
	Components []intakeComponent
	Fee        int64
	Kinds      []dossier.ApplicantKind
	Channels   []dossier.Channel
	Payments   []dossier.Payment
}

// intakeAgencies lists the units, active today and carrying an electronic identifier,
// where the official may receive dossiers.
func (s *Server) intakeAgencies(ctx context.Context, a auth.Actor) ([]unit.Unit, error) {
	paths, everywhere := a.Scopes(auth.ReceiveDossier)
	if !everywhere && len(paths) == 0 {
		return nil, nil
	}
	all, err := s.db.ListUnits(ctx, store.UnitFilter{Under: paths, ActiveOn: s.today(),
		Kinds: []unit.Kind{unit.Committee, unit.Centre, unit.Office}})
	if err != nil {
		return nil, err
	}
	var out []unit.Unit
	for _, u := range all {
		if u.AgencyCode != "" && a.Can(auth.ReceiveDossier, u.Path) {
			out = append(out, u)
		}
	}
	return out, nil
}

// offeredProcedures lists what the agency may receive today: the procedures it or a unit
// above it publishes today and that are in force today, by name. Anything else would be
// refused by the intake block, so it is not offered.
func (s *Server) offeredProcedures(ctx context.Context, agency unit.Unit) ([]intakeProcedure, error) {
	today := s.today()
	seen := map[string]bool{}
	var out []intakeProcedure
	for _, id := range strings.Split(strings.Trim(agency.Path, "/"), "/") {
		pubs, err := s.db.Publications(ctx, store.PublicationFilter{UnitID: id, ActiveOn: today})
		if err != nil {
			return nil, err
		}
		for _, pub := range pubs {
			v, ok := pub.Procedure.VersionOn(today)
			if !ok || seen[pub.Code] {
				continue
			}
			seen[pub.Code] = true
			out = append(out, intakeProcedure{Code: pub.Code, Name: v.Name, Limit: s.limitText("vi", v.Limit), Version: v})
		}
	}
	sort.Slice(out, func(i, j int) bool { return vn.Fold(out[i].Name) < vn.Fold(out[j].Name) })
	return out, nil
}

// newIdempotencyKey is drawn into each intake form.
func newIdempotencyKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails (crypto/rand panics rather than return an error)
	return hex.EncodeToString(b)
}

// intakeChoice resolves the agency and procedure asked for among those offered.
func (s *Server) intakeChoice(ctx context.Context, a auth.Actor, unitID, code string) (intakePage, error) {
	data := intakePage{Tabs: tabs(a, "new"), Kinds: []dossier.ApplicantKind{dossier.Person, dossier.Organisation},
		Channels: dossier.Channels, Payments: dossier.Payments}
	var err error
	if data.Agencies, err = s.intakeAgencies(ctx, a); err != nil {
		return data, err
	}
	i := slices.IndexFunc(data.Agencies, func(u unit.Unit) bool { return u.ID == unitID })
	if i < 0 && len(data.Agencies) == 1 {
		i = 0
	}
	if i < 0 {
		return data, nil
	}
	data.Agency = data.Agencies[i]
	if data.Procedures, err = s.offeredProcedures(ctx, data.Agency); err != nil {
		return data, err
	}
	code = procedure.NormalizeCode(code)
	if j := slices.IndexFunc(data.Procedures, func(p intakeProcedure) bool { return p.Code == code }); j >= 0 {
		data.Procedure, data.Chosen = data.Procedures[j], true
		for _, f := range data.Procedure.Version.Fees {
			data.Fee += f.Amount
		}
	}
	return data, nil
}

func (s *Server) intakeForm(w http.ResponseWriter, r *http.Request) {
	a := actor(r)
	if !a.CanAnywhere(auth.ReceiveDossier) {
		s.forbidden(w, r)
		return
	}
	q := r.URL.Query()
	data, err := s.intakeChoice(r.Context(), a, q.Get("unit_id"), q.Get("procedure"))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := s.newPage(r, "dossier.intake_title")
	p.Form = map[string]string{"unit_id": data.Agency.ID, "procedure": data.Procedure.Code,
		"applicant_kind": string(dossier.Person), "channel": string(dossier.AtDesk), "payment": string(dossier.NoFee)}
	if data.Fee > 0 {
		p.Form["payment"] = string(dossier.PaidCash)
	}
	if q.Get("procedure") != "" && !data.Chosen && data.Agency.ID != "" {
		p.ErrorMsg = s.i18n.T(p.Lang, "dossier.procedure_not_offered", q.Get("procedure"))
	}
	if data.Chosen {
		p.Form["key"] = newIdempotencyKey()
		data.Components = checklist(data.Procedure.Version.Components, nil)
	}
	s.intakePage(w, r, http.StatusOK, p, data)
}

func (s *Server) intakePage(w http.ResponseWriter, r *http.Request, status int, p *page, data intakePage) {
	p.Active = "nav.dossiers"
	p.Data = data
	s.render(w, r, status, "dossier_new", p)
}

// checklist is the procedure's papers, ticked as posted (nil: a fresh form).
func checklist(comps []procedure.Component, posted url.Values) []intakeComponent {
	out := make([]intakeComponent, len(comps))
	for i, c := range comps {
		n := strconv.Itoa(i)
		out[i] = intakeComponent{N: i, Name: c.Name, Form: c.Form, Originals: c.Originals, Copies: c.Copies, Required: c.Required,
			Received: slices.Contains(posted["received"], n), Digitised: slices.Contains(posted["digitised"], n)}
	}
	return out
}

// postedChecklist rebuilds the checklist from a posted form: the procedure's papers when
// it is offered, else the names the form carried.
func postedChecklist(data intakePage, posted url.Values) []intakeComponent {
	if data.Chosen {
		return checklist(data.Procedure.Version.Components, posted)
	}
	comps := make([]procedure.Component, len(posted["comp_name"]))
	for i, name := range posted["comp_name"] {
		comps[i].Name = name
	}
	return checklist(comps, posted)
}

// intakeRequest reads the posted intake form.
func intakeRequest(f url.Values) store.IntakeRequest {
	req := store.IntakeRequest{UnitID: f.Get("unit_id"), ProcedureCode: f.Get("procedure"),
		Channel: dossier.Channel(f.Get("channel")), Payment: dossier.Payment(f.Get("payment")), Note: f.Get("note"),
		IdempotencyKey: strings.TrimSpace(f.Get("key")),
		Applicant: dossier.Applicant{Kind: dossier.ApplicantKind(f.Get("applicant_kind")), Name: f.Get("applicant_name"),
			IDNumber: f.Get("applicant_id"), Phone: f.Get("applicant_phone"), Email: f.Get("applicant_email"),
			Address: f.Get("applicant_address"), Representative: f.Get("representative")}}
	for i, name := range f["comp_name"] {
		n := strconv.Itoa(i)
		received := slices.Contains(f["received"], n)
		req.Components = append(req.Components, dossier.Component{Name: name, Received: received,
			Digitised: received && slices.Contains(f["digitised"], n)})
	}
	return req
}

// intakeFields are the form's single-valued fields, put back after a refusal.
var intakeFields = []string{"unit_id", "procedure", "key", "applicant_kind", "applicant_name", "applicant_id",
	"applicant_phone", "applicant_email", "applicant_address", "representative", "channel", "payment", "note", "refusal_reason"}

// receiveDossier receives the posted dossier, or records its refusal when the refuse
// button was pressed. Refused input comes back with every field as typed and the store's
// messages, and nothing is written; a resent form (same key) leads to the dossier the
// first one created.
func (s *Server) receiveDossier(w http.ResponseWriter, r *http.Request) {
	a := actor(r)
	if !a.CanAnywhere(auth.ReceiveDossier) {
		s.forbidden(w, r)
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	f := r.PostForm
	if f.Get("refuse") != "" {
		d, err := s.db.RefuseIntake(r.Context(), a, intakeRequest(f), f.Get("refusal_reason"))
		if err == nil {
			s.flash(r, "dossier.refused_flash", d.Applicant.Name)
			http.Redirect(w, r, "/dossiers/"+d.ID, http.StatusSeeOther)
			return
		}
		s.intakeRefused(w, r, err)
		return
	}
	d, err := s.db.Receive(r.Context(), a, intakeRequest(f))
	if err == nil {
		s.flash(r, "dossier.received_flash", d.Code)
		http.Redirect(w, r, "/dossiers/"+d.ID+"?received=1", http.StatusSeeOther)
		return
	}
	s.intakeRefused(w, r, err)
}

// intakeRefused redraws the posted intake form under the store's messages.
func (s *Server) intakeRefused(w http.ResponseWriter, r *http.Request, err error) {
	a, f := actor(r), r.PostForm
	e, ok := failure.As(err)
	if !ok || e.Kind == failure.NotFound || e.Kind == failure.Forbidden {
		s.handleErr(w, r, err)
		return
	}
	data, cerr := s.intakeChoice(r.Context(), a, f.Get("unit_id"), f.Get("procedure"))
	if cerr != nil {
		s.serverError(w, r, cerr)
		return
	}
	data.Components = postedChecklist(data, f)
	if code := procedure.NormalizeCode(f.Get("procedure")); !data.Chosen && data.Agency.ID != "" && code != "" {
		// A procedure not offered (not in force, not applied) was sent anyway: the form
		// stays as sent, under the store's refusal.
		data.Procedure, data.Chosen = intakeProcedure{Code: code, Name: code}, true
		if pr, perr := s.db.Procedure(r.Context(), code); perr == nil {
			data.Procedure.Name = pr.Name
		}
	}
	p := s.newPage(r, "dossier.intake_title")
	s.formErrors(p, err)
	p.Form = map[string]string{}
	for _, k := range intakeFields {
		p.Form[k] = f.Get(k)
	}
	s.intakePage(w, r, statusOf(e.Kind), p, data)
}
