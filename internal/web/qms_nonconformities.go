package web

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/qms"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
)

// Nonconformities and corrective actions (issue 8, part 3): a unit's list with the form to
// raise one by hand and the button that runs the automatic raising, and each record's page
// with the corrective action's steps.

// ncFilters are the lists the nonconformities page offers.
var ncFilters = []string{"open", "overdue", "closed", "dismissed", "all"}

func (s *Server) qmsNonconformities(w http.ResponseWriter, r *http.Request) {
	u, acc, ok := s.loadQMSUnit(w, r, auth.ViewQMS)
	if !ok {
		return
	}
	p := s.qmsPage(r, "qms.ncs", u, "ncs")
	p.Form = map[string]string{"source": string(qms.SourceComplaint), "month": qms.MonthOf(s.cfg.Now()).Prev().String()}
	s.qmsNonconformitiesPage(w, r, http.StatusOK, p, u, acc)
}

func (s *Server) qmsNonconformitiesPage(w http.ResponseWriter, r *http.Request, status int, p *page, u unit.Unit, acc qmsAccess) {
	q := r.URL.Query()
	show := q.Get("show")
	if !slices.Contains(ncFilters, show) {
		show = "open"
	}
	today := s.today()
	f := store.NCFilter{UnitID: u.ID, Source: qms.Source(q.Get("source")), Limit: 500}
	if !f.Source.Valid() {
		f.Source = ""
	}
	if y, err := strconv.Atoi(q.Get("year")); err == nil {
		f.Year = y
	}
	switch show {
	case "open":
		f.Open = true
	case "overdue":
		f.OverdueOn = today
	case "closed":
		f.Statuses = []qms.NCStatus{qms.NCClosed}
	case "dismissed":
		f.Statuses = []qms.NCStatus{qms.NCDismissed}
	}
	list, err := s.db.Nonconformities(r.Context(), f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	data := p.data()
	data["NCs"], data["Show"], data["Filters"], data["Sources"], data["ManualSources"] = list, show, ncFilters, qms.Sources, qms.ManualSources
	data["SourceFilter"], data["Access"], data["Today"] = string(f.Source), acc, today
	s.render(w, r, status, "qms_ncs", p)
}

func (s *Server) raiseQMSNonconformity(w http.ResponseWriter, r *http.Request) {
	u, acc, ok := s.loadQMSUnit(w, r, auth.ManageQMS)
	if !ok || !s.parseForm(w, r) {
		return
	}
	form := map[string]string{"source": r.PostForm.Get("source"), "title": r.PostForm.Get("title"),
		"description": r.PostForm.Get("description")}
	n, err := qms.NewManual(u.ID, qms.Source(form["source"]), form["title"], form["description"])
	if err == nil {
		err = s.db.RaiseNonconformity(r.Context(), &n, actor(r).UserID)
	}
	if err != nil {
		s.refusedForm(w, r, err, u, "qms.ncs", "ncs", form, func(status int, p *page) {
			s.qmsNonconformitiesPage(w, r, status, p, u, acc)
		})
		return
	}
	s.flash(r, "qms.nc_raised")
	http.Redirect(w, r, "/qms/nonconformities/"+n.ID, http.StatusSeeOther)
}

// runQMSRaising runs the automatic raising for the unit and a month now.
func (s *Server) runQMSRaising(w http.ResponseWriter, r *http.Request) {
	u, acc, ok := s.loadQMSUnit(w, r, auth.ManageQMS)
	if !ok || !s.parseForm(w, r) {
		return
	}
	m, err := qms.ParseMonth(r.PostForm.Get("month"))
	if err != nil || qms.MonthOf(s.cfg.Now()).Before(m) {
		p := s.qmsPage(r, "qms.ncs", u, "ncs")
		p.Form = map[string]string{"month": r.PostForm.Get("month")}
		err := failure.InvalidField("month", "qms.month_invalid")
		s.formErrors(p, err)
		s.qmsNonconformitiesPage(w, r, http.StatusUnprocessableEntity, p, u, acc)
		return
	}
	res, err := s.db.RaiseAutomaticNonconformities(r.Context(), u.ID, qms.MonthPeriod(m))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "qms.raising_done", m.Display(), res.Raised, res.Evidence)
	http.Redirect(w, r, "/qms/units/"+u.ID+"/nonconformities?show=all", http.StatusSeeOther)
}

// ncAccess is what the official may do with a record.
type ncAccess struct {
	qmsAccess
	Owner bool // owner of the corrective action
}

// loadQMSNC loads the record in the path for an official with ViewQMS on its unit or who
// owns its corrective action.
func (s *Server) loadQMSNC(w http.ResponseWriter, r *http.Request) (store.NCRow, ncAccess, bool) {
	n, err := s.db.Nonconformity(r.Context(), r.PathValue("nc"))
	if err != nil {
		s.handleErr(w, r, err)
		return n, ncAccess{}, false
	}
	a := actor(r)
	acc := ncAccess{qmsAccess: qmsAccessTo(a, n.UnitPath), Owner: n.ActionOwnerID != "" && n.ActionOwnerID == a.UserID}
	if !acc.View && !acc.Owner {
		s.denyRecord(w, r, n.UnitPath, "qms.nc_not_found")
		return n, acc, false
	}
	return n, acc, true
}

func (s *Server) showQMSNC(w http.ResponseWriter, r *http.Request) {
	n, acc, ok := s.loadQMSNC(w, r)
	if !ok {
		return
	}
	s.qmsNCPage(w, r, http.StatusOK, s.newPage(r, "qms.nc"), n, acc)
}

func (s *Server) qmsNCPage(w http.ResponseWriter, r *http.Request, status int, p *page, n store.NCRow, acc ncAccess) {
	ctx := r.Context()
	u, err := s.db.Unit(ctx, n.UnitID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	evidence, err := s.db.NCEvidence(ctx, n.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	trail, err := s.qmsTrail(r, "qms_nonconformity", n.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	names, err := s.db.UserNames(ctx, []string{n.RaisedBy, n.VerifiedBy, n.ClosedBy, n.DismissedBy})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	data := map[string]any{"Unit": u, "Tab": "ncs", "N": n, "Access": acc, "Evidence": evidence, "Trail": trail,
		"Names": names, "Overdue": n.Overdue(s.today())}
	if acc.Manage {
		people, _, err := s.qmsPeople(r, u)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		data["People"] = people
	}
	if p.Form == nil {
		p.Form = map[string]string{"correction": n.Correction, "root_cause": n.RootCause, "action": n.Action,
			"owner_id": n.ActionOwnerID, "due_on": n.ActionDueOn.String()}
	}
	p.Active = "nav.qms"
	p.Title = s.ncTitle(p.Lang, n.Nonconformity)
	p.Data = data
	s.render(w, r, status, "qms_nc", p)
}

// ncTitle is a record's title: its own, or the words of its cause and month.
func (s *Server) ncTitle(lang string, n qms.Nonconformity) string {
	if n.Title != "" {
		return n.Title
	}
	key := "qms.nc_auto_" + string(n.Source)
	return s.i18n.T(lang, key, n.Month.Display(), n.EvidenceCount)
}

// ncStep is a step on a nonconformity (qmsRecord.step).
func (s *Server) ncStep(w http.ResponseWriter, r *http.Request, allowed func(ncAccess) bool,
	run func(n store.NCRow, me string) error, flashKey string) {
	qmsRecord[store.NCRow, ncAccess]{load: s.loadQMSNC, reload: s.db.Nonconformity, show: s.qmsNCPage,
		id: func(n store.NCRow) string { return n.ID }, titleKey: "qms.nc", path: "/qms/nonconformities/"}.
		step(s, w, r, allowed, run, flashKey)
}

func (s *Server) planQMSNC(w http.ResponseWriter, r *http.Request) {
	s.ncStep(w, r, func(a ncAccess) bool { return a.Manage }, func(n store.NCRow, me string) error {
		due, err := unit.ParseDate(r.PostForm.Get("due_on"))
		if err != nil {
			return failure.InvalidField("due_on", "form.date_invalid")
		}
		return s.db.PlanNonconformity(r.Context(), n.ID, qms.Plan{Correction: r.PostForm.Get("correction"),
			RootCause: r.PostForm.Get("root_cause"), Action: r.PostForm.Get("action"), OwnerID: r.PostForm.Get("owner_id"),
			DueOn: due}, me)
	}, "qms.nc_planned")
}

func (s *Server) implementQMSNC(w http.ResponseWriter, r *http.Request) {
	s.ncStep(w, r, func(a ncAccess) bool { return a.Manage || a.Owner }, func(n store.NCRow, me string) error {
		return s.db.ImplementAction(r.Context(), n.ID, r.PostForm.Get("note"), me)
	}, "qms.nc_implemented")
}

func (s *Server) verifyQMSNC(w http.ResponseWriter, r *http.Request) {
	s.ncStep(w, r, func(a ncAccess) bool { return a.Approve }, func(n store.NCRow, me string) error {
		return s.db.VerifyAction(r.Context(), n.ID, r.PostForm.Get("effective") == "yes", r.PostForm.Get("verification"), me)
	}, "qms.nc_verified")
}

func (s *Server) closeQMSNC(w http.ResponseWriter, r *http.Request) {
	s.ncStep(w, r, func(a ncAccess) bool { return a.Approve }, func(n store.NCRow, me string) error {
		return s.db.CloseNonconformity(r.Context(), n.ID, me)
	}, "qms.nc_closed")
}

func (s *Server) dismissQMSNC(w http.ResponseWriter, r *http.Request) {
	s.ncStep(w, r, func(a ncAccess) bool { return a.Manage }, func(n store.NCRow, me string) error {
		return s.db.DismissNonconformity(r.Context(), n.ID, r.PostForm.Get("reason"), me)
	}, "qms.nc_dismissed")
}

// raiseFromObjective records a missed month of an objective as a nonconformity.
func (s *Server) raiseFromObjective(w http.ResponseWriter, r *http.Request) {
	s.objectiveStepTo(w, r, func(o store.ObjectiveRow) (string, error) {
		m, err := qms.ParseMonth(r.PostForm.Get("month"))
		if err != nil {
			return "", failure.InvalidField("month", "qms.objective_month_invalid")
		}
		id, err := s.db.RaiseForObjective(r.Context(), o.ID, m, s.today(), actor(r).UserID)
		return "/qms/nonconformities/" + id, err
	}, "qms.nc_raised_objective")
}

// qmsNCSummary adds the dashboard's nonconformities: the automatic raising run if due,
// then the open and overdue records.
func (s *Server) qmsNCSummary(r *http.Request, u unit.Unit, data map[string]any) error {
	if err := s.db.RaiseIfDue(r.Context(), u); err != nil {
		s.logger(r).Error("automatic nonconformities", "err", err, "unit", u.ID)
	}
	open, err := s.db.Nonconformities(r.Context(), store.NCFilter{UnitID: u.ID, Open: true, Limit: 200})
	if err != nil {
		return err
	}
	today := s.today()
	var overdue []store.NCRow
	bySource := map[qms.Source]int{}
	for _, n := range open {
		if n.Overdue(today) {
			overdue = append(overdue, n)
		}
		bySource[n.Source]++
	}
	var counts []sourceCount
	for _, src := range qms.Sources {
		if bySource[src] > 0 {
			counts = append(counts, sourceCount{src, bySource[src]})
		}
	}
	data["OpenNCs"], data["OverdueNCs"], data["NCBySource"] = open, overdue, counts
	return nil
}

// sourceCount is how many open records a cause has.
type sourceCount struct {
	Source qms.Source
	N      int
}
