package store_test

import (
	"context"
	"testing"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/qms"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestDeclarations records commune A's declaration of conformity with the procedures in
// scope that day, shows the scope drifting as procedures are published and withdrawn, and
// replaces it with a new declaration.
func TestDeclarations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newQMSUnits(t, db)
		for _, c := range []string{"1.001193", "1.000894", "1.000656", "2.000908"} {
			mustAdd(t, db, sampleVersion(c, "Thủ tục "+c, d(2025, 7, 1)))
		}
		publishAll(t, db, k.a.ID, d(2026, 1, 1), "1.001193", "1.000894")
		publishAll(t, db, k.deskA.ID, d(2026, 1, 1), "2.000908")
		publishAll(t, db, k.b.ID, d(2026, 1, 1), "1.000656")

		bad := qms.Declaration{UnitID: k.a.ID}
		if fields := failure.Fields(db.CreateDeclaration(ctx, &bad, k.isoA)); len(fields) != 4 {
			t.Fatalf("empty declaration: %v", fields)
		}
		first := qms.Declaration{UnitID: k.a.ID, Number: " 12/QĐ-UBND ", DecidedOn: d(2026, 2, 1),
			Signer: "Hoàng Văn Duyệt, Chủ tịch UBND xã", Scope: "Các thủ tục hành chính thuộc thẩm quyền của UBND xã"}
		if err := db.CreateDeclaration(ctx, &first, k.isoA); err != nil {
			t.Fatal(err)
		}
		if first.Number != "12/QĐ-UBND" || len(first.Procedures) != 3 || first.ReplacesID != "" {
			t.Fatalf("declaration: %+v", first)
		}
		now, _ := db.PublishedCodes(ctx, k.a.Path, d(2026, 2, 1))
		if first.DriftTo(now).Changed() {
			t.Fatalf("drift on the day: %+v", first.DriftTo(now))
		}
		// The scope changes: one procedure added, one withdrawn.
		publishAll(t, db, k.a.ID, d(2026, 3, 1), "1.000656")
		if err := db.UnpublishProcedure(ctx, k.a.ID, "1.000894", d(2026, 3, 1), ""); err != nil {
			t.Fatal(err)
		}
		now, _ = db.PublishedCodes(ctx, k.a.Path, d(2026, 3, 2))
		drift := first.DriftTo(now)
		if !drift.Changed() || len(drift.Added) != 1 || drift.Added[0] != "1.000656" || len(drift.Removed) != 1 || drift.Removed[0] != "1.000894" {
			t.Fatalf("drift: %+v", drift)
		}
		second := first
		second.ID, second.Number, second.DecidedOn = "", "40/QĐ-UBND", d(2026, 3, 5)
		if err := db.CreateDeclaration(ctx, &second, k.isoA); err != nil {
			t.Fatal(err)
		}
		if second.ReplacesID != first.ID || len(second.Procedures) != 3 {
			t.Fatalf("second declaration: %+v", second)
		}
		latest, err := db.LatestDeclarations(ctx, []string{k.prov.Path})
		if err != nil || len(latest) != 1 || latest[k.a.ID].ID != second.ID {
			t.Fatalf("latest: %+v %v", latest, err)
		}
		if list, _ := db.Declarations(ctx, k.a.ID); len(list) != 2 || list[0].ID != second.ID {
			t.Fatalf("declarations: %+v", list)
		}
	})
}
