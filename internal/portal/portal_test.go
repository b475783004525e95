package portal

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/report"
)

// Small real files: a minimal PDF, a 1×1 PNG and the start of a JPEG.
var (
	tinyPDF = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
	tinyPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" +
		"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
	tinyJPEG = []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9")
)

func TestSniff(t *testing.T) {
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"pdf", tinyPDF, PDF},
		{"png", tinyPNG, PNG},
		{"jpeg", tinyJPEG, JPEG},
		{"html named pdf", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), ""},
		{"html after spaces", []byte("   <html><body>%PDF-</body></html>"), ""},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), ""},
		{"gif", []byte("GIF89a\x01\x00\x01\x00"), ""},
		{"text", []byte("Tờ khai đăng ký khai sinh"), ""},
		{"zip", []byte("PK\x03\x04rest"), ""},
		{"empty", nil, ""},
		{"png signature cut", []byte("\x89PNG\r\n"), ""},
	} {
		if got := Sniff(c.data); got != c.want {
			t.Errorf("%s: Sniff = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestBatch(t *testing.T) {
	lim := Limits{MaxFileBytes: 1000, MaxTotalBytes: 1000, MaxFiles: 3}
	b := Batch{Limits: lim}
	if err := b.Add("file_0", "Tờ khai", `C:\Users\An\Tờ khai.PDF`, tinyPDF); err != nil {
		t.Fatal(err)
	}
	f := b.Files[0]
	sum := sha256.Sum256(tinyPDF)
	if f.ContentType != PDF || f.Size != int64(len(tinyPDF)) || f.SHA256 != hex.EncodeToString(sum[:]) || f.Name != "Tờ khai.pdf" {
		t.Fatalf("file: %+v", f)
	}
	refuse := func(field, comp, name string, data []byte, key string) {
		t.Helper()
		err := b.Add(field, comp, name, data)
		e, ok := failure.As(err)
		if !ok || e.Key != key || e.Field != field {
			t.Fatalf("%s: got %v, want %s", name, err, key)
		}
	}
	refuse("file_1", "Ảnh", "giay-to.pdf", []byte("<html><script>alert(1)</script></html>"), "portal.file_type")
	refuse("file_1", "Ảnh", "rong.png", nil, "portal.file_empty")
	refuse("file_1", "Ảnh", "lon.png", append(append([]byte{}, tinyPNG...), make([]byte, 1000)...), "portal.file_too_large")
	refuse("file_1", "Tờ khai", "lai.png", tinyPNG, "portal.file_duplicate_component")
	big := append(append([]byte{}, tinyPDF...), make([]byte, 900-len(tinyPDF))...)
	refuse("file_1", "Ảnh", "tong.pdf", big, "portal.files_too_large")
	if err := b.Add("file_1", "Ảnh", "anh.png", tinyPNG); err != nil {
		t.Fatal(err)
	}
	if err := b.Add("file_2", "Chứng minh", "cm.jpg", tinyJPEG); err != nil {
		t.Fatal(err)
	}
	refuse("file_3", "Khác", "them.jpg", tinyJPEG, "portal.too_many_files")
	if len(b.Files) != 3 {
		t.Fatalf("kept %d files", len(b.Files))
	}
}

func TestCleanName(t *testing.T) {
	for in, want := range map[string]string{
		"../../etc/passwd":                  "passwd.pdf",
		`C:\fakepath\Giấy khai sinh.JPG`:    "Giấy khai sinh.pdf",
		"a\"b;c\r\n.html":                   "abc.pdf",
		"":                                  "tep.pdf",
		"...":                               "tep.pdf",
		"evil\u202Egpj.exe":                 "evilgpj.pdf",
		strings.Repeat("dài", 100) + ".pdf": strings.Repeat("dài", 40) + ".pdf",
	} {
		if got := CleanName(in, PDF); got != want {
			t.Errorf("CleanName(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzBatchAdd: whatever the bytes and the name, an accepted file is a PDF, JPEG or PNG by
// both its signature and the browser sniffing algorithm, within the limits, checksummed,
// and named with a safe name ending in the type's extension.
func FuzzBatchAdd(f *testing.F) {
	for _, seed := range [][]byte{tinyPDF, tinyPNG, tinyJPEG, []byte("<html>"), []byte("%PDF-<html>"), {0xff, 0xd8, 0xff}, nil} {
		f.Add(seed, "tep.pdf")
	}
	f.Add([]byte("\x89PNG\r\n\x1a\n<script>"), "../a\x00b.html")
	lim := Limits{MaxFileBytes: 4096, MaxTotalBytes: 8192, MaxFiles: 2}
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		b := Batch{Limits: lim}
		err := b.Add("file_0", "Tờ khai", name, data)
		if err != nil {
			if _, ok := failure.As(err); !ok {
				t.Fatalf("not an application error: %v", err)
			}
			if len(b.Files) != 0 {
				t.Fatal("a refused file was kept")
			}
			return
		}
		got := b.Files[0]
		if !slices.Contains(ContentTypes, got.ContentType) || http.DetectContentType(data) != got.ContentType {
			t.Fatalf("accepted %q (sniffed %q)", got.ContentType, http.DetectContentType(data))
		}
		if got.Size == 0 || got.Size > lim.MaxFileBytes || !bytes.Equal(got.Data, data) {
			t.Fatalf("size %d", got.Size)
		}
		sum := sha256.Sum256(data)
		if got.SHA256 != hex.EncodeToString(sum[:]) {
			t.Fatal("checksum")
		}
		if !strings.HasSuffix(got.Name, Extension(got.ContentType)) || strings.ContainsAny(got.Name, "/\\\";") ||
			strings.ContainsFunc(got.Name, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }) {
			t.Fatalf("unsafe name %q", got.Name)
		}
	})
}

func TestFactor(t *testing.T) {
	d := dossier.Dossier{LookupSecret: "AB3K7MNP", Applicant: dossier.Applicant{Phone: "0912345678"}}
	for factor, want := range map[string]bool{
		"AB3K7MNP": true, "ab3k-7mnp": true, " ab3k 7mnp ": true, "5678": true,
		"": false, "AB3K7MNQ": false, "1234": false, "45678": false, "AB3K": false, "<script>": false,
	} {
		if got := FactorMatches(d, factor); got != want {
			t.Errorf("factor %q: %v", factor, got)
		}
	}
	if FactorMatches(dossier.Dossier{}, "0000") || FactorMatches(dossier.Dossier{}, "") {
		t.Error("a dossier without secret or phone opened")
	}
}

func TestReference(t *testing.T) {
	for in, want := range map[string]string{
		" 000.52.15.h29-260205-0001 ":          "000.52.15.H29-260205-0001",
		"0190A5E2-7C3B-7D4E-9F00-123456789ABC": "0190a5e2-7c3b-7d4e-9f00-123456789abc",
	} {
		r, ok := ParseReference(in)
		if !ok || r.String() != want {
			t.Errorf("%q: %v %q", in, ok, r)
		}
	}
	for _, in := range []string{"", "000.52.15.H29-260205", "<script>", "abc", "000.52.15.H29-260231-0001", strings.Repeat("9", 36)} {
		if _, ok := ParseReference(in); ok {
			t.Errorf("%q accepted", in)
		}
	}
}

func TestPeriods(t *testing.T) {
	now := time.Date(2026, 2, 17, 23, 30, 0, 0, calendar.Location())
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, calendar.Location()) }
	for _, c := range []struct {
		kind, value, from, to string
		From, To              time.Time
		Value                 string
	}{
		{"", "", "", "", day(2026, 2, 1), day(2026, 3, 1), "2026-02"},
		{"month", "2025-12", "", "", day(2025, 12, 1), day(2026, 1, 1), "2025-12"},
		{"quarter", "", "", "", day(2026, 1, 1), day(2026, 4, 1), "2026-Q1"},
		{"quarter", "2025-q3", "", "", day(2025, 7, 1), day(2025, 10, 1), "2025-Q3"},
		{"year", "2025", "", "", day(2025, 1, 1), day(2026, 1, 1), "2025"},
		{"custom", "", "2025-07-01", "2025-07-01", day(2025, 7, 1), day(2025, 7, 2), "2025-07-01"},
	} {
		p, err := ParsePeriod(c.kind, c.value, c.from, c.to, now)
		if err != nil || !p.From.Equal(c.From) || !p.To.Equal(c.To) || p.Value() != c.Value {
			t.Errorf("%s %s: %v %v–%v %s", c.kind, c.value, err, p.From, p.To, p.Value())
		}
	}
	for _, c := range [][4]string{{"week", "", "", ""}, {"month", "2026-13", "", ""}, {"quarter", "2026-Q5", "", ""},
		{"year", "26", "", ""}, {"year", "1900", "", ""}, {"custom", "", "2026-02-01", "2026-01-01"},
		{"custom", "", "2020-01-01", "2026-01-02"}, {"custom", "", "x", "2026-01-01"}} {
		if _, err := ParsePeriod(c[0], c[1], c[2], c[3], now); !failure.Is(err, failure.Invalid) {
			t.Errorf("%v accepted: %v", c, err)
		}
	}
}

func TestRatingsAndRates(t *testing.T) {
	r := Rating{Level: Satisfied, Criteria: map[string]Level{"official": VerySatisfied, "result": ""}, Comment: "  Tốt  "}
	r.Normalize()
	if err := r.Validate(); err != nil || r.Comment != "Tốt" || len(r.Criteria) != 1 || r.Low() {
		t.Fatalf("%+v %v", r, err)
	}
	for _, bad := range []Rating{{}, {Level: Neutral}, {Level: "great"}, {Level: Satisfied, Criteria: map[string]Level{"x": Satisfied}},
		{Level: Satisfied, Criteria: map[string]Level{"result": "meh"}}, {Level: Satisfied, Comment: strings.Repeat("a", MaxComment+1)}} {
		if err := bad.Validate(); !failure.Is(err, failure.Invalid) {
			t.Errorf("%+v accepted", bad)
		}
	}
	if !(Rating{Level: NotSatisfied}).Low() || slices.Contains(Offered(), Neutral) || len(Offered()) != 3 {
		t.Fatal("scale")
	}
	var s Summary
	s.Add(VerySatisfied, 10)
	s.Add(Satisfied, 9)
	s.Add(Neutral, 0)
	s.Add(NotSatisfied, 1)
	if got := s.Rate(); got != (report.Rate{Num: 19, Den: 20}) {
		t.Fatalf("satisfaction %+v", got)
	}
	if p, ok := s.Rate().Percent(); !ok || p != 95 {
		t.Fatalf("satisfaction %v %v", p, ok)
	}
	if _, ok := (Summary{}).Rate().Percent(); ok {
		t.Fatal("a rate without ratings")
	}
}
