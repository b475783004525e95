// Package demo loads a demonstration province so that motcua can be tried without real
// data: the new Tỉnh Phú Thọ (code 25) as it is since 1 July 2025, and the former Huyện
// Thanh Ba as it was in 2022, with agencies and officials in every role.
//
// Today's part is official: the province and its 148 communes and wards come from the
// embedded 2025 list (unit.Official2025, dvhcvn/20250701 under the MIT License). The
// historical part is demonstration data, not an official record. Its shape follows public
// sources: the 19 commune-level units of Huyện Thanh Ba (district code 232) and their
// statistics codes as listed before the reform, and the mergers of Resolution
// 1676/NQ-UBTVQH15 (16 June 2025, items 11 to 16) that formed the six new communes Thanh
// Ba, Quảng Yên, Hoàng Cương, Đông Thành, Chí Tiên and Liên Minh. Everything else is
// invented for the demonstration: the validity start of the old units (1 January 2020, a
// convention, not their legal dates), the electronic agency identifiers (QĐ 20/2020 format,
// numbered here in code order, not the province's real assignments), the steering
// committees, and every official, name and e-mail address.
//
// The former communes publish the sample catalog's procedures in force in their time and
// received, from 1 January to 31 October 2022, the dossiers of the district's report:
// Received2022, of which OnTime2022 resolved early or on time (see dossiers.go). A handler
// of the district (Phòng Lao động - Thương binh và Xã hội) decides the social-assistance
// dossiers the communes transfer to it.
//
// Loading is deterministic and repeatable: IDs are UUIDv5 derived from codes and e-mail
// addresses (the dossiers' come from a seeded generator), so two loads give the same IDs,
// and a second load on a demo database creates nothing. A database that holds anything else is refused with ErrNotEmpty unless
// Options.Force is set.
package demo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/user"
	"github.com/motcua/motcua/internal/vn"
)

// Password is the one password every demo account shares. It is printed with the logins,
// so a demo database must never hold real data.
const Password = "motcua-demo-2025"

// SystemAdminRole is the Role shown in a Login for the installation administrator, who
// holds no role assignment but the system-admin flag.
const SystemAdminRole = "system_admin"

// ErrNotEmpty is returned by Load when the database already holds data that is not the
// demo's (units or officials it did not create) and Options.Force is not set.
var ErrNotEmpty = errors.New("the database already holds data that is not the demo")

// Options tune Load.
type Options struct {
	// Force loads the demo even into a database that holds other data. The demo's units and
	// officials are added beside what is there; a code or e-mail the other data already
	// uses makes the load fail.
	Force bool
	// Now stamps the audit event of the load; time.Now when zero.
	Now time.Time
	// SkipDossiers leaves out the 2022 dossiers (see Received2022), which take seconds
	// to generate; tests that do not need them set it. `motcua demo` and `motcua serve
	// --demo` load them.
	SkipDossiers bool
}

// Login is one demo account, printed so that people can sign in.
type Login struct {
	Email    string
	Password string
	FullName string
	Role     string // a user.Role, or SystemAdminRole
	UnitName string // where the role is held; empty for the system administrator
}

// Result says what Load did and who can sign in.
type Result struct {
	Logins       []Login
	UnitsCreated int // 0 when the demo was already loaded
	UsersCreated int
	// StaffCreated counts the specialists of 2022 created without a printed login (see
	// itStaff2022).
	StaffCreated int
	// ProceduresAdded counts the versions of the sample procedure catalog added (0 when
	// already loaded).
	ProceduresAdded int
	// DossiersCreated counts the 2022 dossiers written, refusals at intake included (0
	// when already loaded or skipped), and DossierTime is how long generating and writing
	// them took.
	DossiersCreated int
	DossierTime     time.Duration
}

// Demo identity: e-mail domain, the agency identifiers' province letter code, and the
// validity start of the units of the former tree.
const (
	emailDomain  = "demo.motcua.vn"
	provinceCode = "25"
	districtCode = "232"
	agencyLetter = "H29" // Phú Thọ in the QĐ 20/2020 identifiers
)

var legacyFrom = unit.NewDate(2020, 1, 1)

// legacyCommune is a commune-level unit of Huyện Thanh Ba before 1 July 2025 and the new
// commune (by its 2025 code) it was merged into.
type legacyCommune struct {
	code, name string
	kind       unit.Kind
	into       string
}

// thanhBa2022 lists the 19 units of Huyện Thanh Ba in statistics-code order, with the new
// commune each went into under Resolution 1676/NQ-UBTVQH15.
var thanhBa2022 = []legacyCommune{
	{"08152", "Thị trấn Thanh Ba", unit.Town, "08152"},
	{"08156", "Xã Vân Lĩnh", unit.Commune, "08152"},
	{"08158", "Xã Đông Lĩnh", unit.Commune, "08173"},
	{"08161", "Xã Đại An", unit.Commune, "08173"},
	{"08164", "Xã Hanh Cù", unit.Commune, "08152"},
	{"08170", "Xã Đồng Xuân", unit.Commune, "08152"},
	{"08173", "Xã Quảng Yên", unit.Commune, "08173"},
	{"08179", "Xã Ninh Dân", unit.Commune, "08203"},
	{"08194", "Xã Võ Lao", unit.Commune, "08209"},
	{"08197", "Xã Khải Xuân", unit.Commune, "08209"},
	{"08200", "Xã Mạn Lạn", unit.Commune, "08203"},
	{"08203", "Xã Hoàng Cương", unit.Commune, "08203"},
	{"08206", "Xã Chí Tiên", unit.Commune, "08218"},
	{"08209", "Xã Đông Thành", unit.Commune, "08209"},
	{"08215", "Xã Sơn Cương", unit.Commune, "08218"},
	{"08218", "Xã Thanh Hà", unit.Commune, "08218"},
	{"08221", "Xã Đỗ Sơn", unit.Commune, "08227"},
	{"08224", "Xã Đỗ Xuyên", unit.Commune, "08227"},
	{"08227", "Xã Lương Lỗ", unit.Commune, "08227"},
}

// areaCommunes are the new communes of the former district, in code order, with the names
// the 2025 list must give them (checked at load, so a changed list fails loudly).
var areaCommunes = []struct{ code, name string }{
	{"08152", "Xã Thanh Ba"},
	{"08173", "Xã Quảng Yên"},
	{"08203", "Xã Hoàng Cương"},
	{"08209", "Xã Đông Thành"},
	{"08218", "Xã Chí Tiên"},
	{"08227", "Xã Liên Minh"},
}

// communeRoles are the roles every demo commune gets one official for, and the word that
// starts each official's e-mail address.
var communeRoles = []struct {
	role user.Role
	word string
}{
	{user.Admin, "quantri"},
	{user.Receiver, "tiepnhan"},
	{user.Handler, "xuly"},
	{user.Approver, "lanhdao"},
	{user.QMS, "iso"},
}

// namespace roots the demo's UUIDv5 identifiers.
var namespace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://"+emailDomain+"/"))

func demoID(kind, key string) string {
	return uuid.NewSHA1(namespace, []byte(kind+":"+key)).String()
}

// unitID is the ID of the demo unit holding code from day from.
func unitID(code string, from unit.Date) string { return demoID("unit", code+"@"+from.String()) }

func userID(email string) string { return demoID("user", email) }

func assignmentID(userID, unitID string, role user.Role) string {
	return demoID("assignment", userID+"/"+unitID+"/"+string(role))
}

// slug turns "Xã Vân Lĩnh" into "vanlinh" for e-mail addresses.
func slug(name string) string {
	for _, prefix := range []string{"Thị trấn ", "Xã ", "Phường ", "Huyện ", "Tỉnh "} {
		name = strings.TrimPrefix(name, prefix)
	}
	return strings.ReplaceAll(vn.Fold(name), " ", "")
}

// lowerFirst writes a unit's type in lower case after "UBND" ("UBND xã Vân Lĩnh").
func lowerFirst(name string) string {
	for _, prefix := range []string{"Thị trấn ", "Xã ", "Huyện "} {
		if rest, ok := strings.CutPrefix(name, prefix); ok {
			return strings.ToLower(prefix) + rest
		}
	}
	return name
}

// Load puts the demonstration province into db, or completes it when an earlier load
// stopped half-way. See the package documentation for what it holds.
func Load(ctx context.Context, db *store.DB, opts Options) (*Result, error) {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	sysAdmin := "quantri@" + emailDomain
	loaded, err := exists(db.User(ctx, userID(sysAdmin)))
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	if !loaded && !opts.Force {
		units, err := db.CountUnits(ctx)
		if err != nil {
			return nil, fmt.Errorf("demo: %w", err)
		}
		users, err := db.CountUsers(ctx)
		if err != nil {
			return nil, fmt.Errorf("demo: %w", err)
		}
		if units > 0 || users > 0 {
			return nil, fmt.Errorf("demo: %w (%d units, %d officials)", ErrNotEmpty, units, users)
		}
	}
	hash, err := user.HashPassword(Password)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	l := &loader{db: db, hash: hash, res: &Result{}}
	if err := l.load(ctx, sysAdmin); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	if err := l.procedures(ctx, opts.Now); err != nil {
		return nil, fmt.Errorf("demo: procedures: %w", err)
	}
	if !opts.SkipDossiers {
		start := time.Now()
		n, err := l.dossiers2022(ctx)
		l.res.DossiersCreated, l.res.DossierTime = n, time.Since(start)
		if err != nil {
			return nil, fmt.Errorf("demo: dossiers of 2022: %w", err)
		}
		if err := l.qms2022(ctx); err != nil {
			return nil, fmt.Errorf("demo: QMS of 2022: %w", err)
		}
		if err := l.itEntries2022(ctx); err != nil {
			return nil, fmt.Errorf("demo: IT indicators of 2022: %w", err)
		}
		if err := l.index7662022(ctx); err != nil {
			return nil, fmt.Errorf("demo: index 766 of 2022: %w", err)
		}
		if err := l.evaluations2022(ctx); err != nil {
			return nil, fmt.Errorf("demo: QMS evaluations of 2022: %w", err)
		}
		// The bulk load leaves PostgreSQL without statistics until autovacuum comes by,
		// and the first pages plan their queries blind (seconds instead of milliseconds).
		if err := db.Analyze(ctx); err != nil {
			return nil, fmt.Errorf("demo: %w", err)
		}
	}
	if l.res.UnitsCreated+l.res.UsersCreated+l.res.StaffCreated+l.res.DossiersCreated > 0 {
		err := db.Audit(ctx, store.AuditEvent{At: opts.Now, Action: "demo.load", ObjectType: "demo", ObjectID: provinceCode,
			Detail: fmt.Sprintf("%d units, %d officials, %d dossiers created", l.res.UnitsCreated,
				l.res.UsersCreated+l.res.StaffCreated, l.res.DossiersCreated)})
		if err != nil {
			return nil, fmt.Errorf("demo: %w", err)
		}
	}
	return l.res, nil
}

// loader creates what is missing, one object at a time through the store's ordinary
// calls, so the demo obeys the same rules as data entered by hand.
type loader struct {
	db     *store.DB
	hash   string // of Password, computed once: hashing is slow by design
	res    *Result
	people int // officials named so far, which picks the next name
}

func (l *loader) load(ctx context.Context, sysAdminEmail string) error {
	// The system administrator first: it marks the database as a demo, so a load that
	// stops half-way can be completed by the next one.
	if _, err := l.user(ctx, sysAdminEmail, true, SystemAdminRole, ""); err != nil {
		return err
	}

	// Today: the province and its communes from the official list.
	recs, err := unit.Official2025()
	if err != nil {
		return err
	}
	phuTho, err := unit.FilterProvince(recs, provinceCode)
	if err != nil {
		return err
	}
	imp, err := l.db.ImportUnits(ctx, phuTho, store.ImportOptions{ValidFrom: unit.Reform2025,
		NewID: func(code string) string { return unitID(code, unit.Reform2025) }})
	if err != nil {
		return err
	}
	l.res.UnitsCreated += imp.Created
	province, err := l.db.Unit(ctx, imp.IDs[provinceCode])
	if err != nil {
		return err
	}
	newCommunes := map[string]unit.Unit{}
	var newCommuneIDs []string
	for _, c := range areaCommunes {
		u, err := l.db.Unit(ctx, imp.IDs[c.code])
		if err != nil {
			return fmt.Errorf("new commune %s: %w", c.code, err)
		}
		if u.Name != c.name {
			return fmt.Errorf("the 2025 list names %s %q, the demo expects %q", c.code, u.Name, c.name)
		}
		newCommunes[c.code] = u
		newCommuneIDs = append(newCommuneIDs, u.ID)
	}
	steering, err := l.unit(ctx, unit.Unit{Code: provinceCode + ".BCD", Name: "Ban Chỉ đạo CCHC tỉnh Phú Thọ",
		Kind: unit.Office, ParentID: province.ID, ValidFrom: unit.Reform2025})
	if err != nil {
		return err
	}
	centres := map[string]unit.Unit{}
	var centreIDs []string
	for j, c := range areaCommunes {
		centre, err := l.unit(ctx, unit.Unit{Code: c.code + ".TTPVHCC",
			Name:       "Trung tâm Phục vụ hành chính công " + lowerFirst(c.name),
			AgencyCode: fmt.Sprintf("000.00.%02d.%s", 41+j, agencyLetter),
			Kind:       unit.Centre, ParentID: newCommunes[c.code].ID, ValidFrom: unit.Reform2025})
		if err != nil {
			return err
		}
		centres[c.code] = centre
		centreIDs = append(centreIDs, centre.ID)
	}

	// Before 1 July 2025: the former province, the district, its communes and agencies.
	oldProvince, err := l.unit(ctx, unit.Unit{Code: provinceCode, Name: "Tỉnh Phú Thọ", Kind: unit.Province,
		ValidFrom: legacyFrom, ValidTo: unit.Reform2025, Successors: []string{province.ID}})
	if err != nil {
		return err
	}
	district, err := l.unit(ctx, unit.Unit{Code: districtCode, Name: "Huyện Thanh Ba", Kind: unit.District,
		ParentID: oldProvince.ID, ValidFrom: legacyFrom, ValidTo: unit.Reform2025, Successors: newCommuneIDs})
	if err != nil {
		return err
	}
	districtUBND, err := l.unit(ctx, unit.Unit{Code: districtCode + ".UBND", Name: "UBND huyện Thanh Ba",
		AgencyCode: fmt.Sprintf("000.00.%s.%s", districtCode[1:], agencyLetter), Kind: unit.Committee,
		ParentID: district.ID, ValidFrom: legacyFrom, ValidTo: unit.Reform2025, Successors: centreIDs})
	if err != nil {
		return err
	}
	districtSteering, err := l.unit(ctx, unit.Unit{Code: districtCode + ".BCD", Name: "Ban Chỉ đạo CCHC - ISO huyện Thanh Ba",
		Kind: unit.Office, ParentID: district.ID, ValidFrom: legacyFrom, ValidTo: unit.Reform2025})
	if err != nil {
		return err
	}
	oldCommunes := make([]unit.Unit, len(thanhBa2022))
	for k, c := range thanhBa2022 {
		com, err := l.unit(ctx, unit.Unit{Code: c.code, Name: c.name, Kind: c.kind, ParentID: district.ID,
			ValidFrom: legacyFrom, ValidTo: unit.Reform2025, Successors: []string{newCommunes[c.into].ID}})
		if err != nil {
			return err
		}
		if _, err := l.unit(ctx, unit.Unit{Code: c.code + ".UBND", Name: "UBND " + lowerFirst(c.name),
			AgencyCode: fmt.Sprintf("000.%02d.%s.%s", k+1, districtCode[1:], agencyLetter), Kind: unit.Committee,
			ParentID: com.ID, ValidFrom: legacyFrom, ValidTo: unit.Reform2025, Successors: []string{centres[c.into].ID}}); err != nil {
			return err
		}
		oldCommunes[k] = com
	}

	// Officials: the steering committees oversee their whole tree (the roles sit on the
	// province and district, whose subtrees they read); each commune has one official
	// per role.
	if _, err := l.assigned(ctx, "giamsat.phutho@"+emailDomain, province, user.Overseer, steering.Name); err != nil {
		return err
	}
	if _, err := l.assigned(ctx, "giamsat.huyenthanhba.2022@"+emailDomain, district, user.Overseer, districtSteering.Name); err != nil {
		return err
	}
	for _, c := range areaCommunes {
		if err := l.communeOfficials(ctx, newCommunes[c.code], ""); err != nil {
			return err
		}
	}
	for _, com := range oldCommunes {
		if err := l.communeOfficials(ctx, com, ".2022"); err != nil {
			return err
		}
	}
	// The district's specialist who decides the social-assistance dossiers the communes
	// transfer (liên thông) in 2022.
	if _, err = l.assigned(ctx, districtHandlerEmail, districtUBND, user.Handler, "Phòng Lao động - Thương binh và Xã hội"); err != nil {
		return err
	}
	// The district's QMS secretary, who reads and manages the QMS of every commune of the
	// district and prepares the district's annual evaluation.
	if _, err := l.assigned(ctx, districtQMSEmail, district, user.QMS, "Văn phòng HĐND và UBND huyện"); err != nil {
		return err
	}
	return l.itStaff2022(ctx, oldProvince, districtUBND, oldCommunes)
}

// districtQMSEmail is the login of the district's QMS secretary of 2022.
const districtQMSEmail = "iso.huyenthanhba.2022@" + emailDomain

// districtHandlerEmail is the login of the district's handler of transferred dossiers.
const districtHandlerEmail = "xuly.huyenthanhba.2022@" + emailDomain

func (l *loader) communeOfficials(ctx context.Context, com unit.Unit, suffix string) error {
	for _, r := range communeRoles {
		email := r.word + "." + slug(com.Name) + suffix + "@" + emailDomain
		if _, err := l.assigned(ctx, email, com, r.role, ""); err != nil {
			return err
		}
	}
	return nil
}

// unit creates u under its deterministic ID unless a unit with that ID exists already.
func (l *loader) unit(ctx context.Context, u unit.Unit) (unit.Unit, error) {
	u.ID = unitID(u.Code, u.ValidFrom)
	got, err := l.db.Unit(ctx, u.ID)
	if ok, err := exists(got, err); err != nil || ok {
		return got, err
	}
	if err := l.db.CreateUnit(ctx, &u); err != nil {
		return unit.Unit{}, err
	}
	l.res.UnitsCreated++
	return u, nil
}

// assigned makes sure the official exists and holds the role in the unit, and lists the
// login. note, when set, replaces the unit's name in the printed list (the body the
// official belongs to, such as a steering committee).
func (l *loader) assigned(ctx context.Context, email string, in unit.Unit, role user.Role, note string) (user.User, error) {
	unitName := in.Name
	if note != "" {
		unitName = note + " (" + in.Name + ")"
	}
	u, err := l.user(ctx, email, false, string(role), unitName)
	if err != nil {
		return u, err
	}
	a := user.Assignment{ID: assignmentID(u.ID, in.ID, role), UserID: u.ID, UnitID: in.ID, Role: role}
	have, err := exists(l.db.Assignment(ctx, a.ID))
	if err != nil || have {
		return u, err
	}
	if err := l.db.Assign(ctx, &a); err != nil && !failure.Is(err, failure.Conflict) {
		return u, err
	}
	return u, nil
}

// user makes sure the official with this e-mail exists, and lists the login.
func (l *loader) user(ctx context.Context, email string, sysAdmin bool, role, unitName string) (user.User, error) {
	name := fullName(l.people)
	l.people++
	l.res.Logins = append(l.res.Logins, Login{Email: email, Password: Password, FullName: name, Role: role, UnitName: unitName})
	id := userID(email)
	got, err := l.db.User(ctx, id)
	if ok, err := exists(got, err); err != nil || ok {
		if ok {
			l.res.Logins[len(l.res.Logins)-1].FullName = got.FullName
		}
		return got, err
	}
	u := user.User{ID: id, Email: email, FullName: name, PasswordHash: l.hash, Active: true, SystemAdmin: sysAdmin, Lang: user.LangVI}
	if err := l.db.CreateUser(ctx, &u); err != nil {
		return user.User{}, err
	}
	l.res.UsersCreated++
	return u, nil
}

// exists turns a store lookup into found / not found / failed.
func exists[T any](_ T, err error) (bool, error) {
	switch {
	case err == nil:
		return true, nil
	case failure.Is(err, failure.NotFound):
		return false, nil
	default:
		return false, err
	}
}

// procedures loads the sample procedure catalog (procedure.SampleCatalog, labelled sample
// data) and publishes every procedure in force on 1 July 2025 in the six communes of the
// former Thanh Ba district, from that day. The sample includes a procedure that expired
// on 31 December 2025, so the demo shows a commune still publishing an expired procedure.
// The 19 communes of 2022 publish every procedure in force during their existence, from
// the day it (or they) started until they ended on 1 July 2025, and record the workflow
// that sends social-assistance dossiers to the district. Version IDs derive from code and
// number, and publishing twice is a no-op, so a second load changes nothing.
func (l *loader) procedures(ctx context.Context, now time.Time) error {
	rows, err := procedure.SampleCatalog()
	if err != nil {
		return err
	}
	res, err := l.db.ImportProcedures(ctx, rows, store.ProcedureImportOptions{
		Today: unit.DateOf(now.UTC()),
		NewID: func(code string, n int) string { return demoID("procedure", fmt.Sprintf("%s#%d", code, n)) },
	})
	if err != nil {
		return err
	}
	l.res.ProceduresAdded = res.Added
	var codes []string
	for _, r := range rows {
		codes = append(codes, r.Version.Code)
	}
	all, err := l.db.ListProcedures(ctx, store.ProcedureFilter{Codes: codes})
	if err != nil {
		return err
	}
	for _, c := range areaCommunes {
		err := l.publish(ctx, unitID(c.code, unit.Reform2025), c.name, all, func(p procedure.Procedure) unit.Date {
			if p.StatusOn(unit.Reform2025) == procedure.Effective {
				return unit.Reform2025
			}
			return unit.Date{}
		}, unit.Date{})
		if err != nil {
			return err
		}
	}
	for _, c := range thanhBa2022 {
		err := l.publish(ctx, unitID(c.code, legacyFrom), c.name, all, legacyStart, unit.Reform2025)
		if err != nil {
			return err
		}
		if err := l.transferWorkflow(ctx, unitID(c.code+".UBND", legacyFrom)); err != nil {
			return fmt.Errorf("workflow of %s in %s: %w", transferCode, c.name, err)
		}
	}
	return nil
}

// legacyStart is the first day a procedure was in force while the units of 2022 existed
// (from legacyFrom to 1 July 2025), or the zero Date.
func legacyStart(p procedure.Procedure) unit.Date {
	for _, v := range p.Versions {
		from := v.EffectiveFrom
		if from.Before(legacyFrom) {
			from = legacyFrom
		}
		if from.Before(unit.Reform2025) && v.InForceOn(from) {
			return from
		}
	}
	return unit.Date{}
}

// publish publishes in a unit the procedures start gives a day for, from that day, and
// withdraws them on until when it is set (the unit's end). A procedure the unit published
// before, perhaps withdrawn since, is left as it is.
func (l *loader) publish(ctx context.Context, id, name string, list []procedure.Procedure, start func(procedure.Procedure) unit.Date, until unit.Date) error {
	have, err := l.db.Publications(ctx, store.PublicationFilter{UnitID: id})
	if err != nil {
		return err
	}
	done := map[string]bool{}
	for _, p := range have {
		done[p.Code] = true
	}
	for _, p := range list {
		from := start(p)
		if done[p.Code] || from.IsZero() {
			continue
		}
		if err := l.db.PublishProcedure(ctx, id, p.Code, from, ""); err != nil {
			return fmt.Errorf("publish %s in %s: %w", p.Code, name, err)
		}
		if !until.IsZero() {
			if err := l.db.UnpublishProcedure(ctx, id, p.Code, until, ""); err != nil {
				return fmt.Errorf("end %s in %s: %w", p.Code, name, err)
			}
		}
	}
	return nil
}

// transferWorkflow records in a commune's agency of 2022 the workflow of the monthly
// social allowance (15 working days): the commune examines and approves the proposal,
// then the district (Phòng Lao động - Thương binh và Xã hội, and the district chairman's
// decision) has ten days before the result comes back to the desk.
func (l *loader) transferWorkflow(ctx context.Context, agencyID string) error {
	_, err := l.db.Workflow(ctx, agencyID, transferCode)
	if ok, err := exists(procedure.Workflow{}, err); err != nil || ok {
		return err
	}
	desk, _ := calendar.Hours(3*time.Hour + 45*time.Minute)
	days := func(n int) calendar.Limit { lim, _ := calendar.Days(n); return lim }
	wf := procedure.Workflow{UnitID: agencyID, Code: transferCode, Steps: []procedure.Step{
		{Kind: procedure.StepReceive, Role: user.Receiver, Budget: desk},
		{Kind: procedure.StepExamine, Role: user.Handler, Budget: days(3)},
		{Kind: procedure.StepApprove, Role: user.Approver, Budget: days(1)},
		{Kind: procedure.StepTransfer, Role: user.Handler, Budget: days(10), TransferTo: unitID(districtCode+".UBND", legacyFrom),
			Note: "Phòng Lao động - Thương binh và Xã hội huyện thẩm định, Chủ tịch UBND huyện quyết định"},
		{Kind: procedure.StepReturn, Role: user.Receiver, Budget: desk},
	}}
	return l.db.SaveWorkflow(ctx, &wf, "")
}
