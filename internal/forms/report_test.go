package forms

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func sampleStatReport(units int) StatReport {
	cols := []StatColumn{
		{Header: "STT", Weight: 8, Width: 5, Align: "C"}, {Header: "Đơn vị", Weight: 50, Width: 30},
		{Group: "Số hồ sơ nhận giải quyết", Header: "Tổng số", Weight: 20, Width: 11},
		{Group: "Số hồ sơ nhận giải quyết", Header: "Trực tuyến", Weight: 20, Width: 11},
		{Group: "Đã giải quyết", Header: "Quá hạn", Weight: 20, Width: 11},
		{Header: "Tỷ lệ đúng hạn", Weight: 20, Width: 11},
	}
	r := StatReport{
		Heading: Heading{Authority: "UBND tỉnh Phú Thọ", Unit: "UBND huyện Thanh Ba", Place: "Thanh Ba"},
		Title:   "Báo cáo tình hình, kết quả giải quyết thủ tục hành chính",
		Lines:   []string{"Kỳ báo cáo: 10 tháng đầu năm 2022 (01/01/2022 – 31/10/2022)"},
		Date:    time.Date(2022, 11, 2, 9, 0, 0, 0, vietnam()),
		Figures: []StatFigure{
			{Label: "Tiếp nhận mới trong kỳ", Value: int64(26298), Rule: "hồ sơ được tiếp nhận trong kỳ"},
			{Label: "trực tuyến", Value: int64(1234), Rule: "nộp trực tuyến", Part: true},
			{Label: "Tỷ lệ đúng hạn", Value: Ratio{26243, 26298}, Rule: "đúng hạn ÷ tiếp nhận"},
			{Label: "Tỷ lệ trên hồ sơ đã giải quyết", Value: Ratio{0, 0}, Rule: "không chia cho 0"},
		},
		Table:    StatTable{Title: "II. KẾT QUẢ THEO ĐƠN VỊ", Columns: cols, Total: []any{"", "Tổng cộng", int64(26298), int64(1234), int64(55), Ratio{26243, 26298}}},
		Notes:    []string{"Tỷ lệ đúng hạn = đúng hạn ÷ tiếp nhận trong kỳ."},
		Preparer: "Phạm Thị Dung",
		Signer:   Signer{Title: "Chủ tịch", Name: ""},
	}
	for i := range units {
		r.Table.Rows = append(r.Table.Rows, []any{fmt.Sprint(i + 1), fmt.Sprintf("Xã số %d", i+1), int64(1000 + i), int64(i), int64(0), Ratio{int64(990 + i), int64(1000 + i)}})
	}
	return r
}

func TestVietnameseNumbers(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 7: "7", 999: "999", 1000: "1.000", 26298: "26.298", 1234567: "1.234.567", -4500: "-4.500"} {
		if got := VietnameseCount(n); got != want {
			t.Errorf("VietnameseCount(%d) = %q, want %q", n, got, want)
		}
	}
	for r, want := range map[Ratio]string{{26243, 26298}: "99,79%", {0, 0}: "—", {1, 3}: "33,33%", {5, 5}: "100,00%", {0, 4}: "0,00%"} {
		if got := VietnamesePercent(r); got != want {
			t.Errorf("VietnamesePercent(%v) = %q, want %q", r, got, want)
		}
	}
}

// TestStatReportPDF prints a report whose table runs over several pages and checks the
// text, the repeated group headers and the signatures.
func TestStatReportPDF(t *testing.T) {
	r := sampleStatReport(60)
	pdf := renderPDF(t, r)
	if n := pages(pdf); n < 2 {
		t.Fatalf("%d pages, want the table to continue", n)
	}
	text := extract(t, pdf, 0, 0)
	contains(t, text, "UBND HUYỆN THANH BA", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Thanh Ba, ngày 02 tháng 11 năm 2022",
		"BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", "10 tháng đầu năm 2022",
		"26.298", "26.243 / 26.298 = 99,79%", "0 / 0 = —", "Xã số 60", "1.059", "Tổng cộng", "NGƯỜI LẬP BIỂU", "Phạm Thị Dung", "CHỦ TỊCH")
	if strings.Contains(text, "Mẫu số") {
		t.Error("a report has no form number")
	}
	last := extract(t, pdf, pages(pdf), pages(pdf))
	contains(t, last, "Số hồ sơ nhận giải quyết", "Đã giải quyết")
	var buf bytes.Buffer
	if err := r.WritePDF(&buf); err != nil || !bytes.Equal(buf.Bytes(), pdf) {
		t.Error("the same report gives different bytes")
	}
}

func TestStatReportValidate(t *testing.T) {
	r := sampleStatReport(1)
	r.Heading.Place, r.Title = "", ""
	r.Table.Rows[0] = r.Table.Rows[0][:3]
	r.Figures[0].Value = 3
	err := r.Validate()
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v", err)
	}
	for _, f := range []string{"Heading.Place", "Title", "Table.Rows[0]", "Figures[0].Value"} {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("no error on %s: %v", f, err)
		}
	}
	if err := r.WriteXLSX(&bytes.Buffer{}); !errors.As(err, &ve) {
		t.Errorf("XLSX of a bad report: %v", err)
	}
}

// TestStatReportXLSX reads the workbook back: figures as numbers with their formats, the
// grouped headers merged, the totals row.
func TestStatReportXLSX(t *testing.T) {
	r := sampleStatReport(3)
	var buf bytes.Buffer
	if err := r.WriteXLSX(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.GetSheetList(); strings.Join(got, ",") != ReportSummarySheet+","+ReportTableSheet {
		t.Fatalf("sheets %v", got)
	}
	raw := excelize.Options{RawCellValue: true}
	cell := func(sheet, ref string, opts ...excelize.Options) string {
		t.Helper()
		v, err := f.GetCellValue(sheet, ref, opts...)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	hr := r.titleRows() + 2
	want := map[string]string{
		fmt.Sprintf("A%d", hr): "Chỉ tiêu", fmt.Sprintf("A%d", hr+1): "Tiếp nhận mới trong kỳ",
		fmt.Sprintf("B%d", hr+1): "26298", fmt.Sprintf("C%d", hr+3): "26243", fmt.Sprintf("D%d", hr+3): "26298",
		fmt.Sprintf("B%d", hr+4): "—", "A4": "BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
	}
	for ref, w := range want {
		if got := cell(ReportSummarySheet, ref, raw); got != w {
			t.Errorf("%s = %q, want %q", ref, got, w)
		}
	}
	if got := cell(ReportSummarySheet, fmt.Sprintf("B%d", hr+3)); got != "99.79%" {
		t.Errorf("formatted rate %q", got)
	}
	th := r.TableHeaderRow()
	if got := cell(ReportTableSheet, fmt.Sprintf("C%d", th-1)); got != "Số hồ sơ nhận giải quyết" {
		t.Errorf("group header %q", got)
	}
	merged, _ := f.GetMergeCells(ReportTableSheet)
	var spans []string
	for _, m := range merged {
		spans = append(spans, m.GetStartAxis()+":"+m.GetEndAxis())
	}
	for _, w := range []string{fmt.Sprintf("C%d:D%d", th-1, th-1), fmt.Sprintf("A%d:A%d", th-1, th)} {
		if !strings.Contains(strings.Join(spans, " "), w) {
			t.Errorf("merged cells %v lack %s", spans, w)
		}
	}
	total := th + 4
	if got := cell(ReportTableSheet, fmt.Sprintf("B%d", total)); got != "Tổng cộng" {
		t.Errorf("total label %q", got)
	}
	if got := cell(ReportTableSheet, fmt.Sprintf("C%d", total), raw); got != "26298" {
		t.Errorf("total %q", got)
	}
	if got := cell(ReportTableSheet, fmt.Sprintf("F%d", th+1)); got != "99.00%" {
		t.Errorf("row rate %q", got)
	}
}
