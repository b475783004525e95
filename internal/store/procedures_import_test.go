package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

func TestImportProceduresSample(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		rows, err := procedure.SampleCatalog()
		if err != nil {
			t.Fatal(err)
		}
		opts := store.ProcedureImportOptions{Today: d(2026, 1, 5), DryRun: true}
		dry, err := db.ImportProcedures(ctx, rows, opts)
		if err != nil {
			t.Fatal(err)
		}
		if dry.Added != len(rows) || len(dry.Changes) != len(rows) {
			t.Fatalf("dry run preview: %+v", dry)
		}
		if n, _ := db.CountProcedures(ctx); n != 0 {
			t.Fatalf("dry run wrote %d procedures", n)
		}
		opts.DryRun = false
		var calls, lastTotal int
		opts.Progress = func(done, total int) { calls++; lastTotal = total }
		res, err := db.ImportProcedures(ctx, rows, opts)
		if err != nil || res.Added != len(rows) {
			t.Fatalf("import: %+v %v", res, err)
		}
		if calls != lastTotal || calls == 0 {
			t.Fatalf("progress: %d calls of %d", calls, lastTotal)
		}
		again, err := db.ImportProcedures(ctx, rows, opts)
		if err != nil || again.Unchanged != len(rows) || len(again.Changes) != 0 {
			t.Fatalf("second import not idempotent: %+v %v", again, err)
		}
		p, err := db.Procedure(ctx, "1.000002.MH")
		if err != nil || p.StatusOn(d(2026, 1, 5)) != procedure.Replaced || p.ReplacedBy != "2.000635" {
			t.Fatalf("replaced sample: %+v %v", p, err)
		}
		h, _ := db.Procedure(ctx, "1.004873")
		if len(h.Versions) != 2 || h.Versions[0].EffectiveTo != d(2025, 7, 1) {
			t.Fatalf("history: %+v", h.Versions)
		}
		found, _ := db.ListProcedures(ctx, store.ProcedureFilter{Query: "ho tich"})
		if len(found) < 5 {
			t.Fatalf("ho tich finds %d", len(found))
		}
	})
}

func TestImportProceduresAllOrNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		head := "code,version,name,field,level,time_limit,effective_from,effective_to,status,replaced_by\n"
		good := head +
			"1.000001,1,Thủ tục A,Hộ tịch,commune,5d,2020-01-01,,,\n" +
			"1.000002,1,Thủ tục B,Hộ tịch,commune,5d,2020-01-01,,,\n"
		rows, err := procedure.Parse(procedure.CSV, []byte(good))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.ImportProcedures(ctx, rows, store.ProcedureImportOptions{Today: d(2026, 1, 5)}); err != nil {
			t.Fatal(err)
		}
		// A cycle across the file, and an amendment of a version in force: refused
		// with line numbers, and the new procedure on line 2 is not half-imported.
		bad := head +
			"1.000003,1,Thủ tục C,Hộ tịch,commune,5d,2020-01-01,,,\n" +
			"1.000001,1,Thủ tục A sửa,Hộ tịch,commune,5d,2020-01-01,,,\n" +
			"1.000002,1,Thủ tục B,Hộ tịch,commune,5d,2020-01-01,2025-07-01,replaced,1.000004\n" +
			"1.000004,1,Thủ tục D,Hộ tịch,commune,5d,2020-01-01,2025-07-01,replaced,1.000002\n"
		rows, err = procedure.Parse(procedure.CSV, []byte(bad))
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.ImportProcedures(ctx, rows, store.ProcedureImportOptions{Today: d(2026, 1, 5)})
		le, ok := procedure.AsLineErrors(err)
		if !ok || len(le) != 2 || le[0].Line != 3 || le[0].Err.Key != "procedure.version_immutable" || le[1].Line != 5 ||
			le[1].Err.Key != "procedure.replacement_cycle" {
			t.Fatalf("errors: %v", err)
		}
		if n, _ := db.CountProcedures(ctx); n != 2 {
			t.Fatalf("half-imported: %d procedures", n)
		}
		// A new version number is the way to amend.
		amend := head + "1.000001,2,Thủ tục A sửa,Hộ tịch,commune,3d,2026-02-01,,,\n"
		rows, _ = procedure.Parse(procedure.CSV, []byte(amend))
		res, err := db.ImportProcedures(ctx, rows, store.ProcedureImportOptions{Today: d(2026, 1, 5)})
		if err != nil || res.Added != 1 {
			t.Fatalf("amend: %+v %v", res, err)
		}
		if !strings.Contains(res.Changes[0].Name, "sửa") {
			t.Fatalf("changes: %+v", res.Changes)
		}
	})
}
