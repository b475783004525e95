package forms

import (
	"io"
	"time"
)

// Refusal is the slip refusing to receive and handle a dossier (Phiếu từ
// chối tiếp nhận giải quyết hồ sơ, Mẫu 03 of both circulars): the dossier
// is outside the unit's competence or not eligible (DOMAIN.md rule 3).
type Refusal struct {
	Heading   Heading
	Code      string // dossier code; usually empty, the dossier is not received
	Applicant Applicant
	Procedure string    // required
	Reasons   []string  // at least one, each printed as an item
	Official  string    // the official who refuses, required
	IssuedAt  time.Time // required
	Regime    Regime    // empty means RegimeFor(IssuedAt)
}

// Validate checks the refusal's input.
func (r Refusal) Validate() error {
	c := newChecker("Refusal", r.Regime, r.Heading, true, r.Applicant, r.Procedure)
	c.some("Reasons", len(r.Reasons))
	for i, reason := range r.Reasons {
		c.text(item("Reasons", i, ""), reason)
	}
	c.text("Official", r.Official)
	c.instant("IssuedAt", r.IssuedAt)
	return c.err()
}

// Info returns Mẫu 03 of the refusal's regime.
func (r Refusal) Info() (FormInfo, error) { return formInfo(r.Regime, r.IssuedAt, KindRefusal) }

// WritePDF writes the refusal as an A4 PDF.
func (r Refusal) WritePDF(w io.Writer) error { return render(w, r) }

func (r Refusal) page() (time.Time, bool) { return r.IssuedAt, false }

func (r Refusal) draw(d *doc) error {
	desk := d.info.Regime.desk()
	d.heading(r.Heading, r.IssuedAt)
	d.heads(d.info.Title, codeLine(r.Code)...)
	d.party(desk+" tiếp nhận hồ sơ của:", r.Applicant, r.Procedure)
	d.para(body, "Qua nghiên cứu, đối chiếu với các quy định hiện hành, "+desk+" từ chối tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:")
	d.list(body, dash, r.Reasons)
	d.para(body, "Xin trân trọng thông báo!")
	d.signatures(signature{role: "Người tiếp nhận hồ sơ", hint: hintSign, name: r.Official})
	return nil
}
