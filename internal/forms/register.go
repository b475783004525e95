package forms

import (
	"io"
	"strconv"
	"time"
)

// RegisterRow is one dossier in the register.
type RegisterRow struct {
	No            int    // running number; 0 prints the row's position (1, 2, …)
	Code          string // dossier code, required
	Applicant     string // name of the person or organisation, required
	AddressPhone  string // address and phone, as one text
	ReceivedAt    time.Time
	DueAt         time.Time // the appointment
	TransferredTo string    // the unit the dossier was passed to
	ResolvedAt    time.Time // when the result was ready; zero while pending
	ReturnedAt    time.Time // when the result was handed back; zero while pending
	Late          bool
	Note          string
}

// Register is the dossier register of a desk for a period (Sổ theo dõi hồ
// sơ: Mẫu 06 of Circular 01/2018/TT-VPCP, Mẫu 07 of Circular
// 03/2025/TT-VPCP), printable as a landscape PDF and exportable as XLSX.
type Register struct {
	Heading Heading   // Place is not used
	From    time.Time // first instant of the period, required
	To      time.Time // last instant (or day) of the period, required; also the document date
	Rows    []RegisterRow
	Regime  Regime // empty means RegimeFor(From)
}

// Validate checks the register's input.
func (r Register) Validate() error {
	c := &checker{form: "Register"}
	c.regime(r.Regime)
	c.heading(r.Heading, false)
	c.instant("From", r.From)
	c.instant("To", r.To)
	c.order("From", r.From, "To", r.To)
	for i, row := range r.Rows {
		c.text(item("Rows", i, "Code"), row.Code)
		c.text(item("Rows", i, "Applicant"), row.Applicant)
		c.instant(item("Rows", i, "ReceivedAt"), row.ReceivedAt)
	}
	return c.err()
}

// Info returns the register of the regime (Mẫu 06 or 07).
func (r Register) Info() (FormInfo, error) { return formInfo(r.Regime, r.From, KindRegister) }

// WritePDF writes the register as a landscape A4 PDF whose table header
// repeats on every page.
func (r Register) WritePDF(w io.Writer) error { return render(w, r) }

func (r Register) page() (time.Time, bool) { return r.To, true }

// period is the line under the register's title.
func (r Register) period() string {
	return "Từ ngày " + day(r.From) + " đến ngày " + day(r.To)
}

func (r Register) draw(d *doc) error {
	d.heading(r.Heading, time.Time{})
	d.heads(d.info.Title, line{text: r.period(), style: dateStyle})
	cols := registerColumns()
	var pcols []column
	for _, c := range cols {
		pcols = append(pcols, column{c.header, c.weight, c.align})
	}
	rows := make([][]string, len(r.Rows))
	for i, row := range r.Rows {
		for _, c := range cols {
			rows[i] = append(rows[i], cellText(c.value(i, row)))
		}
	}
	d.newTable(style{"", 9, "L"}, pcols...).rows(rows)
	return nil
}

// registerColumn is one column of the register, shared by the PDF and the
// XLSX so that both always have the same columns.
type registerColumn struct {
	header string
	weight float64 // PDF width in millimetres (landscape content width 267)
	width  float64 // XLSX column width in characters
	align  string
	value  func(i int, r RegisterRow) any // string, int or time.Time
	inXLSX bool
}

// registerColumns lists the register's columns in order. The signature
// column exists only on paper.
func registerColumns() []registerColumn {
	return []registerColumn{
		{"STT", 10, 6, "C", func(i int, r RegisterRow) any { return r.number(i) }, true},
		{"Mã hồ sơ", 40, 28, "L", func(_ int, r RegisterRow) any { return r.Code }, true},
		{"Tên tổ chức, cá nhân", 27, 26, "L", func(_ int, r RegisterRow) any { return r.Applicant }, true},
		{"Địa chỉ, số điện thoại", 29, 32, "L", func(_ int, r RegisterRow) any { return r.AddressPhone }, true},
		{"Ngày nhận hồ sơ", 25, 17, "C", func(_ int, r RegisterRow) any { return r.ReceivedAt }, true},
		{"Ngày hẹn trả kết quả", 25, 17, "C", func(_ int, r RegisterRow) any { return r.DueAt }, true},
		{"Chuyển hồ sơ đến cơ quan giải quyết", 25, 26, "L", func(_ int, r RegisterRow) any { return r.TransferredTo }, true},
		{"Ngày có kết quả", 25, 17, "C", func(_ int, r RegisterRow) any { return r.ResolvedAt }, true},
		{"Ngày trả kết quả", 25, 17, "C", func(_ int, r RegisterRow) any { return r.ReturnedAt }, true},
		{"Quá hạn", 11, 9, "C", func(_ int, r RegisterRow) any { return yes(r.Late) }, true},
		{"Ký nhận kết quả", 13, 0, "C", func(int, RegisterRow) any { return "" }, false},
		{"Ghi chú", 12, 24, "L", func(_ int, r RegisterRow) any { return r.Note }, true},
	}
}

// number is the row's running number: No, or its position.
func (r RegisterRow) number(i int) int {
	if r.No != 0 {
		return r.No
	}
	return i + 1
}

// yes prints a flag as "Có" or nothing.
func yes(b bool) string {
	if b {
		return "Có"
	}
	return ""
}

// cellText renders a column value for the PDF.
func cellText(v any) string {
	switch v := v.(type) {
	case time.Time:
		return clock(v)
	case int:
		return strconv.Itoa(v)
	case string:
		return v
	}
	return ""
}
