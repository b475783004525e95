package forms

import (
	"errors"
	"fmt"
	"time"
)

// Regime names the legal regime whose forms a dossier uses. A dossier keeps
// the regime of its receipt date for its whole life (DOMAIN.md Part A rule 1),
// so a dossier received on 30 June 2025 still gets the 2018 forms in August.
type Regime string

// The regimes.
const (
	// Regime2018: Decree 61/2018/NĐ-CP as amended by Decree 107/2021/NĐ-CP,
	// forms of Circular 01/2018/TT-VPCP (6 forms). Dossiers received before
	// 1 July 2025 (Asia/Ho_Chi_Minh).
	Regime2018 Regime = "2018"
	// Regime2025: Decree 118/2025/NĐ-CP (amended by Decree 367/2025/NĐ-CP),
	// forms of Circular 03/2025/TT-VPCP (7 forms). Dossiers received from
	// 1 July 2025 (Asia/Ho_Chi_Minh).
	Regime2025 Regime = "2025"
)

// ErrUnknownRegime is returned for a Regime other than Regime2018 or Regime2025.
var ErrUnknownRegime = errors.New("forms: unknown regime")

// ErrNoSuchForm is returned when a regime has no form of the requested kind:
// the stop notice exists only in Circular 03/2025/TT-VPCP.
var ErrNoSuchForm = errors.New("forms: the regime has no such form")

// vietnam returns the zone every printed time is shown in. Vietnam has kept
// UTC+7 without daylight saving since 1975, so a fixed zone gives the same
// wall clock as Asia/Ho_Chi_Minh for every date this software handles and
// needs no tz database on the host.
func vietnam() *time.Location { return time.FixedZone("ICT", 7*60*60) }

// RegimeFor returns the regime of a dossier received at the given instant:
// Regime2025 from 1 July 2025 00:00 Asia/Ho_Chi_Minh, Regime2018 before.
func RegimeFor(received time.Time) Regime {
	cutover := time.Date(2025, time.July, 1, 0, 0, 0, 0, vietnam())
	if received.Before(cutover) {
		return Regime2018
	}
	return Regime2025
}

// Circular returns the circular that prescribes the regime's forms, as
// printed in the corner of every form ("03/2025/TT-VPCP").
func (r Regime) Circular() (string, error) {
	switch r {
	case Regime2018:
		return "01/2018/TT-VPCP", nil
	case Regime2025:
		return "03/2025/TT-VPCP", nil
	}
	return "", fmt.Errorf("%w %q", ErrUnknownRegime, string(r))
}

// desk is how the forms of the regime name the one-stop desk in running
// text: Decree 61/2018 calls it the reception and return desk, Decree
// 118/2025 the one-stop desk.
func (r Regime) desk() string {
	if r == Regime2018 {
		return "Bộ phận Tiếp nhận và Trả kết quả"
	}
	return "Bộ phận Một cửa"
}

// Kind identifies a form independently of its number, which differs
// between the regimes.
type Kind int

// The kinds of form, in the order of Circular 03/2025/TT-VPCP.
const (
	KindReceipt    Kind = iota + 1 // Giấy tiếp nhận hồ sơ và hẹn trả kết quả
	KindSupplement                 // Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ
	KindRefusal                    // Phiếu từ chối tiếp nhận giải quyết hồ sơ
	KindApology                    // xin lỗi (2018: hẹn lại ngày; 2025: đề nghị gia hạn)
	KindStop                       // Thông báo dừng giải quyết hồ sơ (2025 only)
	KindControl                    // Phiếu kiểm soát quá trình giải quyết hồ sơ
	KindRegister                   // Sổ theo dõi hồ sơ
)

// FormInfo is what a regime says about one form: its number in the
// circular's annex and its title.
type FormInfo struct {
	Kind     Kind
	Regime   Regime
	Number   string // "01" … "07"
	Title    string // as in the annex, sentence case
	Circular string // "03/2025/TT-VPCP"
}

// Corner is the line printed in the top right corner of the form,
// "Mẫu số 01 – Thông tư 03/2025/TT-VPCP".
func (f FormInfo) Corner() string {
	return "Mẫu số " + f.Number + " – Thông tư " + f.Circular
}

// Form returns the number and title of a kind of form in the regime, or an
// error wrapping ErrNoSuchForm (the stop notice under Regime2018) or
// ErrUnknownRegime.
//
//	kind        Regime2018 (TT 01/2018)   Regime2025 (TT 03/2025)
//	receipt     01                        01
//	supplement  02                        02
//	refusal     03                        03
//	apology     04 (hẹn lại ngày trả)     04 (đề nghị gia hạn)
//	stop        —                         05
//	control     05                        06
//	register    06                        07
func (r Regime) Form(k Kind) (FormInfo, error) {
	circular, err := r.Circular()
	if err != nil {
		return FormInfo{}, err
	}
	info := FormInfo{Kind: k, Regime: r, Circular: circular}
	switch k {
	case KindReceipt:
		info.Number, info.Title = "01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
	case KindSupplement:
		info.Number, info.Title = "02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"
	case KindRefusal:
		info.Number, info.Title = "03", "Phiếu từ chối tiếp nhận giải quyết hồ sơ"
	case KindApology:
		info.Number, info.Title = "04", "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết"
		if r == Regime2018 {
			info.Title = "Phiếu xin lỗi và hẹn lại ngày trả kết quả"
		}
	case KindStop:
		if r == Regime2018 {
			return FormInfo{}, fmt.Errorf("%w: the stop notice (Thông báo dừng giải quyết hồ sơ) exists only in Circular 03/2025/TT-VPCP, for dossiers received from 1 July 2025", ErrNoSuchForm)
		}
		info.Number, info.Title = "05", "Thông báo dừng giải quyết hồ sơ"
	case KindControl:
		info.Number, info.Title = r.pick("05", "06"), "Phiếu kiểm soát quá trình giải quyết hồ sơ"
	case KindRegister:
		info.Number, info.Title = r.pick("06", "07"), "Sổ theo dõi hồ sơ"
	default:
		return FormInfo{}, fmt.Errorf("%w: kind %d", ErrNoSuchForm, int(k))
	}
	return info, nil
}

// pick returns the 2018 or the 2025 variant.
func (r Regime) pick(v2018, v2025 string) string {
	if r == Regime2018 {
		return v2018
	}
	return v2025
}

// resolve returns the explicit regime, or the regime of the reference date
// when none is given, checking that it is known.
func resolve(explicit Regime, ref time.Time) (Regime, error) {
	r := explicit
	if r == "" {
		r = RegimeFor(ref)
	}
	if _, err := r.Circular(); err != nil {
		return "", err
	}
	return r, nil
}
