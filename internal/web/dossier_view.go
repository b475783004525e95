package web

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/user"
)

// webActions are the actions the dossier page offers, in the order it shows them (receive
// and refuse there accept or refuse an online submission; intake at the desk has its own
// form, and submission belongs to the public portal).
var webActions = []dossier.Action{dossier.ActReceive, dossier.ActForward, dossier.ActReturn, dossier.ActSupply,
	dossier.ActRequest, dossier.ActSendBack, dossier.ActAssign, dossier.ActProgress, dossier.ActApologise,
	dossier.ActStop, dossier.ActRefuse, dossier.ActWithdraw}

// slipLine is one control-slip row with names instead of IDs.
type slipLine struct {
	dossier.StepRecord
	UnitName   string
	Assignee   string
	From       string
	FinishedBy string
	Overdue    bool // still open past its due
}

// historyLine is one history event as the page shows it.
type historyLine struct {
	dossier.Event
	Actor   string
	Details []string
}

// adviceView is dossier.AdviseApology's advice with names.
type adviceView struct {
	dossier.ApologyAdvice
	FaultStep string // the step kind's message key
	FaultUnit string
}

// printLink is one printable form of the dossier.
type printLink struct {
	Form, Key string
}

// dossierView is everything the dossier page shows.
type dossierView struct {
	deskDossier
	Tabs          deskTabs
	Step          procedure.Step
	Rule          string
	Overdue       bool
	Late          bool
	Slip          []slipLine
	History       []historyLine
	Can           map[string]bool
	Actions       []dossier.Action
	Advice        adviceView
	NextStep      procedure.Step
	HasNext       bool
	NextAssignees []user.User
	StepAssignees []user.User
	SuggestedDue  string
	Items         []dossier.SupplementItem
	Open          string // the action whose form was just refused: drawn open
	Conflict      bool   // the dossier changed under the official: offer a reload
	Prints        []printLink
	Received      bool // just received: the receipt button stands out
	Channels      []dossier.Channel
}

// viewOptions carries what a refused action leaves on the page.
type viewOptions struct {
	Open     string
	Items    []dossier.SupplementItem
	Conflict bool
	Received bool
}

func (s *Server) showDossier(w http.ResponseWriter, r *http.Request) {
	dd, ok := s.loadDossier(w, r)
	if !ok {
		return
	}
	p := s.newPage(r, "dossier.title")
	s.renderDossier(w, r, http.StatusOK, p, dd, viewOptions{Received: r.URL.Query().Get("received") != ""})
}

// renderDossier draws the dossier page with status (a refused action comes back with its
// status, message and typed values already in p).
func (s *Server) renderDossier(w http.ResponseWriter, r *http.Request, status int, p *page, dd deskDossier, opt viewOptions) {
	v, err := s.dossierView(r.Context(), actor(r), p.Lang, dd, opt)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p.Title = s.i18n.T(p.Lang, "dossier.title") + " " + firstNonBlank(dd.D.Code, dd.D.ID)
	p.Active = "nav.dossiers"
	if p.Form == nil {
		p.Form = map[string]string{}
	}
	if _, typed := p.Form["apologise.new_due"]; !typed {
		p.Form["apologise.new_due"] = v.SuggestedDue
	}
	p.Data = v
	s.render(w, r, status, "dossier_view", p)
}

func firstNonBlank(s ...string) string {
	for _, x := range s {
		if strings.TrimSpace(x) != "" {
			return x
		}
	}
	return ""
}

func (s *Server) dossierView(ctx context.Context, a auth.Actor, lang string, dd deskDossier, opt viewOptions) (dossierView, error) {
	d := dd.D
	now := s.cfg.Now()
	v := dossierView{deskDossier: dd, Step: d.Step(), Overdue: d.Overdue(now), Late: d.Timeliness == "late",
		Open: opt.Open, Items: opt.Items, Conflict: opt.Conflict, Received: opt.Received && d.Code != "",
		Can: map[string]bool{}, Channels: dossier.Channels, Rule: d.DueRule.Vi, Tabs: tabs(a, "")}
	if lang == "en" {
		v.Rule = d.DueRule.En
	}
	if len(v.Items) == 0 {
		v.Items = make([]dossier.SupplementItem, 2)
	}
	slip, err := s.db.ControlSlip(ctx, d.ID)
	if err != nil {
		return v, err
	}
	events, err := s.db.History(ctx, d.ID)
	if err != nil {
		return v, err
	}
	if err := s.namedSlipAndHistory(ctx, lang, &v, slip, events, now); err != nil {
		return v, err
	}
	for _, act := range webActions {
		if dd.permit(a, act) == nil && (act != dossier.ActSendBack || d.StepIndex > 0) {
			v.Can[string(act)] = true
			v.Actions = append(v.Actions, act)
		}
	}
	if err := s.assignees(ctx, &v); err != nil {
		return v, err
	}
	if d.State.Open() {
		if err := s.adviseApology(ctx, &v, slip, now); err != nil {
			return v, err
		}
	}
	v.Prints = printsOf(d)
	return v, nil
}

// namedSlipAndHistory puts unit and official names on the slip rows and history events.
func (s *Server) namedSlipAndHistory(ctx context.Context, lang string, v *dossierView, slip []dossier.StepRecord, events []dossier.Event, now time.Time) error {
	var userIDs, unitIDs []string
	for _, st := range slip {
		userIDs = append(userIDs, st.AssigneeID, st.FromUserID, st.FinishedBy)
		unitIDs = append(unitIDs, st.UnitID)
	}
	for _, e := range events {
		userIDs = append(userIDs, e.ActorID, detailString(e.Detail, "assignee"))
	}
	people, err := s.db.UserNames(ctx, userIDs)
	if err != nil {
		return err
	}
	units, err := s.db.UnitNames(ctx, slices.Compact(slices.Sorted(slices.Values(unitIDs))))
	if err != nil {
		return err
	}
	for _, st := range slip {
		v.Slip = append(v.Slip, slipLine{StepRecord: st, UnitName: units[st.UnitID], Assignee: people[st.AssigneeID],
			From: people[st.FromUserID], FinishedBy: people[st.FinishedBy], Overdue: st.Open() && now.After(st.Due)})
	}
	for i := len(events) - 1; i >= 0; i-- { // newest first
		e := events[i]
		v.History = append(v.History, historyLine{Event: e, Actor: people[e.ActorID], Details: s.eventDetails(lang, e, people)})
	}
	return nil
}

// detailString reads one string field of an event's JSON detail.
func detailString(detail, key string) string {
	var m map[string]any
	if json.Unmarshal([]byte(detail), &m) != nil {
		return ""
	}
	s, _ := m[key].(string)
	return s
}

// eventDetails states an event's detail in words: reason, note, items, dates, assignee.
func (s *Server) eventDetails(lang string, e dossier.Event, people map[string]string) []string {
	var m struct {
		Reason     string                   `json:"reason"`
		Note       string                   `json:"note"`
		Items      []dossier.SupplementItem `json:"items"`
		Due        string                   `json:"due"`
		NewDue     string                   `json:"new_due"`
		Assignee   string                   `json:"assignee"`
		Channel    string                   `json:"channel"`
		Timeliness string                   `json:"timeliness"`
	}
	if json.Unmarshal([]byte(e.Detail), &m) != nil {
		return nil
	}
	var out []string
	add := func(key string, args ...any) { out = append(out, s.i18n.T(lang, key, args...)) }
	if m.Reason != "" {
		add("dossier.detail_reason", m.Reason)
	}
	if len(m.Items) > 0 {
		names := make([]string, len(m.Items))
		for i, it := range m.Items {
			names[i] = it.Name
			if it.Reason != "" {
				names[i] += " (" + it.Reason + ")"
			}
		}
		add("dossier.detail_items", strings.Join(names, "; "))
	}
	if t, err := time.Parse(time.RFC3339, m.Due); err == nil {
		add("dossier.detail_due", t.In(vnZone).Format("02/01/2006 15:04"))
	}
	if t, err := time.Parse(time.RFC3339, m.NewDue); err == nil {
		add("dossier.detail_new_due", t.In(vnZone).Format("02/01/2006 15:04"))
	}
	if m.Assignee != "" {
		add("dossier.detail_assignee", firstNonBlank(people[m.Assignee], m.Assignee))
	}
	if m.Channel != "" && e.Action == dossier.ActReturn {
		channel := "dossier.channel_" + m.Channel
		add("dossier.detail_channel", s.i18n.T(lang, channel))
	}
	if m.Timeliness != "" {
		timeliness := "dossier.timeliness_" + m.Timeliness
		add("dossier.detail_timeliness", s.i18n.T(lang, timeliness))
	}
	if m.Note != "" {
		add("dossier.detail_note", m.Note)
	}
	return out
}

// assignees lists who may take the next step (for forward) and the current one (for
// assign), by the rule the store checks a named assignee against.
func (s *Server) assignees(ctx context.Context, v *dossierView) error {
	d := v.D
	if v.Can[string(dossier.ActForward)] && d.StepIndex+1 < len(d.Workflow) {
		v.NextStep, v.HasNext = d.Workflow[d.StepIndex+1], true
		unitID := d.UnitID
		if v.NextStep.Kind == procedure.StepTransfer {
			unitID = v.NextStep.TransferTo
		}
		u, err := s.db.Unit(ctx, unitID)
		if err != nil {
			return err
		}
		if v.NextAssignees, err = s.db.Assignable(ctx, v.NextStep.Role, u.Path); err != nil {
			return err
		}
	}
	if v.Can[string(dossier.ActAssign)] {
		var err error
		if v.StepAssignees, err = s.db.Assignable(ctx, v.Step.Role, v.Current.Path); err != nil {
			return err
		}
	}
	return nil
}

// adviseApology applies rule 8 and proposes the new appointment: the time the remaining
// steps need from now, and at least one working day after the appointment shown.
func (s *Server) adviseApology(ctx context.Context, v *dossierView, slip []dossier.StepRecord, now time.Time) error {
	d := v.D
	cal, err := s.db.CalendarFor(ctx, d.UnitID)
	if err != nil {
		return err
	}
	adv, err := dossier.AdviseApology(cal, d, slip, now)
	if err != nil {
		return err
	}
	v.Advice.ApologyAdvice = adv
	if adv.Fault.ID != "" {
		v.Advice.FaultStep = "workflow.step." + string(adv.Fault.Kind)
		names, err := s.db.UnitNames(ctx, []string{adv.Fault.UnitID})
		if err != nil {
			return err
		}
		v.Advice.FaultUnit = names[adv.Fault.UnitID]
	}
	if !v.Can[string(dossier.ActApologise)] {
		return nil
	}
	perDay := cal.OfficeHours().PerDay()
	need := perDay
	if n := len(slip); n > 0 && slip[n-1].Open() {
		if need, err = dossier.NeededBeforeResult(cal, d.Workflow, d.StepIndex, now, slip[n-1].Due); err != nil {
			return err
		}
	}
	from := now
	if shown := d.DueShown(); shown.After(from) {
		from = shown
	}
	due, err := cal.AddWorkingTime(from, max(need, perDay))
	if err != nil {
		return err
	}
	v.SuggestedDue = vnLocal(due.Truncate(time.Minute))
	return nil
}

// printsOf lists the forms the dossier can print now.
func printsOf(d dossier.Dossier) []printLink {
	var out []printLink
	if d.Code != "" && !d.ReceivedAt.IsZero() {
		out = append(out, printLink{"receipt", "dossier.print_receipt"}, printLink{"control", "dossier.print_control"})
	}
	if d.Supplements > 0 {
		out = append(out, printLink{"supplement", "dossier.print_supplement"})
	}
	if d.Apologies > 0 {
		out = append(out, printLink{"apology", "dossier.print_apology"})
	}
	if d.State == dossier.Stopped && d.Regime == dossier.Regime2025 {
		out = append(out, printLink{"stop", "dossier.print_stop"})
	}
	if d.State == dossier.Refused {
		out = append(out, printLink{"refusal", "dossier.print_refusal"})
	}
	return out
}
