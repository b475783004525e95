package web

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/qms"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
)

// Controlled documents (issue 8, part 1): the list of a unit's documents with the form
// for a new one, and each version's page with the steps its status and the official allow.

// docFilters are the lists the documents page offers.
var docFilters = []string{"current", "preparing", "obsolete", "all"}

func (s *Server) qmsDocuments(w http.ResponseWriter, r *http.Request) {
	u, acc, ok := s.loadQMSUnit(w, r, auth.ViewQMS)
	if !ok {
		return
	}
	p := s.qmsPage(r, "qms.documents", u, "documents")
	p.Form = map[string]string{"kind": string(qms.KindProcedure)}
	s.qmsDocumentsPage(w, r, http.StatusOK, p, u, acc)
}

func (s *Server) qmsDocumentsPage(w http.ResponseWriter, r *http.Request, status int, p *page, u unit.Unit, acc qmsAccess) {
	show := r.URL.Query().Get("show")
	if !slices.Contains(docFilters, show) {
		show = "current"
	}
	f := store.DocumentFilter{UnitID: u.ID, Kind: qms.DocKind(r.URL.Query().Get("kind"))}
	if !f.Kind.Valid() {
		f.Kind = ""
	}
	switch show {
	case "current":
		f.Statuses = []qms.DocStatus{qms.Published}
	case "preparing":
		f.Statuses = []qms.DocStatus{qms.Draft, qms.InReview, qms.Approved}
	case "obsolete":
		f.Statuses = []qms.DocStatus{qms.Obsolete}
	}
	docs, err := s.db.Documents(r.Context(), f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	data := p.data()
	data["Docs"], data["Show"], data["Filters"], data["KindFilter"] = docs, show, docFilters, string(f.Kind)
	data["Kinds"], data["Access"], data["Today"] = qms.DocKinds, acc, s.today()
	if _, ok := data["Reviewers"]; !ok {
		data["Reviewers"] = []string(nil)
	}
	if acc.Manage {
		people, approvers, err := s.qmsPeople(r, u)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		data["People"], data["Approvers"] = people, approvers
	}
	s.render(w, r, status, "qms_documents", p)
}

// docForm reads a document's editable fields from the posted form.
func docForm(r *http.Request) (qms.Document, []string, map[string]string, error) {
	form := map[string]string{}
	for _, k := range []string{"code", "kind", "title", "body", "procedure_code", "owner_id", "approver_id",
		"change_note", "next_review_on"} {
		form[k] = r.PostForm.Get(k)
	}
	d := qms.Document{Code: form["code"], Kind: qms.DocKind(form["kind"]), Title: form["title"], Body: form["body"],
		ProcedureCode: form["procedure_code"], OwnerID: form["owner_id"], ApproverID: form["approver_id"],
		ChangeNote: form["change_note"]}
	next, err := unit.ParseDate(form["next_review_on"])
	if err != nil {
		d.Normalize()
		return d, nil, form, failure.Join(failure.InvalidField("next_review_on", "form.date_invalid"), d.Validate())
	}
	d.NextReviewOn = next
	return d, formList(r, "reviewers"), form, nil
}

func (s *Server) createQMSDocument(w http.ResponseWriter, r *http.Request) {
	u, acc, ok := s.loadQMSUnit(w, r, auth.ManageQMS)
	if !ok || !s.parseForm(w, r) {
		return
	}
	d, reviewers, form, err := docForm(r)
	d.UnitID = u.ID
	if err == nil {
		err = s.db.CreateDocument(r.Context(), &d, reviewers, actor(r).UserID)
	}
	if err != nil {
		s.refusedForm(w, r, err, u, "qms.documents", "documents", form, func(status int, p *page) {
			p.data()["Reviewers"] = reviewers
			s.qmsDocumentsPage(w, r, status, p, u, acc)
		})
		return
	}
	s.flash(r, "qms.doc_created", d.Code)
	http.Redirect(w, r, "/qms/documents/"+d.ID, http.StatusSeeOther)
}

// docAccess is what the official may do with one version: the unit's QMS rights, and
// whether they are named on it.
type docAccess struct {
	qmsAccess
	Reader, Reviewer, Approver bool
}

// loadQMSDocument loads the version in the path for an official who may see it: with
// ViewQMS on its unit, or named on it (reviewer, approver, or reader of a published
// version).
func (s *Server) loadQMSDocument(w http.ResponseWriter, r *http.Request) (store.DocumentRow, docAccess, bool) {
	a := actor(r)
	d, err := s.db.Document(r.Context(), r.PathValue("doc"))
	if err != nil {
		s.handleErr(w, r, err)
		return d, docAccess{}, false
	}
	acc := docAccess{qmsAccess: qmsAccessTo(a, d.UnitPath), Approver: d.ApproverID == a.UserID}
	acc.Reviewer = slices.ContainsFunc(d.Reviews, func(rv qms.Review) bool { return rv.UserID == a.UserID })
	if acc.Reader, err = s.db.IsReader(r.Context(), d.ID, a.UserID); err != nil {
		s.serverError(w, r, err)
		return d, acc, false
	}
	// A reader is sent the version in force, not the drafts of the next one.
	readable := acc.Reader && (d.Status == qms.Published || d.Status == qms.Obsolete)
	if !acc.View && !readable && !acc.Reviewer && !acc.Approver {
		s.denyRecord(w, r, d.UnitPath, "qms.doc_not_found")
		return d, acc, false
	}
	return d, acc, true
}

func (s *Server) showQMSDocument(w http.ResponseWriter, r *http.Request) {
	d, acc, ok := s.loadQMSDocument(w, r)
	if !ok {
		return
	}
	s.qmsDocumentPage(w, r, http.StatusOK, s.newPage(r, "qms.document"), d, acc, nil)
}

// qmsDocumentPage shows a version with the steps the official may take. typed, when not
// nil, are the reviewers as picked in a refused edit.
func (s *Server) qmsDocumentPage(w http.ResponseWriter, r *http.Request, status int, p *page, d store.DocumentRow,
	acc docAccess, typed []string) {
	ctx := r.Context()
	u, err := s.db.Unit(ctx, d.UnitID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	versions, err := s.db.Documents(ctx, store.DocumentFilter{UnitID: d.UnitID, Code: d.Code})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	files, err := s.db.Attachments(ctx, d.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	readers, err := s.db.Readers(ctx, d.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var ids []string
	for _, rv := range d.Reviews {
		ids = append(ids, rv.UserID)
	}
	names, err := s.db.UserNames(ctx, ids)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	me := actor(r).UserID
	data := map[string]any{"Unit": u, "Tab": "documents", "Doc": d, "Access": acc, "Versions": versions, "Files": files,
		"Readers": readers, "Names": names, "Today": s.today(), "Kinds": qms.DocKinds}
	for _, rd := range readers {
		if rd.UserID == me {
			data["MyAck"], data["IsReader"] = !rd.AcknowledgedAt.IsZero(), true
		}
	}
	for _, rv := range d.Reviews {
		if rv.UserID == me && rv.Verdict == qms.Pending && d.Status == qms.InReview {
			data["MayReview"] = true
		}
	}
	data["MayApprove"] = d.Status == qms.InReview && acc.Approve && acc.Approver
	if acc.Manage {
		people, approvers, err := s.qmsPeople(r, u)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		data["People"], data["Approvers"] = people, approvers
		reviewers := typed
		if reviewers == nil {
			for _, rv := range d.Reviews {
				reviewers = append(reviewers, rv.UserID)
			}
		}
		data["Reviewers"] = reviewers
	}
	if acc.View {
		if data["Trail"], err = s.qmsTrail(r, "qms_document", d.ID); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	data["BodyLines"] = textLines(d.Body)
	for _, v := range versions {
		if v.Current() {
			data["CurrentID"] = v.ID
		}
	}
	if p.Form == nil {
		p.Form = map[string]string{"title": d.Title, "body": d.Body, "procedure_code": d.ProcedureCode,
			"owner_id": d.OwnerID, "approver_id": d.ApproverID, "change_note": d.ChangeNote,
			"next_review_on": d.NextReviewOn.String(), "effective_on": s.today().String()}
	}
	p.Active = "nav.qms"
	p.Title = d.Code + " — " + d.Title
	p.Data = data
	s.render(w, r, status, "qms_document", p)
}

// docFailed shows the version again with the error of a refused step (and the form as
// typed, if any).
func (s *Server) docFailed(w http.ResponseWriter, r *http.Request, d store.DocumentRow, acc docAccess, err error) {
	s.stepDone(w, r, err, "qms.document", func(status int, p *page) {
		if fresh, err := s.db.Document(r.Context(), d.ID); err == nil {
			d = fresh
		}
		s.qmsDocumentPage(w, r, status, p, d, acc, nil)
	}, "", "")
}

// docStep loads the version, checks the official may take the step, runs it and returns to
// the version's page (or the one run names) with a message, or shows the refusal there.
func (s *Server) docStep(w http.ResponseWriter, r *http.Request, allowed func(docAccess) bool,
	run func(d store.DocumentRow, userID string) (string, error), flashKey string) {
	d, acc, ok := s.loadQMSDocument(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	if !allowed(acc) {
		s.forbidden(w, r)
		return
	}
	target, err := run(d, actor(r).UserID)
	if target == "" {
		target = d.ID
	}
	s.stepDone(w, r, err, "qms.document", func(status int, p *page) {
		if fresh, err := s.db.Document(r.Context(), d.ID); err == nil {
			d = fresh
		}
		s.qmsDocumentPage(w, r, status, p, d, acc, nil)
	}, "/qms/documents/"+target, flashKey, d.Code)
}

func manages(a docAccess) bool { return a.Manage }

func (s *Server) updateQMSDocument(w http.ResponseWriter, r *http.Request) {
	d, acc, ok := s.loadQMSDocument(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	if !acc.Manage {
		s.forbidden(w, r)
		return
	}
	in, reviewers, form, err := docForm(r)
	in.ID = d.ID
	if err == nil {
		err = s.db.UpdateDraft(r.Context(), in, reviewers, actor(r).UserID)
	}
	if err != nil {
		e, ok := failure.As(err)
		if !ok {
			s.serverError(w, r, err)
			return
		}
		p := s.newPage(r, "qms.document")
		s.formErrors(p, err)
		p.Form = form
		p.Form["effective_on"] = s.today().String()
		if fresh, err := s.db.Document(r.Context(), d.ID); err == nil {
			d = fresh
		}
		s.qmsDocumentPage(w, r, statusOf(e.Kind), p, d, acc, reviewers)
		return
	}
	s.flash(r, "qms.doc_saved", d.Code)
	http.Redirect(w, r, "/qms/documents/"+d.ID, http.StatusSeeOther)
}

func (s *Server) submitQMSDocument(w http.ResponseWriter, r *http.Request) {
	s.docStep(w, r, manages, func(d store.DocumentRow, me string) (string, error) {
		return "", s.db.SubmitDocument(r.Context(), d.ID, me)
	}, "qms.doc_submitted")
}

func (s *Server) reviewQMSDocument(w http.ResponseWriter, r *http.Request) {
	s.docStep(w, r, func(a docAccess) bool { return a.Reviewer }, func(d store.DocumentRow, me string) (string, error) {
		return "", s.db.ReviewDocument(r.Context(), d.ID, me, qms.Verdict(r.PostForm.Get("verdict")), r.PostForm.Get("comment"))
	}, "qms.doc_reviewed")
}

func (s *Server) approveQMSDocument(w http.ResponseWriter, r *http.Request) {
	s.docStep(w, r, func(a docAccess) bool { return a.Approve }, func(d store.DocumentRow, me string) (string, error) {
		return "", s.db.ApproveDocument(r.Context(), d.ID, me)
	}, "qms.doc_approved")
}

func (s *Server) returnQMSDocument(w http.ResponseWriter, r *http.Request) {
	s.docStep(w, r, func(a docAccess) bool { return a.Approve }, func(d store.DocumentRow, me string) (string, error) {
		return "", s.db.ReturnDocument(r.Context(), d.ID, me, r.PostForm.Get("comment"))
	}, "qms.doc_returned")
}

func (s *Server) publishQMSDocument(w http.ResponseWriter, r *http.Request) {
	s.docStep(w, r, manages, func(d store.DocumentRow, me string) (string, error) {
		on, err := unit.ParseDate(r.PostForm.Get("effective_on"))
		if err != nil {
			return "", failure.InvalidField("effective_on", "form.date_invalid")
		}
		return "", s.db.PublishDocument(r.Context(), d.ID, on, me)
	}, "qms.doc_published")
}

func (s *Server) withdrawQMSDocument(w http.ResponseWriter, r *http.Request) {
	s.docStep(w, r, manages, func(d store.DocumentRow, me string) (string, error) {
		return "", s.db.WithdrawDocument(r.Context(), d.ID, r.PostForm.Get("reason"), me)
	}, "qms.doc_withdrawn")
}

func (s *Server) reviseQMSDocument(w http.ResponseWriter, r *http.Request) {
	s.docStep(w, r, manages, func(d store.DocumentRow, me string) (string, error) {
		next, err := s.db.ReviseDocument(r.Context(), d.ID, me)
		return next.ID, err
	}, "qms.doc_revised")
}

func (s *Server) addQMSReaders(w http.ResponseWriter, r *http.Request) {
	s.docStep(w, r, manages, func(d store.DocumentRow, me string) (string, error) {
		_, err := s.db.AddReaders(r.Context(), d.ID, formList(r, "readers"), me)
		return "", err
	}, "qms.readers_added")
}

func (s *Server) removeQMSReader(w http.ResponseWriter, r *http.Request) {
	s.docStep(w, r, manages, func(d store.DocumentRow, me string) (string, error) {
		return "", s.db.RemoveReader(r.Context(), d.ID, r.PathValue("user"), me)
	}, "qms.reader_removed")
}

func (s *Server) acknowledgeQMSDocument(w http.ResponseWriter, r *http.Request) {
	s.docStep(w, r, func(a docAccess) bool { return a.Reader }, func(d store.DocumentRow, me string) (string, error) {
		return "", s.db.Acknowledge(r.Context(), d.ID, me)
	}, "qms.doc_acknowledged")
}

func (s *Server) deleteQMSAttachment(w http.ResponseWriter, r *http.Request) {
	s.docStep(w, r, manages, func(d store.DocumentRow, me string) (string, error) {
		return "", s.db.DeleteAttachment(r.Context(), d.ID, r.PathValue("att"), me)
	}, "qms.file_deleted")
}

// uploadQMSAttachment adds one file to a draft. The body is bounded before anything is
// read; the file is checked by its content (qms.NewAttachment).
func (s *Server) uploadQMSAttachment(w http.ResponseWriter, r *http.Request) {
	if r.ContentLength > qms.UploadBytes {
		s.renderError(w, r, failure.New(failure.Invalid, "", "error.body_too_large"), http.StatusRequestEntityTooLarge)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, qms.UploadBytes)
	d, acc, ok := s.loadQMSDocument(w, r)
	if !ok {
		return
	}
	if !acc.Manage {
		s.forbidden(w, r)
		return
	}
	a, err := s.readAttachment(r)
	if err == nil {
		err = s.db.AddAttachment(r.Context(), d.ID, &a, actor(r).UserID)
	}
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.renderError(w, r, failure.New(failure.Invalid, "", "error.body_too_large"), http.StatusRequestEntityTooLarge)
			return
		}
		s.docFailed(w, r, d, acc, err)
		return
	}
	s.flash(r, "qms.file_added", a.Name)
	http.Redirect(w, r, "/qms/documents/"+d.ID, http.StatusSeeOther)
}

// readAttachment reads the "file" part of a multipart upload.
func (s *Server) readAttachment(r *http.Request) (qms.Attachment, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return qms.Attachment{}, failure.New(failure.Invalid, "file", "error.bad_form")
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return qms.Attachment{}, failure.InvalidField("file", "qms.file_empty")
		}
		if err != nil {
			return qms.Attachment{}, err
		}
		if part.FormName() != "file" {
			part.Close()
			continue
		}
		data, err := io.ReadAll(io.LimitReader(part, qms.MaxAttachmentBytes+1))
		part.Close()
		if err != nil {
			return qms.Attachment{}, err
		}
		return qms.NewAttachment(part.FileName(), data)
	}
}

// downloadQMSAttachment serves a file to an official who may see its version, always as
// an attachment with the type detected at upload, never sniffed nor run as a page.
func (s *Server) downloadQMSAttachment(w http.ResponseWriter, r *http.Request) {
	a, err := s.db.Attachment(r.Context(), r.PathValue("att"))
	if err != nil {
		s.handleErr(w, r, err)
		return
	}
	r.SetPathValue("doc", a.DocumentID)
	d, _, ok := s.loadQMSDocument(w, r)
	if !ok {
		return
	}
	ctype := a.ContentType
	if _, known := qms.AttachmentTypes[ctype]; !known {
		ctype = "application/octet-stream"
	}
	s.audit(r, "qms.attachment_download", "qms_document", d.ID, d.UnitID, a.Name)
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": a.Name}))
	h.Set("Content-Length", strconv.Itoa(len(a.Data)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("X-QMS-SHA256", a.SHA256)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(a.Data)
}
