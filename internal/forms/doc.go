// Package forms prints the papers of the one-stop desk: the statutory
// forms as A4 PDF with correct Vietnamese diacritics, and the dossier
// register also as XLSX. It imports no other motcua package: callers (the
// dossier engine, the web layer) map their data into the plain input types
// here, and get back bytes to store or send.
//
// # Regimes
//
// The law changed on 1 July 2025 and a dossier keeps the regime of its
// receipt date for its whole life (DOMAIN.md Part A rule 1). RegimeFor
// picks it from the receipt instant in Asia/Ho_Chi_Minh:
//
//   - Regime2018: received before 1 July 2025. Decree 61/2018/NĐ-CP as
//     amended by Decree 107/2021/NĐ-CP; the six forms of Circular
//     01/2018/TT-VPCP; the desk is the "Bộ phận Tiếp nhận và Trả kết quả".
//   - Regime2025: received from 1 July 2025. Decree 118/2025/NĐ-CP
//     (amended by Decree 367/2025/NĐ-CP); the seven forms of Circular
//     03/2025/TT-VPCP; the desk is the "Bộ phận Một cửa".
//
// Form numbers by regime (Regime.Form gives them, FormInfo.Corner prints
// "Mẫu số 06 – Thông tư 03/2025/TT-VPCP" in the top right corner):
//
//	type               title                                                   2018  2025
//	Receipt            Giấy tiếp nhận hồ sơ và hẹn trả kết quả                 01    01
//	SupplementRequest  Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ                 02    02
//	Refusal            Phiếu từ chối tiếp nhận giải quyết hồ sơ                03    03
//	Apology            2018: Phiếu xin lỗi và hẹn lại ngày trả kết quả         04    04
//	                   2025: Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết
//	StopNotice         Thông báo dừng giải quyết hồ sơ                         —     05
//	ControlSlip        Phiếu kiểm soát quá trình giải quyết hồ sơ              05    06
//	Register           Sổ theo dõi hồ sơ                                       06    07
//
// Every input type has a Regime field; left empty it is derived with
// RegimeFor from the dossier's receipt date (ReceivedAt), or, for forms
// that have none, from IssuedAt (supplement request, refusal) or From (the
// register). A StopNotice of Regime2018 fails with ErrNoSuchForm.
//
// # Using a form
//
// Every form implements Form: Validate returns a *ValidationError listing
// every missing or inconsistent field by its Go path ("Components[2].Name"),
// Info the number and title in the regime, WritePDF the document (after
// validating). Register also has WriteXLSX.
//
// # Printing
//
// Text is set in Liberation Serif, which has the metrics of Times New Roman
// that Decree 30/2020/NĐ-CP prescribes and every Vietnamese letter; the
// regular, bold and italic faces are embedded (subset) once per document.
// fpdf does no shaping, so every string is normalised to NFC first;
// characters the typeface lacks (emoji, other scripts) print as "?" and
// control characters as spaces, so no input can break a document. The
// layout follows Decree 30/2020: margins, the national heading with its
// rules, the "Place, ngày 05 tháng 3 năm 2025" line, page numbers from the
// second page. Times print in Asia/Ho_Chi_Minh as "09 giờ 30 phút, ngày
// 05/03/2025". Long text wraps; tables break across pages with their header
// repeated, and a cell longer than a page is split line by line.
//
// Output is deterministic: the PDF creation date comes from the input
// (the receipt or issue date; the end of the register's period), so the
// same input gives the same bytes, which tests and archives can compare.
//
// The package holds no mutable state: fonts are read from the embedded TTF
// bytes of github.com/go-fonts/liberation and parsed per document, so
// documents render concurrently. A receipt takes about 20 ms of CPU,
// mostly fpdf parsing and subsetting the three faces.
package forms
