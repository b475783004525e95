package portal

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/vn"
)

// The content types an online submission may upload: scans and photographs of papers.
const (
	PDF  = "application/pdf"
	JPEG = "image/jpeg"
	PNG  = "image/png"
)

// ContentTypes lists the accepted content types.
var ContentTypes = []string{PDF, JPEG, PNG}

// Limits bound what one online submission may upload.
type Limits struct {
	MaxFileBytes  int64 // one file
	MaxTotalBytes int64 // every file of the submission together
	MaxFiles      int
}

// DefaultLimits: 5 MiB a file, 20 MiB and 10 files a submission. A scanned A4 page as a
// PDF or a phone photograph of a paper is well under 5 MiB; a procedure's checklist rarely
// has more than ten papers.
var DefaultLimits = Limits{MaxFileBytes: 5 << 20, MaxTotalBytes: 20 << 20, MaxFiles: 10}

// RequestBytes is the largest request body a submission may send: its files plus room for
// the form fields and the multipart framing. The web layer refuses a longer body before
// reading it.
func (l Limits) RequestBytes() int64 { return l.MaxTotalBytes + 256<<10 }

// File is one uploaded paper of an online submission, stored with the dossier.
type File struct {
	ID          string
	DossierID   string
	UnitID      string // the receiving agency, like every dossier-side row
	Component   string // the checklist item it is for (thành phần hồ sơ)
	Name        string // the applicant's file name, cleaned; only used to name the download
	ContentType string // detected from the content, never taken from the name or the browser
	Size        int64
	SHA256      string // hex, of Data
	Data        []byte // empty when listed without content
	CreatedAt   time.Time
}

// magic pairs a file signature with the content type it announces.
var magic = []struct {
	prefix []byte
	ctype  string
}{
	{[]byte("%PDF-"), PDF},
	{[]byte("\x89PNG\r\n\x1a\n"), PNG},
	{[]byte{0xFF, 0xD8, 0xFF}, JPEG},
}

// Sniff returns the accepted content type of data, or "" when data is not a PDF, JPEG or
// PNG. The file's own signature (magic bytes) and http.DetectContentType, the WHATWG
// sniffing algorithm browsers apply, must both name the same type: a page that a browser
// would sniff as HTML or script never passes, whatever its name says.
func Sniff(data []byte) string {
	for _, m := range magic {
		if bytes.HasPrefix(data, m.prefix) {
			if http.DetectContentType(data) == m.ctype {
				return m.ctype
			}
			return ""
		}
	}
	return ""
}

// Extension is the file name extension that goes with an accepted content type.
func Extension(ctype string) string {
	switch ctype {
	case PDF:
		return ".pdf"
	case PNG:
		return ".png"
	case JPEG:
		return ".jpg"
	}
	return ".bin"
}

// maxNameRunes bounds a stored file name.
const maxNameRunes = 120

// CleanName keeps the last element of the applicant's file name (browsers on some systems
// send a whole path), in NFC, without control characters, quotes or path separators, at
// most 120 characters, and with the extension of the detected type (so a download is
// never named .html).
func CleanName(name, ctype string) string {
	base := baseName(name)
	stem := strings.Trim(strings.TrimSuffix(base, path.Ext(base)), ". ")
	if r := []rune(stem); len(r) > maxNameRunes {
		stem = string(r[:maxNameRunes])
	}
	if stem == "" {
		stem = "tep"
	}
	return stem + Extension(ctype)
}

// baseName is the cleaned last element of a file name as sent, with its own extension
// (for messages about a refused file).
func baseName(name string) string {
	name = path.Base(vn.NFC(strings.ReplaceAll(name, `\`, "/")))
	name = strings.Map(func(r rune) rune {
		switch {
		case r == utf8.RuneError, unicode.IsControl(r), unicode.Is(unicode.Cf, r), r == '"', r == '/', r == ';':
			return -1
		case unicode.IsSpace(r):
			return ' '
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if r := []rune(name); len(r) > maxNameRunes+10 {
		name = string(r[:maxNameRunes+10])
	}
	if name == "." || name == "" {
		return "tep"
	}
	return name
}

// Batch collects the files of one submission and enforces the limits as they arrive, so
// the web layer can stop reading at the first file over a limit.
type Batch struct {
	Limits Limits
	Files  []File
	total  int64
}

// Add checks one uploaded file (field is the form field it came in, for the error
// message) and keeps it: it must be non-empty, within the size limits, within the count,
// and a PDF, JPEG or PNG by its content. Each component takes one file.
func (b *Batch) Add(field, component, name string, data []byte) error {
	lim := b.Limits
	if lim.MaxFiles == 0 {
		lim = DefaultLimits
	}
	display := baseName(name)
	switch {
	case len(data) == 0:
		return failure.InvalidField(field, "portal.file_empty", display)
	case int64(len(data)) > lim.MaxFileBytes:
		return failure.InvalidField(field, "portal.file_too_large", display, megabytes(lim.MaxFileBytes))
	case len(b.Files) >= lim.MaxFiles:
		return failure.InvalidField(field, "portal.too_many_files", lim.MaxFiles)
	case b.total+int64(len(data)) > lim.MaxTotalBytes:
		return failure.InvalidField(field, "portal.files_too_large", megabytes(lim.MaxTotalBytes))
	}
	for _, f := range b.Files {
		if f.Component == component {
			return failure.InvalidField(field, "portal.file_duplicate_component", component)
		}
	}
	ctype := Sniff(data)
	if ctype == "" {
		return failure.InvalidField(field, "portal.file_type", display)
	}
	sum := sha256.Sum256(data)
	b.Files = append(b.Files, File{Component: component, Name: CleanName(name, ctype), ContentType: ctype,
		Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), Data: data})
	b.total += int64(len(data))
	return nil
}

func megabytes(n int64) int64 { return n >> 20 }
