package forms

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"
)

// The register's sheet layout: heading rows, then the header row, then one
// row per dossier.
const (
	registerSheet  = "Sổ theo dõi hồ sơ"
	xlsxHeaderRow  = 5
	xlsxDateFormat = "dd/mm/yyyy hh:mm"
	xlsxFont       = "Times New Roman" // Decree 30/2020/NĐ-CP
	xlsxMaxCell    = 32000             // Excel holds at most 32,767 characters in a cell
)

// WriteXLSX writes the register as a workbook of one sheet: the heading,
// the title and period, a styled header row with frozen panes and a
// filter, and one row per dossier. Times are real Excel dates shown as
// dd/mm/yyyy hh:mm in Asia/Ho_Chi_Minh (the sheet stores that wall clock,
// as Excel has no time zones).
func (r Register) WriteXLSX(w io.Writer) error {
	if err := r.Validate(); err != nil {
		return err
	}
	info, err := r.Info()
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	x := &sheet{f: f, name: registerSheet}
	x.build(r, info)
	if x.err == nil {
		x.err = f.Write(w)
	}
	if x.err != nil {
		return fmt.Errorf("write register XLSX: %w", x.err)
	}
	return nil
}

// sheet writes one worksheet, keeping the first error so the layout code
// reads straight through.
type sheet struct {
	f    *excelize.File
	name string
	err  error
}

func (x *sheet) do(err error) {
	if x.err == nil {
		x.err = err
	}
}

// style registers a cell style and returns its id.
func (x *sheet) style(s *excelize.Style) int {
	id, err := x.f.NewStyle(s)
	x.do(err)
	return id
}

// set writes a value, cleaned for XML and Excel's limits, into a cell with
// a style.
func (x *sheet) set(col, row int, v any, style int) {
	cell, err := excelize.CoordinatesToCellName(col, row)
	x.do(err)
	x.do(x.f.SetCellValue(x.name, cell, xlsxValue(v)))
	x.do(x.f.SetCellStyle(x.name, cell, cell, style))
}

// span merges columns 1..n of a row into one cell holding v.
func (x *sheet) span(row, n int, v string, style int) {
	x.set(1, row, v, style)
	last, err := excelize.CoordinatesToCellName(n, row)
	x.do(err)
	x.do(x.f.MergeCell(x.name, fmt.Sprintf("A%d", row), last))
	x.do(x.f.SetCellStyle(x.name, fmt.Sprintf("A%d", row), last, style))
}

func (x *sheet) build(r Register, info FormInfo) {
	var cols []registerColumn
	for _, c := range registerColumns() {
		if c.inXLSX {
			cols = append(cols, c)
		}
	}
	n := len(cols)
	x.do(x.f.SetSheetName("Sheet1", x.name))
	x.do(x.f.SetDocProps(&excelize.DocProperties{
		Title:   info.Title + " — " + r.period(),
		Subject: info.Corner(),
		Creator: "motcua",
		Created: r.To.UTC().Format(time.RFC3339), Modified: r.To.UTC().Format(time.RFC3339),
		Language: "vi-VN",
	}))
	font := func(bold, italic bool, size float64) *excelize.Font {
		return &excelize.Font{Family: xlsxFont, Size: size, Bold: bold, Italic: italic}
	}
	centre := &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}
	plain := x.style(&excelize.Style{Font: font(false, false, 12)})
	x.set(1, 1, upper(r.Heading.Authority), plain)
	x.set(1, 2, upper(r.Heading.Unit), x.style(&excelize.Style{Font: font(true, false, 12)}))
	x.set(n, 1, info.Corner(), x.style(&excelize.Style{Font: font(false, true, 10), Alignment: &excelize.Alignment{Horizontal: "right"}}))
	x.span(3, n, upper(info.Title), x.style(&excelize.Style{Font: font(true, false, 14), Alignment: centre}))
	x.span(4, n, r.period(), x.style(&excelize.Style{Font: font(false, true, 12), Alignment: centre}))

	border := []excelize.Border{{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1}, {Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1}}
	header := x.style(&excelize.Style{Font: font(true, false, 11), Alignment: centre, Border: border,
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E6E6E6"}}})
	format := xlsxDateFormat
	styles := map[string]int{
		"L":    x.style(&excelize.Style{Font: font(false, false, 11), Border: border, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}),
		"C":    x.style(&excelize.Style{Font: font(false, false, 11), Border: border, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top", WrapText: true}}),
		"date": x.style(&excelize.Style{Font: font(false, false, 11), Border: border, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top"}, CustomNumFmt: &format}),
	}
	for i, c := range cols {
		x.set(i+1, xlsxHeaderRow, c.header, header)
		name, err := excelize.ColumnNumberToName(i + 1)
		x.do(err)
		x.do(x.f.SetColWidth(x.name, name, name, c.width))
	}
	x.do(x.f.SetRowHeight(x.name, xlsxHeaderRow, 45))
	for i, row := range r.Rows {
		for j, c := range cols {
			v, st := c.value(i, row), styles[c.align]
			if _, ok := v.(time.Time); ok {
				st = styles["date"]
			}
			x.set(j+1, xlsxHeaderRow+1+i, v, st)
		}
	}
	x.finish(n, len(r.Rows))
}

// finish freezes the heading and header rows and puts a filter on the
// header.
func (x *sheet) finish(cols, rows int) {
	x.do(x.f.SetPanes(x.name, &excelize.Panes{Freeze: true, YSplit: xlsxHeaderRow, TopLeftCell: fmt.Sprintf("A%d", xlsxHeaderRow+1), ActivePane: "bottomLeft"}))
	last, err := excelize.CoordinatesToCellName(cols, xlsxHeaderRow+max(rows, 1))
	x.do(err)
	x.do(x.f.AutoFilter(x.name, fmt.Sprintf("A%d:%s", xlsxHeaderRow, last), nil))
}

// xlsxValue prepares a value for a cell: times become the Asia/Ho_Chi_Minh
// wall clock (Excel dates have no zone; excelize converts from UTC), zero
// times an empty cell, strings NFC without the control characters XML
// forbids and cut to what a cell holds.
func xlsxValue(v any) any {
	switch v := v.(type) {
	case time.Time:
		if v.IsZero() {
			return ""
		}
		t := v.In(vietnam())
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
	case string:
		return xlsxText(v)
	}
	return v
}

// xlsxText cleans a string for a cell.
func xlsxText(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if unicode.IsControl(r) || r == 0xFFFE || r == 0xFFFF {
			return -1
		}
		return r
	}, norm.NFC.String(s))
	if runes := []rune(s); len(runes) > xlsxMaxCell {
		s = string(runes[:xlsxMaxCell-1]) + "…"
	}
	return s
}
