package web

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/i18n"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/user"
)

// TestITIndicatorPages: commune A's administrator sets its official mail domain, sees the
// share of its officials with an official mailbox with its formula and inputs, enters the
// computers with evidence (a missing evidence is refused with the form kept), and closes
// the year; the province's overseer reads A and B side by side but changes nothing; B's
// administrator does not see A.
func TestITIndicatorPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.official(t, "van.thu@thanhba.gov.vn", "Vũ Thị Văn", f.a, user.Handler)
		admin := signedIn(t, f, f.adminA)
		page := "/it-indicators/units/" + f.a.ID + "?year=2025"

		code, body, _ := admin.post("/it-indicators/units/"+f.a.ID+"/domains", url.Values{"pattern": {"gov"}, "year": {"2025"}})
		if code != http.StatusUnprocessableEntity && code != http.StatusBadRequest || !strings.Contains(body, "Tên miền không hợp lệ") {
			t.Fatalf("bad domain: %d %s", code, itClip(body))
		}
		if code, _, _ := admin.post("/it-indicators/units/"+f.a.ID+"/domains", url.Values{"pattern": {"*.gov.vn"}, "year": {"2025"}}); code != http.StatusSeeOther {
			t.Fatalf("add domain: %d", code)
		}
		code, body, _ = admin.get(page)
		if code != 200 || !strings.Contains(body, "33,33%") || !strings.Contains(body, "1 ÷ 3") ||
			!strings.Contains(body, "Tỷ lệ cán bộ, công chức có hộp thư điện tử công vụ") || !strings.Contains(body, "*.gov.vn") {
			t.Fatalf("page: %d %s", code, itClip(body))
		}

		entries := "/it-indicators/units/" + f.a.ID + "/entries"
		code, body, _ = admin.post(entries, url.Values{"year": {"2025"}, "indicator": {"computers"}, "value": {"2"}})
		if code != http.StatusUnprocessableEntity && code != http.StatusBadRequest || !strings.Contains(body, "Ghi căn cứ của số liệu") ||
			!strings.Contains(body, `value="2"`) {
			t.Fatalf("entry without evidence: %d %s", code, itClip(body))
		}
		if code, _, _ := admin.post(entries, url.Values{"year": {"2025"}, "indicator": {"computers"}, "value": {"2"},
			"note": {"Biên bản kiểm kê ngày 30/6/2025"}}); code != http.StatusSeeOther {
			t.Fatalf("entry: %d", code)
		}
		if _, body, _ = admin.get(page); !strings.Contains(body, "0,67") || !strings.Contains(body, "Biên bản kiểm kê ngày 30/6/2025") {
			t.Fatalf("entered computers: %s", itClip(body))
		}

		overseer := signedIn(t, f, f.overseer)
		code, body, _ = overseer.get("/it-indicators/units/" + f.prov.ID + "?year=2025")
		if code != 200 || !strings.Contains(body, "Xã Thanh Ba") || !strings.Contains(body, "Xã Quảng Yên") || !strings.Contains(body, "Cộng các đơn vị trực thuộc") {
			t.Fatalf("province page: %d %s", code, itClip(body))
		}
		if code, _, _ := overseer.post(entries, url.Values{"year": {"2025"}, "indicator": {"internet"}, "yes_no": {"1"}, "note": {"x"}}); code != http.StatusForbidden {
			t.Fatalf("overseer enters: %d", code)
		}
		if code, _, _ := signedIn(t, f, f.adminB).get(page); code != http.StatusNotFound {
			t.Fatalf("B's administrator opens A: %d", code)
		}
		if code, _, _ := signedIn(t, f, f.receiverA).get(page); code != http.StatusForbidden {
			t.Fatalf("A's receiver opens the indicators: %d", code)
		}

		if code, _, _ := admin.post("/it-indicators/units/"+f.a.ID+"/close", url.Values{"year": {"2025"}}); code != http.StatusSeeOther {
			t.Fatalf("close: %d", code)
		}
		code, body, _ = admin.post(entries, url.Values{"year": {"2025"}, "indicator": {"internet"}, "yes_no": {"1"}, "note": {"Hợp đồng"}})
		if code != http.StatusConflict || !strings.Contains(body, "đã được chốt") {
			t.Fatalf("entry after closing: %d %s", code, itClip(body))
		}
		if _, body, _ = admin.get(page); !strings.Contains(body, "Đã chốt") || strings.Contains(body, `action="/it-indicators/units/`+f.a.ID+`/entries"`) {
			t.Fatalf("closed page: %s", itClip(body))
		}
	})
}

// TestITIndicatorCatalog checks the messages of the indicators' rules and names exist in
// both languages.
func TestITIndicatorCatalog(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	used := itEnumKeys()
	key := regexp.MustCompile(`failure\.(?:InvalidField|New)\([^"]*"[^"]*", "(itindicator\.[a-z_.]+)"`)
	files, _ := filepath.Glob("../report/itindicator*.go")
	for _, f := range files {
		b, _ := os.ReadFile(f)
		for _, m := range key.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = f
		}
	}
	if len(used) < 20 {
		t.Fatalf("only %d keys: the scan is broken", len(used))
	}
	for k, where := range used {
		for _, lang := range []string{"vi", "en"} {
			if _, ok := cat.Lookup(lang, k); !ok {
				t.Errorf("%s: %q missing from %s", where, k, lang)
			}
		}
	}
}

func itClip(s string) string {
	if len(s) > 3000 {
		return s[:3000] + "…"
	}
	return s
}
