package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/portal"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/store"
)

// Online submission (nộp hồ sơ trực tuyến): the citizen picks the receiving agency, then a
// procedure it applies today that accepts online dossiers, fills the applicant's fields and
// uploads one file per paper of the checklist. The dossier waits as Submitted until the
// desk accepts or refuses it; the citizen follows it with the receipt number.

// submitFields are the text fields of the submission form, in the names the intake's
// field errors use.
var submitFields = []string{"unit_id", "procedure", "idempotency_key", "applicant_kind", "applicant_name",
	"applicant_id", "applicant_phone", "applicant_email", "applicant_address", "representative", "note"}

// componentField is one paper of the checklist with its file input.
type componentField struct {
	procedure.Component
	Field string
}

func componentFields(v procedure.Version) []componentField {
	out := make([]componentField, len(v.Components))
	for i, c := range v.Components {
		out[i] = componentField{Component: c, Field: "file_" + strconv.Itoa(i)}
	}
	return out
}

// newSubmissionKey is the idempotency key a form carries, so a double submit makes one
// dossier.
func newSubmissionKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "portal-" + hex.EncodeToString(b)
}

func (s *Server) submitForm(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	p := s.portalPage(r, "portal.submit_title", "submit")
	data := map[string]any{"Limits": s.limitsText(p.Lang)}
	p.Data = data
	unitID, code := q.Get("unit_id"), q.Get("procedure")
	if unitID == "" {
		search := strings.TrimSpace(q.Get("q"))
		units, err := s.db.ReceivingAgencies(ctx, s.today(), search, maxPortalUnits)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		p.Form = map[string]string{"q": search}
		data["Step"], data["Units"] = 1, units
		s.render(w, r, http.StatusOK, "portal_submit", p)
		return
	}
	u, err := s.receivingAgency(ctx, unitID)
	if err != nil {
		s.handleErr(w, r, err)
		return
	}
	data["Unit"] = u
	if code == "" {
		list, err := s.proceduresInForce(ctx, p.Lang, u.ID, strings.TrimSpace(q.Get("q")))
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		var online []inForce
		for _, v := range list {
			if v.Submittable {
				online = append(online, v)
			}
		}
		p.Form = map[string]string{"q": q.Get("q")}
		data["Step"], data["Procedures"] = 2, online
		s.render(w, r, http.StatusOK, "portal_submit", p)
		return
	}
	v, err := s.submittable(ctx, p.Lang, u.ID, code)
	if err != nil {
		s.handleErr(w, r, err)
		return
	}
	p.Form = map[string]string{"unit_id": u.ID, "procedure": v.Code, "idempotency_key": newSubmissionKey(),
		"applicant_kind": string(dossier.Person)}
	data["Step"], data["P"], data["Components"] = 3, v, componentFields(v.Version)
	s.render(w, r, http.StatusOK, "portal_submit", p)
}

// submittable finds a procedure the agency applies today and takes online; anything else
// is not found.
func (s *Server) submittable(ctx context.Context, lang, unitID, code string) (inForce, error) {
	v, ok, err := s.procedureInForce(ctx, lang, unitID, code)
	if err == nil && (!ok || !v.Submittable) {
		err = failure.New(failure.NotFound, "", "portal.submit_unavailable")
	}
	return v, err
}

func (s *Server) limitsText(lang string) string {
	l := portal.DefaultLimits
	return s.i18n.T(lang, "portal.submit_limits", l.MaxFileBytes>>20, l.MaxTotalBytes>>20, l.MaxFiles)
}

// rawFile is one uploaded part as read, before it is checked.
type rawFile struct {
	field, name string
	data        []byte
}

// Bounds on the non-file parts of a submission.
const (
	maxFieldBytes = 8 << 10
	maxParts      = 100
)

// submitLimit is how many online submissions one client address may send in the
// throttle's window: a family or a post office counter sending for its customers stays well
// under it, a script filling the desk's queue does not.
const submitLimit = 20

var errBodyTooLarge = failure.New(failure.Invalid, "", "portal.submit_too_large")

// readSubmission reads a multipart submission part by part, within limits known before
// anything is buffered: the body is capped by the caller (http.MaxBytesReader), a text
// field at 8 KiB, a file at one byte over the file limit (the rest of an oversized file
// is discarded, so the form can be shown again with its error), and the number of parts.
func readSubmission(r *http.Request, lim portal.Limits) (url.Values, []rawFile, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, nil, failure.New(failure.Invalid, "", "error.bad_form")
	}
	fields := url.Values{}
	var files []rawFile
	for n := 0; ; n++ {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return fields, files, nil
		}
		if err != nil {
			return nil, nil, readError(err)
		}
		if n >= maxParts {
			return nil, nil, failure.New(failure.Invalid, "", "error.bad_form")
		}
		name := part.FormName()
		if part.FileName() == "" {
			b, err := io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
			if err != nil {
				return nil, nil, readError(err)
			}
			if len(b) > maxFieldBytes {
				return nil, nil, failure.New(failure.Invalid, "", "error.bad_form")
			}
			if !strings.HasPrefix(name, "file_") { // an empty file input arrives without a name
				fields.Add(name, string(b))
			}
			continue
		}
		var buf bytes.Buffer
		if _, err := io.Copy(&buf, io.LimitReader(part, lim.MaxFileBytes+1)); err != nil {
			return nil, nil, readError(err)
		}
		if _, err := io.Copy(io.Discard, part); err != nil {
			return nil, nil, readError(err)
		}
		files = append(files, rawFile{field: name, name: part.FileName(), data: buf.Bytes()})
	}
}

func readError(err error) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return errBodyTooLarge
	}
	return failure.New(failure.Invalid, "", "error.bad_form")
}

func (s *Server) submitOnline(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	lim := portal.DefaultLimits
	if r.ContentLength > lim.RequestBytes() {
		s.renderError(w, r, errBodyTooLarge, http.StatusRequestEntityTooLarge)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, lim.RequestBytes())
	// Every submission counts for the client address, before its body is read.
	if until, err := s.throttle.attempt(ctx, "submit:"+clientIP(r), submitLimit); err != nil || !until.IsZero() {
		if err == nil {
			err = s.tooMany("security.submit_too_many", until)
		}
		s.handleErr(w, r, err)
		return
	}
	fields, raw, err := readSubmission(r, lim)
	if err != nil {
		status := http.StatusBadRequest
		if err == errBodyTooLarge {
			status = http.StatusRequestEntityTooLarge
		}
		s.renderError(w, r, err, status)
		return
	}
	u, err := s.receivingAgency(ctx, fields.Get("unit_id"))
	if err != nil {
		s.handleErr(w, r, err)
		return
	}
	p := s.portalPage(r, "portal.submit_title", "submit")
	v, err := s.submittable(ctx, p.Lang, u.ID, fields.Get("procedure"))
	if err != nil {
		s.handleErr(w, r, err)
		return
	}
	p.Form = map[string]string{}
	for _, f := range submitFields {
		p.Form[f] = fields.Get(f)
	}
	p.Form["unit_id"], p.Form["procedure"] = u.ID, v.Code
	key := fields.Get("idempotency_key")
	if !strings.HasPrefix(key, "portal-") || len(key) > 100 {
		key = newSubmissionKey()
	}
	p.Form["idempotency_key"] = key
	p.Data = map[string]any{"Step": 3, "Unit": u, "P": v, "Components": componentFields(v.Version), "Limits": s.limitsText(p.Lang)}
	fail := func(err error) { s.renderForm(w, r, "portal_submit", p, err) }

	batch := portal.Batch{Limits: lim}
	var errs failure.List
	for _, f := range raw {
		i, err := strconv.Atoi(strings.TrimPrefix(f.field, "file_"))
		if !strings.HasPrefix(f.field, "file_") || err != nil || i < 0 || i >= len(v.Components) {
			errs = append(errs, failure.InvalidField("components", "portal.file_unexpected"))
			continue
		}
		if err := batch.Add(f.field, v.Components[i].Name, f.name, f.data); err != nil {
			errs = append(errs, failure.Fields(err)...)
		}
	}
	req := store.IntakeRequest{UnitID: u.ID, ProcedureCode: v.Code, Channel: dossier.Online, IdempotencyKey: key,
		Note: fields.Get("note"), Applicant: dossier.Applicant{Kind: dossier.ApplicantKind(fields.Get("applicant_kind")),
			Name: fields.Get("applicant_name"), IDNumber: fields.Get("applicant_id"), Phone: fields.Get("applicant_phone"),
			Email: fields.Get("applicant_email"), Address: fields.Get("applicant_address"),
			Representative: fields.Get("representative")}}
	if len(errs) > 0 {
		// Show the applicant's mistakes with the files' in one go; nothing is stored.
		a := req.Applicant
		a.Normalize()
		errs = append(errs, failure.Fields(a.Validate(s.cfg.Now()))...)
		fail(errs)
		return
	}
	for _, f := range batch.Files {
		req.Components = append(req.Components, dossier.Component{Name: f.Component, Received: true, Digitised: true})
	}
	d, _, err := s.db.SubmitOnline(ctx, req, batch.Files)
	if err != nil {
		fail(err)
		return
	}
	http.Redirect(w, r, lookupLink(d.ID, d.LookupSecret)+"&moi=1", http.StatusSeeOther)
}

// downloadFile serves an uploaded file to an official who may see its dossier (in the
// receiving agency or where the dossier is now), always as an attachment with the type
// detected at upload, never sniffed and never run as a page; anyone else gets not found.
func (s *Server) downloadFile(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f, err := s.db.DossierFile(ctx, r.PathValue("id"))
	if err != nil {
		s.handleErr(w, r, err)
		return
	}
	d, err := s.db.Dossier(ctx, f.DossierID)
	if err != nil {
		s.handleErr(w, r, err)
		return
	}
	allowed := false
	for _, id := range []string{d.UnitID, d.CurrentUnitID} {
		u, err := s.db.Unit(ctx, id)
		if err != nil {
			s.handleErr(w, r, err)
			return
		}
		allowed = allowed || actor(r).Can(auth.ViewDossiers, u.Path)
	}
	if !allowed {
		s.renderError(w, r, failure.New(failure.NotFound, "", "portal.file_not_found"), http.StatusNotFound)
		return
	}
	ctype := f.ContentType
	if !slices.Contains(portal.ContentTypes, ctype) {
		ctype = "application/octet-stream"
	}
	s.audit(r, "dossier.file_download", "dossier_file", f.ID, d.UnitID, f.Name)
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
	h.Set("Content-Length", strconv.Itoa(len(f.Data)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(f.Data)
}
