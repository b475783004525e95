package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/failure"
)

// actOnDossier handles every action form of the dossier page (and the queue's one-click
// forward). Each form posts the dossier version it was drawn from: if someone acted in
// between, the store refuses with "changed by X at HH:MM" and nothing changes. A refused
// action redraws the page with the message and what the official typed; the supplement
// request's "add a row" button only redraws the form with one more row.
func (s *Server) actOnDossier(w http.ResponseWriter, r *http.Request) {
	act := dossier.Action(r.PathValue("action"))
	if !slices.Contains(webActions, act) {
		s.notFound(w, r)
		return
	}
	dd, ok := s.loadDossier(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	form := r.PostForm
	items := postedItems(form)
	if act == dossier.ActRequest && form.Get("add") != "" {
		p := s.newPage(r, "dossier.title")
		p.Form = typedValues(string(act), form)
		s.renderDossier(w, r, http.StatusOK, p, dd, viewOptions{Open: string(act), Items: append(items, dossier.SupplementItem{})})
		return
	}
	cmd, err := commandOf(dd.D.ID, act, form, items)
	if err == nil {
		var d dossier.Dossier
		if d, err = s.db.Act(r.Context(), actor(r), cmd); err == nil {
			s.flash(r, "dossier.action_done", s.i18n.T(s.lang(r), act.Key()), firstNonBlank(d.Code, d.ID))
			target := "/dossiers/" + d.ID
			if form.Get("from") == "queue" {
				target = "/dossiers"
			}
			http.Redirect(w, r, target, http.StatusSeeOther)
			return
		}
	}
	e, ok := failure.As(err)
	if !ok || e.Kind == failure.NotFound || e.Kind == failure.Forbidden {
		s.handleErr(w, r, err)
		return
	}
	// The page is drawn from the dossier as it stands now; the refused form keeps what
	// was typed.
	p := s.newPage(r, "dossier.title")
	s.formErrors(p, err)
	p.Form = typedValues(string(act), form)
	s.renderDossier(w, r, statusOf(e.Kind), p, dd, viewOptions{Open: string(act), Items: items, Conflict: e.Key == "dossier.changed"})
}

// commandOf reads an action form into a command.
func commandOf(id string, act dossier.Action, form url.Values, items []dossier.SupplementItem) (dossier.Command, error) {
	version, err := strconv.Atoi(form.Get("version"))
	if err != nil || version < 1 {
		return dossier.Command{}, failure.New(failure.Invalid, "version", "error.bad_form")
	}
	cmd := dossier.Command{DossierID: id, Action: act, Version: version, Note: form.Get("note"),
		Reason: form.Get("reason"), AssigneeID: strings.TrimSpace(form.Get("assignee_id"))}
	switch act {
	case dossier.ActRequest:
		cmd.Items = items
	case dossier.ActApologise:
		if v := strings.TrimSpace(form.Get("new_due")); v != "" {
			t, err := calendar.ParseInstant(v)
			if err != nil {
				return cmd, failure.InvalidField("new_due", "dossier.new_due_invalid")
			}
			cmd.NewDue = t
		}
	case dossier.ActReturn:
		cmd.Channel = dossier.Channel(form.Get("channel"))
		cmd.Electronic = form.Get("electronic") != ""
	}
	return cmd, nil
}

// postedItems reads the supplement request's rows (one item_name and one item_reason per
// row).
func postedItems(form url.Values) []dossier.SupplementItem {
	names, reasons := form["item_name"], form["item_reason"]
	n := min(max(len(names), len(reasons)), 50)
	items := make([]dossier.SupplementItem, n)
	for i := range items {
		if i < len(names) {
			items[i].Name = names[i]
		}
		if i < len(reasons) {
			items[i].Reason = reasons[i]
		}
	}
	return items
}

// typedValues keeps the single-valued fields of a refused form to put back, named
// "<action>.<field>" since several forms of the page share field names.
func typedValues(act string, form url.Values) map[string]string {
	out := map[string]string{}
	for k, v := range form {
		if len(v) > 0 {
			out[act+"."+k] = v[0]
		}
	}
	return out
}
