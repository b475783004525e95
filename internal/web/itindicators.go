package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/report"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
)

// IT and administrative-reform indicators (issue 7, part 5): a unit's indicators for a
// year with the formula and inputs of each computed one, the entries with their evidence,
// the units below it for the same year, the history across years, and the official mail
// domains. Reading needs ViewReports on the unit; entering and closing a year the unit's
// QMS secretary or administrator (ManageQMS or ManageUnits); the mail domains its
// administrator (ManageUnits).
func (s *Server) itIndicatorRoutes(app *http.ServeMux) {
	route(app, "GET /it-indicators/units/{id}", s.signedIn(s.itIndicators))
	route(app, "POST /it-indicators/units/{id}/entries", s.signedIn(s.saveITEntry))
	route(app, "POST /it-indicators/units/{id}/close", s.signedIn(s.closeITYear))
	route(app, "POST /it-indicators/units/{id}/domains", s.signedIn(s.addMailDomain))
	route(app, "POST /it-indicators/units/{id}/domains/{dom}/delete", s.signedIn(s.removeMailDomain))
}

// itAccess is what the official may do with a unit's indicators.
type itAccess struct {
	Enter, Domains bool
}

func itAccessTo(a auth.Actor, path string) itAccess {
	return itAccess{Enter: a.Can(auth.ManageQMS, path) || a.Can(auth.ManageUnits, path), Domains: a.Can(auth.ManageUnits, path)}
}

// itRow is one indicator as the pages show it.
type itRow struct {
	Key     report.ITKey
	Entered bool
	Known   bool
	Value   string // "25,00%", "0,75", "Có"
	Inputs  string // "2 ÷ 8" for a rate or ratio
	Entry   *report.ITEntry
}

// itRows lays out a year's indicators for the reader.
func (s *Server) itRows(lang string, y report.ITYear) []itRow {
	rows := make([]itRow, 0, len(y.Values))
	for _, v := range y.Values {
		d, _ := report.ITIndicatorOf(v.Key)
		row := itRow{Key: v.Key, Entered: d.Entered(), Known: v.Known, Value: s.itValueText(lang, v), Entry: v.Entry}
		if v.Type == report.ITRate || v.Type == report.ITRatio {
			if !d.Entered() || v.Entry != nil {
				row.Inputs = number(lang, v.Num) + " ÷ " + number(lang, v.Den)
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// itValueText is an indicator's value: a rate as a percentage, a ratio with two decimals,
// yes or no, an entered percent; "—" when unknown.
func (s *Server) itValueText(lang string, v report.ITValue) string {
	if !v.Known {
		return "—"
	}
	switch v.Type {
	case report.ITRate: // from its parts, as every other rate, not from the rounded value
		return percentText(lang, report.Rate{Num: v.Num, Den: v.Den})
	case report.ITPercent:
		return decimal(lang, v.Value, 2) + "%"
	case report.ITRatio:
		return decimal(lang, float64(v.Num)/float64(v.Den), 2)
	case report.ITYesNo:
		if v.Value == 1 {
			return s.i18n.T(lang, "itindicator.yes")
		}
		return s.i18n.T(lang, "itindicator.no")
	}
	return "—"
}

// decimal formats a number with n decimals and the reader's decimal mark.
func decimal(lang string, v float64, n int) string {
	s := strconv.FormatFloat(v, 'f', n, 64)
	if lang == "vi" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// itChild is a unit below with its indicators of the year.
type itChild struct {
	Unit unit.Unit
	Rows []itRow
}

// itChildren computes the year's indicators of the administrative units directly below u
// (the communes of a district), and their total: officials and dossiers summed.
func (s *Server) itChildren(r *http.Request, u unit.Unit, year int, counts map[string]store.MailCount) ([]itChild, []itRow, error) {
	ctx := r.Context()
	kids, err := s.db.ListUnits(ctx, store.UnitFilter{ParentID: u.ID})
	if err != nil {
		return nil, nil, err
	}
	lang := s.lang(r)
	var (
		out   []itChild
		total report.ITInputs
	)
	for _, k := range kids {
		if k.Kind.IsAgency() {
			continue
		}
		y, err := s.db.ITYear(ctx, k, year, counts)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, itChild{Unit: k, Rows: s.itRows(lang, y)})
		addITTotal(&total, y)
	}
	if len(out) == 0 {
		return nil, nil, nil
	}
	return out, s.itRows(lang, report.ComputeIT(u.ID, year, total)), nil
}

// addITTotal adds a unit's computed parts (officials, dossiers) to a total's inputs.
func addITTotal(t *report.ITInputs, y report.ITYear) {
	m := y.Value(report.ITOfficialMail)
	t.Officials += m.Den
	t.OfficialMail += m.Num
	on, dig, paid, el := y.Value(report.ITOnlineReceived), y.Value(report.ITDigitised), y.Value(report.ITPaidOnline),
		y.Value(report.ITElectronicResult)
	t.Stats.ReceivedOnline += on.Num
	t.Stats.ReceivedDesk += on.Den - on.Num // the received total, so the shares' denominators add up
	t.Stats.Digitised += dig.Num
	t.Stats.PaidOnline += paid.Num
	t.Stats.Electronic += el.Num
	t.Stats.Returned += el.Den
}

func (s *Server) itIndicators(w http.ResponseWriter, r *http.Request) {
	u, ok := s.loadUnitFor(w, r, auth.ViewReports)
	if !ok {
		return
	}
	p := s.newPage(r, "itindicator.title")
	year := s.yearParam(r, u)
	p.Form = map[string]string{"year": strconv.Itoa(year), "indicator": string(report.ITComputers)}
	s.itIndicatorsPage(w, r, http.StatusOK, p, u, year)
}

func (s *Server) itIndicatorsPage(w http.ResponseWriter, r *http.Request, status int, p *page, u unit.Unit, year int) {
	ctx := r.Context()
	counts, err := s.db.OfficialMailByLevel(ctx, u.Path)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	y, err := s.db.ITYear(ctx, u, year, counts)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	children, total, err := s.itChildren(r, u, year, counts)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	history, err := s.db.ITHistory(ctx, u, s.unitYear(u))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	own, err := s.db.MailDomains(ctx, u.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	type histCol struct {
		Year   int
		Closed bool
	}
	var cols []histCol
	histRows := map[report.ITKey][]string{}
	for _, h := range history {
		cols = append(cols, histCol{h.Year, h.Closed})
		for _, row := range s.itRows(p.Lang, h) {
			histRows[row.Key] = append(histRows[row.Key], row.Value)
		}
	}
	type histRow struct {
		Key    report.ITKey
		Values []string
	}
	var hist []histRow
	for _, d := range report.ITIndicators {
		hist = append(hist, histRow{d.Key, histRows[d.Key]})
	}
	var entered []report.ITKey
	for _, d := range report.ITIndicators {
		if d.Entered() {
			entered = append(entered, d.Key)
		}
	}
	closer := ""
	if y.ClosedBy != "" {
		names, err := s.db.UserNames(ctx, []string{y.ClosedBy})
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		closer = names[y.ClosedBy]
	}
	p.Title = s.i18n.T(p.Lang, "itindicator.title") + ": " + u.Name
	data := p.data()
	data["Unit"], data["Year"], data["Prev"], data["Next"] = u, year, year-1, year+1
	data["Access"], data["IT"], data["Rows"], data["Closer"] = itAccessTo(actor(r), u.Path), y, s.itRows(p.Lang, y), closer
	data["Children"], data["Total"], data["HistoryCols"], data["History"] = children, total, cols, hist
	data["Entered"], data["OwnDomains"], data["CanClose"] = entered, own, !y.Closed && year <= s.cfg.Now().In(vnZone).Year()
	data["Evaluation"] = actor(r).Can(auth.ViewQMS, u.Path)
	s.render(w, r, status, "itindicator", p)
}

// itStep runs a change to a unit's indicators for an official allowed by can, then goes
// back to the page of the year, or shows it again with the refusal and the form as typed.
func (s *Server) itStep(w http.ResponseWriter, r *http.Request, can func(itAccess) bool, run func(u unit.Unit, year int) (string, []any, error)) {
	u, ok := s.loadUnitFor(w, r, auth.ViewReports)
	if !ok || !s.parseForm(w, r) {
		return
	}
	if !can(itAccessTo(actor(r), u.Path)) {
		s.forbidden(w, r)
		return
	}
	year, err := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("year")))
	if err != nil {
		year = s.unitYear(u)
	}
	flashKey, args, err := run(u, year)
	target := fmt.Sprintf("/it-indicators/units/%s?year=%d", u.ID, year)
	s.stepDone(w, r, err, "itindicator.title", func(status int, p *page) {
		if year < 2000 || year > 2200 {
			year = s.unitYear(u)
		}
		s.itIndicatorsPage(w, r, status, p, u, year)
	}, target, flashKey, args...)
}

func (s *Server) saveITEntry(w http.ResponseWriter, r *http.Request) {
	s.itStep(w, r, func(a itAccess) bool { return a.Enter }, func(u unit.Unit, year int) (string, []any, error) {
		e := report.ITEntry{Key: report.ITKey(r.PostForm.Get("indicator")), Note: r.PostForm.Get("note")}
		if d, ok := report.ITIndicatorOf(e.Key); ok && d.Enter == report.ITYesNo {
			e.Value = parseNumber(r.PostForm.Get("yes_no"))
		} else {
			e.Value = parseNumber(r.PostForm.Get("value"))
		}
		name := "itindicator.name." + string(e.Key)
		return "itindicator.saved", []any{s.i18n.T(s.lang(r), name), year},
			s.db.SaveITEntry(r.Context(), u.ID, year, e, actor(r).UserID)
	})
}

func (s *Server) closeITYear(w http.ResponseWriter, r *http.Request) {
	s.itStep(w, r, func(a itAccess) bool { return a.Enter }, func(u unit.Unit, year int) (string, []any, error) {
		if year > s.cfg.Now().In(vnZone).Year() {
			return "", nil, failure.InvalidField("year", "itindicator.year_invalid", s.cfg.Now().In(vnZone).Year())
		}
		_, err := s.db.CloseITYear(r.Context(), u, year, actor(r).UserID)
		return "itindicator.closed", []any{year}, err
	})
}

func (s *Server) addMailDomain(w http.ResponseWriter, r *http.Request) {
	s.itStep(w, r, func(a itAccess) bool { return a.Domains }, func(u unit.Unit, _ int) (string, []any, error) {
		d, err := s.db.AddMailDomain(r.Context(), u.ID, r.PostForm.Get("pattern"), actor(r).UserID)
		return "itindicator.domain_added", []any{d.Pattern}, err
	})
}

func (s *Server) removeMailDomain(w http.ResponseWriter, r *http.Request) {
	s.itStep(w, r, func(a itAccess) bool { return a.Domains }, func(u unit.Unit, _ int) (string, []any, error) {
		return "itindicator.domain_removed", nil, s.db.RemoveMailDomain(r.Context(), u.ID, r.PathValue("dom"), actor(r).UserID)
	})
}

// itEnumKeys lists the message keys built at run time from the indicators, for the
// catalog test.
func itEnumKeys() map[string]string {
	keys := map[string]string{}
	for _, d := range report.ITIndicators {
		keys["itindicator.name."+string(d.Key)] = "report.ITIndicators"
		keys["itindicator.formula."+string(d.Key)] = "report.ITIndicators"
	}
	return keys
}
