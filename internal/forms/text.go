package forms

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// clock renders an instant as the forms print it, in Asia/Ho_Chi_Minh:
// "09 giờ 30 phút, ngày 05/03/2025". The zero time renders empty.
func clock(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(vietnam())
	return fmt.Sprintf("%02d giờ %02d phút, ngày %s", t.Hour(), t.Minute(), day(t))
}

// day renders the date of an instant in Asia/Ho_Chi_Minh as "05/03/2025".
func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(vietnam()).Format("02/01/2006")
}

// dateLine renders the place and date line of an administrative document
// as Decree 30/2020/NĐ-CP writes it: days below 10 and the months January
// and February take a leading zero ("Thanh Ba, ngày 05 tháng 3 năm 2025",
// "ngày 12 tháng 02 năm 2026").
func dateLine(place string, t time.Time) string {
	t = t.In(vietnam())
	month := fmt.Sprint(int(t.Month()))
	if t.Month() <= time.February {
		month = "0" + month
	}
	return fmt.Sprintf("%s, ngày %02d tháng %s năm %d", strings.TrimSpace(place), t.Day(), month, t.Year())
}

// upper returns s in capitals, as Decree 30/2020 writes agency names and
// titles; Vietnamese letters map correctly (ệ → Ệ, đ → Đ).
func upper(s string) string { return strings.ToUpper(norm.NFC.String(s)) }

// blank reports whether s has nothing printable.
func blank(s string) bool { return strings.TrimSpace(s) == "" }

// address returns how running text addresses the applicant.
func (a Applicant) address() string {
	if a.Organisation {
		return "Quý cơ quan, tổ chức"
	}
	return "Ông/Bà"
}

// lines returns the applicant as the labelled lines every form prints:
// name, representative, identity number, address, phone, e-mail; empty
// optional fields are left out.
func (a Applicant) lines() []string {
	name, id := "Ông/Bà: ", "Số định danh cá nhân: "
	if a.Organisation {
		name, id = "Tên cơ quan, tổ chức: ", "Mã số doanh nghiệp, tổ chức: "
	}
	out := []string{name + a.Name}
	add := func(label, v string) {
		if !blank(v) {
			out = append(out, label+v)
		}
	}
	add("Người đại diện: ", a.Representative)
	add(id, a.IDNumber)
	add("Địa chỉ: ", a.Address)
	add("Số điện thoại: ", a.Phone)
	add("Thư điện tử: ", a.Email)
	return out
}

// signatory returns the person who signs for the applicant: the
// representative of an organisation, else the applicant.
func (a Applicant) signatory() string {
	if a.Organisation && !blank(a.Representative) {
		return a.Representative
	}
	return a.Name
}

// sanitiser turns arbitrary input into text the PDF font can draw: NFC
// (fpdf does no shaping, so a base letter followed by combining marks
// would print the marks apart), no control or format characters, and "?"
// for any character the typeface lacks (fpdf would otherwise index past
// its width table for characters beyond the Basic Multilingual Plane).
type sanitiser interface{ has(r rune) bool }

// clean applies the sanitiser; newlines are kept only when multiline.
func clean(face sanitiser, s string, multiline bool) string {
	s = norm.NFC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n' && multiline:
			b.WriteByte('\n')
		case r == '\r' || unicode.Is(unicode.Cf, r):
		case unicode.IsSpace(r) || unicode.IsControl(r):
			b.WriteByte(' ')
		case !face.has(r):
			b.WriteByte('?')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
