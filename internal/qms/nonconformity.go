package qms

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/vn"
)

// Source is where a nonconformity comes from.
type Source string

// The sources. The data-driven ones are raised automatically, one record per unit and
// month; the others are raised by hand (an audit finding by its audit).
const (
	SourceAudit     Source = "audit"              // phát hiện của đánh giá nội bộ
	SourceLate      Source = "late_dossiers"      // hồ sơ giải quyết quá hạn
	SourceIntake    Source = "intake_refusals"    // tiếp nhận theo thủ tục hết hiệu lực / không áp dụng
	SourceStale     Source = "stale_publications" // thủ tục hết hiệu lực vẫn công khai
	SourceObjective Source = "missed_objective"   // mục tiêu chất lượng không đạt
	SourceRating    Source = "low_ratings"        // đánh giá không hài lòng
	SourceComplaint Source = "complaint"          // phản ánh, kiến nghị
	SourceOther     Source = "other"
)

// Sources lists every source in display order.
var Sources = []Source{SourceAudit, SourceLate, SourceIntake, SourceStale, SourceObjective, SourceRating,
	SourceComplaint, SourceOther}

// ManualSources are the sources an official raises a nonconformity from by hand.
var ManualSources = []Source{SourceComplaint, SourceAudit, SourceOther}

// Valid reports whether s is known.
func (s Source) Valid() bool { return slices.Contains(Sources, s) }

// Automatic reports whether the source is raised from the data.
func (s Source) Automatic() bool {
	return s == SourceLate || s == SourceIntake || s == SourceStale || s == SourceRating || s == SourceObjective
}

// NCStatus is where a nonconformity stands.
type NCStatus string

// The life of a nonconformity and its corrective action.
const (
	NCOpen        NCStatus = "open"        // raised
	NCPlanned     NCStatus = "planned"     // correction, cause and action with owner and due day
	NCImplemented NCStatus = "implemented" // the owner reports the action done
	NCVerified    NCStatus = "verified"    // effectiveness verified by someone else
	NCClosed      NCStatus = "closed"
	NCDismissed   NCStatus = "dismissed" // not a nonconformity, with the reason
)

// NCStatuses lists the statuses in life order.
var NCStatuses = []NCStatus{NCOpen, NCPlanned, NCImplemented, NCVerified, NCClosed, NCDismissed}

// Final reports whether nothing more happens to the record.
func (s NCStatus) Final() bool { return s == NCClosed || s == NCDismissed }

// EvidenceKind is what a piece of evidence points at.
type EvidenceKind string

// The evidence kinds.
const (
	EvidenceDossier     EvidenceKind = "dossier"     // a dossier, by its code
	EvidenceRefusal     EvidenceKind = "refusal"     // a refused intake attempt
	EvidencePublication EvidenceKind = "publication" // a procedure published after its expiry
	EvidenceRating      EvidenceKind = "rating"      // a low rating (of a dossier)
	EvidenceObjective   EvidenceKind = "objective"   // a missed objective's month
)

// Evidence is one thing a nonconformity rests on. RefID is the dossier's ID for dossiers
// and ratings, the refusal record's, the procedure's code, the objective's ID.
type Evidence struct {
	ID     string
	NCID   string
	UnitID string
	Kind   EvidenceKind
	RefID  string
	Label  string // the dossier code, "1.000001.MH: expired", the objective with its result
	At     time.Time
}

// Nonconformity is a nonconformity (điểm không phù hợp) with its corrective action.
type Nonconformity struct {
	ID            string
	UnitID        string
	Source        Source
	Month         Month  // the month it belongs to
	AutoKey       string // the unit, cause and month of a grouped record; empty for one raised alone
	Title         string // empty for automatic records: the page words them from source and month
	Description   string
	EvidenceCount int
	Status        NCStatus
	RaisedBy      string // empty when raised automatically
	RaisedAt      time.Time

	Correction     string // khắc phục tức thời
	RootCause      string // nguyên nhân
	Action         string // hành động khắc phục
	ActionOwnerID  string
	ActionDueOn    unit.Date
	ActionDoneAt   time.Time
	ActionDoneNote string

	VerifiedBy   string
	VerifiedAt   time.Time
	Verification string
	Effective    bool

	ClosedBy      string
	ClosedAt      time.Time
	DismissedBy   string
	DismissedAt   time.Time
	DismissReason string

	AuditItemID string // the audit checklist item that found it
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// AutoKey names the grouped record of a cause in a unit and month.
func AutoKey(unitID string, s Source, m Month) string {
	return string(s) + "|" + unitID + "|" + m.String()
}

// Overdue reports whether the corrective action is past its due day and not done.
func (n Nonconformity) Overdue(today unit.Date) bool {
	return n.Status == NCPlanned && !n.ActionDueOn.IsZero() && n.ActionDueOn.Before(today)
}

// NewManual checks a nonconformity raised by hand.
func NewManual(unitID string, s Source, title, description string) (Nonconformity, error) {
	n := Nonconformity{UnitID: unitID, Source: s, Status: NCOpen,
		Title:       strings.Join(strings.Fields(vn.NFC(title)), " "),
		Description: strings.TrimSpace(vn.NFC(description))}
	var errs failure.List
	if !slices.Contains(ManualSources, s) {
		errs = append(errs, failure.InvalidField("source", "qms.nc_source_invalid"))
	}
	errs = addErr(errs, checkText("title", n.Title, maxTitle, true))
	if utf8.RuneCountInString(n.Description) > maxBody {
		errs = append(errs, failure.InvalidField("description", "qms.text_too_long", maxBody))
	}
	return n, errs.Err()
}

// Plan is the treatment of a nonconformity: the correction, the root cause and the
// corrective action with its owner and due day.
type Plan struct {
	Correction string
	RootCause  string
	Action     string
	OwnerID    string
	DueOn      unit.Date
}

// Normalize trims the texts.
func (p *Plan) Normalize() {
	for _, s := range []*string{&p.Correction, &p.RootCause, &p.Action} {
		*s = strings.TrimSpace(vn.NFC(*s))
	}
}

// CanPlan checks a plan for a nonconformity not yet implemented: the root cause, the
// action, its owner and due day are required; the correction may be empty.
func (n Nonconformity) CanPlan(p Plan) error {
	if n.Status != NCOpen && n.Status != NCPlanned {
		return failure.New(failure.Conflict, "", "qms.nc_not_plannable")
	}
	var errs failure.List
	errs = addErr(errs, checkText("correction", p.Correction, maxNote, false))
	errs = addErr(errs, checkText("root_cause", p.RootCause, maxNote, true))
	errs = addErr(errs, checkText("action", p.Action, maxNote, true))
	if p.OwnerID == "" {
		errs = append(errs, failure.InvalidField("owner_id", "qms.owner_required"))
	}
	if p.DueOn.IsZero() {
		errs = append(errs, failure.InvalidField("due_on", "qms.date_required"))
	}
	return errs.Err()
}

// CanImplement checks that the planned action may be reported done.
func (n Nonconformity) CanImplement(note string) error {
	if n.Status != NCPlanned {
		return failure.New(failure.Conflict, "", "qms.nc_not_planned")
	}
	if utf8.RuneCountInString(note) > maxNote {
		return failure.InvalidField("note", "qms.text_too_long", maxNote)
	}
	return nil
}

// CanVerify checks that userID may record whether the implemented action was effective:
// never the action's owner, and with what was checked.
func (n Nonconformity) CanVerify(userID, text string) error {
	if n.Status != NCImplemented {
		return failure.New(failure.Conflict, "", "qms.nc_not_implemented")
	}
	if userID == n.ActionOwnerID {
		return failure.New(failure.Forbidden, "", "qms.nc_verifier_is_owner")
	}
	return checkText("verification", text, maxNote, true)
}

// CanClose refuses to close a nonconformity whose action was not verified effective.
func (n Nonconformity) CanClose() error {
	if n.Status != NCVerified || !n.Effective {
		return failure.New(failure.Conflict, "", "qms.nc_close_unverified")
	}
	return nil
}

// CanDismiss checks that a nonconformity not yet acted on may be dismissed, with a reason.
func (n Nonconformity) CanDismiss(reason string) error {
	if n.Status != NCOpen && n.Status != NCPlanned {
		return failure.New(failure.Conflict, "", "qms.nc_not_dismissable")
	}
	if strings.TrimSpace(reason) == "" {
		return failure.InvalidField("reason", "qms.reason_required")
	}
	return checkText("reason", reason, maxNote, false)
}
