package demo_test

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/demo"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/user"
	"github.com/motcua/motcua/internal/vn"
)

var (
	in2022 = unit.NewDate(2022, 6, 1)
	in2026 = unit.NewDate(2026, 1, 1)
	now    = time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
)

// snapshot is what a load leaves behind, for comparing two loads.
type snapshot struct {
	units, users []string // IDs, sorted
	assignments  int
}

func take(t *testing.T, db *store.DB) snapshot {
	t.Helper()
	ctx := context.Background()
	us, err := db.ListUnits(ctx, store.UnitFilter{})
	if err != nil {
		t.Fatal(err)
	}
	people, err := db.ListUsers(ctx, store.UserFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var s snapshot
	for _, u := range us {
		s.units = append(s.units, u.ID)
	}
	for _, p := range people {
		s.users = append(s.users, p.ID)
		as, err := db.Assignments(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		s.assignments += len(as)
	}
	slices.Sort(s.units)
	slices.Sort(s.users)
	return s
}

func load(t *testing.T, db *store.DB, opts demo.Options) *demo.Result {
	t.Helper()
	start := time.Now()
	res, err := demo.Load(context.Background(), db, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: demo load in %v (%d units, %d officials created)", db.Dialect(), time.Since(start), res.UnitsCreated, res.UsersCreated)
	return res
}

func TestLoadIsRepeatable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		first := load(t, db, demo.Options{Now: now, SkipDossiers: true})
		if first.UnitsCreated == 0 || first.UsersCreated != len(first.Logins) {
			t.Fatalf("first load created %d units, %d of %d officials", first.UnitsCreated, first.UsersCreated, len(first.Logins))
		}
		before := take(t, db)
		// 149 units of the 2025 list + province steering committee + 6 centres; former
		// province, district, its UBND and steering committee, 19 communes with their UBND.
		if want := 149 + 1 + 6 + 4 + 2*19; len(before.units) != want {
			t.Errorf("%d units, want %d", len(before.units), want)
		}
		// System administrator, two overseers, five officials in each of 6 + 19 communes,
		// the district's handler of transferred dossiers and QMS secretary, and the
		// specialists of 2022 (27 in the district, 3 in each commune).
		if want := 1 + 2 + 5*(6+19) + 2 + 27 + 3*19; len(before.users) != want || before.assignments != want-1 {
			t.Errorf("%d officials with %d assignments, want %d", len(before.users), before.assignments, want)
		}

		second := load(t, db, demo.Options{Now: now, SkipDossiers: true})
		if second.UnitsCreated != 0 || second.UsersCreated != 0 {
			t.Fatalf("second load created %d units, %d officials", second.UnitsCreated, second.UsersCreated)
		}
		if after := take(t, db); !slices.Equal(after.units, before.units) || !slices.Equal(after.users, before.users) ||
			after.assignments != before.assignments {
			t.Fatal("second load changed the data")
		}
		if !slices.Equal(first.Logins, second.Logins) {
			t.Error("the two loads list different logins")
		}

		// A fresh database of the same engine gets the same IDs.
		var other *store.DB
		if db.Dialect() == store.SQLite {
			other = storetest.SQLite(t)
		} else {
			other = storetest.Postgres(t)
		}
		load(t, other, demo.Options{Now: now, SkipDossiers: true})
		if o := take(t, other); !slices.Equal(o.units, before.units) || !slices.Equal(o.users, before.users) {
			t.Error("two databases got different IDs")
		}
	})
}

func TestLoadRefusesOtherUnits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		real := unit.Unit{Code: "01", Name: "Thành phố Hà Nội", Kind: unit.City, ValidFrom: unit.Reform2025}
		if err := db.CreateUnit(ctx, &real); err != nil {
			t.Fatal(err)
		}
		_, err := demo.Load(ctx, db, demo.Options{Now: now, SkipDossiers: true})
		if !errors.Is(err, demo.ErrNotEmpty) {
			t.Fatalf("load into a database with other data: %v", err)
		}
		if n, _ := db.CountUnits(ctx); n != 1 {
			t.Fatalf("the refused load left %d units", n)
		}
		// Forced, the demo goes in beside the other data, which stays.
		load(t, db, demo.Options{Force: true, Now: now, SkipDossiers: true})
		if _, err := db.Unit(ctx, real.ID); err != nil {
			t.Fatal(err)
		}
		// From then on the database is a demo database: loading again needs no force.
		load(t, db, demo.Options{Now: now, SkipDossiers: true})
	})
}

// A separate test rather than a second storetest.Each in one test: the second run's
// subtests would be named "sqlite#01", and store.SQLiteDSN does not escape '#' in paths.
func TestLoadRefusesOtherOfficials(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		hash, err := user.HashPassword("a-real-password")
		if err != nil {
			t.Fatal(err)
		}
		admin := user.User{Email: "admin@ubnd.example.vn", FullName: "Quản trị viên", PasswordHash: hash, Active: true, SystemAdmin: true}
		if err := db.CreateUser(ctx, &admin); err != nil {
			t.Fatal(err)
		}
		if _, err := demo.Load(ctx, db, demo.Options{SkipDossiers: true}); !errors.Is(err, demo.ErrNotEmpty) {
			t.Fatalf("load into a database with an official: %v", err)
		}
	})
}

var (
	agencyCode = regexp.MustCompile(`^000\.[0-9]{2}\.[0-9]{2}\.H29$`)
	asciiEmail = regexp.MustCompile(`^[a-z0-9.]+@demo\.motcua\.vn$`)
)

func TestDemoContent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		res := load(t, db, demo.Options{Now: now, SkipDossiers: true})

		// Every login signs in with the shared password.
		if len(demo.Password) < user.MinPasswordLength || user.ValidatePassword(demo.Password) != nil {
			t.Fatalf("demo password %q is not acceptable", demo.Password)
		}
		checked := map[string]bool{}
		emails := map[string]bool{}
		roles := map[string]int{}
		for _, l := range res.Logins {
			if !asciiEmail.MatchString(l.Email) || emails[l.Email] {
				t.Errorf("e-mail %q is not ASCII or not unique", l.Email)
			}
			emails[l.Email] = true
			roles[l.Role]++
			u, err := db.UserByEmail(ctx, l.Email)
			if err != nil {
				t.Fatalf("%s: %v", l.Email, err)
			}
			if !u.Active || u.FullName != l.FullName || l.Password != demo.Password || vn.Fold(u.FullName) == strings.ToLower(u.FullName) {
				t.Errorf("%s: %+v", l.Email, u)
			}
			if !checked[u.PasswordHash] { // one hash shared by all: check it once
				if !user.CheckPassword(u.PasswordHash, demo.Password) {
					t.Fatalf("%s cannot sign in with the demo password", l.Email)
				}
				checked[u.PasswordHash] = true
			}
			if u.SystemAdmin != (l.Role == demo.SystemAdminRole) {
				t.Errorf("%s: system admin %v", l.Email, u.SystemAdmin)
			}
		}
		if len(checked) != 1 {
			t.Errorf("%d different password hashes, want the one shared hash", len(checked))
		}
		if roles[demo.SystemAdminRole] != 1 || roles[string(user.Overseer)] != 2 {
			t.Errorf("roles: %v", roles)
		}
		for _, r := range []user.Role{user.Admin, user.Receiver, user.Handler, user.Approver, user.QMS} {
			want := 25
			if r == user.Handler || r == user.QMS {
				want++ // the district's
			}
			if roles[string(r)] != want {
				t.Errorf("%d officials with role %s, want %d", roles[string(r)], r, want)
			}
		}
		for _, want := range []string{"tiepnhan.thanhba@demo.motcua.vn", "tiepnhan.thanhba.2022@demo.motcua.vn", "quantri@demo.motcua.vn"} {
			if !emails[want] {
				t.Errorf("no login %s", want)
			}
		}

		// Today's tree: the new province with the whole official list and one centre per
		// new commune of the area.
		province, err := db.UnitByCode(ctx, "25", in2026)
		if err != nil || province.Name != "Tỉnh Phú Thọ" || province.ValidFrom != unit.Reform2025 {
			t.Fatalf("province: %+v %v", province, err)
		}
		communes, err := db.ListUnits(ctx, store.UnitFilter{ParentID: province.ID, Kinds: []unit.Kind{unit.Commune, unit.Ward}})
		if err != nil || len(communes) != 148 {
			t.Fatalf("%d communes and wards in the province (%v)", len(communes), err)
		}
		newCommunes := map[string]unit.Unit{}
		for _, code := range []string{"08152", "08173", "08203", "08209", "08218", "08227"} {
			c, err := db.UnitByCode(ctx, code, in2026)
			if err != nil {
				t.Fatal(err)
			}
			newCommunes[code] = c
			centres, err := db.ListUnits(ctx, store.UnitFilter{ParentID: c.ID, Kinds: []unit.Kind{unit.Centre}})
			if err != nil || len(centres) != 1 || !agencyCode.MatchString(centres[0].AgencyCode) {
				t.Fatalf("%s: centres %+v %v", c.Name, centres, err)
			}
			officials(t, db, c)
		}

		// The former tree.
		district, err := db.UnitByCode(ctx, "232", in2022)
		if err != nil || district.Kind != unit.District || !district.Retired(unit.Reform2025) {
			t.Fatalf("district: %+v %v", district, err)
		}
		if _, err := db.UnitByCode(ctx, "232", in2026); err == nil {
			t.Error("the district still exists in 2026")
		}
		old, err := db.ListUnits(ctx, store.UnitFilter{ParentID: district.ID, Kinds: []unit.Kind{unit.Commune, unit.Town}})
		if err != nil || len(old) != 19 {
			t.Fatalf("%d communes in the former district (%v)", len(old), err)
		}
		agencies := map[string]bool{}
		for _, c := range old {
			if c.ValidTo != unit.Reform2025 {
				t.Errorf("%s valid to %s", c.Name, c.ValidTo)
			}
			full, err := db.Unit(ctx, c.ID)
			if err != nil || len(full.Successors) != 1 || newCommunes[successorCode(t, db, full.Successors[0])].ID != full.Successors[0] {
				t.Fatalf("%s successors %v (%v)", c.Name, full.Successors, err)
			}
			ubnd, err := db.ListUnits(ctx, store.UnitFilter{ParentID: c.ID, Kinds: []unit.Kind{unit.Committee}})
			if err != nil || len(ubnd) != 1 || !agencyCode.MatchString(ubnd[0].AgencyCode) || agencies[ubnd[0].AgencyCode] {
				t.Fatalf("%s: UBND %+v %v", c.Name, ubnd, err)
			}
			agencies[ubnd[0].AgencyCode] = true
			if !strings.HasPrefix(ubnd[0].Name, "UBND ") {
				t.Errorf("agency name %q", ubnd[0].Name)
			}
			officials(t, db, c)
		}
		// The communes of 2022 publish the sample procedures in force in their time (all
		// but 1.003554, which starts in July 2025) until they end, and send the social
		// allowance to the district's committee.
		pubs, err := db.Publications(ctx, store.PublicationFilter{UnitID: old[0].ID})
		if err != nil || len(pubs) != 11 {
			t.Fatalf("%s publishes %d procedures (%v)", old[0].Name, len(pubs), err)
		}
		for _, p := range pubs {
			if p.UnpublishedOn != unit.Reform2025 || p.Code == "1.003554" {
				t.Errorf("%s published %s until %s", old[0].Name, p.Code, p.UnpublishedOn)
			}
		}
		if now, _ := db.Publications(ctx, store.PublicationFilter{UnitID: old[0].ID, ActiveOn: in2026}); len(now) != 0 {
			t.Errorf("%d publications of a former commune still in place in 2026", len(now))
		}
		ubnd, _ := db.ListUnits(ctx, store.UnitFilter{ParentID: old[0].ID, Kinds: []unit.Kind{unit.Committee}})
		districtUBND, _ := db.ListUnits(ctx, store.UnitFilter{ParentID: district.ID, Kinds: []unit.Kind{unit.Committee}})
		wf, err := db.Workflow(ctx, ubnd[0].ID, "1.001776")
		if err != nil || len(wf.Steps) != 5 || wf.Steps[3].TransferTo != districtUBND[0].ID {
			t.Fatalf("transfer workflow: %+v %v", wf, err)
		}

		// The mergers of Resolution 1676/NQ-UBTVQH15.
		merged := map[string][]string{}
		for _, c := range old {
			full, _ := db.Unit(ctx, c.ID)
			into := successorCode(t, db, full.Successors[0])
			merged[into] = append(merged[into], c.Name)
		}
		slices.Sort(merged["08152"])
		if got := strings.Join(merged["08152"], ", "); got != "Thị trấn Thanh Ba, Xã Hanh Cù, Xã Vân Lĩnh, Xã Đồng Xuân" {
			t.Errorf("merged into Xã Thanh Ba: %s", got)
		}
		if len(merged) != 6 {
			t.Errorf("merged into %d new communes", len(merged))
		}
		steering, err := db.ListUnits(ctx, store.UnitFilter{ParentID: district.ID, Kinds: []unit.Kind{unit.Office}})
		if err != nil || len(steering) != 1 || !strings.Contains(steering[0].Name, "Ban Chỉ đạo") {
			t.Fatalf("district steering committee: %+v %v", steering, err)
		}

		// Overseers read their whole tree, and only it.
		districtOverseer := actor(t, db, "giamsat.huyenthanhba.2022@demo.motcua.vn")
		provinceOverseer := actor(t, db, "giamsat.phutho@demo.motcua.vn")
		if !hasRole(districtOverseer, district.ID, user.Overseer) || !hasRole(provinceOverseer, province.ID, user.Overseer) {
			t.Fatal("overseer assignments missing")
		}
		if !districtOverseer.Can(auth.ViewDossiers, old[3].Path) || districtOverseer.Can(auth.ViewDossiers, newCommunes["08152"].Path) {
			t.Error("district overseer scope is wrong")
		}
		if !provinceOverseer.Can(auth.ViewReports, newCommunes["08227"].Path) || provinceOverseer.Can(auth.ViewReports, old[3].Path) {
			t.Error("province overseer scope is wrong")
		}
		// An official of one commune cannot act in another.
		receiver := actor(t, db, "tiepnhan.thanhba@demo.motcua.vn")
		if !receiver.Can(auth.ReceiveDossier, newCommunes["08152"].Path) || receiver.Can(auth.ReceiveDossier, newCommunes["08173"].Path) {
			t.Error("receiver scope is wrong")
		}
	})
}

// officials checks that the unit has one official in each commune role.
func officials(t *testing.T, db *store.DB, c unit.Unit) {
	t.Helper()
	ctx := context.Background()
	people, err := db.ListUsers(ctx, store.UserFilter{Under: []string{c.Path}})
	if err != nil {
		t.Fatal(err)
	}
	held := map[user.Role]int{}
	for _, p := range people {
		as, err := db.Assignments(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range as {
			if a.UnitID == c.ID {
				held[a.Role]++
			}
		}
	}
	for _, r := range []user.Role{user.Admin, user.Receiver, user.Handler, user.Approver, user.QMS} {
		if held[r] != 1 {
			t.Errorf("%s (%s): %d officials with role %s", c.Name, c.Code, held[r], r)
		}
	}
}

func successorCode(t *testing.T, db *store.DB, id string) string {
	t.Helper()
	u, err := db.Unit(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if u.ValidFrom != unit.Reform2025 || u.Kind != unit.Commune {
		t.Fatalf("successor %s is not a 2025 commune", u.Name)
	}
	return u.Code
}

func actor(t *testing.T, db *store.DB, email string) auth.Actor {
	t.Helper()
	ctx := context.Background()
	u, err := db.UserByEmail(ctx, email)
	if err != nil {
		t.Fatalf("%s: %v", email, err)
	}
	as, err := db.Assignments(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return auth.Actor{UserID: u.ID, SystemAdmin: u.SystemAdmin, Assignments: as}
}

func hasRole(a auth.Actor, unitID string, r user.Role) bool {
	for _, as := range a.Assignments {
		if as.UnitID == unitID && as.Role == r {
			return true
		}
	}
	return false
}
