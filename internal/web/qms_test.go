package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/qms"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/user"
)

// qmsFixture adds to the web fixture the QMS secretary and the leader of commune A and
// the QMS secretary of commune B.
type qmsFixture struct {
	*fixture
	isoA, leaderA, isoB user.User
}

func newQMSFixture(t *testing.T, db *store.DB) qmsFixture {
	t.Helper()
	f := newFixture(t, db)
	return qmsFixture{fixture: f,
		isoA:    f.official(t, "iso.a@demo.motcua.vn", "Đỗ Thị Thư", f.a, user.QMS),
		leaderA: f.official(t, "lanhdao.a@demo.motcua.vn", "Hoàng Văn Duyệt", f.a, user.Approver),
		isoB:    f.official(t, "iso.b@demo.motcua.vn", "Ngô Văn Khác", f.b, user.QMS)}
}

var redirectID = regexp.MustCompile(`/qms/[a-z]+/([0-9a-f-]{36})`)

// created returns the ID in a redirect's Location.
func created(t *testing.T, code int, body string, h http.Header) string {
	t.Helper()
	m := redirectID.FindStringSubmatch(h.Get("Location"))
	if code != http.StatusSeeOther || m == nil {
		t.Fatalf("not created: %d %s\n%s", code, h.Get("Location"), body)
	}
	return m[1]
}

func wantPage(t *testing.T, what string, code, want int, body string, texts ...string) {
	t.Helper()
	if code != want {
		t.Fatalf("%s: status %d, want %d\n%s", what, code, want, body)
	}
	for _, s := range texts {
		if !strings.Contains(body, s) {
			t.Fatalf("%s: missing %q\n%s", what, s, body)
		}
	}
}

const testPDF = "%PDF-1.4\n%µ¶\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"

func TestQMSDocumentsWeb(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := newQMSFixture(t, db)
		iso, leader := signedIn(t, k.fixture, k.isoA), signedIn(t, k.fixture, k.leaderA)
		receiver := signedIn(t, k.fixture, k.receiverA)

		// The secretary of one commune sees its dashboard straight away.
		code, body, _ := iso.get("/qms")
		wantPage(t, "/qms", code, 200, body, "Tổng quan HTQLCL: Xã Thanh Ba")
		code, body, h := iso.get("/qms/units/" + k.a.ID)
		wantPage(t, "dashboard", code, 200, body, "Tổng quan HTQLCL", "Đơn vị chưa ban hành chính sách chất lượng.")

		// A draft; bad input names its fields.
		code, body, _ = iso.post("/qms/units/"+k.a.ID+"/documents", url.Values{"code": {"có dấu"}, "kind": {"policy"}})
		wantPage(t, "bad draft", code, http.StatusUnprocessableEntity, body, "Mã tài liệu gồm chữ", "Nhập tên.", "Nhập toàn văn")
		form := url.Values{"code": {"CSCL"}, "kind": {"policy"}, "title": {"Chính sách chất lượng"},
			"body": {"Công khai, minh bạch.\nĐúng hẹn, tận tụy."}, "approver_id": {k.isoA.ID}}
		code, body, _ = iso.post("/qms/units/"+k.a.ID+"/documents", form)
		wantPage(t, "self approver", code, http.StatusUnprocessableEntity, body, "Người soạn thảo không được tự phê duyệt")
		form.Set("approver_id", k.leaderA.ID)
		form.Add("reviewers", k.receiverA.ID)
		code, body, h = iso.post("/qms/units/"+k.a.ID+"/documents", form)
		id := created(t, code, body, h)
		doc := "/qms/documents/" + id

		// Submitted: the reviewer (a receiver, without QMS roles) sees it and agrees; the
		// author cannot approve their own document; the leader approves.
		if code, body, _ := iso.post(doc+"/submit", nil); code != http.StatusSeeOther {
			t.Fatalf("submit: %d\n%s", code, body)
		}
		code, body, _ = receiver.get(doc)
		wantPage(t, "reviewer's page", code, 200, body, "Nhất trí", "Đề nghị sửa")
		if code, body, _ := receiver.post(doc+"/review", url.Values{"verdict": {"agree"}}); code != http.StatusSeeOther {
			t.Fatalf("review: %d\n%s", code, body)
		}
		code, body, _ = iso.post(doc+"/approve", nil)
		wantPage(t, "author approves", code, http.StatusForbidden, body, "Người soạn thảo không được tự phê duyệt tài liệu của mình.")
		if code, body, _ := leader.post(doc+"/approve", nil); code != http.StatusSeeOther {
			t.Fatalf("approve: %d\n%s", code, body)
		}
		if code, _, _ := leader.post(doc+"/publish", url.Values{"effective_on": {"2026-01-05"}}); code != http.StatusForbidden {
			t.Fatalf("leader publishes: %d", code)
		}
		if code, body, _ := iso.post(doc+"/publish", url.Values{"effective_on": {"2026-01-05"}}); code != http.StatusSeeOther {
			t.Fatalf("publish: %d\n%s", code, body)
		}
		code, body, _ = iso.get("/qms/units/" + k.a.ID)
		wantPage(t, "dashboard with policy", code, 200, body, "Đúng hẹn, tận tụy.", "CSCL")

		// A published version is never edited in place, nor given files.
		code, body, _ = iso.post(doc, url.Values{"title": {"Sửa thẳng"}, "body": {"x"}})
		wantPage(t, "edit published", code, http.StatusConflict, body, "không sửa trực tiếp tài liệu đã ban hành")
		code, body, _ = iso.postMultipart(doc+"/attachments", nil, upload{"file", "a.pdf", []byte(testPDF)})
		wantPage(t, "file on published", code, http.StatusConflict, body, "không sửa trực tiếp")

		// Distribution: the receiver reads it without a QMS role and acknowledges it.
		if code, body, _ := iso.post(doc+"/readers", url.Values{"readers": {k.receiverA.ID, k.leaderA.ID}}); code != http.StatusSeeOther {
			t.Fatalf("readers: %d\n%s", code, body)
		}
		code, body, _ = receiver.get("/qms/reading")
		wantPage(t, "reading list", code, 200, body, "CSCL")
		code, body, _ = receiver.get(doc)
		wantPage(t, "reader's page", code, 200, body, "Tôi đã đọc và hiểu")
		if code, _, _ := receiver.post(doc+"/acknowledge", nil); code != http.StatusSeeOther {
			t.Fatalf("acknowledge: %d", code)
		}
		code, body, _ = iso.get(doc)
		wantPage(t, "distribution", code, 200, body, "Chưa đọc", "Hoàng Văn Duyệt", "Trần Thị Bình")

		// A new version with a file; publishing it makes version 1 obsolete, marked.
		code, body, h = iso.post(doc+"/revise", nil)
		v2 := "/qms/documents/" + created(t, code, body, h)
		code, body, _ = iso.postMultipart(v2+"/attachments", nil, upload{"file", "<script>.html", []byte("<html><script>alert(1)</script>")})
		wantPage(t, "html upload", code, http.StatusUnprocessableEntity, body, "Chỉ nhận PDF")
		if code, body, _ := iso.postMultipart(v2+"/attachments", nil, upload{"file", `C:\docs\Chính sách.pdf`, []byte(testPDF)}); code != http.StatusSeeOther {
			t.Fatalf("upload: %d\n%s", code, body)
		}
		files, _ := db.Attachments(context.Background(), strings.TrimPrefix(v2, "/qms/documents/"))
		if len(files) != 1 {
			t.Fatalf("files: %+v", files)
		}
		if code, _, _ := signedIn(t, k.fixture, k.isoB).get("/qms/attachments/" + files[0].ID); code != http.StatusNotFound {
			t.Fatalf("file for another commune: %d", code)
		}
		code, body, h = iso.get("/qms/attachments/" + files[0].ID)
		if code != 200 || body != testPDF || h.Get("Content-Type") != qms.TypePDF || h.Get("X-Content-Type-Options") != "nosniff" ||
			!strings.HasPrefix(h.Get("Content-Disposition"), "attachment;") || !strings.Contains(h.Get("Content-Security-Policy"), "sandbox") {
			t.Fatalf("download: %d %v", code, h)
		}
		code, body, _ = iso.post(v2+"/submit", nil)
		wantPage(t, "v2 without change note", code, http.StatusUnprocessableEntity, body, "Ghi nội dung sửa đổi")
		form.Set("change_note", "Bổ sung cam kết cải tiến")
		if code, body, _ := iso.post(v2, form); code != http.StatusSeeOther {
			t.Fatalf("edit v2: %d\n%s", code, body)
		}
		for _, step := range []struct {
			c    *client
			path string
			form url.Values
		}{{iso, v2 + "/submit", nil}, {receiver, v2 + "/review", url.Values{"verdict": {"agree"}}}, {leader, v2 + "/approve", nil},
			{iso, v2 + "/publish", url.Values{"effective_on": {"2026-03-01"}}}} {
			if code, body, _ := step.c.post(step.path, step.form); code != http.StatusSeeOther {
				t.Fatalf("%s: %d\n%s", step.path, code, body)
			}
		}
		code, body, _ = iso.get(doc)
		wantPage(t, "obsolete version", code, 200, body, "Phiên bản này đã hết hiệu lực", "Xem phiên bản đang hiệu lực")
		code, body, _ = iso.get("/qms/units/" + k.a.ID + "/documents?show=all")
		wantPage(t, "every version", code, 200, body, "Hết hiệu lực", "Đang hiệu lực")
	})
}

func TestQMSPermissions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newQMSFixture(t, db)
		d := qms.Document{UnitID: k.a.ID, Code: "QT-01", Kind: qms.KindProcedure, Title: "Quy trình kiểm soát tài liệu"}
		if err := db.CreateDocument(ctx, &d, nil, k.isoA.ID); err != nil {
			t.Fatal(err)
		}
		isoB, receiver, leader := signedIn(t, k.fixture, k.isoB), signedIn(t, k.fixture, k.receiverA), signedIn(t, k.fixture, k.leaderA)
		overseer, adminA := signedIn(t, k.fixture, k.overseer), signedIn(t, k.fixture, k.adminA)
		for _, tc := range []struct {
			name   string
			c      *client
			method string
			path   string
			want   int
		}{
			{"other commune's dashboard", isoB, "GET", "/qms/units/" + k.a.ID, http.StatusNotFound},
			{"other commune's documents", isoB, "GET", "/qms/units/" + k.a.ID + "/documents", http.StatusNotFound},
			{"other commune's document", isoB, "GET", "/qms/documents/" + d.ID, http.StatusNotFound},
			{"other commune creates", isoB, "POST", "/qms/units/" + k.a.ID + "/documents", http.StatusNotFound},
			{"receiver without role", receiver, "GET", "/qms/units/" + k.a.ID, http.StatusForbidden},
			{"receiver opens a document not sent to them", receiver, "GET", "/qms/documents/" + d.ID, http.StatusForbidden},
			{"receiver's QMS index", receiver, "GET", "/qms", http.StatusForbidden},
			{"leader reads", leader, "GET", "/qms/units/" + k.a.ID, http.StatusOK},
			{"leader creates", leader, "POST", "/qms/units/" + k.a.ID + "/documents", http.StatusForbidden},
			{"leader edits", leader, "POST", "/qms/documents/" + d.ID, http.StatusForbidden},
			{"admin reads", adminA, "GET", "/qms/documents/" + d.ID, http.StatusOK},
			{"admin submits", adminA, "POST", "/qms/documents/" + d.ID + "/submit", http.StatusForbidden},
			{"overseer reads below", overseer, "GET", "/qms/units/" + k.b.ID, http.StatusOK},
			{"overseer uploads", overseer, "POST", "/qms/documents/" + d.ID + "/attachments", http.StatusForbidden},
		} {
			var code int
			var body string
			if tc.method == "GET" {
				code, body, _ = tc.c.get(tc.path)
			} else if strings.HasSuffix(tc.path, "/attachments") {
				code, body, _ = tc.c.postMultipart(tc.path, nil, upload{"file", "a.pdf", []byte(testPDF)})
			} else {
				code, body, _ = tc.c.post(tc.path, url.Values{"code": {"X"}, "kind": {"form"}, "title": {"X"}})
			}
			if code != tc.want {
				t.Errorf("%s: %d, want %d\n%.300s", tc.name, code, tc.want, body)
			}
		}
		// The overseer of the province sees both communes on the overview.
		code, body, _ := overseer.get("/qms")
		wantPage(t, "overview", code, 200, body, "Xã Thanh Ba", "Xã Quảng Yên")
	})
}

// atClock restarts the fixture's server with a clock stopped at now, so pages about a year
// do not depend on the day the tests run.
func atClock(t *testing.T, f *fixture, now time.Time) {
	t.Helper()
	h, err := New(f.db, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{Version: "test", Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	f.srv = httptest.NewServer(h)
	t.Cleanup(f.srv.Close)
}

func TestQMSObjectivesWeb(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := newPortalDesk(t, db)
		atClock(t, k.fixture, vnAt(2026, 6, 15, 9, 0))
		isoUser := k.official(t, "iso.a@demo.motcua.vn", "Đỗ Thị Thư", k.a, user.QMS)
		iso, leader := signedIn(t, k.fixture, isoUser), signedIn(t, k.fixture, k.approverUser)
		// March 2026 at agency A: one dossier early, one late (3 working days).
		k.resolve(t, k.receive(t, vnAt(2026, 3, 2, 9, 0), "Nguyễn Văn Sớm"), vnAt(2026, 3, 3, 9, 0))
		k.resolve(t, k.receive(t, vnAt(2026, 3, 2, 10, 0), "Trần Văn Muộn"), vnAt(2026, 3, 20, 9, 0))

		base := "/qms/units/" + k.a.ID + "/objectives"
		form := url.Values{"year": {"2026"}, "title": {"98% hồ sơ giải quyết đúng hạn"}, "measure": {"on_time_rate"},
			"comparison": {"at_least"}, "target": {"abc"}}
		code, body, _ := iso.post(base, form)
		wantPage(t, "bad target", code, http.StatusUnprocessableEntity, body, "Chỉ tiêu phải là một số")
		form.Set("target", "120")
		code, body, _ = iso.post(base, form)
		wantPage(t, "rate over 100", code, http.StatusUnprocessableEntity, body, "0–100%")
		form.Set("target", "98")
		code, body, h := iso.post(base, form)
		obj := "/qms/objectives/" + created(t, code, body, h)
		code, body, _ = iso.get(obj)
		wantPage(t, "on-time objective", code, 200, body, "50,00%", "1/2", "<svg", "Không đạt", "≥ 98,0%")
		if code, _, _ := leader.post(base, form); code != http.StatusForbidden {
			t.Fatalf("leader creates: %d", code)
		}

		// A manual objective: results need their evidence.
		manual := url.Values{"year": {"2026"}, "title": {"Tập huấn ISO cho cán bộ"}, "measure": {"manual"},
			"comparison": {"at_least"}, "target": {"1"}, "unit_label": {"buổi"}}
		code, body, h = iso.post(base, manual)
		man := "/qms/objectives/" + created(t, code, body, h)
		code, body, _ = iso.post(man+"/results", url.Values{"month": {"2026-04"}, "value": {"2"}})
		wantPage(t, "result without evidence", code, http.StatusUnprocessableEntity, body, "Ghi bằng chứng")
		if code, body, _ := iso.post(man+"/results", url.Values{"month": {"2026-04"}, "value": {"2"}, "evidence": {"Biên bản ngày 20/4"}}); code != http.StatusSeeOther {
			t.Fatalf("manual result: %d\n%s", code, body)
		}
		code, body, _ = iso.get(man)
		wantPage(t, "manual objective", code, 200, body, "Biên bản ngày 20/4", "2 buổi")

		// The leader sees the missed objective on the dashboard.
		code, body, _ = leader.get("/qms/units/" + k.a.ID)
		wantPage(t, "leader's dashboard", code, 200, body, "cần lãnh đạo xem xét", "98% hồ sơ giải quyết đúng hạn", "Tập huấn ISO")
		code, body, _ = leader.get(base + "?year=2026")
		wantPage(t, "objectives of the year", code, 200, body, "T3", "50,0%")
		if code, _, _ := signedIn(t, k.fixture, k.adminB).get(obj); code != http.StatusNotFound {
			t.Fatalf("other commune: %d", code)
		}
	})
}

func TestQMSNonconformitiesWeb(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newPortalDesk(t, db)
		atClock(t, k.fixture, vnAt(2026, 6, 15, 9, 0))
		isoUser := k.official(t, "iso.a@demo.motcua.vn", "Đỗ Thị Thư", k.a, user.QMS)
		isoB := k.official(t, "iso.b@demo.motcua.vn", "Ngô Văn Khác", k.b, user.QMS)
		iso, leader, receiver := signedIn(t, k.fixture, isoUser), signedIn(t, k.fixture, k.approverUser), signedIn(t, k.fixture, k.receiverA)
		late := k.resolve(t, k.receive(t, vnAt(2026, 3, 2, 10, 0), "Trần Văn Muộn"), vnAt(2026, 3, 20, 9, 0))

		// The data of March is checked on demand: one record for the late dossier.
		base := "/qms/units/" + k.a.ID + "/nonconformities"
		code, body, _ := iso.post(base+"/raise", url.Values{"month": {"2027-01"}})
		wantPage(t, "future month", code, http.StatusUnprocessableEntity, body, "Chọn một tháng đã bắt đầu.")
		if code, body, _ := iso.post(base+"/raise", url.Values{"month": {"2026-03"}}); code != http.StatusSeeOther {
			t.Fatalf("raise: %d\n%s", code, body)
		}
		code, body, _ = iso.get(base + "?show=all")
		wantPage(t, "list", code, 200, body, "1 điểm không phù hợp mới", "Hồ sơ giải quyết quá hạn tháng 03/2026 (1 hồ sơ)")
		list, _ := db.Nonconformities(ctx, store.NCFilter{UnitID: k.a.ID})
		if len(list) != 1 {
			t.Fatalf("records: %+v", list)
		}
		nc := "/qms/nonconformities/" + list[0].ID
		code, body, _ = iso.get(nc)
		wantPage(t, "record", code, 200, body, late.Code, "/dossiers/"+late.ID)

		// The corrective action: planned by the secretary, done by its owner (a receiver
		// without QMS roles), verified by someone else, then closed.
		plan := url.Values{"root_cause": {"Thiếu cán bộ thẩm định"}, "action": {"Bổ sung người thẩm định dự phòng"},
			"owner_id": {k.receiverA.ID}, "due_on": {"2026-04-10"}}
		if code, body, _ := iso.post(nc+"/plan", plan); code != http.StatusSeeOther {
			t.Fatalf("plan: %d\n%s", code, body)
		}
		code, body, _ = leader.get("/qms/units/" + k.a.ID)
		wantPage(t, "overdue on the dashboard", code, 200, body, "1 hành động khắc phục quá hạn")
		code, body, _ = leader.post(nc+"/close", nil)
		wantPage(t, "close unverified", code, http.StatusConflict, body, "không đóng được")
		if code, _, _ := receiver.get(nc); code != 200 {
			t.Fatalf("owner opens the record: %d", code)
		}
		if code, body, _ := receiver.post(nc+"/implement", url.Values{"note": {"Đã phân công"}}); code != http.StatusSeeOther {
			t.Fatalf("implement: %d\n%s", code, body)
		}
		if code, _, _ := receiver.post(nc+"/verify", url.Values{"effective": {"yes"}, "verification": {"x"}}); code != http.StatusForbidden {
			t.Fatalf("owner without the right verifies: %d", code)
		}
		if code, body, _ := iso.post(nc+"/verify", url.Values{"effective": {"yes"}, "verification": {"Tháng 5 không còn hồ sơ trễ"}}); code != http.StatusSeeOther {
			t.Fatalf("verify: %d\n%s", code, body)
		}
		if code, body, _ := leader.post(nc+"/close", nil); code != http.StatusSeeOther {
			t.Fatalf("close: %d\n%s", code, body)
		}
		code, body, _ = iso.get(nc)
		wantPage(t, "closed", code, 200, body, "Đã đóng", "Tháng 5 không còn hồ sơ trễ")

		// The owner of an action never verifies it, even with the right to.
		code, body, h := iso.post(base, url.Values{"source": {"complaint"}, "title": {"Phản ánh về thái độ phục vụ"}})
		own := "/qms/nonconformities/" + created(t, code, body, h)
		plan.Set("owner_id", isoUser.ID)
		for _, p := range []string{"/plan", "/implement"} {
			if code, body, _ := iso.post(own+p, plan); code != http.StatusSeeOther {
				t.Fatalf("%s: %d\n%s", p, code, body)
			}
		}
		code, body, _ = iso.post(own+"/verify", url.Values{"effective": {"yes"}, "verification": {"Tự kiểm tra"}})
		wantPage(t, "owner verifies", code, http.StatusForbidden, body, "không tự kiểm tra hiệu lực")

		// A missed objective month raised from the objective's page.
		o := qms.Objective{UnitID: k.a.ID, Year: 2026, Title: "Đúng hạn 98%", Measure: qms.OnTimeRate, Comparison: qms.AtLeast, Target: 98}
		if err := db.CreateObjective(ctx, &o, isoUser.ID); err != nil {
			t.Fatal(err)
		}
		code, body, h = iso.post("/qms/objectives/"+o.ID+"/raise", url.Values{"month": {"2026-03"}})
		if code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/qms/nonconformities/") {
			t.Fatalf("raise from objective: %d %s\n%s", code, h.Get("Location"), body)
		}
		code, body, _ = iso.post("/qms/objectives/"+o.ID+"/raise", url.Values{"month": {"2026-04"}})
		wantPage(t, "raise a month not missed", code, http.StatusConflict, body, "không bị đánh giá là không đạt")

		// Permissions.
		for _, tc := range []struct {
			c    *client
			path string
			post bool
			want int
		}{
			{signedIn(t, k.fixture, isoB), nc, false, http.StatusNotFound},
			{signedIn(t, k.fixture, isoB), base, false, http.StatusNotFound},
			{signedIn(t, k.fixture, k.adminA), nc, false, http.StatusOK},
			{signedIn(t, k.fixture, k.adminA), own + "/plan", true, http.StatusForbidden},
			{receiver, base, false, http.StatusForbidden},
			{leader, base + "/raise", true, http.StatusForbidden},
		} {
			var code int
			if tc.post {
				code, _, _ = tc.c.post(tc.path, url.Values{"month": {"2026-03"}})
			} else {
				code, _, _ = tc.c.get(tc.path)
			}
			if code != tc.want {
				t.Errorf("%s: %d, want %d", tc.path, code, tc.want)
			}
		}
	})
}

func TestQMSReviewsWeb(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := newPortalDesk(t, db)
		atClock(t, k.fixture, vnAt(2026, 7, 3, 9, 0))
		isoUser := k.official(t, "iso.a@demo.motcua.vn", "Đỗ Thị Thư", k.a, user.QMS)
		iso, leader := signedIn(t, k.fixture, isoUser), signedIn(t, k.fixture, k.approverUser)
		k.resolve(t, k.receive(t, vnAt(2026, 3, 2, 9, 0), "Nguyễn Văn Sớm"), vnAt(2026, 3, 3, 9, 0))
		k.resolve(t, k.receive(t, vnAt(2026, 3, 2, 10, 0), "Trần Văn Muộn"), vnAt(2026, 3, 20, 9, 0))

		base := "/qms/units/" + k.a.ID + "/reviews"
		code, body, _ := iso.get(base)
		wantPage(t, "reviews", code, 200, body, "Xem xét của lãnh đạo về hệ thống quản lý chất lượng năm 2026", "2026-01-01")
		form := url.Values{"title": {"Xem xét 6 tháng đầu năm 2026"}, "from": {"2026-06-30"}, "to": {"2026-01-01"}, "held_on": {"2026-07-03"},
			"chair": {"Hoàng Văn Duyệt"}, "participants": {"Lãnh đạo UBND, công chức một cửa"}, "notes": {"Tỷ lệ đúng hạn chưa đạt."}}
		code, body, _ = iso.post(base, form)
		wantPage(t, "reversed period", code, http.StatusUnprocessableEntity, body, "Ngày kết thúc trước ngày bắt đầu.")
		form.Set("from", "2026-01-01")
		form.Set("to", "2026-06-30")
		if code, _, _ := leader.post(base, form); code != http.StatusForbidden {
			t.Fatalf("leader creates: %d", code)
		}
		code, body, h := iso.post(base, form)
		rv := "/qms/reviews/" + created(t, code, body, h)
		code, body, _ = iso.get(rv)
		wantPage(t, "review", code, 200, body, "Hồ sơ tiếp nhận: 2; tỷ lệ trước hạn và đúng hạn: 50,00% (1/2)", "Tỷ lệ đúng hạn chưa đạt.")
		code, body, _ = iso.post(rv+"/outputs", url.Values{"kind": {"action"}, "text": {"Bổ sung cán bộ"}})
		wantPage(t, "action without owner", code, http.StatusUnprocessableEntity, body, "Chọn người thực hiện.")
		if code, body, _ := iso.post(rv+"/outputs", url.Values{"kind": {"action"}, "text": {"Bổ sung cán bộ thẩm định"},
			"owner_id": {isoUser.ID}, "due_on": {"2026-09-30"}}); code != http.StatusSeeOther {
			t.Fatalf("output: %d\n%s", code, body)
		}
		code, body, h = iso.get(rv + "/minutes.pdf")
		if code != 200 || h.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(body, "%PDF-") {
			t.Fatalf("minutes: %d %s", code, h.Get("Content-Type"))
		}
		if code, _, _ := iso.post(rv+"/finalize", nil); code != http.StatusSeeOther { // the secretary may finalise too
			t.Fatalf("finalize: %d", code)
		}
		code, body, _ = iso.post(rv, form)
		wantPage(t, "edit final", code, http.StatusConflict, body, "Biên bản đã hoàn thành")
		code, body, _ = leader.get("/qms/units/" + k.a.ID)
		wantPage(t, "dashboard", code, 200, body, "Xem xét 6 tháng đầu năm 2026")
		if code, _, _ := signedIn(t, k.fixture, k.adminB).get(rv); code != http.StatusNotFound {
			t.Fatalf("other commune: %d", code)
		}
		if code, _, _ := signedIn(t, k.fixture, k.adminB).get(rv + "/minutes.pdf"); code != http.StatusNotFound {
			t.Fatalf("other commune's minutes: %d", code)
		}
	})
}

func TestQMSAuditsWeb(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newQMSFixture(t, db)
		iso, isoB := signedIn(t, k.fixture, k.isoA), signedIn(t, k.fixture, k.isoB)
		base := "/qms/units/" + k.a.ID + "/audits"
		if code, body, _ := iso.post(base, url.Values{"year": {"2026"}, "title": {"Chương trình đánh giá nội bộ năm 2026"}}); code != http.StatusSeeOther {
			t.Fatalf("programme: %d\n%s", code, body)
		}
		progs, _ := db.Programmes(ctx, k.a.ID)
		if len(progs) != 1 {
			t.Fatalf("programmes: %+v", progs)
		}
		plans := "/qms/programmes/" + progs[0].ID + "/plans"
		form := url.Values{"unit_id": {k.a.ID}, "planned_on": {"2026-10-15"}, "scope": {"Toàn bộ hệ thống"}, "auditors": {k.isoA.ID}}
		code, body, _ := iso.post(plans, form)
		wantPage(t, "auditor of the audited unit", code, http.StatusUnprocessableEntity, body, "không được đánh giá chính đơn vị mình")
		if code, _, _ := isoB.post(plans, form); code != http.StatusNotFound {
			t.Fatalf("other commune plans in A's programme: %d", code)
		}
		form.Set("auditors", k.isoB.ID)
		code, body, h := iso.post(plans, form)
		plan := "/qms/audits/" + created(t, code, body, h)
		items, _ := db.AuditItems(ctx, strings.TrimPrefix(plan, "/qms/audits/"))
		item := plan + "/items/" + items[len(items)-3].ID

		// Only the plan's auditors record findings; the auditor from commune B opens the plan
		// without any role in A.
		code, body, _ = iso.post(item, url.Values{"result": {"minor"}, "evidence": {"x"}})
		wantPage(t, "not an auditor", code, http.StatusForbidden, body, "Chỉ chuyên gia đánh giá")
		code, body, _ = isoB.get(plan)
		wantPage(t, "auditor's page", code, 200, body, "Không phù hợp nhỏ", "Kết thúc đánh giá")
		code, body, _ = isoB.post(item, url.Values{"result": {"minor"}, "evidence": {""}})
		wantPage(t, "finding without evidence", code, http.StatusUnprocessableEntity, body, "Ghi bằng chứng")
		if code, body, _ := isoB.post(item, url.Values{"result": {"minor"}, "evidence": {"Chưa họp xem xét năm 2025"}}); code != http.StatusSeeOther {
			t.Fatalf("finding: %d\n%s", code, body)
		}
		code, body, _ = iso.get(plan)
		wantPage(t, "plan with a finding", code, 200, body, "Chưa họp xem xét năm 2025", "xem điểm không phù hợp")
		if code, body, _ := isoB.post(plan+"/complete", url.Values{"conclusion": {"Hệ thống được duy trì, cần họp xem xét."}}); code != http.StatusSeeOther {
			t.Fatalf("complete: %d\n%s", code, body)
		}
		code, body, h = iso.get(plan + "/report.pdf")
		if code != 200 || h.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(body, "%PDF-") {
			t.Fatalf("report: %d %s", code, h.Get("Content-Type"))
		}
		code, body, _ = iso.get("/qms/units/" + k.a.ID)
		wantPage(t, "dashboard", code, 200, body, "Đã kết thúc", "1 điểm không phù hợp")
		if code, _, _ := signedIn(t, k.fixture, k.adminB).get(plan); code != http.StatusNotFound {
			t.Fatalf("other commune's admin: %d", code)
		}
		if code, _, _ := isoB.get("/qms/units/" + k.a.ID); code != http.StatusNotFound {
			t.Fatalf("the auditor from B on A's dashboard: %d", code)
		}
	})
}

func TestQMSDeclarationsWeb(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := newQMSFixture(t, db)
		publishSample(t, k.fixture)
		iso, leader, overseer := signedIn(t, k.fixture, k.isoA), signedIn(t, k.fixture, k.leaderA), signedIn(t, k.fixture, k.overseer)
		base := "/qms/units/" + k.a.ID + "/declarations"
		code, body, _ := iso.get(base)
		wantPage(t, "not declared", code, 200, body, "chưa công bố hệ thống quản lý chất lượng")
		code, body, _ = iso.post(base, url.Values{"decided_on": {"2026-02-01"}})
		wantPage(t, "empty declaration", code, http.StatusUnprocessableEntity, body, "Nội dung này là bắt buộc.")
		form := url.Values{"number": {"12/QĐ-UBND"}, "decided_on": {"2026-02-01"}, "signer": {"Hoàng Văn Duyệt"},
			"scope": {"Các thủ tục hành chính của UBND xã"}}
		if code, _, _ := leader.post(base, form); code != http.StatusForbidden {
			t.Fatalf("leader declares: %d", code)
		}
		if code, body, _ := iso.post(base, form); code != http.StatusSeeOther {
			t.Fatalf("declare: %d\n%s", code, body)
		}
		code, body, _ = iso.get(base)
		wantPage(t, "declared", code, 200, body, "Đã công bố theo quyết định 12/QĐ-UBND ngày 01/02/2026", "1.004873")
		code, body, _ = overseer.get("/qms")
		wantPage(t, "overview", code, 200, body, "01/02/2026", "Chưa công bố")
		if code, _, _ := signedIn(t, k.fixture, k.isoB).get(base); code != http.StatusNotFound {
			t.Fatalf("other commune: %d", code)
		}
	})
}
