package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/i18n"
	"github.com/motcua/motcua/internal/portal"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/user"
)

// realPDF is a one-page PDF made by the PDF library, realPNG a 2×2 PNG.
func realPDF(t *testing.T) []byte {
	t.Helper()
	doc := fpdf.New("P", "mm", "A4", "")
	doc.AddPage()
	doc.SetFont("Helvetica", "", 12)
	doc.Cell(40, 10, "To khai")
	var b bytes.Buffer
	if err := doc.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func realPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, color.RGBA{179, 38, 30, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// actorOf is the authorization view of a fixture official, for acting through the store.
func actorOf(t *testing.T, f *fixture, u user.User) auth.Actor {
	t.Helper()
	as, err := f.db.Assignments(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return auth.Actor{UserID: u.ID, Assignments: as}
}

// portalDesk adds a handler and an approver in commune A to the fixture, publishes the
// sample procedures, and returns the three officials of the workflow.
type portalDesk struct {
	*fixture
	receiver, handler, approver auth.Actor
	approverUser                user.User
}

func newPortalDesk(t *testing.T, db *store.DB) portalDesk {
	t.Helper()
	f := newFixture(t, db)
	publishSample(t, f)
	h := f.official(t, "xuly.a@demo.motcua.vn", "Phạm Văn Xử", f.a, user.Handler)
	ap := f.official(t, "lanhdao.a@demo.motcua.vn", "Hoàng Văn Duyệt", f.a, user.Approver)
	return portalDesk{fixture: f, receiver: actorOf(t, f, f.receiverA), handler: actorOf(t, f, h),
		approver: actorOf(t, f, ap), approverUser: ap}
}

// receive takes in a dossier of 1.004873 (3 working days) at agency A at the given time.
func (k portalDesk) receive(t *testing.T, at time.Time, name string) dossier.Dossier {
	t.Helper()
	d, err := k.db.Receive(context.Background(), k.receiver, store.IntakeRequest{UnitID: k.agencyA.ID,
		ProcedureCode: "1.004873", Channel: dossier.AtDesk, At: at,
		Applicant:  dossier.Applicant{Name: name, IDNumber: "025190012345", Phone: "0912345678", Address: "Khu 3, xã Thanh Ba"},
		Components: []dossier.Component{{Name: "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân", Received: true, Digitised: true}}})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func (k portalDesk) act(t *testing.T, who auth.Actor, d dossier.Dossier, cmd dossier.Command) dossier.Dossier {
	t.Helper()
	cmd.DossierID, cmd.Version = d.ID, d.Version
	got, err := k.db.Act(context.Background(), who, cmd)
	if err != nil {
		t.Fatalf("%s: %v", cmd.Action, err)
	}
	return got
}

// resolve forwards a received dossier through receive, examine and approve: its result is
// ready at the given time.
func (k portalDesk) resolve(t *testing.T, d dossier.Dossier, at time.Time) dossier.Dossier {
	t.Helper()
	for _, who := range []auth.Actor{k.receiver, k.handler, k.approver} {
		d = k.act(t, who, d, dossier.Command{Action: dossier.ActForward, At: at})
	}
	if d.State != dossier.Ready {
		t.Fatalf("not ready: %s", d.State)
	}
	return d
}

func (k portalDesk) returned(t *testing.T, d dossier.Dossier, at time.Time) dossier.Dossier {
	t.Helper()
	return k.act(t, k.receiver, k.resolve(t, d, at), dossier.Command{Action: dossier.ActReturn, Channel: dossier.AtDesk, At: at})
}

func vnAt(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, calendar.Location())
}

var requestIDField = regexp.MustCompile(`"request_id": "[^"]*"`)

func TestPortalLookup(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := newPortalDesk(t, db)
		d := k.receive(t, time.Now().Add(-time.Hour), "Nguyễn Thị <script>alert(1)</script>Hương")
		anon := newClient(t, k.srv)
		get := func(ref, factor string) (int, string) {
			t.Helper()
			code, body, _ := anon.get("/tra-cuu?" + url.Values{"ma": {ref}, "k": {factor}}.Encode())
			return code, body
		}
		// Without the factor: status and dates, no personal data.
		code, body := get(strings.ToLower(d.Code), "")
		if code != 200 || !strings.Contains(body, "Đã tiếp nhận") || !strings.Contains(body, d.Code) ||
			!strings.Contains(body, "Tiếp nhận — Trung tâm PVHCC xã Thanh Ba") || !strings.Contains(body, "Ngày hẹn trả kết quả") {
			t.Fatalf("look-up without factor: %d\n%s", code, body)
		}
		if _, _, h := anon.get("/tra-cuu?ma=" + url.QueryEscape(d.Code)); h.Get("Set-Cookie") != "" {
			t.Fatalf("an anonymous look-up got a cookie: %s", h.Get("Set-Cookie"))
		}
		for _, private := range []string{"Hương", "025190012345", "0912345678", "Khu 3", "tình trạng hôn nhân", d.LookupSecret} {
			if strings.Contains(body, private) {
				t.Fatalf("%q shown without the second factor", private)
			}
		}
		// The secret printed on the receipt, or the phone's last four digits, opens the rest,
		// with the applicant's name escaped.
		for _, factor := range []string{d.LookupSecret, strings.ToLower(d.LookupSecret), "5678"} {
			code, body = get(d.Code, factor)
			if code != 200 || !strings.Contains(body, "Nguyễn Thị &lt;script&gt;alert(1)&lt;/script&gt;Hương") ||
				!strings.Contains(body, "1.004873 Cấp Giấy xác nhận tình trạng hôn nhân") || strings.Contains(body, "<script>") {
				t.Fatalf("look-up with %q: %d\n%s", factor, code, body)
			}
		}
		// Unknown, malformed and wrong factor: one answer.
		unknown := strings.Replace(d.Code, "-0001", "-0777", 1)
		answers := map[string][2]string{
			"unknown":                   {unknown, ""},
			"unknown+factor":            {unknown, d.LookupSecret},
			"malformed":                 {"000.52.15.H29-999999", ""},
			"wrong factor":              {d.Code, "ABCDEFGH"},
			"wrong digits":              {d.Code, "1234"},
			"receipt of a desk dossier": {d.ID, d.LookupSecret},
		}
		var first string
		for name, in := range answers {
			code, body := get(in[0], in[1])
			body = strings.ReplaceAll(body, `value="`+in[0]+`"`, `value="X"`)
			if code != http.StatusNotFound || !strings.Contains(body, "Không tìm thấy hồ sơ khớp") {
				t.Fatalf("%s: %d\n%s", name, code, body)
			}
			if first == "" {
				first = body
			} else if body != first {
				t.Fatalf("%s answers differently:\n%s\n---\n%s", name, body, first)
			}
			// The JSON twin answers the same way.
			code, jbody, h := anon.get("/api/v1/public/lookup?" + url.Values{"ma": {in[0]}, "k": {in[1]}}.Encode())
			jbody = requestIDField.ReplaceAllString(jbody, "")
			if code != http.StatusNotFound || !strings.HasPrefix(h.Get("Content-Type"), "application/problem+json") ||
				!strings.Contains(jbody, "Không tìm thấy hồ sơ khớp") || strings.Contains(jbody, "Hương") {
				t.Fatalf("JSON %s: %d %s", name, code, jbody)
			}
		}
		code, body = get("<script>alert(1)</script>", "")
		if code != http.StatusNotFound || strings.Contains(body, "<script>alert") {
			t.Fatalf("script in the reference: %d", code)
		}
		// JSON with and without the factor.
		var v lookupJSON
		_, jbody, _ := anon.get("/api/v1/public/lookup?ma=" + url.QueryEscape(d.Code))
		if err := json.Unmarshal([]byte(jbody), &v); err != nil || v.State != "received" || v.Verified || v.Applicant != nil ||
			v.Procedure != nil || v.DueAt == nil || v.CurrentStep == nil || v.CurrentStep.Kind != "receive" || v.Missing == nil {
			t.Fatalf("JSON without factor: %v %s", err, jbody)
		}
		_, jbody, _ = anon.get("/api/v1/public/lookup?ma=" + url.QueryEscape(d.Code) + "&k=5678")
		v = lookupJSON{}
		if err := json.Unmarshal([]byte(jbody), &v); err != nil || !v.Verified || v.Applicant == nil || v.Procedure.Code != "1.004873" ||
			v.Rating == nil || v.Rating.CanRate {
			t.Fatalf("JSON with factor: %v %s", err, jbody)
		}
		// A supplement request shows what is missing, without the factor.
		d = k.act(t, k.receiver, d, dossier.Command{Action: dossier.ActRequest,
			Items: []dossier.SupplementItem{{Name: "Bản sao giấy khai sinh", Reason: "Chưa chứng thực"}}})
		code, body = get(d.Code, "")
		if code != 200 || !strings.Contains(body, "Chờ bổ sung") || !strings.Contains(body, "Bản sao giấy khai sinh: Chưa chứng thực") {
			t.Fatalf("supplement: %d\n%s", code, body)
		}
	})
}

func TestPortalLookupThrottle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := newPortalDesk(t, db)
		d := k.receive(t, time.Now().Add(-time.Hour), "Nguyễn Thị Hương")
		anon := newClient(t, k.srv)
		// Wrong factors on one code lock that code, even with the right factor.
		for i := range lookupRefLimit {
			if code, _, _ := anon.get("/tra-cuu?ma=" + url.QueryEscape(d.Code) + fmt.Sprintf("&k=%04d", i)); code != http.StatusNotFound {
				t.Fatalf("wrong factor %d: %d", i, code)
			}
		}
		code, body, _ := anon.get("/tra-cuu?ma=" + url.QueryEscape(d.Code) + "&k=" + d.LookupSecret)
		if code != http.StatusTooManyRequests || !strings.Contains(body, "quá nhiều lần") || strings.Contains(body, "Hương") {
			t.Fatalf("locked code: %d", code)
		}
		// Every look-up counts for the address.
		for i := lookupRefLimit; i < lookupLimit; i++ {
			anon.get("/tra-cuu?ma=000.52.15.H29-260101-0001")
		}
		if code, _, _ := anon.get("/api/v1/public/lookup?ma=000.52.15.H29-260101-0001"); code != http.StatusTooManyRequests {
			t.Fatalf("address not throttled: %d", code)
		}
		// The form itself, without a reference, is never refused.
		if code, _, _ := anon.get("/tra-cuu"); code != 200 {
			t.Fatalf("empty form: %d", code)
		}
	})
}

// TestPortalLookupThrottleAcrossServers: two servers on one database (each with its own
// per-address count in memory), one client address spreading look-ups of unknown codes
// over both. The misses are counted in the database, so together they get lookupLimit
// answers, not lookupLimit each, and then both servers refuse the address, even for a
// code that exists.
func TestPortalLookupThrottleAcrossServers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := newPortalDesk(t, db)
		d := k.receive(t, time.Now().Add(-time.Hour), "Nguyễn Thị Hương")
		servers := []*client{newClient(t, k.srv), newClient(t, startServer(t, db))}
		for i := range lookupLimit {
			miss := fmt.Sprintf("/tra-cuu?ma=000.52.15.H29-260101-%04d", i+1)
			if code, _, _ := servers[i%2].get(miss); code != http.StatusNotFound {
				t.Fatalf("miss %d on server %d: %d", i+1, i%2+1, code)
			}
		}
		if code, _, _ := servers[0].get("/tra-cuu?ma=000.52.15.H29-260101-0999"); code != http.StatusTooManyRequests {
			t.Fatalf("miss %d, beyond the limit of both servers together: %d", lookupLimit+1, code)
		}
		for i, c := range servers {
			if code, _, _ := c.get("/api/v1/public/lookup?ma=" + url.QueryEscape(d.Code)); code != http.StatusTooManyRequests {
				t.Errorf("server %d answered a locked address: %d", i+1, code)
			}
		}
	})
}

// upload is one file part of a submission.
type upload struct {
	field, name string
	data        []byte
}

func multipartBody(t *testing.T, fields url.Values, files ...upload) (*bytes.Buffer, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, vs := range fields {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	for _, f := range files {
		w, err := mw.CreateFormFile(f.field, f.name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write(f.data)
	}
	_ = mw.Close()
	return &b, mw.FormDataContentType()
}

func (c *client) postMultipart(path string, fields url.Values, files ...upload) (int, string, http.Header) {
	c.t.Helper()
	body, ctype := multipartBody(c.t, fields, files...)
	req, _ := http.NewRequest("POST", c.base+path, body)
	req.Header.Set("Content-Type", ctype)
	return c.do(req)
}

func countDossiers(t *testing.T, db *store.DB) int {
	t.Helper()
	n, err := db.CountDossiers(context.Background(), store.DossierFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPortalSubmission(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newPortalDesk(t, db)
		anon := newClient(t, k.srv)
		code, body, _ := anon.get("/nop-truc-tuyen?q=thanh+ba")
		if code != 200 || !strings.Contains(body, "/nop-truc-tuyen?unit_id="+k.agencyA.ID) {
			t.Fatalf("pick the desk: %d\n%s", code, body)
		}
		code, body, _ = anon.get("/nop-truc-tuyen?unit_id=" + k.agencyA.ID)
		if code != 200 || !strings.Contains(body, "1.001193 Đăng ký khai sinh") || strings.Contains(body, "1.000001.MH") {
			t.Fatalf("pick the procedure: %d\n%s", code, body)
		}
		code, body, _ = anon.get("/nop-truc-tuyen?unit_id=" + k.agencyA.ID + "&procedure=1.001193")
		key := regexp.MustCompile(`name="idempotency_key" value="(portal-[0-9a-f]+)"`).FindStringSubmatch(body)
		if code != 200 || key == nil || !strings.Contains(body, `name="file_0"`) || !strings.Contains(body, `enctype="multipart/form-data"`) {
			t.Fatalf("form: %d\n%s", code, body)
		}
		if code, _, _ := anon.get("/nop-truc-tuyen?unit_id=" + k.a.ID); code != http.StatusNotFound {
			t.Fatalf("a commune without agency code: %d", code)
		}
		if code, _, _ := anon.get("/nop-truc-tuyen?unit_id=" + k.agencyA.ID + "&procedure=1.000001.MH"); code != http.StatusNotFound {
			t.Fatalf("an expired procedure: %d", code)
		}
		fields := url.Values{"unit_id": {k.agencyA.ID}, "procedure": {"1.001193"}, "idempotency_key": {key[1]},
			"applicant_kind": {"person"}, "applicant_name": {"Lê Thị <b>Mai</b>"}, "applicant_id": {"025190012345"},
			"applicant_phone": {"0987 654 321"}, "applicant_address": {"Khu 5, xã Thanh Ba"}}
		pdf, pngData := realPDF(t), realPNG(t)
		files := []upload{{"file_0", "to-khai.pdf", pdf}, {"file_1", `C:\scan\giấy chứng sinh.PNG`, pngData}}

		// Refused uploads store nothing: HTML named .pdf, an oversized file, a body over the
		// limit, a missing required paper.
		html := []byte("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>")
		code, body, _ = anon.postMultipart("/nop-truc-tuyen", fields, upload{"file_0", "to-khai.pdf", html}, files[1])
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "không phải PDF, JPEG hoặc PNG") ||
			!strings.Contains(body, `value="Lê Thị &lt;b&gt;Mai&lt;/b&gt;"`) {
			t.Fatalf("disguised upload: %d\n%s", code, body)
		}
		big := append(append([]byte{}, pdf...), make([]byte, portal.DefaultLimits.MaxFileBytes)...)
		code, body, _ = anon.postMultipart("/nop-truc-tuyen", fields, upload{"file_0", "to-khai.pdf", big}, files[1])
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "lớn hơn 5 MB") {
			t.Fatalf("oversized file: %d\n%s", code, body)
		}
		var huge []upload
		for i := range 5 {
			huge = append(huge, upload{fmt.Sprintf("file_%d", i%3), "x.pdf", big[:portal.DefaultLimits.MaxFileBytes]})
		}
		if code, _, _ := anon.postMultipart("/nop-truc-tuyen", fields, huge...); code != http.StatusRequestEntityTooLarge {
			t.Fatalf("oversized body: %d", code)
		}
		// The same without a declared length (chunked): the body limit stops the reading.
		chunked, ctype := multipartBody(t, fields, huge...)
		req, _ := http.NewRequest("POST", k.srv.URL+"/nop-truc-tuyen", io.MultiReader(chunked))
		req.Header.Set("Content-Type", ctype)
		if code, _, _ := anon.do(req); code != http.StatusRequestEntityTooLarge {
			t.Fatalf("oversized chunked body: %d", code)
		}
		code, body, _ = anon.postMultipart("/nop-truc-tuyen", fields, files[0])
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "Giấy chứng sinh") {
			t.Fatalf("missing paper: %d\n%s", code, body)
		}
		if n := countDossiers(t, db); n != 0 {
			t.Fatalf("refused submissions stored %d dossiers", n)
		}

		// The happy path, twice with the same key (a double click): one dossier.
		code, _, h := anon.postMultipart("/nop-truc-tuyen", fields, files...)
		loc := h.Get("Location")
		if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/tra-cuu?ma=") || !strings.HasSuffix(loc, "&moi=1") {
			t.Fatalf("submit: %d %s", code, loc)
		}
		if code, _, h := anon.postMultipart("/nop-truc-tuyen", fields, files...); code != http.StatusSeeOther || h.Get("Location") != loc {
			t.Fatalf("double submit: %d %s", code, h.Get("Location"))
		}
		if n := countDossiers(t, db); n != 1 {
			t.Fatalf("double submit made %d dossiers", n)
		}
		list, err := db.ListDossiers(ctx, store.DossierFilter{})
		if err != nil {
			t.Fatal(err)
		}
		d := list[0]
		if d.State != dossier.Submitted || d.Code != "" || d.Channel != dossier.Online || d.Applicant.Phone != "0987654321" {
			t.Fatalf("submitted: %+v", d)
		}
		code, body, _ = anon.get(loc)
		if code != 200 || !strings.Contains(body, "Hồ sơ đã được gửi") || !strings.Contains(body, d.ID) ||
			!strings.Contains(body, d.LookupSecret) || !strings.Contains(body, "Chờ tiếp nhận") || !strings.Contains(body, "Lê Thị &lt;b&gt;Mai&lt;/b&gt;") {
			t.Fatalf("receipt: %d\n%s", code, body)
		}
		stored, err := db.DossierFiles(ctx, d.ID)
		if err != nil || len(stored) != 2 || stored[0].ContentType != portal.PDF || stored[1].ContentType != portal.PNG ||
			stored[1].Name != "giấy chứng sinh.png" || stored[0].Component != "Tờ khai đăng ký khai sinh" {
			t.Fatalf("stored files: %+v %v", stored, err)
		}

		// Files are for officials who see the dossier, as attachments with safe headers.
		path := "/dossier-files/" + stored[0].ID
		if code, _, h := anon.get(path); code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/login") {
			t.Fatalf("anonymous download: %d", code)
		}
		outsider := f2official(t, k.fixture, "tiepnhan.b@demo.motcua.vn", k.b, user.Receiver)
		if code, body, _ := signedIn(t, k.fixture, outsider).get(path); code != http.StatusNotFound || strings.Contains(body, "%PDF") {
			t.Fatalf("commune B downloads A's file: %d", code)
		}
		desk := signedIn(t, k.fixture, k.receiverA)
		code, body, h = desk.get(path)
		if code != 200 || body != string(pdf) || h.Get("Content-Type") != "application/pdf" ||
			!strings.HasPrefix(h.Get("Content-Disposition"), "attachment;") || h.Get("X-Content-Type-Options") != "nosniff" ||
			!strings.Contains(h.Get("Content-Security-Policy"), "sandbox") {
			t.Fatalf("download: %d %v", code, h)
		}
		if _, _, h := desk.get("/dossier-files/" + stored[1].ID); !strings.Contains(h.Get("Content-Disposition"), "filename*=utf-8''gi%E1%BA%A5y") {
			t.Fatalf("download name: %q", h.Get("Content-Disposition"))
		}
		if code, _, _ := desk.get("/dossier-files/nope"); code != http.StatusNotFound {
			t.Fatalf("unknown file: %d", code)
		}

		// The desk accepts: the look-up by receipt number shows the code and its state.
		accepted := k.act(t, k.receiver, d, dossier.Command{Action: dossier.ActReceive})
		code, body, _ = anon.get("/tra-cuu?ma=" + d.ID)
		if code != 200 || !strings.Contains(body, accepted.Code) || !strings.Contains(body, "Đã tiếp nhận") || strings.Contains(body, "Mai") {
			t.Fatalf("after acceptance: %d\n%s", code, body)
		}
		if code, body, _ := anon.get("/tra-cuu?ma=" + url.QueryEscape(accepted.Code) + "&k=" + d.LookupSecret); code != 200 || !strings.Contains(body, "Mai") {
			t.Fatalf("the receipt's QR address: %d", code)
		}
	})
}

// f2official adds an official to the fixture.
func f2official(t *testing.T, f *fixture, email string, in unit.Unit, role user.Role) user.User {
	t.Helper()
	return f.official(t, email, "Ngô Thị Khác", in, role)
}

func TestPortalSubmissionRefusedByTheDesk(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := newPortalDesk(t, db)
		req := store.IntakeRequest{UnitID: k.agencyA.ID, ProcedureCode: "1.004873", IdempotencyKey: "portal-x",
			Applicant:  dossier.Applicant{Name: "Trần Văn Bảy", IDNumber: "025190012345", Address: "Khu 1"},
			Components: []dossier.Component{{Name: "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân", Received: true}}}
		d, _, err := db.SubmitOnline(context.Background(), req, nil)
		if err != nil {
			t.Fatal(err)
		}
		k.act(t, k.receiver, d, dossier.Command{Action: dossier.ActRefuse, Reason: "Không thuộc thẩm quyền <i>xã</i>"})
		code, body, _ := newClient(t, k.srv).get("/tra-cuu?ma=" + d.ID)
		if code != 200 || !strings.Contains(body, "Từ chối tiếp nhận") || !strings.Contains(body, "Không thuộc thẩm quyền &lt;i&gt;xã&lt;/i&gt;") {
			t.Fatalf("refused: %d\n%s", code, body)
		}
	})
}

func TestPortalRating(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := newPortalDesk(t, db)
		now := time.Now()
		d := k.receive(t, now.Add(-2*time.Hour), "Nguyễn Thị Hương")
		anon := newClient(t, k.srv)
		form := "/tra-cuu/danh-gia?" + url.Values{"ma": {d.Code}, "k": {d.LookupSecret}}.Encode()
		if code, body, _ := anon.get(form); code != http.StatusConflict || !strings.Contains(body, "sau khi hồ sơ đã trả kết quả") {
			t.Fatalf("before return: %d\n%s", code, body)
		}
		d = k.returned(t, d, now.Add(-time.Hour))
		_, body, _ := anon.get("/tra-cuu?ma=" + url.QueryEscape(d.Code) + "&k=" + d.LookupSecret)
		if !strings.Contains(body, `href="/tra-cuu/danh-gia?ma=`+d.Code+`&amp;k=`+d.LookupSecret+`"`) {
			t.Fatalf("no rating link:\n%s", body)
		}
		if code, body, _ := anon.get("/tra-cuu/danh-gia?ma=" + url.QueryEscape(d.Code)); code != http.StatusNotFound || !strings.Contains(body, "Không tìm thấy hồ sơ khớp") {
			t.Fatalf("rating without the factor: %d", code)
		}
		code, body, _ := anon.get(form)
		if code != 200 || !strings.Contains(body, `value="not_satisfied"`) || strings.Contains(body, `value="neutral"`) {
			t.Fatalf("form: %d\n%s", code, body)
		}
		post := url.Values{"ma": {d.Code}, "k": {d.LookupSecret}, "level": {"not_satisfied"},
			"criterion_timeliness": {"not_satisfied"}, "comment": {"<script>alert(1)</script> chờ lâu"}}
		if code, body, _ := anon.post("/tra-cuu/danh-gia", url.Values{"ma": {d.Code}, "k": {d.LookupSecret}, "level": {"great"}}); code != http.StatusUnprocessableEntity || !strings.Contains(body, "Hãy chọn mức độ hài lòng") {
			t.Fatalf("bad level: %d", code)
		}
		if code, body, _ := anon.post("/tra-cuu/danh-gia", post); code != 200 || !strings.Contains(body, "Cảm ơn bạn đã đánh giá") {
			t.Fatalf("rate: %d\n%s", code, body)
		}
		if code, body, _ := anon.post("/tra-cuu/danh-gia", post); code != http.StatusConflict || !strings.Contains(body, "chỉ đánh giá một lần") {
			t.Fatalf("second rating: %d\n%s", code, body)
		}
		wrong := url.Values{"ma": {d.Code}, "k": {"ZZZZZZZZ"}, "level": {"satisfied"}}
		if code, _, _ := anon.post("/tra-cuu/danh-gia", wrong); code != http.StatusNotFound {
			t.Fatalf("rating with a wrong factor: %d", code)
		}
		// The leader sees the low rating on the home page, escaped; the desk does not.
		_, body, _ = signedIn(t, k.fixture, k.approverUser).get("/")
		if !strings.Contains(body, "Đánh giá không hài lòng") || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt; chờ lâu") ||
			strings.Contains(body, "<script>alert") {
			t.Fatalf("leader's home:\n%s", body)
		}
		if _, body, _ := signedIn(t, k.fixture, k.receiverA).get("/"); strings.Contains(body, "Đánh giá không hài lòng") {
			t.Fatal("the desk sees the leader's list")
		}
	})
}

func TestPortalProcedures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := newPortalDesk(t, db)
		// An expired procedure still published: never shown as applicable.
		if err := db.PublishProcedure(context.Background(), k.a.ID, "1.000001.MH", unit.NewDate(2025, 7, 1), ""); err != nil {
			t.Fatal(err)
		}
		anon := newClient(t, k.srv)
		code, body, _ := anon.get("/thu-tuc?q=trung+tam+thanh+ba")
		if code != 200 || !strings.Contains(body, `href="/thu-tuc/`+k.agencyA.ID+`"`) {
			t.Fatalf("units: %d\n%s", code, body)
		}
		list := "/thu-tuc/" + k.agencyA.ID
		code, body, _ = anon.get(list)
		if code != 200 || !strings.Contains(body, "Đăng ký khai sinh") || !strings.Contains(body, "Hòa giải tranh chấp đất đai") ||
			strings.Contains(body, "1.000001.MH") || !strings.Contains(body, "30 ngày làm việc") {
			t.Fatalf("procedures: %d\n%s", code, body)
		}
		_, body, _ = anon.get(list + "?q=hoa+giai+dat+dai")
		if !strings.Contains(body, "Hòa giải tranh chấp đất đai") || strings.Contains(body, "Đăng ký khai sinh") {
			t.Fatalf("search without diacritics:\n%s", body)
		}
		code, body, _ = anon.get(list + "/1.001193")
		if code != 200 || !strings.Contains(body, "Tờ khai đăng ký khai sinh") || !strings.Contains(body, "Thông tư 04/2020/TT-BTP") ||
			!strings.Contains(body, "Luật Hộ tịch 2014") || !strings.Contains(body, "/nop-truc-tuyen?unit_id="+k.agencyA.ID+"&amp;procedure=1.001193") {
			t.Fatalf("procedure: %d\n%s", code, body)
		}
		for _, path := range []string{list + "/1.000001.MH", list + "/2.000884", list + "/nope", "/thu-tuc/" + k.a.ID, "/thu-tuc/nope"} {
			if code, _, _ := anon.get(path); code != http.StatusNotFound {
				t.Errorf("%s: %d", path, code)
			}
		}
	})
}

func TestPortalStats(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newPortalDesk(t, db)
		// February 2026 at agency A (3 working days each).
		d1 := k.returned(t, k.receive(t, vnAt(2026, 2, 5, 9, 0), "A"), vnAt(2026, 2, 6, 9, 0))   // early
		d2 := k.returned(t, k.receive(t, vnAt(2026, 2, 5, 10, 0), "B"), vnAt(2026, 2, 10, 9, 0)) // on time (due 10 Feb 10:00)
		k.resolve(t, k.receive(t, vnAt(2026, 2, 5, 11, 0), "C"), vnAt(2026, 2, 12, 9, 0))        // late
		k.resolve(t, k.receive(t, vnAt(2026, 1, 20, 9, 0), "D"), vnAt(2026, 2, 2, 9, 0))         // received in January, late
		k.resolve(t, k.receive(t, vnAt(2026, 2, 26, 9, 0), "E"), vnAt(2026, 3, 2, 9, 0))         // resolved early in March
		for d, l := range map[string]portal.Level{d1.ID: portal.VerySatisfied, d2.ID: portal.NotSatisfied} {
			if err := db.RateDossier(ctx, &portal.Rating{DossierID: d, Level: l, RatedAt: vnAt(2026, 2, 20, 9, 0)}); err != nil {
				t.Fatal(err)
			}
		}
		anon := newClient(t, k.srv)
		var s statsJSON
		code, body, _ := anon.get("/api/v1/public/stats?period=month&value=2026-02&unit=" + k.a.ID)
		if err := json.Unmarshal([]byte(body), &s); code != 200 || err != nil {
			t.Fatalf("stats: %d %v %s", code, err, body)
		}
		if s.Received != 4 || s.ReceivedOnTime != 3 || s.Resolved != 4 || s.ResolvedEarly != 1 || s.ResolvedOnTime != 1 ||
			s.ResolvedLate != 2 || s.InProgress != 1 || s.Period.From != "2026-02-01" || s.Period.To != "2026-02-28" ||
			*s.OnTimeRate.Percent != 75 || *s.RateAmongResolved.Percent != 50 || *s.SatisfactionRate.Percent != 50 ||
			s.Ratings["very_satisfied"] != 1 || s.Ratings["not_satisfied"] != 1 || s.Unit != "Xã Thanh Ba" {
			t.Fatalf("February: %s", body)
		}
		_, body, _ = anon.get("/api/v1/public/stats?period=quarter&value=2026-Q1")
		s = statsJSON{}
		if err := json.Unmarshal([]byte(body), &s); err != nil || s.Received != 5 || s.ReceivedOnTime != 3 || s.Resolved != 5 || s.InProgress != 0 {
			t.Fatalf("first quarter, all units: %s", body)
		}
		_, body, _ = anon.get("/api/v1/public/stats?period=year&value=2026&unit=" + k.b.ID)
		s = statsJSON{}
		if err := json.Unmarshal([]byte(body), &s); err != nil || s.Received != 0 || s.OnTimeRate.Percent != nil || s.Unit != "Xã Quảng Yên" {
			t.Fatalf("commune B: %s", body)
		}
		code, body, _ = anon.get("/thong-ke?period=month&value=2026-02&unit=" + k.a.ID)
		for _, want := range []string{"Xã Thanh Ba, từ 01/02/2026 đến 28/02/2026", "75,00% (3/4)", "50,00% (2/4)", "50,00% (1/2)",
			"hồ sơ tiếp nhận trong kỳ đã giải quyết trước hạn hoặc đúng hạn ÷ hồ sơ tiếp nhận trong kỳ", "<svg", `width="300"`} {
			if code != 200 || !strings.Contains(body, want) {
				t.Fatalf("page lacks %q: %d\n%s", want, code, body)
			}
		}
		_, body, _ = anon.get("/thong-ke?period=custom&from=2026-02-01&to=2026-02-28&unit="+k.a.ID, "Accept-Language", "en")
		if !strings.Contains(body, "75.00% (3/4)") || !strings.Contains(body, "Public statistics") {
			t.Fatalf("English custom period:\n%s", body)
		}
		if code, body, _ := anon.get("/thong-ke?period=month&value=2026-13"); code != http.StatusUnprocessableEntity || !strings.Contains(body, "Kỳ không hợp lệ") {
			t.Fatalf("bad period: %d", code)
		}
		if code, _, _ := anon.get("/api/v1/public/stats?unit=nope"); code != http.StatusUnprocessableEntity {
			t.Fatalf("unknown unit: %d", code)
		}
	})
}

// TestPortalCatalogKeys checks the message keys the portal builds at run time.
func TestPortalCatalogKeys(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, l := range portal.Scale {
		keys = append(keys, "portal.level_"+string(l.Level))
	}
	for _, c := range portal.Criteria {
		keys = append(keys, "portal.criterion_"+c)
	}
	for _, p := range portal.PeriodKinds {
		keys = append(keys, "portal.period_"+string(p))
	}
	for _, c := range dossier.Channels {
		keys = append(keys, "portal.channel_"+string(c))
	}
	for _, c := range []string{"early", "on_time", "late"} {
		keys = append(keys, "portal.timeliness_"+c)
	}
	for _, k := range keys {
		for _, lang := range []string{"vi", "en"} {
			if _, ok := cat.Lookup(lang, k); !ok {
				t.Errorf("%s missing from %s", k, lang)
			}
		}
	}
}
