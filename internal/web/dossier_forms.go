package web

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/forms"
	"github.com/motcua/motcua/internal/unit"
)

// The one place where dossiers become the forms package's input: what each printed form
// says, in Vietnamese whatever the reader's language, since the papers are official.

// formHeading is the heading of a unit's papers: the People's Committee above it as the
// governing authority, the unit itself as the issuer, and its commune (or ward, district,
// province) as the place of the date line. A People's Committee as agency is governed by
// the committee of the level above; an administrative unit issues as its committee.
func (s *Server) formHeading(ctx context.Context, u unit.Unit) (forms.Heading, error) {
	var chain []unit.Unit // root first, u last
	for _, id := range strings.Split(strings.Trim(u.Path, "/"), "/") {
		if id == u.ID {
			chain = append(chain, u)
			continue
		}
		a, err := s.db.Unit(ctx, id)
		if err != nil {
			return forms.Heading{}, err
		}
		chain = append(chain, a)
	}
	home := -1 // the nearest administrative unit at or above u
	for i := len(chain) - 1; i >= 0; i-- {
		if !chain[i].Kind.IsAgency() {
			home = i
			break
		}
	}
	h := forms.Heading{Unit: u.Name}
	if home < 0 {
		return h, nil
	}
	h.Place = placeName(chain[home].Name)
	above := "" // the committee of the level above home
	if home > 0 {
		above = committeeOf(chain[home-1])
	}
	switch {
	case !u.Kind.IsAgency():
		h.Authority, h.Unit = above, committeeOf(u)
	case u.Kind == unit.Committee:
		h.Authority = above
	default:
		h.Authority = committeeOf(chain[home])
		for i := len(chain) - 2; i > home; i-- { // an agency inside a committee
			if chain[i].Kind == unit.Committee {
				h.Authority = chain[i].Name
				break
			}
		}
	}
	return h, nil
}

// committeeOf names the People's Committee of an administrative unit ("Xã Thanh Ba" →
// "Ủy ban nhân dân xã Thanh Ba").
func committeeOf(u unit.Unit) string {
	name := u.Name
	if r := []rune(name); len(r) > 0 {
		name = strings.ToLower(string(r[0])) + string(r[1:])
	}
	return "Ủy ban nhân dân " + name
}

// placeName drops the level from a unit's name for the date line ("Xã Thanh Ba" →
// "Thanh Ba").
func placeName(name string) string {
	for _, prefix := range []string{"Xã ", "Phường ", "Thị trấn ", "Thị xã ", "Đặc khu ", "Huyện ", "Quận ", "Thành phố ", "Tỉnh "} {
		if rest, ok := strings.CutPrefix(name, prefix); ok {
			return rest
		}
	}
	return name
}

func formApplicant(a dossier.Applicant) forms.Applicant {
	return forms.Applicant{Name: a.Name, IDNumber: a.IDNumber, Phone: a.Phone, Email: a.Email, Address: a.Address,
		Organisation: a.Kind == dossier.Organisation, Representative: a.Representative}
}

// formComponents lists the papers taken in.
func formComponents(cs []dossier.Component) []forms.Component {
	var out []forms.Component
	for _, c := range cs {
		if c.Received {
			out = append(out, forms.Component{Name: c.Name, Originals: c.Originals, Copies: c.Copies, Digitised: c.Digitised})
		}
	}
	return out
}

// resultText words a timeliness for the control slip.
func resultText(timeliness string) string {
	switch timeliness {
	case "early":
		return forms.ResultEarly
	case "on_time":
		return forms.ResultOnTime
	case "late":
		return forms.ResultLate
	}
	return ""
}

// formSource is a dossier with what its forms print beside it: history, control slip,
// names and heading.
type formSource struct {
	deskDossier
	heading forms.Heading
	events  []dossier.Event
	slip    []dossier.StepRecord
	people  map[string]string
	units   map[string]string
	vi      func(key string, args ...any) string
}

func (s *Server) formSource(ctx context.Context, dd deskDossier) (formSource, error) {
	src := formSource{deskDossier: dd, vi: func(key string, args ...any) string { return s.i18n.T("vi", key, args...) }}
	var err error
	if src.heading, err = s.formHeading(ctx, dd.Agency); err != nil {
		return src, err
	}
	if src.events, err = s.db.History(ctx, dd.D.ID); err != nil {
		return src, err
	}
	if src.slip, err = s.db.ControlSlip(ctx, dd.D.ID); err != nil {
		return src, err
	}
	userIDs := []string{dd.D.ReceivedBy, dd.D.CreatedBy}
	unitIDs := []string{dd.D.UnitID}
	for _, e := range src.events {
		userIDs = append(userIDs, e.ActorID)
	}
	for _, st := range src.slip {
		userIDs = append(userIDs, st.AssigneeID, st.FromUserID, st.FinishedBy)
		unitIDs = append(unitIDs, st.UnitID)
	}
	if src.people, err = s.db.UserNames(ctx, userIDs); err != nil {
		return src, err
	}
	src.units, err = s.db.UnitNames(ctx, unitIDs)
	return src, err
}

func (src formSource) regime() forms.Regime { return forms.Regime(src.D.Regime) }

// last returns the newest event of an action.
func (src formSource) last(a dossier.Action) (dossier.Event, bool) {
	for i := len(src.events) - 1; i >= 0; i-- {
		if src.events[i].Action == a {
			return src.events[i], true
		}
	}
	return dossier.Event{}, false
}

// eventDetail is the part of an event's detail the forms print.
type eventDetail struct {
	Reason string                   `json:"reason"`
	Items  []dossier.SupplementItem `json:"items"`
	Due    time.Time                `json:"due"`
	NewDue time.Time                `json:"new_due"`
}

func detailOf(e dossier.Event) eventDetail {
	var d eventDetail
	_ = json.Unmarshal([]byte(e.Detail), &d) // written by the store; a field it lacks stays zero
	return d
}

// notIssued is the answer for a form the dossier has no occasion for (yet).
func notIssued(key string) error { return failure.New(failure.NotFound, "", key) }

// returnMethods words on the receipt how the result will be handed over, by the channel
// the dossier came in.
var returnMethods = map[dossier.Channel]string{
	dossier.AtDesk: "Trực tiếp tại Bộ phận Một cửa",
	dossier.ByPost: "Qua dịch vụ bưu chính công ích",
	dossier.Online: "Trực tuyến trên Cổng dịch vụ công",
}

// receipt is Mẫu 01 with the appointment in force (a new one after a supplement).
func (src formSource) receipt(limit, lookupURL string) forms.Receipt {
	d := src.D
	method := returnMethods[d.Channel]
	if d.Channel == dossier.AtDesk && d.Regime == dossier.Regime2018 {
		method = "Trực tiếp tại Bộ phận Tiếp nhận và Trả kết quả"
	}
	return forms.Receipt{Heading: src.heading, Code: d.Code, ReceivedAt: d.ReceivedAt,
		Receiver: firstNonBlank(src.people[d.ReceivedBy], src.heading.Unit), Applicant: formApplicant(d.Applicant),
		Procedure: d.ProcedureName, Components: formComponents(d.Components), TimeLimit: limit, DueAt: d.Due,
		Rule: d.DueRule.Vi, ReturnMethod: method, LookupURL: lookupURL, Regime: src.regime()}
}

// supplement is Mẫu 02 from the last request: its items, or what the dossier still misses.
func (src formSource) supplement() (forms.SupplementRequest, error) {
	e, ok := src.last(dossier.ActRequest)
	if !ok {
		return forms.SupplementRequest{}, notIssued("dossier.no_supplement_request")
	}
	items := detailOf(e).Items
	if len(items) == 0 {
		items = src.D.Missing
	}
	out := forms.SupplementRequest{Heading: src.heading, Code: src.D.Code, Applicant: formApplicant(src.D.Applicant),
		Procedure: src.D.ProcedureName, Official: src.people[e.ActorID], IssuedAt: e.At, Regime: src.regime()}
	for _, it := range items {
		out.Items = append(out.Items, forms.SupplementItem{Name: it.Name, Reason: it.Reason})
	}
	return out, nil
}

// apology is Mẫu 04 from the last apology: its reason and new date, against the
// appointment in force when it was written.
func (src formSource) apology() (forms.Apology, error) {
	e, ok := src.last(dossier.ActApologise)
	if !ok {
		return forms.Apology{}, notIssued("dossier.no_apology")
	}
	original := src.D.Due
	for _, ev := range src.events {
		if ev.Seq >= e.Seq {
			break
		}
		if due := detailOf(ev).Due; !due.IsZero() && (ev.Action == dossier.ActReceive || ev.Action == dossier.ActSupply) {
			original = due
		}
	}
	det := detailOf(e)
	return forms.Apology{Heading: src.heading, Code: src.D.Code, Applicant: formApplicant(src.D.Applicant),
		Procedure: src.D.ProcedureName, ReceivedAt: src.D.ReceivedAt, OriginalDue: original, Reason: det.Reason,
		NewDue: det.NewDue, Signer: forms.Signer{Name: src.people[e.ActorID]}, IssuedAt: e.At, Regime: src.regime()}, nil
}

// stop is Mẫu 05 of Circular 03/2025; the 2018 forms have none.
func (src formSource) stop() (forms.StopNotice, error) {
	if src.D.Regime == dossier.Regime2018 {
		return forms.StopNotice{}, notIssued("dossier.stop_notice_2018")
	}
	e, ok := src.last(dossier.ActStop)
	if !ok || src.D.State != dossier.Stopped {
		return forms.StopNotice{}, notIssued("dossier.not_stopped")
	}
	return forms.StopNotice{Heading: src.heading, Code: src.D.Code, Applicant: formApplicant(src.D.Applicant),
		Procedure: src.D.ProcedureName, ReceivedAt: src.D.ReceivedAt, Reason: firstNonBlank(src.D.ClosingReason, detailOf(e).Reason),
		Signer: forms.Signer{Name: src.people[e.ActorID]}, IssuedAt: e.At, Regime: src.regime()}, nil
}

// refusal is Mẫu 03 for a dossier refused at intake.
func (src formSource) refusal() (forms.Refusal, error) {
	if src.D.State != dossier.Refused {
		return forms.Refusal{}, notIssued("dossier.not_refused")
	}
	official, at := src.people[src.D.CreatedBy], src.D.UpdatedAt
	if e, ok := src.last(dossier.ActRefuse); ok {
		official, at = src.people[e.ActorID], e.At
	}
	return forms.Refusal{Heading: src.heading, Code: src.D.Code, Applicant: formApplicant(src.D.Applicant),
		Procedure: src.D.ProcedureName, Reasons: []string{src.D.ClosingReason}, Official: official, IssuedAt: at,
		Regime: src.regime()}, nil
}

// controlSlip is Mẫu 06 (2018: 05): one row per hand-over, the first from the applicant.
func (src formSource) controlSlip() forms.ControlSlip {
	d := src.D
	out := forms.ControlSlip{Heading: src.heading, Code: d.Code, Applicant: formApplicant(d.Applicant),
		Procedure: d.ProcedureName, ReceivedAt: d.ReceivedAt, DueAt: d.Due, Regime: src.regime()}
	for i, st := range src.slip {
		h := forms.Handover{ToUnit: src.units[st.UnitID], ToOfficial: src.people[firstNonBlank(st.FinishedBy, st.AssigneeID)],
			HandedAt: st.StartedAt, Due: st.Due, Result: resultText(st.Timeliness)}
		if i == 0 {
			h.FromOfficial = d.Applicant.Name
		} else {
			h.FromUnit, h.FromOfficial = src.units[src.slip[i-1].UnitID], src.people[st.FromUserID]
		}
		var note []string
		if st.Outcome != "" && st.Outcome != dossier.ActForward {
			note = append(note, src.vi(st.Outcome.Key()))
		}
		if st.Note != "" {
			note = append(note, st.Note)
		}
		h.Note = strings.Join(note, ": ")
		out.Rows = append(out.Rows, h)
	}
	return out
}

// registerRows turns listed dossiers into register rows; units names the transfer targets.
func registerRows(list []dossier.Dossier, now time.Time, units map[string]string, vi func(string, ...any) string) []forms.RegisterRow {
	rows := make([]forms.RegisterRow, len(list))
	for i, d := range list {
		var to []string
		for j, st := range d.Workflow {
			if st.TransferTo != "" && j <= d.StepIndex {
				to = append(to, units[st.TransferTo])
			}
		}
		var note []string
		if d.State != dossier.Returned {
			note = append(note, vi("dossier.state_"+string(d.State)))
		}
		if d.Apologies > 0 {
			note = append(note, "Đã xin lỗi, hẹn lại "+d.DueShown().In(vnZone).Format("02/01/2006 15:04"))
		}
		if d.ClosingReason != "" {
			note = append(note, d.ClosingReason)
		}
		addr := d.Applicant.Address
		if d.Applicant.Phone != "" {
			addr += "; " + d.Applicant.Phone
		}
		rows[i] = forms.RegisterRow{Code: firstNonBlank(d.Code, d.ID), Applicant: d.Applicant.Name, AddressPhone: addr,
			ReceivedAt: d.ReceivedAt, DueAt: d.Due, TransferredTo: strings.Join(to, "; "), ResolvedAt: d.ResolvedAt,
			ReturnedAt: d.ReturnedAt, Late: d.Timeliness == "late" || d.Overdue(now), Note: strings.Join(note, ". ")}
	}
	return rows
}

// transferTargets lists the units the dossiers were transferred to, for their names.
func transferTargets(list []dossier.Dossier) []string {
	var ids []string
	for _, d := range list {
		for _, st := range d.Workflow {
			if st.TransferTo != "" {
				ids = append(ids, st.TransferTo)
			}
		}
	}
	return ids
}
