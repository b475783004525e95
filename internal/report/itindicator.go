package report

import (
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/internal/failure"
	vntext "github.com/motcua/motcua/internal/vn"
)

// IT and administrative-reform indicators (issue 7, part 5): per unit and year, the share
// of officials with an official e-mail account, the shares of dossiers received online,
// digitised, paid online and returned with an electronic result (from the rollups), and a
// few indicators the unit enters with its evidence. A year's values are recomputed live
// until the unit closes the year; then they are frozen as an ITYear.

// ITKey names an IT indicator.
type ITKey string

// The indicators. The computed ones come from the officials' data and the rollups; the
// entered ones from the unit.
const (
	ITOfficialMail     ITKey = "official_mail"     // cán bộ có hộp thư điện tử công vụ
	ITOnlineReceived   ITKey = "online_received"   // hồ sơ tiếp nhận trực tuyến
	ITDigitised        ITKey = "digitised"         // hồ sơ được số hóa
	ITPaidOnline       ITKey = "paid_online"       // hồ sơ thanh toán trực tuyến
	ITElectronicResult ITKey = "electronic_result" // kết quả trả bản điện tử
	ITComputers        ITKey = "computers"         // máy tính đang sử dụng (÷ cán bộ)
	ITInternet         ITKey = "internet"          // đường truyền Internet băng rộng
	ITDigitalSignature ITKey = "digital_signature" // sử dụng chữ ký số
	ITEDocuments       ITKey = "e_documents"       // văn bản trao đổi dưới dạng điện tử
)

// ITType is how an indicator's value reads.
type ITType string

// Rates print as a percentage with their parts, ratios as a decimal with their parts
// (computers per official), counts as a number, yes/no as such, percents as entered.
const (
	ITRate    ITType = "rate"
	ITRatio   ITType = "ratio"
	ITYesNo   ITType = "yes_no"
	ITPercent ITType = "percent"
)

// ITIndicator is the definition of an indicator: whether the unit enters it (and what it
// enters: a count, yes or no, a percent) and how its value reads.
type ITIndicator struct {
	Key   ITKey
	Type  ITType
	Enter ITType // what the unit enters: "" for computed; ITYesNo, ITPercent or ITRatio (a count)
}

// Entered reports whether the unit enters the indicator.
func (d ITIndicator) Entered() bool { return d.Enter != "" }

// ITIndicators lists the indicators in display order.
var ITIndicators = []ITIndicator{
	{Key: ITOfficialMail, Type: ITRate},
	{Key: ITOnlineReceived, Type: ITRate},
	{Key: ITDigitised, Type: ITRate},
	{Key: ITPaidOnline, Type: ITRate},
	{Key: ITElectronicResult, Type: ITRate},
	{Key: ITComputers, Type: ITRatio, Enter: ITRatio},
	{Key: ITInternet, Type: ITYesNo, Enter: ITYesNo},
	{Key: ITDigitalSignature, Type: ITYesNo, Enter: ITYesNo},
	{Key: ITEDocuments, Type: ITPercent, Enter: ITPercent},
}

// ITIndicatorOf returns the definition of a key.
func ITIndicatorOf(k ITKey) (ITIndicator, bool) {
	i := slices.IndexFunc(ITIndicators, func(d ITIndicator) bool { return d.Key == k })
	if i < 0 {
		return ITIndicator{}, false
	}
	return ITIndicators[i], true
}

// MaxITCount bounds an entered count (computers of one unit).
const MaxITCount = 100000

// MaxITNote bounds an entered indicator's evidence.
const MaxITNote = 2000

// ITEntry is what a unit entered for an indicator and a year.
type ITEntry struct {
	Key       ITKey     `json:"key"`
	Value     float64   `json:"value"`
	Note      string    `json:"note"` // the evidence: a contract, a decision, a count
	EnteredBy string    `json:"entered_by,omitempty"`
	EnteredAt time.Time `json:"entered_at"`
}

// Normalize trims the evidence.
func (e *ITEntry) Normalize() { e.Note = strings.TrimSpace(vntext.NFC(e.Note)) }

// Validate checks an entry against its indicator: a known entered indicator, a value of
// its kind (a whole count, 0 or 1, a percent from 0 to 100) and the evidence.
func (e ITEntry) Validate() error {
	d, ok := ITIndicatorOf(e.Key)
	if !ok || !d.Entered() {
		return failure.InvalidField("indicator", "itindicator.unknown")
	}
	var errs failure.List
	v := e.Value
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		errs = append(errs, failure.InvalidField("value", "itindicator.value_invalid"))
	case d.Enter == ITYesNo && v != 0 && v != 1:
		errs = append(errs, failure.InvalidField("value", "itindicator.yes_no_invalid"))
	case d.Enter == ITPercent && (v < 0 || v > 100):
		errs = append(errs, failure.InvalidField("value", "itindicator.percent_invalid"))
	case d.Enter == ITRatio && (v < 0 || v > MaxITCount || v != math.Trunc(v)):
		errs = append(errs, failure.InvalidField("value", "itindicator.count_invalid", MaxITCount))
	}
	switch n := utf8.RuneCountInString(e.Note); {
	case n == 0:
		errs = append(errs, failure.InvalidField("note", "itindicator.note_required"))
	case n > MaxITNote:
		errs = append(errs, failure.InvalidField("note", "itindicator.note_too_long", MaxITNote))
	}
	return errs.Err()
}

// ITInputs are the data of a unit and year the indicators are computed from.
type ITInputs struct {
	Officials    int64 // active officials of the unit (roles in it or its agencies)
	OfficialMail int64 // of whom with an address at an official mail domain
	Domains      []string
	Stats        Stats // the year's dossiers (rollups) of the unit and the units below it
	Entries      []ITEntry
}

// ITValue is one indicator's value for a unit and year, with what it rests on.
type ITValue struct {
	Key   ITKey  `json:"key"`
	Type  ITType `json:"type"`
	Known bool   `json:"known"` // false: nothing entered, or a zero denominator
	// Num and Den are a rate's or ratio's parts (officials with official mail and
	// officials; computers and officials); Value is the percentage of a rate, the quotient
	// of a ratio, 0 or 1 for yes/no, the entered percent.
	Num   int64    `json:"num"`
	Den   int64    `json:"den"`
	Value float64  `json:"value"`
	Entry *ITEntry `json:"entry,omitempty"`
}

// ITYear is every indicator of a unit for a year: live while the year is open, the
// frozen snapshot once the unit closed it.
type ITYear struct {
	UnitID   string    `json:"unit_id"`
	Year     int       `json:"year"`
	Domains  []string  `json:"domains"` // the official mail domains applied
	Values   []ITValue `json:"values"`
	Closed   bool      `json:"-"`
	ClosedAt time.Time `json:"-"`
	ClosedBy string    `json:"-"`
}

// Value returns the value of an indicator.
func (y ITYear) Value(k ITKey) ITValue {
	for _, v := range y.Values {
		if v.Key == k {
			return v
		}
	}
	return ITValue{Key: k}
}

// ComputeIT computes every indicator of a unit and year from its inputs.
func ComputeIT(unitID string, year int, in ITInputs) ITYear {
	y := ITYear{UnitID: unitID, Year: year, Domains: slices.Clone(in.Domains)}
	st := in.Stats
	for _, d := range ITIndicators {
		v := ITValue{Key: d.Key, Type: d.Type}
		switch d.Key {
		case ITOfficialMail:
			v.Num, v.Den = in.OfficialMail, in.Officials
		case ITOnlineReceived:
			v.Num, v.Den = st.ReceivedOnline, st.Received()
		case ITDigitised:
			v.Num, v.Den = st.Digitised, st.Received()
		case ITPaidOnline:
			v.Num, v.Den = st.PaidOnline, st.Received()
		case ITElectronicResult:
			v.Num, v.Den = st.Electronic, st.Returned
		}
		if d.Entered() {
			i := slices.IndexFunc(in.Entries, func(e ITEntry) bool { return e.Key == d.Key })
			if i < 0 {
				y.Values = append(y.Values, v)
				continue
			}
			e := in.Entries[i]
			v.Entry = &e
			if d.Type == ITRatio {
				v.Num, v.Den = int64(e.Value), in.Officials
			} else {
				v.Value, v.Known = e.Value, true
			}
		}
		if d.Type == ITRate || d.Type == ITRatio {
			v.Value, v.Known = quotient(v.Num, v.Den, d.Type == ITRate)
		}
		y.Values = append(y.Values, v)
	}
	return y
}

// quotient divides num by den (in percent when percent is set), and is unknown for a zero
// denominator. Values are rounded to 4 decimals, so a snapshot's JSON is stable.
func quotient(num, den int64, percent bool) (float64, bool) {
	if den == 0 {
		return 0, false
	}
	q := float64(num) / float64(den)
	if percent {
		q *= 100
	}
	return math.Round(q*1e4) / 1e4, true
}

// ParseMailDomain checks and normalises an official mail domain pattern: a domain such as
// "phutho.gov.vn" (that domain only) or "*.gov.vn" (any domain under gov.vn), in lower
// case, of at least two labels of letters, digits and hyphens.
func ParseMailDomain(s string) (string, error) {
	p := strings.ToLower(strings.TrimSpace(s))
	p = strings.TrimPrefix(p, "@")
	domain, wild := strings.CutPrefix(p, "*.")
	labels := strings.Split(domain, ".")
	if len(p) > 253 || len(labels) < 2 {
		return "", failure.InvalidField("pattern", "itindicator.domain_invalid")
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			return "", failure.InvalidField("pattern", "itindicator.domain_invalid")
		}
		for _, c := range l {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return "", failure.InvalidField("pattern", "itindicator.domain_invalid")
			}
		}
	}
	if wild {
		return "*." + domain, nil
	}
	return domain, nil
}

// OfficialMail reports whether an e-mail address is at one of the official mail domain
// patterns: "x.y" matches x.y only, "*.x.y" any domain ending in ".x.y".
func OfficialMail(email string, patterns []string) bool {
	at := strings.LastIndexByte(email, '@')
	if at < 1 {
		return false
	}
	domain := strings.ToLower(strings.TrimSpace(email[at+1:]))
	for _, p := range patterns {
		if suffix, wild := strings.CutPrefix(p, "*."); wild {
			if strings.HasSuffix(domain, "."+suffix) {
				return true
			}
		} else if domain == p {
			return true
		}
	}
	return false
}
