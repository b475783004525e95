package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/qms"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
)

// Declarations of conformity (issue 8, part 7): a unit's declarations with the form for a
// new one, and its status (never declared, declared, or to declare again because the
// procedures in scope changed) on its dashboard and on the overview of several units.

// declStatus is a unit's declaration status.
type declStatus struct {
	Latest *qms.Declaration
	Drift  qms.Drift
}

// declStatusOf compares the unit's latest declaration with the procedures it publishes
// today (current).
func declStatusOf(latest *qms.Declaration, current []string) declStatus {
	st := declStatus{Latest: latest}
	if latest != nil {
		st.Drift = latest.DriftTo(current)
	}
	return st
}

// unitDeclStatus is the status of one unit today.
func (s *Server) unitDeclStatus(r *http.Request, u unit.Unit) (declStatus, []qms.Declaration, error) {
	list, err := s.db.Declarations(r.Context(), u.ID)
	if err != nil {
		return declStatus{}, nil, err
	}
	current, err := s.db.PublishedCodes(r.Context(), u.Path, s.today())
	if err != nil {
		return declStatus{}, nil, err
	}
	var latest *qms.Declaration
	if len(list) > 0 {
		latest = &list[0]
	}
	return declStatusOf(latest, current), list, nil
}

func (s *Server) qmsDeclarations(w http.ResponseWriter, r *http.Request) {
	u, acc, ok := s.loadQMSUnit(w, r, auth.ViewQMS)
	if !ok {
		return
	}
	p := s.qmsPage(r, "qms.declarations", u, "declarations")
	p.Form = map[string]string{"decided_on": s.today().String()}
	s.qmsDeclarationsPage(w, r, http.StatusOK, p, u, acc)
}

func (s *Server) qmsDeclarationsPage(w http.ResponseWriter, r *http.Request, status int, p *page, u unit.Unit, acc qmsAccess) {
	st, list, err := s.unitDeclStatus(r, u)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if _, ok := p.Form["scope"]; !ok {
		// The scope document in force words the scope, as the decision will.
		docs, err := s.db.Documents(r.Context(), store.DocumentFilter{UnitID: u.ID, Kind: qms.KindScope,
			Statuses: []qms.DocStatus{qms.Published}})
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if len(docs) > 0 {
			p.Form["scope"] = docs[0].Body
		}
	}
	data := p.data()
	data["Status"], data["Declarations"], data["Access"] = st, list, acc
	s.render(w, r, status, "qms_declarations", p)
}

func (s *Server) createQMSDeclaration(w http.ResponseWriter, r *http.Request) {
	u, acc, ok := s.loadQMSUnit(w, r, auth.ManageQMS)
	if !ok || !s.parseForm(w, r) {
		return
	}
	d := qms.Declaration{UnitID: u.ID, Number: r.PostForm.Get("number"), Signer: r.PostForm.Get("signer"),
		Scope: r.PostForm.Get("scope")}
	day, err := unit.ParseDate(r.PostForm.Get("decided_on"))
	if err != nil {
		d.Normalize()
		err = failure.Join(failure.InvalidField("decided_on", "form.date_invalid"), d.Validate())
	} else {
		d.DecidedOn = day
		err = s.db.CreateDeclaration(r.Context(), &d, actor(r).UserID)
	}
	s.stepDone(w, r, err, "qms.declarations", func(status int, p *page) {
		p.Title = s.i18n.T(p.Lang, "qms.declarations") + ": " + u.Name
		p.Active = "nav.qms"
		p.Data = map[string]any{"Unit": u, "Tab": "declarations"}
		s.qmsDeclarationsPage(w, r, status, p, u, acc)
	}, "/qms/units/"+u.ID+"/declarations", "qms.declared", d.Number)
}

// declStatuses computes the status of each unit listed, from one look at today's
// publications of the official's scope and the units' latest declarations.
func (s *Server) declStatuses(r *http.Request, paths []string, units []unit.Unit) (map[string]declStatus, error) {
	latest, err := s.db.LatestDeclarations(r.Context(), paths)
	if err != nil {
		return nil, err
	}
	pubs, err := s.db.Publications(r.Context(), store.PublicationFilter{Under: paths, ActiveOn: s.today()})
	if err != nil {
		return nil, err
	}
	out := map[string]declStatus{}
	for _, u := range units {
		var current []string
		for _, p := range pubs {
			if strings.HasPrefix(p.UnitPath, u.Path) && !slices.Contains(current, p.Code) {
				current = append(current, p.Code)
			}
		}
		var l *qms.Declaration
		if d, ok := latest[u.ID]; ok {
			l = &d
		}
		out[u.ID] = declStatusOf(l, current)
	}
	return out, nil
}
