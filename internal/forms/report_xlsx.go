package forms

import (
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"
)

// The report workbook's sheets and number formats (Excel shows them with the reader's
// separators: "26.298" and "99,79%" in a Vietnamese Excel).
const (
	ReportSummarySheet = "Tổng hợp"
	ReportTableSheet   = "Theo đơn vị"
	xlsxCountFormat    = 3  // #,##0
	xlsxPercentFormat  = 10 // 0.00%
)

// TableHeaderRow is the row of the column headers on the table sheet (the group
// headers are on the row above); the units start on the next row.
func (r StatReport) TableHeaderRow() int { return r.titleRows() + 2 }

// titleRows is the last row of the heading block: authority, unit, date line, title and
// the lines under it.
func (r StatReport) titleRows() int { return 4 + len(r.Lines) }

// WriteXLSX writes the report as a workbook: the figures with their rules on the first
// sheet (a ratio as its percentage, numerator and denominator), the table per unit with
// its grouped headers and totals row on the second. Counts are numbers formatted #,##0,
// ratios numbers formatted 0.00% (a zero denominator leaves "—"), so the sheet can be
// summed and charted.
func (r StatReport) WriteXLSX(w io.Writer) error {
	if err := r.Validate(); err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	b, err := newReportBook(f)
	if err != nil {
		return fmt.Errorf("write report XLSX: %w", err)
	}
	summary := &sheet{f: f, name: ReportSummarySheet}
	summary.do(f.SetSheetName("Sheet1", summary.name))
	summary.do(f.SetDocProps(&excelize.DocProperties{
		Title: r.Title, Creator: "motcua", Language: "vi-VN",
		Created: r.Date.UTC().Format(time.RFC3339), Modified: r.Date.UTC().Format(time.RFC3339),
	}))
	b.summary(summary, r)
	table := &sheet{f: f, name: ReportTableSheet}
	_, err = f.NewSheet(table.name)
	table.do(err)
	b.table(table, r)
	for _, x := range []*sheet{summary, table} {
		if x.err != nil {
			return fmt.Errorf("write report XLSX: %w", x.err)
		}
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write report XLSX: %w", err)
	}
	return nil
}

// reportBook holds the workbook's styles.
type reportBook struct {
	plain, bold, italic, title, lines, head, text, count, percent, dash int
	totalText, totalCount, totalPercent, totalDash, note, rule          int
}

func newReportBook(f *excelize.File) (*reportBook, error) {
	x := &sheet{f: f}
	font := func(bold, italic bool, size float64) *excelize.Font {
		return &excelize.Font{Family: xlsxFont, Size: size, Bold: bold, Italic: italic}
	}
	border := []excelize.Border{{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1}}
	centre := &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}
	top := &excelize.Alignment{Vertical: "top", WrapText: true}
	right := &excelize.Alignment{Horizontal: "right", Vertical: "top"}
	grey := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E6E6E6"}}
	cell := func(bold bool, a *excelize.Alignment, numFmt int) int {
		return x.style(&excelize.Style{Font: font(bold, false, 11), Border: border, Alignment: a, NumFmt: numFmt})
	}
	b := &reportBook{
		plain:  x.style(&excelize.Style{Font: font(false, false, 12), Alignment: &excelize.Alignment{Horizontal: "center"}}),
		bold:   x.style(&excelize.Style{Font: font(true, false, 12), Alignment: &excelize.Alignment{Horizontal: "center"}}),
		italic: x.style(&excelize.Style{Font: font(false, true, 12), Alignment: &excelize.Alignment{Horizontal: "center"}}),
		title:  x.style(&excelize.Style{Font: font(true, false, 14), Alignment: centre}),
		lines:  x.style(&excelize.Style{Font: font(false, true, 12), Alignment: centre}),
		head:   x.style(&excelize.Style{Font: font(true, false, 11), Alignment: centre, Border: border, Fill: grey}),
		text:   cell(false, top, 0), count: cell(false, right, xlsxCountFormat), percent: cell(false, right, xlsxPercentFormat),
		dash:      cell(false, &excelize.Alignment{Horizontal: "center"}, 0),
		totalText: cell(true, top, 0), totalCount: cell(true, right, xlsxCountFormat), totalPercent: cell(true, right, xlsxPercentFormat),
		totalDash: cell(true, &excelize.Alignment{Horizontal: "center"}, 0),
		note:      x.style(&excelize.Style{Font: font(false, true, 10)}),
		rule:      cell(false, top, 0),
	}
	return b, x.err
}

// heading writes the heading block over n columns: the unit on the left, the national
// heading on the right, the date line, the title and its lines.
func (b *reportBook) heading(x *sheet, r StatReport, n int) {
	left := max(n/2-1, 1)
	x.merge(1, 1, left, 1, upper(r.Heading.Authority), b.plain)
	x.merge(1, 2, left, 2, upper(r.Heading.Unit), b.bold)
	x.merge(left+1, 1, n, 1, nationName, b.bold)
	x.merge(left+1, 2, n, 2, nationMotto, b.bold)
	x.merge(left+1, 3, n, 3, dateLine(r.Heading.Place, r.Date), b.italic)
	x.merge(1, 4, n, 4, upper(r.Title), b.title)
	x.do(x.f.SetRowHeight(x.name, 4, 36))
	for i, l := range r.Lines {
		x.merge(1, 5+i, n, 5+i, l, b.lines)
	}
}

// merge writes v into the cell (c1, r1) and merges it with the range up to (c2, r2).
func (x *sheet) merge(c1, r1, c2, r2 int, v any, style int) {
	x.set(c1, r1, v, style)
	if c1 == c2 && r1 == r2 {
		return
	}
	first, err := excelize.CoordinatesToCellName(c1, r1)
	x.do(err)
	last, err := excelize.CoordinatesToCellName(c2, r2)
	x.do(err)
	x.do(x.f.MergeCell(x.name, first, last))
	x.do(x.f.SetCellStyle(x.name, first, last, style))
}

// width sets the width of column c.
func (x *sheet) width(c int, w float64) {
	name, err := excelize.ColumnNumberToName(c)
	x.do(err)
	x.do(x.f.SetColWidth(x.name, name, name, w))
}

// summary writes the figures sheet: label, value, numerator, denominator, rule.
func (b *reportBook) summary(x *sheet, r StatReport) {
	const n = 5
	b.heading(x, r, n)
	row := r.titleRows() + 2
	for i, h := range []string{"Chỉ tiêu", "Số liệu", "Tử số", "Mẫu số", "Cách tính"} {
		x.set(i+1, row, h, b.head)
	}
	for i, w := range []float64{46, 14, 12, 12, 90} {
		x.width(i+1, w)
	}
	for _, f := range r.Figures {
		row++
		label := f.Label
		if f.Part {
			label = "   – " + label
		}
		x.set(1, row, label, b.text)
		switch v := f.Value.(type) {
		case Ratio:
			b.ratio(x, 2, row, v, false)
			x.set(3, row, v.Num, b.count)
			x.set(4, row, v.Den, b.count)
		default:
			x.set(2, row, v, b.count)
			x.set(3, row, "", b.text)
			x.set(4, row, "", b.text)
		}
		x.set(5, row, f.Rule, b.rule)
	}
	b.notes(x, r, row+2)
	x.do(x.f.SetPanes(x.name, &excelize.Panes{Freeze: true, YSplit: r.titleRows() + 2,
		TopLeftCell: fmt.Sprintf("A%d", r.titleRows()+3), ActivePane: "bottomLeft"}))
}

// ratio writes a ratio as its fraction formatted in percent, or "—".
func (b *reportBook) ratio(x *sheet, c, row int, v Ratio, total bool) {
	if v.Den == 0 {
		x.set(c, row, "—", pick(total, b.totalDash, b.dash))
		return
	}
	x.set(c, row, float64(v.Num)/float64(v.Den), pick(total, b.totalPercent, b.percent))
}

func pick(cond bool, a, b int) int {
	if cond {
		return a
	}
	return b
}

// table writes the per-unit sheet: grouped headers over two rows, one row per unit, the
// totals row in bold.
func (b *reportBook) table(x *sheet, r StatReport) {
	st := r.Table
	n := len(st.Columns)
	b.heading(x, r, n)
	hr := r.TableHeaderRow()
	for i := 0; i < n; {
		c := st.Columns[i]
		if c.Group == "" {
			x.merge(i+1, hr-1, i+1, hr, c.Header, b.head)
			i++
			continue
		}
		j := i
		for j < n && st.Columns[j].Group == c.Group {
			x.set(j+1, hr, st.Columns[j].Header, b.head)
			j++
		}
		x.merge(i+1, hr-1, j, hr-1, c.Group, b.head)
		i = j
	}
	x.do(x.f.SetRowHeight(x.name, hr-1, 30))
	x.do(x.f.SetRowHeight(x.name, hr, 45))
	for i, c := range st.Columns {
		x.width(i+1, max(c.Width, 8))
	}
	row := hr
	put := func(cells []any, total bool) {
		row++
		for j, v := range cells {
			switch v := v.(type) {
			case Ratio:
				b.ratio(x, j+1, row, v, total)
			case int64:
				x.set(j+1, row, v, pick(total, b.totalCount, b.count))
			default:
				x.set(j+1, row, v, pick(total, b.totalText, b.text))
			}
		}
	}
	for _, cells := range st.Rows {
		put(cells, false)
	}
	if st.Total != nil {
		put(st.Total, true)
	}
	b.notes(x, r, row+2)
	x.do(x.f.SetPanes(x.name, &excelize.Panes{Freeze: true, YSplit: hr, XSplit: min(2, n),
		TopLeftCell: fmt.Sprintf("%s%d", colName(min(2, n)+1), hr+1), ActivePane: "bottomRight"}))
}

func colName(c int) string {
	name, _ := excelize.ColumnNumberToName(c)
	return name
}

// notes writes the notes from row on.
func (b *reportBook) notes(x *sheet, r StatReport, row int) {
	for i, n := range r.Notes {
		x.set(1, row+i, n, b.note)
	}
}
