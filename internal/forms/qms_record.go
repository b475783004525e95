package forms

import (
	"fmt"
	"io"
	"time"
)

// QMSRecord is a record of a unit's quality management system printed as an A4 PDF (issue
// 8): the minutes of a management review (biên bản họp xem xét của lãnh đạo) and the
// report of an internal audit (báo cáo đánh giá nội bộ). They are records of the unit,
// not forms of the one-stop circulars: no form number in the corner, the unit's heading,
// the title, numbered sections of paragraphs, items and tables, and two signatures.
type QMSRecord struct {
	Heading  Heading
	Title    string    // printed in capitals
	Lines    []string  // centred under the title (the period, the audited unit)
	Date     time.Time // of the date line and the PDF's creation date; required
	Sections []QMSSection
	Left     QMSSigner // the secretary, the auditors
	Right    QMSSigner // the chair, the head of the unit
}

// QMSSection is one part of a record: a heading, then paragraphs, items (each after a
// dash) and a table, all optional.
type QMSSection struct {
	Title      string
	Paragraphs []string
	Items      []string
	Table      QMSTable
}

// QMSTable is a bordered table; rows have one cell per column.
type QMSTable struct {
	Columns []QMSColumn
	Rows    [][]string
}

// QMSColumn is one column of a QMSTable.
type QMSColumn struct {
	Header string
	Weight float64 // share of the width
	Align  string  // "L", "C", "R"; empty: left
}

// QMSSigner is one signature block; an empty Role leaves the side blank.
type QMSSigner struct {
	Role string
	Name string
}

// Validate checks the record's input.
func (r QMSRecord) Validate() error {
	c := &checker{form: "QMSRecord"}
	c.heading(r.Heading, true)
	c.text("Title", r.Title)
	c.instant("Date", r.Date)
	for i, s := range r.Sections {
		c.text(item("Sections", i, "Title"), s.Title)
		for j, col := range s.Table.Columns {
			c.text(fmt.Sprintf("Sections[%d].Table.Columns[%d].Header", i, j), col.Header)
			if col.Weight <= 0 {
				c.fail(fmt.Sprintf("Sections[%d].Table.Columns[%d].Weight", i, j), "is not positive")
			}
		}
		for j, row := range s.Table.Rows {
			if len(row) != len(s.Table.Columns) {
				c.fail(fmt.Sprintf("Sections[%d].Table.Rows[%d]", i, j), fmt.Sprintf("has %d cells for %d columns",
					len(row), len(s.Table.Columns)))
			}
		}
	}
	if r.Right.Role == "" {
		c.fail("Right.Role", "is required")
	}
	return c.err()
}

// Info names the document.
func (r QMSRecord) Info() (FormInfo, error) { return FormInfo{Title: r.Title}, nil }

// WritePDF writes the record as a portrait A4 PDF; the same input gives the same bytes.
func (r QMSRecord) WritePDF(w io.Writer) error { return render(w, r) }

func (r QMSRecord) page() (time.Time, bool) { return r.Date, false }

func (r QMSRecord) draw(d *doc) error {
	d.headingColumns(r.Heading, r.Date)
	var under []line
	for _, l := range r.Lines {
		under = append(under, line{text: l, style: dateStyle})
	}
	d.heads(r.Title, under...)
	cell := style{"", sizeTable, "L"}
	for _, s := range r.Sections {
		need := 3 * bodyBold.lineHeight()
		if len(s.Table.Rows) > 0 {
			// Keep the title with the table's header and its first rows.
			need += 4*cell.lineHeight() + 4*cellPad
		}
		d.ensure(need)
		d.para(bodyBold, s.Title)
		d.gap(1)
		d.paras(body, s.Paragraphs...)
		d.list(body, dash, s.Items)
		if len(s.Table.Columns) > 0 && len(s.Table.Rows) > 0 {
			cols := make([]column, len(s.Table.Columns))
			for i, c := range s.Table.Columns {
				align := c.Align
				if align == "" {
					align = "L"
				}
				cols[i] = column{c.Header, c.Weight, align}
			}
			d.gap(1)
			d.newTable(cell, cols...).rows(s.Table.Rows)
		}
		d.gap(3)
	}
	var sigs []signature
	if r.Left.Role != "" {
		sigs = append(sigs, signature{role: r.Left.Role, hint: hintSign, name: r.Left.Name})
	}
	sigs = append(sigs, signature{role: r.Right.Role, hint: hintSign, name: r.Right.Name})
	d.signatures(sigs...)
	return nil
}
