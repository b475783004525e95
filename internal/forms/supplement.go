package forms

import (
	"io"
	"strconv"
	"time"
)

// SupplementItem is one thing the applicant must add or correct.
type SupplementItem struct {
	Name   string // the paper or content to supplement, required
	Reason string // why, optional
}

// SupplementRequest is the request to supplement and complete a dossier
// (Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ, Mẫu 02 of both circulars). It
// lists everything missing at once (DOMAIN.md rules 3 and 7): before
// receipt the dossier is not received and has no code yet; after receipt
// it has one and its clock restarts when the supplement arrives.
type SupplementRequest struct {
	Heading   Heading
	Code      string // dossier code; empty before receipt
	Applicant Applicant
	Procedure string           // required
	Items     []SupplementItem // at least one
	Official  string           // the official who guides the applicant, required
	IssuedAt  time.Time        // required
	// Regime selects the forms; empty means RegimeFor(IssuedAt). A request
	// about a received dossier must pass the dossier's regime.
	Regime Regime
}

// Validate checks the request's input.
func (s SupplementRequest) Validate() error {
	c := newChecker("SupplementRequest", s.Regime, s.Heading, true, s.Applicant, s.Procedure)
	c.some("Items", len(s.Items))
	for i, it := range s.Items {
		c.text(item("Items", i, "Name"), it.Name)
	}
	c.text("Official", s.Official)
	c.instant("IssuedAt", s.IssuedAt)
	return c.err()
}

// Info returns Mẫu 02 of the request's regime.
func (s SupplementRequest) Info() (FormInfo, error) {
	return formInfo(s.Regime, s.IssuedAt, KindSupplement)
}

// WritePDF writes the request as an A4 PDF.
func (s SupplementRequest) WritePDF(w io.Writer) error { return render(w, s) }

func (s SupplementRequest) page() (time.Time, bool) { return s.IssuedAt, false }

func (s SupplementRequest) draw(d *doc) error {
	desk, you := d.info.Regime.desk(), s.Applicant.address()
	d.heading(s.Heading, s.IssuedAt)
	d.heads(d.info.Title, codeLine(s.Code)...)
	d.party(desk+" tiếp nhận hồ sơ của:", s.Applicant, s.Procedure)
	d.para(body, "Sau khi nghiên cứu, đối chiếu thành phần hồ sơ với quy định hiện hành, đề nghị "+you+" bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:")
	t := d.newTable(style{"", sizeTable, "L"},
		column{"STT", 10, "C"},
		column{"Nội dung cần bổ sung, hoàn thiện", 55, "L"},
		column{"Lý do", 45, "L"},
	)
	rows := make([][]string, len(s.Items))
	for i, it := range s.Items {
		rows[i] = []string{strconv.Itoa(i + 1), it.Name, it.Reason}
	}
	t.rows(rows)
	d.gap(2)
	d.paras(body,
		"Các nội dung trên là toàn bộ yêu cầu bổ sung, hoàn thiện đối với hồ sơ này.",
		"Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, đề nghị "+you+" liên hệ "+desk+" để được hướng dẫn.",
	)
	d.signatures(signature{role: "Người hướng dẫn", hint: hintSign, name: s.Official})
	return nil
}
