package web

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/user"
)

// desk is the web fixture with the sample catalog published in commune A (the expired
// illustrative procedure too) and an official of every dossier role there.
type deskFixture struct {
	*fixture
	handler, approver, outsider user.User
}

func newDeskFixture(t *testing.T, db *store.DB) *deskFixture {
	t.Helper()
	f := newFixture(t, db)
	publishSample(t, f)
	if err := db.PublishProcedure(context.Background(), f.a.ID, "1.000001.MH", unit.NewDate(2025, 7, 1), ""); err != nil {
		t.Fatal(err)
	}
	return &deskFixture{fixture: f,
		handler:  f.official(t, "xuly.a@demo.motcua.vn", "Phạm Văn Xử", f.a, user.Handler),
		approver: f.official(t, "lanhdao.a@demo.motcua.vn", "Hoàng Văn Duyệt", f.a, user.Approver),
		outsider: f.official(t, "tiepnhan.b@demo.motcua.vn", "Ngô Thị Khác", f.b, user.Receiver),
	}
}

var (
	keyField     = regexp.MustCompile(`name="key" value="([0-9a-f]{32})"`)
	versionField = regexp.MustCompile(`name="version" value="(\d+)"`)
	dossierLink  = regexp.MustCompile(`^/dossiers/([0-9a-f-]{36})`)
)

// intakeForm is a complete intake of 1.004873 (one required paper) as the form posts it.
func (k *deskFixture) intakeForm(key string) url.Values {
	return url.Values{"unit_id": {k.agencyA.ID}, "procedure": {"1.004873"}, "key": {key},
		"applicant_kind": {"person"}, "applicant_name": {"Nguyễn Thị Hương"}, "applicant_id": {"025190012345"},
		"applicant_phone": {"0912 345 678"}, "applicant_email": {""}, "applicant_address": {"Khu 3, xã Thanh Ba"},
		"channel": {"desk"}, "payment": {"none"}, "note": {"Nộp thay cho mẹ"},
		"comp_name": {"Tờ khai cấp Giấy xác nhận tình trạng hôn nhân"}, "received": {"0"}, "digitised": {"0"}}
}

// dossierID reads the dossier ID from a redirect.
func redirectedDossier(t *testing.T, h http.Header) string {
	t.Helper()
	m := dossierLink.FindStringSubmatch(h.Get("Location"))
	if m == nil {
		t.Fatalf("no dossier in %q", h.Get("Location"))
	}
	return m[1]
}

// act posts an action form of the dossier page with the version the page shows.
func postAction(t *testing.T, c *client, id, action string, form url.Values) (int, string) {
	t.Helper()
	code, page, _ := c.get("/dossiers/" + id)
	m := versionField.FindStringSubmatch(page)
	if code != http.StatusOK || m == nil {
		t.Fatalf("dossier page before %s: %d, version field %v", action, code, m)
	}
	if form == nil {
		form = url.Values{}
	}
	form.Set("version", m[1])
	code, body, _ := c.post("/dossiers/"+id+"/actions/"+action, form)
	return code, body
}

// postAs posts an action the official's page does not offer, with the dossier's current
// version, as a crafted request would.
func postAs(t *testing.T, k *deskFixture, c *client, id, action string, form url.Values) int {
	t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("version", strconv.Itoa(dossierNow(t, k.db, id).Version))
	code, _, _ := c.post("/dossiers/"+id+"/actions/"+action, form)
	return code
}

func mustPostAction(t *testing.T, c *client, id, action string, form url.Values) {
	t.Helper()
	if code, body := postAction(t, c, id, action, form); code != http.StatusSeeOther {
		t.Fatalf("%s: %d\n%s", action, code, body)
	}
}

func dossierNow(t *testing.T, db *store.DB, id string) dossier.Dossier {
	t.Helper()
	d, err := db.Dossier(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDossierIntake(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := newDeskFixture(t, db)
		ctx := context.Background()
		desk := signedIn(t, k.fixture, k.receiverA)

		// The only agency is chosen; only procedures in force are offered.
		code, body, _ := desk.get("/dossiers/new")
		if code != 200 || !strings.Contains(body, k.agencyA.Name) || !strings.Contains(body, `value="1.004873"`) ||
			strings.Contains(body, "1.000001.MH") {
			t.Fatalf("choice: %d\n%s", code, body)
		}
		code, body, _ = desk.get("/dossiers/new?unit_id=" + k.agencyA.ID + "&procedure=1.004873")
		key := keyField.FindStringSubmatch(body)
		if code != 200 || key == nil || !strings.Contains(body, "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân") {
			t.Fatalf("intake form: %d\n%s", code, body)
		}
		if _, other, _ := desk.get("/dossiers/new?unit_id=" + k.agencyA.ID + "&procedure=1.004873"); keyField.FindStringSubmatch(other)[1] == key[1] {
			t.Fatal("two forms got one idempotency key")
		}

		// Bad input: every message, the form as typed, nothing written.
		bad := k.intakeForm(key[1])
		bad.Set("applicant_name", "")
		bad.Set("applicant_id", "12345")
		bad.Set("applicant_email", "huong@")
		code, body, _ = desk.post("/dossiers", bad)
		if code != http.StatusUnprocessableEntity {
			t.Fatalf("bad intake: %d", code)
		}
		for _, want := range []string{"Hãy nhập họ tên người nộp", "Số định danh cá nhân (CCCD) phải gồm 12 chữ số",
			"Địa chỉ thư điện tử không hợp lệ", `value="Khu 3, xã Thanh Ba"`, `value="0912 345 678"`, "Nộp thay cho mẹ",
			`value="huong@"`, `name="received" value="0" checked`, `value="` + key[1] + `"`} {
			if !strings.Contains(body, want) {
				t.Errorf("refused form lacks %q", want)
			}
		}
		missing := k.intakeForm(key[1])
		missing.Del("received")
		if code, body, _ = desk.post("/dossiers", missing); code != http.StatusUnprocessableEntity || !strings.Contains(body, "Hồ sơ chưa đủ thành phần bắt buộc") {
			t.Fatalf("missing paper: %d", code)
		}
		if n, _ := db.CountDossiers(ctx, store.DossierFilter{}); n != 0 {
			t.Fatalf("refused intakes wrote %d dossiers", n)
		}

		// Received: to the dossier page, with the receipt to print.
		code, _, h := desk.post("/dossiers", k.intakeForm(key[1]))
		if code != http.StatusSeeOther || !strings.HasSuffix(h.Get("Location"), "?received=1") {
			t.Fatalf("receive: %d %s", code, h.Get("Location"))
		}
		id := redirectedDossier(t, h)
		d := dossierNow(t, db, id)
		code, body, _ = desk.get(h.Get("Location"))
		if code != 200 || !strings.Contains(body, "Đã tiếp nhận hồ sơ "+d.Code) || !strings.Contains(body, `class="button big" href="/dossiers/`+id+`/print/receipt"`) ||
			!strings.Contains(body, d.DueRule.Vi) || d.Applicant.Phone != "0912345678" || !d.Components[0].Digitised {
			t.Fatalf("dossier page after intake: %d\n%s", code, body)
		}
		// The same form sent again (double click, retry) leads to the same dossier.
		if code, _, h := desk.post("/dossiers", k.intakeForm(key[1])); code != http.StatusSeeOther || redirectedDossier(t, h) != id {
			t.Fatalf("double submit: %d %s", code, h.Get("Location"))
		}
		if n, _ := db.CountDossiers(ctx, store.DossierFilter{}); n != 1 {
			t.Fatalf("double submit made %d dossiers", n)
		}

		// A procedure no longer in force, sent anyway: the catalog's refusal, nothing written.
		expired := k.intakeForm("another-form")
		expired.Set("procedure", "1.000001.MH")
		expired["comp_name"] = []string{"Đơn đề nghị"}
		code, body, _ = desk.post("/dossiers", expired)
		if code != http.StatusConflict || !strings.Contains(body, "Thủ tục 1.000001.MH đã hết hiệu lực từ 31/12/2025") ||
			!strings.Contains(body, `value="Nguyễn Thị Hương"`) {
			t.Fatalf("expired procedure: %d\n%s", code, body)
		}
		if n, _ := db.CountDossiers(ctx, store.DossierFilter{}); n != 1 {
			t.Fatalf("refused procedure wrote a dossier: %d", n)
		}
		if code, body, _ = desk.get("/dossiers/new?unit_id=" + k.agencyA.ID + "&procedure=1.000001.MH"); code != 200 ||
			!strings.Contains(body, "không có trong danh sách") || strings.Contains(body, `name="key"`) {
			t.Fatalf("expired procedure offered: %d", code)
		}

		// Refusal at intake: recorded without a code, with its slip.
		refused := k.intakeForm("refused-form")
		refused.Set("refuse", "1")
		refused.Set("refusal_reason", "Người nộp không cư trú tại xã.")
		code, _, h = desk.post("/dossiers", refused)
		if code != http.StatusSeeOther {
			t.Fatalf("refuse: %d", code)
		}
		rd := dossierNow(t, db, redirectedDossier(t, h))
		if rd.State != dossier.Refused || rd.Code != "" || rd.ClosingReason != "Người nộp không cư trú tại xã." {
			t.Fatalf("refused: %+v", rd)
		}
		wantPDF(t, desk, "/dossiers/"+rd.ID+"/print/refusal")
		if code, _, _ := desk.get("/dossiers/" + rd.ID + "/print/receipt"); code != http.StatusNotFound {
			t.Fatalf("receipt of a refused dossier: %d", code)
		}

		// Intake is the desk's: a handler is forbidden, even posting.
		h2 := signedIn(t, k.fixture, k.handler)
		if code, _, _ := h2.get("/dossiers/new"); code != http.StatusForbidden {
			t.Fatalf("handler's intake form: %d", code)
		}
		if code, _, _ := h2.post("/dossiers", k.intakeForm("handler-form")); code != http.StatusForbidden {
			t.Fatalf("handler's intake: %d", code)
		}
		// The other commune's desk cannot receive for agency A.
		if code, _, _ := signedIn(t, k.fixture, k.outsider).post("/dossiers", k.intakeForm("outsider-form")); code != http.StatusNotFound {
			t.Fatalf("outsider's intake: %d", code)
		}
	})
}

// pdf fetches a printed form and checks it is a PDF shown inline under the dossier's name.
func wantPDF(t *testing.T, c *client, path string) {
	t.Helper()
	code, body, h := c.get(path)
	if code != 200 || !strings.HasPrefix(body, "%PDF") || h.Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(h.Get("Content-Disposition"), "inline; filename=") {
		t.Fatalf("%s: %d %s %s %.80q", path, code, h.Get("Content-Type"), h.Get("Content-Disposition"), body)
	}
}

func TestDossierWalkThroughForms(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := newDeskFixture(t, db)
		desk, hand, lead := signedIn(t, k.fixture, k.receiverA), signedIn(t, k.fixture, k.handler), signedIn(t, k.fixture, k.approver)
		_, _, h := desk.post("/dossiers", k.intakeForm("walk"))
		id := redirectedDossier(t, h)
		d := dossierNow(t, db, id)
		wantPDF(t, desk, "/dossiers/"+id+"/print/receipt")
		if got := lookupURL(httptest.NewRequest("GET", "http://motcua.example/x", nil), true, d); got !=
			"https://motcua.example/tra-cuu?ma="+d.Code+"&k="+d.LookupSecret {
			t.Fatalf("look-up address %s", got)
		}

		// The desk forwards to the handler by name; the handler finds it in "my work".
		code, body, _ := desk.get("/dossiers/" + id)
		if !strings.Contains(body, `<option value="`+k.handler.ID+`">Phạm Văn Xử</option>`) {
			t.Fatalf("the handler is not offered as assignee: %d\n%s", code, body)
		}
		for _, hidden := range []string{"/actions/return", "/actions/apologise", "/actions/stop"} {
			if strings.Contains(body, hidden) {
				t.Errorf("the desk is offered %s at the receive step", hidden)
			}
		}
		mustPostAction(t, desk, id, "forward", url.Values{"assignee_id": {k.handler.ID}, "note": {"Chuyển thẩm định"}})
		code, body, _ = hand.get("/dossiers")
		if code != 200 || !strings.Contains(body, d.Code) || !strings.Contains(body, "Thẩm định") {
			t.Fatalf("handler's queue: %d\n%s", code, body)
		}

		// A stale form (the version before the forward): the store's message, nothing changed.
		code, body, _ = desk.post("/dossiers/"+id+"/actions/forward", url.Values{"version": {"1"}})
		if code != http.StatusConflict || !strings.Contains(body, "Hồ sơ vừa được Trần Thị Bình cập nhật lúc") ||
			!strings.Contains(body, `href="/dossiers/`+id+`">Tải lại hồ sơ`) {
			t.Fatalf("stale version: %d\n%s", code, body)
		}
		if v := dossierNow(t, db, id).Version; v != 2 {
			t.Fatalf("a stale form changed the dossier: version %d", v)
		}

		// Supplement request: a row added server-side, two items sent.
		code, body = postAction(t, hand, id, "request", url.Values{"item_name": {"Bản sao CCCD", ""}, "item_reason": {"Bản chụp mờ", ""}, "add": {"1"}})
		if code != 200 || strings.Count(body, `name="item_name"`) != 3 || !strings.Contains(body, `value="Bản chụp mờ"`) {
			t.Fatalf("add a row: %d, %d rows", code, strings.Count(body, `name="item_name"`))
		}
		if code, body = postAction(t, hand, id, "request", url.Values{"item_name": {"", ""}, "item_reason": {"", ""}}); code != http.StatusUnprocessableEntity ||
			!strings.Contains(body, "Hãy liệt kê đầy đủ, một lần") {
			t.Fatalf("empty request: %d", code)
		}
		mustPostAction(t, hand, id, "request", url.Values{"item_name": {"Bản sao CCCD", "Giấy ủy quyền", ""},
			"item_reason": {"Bản chụp mờ", "Người nộp thay", ""}})
		if d := dossierNow(t, db, id); d.State != dossier.Supplement || len(d.Missing) != 2 {
			t.Fatalf("supplement: %s %+v", d.State, d.Missing)
		}
		wantPDF(t, desk, "/dossiers/"+id+"/print/supplement")
		mustPostAction(t, desk, id, "supply", url.Values{"note": {"Đã nhận đủ"}})

		// The leader apologises (the form proposes a date); the letter prints.
		code, body, _ = lead.get("/dossiers/" + id)
		suggested := regexp.MustCompile(`name="new_due" value="([0-9T:-]{16})"`).FindStringSubmatch(body)
		if code != 200 || suggested == nil {
			t.Fatalf("no proposed date: %d\n%s", code, body)
		}
		if code, body = postAction(t, lead, id, "apologise", url.Values{"reason": {"Chờ xác minh"}, "new_due": {"2020-01-01T08:00"}}); code != http.StatusUnprocessableEntity ||
			!strings.Contains(body, "Ngày hẹn mới phải sau") || !strings.Contains(body, "Chờ xác minh") {
			t.Fatalf("apology dated in the past: %d", code)
		}
		mustPostAction(t, lead, id, "apologise", url.Values{"reason": {"Chờ xác minh tại xã cũ"}, "new_due": {suggested[1]}})
		if d := dossierNow(t, db, id); d.Apologies != 1 || d.ExtendedDue.IsZero() {
			t.Fatalf("apology: %+v", d)
		}
		wantPDF(t, lead, "/dossiers/"+id+"/print/apology")

		// Wrong role: the handler cannot return, the leader cannot examine.
		if code := postAs(t, k, lead, id, "forward", nil); code != http.StatusForbidden {
			t.Fatalf("leader forwarding the handler's step: %d", code)
		}
		mustPostAction(t, hand, id, "forward", nil)
		mustPostAction(t, lead, id, "forward", nil)
		if d := dossierNow(t, db, id); d.State != dossier.Ready || d.ResolvedAt.IsZero() {
			t.Fatalf("ready: %s", d.State)
		}
		if code := postAs(t, k, hand, id, "return", url.Values{"channel": {"desk"}}); code != http.StatusForbidden {
			t.Fatalf("handler returning: %d", code)
		}
		mustPostAction(t, desk, id, "return", url.Values{"channel": {"desk"}, "electronic": {"1"}})
		d = dossierNow(t, db, id)
		if d.State != dossier.Returned || !d.Electronic || d.ReturnChannel != dossier.AtDesk || d.Version != 8 {
			t.Fatalf("returned: %+v", d)
		}
		code, body, _ = desk.get("/dossiers/" + id)
		for _, want := range []string{"Đã trả kết quả", "Chờ xác minh tại xã cũ", "Cần bổ sung: Bản sao CCCD (Bản chụp mờ); Giấy ủy quyền (Người nộp thay)",
			"Phạm Văn Xử", "Hoàng Văn Duyệt", "Chuyển thẩm định"} {
			if !strings.Contains(body, want) {
				t.Errorf("dossier page lacks %q", want)
			}
		}
		if strings.Contains(body, `/actions/`) {
			t.Error("a returned dossier still offers actions")
		}
		if _, body, _ := desk.get("/dossiers/register"); !strings.Contains(body, "1 hồ sơ; 1 đã có kết quả, trong đó 1 đúng hạn hoặc trước hạn (100,0%) và 0 trễ hạn.") {
			t.Errorf("register tally:\n%s", body)
		}
		wantPDF(t, desk, "/dossiers/"+id+"/print/control")
		wantPDF(t, desk, "/dossiers/"+d.Code+"/print/receipt") // by code too
		if code, _, _ := desk.get("/dossiers/" + id + "/print/stop"); code != http.StatusNotFound {
			t.Fatalf("stop notice of a returned dossier: %d", code)
		}
		if code, _, _ := desk.get("/dossiers/" + id + "/print/nothing"); code != http.StatusNotFound {
			t.Fatalf("unknown form: %d", code)
		}
	})
}

func TestDossierQueueAndStop(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := newDeskFixture(t, db)
		ctx := context.Background()
		receiver := authActor(t, db, k.receiverA)
		// Received a month ago and never moved: overdue, an apology is due.
		late, err := db.Receive(ctx, receiver, store.IntakeRequest{UnitID: k.agencyA.ID, ProcedureCode: "1.004873",
			Channel: dossier.AtDesk, Applicant: dossier.Applicant{Name: "Lê Văn Muộn", IDNumber: "025190054321", Address: "Khu 5"},
			Components: []dossier.Component{{Name: "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân", Received: true}},
			At:         time.Now().AddDate(0, -1, 0)})
		if err != nil {
			t.Fatal(err)
		}
		desk, lead := signedIn(t, k.fixture, k.receiverA), signedIn(t, k.fixture, k.approver)
		_, _, h := desk.post("/dossiers", k.intakeForm("fresh"))
		fresh := redirectedDossier(t, h)

		code, body, _ := desk.get("/dossiers")
		if code != 200 || !strings.Contains(body, `<tr class="overdue">`) || !strings.Contains(body, "Cần xin lỗi") ||
			strings.Index(body, ">"+late.Code+"</a>") > strings.Index(body, ">"+dossierNow(t, db, fresh).Code+"</a>") {
			t.Fatalf("queue: the overdue dossier is not first and marked: %d\n%s", code, body)
		}
		if _, home, _ := desk.get("/"); !strings.Contains(home, "2 hồ sơ đang chờ bạn") {
			t.Fatalf("home page count:\n%s", home)
		}
		if _, page, _ := lead.get("/dossiers/" + late.ID); !strings.Contains(page, "Hồ sơ sẽ không kịp hẹn trả") || !strings.Contains(page, "Bước gây chậm: Tiếp nhận") {
			t.Fatalf("apology banner missing:\n%s", page)
		}
		// One-click forward from the queue comes back to the queue.
		form := url.Values{"version": {"1"}, "from": {"queue"}}
		if code, _, h := desk.post("/dossiers/"+fresh+"/actions/forward", form); code != http.StatusSeeOther || h.Get("Location") != "/dossiers" {
			t.Fatalf("queue forward: %d %s", code, h.Get("Location"))
		}

		// An online submission waits on the desk's queue; the desk accepts it from its page.
		sub, err := db.Submit(ctx, store.IntakeRequest{UnitID: k.agencyA.ID, ProcedureCode: "1.004873",
			Applicant:  dossier.Applicant{Name: "Vũ Thị Mạng", IDNumber: "025190067890", Address: "Khu 7"},
			Components: []dossier.Component{{Name: "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân", Received: true}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, body, _ := desk.get("/dossiers"); !strings.Contains(body, "1 hồ sơ nộp trực tuyến chờ tiếp nhận") || !strings.Contains(body, "Vũ Thị Mạng") {
			t.Fatalf("submission not on the desk's queue:\n%s", body)
		}
		if _, body, _ := signedIn(t, k.fixture, k.handler).get("/dossiers"); strings.Contains(body, "Vũ Thị Mạng") {
			t.Fatal("a handler is shown submissions to receive")
		}
		mustPostAction(t, desk, sub.ID, "receive", nil)
		if got := dossierNow(t, db, sub.ID); got.State != dossier.Received || got.Code == "" {
			t.Fatalf("accepted submission: %s %q", got.State, got.Code)
		}

		// The leader stops the late dossier; its notice prints (Circular 03/2025).
		mustPostAction(t, lead, late.ID, "stop", url.Values{"reason": {"Người nộp đề nghị dừng"}})
		wantPDF(t, desk, "/dossiers/"+late.ID+"/print/stop")

		// A dossier of the 2018 regime has no stop notice.
		old := legacyDossier(t, k)
		root := signedIn(t, k.fixture, k.systemAdmin)
		code, body, _ = root.get("/dossiers/" + old.ID + "/print/stop")
		if code != http.StatusNotFound || !strings.Contains(body, "Thông tư 01/2018/TT-VPCP") {
			t.Fatalf("2018 stop notice: %d\n%s", code, body)
		}
		wantPDF(t, root, "/dossiers/"+old.ID+"/print/receipt")
		wantPDF(t, root, "/dossiers/"+old.ID+"/print/control")
	})
}

// legacyDossier receives and stops, in June 2025, a dossier at the agency of a commune that
// existed before the reform.
func legacyDossier(t *testing.T, k *deskFixture) dossier.Dossier {
	t.Helper()
	ctx := context.Background()
	mk := func(u unit.Unit) unit.Unit {
		u.ValidFrom, u.ValidTo = unit.NewDate(2020, 1, 1), unit.NewDate(2025, 7, 1)
		if err := k.db.CreateUnit(ctx, &u); err != nil {
			t.Fatal(err)
		}
		return u
	}
	prov := mk(unit.Unit{Code: "99", Name: "Tỉnh Cũ", Kind: unit.Province})
	com := mk(unit.Unit{Code: "99001", Name: "Xã Vân Lĩnh", Kind: unit.Commune, ParentID: prov.ID})
	agency := mk(unit.Unit{Code: "99001.UBND", Name: "UBND xã Vân Lĩnh", Kind: unit.Committee, ParentID: com.ID, AgencyCode: "000.01.32.H29"})
	if err := k.db.PublishProcedure(ctx, com.ID, "1.004873", unit.NewDate(2020, 2, 1), ""); err != nil {
		t.Fatal(err)
	}
	recv := authActor(t, k.db, k.official(t, "tiepnhan.vanlinh@demo.motcua.vn", "Đinh Thị Cũ", com, user.Receiver))
	lead := authActor(t, k.db, k.official(t, "lanhdao.vanlinh@demo.motcua.vn", "Đinh Văn Cũ", com, user.Approver))
	d, err := k.db.Receive(ctx, recv, store.IntakeRequest{UnitID: agency.ID, ProcedureCode: "1.004873", Channel: dossier.AtDesk,
		Applicant:  dossier.Applicant{Name: "Trần Văn Xưa", IDNumber: "025080012345", Address: "Xóm Đình"},
		Components: []dossier.Component{{Name: "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân", Received: true}},
		At:         time.Date(2025, 6, 20, 9, 0, 0, 0, vnZone)})
	if err != nil {
		t.Fatal(err)
	}
	d, err = k.db.Act(ctx, lead, dossier.Command{DossierID: d.ID, Version: d.Version, Action: dossier.ActStop,
		Reason: "Không đủ điều kiện", At: time.Date(2025, 6, 23, 9, 0, 0, 0, vnZone)})
	if err != nil || d.Regime != dossier.Regime2018 {
		t.Fatalf("legacy dossier: %+v %v", d, err)
	}
	return d
}

func authActor(t *testing.T, db *store.DB, u user.User) auth.Actor {
	t.Helper()
	as, err := db.Assignments(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return auth.Actor{UserID: u.ID, Assignments: as}
}

func TestDossierPermissions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := newDeskFixture(t, db)
		_, _, h := signedIn(t, k.fixture, k.receiverA).post("/dossiers", k.intakeForm("perm"))
		id := redirectedDossier(t, h)
		d := dossierNow(t, db, id)
		cases := []struct {
			who    user.User
			method string
			path   string
			want   int
		}{
			{k.outsider, "GET", "/dossiers/" + id, 404},
			{k.outsider, "GET", "/dossiers/" + d.Code, 404},
			{k.outsider, "GET", "/dossiers/" + id + "/print/receipt", 404},
			{k.outsider, "POST", "/dossiers/" + id + "/actions/forward", 404},
			{k.outsider, "GET", "/dossiers/register?unit_id=" + k.agencyA.ID, 404},
			{k.adminA, "GET", "/dossiers/" + id, 403},
			{k.adminA, "GET", "/dossiers/" + id + "/print/control", 403},
			{k.adminA, "GET", "/dossiers/register", 403},
			{k.adminA, "GET", "/dossiers/new", 403},
			{k.handler, "POST", "/dossiers/" + id + "/actions/forward", 403}, // the desk's step
			{k.handler, "POST", "/dossiers/" + id + "/actions/withdraw", 403},
			{k.approver, "GET", "/dossiers/" + id, 200},
			{k.overseer, "GET", "/dossiers/" + id, 200},
			{k.overseer, "POST", "/dossiers/" + id + "/actions/forward", 403},
			{k.receiverA, "POST", "/dossiers/" + id + "/actions/submit", 404},
			{k.receiverA, "GET", "/dossiers/no-such-dossier", 404},
		}
		for _, c := range cases {
			cl := signedIn(t, k.fixture, c.who)
			var code int
			var body string
			if c.method == "GET" {
				code, body, _ = cl.get(c.path)
			} else {
				code, body, _ = cl.post(c.path, url.Values{"version": {"1"}, "reason": {"x"}})
			}
			if code != c.want {
				t.Errorf("%s %s %s: %d, want %d\n%.300s", c.who.Email, c.method, c.path, code, c.want, body)
			}
		}
		if v := dossierNow(t, db, id).Version; v != 1 {
			t.Fatalf("refused actions changed the dossier: version %d", v)
		}
		// The outsider's register does not list A's dossier.
		if _, body, _ := signedIn(t, k.fixture, k.outsider).get("/dossiers/register"); strings.Contains(body, d.Code) {
			t.Fatal("commune B's register lists commune A's dossier")
		}
	})
}

func TestDossierRegister(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := newDeskFixture(t, db)
		desk := signedIn(t, k.fixture, k.receiverA)
		var codes []string
		for i, name := range []string{"Nguyễn Thị Hương", "Đặng Văn Đức"} {
			form := k.intakeForm("reg-" + string(rune('a'+i)))
			form.Set("applicant_name", name)
			_, _, h := desk.post("/dossiers", form)
			codes = append(codes, dossierNow(t, db, redirectedDossier(t, h)).Code)
		}
		code, body, _ := desk.get("/dossiers/register?q=dang+van+duc")
		if code != 200 || !strings.Contains(body, codes[1]) || strings.Contains(body, codes[0]) || !strings.Contains(body, "1 hồ sơ; chưa hồ sơ nào có kết quả.") {
			t.Fatalf("search without diacritics: %d\n%s", code, body)
		}
		if _, body, _ = desk.get("/dossiers/register?q=0912+345+678"); !strings.Contains(body, codes[0]) || !strings.Contains(body, codes[1]) {
			t.Fatal("search by phone as typed")
		}
		if _, body, _ = desk.get("/dossiers/register?state=returned"); strings.Contains(body, codes[0]) {
			t.Fatal("state filter")
		}
		if code, _, _ := desk.get("/dossiers/register?from=2025-13-01"); code != http.StatusBadRequest {
			t.Fatalf("bad date: %d", code)
		}
		today := time.Now().In(vnZone).Format("2006-01-02")
		code, body, h := desk.get("/dossiers/register.xlsx?unit_id=" + k.agencyA.ID + "&from=" + today + "&to=" + today)
		if code != 200 || !strings.HasPrefix(h.Get("Content-Disposition"), "attachment; filename=\"so-theo-doi-000.52.15.H29-") {
			t.Fatalf("xlsx: %d %s", code, h.Get("Content-Disposition"))
		}
		x, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		sheet := x.GetSheetList()[0]
		cell := func(ref string) string { v, _ := x.GetCellValue(sheet, ref); return v }
		if cell("A1") != "ỦY BAN NHÂN DÂN XÃ THANH BA" || cell("A2") != strings.ToUpper(k.agencyA.Name) ||
			cell("B6") != codes[0] || cell("C7") != "Đặng Văn Đức" || cell("D6") != "Khu 3, xã Thanh Ba; 0912345678" || cell("B8") != "" {
			t.Fatalf("register cells: A1 %q A2 %q B6 %q C7 %q D6 %q B8 %q", cell("A1"), cell("A2"), cell("B6"), cell("C7"), cell("D6"), cell("B8"))
		}
		wantPDF(t, desk, "/dossiers/register.pdf")
		// An official of the whole province chooses the agency; a system administrator must.
		if code, body, _ := signedIn(t, k.fixture, k.systemAdmin).get("/dossiers/register.pdf"); code != http.StatusUnprocessableEntity || !strings.Contains(body, "Hãy chọn một cơ quan tiếp nhận") {
			t.Fatalf("register without a unit: %d", code)
		}
		wantPDF(t, signedIn(t, k.fixture, k.systemAdmin), "/dossiers/register.pdf?unit_id="+k.agencyA.ID)
	})
}

func TestFormHeading(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := newDeskFixture(t, db)
		s := &Server{db: db}
		ctx := context.Background()
		cases := []struct {
			u                      unit.Unit
			authority, issuer, plc string
		}{
			{k.agencyA, "Ủy ban nhân dân xã Thanh Ba", k.agencyA.Name, "Thanh Ba"},
			{k.a, "Ủy ban nhân dân tỉnh Phú Thọ", "Ủy ban nhân dân xã Thanh Ba", "Thanh Ba"},
			{k.prov, "", "Ủy ban nhân dân tỉnh Phú Thọ", "Phú Thọ"},
		}
		for _, c := range cases {
			h, err := s.formHeading(ctx, c.u)
			if err != nil || h.Authority != c.authority || h.Unit != c.issuer || h.Place != c.plc {
				t.Errorf("%s: %+v %v", c.u.Name, h, err)
			}
		}
	})
}
