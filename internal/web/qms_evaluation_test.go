package web

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/i18n"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/user"
)

// TestQMSEvaluationPages: commune A's QMS secretary opens the year's report, writes the
// assessment and a proposal (an empty one is refused with the form kept), downloads it as
// PDF and XLSX and completes it; then nothing changes any more. The province's overseer
// compares A and B with their total but edits nothing; A's administrator reads but cannot
// edit; B's secretary does not see A.
func TestQMSEvaluationPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		isoA := f.official(t, "iso.a@demo.motcua.vn", "Đỗ Thị Thư", f.a, user.QMS)
		isoB := f.official(t, "iso.b@demo.motcua.vn", "Ngô Văn Khác", f.b, user.QMS)
		year := time.Now().In(vnZone).Year()
		page := fmt.Sprintf("/qms/units/%s/evaluations/%d", f.a.ID, year)
		iso := signedIn(t, f, isoA)

		code, _, h := iso.get("/qms/units/" + f.a.ID + "/evaluations")
		if code != http.StatusSeeOther || h.Get("Location") != page {
			t.Fatalf("evaluations of A: %d → %q", code, h.Get("Location"))
		}
		code, body, _ := iso.get(page)
		if code != 200 || !strings.Contains(body, fmt.Sprintf("Báo cáo đánh giá việc duy trì, cải tiến hệ thống quản lý chất lượng năm %d", year)) ||
			!strings.Contains(body, "Tỷ lệ giải quyết đúng hạn") || !strings.Contains(body, "0 / 0 = —") ||
			!strings.Contains(body, "Chưa công bố hệ thống quản lý chất lượng phù hợp") || !strings.Contains(body, "Dự thảo") {
			t.Fatalf("report: %d %s", code, itClip(body))
		}
		code, body, _ = iso.post(page+"/proposals", url.Values{"kind": {"recommendation"}, "text": {"  "}})
		if code != http.StatusBadRequest && code != http.StatusUnprocessableEntity || !strings.Contains(body, "Đề nghị UBND huyện hỗ trợ") {
			t.Fatalf("empty proposal: %d %s", code, itClip(body))
		}
		for _, form := range []struct {
			path string
			v    url.Values
		}{
			{page, url.Values{"summary": {"Hệ thống được duy trì ổn định."}}},
			{page + "/proposals", url.Values{"kind": {"recommendation"}, "text": {"Đề nghị UBND tỉnh cấp chứng thư số cho văn thư"}}},
		} {
			if code, body, _ := iso.post(form.path, form.v); code != http.StatusSeeOther {
				t.Fatalf("%s: %d %s", form.path, code, itClip(body))
			}
		}
		if _, body, _ = iso.get(page); !strings.Contains(body, "Kiến nghị: Đề nghị UBND tỉnh cấp chứng thư số cho văn thư") ||
			!strings.Contains(body, "Hệ thống được duy trì ổn định.") {
			t.Fatalf("draft: %s", itClip(body))
		}
		for _, x := range []struct{ path, ctype, head string }{
			{page + "/report.pdf", "application/pdf", "%PDF-"},
			{page + "/report.xlsx", evalXLSXType, "PK"},
		} {
			code, body, h := iso.get(x.path)
			if code != 200 || h.Get("Content-Type") != x.ctype || !strings.HasPrefix(body, x.head) {
				t.Fatalf("%s: %d %s", x.path, code, h.Get("Content-Type"))
			}
		}
		if code, _, _ := iso.get(page + "/summary.pdf"); code != http.StatusNotFound {
			t.Fatalf("a commune's summary of units below: %d", code)
		}

		admin := signedIn(t, f, f.adminA)
		if code, _, _ := admin.get(page); code != 200 {
			t.Fatalf("A's administrator reads: %d", code)
		}
		if code, _, _ := admin.post(page+"/proposals", url.Values{"kind": {"proposal"}, "text": {"x"}}); code != http.StatusForbidden {
			t.Fatalf("A's administrator adds a proposal: %d", code)
		}
		if code, _, _ := signedIn(t, f, isoB).get(page); code != http.StatusNotFound {
			t.Fatalf("B's secretary opens A: %d", code)
		}
		if code, _, _ := signedIn(t, f, f.receiverA).get(page); code != http.StatusForbidden {
			t.Fatalf("A's receiver opens the report: %d", code)
		}
		if code, _, _ := iso.get(fmt.Sprintf("/qms/units/%s/evaluations/%d", f.a.ID, year+1)); code != http.StatusBadRequest && code != http.StatusUnprocessableEntity {
			t.Fatalf("a year to come: %d", code)
		}
		if code, _, _ := iso.get("/qms/units/" + f.a.ID + "/evaluations/abc"); code != http.StatusNotFound {
			t.Fatalf("a year that is no year: %d", code)
		}

		if code, _, _ := iso.post(page+"/finalize", nil); code != http.StatusSeeOther {
			t.Fatalf("finalize: %d", code)
		}
		_, body, _ = iso.get(page)
		if !strings.Contains(body, "Đã hoàn thành") || !strings.Contains(body, "Mã kiểm tra SHA-256") || strings.Contains(body, page+"/proposals\"") {
			t.Fatalf("final: %s", itClip(body))
		}
		code, body, _ = iso.post(page, url.Values{"summary": {"khác"}})
		if code != http.StatusConflict || !strings.Contains(body, "Báo cáo đã hoàn thành, không sửa được nữa.") {
			t.Fatalf("editing a final report: %d %s", code, itClip(body))
		}

		overseer := signedIn(t, f, f.overseer)
		prov := fmt.Sprintf("/qms/units/%s/evaluations/%d", f.prov.ID, year)
		code, body, _ = overseer.get(prov)
		if code != 200 || !strings.Contains(body, "So sánh các đơn vị trực thuộc") || !strings.Contains(body, "Xã Thanh Ba") ||
			!strings.Contains(body, "Xã Quảng Yên") || !strings.Contains(body, "1/2 đã hoàn thành") {
			t.Fatalf("province: %d %s", code, itClip(body))
		}
		for _, x := range []struct{ path, ctype string }{{prov + "/summary.pdf", "application/pdf"}, {prov + "/summary.xlsx", evalXLSXType}} {
			if code, _, h := overseer.get(x.path); code != 200 || h.Get("Content-Type") != x.ctype {
				t.Fatalf("%s: %d %s", x.path, code, h.Get("Content-Type"))
			}
		}
		if code, _, _ := overseer.post(prov+"/proposals", url.Values{"kind": {"proposal"}, "text": {"x"}}); code != http.StatusForbidden {
			t.Fatalf("the overseer adds a proposal: %d", code)
		}
	})
}

// TestQMSEvaluationCatalog checks the evaluation's messages exist in both languages: the
// keys written in its Go files and those built from its enumerations.
func TestQMSEvaluationCatalog(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	used := evalEnumKeys()
	key := regexp.MustCompile(`"((?:qms_evaluation|qms|itindicator)\.[a-z_.]*[a-z])"`)
	var files []string
	for _, g := range []string{"qms_evaluation.go", "../qms/evaluation.go", "../store/qms_evaluation.go"} {
		m, _ := filepath.Glob(g)
		files = append(files, m...)
	}
	for _, f := range files {
		b, _ := os.ReadFile(f)
		for _, m := range key.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = f
		}
	}
	if len(used) < 60 {
		t.Fatalf("only %d keys: the scan is broken", len(used))
	}
	for k, where := range used {
		if _, action := used["qms.event."+strings.TrimPrefix(k, "qms.")]; action && !strings.HasPrefix(k, "qms.event.") {
			continue // an audit action, whose message is qms.event.<action>
		}
		for _, lang := range []string{"vi", "en"} {
			if _, ok := cat.Lookup(lang, k); !ok {
				t.Errorf("%s: %q missing from %s", where, k, lang)
			}
		}
	}
}
