package demo

import (
	"context"
	"fmt"

	"github.com/motcua/motcua/internal/report"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/user"
)

// The IT indicators of the former district (issue 7, part 5). The seed reports that 90% of
// the district's officials and 25% of the communes' have an official e-mail account. The
// demo gives its officials of 2022 the addresses that make those shares: the former
// province sets the official mail domain *.congvu.demo.motcua.vn (a stand-in for a
// province's *.phutho.gov.vn: the demo never uses a real government domain), the district
// gets 27 specialists with an address there beside its three officials with a demo login
// (27 of 30), and each commune three specialists, of whom one to three have one, beside
// its five officials with a demo login (38 of 152 over the 19 communes, 25%). The
// specialists hold the handler role in their committee and have no printed login. With the
// dossiers of 2022, each unit also enters the indicators it knows (computers, internet
// line, digital signatures, documents exchanged electronically) and closes the year.

// officialMailDomain is the demo's official mail domain pattern, set on the former province.
const officialMailDomain = "*.congvu.demo.motcua.vn"

// districtStaff is how many specialists with an official address the district has.
const districtStaff = 27

// communeStaffMail is, by the commune's place in thanhBa2022 modulo 3, how many of its
// three specialists have an official address (2, 1, 3, 2, 1, 3, …: 38 over 19 communes).
var communeStaffMail = [3]int{2, 1, 3}

// staffEmail is the address of the k-th specialist of a unit: at the unit's subdomain of the
// official domain when official, at the demo domain otherwise.
func staffEmail(unitSlug string, k int, official bool) string {
	if official {
		return fmt.Sprintf("cv%02d@%s2022.congvu.%s", k, unitSlug, emailDomain)
	}
	return fmt.Sprintf("cv%02d.%s.2022@%s", k, unitSlug, emailDomain)
}

// itStaff2022 sets the official mail domain on the former province and adds the
// specialists of the district's committee and of each commune's committee.
func (l *loader) itStaff2022(ctx context.Context, oldProvince, districtUBND unit.Unit, communes []unit.Unit) error {
	have, err := l.db.MailDomains(ctx, oldProvince.ID)
	if err != nil {
		return err
	}
	if len(have) == 0 {
		if _, err := l.db.AddMailDomain(ctx, oldProvince.ID, officialMailDomain, ""); err != nil {
			return err
		}
	}
	for k := 1; k <= districtStaff; k++ {
		if err := l.staff(ctx, staffEmail("huyenthanhba", k, true), districtUBND); err != nil {
			return err
		}
	}
	for i, com := range communes {
		ubnd, err := l.db.Unit(ctx, unitID(com.Code+".UBND", legacyFrom))
		if err != nil {
			return err
		}
		official := communeStaffMail[i%3]
		for k := 1; k <= 3; k++ {
			if err := l.staff(ctx, staffEmail(slug(com.Name), k, k <= official), ubnd); err != nil {
				return err
			}
		}
	}
	return nil
}

// staff makes sure a specialist exists with the handler role in the agency. Specialists
// are not printed with the logins.
func (l *loader) staff(ctx context.Context, email string, in unit.Unit) error {
	id := userID(email)
	name := fullName(l.people)
	l.people++
	ok, err := exists(l.db.User(ctx, id))
	if err != nil {
		return err
	}
	if !ok {
		u := user.User{ID: id, Email: email, FullName: name, PasswordHash: l.hash, Active: true, Lang: user.LangVI}
		if err := l.db.CreateUser(ctx, &u); err != nil {
			return err
		}
		l.res.StaffCreated++
	}
	a := user.Assignment{ID: assignmentID(id, in.ID, user.Handler), UserID: id, UnitID: in.ID, Role: user.Handler}
	if ok, err := exists(l.db.Assignment(ctx, a.ID)); err != nil || ok {
		return err
	}
	return l.db.Assign(ctx, &a)
}

// itEntries2022 enters the indicators of 2022 that the district and each commune know, with
// their evidence, and closes the year, unless it is closed already.
func (l *loader) itEntries2022(ctx context.Context) error {
	district, err := l.db.Unit(ctx, unitID(districtCode, legacyFrom))
	if err != nil {
		return err
	}
	units := []unit.Unit{district}
	for _, c := range thanhBa2022 {
		u, err := l.db.Unit(ctx, unitID(c.code, legacyFrom))
		if err != nil {
			return err
		}
		units = append(units, u)
	}
	for i, u := range units {
		closed, err := l.db.ITYearClosed(ctx, u.ID, 2022)
		if err != nil {
			return err
		}
		if closed {
			continue
		}
		computers, signature, edocs := 5+i%4, float64(min(1, i%3)), float64(35+(i*7)%45)
		if i == 0 { // the district
			computers, signature, edocs = 28, 1, 85
		}
		for _, e := range []report.ITEntry{
			{Key: report.ITComputers, Value: float64(computers), Note: "Biên bản kiểm kê tài sản ngày 31/12/2022"},
			{Key: report.ITInternet, Value: 1, Note: "Hợp đồng cáp quang FTTH với VNPT Phú Thọ"},
			{Key: report.ITDigitalSignature, Value: signature, Note: "Chứng thư số do Ban Cơ yếu Chính phủ cấp cho lãnh đạo và văn thư"},
			{Key: report.ITEDocuments, Value: edocs, Note: "Sổ đăng ký văn bản đi, đến năm 2022 trên hệ thống quản lý văn bản"},
		} {
			if err := l.db.SaveITEntry(ctx, u.ID, 2022, e, ""); err != nil {
				return fmt.Errorf("IT entry of %s: %w", u.Name, err)
			}
		}
		if _, err := l.db.CloseITYear(ctx, u, 2022, ""); err != nil {
			return fmt.Errorf("close 2022 IT year of %s: %w", u.Name, err)
		}
	}
	return nil
}
