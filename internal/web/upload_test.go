package web

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"path"
	"strings"
	"testing"
	"unicode"

	"github.com/motcua/motcua/internal/portal"
	"github.com/motcua/motcua/internal/qms"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/user"
)

// Attacks on the two upload forms (the citizens' online submission and a QMS document's
// attachments) and on their downloads: file names that try to climb out of a directory,
// hide their extension or break the response header, contents that a browser would run
// while they claim to be a PDF or a picture, and bodies over the limits. Whatever is
// stored is downloaded as an attachment under a clean name, with the stored content type,
// nosniff and a sandboxing CSP.

// rawPart is a multipart part with its Content-Disposition written by hand, so a test can
// send what a browser never would (RFC 2231 names with NUL or CR LF, for instance).
type rawPart struct {
	disposition string
	data        []byte
}

func rawMultipart(t testing.TB, fields url.Values, parts ...rawPart) (*bytes.Buffer, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, vs := range fields {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", p.disposition)
		h.Set("Content-Type", "application/pdf") // what the browser claims is never believed
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write(p.data)
	}
	_ = mw.Close()
	return &b, mw.FormDataContentType()
}

// filePart names a file in a part: plainly when the name has no control characters,
// otherwise as an RFC 2231 extended parameter.
func filePart(field, name string, data []byte) rawPart {
	if strings.ContainsFunc(name, func(r rune) bool { return r < ' ' || r == '"' || r == '\\' || r > '~' }) {
		var enc strings.Builder
		for _, b := range []byte(name) { // RFC 2231: every byte outside attr-char percent-encoded
			if b < 0x80 && (unicode.IsLetter(rune(b)) || unicode.IsDigit(rune(b)) || strings.IndexByte("!#$&+-.^_`|~", b) >= 0) {
				enc.WriteByte(b)
			} else {
				fmt.Fprintf(&enc, "%%%02X", b)
			}
		}
		return rawPart{fmt.Sprintf(`form-data; name=%q; filename*=utf-8''%s`, field, enc.String()), data}
	}
	return rawPart{fmt.Sprintf(`form-data; name=%q; filename=%q`, field, name), data}
}

func (c *client) postRaw(path string, body io.Reader, ctype string) (int, string, http.Header) {
	c.t.Helper()
	req, _ := http.NewRequest("POST", c.base+path, body)
	req.Header.Set("Content-Type", ctype)
	return c.do(req)
}

// uploadNames are file names as an attacker sends them, with the name each form keeps
// (the submission's default stem is "tep", the QMS one "tai-lieu").
var uploadNames = []struct {
	sent, want, wantQMS string
}{
	{"../../etc/passwd.pdf", "passwd.pdf", ""},
	{"/etc/passwd", "passwd.pdf", ""},
	{`..\..\Windows\win.ini`, "win.pdf", ""},
	{`C:\Users\An\Tờ khai.pdf`, "Tờ khai.pdf", ""},
	{"to\x00khai.pdf", "tokhai.pdf", ""},
	{"bao-cao.pdf\x00.html", "bao-cao.pdf.pdf", ""},
	{"trang.html", "trang.pdf", ""},
	{"anh.svg", "anh.pdf", ""},
	{"\u202Egnp.exe", "gnp.pdf", ""}, // a right-to-left override would show "exe.png"
	{"dòng\r\nX-Chen: 1.pdf", "dòngX-Chen: 1.pdf", ""},
	{`a"; filename="x.html`, "a filename=x.pdf", ""},
	{"..", "tep.pdf", "tai-lieu.pdf"},
	{".htaccess", "tep.pdf", "tai-lieu.pdf"},
	{strings.Repeat("dài", 100) + ".pdf", strings.Repeat("dài", 40) + ".pdf", ""},
	{"To\u031b\u0300 khai.pdf", "Tờ khai.pdf", ""}, // NFD in, NFC kept (the name is composed by vn.NFC)
}

// wantSafeDownload checks a download's headers: an attachment under the stored name,
// which carries no path or control character, with the stored type, nosniff and a CSP
// that sandboxes anything a browser might still render.
func wantSafeDownload(t *testing.T, what string, code int, body string, h http.Header, name, ctype string, data []byte) {
	t.Helper()
	disp, params, err := mime.ParseMediaType(h.Get("Content-Disposition"))
	switch {
	case code != http.StatusOK || body != string(data):
		t.Errorf("%s: %d, %d bytes", what, code, len(body))
	case err != nil || disp != "attachment" || params["filename"] != name:
		t.Errorf("%s: Content-Disposition %q (%v), want an attachment named %q", what, h.Get("Content-Disposition"), err, name)
	case h.Get("Content-Type") != ctype || h.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.Contains(h.Get("Content-Security-Policy"), "sandbox") || !strings.Contains(h.Get("Cache-Control"), "no-store"):
		t.Errorf("%s: headers %v", what, h)
	}
	if strings.ContainsAny(name, `/\";`) || strings.ContainsFunc(name, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }) ||
		strings.HasPrefix(name, ".") || path.Ext(name) == "" {
		t.Errorf("%s: unsafe stored name %q", what, name)
	}
}

// uploadFixture is a desk with the sample procedures, a QMS secretary and a draft to
// attach files to.
type uploadFixture struct {
	portalDesk
	iso   *client
	draft string
}

func newUploadFixture(t *testing.T, db *store.DB) uploadFixture {
	t.Helper()
	k := newPortalDesk(t, db)
	isoUser := k.official(t, "iso.a@demo.motcua.vn", "Đỗ Thị Thư", k.a, user.QMS)
	d := qms.Document{UnitID: k.a.ID, Code: "QT-01", Kind: qms.KindProcedure, Title: "Quy trình tiếp nhận", ApproverID: k.approverUser.ID}
	if err := db.CreateDocument(context.Background(), &d, nil, isoUser.ID); err != nil {
		t.Fatal(err)
	}
	return uploadFixture{portalDesk: k, iso: signedIn(t, k.fixture, isoUser), draft: d.ID}
}

// submission is the online submission form of 1.001193 at agency A with a fresh key.
func (k uploadFixture) submission(n int) url.Values {
	return url.Values{"unit_id": {k.agencyA.ID}, "procedure": {"1.001193"}, "idempotency_key": {fmt.Sprintf("portal-up%d", n)},
		"applicant_kind": {"person"}, "applicant_name": {"Lê Thị Mai"}, "applicant_id": {"025190012345"},
		"applicant_phone": {"0987 654 321"}, "applicant_address": {"Khu 5, xã Thanh Ba"}}
}

// submit sends a submission whose first paper is the given part and returns the stored
// files of the dossier made (none when refused) with the answer's status.
func (k uploadFixture) submit(t *testing.T, n int, first rawPart) (int, string, []portal.File) {
	t.Helper()
	body, ctype := rawMultipart(t, k.submission(n), first, filePart("file_1", "giay-chung-sinh.png", realPNG(t)))
	before := countDossiers(t, k.db)
	code, page, _ := newClient(t, k.srv).postRaw("/nop-truc-tuyen", body, ctype)
	if countDossiers(t, k.db) == before {
		return code, page, nil
	}
	list, err := k.db.ListDossiers(context.Background(), store.DossierFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var files []portal.File
	for _, d := range list {
		if d.IdempotencyKey == fmt.Sprintf("portal-up%d", n) {
			if files, err = k.db.DossierFiles(context.Background(), d.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	return code, page, files
}

// attach uploads one part to the draft and returns the attachment stored (zero when
// refused) with the answer's status.
func (k uploadFixture) attach(t *testing.T, part rawPart) (int, string, qms.Attachment) {
	t.Helper()
	ctx := context.Background()
	before, _ := k.db.Attachments(ctx, k.draft)
	body, ctype := rawMultipart(t, nil, part)
	code, page, _ := k.iso.postRaw("/qms/documents/"+k.draft+"/attachments", body, ctype)
	after, _ := k.db.Attachments(ctx, k.draft)
	if len(after) == len(before) {
		return code, page, qms.Attachment{}
	}
	a, err := k.db.Attachment(ctx, after[len(after)-1].ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range after[:len(after)-1] { // keep under the ten files a version may carry
		if err := k.db.DeleteAttachment(ctx, k.draft, x.ID, ""); err != nil {
			t.Fatal(err)
		}
	}
	return code, page, a
}

func TestUploadFileNames(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := newUploadFixture(t, db)
		desk := signedIn(t, k.fixture, k.receiverA)
		pdf := realPDF(t)
		for i, tc := range uploadNames {
			what := fmt.Sprintf("%q", tc.sent)
			code, page, files := k.submit(t, i, filePart("file_0", tc.sent, pdf))
			if code != http.StatusSeeOther || len(files) != 2 {
				t.Errorf("submission with %s: %d, %d files\n%.300s", what, code, len(files), page)
			} else {
				if files[0].Name != tc.want {
					t.Errorf("submission with %s: stored as %q, want %q", what, files[0].Name, tc.want)
				}
				code, body, h := desk.get("/dossier-files/" + files[0].ID)
				wantSafeDownload(t, "submission's "+what, code, body, h, files[0].Name, portal.PDF, pdf)
			}

			want := tc.want
			if tc.wantQMS != "" {
				want = tc.wantQMS
			}
			code, page, a := k.attach(t, filePart("file", tc.sent, pdf))
			if code != http.StatusSeeOther || a.ID == "" {
				t.Errorf("attachment %s: %d\n%.300s", what, code, page)
				continue
			}
			if a.Name != want {
				t.Errorf("attachment %s: stored as %q, want %q", what, a.Name, want)
			}
			code, body, h := k.iso.get("/qms/attachments/" + a.ID)
			wantSafeDownload(t, "attachment "+what, code, body, h, a.Name, qms.TypePDF, pdf)
		}
	})
}

// docx is a minimal Word document (a ZIP with word/document.xml), with extra entries.
func docx(t *testing.T, extra map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	entries := map[string]string{"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"}
	for k, v := range extra {
		entries[k] = v
	}
	for name, text := range entries {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write([]byte(text))
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestUploadContentTricks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := newUploadFixture(t, db)
		desk := signedIn(t, k.fixture, k.receiverA)
		script := "<script>alert(document.cookie)</script>"
		polyPDF := []byte("%PDF-1.4\n" + "<html><body>" + script + "</body></html>\n%%EOF")
		polyPNG := append(realPNG(t), []byte("<html>"+script)...)
		plainZip := func() []byte {
			var b bytes.Buffer
			z := zip.NewWriter(&b)
			w, _ := z.Create("index.html")
			_, _ = w.Write([]byte(script))
			_ = z.Close()
			return b.Bytes()
		}()
		for i, tc := range []struct {
			name        string
			data        []byte
			portalType  string // "" when the submission refuses it
			qmsType     string // "" when the attachment is refused
			description string
		}{
			{"to-khai.pdf", []byte("<!DOCTYPE html><html><body>" + script), "", "", "HTML named .pdf"},
			{"to-khai.pdf", []byte("\xEF\xBB\xBF<html>" + script), "", "", "HTML behind a byte-order mark"},
			{"to-khai.pdf", []byte("   \n%PDF-1.4\n" + script), "", "", "PDF signature not at the start"},
			{"anh.png", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), "", "", "SVG named .png"},
			{"anh.jpg", []byte("GIF89a/*\x00\x00*/=alert(1)//"), "", "", "GIF/JavaScript polyglot named .jpg"},
			{"anh.png", []byte("\x89PNG\r\n"), "", "", "a truncated PNG signature"},
			{"x.pdf", plainZip, "", "", "a ZIP holding a page"},
			{"to-khai.docx", docx(t, map[string]string{"page.html": script}), "", qms.TypeDOCX, "a Word file with a page inside"},
			{"polyglot.pdf.html", polyPDF, portal.PDF, qms.TypePDF, "a PDF with a page inside"},
			{"anh.png", polyPNG, portal.PNG, qms.TypePNG, "a PNG with a page after it"},
		} {
			code, page, files := k.submit(t, 100+i, filePart("file_0", tc.name, tc.data))
			switch {
			case tc.portalType == "" && (code != http.StatusUnprocessableEntity || files != nil || !strings.Contains(page, "không phải PDF, JPEG hoặc PNG")):
				t.Errorf("submission of %s: %d, %d files stored", tc.description, code, len(files))
			case tc.portalType != "" && (code != http.StatusSeeOther || len(files) != 2):
				t.Errorf("submission of %s: %d\n%.300s", tc.description, code, page)
			case tc.portalType != "":
				code, body, h := desk.get("/dossier-files/" + files[0].ID)
				wantSafeDownload(t, "submission of "+tc.description, code, body, h, files[0].Name, tc.portalType, tc.data)
			}
			code, page, a := k.attach(t, filePart("file", tc.name, tc.data))
			switch {
			case tc.qmsType == "" && (code != http.StatusUnprocessableEntity || a.ID != "" || !strings.Contains(page, "Chỉ nhận PDF")):
				t.Errorf("attachment of %s: %d, stored %q", tc.description, code, a.Name)
			case tc.qmsType != "" && (code != http.StatusSeeOther || a.ContentType != tc.qmsType):
				t.Errorf("attachment of %s: %d %q\n%.300s", tc.description, code, a.ContentType, page)
			case tc.qmsType != "":
				code, body, h := k.iso.get("/qms/attachments/" + a.ID)
				wantSafeDownload(t, "attachment of "+tc.description, code, body, h, a.Name, tc.qmsType, tc.data)
			}
		}
	})
}

func TestUploadOversized(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := newUploadFixture(t, db)
		ctx := context.Background()
		pdf := realPDF(t)
		padded := func(n int) []byte { return append(append([]byte{}, pdf...), make([]byte, n-len(pdf))...) }
		attachments := func() int { list, _ := db.Attachments(ctx, k.draft); return len(list) }

		// A file over 10 MiB in a body within the limit is refused by name; nothing is kept.
		code, page, a := k.attach(t, filePart("file", "lon.pdf", padded(qms.MaxAttachmentBytes+1)))
		if code != http.StatusUnprocessableEntity || a.ID != "" || !strings.Contains(page, "10 MB") {
			t.Errorf("an 11 MB attachment: %d\n%.300s", code, page)
		}
		// A body over the limit: refused from its declared length, or while reading it when
		// it comes without one (chunked), here with the bulk in a field before a small file.
		body, ctype := rawMultipart(t, nil, filePart("file", "lon.pdf", padded(qms.UploadBytes+1)))
		if code, _, _ := k.iso.postRaw("/qms/documents/"+k.draft+"/attachments", body, ctype); code != http.StatusRequestEntityTooLarge {
			t.Errorf("an attachment body over the limit: %d", code)
		}
		body, ctype = rawMultipart(t, url.Values{"junk": {strings.Repeat("x", qms.UploadBytes)}}, filePart("file", "nho.pdf", pdf))
		if code, _, _ := k.iso.postRaw("/qms/documents/"+k.draft+"/attachments", io.MultiReader(body), ctype); code != http.StatusRequestEntityTooLarge {
			t.Errorf("a chunked attachment body over the limit: %d", code)
		}
		if n := attachments(); n != 0 {
			t.Errorf("oversized uploads stored %d files", n)
		}
		// The submission: a file over 5 MB, eleven files, a body over 20 MB.
		code, page, files := k.submit(t, 1, filePart("file_0", "lon.pdf", padded(int(portal.DefaultLimits.MaxFileBytes)+1)))
		if code != http.StatusUnprocessableEntity || files != nil || !strings.Contains(page, "lớn hơn 5 MB") {
			t.Errorf("a 5 MB+ paper: %d", code)
		}
		var many []rawPart
		for i := range portal.DefaultLimits.MaxFiles + 1 {
			many = append(many, filePart(fmt.Sprintf("file_%d", i), "x.pdf", pdf))
		}
		body, ctype = rawMultipart(t, k.submission(2), many...)
		if code, _, _ := newClient(t, k.srv).postRaw("/nop-truc-tuyen", body, ctype); code != http.StatusUnprocessableEntity {
			t.Errorf("eleven files: %d", code)
		}
		big := padded(int(portal.DefaultLimits.MaxFileBytes))
		many = nil
		for i := range 5 {
			many = append(many, filePart(fmt.Sprintf("file_%d", i), "x.pdf", big))
		}
		body, ctype = rawMultipart(t, k.submission(3), many...)
		if code, _, _ := newClient(t, k.srv).postRaw("/nop-truc-tuyen", io.MultiReader(body), ctype); code != http.StatusRequestEntityTooLarge {
			t.Errorf("a chunked submission over 20 MB: %d", code)
		}
		// A thousand tiny parts: refused before they are all read.
		var tiny []rawPart
		for i := range 1000 {
			tiny = append(tiny, rawPart{fmt.Sprintf(`form-data; name="f%d"`, i), []byte("x")})
		}
		body, ctype = rawMultipart(t, k.submission(4), tiny...)
		if code, _, _ := newClient(t, k.srv).postRaw("/nop-truc-tuyen", body, ctype); code != http.StatusBadRequest {
			t.Errorf("a thousand parts: %d", code)
		}
		if n := countDossiers(t, db); n != 0 {
			t.Errorf("refused submissions stored %d dossiers", n)
		}
	})
}
