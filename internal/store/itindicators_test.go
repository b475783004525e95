package store_test

import (
	"context"
	"testing"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/report"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/user"
)

// TestITIndicators: the province's official mail domain makes one of the commune's four
// officials count (25%), the year's dossiers give the online and digitised shares, the
// commune enters its computers with evidence, closes the year, and the closed year keeps
// its values while the officials' data changes.
func TestITIndicators(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newDesk(t, db)
		prov, err := db.Unit(ctx, k.commune.ParentID)
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"vn", "gov..vn", "*.gòv.vn"} {
			if _, err := db.AddMailDomain(ctx, prov.ID, bad, ""); !hasField(err, "pattern") {
				t.Fatalf("pattern %q: %v", bad, err)
			}
		}
		dom, err := db.AddMailDomain(ctx, prov.ID, " *.Gov.VN ", "")
		if err != nil || dom.Pattern != "*.gov.vn" {
			t.Fatalf("add domain: %+v %v", dom, err)
		}
		if _, err := db.AddMailDomain(ctx, prov.ID, "*.gov.vn", ""); !hasField(err, "pattern") {
			t.Fatalf("the same domain twice: %v", err)
		}
		if got, _ := db.MailDomainsFor(ctx, k.commune); len(got) != 1 || got[0] != "*.gov.vn" {
			t.Fatalf("the province's domain does not apply to the commune: %v", got)
		}
		// One official with an official address; one with roles in the commune and its
		// agency counts once; the official of Quảng Yên counts there.
		official(t, db, "van.thu@thanhba.gov.vn", "Vũ Thị Văn", k.commune, user.Handler)
		twice := official(t, db, "hai.vai@x.vn", "Phạm Hai Vai", k.commune, user.Admin)
		if err := db.Assign(ctx, &user.Assignment{UserID: twice.UserID, UnitID: k.agency.ID, Role: user.Receiver}); err != nil {
			t.Fatal(err)
		}
		counts, err := db.OfficialMailByLevel(ctx, prov.Path)
		if err != nil {
			t.Fatal(err)
		}
		if c := counts[k.commune.ID]; c.Officials != 5 || c.OfficialMail != 1 {
			t.Fatalf("commune counts %+v, want 1 of 5", c)
		}
		if c := counts[k.other.ID]; c.Officials != 1 || c.OfficialMail != 0 {
			t.Fatalf("other commune counts %+v", c)
		}

		// Dossiers of 2024: two at the desk (digitised), one online.
		k.receive(t, vnTime(2024, 3, 4, 9, 0))
		k.receive(t, vnTime(2024, 3, 5, 9, 0))
		if _, err := db.Receive(ctx, k.receiver, k.onlineRequest("", vnTime(2024, 3, 6, 9, 0), "Tờ khai")); err != nil {
			t.Fatal(err)
		}
		entry := report.ITEntry{Key: report.ITComputers, Value: 4, Note: " Biên bản kiểm kê tài sản ngày 31/12/2024 "}
		if err := db.SaveITEntry(ctx, k.commune.ID, 2024, entry, k.approver.UserID); err != nil {
			t.Fatal(err)
		}
		bad := report.ITEntry{Key: report.ITInternet, Value: 3}
		if fields := failure.Fields(db.SaveITEntry(ctx, k.commune.ID, 2024, bad, "")); len(fields) != 2 {
			t.Fatalf("bad entry: %v", fields)
		}
		if err := db.SaveITEntry(ctx, k.commune.ID, 2999, entry, ""); !hasField(err, "year") {
			t.Fatalf("a future year: %v", err)
		}
		y, err := db.ITYear(ctx, k.commune, 2024, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := map[report.ITKey][2]int64{report.ITOfficialMail: {1, 5}, report.ITOnlineReceived: {1, 3},
			report.ITDigitised: {3, 3}, report.ITComputers: {4, 5}}
		for key, nd := range want {
			if v := y.Value(key); v.Num != nd[0] || v.Den != nd[1] || !v.Known {
				t.Errorf("%s = %+v, want %d/%d", key, v, nd[0], nd[1])
			}
		}
		if v := y.Value(report.ITComputers); v.Entry == nil || v.Entry.Note != "Biên bản kiểm kê tài sản ngày 31/12/2024" {
			t.Fatalf("computers' evidence: %+v", v.Entry)
		}
		if y.Closed || len(y.Domains) != 1 {
			t.Fatalf("open year: %+v", y)
		}

		// Closing freezes the year: another official address changes 2025, not 2024.
		closed, err := db.CloseITYear(ctx, k.commune, 2024, k.approver.UserID)
		if err != nil || !closed.Closed {
			t.Fatalf("close: %+v %v", closed, err)
		}
		if _, err := db.CloseITYear(ctx, k.commune, 2024, ""); !failure.Is(err, failure.Conflict) {
			t.Fatalf("closing twice: %v", err)
		}
		if err := db.SaveITEntry(ctx, k.commune.ID, 2024, entry, ""); !failure.Is(err, failure.Conflict) {
			t.Fatalf("entry in a closed year: %v", err)
		}
		official(t, db, "mot.cua@thanhba.gov.vn", "Lê Văn Một", k.commune, user.Receiver)
		frozen, err := db.ITYear(ctx, k.commune, 2024, nil)
		if err != nil {
			t.Fatal(err)
		}
		if v := frozen.Value(report.ITOfficialMail); !frozen.Closed || v.Num != 1 || v.Den != 5 || frozen.ClosedBy != k.approver.UserID {
			t.Fatalf("frozen year: %+v", frozen)
		}
		hist, err := db.ITHistory(ctx, k.commune, 2025)
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 2 || hist[0].Year != 2025 || hist[0].Closed || hist[1].Year != 2024 || !hist[1].Closed {
			t.Fatalf("history: %+v", hist)
		}
		if v := hist[0].Value(report.ITOfficialMail); v.Num != 2 || v.Den != 6 {
			t.Fatalf("2025 live: %+v", v)
		}
		if v := hist[0].Value(report.ITOnlineReceived); v.Known {
			t.Fatalf("2025 without dossiers: %+v", v)
		}

		// Removing the domain: nobody has official mail any more (2025 is live).
		if err := db.RemoveMailDomain(ctx, k.commune.ID, dom.ID, ""); !failure.Is(err, failure.NotFound) {
			t.Fatalf("removing through another unit: %v", err)
		}
		if err := db.RemoveMailDomain(ctx, prov.ID, dom.ID, ""); err != nil {
			t.Fatal(err)
		}
		live, _ := db.ITYear(ctx, k.commune, 2025, nil)
		if v := live.Value(report.ITOfficialMail); v.Num != 0 || v.Den != 6 {
			t.Fatalf("after removal: %+v", v)
		}
	})
}
