package e2e

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/demo"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/web"
)

// startDemo runs the real handler stack on a loopback port over a fresh SQLite database
// with the demo loaded (without the 2022 dossiers, which these walks do not need).
func startDemo(t *testing.T) (*store.DB, string) {
	t.Helper()
	return startDemoWith(t, demo.Options{SkipDossiers: true})
}

// startDemoWith is startDemo with the demo's options (the 2022 dossiers when the walk needs
// them).
func startDemoWith(t *testing.T, opts demo.Options) (*store.DB, string) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "e2e.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, db, opts); err != nil {
		t.Fatal(err)
	}
	h, err := web.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), web.Config{Version: "e2e"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return db, srv.URL
}

var codePattern = regexp.MustCompile(`000\.00\.41\.H29-\d{6}-\d{4}`)

// signIn opens the sign-in page and signs in as a demo official.
func signIn(b *browser, email string) {
	b.t.Helper()
	b.open("/login")
	b.expect("sign-in page", "Đăng nhập")
	b.fill(map[string]string{`input[name=email]`: email, `input[name=password]`: demo.Password})
	b.submit(`form button[type=submit]`)
	b.expect("home page of "+email, "Đăng xuất")
}

// act submits one of the dossier page's action forms.
func act(b *browser, id, action string) {
	b.t.Helper()
	b.open("/dossiers/" + id)
	b.submit(`form[action$="/actions/` + action + `"] button[type=submit]:not([hidden]):not([name=add])`)
}

// TestDayOfACommune walks a dossier of Xã Thanh Ba from the desk to the citizen's rating,
// in Vietnamese, through real Chromium.
func TestDayOfACommune(t *testing.T) {
	db, base := startDemo(t)
	ctx := context.Background()
	centre, err := db.UnitByCode(ctx, "08152.TTPVHCC", unit.DateOf(time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	browsers := newChromium(t, base)

	// The desk officer receives a birth registration.
	desk := browsers.tab("desk")
	signIn(desk, "tiepnhan.thanhba@demo.motcua.vn")
	desk.open("/dossiers/new?unit_id=" + centre.ID + "&procedure=1.001193")
	desk.expect("intake form", "Tiếp nhận hồ sơ", "Đăng ký khai sinh", "Thành phần hồ sơ")
	desk.widths("intake form")
	desk.fill(map[string]string{
		`input[name=applicant_name]`: "Nguyễn Thị Hương", `input[name=applicant_id]`: "025190012345",
		`input[name=applicant_phone]`: "0912 345 678", `input[name=applicant_address]`: "Khu 3, xã Thanh Ba, tỉnh Phú Thọ",
	})
	desk.run("tick the papers", evaluate(`document.querySelectorAll('input[name=received]').forEach(c => c.checked = true)`))
	desk.submit(`button[name=receive]`)
	desk.expect("the received dossier", "Đã tiếp nhận", "Nguyễn Thị Hương", "Đăng ký khai sinh")
	code := codePattern.FindString(desk.text())
	if code == "" {
		t.Fatalf("no dossier code on the page:\n%s", clip(desk.text()))
	}
	d, err := db.DossierByCode(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	desk.widths("dossier page")
	if status, ctype, head := desk.fetch("/dossiers/" + d.ID + "/print/receipt"); status != 200 || !strings.HasPrefix(ctype, "application/pdf") || head != "%PDF-" {
		t.Fatalf("receipt: %d %s %q", status, ctype, head)
	}
	checkLinks(t, desk)

	// An expired procedure is not offered, and a form sent for it anyway (its hidden code
	// changed) is refused with the catalog's message; nothing is received.
	desk.open("/dossiers/new?unit_id=" + centre.ID + "&procedure=1.000001.MH")
	desk.expect("expired procedure not offered", "1.000001.MH không có trong danh sách")
	desk.open("/dossiers/new?unit_id=" + centre.ID + "&procedure=1.001193")
	desk.fill(map[string]string{`input[name=applicant_name]`: "Trần Văn Ơn", `input[name=applicant_id]`: "025088001234",
		`input[name=applicant_address]`: "Thanh Ba", `input[name=procedure]`: "1.000001.MH"})
	desk.run("tick the papers", evaluate(`document.querySelectorAll('input[name=received]').forEach(c => c.checked = true)`))
	desk.submit(`button[name=receive]`)
	desk.expect("expired procedure refused", "1.000001.MH đã hết hiệu lực", "không thể tiếp nhận hồ sơ")
	if n, _ := db.CountDossiers(ctx, store.DossierFilter{}); n != 1 {
		t.Fatalf("%d dossiers after the refused intake", n)
	}

	// The handler finds it in "my work" and asks for a supplement.
	handler := browsers.tab("handler")
	signIn(handler, "xuly.thanhba@demo.motcua.vn")
	act(desk, d.ID, "forward")
	handler.open("/dossiers")
	handler.expect("my work", "Việc của tôi", code)
	handler.widths("my work")
	handler.open("/dossiers/" + d.ID)
	handler.run("open the supplement request", clickOn(`details:has(form[action$="/actions/request"]) > summary`))
	handler.fill(map[string]string{`form[action$="/actions/request"] input[name=item_name]`: "Giấy chứng sinh",
		`form[action$="/actions/request"] input[name=item_reason]`: "Bản chụp mờ, không đọc được"})
	handler.submit(`form[action$="/actions/request"] button[name=save]`)
	handler.expect("supplement requested", "Chờ bổ sung")
	handler.widths("supplement requested")

	// The citizen looks the dossier up with its code and sees what is missing.
	citizen := browsers.tab("citizen")
	citizen.open("/tra-cuu?ma=" + code)
	citizen.expect("look-up", "Chờ bổ sung", "Giấy chứng sinh")
	citizen.widths("look-up")
	if strings.Contains(citizen.text(), "Nguyễn Thị Hương") {
		t.Fatal("the look-up without the second factor shows the applicant's name")
	}

	// The desk records the supplement; the handler forwards, the leader approves, the
	// desk returns the result.
	act(desk, d.ID, "supply")
	desk.expect("supplement received", "Đang giải quyết")
	act(handler, d.ID, "forward")
	leader := browsers.tab("leader")
	signIn(leader, "lanhdao.thanhba@demo.motcua.vn")
	act(leader, d.ID, "forward")
	act(desk, d.ID, "return")
	desk.expect("result returned", "Đã trả kết quả")
	desk.widths("result returned")

	// The citizen rates it on the portal, once.
	d, _ = db.DossierByCode(ctx, code)
	citizen.open("/tra-cuu?ma=" + code + "&k=" + d.LookupSecret)
	citizen.expect("look-up with the receipt's factor", "Nguyễn Thị Hương", "Đã trả kết quả")
	citizen.open("/tra-cuu/danh-gia?ma=" + code + "&k=" + d.LookupSecret)
	citizen.run("choose a level", clickOn(`input[name=level]`))
	citizen.fill(map[string]string{`textarea[name=comment]`: "Cán bộ hướng dẫn tận tình."})
	citizen.submit(`form[action="/tra-cuu/danh-gia"] button[type=submit]`)
	citizen.expect("rating saved", "Cảm ơn")
	citizen.widths("rating saved")
}

// checkLinks fetches every same-site link of the page and fails on a broken one.
func checkLinks(t *testing.T, b *browser) {
	t.Helper()
	seen := map[string]bool{}
	for _, href := range b.links() {
		if seen[href] || strings.Contains(href, "/logout") || strings.Contains(href, "/lang/") {
			continue
		}
		seen[href] = true
		path := strings.TrimPrefix(href, b.base)
		if status, _, _ := b.fetch(path); status >= 400 {
			t.Errorf("broken link %s: %d", path, status)
		}
	}
}

// TestOverseerReport: the former district's steering committee opens the report for the
// first ten months of 2022, sees the seed's figures, ranks and drills down to a commune,
// and exports the report as XLSX and PDF.
func TestOverseerReport(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the demo's 26,000 dossiers")
	}
	db, base := startDemoWith(t, demo.Options{})
	ctx := context.Background()
	district, err := db.UnitByCode(ctx, "232", unit.NewDate(2022, 1, 1))
	if err != nil {
		t.Fatal(err)
	}
	overseer := newChromium(t, base).tab("overseer")
	signIn(overseer, "giamsat.huyenthanhba.2022@demo.motcua.vn")
	overseer.open("/reports?unit_id=" + district.ID + "&period=months&year=2022&months=10")
	overseer.expect("district report", "Huyện Thanh Ba", "26.298", "26.243", "99,79%")
	overseer.widths("district report")
	checkLinks(t, overseer)
	for _, export := range []struct{ link, ctype, head string }{
		{`a[href*="export.xlsx"]`, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK\x03\x04"},
		{`a[href*="export.pdf"]`, "application/pdf", "%PDF-"},
	} {
		href := get(overseer, "export link", attr(export.link, "href"))
		status, ctype, head := overseer.fetch(strings.TrimPrefix(href, base))
		if status != 200 || !strings.HasPrefix(ctype, export.ctype) || (export.head == "%PDF-" && head != export.head) {
			t.Errorf("%s: %d %s %q", href, status, ctype, head)
		}
	}
	// Drill down to the first commune of the breakdown.
	href := get(overseer, "drill-down link", attr(`table a[href^="/reports?"]`, "href"))
	overseer.open(strings.TrimPrefix(href, base))
	overseer.expect("commune report", "Xã", "Tỷ lệ")
	overseer.widths("commune report")
}

// TestLateDossierApology: a dossier received a month ago (through the engine, with its past
// receipt time) is past its appointment; the leader's page says an apology is needed, the
// leader issues it with a new date, and the apology letter prints.
func TestLateDossierApology(t *testing.T) {
	db, base := startDemo(t)
	ctx := context.Background()
	u, err := db.UserByEmail(ctx, "tiepnhan.thanhba@demo.motcua.vn")
	if err != nil {
		t.Fatal(err)
	}
	as, _ := db.Assignments(ctx, u.ID)
	centre, err := db.UnitByCode(ctx, "08152.TTPVHCC", unit.DateOf(time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	p, err := db.Procedure(ctx, "1.004873") // 3 working days
	if err != nil {
		t.Fatal(err)
	}
	var comps []dossier.Component
	for _, c := range p.Latest().Components {
		comps = append(comps, dossier.Component{Name: c.Name, Received: true})
	}
	d, err := db.Receive(ctx, auth.Actor{UserID: u.ID, Assignments: as}, store.IntakeRequest{UnitID: centre.ID,
		ProcedureCode: "1.004873", Channel: dossier.AtDesk, Components: comps, At: time.Now().AddDate(0, 0, -30),
		Applicant: dossier.Applicant{Name: "Phùng Thị Ngọc", IDNumber: "025192004321", Address: "Thanh Ba, Phú Thọ"}})
	if err != nil {
		t.Fatal(err)
	}
	leader := newChromium(t, base).tab("leader")
	signIn(leader, "lanhdao.thanhba@demo.motcua.vn")
	leader.open("/dossiers/" + d.ID)
	leader.expect("late dossier", "cần văn bản xin lỗi và hẹn lại ngày trả kết quả")
	newDue := time.Now().In(calendar.Location()).AddDate(0, 0, 7).Format("2006-01-02T15:04")
	leader.fill(map[string]string{`form[action$="/actions/apologise"] textarea[name=reason]`: "Cần xác minh thêm với Công an xã",
		`form[action$="/actions/apologise"] input[name=new_due]`: newDue})
	leader.submit(`form[action$="/actions/apologise"] button[type=submit]`)
	leader.expect("apology recorded", "Cần xác minh thêm với Công an xã")
	leader.widths("late dossier")
	if status, ctype, head := leader.fetch("/dossiers/" + d.ID + "/print/apology"); status != 200 || !strings.HasPrefix(ctype, "application/pdf") || head != "%PDF-" {
		t.Fatalf("apology letter: %d %s %q", status, ctype, head)
	}
	got, _ := db.Dossier(ctx, d.ID)
	if got.Apologies != 1 || got.ExtendedDue.IsZero() {
		t.Fatalf("after the apology: %+v", got)
	}

	// The result is ready late; the QMS secretary finds it as an automatic nonconformity.
	for _, email := range []string{"tiepnhan.thanhba@demo.motcua.vn", "xuly.thanhba@demo.motcua.vn", "lanhdao.thanhba@demo.motcua.vn"} {
		got, err = db.Act(ctx, actorOf(t, db, email), dossier.Command{DossierID: got.ID, Version: got.Version, Action: dossier.ActForward})
		if err != nil {
			t.Fatalf("%s forwards: %v", email, err)
		}
	}
	if got.State != dossier.Ready || got.Timeliness != "late" {
		t.Fatalf("resolved: %s %s", got.State, got.Timeliness)
	}
	commune, err := db.UnitByCode(ctx, "08152", unit.DateOf(time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	iso := newChromium(t, base).tab("QMS secretary")
	signIn(iso, "iso.thanhba@demo.motcua.vn")
	iso.open("/qms/units/" + commune.ID) // the dashboard raises what the month's data shows
	iso.widths("QMS dashboard")
	iso.open("/qms/units/" + commune.ID + "/nonconformities")
	iso.expect("nonconformities", "Hồ sơ giải quyết quá hạn")
	iso.widths("nonconformities")
	iso.open(strings.TrimPrefix(get(iso, "first nonconformity", attr(`a[href^="/qms/nonconformities/"]`, "href")), base))
	iso.expect("the nonconformity's evidence", got.Code)
}

// actorOf is a demo official as the engine sees them.
func actorOf(t *testing.T, db *store.DB, email string) auth.Actor {
	t.Helper()
	u, err := db.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	as, err := db.Assignments(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return auth.Actor{UserID: u.ID, Assignments: as}
}
