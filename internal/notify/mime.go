package notify

import (
	"bytes"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/calendar"
)

// message is one e-mail ready for SMTP DATA: headers encoded for 7-bit transport
// (RFC 2047 Q-encoding for non-ASCII words), a UTF-8 text body in quoted-printable, CRLF
// line ends.
type message struct {
	From      mail.Address
	To        string
	Subject   string
	Body      string
	Date      time.Time
	MessageID string // without angle brackets
}

// bytes renders the message.
func (m message) bytes() []byte {
	var b bytes.Buffer
	header := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	header("From", fold(m.From.String())) // net/mail Q-encodes a non-ASCII display name
	header("To", (&mail.Address{Address: m.To}).String())
	header("Subject", encodeWords(m.Subject))
	header("Date", m.Date.In(calendar.Location()).Format(time.RFC1123Z))
	header("Message-ID", "<"+m.MessageID+">")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	header("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	body := strings.ReplaceAll(strings.ReplaceAll(m.Body, "\r\n", "\n"), "\n", "\r\n")
	_, _ = qp.Write([]byte(body))
	_ = qp.Close()
	if !bytes.HasSuffix(b.Bytes(), []byte("\r\n")) {
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

// fold puts each encoded word (and the address after an encoded name) of a long header
// on its own continuation line, so no line passes 78 characters (RFC 5322 §2.1.1).
func fold(v string) string {
	if len(v) <= 70 {
		return v
	}
	return strings.NewReplacer("?= =?", "?=\r\n =?", "?= <", "?=\r\n <").Replace(v)
}

// encodeWords writes a header text for 7-bit transport: as is when it is short printable
// ASCII, else as RFC 2047 Q-encoded words of UTF-8 (whole characters, at most 60 bytes
// each, one per line) that every mail reader decodes back.
func encodeWords(s string) string {
	if len(s) < 60 && s == mime.QEncoding.Encode("utf-8", s) {
		return s
	}
	var (
		words []string
		cur   strings.Builder
	)
	const prefix, suffix = "=?utf-8?q?", "?="
	for _, r := range s {
		var enc strings.Builder
		for _, b := range []byte(string(r)) {
			switch {
			case b == ' ':
				enc.WriteByte('_')
			case b < 128 && (b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || strings.IndexByte("!*+-/", b) >= 0):
				enc.WriteByte(b)
			default:
				fmt.Fprintf(&enc, "=%02X", b)
			}
		}
		if cur.Len() > 0 && len(prefix)+cur.Len()+enc.Len()+len(suffix) > 60 {
			words = append(words, prefix+cur.String()+suffix)
			cur.Reset()
		}
		cur.WriteString(enc.String())
	}
	words = append(words, prefix+cur.String()+suffix)
	return strings.Join(words, "\r\n ")
}

// messageID derives a stable Message-ID from the outbox row: a message sent twice (a
// crash between the server's acceptance and our record of it) carries the same id, which
// receiving systems use to drop the duplicate.
func messageID(outboxID, from string) string {
	domain := "motcua.invalid"
	if i := strings.LastIndexByte(from, '@'); i >= 0 && i < len(from)-1 {
		domain = from[i+1:]
	}
	return outboxID + "@" + domain
}
