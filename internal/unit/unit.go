// Package unit models the organisation tree: provinces, (legacy) districts, communes, wards,
// special zones and the agencies inside them. Units carry validity dates and successors so
// the 2025 reorganisation can retire and merge units while old records keep the unit they
// were made under.
package unit

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/internal/failure"
)

// Kind says what level or sort of body a unit is.
type Kind string

// Administrative levels and agency kinds.
const (
	Province    Kind = "province"     // tỉnh
	City        Kind = "city"         // thành phố trực thuộc trung ương
	District    Kind = "district"     // huyện / quận / thị xã (legacy, before 1/7/2025)
	Commune     Kind = "commune"      // xã
	Ward        Kind = "ward"         // phường
	Town        Kind = "town"         // thị trấn (legacy)
	SpecialZone Kind = "special_zone" // đặc khu
	Committee   Kind = "committee"    // UBND: the People's Committee as an agency
	Centre      Kind = "centre"       // trung tâm phục vụ hành chính công / bộ phận một cửa
	Office      Kind = "office"       // phòng chuyên môn, sở
)

// Kinds lists every kind in display order.
var Kinds = []Kind{Province, City, District, Commune, Ward, Town, SpecialZone, Committee, Centre, Office}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// IsAgency reports whether the kind is an agency inside an administrative unit rather than
// the administrative unit itself. Only agencies carry an electronic agency identifier.
func (k Kind) IsAgency() bool {
	return k == Committee || k == Centre || k == Office
}

// allowedParents says which kinds may hold a unit of each kind. Agencies may sit in any
// administrative unit (and offices inside agencies).
var allowedParents = map[Kind][]Kind{
	Province:    nil,
	City:        nil,
	District:    {Province, City},
	Commune:     {Province, City, District},
	Ward:        {Province, City, District},
	Town:        {District},
	SpecialZone: {Province, City},
	Committee:   {Province, City, District, Commune, Ward, Town, SpecialZone},
	Centre:      {Province, City, District, Commune, Ward, Town, SpecialZone, Committee},
	Office:      {Province, City, District, Commune, Ward, Town, SpecialZone, Committee, Centre},
}

// CanHold reports whether a unit of kind parent may be the parent of one of kind child.
// A nil parent kind ("") means a root.
func CanHold(parent, child Kind) bool {
	allowed := allowedParents[child]
	if parent == "" {
		return child == Province || child == City
	}
	for _, k := range allowed {
		if k == parent {
			return true
		}
	}
	return false
}

// Unit is one node of the organisation tree.
type Unit struct {
	ID         string
	Code       string // administrative-unit code (national statistics code) or internal code
	AgencyCode string // electronic agency identifier (QĐ 20/2020), used in dossier codes
	Name       string
	Kind       Kind
	ParentID   string // empty for a root
	Path       string // "/id1/id2/.../id/" materialised path, maintained by the store
	ValidFrom  Date
	ValidTo    Date // zero: still valid
	Successors []string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// ActiveOn reports whether the unit exists on day d.
func (u Unit) ActiveOn(d Date) bool {
	if !u.ValidFrom.IsZero() && d.Before(u.ValidFrom) {
		return false
	}
	return u.ValidTo.IsZero() || d.Before(u.ValidTo)
}

// Retired reports whether the unit has ended by day d.
func (u Unit) Retired(d Date) bool { return !u.ValidTo.IsZero() && !d.Before(u.ValidTo) }

// IsAncestorOf reports whether u is other or one of its ancestors, by materialised path.
func (u Unit) IsAncestorOf(other Unit) bool {
	return u.Path != "" && strings.HasPrefix(other.Path, u.Path)
}

// Depth is the number of ancestors the unit has.
func (u Unit) Depth() int { return strings.Count(u.Path, "/") - 2 }

var (
	codePattern       = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z._-]{0,31}$`)
	agencyCodePattern = regexp.MustCompile(`^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[A-Z][0-9]{2}$`)
)

// Normalize trims the text fields so validation and storage see the same values.
func (u *Unit) Normalize() {
	u.Code = strings.TrimSpace(u.Code)
	u.AgencyCode = strings.ToUpper(strings.TrimSpace(u.AgencyCode))
	u.Name = strings.Join(strings.Fields(u.Name), " ")
}

// Validate checks the fields that do not need the database. The store checks the rest
// (unique codes, existing parent, no cycles).
func (u Unit) Validate() error {
	var errs failure.List
	if !codePattern.MatchString(u.Code) {
		errs = append(errs, failure.InvalidField("code", "unit.code_invalid"))
	}
	if u.Name == "" {
		errs = append(errs, failure.InvalidField("name", "unit.name_required"))
	} else if utf8.RuneCountInString(u.Name) > 200 {
		errs = append(errs, failure.InvalidField("name", "unit.name_too_long"))
	}
	if !u.Kind.Valid() {
		errs = append(errs, failure.InvalidField("kind", "unit.kind_invalid"))
	}
	if u.AgencyCode != "" && !agencyCodePattern.MatchString(u.AgencyCode) {
		errs = append(errs, failure.InvalidField("agency_code", "unit.agency_code_invalid"))
	}
	if u.ValidFrom.IsZero() {
		errs = append(errs, failure.InvalidField("valid_from", "unit.valid_from_required"))
	}
	if !u.ValidTo.IsZero() && !u.ValidFrom.Before(u.ValidTo) {
		errs = append(errs, failure.InvalidField("valid_to", "unit.valid_to_before_from"))
	}
	return errs.Err()
}
