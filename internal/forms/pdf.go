package forms

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
)

// Page geometry in millimetres. Decree 30/2020/NĐ-CP sets the margins of
// an administrative document: top and bottom 20–25, left 30–35, right
// 15–20. The landscape register uses narrower side margins to fit its
// columns.
const (
	marginTop       = 20.0
	marginBottom    = 20.0
	marginLeft      = 30.0
	marginRight     = 15.0
	landscapeMargin = 15.0
	ptToMM          = 25.4 / 72
	lineSpacing     = 1.25 // line height as a multiple of the font size
)

// Font sizes in points: body text 13 (Decree 30 allows 13–14), the
// heading 12–13, titles 14, tables smaller.
const (
	sizeBody   = 13.0
	sizeHead   = 12.5
	sizeTitle  = 14.0
	sizeTable  = 11.0
	sizeSmall  = 10.0
	sizeCorner = 9.5
)

// style is a font face and size with an alignment ("L", "C", "R").
type style struct {
	face  string // "", "B", "I"
	size  float64
	align string
}

var (
	body      = style{"", sizeBody, "L"}
	bodyBold  = style{"B", sizeBody, "L"}
	italic    = style{"I", sizeBody, "L"}
	centred   = style{"", sizeBody, "C"}
	titleBold = style{"B", sizeTitle, "C"}
)

// lineHeight is the height of one line of text in a style.
func (s style) lineHeight() float64 { return s.size * ptToMM * lineSpacing }

// doc is one PDF being drawn: the fpdf document, its typeface and the
// content area. All drawing goes through its methods so that fpdf (an
// archived library, pinned) stays behind this file and its neighbours.
type doc struct {
	pdf    *fpdf.Fpdf
	face   *typeface
	info   FormInfo
	left   float64 // x of the content area
	width  float64 // width of the content area
	top    float64 // y where content starts on a page
	bottom float64 // y below which nothing is drawn
}

// newDoc starts an A4 document with the typeface embedded once and the
// creation date fixed to created, so that the same input gives the same
// bytes.
func newDoc(info FormInfo, landscape bool, created time.Time) (*doc, error) {
	face, err := newTypeface()
	if err != nil {
		return nil, err
	}
	orientation, left, right := "P", marginLeft, marginRight
	if landscape {
		orientation, left, right = "L", landscapeMargin, landscapeMargin
	}
	pdf := fpdf.NewCustom(&fpdf.InitType{OrientationStr: orientation, UnitStr: "mm", SizeStr: "A4"})
	for _, f := range fontFiles() {
		pdf.AddUTF8FontFromBytes(fontFamily, f.style, f.ttf)
	}
	pdf.SetMargins(left, marginTop, right)
	pdf.SetAutoPageBreak(false, marginBottom)
	pdf.SetCellMargin(0)
	pdf.SetCatalogSort(true)
	created = created.In(vietnam()) // fpdf writes the wall clock without a zone
	pdf.SetCreationDate(created)
	pdf.SetModificationDate(created)
	pdf.SetCreator("motcua", true)
	w, h := pdf.GetPageSize()
	d := &doc{pdf: pdf, face: face, info: info, left: left, width: w - left - right, top: marginTop, bottom: h - marginBottom}
	d.title(info.Title)
	pdf.SetHeaderFunc(d.pageNumber)
	pdf.AddPage()
	return d, pdf.Error()
}

// title sets the document's metadata title.
func (d *doc) title(t string) {
	d.pdf.SetTitle(clean(d.face, t, false), true)
}

// pageNumber prints the page number centred at the top from the second
// page on, as Decree 30/2020 numbers the pages of a document.
func (d *doc) pageNumber() {
	n := d.pdf.PageNo()
	if n < 2 {
		return
	}
	d.use(style{"", sizeSmall, "C"})
	d.pdf.SetXY(d.left, marginTop/2)
	d.pdf.CellFormat(d.width, 4, strconv.Itoa(n), "", 0, "C", false, 0, "")
	d.pdf.SetXY(d.left, d.top)
}

// write finishes the document into w.
func (d *doc) write(w io.Writer) error {
	if err := d.pdf.Output(w); err != nil {
		return fmt.Errorf("write %s PDF: %w", d.info.Title, err)
	}
	return nil
}

// use selects a style's font.
func (d *doc) use(s style) { d.pdf.SetFont(fontFamily, s.face, s.size) }

// wrap cleans text and splits it into lines no wider than w in style s.
// Empty text gives one empty line, so every cell and paragraph has a height.
func (d *doc) wrap(s style, text string, w float64) []string {
	d.use(s)
	var out []string
	for _, piece := range strings.Split(clean(d.face, text, true), "\n") {
		lines := d.pdf.SplitText(piece, w)
		if len(lines) == 0 {
			lines = []string{""}
		}
		out = append(out, lines...)
	}
	return out
}

// ensure starts a new page unless h millimetres fit below the current
// position; it reports whether it did.
func (d *doc) ensure(h float64) bool {
	if d.pdf.GetY()+h <= d.bottom {
		return false
	}
	d.pdf.AddPage()
	return true
}

// gap moves down by h millimetres.
func (d *doc) gap(h float64) { d.pdf.SetY(d.pdf.GetY() + h) }

// para prints wrapped text across the content width in style s, breaking
// pages between lines.
func (d *doc) para(s style, text string) { d.indented(s, 0, text) }

// indented prints a paragraph whose lines start indent millimetres in.
func (d *doc) indented(s style, indent float64, text string) {
	lh := s.lineHeight()
	for _, line := range d.wrap(s, text, d.width-indent) {
		d.ensure(lh)
		d.use(s)
		d.pdf.SetX(d.left + indent)
		d.pdf.CellFormat(d.width-indent, lh, line, "", 1, s.align, false, 0, "")
	}
}

// paras prints several paragraphs in one style.
func (d *doc) paras(s style, texts ...string) {
	for _, t := range texts {
		d.para(s, t)
	}
}

// list prints numbered or bulleted items with a hanging indent.
func (d *doc) list(s style, marker func(i int) string, items []string) {
	for i, it := range items {
		d.indented(s, 5, marker(i)+it)
	}
}

// dash marks every list item with an en dash.
func dash(int) string { return "– " }

// line is one line of a stacked block: text in a style, or blank space of
// the given height, optionally underlined by a short rule.
type line struct {
	text  string
	style style
	space float64 // blank height instead of text
	rule  float64 // width of a centred rule under the text; 0 for none
}

// block draws lines stacked in a column starting at (x, y) and returns the
// y below the last one. It does not break pages: callers measure with
// blockHeight and ensure first.
func (d *doc) block(x, y, w float64, lines []line) float64 {
	for _, l := range lines {
		if l.space > 0 {
			y += l.space
			continue
		}
		lh := l.style.lineHeight()
		for _, text := range d.wrap(l.style, l.text, w) {
			d.use(l.style)
			d.pdf.SetXY(x, y)
			d.pdf.CellFormat(w, lh, text, "", 0, l.style.align, false, 0, "")
			y += lh
		}
		if l.rule > 0 {
			d.pdf.SetLineWidth(0.3)
			d.pdf.Line(x+(w-l.rule)/2, y+0.3, x+(w+l.rule)/2, y+0.3)
			y += 1.5
		}
	}
	return y
}

// blockHeight measures what block would draw.
func (d *doc) blockHeight(w float64, lines []line) float64 {
	h := 0.0
	for _, l := range lines {
		h += l.space
		if l.space == 0 {
			h += float64(len(d.wrap(l.style, l.text, w))) * l.style.lineHeight()
		}
		if l.rule > 0 {
			h += 1.5
		}
	}
	return h
}

// columns draws blocks side by side with the given widths (a zero-width
// block is skipped space) after making room for the tallest, and moves below
// them.
func (d *doc) columns(widths []float64, blocks ...[]line) {
	h := 0.0
	for i, b := range blocks {
		h = max(h, d.blockHeight(widths[i], b))
	}
	d.ensure(h)
	x, y, bottom := d.left, d.pdf.GetY(), d.pdf.GetY()
	for i, b := range blocks {
		bottom = max(bottom, d.block(x, y, widths[i], b))
		x += widths[i]
	}
	d.pdf.SetXY(d.left, bottom)
}

// ruleWidth returns the width of text in style s, for the rule under the
// motto (as wide as the motto, Decree 30/2020).
func (d *doc) ruleWidth(s style, text string) float64 {
	d.use(s)
	return d.pdf.GetStringWidth(clean(d.face, text, false))
}
