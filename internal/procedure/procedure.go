// Package procedure models the catalog of administrative procedures (thủ tục hành chính,
// TTHC): their versions as announced by decisions, their lifecycle (effective, expired,
// abolished, replaced), the publication of procedures by units, the intake block that
// refuses dossiers under procedures no longer in force, periodic reviews (rà soát) and the
// internal workflows (quy trình nội bộ) a unit follows for each procedure.
//
// It holds types and rules only: no SQL, no HTTP. The store persists what is here and
// calls the rules; the web layer shows them.
//
// # Versions
//
// A procedure is identified by its national code (mã TTHC, e.g. 1.001193). Every
// amendment is a new Version with its own number, announcing decision and effective
// period; the periods of a procedure's versions never overlap, and a new version closes
// the previous one on the day it starts. A version is immutable once a dossier may be
// received under it (its effective day has come, or the intake has used it): a change of
// content then needs a new version, so a dossier keeps the exact rules it was received
// under.
//
// # Status on a day
//
// StatusOn answers what a procedure is on a given day: Effective when a version is in
// force, NotYetEffective before the first version starts, and after the last version ends
// the declared end (Abolished or Replaced, naming the replacement) or Expired.
package procedure

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/unit"
)

// Status is where a procedure stands in its lifecycle.
type Status string

// Lifecycle states. Effective, Expired, Abolished and Replaced may be declared (stored);
// NotYetEffective is only ever computed by StatusOn.
const (
	Effective       Status = "effective"         // còn hiệu lực
	Expired         Status = "expired"           // hết hiệu lực
	Abolished       Status = "abolished"         // bị bãi bỏ
	Replaced        Status = "replaced"          // được thay thế
	NotYetEffective Status = "not_yet_effective" // chưa có hiệu lực
)

// Statuses lists every status in display order (for filters and i18n keys).
var Statuses = []Status{Effective, NotYetEffective, Expired, Abolished, Replaced}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// Ended reports whether the status declares the end of a procedure.
func (s Status) Ended() bool { return s == Expired || s == Abolished || s == Replaced }

// Level is the tier of government that carries out a procedure.
type Level string

// Levels. District is legacy (before 1 July 2025); Central is for procedures a
// ministry carries out that a commune desk may still receive.
const (
	Central  Level = "central"
	Province Level = "province"
	District Level = "district"
	Commune  Level = "commune"
)

// Levels lists every level in display order.
var Levels = []Level{Central, Province, District, Commune}

// Valid reports whether l is a known level.
func (l Level) Valid() bool { return slices.Contains(Levels, l) }

// OnlineLevel says how far a procedure can be done online (dịch vụ công trực tuyến).
type OnlineLevel string

// Online levels: toàn trình (full), một phần (partial), none.
const (
	OnlineFull    OnlineLevel = "full"
	OnlinePartial OnlineLevel = "partial"
	OnlineNone    OnlineLevel = "none"
)

// OnlineLevels lists every online level in display order.
var OnlineLevels = []OnlineLevel{OnlineFull, OnlinePartial, OnlineNone}

// Valid reports whether o is a known online level.
func (o OnlineLevel) Valid() bool { return slices.Contains(OnlineLevels, o) }

// Component is one paper of the dossier (thành phần hồ sơ).
type Component struct {
	Name      string `json:"name"`
	Originals int    `json:"originals"`      // bản chính
	Copies    int    `json:"copies"`         // bản sao
	Form      string `json:"form,omitempty"` // form template (mẫu đơn, tờ khai), e.g. "Tờ khai đăng ký khai sinh"
	Required  bool   `json:"required"`
}

// Fee is one charge (phí, lệ phí) in Vietnamese đồng; Amount 0 with a Note states an
// exemption or a rate that depends on the case.
type Fee struct {
	Name   string `json:"name"`
	Amount int64  `json:"amount"`
	Note   string `json:"note,omitempty"`
}

// Announcement is the decision that announced a version (quyết định công bố).
type Announcement struct {
	Number    string    // e.g. "1085/QĐ-UBND"
	Date      unit.Date // day signed
	Authority string    // e.g. "UBND tỉnh Phú Thọ"
}

// Version is one announced wording of a procedure: the rules a dossier received while it
// is in force follows for its whole life.
type Version struct {
	ID            string
	Code          string // national code, e.g. 1.001193
	Number        int    // 1, 2, ... in order of announcement
	Name          string
	Field         string // lĩnh vực, e.g. "Hộ tịch"
	Level         Level
	AgencyKinds   []unit.Kind // kinds of agency that carry it out (committee, centre, office)
	Limit         calendar.Limit
	Fees          []Fee
	Components    []Component
	Result        string // kết quả, e.g. "Giấy khai sinh"
	LegalBasis    string // căn cứ pháp lý
	Online        OnlineLevel
	Announcement  Announcement
	EffectiveFrom unit.Date
	EffectiveTo   unit.Date // zero: open-ended
	Note          string    // remarks, e.g. what in a sample is unverified
	Frozen        bool      // a dossier has used it: never editable again
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// InForceOn reports whether the version is in force on day d.
func (v Version) InForceOn(d unit.Date) bool {
	if d.Before(v.EffectiveFrom) {
		return false
	}
	return v.EffectiveTo.IsZero() || d.Before(v.EffectiveTo)
}

// Editable reports whether the version's content may still change on day today: only
// while no dossier can have been received under it.
func (v Version) Editable(today unit.Date) bool {
	return !v.Frozen && today.Before(v.EffectiveFrom)
}

// SameContent reports whether two versions state the same rules (ignoring IDs, stamps,
// the frozen flag and the end of the effective period, which the lifecycle changes).
func (v Version) SameContent(o Version) bool {
	return v.Code == o.Code && v.Number == o.Number && v.Name == o.Name && v.Field == o.Field &&
		v.Level == o.Level && slices.Equal(v.AgencyKinds, o.AgencyKinds) && v.Limit == o.Limit &&
		slices.Equal(v.Fees, o.Fees) && slices.Equal(v.Components, o.Components) && v.Result == o.Result &&
		v.LegalBasis == o.LegalBasis && v.Online == o.Online && v.Announcement.Number == o.Announcement.Number &&
		v.Announcement.Date.String() == o.Announcement.Date.String() && v.Announcement.Authority == o.Announcement.Authority &&
		v.EffectiveFrom.String() == o.EffectiveFrom.String() && v.Note == o.Note
}

// Procedure is a national code with its versions and its declared end, if any.
type Procedure struct {
	ID         string
	Code       string
	Name       string // of the latest version
	Field      string // of the latest version
	Level      Level  // of the latest version
	Status     Status // declared: Effective (no end declared), Expired, Abolished or Replaced
	StatusFrom unit.Date
	ReplacedBy string    // code of the replacing procedure when Replaced
	Versions   []Version // oldest first
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// VersionOn returns the version in force on day d.
func (p Procedure) VersionOn(d unit.Date) (Version, bool) {
	for i := len(p.Versions) - 1; i >= 0; i-- {
		if p.Versions[i].InForceOn(d) {
			return p.Versions[i], true
		}
	}
	return Version{}, false
}

// Latest returns the most recent version (the zero Version when none is loaded).
func (p Procedure) Latest() Version {
	if len(p.Versions) == 0 {
		return Version{}
	}
	return p.Versions[len(p.Versions)-1]
}

// StatusOn says what the procedure is on day d; see the package documentation.
func (p Procedure) StatusOn(d unit.Date) Status {
	if _, ok := p.VersionOn(d); ok {
		return Effective
	}
	if len(p.Versions) == 0 || d.Before(p.Versions[0].EffectiveFrom) {
		return NotYetEffective
	}
	for _, v := range p.Versions {
		if d.Before(v.EffectiveFrom) {
			// Between two versions (a gap in the announcements): not in force now, but
			// a later version is coming.
			return NotYetEffective
		}
	}
	if (p.Status == Abolished || p.Status == Replaced) && !d.Before(p.StatusFrom) {
		return p.Status
	}
	return Expired
}

// EndsWithin returns the day the version in force on d ends, when that is before
// d + days (the "expiring soon" alert).
func (p Procedure) EndsWithin(d unit.Date, days int) (unit.Date, bool) {
	v, ok := p.VersionOn(d)
	if !ok || v.EffectiveTo.IsZero() {
		return unit.Date{}, false
	}
	limit := unit.DateOf(mustTime(d).AddDate(0, 0, days))
	if v.EffectiveTo.Before(limit) {
		return v.EffectiveTo, true
	}
	return unit.Date{}, false
}

func mustTime(d unit.Date) time.Time {
	t, _ := time.Parse(unit.DateLayout, d.String())
	return t
}

// AddDays returns the day n days after d (n may be negative).
func AddDays(d unit.Date, n int) unit.Date { return unit.DateOf(mustTime(d).AddDate(0, 0, n)) }

var codePattern = regexp.MustCompile(`^[0-9]{1,2}\.[0-9]{6}(\.[0-9A-Z.-]{1,20})?$`)

// ValidCode reports whether s looks like a national procedure code: a group digit, a
// dot and six digits (1.001193, 2.000908), optionally followed by a local suffix.
func ValidCode(s string) bool { return codePattern.MatchString(s) }

// NormalizeCode trims and upper-cases a code as typed.
func NormalizeCode(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

func clean(s string) string { return strings.Join(strings.Fields(s), " ") }

// Normalize trims the text fields so validation and storage see the same values.
func (v *Version) Normalize() {
	v.Code = NormalizeCode(v.Code)
	v.Name = clean(v.Name)
	v.Field = clean(v.Field)
	v.Result = clean(v.Result)
	v.LegalBasis = strings.TrimSpace(v.LegalBasis)
	v.Note = strings.TrimSpace(v.Note)
	v.Announcement.Number = clean(v.Announcement.Number)
	v.Announcement.Authority = clean(v.Announcement.Authority)
	for i := range v.Components {
		v.Components[i].Name = clean(v.Components[i].Name)
		v.Components[i].Form = clean(v.Components[i].Form)
	}
	for i := range v.Fees {
		v.Fees[i].Name = clean(v.Fees[i].Name)
		v.Fees[i].Note = clean(v.Fees[i].Note)
	}
	if v.Online == "" {
		v.Online = OnlineNone
	}
}

// Validate checks a version's own fields; the store checks the rest (unique code and
// number, no overlap with other versions).
func (v Version) Validate() error {
	var errs failure.List
	add := func(field, key string, args ...any) { errs = append(errs, failure.InvalidField(field, key, args...)) }
	if !ValidCode(v.Code) {
		add("code", "procedure.code_invalid")
	}
	if v.Number < 1 || v.Number > 999 {
		add("version", "procedure.version_invalid")
	}
	if v.Name == "" {
		add("name", "procedure.name_required")
	} else if utf8.RuneCountInString(v.Name) > 500 {
		add("name", "procedure.name_too_long")
	}
	if v.Field == "" {
		add("field", "procedure.field_required")
	} else if utf8.RuneCountInString(v.Field) > 120 {
		add("field", "procedure.field_too_long")
	}
	if !v.Level.Valid() {
		add("level", "procedure.level_invalid")
	}
	for _, k := range v.AgencyKinds {
		if !k.IsAgency() {
			add("agency_kinds", "procedure.agency_kind_invalid", string(k))
			break
		}
	}
	if err := v.Limit.Validate(); err != nil {
		add("time_limit", "procedure.limit_invalid")
	}
	for _, f := range v.Fees {
		if f.Name == "" || f.Amount < 0 || f.Amount > 1_000_000_000_000 {
			add("fees", "procedure.fee_invalid")
			break
		}
	}
	for _, c := range v.Components {
		if c.Name == "" || c.Originals < 0 || c.Copies < 0 || c.Originals > 99 || c.Copies > 99 {
			add("components", "procedure.component_invalid")
			break
		}
	}
	if !v.Online.Valid() {
		add("online_level", "procedure.online_invalid")
	}
	if v.EffectiveFrom.IsZero() {
		add("effective_from", "procedure.effective_from_required")
	}
	if !v.EffectiveTo.IsZero() && !v.EffectiveFrom.Before(v.EffectiveTo) {
		add("effective_to", "procedure.effective_to_before_from")
	}
	if !v.Announcement.Date.IsZero() && !v.EffectiveFrom.IsZero() && v.EffectiveFrom.Before(v.Announcement.Date) {
		add("decision_date", "procedure.decision_after_effect")
	}
	return errs.Err()
}

// End is a declared end of a procedure: expired, abolished, or replaced by another code.
type End struct {
	Status     Status    // Expired, Abolished or Replaced
	From       unit.Date // first day no longer in force
	ReplacedBy string    // code of the replacement (Replaced only)
}

// Validate checks an end on its own; the store checks the replacement exists and that
// no replacement cycle forms.
func (e End) Validate(code string) error {
	var errs failure.List
	if !e.Status.Ended() {
		errs = append(errs, failure.InvalidField("status", "procedure.status_invalid"))
	}
	if e.From.IsZero() {
		errs = append(errs, failure.InvalidField("effective_to", "procedure.end_date_required"))
	}
	switch {
	case e.Status == Replaced && e.ReplacedBy == "":
		errs = append(errs, failure.InvalidField("replaced_by", "procedure.replacement_required"))
	case e.Status == Replaced && NormalizeCode(e.ReplacedBy) == NormalizeCode(code):
		errs = append(errs, failure.InvalidField("replaced_by", "procedure.replacement_cycle", code))
	case e.Status != Replaced && e.ReplacedBy != "":
		errs = append(errs, failure.InvalidField("replaced_by", "procedure.replacement_only_replaced"))
	case e.ReplacedBy != "" && !ValidCode(NormalizeCode(e.ReplacedBy)):
		errs = append(errs, failure.InvalidField("replaced_by", "procedure.code_invalid"))
	}
	return errs.Err()
}

// ReplacementCycle reports whether making code replaced by next closes a cycle, given
// replacedBy (code → its replacement) for the procedures already replaced. It returns
// the chain that would loop, for the message.
func ReplacementCycle(code, next string, replacedBy map[string]string) ([]string, bool) {
	chain := []string{code}
	seen := map[string]bool{code: true}
	for cur := next; cur != ""; cur = replacedBy[cur] {
		chain = append(chain, cur)
		if seen[cur] {
			return chain, true
		}
		seen[cur] = true
	}
	return nil, false
}
