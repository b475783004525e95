package notify_test

import (
	"context"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/notify"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

func TestAssess(t *testing.T) {
	cal, err := calendar.Default() // 07:30–11:30 and 13:30–17:00: 7½ working hours a day
	if err != nil {
		t.Fatal(err)
	}
	// An examine step of one working day, begun Thursday 5 February 2026 at 10:00 (due
	// Friday 10:00); the dossier's appointment is Tuesday 10 February 09:00.
	item := store.WatchItem{Code: "X", Due: vn(2026, 2, 10, 9, 0), LastProgressAt: vn(2026, 2, 5, 10, 0),
		Step: dossier.StepRecord{StartedAt: vn(2026, 2, 5, 10, 0), Due: vn(2026, 2, 6, 10, 0)}}
	for _, tc := range []struct {
		name      string
		now       time.Time
		th        notify.Thresholds
		stage     notify.Stage
		idle      time.Duration
		soon, due bool
	}{
		// Half of 7½ hours is under 4 hours: the threshold is 4 working hours.
		{"3 working hours later", vn(2026, 2, 5, 15, 0), notify.Thresholds{}, notify.StageNone, 3 * time.Hour, false, false},
		{"4 hours exactly is not longer", vn(2026, 2, 5, 16, 0), notify.Thresholds{}, notify.StageNone, 4 * time.Hour, false, false},
		{"next morning", vn(2026, 2, 6, 9, 0), notify.Thresholds{}, notify.StageOfficial, 6*time.Hour + 30*time.Minute, false, false},
		{"leader after 8 hours", vn(2026, 2, 6, 11, 30), notify.Thresholds{}, notify.StageLeader, 9 * time.Hour, false, false},
		{"the lunch break does not count", vn(2026, 2, 6, 13, 30), notify.Thresholds{}, notify.StageLeader, 9 * time.Hour, false, false},
		{"12 hours exactly", vn(2026, 2, 6, 16, 30), notify.Thresholds{}, notify.StageLeader, 12 * time.Hour, false, false},
		{"overseer after 12 hours", vn(2026, 2, 6, 17, 0), notify.Thresholds{}, notify.StageOverseer, 12*time.Hour + 30*time.Minute, false, false},
		{"the weekend does not count", vn(2026, 2, 8, 12, 0), notify.Thresholds{}, notify.StageOverseer, 12*time.Hour + 30*time.Minute, false, false},
		{"due within a working day", vn(2026, 2, 9, 9, 0), notify.Thresholds{}, notify.StageOverseer, 14 * time.Hour, true, false},
		{"overdue", vn(2026, 2, 10, 9, 1), notify.Thresholds{}, notify.StageOverseer, 21*time.Hour + 31*time.Minute, false, true},
		{"the unit's own threshold", vn(2026, 2, 5, 13, 45), notify.Thresholds{Stale: time.Hour + 30*time.Minute, Escalate: 8 * time.Hour}, notify.StageOfficial, time.Hour + 45*time.Minute, false, false},
	} {
		w, err := notify.Assess(cal, item, tc.th, tc.now)
		if err != nil {
			t.Fatal(err)
		}
		if w.Stage != tc.stage || w.Idle != tc.idle || w.DueSoon != tc.soon || w.Overdue != tc.due || w.Stale != (tc.stage != notify.StageNone) {
			t.Errorf("%s: stage %d idle %s soon %v overdue %v (after %s)", tc.name, w.Stage, w.Idle, w.DueSoon, w.Overdue, w.StaleAfter)
		}
	}
	// A long step: half its budget (3 days of 7½ h → 11¼ h) is the threshold.
	long := item
	long.Step.Due = vn(2026, 2, 10, 10, 0)
	if w, _ := notify.Assess(cal, long, notify.Thresholds{}, vn(2026, 2, 6, 9, 0)); w.StaleAfter != 11*time.Hour+15*time.Minute || w.Stale {
		t.Errorf("long step: after %s stale %v", w.StaleAfter, w.Stale)
	}
	// Due soon: one working day ahead at most.
	if w, _ := notify.Assess(cal, item, notify.Thresholds{}, vn(2026, 2, 9, 8, 59)); w.DueSoon {
		t.Error("due soon more than a working day ahead")
	}
	if w, _ := notify.Assess(cal, item, notify.Thresholds{}, vn(2026, 2, 9, 9, 0)); !w.DueSoon || w.Remaining != 7*time.Hour+30*time.Minute {
		t.Errorf("not due soon a working day ahead: %s", w.Remaining)
	}
}

func TestFind(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newDesk(t, db)
		// Two dossiers at the examine step: one assigned to the handler, one to the role.
		d1 := k.act(t, k.receiver, k.receive(t, vn(2026, 2, 5, 9, 0)), dossier.Command{Action: dossier.ActForward,
			AssigneeID: k.handler.UserID, At: vn(2026, 2, 5, 10, 0)})
		d2 := k.act(t, k.receiver, k.receive(t, vn(2026, 2, 5, 9, 30)), dossier.Command{Action: dossier.ActForward,
			At: vn(2026, 2, 5, 10, 0)})
		// A third waits for papers: its clock is stopped, it is never flagged.
		d3 := k.act(t, k.receiver, k.receive(t, vn(2026, 2, 5, 9, 40)), dossier.Command{Action: dossier.ActForward,
			At: vn(2026, 2, 5, 10, 0)})
		k.act(t, k.handler, d3, dossier.Command{Action: dossier.ActRequest, At: vn(2026, 2, 5, 10, 30),
			Items: []dossier.SupplementItem{{Name: "Tờ khai", Reason: "Thiếu chữ ký"}}})

		mine := store.WatchFilter{Actor: &k.handler}
		all, err := notify.Find(ctx, db, mine, vn(2026, 2, 5, 15, 0), false)
		if err != nil || len(all) != 2 {
			t.Fatalf("handler's open steps: %d %v", len(all), err)
		}
		if flagged, _ := notify.Find(ctx, db, mine, vn(2026, 2, 5, 15, 0), true); len(flagged) != 0 {
			t.Fatalf("flagged too early: %+v", flagged)
		}
		// Friday 09:00: both stale. A progress note on the first clears it.
		fri := vn(2026, 2, 6, 9, 0)
		if flagged, _ := notify.Find(ctx, db, mine, fri, true); len(flagged) != 2 || !flagged[0].Stale {
			t.Fatalf("Friday: %+v", flagged)
		}
		k.act(t, k.handler, d1, dossier.Command{Action: dossier.ActProgress, Note: "Đang xác minh với UBND xã", At: vn(2026, 2, 6, 8, 45)})
		flagged, err := notify.Find(ctx, db, mine, fri, true)
		if err != nil || len(flagged) != 1 || flagged[0].DossierID != d2.ID || flagged[0].StepUnitName != k.agency.Name {
			t.Fatalf("after a progress note: %+v %v", flagged, err)
		}
		// Another commune's handler sees none; the overseer's subtree has them all.
		if other, _ := notify.Find(ctx, db, store.WatchFilter{Actor: &k.otherHandler}, fri, false); len(other) != 0 {
			t.Fatalf("another commune: %+v", other)
		}
		sub, err := notify.Find(ctx, db, store.WatchFilter{Under: []string{k.prov.Path}}, fri, true)
		if err != nil || len(sub) != 1 {
			t.Fatalf("subtree: %d %v", len(sub), err)
		}
		if bu := notify.ByUnit(sub); len(bu) != 1 || bu[0].Stale != 1 || bu[0].UnitName != k.agency.Name {
			t.Fatalf("by unit: %+v", bu)
		}
		if none, _ := notify.Find(ctx, db, store.WatchFilter{Under: []string{k.other.Path}}, fri, false); len(none) != 0 {
			t.Fatalf("another subtree: %+v", none)
		}
		if one, _ := notify.Find(ctx, db, store.WatchFilter{UnitID: k.agency.ID, Limit: 1}, fri, false); len(one) != 1 {
			t.Fatalf("one unit, limit 1: %+v", one)
		}
		// A unit's own threshold: 12 working hours; d2 is no longer stale on Friday.
		if err := db.SaveReminderSettings(ctx, k.commune.ID, 12*time.Hour, 0, k.admin.UserID); err != nil {
			t.Fatal(err)
		}
		if flagged, _ := notify.Find(ctx, db, mine, fri, true); len(flagged) != 0 {
			t.Fatalf("with the commune's threshold: %+v", flagged)
		}
		if err := db.SaveReminderSettings(ctx, k.commune.ID, -time.Hour, 0, ""); err == nil {
			t.Fatal("a negative threshold was accepted")
		}
		if err := db.SaveReminderSettings(ctx, "no-such-unit", time.Hour, 0, ""); err == nil {
			t.Fatal("an unknown unit was accepted")
		}
		if err := db.SaveReminderSettings(ctx, k.commune.ID, 0, 0, ""); err != nil {
			t.Fatal(err)
		}
		if s, _ := db.AllReminderSettings(ctx); len(s) != 0 {
			t.Fatalf("back to the default rule: %+v", s)
		}
		c := notify.Count(sub)
		if c.Total != 1 || c.Stale != 1 {
			t.Fatalf("counts: %+v", c)
		}
	})
}

func TestRecipients(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newDesk(t, db)
		leaders, err := db.NearestHolders(ctx, "approver", k.agency.Path)
		if err != nil || len(leaders) != 1 || leaders[0].UserID != k.approver.UserID || leaders[0].Email != "lanhdao@x.vn" {
			t.Fatalf("the agency's leader is the commune's approver: %+v %v", leaders, err)
		}
		// A provincial approver does not replace the commune's own.
		official(t, db, "lanhdao.tinh@x.vn", "Trịnh Văn Tỉnh", k.prov, "approver")
		if leaders, _ := db.NearestHolders(ctx, "approver", k.agency.Path); len(leaders) != 1 || leaders[0].UserID != k.approver.UserID {
			t.Fatalf("nearest: %+v", leaders)
		}
		// Commune B has none: the province's.
		if leaders, _ := db.NearestHolders(ctx, "approver", k.other.Path); len(leaders) != 1 || leaders[0].Email != "lanhdao.tinh@x.vn" {
			t.Fatalf("inherited: %+v", leaders)
		}
		if over, _ := db.NearestHolders(ctx, "overseer", k.agency.Path); len(over) != 1 || over[0].UserID != k.overseer.UserID {
			t.Fatalf("overseer: %+v", over)
		}
		got, err := db.Recipients(ctx, []string{k.handler.UserID, "", k.handler.UserID, "unknown"})
		if err != nil || len(got) != 1 || got[0].FullName != "Phạm Văn Xử" || got[0].Lang != "vi" || got[0].EmailMode != "" {
			t.Fatalf("recipients: %+v %v", got, err)
		}
	})
}
