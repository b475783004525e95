package forms

import (
	"io"
	"time"
)

// Apology is the letter a competent agency sends when a dossier will be
// late (DOMAIN.md rule 8): Mẫu 04 of both circulars, "Phiếu xin lỗi và hẹn
// lại ngày trả kết quả" under Circular 01/2018/TT-VPCP and "Văn bản xin lỗi
// và đề nghị gia hạn thời gian giải quyết" under Circular 03/2025/TT-VPCP.
// The new date does not make the dossier on time.
type Apology struct {
	Heading     Heading
	Code        string // dossier code, required
	Applicant   Applicant
	Procedure   string    // required
	ReceivedAt  time.Time // required
	OriginalDue time.Time // the appointment that will be missed, required
	Reason      string    // why the dossier is late, required
	NewDue      time.Time // the new appointment, required, after OriginalDue
	Signer      Signer    // head of the agency; Signer.Name required
	IssuedAt    time.Time // required
	Regime      Regime    // empty means RegimeFor(ReceivedAt)
}

// Validate checks the apology's input.
func (a Apology) Validate() error {
	c := newChecker("Apology", a.Regime, a.Heading, true, a.Applicant, a.Procedure)
	c.letter(a.Code, a.ReceivedAt, a.Signer, a.IssuedAt)
	c.instant("OriginalDue", a.OriginalDue)
	c.order("ReceivedAt", a.ReceivedAt, "OriginalDue", a.OriginalDue)
	c.text("Reason", a.Reason)
	c.instant("NewDue", a.NewDue)
	if !a.NewDue.IsZero() && !a.NewDue.After(a.OriginalDue) {
		c.fail("NewDue", "must be after OriginalDue")
	}
	return c.err()
}

// Info returns Mẫu 04 of the apology's regime.
func (a Apology) Info() (FormInfo, error) { return formInfo(a.Regime, a.ReceivedAt, KindApology) }

// WritePDF writes the apology as an A4 PDF.
func (a Apology) WritePDF(w io.Writer) error { return render(w, a) }

func (a Apology) page() (time.Time, bool) { return a.IssuedAt, false }

func (a Apology) draw(d *doc) error {
	you := a.Applicant.address()
	d.letter(a.Heading, a.IssuedAt, a.Applicant, a.Code, a.Procedure, a.ReceivedAt)
	d.paras(body,
		"Thời gian hẹn trả kết quả giải quyết hồ sơ: "+clock(a.OriginalDue)+".",
		"Tuy nhiên, cơ quan chúng tôi chưa thể trả kết quả giải quyết hồ sơ cho "+you+" đúng thời gian đã hẹn. Lý do: "+a.Reason,
	)
	if d.info.Regime == Regime2018 {
		d.para(body, "Sự chậm trễ này đã gây phiền hà, tốn kém thời gian, chi phí của "+you+". Cơ quan chúng tôi xin lỗi "+you+" và hẹn lại thời gian trả kết quả giải quyết hồ sơ vào: "+clock(a.NewDue)+".")
	} else {
		d.para(body, "Cơ quan chúng tôi trân trọng xin lỗi "+you+" và đề nghị được gia hạn thời gian giải quyết hồ sơ đến: "+clock(a.NewDue)+".")
	}
	d.para(body, "Xin trân trọng cảm ơn!")
	d.signatures(a.Signer.signature())
	return nil
}

// StopNotice is the notice that the handling of a dossier stops, at the
// applicant's request or because it is not eligible (Thông báo dừng giải
// quyết hồ sơ, Mẫu 05 of Circular 03/2025/TT-VPCP). Circular 01/2018 has
// no such form: for a dossier of Regime2018 Info and WritePDF return an
// error wrapping ErrNoSuchForm.
type StopNotice struct {
	Heading    Heading
	Code       string // dossier code, required
	Applicant  Applicant
	Procedure  string    // required
	ReceivedAt time.Time // required: the dossier was received
	Reason     string    // why handling stops, required
	Signer     Signer    // head of the agency; Signer.Name required
	IssuedAt   time.Time // required
	Regime     Regime    // empty means RegimeFor(ReceivedAt)
}

// Validate checks the notice's input.
func (s StopNotice) Validate() error {
	c := newChecker("StopNotice", s.Regime, s.Heading, true, s.Applicant, s.Procedure)
	c.letter(s.Code, s.ReceivedAt, s.Signer, s.IssuedAt)
	c.text("Reason", s.Reason)
	return c.err()
}

// Info returns Mẫu 05 of Circular 03/2025/TT-VPCP, or an error wrapping
// ErrNoSuchForm for a dossier of Regime2018.
func (s StopNotice) Info() (FormInfo, error) { return formInfo(s.Regime, s.ReceivedAt, KindStop) }

// WritePDF writes the notice as an A4 PDF.
func (s StopNotice) WritePDF(w io.Writer) error { return render(w, s) }

func (s StopNotice) page() (time.Time, bool) { return s.IssuedAt, false }

func (s StopNotice) draw(d *doc) error {
	d.letter(s.Heading, s.IssuedAt, s.Applicant, s.Code, s.Procedure, s.ReceivedAt)
	d.paras(body,
		"Cơ quan chúng tôi thông báo dừng giải quyết hồ sơ nêu trên. Lý do: "+s.Reason,
		"Xin trân trọng thông báo!",
	)
	d.signatures(s.Signer.signature())
	return nil
}

// letter checks the other fields every letter to the applicant has.
func (c *checker) letter(code string, received time.Time, s Signer, issued time.Time) {
	c.text("Code", code)
	c.instant("ReceivedAt", received)
	c.text("Signer.Name", s.Name)
	c.instant("IssuedAt", issued)
}

// letter draws the top of a letter to the applicant: heading, title, the
// addressee and the dossier it is about.
func (d *doc) letter(h Heading, issued time.Time, a Applicant, code, procedure string, received time.Time) {
	d.heading(h, issued)
	d.heads(d.info.Title, codeLine(code)...)
	to := []line{{text: "Kính gửi: " + a.Name, style: centred}}
	if !blank(a.Address) {
		to = append(to, line{text: "Địa chỉ: " + a.Address, style: centred})
	}
	d.columns([]float64{d.width}, to)
	d.gap(3)
	d.paras(body,
		"Vào "+clock(received)+", cơ quan chúng tôi đã tiếp nhận hồ sơ của "+a.address()+", mã hồ sơ: "+code+".",
		"Nội dung yêu cầu giải quyết: "+procedure+".",
	)
}
