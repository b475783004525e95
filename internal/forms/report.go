package forms

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// StatReport is a periodic statistical report that a unit sends upward, such as the
// report on the handling of administrative procedures ("Báo cáo tình hình, kết quả giải
// quyết thủ tục hành chính"): the heading and date line of Decree 30/2020, the title and
// period, the figures with the rule that counts each (section I), a table per unit with
// grouped column headers and a totals row (section II), notes, and the signatures. It
// prints as a landscape A4 PDF and exports as XLSX with the same numbers; the caller
// computes every number, this package only lays them out.
type StatReport struct {
	Heading Heading   // Authority and Unit; Place for the date line (required)
	Title   string    // required; printed in capitals
	Lines   []string  // centred lines under the title: the period, the unit reported on
	Date    time.Time // the document's date (date line, PDF and XLSX metadata); required
	Figures []StatFigure
	Table   StatTable
	Notes   []string // printed in italics under the table
	// Preparer is the official who prepared the report, signed on the left; Signer
	// the head of the unit on the right (the Title defaults to "THỦ TRƯỞNG CƠ QUAN").
	Preparer string
	Signer   Signer
}

// StatFigure is one line of section I: a count or a ratio, and the rule that counts it in
// one short sentence.
type StatFigure struct {
	Label string
	Value any // int64 or Ratio
	Rule  string
	Part  bool // a part of the figure above it (indented)
}

// Ratio is a rate with its numerator and denominator. In section I it prints as
// "26.243 / 26.298 = 99,79%", in a table cell as "99,79%"; a zero denominator prints "—"
// and is never divided by.
type Ratio struct{ Num, Den int64 }

// Percent returns the ratio in percent, and false for a zero denominator.
func (r Ratio) Percent() (float64, bool) {
	if r.Den == 0 {
		return 0, false
	}
	return 100 * float64(r.Num) / float64(r.Den), true
}

// StatTable is section II: one row per unit and a totals row. Cells are string, int64 or
// Ratio.
type StatTable struct {
	Title   string // the section's heading, "II. KẾT QUẢ THEO ĐƠN VỊ"
	Columns []StatColumn
	Rows    [][]any
	Total   []any // the totals row, printed in bold; nil for none
}

// StatColumn is one column of a StatTable. Consecutive columns with the same Group share
// a header cell above their own; a column without a group has one tall header cell.
type StatColumn struct {
	Group  string
	Header string
	Weight float64 // share of the PDF table's width
	Width  float64 // XLSX column width in characters
	Align  string  // of the PDF cells: "L", "C" or "R"; empty: right, or left for text
}

// Validate checks the report's input.
func (r StatReport) Validate() error {
	c := &checker{form: "StatReport"}
	c.heading(r.Heading, true)
	c.text("Title", r.Title)
	c.instant("Date", r.Date)
	for i, f := range r.Figures {
		c.text(item("Figures", i, "Label"), f.Label)
		switch f.Value.(type) {
		case int64, Ratio:
		default:
			c.fail(item("Figures", i, "Value"), fmt.Sprintf("is %T, want int64 or Ratio", f.Value))
		}
	}
	n := len(r.Table.Columns)
	for i, col := range r.Table.Columns {
		c.text(item("Table.Columns", i, "Header"), col.Header)
		if col.Weight <= 0 {
			c.fail(item("Table.Columns", i, "Weight"), "is not positive")
		}
	}
	rows := r.Table.Rows
	if r.Table.Total != nil {
		rows = append(rows[:len(rows):len(rows)], r.Table.Total)
	}
	for i, row := range rows {
		field := item("Table.Rows", i, "")
		if i == len(r.Table.Rows) {
			field = "Table.Total"
		}
		if len(row) != n {
			c.fail(field, fmt.Sprintf("has %d cells for %d columns", len(row), n))
		}
		for j, v := range row {
			switch v.(type) {
			case string, int64, Ratio:
			default:
				c.fail(fmt.Sprintf("%s[%d]", field, j), fmt.Sprintf("is %T, want string, int64 or Ratio", v))
			}
		}
	}
	return c.err()
}

// Info names the document: a report is no numbered form of the one-stop circulars.
func (r StatReport) Info() (FormInfo, error) { return FormInfo{Title: r.Title}, nil }

// WritePDF writes the report as a landscape A4 PDF.
func (r StatReport) WritePDF(w io.Writer) error { return render(w, r) }

func (r StatReport) page() (time.Time, bool) { return r.Date, true }

func (r StatReport) draw(d *doc) error {
	d.headingColumns(r.Heading, r.Date)
	var under []line
	for _, l := range r.Lines {
		under = append(under, line{text: l, style: dateStyle})
	}
	d.heads(r.Title, under...)
	if len(r.Figures) > 0 {
		d.para(bodyBold, "I. SỐ LIỆU TỔNG HỢP")
		d.gap(1)
		rows := make([][]string, len(r.Figures))
		for i, f := range r.Figures {
			label := f.Label
			if f.Part {
				label = "– " + label
			}
			rows[i] = []string{label, figureText(f.Value), f.Rule}
		}
		t := d.newTable(style{"", 10, "L"}, column{"Chỉ tiêu", 70, "L"}, column{"Số liệu", 48, "R"}, column{"Cách tính", 149, "L"})
		t.rows(rows)
		d.gap(5)
	}
	if len(r.Table.Columns) > 0 {
		g := newGroupedTable(d, r.Table)
		// Keep the section's title with the table's header and first row.
		d.ensure(bodyBold.lineHeight() + 1 + g.headHeight() + g.t.height(g.t.text, 2))
		if r.Table.Title != "" {
			d.para(bodyBold, r.Table.Title)
			d.gap(1)
		}
		g.draw(r.Table)
	}
	if len(r.Notes) > 0 {
		d.gap(2)
		for _, n := range r.Notes {
			d.para(style{"I", sizeSmall, "L"}, n)
		}
	}
	d.signatures(signature{role: "Người lập biểu", hint: hintSign, name: r.Preparer}, r.Signer.signature())
	return nil
}

// groupedTable is a table whose header has a row of groups over the column headers,
// repeated on every page the table reaches; its totals row is bold.
type groupedTable struct {
	d      *doc
	t      *table
	cols   []StatColumn
	aligns []string
	h1, h2 float64 // heights of the group row (0 without groups) and the header row
}

// newGroupedTable lays out a StatTable across the content width and measures its header:
// a group's cell spans its columns above their headers; a column without a group has one
// cell as tall as both rows.
func newGroupedTable(d *doc, st StatTable) *groupedTable {
	g := &groupedTable{d: d, cols: st.Columns, aligns: make([]string, len(st.Columns))}
	cols := make([]column, len(st.Columns))
	for i, c := range st.Columns {
		cols[i], g.aligns[i] = column{c.Header, c.Weight, "R"}, "R"
		for _, row := range st.Rows {
			if _, ok := row[i].(string); ok {
				g.aligns[i] = "L"
			}
		}
		if c.Align != "" {
			g.aligns[i] = c.Align
		}
	}
	g.t = d.newTable(style{"", 9, "L"}, cols...)
	hs := g.t.headStyle()
	lh := hs.lineHeight()
	wrapped := func(text string, w float64) int { return len(d.wrap(hs, text, w-2*cellPad)) }
	groupLines, colLines := 0, 1
	for i, c := range g.cols {
		if c.Group != "" {
			groupLines = max(groupLines, wrapped(c.Group, g.groupWidth(i)))
			colLines = max(colLines, wrapped(c.Header, g.t.widths[i]))
		}
	}
	if groupLines > 0 {
		g.h1 = float64(groupLines)*lh + 2*cellPad
	}
	g.h2 = float64(colLines)*lh + 2*cellPad
	for i, c := range g.cols {
		if need := float64(wrapped(c.Header, g.t.widths[i]))*lh + 2*cellPad; c.Group == "" && need > g.h1+g.h2 {
			g.h2 = need - g.h1
		}
	}
	return g
}

func (g *groupedTable) headHeight() float64 { return g.h1 + g.h2 }

// draw draws the header, the rows and the totals, breaking pages between rows.
func (g *groupedTable) draw(st StatTable) {
	d, t := g.d, g.t
	fresh := int((d.bottom - d.top - g.headHeight()) / t.text.lineHeight())
	put := func(s style, cells []any) {
		strs := make([]string, len(cells))
		for i, v := range cells {
			strs[i] = cellValueText(v)
		}
		lines := t.lines(s, strs)
		if d.pdf.GetY()+t.height(s, tallest(lines)) > d.bottom {
			d.pdf.AddPage()
			g.head()
		}
		t.text = s
		t.row(lines, g.aligns, fresh)
	}
	g.head()
	for _, r := range st.Rows {
		put(style{"", 9, "L"}, r)
	}
	if st.Total != nil {
		put(style{"B", 9, "L"}, st.Total)
	}
}

// head draws the two header rows.
func (g *groupedTable) head() {
	d, t, hs := g.d, g.t, g.t.headStyle()
	lh := hs.lineHeight()
	d.ensure(g.headHeight() + t.height(t.text, 1))
	pdf := d.pdf
	pdf.SetFillColor(230, 230, 230)
	pdf.SetLineWidth(0.2)
	x, y := d.left, pdf.GetY()
	cell := func(x, y, w, h float64, text string) {
		pdf.Rect(x, y, w, h, "FD")
		lines := d.wrap(hs, text, w-2*cellPad)
		top := y + (h-float64(len(lines))*lh)/2
		d.use(hs)
		for j, l := range lines {
			pdf.SetXY(x+cellPad, top+float64(j)*lh)
			pdf.CellFormat(w-2*cellPad, lh, l, "", 0, "C", false, 0, "")
		}
	}
	for i := 0; i < len(g.cols); {
		c := g.cols[i]
		if c.Group == "" {
			cell(x, y, t.widths[i], g.h1+g.h2, c.Header)
			x += t.widths[i]
			i++
			continue
		}
		cell(x, y, g.groupWidth(i), g.h1, c.Group)
		for ; i < len(g.cols) && g.cols[i].Group == c.Group; i++ {
			cell(x, y+g.h1, t.widths[i], g.h2, g.cols[i].Header)
			x += t.widths[i]
		}
	}
	pdf.SetXY(d.left, y+g.h1+g.h2)
}

// groupWidth is the width of the run of columns sharing column i's group, from i on.
func (g *groupedTable) groupWidth(i int) float64 {
	w := 0.0
	for j := i; j < len(g.cols) && g.cols[j].Group == g.cols[i].Group; j++ {
		w += g.t.widths[j]
	}
	return w
}

// figureText prints a figure of section I.
func figureText(v any) string {
	if r, ok := v.(Ratio); ok {
		return VietnameseCount(r.Num) + " / " + VietnameseCount(r.Den) + " = " + VietnamesePercent(r)
	}
	return cellValueText(v)
}

// cellValueText prints a table cell: counts with dot thousands, ratios as percentages.
func cellValueText(v any) string {
	switch v := v.(type) {
	case int64:
		return VietnameseCount(v)
	case Ratio:
		return VietnamesePercent(v)
	case string:
		return v
	}
	return ""
}

// VietnameseCount writes a count the Vietnamese way, with dots between thousands:
// 26298 → "26.298".
func VietnameseCount(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// VietnamesePercent writes a ratio as a percentage with two decimals and a decimal comma,
// 26243/26298 → "99,79%"; a zero denominator gives "—".
func VietnamesePercent(r Ratio) string {
	p, ok := r.Percent()
	if !ok {
		return "—"
	}
	return strings.Replace(strconv.FormatFloat(p, 'f', 2, 64), ".", ",", 1) + "%"
}
