package qms

import (
	"path"
	"strings"
	"testing"
	"unicode"
)

// Fuzz targets for what a QMS form or upload brings: months and attachments.

func FuzzParseMonth(f *testing.F) {
	for _, s := range []string{"2026-03", "2026-3", "2026-13", "0000-05", "9999-12", "", "2026-03-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMonth(s)
		if err != nil {
			return
		}
		if m.IsZero() || m.String() != s {
			t.Fatalf("ParseMonth(%q) = %q", s, m)
		}
		if !m.Start().Before(m.Next().Start()) {
			t.Fatalf("month %s starts %v, the next %v", m, m.Start(), m.Next().Start())
		}
	})
}

// FuzzNewAttachment: an accepted file is of an accepted type by its content, within the
// size limit, and named safely with its type's extension.
func FuzzNewAttachment(f *testing.F) {
	for _, seed := range []string{"%PDF-1.4\n%%EOF", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "\xFF\xD8\xFF\xE0", "PK\x03\x04", "<html>", "%PDF-<html>", ""} {
		f.Add([]byte(seed), "tai-lieu.pdf")
	}
	f.Add([]byte("%PDF-1.4"), "../a\x00b.html")
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		a, err := NewAttachment(name, data)
		if err != nil {
			return
		}
		ext, known := AttachmentTypes[a.ContentType]
		if !known || SniffAttachment(data) != a.ContentType || a.Size != int64(len(data)) || a.Size == 0 || a.Size > MaxAttachmentBytes {
			t.Fatalf("accepted %q of %d bytes", a.ContentType, a.Size)
		}
		if path.Ext(a.Name) != ext || strings.HasPrefix(a.Name, ".") || strings.ContainsAny(a.Name, "/\\\";") ||
			strings.ContainsFunc(a.Name, func(r rune) bool {
				return r == unicode.ReplacementChar || unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
			}) {
			t.Fatalf("NewAttachment(%q) named %q", name, a.Name)
		}
	})
}
