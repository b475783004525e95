package forms

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func sampleEvaluation() QMSEvaluation {
	return QMSEvaluation{
		Heading: heading(),
		Title:   "Báo cáo đánh giá việc duy trì, cải tiến hệ thống quản lý chất lượng năm 2022",
		Lines:   []string{"Đơn vị: Xã Vân Lĩnh", "Kỳ đánh giá: 01/01/2022 – 31/12/2022"},
		Date:    at(2022, 11, 15, 9, 0), FiguresTitle: "I. KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
		Figures: []StatFigure{
			{Label: "Hồ sơ tiếp nhận", Value: int64(1384), Rule: "tiếp nhận trong năm"},
			{Label: "Tỷ lệ giải quyết đúng hạn", Value: Ratio{1381, 1384}, Rule: "đúng hạn ÷ tiếp nhận"},
			{Label: "Tỷ lệ hài lòng", Value: Ratio{0, 0}, Rule: "hài lòng ÷ số đánh giá"},
		},
		Sections: []QMSSection{
			{Title: "II. CHỈ SỐ CÔNG NGHỆ THÔNG TIN", Table: QMSTable{Columns: []QMSColumn{{Header: "Chỉ số", Weight: 50},
				{Header: "Giá trị", Weight: 20}, {Header: "Cách tính", Weight: 30}},
				Rows: [][]string{{"Tỷ lệ cán bộ có hộp thư điện tử công vụ", "25,00%", "2 ÷ 8"}}}},
			{Title: "VII. NHỮNG TỒN TẠI, HẠN CHẾ", Items: []string{"03 hồ sơ giải quyết quá hạn.", "Chưa công bố hệ thống phù hợp."}},
			{Title: "IX. KIẾN NGHỊ, ĐỀ XUẤT", Items: []string{"Kiến nghị: đề nghị UBND huyện hỗ trợ kinh phí nâng cấp đường truyền."}},
		},
		Seal:  "Báo cáo đã hoàn thành lúc 09:00 ngày 15/11/2022; mã SHA-256: 0f3a",
		Left:  QMSSigner{Role: "Người lập", Name: "Đỗ Thị Thư"},
		Right: QMSSigner{Role: "Chủ tịch UBND xã", Name: "Hoàng Văn Duyệt"},
	}
}

// TestQMSEvaluationPDF checks the report's Vietnamese text as pdftotext reads it.
func TestQMSEvaluationPDF(t *testing.T) {
	e := sampleEvaluation()
	pdf := renderPDF(t, e)
	again := renderPDF(t, e)
	if !bytes.Equal(pdf, again) {
		t.Fatal("the same report gave different bytes")
	}
	contains(t, extract(t, pdf, 0, 0), "BÁO CÁO ĐÁNH GIÁ VIỆC DUY TRÌ, CẢI TIẾN HỆ THỐNG QUẢN LÝ CHẤT LƯỢNG NĂM 2022",
		"Đơn vị: Xã Vân Lĩnh", "1.381 / 1.384 = 99,78%", "0 / 0 = —", "Tỷ lệ cán bộ có hộp thư điện tử công vụ", "25,00%",
		"NHỮNG TỒN TẠI, HẠN CHẾ", "Chưa công bố hệ thống phù hợp.", "đề nghị UBND huyện hỗ trợ kinh phí",
		"mã SHA-256: 0f3a", "NGƯỜI LẬP", "Hoàng Văn Duyệt")
	bad := e
	bad.Figures = append(bad.Figures, StatFigure{Label: "x", Value: 3})
	bad.Title = ""
	var ve *ValidationError
	if err := bad.WritePDF(&bytes.Buffer{}); !errors.As(err, &ve) {
		t.Fatalf("bad report: %v", err)
	}
	if err := bad.Validate(); !strings.Contains(err.Error(), "Figures[3].Value") {
		t.Fatalf("bad figure: %v", err)
	}
}

// TestQMSEvaluationXLSX reads the workbook back: the figures as numbers, the sections'
// titles, items and tables, the seal.
func TestQMSEvaluationXLSX(t *testing.T) {
	e := sampleEvaluation()
	var buf bytes.Buffer
	if err := e.WriteXLSX(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.GetSheetList(); strings.Join(got, ",") != ReportSummarySheet+","+EvaluationContentSheet {
		t.Fatalf("sheets %v", got)
	}
	head := StatReport{Lines: e.Lines}
	hr := head.titleRows() + 2
	raw := excelize.Options{RawCellValue: true}
	for ref, want := range map[string]string{fmt.Sprintf("B%d", hr+1): "1384", fmt.Sprintf("C%d", hr+2): "1381",
		fmt.Sprintf("B%d", hr+3): "—"} {
		if got, _ := f.GetCellValue(ReportSummarySheet, ref, raw); got != want {
			t.Errorf("%s = %q, want %q", ref, got, want)
		}
	}
	rows, err := f.GetRows(EvaluationContentSheet)
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, r := range rows {
		all = append(all, strings.Join(r, "|"))
	}
	text := strings.Join(all, "\n")
	for _, want := range []string{"BÁO CÁO ĐÁNH GIÁ VIỆC DUY TRÌ", "II. CHỈ SỐ CÔNG NGHỆ THÔNG TIN", "Chỉ số|Giá trị|Cách tính",
		"Tỷ lệ cán bộ có hộp thư điện tử công vụ|25,00%|2 ÷ 8", "– 03 hồ sơ giải quyết quá hạn.", "IX. KIẾN NGHỊ, ĐỀ XUẤT"} {
		if !strings.Contains(text, want) {
			t.Errorf("the content sheet lacks %q:\n%s", want, text)
		}
	}
	notes, _ := f.GetRows(ReportSummarySheet)
	if last := notes[len(notes)-1]; len(last) == 0 || !strings.Contains(last[0], "SHA-256") {
		t.Errorf("no seal on the summary sheet: %v", last)
	}
}

// TestEvaluationSummary lays out the comparison of a district's communes with its totals.
func TestEvaluationSummary(t *testing.T) {
	rows := []EvaluationSummaryRow{
		{Name: "Xã Vân Lĩnh", Received: 1384, OnTime: 1381, Late: 3, Online: Ratio{100, 1384}, OfficialMail: Ratio{2, 8},
			Satisfaction: Ratio{9, 10}, ObjectivesMet: 2, Declaration: "Chưa công bố", Status: "Đã hoàn thành", Proposals: 2},
		{Name: "Xã Đông Lĩnh", Received: 1000, OnTime: 1000, OfficialMail: Ratio{1, 8}, Declaration: "Đã công bố", Status: "Dự thảo"},
	}
	total := EvaluationSummaryRow{Name: "Tổng cộng", Received: 2384, OnTime: 2381, Late: 3, OfficialMail: Ratio{3, 16}, Proposals: 2}
	r := EvaluationSummary(heading(), "Tổng hợp đánh giá việc duy trì, cải tiến hệ thống quản lý chất lượng năm 2022",
		[]string{"Huyện Thanh Ba"}, at(2022, 12, 1, 9, 0), rows, total, "Đỗ Thị Thư", Signer{Title: "Chủ tịch"})
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
	text := extract(t, renderPDF(t, r), 0, 0)
	contains(t, text, "TỔNG HỢP ĐÁNH GIÁ VIỆC DUY TRÌ", "2.381 / 2.384 = 99,87%", "Xã Vân Lĩnh", "Xã Đông Lĩnh", "Tổng cộng",
		"Mục tiêu chất lượng", "Chưa công bố", "18,75%")
	var buf bytes.Buffer
	if err := r.WriteXLSX(&buf); err != nil {
		t.Fatal(err)
	}
}
