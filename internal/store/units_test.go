package store_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/unit"
)

var (
	day2022 = unit.NewDate(2020, 1, 1)
	day2025 = unit.NewDate(2025, 7, 1)
)

func mustCreate(t testing.TB, db *store.DB, u unit.Unit) unit.Unit {
	t.Helper()
	if u.ValidFrom.IsZero() {
		u.ValidFrom = day2022
	}
	if err := db.CreateUnit(context.Background(), &u); err != nil {
		t.Fatalf("create %s: %v", u.Code, err)
	}
	return u
}

func wantKind(t *testing.T, err error, kind failure.Kind, field string) {
	t.Helper()
	e, ok := failure.As(err)
	if !ok {
		t.Fatalf("error %v is not an application error (want %s on %s)", err, kind, field)
	}
	if e.Kind != kind || e.Field != field {
		t.Fatalf("got %s on %q, want %s on %q (%v)", e.Kind, e.Field, kind, field, err)
	}
}

func TestUnitTree(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		prov := mustCreate(t, db, unit.Unit{Code: "25", Name: "Tỉnh Phú Thọ", Kind: unit.Province})
		dist := mustCreate(t, db, unit.Unit{Code: "233", Name: "Huyện Thanh Ba", Kind: unit.District, ParentID: prov.ID, ValidTo: day2025})
		com := mustCreate(t, db, unit.Unit{Code: "08155", Name: "Xã Đông Thành", Kind: unit.Commune, ParentID: dist.ID, ValidTo: day2025})
		agency := mustCreate(t, db, unit.Unit{Code: "UBND-08155", Name: "UBND xã Đông Thành", Kind: unit.Committee,
			ParentID: com.ID, AgencyCode: "000.21.33.h29", ValidTo: day2025})
		newCom := mustCreate(t, db, unit.Unit{Code: "08152", Name: "Xã Thanh Ba", Kind: unit.Commune, ParentID: prov.ID, ValidFrom: day2025})

		if agency.Path != prov.Path+dist.ID+"/"+com.ID+"/"+agency.ID+"/" {
			t.Fatalf("path = %s", agency.Path)
		}
		got, err := db.UnitByAgencyCode(ctx, "000.21.33.H29")
		if err != nil || got.ID != agency.ID {
			t.Fatalf("by agency code: %v %v", got, err)
		}

		// Retire the old commune into the new one.
		com.Successors = []string{newCom.ID}
		if err := db.UpdateUnit(ctx, &com); err != nil {
			t.Fatal(err)
		}
		back, err := db.Unit(ctx, com.ID)
		if err != nil || len(back.Successors) != 1 || back.Successors[0] != newCom.ID {
			t.Fatalf("successors: %+v %v", back.Successors, err)
		}
		if !back.CreatedAt.Equal(com.CreatedAt) {
			t.Errorf("created_at changed: %v vs %v", back.CreatedAt, com.CreatedAt)
		}

		// Subtree and date filters.
		under, err := db.ListUnits(ctx, store.UnitFilter{Under: []string{dist.Path}})
		if err != nil || len(under) != 3 {
			t.Fatalf("under district: %d %v", len(under), err)
		}
		today, err := db.ListUnits(ctx, store.UnitFilter{ActiveOn: unit.NewDate(2026, 1, 1)})
		if err != nil || len(today) != 2 {
			t.Fatalf("active 2026: %d %v", len(today), err)
		}
		found, err := db.ListUnits(ctx, store.UnitFilter{Query: "dong thanh", Kinds: []unit.Kind{unit.Commune}})
		if err != nil || len(found) != 1 || found[0].ID != com.ID {
			t.Fatalf("search: %v %v", found, err)
		}
		byCode, err := db.UnitByCode(ctx, "08152", unit.NewDate(2026, 1, 1))
		if err != nil || byCode.ID != newCom.ID {
			t.Fatalf("by code: %v %v", byCode, err)
		}
	})
}

func TestUnitRejects(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		prov := mustCreate(t, db, unit.Unit{Code: "25", Name: "Tỉnh Phú Thọ", Kind: unit.Province})
		dist := mustCreate(t, db, unit.Unit{Code: "233", Name: "Huyện Thanh Ba", Kind: unit.District, ParentID: prov.ID})
		com := mustCreate(t, db, unit.Unit{Code: "08155", Name: "Xã Đông Thành", Kind: unit.Commune, ParentID: dist.ID})
		mustCreate(t, db, unit.Unit{Code: "X1", Name: "UBND", Kind: unit.Committee, ParentID: com.ID, AgencyCode: "000.21.33.H29"})

		cases := []struct {
			name  string
			u     unit.Unit
			kind  failure.Kind
			field string
		}{
			{"unknown parent", unit.Unit{Code: "1", Name: "A", Kind: unit.Commune, ParentID: "nope", ValidFrom: day2022}, failure.Invalid, "parent_id"},
			{"commune as root", unit.Unit{Code: "2", Name: "A", Kind: unit.Commune, ValidFrom: day2022}, failure.Invalid, "parent_id"},
			{"district under commune", unit.Unit{Code: "3", Name: "A", Kind: unit.District, ParentID: com.ID, ValidFrom: day2022}, failure.Invalid, "parent_id"},
			{"duplicate code same period", unit.Unit{Code: "08155", Name: "A", Kind: unit.Commune, ParentID: dist.ID, ValidFrom: day2025}, failure.Conflict, "code"},
			{"duplicate agency code", unit.Unit{Code: "4", Name: "A", Kind: unit.Centre, ParentID: com.ID, AgencyCode: "000.21.33.H29", ValidFrom: day2022}, failure.Conflict, "agency_code"},
			{"bad agency code", unit.Unit{Code: "5", Name: "A", Kind: unit.Centre, ParentID: com.ID, AgencyCode: "H29", ValidFrom: day2022}, failure.Invalid, "agency_code"},
			{"missing name", unit.Unit{Code: "6", Kind: unit.Commune, ParentID: dist.ID, ValidFrom: day2022}, failure.Invalid, "name"},
			{"ends before it starts", unit.Unit{Code: "7", Name: "A", Kind: unit.Commune, ParentID: dist.ID, ValidFrom: day2025, ValidTo: day2022}, failure.Invalid, "valid_to"},
			{"unknown successor", unit.Unit{Code: "8", Name: "A", Kind: unit.Commune, ParentID: dist.ID, ValidFrom: day2022, Successors: []string{"nope"}}, failure.Invalid, "successors"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				u := c.u
				wantKind(t, db.CreateUnit(ctx, &u), c.kind, c.field)
			})
		}
		n, err := db.CountUnits(ctx)
		if err != nil || n != 4 {
			t.Fatalf("rejected units were half-saved: %d units, %v", n, err)
		}

		// A code may be reused once the old holder has ended.
		prevEnded := mustCreate(t, db, unit.Unit{Code: "9", Name: "Old", Kind: unit.Commune, ParentID: dist.ID, ValidTo: day2025})
		mustCreate(t, db, unit.Unit{Code: "9", Name: "New", Kind: unit.Commune, ParentID: prov.ID, ValidFrom: day2025})
		_ = prevEnded
	})
}

func TestUnitMoveAndCycles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		prov := mustCreate(t, db, unit.Unit{Code: "25", Name: "Tỉnh Phú Thọ", Kind: unit.Province})
		d1 := mustCreate(t, db, unit.Unit{Code: "D1", Name: "Huyện 1", Kind: unit.District, ParentID: prov.ID})
		d2 := mustCreate(t, db, unit.Unit{Code: "D2", Name: "Huyện 2", Kind: unit.District, ParentID: prov.ID})
		com := mustCreate(t, db, unit.Unit{Code: "C1", Name: "Xã 1", Kind: unit.Commune, ParentID: d1.ID})
		ag := mustCreate(t, db, unit.Unit{Code: "A1", Name: "UBND xã 1", Kind: unit.Committee, ParentID: com.ID})

		// Cycle: a province under... a commune cannot hold a province anyway; make a
		// committee-office chain and try to put the committee under its own office.
		off := mustCreate(t, db, unit.Unit{Code: "O1", Name: "Phòng 1", Kind: unit.Office, ParentID: ag.ID})
		ag.ParentID = off.ID
		ag.Kind = unit.Centre
		wantKind(t, db.UpdateUnit(ctx, &ag), failure.Invalid, "parent_id")
		self := d1
		self.ParentID = d1.ID
		wantKind(t, db.UpdateUnit(ctx, &self), failure.Invalid, "parent_id")

		// Move the commune to the other district: its agencies follow.
		com.ParentID = d2.ID
		if err := db.UpdateUnit(ctx, &com); err != nil {
			t.Fatal(err)
		}
		office, err := db.Unit(ctx, off.ID)
		if err != nil {
			t.Fatal(err)
		}
		if office.Path != d2.Path+com.ID+"/"+ag.ID+"/"+off.ID+"/" {
			t.Fatalf("subtree not moved: %s", office.Path)
		}
		// A kind change that strands children is rejected.
		com.Kind = unit.Town
		com.Name = "Thị trấn"
		if err := db.UpdateUnit(ctx, &com); err != nil {
			t.Fatalf("town under district should be fine: %v", err)
		}
		d2.Kind = unit.Commune
		wantKind(t, db.UpdateUnit(ctx, &d2), failure.Invalid, "kind")
		missing := unit.Unit{ID: "nope", Code: "Z", Name: "Z", Kind: unit.Province, ValidFrom: day2022}
		wantKind(t, db.UpdateUnit(ctx, &missing), failure.NotFound, "")
	})
}

func TestMigrations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		st, err := db.MigrateStatus(ctx)
		if err != nil || len(st) == 0 {
			t.Fatalf("status: %v %v", st, err)
		}
		for _, s := range st {
			if !s.Applied {
				t.Errorf("migration %d not applied", s.Version)
			}
		}
		for range st {
			if _, err := db.MigrateDown(ctx, nil); err != nil {
				t.Fatalf("down: %v", err)
			}
		}
		if v, err := db.SchemaVersion(ctx); err != nil || v != 0 {
			t.Fatalf("after down: %d %v", v, err)
		}
		if err := db.Migrate(ctx, nil); err != nil {
			t.Fatalf("up again: %v", err)
		}
		if err := db.Ping(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

func TestSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := db.Sessions()
		if err := s.CommitCtx(ctx, "tok", []byte("data"), time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := s.CommitCtx(ctx, "tok", []byte("data2"), time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		b, ok, err := s.FindCtx(ctx, "tok")
		if err != nil || !ok || string(b) != "data2" {
			t.Fatalf("find: %q %v %v", b, ok, err)
		}
		if err := s.CommitCtx(ctx, "old", []byte("x"), time.Now().Add(-time.Minute)); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := s.FindCtx(ctx, "old"); ok {
			t.Fatal("expired session found")
		}
		if n, err := s.DeleteExpired(ctx); err != nil || n != 1 {
			t.Fatalf("delete expired: %d %v", n, err)
		}
		if err := s.DeleteCtx(ctx, "tok"); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := s.FindCtx(ctx, "tok"); ok {
			t.Fatal("deleted session found")
		}
	})
}

func TestSQLitePathWithSpecialCharacters(t *testing.T) {
	dir := t.TempDir() + "/a#b?c%d"
	db, err := store.Open(context.Background(), dir+"/motcua.db", store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir + "/motcua.db"); err != nil {
		t.Fatalf("database not created at the given path: %v", err)
	}
}
