package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/qms"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/user"
)

// TestEvaluation: the commune's evaluation of this year gathers its dossiers, its
// nonconformity, review and declaration; the secretary writes the assessment and two
// proposals; finalizing seals the figures, which then stay as they were while new
// dossiers arrive, and nothing in the evaluation changes any more; a tampered snapshot no
// longer matches its hash.
func TestEvaluation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newDesk(t, db)
		iso := official(t, db, "iso@x.vn", "Đỗ Thị Thư", k.commune, user.QMS).UserID
		// Everything happens this year, up to a minute ago (the store's clock is the real one).
		at := db.Now().Add(-time.Minute).In(calendar.Location())
		year, today := at.Year(), unit.DateOf(at)
		k.receive(t, at.Add(-time.Second))
		k.receive(t, at)
		n, err := qms.NewManual(k.commune.ID, qms.SourceComplaint, "Phản ánh về thái độ phục vụ", "")
		if err != nil {
			t.Fatal(err)
		}
		if err := db.RaiseNonconformity(ctx, &n, iso); err != nil {
			t.Fatal(err)
		}
		rv := qms.ManagementReview{UnitID: k.commune.ID, Title: "Xem xét của lãnh đạo 6 tháng", From: d(year, 1, 1), To: today,
			HeldOn: today, Chair: "Hoàng Văn Duyệt"}
		if err := db.CreateReview(ctx, &rv, iso); err != nil {
			t.Fatal(err)
		}
		decl := qms.Declaration{UnitID: k.commune.ID, Number: "12/QĐ-UBND", DecidedOn: today, Signer: "Hoàng Văn Duyệt",
			Scope: "Các thủ tục hành chính của UBND xã"}
		if err := db.CreateDeclaration(ctx, &decl, iso); err != nil {
			t.Fatal(err)
		}

		f, err := db.GatherEvaluation(ctx, k.commune, year)
		if err != nil {
			t.Fatal(err)
		}
		if f.Dossiers.Received != 2 || f.From.String() != d(year, 1, 1).String() || f.NCTotal() != 1 || f.NCOpen != 1 ||
			len(f.Reviews) != 1 || !f.Declared.Declared || f.Declared.Number != "12/QĐ-UBND" || f.UnitName != "Xã Thanh Ba" {
			t.Fatalf("gathered: %+v", f)
		}
		if by := f.NCBySource(); len(by) != 1 || by[0].Source != qms.SourceComplaint {
			t.Fatalf("by source: %+v", by)
		}
		if _, err := db.GatherEvaluation(ctx, k.commune, year+1); !hasField(err, "year") {
			t.Fatalf("a year to come: %v", err)
		}

		none, err := db.Evaluation(ctx, k.commune.ID, year)
		if err != nil || none.ID != "" || none.Status != qms.EvalDraft {
			t.Fatalf("not started: %+v %v", none, err)
		}
		if y, err := db.LatestEvaluationYear(ctx, k.commune.ID); err != nil || y != 0 {
			t.Fatalf("latest year before any: %d %v", y, err)
		}
		if err := db.SaveEvaluationSummary(ctx, k.commune, year, " Hệ thống được duy trì, cải tiến thường xuyên. ", iso); err != nil {
			t.Fatal(err)
		}
		bad := qms.Proposal{Kind: "x"}
		if fields := failure.Fields(db.AddProposal(ctx, k.commune, year, &bad, iso)); len(fields) != 2 {
			t.Fatalf("bad proposal: %v", fields)
		}
		for _, p := range []qms.Proposal{{Kind: qms.Recommendation, Text: "Đề nghị UBND huyện hỗ trợ nâng cấp đường truyền"},
			{Kind: qms.Suggestion, Text: "Bổ sung 01 máy quét tài liệu cho bộ phận một cửa"},
			{Kind: qms.Suggestion, Text: "Bỏ"}} {
			if err := db.AddProposal(ctx, k.commune, year, &p, iso); err != nil {
				t.Fatal(err)
			}
		}
		e, err := db.Evaluation(ctx, k.commune.ID, year)
		if err != nil || e.ID == "" || len(e.Proposals) != 3 || e.Summary != "Hệ thống được duy trì, cải tiến thường xuyên." {
			t.Fatalf("draft: %+v %v", e, err)
		}
		if y, _ := db.LatestEvaluationYear(ctx, k.commune.ID); y != year {
			t.Fatalf("latest year %d, want %d", y, year)
		}
		if err := db.DeleteProposal(ctx, k.commune, year, e.Proposals[2].ID, iso); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteProposal(ctx, k.commune, year, "nope", iso); !failure.Is(err, failure.NotFound) {
			t.Fatalf("deleting an unknown proposal: %v", err)
		}

		final, err := db.FinalizeEvaluation(ctx, k.commune, year, iso)
		if err != nil {
			t.Fatal(err)
		}
		if final.Status != qms.EvalFinal || final.Snapshot == nil || len(final.Hash) != 64 || !final.Intact ||
			len(final.Snapshot.Proposals) != 2 || final.Snapshot.Summary != e.Summary || final.FinalizedBy != iso {
			t.Fatalf("final: %+v", final)
		}
		// New data does not change the sealed report; the report itself no longer changes.
		k.receive(t, at)
		got, _ := db.Evaluation(ctx, k.commune.ID, year)
		f, err = db.EvaluationFiguresOf(ctx, k.commune, got)
		if err != nil || f.Dossiers.Received != 2 || got.Hash != final.Hash {
			t.Fatalf("sealed figures: %+v %v", f.Dossiers, err)
		}
		if live, _ := db.GatherEvaluation(ctx, k.commune, year); live.Dossiers.Received != 3 {
			t.Fatalf("live: %+v", live.Dossiers)
		}
		p := qms.Proposal{Kind: qms.Suggestion, Text: "Thêm"}
		for what, err := range map[string]error{
			"proposal": db.AddProposal(ctx, k.commune, year, &p, iso),
			"delete":   db.DeleteProposal(ctx, k.commune, year, got.Proposals[0].ID, iso),
			"summary":  db.SaveEvaluationSummary(ctx, k.commune, year, "khác", iso),
		} {
			if !failure.Is(err, failure.Conflict) {
				t.Errorf("%s after finalizing: %v", what, err)
			}
		}
		if _, err := db.FinalizeEvaluation(ctx, k.commune, year, iso); !failure.Is(err, failure.Conflict) {
			t.Fatalf("finalizing twice: %v", err)
		}
		all, err := db.Evaluations(ctx, []string{k.commune.Path}, year)
		if err != nil || len(all) != 1 || all[k.commune.ID].Hash != final.Hash {
			t.Fatalf("evaluations: %+v %v", all, err)
		}
		if err := db.ExecForTest(ctx, `UPDATE qms_evaluations SET snapshot = REPLACE(snapshot, '"received":2', '"received":20')`); err != nil {
			t.Fatal(err)
		}
		if tampered, _ := db.Evaluation(ctx, k.commune.ID, year); tampered.Intact || tampered.Snapshot.Dossiers.Received != 20 {
			t.Fatalf("tampered snapshot still intact: %+v", tampered.Snapshot.Dossiers)
		}
	})
}
