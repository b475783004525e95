package forms

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
)

// pools of characters that have broken PDF libraries: Vietnamese letters
// precomposed and not, characters beyond the Basic Multilingual Plane,
// controls, format characters, other scripts, invalid UTF-8.
var pools = []string{
	"abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 .,;:-/()",
	"ăâđêôơưĂÂĐÊÔƠƯàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ",
	"\u0300\u0301\u0303\u0309\u0323\u0306\u0302\u031b",   // combining marks
	"😀🇻🇳𝔘𝕟𝕚𝕔𝕠𝕕𝕖\U0010FFFF",                               // beyond the BMP
	"\x00\x01\x07\b\t\n\v\f\r\x1b\x7f\u0085\u2028\u2029", // controls and separators
	"\u200b\u200d\u2060\ufeff\u00ad\u202e",               // format characters
	"中文字符 العربية עברית ไทย Ελληνικά Кириллица",
	"\xff\xfe\xc3\x28\xe2\x82", // invalid UTF-8
	"\ufffd\ufffe\uffff",
}

// randomText returns up to n characters drawn from the pools.
func randomText(rng *rand.Rand, n int) string {
	var b strings.Builder
	for range rng.IntN(n + 1) {
		pool := []rune(pools[rng.IntN(len(pools))])
		b.WriteRune(pool[rng.IntN(len(pool))])
	}
	if rng.IntN(20) == 0 { // raw invalid bytes
		b.WriteString("\xff\xc3")
	}
	return b.String()
}

// required is random text that is never blank.
func required(rng *rand.Rand, n int) string { return "Ư" + randomText(rng, n) }

func randomApplicant(rng *rand.Rand) Applicant {
	return Applicant{
		Name: required(rng, 300), IDNumber: randomText(rng, 20), Phone: randomText(rng, 15),
		Email: randomText(rng, 40), Address: randomText(rng, 400),
		Organisation: rng.IntN(2) == 0, Representative: randomText(rng, 60),
	}
}

func randomHeading(rng *rand.Rand) Heading {
	return Heading{Authority: randomText(rng, 120), Unit: required(rng, 120), Place: required(rng, 40)}
}

// randomForms fills every form of a regime with random text; optional
// fields are often empty, lists long.
func randomForms(rng *rand.Rand, r Regime) []Form {
	s := sampleFor(r)
	var comps []Component
	for range 200 {
		comps = append(comps, Component{Name: required(rng, 200), Originals: rng.IntN(3), Copies: rng.IntN(3), Digitised: rng.IntN(2) == 0})
	}
	var items []SupplementItem
	var reasons []string
	var rows []Handover
	var reg []RegisterRow
	for range 40 {
		items = append(items, SupplementItem{Name: required(rng, 200), Reason: randomText(rng, 300)})
		reasons = append(reasons, required(rng, 300))
		rows = append(rows, Handover{FromUnit: required(rng, 80), ToOfficial: required(rng, 80), HandedAt: s.received, Due: s.due, Result: randomText(rng, 20), Note: randomText(rng, 200)})
		reg = append(reg, RegisterRow{Code: required(rng, 40), Applicant: required(rng, 100), AddressPhone: randomText(rng, 200), ReceivedAt: s.received, TransferredTo: randomText(rng, 80), Note: randomText(rng, 500), Late: rng.IntN(2) == 0})
	}
	forms := []Form{
		Receipt{Heading: randomHeading(rng), Code: required(rng, 60), ReceivedAt: s.received, Receiver: required(rng, 80), Applicant: randomApplicant(rng),
			Procedure: required(rng, 500), Components: comps, TimeLimit: required(rng, 40), DueAt: s.due, Rule: required(rng, 300),
			ReturnMethod: randomText(rng, 80), LookupURL: randomText(rng, 60), Regime: r},
		SupplementRequest{Heading: randomHeading(rng), Code: randomText(rng, 40), Applicant: randomApplicant(rng), Procedure: required(rng, 300), Items: items, Official: required(rng, 80), IssuedAt: s.issued, Regime: r},
		Refusal{Heading: randomHeading(rng), Code: randomText(rng, 40), Applicant: randomApplicant(rng), Procedure: required(rng, 300), Reasons: reasons, Official: required(rng, 80), IssuedAt: s.issued, Regime: r},
		Apology{Heading: randomHeading(rng), Code: required(rng, 40), Applicant: randomApplicant(rng), Procedure: required(rng, 300), ReceivedAt: s.received, OriginalDue: s.due,
			Reason: required(rng, 3000), NewDue: s.newDue, Signer: Signer{Title: randomText(rng, 60), Name: required(rng, 60)}, IssuedAt: s.issued, Regime: r},
		ControlSlip{Heading: randomHeading(rng), Code: required(rng, 40), Applicant: randomApplicant(rng), Procedure: required(rng, 300), ReceivedAt: s.received, DueAt: s.due, Rows: rows, Regime: r},
		Register{Heading: randomHeading(rng), From: s.received, To: s.due, Rows: reg, Regime: r},
	}
	if r == Regime2025 {
		forms = append(forms, StopNotice{Heading: randomHeading(rng), Code: required(rng, 40), Applicant: randomApplicant(rng), Procedure: required(rng, 300),
			ReceivedAt: s.received, Reason: required(rng, 2000), Signer: Signer{Name: required(rng, 60)}, IssuedAt: s.issued, Regime: r})
	}
	return forms
}

// TestArbitraryText: any UTF-8 (and some that is not) renders without an
// error or a panic, in every form of both regimes and in the XLSX.
func TestArbitraryText(t *testing.T) {
	rng := rand.New(rand.NewPCG(2025, 7))
	for round := range 3 {
		for _, r := range regimes {
			for _, f := range randomForms(rng, r) {
				var buf bytes.Buffer
				if err := f.WritePDF(&buf); err != nil {
					t.Errorf("round %d %s %T: %v", round, r, f, err)
				}
				if rg, ok := f.(Register); ok {
					if err := rg.WriteXLSX(&buf); err != nil {
						t.Errorf("round %d %s register XLSX: %v", round, r, err)
					}
				}
			}
		}
	}
}

// FuzzReceipt feeds arbitrary strings to a receipt. Blank required fields
// must give a ValidationError; anything else must render. Run longer with
// go test -fuzz FuzzReceipt ./internal/forms/.
func FuzzReceipt(f *testing.F) {
	f.Add("Nguyễn Thị Hương", "Đăng ký khai sinh", "Giấy chứng sinh", "https://dvc.example.vn/?ma=1", uint8(2))
	f.Add("", " ", "\x00", "", uint8(0))
	f.Add("😀\u202e\ufeff", "a\u0301\u0323", "\xff\xfe", strings.Repeat("https://x/", 400), uint8(255))
	f.Fuzz(func(t *testing.T, name, procedure, component, url string, n uint8) {
		rc := receiptFor(Regime2025)
		rc.Applicant.Name, rc.Procedure, rc.LookupURL = name, procedure, url
		rc.Components = nil
		for i := range int(n % 64) {
			rc.Components = append(rc.Components, Component{Name: component, Originals: i % 3})
		}
		valid := !blank(name) && !blank(procedure) && n%64 > 0 && !blank(component) && len(url) <= maxLookupURL
		err := rc.WritePDF(&bytes.Buffer{})
		var invalid *ValidationError
		switch {
		case valid && err != nil:
			t.Fatalf("valid input refused: %v", err)
		case !valid && !errors.As(err, &invalid):
			t.Fatalf("invalid input: error %v, want a *ValidationError", err)
		}
	})
}

// TestConcurrentRendering: documents share no mutable state, so many can
// be rendered at once and each equals a render made alone.
func TestConcurrentRendering(t *testing.T) {
	want := renderPDF(t, receiptFor(Regime2025))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			var buf bytes.Buffer
			if err := receiptFor(Regime2025).WritePDF(&buf); err != nil || !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("concurrent render differs (err %v)", err)
			}
		})
	}
	wg.Wait()
}

func BenchmarkReceiptPDF(b *testing.B) {
	rc := receiptFor(Regime2025)
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := rc.WritePDF(&buf); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/pdf")
}
