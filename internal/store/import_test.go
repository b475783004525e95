package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/unit"
)

func TestImportOfficialList(t *testing.T) {
	recs, err := unit.Official2025()
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		start := time.Now()
		res, err := db.ImportUnits(ctx, recs, store.ImportOptions{ValidFrom: unit.Reform2025})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: imported %d units in %v", db.Dialect(), res.Created, time.Since(start))
		if res.Created != 3355 || res.Unchanged != 0 || len(res.IDs) != 3355 {
			t.Fatalf("first import: %+v", importCounts(res))
		}
		tops, err := db.ListUnits(ctx, store.UnitFilter{Kinds: []unit.Kind{unit.Province, unit.City}, ActiveOn: unit.Reform2025})
		if err != nil || len(tops) != 34 {
			t.Fatalf("provinces: %d %v", len(tops), err)
		}
		communes, err := db.ListUnits(ctx, store.UnitFilter{Kinds: []unit.Kind{unit.Commune, unit.Ward, unit.SpecialZone}})
		if err != nil || len(communes) != 3321 {
			t.Fatalf("communes: %d %v", len(communes), err)
		}
		thanhBa, err := db.UnitByCode(ctx, "08152", unit.NewDate(2026, 1, 1))
		if err != nil || thanhBa.Name != "Xã Thanh Ba" || thanhBa.ParentID != res.IDs["25"] || thanhBa.ValidFrom != unit.Reform2025 {
			t.Fatalf("Xã Thanh Ba: %+v %v", thanhBa, err)
		}
		prov, err := db.Unit(ctx, res.IDs["25"])
		if err != nil || !prov.IsAncestorOf(thanhBa) || thanhBa.Depth() != 1 {
			t.Fatalf("path: %s under %s (%v)", thanhBa.Path, prov.Path, err)
		}
		if _, err := db.UnitByCode(ctx, "08152", unit.NewDate(2025, 6, 30)); !failure.Is(err, failure.NotFound) {
			t.Errorf("Xã Thanh Ba exists before the reform: %v", err)
		}

		// Idempotent: the second run finds everything in place.
		again, err := db.ImportUnits(ctx, recs, store.ImportOptions{ValidFrom: unit.Reform2025})
		if err != nil {
			t.Fatal(err)
		}
		if again.Created != 0 || again.Updated != 0 || again.Unchanged != 3355 || again.IDs["08152"] != thanhBa.ID {
			t.Fatalf("second import: %+v", importCounts(again))
		}
		if n, _ := db.CountUnits(ctx); n != 3355 {
			t.Fatalf("%d units after two imports", n)
		}

		// A corrected name updates the unit in place.
		renamed := []unit.Record{{Line: 2, Code: "25", Name: "Tỉnh Phú Thọ", Kind: unit.Province},
			{Line: 3, Code: "08152", Name: "Xã  Thanh Ba mới", Kind: unit.Commune, ParentCode: "25"}}
		upd, err := db.ImportUnits(ctx, renamed, store.ImportOptions{ValidFrom: unit.Reform2025})
		if err != nil || upd.Updated != 1 || upd.Unchanged != 1 || upd.Created != 0 {
			t.Fatalf("rename: %+v %v", importCounts(upd), err)
		}
		got, _ := db.Unit(ctx, thanhBa.ID)
		if got.Name != "Xã Thanh Ba mới" || got.Path != thanhBa.Path {
			t.Fatalf("renamed unit: %+v", got)
		}
		if hits, _ := db.ListUnits(ctx, store.UnitFilter{Query: "thanh ba moi"}); len(hits) != 1 {
			t.Errorf("search after rename: %d hits", len(hits))
		}
	})
}

func importCounts(r store.ImportResult) [3]int { return [3]int{r.Created, r.Updated, r.Unchanged} }

func TestImportOneProvince(t *testing.T) {
	recs, err := unit.Official2025()
	if err != nil {
		t.Fatal(err)
	}
	phuTho, err := unit.FilterProvince(recs, "25")
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		// A unit of the old three-tier tree with the same code does not count as existing:
		// its validity ends the day the new province begins.
		old := mustCreate(t, db, unit.Unit{Code: "25", Name: "Tỉnh Phú Thọ", Kind: unit.Province, ValidTo: unit.Reform2025})
		ids := func(code string) string { return "00000000-0000-4000-8000-0000000" + code }
		res, err := db.ImportUnits(ctx, phuTho, store.ImportOptions{ValidFrom: unit.Reform2025, NewID: func(code string) string {
			return ids(strings.Repeat("0", 5-len(code)) + code)
		}})
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 149 || res.IDs["25"] == old.ID || res.IDs["08152"] != ids("08152") {
			t.Fatalf("import: %+v, province %s", importCounts(res), res.IDs["25"])
		}
		// Units hang under a parent that is already in the database.
		res, err = db.ImportUnits(ctx, []unit.Record{{Line: 7, Code: "99999", Name: "Xã Thử", Kind: unit.Commune, ParentCode: "25"}},
			store.ImportOptions{ValidFrom: unit.Reform2025})
		if err != nil || res.Created != 1 {
			t.Fatalf("child of an existing province: %+v %v", importCounts(res), err)
		}
		child, _ := db.Unit(ctx, res.IDs["99999"])
		if child.ParentID != ids("00025") {
			t.Errorf("parent = %s", child.ParentID)
		}
	})
}

func TestImportRejects(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		opts := store.ImportOptions{ValidFrom: unit.Reform2025}
		if _, err := db.ImportUnits(ctx, []unit.Record{{Line: 2, Code: "25", Name: "Tỉnh Phú Thọ", Kind: unit.Province}}, opts); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name  string
			recs  []unit.Record
			opts  store.ImportOptions
			kind  failure.Kind
			field string
		}{
			{"no date", []unit.Record{{Line: 2, Code: "26", Name: "X", Kind: unit.Province}}, store.ImportOptions{}, failure.Invalid, "valid_from"},
			{"unknown parent", []unit.Record{{Line: 5, Code: "08152", Name: "Xã Thanh Ba", Kind: unit.Commune, ParentCode: "26"}}, opts, failure.Invalid, "parent_id"},
			{"kind changed", []unit.Record{{Line: 4, Code: "25", Name: "Tỉnh Phú Thọ", Kind: unit.City}}, opts, failure.Conflict, "kind"},
			{"duplicate code", []unit.Record{{Line: 2, Code: "01", Name: "Hà Nội", Kind: unit.City},
				{Line: 3, Code: "08152", Name: "Xã Thanh Ba", Kind: unit.Commune, ParentCode: "25"},
				{Line: 4, Code: "08152", Name: "Xã Thanh Ba", Kind: unit.Commune, ParentCode: "01"}}, opts, failure.Conflict, "code"},
			{"bad code", []unit.Record{{Line: 6, Code: "a b", Name: "X", Kind: unit.Province}}, opts, failure.Invalid, "code"},
			{"bad parent kind", []unit.Record{{Line: 2, Code: "08152", Name: "Xã Thanh Ba", Kind: unit.Commune, ParentCode: "25"},
				{Line: 3, Code: "08153", Name: "Xã X", Kind: unit.Commune, ParentCode: "08152"}}, opts, failure.Invalid, "parent_id"},
			{"cycle", []unit.Record{{Line: 2, Code: "08152", Name: "A", Kind: unit.Commune, ParentCode: "08153"},
				{Line: 3, Code: "08153", Name: "B", Kind: unit.Commune, ParentCode: "08152"}}, opts, failure.Invalid, "parent_id"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := db.ImportUnits(ctx, tt.recs, tt.opts)
				wantKind(t, err, tt.kind, tt.field)
				if tt.opts.ValidFrom != (unit.Date{}) && !strings.Contains(err.Error(), "line ") {
					t.Errorf("error %q names no line", err)
				}
			})
		}
		// Nothing of the failed imports was written.
		if n, _ := db.CountUnits(ctx); n != 1 {
			t.Fatalf("%d units after failed imports", n)
		}
		// An existing unit is never moved under another parent by an import.
		if _, err := db.ImportUnits(ctx, []unit.Record{{Line: 2, Code: "01", Name: "Thành phố Hà Nội", Kind: unit.City},
			{Line: 3, Code: "08152", Name: "Xã Thanh Ba", Kind: unit.Commune, ParentCode: "25"}}, opts); err != nil {
			t.Fatal(err)
		}
		_, err := db.ImportUnits(ctx, []unit.Record{{Line: 4, Code: "08152", Name: "Xã Thanh Ba", Kind: unit.Commune, ParentCode: "01"}}, opts)
		wantKind(t, err, failure.Conflict, "parent_id")
		// A future unit holding the code is a conflict too.
		mustCreate(t, db, unit.Unit{Code: "08160", Name: "Xã Tương Lai", Kind: unit.Commune, ParentID: mustUnitID(t, db, "25"), ValidFrom: unit.NewDate(2026, 1, 1)})
		_, err = db.ImportUnits(ctx, []unit.Record{{Line: 9, Code: "08160", Name: "Xã Hiện Tại", Kind: unit.Commune, ParentCode: "25"}}, opts)
		wantKind(t, err, failure.Conflict, "code")
		if !strings.Contains(err.Error(), "line 9") {
			t.Errorf("error %q does not name line 9", err)
		}
	})
}

func mustUnitID(t *testing.T, db *store.DB, code string) string {
	t.Helper()
	u, err := db.UnitByCode(context.Background(), code, unit.Reform2025)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}
