package forms

import (
	"fmt"
	"io"
	"strconv"
	"time"
)

// Applicant is the person or organisation who submits the dossier.
type Applicant struct {
	Name           string // required: "Nguyễn Thị Hương" or the organisation's name
	IDNumber       string // personal identification number, or the enterprise code
	Phone          string
	Email          string
	Address        string
	Organisation   bool   // an organisation rather than a person
	Representative string // who acts for an organisation (or an authorised person)
}

// Component is one paper of the dossier as handed in.
type Component struct {
	Name      string // required
	Originals int    // number of originals (bản chính)
	Copies    int    // number of copies (bản sao)
	Digitised bool   // scanned into the system at receipt (Decree 107/2021)
}

// Receipt is the receipt and appointment slip (Giấy tiếp nhận hồ sơ và hẹn
// trả kết quả, Mẫu 01 of both circulars), issued when a complete dossier
// is received. It is printed in two copies: one for the applicant, one
// kept with the dossier.
type Receipt struct {
	Heading    Heading
	Code       string    // dossier code, required
	ReceivedAt time.Time // required; also the date of the slip
	Receiver   string    // the official who received the dossier, required
	Applicant  Applicant
	Procedure  string // name of the administrative procedure, required
	Components []Component
	TimeLimit  string    // the procedure's time limit as text, "05 ngày làm việc", required
	DueAt      time.Time // the appointment, required, not before ReceivedAt
	// Rule says which rule produced the appointment (DOMAIN.md rule 6),
	// "05 ngày làm việc tính từ ngày làm việc tiếp theo, cùng giờ tiếp
	// nhận"; required, printed under the appointment.
	Rule         string
	ReturnMethod string // how the result is returned: "Trực tiếp tại Bộ phận Một cửa", "Qua dịch vụ bưu chính"
	// LookupURL is where the applicant follows the dossier; encoded in a QR
	// code and printed with the code. Optional; at most 300 bytes, the most a
	// 28 mm QR code holds legibly.
	LookupURL string
	// Regime selects the forms; empty means RegimeFor(ReceivedAt).
	Regime Regime
}

// maxLookupURL bounds the look-up address: a 28 mm QR code stays legible
// up to about version 17 (85 modules), which holds some 400 bytes at
// medium error correction.
const maxLookupURL = 300

// Validate checks the receipt's input.
func (r Receipt) Validate() error {
	c := newChecker("Receipt", r.Regime, r.Heading, true, r.Applicant, r.Procedure)
	c.text("Code", r.Code)
	c.instant("ReceivedAt", r.ReceivedAt)
	c.text("Receiver", r.Receiver)
	c.some("Components", len(r.Components))
	for i, comp := range r.Components {
		c.text(item("Components", i, "Name"), comp.Name)
		if comp.Originals < 0 || comp.Copies < 0 {
			c.fail(item("Components", i, "Originals"), "and Copies must not be negative")
		}
	}
	c.text("TimeLimit", r.TimeLimit)
	c.instant("DueAt", r.DueAt)
	c.order("ReceivedAt", r.ReceivedAt, "DueAt", r.DueAt)
	c.text("Rule", r.Rule)
	if len(r.LookupURL) > maxLookupURL {
		c.fail("LookupURL", fmt.Sprintf("is longer than the %d bytes a QR code on a slip can hold legibly", maxLookupURL))
	}
	return c.err()
}

// Info returns Mẫu 01 of the receipt's regime.
func (r Receipt) Info() (FormInfo, error) { return formInfo(r.Regime, r.ReceivedAt, KindReceipt) }

// WritePDF writes the receipt as an A4 PDF.
func (r Receipt) WritePDF(w io.Writer) error { return render(w, r) }

func (r Receipt) page() (time.Time, bool) { return r.ReceivedAt, false }

func (r Receipt) draw(d *doc) error {
	d.heading(r.Heading, r.ReceivedAt)
	d.heads(d.info.Title, codeLine(r.Code)...)
	d.party(d.info.Regime.desk()+" đã tiếp nhận hồ sơ của:", r.Applicant, r.Procedure)
	d.para(body, "1. Thành phần hồ sơ nộp gồm:")
	d.components(r.Components)
	d.para(body, "2. Thời hạn giải quyết hồ sơ theo quy định: "+r.TimeLimit)
	d.para(body, "3. Thời gian nhận hồ sơ: "+clock(r.ReceivedAt))
	d.para(bodyBold, "4. Thời gian trả kết quả giải quyết hồ sơ: "+clock(r.DueAt))
	d.indented(italic, 5, "Cách tính thời hạn: "+r.Rule)
	if !blank(r.ReturnMethod) {
		d.para(body, "5. Hình thức nhận kết quả: "+r.ReturnMethod)
	}
	if err := d.lookup(r.LookupURL, r.Code); err != nil {
		return err
	}
	d.signatures(
		signature{role: "Người nộp hồ sơ", hint: hintSign, name: r.Applicant.signatory()},
		signature{role: "Người tiếp nhận hồ sơ", hint: hintSign, name: r.Receiver},
	)
	d.gap(4)
	d.para(style{"I", sizeSmall, "L"}, "Ghi chú: Giấy tiếp nhận hồ sơ và hẹn trả kết quả được lập thành 02 bản: 01 bản giao cho người nộp hồ sơ, 01 bản lưu cùng hồ sơ.")
	return nil
}

// components draws the table of papers received.
func (d *doc) components(list []Component) {
	t := d.newTable(style{"", sizeTable, "L"},
		column{"STT", 10, "C"},
		column{"Tên giấy tờ", 62, "L"},
		column{"Bản chính", 14, "C"},
		column{"Bản sao", 14, "C"},
		column{"Đã số hóa", 14, "C"},
	)
	rows := make([][]string, len(list))
	for i, c := range list {
		rows[i] = []string{strconv.Itoa(i + 1), c.Name, strconv.Itoa(c.Originals), strconv.Itoa(c.Copies), yes(c.Digitised)}
	}
	t.rows(rows)
	d.gap(2)
}

// party prints who submitted the dossier and what it asks for.
func (d *doc) party(intro string, a Applicant, procedure string) {
	d.para(body, intro)
	for _, l := range a.lines() {
		d.indented(body, 5, l)
	}
	d.para(body, "Nội dung yêu cầu giải quyết: "+procedure)
}

// lookup prints the QR code of the look-up address beside the address and
// the dossier code in plain text; without an address, just the code.
func (d *doc) lookup(url, code string) error {
	d.gap(2)
	if blank(url) {
		d.para(body, "Mã hồ sơ để tra cứu: "+code)
		return nil
	}
	const side, gutter = 28.0, 5.0
	small := style{"", sizeSmall, "L"}
	text := []line{
		{text: "Tra cứu tình trạng giải quyết hồ sơ: quét mã QR hoặc truy cập", style: small},
		{text: url, style: small},
		{text: "Mã hồ sơ: " + code, style: bodyBold},
	}
	h := max(side, d.blockHeight(d.width-side-gutter, text))
	d.ensure(h)
	y := d.pdf.GetY()
	if err := d.qrCode(d.left, y, side, url); err != nil {
		return err
	}
	d.block(d.left+side+gutter, y, d.width-side-gutter, text)
	d.pdf.SetXY(d.left, y+h)
	return nil
}
