package forms

import "time"

// Heading is the top of every form: on the left the governing authority
// (cơ quan chủ quản) and the issuing unit, on the right the national
// heading, which the package draws itself; under it the place and date.
type Heading struct {
	// Authority is the governing body, "UỶ BAN NHÂN DÂN TỈNH PHÚ THỌ";
	// optional (some units print none). Printed in capitals.
	Authority string
	// Unit is the issuing unit, "UBND XÃ THANH BA" or "BỘ PHẬN MỘT CỬA";
	// required. Printed in bold capitals.
	Unit string
	// Place is the place name of the date line, "Thanh Ba" for
	// "Thanh Ba, ngày 05 tháng 3 năm 2025"; required except on the register.
	Place string
}

// The national heading (Quốc hiệu và Tiêu ngữ) as Decree 30/2020/NĐ-CP,
// Appendix I, writes it.
const (
	nationName  = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
	nationMotto = "Độc lập - Tự do - Hạnh phúc"
)

// Signature hints printed under the signer's title.
const (
	hintSign = "(Ký, ghi rõ họ tên)"
	hintSeal = "(Ký, ghi rõ họ tên và đóng dấu)"
)

var (
	headPlain = style{"", 12, "C"}
	headBold  = style{"B", 12, "C"}
	mottoBold = style{"B", 13, "C"}
	dateStyle = style{"I", sizeBody, "C"}
)

// heading draws the form number in the corner, the two heading columns
// and, when dated is set, the place and date line under the national
// heading.
func (d *doc) heading(h Heading, dated time.Time) {
	d.use(style{"I", sizeCorner, "R"})
	d.pdf.SetXY(d.left, d.top-8)
	d.pdf.CellFormat(d.width, 4, clean(d.face, d.info.Corner(), false), "", 0, "R", false, 0, "")
	d.pdf.SetXY(d.left, d.top)
	d.headingColumns(h, dated)
}

// headingColumns draws the issuing unit and the national heading side by side and, when
// dated is set, the place and date line; documents without a form number (reports) start
// with it.
func (d *doc) headingColumns(h Heading, dated time.Time) {
	widths := []float64{d.width * 0.44, d.width * 0.56}
	var agency []line
	if !blank(h.Authority) {
		agency = append(agency, line{text: upper(h.Authority), style: headPlain})
	}
	unitRule := min(d.ruleWidth(headBold, upper(h.Unit)), widths[0]) / 3
	agency = append(agency, line{text: upper(h.Unit), style: headBold, rule: max(unitRule, 15)})
	nation := []line{
		{text: nationName, style: headBold},
		{text: nationMotto, style: mottoBold, rule: d.ruleWidth(mottoBold, nationMotto)},
	}
	d.columns(widths, agency, nation)
	if !dated.IsZero() {
		d.gap(2)
		d.columns(widths, nil, []line{{text: dateLine(h.Place, dated), style: dateStyle}})
	}
	d.gap(6)
}

// heads prints the form's title in bold capitals, centred, with optional
// lines under it (the dossier code, the addressee).
func (d *doc) heads(title string, under ...line) {
	d.para(titleBold, upper(title))
	d.columns([]float64{d.width}, under)
	d.gap(4)
}

// codeLine is the centred "Mã hồ sơ: …" line under a title; empty when the
// dossier has no code yet.
func codeLine(code string) []line {
	if blank(code) {
		return nil
	}
	return []line{{text: "Mã hồ sơ: " + code, style: style{"B", sizeBody, "C"}}}
}

// signature is one signature block: the signer's role in capitals, the
// hint in italics, room to sign, and the name.
type signature struct {
	role, hint, name string
}

// signatures draws one block on the right half or two blocks side by
// side, kept together on one page.
func (d *doc) signatures(sigs ...signature) {
	d.gap(6)
	half := d.width / 2
	blocks := make([][]line, 2)
	for i, s := range sigs {
		blocks[i+2-len(sigs)] = []line{
			{text: upper(s.role), style: style{"B", sizeBody, "C"}},
			{text: s.hint, style: style{"I", sizeBody, "C"}},
			{space: 24},
			{text: s.name, style: style{"B", sizeBody, "C"}},
		}
	}
	d.columns([]float64{half, half}, blocks...)
}

// Signer is the head of the agency (or the deputy signing for them) who
// signs the apology and the stop notice.
type Signer struct {
	// Title is the signer's position as printed above the signature,
	// "CHỦ TỊCH" or "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"; empty prints
	// "THỦ TRƯỞNG CƠ QUAN".
	Title string
	Name  string // required
}

// signature returns the signer's block, with the seal hint.
func (s Signer) signature() signature {
	title := s.Title
	if blank(title) {
		title = "Thủ trưởng cơ quan"
	}
	return signature{role: title, hint: hintSeal, name: s.Name}
}
