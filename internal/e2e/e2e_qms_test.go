package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/demo"
	"github.com/motcua/motcua/internal/report"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
)

// TestAnnualEvaluation (issue 11, the QMS secretary's step): Xã Vân Lĩnh's secretary opens
// the commune's 2022 report on maintaining and improving its QMS, checks its figures
// against the data, adds a proposal and downloads the report; the district's secretary
// opens the district's report, sees the seed's 26.298 dossiers and 26.243 on time
// (99,79%), the share of officials with an official mailbox and the communes compared,
// opens a completed commune's sealed report and downloads the report and the comparison.
// Every page is checked at 390 px and at desktop width, and photographed.
func TestAnnualEvaluation(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the demo's 26,000 dossiers")
	}
	db, base := startDemoWith(t, demo.Options{})
	ctx := context.Background()
	in2022 := unit.NewDate(2022, 6, 1)
	district, err := db.UnitByCode(ctx, "232", in2022)
	if err != nil {
		t.Fatal(err)
	}
	vanLinh, err := db.UnitByCode(ctx, "08156", in2022)
	if err != nil {
		t.Fatal(err)
	}
	dongLinh, err := db.UnitByCode(ctx, "08158", in2022)
	if err != nil {
		t.Fatal(err)
	}
	browsers := newChromium(t, base)

	// The commune's secretary: the draft report with its figures from the data.
	iso := browsers.tab("commune QMS secretary")
	signIn(iso, "iso.vanlinh.2022@demo.motcua.vn")
	iso.open("/qms/units/" + vanLinh.ID)
	iso.run("open the annual evaluation", clickOn(`nav.subnav a[href$="/evaluations"]`))
	iso.waitFor("the commune's report", "Báo cáo đánh giá việc duy trì, cải tiến hệ thống quản lý chất lượng năm 2022")
	st, err := db.Stats(ctx, store.StatsQuery{Under: []string{vanLinh.Path}, From: noon(2022, 1, 1), To: noon(2022, 12, 31)})
	if err != nil {
		t.Fatal(err)
	}
	it, err := db.ITYear(ctx, vanLinh, 2022, nil)
	if err != nil {
		t.Fatal(err)
	}
	mail := it.Value(report.ITOfficialMail)
	iso.expect("the commune's figures", "Xã Vân Lĩnh", "Dự thảo", "Hồ sơ tiếp nhận trong năm",
		viCount(st.OnTime())+" / "+viCount(st.Received())+" = "+viPercent(st.OnTime(), st.Received()),
		"Tỷ lệ cán bộ, công chức có hộp thư điện tử công vụ", viPercent(mail.Num, mail.Den), viCount(mail.Num)+" ÷ "+viCount(mail.Den),
		"NHỮNG TỒN TẠI, HẠN CHẾ", "hồ sơ tiếp nhận trong năm giải quyết quá hạn", "KIẾN NGHỊ, ĐỀ XUẤT",
		"Kiến nghị: Đề nghị UBND tỉnh sớm cấp chứng thư số")
	if st.Received() == 0 || st.CohortLate == 0 {
		t.Fatalf("Vân Lĩnh's 2022: %+v", st)
	}
	iso.widths("the commune's report")
	iso.fill(map[string]string{`form[action$="/proposals"] select[name=kind]`: "proposal",
		`form[action$="/proposals"] textarea[name=text]`: "Trang bị thêm 01 máy tính cho bộ phận một cửa."})
	iso.submit(`form[action$="/proposals"] button[type=submit]`)
	iso.expect("the proposal added", "Đã thêm kiến nghị, đề xuất vào báo cáo năm 2022", "Đề xuất: Trang bị thêm 01 máy tính")
	page := fmt.Sprintf("/qms/units/%s/evaluations/2022", vanLinh.ID)
	pdfHas(t, iso, page+"/report.pdf", "Xã Vân Lĩnh", "BÁO CÁO ĐÁNH GIÁ VIỆC DUY TRÌ", "Trang bị thêm 01 máy tính")
	xlsxHas(t, iso, page+"/report.xlsx", "Đơn vị: Xã Vân Lĩnh")
	checkLinks(t, iso)

	// The district's secretary: the district's report and the communes compared.
	dist := browsers.tab("district QMS secretary")
	signIn(dist, "iso.huyenthanhba.2022@demo.motcua.vn")
	dist.open("/qms")
	dist.expect("the QMS index", "Huyện Thanh Ba", "Xã Vân Lĩnh", "Báo cáo năm")
	dist.run("open the district's annual report", clickOn(`a[href="/qms/units/`+district.ID+`/evaluations"]`))
	dist.waitFor("the district's report", "So sánh các đơn vị trực thuộc")
	dist.expect("the district's figures", "Huyện Thanh Ba", "26.298", "26.243", "26.243 / 26.298 = 99,79%", "90,00%", "27 ÷ 30",
		"Xã Vân Lĩnh", "Thị trấn Thanh Ba", "Xã Lương Lỗ", "Tổng cộng", "15/19 đã hoàn thành", "Đã hoàn thành", "Dự thảo")
	totals := get(dist, "the comparison's totals", chromedp.Text(chromedp.CSS(`tfoot`)))
	for _, want := range []string{"26.298", "26.243", "99,79%"} {
		if !strings.Contains(totals, want) {
			t.Errorf("the totals row %q lacks %s", totals, want)
		}
	}
	dist.widths("the district's report")
	dpage := fmt.Sprintf("/qms/units/%s/evaluations/2022", district.ID)
	pdfHas(t, dist, dpage+"/report.pdf", "Huyện Thanh Ba", "26.243 / 26.298 = 99,79%")
	pdfHas(t, dist, dpage+"/summary.pdf", "TỔNG HỢP ĐÁNH GIÁ", "Xã Đông Lĩnh", "26.298")
	xlsxHas(t, dist, dpage+"/summary.xlsx", "Xã Lương Lỗ")

	// A completed commune's report, from the comparison: sealed, with its hash.
	dist.run("open Xã Đông Lĩnh", clickOn(`a[href="/qms/units/`+dongLinh.ID+`/evaluations/2022"]`))
	dist.waitFor("Xã Đông Lĩnh's report", "Mã kiểm tra SHA-256")
	dist.expect("the sealed report", "Xã Đông Lĩnh", "Đã hoàn thành", "Quyết định số 46/QĐ-UBND ngày 03/06/2021")
	dist.widths("a completed report")
	if strings.Contains(dist.text(), "Hoàn thành báo cáo") {
		t.Error("a completed report still offers to complete it")
	}
}

// waitFor waits until the page shows a text (after a click that navigates).
func (b *browser) waitFor(what, text string) {
	b.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
		body, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.readyState === 'complete' ? document.body.innerText : ''`))
		cancel()
		if err == nil && strings.Contains(body, text) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.t.Fatalf("%s: %q never showed:\n%s", what, text, clip(b.text()))
}

// fetchAll requests a URL from inside the page (with its cookies) and returns the status,
// the content type and the whole body.
func (b *browser) fetchAll(url string) (int, string, []byte) {
	b.t.Helper()
	type result struct {
		Status int    `json:"status"`
		Type   string `json:"type"`
		Body   string `json:"body"`
	}
	js := fmt.Sprintf(`fetch(%q).then(async r => { const buf = new Uint8Array(await r.arrayBuffer()); let s = '';
		for (let i = 0; i < buf.length; i += 8192) s += String.fromCharCode(...buf.subarray(i, i + 8192));
		return {status: r.status, type: r.headers.get('content-type') || '', body: btoa(s)}; })`, url)
	res := get(b, "fetch "+url, chromedp.Evaluate[result](js, chromedp.EvalAwaitPromise))
	body, err := base64.StdEncoding.DecodeString(res.Body)
	if err != nil {
		b.t.Fatalf("fetch %s: %v", url, err)
	}
	return res.Status, res.Type, body
}

// pdfHas downloads a PDF as the official would and checks its text (pdftotext, as the
// forms tests read them) shows every string, Vietnamese letters included.
func pdfHas(t *testing.T, b *browser, url string, wants ...string) {
	t.Helper()
	status, ctype, body := b.fetchAll(url)
	if status != 200 || ctype != "application/pdf" || !bytes.HasPrefix(body, []byte("%PDF-")) {
		t.Fatalf("%s: %d %s", url, status, ctype)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext is not installed: .ci/run installs poppler-utils")
		}
		t.Logf("pdftotext not installed: %s not read back", url)
		return
	}
	file := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(file, body, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", url, err)
	}
	text := strings.Join(strings.Fields(string(out)), " ")
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s does not show %q:\n%s", url, w, clip(text))
		}
	}
}

// xlsxHas downloads a workbook and checks one of its sheets holds a cell with the text.
func xlsxHas(t *testing.T, b *browser, url, want string) {
	t.Helper()
	status, ctype, body := b.fetchAll(url)
	if status != 200 || ctype != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("%s: %d %s", url, status, ctype)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	defer f.Close()
	for _, sheet := range f.GetSheetList() {
		rows, _ := f.GetRows(sheet)
		for _, r := range rows {
			for _, c := range r {
				if strings.Contains(c, want) {
					return
				}
			}
		}
	}
	t.Errorf("%s has no cell with %q", url, want)
}

// noon is noon of a day in Vietnam.
func noon(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 12, 0, 0, 0, calendar.Location())
}

// viCount writes a count with dots between thousands, as the pages do in Vietnamese.
func viCount(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// viPercent writes num ÷ den as a percentage with two decimals and a decimal comma.
func viPercent(num, den int64) string {
	return strings.Replace(strconv.FormatFloat(100*float64(num)/float64(den), 'f', 2, 64), ".", ",", 1) + "%"
}
