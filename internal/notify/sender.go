package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/store"
)

// Sender is the mail job: it leases a batch of due outbox messages, sends them over one
// SMTP session (STARTTLS or TLS, then AUTH PLAIN when a user name is set), and records
// each at once: sent, retried later with exponential backoff (a temporary 4xx answer, a
// refused or broken connection), or given up (a permanent 5xx answer for that message,
// or MaxAttempts reached). A message leased by a server that stops is leased again when
// its lease runs out; a sent message is never leased again.
type Sender struct {
	DB *store.DB
	// Dial opens the connection (net.Dialer's when nil); tests point it elsewhere.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// TLSConfig is used for TLS and STARTTLS (the system's roots when nil); its ServerName
	// defaults to the configured host.
	TLSConfig *tls.Config
	// Batch is how many messages one run sends at most (default 100).
	Batch int
	// MaxAttempts gives a message up after that many failed attempts (default 10, about
	// 17 hours of backoff).
	MaxAttempts int
	// Timeout bounds a whole SMTP session in real time (default 2 minutes).
	Timeout time.Duration
	// HelloName is the name given in EHLO (default the host name from the sender address).
	HelloName string
}

// ErrMailOff is returned by Send for a test message when mail is not configured.
var ErrMailOff = errors.New("mail is off")

func (s *Sender) defaults() {
	if s.Batch <= 0 {
		s.Batch = 100
	}
	if s.MaxAttempts <= 0 {
		s.MaxAttempts = 10
	}
	if s.Timeout <= 0 {
		s.Timeout = 2 * time.Minute
	}
}

// retryAfter is the wait before attempt n+1 after n failed ones: 1, 2, 4 … minutes, at
// most 6 hours.
func retryAfter(n int) time.Duration {
	d := time.Minute
	for i := 1; i < n && d < 6*time.Hour; i++ {
		d *= 2
	}
	return min(d, 6*time.Hour)
}

// Run is the job: one pass over the due messages at now.
func (s *Sender) Run(ctx context.Context, now time.Time) (string, error) {
	s.defaults()
	ms, err := s.DB.GetMailSettings(ctx)
	if err != nil {
		return "", err
	}
	if !ms.Ready() {
		return "mail is off", nil
	}
	owner := "mail-" + store.NewID()
	msgs, err := s.DB.ClaimMail(ctx, owner, now, now.Add(s.Timeout+time.Minute), s.Batch)
	if err != nil {
		return "", err
	}
	if len(msgs) == 0 {
		return "nothing to send", nil
	}
	// Whatever happens below, no message stays leased by this run.
	defer func() { _ = s.DB.ReleaseMail(context.WithoutCancel(ctx), owner) }()
	c, err := s.connect(ctx, ms)
	if err != nil {
		for _, m := range msgs {
			if ferr := s.failed(ctx, m, owner, err, now); ferr != nil {
				return "", ferr
			}
		}
		return fmt.Sprintf("0 of %d sent", len(msgs)), fmt.Errorf("mail server %s:%d: %w", ms.Host, ms.Port, err)
	}
	defer c.Close()
	from := mail.Address{Name: ms.FromName, Address: ms.From}
	sent, given := 0, 0
	for i, m := range msgs {
		err := s.sendOne(c, from, m, now)
		if err == nil {
			if err := s.DB.MarkMailSent(ctx, m.ID, now); err != nil {
				return fmt.Sprintf("%d of %d sent", sent, len(msgs)), err
			}
			sent++
			continue
		}
		if ferr := s.failed(ctx, m, owner, err, now); ferr != nil {
			return "", ferr
		}
		if permanent(err) || m.Attempts+1 >= s.MaxAttempts {
			given++
		}
		var tpErr *textproto.Error
		if !errors.As(err, &tpErr) || c.Reset() != nil {
			// The connection broke: the rest are released untried (no attempt counted) and
			// go in the next run.
			return fmt.Sprintf("%d of %d sent, %d left for the next run", sent, len(msgs), len(msgs)-i-1),
				fmt.Errorf("mail server %s:%d: %w", ms.Host, ms.Port, err)
		}
	}
	_ = c.Quit()
	res := fmt.Sprintf("%d of %d sent", sent, len(msgs))
	if given > 0 {
		res += fmt.Sprintf(", %d given up", given)
	}
	return res, nil
}

// failed records a failed attempt: given up when the server refused the message for good
// or the attempts ran out, else retried after the backoff.
func (s *Sender) failed(ctx context.Context, m store.OutboxMessage, owner string, err error, now time.Time) error {
	attempts := m.Attempts + 1
	return s.DB.MarkMailFailed(ctx, m.ID, owner, err.Error(), now, now.Add(retryAfter(attempts)),
		permanent(err) || attempts >= s.MaxAttempts)
}

// permanent reports a 5xx answer: the server will not take this message, ever.
func permanent(err error) bool {
	var tpErr *textproto.Error
	return errors.As(err, &tpErr) && tpErr.Code >= 500
}

// connect opens an SMTP session as configured: TLS from the first byte, or STARTTLS
// (refusing a server that does not offer it), then authentication.
func (s *Sender) connect(ctx context.Context, ms store.MailSettings) (*smtp.Client, error) {
	addr := net.JoinHostPort(ms.Host, strconv.Itoa(ms.Port))
	dial := s.Dial
	if dial == nil {
		dial = (&net.Dialer{Timeout: 30 * time.Second}).DialContext
	}
	conn, err := dial(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	_ = conn.SetDeadline(time.Now().Add(s.Timeout))
	conf := s.tlsConfig(ms.Host)
	if ms.Security == store.MailTLS {
		tc := tls.Client(conn, conf)
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, fmt.Errorf("TLS: %w", err)
		}
		conn = tc
	}
	c, err := smtp.NewClient(conn, ms.Host)
	if err != nil {
		conn.Close()
		return nil, err
	}
	fail := func(err error) (*smtp.Client, error) {
		c.Close()
		return nil, err
	}
	if err := c.Hello(s.helloName(ms)); err != nil {
		return fail(err)
	}
	if ms.Security == store.MailSTARTTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return fail(errors.New("the server does not offer STARTTLS; choose TLS or no encryption"))
		}
		if err := c.StartTLS(conf); err != nil {
			return fail(fmt.Errorf("STARTTLS: %w", err))
		}
	}
	if ms.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", ms.Username, ms.Password, ms.Host)); err != nil {
			return fail(fmt.Errorf("authentication as %s: %w", ms.Username, err))
		}
	}
	return c, nil
}

func (s *Sender) tlsConfig(host string) *tls.Config {
	conf := &tls.Config{MinVersion: tls.VersionTLS12}
	if s.TLSConfig != nil {
		conf = s.TLSConfig.Clone()
	}
	if conf.ServerName == "" {
		conf.ServerName = host
	}
	return conf
}

func (s *Sender) helloName(ms store.MailSettings) string {
	if s.HelloName != "" {
		return s.HelloName
	}
	if i := strings.LastIndexByte(ms.From, '@'); i >= 0 && i < len(ms.From)-1 {
		return ms.From[i+1:]
	}
	return "motcua.localhost"
}

// sendOne sends one message over an open session.
func (s *Sender) sendOne(c *smtp.Client, from mail.Address, m store.OutboxMessage, now time.Time) error {
	if err := c.Mail(from.Address); err != nil {
		return err
	}
	if err := c.Rcpt(m.To); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	msg := message{From: from, To: m.To, Subject: m.Subject, Body: m.Body, Date: now, MessageID: messageID(m.ID, from.Address)}
	if _, err := w.Write(msg.bytes()); err != nil {
		_ = w.Close()
		return err
	}
	return w.Close()
}
