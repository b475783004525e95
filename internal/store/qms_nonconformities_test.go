package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/portal"
	"github.com/motcua/motcua/internal/qms"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/user"
)

func ncStatus(t *testing.T, db *store.DB, id string) qms.NCStatus {
	t.Helper()
	n, err := db.Nonconformity(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return n.Status
}

// TestCorrectiveAction takes a complaint through its corrective action: the owner never
// verifies their own action, an ineffective action is done again, and nothing closes
// without a verification of effectiveness.
func TestCorrectiveAction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newQMSUnits(t, db)
		n, err := qms.NewManual(k.a.ID, qms.SourceComplaint, "Người dân phản ánh phải đi lại nhiều lần", "Phản ánh qua đường dây nóng")
		if err != nil {
			t.Fatal(err)
		}
		if err := db.RaiseNonconformity(ctx, &n, k.isoA); err != nil {
			t.Fatal(err)
		}
		if _, err := qms.NewManual(k.a.ID, qms.SourceLate, "X", ""); failure.Fields(err)[0].Field != "source" {
			t.Fatalf("an automatic source raised by hand: %v", err)
		}
		wantKind(t, db.CloseNonconformity(ctx, n.ID, k.leaderA), failure.Conflict, "")
		plan := qms.Plan{Correction: "Gọi điện xin lỗi", RootCause: "Hướng dẫn không đầy đủ", Action: "Rà soát bản hướng dẫn",
			OwnerID: k.isoB, DueOn: d(2026, 4, 30)}
		wantKind(t, db.PlanNonconformity(ctx, n.ID, plan, k.isoA), failure.Invalid, "owner_id") // not an official of A
		plan.OwnerID, plan.RootCause = k.receiver, ""
		wantKind(t, db.PlanNonconformity(ctx, n.ID, plan, k.isoA), failure.Invalid, "root_cause")
		plan.RootCause = "Hướng dẫn không đầy đủ"
		if err := db.PlanNonconformity(ctx, n.ID, plan, k.isoA); err != nil {
			t.Fatal(err)
		}
		row, _ := db.Nonconformity(ctx, n.ID)
		if !row.Overdue(d(2026, 5, 1)) || row.Overdue(d(2026, 4, 30)) || row.OwnerName != "Lê Thị Tiếp" {
			t.Fatalf("planned: %+v", row)
		}
		if list, _ := db.Nonconformities(ctx, store.NCFilter{Under: []string{k.prov.Path}, OverdueOn: d(2026, 5, 1)}); len(list) != 1 {
			t.Fatalf("overdue list: %d", len(list))
		}
		wantKind(t, db.CloseNonconformity(ctx, n.ID, k.leaderA), failure.Conflict, "")
		if err := db.ImplementAction(ctx, n.ID, "Đã sửa bản hướng dẫn", k.receiver); err != nil {
			t.Fatal(err)
		}
		wantKind(t, db.VerifyAction(ctx, n.ID, true, "Tự kiểm tra", k.receiver), failure.Forbidden, "")
		wantKind(t, db.VerifyAction(ctx, n.ID, true, "", k.isoA), failure.Invalid, "verification")
		if err := db.VerifyAction(ctx, n.ID, false, "Vẫn còn phản ánh trong tháng 5", k.isoA); err != nil {
			t.Fatal(err)
		}
		if st := ncStatus(t, db, n.ID); st != qms.NCPlanned {
			t.Fatalf("after an ineffective action: %s", st)
		}
		wantKind(t, db.CloseNonconformity(ctx, n.ID, k.leaderA), failure.Conflict, "")
		if err := db.ImplementAction(ctx, n.ID, "Niêm yết hướng dẫn mới tại bộ phận một cửa", k.receiver); err != nil {
			t.Fatal(err)
		}
		if err := db.VerifyAction(ctx, n.ID, true, "Không còn phản ánh sau 2 tháng", k.leaderA); err != nil {
			t.Fatal(err)
		}
		if err := db.CloseNonconformity(ctx, n.ID, k.leaderA); err != nil {
			t.Fatal(err)
		}
		wantKind(t, db.DismissNonconformity(ctx, n.ID, "Không phải", k.isoA), failure.Conflict, "")
		trail, _ := db.AuditTrail(ctx, "qms_nonconformity", n.ID, 0)
		if len(trail) != 7 {
			t.Fatalf("history: %d events", len(trail))
		}
	})
}

// TestAutomaticNonconformities raises a commune's month from its late dossier, a refused
// intake, a procedure published after its expiry, a low rating and a missed objective:
// one record per cause, twice raising nothing new, a dismissed record staying dismissed,
// new evidence joining the month's record.
func TestAutomaticNonconformities(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newDesk(t, db)
		iso := official(t, db, "iso@x.vn", "Đỗ Thị Thư", k.commune, user.QMS).UserID
		k.resolve(t, k.receive(t, vnTime(2026, 3, 2, 9, 0)), vnTime(2026, 3, 3, 10, 0))
		late := k.resolve(t, k.receive(t, vnTime(2026, 3, 3, 9, 0)), vnTime(2026, 3, 11, 10, 0))
		late = k.act(t, k.receiver, late, dossier.Command{Action: dossier.ActReturn, Channel: dossier.AtDesk, At: vnTime(2026, 3, 12, 9, 0)})
		if err := db.RateDossier(ctx, &portal.Rating{DossierID: late.ID, Level: portal.NotSatisfied, Comment: "Hẹn nhiều lần",
			RatedAt: vnTime(2026, 3, 13, 9, 0)}); err != nil {
			t.Fatal(err)
		}
		v := sampleVersion("1.000001", "Thủ tục minh họa", d(2026, 1, 1))
		v.EffectiveTo = d(2026, 3, 15)
		mustAdd(t, db, v)
		publishAll(t, db, k.commune.ID, d(2026, 1, 1), "1.000001")
		if _, err := db.ApplicableVersion(ctx, k.agency.ID, "1.000001", vnTime(2026, 3, 20, 9, 0), k.receiver.UserID); err == nil {
			t.Fatal("intake under an expired procedure")
		}
		if _, err := db.ApplicableVersion(ctx, k.agency.ID, "9.999999", vnTime(2026, 3, 20, 9, 0), k.receiver.UserID); err == nil {
			t.Fatal("intake under an unknown procedure")
		}
		onTime := qms.Objective{UnitID: k.commune.ID, Year: 2026, Title: "Đúng hạn", Measure: qms.OnTimeRate, Comparison: qms.AtLeast, Target: 98}
		if err := db.CreateObjective(ctx, &onTime, iso); err != nil {
			t.Fatal(err)
		}

		march := qms.MonthPeriod(qms.Month{Year: 2026, Month: 3})
		res, err := db.RaiseAutomaticNonconformities(ctx, "", march)
		if err != nil {
			t.Fatal(err)
		}
		if res.Raised != 5 || res.Evidence != 5 || res.Months != 1 {
			t.Fatalf("first run: %+v", res)
		}
		list, _ := db.Nonconformities(ctx, store.NCFilter{UnitID: k.commune.ID})
		bySource := map[qms.Source]store.NCRow{}
		for _, n := range list {
			bySource[n.Source] = n
			if n.Month.String() != "2026-03" || n.EvidenceCount != 1 || n.Status != qms.NCOpen || n.RaisedBy != "" {
				t.Errorf("%s: %+v", n.Source, n)
			}
		}
		for _, s := range []qms.Source{qms.SourceLate, qms.SourceIntake, qms.SourceStale, qms.SourceRating, qms.SourceObjective} {
			if _, ok := bySource[s]; !ok {
				t.Errorf("no %s record", s)
			}
		}
		ev, _ := db.NCEvidence(ctx, bySource[qms.SourceLate].ID)
		if len(ev) != 1 || ev[0].Label != late.Code || ev[0].RefID != late.ID || ev[0].Kind != qms.EvidenceDossier {
			t.Fatalf("late evidence: %+v", ev)
		}
		ev, _ = db.NCEvidence(ctx, bySource[qms.SourceIntake].ID)
		if len(ev) != 1 || !strings.HasPrefix(ev[0].Label, "1.000001: expired") {
			t.Fatalf("intake evidence (the unknown code is not one): %+v", ev)
		}

		// Twice: nothing new. The unit's own scope finds the same records.
		if res, err := db.RaiseAutomaticNonconformities(ctx, "", march); err != nil || res.Raised+res.Evidence != 0 {
			t.Fatalf("second run: %+v %v", res, err)
		}
		if res, err := db.RaiseAutomaticNonconformities(ctx, k.agency.ID, march); err != nil || res.Raised+res.Evidence != 0 {
			t.Fatalf("run for the agency: %+v %v", res, err)
		}
		if res, err := db.RaiseAutomaticNonconformities(ctx, k.other.ID, march); err != nil || res.Raised+res.Evidence != 0 {
			t.Fatalf("run for the other commune: %+v %v", res, err)
		}
		// Dismissed stays dismissed; a new late dossier of March joins its record.
		stale := bySource[qms.SourceStale]
		wantKind(t, db.DismissNonconformity(ctx, stale.ID, " ", iso), failure.Invalid, "reason")
		if err := db.DismissNonconformity(ctx, stale.ID, "Đã gỡ niêm yết ngày 16/3, lỗi đồng bộ cổng", iso); err != nil {
			t.Fatal(err)
		}
		k.resolve(t, k.receive(t, vnTime(2026, 3, 16, 9, 0)), vnTime(2026, 3, 30, 10, 0))
		res, err = db.RaiseAutomaticNonconformities(ctx, k.commune.ID, march)
		if err != nil || res.Raised != 0 || res.Evidence != 1 {
			t.Fatalf("third run: %+v %v", res, err)
		}
		if n, _ := db.Nonconformity(ctx, bySource[qms.SourceLate].ID); n.EvidenceCount != 2 {
			t.Fatalf("late record: %+v", n)
		}
		if st := ncStatus(t, db, stale.ID); st != qms.NCDismissed {
			t.Fatalf("dismissed record: %s", st)
		}

		// A missed month raised from the objective joins the month's record; a month met
		// (or without data) is refused.
		id, err := db.RaiseForObjective(ctx, onTime.ID, qms.Month{Year: 2026, Month: 3}, d(2026, 6, 1), iso)
		if err != nil || id != bySource[qms.SourceObjective].ID {
			t.Fatalf("raise for objective: %s %v", id, err)
		}
		if _, err := db.RaiseForObjective(ctx, onTime.ID, qms.Month{Year: 2026, Month: 4}, d(2026, 6, 1), iso); !failure.Is(err, failure.Conflict) {
			t.Fatalf("a month not missed: %v", err)
		}

		// The overdue corrective actions measure counts the late record's action (today:
		// the record did not exist at the end of last month).
		now := time.Now().In(calendar.Location())
		today := unit.DateOf(now)
		plan := qms.Plan{RootCause: "Thiếu người", Action: "Bổ sung cán bộ", OwnerID: iso, DueOn: unit.DateOf(now.AddDate(0, 0, -10))}
		if err := db.PlanNonconformity(ctx, bySource[qms.SourceLate].ID, plan, iso); err != nil {
			t.Fatal(err)
		}
		overdue := qms.Objective{UnitID: k.commune.ID, Year: now.Year(), Title: "Không có hành động quá hạn",
			Measure: qms.OverdueActions, Comparison: qms.AtMost, Target: 0}
		if err := db.CreateObjective(ctx, &overdue, iso); err != nil {
			t.Fatal(err)
		}
		row, _ := db.Objective(ctx, overdue.ID)
		rs, err := db.ObjectiveResults(ctx, row, today)
		if cur := rs[now.Month()-1]; err != nil || cur.Value != 1 || cur.Over || cur.Missed {
			t.Fatalf("overdue actions this month: %+v %v", cur, err)
		}
		if now.Month() > 1 && rs[now.Month()-2].Value != 0 {
			t.Fatalf("overdue actions last month: %+v", rs[now.Month()-2])
		}

		if err := db.RaiseIfDue(ctx, k.commune); err != nil {
			t.Fatal(err)
		}
		if err := db.RaiseIfDue(ctx, k.commune); err != nil {
			t.Fatal(err)
		}
	})
}
