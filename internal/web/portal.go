package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/portal"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/report"
	"github.com/motcua/motcua/internal/store"
)

// portalRoutes registers the citizens' public portal (issue 6): look-up, procedures in
// force, online submission with uploads, ratings and public statistics, with no sign-in.
// They hang on the outer mux with their own chain because the submission takes a larger
// body than the application's limit; the chain is the application's otherwise (session
// for the language choice, the signed-in official if any, cross-origin protection). The
// officials' download of uploaded files is here too, behind sign-in.
func (s *Server) portalRoutes(mux *http.ServeMux) {
	page := s.portalChain(true)
	upload := s.portalChain(false) // submitOnline bounds its own body
	route(mux, "GET /cong-dan", page(http.HandlerFunc(s.portalHome)))
	route(mux, "GET /tra-cuu", page(http.HandlerFunc(s.lookupPage)))
	route(mux, "GET /tra-cuu/danh-gia", page(http.HandlerFunc(s.ratingForm)))
	route(mux, "POST /tra-cuu/danh-gia", page(http.HandlerFunc(s.rate)))
	route(mux, "GET /thu-tuc", page(http.HandlerFunc(s.portalUnits)))
	route(mux, "GET /thu-tuc/{unit}", page(http.HandlerFunc(s.portalProcedures)))
	route(mux, "GET /thu-tuc/{unit}/{code}", page(http.HandlerFunc(s.portalProcedure)))
	route(mux, "GET /nop-truc-tuyen", page(http.HandlerFunc(s.submitForm)))
	route(mux, "POST /nop-truc-tuyen", upload(http.HandlerFunc(s.submitOnline)))
	route(mux, "GET /thong-ke", page(http.HandlerFunc(s.publicStats)))
	route(mux, "GET /api/v1/public/lookup", page(http.HandlerFunc(s.apiLookup)))
	route(mux, "GET /api/v1/public/stats", page(http.HandlerFunc(s.apiPublicStats)))
	route(mux, "POST /api/v1/public/ratings", page(http.HandlerFunc(s.apiRate)))
	route(mux, "GET /dossier-files/{id}", page(s.signedIn(s.downloadFile)))
}

// portalChain wraps a portal handler like the application routes: session, actor,
// cross-origin protection and, when limit is set, the application's body limit.
func (s *Server) portalChain(limit bool) func(http.Handler) http.Handler {
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(s.crossOriginDenied))
	return func(h http.Handler) http.Handler {
		if limit {
			h = s.limitBody(h)
		}
		return s.sessions.LoadAndSave(s.loadActor(csrf.Handler(h)))
	}
}

// portalPage starts a public page: the portal's own menu marks the active entry.
func (s *Server) portalPage(r *http.Request, titleKey, active string) *page {
	p := s.newPage(r, titleKey)
	p.Active = active
	return p
}

func (s *Server) portalHome(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "portal_home", s.portalPage(r, "portal.title", "home"))
}

// Look-up throttling, on the sign-in throttle's window: every look-up counts for the
// client address in this process (addressLimiter), and a look-up that finds nothing counts
// for the address in the database too, so codes cannot be tried through many servers
// either; every second factor tried for the reference typed counts in this process until
// it matches, and when wrong in the database, across servers, so the four phone digits
// cannot be tried through many addresses.
const (
	lookupLimit    = 30 // look-ups per address per window (and misses, across servers)
	lookupRefLimit = 10 // failed factors per reference per window
)

// lookupView is what the look-up shows. Without the second factor it carries only the
// state, dates, lateness, current step and what is missing; Verified adds the rest.
type lookupView struct {
	dossierID    string // never shown: the rating form finds the dossier again by its reference
	Reference    string
	Code         string
	Receipt      string // the receipt number, when looked up by it
	State        dossier.State
	SubmittedAt  time.Time
	ReceivedAt   time.Time
	Due          time.Time
	ExtendedDue  time.Time
	ResolvedAt   time.Time
	ReturnedAt   time.Time
	Late         bool
	Timeliness   string
	StepKind     procedure.StepKind
	StepUnit     string
	Missing      []dossier.SupplementItem
	Refusal      string
	Verified     bool
	Factor       string // the factor that opened it, to carry to the rating form
	Applicant    string
	Procedure    string
	ProcedureRef string
	Limit        calendar.Limit
	FeeTotal     int64
	Channel      dossier.Channel
	Received     []string // the names of the components taken in
	CanRate      bool
	Rated        bool
}

// errLookup is the one answer to an unknown or malformed reference and a wrong factor.
var errLookup = failure.New(failure.NotFound, "", "portal.lookup_not_found")

// lookup finds the dossier a reference names and checks the optional factor, counting the
// attempt against the client address (and, for a factor that fails, the reference). Every
// miss returns errLookup, so the answer never tells an unknown code from a wrong factor.
func (s *Server) lookup(r *http.Request, ref, factor string) (lookupView, error) {
	ctx := r.Context()
	ref, factor = strings.TrimSpace(ref), strings.TrimSpace(factor)
	parsed, ok := portal.ParseReference(ref)
	ip := clientIP(r)
	refKey, addrKey := lookupRefKey(ref, parsed, ok), "lookup-addr:"+ip
	// Every look-up counts for the client address and one with a second factor for the
	// reference, in this process and before the factor is compared, so a burst on one
	// server compares at most lookupRefLimit factors; the reference's failures and the
	// address's misses are counted in the database too, which holds the limits across
	// servers (a burst spread over N servers compares at most N × lookupRefLimit factors
	// and gets at most N answers past lookupLimit misses before it locks everywhere).
	now := s.cfg.Now()
	allowed, until := s.lookups.allow(ip, now)
	if allowed && factor != "" {
		allowed, until = s.refs.allow(refKey, now)
	}
	if !allowed {
		return lookupView{}, s.tooMany("portal.lookup_too_many", until)
	}
	// The dossier and the reference's and the address's locks, read together.
	p, err := s.db.PublicDossier(ctx, parsed, refKey, addrKey)
	if err != nil {
		return lookupView{}, err
	}
	if until := s.throttle.locked(p.LockedUntil); !until.IsZero() {
		return lookupView{}, s.tooMany("portal.lookup_too_many", until)
	}
	if !lookupFound(p, parsed) || (factor != "" && !portal.FactorMatches(p.Dossier, factor)) {
		if factor != "" {
			if _, err := s.throttle.attempt(ctx, refKey, lookupRefLimit); err != nil {
				return lookupView{}, err
			}
		}
		until, err := s.throttle.attempt(ctx, addrKey, lookupLimit)
		if err != nil {
			return lookupView{}, err
		}
		if !until.IsZero() {
			return lookupView{}, s.tooMany("portal.lookup_too_many", until)
		}
		return lookupView{}, errLookup
	}
	if factor != "" {
		s.refs.release(refKey, now)
	}
	v, err := s.lookupView(p, factor != "")
	if err != nil {
		return lookupView{}, err
	}
	v.Reference = parsed.String()
	if parsed.Receipt != "" {
		v.Receipt = p.Dossier.ID
	}
	if v.Verified {
		v.Factor = factor
	}
	return v, nil
}

// lookupRefKey is the throttling key of a reference as typed: its normal form when it
// parses.
func lookupRefKey(ref string, parsed portal.Reference, ok bool) string {
	key := "lookup-ref:" + strings.ToUpper(ref)
	if ok {
		key = "lookup-ref:" + parsed.String()
	}
	if len(key) > 100 { // a malformed reference is never found; its key needs no more
		key = key[:100]
	}
	return key
}

// lookupFound reports whether the reference found its dossier: by code, or by receipt
// number for an online dossier only.
func lookupFound(p store.PublicDossier, ref portal.Reference) bool {
	return p.Found && (ref.Receipt == "" || p.Dossier.Channel == dossier.Online)
}

func (s *Server) lookupView(p store.PublicDossier, verified bool) (lookupView, error) {
	d, now := p.Dossier, s.cfg.Now()
	v := lookupView{dossierID: d.ID, Code: d.Code, State: d.State, SubmittedAt: d.CreatedAt, ReceivedAt: d.ReceivedAt, Due: d.Due,
		ExtendedDue: d.ExtendedDue, ResolvedAt: d.ResolvedAt, ReturnedAt: d.ReturnedAt,
		Late: d.Overdue(now) || d.Timeliness == "late", Timeliness: d.Timeliness, Verified: verified}
	if d.Channel != dossier.Online {
		v.SubmittedAt = time.Time{}
	}
	var err error
	if d.State.Open() || d.State == dossier.Ready {
		if v.StepKind, err = p.StepKind(); err != nil {
			return v, err
		}
		v.StepUnit = p.UnitName
	}
	if d.State == dossier.Supplement {
		if v.Missing, err = p.Missing(); err != nil {
			return v, err
		}
	}
	if d.State == dossier.Refused {
		v.Refusal = d.ClosingReason
	}
	if !verified {
		return v, nil
	}
	v.Applicant, v.Procedure, v.ProcedureRef = d.Applicant.Name, d.ProcedureName, d.ProcedureCode
	v.Channel, v.Limit, v.FeeTotal = d.Channel, d.Limit, d.FeeTotal
	if v.Received, err = p.ReceivedComponents(); err != nil {
		return v, err
	}
	if d.State == dossier.Returned {
		v.Rated, v.CanRate = p.Rated, !p.Rated
	}
	return v, nil
}

// renderForm shows a portal page again with what err says: its message and field errors,
// at the status of its kind; an error that is not the application's is a 500.
func (s *Server) renderForm(w http.ResponseWriter, r *http.Request, name string, p *page, err error) {
	e, ok := failure.As(err)
	if !ok {
		s.serverError(w, r, err)
		return
	}
	s.formErrors(p, err)
	s.retryAfterOf(w, err)
	s.render(w, r, statusOf(e.Kind), name, p)
}

func (s *Server) lookupPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p := s.portalPage(r, "portal.lookup_title", "lookup")
	ref, factor := q.Get("ma"), q.Get("k")
	p.Form = map[string]string{"ma": ref}
	data := map[string]any{"Submitted": q.Get("moi") != ""}
	p.Data = data
	if strings.TrimSpace(ref) == "" {
		s.render(w, r, http.StatusOK, "portal_lookup", p)
		return
	}
	v, err := s.lookup(r, ref, factor)
	if err != nil {
		s.renderForm(w, r, "portal_lookup", p, err)
		return
	}
	data["Result"] = s.describeLookup(p.Lang, v)
	s.render(w, r, http.StatusOK, "portal_lookup", p)
}

// lookupShown is a lookupView as the page shows it: the labels, dates and figures the
// template would otherwise compute with function and method calls (t, printf, datetime,
// IsZero), which text/template makes through reflection; they were most of the look-up
// page's rendering time. Dates are empty when not set.
type lookupShown struct {
	lookupView
	StateLabel      string
	Waiting         bool // submitted online, not received yet
	SubmittedText   string
	ReceivedText    string
	DueText         string
	ExtendedDueText string
	ResolvedText    string
	ReturnedText    string
	TimelinessLabel string
	StepLabel       string
	ChannelLabel    string
	LimitText       string
	FeeText         string
	RateLink        string
	Link            string
}

func (s *Server) describeLookup(lang string, v lookupView) lookupShown {
	out := lookupShown{lookupView: v, StateLabel: s.labelOf(lang, "dossier.state_", string(v.State)),
		Waiting: v.State == dossier.Submitted, SubmittedText: datetimeText(v.SubmittedAt),
		ReceivedText: datetimeText(v.ReceivedAt), DueText: datetimeText(v.Due), ExtendedDueText: datetimeText(v.ExtendedDue),
		ResolvedText: datetimeText(v.ResolvedAt), ReturnedText: datetimeText(v.ReturnedAt)}
	if v.Timeliness != "" {
		out.TimelinessLabel = s.labelOf(lang, "portal.timeliness_", v.Timeliness)
	}
	if v.StepKind != "" {
		out.StepLabel = s.labelOf(lang, "workflow.step.", string(v.StepKind))
	}
	if v.Verified {
		out.ChannelLabel = s.labelOf(lang, "portal.channel_", string(v.Channel))
		out.LimitText = s.limitText(lang, v.Limit)
		out.FeeText = s.money(lang, v.FeeTotal)
		out.Link = lookupLink(v.Reference, v.Factor)
		if v.CanRate {
			out.RateLink = "/tra-cuu/danh-gia?" + lookupQuery(v.Reference, v.Factor)
		}
	}
	return out
}

// labelOf translates the label of a value whose key is built from it (a state, a
// channel, a step kind), as the page's template built it with printf.
func (s *Server) labelOf(lang, prefix, value string) string { return s.i18n.T(lang, prefix+value) }

func lookupQuery(ref, factor string) string {
	return "ma=" + url.QueryEscape(ref) + "&k=" + url.QueryEscape(factor)
}

// lookupLink is the look-up address with the second factor, as the receipt's QR code
// carries it (internal/forms prints /tra-cuu?ma=<code>&k=<secret>).
func lookupLink(ref, factor string) string { return "/tra-cuu?" + lookupQuery(ref, factor) }

// number writes n with the reader's thousands separator (26.298 in Vietnamese, 26,298 in
// English).
func number(lang string, n int64) string {
	sep := ","
	if lang == "vi" {
		sep = "."
	}
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// money is an amount in đồng, or "no fee".
func (s *Server) money(lang string, n int64) string {
	if n == 0 {
		return s.i18n.T(lang, "portal.no_fee")
	}
	return number(lang, n) + " đ"
}

// rateText writes a rate as "99,79% (26.243/26.298)", with the reader's decimal mark and
// thousands separator, or "—" without a denominator.
func rateText(lang string, r report.Rate) string {
	p, ok := r.Percent()
	if !ok {
		return "—"
	}
	s := fmt.Sprintf("%.2f%%", p)
	if lang == "vi" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s + " (" + number(lang, r.Num) + "/" + number(lang, r.Den) + ")"
}

// apiLookup is the look-up's JSON twin: the same throttle, the same rules and the same
// uniform miss (404 with the error shape of the API).
func (s *Server) apiLookup(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	v, err := s.lookup(r, q.Get("ma"), q.Get("k"))
	if err != nil {
		s.handleErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.lookupJSON(s.lang(r), v))
}
