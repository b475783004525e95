package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/demo"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/user"
)

// demoNow is the clock of the demo tests: a day of 2026, after the reform.
var demoNow = time.Date(2026, 4, 15, 10, 0, 0, 0, calendar.Location())

// demoSite is the demo with its 2022 dossiers behind a server, and the units the tests
// name.
type demoSite struct {
	db                      *store.DB
	srv                     *httptest.Server
	province, oldProvince   unit.Unit // Tỉnh Phú Thọ since 1 July 2025, and before
	district                unit.Unit // Huyện Thanh Ba (232), 2020 – 30 June 2025
	thanhBa, quangYen       unit.Unit // two of its successor communes
	otherProvince, otherCom unit.Unit // a province and commune outside the demo
	outsider                user.User // the leader of otherCom
}

func newDemoSite(t *testing.T, db *store.DB) *demoSite {
	t.Helper()
	ctx := context.Background()
	if _, err := demo.Load(ctx, db, demo.Options{Now: demoNow}); err != nil {
		t.Fatal(err)
	}
	d := &demoSite{db: db}
	byCode := func(code string, on unit.Date) unit.Unit {
		u, err := db.UnitByCode(ctx, code, on)
		if err != nil {
			t.Fatalf("unit %s: %v", code, err)
		}
		return u
	}
	today, in2022 := unit.NewDate(2026, 4, 15), unit.NewDate(2022, 6, 1)
	d.province, d.oldProvince, d.district = byCode("25", today), byCode("25", in2022), byCode("232", in2022)
	d.thanhBa, d.quangYen = byCode("08152", today), byCode("08173", today)
	d.otherProvince = unit.Unit{Code: "08", Name: "Tỉnh Tuyên Quang", Kind: unit.Province, ValidFrom: unit.Reform2025}
	if err := db.CreateUnit(ctx, &d.otherProvince); err != nil {
		t.Fatal(err)
	}
	d.otherCom = unit.Unit{Code: "02200", Name: "Xã Minh Quang", Kind: unit.Commune, ParentID: d.otherProvince.ID, ValidFrom: unit.Reform2025}
	if err := db.CreateUnit(ctx, &d.otherCom); err != nil {
		t.Fatal(err)
	}
	hash, err := user.HashPassword(demo.Password)
	if err != nil {
		t.Fatal(err)
	}
	d.outsider = user.User{Email: "lanhdao.minhquang@demo.motcua.vn", FullName: "Đinh Văn Quang", PasswordHash: hash, Active: true}
	if err := db.CreateUserWithRole(ctx, &d.outsider, &user.Assignment{UnitID: d.otherCom.ID, Role: user.Approver}); err != nil {
		t.Fatal(err)
	}
	h, err := New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{Version: "test", Now: func() time.Time { return demoNow }})
	if err != nil {
		t.Fatal(err)
	}
	d.srv = httptest.NewServer(h)
	t.Cleanup(d.srv.Close)
	return d
}

// signIn signs a demo official in.
func (d *demoSite) signIn(t *testing.T, email string) *client {
	t.Helper()
	c := newClient(t, d.srv)
	if code := c.login(email, demo.Password); code != http.StatusSeeOther {
		t.Fatalf("login %s: %d", email, code)
	}
	return c
}

// tenMonths2022 is the district report's period.
const tenMonths2022 = "period=months&year=2022&months=10"

// TestReportsUnderSuccessors loads the demo and checks that today's province overseer
// reads the figures of 2022 (the former district of Thanh Ba and its communes, under the
// former province that today's replaced): in today's province's report for the ten
// months, with the district as a row as the tree was then, in the district's own report
// reached from there, and in the API; that a commune's report holds the former communes
// merged into it and not the district; and that an official of another province reads
// none of it. The dashboards and the service index of Decision 766
// (index766UnderSuccessors) follow the same tree.
func TestReportsUnderSuccessors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newDemoSite(t, db)
		ovs := d.signIn(t, "giamsat.phutho@demo.motcua.vn")
		const received, onTime = "26.298", "26.243 / 26.298 = 99,79%"

		code, body, _ := ovs.get("/reports?unit_id=" + d.province.ID + "&" + tenMonths2022)
		if code != http.StatusOK {
			t.Fatalf("province, 2022: %d\n%s", code, body)
		}
		if got := tileText(body, "tile-received"); got != received || !strings.Contains(body, onTime) {
			t.Fatalf("province, 2022: received %q\n%s", got, body)
		}
		districtLink := `href="/reports?months=10&amp;period=months&amp;unit_id=` + d.district.ID + `&amp;year=2022"`
		if !strings.Contains(body, districtLink) || !strings.Contains(body, "Huyện Thanh Ba") {
			t.Fatalf("the province's 2022 breakdown lacks the district:\n%s", body)
		}
		code, body, _ = ovs.get("/reports?unit_id=" + d.district.ID + "&" + tenMonths2022)
		if code != http.StatusOK || tileText(body, "tile-received") != received || !strings.Contains(body, onTime) ||
			!strings.Contains(body, "Xã Vân Lĩnh") {
			t.Fatalf("district through its successors: %d\n%s", code, body)
		}
		// The way back: today's province first.
		if !strings.Contains(body, `<nav class="crumbs"`) || !strings.Contains(body, "unit_id="+d.province.ID) {
			t.Errorf("the district's crumbs do not lead back to today's province:\n%s", body)
		}
		// No register links: the overseer reads the figures, not the former communes' dossiers.
		if strings.Contains(body, "/dossiers/register?") {
			t.Errorf("register links the overseer cannot open")
		}
		js := apiReport(t, ovs, "unit_id="+d.province.ID+"&from=2022-01-01&to=2022-10-31")
		if js.Stats.Received != 26298 || js.Stats.OnTime != 26243 {
			t.Fatalf("API: %+v", js.Stats)
		}
		// The unit chooser offers the former tree.
		_, body, _ = ovs.get("/reports")
		if !strings.Contains(body, `<option value="`+d.district.ID+`"`) {
			t.Errorf("the chooser lacks the 2022 district")
		}

		// Xã Thanh Ba holds the four communes merged into it, not the whole district.
		lead := d.signIn(t, "lanhdao.thanhba@demo.motcua.vn")
		code, body, _ = lead.get("/reports?unit_id=" + d.thanhBa.ID + "&" + tenMonths2022)
		if got := tileText(body, "tile-received"); code != http.StatusOK || got == "0" || got == received {
			t.Fatalf("Xã Thanh Ba, 2022: %d, received %q", code, got)
		}
		for _, name := range []string{"UBND thị trấn Thanh Ba", "UBND xã Vân Lĩnh", "UBND xã Hanh Cù", "UBND xã Đồng Xuân"} {
			if !strings.Contains(body, name) {
				t.Errorf("Xã Thanh Ba's 2022 breakdown lacks %s", name)
			}
		}
		if strings.Contains(body, "UBND xã Quảng Yên") {
			t.Errorf("Xã Thanh Ba holds Quảng Yên's figures")
		}
		if code, _, _ := lead.get("/reports?unit_id=" + d.district.ID + "&" + tenMonths2022); code != http.StatusNotFound {
			t.Errorf("a commune reads the whole former district: %d", code)
		}

		// Another province's commune reads none of it.
		out := d.signIn(t, d.outsider.Email)
		for _, u := range []unit.Unit{d.district, d.oldProvince, d.province} {
			if code, body, _ := out.get("/reports?unit_id=" + u.ID + "&" + tenMonths2022); code != http.StatusNotFound || strings.Contains(body, received) {
				t.Errorf("another province's commune opens %s: %d", u.Name, code)
			}
			if code, _, _ := out.get("/api/v1/reports/stats?unit_id=" + u.ID + "&from=2022-01-01&to=2022-10-31"); code != http.StatusNotFound {
				t.Errorf("another province's commune reads %s by the API: %d", u.Name, code)
			}
		}
		if _, body, _ := out.get("/reports?" + tenMonths2022); tileText(body, "tile-received") != "0" {
			t.Errorf("another province's own report counts the demo's 2022 dossiers")
		}
		for _, u := range []unit.Unit{d.district, d.oldProvince, d.province} {
			if code, _, _ := out.get("/dashboard?unit_id=" + u.ID + "&" + tenMonths2022); code != http.StatusNotFound {
				t.Errorf("another province's commune opens the dashboard of %s: %d", u.Name, code)
			}
		}

		// The dashboards follow the same tree: today's province for 2022 ranks the
		// district, the district its 19 communes, and the 2022 overseer reaches the dossiers.
		code, body, _ = ovs.get("/dashboard?unit_id=" + d.province.ID + "&" + tenMonths2022)
		if v, _ := tileOf(t, body, "received"); code != http.StatusOK || v != received {
			t.Fatalf("province's dashboard, 2022: %d, received %q", code, v)
		}
		if v, _ := tileOf(t, body, "on_time_rate"); v != "99,79%" || !strings.Contains(body, "Huyện Thanh Ba") {
			t.Errorf("province's dashboard, 2022: rate %q", v)
		}
		code, body, _ = ovs.get("/dashboard?unit_id=" + d.district.ID + "&" + tenMonths2022)
		if ranked := rankOrder(body); code != http.StatusOK || len(ranked) != 19 {
			t.Fatalf("district's dashboard: %d, %d units ranked: %v", code, len(ranked), ranked)
		}
		if strings.Contains(body, `<a href="/dossiers/`) {
			t.Errorf("dossier links the overseer of today cannot open")
		}
		old := d.signIn(t, "giamsat.huyenthanhba.2022@demo.motcua.vn")
		code, body, _ = old.get("/dashboard?unit_id=" + d.district.ID + "&" + tenMonths2022)
		if v, _ := tileOf(t, body, "received"); code != http.StatusOK || v != received || !strings.Contains(body, `<svg`) {
			t.Fatalf("the 2022 overseer's dashboard: %d, received %q", code, v)
		}
		link := regexp.MustCompile(`<a href="(/dossiers/[0-9a-f-]{36})">`).FindStringSubmatch(body)
		if link == nil {
			t.Fatalf("no late dossier to open:\n%s", body)
		}
		if code, _, _ := old.get(link[1]); code != http.StatusOK {
			t.Errorf("the late dossier: %d", code)
		}

		index766UnderSuccessors(t, d)
	})
}

// tileText is the value of the tile with the id on a report page.
func tileText(body, id string) string {
	_, rest, ok := strings.Cut(body, `id="`+id+`">`)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, "<")
	return strings.TrimSpace(v)
}
