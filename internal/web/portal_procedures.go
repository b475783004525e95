package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/unit"
)

// maxPortalUnits bounds the unit picker; a search narrows it.
const maxPortalUnits = 300

// receivingAgency loads a unit a citizen may pick: an agency with an electronic
// identifier that exists today. Anything else is not found.
func (s *Server) receivingAgency(ctx context.Context, id string) (unit.Unit, error) {
	u, err := s.db.Unit(ctx, id)
	if err == nil && (u.AgencyCode == "" || !u.ActiveOn(s.today())) {
		err = failure.New(failure.NotFound, "", "portal.unit_not_found")
	}
	if failure.Is(err, failure.NotFound) {
		return unit.Unit{}, failure.New(failure.NotFound, "", "portal.unit_not_found")
	}
	return u, err
}

// inForce is a procedure with the version in force today, formatted for the reader.
type inForce struct {
	procedure.Version
	LimitText   string
	FeeText     string
	Fees        []feeShown
	Submittable bool // online submission accepted
}

type feeShown struct {
	Name, Amount, Note string
}

func (s *Server) inForce(lang string, v procedure.Version) inForce {
	out := inForce{Version: v, LimitText: s.limitText(lang, v.Limit), Submittable: v.Online != procedure.OnlineNone}
	var total int64
	for _, f := range v.Fees {
		total += f.Amount
		out.Fees = append(out.Fees, feeShown{Name: f.Name, Amount: s.money(lang, f.Amount), Note: f.Note})
	}
	out.FeeText = s.money(lang, total)
	return out
}

// proceduresInForce lists what a unit applies today, matching q, with their versions in
// force.
func (s *Server) proceduresInForce(ctx context.Context, lang, unitID, q string) ([]inForce, error) {
	today := s.today()
	list, err := s.db.ProceduresInForce(ctx, unitID, today, q)
	if err != nil {
		return nil, err
	}
	var out []inForce
	for _, p := range list {
		if v, ok := p.VersionOn(today); ok {
			out = append(out, s.inForce(lang, v))
		}
	}
	return out, nil
}

func (s *Server) portalUnits(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	units, err := s.db.ReceivingAgencies(r.Context(), s.today(), q, maxPortalUnits)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := s.portalPage(r, "portal.procedures_title", "procedures")
	p.Form = map[string]string{"q": q}
	p.Data = map[string]any{"Units": units, "Truncated": len(units) == maxPortalUnits}
	s.render(w, r, http.StatusOK, "portal_units", p)
}

func (s *Server) portalProcedures(w http.ResponseWriter, r *http.Request) {
	u, err := s.receivingAgency(r.Context(), r.PathValue("unit"))
	if err != nil {
		s.handleErr(w, r, err)
		return
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	p := s.portalPage(r, "portal.procedures_title", "procedures")
	list, err := s.proceduresInForce(r.Context(), p.Lang, u.ID, q)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p.Title = s.i18n.T(p.Lang, "portal.procedures_unit_title", u.Name)
	p.Form = map[string]string{"q": q}
	p.Data = map[string]any{"Unit": u, "Procedures": list}
	s.render(w, r, http.StatusOK, "portal_procedures", p)
}

func (s *Server) portalProcedure(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u, err := s.receivingAgency(ctx, r.PathValue("unit"))
	if err != nil {
		s.handleErr(w, r, err)
		return
	}
	p := s.portalPage(r, "portal.procedures_title", "procedures")
	v, ok, err := s.procedureInForce(ctx, p.Lang, u.ID, r.PathValue("code"))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if !ok {
		s.renderError(w, r, failure.New(failure.NotFound, "", "portal.procedure_not_applied"), http.StatusNotFound)
		return
	}
	p.Title = v.Code + " " + v.Name
	p.Data = map[string]any{"Unit": u, "P": v}
	s.render(w, r, http.StatusOK, "portal_procedure", p)
}

// procedureInForce finds one procedure the unit applies today.
func (s *Server) procedureInForce(ctx context.Context, lang, unitID, code string) (inForce, bool, error) {
	code = procedure.NormalizeCode(code)
	if !procedure.ValidCode(code) {
		return inForce{}, false, nil
	}
	list, err := s.proceduresInForce(ctx, lang, unitID, "")
	if err != nil {
		return inForce{}, false, err
	}
	for _, v := range list {
		if v.Code == code {
			return v, true, nil
		}
	}
	return inForce{}, false, nil
}
