package forms

// column is one column of a table: its header and its share of the
// content width.
type column struct {
	header string
	weight float64
	align  string // of the body cells: "L", "C", "R"
}

// table is a bordered table with a grey header row that is repeated on
// every page the table reaches. A row taller than the room left moves to
// the next page whole; a row taller than a whole page is split between
// pages line by line, so no input can make it overflow.
type table struct {
	d        *doc
	cols     []column
	widths   []float64
	text     style
	minLines int // body rows are at least this many lines tall
}

const cellPad = 1.2 // millimetres of padding inside each cell

// newTable lays out columns across the content width.
func (d *doc) newTable(text style, cols ...column) *table {
	total := 0.0
	for _, c := range cols {
		total += c.weight
	}
	t := &table{d: d, cols: cols, text: text, minLines: 1}
	for _, c := range cols {
		t.widths = append(t.widths, d.width*c.weight/total)
	}
	return t
}

// headCells returns the header texts, each centred.
func (t *table) headCells() (lines [][]string, aligns []string) {
	cells, aligns := make([]string, len(t.cols)), make([]string, len(t.cols))
	for i, c := range t.cols {
		cells[i], aligns[i] = c.header, "C"
	}
	return t.lines(t.headStyle(), cells), aligns
}

// headHeight is the height of the header row.
func (t *table) headHeight() float64 {
	lines, _ := t.headCells()
	return t.height(t.headStyle(), tallest(lines))
}

// head draws the header row, first making room for it and one body line.
func (t *table) head() {
	lines, aligns := t.headCells()
	t.d.ensure(t.height(t.headStyle(), tallest(lines)) + t.height(t.text, 1))
	t.draw(t.headStyle(), lines, aligns, 0, tallest(lines), true)
}

func (t *table) headStyle() style { return style{"B", t.text.size, "C"} }

// rows draws body rows, breaking pages (and repeating the header) as needed.
func (t *table) rows(rows [][]string) {
	t.head()
	aligns := make([]string, len(t.cols))
	for i, c := range t.cols {
		aligns[i] = c.align
	}
	fresh := int((t.d.bottom - t.d.top - t.headHeight() - 2*cellPad) / t.text.lineHeight())
	for _, r := range rows {
		t.row(t.lines(t.text, r), aligns, fresh)
	}
}

// row draws one body row, splitting it when it cannot fit on a page. A
// row that would fit on a fresh page (fresh lines) moves there whole; after a page break
// at least one line is drawn, so the loop always advances.
func (t *table) row(lines [][]string, aligns []string, fresh int) {
	n := max(tallest(lines), t.minLines)
	lh := t.text.lineHeight()
	broke := false
	for from := 0; from < n; {
		room := int((t.d.bottom - t.d.pdf.GetY() - 2*cellPad) / lh)
		if need := n - from; need > room && !broke && (room < 1 || (from == 0 && need <= fresh)) {
			t.d.pdf.AddPage()
			t.head()
			broke = true
			continue
		}
		to := min(n, from+max(room, 1))
		t.draw(t.text, lines, aligns, from, to, false)
		from, broke = to, false
	}
}

// lines wraps each cell to its column.
func (t *table) lines(s style, cells []string) [][]string {
	out := make([][]string, len(t.cols))
	for i := range t.cols {
		text := ""
		if i < len(cells) {
			text = cells[i]
		}
		out[i] = t.d.wrap(s, text, t.widths[i]-2*cellPad)
	}
	return out
}

// height is the height of a row of n lines.
func (t *table) height(s style, n int) float64 { return float64(n)*s.lineHeight() + 2*cellPad }

// draw draws lines [from, to) of every cell as one bordered strip.
func (t *table) draw(s style, lines [][]string, aligns []string, from, to int, fill bool) {
	pdf, lh := t.d.pdf, s.lineHeight()
	x, y, h := t.d.left, pdf.GetY(), t.height(s, to-from)
	pdf.SetFillColor(230, 230, 230)
	pdf.SetLineWidth(0.2)
	for i, w := range t.widths {
		mode := "D"
		if fill {
			mode = "FD"
		}
		pdf.Rect(x, y, w, h, mode)
		t.d.use(s)
		for j := from; j < to && j < len(lines[i]); j++ {
			pdf.SetXY(x+cellPad, y+cellPad+float64(j-from)*lh)
			pdf.CellFormat(w-2*cellPad, lh, lines[i][j], "", 0, aligns[i], false, 0, "")
		}
		x += w
	}
	pdf.SetXY(t.d.left, y+h)
}

// tallest returns the number of lines of the tallest cell.
func tallest(lines [][]string) int {
	n := 1
	for _, l := range lines {
		n = max(n, len(l))
	}
	return n
}
