package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/qms"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/unit"
)

func riskFields(err error) []string {
	var out []string
	for _, e := range failure.Fields(err) {
		out = append(out, e.Field)
	}
	slices.Sort(out)
	return out
}

// TestRiskRegister takes an entry from its identification through treatment and a
// periodic review: bad input names every field at once, an owner of another commune is
// refused, each change is in the history with its old and new value, and the lists filter
// by level, status and overdue treatment.
func TestRiskRegister(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newQMSUnits(t, db)
		bad := qms.Risk{UnitID: k.a.ID, Kind: qms.KindRisk, Process: "Tiếp nhận hồ sơ đất đai", Likelihood: 7, Impact: 3,
			OwnerID: k.isoB}
		err := db.CreateRisk(ctx, &bad, k.isoA)
		if got := riskFields(err); !slices.Equal(got, []string{"description", "likelihood", "owner_id"}) {
			t.Fatalf("bad entry: %v (%v)", got, err)
		}
		wrongCode := qms.Risk{UnitID: k.a.ID, Kind: qms.KindRisk, ProcedureCode: "1.999999", Description: "x", Likelihood: 1, Impact: 1}
		wantKind(t, db.CreateRisk(ctx, &wrongCode, k.isoA), failure.Invalid, "procedure_code")

		r := qms.Risk{UnitID: k.a.ID, Kind: qms.KindRisk, Process: " Tiếp nhận  hồ sơ đất đai ",
			Description: "Hồ sơ trễ hạn do thiếu công chức địa chính", Cause: "Một công chức địa chính nghỉ hưu",
			Likelihood: 4, Impact: 4}
		if err := db.CreateRisk(ctx, &r, k.isoA); err != nil {
			t.Fatal(err)
		}
		got, err := db.Risk(ctx, r.ID)
		if err != nil || got.Status != qms.RiskOpen || got.Process != "Tiếp nhận hồ sơ đất đai" || got.Level() != qms.LevelHigh ||
			got.UnitName != k.a.Name || got.CreatedBy != k.isoA {
			t.Fatalf("created: %+v %v", got, err)
		}

		// Treated: the treatment needs its owner (an official of A) and its due day.
		upd := got.Risk
		upd.Status = qms.RiskTreating
		wantKind(t, db.UpdateRisk(ctx, upd, k.isoA), failure.Invalid, "treatment")
		upd.Treatment, upd.OwnerID, upd.DueOn = "Đề nghị huyện biệt phái một công chức địa chính", k.isoB, d(2026, 3, 31)
		wantKind(t, db.UpdateRisk(ctx, upd, k.isoA), failure.Invalid, "owner_id")
		upd.OwnerID = k.receiver // of A's desk, below A
		if err := db.UpdateRisk(ctx, upd, k.isoA); err != nil {
			t.Fatal(err)
		}
		if err := db.UpdateRisk(ctx, upd, k.leaderA); err != nil { // unchanged: nothing logged
			t.Fatal(err)
		}
		got, _ = db.Risk(ctx, r.ID)
		if got.OwnerName != "Lê Thị Tiếp" || !got.Overdue(d(2026, 4, 1)) || got.Overdue(d(2026, 3, 31)) {
			t.Fatalf("treating: %+v", got)
		}

		// Reviewed: not in the future, with a note; the new scores replace the old.
		now := db.Now().In(calendar.Location())
		today := unit.DateOf(now)
		v := qms.RiskReview{RiskID: r.ID, ReviewedOn: unit.DateOf(now.AddDate(0, 0, 1)), Likelihood: 2, Impact: 4}
		if got := riskFields(db.ReviewRisk(ctx, &v, k.isoA)); !slices.Equal(got, []string{"note", "reviewed_on"}) {
			t.Fatalf("bad review: %v", got)
		}
		v.ReviewedOn, v.Note = today, "Đã có công chức biệt phái từ tháng 3"
		if err := db.ReviewRisk(ctx, &v, k.receiver); err != nil {
			t.Fatal(err)
		}
		got, _ = db.Risk(ctx, r.ID)
		if got.Likelihood != 2 || got.Score() != 8 || got.Level() != qms.LevelMedium || got.ReviewedOn != today {
			t.Fatalf("reviewed: %+v", got)
		}
		reviews, err := db.RiskReviews(ctx, r.ID)
		if err != nil || len(reviews) != 1 || reviews[0].ReviewerName != "Lê Thị Tiếp" || reviews[0].Score() != 8 {
			t.Fatalf("reviews: %+v %v", reviews, err)
		}

		hist, err := db.RiskHistory(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, h := range hist {
			lines = append(lines, h.Action+" "+h.Field+": "+h.Old+" → "+h.New+" ("+h.ActorName+")")
		}
		all := strings.Join(lines, "\n")
		for _, want := range []string{
			"review likelihood: 4 → 2 (Lê Thị Tiếp)", "review score: 16 → 8 (Lê Thị Tiếp)",
			"review note:  → Đã có công chức biệt phái từ tháng 3 (Lê Thị Tiếp)",
			"update status: open → treating (Đỗ Thị Thư)", "update owner_id:  → " + k.receiver + " (Đỗ Thị Thư)",
			"update due_on:  → 2026-03-31 (Đỗ Thị Thư)", "create description:  → Hồ sơ trễ hạn do thiếu công chức địa chính (Đỗ Thị Thư)",
		} {
			if !strings.Contains(all, want) {
				t.Errorf("history lacks %q:\n%s", want, all)
			}
		}
		if hist[0].Action != "review" || hist[len(hist)-1].Action != "create" || strings.Contains(all, "Hoàng Văn Duyệt") {
			t.Errorf("history order or an empty update logged:\n%s", all)
		}
		if trail, _ := db.AuditTrail(ctx, "qms_risk", r.ID, 10); len(trail) != 3 {
			t.Errorf("audit events: %d", len(trail))
		}

		// A second entry, an opportunity of B; and the lists.
		opp := qms.Risk{UnitID: k.b.ID, Kind: qms.KindOpportunity, Process: "Dịch vụ công trực tuyến",
			Description: "Người dân nộp hồ sơ trực tuyến nhiều hơn", Likelihood: 2, Impact: 3, Status: qms.RiskMonitored}
		if err := db.CreateRisk(ctx, &opp, k.isoB); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name string
			f    store.RiskFilter
			want int
		}{
			{"province", store.RiskFilter{Under: []string{k.prov.Path}}, 2},
			{"A", store.RiskFilter{UnitID: k.a.ID}, 1},
			{"medium", store.RiskFilter{Under: []string{k.prov.Path}, Level: qms.LevelMedium}, 1},
			{"low", store.RiskFilter{Under: []string{k.prov.Path}, Level: qms.LevelLow}, 1},
			{"high", store.RiskFilter{Under: []string{k.prov.Path}, Level: qms.LevelHigh}, 0},
			{"opportunities", store.RiskFilter{Kind: qms.KindOpportunity}, 1},
			{"overdue", store.RiskFilter{OverdueOn: d(2026, 4, 1)}, 1},
			{"not yet overdue", store.RiskFilter{OverdueOn: d(2026, 3, 31)}, 0},
			{"owner", store.RiskFilter{OwnerID: k.receiver}, 1},
			{"monitored", store.RiskFilter{Statuses: []qms.RiskStatus{qms.RiskMonitored}}, 1},
		} {
			if list, err := db.Risks(ctx, tc.f); err != nil || len(list) != tc.want {
				t.Errorf("%s: %d entries, want %d (%v)", tc.name, len(list), tc.want, err)
			}
		}

		// The management review of A gathers its register.
		ua, _ := db.Unit(ctx, k.a.ID)
		in, err := db.GatherReviewInputs(ctx, ua, unit.DateOf(now.AddDate(0, -1, 0)), today, today, "")
		if err != nil || in.Risks.Risks != 1 || in.Risks.Opportunities != 0 || in.Risks.Reviewed != 1 || in.Risks.High != 0 {
			t.Fatalf("review inputs: %+v %v", in.Risks, err)
		}

		// Closed, an entry is no longer reviewed nor open; it may be reopened.
		cur, _ := db.Risk(ctx, r.ID)
		upd = cur.Risk
		upd.Status = qms.RiskClosed
		if err := db.UpdateRisk(ctx, upd, k.isoA); err != nil {
			t.Fatal(err)
		}
		v2 := qms.RiskReview{RiskID: r.ID, ReviewedOn: today, Likelihood: 1, Impact: 1, Note: "x"}
		wantKind(t, db.ReviewRisk(ctx, &v2, k.isoA), failure.Conflict, "")
		if list, _ := db.Risks(ctx, store.RiskFilter{UnitID: k.a.ID, Open: true}); len(list) != 0 {
			t.Fatalf("closed entry listed as open: %d", len(list))
		}
		if _, err := db.Risk(ctx, "00000000-0000-0000-0000-000000000000"); !failure.Is(err, failure.NotFound) {
			t.Fatalf("unknown entry: %v", err)
		}
	})
}
