package qms

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/vn"
)

// The file types a document version may carry, detected from the content: PDF and scans,
// and the office formats procedures and forms are written in.
const (
	TypePDF  = "application/pdf"
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
	TypeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	TypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	TypeODT  = "application/vnd.oasis.opendocument.text"
	TypeODS  = "application/vnd.oasis.opendocument.spreadsheet"
)

// AttachmentTypes lists the accepted types with the extension a download gets.
var AttachmentTypes = map[string]string{
	TypePDF: ".pdf", TypeJPEG: ".jpg", TypePNG: ".png", TypeDOCX: ".docx", TypeXLSX: ".xlsx", TypeODT: ".odt", TypeODS: ".ods",
}

// Attachment limits: a procedure with its forms as PDF or DOCX is well under 10 MiB.
const (
	MaxAttachmentBytes = 10 << 20
	MaxAttachments     = 10
)

// UploadBytes is the largest request body an attachment upload may send: the file plus
// room for the multipart framing.
const UploadBytes = MaxAttachmentBytes + 64<<10

// Attachment is a file of a document version, kept with its SHA-256 so a printed or
// archived copy can be checked against it.
type Attachment struct {
	ID          string
	DocumentID  string
	UnitID      string
	Name        string // cleaned, with the extension of the detected type
	ContentType string // detected from the content, never taken from the name or the browser
	Size        int64
	SHA256      string // hex
	Data        []byte // empty when listed
	CreatedBy   string
	CreatedAt   time.Time
}

// NewAttachment checks an uploaded file (not empty, within the size limit, of an accepted
// type by its content) and returns it with its cleaned name and checksum.
func NewAttachment(name string, data []byte) (Attachment, error) {
	switch {
	case len(data) == 0:
		return Attachment{}, failure.InvalidField("file", "qms.file_empty")
	case len(data) > MaxAttachmentBytes:
		return Attachment{}, failure.InvalidField("file", "qms.file_too_large", MaxAttachmentBytes>>20)
	}
	ctype := SniffAttachment(data)
	if ctype == "" {
		return Attachment{}, failure.InvalidField("file", "qms.file_type")
	}
	sum := sha256.Sum256(data)
	return Attachment{Name: cleanFileName(name, AttachmentTypes[ctype]), ContentType: ctype, Size: int64(len(data)),
		SHA256: hex.EncodeToString(sum[:]), Data: data}, nil
}

// SniffAttachment returns the accepted type of data, or "". PDF, JPEG and PNG must be
// named so by their signature and by the browsers' sniffing algorithm alike; the office
// formats are ZIP archives recognised by their parts (word/document.xml,
// xl/workbook.xml) or by the OpenDocument mimetype entry.
func SniffAttachment(data []byte) string {
	sniffed := http.DetectContentType(data)
	for _, m := range []struct {
		prefix string
		ctype  string
	}{{"%PDF-", TypePDF}, {"\x89PNG\r\n\x1a\n", TypePNG}, {"\xFF\xD8\xFF", TypeJPEG}} {
		if bytes.HasPrefix(data, []byte(m.prefix)) {
			if sniffed == m.ctype {
				return m.ctype
			}
			return ""
		}
	}
	if !bytes.HasPrefix(data, []byte("PK\x03\x04")) || sniffed != "application/zip" {
		return ""
	}
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return ""
	}
	for _, f := range z.File {
		switch f.Name {
		case "word/document.xml":
			return TypeDOCX
		case "xl/workbook.xml":
			return TypeXLSX
		case "mimetype":
			rc, err := f.Open()
			if err != nil {
				return ""
			}
			b, _ := io.ReadAll(io.LimitReader(rc, 100))
			rc.Close()
			switch strings.TrimSpace(string(b)) {
			case TypeODT:
				return TypeODT
			case TypeODS:
				return TypeODS
			}
		}
	}
	return ""
}

// cleanFileName keeps the last element of the name as sent, in NFC, without control
// characters, quotes, separators or semicolons, at most 120 characters before the
// extension, which is always the one of the detected type.
func cleanFileName(name, ext string) string {
	base := path.Base(vn.NFC(strings.ReplaceAll(name, `\`, "/")))
	base = strings.TrimSuffix(base, path.Ext(base))
	base = strings.Map(func(r rune) rune {
		switch {
		case r == utf8.RuneError, unicode.IsControl(r), unicode.Is(unicode.Cf, r), strings.ContainsRune(`"/;`, r):
			return -1
		case unicode.IsSpace(r):
			return ' '
		}
		return r
	}, base)
	base = strings.Trim(base, ". ")
	if r := []rune(base); len(r) > 120 {
		base = string(r[:120])
	}
	if base == "" {
		base = "tai-lieu"
	}
	return base + ext
}
