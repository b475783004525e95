package qms

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/vn"
)

// DocKind is what a controlled document is (thông tin dạng văn bản, clause 7.5).
type DocKind string

// The kinds of documents a unit's QMS holds.
const (
	KindScope      DocKind = "scope"      // phạm vi áp dụng HTQLCL
	KindPolicy     DocKind = "policy"     // chính sách chất lượng
	KindObjectives DocKind = "objectives" // mục tiêu chất lượng (the published statement)
	KindProcedure  DocKind = "procedure"  // quy trình nội bộ (of a TTHC, or a system procedure)
	KindForm       DocKind = "form"       // biểu mẫu
	KindExternal   DocKind = "external"   // tài liệu bên ngoài: văn bản pháp lý, tiêu chuẩn
	KindRecord     DocKind = "record"     // hồ sơ được lưu giữ
)

// DocKinds lists the kinds in display order.
var DocKinds = []DocKind{KindScope, KindPolicy, KindObjectives, KindProcedure, KindForm, KindExternal, KindRecord}

// Valid reports whether k is a known kind.
func (k DocKind) Valid() bool { return slices.Contains(DocKinds, k) }

// Single reports whether a unit has at most one current document of the kind: one scope
// and one quality policy, each changed by new versions.
func (k DocKind) Single() bool { return k == KindScope || k == KindPolicy }

// DocStatus is where a version stands.
type DocStatus string

// The life of a version.
const (
	Draft     DocStatus = "draft"     // dự thảo: the only state in which it is edited
	InReview  DocStatus = "in_review" // đang xem xét: with its reviewers and approver
	Approved  DocStatus = "approved"  // đã phê duyệt, not yet in force
	Published DocStatus = "published" // đã ban hành: the current version
	Obsolete  DocStatus = "obsolete"  // hết hiệu lực: replaced or withdrawn, still readable
)

// DocStatuses lists the statuses in life order.
var DocStatuses = []DocStatus{Draft, InReview, Approved, Published, Obsolete}

// Open reports whether the version is still being prepared (a document has at most one).
func (s DocStatus) Open() bool { return s == Draft || s == InReview || s == Approved }

// Verdict is what a reviewer said.
type Verdict string

// Reviewers' verdicts; Pending is the empty string.
const (
	Pending Verdict = ""
	Agree   Verdict = "agree"   // nhất trí
	Changes Verdict = "changes" // đề nghị sửa: sends the version back to draft
)

// Review is one named reviewer of a version and their verdict.
type Review struct {
	DocumentID string
	UserID     string
	Verdict    Verdict
	Comment    string
	ReviewedAt time.Time
}

// Document is one version of a controlled document.
type Document struct {
	ID            string
	UnitID        string
	Code          string // the document's code in its unit (QT-01, BM-02/QT-01), fixed
	Version       int    // 1, 2, …: lần ban hành
	Kind          DocKind
	Title         string
	Body          string // the text itself (a policy, a scope) or a summary of the attachments
	ProcedureCode string // for an internal procedure of a TTHC: the national code
	Status        DocStatus
	AuthorID      string // who drafted it (người soạn thảo)
	OwnerID       string // who is responsible for it (may be empty)
	ApproverID    string // who approves it (người phê duyệt): never the author
	ChangeNote    string // what changed from the previous version
	EffectiveOn   unit.Date
	NextReviewOn  unit.Date
	SubmittedAt   time.Time
	ApprovedAt    time.Time
	PublishedAt   time.Time
	PublishedBy   string
	ObsoleteAt    time.Time
	ObsoleteNote  string // why it stopped: replaced by version N, or withdrawn with a reason
	CreatedAt     time.Time
	UpdatedAt     time.Time

	Reviews []Review // the named reviewers, filled by the store
}

// Limits on a document's text.
const (
	maxTitle = 300
	maxBody  = 20000
	maxNote  = 2000
)

var docCode = regexp.MustCompile(`^[0-9A-Za-zĐđ][0-9A-Za-zĐđ._/-]{0,39}$`)

// Normalize trims the text fields (NFC, single spaces in the title and code).
func (d *Document) Normalize() {
	d.Code = strings.Join(strings.Fields(vn.NFC(d.Code)), "")
	d.Title = strings.Join(strings.Fields(vn.NFC(d.Title)), " ")
	d.Body = strings.TrimSpace(vn.NFC(d.Body))
	d.ChangeNote = strings.TrimSpace(vn.NFC(d.ChangeNote))
	d.ProcedureCode = strings.TrimSpace(d.ProcedureCode)
}

// Validate checks a version's own fields.
func (d Document) Validate() error {
	var errs failure.List
	if !docCode.MatchString(d.Code) {
		errs = append(errs, failure.InvalidField("code", "qms.doc_code_invalid"))
	}
	if !d.Kind.Valid() {
		errs = append(errs, failure.InvalidField("kind", "qms.doc_kind_invalid"))
	}
	errs = addErr(errs, checkText("title", d.Title, maxTitle, true))
	if utf8.RuneCountInString(d.Body) > maxBody {
		errs = append(errs, failure.InvalidField("body", "qms.text_too_long", maxBody))
	}
	if utf8.RuneCountInString(d.ChangeNote) > maxNote {
		errs = append(errs, failure.InvalidField("change_note", "qms.text_too_long", maxNote))
	}
	if d.ProcedureCode != "" && d.Kind != KindProcedure {
		errs = append(errs, failure.InvalidField("procedure_code", "qms.doc_procedure_only"))
	}
	if d.Kind.Single() && strings.TrimSpace(d.Body) == "" {
		errs = append(errs, failure.InvalidField("body", "qms.doc_body_required"))
	}
	if !d.EffectiveOn.IsZero() && !d.NextReviewOn.IsZero() && !d.EffectiveOn.Before(d.NextReviewOn) {
		errs = append(errs, failure.InvalidField("next_review_on", "qms.doc_review_before_effective"))
	}
	return errs.Err()
}

// Current reports whether this version is the one in force.
func (d Document) Current() bool { return d.Status == Published }

// ReviewDue reports whether the current version has passed its next review day.
func (d Document) ReviewDue(today unit.Date) bool {
	return d.Status == Published && !d.NextReviewOn.IsZero() && !today.Before(d.NextReviewOn)
}

// Editable refuses to change anything but a draft: a published version is never edited
// in place (a change is a new version).
func (d Document) Editable() error {
	switch d.Status {
	case Draft:
		return nil
	case Published, Obsolete:
		return failure.New(failure.Conflict, "", "qms.doc_published_no_edit", d.Version)
	}
	return failure.New(failure.Conflict, "", "qms.doc_not_draft")
}

// reviewer returns the review of a named reviewer.
func (d Document) reviewer(userID string) (Review, bool) {
	i := slices.IndexFunc(d.Reviews, func(r Review) bool { return r.UserID == userID })
	if i < 0 {
		return Review{}, false
	}
	return d.Reviews[i], true
}

// CheckPeople checks who is named on a draft: an approver who is not the author, and
// reviewers other than the author.
func (d Document) CheckPeople() error {
	var errs failure.List
	if d.ApproverID != "" && d.ApproverID == d.AuthorID {
		errs = append(errs, failure.New(failure.Invalid, "approver_id", "qms.doc_approver_is_author"))
	}
	if _, ok := d.reviewer(d.AuthorID); ok {
		errs = append(errs, failure.New(failure.Invalid, "reviewers", "qms.doc_reviewer_is_author"))
	}
	return errs.Err()
}

// CanSubmit checks that a draft may go to review: it names an approver (not its author)
// and, from the second version on, says what changed.
func (d Document) CanSubmit() error {
	if err := d.Editable(); err != nil {
		return err
	}
	var errs failure.List
	if d.ApproverID == "" {
		errs = append(errs, failure.New(failure.Invalid, "approver_id", "qms.doc_approver_required"))
	}
	if d.Version > 1 && d.ChangeNote == "" {
		errs = append(errs, failure.InvalidField("change_note", "qms.doc_change_note_required"))
	}
	return failure.Join(errs.Err(), d.CheckPeople())
}

// CanReview checks that userID, a named reviewer, may give the verdict on a version in
// review; asking for changes needs a comment.
func (d Document) CanReview(userID string, v Verdict, comment string) error {
	if d.Status != InReview {
		return failure.New(failure.Conflict, "", "qms.doc_not_in_review")
	}
	if _, ok := d.reviewer(userID); !ok {
		return failure.New(failure.Forbidden, "", "qms.doc_not_reviewer")
	}
	if v != Agree && v != Changes {
		return failure.InvalidField("verdict", "qms.doc_verdict_invalid")
	}
	if v == Changes && strings.TrimSpace(comment) == "" {
		return failure.InvalidField("comment", "qms.comment_required")
	}
	if utf8.RuneCountInString(comment) > maxNote {
		return failure.InvalidField("comment", "qms.text_too_long", maxNote)
	}
	return nil
}

// CanApprove checks that userID may approve the version: it is in review, userID is the
// approver it names and not its author, and every reviewer has agreed.
func (d Document) CanApprove(userID string) error {
	if d.Status != InReview {
		return failure.New(failure.Conflict, "", "qms.doc_not_in_review")
	}
	if userID == d.AuthorID {
		return failure.New(failure.Forbidden, "", "qms.doc_approver_is_author")
	}
	if userID != d.ApproverID {
		return failure.New(failure.Forbidden, "", "qms.doc_not_approver")
	}
	for _, r := range d.Reviews {
		if r.Verdict != Agree {
			return failure.New(failure.Conflict, "", "qms.doc_reviews_pending")
		}
	}
	return nil
}

// CanReturn checks that the approver may send the version back to draft, with a comment.
func (d Document) CanReturn(userID, comment string) error {
	if d.Status != InReview {
		return failure.New(failure.Conflict, "", "qms.doc_not_in_review")
	}
	if userID != d.ApproverID {
		return failure.New(failure.Forbidden, "", "qms.doc_not_approver")
	}
	if strings.TrimSpace(comment) == "" {
		return failure.InvalidField("comment", "qms.comment_required")
	}
	return nil
}

// CanPublish checks that an approved version may be published from day effective.
func (d Document) CanPublish(effective unit.Date) error {
	if d.Status != Approved {
		return failure.New(failure.Conflict, "", "qms.doc_not_approved")
	}
	if effective.IsZero() {
		return failure.InvalidField("effective_on", "qms.date_required")
	}
	if !d.NextReviewOn.IsZero() && !effective.Before(d.NextReviewOn) {
		return failure.InvalidField("effective_on", "qms.doc_review_before_effective")
	}
	return nil
}

// CanWithdraw checks that the current version may be made obsolete without a successor,
// with a reason.
func (d Document) CanWithdraw(reason string) error {
	if d.Status != Published {
		return failure.New(failure.Conflict, "", "qms.doc_not_published")
	}
	if strings.TrimSpace(reason) == "" {
		return failure.InvalidField("reason", "qms.reason_required")
	}
	return nil
}

// CanRevise checks that a new version may be started from this one: it must be published
// or obsolete (a draft is edited, not revised).
func (d Document) CanRevise() error {
	if d.Status != Published && d.Status != Obsolete {
		return failure.New(failure.Conflict, "", "qms.doc_revise_not_published")
	}
	return nil
}

// Revision is the draft of the next version: the same code, kind and content, the
// version number after last, the same approver (the store drops them if they are the new
// author), no decisions yet.
func (d Document) Revision(last int, authorID string) Document {
	return Document{UnitID: d.UnitID, Code: d.Code, Version: last + 1, Kind: d.Kind, Title: d.Title, Body: d.Body,
		ProcedureCode: d.ProcedureCode, Status: Draft, AuthorID: authorID, OwnerID: d.OwnerID, ApproverID: d.ApproverID}
}
