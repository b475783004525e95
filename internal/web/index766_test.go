package web

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/motcua/motcua/internal/forms"
	"github.com/motcua/motcua/internal/i18n"
	"github.com/motcua/motcua/internal/report"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/user"
)

func apiIndex766Get(t *testing.T, c *client, query string) apiIndex766JSON {
	t.Helper()
	code, body, _ := c.get("/api/v1/reports/index766?" + query)
	if code != http.StatusOK {
		t.Fatalf("index766 API %s: %d %s", query, code, body)
	}
	var out apiIndex766JSON
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func index766Group(t *testing.T, res apiIndex766JSON, code string) apiIndex766GroupJSON {
	t.Helper()
	for _, g := range res.Groups {
		if g.Code == code {
			return g
		}
	}
	t.Fatalf("no group %s", code)
	return apiIndex766GroupJSON{}
}

// TestIndex766 checks the index of March 2026 in the report fixture: the province's
// progress group is 3 ÷ 5 × 20 = 12 in the page, the API and the workbook; the ranking
// puts commune B (2 of 2 on time) above A (1 of 3); the entries form refuses bad input
// in Vietnamese with the values kept, and only the unit's administrator or QMS secretary
// may enter.
func TestIndex766(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := reportFixture(t, db)
		overseer := signedIn(t, f, f.overseer)
		q := "unit_id=" + f.prov.ID + "&" + reportMarch

		res := apiIndex766Get(t, overseer, q+"&by=children")
		tdgq := index766Group(t, res, "TDGQ")
		ind := tdgq.Indicators[0]
		if tdgq.Score != 12 || *ind.NumeratorValue != 3 || *ind.DenominatorValue != 5 || ind.Working != "3 ÷ 5 × 20 = 12" {
			t.Fatalf("TDGQ: %+v %+v", tdgq.Score, ind)
		}
		if res.Version.Scope != "national" || res.Max != 100 || res.Measures["received"] != 5 || res.Measures["received_online"] != 1 {
			t.Errorf("index: %+v %v", res.Version, res.Measures)
		}
		var sum float64
		for _, g := range res.Groups {
			sum += g.Score
		}
		if report.Round2(sum) != res.Total || res.Missing != 4 || res.Rating.Name == "" {
			t.Errorf("total %v, groups %v, missing %d, rating %+v", res.Total, sum, res.Missing, res.Rating)
		}
		if len(res.Ranking) != 2 || res.Ranking[0].Unit.ID != f.b.ID || res.Ranking[1].Unit.ID != f.a.ID ||
			res.Ranking[0].Groups["TDGQ"] != 20 || res.Ranking[1].Groups["TDGQ"] != 6.67 || res.Ranking[0].Rank != 1 {
			t.Errorf("ranking: %+v", res.Ranking)
		}

		code, page, _ := overseer.get("/reports/index766?" + q)
		if code != http.StatusOK || !strings.Contains(page, `id="group-TDGQ">12<`) || !strings.Contains(page, "3 ÷ 5 × 20 = 12") ||
			!strings.Contains(page, "Xã Quảng Yên") || strings.Contains(page, `name="evidence"`) {
			t.Fatalf("page %d: %s", code, page)
		}
		// The report page links here with its unit and period.
		if _, rp, _ := overseer.get("/reports?" + q); !strings.Contains(rp, `href="/reports/index766?unit_id=`+f.prov.ID+`&amp;period=month&amp;year=2026&amp;month=3`) {
			t.Error("no link from the report page")
		}

		// The workbook: the ranking with scores as numbers, the unit's own as the total row.
		code, book, _ := overseer.get("/reports/index766/export.xlsx?" + q)
		if code != http.StatusOK {
			t.Fatalf("xlsx: %d", code)
		}
		x, err := excelize.OpenReader(strings.NewReader(book))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := x.GetRows(forms.ReportTableSheet, excelize.Options{RawCellValue: true})
		var unitRows [][]string
		for _, r := range rows {
			if len(r) > 3 && (r[1] == "Xã Quảng Yên" || r[1] == "Xã Thanh Ba" || r[1] == "Tỉnh Phú Thọ") {
				unitRows = append(unitRows, r)
			}
		}
		if len(unitRows) != 3 || unitRows[0][1] != "Xã Quảng Yên" || unitRows[0][3] != "20" || unitRows[2][3] != "12" {
			t.Fatalf("xlsx rows: %v", unitRows)
		}
		if typ, _ := x.GetCellType(forms.ReportTableSheet, "D"+itoa(len(rows))); typ == excelize.CellTypeSharedString {
			t.Error("scores are text")
		}

		// Entries: the commune's administrator enters; bad input keeps the values.
		admin := signedIn(t, f, f.adminA)
		qa := "unit_id=" + f.a.ID + "&" + reportMarch
		for _, c := range []struct {
			form url.Values
			want string
		}{
			{url.Values{"indicator": {"MDHL.2"}, "score": {"6,5"}, "evidence": {"Sổ theo dõi phản ánh quý I"}}, "vượt điểm tối đa 6 của chỉ số MDHL.2"},
			{url.Values{"indicator": {"XX.9"}, "score": {"1"}, "evidence": {"Sổ theo dõi phản ánh quý I"}}, "không có trong bộ chỉ số"},
			{url.Values{"indicator": {"MDHL.2"}, "score": {"5"}, "evidence": {" "}}, "Ghi bằng chứng"},
		} {
			code, body, _ := admin.post("/reports/index766/entries?"+qa, c.form)
			if code != http.StatusBadRequest || !strings.Contains(body, c.want) || !strings.Contains(body, "value=\""+c.form.Get("score")+"\"") {
				t.Errorf("%v: %d, want %q", c.form, code, c.want)
			}
			if ev := strings.TrimSpace(c.form.Get("evidence")); ev != "" && !strings.Contains(body, ev+"</textarea>") {
				t.Errorf("%v: evidence lost", c.form)
			}
		}
		code, _, h := admin.post("/reports/index766/entries?"+qa, url.Values{"indicator": {"MDHL.2"}, "score": {"5,5"},
			"evidence": {"Sổ theo dõi phản ánh quý I: 11/12 đúng hạn"}})
		if code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/reports/index766?") {
			t.Fatalf("entry: %d %v", code, h)
		}
		after := apiIndex766Get(t, admin, qa)
		mdhl := index766Group(t, after, "MDHL").Indicators[1]
		if mdhl.Entry == nil || mdhl.Entry.Score != 5.5 || mdhl.Entry.EnteredBy != f.adminA.FullName || mdhl.Score != 5.5 || after.Missing != 3 {
			t.Fatalf("entered: %+v", mdhl)
		}
		if _, page, _ := admin.get("/reports/index766?" + qa); !strings.Contains(page, "11/12 đúng hạn") || !strings.Contains(page, `name="evidence"`) {
			t.Error("the entry is not shown")
		}
		// Who may not: a receiver (no reports), another commune's administrator (not found),
		// the overseer (reads only).
		for _, c := range []struct {
			u    user.User
			code int
		}{{f.receiverA, http.StatusForbidden}, {f.adminB, http.StatusNotFound}, {f.overseer, http.StatusForbidden}} {
			cl := signedIn(t, f, c.u)
			if code, _, _ := cl.post("/reports/index766/entries?"+qa, url.Values{"indicator": {"MDHL.2"}, "score": {"1"},
				"evidence": {"x"}}); code != c.code {
				t.Errorf("%s: %d, want %d", c.u.Email, code, c.code)
			}
		}
		if code, _, _ := overseer.get("/api/v1/reports/index766?unit_id=" + f.prov.ID + "&period=month&month=13"); code != http.StatusBadRequest {
			t.Errorf("bad period: %d", code)
		}
		// Before the decision, no index is in force: said, not failed.
		if code, page, _ := overseer.get("/reports/index766?unit_id=" + f.prov.ID + "&period=year&year=2021"); code != http.StatusOK ||
			!strings.Contains(page, "Không có bộ chỉ số nào có hiệu lực") {
			t.Errorf("2021: %d", code)
		}
	})
}

// postMultipart posts a definition as an uploaded file.
func postMultipart(t *testing.T, c *client, path string, fields map[string]string, file []byte) (int, string, http.Header) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", "index.json")
	_, _ = fw.Write(file)
	_ = mw.Close()
	req, _ := http.NewRequest("POST", c.base+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

// TestIndex766Definitions checks the versions: the national default is listed; only a
// province's administrator (here the system administrator) may load one; a bad file is
// refused with its lines and kept in the form; a good one scores the province from its
// first day while the old version stays readable.
func TestIndex766Definitions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := reportFixture(t, db)
		root := signedIn(t, f, f.systemAdmin)
		code, list, _ := root.get("/reports/index766/definitions")
		if code != http.StatusOK || !strings.Contains(list, "766/QĐ-TTg (2022)") || !strings.Contains(list, "/reports/index766/definitions/new?province_id="+f.prov.ID) {
			t.Fatalf("list %d", code)
		}
		for _, u := range []user.User{f.adminA, f.overseer} {
			cl := signedIn(t, f, u)
			if code, _, _ := cl.get("/reports/index766/definitions/new"); code != http.StatusForbidden {
				t.Errorf("%s new: %d", u.Email, code)
			}
			if code, _, _ := cl.post("/reports/index766/definitions", url.Values{"province_id": {f.prov.ID}, "body": {"{}"}}); code != http.StatusForbidden {
				t.Errorf("%s create: %d", u.Email, code)
			}
		}
		if code, form, _ := root.get("/reports/index766/definitions/new?province_id=" + f.prov.ID); code != http.StatusOK || !strings.Contains(form, "procedures_with_fees_online") {
			t.Fatalf("form %d", code)
		}
		good := strings.Replace(strings.Replace(string(report.DefaultDefinitionJSON), `"version": "766/QĐ-TTg (2022)"`, `"version": "PT-2026"`, 1),
			`"effective_from": "2022-06-23"`, `"effective_from": "2026-03-01"`, 1)
		bad := strings.Replace(good, `"numerator": ["digitised"]`, `"numerator": ["scanned"]`, 1)
		line := 1 + strings.Count(bad[:strings.Index(bad, `"scanned"`)], "\n")
		code, body, _ := postMultipart(t, root, "/reports/index766/definitions", map[string]string{"province_id": f.prov.ID}, []byte(bad))
		if code != http.StatusBadRequest || !strings.Contains(body, "Dòng "+itoa(line)+": số liệu &#34;scanned&#34; không có trong danh mục") ||
			!strings.Contains(body, "&#34;scanned&#34;]") {
			t.Fatalf("bad file: %d %s", code, regexp.MustCompile(`(?s)<ul class="alert".*?</ul>`).FindString(body))
		}
		code, _, h := postMultipart(t, root, "/reports/index766/definitions", map[string]string{"province_id": f.prov.ID}, []byte(good))
		if code != http.StatusSeeOther {
			t.Fatalf("good file: %d", code)
		}
		id := strings.TrimPrefix(h.Get("Location"), "/reports/index766/definitions/")
		if code, view, _ := root.get(h.Get("Location")); code != http.StatusOK || !strings.Contains(view, "PT-2026") ||
			strings.Contains(view, `name="body"`) { // in force since 1 March: read-only
			t.Fatalf("view %d", code)
		}
		if code, _, _ := root.post("/reports/index766/definitions/"+id, url.Values{"body": {good}}); code != http.StatusBadRequest {
			t.Errorf("edit in force: %d", code)
		}
		overseer := signedIn(t, f, f.overseer)
		res := apiIndex766Get(t, overseer, "unit_id="+f.prov.ID+"&"+reportMarch)
		if res.Version.ID != id || res.Version.Scope != f.prov.ID {
			t.Errorf("March is scored with %+v", res.Version)
		}
		if feb := apiIndex766Get(t, overseer, "unit_id="+f.prov.ID+"&period=month&year=2026&month=2"); feb.Version.Scope != "national" {
			t.Errorf("February is scored with %+v", feb.Version)
		}
		if code, _, _ := overseer.get("/reports/index766/definitions/" + id); code != http.StatusOK {
			t.Errorf("the overseer reads the version: %d", code)
		}
		if code, _, _ := signedIn(t, f, f.receiverA).get("/reports/index766/definitions/" + id); code != http.StatusForbidden {
			t.Errorf("a receiver: %d", code)
		}
	})
}

// TestIndex766Keys checks that every message key the index uses exists in both languages:
// the definition errors of the report package and the measures.
func TestIndex766Keys(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, m := range report.MeasureNames {
		keys["index766.measure."+string(m)] = true
	}
	for _, e := range []report.IfEmpty{report.EmptyFull, report.EmptyZero} {
		keys["index766.formula_if_empty_"+string(e)] = true
	}
	for _, file := range []string{"../report/index766.go", "../report/index766_parse.go"} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`"(index766\.[a-z_.]+)"`).FindAllStringSubmatch(string(b), -1) {
			keys[m[1]] = true
		}
	}
	if len(keys) < 50 {
		t.Fatalf("only %d keys", len(keys))
	}
	for k := range keys {
		for _, lang := range []string{"vi", "en"} {
			if _, ok := cat.Lookup(lang, k); !ok {
				t.Errorf("%s missing from %s", k, lang)
			}
		}
	}
}
