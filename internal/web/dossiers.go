package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
)

// dossierRoutes registers the one-stop desk (issue 5) as officials use it: the "my work"
// queue, the register with its XLSX and PDF exports, intake, the dossier page with a form
// per action, and the printed forms. Reading needs ViewDossiers on the receiving agency or
// on the unit holding the dossier; each action is checked by dossier.Permit, as the store
// checks it again.
func (s *Server) dossierRoutes(app *http.ServeMux) {
	route(app, "GET /dossiers", s.signedIn(s.workQueue))
	route(app, "GET /dossiers/register", s.signedIn(s.dossierRegister))
	route(app, "GET /dossiers/register.xlsx", s.signedIn(s.registerXLSX))
	route(app, "GET /dossiers/register.pdf", s.signedIn(s.registerPDF))
	route(app, "GET /dossiers/new", s.signedIn(s.intakeForm))
	route(app, "POST /dossiers", s.signedIn(s.receiveDossier))
	route(app, "GET /dossiers/{id}", s.signedIn(s.showDossier))
	route(app, "POST /dossiers/{id}/actions/{action}", s.signedIn(s.actOnDossier))
	route(app, "GET /dossiers/{id}/print/{form}", s.signedIn(s.printDossier))
}

// deskDossier is a dossier with the two units its access rules read: the receiving agency
// and the unit holding it now (another one during a transfer).
type deskDossier struct {
	D       dossier.Dossier
	Agency  unit.Unit
	Current unit.Unit
}

// permit says whether the official may take action a on the dossier now: the transition
// must exist in the dossier's state and dossier.Permit must allow it.
func (dd deskDossier) permit(a auth.Actor, act dossier.Action) error {
	t, ok := dossier.TransitionFor(dd.D.State, act)
	if !ok {
		return failure.New(failure.Conflict, "action", "dossier.action_not_allowed")
	}
	return dossier.Permit(a, t, dd.D, dd.Agency.Path, dd.Current.Path)
}

// visibleTo reports whether the official may read the dossier: a dossier role over the
// receiving agency or over the unit holding it now.
func (dd deskDossier) visibleTo(a auth.Actor) bool {
	return a.Can(auth.ViewDossiers, dd.Agency.Path) || a.Can(auth.ViewDossiers, dd.Current.Path)
}

// deskUnits caches the units and calendars a page looks up for many dossiers.
type deskUnits struct {
	db    *store.DB
	units map[string]unit.Unit
	cals  map[string]*calendar.Calendar
}

func newDeskUnits(db *store.DB) *deskUnits {
	return &deskUnits{db: db, units: map[string]unit.Unit{}, cals: map[string]*calendar.Calendar{}}
}

func (c *deskUnits) unit(ctx context.Context, id string) (unit.Unit, error) {
	if u, ok := c.units[id]; ok {
		return u, nil
	}
	u, err := c.db.Unit(ctx, id)
	if err != nil {
		return u, err
	}
	c.units[id] = u
	return u, nil
}

func (c *deskUnits) calendar(ctx context.Context, unitID string) (*calendar.Calendar, error) {
	if cal, ok := c.cals[unitID]; ok {
		return cal, nil
	}
	cal, err := c.db.CalendarFor(ctx, unitID)
	if err != nil {
		return nil, err
	}
	c.cals[unitID] = cal
	return cal, nil
}

// of returns the dossier with its agency and current unit.
func (c *deskUnits) of(ctx context.Context, d dossier.Dossier) (deskDossier, error) {
	dd := deskDossier{D: d}
	var err error
	if dd.Agency, err = c.unit(ctx, d.UnitID); err != nil {
		return dd, err
	}
	dd.Current, err = c.unit(ctx, d.CurrentUnitID)
	return dd, err
}

// loadDossier loads the dossier named in the path, by ID or by national code, and checks
// that the official may read it: outside their units it is not found (its existence is not
// revealed), inside them without a dossier role it is forbidden.
func (s *Server) loadDossier(w http.ResponseWriter, r *http.Request) (deskDossier, bool) {
	ctx, ref := r.Context(), r.PathValue("id")
	var (
		d   dossier.Dossier
		err error
	)
	if _, perr := dossier.ParseCode(ref); perr == nil {
		d, err = s.db.DossierByCode(ctx, ref)
	} else {
		d, err = s.db.Dossier(ctx, ref)
	}
	if err != nil {
		s.handleErr(w, r, err)
		return deskDossier{}, false
	}
	dd, err := newDeskUnits(s.db).of(ctx, d)
	if err != nil {
		s.serverError(w, r, err)
		return dd, false
	}
	a := actor(r)
	switch {
	case dd.visibleTo(a):
		return dd, true
	case a.Can(auth.ViewUnit, dd.Agency.Path) || a.Can(auth.ViewUnit, dd.Current.Path):
		s.forbidden(w, r)
	default:
		s.renderError(w, r, failure.New(failure.NotFound, "", "dossier.not_found"), http.StatusNotFound)
	}
	return dd, false
}

// deskTabs is what the tab bar of the dossier pages needs.
type deskTabs struct {
	Tab        string // "queue", "register", "new"; empty on a dossier's page
	CanReceive bool
}

func tabs(a auth.Actor, tab string) deskTabs {
	return deskTabs{Tab: tab, CanReceive: a.CanAnywhere(auth.ReceiveDossier)}
}

// The "my work" queue.

// queueLimit bounds the queue: an official with more open steps sees the most urgent.
const queueLimit = 200

// queueRow is one open step waiting for the official.
type queueRow struct {
	store.WorkItem
	StepOverdue bool // the step's own due has passed
	DueToday    bool // the step falls due later today (Asia/Ho_Chi_Minh)
	Overdue     bool // the dossier's appointment has passed
	Apology     bool // an apology letter is needed now (DOMAIN.md rule 8)
	CanForward  bool // the one-click forward is permitted
	UnitName    string
}

type queuePage struct {
	Tabs      deskTabs
	Submitted []dossier.Dossier // online submissions the official's desk may accept or refuse
	Rows      []queueRow
	Limit     int
	Truncated bool
	Overdue   int
	DueToday  int
}

// queueRows reads the official's queue and marks what is late, due today or in need of an
// apology, and where the one-click forward may be offered.
func (s *Server) queueRows(ctx context.Context, a auth.Actor) ([]queueRow, error) {
	items, err := s.db.WorkQueue(ctx, a, queueLimit)
	if err != nil {
		return nil, err
	}
	now := s.cfg.Now()
	today := calendar.DateOf(now)
	units := newDeskUnits(s.db)
	rows := make([]queueRow, len(items))
	for i, it := range items {
		row := queueRow{WorkItem: it, StepOverdue: now.After(it.Step.Due), Overdue: it.Dossier.Overdue(now)}
		row.DueToday = !row.StepOverdue && calendar.DateOf(it.Step.Due) == today
		dd, err := units.of(ctx, it.Dossier)
		if err != nil {
			return nil, err
		}
		row.UnitName = dd.Current.Name
		row.CanForward = dd.permit(a, dossier.ActForward) == nil
		cal, err := units.calendar(ctx, it.Dossier.UnitID)
		if err != nil {
			return nil, err
		}
		// The queue's open row is the current step, all AdviseApology needs for "needed".
		adv, err := dossier.AdviseApology(cal, it.Dossier, []dossier.StepRecord{it.Step}, now)
		if err != nil {
			return nil, err
		}
		row.Apology = adv.Needed
		rows[i] = row
	}
	return rows, nil
}

func (s *Server) workQueue(w http.ResponseWriter, r *http.Request) {
	a := actor(r)
	if !a.CanAnywhere(auth.ViewDossiers) {
		s.forbidden(w, r)
		return
	}
	rows, err := s.queueRows(r.Context(), a)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	data := queuePage{Tabs: tabs(a, "queue"), Rows: rows, Limit: queueLimit, Truncated: len(rows) == queueLimit}
	if paths, everywhere := a.Scopes(auth.ReceiveDossier); everywhere || len(paths) > 0 {
		f := store.DossierFilter{Under: paths, States: []dossier.State{dossier.Submitted}, Limit: queueLimit}
		if data.Submitted, err = s.db.ListDossiers(r.Context(), f); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	for _, row := range rows {
		if row.StepOverdue {
			data.Overdue++
		}
		if row.DueToday {
			data.DueToday++
		}
	}
	p := s.newPage(r, "dossier.queue_title")
	p.Active = "nav.dossiers"
	p.Data = data
	s.render(w, r, http.StatusOK, "dossier_queue", p)
}

// The register (sổ theo dõi hồ sơ).

const (
	registerPageSize = 50
	// exportMax bounds an export: beyond it the official narrows the period or unit. A
	// district's ten months (some 26,000 dossiers) fit: 30,000 rows render as XLSX in about
	// 1.5 s and as PDF in about 4 s.
	exportMax = 50000
)

// registerQuery is the register's filter as read from the query string.
type registerQuery struct {
	Filter store.DossierFilter
	Unit   unit.Unit // the receiving agency chosen; zero for every one in scope
	Page   int
	Form   map[string]string
}

// readRegisterQuery reads the register's filters. The units searched are those where the
// official may read dossiers; a unit outside them is not found.
func (s *Server) readRegisterQuery(r *http.Request) (registerQuery, error) {
	a := actor(r)
	q := r.URL.Query()
	rq := registerQuery{Page: 1, Form: map[string]string{}}
	for _, k := range []string{"unit_id", "state", "q", "from", "to", "overdue"} {
		rq.Form[k] = strings.TrimSpace(q.Get(k))
	}
	paths, ok := viewScope(a, auth.ViewDossiers)
	if !ok {
		return rq, failure.New(failure.Forbidden, "", "error.forbidden")
	}
	rq.Filter.Under = paths
	if id := rq.Form["unit_id"]; id != "" {
		u, err := s.db.Unit(r.Context(), id)
		if err != nil || !a.Can(auth.ViewDossiers, u.Path) {
			return rq, failure.New(failure.NotFound, "", "error.not_found")
		}
		rq.Unit, rq.Filter.UnitID = u, u.ID
	}
	var errs failure.List
	if st := dossier.State(rq.Form["state"]); st != "" {
		if !st.Valid() {
			errs = append(errs, failure.InvalidField("state", "dossier.state_invalid"))
		}
		rq.Filter.States = []dossier.State{st}
	}
	rq.Filter.Query = searchText(rq.Form["q"])
	for _, k := range []string{"from", "to"} {
		if rq.Form[k] == "" {
			continue
		}
		d, err := calendar.ParseDate(rq.Form[k])
		if err != nil {
			errs = append(errs, failure.InvalidField(k, "form.date_invalid"))
			continue
		}
		if k == "from" {
			rq.Filter.From = d.Start()
		} else {
			rq.Filter.To = d.AddDays(1).Start()
		}
	}
	if rq.Form["overdue"] != "" {
		rq.Filter.Overdue = s.cfg.Now()
	}
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100000 {
			errs = append(errs, failure.InvalidField("page", "dossier.page_invalid"))
		}
		rq.Page = max(n, 1)
	}
	return rq, errs.Err()
}

// searchText prepares a register search: a phone or ID typed with spaces or dots is
// searched as its digits, as the store keeps them.
func searchText(q string) string {
	digits := strings.Map(func(r rune) rune {
		switch {
		case r >= '0' && r <= '9':
			return r
		case r == ' ' || r == '.' || r == '-' || r == '+':
			return -1
		}
		return 'x'
	}, q)
	if digits != "" && !strings.Contains(digits, "x") && strings.ContainsAny(q, " .-+") {
		if strings.HasPrefix(q, "+84") {
			return "0" + digits[2:]
		}
		return digits
	}
	return q
}

// encode writes the filter back as a query string (without the page).
func (rq registerQuery) encode() string {
	v := url.Values{}
	for k, x := range rq.Form {
		if x != "" {
			v.Set(k, x)
		}
	}
	return v.Encode()
}

// registerLine is one dossier of the register page.
type registerLine struct {
	D        dossier.Dossier
	Overdue  bool
	UnitName string
}

type registerPage struct {
	Tabs     deskTabs
	Lines    []registerLine
	Tally    store.DossierTally
	Rate     string
	Agencies []unit.Unit
	States   []dossier.State
	Page     int
	Pages    int
	XLSX     string // export links with the filter
	PDF      string
	Prev     string // paging links, empty at either end
	Next     string
}

// registerAgencies lists the receiving agencies (units with an electronic identifier)
// whose dossiers the official may read, retired ones included: their dossiers remain.
func (s *Server) registerAgencies(ctx context.Context, a auth.Actor) ([]unit.Unit, error) {
	paths, ok := viewScope(a, auth.ViewDossiers)
	if !ok {
		return nil, nil
	}
	all, err := s.db.ListUnits(ctx, store.UnitFilter{Under: paths, Kinds: []unit.Kind{unit.Committee, unit.Centre, unit.Office}})
	if err != nil {
		return nil, err
	}
	var out []unit.Unit
	for _, u := range all {
		if u.AgencyCode != "" {
			out = append(out, u)
		}
	}
	return out, nil
}

func (s *Server) dossierRegister(w http.ResponseWriter, r *http.Request) {
	rq, err := s.readRegisterQuery(r)
	if err != nil {
		if failure.Is(err, failure.Invalid) {
			s.renderError(w, r, err, http.StatusBadRequest)
			return
		}
		s.handleErr(w, r, err)
		return
	}
	ctx := r.Context()
	tally, err := s.db.TallyDossiers(ctx, rq.Filter)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	f := rq.Filter
	f.Limit, f.Offset = registerPageSize, (rq.Page-1)*registerPageSize
	list, err := s.db.ListDossiers(ctx, f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	agencies, err := s.registerAgencies(ctx, actor(r))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	names := map[string]string{}
	for _, u := range agencies {
		names[u.ID] = u.Name
	}
	now := s.cfg.Now()
	query := rq.encode()
	data := registerPage{Tabs: tabs(actor(r), "register"), Tally: tally, Agencies: agencies, States: dossier.States,
		Page: rq.Page, Pages: max(1, (tally.Total+registerPageSize-1)/registerPageSize),
		Rate: strconv.FormatFloat(tally.OnTimeRate(), 'f', 1, 64),
		XLSX: "/dossiers/register.xlsx?" + query, PDF: "/dossiers/register.pdf?" + query}
	page := func(n int) string {
		v, _ := url.ParseQuery(query)
		v.Set("page", strconv.Itoa(n))
		return "/dossiers/register?" + v.Encode()
	}
	if rq.Page > 1 {
		data.Prev = page(rq.Page - 1)
	}
	if rq.Page < data.Pages {
		data.Next = page(rq.Page + 1)
	}
	for _, d := range list {
		data.Lines = append(data.Lines, registerLine{D: d, Overdue: d.Overdue(now), UnitName: names[d.UnitID]})
	}
	p := s.newPage(r, "dossier.register_title")
	if p.Lang == "vi" { // 99,8%
		data.Rate = strings.Replace(data.Rate, ".", ",", 1)
	}
	p.Active = "nav.dossiers"
	p.Form = rq.Form
	p.Data = data
	s.render(w, r, http.StatusOK, "dossier_register", p)
}

// myWork counts the official's open steps and how many are overdue, for the home page.
func (s *Server) myWork(ctx context.Context, a auth.Actor) (open, overdue int, err error) {
	if !a.CanAnywhere(auth.ViewDossiers) {
		return 0, 0, nil
	}
	items, err := s.db.WorkQueue(ctx, a, queueLimit)
	if err != nil {
		return 0, 0, err
	}
	now := s.cfg.Now()
	for _, it := range items {
		if now.After(it.Step.Due) {
			overdue++
		}
	}
	return len(items), overdue, nil
}

// vnLocal formats an instant for a datetime-local input, in Asia/Ho_Chi_Minh.
func vnLocal(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(vnZone).Format("2006-01-02T15:04")
}
