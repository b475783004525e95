package forms

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// pdftotext is the path of poppler's text extractor; without it the PDF
// text tests skip locally and fail in CI (CI=true), where .ci/run installs
// poppler-utils.
func pdftotext(t testing.TB) string {
	t.Helper()
	path, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("pdftotext (Debian package poppler-utils) is required in CI: %v", err)
		}
		t.Skip("pdftotext not installed (apt-get install poppler-utils)")
	}
	return path
}

// renderPDF renders a form and checks the result looks like a PDF.
func renderPDF(t testing.TB, f Form) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := f.WritePDF(&buf); err != nil {
		t.Fatalf("WritePDF: %v", err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("output does not start with %%PDF-: %q", buf.Bytes()[:min(20, buf.Len())])
	}
	return buf.Bytes()
}

// extract returns the text of pages [first, last] of a PDF (0 means to the
// end) in content-stream order (-raw), so wrapped lines of one cell follow
// each other, with every run of white space collapsed to one space.
func extract(t testing.TB, pdf []byte, first, last int) string {
	t.Helper()
	tool := pdftotext(t)
	file := filepath.Join(t.TempDir(), "form.pdf")
	if err := os.WriteFile(file, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"-raw", "-enc", "UTF-8"}
	if first > 0 {
		args = append(args, "-f", strconv.Itoa(first))
	}
	if last > 0 {
		args = append(args, "-l", strconv.Itoa(last))
	}
	out, err := exec.Command(tool, append(args, file, "-")...).Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(norm.NFC.String(string(out))), " ")
}

// pages counts the pages of a PDF written by fpdf (page objects are not
// compressed).
func pages(pdf []byte) int { return bytes.Count(pdf, []byte("/Type /Page\n")) }

// contains fails for each wanted string the text lacks.
func contains(t testing.TB, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("text lacks %q\ntext: %s", w, text)
		}
	}
}
