package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/unit"
)

func d(y int, m time.Month, day int) unit.Date { return unit.NewDate(y, m, day) }

// at is 09:00 in Vietnam on the day.
func at(y int, m time.Month, day int) time.Time {
	return time.Date(y, m, day, 9, 0, 0, 0, calendar.Location())
}

func sampleVersion(code, name string, from unit.Date) procedure.Version {
	limit, _ := calendar.ParseLimit("3d")
	return procedure.Version{
		Code: code, Name: name, Field: "Hộ tịch", Level: procedure.Commune, AgencyKinds: []unit.Kind{unit.Committee},
		Limit: limit, Fees: []procedure.Fee{{Name: "Lệ phí", Amount: 8000}},
		Components: []procedure.Component{{Name: "Tờ khai", Originals: 1, Required: true, Form: "TK-01"}},
		Result:     "Giấy xác nhận", LegalBasis: "Luật Hộ tịch 2014", Online: procedure.OnlineFull,
		Announcement:  procedure.Announcement{Number: "1/QĐ-UBND", Date: from, Authority: "UBND tỉnh Phú Thọ"},
		EffectiveFrom: from,
	}
}

func mustAdd(t testing.TB, db *store.DB, v procedure.Version) procedure.Version {
	t.Helper()
	if err := db.AddProcedureVersion(context.Background(), &v); err != nil {
		t.Fatalf("add %s/%d: %v", v.Code, v.Number, err)
	}
	return v
}

// tree makes a province with communes A and B and a desk under A.
func tree(t *testing.T, db *store.DB) (prov, a, b, deskA unit.Unit) {
	prov = mustCreate(t, db, unit.Unit{Code: "25", Name: "Tỉnh Phú Thọ", Kind: unit.Province})
	a = mustCreate(t, db, unit.Unit{Code: "08152", Name: "Xã Thanh Ba", Kind: unit.Commune, ParentID: prov.ID})
	b = mustCreate(t, db, unit.Unit{Code: "08173", Name: "Xã Quảng Yên", Kind: unit.Commune, ParentID: prov.ID})
	deskA = mustCreate(t, db, unit.Unit{Code: "08152.TT", Name: "Trung tâm PVHCC xã Thanh Ba", Kind: unit.Centre, ParentID: a.ID})
	return
}

func TestProcedureVersions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		v1 := mustAdd(t, db, sampleVersion("1.004873", "Cấp Giấy xác nhận tình trạng hôn nhân", d(2020, 2, 1)))
		if v1.Number != 1 {
			t.Fatalf("first number = %d", v1.Number)
		}
		v2 := sampleVersion("1.004873", "Cấp Giấy xác nhận tình trạng hôn nhân (sửa đổi)", d(2025, 7, 1))
		v2.Limit, _ = calendar.ParseLimit("2d")
		v2 = mustAdd(t, db, v2)
		if v2.Number != 2 {
			t.Fatalf("amendment number = %d", v2.Number)
		}
		p, err := db.Procedure(ctx, "1.004873")
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Versions) != 2 || p.Versions[0].EffectiveTo != d(2025, 7, 1) || p.Name != v2.Name {
			t.Fatalf("history: %+v", p)
		}
		if got, _ := p.VersionOn(d(2024, 1, 1)); got.Number != 1 {
			t.Fatalf("2024 version %d", got.Number)
		}
		if got, _ := p.VersionOn(d(2026, 1, 1)); got.Number != 2 || got.Limit.String() != "2d" {
			t.Fatalf("2026 version %+v", got)
		}
		if !p.Versions[1].SameContent(v2) || p.Versions[1].Components[0].Form != "TK-01" || p.Versions[1].Fees[0].Amount != 8000 {
			t.Fatalf("round trip lost content: %+v", p.Versions[1])
		}

		// Rejections: nothing half-saved.
		dup := sampleVersion("1.004873", "X", d(2026, 1, 1))
		dup.Number = 2
		wantKind(t, db.AddProcedureVersion(ctx, &dup), failure.Conflict, "version")
		early := sampleVersion("1.004873", "X", d(2025, 1, 1))
		wantKind(t, db.AddProcedureVersion(ctx, &early), failure.Invalid, "effective_from")
		bad := sampleVersion("1.4873", "", d(2025, 1, 1))
		wantKind(t, db.AddProcedureVersion(ctx, &bad), failure.Invalid, "code")
		if p2, _ := db.Procedure(ctx, "1.004873"); len(p2.Versions) != 2 {
			t.Fatalf("rejected version saved: %d versions", len(p2.Versions))
		}

		// Immutable once in force; a future version may still be edited.
		v2.Name = "Đổi tên"
		wantKind(t, db.UpdateProcedureVersion(ctx, &v2, d(2026, 1, 1)), failure.Conflict, "version")
		if err := db.UpdateProcedureVersion(ctx, &v2, d(2025, 6, 1)); err != nil {
			t.Fatalf("edit before effect: %v", err)
		}

		// Search without diacritics; filters.
		mustAdd(t, db, sampleVersion("2.000908", "Chứng thực bản sao từ bản chính", d(2025, 7, 1)))
		found, err := db.ListProcedures(ctx, store.ProcedureFilter{Query: "ho tich xac nhan"})
		if err == nil && len(found) != 0 {
			t.Fatalf("multi-word search should match the folded phrase only: %d", len(found))
		}
		found, err = db.ListProcedures(ctx, store.ProcedureFilter{Query: "ho tich"})
		if err != nil || len(found) != 2 {
			t.Fatalf("search ho tich: %d %v", len(found), err)
		}
		found, err = db.ListProcedures(ctx, store.ProcedureFilter{Query: "chung thuc"})
		if err != nil || len(found) != 1 || found[0].Code != "2.000908" || len(found[0].Versions) != 1 {
			t.Fatalf("search chung thuc: %+v %v", found, err)
		}
		found, err = db.ListProcedures(ctx, store.ProcedureFilter{Status: procedure.NotYetEffective, On: d(2025, 1, 1)})
		if err != nil || len(found) != 1 || found[0].Code != "2.000908" {
			t.Fatalf("status filter: %+v %v", found, err)
		}
		fields, err := db.ProcedureFields(ctx)
		if err != nil || len(fields) != 1 {
			t.Fatalf("fields: %v %v", fields, err)
		}
	})
}

func TestProcedureEndsAndCycles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mustAdd(t, db, sampleVersion("1.000001", "A", d(2020, 1, 1)))
		mustAdd(t, db, sampleVersion("1.000002", "B", d(2020, 1, 1)))
		mustAdd(t, db, sampleVersion("1.000003", "C", d(2020, 1, 1)))
		end := func(code, by string) error {
			return db.EndProcedure(ctx, code, procedure.End{Status: procedure.Replaced, From: d(2025, 7, 1), ReplacedBy: by})
		}
		if err := end("1.000001", "1.000002"); err != nil {
			t.Fatal(err)
		}
		if err := end("1.000002", "1.000003"); err != nil {
			t.Fatal(err)
		}
		wantKind(t, end("1.000003", "1.000001"), failure.Invalid, "replaced_by")
		wantKind(t, end("1.000003", "1.000003"), failure.Invalid, "replaced_by")
		wantKind(t, end("1.000003", "1.999999"), failure.Invalid, "replaced_by")
		wantKind(t, db.EndProcedure(ctx, "1.000003", procedure.End{Status: procedure.Abolished, From: d(2019, 1, 1)}), failure.Invalid, "effective_to")
		c, _ := db.Procedure(ctx, "1.000003")
		if c.Status != procedure.Effective || !c.Latest().EffectiveTo.IsZero() {
			t.Fatalf("rejected end half-saved: %+v", c)
		}
		a, _ := db.Procedure(ctx, "1.000001")
		if a.StatusOn(d(2025, 6, 30)) != procedure.Effective || a.StatusOn(d(2025, 7, 1)) != procedure.Replaced || a.ReplacedBy != "1.000002" {
			t.Fatalf("replaced status: %+v", a)
		}
	})
}

func TestIntakeBlock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		prov, a, b, deskA := tree(t, db)
		mustAdd(t, db, sampleVersion("1.001193", "Đăng ký khai sinh", d(2025, 7, 1)))
		mustAdd(t, db, sampleVersion("1.000894", "Đăng ký kết hôn", d(2025, 7, 1)))
		mustAdd(t, db, sampleVersion("1.000656", "Đăng ký khai tử", d(2020, 1, 1)))
		mustAdd(t, db, sampleVersion("1.000002", "Thủ tục cũ", d(2020, 1, 1)))
		mustAdd(t, db, sampleVersion("1.004873", "Tương lai", d(2027, 1, 1)))
		for _, c := range []string{"1.001193", "1.000894", "1.000656", "1.000002"} {
			if err := db.PublishProcedure(ctx, a.ID, c, d(2025, 7, 1), ""); err != nil && c != "1.000656" {
				t.Fatalf("publish %s: %v", c, err)
			}
		}
		if err := db.PublishProcedure(ctx, a.ID, "1.000656", d(2025, 7, 1), ""); err != nil {
			t.Fatal(err)
		}
		// Publishing twice is a no-op; publishing what is not in force is refused.
		if err := db.PublishProcedure(ctx, a.ID, "1.001193", d(2025, 8, 1), ""); err != nil {
			t.Fatal(err)
		}
		wantKind(t, db.PublishProcedure(ctx, a.ID, "1.004873", d(2025, 8, 1), ""), failure.Conflict, "code")
		if err := db.EndProcedure(ctx, "1.000656", procedure.End{Status: procedure.Expired, From: d(2026, 1, 1)}); err != nil {
			t.Fatal(err)
		}
		if err := db.EndProcedure(ctx, "1.000002", procedure.End{Status: procedure.Replaced, From: d(2026, 1, 1), ReplacedBy: "1.001193"}); err != nil {
			t.Fatal(err)
		}
		if err := db.EndProcedure(ctx, "1.000894", procedure.End{Status: procedure.Abolished, From: d(2026, 2, 1)}); err != nil {
			t.Fatal(err)
		}

		// The desk under commune A receives under A's publication.
		v, err := db.ApplicableVersion(ctx, deskA.ID, "1.001193", at(2026, 1, 5), "u1")
		if err != nil || v.Number != 1 || !v.Frozen {
			t.Fatalf("applicable: %+v %v", v, err)
		}
		p, _ := db.Procedure(ctx, "1.001193")
		if !p.Versions[0].Frozen {
			t.Fatal("version not frozen after intake")
		}
		cases := []struct {
			unit   string
			code   string
			when   time.Time
			reason procedure.Refusal
		}{
			{deskA.ID, "1.000656", at(2026, 1, 5), procedure.RefusedExpired},
			{deskA.ID, "1.000894", at(2026, 2, 2), procedure.RefusedAbolished},
			{deskA.ID, "1.000002", at(2026, 1, 5), procedure.RefusedReplaced},
			{deskA.ID, "1.004873", at(2026, 1, 5), procedure.RefusedNotYetEffective},
			{b.ID, "1.001193", at(2026, 1, 5), procedure.RefusedNotApplied},
			{deskA.ID, "9.999999", at(2026, 1, 5), procedure.RefusedUnknown},
		}
		for _, c := range cases {
			_, err := db.ApplicableVersion(ctx, c.unit, c.code, c.when, "u1")
			got, ok := procedure.RefusalOf(err)
			if !ok || got != c.reason {
				t.Errorf("%s: got %v (%v), want %s", c.code, got, err, c.reason)
			}
			if c.reason == procedure.RefusedReplaced {
				e, _ := failure.As(err)
				if len(e.Args) < 3 || e.Args[1] != "1.001193" || e.Args[2] != "Đăng ký khai sinh" {
					t.Errorf("replacement not named: %v", e.Args)
				}
			}
		}
		// Before the abolition it still works: the day matters.
		if _, err := db.ApplicableVersion(ctx, deskA.ID, "1.000894", at(2026, 1, 31), "u1"); err != nil {
			t.Fatalf("before abolition: %v", err)
		}
		refusals, err := db.IntakeRefusals(ctx, store.RefusalFilter{Under: []string{prov.Path}})
		if err != nil || len(refusals) != len(cases) {
			t.Fatalf("refusals recorded: %d %v", len(refusals), err)
		}
		if r, _ := db.IntakeRefusals(ctx, store.RefusalFilter{UnitID: b.ID}); len(r) != 1 || r[0].Reason != procedure.RefusedNotApplied || r[0].ActorID != "u1" {
			t.Fatalf("refusal of B: %+v", r)
		}

		// Expired but still published: per unit and for the overseer's subtree.
		stale, err := db.StalePublications(ctx, store.PublicationFilter{Under: []string{prov.Path}}, d(2026, 1, 5))
		if err != nil || len(stale) != 2 {
			t.Fatalf("stale in province: %d %v", len(stale), err)
		}
		stale, _ = db.StalePublications(ctx, store.PublicationFilter{UnitID: b.ID}, d(2026, 1, 5))
		if len(stale) != 0 {
			t.Fatalf("stale in B: %d", len(stale))
		}
		soon, err := db.ExpiringPublications(ctx, store.PublicationFilter{UnitID: a.ID}, d(2026, 1, 10), 30)
		if err != nil || len(soon) != 1 || soon[0].Code != "1.000894" {
			t.Fatalf("expiring: %+v %v", soon, err)
		}
		// Withdrawing the stale publication clears the flag; the unit then refuses as not applied.
		if err := db.UnpublishProcedure(ctx, a.ID, "1.000656", d(2026, 1, 5), "u1"); err != nil {
			t.Fatal(err)
		}
		wantKind(t, db.UnpublishProcedure(ctx, a.ID, "1.000656", d(2026, 1, 5), "u1"), failure.NotFound, "")
		stale, _ = db.StalePublications(ctx, store.PublicationFilter{UnitID: a.ID}, d(2026, 1, 5))
		if len(stale) != 1 {
			t.Fatalf("stale after withdrawal: %d", len(stale))
		}
	})
}
