package forms

import (
	"io"
	"strconv"
	"strings"
	"time"
)

// Texts for Handover.Result, as the control slip words the outcome of a
// step (DOMAIN.md rule 9).
const (
	ResultEarly  = "Trước hạn"
	ResultOnTime = "Đúng hạn"
	ResultLate   = "Quá hạn"
)

// Handover is one row of the control slip: a dossier passed from one unit
// or official to another.
type Handover struct {
	FromUnit     string // FromUnit or FromOfficial required
	FromOfficial string
	ToUnit       string // ToUnit or ToOfficial required
	ToOfficial   string
	HandedAt     time.Time // required
	Due          time.Time // when the receiving side must finish its step; optional
	Result       string    // ResultEarly, ResultOnTime, ResultLate or other text; empty while pending
	Note         string
}

// ControlSlip is the process control slip that travels with a dossier
// (Phiếu kiểm soát quá trình giải quyết hồ sơ: Mẫu 05 of Circular
// 01/2018/TT-VPCP, Mẫu 06 of Circular 03/2025/TT-VPCP). With no rows it
// prints blank rows to fill in by hand.
type ControlSlip struct {
	Heading    Heading // Place is not used: the slip carries no date line
	Code       string  // dossier code, required
	Applicant  Applicant
	Procedure  string    // required
	ReceivedAt time.Time // required
	DueAt      time.Time // the appointment, required
	Rows       []Handover
	Regime     Regime // empty means RegimeFor(ReceivedAt)
}

// Validate checks the slip's input.
func (s ControlSlip) Validate() error {
	c := newChecker("ControlSlip", s.Regime, s.Heading, false, s.Applicant, s.Procedure)
	c.text("Code", s.Code)
	c.instant("ReceivedAt", s.ReceivedAt)
	c.instant("DueAt", s.DueAt)
	c.order("ReceivedAt", s.ReceivedAt, "DueAt", s.DueAt)
	for i, r := range s.Rows {
		if blank(r.FromUnit) && blank(r.FromOfficial) {
			c.fail(item("Rows", i, "FromUnit"), "or FromOfficial is required")
		}
		if blank(r.ToUnit) && blank(r.ToOfficial) {
			c.fail(item("Rows", i, "ToUnit"), "or ToOfficial is required")
		}
		c.instant(item("Rows", i, "HandedAt"), r.HandedAt)
	}
	return c.err()
}

// Info returns the control slip of the regime (Mẫu 05 or 06).
func (s ControlSlip) Info() (FormInfo, error) { return formInfo(s.Regime, s.ReceivedAt, KindControl) }

// WritePDF writes the slip as an A4 PDF.
func (s ControlSlip) WritePDF(w io.Writer) error { return render(w, s) }

func (s ControlSlip) page() (time.Time, bool) { return s.ReceivedAt, false }

func (s ControlSlip) draw(d *doc) error {
	d.heading(s.Heading, time.Time{})
	d.heads(d.info.Title, codeLine(s.Code)...)
	d.party("Tên tổ chức, cá nhân nộp hồ sơ:", s.Applicant, s.Procedure)
	d.paras(body,
		"Thời gian nhận hồ sơ: "+clock(s.ReceivedAt),
		"Thời gian hẹn trả kết quả: "+clock(s.DueAt),
	)
	d.gap(2)
	t := d.newTable(style{"", sizeSmall, "L"},
		column{"STT", 10, "C"},
		column{"Bên giao", 27, "L"},
		column{"Bên nhận", 27, "L"},
		column{"Thời gian giao, nhận hồ sơ", 27, "C"},
		column{"Hạn xử lý", 27, "C"},
		column{"Kết quả giải quyết (trước hạn / đúng hạn / quá hạn)", 24, "C"},
		column{"Ghi chú", 23, "L"},
	)
	rows := make([][]string, len(s.Rows))
	for i, r := range s.Rows {
		rows[i] = []string{strconv.Itoa(i + 1), unitAndOfficial(r.FromUnit, r.FromOfficial), unitAndOfficial(r.ToUnit, r.ToOfficial), clock(r.HandedAt), clock(r.Due), r.Result, r.Note}
	}
	if len(rows) == 0 {
		t.minLines = 3
		rows = make([][]string, 4)
	}
	t.rows(rows)
	return nil
}

// unitAndOfficial joins a unit and an official on separate lines, leaving out
// whichever is empty.
func unitAndOfficial(unit, official string) string {
	var parts []string
	for _, p := range []string{unit, official} {
		if !blank(p) {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, "\n")
}
