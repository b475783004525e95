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

// rankOrder returns the units of the ranking table in their order.
func rankOrder(body string) []string {
	_, table, _ := strings.Cut(body, `<table class="ranking">`)
	table, _, _ = strings.Cut(table, "</table>")
	var out []string
	for _, part := range strings.Split(table, `<td class="unit">`)[1:] {
		name := part
		if _, after, ok := strings.Cut(part, `">`); ok && strings.HasPrefix(part, "<a ") {
			name = after
		}
		name, _, _ = strings.Cut(name, "<")
		out = append(out, strings.TrimSpace(name))
	}
	return out
}

// TestOverseerDashboard checks the province overseer's dashboard of March 2026: the
// subtree's tiles with their changes from February and their lists, the units ranked by
// each criterion, the chart of on-time rates, the late and stale dossiers, and the
// drill-down from the province to the commune, its agency's register and a dossier; and
// that nobody reads a unit outside their scope.
func TestOverseerDashboard(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, rated := dashboardFixture(t, db)
		c := signedIn(t, f, f.overseer)
		march := "/dashboard?unit_id=" + f.prov.ID + "&" + reportMarch
		code, body, _ := c.get(march)
		if code != http.StatusOK || !strings.Contains(body, "Bảng điều hành — Tỉnh Phú Thọ") {
			t.Fatalf("dashboard: %d\n%s", code, body)
		}
		for _, c := range []struct{ id, value string }{
			{"received", "5"}, {"on_time_rate", "60,00%"}, {"late", "1"}, {"overdue_now", "2"}, {"stale_now", "2"},
			{"satisfaction_period", "—"}, {"expired", "1"},
		} {
			if v, link := tileOf(t, body, c.id); v != c.value || link == "" {
				t.Errorf("tile %s: %q → %q, want %q", c.id, v, link, c.value)
			}
		}
		for _, want := range []string{
			// February: a0 received and still open: 0 / 1.
			`<span class="change good" title="60,00 điểm phần trăm so với kỳ trước"><span aria-hidden="true">▲</span> &#43;60,00</span>`,
			"so với Tháng 2 năm 2026",
			// The chart: A below the province's 60,00% in red.
			`<rect x="230" y="33" width="140" height="15" fill="#b3261e"><title>Xã Thanh Ba: 1 / 3 = 33,33%</title></rect>`,
			"Diễn biến từng tháng năm 2026", "2 hồ sơ tiếp nhận trong kỳ đã giải quyết quá hạn hoặc đang quá hạn",
			"Giải quyết quá hạn</span>", "Đang quá hạn</span>", "Không cập nhật",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("dashboard lacks %q", want)
			}
		}
		for sort, want := range map[string][]string{
			"rate":  {"Xã Quảng Yên", "Xã Thanh Ba"}, // 100% before 33,33%
			"late":  {"Xã Quảng Yên", "Xã Thanh Ba"}, // 0 before 1
			"stale": {"Xã Quảng Yên", "Xã Thanh Ba"}, // 0 before 2
		} {
			_, body, _ := c.get(march + "&sort=" + sort)
			if got := rankOrder(body); strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("ranked by %s: %v, want %v", sort, got, want)
			}
		}
		// April so far: only A has a rating (not satisfied, 0%), so it ranks and B does not.
		_, body, _ = c.get("/dashboard?unit_id=" + f.prov.ID + "&sort=satisfaction")
		if got := rankOrder(body); strings.Join(got, ",") != "Xã Thanh Ba,Xã Quảng Yên" || !strings.Contains(body, `<td class="num">1</td>`) {
			t.Errorf("ranked by satisfaction in April: %v", got)
		}

		// Drill down: province → commune → the agency's register and a late dossier.
		_, body, _ = c.get(march)
		_, rest, _ := strings.Cut(body, `<a href="/dashboard?month=3&amp;period=month&amp;sort=rate&amp;unit_id=`+f.a.ID)
		if rest == "" {
			t.Fatalf("no link down to Xã Thanh Ba:\n%s", body)
		}
		code, body, _ = c.get("/dashboard?unit_id=" + f.a.ID + "&" + reportMarch)
		if code != http.StatusOK || !strings.Contains(body, "Trung tâm PVHCC xã Thanh Ba") || !strings.Contains(body, `<nav class="crumbs"`) {
			t.Fatalf("commune's dashboard: %d\n%s", code, body)
		}
		register := "/dossiers/register?from=2026-03-01&amp;to=2026-03-31&amp;unit_id=" + f.agencyA.ID
		if !strings.Contains(body, register) {
			t.Errorf("no register link for the agency")
		}
		if code, _, _ := c.get(html.UnescapeString(register)); code != http.StatusOK {
			t.Errorf("register: %d", code)
		}
		late := regexp.MustCompile(`<a href="(/dossiers/[0-9a-f-]{36})">`).FindStringSubmatch(body)
		if late == nil {
			t.Fatalf("no late dossier link:\n%s", body)
		}
		if code, _, _ := c.get(late[1]); code != http.StatusOK {
			t.Errorf("late dossier: %d", code)
		}
		_ = rated

		// Scope: commune B's admin reads its own, not A's; the desk reads no dashboard.
		b := signedIn(t, f, f.adminB)
		if code, _, _ := b.get("/dashboard?unit_id=" + f.a.ID); code != http.StatusNotFound {
			t.Errorf("commune B opens A's dashboard: %d", code)
		}
		if code, body, _ := b.get("/dashboard"); code != http.StatusOK || !strings.Contains(body, "Xã Quảng Yên") || strings.Contains(body, "Xã Thanh Ba") {
			t.Errorf("commune B's own dashboard: %d", code)
		}
		if code, _, _ := signedIn(t, f, f.receiverA).get("/dashboard"); code != http.StatusForbidden {
			t.Errorf("the desk opens a dashboard: %d", code)
		}
		// Bad input: the form again with the message, nothing computed.
		code, body, _ = c.get("/dashboard?unit_id=" + f.prov.ID + "&period=month&year=2026&month=13")
		if code != http.StatusBadRequest || !strings.Contains(body, "Tháng phải từ 1 đến 12.") || strings.Contains(body, `id="tile-received"`) ||
			!strings.Contains(body, `<form method="get" action="/dashboard"`) {
			t.Errorf("bad month: %d\n%s", code, body)
		}
		// English.
		c.get("/lang/en")
		if _, body, _ := c.get(march); !strings.Contains(body, "Units ranked") || !strings.Contains(body, "60.00%") {
			t.Errorf("English dashboard:\n%s", body)
		}
	})
}
