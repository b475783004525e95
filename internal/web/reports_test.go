package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/forms"
	"github.com/motcua/motcua/internal/i18n"
	"github.com/motcua/motcua/internal/report"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/user"
)

// reportNow is the clock of the report tests: mid-April 2026, so March is over.
var reportNow = time.Date(2026, 4, 15, 10, 0, 0, 0, calendar.Location())

func reportAt(m time.Month, d, h int) time.Time {
	return time.Date(2026, m, d, h, 0, 0, 0, calendar.Location())
}

// reportDesk plays dossiers through the store at fixed times in one agency.
type reportDesk struct {
	t                          *testing.T
	db                         *store.DB
	agency                     unit.Unit
	receiver, handler, approve auth.Actor
	comps                      []dossier.Component
}

func reportActor(t *testing.T, db *store.DB, u user.User) auth.Actor {
	t.Helper()
	as, err := db.Assignments(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return auth.Actor{UserID: u.ID, Assignments: as}
}

func newReportDesk(t *testing.T, f *fixture, commune, agency unit.Unit, tag string) *reportDesk {
	t.Helper()
	ctx := context.Background()
	if err := f.db.PublishProcedure(ctx, commune.ID, "1.004873", unit.NewDate(2025, 7, 1), ""); err != nil {
		t.Fatal(err)
	}
	p, err := f.db.Procedure(ctx, "1.004873")
	if err != nil {
		t.Fatal(err)
	}
	var comps []dossier.Component
	for _, c := range p.Latest().Components {
		comps = append(comps, dossier.Component{Name: c.Name, Received: true, Digitised: true})
	}
	mk := func(role user.Role) auth.Actor {
		return reportActor(t, f.db, f.official(t, string(role)+"."+tag+"@demo.motcua.vn", "Cán Bộ "+tag, commune, role))
	}
	return &reportDesk{t: t, db: f.db, agency: agency, comps: comps,
		receiver: mk(user.Receiver), handler: mk(user.Handler), approve: mk(user.Approver)}
}

func (k *reportDesk) receive(key string, at time.Time, ch dossier.Channel) dossier.Dossier {
	k.t.Helper()
	d, err := k.db.Receive(context.Background(), k.receiver, store.IntakeRequest{UnitID: k.agency.ID, ProcedureCode: "1.004873",
		Channel: ch, Applicant: dossier.Applicant{Name: "Nguyễn Thị Hương", IDNumber: "025190012345", Phone: "0912345678",
			Address: "Khu 3"}, Components: k.comps, Payment: dossier.PaidCash, IdempotencyKey: key, At: at})
	if err != nil {
		k.t.Fatalf("receive %s: %v", key, err)
	}
	return d
}

// resolve forwards a dossier through examination and approval at the time given.
func (k *reportDesk) resolve(d dossier.Dossier, at time.Time) dossier.Dossier {
	k.t.Helper()
	for _, who := range []auth.Actor{k.receiver, k.handler, k.approve} {
		var err error
		d, err = k.db.Act(context.Background(), who, dossier.Command{DossierID: d.ID, Version: d.Version, Action: dossier.ActForward, At: at})
		if err != nil {
			k.t.Fatalf("forward: %v", err)
		}
	}
	return d
}

// reportFixture is the web fixture with two communes' dossiers of March 2026 (3-day
// limit, so received Monday 09:00 is due Thursday 09:00) and a server whose clock is
// reportNow:
//
//	commune A: a0 received 26 Feb, still open (carried over, overdue); a1 desk 2 Mar,
//	           ready 3 Mar (early); a2 online 3 Mar, ready 11 Mar (late), returned 12 Mar;
//	           a3 desk 25 Mar, open (due 30 Mar: overdue on 31 Mar)
//	commune B: b1 post 4 Mar, ready 5 Mar (early); b2 desk 10 Mar, ready 13 Mar 08:00
//	           (on time: the due day, before 09:00)
//
// March at the province: 5 received, 3 resolved on time → 3 / 5 = 60,00%.
func reportFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	f := newFixture(t, db)
	loadSample(t, db)
	agencyB := unit.Unit{Code: "TTPVHCC-08173", Name: "Trung tâm PVHCC xã Quảng Yên", Kind: unit.Centre, ParentID: f.b.ID,
		AgencyCode: "000.52.17.H29", ValidFrom: unit.NewDate(2025, 7, 1)}
	if err := db.CreateUnit(context.Background(), &agencyB); err != nil {
		t.Fatal(err)
	}
	a, b := newReportDesk(t, f, f.a, f.agencyA, "a"), newReportDesk(t, f, f.b, agencyB, "b")
	a.receive("a0", time.Date(2026, 2, 26, 9, 0, 0, 0, calendar.Location()), dossier.AtDesk)
	a.resolve(a.receive("a1", reportAt(3, 2, 9), dossier.AtDesk), reportAt(3, 3, 10))
	a2 := a.resolve(a.receive("a2", reportAt(3, 3, 9), dossier.Online), reportAt(3, 11, 10))
	if _, err := db.Act(context.Background(), a.receiver, dossier.Command{DossierID: a2.ID, Version: a2.Version,
		Action: dossier.ActReturn, Channel: dossier.AtDesk, Electronic: true, At: reportAt(3, 12, 9)}); err != nil {
		t.Fatal(err)
	}
	a.receive("a3", reportAt(3, 25, 9), dossier.AtDesk)
	b.resolve(b.receive("b1", reportAt(3, 4, 9), dossier.ByPost), reportAt(3, 5, 10))
	b.resolve(b.receive("b2", reportAt(3, 10, 9), dossier.AtDesk), reportAt(3, 13, 8))
	h, err := New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{Version: "test", Now: func() time.Time { return reportNow }})
	if err != nil {
		t.Fatal(err)
	}
	f.srv = httptest.NewServer(h)
	t.Cleanup(f.srv.Close)
	return f
}

const reportMarch = "period=month&year=2026&month=3"

// apiReport fetches the JSON report.
func apiReport(t *testing.T, c *client, query string) apiReportJSON {
	t.Helper()
	code, body, _ := c.get("/api/v1/reports/stats?" + query)
	if code != http.StatusOK {
		t.Fatalf("API %s: %d %s", query, code, body)
	}
	var out apiReportJSON
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatalf("%v\n%s", err, body)
	}
	return out
}

// reportStatsValues lists a JSON report's counts in the order of statFigures, and its rates'
// parts in the order of statRates.
func reportStatsValues(t *testing.T, s apiStatsJSON) (counts []int64, rates []apiRateJSON) {
	t.Helper()
	b, _ := json.Marshal(s)
	var m map[string]json.RawMessage
	_ = json.Unmarshal(b, &m)
	for _, f := range statFigures {
		n, err := strconv.ParseInt(string(m[f.Key]), 10, 64)
		if err != nil {
			t.Fatalf("figure %s missing from the API: %s", f.Key, m[f.Key])
		}
		counts = append(counts, n)
	}
	for _, r := range statRates {
		var rate apiRateJSON
		if err := json.Unmarshal(m[r.Key], &rate); err != nil {
			t.Fatalf("rate %s missing from the API", r.Key)
		}
		rates = append(rates, rate)
	}
	return counts, rates
}

var (
	reportPageFigure = regexp.MustCompile(`<tr id="fig-([a-z_]+)"[^>]*><td>[^<]*</td><td class="num">([^<]*)</td>`)
	reportPageRate   = regexp.MustCompile(`<tr id="rate-([a-z_]+)"><td>[^<]*</td><td class="num" data-num="([^"]*)" data-den="([^"]*)">[^<]*</td><td class="num"><strong>([^<]*)</strong>`)
)

// TestReportFiguresAgree builds the March report of the province and checks that the
// page, the API, the XLSX cells and the PDF text show the same figures, which are the
// ones the dossiers above must give.
func TestReportFiguresAgree(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := reportFixture(t, db)
		c := signedIn(t, f, f.overseer)

		// The API: the known figures.
		api := apiReport(t, c, "unit_id="+f.prov.ID+"&from=2026-03-01&to=2026-03-31&by=children")
		st := api.Stats
		want := map[string]int64{"received": st.Received, "online": st.ReceivedOnline, "desk": st.ReceivedDesk, "post": st.ReceivedPost,
			"carried": st.CarriedOver, "on_time": st.OnTime, "early": st.CohortEarly, "cohort_on_time": st.CohortOnTime,
			"cohort_late": st.CohortLate, "resolved": st.Resolved, "resolved_late": st.ResolvedLate, "in_progress": st.InProgress,
			"overdue": st.InProgressOverdue, "returned": st.Returned, "electronic": st.Electronic, "digitised": st.Digitised}
		for k, w := range map[string]int64{"received": 5, "online": 1, "desk": 3, "post": 1, "carried": 1, "on_time": 3, "early": 2,
			"cohort_on_time": 1, "cohort_late": 1, "resolved": 4, "resolved_late": 1, "in_progress": 2, "overdue": 2,
			"returned": 1, "electronic": 1, "digitised": 5} {
			if want[k] != w {
				t.Errorf("API %s = %d, want %d", k, want[k], w)
			}
		}
		if r := st.OnTimeRate; r.Numerator != 3 || r.Denominator != 5 || r.Percent == nil || *r.Percent != 60 || !strings.Contains(r.Rule, "÷") {
			t.Errorf("on-time rate %+v", r)
		}
		if api.InProgressAt != "2026-03-31" || api.Unit.ID != f.prov.ID {
			t.Errorf("report head: %+v", api)
		}
		if len(api.Children) != 2 || api.Children[0].Unit.ID != f.a.ID || api.Children[1].Unit.ID != f.b.ID {
			t.Fatalf("children: %+v", api.Children)
		}
		ra, rb := api.Children[0].Stats.OnTimeRate, api.Children[1].Stats.OnTimeRate
		if ra.Numerator != 1 || ra.Denominator != 3 || *ra.Percent != 33.33 || rb.Numerator != 2 || rb.Denominator != 2 {
			t.Errorf("children's rates: %+v %+v", ra, rb)
		}
		counts, rates := reportStatsValues(t, st)

		// The page: every figure and rate as the API has them, with the rules.
		code, body, _ := c.get("/reports?unit_id=" + f.prov.ID + "&" + reportMarch)
		if code != 200 {
			t.Fatalf("page: %d\n%s", code, body)
		}
		page := html.UnescapeString(body)
		figs := reportPageFigure.FindAllStringSubmatch(body, -1)
		if len(figs) != len(statFigures) {
			t.Fatalf("%d figures on the page, want %d", len(figs), len(statFigures))
		}
		for i, m := range figs {
			if m[1] != statFigures[i].Key || m[2] != fmtCount("vi", counts[i]) {
				t.Errorf("page figure %s = %q, API %d", m[1], m[2], counts[i])
			}
		}
		rs := reportPageRate.FindAllStringSubmatch(body, -1)
		if len(rs) != len(statRates) {
			t.Fatalf("%d rates on the page", len(rs))
		}
		for i, m := range rs {
			r := rates[i]
			if m[2] != fmtCount("vi", r.Numerator) || m[3] != fmtCount("vi", r.Denominator) ||
				m[4] != fmtPercent("vi", report.Rate{Num: r.Numerator, Den: r.Denominator}) {
				t.Errorf("page rate %s = %v, API %+v", m[1], m[2:], r)
			}
		}
		for _, w := range []string{"Tỷ lệ đúng hạn = hồ sơ tiếp nhận trong kỳ đã giải quyết trước hạn hoặc đúng hạn ÷ hồ sơ tiếp nhận trong kỳ",
			"3 / 5 = 60,00%", "Tháng 3 năm 2026 (từ 01/03/2026 đến 31/03/2026)", "Xã Thanh Ba", "Xã Quảng Yên", "33,33%", "100,00%",
			"<svg", "<polyline", "Diễn biến từng tháng năm 2026"} {
			if !strings.Contains(page, w) {
				t.Errorf("page lacks %q", w)
			}
		}
		if strings.Contains(page, "Kỳ báo cáo chưa kết thúc") {
			t.Error("March is over: no in-progress note")
		}

		// XLSX: the same figures as numbers, the same rows and totals.
		code, xb, h := c.get("/reports/export.xlsx?unit_id=" + f.prov.ID + "&" + reportMarch)
		if code != 200 || !strings.Contains(h.Get("Content-Disposition"), "bao-cao-25-2026-03-01-2026-03-31.xlsx") {
			t.Fatalf("xlsx: %d %s", code, h.Get("Content-Disposition"))
		}
		checkReportXLSX(t, []byte(xb), counts, rates, api)

		// PDF: the same figures in the periodic report.
		code, pb, h := c.get("/reports/export.pdf?unit_id=" + f.prov.ID + "&" + reportMarch)
		if code != 200 || h.Get("Content-Type") != "application/pdf" {
			t.Fatalf("pdf: %d %s", code, h.Get("Content-Type"))
		}
		if d := os.Getenv("REPORT_DUMP"); d != "" {
			_ = os.WriteFile(filepath.Join(d, "report-"+string(db.Dialect())+".pdf"), []byte(pb), 0o600)
			_ = os.WriteFile(filepath.Join(d, "report-"+string(db.Dialect())+".xlsx"), []byte(xb), 0o600)
			_ = os.WriteFile(filepath.Join(d, "report-"+string(db.Dialect())+".html"), []byte(body), 0o600)
		}
		text := reportPDFText(t, []byte(pb))
		for _, w := range []string{"BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", "ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ",
			"Phú Thọ, ngày 15 tháng 4 năm 2026", "Tháng 3 năm 2026", "Xã Thanh Ba", "Xã Quảng Yên", "Tổng cộng",
			"Tiếp nhận mới trong kỳ 5", "3 / 5 = 60,00%", "33,33%", "100,00%", "Phạm Thị Dung",
			// total row: (3)=6 (4)=1 (5)=1 (6)=4 (7)=4 (8)=2 (9)=1 (10)=1 (11)=2 (12)=0 (13)=2 (14)=3 (15)=5 (16)=60,00%
			"Tổng cộng 6 1 1 4 4 2 1 1 2 0 2 3 5 60,00%"} {
			if !strings.Contains(text, w) {
				t.Errorf("PDF lacks %q\n%s", w, text)
			}
		}
		for i, fig := range statFigures {
			label := forms.VietnameseCount(counts[i])
			if !strings.Contains(text, norm.NFC.String(reportLabelVi(t, fig.Key))+" "+label) {
				t.Errorf("PDF figure %s ≠ %s", fig.Key, label)
			}
		}

		// English numbers on the page; the same figures.
		c.get("/lang/en")
		_, body, _ = c.get("/reports?unit_id=" + f.prov.ID + "&" + reportMarch)
		if !strings.Contains(body, "3 / 5 = 60.00%") || !strings.Contains(body, "March 2026") {
			t.Error("English page")
		}
	})
}

// reportLabelVi is a figure's Vietnamese label.
func reportLabelVi(t *testing.T, key string) string {
	t.Helper()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return cat.T("vi", figureKey(key))
}

func checkReportXLSX(t *testing.T, b []byte, counts []int64, rates []apiRateJSON, api apiReportJSON) {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	raw := excelize.Options{RawCellValue: true}
	rows, err := x.GetRows(forms.ReportSummarySheet, raw)
	if err != nil {
		t.Fatal(err)
	}
	head := -1
	for i, r := range rows {
		if len(r) > 0 && r[0] == "Chỉ tiêu" {
			head = i
		}
	}
	if head < 0 || len(rows) < head+1+len(counts)+len(rates) {
		t.Fatalf("summary sheet: %v", rows)
	}
	for i, n := range counts {
		if got := rows[head+1+i][1]; got != strconv.FormatInt(n, 10) {
			t.Errorf("XLSX %s = %s, want %d", statFigures[i].Key, got, n)
		}
	}
	for i, r := range rates {
		row := rows[head+1+len(counts)+i]
		if row[2] != strconv.FormatInt(r.Numerator, 10) || row[3] != strconv.FormatInt(r.Denominator, 10) {
			t.Errorf("XLSX rate %s parts %v, want %+v", statRates[i].Key, row, r)
		}
		if r.Percent == nil {
			if row[1] != "—" {
				t.Errorf("XLSX rate %s = %q, want —", statRates[i].Key, row[1])
			}
			continue
		}
		v, _ := strconv.ParseFloat(row[1], 64)
		if fmt.Sprintf("%.2f", v*100) != fmt.Sprintf("%.2f", *r.Percent) {
			t.Errorf("XLSX rate %s = %s, want %.2f%%", statRates[i].Key, row[1], *r.Percent)
		}
	}
	if v, _ := x.GetCellValue(forms.ReportSummarySheet, fmt.Sprintf("B%d", head+2+len(counts))); v != "60.00%" {
		t.Errorf("formatted on-time rate %q", v)
	}
	// The table: one row per commune and the totals, the rate's parts in columns N and O.
	table, _ := x.GetRows(forms.ReportTableSheet, raw)
	find := func(name string) []string {
		for _, r := range table {
			if len(r) > 1 && r[1] == name {
				return r
			}
		}
		t.Fatalf("no row %q in %v", name, table)
		return nil
	}
	check := func(name string, s apiStatsJSON) {
		r := find(name)
		want := []int64{s.CarriedOver + s.Received, s.CarriedOver, s.ReceivedOnline, s.ReceivedDesk + s.ReceivedPost,
			s.Resolved, s.ResolvedEarly, s.ResolvedOnTime, s.ResolvedLate, s.InProgress, s.InProgressNotDue, s.InProgressOverdue,
			s.OnTimeRate.Numerator, s.OnTimeRate.Denominator}
		for i, w := range want {
			if r[2+i] != strconv.FormatInt(w, 10) {
				t.Errorf("XLSX %s column %d = %s, want %d", name, 3+i, r[2+i], w)
			}
		}
		v, _ := strconv.ParseFloat(r[15], 64)
		if fmt.Sprintf("%.2f", v*100) != fmt.Sprintf("%.2f", *s.OnTimeRate.Percent) {
			t.Errorf("XLSX %s rate %s", name, r[15])
		}
	}
	check("Tổng cộng", api.Stats)
	for _, c := range api.Children {
		check(c.Unit.Name, c.Stats)
	}
}

// reportPDFText extracts a PDF's text with pdftotext: skipped locally without it, a
// failure under CI=true.
func reportPDFText(t *testing.T, pdf []byte) string {
	t.Helper()
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", pdf[:min(20, len(pdf))])
	}
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("pdftotext (poppler-utils) is required in CI: %v", err)
		}
		t.Skip("pdftotext not installed")
	}
	file := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(file, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "-raw", "-enc", "UTF-8", file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(norm.NFC.String(string(out))), " ")
}

// TestReportBreakdownAndTrend checks drill-down, rankings and the trend.
func TestReportBreakdownAndTrend(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := reportFixture(t, db)
		c := signedIn(t, f, f.overseer)
		// Ranked by on-time rate: Quảng Yên (100%) before Thanh Ba (33,33%).
		_, body, _ := c.get("/reports?unit_id=" + f.prov.ID + "&" + reportMarch + "&sort=rate")
		if qy, tb := strings.Index(body, "Xã Quảng Yên"), strings.Index(body, ">Xã Thanh Ba<"); qy < 0 || tb < 0 || qy > tb {
			t.Errorf("rate ranking: Quảng Yên at %d, Thanh Ba at %d", qy, tb)
		}
		// By overdue in progress: Thanh Ba (2) first; the API follows sort= too.
		api := apiReport(t, c, "unit_id="+f.prov.ID+"&from=2026-03-01&to=2026-03-31&by=children&sort=overdue")
		if api.Children[0].Unit.ID != f.a.ID || api.Children[0].Stats.InProgressOverdue != 2 {
			t.Errorf("overdue ranking: %+v", api.Children[0])
		}
		// Drill down: commune A's page links its agency's register.
		_, body, _ = c.get("/reports?unit_id=" + f.a.ID + "&" + reportMarch)
		for _, w := range []string{"Trung tâm PVHCC xã Thanh Ba", "/dossiers/register?from=2026-03-01&amp;to=2026-03-31&amp;unit_id=" + f.agencyA.ID,
			"Tỉnh Phú Thọ</a> ›"} {
			if !strings.Contains(body, w) {
				t.Errorf("commune page lacks %q", w)
			}
		}
		// The trend: March has its figures, the months after April are to come.
		tr := regexp.MustCompile(`<tr><td>T3</td>\s*<td class="num">5</td><td class="num">3</td><td class="num">60,00%</td>`)
		if !tr.MatchString(body) && !strings.Contains(body, "T3") {
			t.Error("no March in the trend")
		}
		_, body, _ = c.get("/reports?unit_id=" + f.prov.ID + "&" + reportMarch)
		if !tr.MatchString(body) {
			t.Errorf("trend row for March missing")
		}
		if strings.Count(body, `class="future"`) != 8 {
			t.Errorf("%d future months, want 8 (May–December)", strings.Count(body, `class="future"`))
		}
	})
}

// TestReportPermissionsAndBadInput: scope, empty periods, periods past today, bad dates.
func TestReportPermissionsAndBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := reportFixture(t, db)
		// Without ViewReports: 403; another commune: 404 on the page, the exports and the API.
		if code, _, _ := signedIn(t, f, f.receiverA).get("/reports"); code != http.StatusForbidden {
			t.Errorf("receiver: %d", code)
		}
		if code, _, _ := signedIn(t, f, f.receiverA).get("/api/v1/reports/stats"); code != http.StatusForbidden {
			t.Errorf("receiver API: %d", code)
		}
		b := signedIn(t, f, f.adminB)
		for _, path := range []string{"/reports", "/reports/export.xlsx", "/reports/export.pdf", "/api/v1/reports/stats"} {
			if code, _, _ := b.get(path + "?unit_id=" + f.a.ID); code != http.StatusNotFound {
				t.Errorf("commune B on A %s: %d", path, code)
			}
			if code, _, _ := b.get(path + "?unit_id=" + f.prov.ID); code != http.StatusNotFound {
				t.Errorf("commune B on the province %s: %d", path, code)
			}
		}
		// Commune B's own default report: its unit, this month so far (April 2026).
		code, body, _ := b.get("/reports")
		if code != 200 || !strings.Contains(body, "Xã Quảng Yên") || !strings.Contains(html.UnescapeString(body), "Tháng 4 năm 2026 (từ đầu tháng đến 15/04/2026)") {
			t.Errorf("default report: %d", code)
		}
		if strings.Contains(body, "Xã Thanh Ba") {
			t.Error("commune B sees commune A in its chooser")
		}

		o := signedIn(t, f, f.overseer)
		// An empty year: zeros and dashes, no division by zero.
		code, body, _ = o.get("/reports?unit_id=" + f.prov.ID + "&period=year&year=2024")
		page := html.UnescapeString(body)
		if code != 200 || !strings.Contains(page, "0 / 0") || !strings.Contains(page, "—") || !strings.Contains(page, "Không có hồ sơ nào") {
			t.Errorf("empty year: %d", code)
		}
		api := apiReport(t, o, "unit_id="+f.prov.ID+"&from=2024-01-01&to=2024-12-31&by=children")
		if api.Stats.Received != 0 || api.Stats.OnTimeRate.Percent != nil || !strings.Contains(reportJSON(api), `"percent": null`) && !strings.Contains(reportJSON(api), `"percent":null`) {
			t.Errorf("empty API: %+v", api.Stats.OnTimeRate)
		}
		for _, p := range []string{"/reports/export.xlsx", "/reports/export.pdf"} {
			if code, _, _ := o.get(p + "?unit_id=" + f.prov.ID + "&period=year&year=2024"); code != 200 {
				t.Errorf("empty %s: %d", p, code)
			}
		}
		// A period past today: in progress counted at today, and said so.
		_, body, _ = o.get("/reports?unit_id=" + f.prov.ID + "&period=year&year=2026")
		if !strings.Contains(body, "hồ sơ đang giải quyết được tính đến hết ngày 15/04/2026") {
			t.Error("no in-progress note for a period past today")
		}
		if api := apiReport(t, o, "unit_id="+f.prov.ID+"&from=2026-03-01&to=2026-12-31"); api.InProgressAt != "2026-04-15" || api.Stats.InProgress != 2 {
			t.Errorf("past today: %+v", api)
		}
		// Bad input: clear messages, 400, no 500.
		for query, want := range map[string]string{
			"period=range&from=2026-02-30&to=2026-03-01": "Ngày &#34;2026-02-30&#34; không hợp lệ",
			"period=range&from=2026-03-10&to=2026-03-01": "Ngày kết thúc kỳ phải sau ngày bắt đầu",
			"period=month&year=2026&month=13":            "Tháng phải từ 1 đến 12",
			"period=quarter&year=1800&quarter=5":         "Năm phải từ 2000 đến 2199",
			"period=week":                                "Loại kỳ báo cáo không hợp lệ",
			"from=hôm-qua":                               "Nhập ngày",
		} {
			code, body, _ := o.get("/reports?unit_id=" + f.prov.ID + "&" + query)
			if code != http.StatusBadRequest || !strings.Contains(body, want) {
				t.Errorf("%s: %d, want 400 with %q", query, code, want)
			}
		}
		code, body, _ = o.get("/api/v1/reports/stats?from=2026-13-01&to=2026-03-01&by=units")
		if code != http.StatusBadRequest || !strings.Contains(body, `"from"`) || !strings.Contains(body, `"by"`) {
			t.Errorf("bad API query: %d %s", code, body)
		}
		if code, _, _ := o.get("/reports/export.pdf?from=2026-13-01&to=2026-03-01"); code != http.StatusBadRequest {
			t.Errorf("bad export query: %d", code)
		}
		// Day/month/year as typed is accepted.
		if code, _, _ := o.get("/reports?unit_id=" + f.prov.ID + "&period=range&from=1/3/2026&to=31/03/2026"); code != 200 {
			t.Errorf("dd/mm/yyyy: %d", code)
		}
	})
}

func reportJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestReportKeys checks the keys the report builds at run time exist in both languages.
func TestReportKeys(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, f := range statFigures {
		keys = append(keys, figureKey(f.Key), ruleKey(f.Key))
	}
	for _, r := range statRates {
		keys = append(keys, figureKey(r.Key), ruleKey(r.Key))
	}
	for _, k := range report.PeriodKinds {
		keys = append(keys, "report.kind_"+string(k))
	}
	for _, s := range reportSorts {
		keys = append(keys, "report.sort_"+s)
	}
	for _, k := range keys {
		for _, lang := range []string{"vi", "en"} {
			if _, ok := cat.Lookup(lang, k); !ok {
				t.Errorf("%s missing from %s", k, lang)
			}
		}
	}
}
