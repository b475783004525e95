package report

import (
	"math"
	"testing"

	"github.com/motcua/motcua/internal/failure"
)

func TestParseMailDomain(t *testing.T) {
	for in, want := range map[string]string{
		"gov.vn": "gov.vn", " *.Gov.VN ": "*.gov.vn", "@phutho.gov.vn": "phutho.gov.vn",
		"thanh-ba.phutho.gov.vn": "thanh-ba.phutho.gov.vn",
	} {
		got, err := ParseMailDomain(in)
		if err != nil || got != want {
			t.Errorf("ParseMailDomain(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "vn", "*.vn", "gov..vn", "-gov.vn", "gov-.vn", "gòv.vn", "*gov.vn", "a b.vn", "*.*.gov.vn"} {
		if got, err := ParseMailDomain(bad); !failure.Is(err, failure.Invalid) {
			t.Errorf("ParseMailDomain(%q) = %q, %v; want invalid", bad, got, err)
		}
	}
}

func TestOfficialMail(t *testing.T) {
	patterns := []string{"*.gov.vn", "phutho.vn"}
	for email, want := range map[string]bool{
		"a@phutho.gov.vn":         true,
		"a@thanhba.phutho.gov.vn": true,
		"A@PHUTHO.GOV.VN":         true,
		"a@gov.vn":                false, // the wildcard needs a subdomain
		"a@phutho.vn":             true,
		"a@x.phutho.vn":           false, // a plain domain matches itself only
		"a@gmail.com":             false,
		"a@notgov.vn":             false,
		"gov.vn":                  false,
		"@x.gov.vn":               false,
	} {
		if got := OfficialMail(email, patterns); got != want {
			t.Errorf("OfficialMail(%q) = %v, want %v", email, got, want)
		}
	}
	if OfficialMail("a@phutho.gov.vn", nil) {
		t.Error("no domains: nobody has official mail")
	}
}

func TestITEntryValidate(t *testing.T) {
	ok := []ITEntry{
		{Key: ITComputers, Value: 12, Note: "Kiểm kê tài sản 31/12"},
		{Key: ITInternet, Value: 1, Note: "Hợp đồng cáp quang"},
		{Key: ITDigitalSignature, Value: 0, Note: "Chưa cấp chứng thư số"},
		{Key: ITEDocuments, Value: 87.5, Note: "Sổ văn bản đi"},
	}
	for _, e := range ok {
		if err := e.Validate(); err != nil {
			t.Errorf("%+v: %v", e, err)
		}
	}
	for _, c := range []struct {
		e     ITEntry
		field string
	}{
		{ITEntry{Key: ITOfficialMail, Value: 1, Note: "x"}, "indicator"}, // computed, not entered
		{ITEntry{Key: "bogus", Value: 1, Note: "x"}, "indicator"},
		{ITEntry{Key: ITComputers, Value: 2.5, Note: "x"}, "value"},
		{ITEntry{Key: ITComputers, Value: -1, Note: "x"}, "value"},
		{ITEntry{Key: ITComputers, Value: MaxITCount + 1, Note: "x"}, "value"},
		{ITEntry{Key: ITInternet, Value: 2, Note: "x"}, "value"},
		{ITEntry{Key: ITEDocuments, Value: 100.1, Note: "x"}, "value"},
		{ITEntry{Key: ITEDocuments, Value: math.NaN(), Note: "x"}, "value"},
		{ITEntry{Key: ITEDocuments, Value: 50}, "note"},
	} {
		err := c.e.Validate()
		fields := failure.Fields(err)
		if len(fields) == 0 || fields[0].Field != c.field {
			t.Errorf("%+v: got %v, want an error on %s", c.e, err, c.field)
		}
	}
}

func TestComputeIT(t *testing.T) {
	st := Stats{ReceivedDesk: 60, ReceivedOnline: 40, Digitised: 55, PaidOnline: 10, Returned: 80, Electronic: 20}
	y := ComputeIT("u", 2022, ITInputs{Officials: 8, OfficialMail: 2, Stats: st, Domains: []string{"*.gov.vn"},
		Entries: []ITEntry{{Key: ITComputers, Value: 6, Note: "kiểm kê"}, {Key: ITInternet, Value: 1, Note: "hợp đồng"}}})
	if len(y.Values) != len(ITIndicators) {
		t.Fatalf("%d values for %d indicators", len(y.Values), len(ITIndicators))
	}
	for _, c := range []struct {
		key      ITKey
		num, den int64
		value    float64
		known    bool
	}{
		{ITOfficialMail, 2, 8, 25, true},
		{ITOnlineReceived, 40, 100, 40, true},
		{ITDigitised, 55, 100, 55, true},
		{ITPaidOnline, 10, 100, 10, true},
		{ITElectronicResult, 20, 80, 25, true},
		{ITComputers, 6, 8, 0.75, true},
		{ITInternet, 0, 0, 1, true},
		{ITDigitalSignature, 0, 0, 0, false}, // not entered
		{ITEDocuments, 0, 0, 0, false},
	} {
		v := y.Value(c.key)
		if v.Num != c.num || v.Den != c.den || v.Value != c.value || v.Known != c.known {
			t.Errorf("%s = %+v, want %d/%d = %v (known %v)", c.key, v, c.num, c.den, c.value, c.known)
		}
	}
	if y.Value(ITComputers).Entry == nil || y.Value(ITComputers).Entry.Note != "kiểm kê" {
		t.Error("the entry's evidence is not kept with its value")
	}
	// No officials, no dossiers: every rate unknown, never a division by zero.
	empty := ComputeIT("u", 2023, ITInputs{Entries: []ITEntry{{Key: ITComputers, Value: 3, Note: "x"}}})
	for _, v := range empty.Values {
		if v.Known {
			t.Errorf("%s known without data: %+v", v.Key, v)
		}
	}
	// Thirds round to four decimals.
	if v := ComputeIT("u", 2022, ITInputs{Officials: 3, OfficialMail: 1}).Value(ITOfficialMail); v.Value != 33.3333 {
		t.Errorf("1/3 = %v", v.Value)
	}
}
