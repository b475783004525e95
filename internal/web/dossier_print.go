package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/forms"
	"github.com/motcua/motcua/internal/unit"
)

// printNames are the file names of the printed forms, by the form's path segment.
var printNames = map[string]string{
	"receipt":    "giay-tiep-nhan",
	"supplement": "phieu-yeu-cau-bo-sung",
	"refusal":    "phieu-tu-choi",
	"apology":    "van-ban-xin-loi",
	"stop":       "thong-bao-dung",
	"control":    "phieu-kiem-soat",
}

// printDossier answers one of the dossier's forms as an A4 PDF shown in the browser.
func (s *Server) printDossier(w http.ResponseWriter, r *http.Request) {
	name, known := printNames[r.PathValue("form")]
	if !known {
		s.notFound(w, r)
		return
	}
	dd, ok := s.loadDossier(w, r)
	if !ok {
		return
	}
	src, err := s.formSource(r.Context(), dd)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var form forms.Form
	switch r.PathValue("form") {
	case "receipt":
		if dd.D.Code == "" {
			err = notIssued("dossier.not_received")
			break
		}
		form = src.receipt(s.limitText("vi", dd.D.Limit), lookupURL(r, s.cfg.SecureCookies, dd.D))
	case "supplement":
		form, err = src.supplement()
	case "refusal":
		form, err = src.refusal()
	case "apology":
		form, err = src.apology()
	case "stop":
		form, err = src.stop()
	case "control":
		form = src.controlSlip()
	}
	if err != nil {
		s.handleErr(w, r, err)
		return
	}
	s.writeDocument(w, r, "application/pdf", name+"-"+firstNonBlank(dd.D.Code, dd.D.ID)+".pdf", form.WritePDF)
}

// lookupURL is the public look-up address printed (and encoded as a QR code) on the
// receipt, on the host the official is using.
func lookupURL(r *http.Request, secure bool, d dossier.Dossier) string {
	scheme := "http"
	if isHTTPS(r) || secure {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/tra-cuu?ma=" + url.QueryEscape(d.Code) + "&k=" + url.QueryEscape(d.LookupSecret)
}

// writeDocument renders a document into memory, then sends it under filename (a PDF to
// show in the browser, anything else to save); a rendering failure is a 500, not half a
// file.
func (s *Server) writeDocument(w http.ResponseWriter, r *http.Request, contentType, filename string, write func(io.Writer) error) {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		s.serverError(w, r, fmt.Errorf("render %s: %w", filename, err))
		return
	}
	w.Header().Set("Content-Type", contentType)
	disposition := "attachment"
	if contentType == "application/pdf" {
		disposition = "inline"
	}
	w.Header().Set("Content-Disposition", fmt.Sprintf("%s; filename=%q", disposition, filename))
	w.Header().Set("Content-Length", fmt.Sprint(buf.Len()))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "private, no-store") // personal data
	_, _ = buf.WriteTo(w)
}

// registerExport builds the register of the filtered dossiers: the heading of the agency
// chosen (or of the official's only unit), the period filtered (or the one the rows
// span).
func (s *Server) registerExport(w http.ResponseWriter, r *http.Request) (forms.Register, string, bool) {
	rq, err := s.readRegisterQuery(r)
	if err != nil {
		if failure.Is(err, failure.Invalid) {
			s.renderError(w, r, err, http.StatusBadRequest)
			return forms.Register{}, "", false
		}
		s.handleErr(w, r, err)
		return forms.Register{}, "", false
	}
	ctx := r.Context()
	issuer, err := s.registerIssuer(ctx, r, rq)
	if err != nil {
		s.handleErr(w, r, err)
		return forms.Register{}, "", false
	}
	tally, err := s.db.TallyDossiers(ctx, rq.Filter)
	if err != nil {
		s.serverError(w, r, err)
		return forms.Register{}, "", false
	}
	if tally.Total > exportMax {
		s.renderError(w, r, failure.New(failure.Invalid, "", "dossier.export_too_many", tally.Total, exportMax), http.StatusUnprocessableEntity)
		return forms.Register{}, "", false
	}
	f := rq.Filter
	f.Limit = exportMax
	list, err := s.db.ListDossiers(ctx, f)
	if err != nil {
		s.serverError(w, r, err)
		return forms.Register{}, "", false
	}
	var received []dossier.Dossier
	for i := len(list) - 1; i >= 0; i-- { // oldest first, as a register is kept
		if !list[i].ReceivedAt.IsZero() {
			received = append(received, list[i])
		}
	}
	names, err := s.db.UnitNames(ctx, transferTargets(received))
	if err != nil {
		s.serverError(w, r, err)
		return forms.Register{}, "", false
	}
	heading, err := s.formHeading(ctx, issuer)
	if err != nil {
		s.serverError(w, r, err)
		return forms.Register{}, "", false
	}
	now := s.cfg.Now()
	from, to := rq.Filter.From, now
	if !rq.Filter.To.IsZero() && rq.Filter.To.Before(now) {
		to = rq.Filter.To.Add(-time.Second)
	}
	if from.IsZero() {
		from = to
		if len(received) > 0 {
			from = received[0].ReceivedAt
		}
	}
	if from.After(to) {
		from = to
	}
	vi := func(key string, args ...any) string { return s.i18n.T("vi", key, args...) }
	reg := forms.Register{Heading: heading, From: from, To: to, Rows: registerRows(received, now, names, vi),
		Regime: forms.RegimeFor(to)}
	name := "so-theo-doi-" + strings.ReplaceAll(firstNonBlank(issuer.AgencyCode, issuer.Code), " ", "") +
		"-" + from.In(vnZone).Format("20060102") + "-" + to.In(vnZone).Format("20060102")
	return reg, name, true
}

// registerIssuer is the unit whose register is printed: the agency filtered, or the unit
// of the official's only dossier scope.
func (s *Server) registerIssuer(ctx context.Context, r *http.Request, rq registerQuery) (unit.Unit, error) {
	if rq.Unit.ID != "" {
		return rq.Unit, nil
	}
	if paths := rq.Filter.Under; len(paths) == 1 {
		ids := strings.Split(strings.Trim(paths[0], "/"), "/")
		return s.db.Unit(ctx, ids[len(ids)-1])
	}
	return unit.Unit{}, failure.InvalidField("unit_id", "dossier.export_choose_unit")
}

func (s *Server) registerXLSX(w http.ResponseWriter, r *http.Request) {
	reg, name, ok := s.registerExport(w, r)
	if ok {
		s.writeDocument(w, r, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name+".xlsx", reg.WriteXLSX)
	}
}

func (s *Server) registerPDF(w http.ResponseWriter, r *http.Request) {
	reg, name, ok := s.registerExport(w, r)
	if ok {
		s.writeDocument(w, r, "application/pdf", name+".pdf", reg.WritePDF)
	}
}
