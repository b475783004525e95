package forms

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"
)

// QMSEvaluation is a unit's annual report on maintaining and improving its quality
// management system ("Báo cáo đánh giá việc duy trì, cải tiến hệ thống quản lý chất lượng
// năm YYYY", issue 8 part 8): the unit's heading, the title and period, the figures of the
// year with the rule that counts each (section I), then numbered sections (IT indicators,
// objectives, audits, nonconformities, reviews, declaration, problems found, assessment,
// proposals), the seal of a final report and the signatures. It prints as a portrait A4
// PDF (a QMSRecord) and exports as XLSX with the same content; the caller computes
// everything, this package only lays it out.
type QMSEvaluation struct {
	Heading      Heading
	Title        string
	Lines        []string
	Date         time.Time
	FiguresTitle string // "I. KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
	Figures      []StatFigure
	Sections     []QMSSection
	Seal         string // printed after the sections: the final report's hash; empty for a draft
	Left, Right  QMSSigner
}

// Validate checks the report's input.
func (e QMSEvaluation) Validate() error {
	c := &checker{form: "QMSEvaluation"}
	var rec *ValidationError
	if err := e.record().Validate(); errors.As(err, &rec) {
		c.errs = append(c.errs, rec.Fields...)
	} else if err != nil {
		return err
	}
	for i, f := range e.Figures {
		c.text(item("Figures", i, "Label"), f.Label)
		switch f.Value.(type) {
		case int64, Ratio:
		default:
			c.fail(item("Figures", i, "Value"), fmt.Sprintf("is %T, want int64 or Ratio", f.Value))
		}
	}
	return c.err()
}

// Info names the document.
func (e QMSEvaluation) Info() (FormInfo, error) { return FormInfo{Title: e.Title}, nil }

// record lays the report out as a QMS record: the figures become section I, a table of
// figure, value and rule.
func (e QMSEvaluation) record() QMSRecord {
	r := QMSRecord{Heading: e.Heading, Title: e.Title, Lines: e.Lines, Date: e.Date, Left: e.Left, Right: e.Right}
	if len(e.Figures) > 0 {
		t := QMSTable{Columns: []QMSColumn{{Header: "Chỉ tiêu", Weight: 36}, {Header: "Số liệu", Weight: 26, Align: "R"},
			{Header: "Cách tính", Weight: 38}}}
		for _, f := range e.Figures {
			label := f.Label
			if f.Part {
				label = "– " + label
			}
			t.Rows = append(t.Rows, []string{label, figureText(f.Value), f.Rule})
		}
		r.Sections = append(r.Sections, QMSSection{Title: e.FiguresTitle, Table: t})
	}
	r.Sections = append(r.Sections, e.Sections...)
	if e.Seal != "" {
		r.Sections = append(r.Sections, QMSSection{Title: "Xác thực báo cáo", Paragraphs: []string{e.Seal}})
	}
	return r
}

// WritePDF writes the report as a portrait A4 PDF; the same input gives the same bytes.
func (e QMSEvaluation) WritePDF(w io.Writer) error {
	if err := e.Validate(); err != nil {
		return err
	}
	return e.record().WritePDF(w)
}

// EvaluationContentSheet is the sheet of the report's sections in its workbook (the
// figures are on ReportSummarySheet).
const EvaluationContentSheet = "Nội dung"

// WriteXLSX writes the report as a workbook: the figures with their rules, numerators and
// denominators on the first sheet (as the periodic report does), the sections on the
// second, each with its paragraphs, items and table.
func (e QMSEvaluation) WriteXLSX(w io.Writer) error {
	if err := e.Validate(); err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	b, err := newReportBook(f)
	if err != nil {
		return fmt.Errorf("write evaluation XLSX: %w", err)
	}
	head := StatReport{Heading: e.Heading, Title: e.Title, Lines: e.Lines, Date: e.Date, Figures: e.Figures}
	if e.Seal != "" {
		head.Notes = []string{e.Seal}
	}
	summary := &sheet{f: f, name: ReportSummarySheet}
	summary.do(f.SetSheetName("Sheet1", summary.name))
	summary.do(f.SetDocProps(&excelize.DocProperties{Title: e.Title, Creator: "motcua", Language: "vi-VN",
		Created: e.Date.UTC().Format(time.RFC3339), Modified: e.Date.UTC().Format(time.RFC3339)}))
	b.summary(summary, head)
	content := &sheet{f: f, name: EvaluationContentSheet}
	_, err = f.NewSheet(content.name)
	content.do(err)
	b.sections(content, head, e.Sections)
	for _, x := range []*sheet{summary, content} {
		if x.err != nil {
			return fmt.Errorf("write evaluation XLSX: %w", x.err)
		}
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write evaluation XLSX: %w", err)
	}
	return nil
}

// sections writes the sections one under the other over five columns: the title in
// bold, paragraphs and items across the sheet, a table with its header row.
func (b *reportBook) sections(x *sheet, head StatReport, sections []QMSSection) {
	const n = 5
	b.heading(x, head, n)
	for i, w := range []float64{46, 22, 22, 22, 40} {
		x.width(i+1, w)
	}
	row := head.titleRows() + 1
	for _, s := range sections {
		row++
		x.set(1, row, s.Title, b.bold)
		for _, p := range s.Paragraphs {
			row++
			x.span(row, n, p, 0)
		}
		for _, it := range s.Items {
			row++
			x.span(row, n, "– "+it, 0)
		}
		if len(s.Table.Columns) > 0 && len(s.Table.Rows) > 0 {
			row++
			for j, c := range s.Table.Columns {
				x.set(j+1, row, c.Header, b.head)
			}
			for _, cells := range s.Table.Rows {
				row++
				for j, v := range cells {
					x.set(j+1, row, v, b.text)
				}
			}
		}
		row++
	}
}

// EvaluationSummaryRow is one unit of the comparison of a district's evaluations, or the
// totals.
type EvaluationSummaryRow struct {
	Name                   string
	Received, OnTime, Late int64
	Online                 Ratio
	Satisfaction           Ratio
	OfficialMail           Ratio
	ObjectivesMet, Missed  int64
	AuditsDone, Audits     int64
	NCs, NCOpen            int64
	Reviews                int64
	Declaration, Status    string
	Proposals              int64
}

// evaluationSummaryColumns is the comparison table: dossiers, satisfaction, IT, the QMS
// records of the year, the declaration, the proposals and the report's status.
var evaluationSummaryColumns = []StatColumn{
	{Header: "STT", Weight: 9, Width: 5, Align: "C"},
	{Header: "Đơn vị", Weight: 34, Width: 26, Align: "L"},
	{Group: "Hồ sơ thủ tục hành chính", Header: "Tiếp nhận", Weight: 15, Width: 11},
	{Group: "Hồ sơ thủ tục hành chính", Header: "Đúng hạn", Weight: 15, Width: 11},
	{Group: "Hồ sơ thủ tục hành chính", Header: "Quá hạn", Weight: 13, Width: 10},
	{Group: "Hồ sơ thủ tục hành chính", Header: "Tỷ lệ đúng hạn", Weight: 15, Width: 11},
	{Group: "Hồ sơ thủ tục hành chính", Header: "Trực tuyến", Weight: 14, Width: 10},
	{Header: "Tỷ lệ hài lòng", Weight: 14, Width: 10},
	{Header: "Hộp thư công vụ", Weight: 14, Width: 10},
	{Group: "Mục tiêu chất lượng", Header: "Đạt", Weight: 10, Width: 8},
	{Group: "Mục tiêu chất lượng", Header: "Không đạt", Weight: 11, Width: 9},
	{Group: "Đánh giá nội bộ", Header: "Hoàn thành", Weight: 12, Width: 10},
	{Group: "Đánh giá nội bộ", Header: "Kế hoạch", Weight: 11, Width: 9},
	{Group: "Điểm không phù hợp", Header: "Phát sinh", Weight: 12, Width: 9},
	{Group: "Điểm không phù hợp", Header: "Chưa đóng", Weight: 12, Width: 9},
	{Header: "Xem xét của lãnh đạo", Weight: 13, Width: 10},
	{Header: "Công bố phù hợp", Weight: 17, Width: 14, Align: "L"},
	{Header: "Kiến nghị, đề xuất", Weight: 12, Width: 10},
	{Header: "Báo cáo", Weight: 15, Width: 12, Align: "L"},
}

func (r EvaluationSummaryRow) cells(no string) []any {
	return []any{no, r.Name, r.Received, r.OnTime, r.Late, Ratio{r.OnTime, r.Received}, r.Online, r.Satisfaction,
		r.OfficialMail, r.ObjectivesMet, r.Missed, r.AuditsDone, r.Audits, r.NCs, r.NCOpen, r.Reviews, r.Declaration,
		r.Proposals, r.Status}
}

// EvaluationSummary lays out the comparison of the evaluations of a district's units as a
// periodic report (landscape PDF, XLSX with the figures and the table): the district's
// totals in section I, one row per unit and the totals row in section II.
func EvaluationSummary(h Heading, title string, lines []string, date time.Time, rows []EvaluationSummaryRow,
	total EvaluationSummaryRow, preparer string, signer Signer) StatReport {
	r := StatReport{Heading: h, Title: title, Lines: lines, Date: date, Preparer: preparer, Signer: signer,
		Figures: []StatFigure{
			{Label: "Hồ sơ tiếp nhận trong năm", Value: total.Received, Rule: "tiếp nhận mới trong năm, mọi hình thức"},
			{Label: "Giải quyết trước hạn và đúng hạn", Value: total.OnTime, Rule: "trong số hồ sơ tiếp nhận trong năm"},
			{Label: "Tỷ lệ giải quyết đúng hạn", Value: Ratio{total.OnTime, total.Received}, Rule: "đúng hạn ÷ tiếp nhận trong năm"},
			{Label: "Tỷ lệ hài lòng", Value: total.Satisfaction, Rule: "rất hài lòng và hài lòng ÷ số đánh giá"},
			{Label: "Cán bộ có hộp thư điện tử công vụ", Value: total.OfficialMail, Rule: "có hộp thư công vụ ÷ cán bộ của các đơn vị"},
		},
		Table: StatTable{Title: "II. KẾT QUẢ CỦA CÁC ĐƠN VỊ", Columns: evaluationSummaryColumns, Total: total.cells("")},
		Notes: []string{"Tỷ lệ đúng hạn = hồ sơ tiếp nhận trong năm đã giải quyết trước hạn hoặc đúng hạn ÷ hồ sơ tiếp nhận trong năm.",
			"Mục tiêu đạt: đạt mọi tháng đo được trong năm; không đạt: không đạt ít nhất một tháng."},
	}
	for i, row := range rows {
		r.Table.Rows = append(r.Table.Rows, row.cells(fmt.Sprint(i+1)))
	}
	return r
}
