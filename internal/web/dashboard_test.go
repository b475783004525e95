package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/portal"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/user"
)

// dashboardFixture is the report fixture (March 2026 in communes A and B, the server's
// clock at 15 April 2026 10:00) with, in commune A, a dossier received this morning, the
// online dossier a2 rated "not satisfied" on 2 April, and an expired procedure still
// published. It returns the rated dossier.
func dashboardFixture(t *testing.T, db *store.DB) (*fixture, dossier.Dossier) {
	t.Helper()
	ctx := context.Background()
	f := reportFixture(t, db)
	desk := newReportDesk(t, f, f.a, f.agencyA, "a.today")
	desk.receive("a4", time.Date(2026, 4, 15, 8, 0, 0, 0, calendar.Location()), dossier.AtDesk)
	if err := db.PublishProcedure(ctx, f.a.ID, "1.000001.MH", unit.NewDate(2025, 7, 1), ""); err != nil {
		t.Fatal(err)
	}
	returned, err := db.ListDossiers(ctx, store.DossierFilter{UnitID: f.agencyA.ID, States: []dossier.State{dossier.Returned}})
	if err != nil || len(returned) != 1 {
		t.Fatalf("returned dossiers of A: %d %v", len(returned), err)
	}
	if err := db.RateDossier(ctx, &portal.Rating{DossierID: returned[0].ID, Level: portal.NotSatisfied,
		Comment: "Chờ <lâu>", RatedAt: time.Date(2026, 4, 2, 9, 0, 0, 0, calendar.Location())}); err != nil {
		t.Fatal(err)
	}
	return f, returned[0]
}

// tileOf returns a tile's value and the link it leads to ("" when none) from a page.
func tileOf(t *testing.T, body, id string) (value, link string) {
	t.Helper()
	re := regexp.MustCompile(`<(?:a|div) class="tile[^"]*" id="tile-` + id + `"(?: href="([^"]*)")?>\s*<span class="tile-label">[^<]*</span>\s*<span class="tile-value">([^<]*)`)
	m := re.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no tile %s on the page:\n%s", id, body)
	}
	return strings.TrimSpace(m[2]), html.UnescapeString(m[1])
}

// TestCommuneDashboard checks what a commune's leader, desk and neighbours see on the
// home page: each tile's figure from the data above and the list it links to, the
// change of the on-time rate against last month, and that ratings and figures stay in
// their commune.
func TestCommuneDashboard(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, rated := dashboardFixture(t, db)
		leader := f.official(t, "lanhdao.dash@demo.motcua.vn", "Hoàng Văn Duyệt", f.a, user.Approver)
		lc := signedIn(t, f, leader)
		code, body, _ := lc.get("/")
		if code != http.StatusOK || !strings.Contains(body, "Tình hình hôm nay — Xã Thanh Ba") {
			t.Fatalf("leader's home: %d\n%s", code, body)
		}
		monitorA := "/monitor?" + url.Values{"unit": {f.a.Path}}.Encode()
		for _, c := range []struct{ id, value, link string }{
			{"received_today", "1", "/dossiers/register?from=2026-04-15&to=2026-04-15"},
			{"queue", "0", "/dossiers"},
			// a0 (due 3 March) and a3 (due 30 March) are open past their appointments.
			{"overdue", "2", monitorA},
			{"due_soon", "0", monitorA},
			{"expired", "1", "/procedures/units/" + f.a.ID},
			// April so far: a4 received, not resolved yet: 0 / 1.
			{"on_time", "0,00%", "/reports?from=2026-04-01&period=range&to=2026-04-15&unit_id=" + f.a.ID},
			{"satisfaction", "0,00%", "/dashboard/ratings?unit_id=" + f.a.ID},
		} {
			if v, link := tileOf(t, body, c.id); v != c.value || link != c.link {
				t.Errorf("tile %s: %q → %q, want %q → %q", c.id, v, link, c.value, c.link)
			}
		}
		// March in A: a1 early of a1, a2, a3: 33,33%, so April is 33,33 points down.
		for _, want := range []string{"tháng trước 33,33%", `<span class="change bad" title="-33,33 điểm phần trăm so với tháng trước"><span aria-hidden="true">▼</span> -33,33</span>`,
			"1.000001.MH Xác nhận đơn đề nghị hỗ trợ", "Đánh giá mới nhất của người dân", rated.Code, "Chờ &lt;lâu&gt;",
			"0 hài lòng trở lên / 1 lượt đánh giá"} {
			if !strings.Contains(body, want) {
				t.Errorf("leader's home lacks %q", want)
			}
		}
		for _, path := range []string{"/dossiers/register?from=2026-04-15&to=2026-04-15", monitorA,
			"/procedures/units/" + f.a.ID, "/reports?from=2026-04-01&period=range&to=2026-04-15&unit_id=" + f.a.ID} {
			if code, _, _ := lc.get(path); code != http.StatusOK {
				t.Errorf("the tile's list %s: %d", path, code)
			}
		}
		code, body, _ = lc.get("/dashboard/ratings?unit_id=" + f.a.ID)
		if code != http.StatusOK || !strings.Contains(body, rated.Code) || !strings.Contains(body, "Không hài lòng") {
			t.Fatalf("ratings list: %d\n%s", code, body)
		}

		// The desk sees its commune's figures and its own work, not the ratings' comments.
		code, body, _ = signedIn(t, f, f.receiverA).get("/")
		if v, _ := tileOf(t, body, "received_today"); code != http.StatusOK || v != "1" {
			t.Fatalf("desk's home: %d, received today %q", code, v)
		}
		if v, link := tileOf(t, body, "satisfaction"); v != "0,00%" || link != "" || strings.Contains(body, "Chờ &lt;lâu&gt;") {
			t.Errorf("desk's satisfaction tile %q → %q, or the comment shown", v, link)
		}
		if v, _ := tileOf(t, body, "overdue"); v != "0" || !strings.Contains(body, "Trong các bước bạn đang xử lý") {
			t.Errorf("desk's overdue: %q (its own steps only)", v)
		}
		if code, _, _ := signedIn(t, f, f.receiverA).get("/dashboard/ratings?unit_id=" + f.a.ID); code != http.StatusForbidden {
			t.Errorf("desk opens the ratings: %d", code)
		}

		// Commune B sees none of it.
		bc := signedIn(t, f, f.adminB)
		_, body, _ = bc.get("/")
		if v, _ := tileOf(t, body, "received_today"); v != "0" || strings.Contains(body, rated.Code) || strings.Contains(body, "1.000001.MH") {
			t.Errorf("commune B's home shows A's figures: received %q\n%s", v, body)
		}
		if code, _, _ := bc.get("/dashboard/ratings?unit_id=" + f.a.ID); code != http.StatusNotFound {
			t.Errorf("commune B opens A's ratings: %d", code)
		}

		// The province's overseer gets the province's overview.
		_, body, _ = signedIn(t, f, f.overseer).get("/")
		if v, _ := tileOf(t, body, "received_today"); !strings.Contains(body, "Toàn cảnh — Tỉnh Phú Thọ") || v != "1" {
			t.Errorf("overseer's home: received today %q\n%s", v, body)
		}
		if v, _ := tileOf(t, body, "expired"); v != "1" {
			t.Errorf("overseer's expired procedures: %q", v)
		}

		// English.
		lc.get("/lang/en")
		if _, body, _ := lc.get("/"); !strings.Contains(body, "Received today") || !strings.Contains(body, "0.00%") {
			t.Errorf("English home:\n%s", body)
		}
	})
}
