// Package user models officials (cán bộ, công chức), their role assignments per unit and
// their passwords. Authorization rules live in package auth.
package user

import (
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/internal/failure"
)

// Role is what an official may do in a unit (and the unit's subtree).
type Role string

// The roles of issue 2.
const (
	Admin    Role = "admin"    // quản trị: manages the unit's officials and sub-units
	Receiver Role = "receiver" // tiếp nhận: one-stop desk
	Handler  Role = "handler"  // chuyên viên xử lý
	Approver Role = "approver" // lãnh đạo ký duyệt
	QMS      Role = "qms"      // thư ký ISO
	Overseer Role = "overseer" // ban chỉ đạo CCHC-ISO: reads the whole subtree
)

// Roles lists every role in display order.
var Roles = []Role{Admin, Receiver, Handler, Approver, QMS, Overseer}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Language codes the UI speaks.
const (
	LangVI = "vi"
	LangEN = "en"
)

// User is an official who signs in.
type User struct {
	ID           string
	Email        string
	FullName     string
	Phone        string
	PasswordHash string
	Active       bool
	SystemAdmin  bool // installation administrator: every permission everywhere
	Lang         string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	LastLoginAt  time.Time
}

// Assignment gives a user a role in a unit.
type Assignment struct {
	ID       string
	UserID   string
	UnitID   string
	UnitPath string // the unit's materialised path, for subtree checks
	UnitName string
	Role     Role
}

var phonePattern = regexp.MustCompile(`^(\+84|0)[0-9]{9,10}$`)

// Normalize canonicalises e-mail (lower case) and trims text fields.
func (u *User) Normalize() {
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	u.FullName = strings.Join(strings.Fields(u.FullName), " ")
	u.Phone = strings.NewReplacer(" ", "", ".", "", "-", "").Replace(strings.TrimSpace(u.Phone))
	if u.Lang == "" {
		u.Lang = LangVI
	}
}

// Validate checks the profile fields (not the password).
func (u User) Validate() error {
	var errs failure.List
	if err := ValidateEmail(u.Email); err != nil {
		errs = append(errs, err.(*failure.Error))
	}
	if u.FullName == "" {
		errs = append(errs, failure.InvalidField("full_name", "user.full_name_required"))
	} else if utf8.RuneCountInString(u.FullName) > 120 {
		errs = append(errs, failure.InvalidField("full_name", "user.full_name_too_long"))
	}
	if u.Phone != "" && !phonePattern.MatchString(u.Phone) {
		errs = append(errs, failure.InvalidField("phone", "user.phone_invalid"))
	}
	if u.Lang != LangVI && u.Lang != LangEN {
		errs = append(errs, failure.InvalidField("lang", "user.lang_invalid"))
	}
	return errs.Err()
}

// ValidateEmail accepts a plain address (no display name) of reasonable length.
func ValidateEmail(email string) error {
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || len(email) > 254 || !strings.Contains(email[strings.LastIndex(email, "@"):], ".") {
		return failure.InvalidField("email", "user.email_invalid")
	}
	return nil
}
