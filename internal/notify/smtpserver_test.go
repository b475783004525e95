package notify_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"math/big"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"
)

// smtpServer is a small in-process SMTP server speaking real SMTP over TCP (net/textproto)
// with STARTTLS, implicit TLS and AUTH PLAIN, whose answers a test decides per message.
type smtpServer struct {
	t        *testing.T
	ln       net.Listener
	tls      *tls.Config
	implicit bool   // TLS from the first byte
	user     string // AUTH PLAIN credentials; "" accepts none
	pass     string

	mu       sync.Mutex
	received []received
	sessions int
	// behave decides what happens to the nth message (0-based, counting every DATA
	// attempt); nil accepts all.
	behave func(n int, rcpt string) behaviour
	data   int
}

type received struct {
	From, To string
	Data     string
	Secure   bool
	User     string
}

type behaviour int

const (
	accept     behaviour = iota
	refuseRcpt           // 550 at RCPT: a permanent refusal
	tempData             // 451 after DATA: try again later
	disconnect           // close the connection in the middle of DATA, before any answer
)

// newSMTPServer starts a server on a free port of 127.0.0.1.
func newSMTPServer(t *testing.T, cert tls.Certificate, implicit bool) *smtpServer {
	t.Helper()
	s := &smtpServer{t: t, tls: &tls.Config{Certificates: []tls.Certificate{cert}}, implicit: implicit}
	s.listen("127.0.0.1:0")
	t.Cleanup(s.stop)
	return s
}

func (s *smtpServer) listen(addr string) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		s.t.Fatal(err)
	}
	if s.implicit {
		ln = tls.NewListener(ln, s.tls)
	}
	s.mu.Lock()
	s.ln = ln
	s.mu.Unlock()
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(conn)
		}
	}()
}

func (s *smtpServer) stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		s.ln.Close()
	}
}

// restart listens again on the same port after stop (a mail server back up).
func (s *smtpServer) restart() {
	addr := s.ln.Addr().String()
	s.listen(addr)
}

func (s *smtpServer) port() int { return s.ln.Addr().(*net.TCPAddr).Port }

func (s *smtpServer) messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.received...)
}

func (s *smtpServer) serve(conn net.Conn) {
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	s.mu.Lock()
	s.sessions++
	s.mu.Unlock()
	_, secure := conn.(*tls.Conn)
	tc := textproto.NewConn(conn)
	var from, to, user string
	reply := func(format string, args ...any) bool { return tc.PrintfLine(format, args...) == nil }
	if !reply("220 mail.test ESMTP") {
		return
	}
	for {
		line, err := tc.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			lines := []string{"250-mail.test"}
			if !secure && s.tls != nil && !s.implicit {
				lines = append(lines, "250-STARTTLS")
			}
			lines = append(lines, "250-AUTH PLAIN", "250-8BITMIME", "250 SMTPUTF8")
			for _, l := range lines {
				reply("%s", l)
			}
		case "STARTTLS":
			reply("220 2.0.0 ready to start TLS")
			tlsConn := tls.Server(conn, s.tls)
			if err := tlsConn.Handshake(); err != nil {
				return
			}
			conn, secure = tlsConn, true
			tc = textproto.NewConn(conn)
		case "AUTH":
			mech, resp, _ := strings.Cut(arg, " ")
			raw, err := base64.StdEncoding.DecodeString(resp)
			parts := strings.Split(string(raw), "\x00")
			if strings.ToUpper(mech) != "PLAIN" || err != nil || len(parts) != 3 || parts[1] != s.user || parts[2] != s.pass {
				reply("535 5.7.8 authentication credentials invalid")
				continue
			}
			user = parts[1]
			reply("235 2.7.0 authenticated")
		case "MAIL":
			if s.user != "" && user == "" {
				reply("530 5.7.0 authentication required")
				continue
			}
			from = addrOf(arg)
			reply("250 2.1.0 ok")
		case "RCPT":
			to = addrOf(arg)
			if s.decide(to, false) == refuseRcpt {
				reply("550 5.1.1 no such mailbox: %s", to)
				continue
			}
			reply("250 2.1.5 ok")
		case "DATA":
			reply("354 end data with <CR><LF>.<CR><LF>")
			b := s.decide(to, true)
			if b == disconnect {
				// Read part of the message, then drop the line without answering.
				_, _ = tc.ReadLine()
				return
			}
			data, err := tc.ReadDotBytes()
			if err != nil {
				return
			}
			if b == tempData {
				reply("451 4.3.0 mailbox temporarily unavailable")
				continue
			}
			s.mu.Lock()
			s.received = append(s.received, received{From: from, To: to, Data: string(data), Secure: secure, User: user})
			s.mu.Unlock()
			reply("250 2.0.0 queued")
		case "RSET", "NOOP":
			reply("250 2.0.0 ok")
		case "QUIT":
			reply("221 2.0.0 bye")
			return
		default:
			reply("502 5.5.2 command not recognised")
		}
	}
}

// decide asks the test's behaviour for a message; at DATA it counts the attempt.
func (s *smtpServer) decide(rcpt string, atData bool) behaviour {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.behave == nil {
		return accept
	}
	b := s.behave(s.data, rcpt)
	if atData {
		s.data++
		if b == refuseRcpt {
			return accept
		}
	} else if b != refuseRcpt {
		return accept
	}
	return b
}

// selfSigned makes a certificate for 127.0.0.1 and the pool that trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mail.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// addrOf returns the address between angle brackets of a MAIL or RCPT argument
// ("FROM:<a@b> BODY=8BITMIME").
func addrOf(arg string) string {
	_, rest, _ := strings.Cut(arg, "<")
	addr, _, _ := strings.Cut(rest, ">")
	return addr
}
