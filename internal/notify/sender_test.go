package notify_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/notify"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

const smtpPassword = "mật-khẩu-thư-9Z"

func configure(t *testing.T, db *store.DB, srv *smtpServer, security string) {
	t.Helper()
	srv.user, srv.pass = "motcua", smtpPassword
	err := db.SaveMailSettings(context.Background(), store.MailSettings{Enabled: true, Host: "127.0.0.1", Port: srv.port(),
		Security: security, Username: "motcua", Password: smtpPassword, From: "motcua@thanhba.gov.vn",
		FromName: "Một cửa xã Thanh Ba", BaseURL: "https://motcua.example"}, "")
	if err != nil {
		t.Fatal(err)
	}
}

func enqueue(t *testing.T, db *store.DB, at time.Time, to ...string) []string {
	t.Helper()
	var ids []string
	for i, addr := range to {
		m := store.OutboxMessage{To: addr, CreatedAt: at.Add(time.Duration(i) * time.Millisecond), NextAttemptAt: at,
			Subject: fmt.Sprintf("[motcua] Hồ sơ %d đã quá hạn: cần văn bản xin lỗi và hẹn lại ngày trả kết quả", i+1),
			Body:    "Kính gửi ông Nguyễn Văn Đức,\n\n- Hồ sơ 000.00.41.H29-260205-0001 đã quá hạn.\n  https://motcua.example/dossiers/x\n"}
		if err := db.EnqueueMail(context.Background(), &m); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	return ids
}

func newSender(db *store.DB, pool *x509.CertPool) *notify.Sender {
	return &notify.Sender{DB: db, TLSConfig: &tls.Config{RootCAs: pool}, Timeout: 5 * time.Second}
}

func outbox(t *testing.T, db *store.DB) map[string]store.OutboxMessage {
	t.Helper()
	all, err := db.Outbox(context.Background(), store.OutboxFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]store.OutboxMessage{}
	for _, m := range all {
		out[m.ID] = m
	}
	return out
}

// delivered counts, per Message-ID, what the server accepted.
func delivered(t *testing.T, srv *smtpServer) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, r := range srv.messages() {
		m, err := mail.ReadMessage(strings.NewReader(r.Data))
		if err != nil {
			t.Fatal(err)
		}
		out[m.Header.Get("Message-Id")]++
	}
	return out
}

func TestSenderSTARTTLSAndEncoding(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cert, pool := selfSigned(t)
		srv := newSMTPServer(t, cert, false)
		configure(t, db, srv, store.MailSTARTTLS)
		now := vn(2026, 2, 10, 9, 5)
		ids := enqueue(t, db, now, "xuly@thanhba.gov.vn", "lanhdao@thanhba.gov.vn")
		s := newSender(db, pool)
		res, err := s.Run(ctx, now)
		if err != nil || res != "2 of 2 sent" {
			t.Fatalf("run: %q %v", res, err)
		}
		got := srv.messages()
		if len(got) != 2 || !got[0].Secure || got[0].User != "motcua" || got[0].From != "motcua@thanhba.gov.vn" || got[0].To != "xuly@thanhba.gov.vn" {
			t.Fatalf("received: %+v", got)
		}
		m, err := mail.ReadMessage(strings.NewReader(got[0].Data))
		if err != nil {
			t.Fatal(err)
		}
		dec := new(mime.WordDecoder)
		subject, err := dec.DecodeHeader(m.Header.Get("Subject"))
		if err != nil || subject != "[motcua] Hồ sơ 1 đã quá hạn: cần văn bản xin lỗi và hẹn lại ngày trả kết quả" {
			t.Fatalf("subject %q %v", subject, err)
		}
		from, err := m.Header.AddressList("From")
		if err != nil || from[0].Name != "Một cửa xã Thanh Ba" || from[0].Address != "motcua@thanhba.gov.vn" {
			t.Fatalf("from %+v %v", from, err)
		}
		if m.Header.Get("Message-Id") != "<"+ids[0]+"@thanhba.gov.vn>" || m.Header.Get("Content-Type") != "text/plain; charset=utf-8" ||
			m.Header.Get("Content-Transfer-Encoding") != "quoted-printable" || m.Header.Get("Mime-Version") != "1.0" {
			t.Fatalf("headers: %v", m.Header)
		}
		if d, err := m.Header.Date(); err != nil || !d.Equal(now) {
			t.Fatalf("date %v %v", d, err)
		}
		body, err := io.ReadAll(quotedprintable.NewReader(m.Body))
		if err != nil || !strings.Contains(string(body), "Kính gửi ông Nguyễn Văn Đức,\n\n- Hồ sơ") {
			t.Fatalf("body %q %v", body, err)
		}
		// Every header line is 7-bit and within 78 characters (the server's reader has
		// turned CRLF into LF).
		head, _, _ := strings.Cut(got[0].Data, "\n\n")
		for _, line := range strings.Split(head, "\n") {
			if len(line) > 78 || strings.IndexFunc(line, func(r rune) bool { return r > 127 }) >= 0 {
				t.Fatalf("header line %q", line)
			}
		}
		// Sent is sent: later runs send nothing again.
		for _, m := range outbox(t, db) {
			if m.SentAt.IsZero() || m.Attempts != 1 {
				t.Fatalf("not recorded sent: %+v", m)
			}
		}
		if res, _ := s.Run(ctx, now.Add(time.Hour)); res != "nothing to send" || len(srv.messages()) != 2 {
			t.Fatalf("second run: %q, %d delivered", res, len(srv.messages()))
		}
	})
}

func TestSenderImplicitTLS(t *testing.T) {
	db := storetest.SQLite(t)
	cert, pool := selfSigned(t)
	srv := newSMTPServer(t, cert, true)
	configure(t, db, srv, store.MailTLS)
	now := vn(2026, 2, 10, 9, 5)
	enqueue(t, db, now, "a@x.vn")
	if res, err := newSender(db, pool).Run(context.Background(), now); err != nil || res != "1 of 1 sent" || !srv.messages()[0].Secure {
		t.Fatalf("implicit TLS: %q %v", res, err)
	}
	// A server whose certificate is not trusted is refused, and the message waits.
	enqueue(t, db, now, "b@x.vn")
	_, err := newSender(db, x509.NewCertPool()).Run(context.Background(), now.Add(time.Minute))
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("untrusted certificate: %v", err)
	}
}

// The server refuses one recipient for good and answers "try later" to another: the first
// is given up, the second retried after the backoff, the rest sent; nothing twice.
func TestSenderRefusesAndRetries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cert, pool := selfSigned(t)
		srv := newSMTPServer(t, cert, false)
		configure(t, db, srv, store.MailSTARTTLS)
		srv.behave = func(n int, rcpt string) behaviour {
			switch {
			case rcpt == "khongco@thanhba.gov.vn":
				return refuseRcpt
			case rcpt == "day@thanhba.gov.vn" && n == 1: // the first attempt at it
				return tempData
			}
			return accept
		}
		now := vn(2026, 2, 10, 9, 5)
		ids := enqueue(t, db, now, "a@thanhba.gov.vn", "khongco@thanhba.gov.vn", "day@thanhba.gov.vn", "b@thanhba.gov.vn")
		s := newSender(db, pool)
		res, err := s.Run(ctx, now)
		if err != nil || res != "2 of 4 sent, 1 given up" {
			t.Fatalf("first run: %q %v", res, err)
		}
		box := outbox(t, db)
		if m := box[ids[1]]; m.FailedAt.IsZero() || !strings.Contains(m.LastError, "550") {
			t.Fatalf("refused: %+v", m)
		}
		if m := box[ids[2]]; !m.Pending() || m.Attempts != 1 || !m.NextAttemptAt.Equal(now.Add(time.Minute)) || !strings.Contains(m.LastError, "451") {
			t.Fatalf("deferred: %+v", m)
		}
		if res, _ := s.Run(ctx, now.Add(30*time.Second)); res != "nothing to send" {
			t.Fatalf("before the backoff: %q", res)
		}
		if res, err := s.Run(ctx, now.Add(time.Minute)); err != nil || res != "1 of 1 sent" {
			t.Fatalf("after the backoff: %q %v", res, err)
		}
		for id, n := range delivered(t, srv) {
			if n != 1 {
				t.Fatalf("%s delivered %d times", id, n)
			}
		}
		if len(delivered(t, srv)) != 3 {
			t.Fatalf("delivered: %v", delivered(t, srv))
		}
		if failed, _ := db.Outbox(ctx, store.OutboxFilter{Failed: true}); len(failed) != 1 {
			t.Fatalf("failed list: %+v", failed)
		}
	})
}

// The server drops the connection in the middle of a message; then it is down; then a
// "restart" (a new sender on a new connection to the database) finds it up again: every
// message arrives exactly once.
func TestSenderDisconnectDownRestart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cert, pool := selfSigned(t)
		srv := newSMTPServer(t, cert, false)
		configure(t, db, srv, store.MailSTARTTLS)
		srv.behave = func(n int, rcpt string) behaviour {
			if n == 1 {
				return disconnect
			}
			return accept
		}
		now := vn(2026, 2, 10, 9, 5)
		ids := enqueue(t, db, now, "a@x.vn", "b@x.vn", "c@x.vn", "d@x.vn")
		s := newSender(db, pool)
		res, err := s.Run(ctx, now)
		if err == nil || res != "1 of 4 sent, 2 left for the next run" {
			t.Fatalf("disconnect: %q %v", res, err)
		}
		box := outbox(t, db)
		if m := box[ids[1]]; !m.Pending() || m.Attempts != 1 || m.LastError == "" {
			t.Fatalf("the interrupted message: %+v", m)
		}
		if m := box[ids[2]]; !m.Pending() || m.Attempts != 0 {
			t.Fatalf("an untried message counted an attempt: %+v", m)
		}
		// The server goes down: a clear error, nothing lost.
		srv.stop()
		res, err = s.Run(ctx, now.Add(10*time.Second))
		if err == nil || !strings.Contains(err.Error(), "connection refused") || res != "0 of 2 sent" {
			t.Fatalf("server down: %q %v", res, err)
		}
		if strings.Contains(err.Error(), smtpPassword) {
			t.Fatal("the password in an error")
		}
		stats, err := db.OutboxCounts(ctx, now)
		if err != nil || stats.Pending != 3 || !strings.Contains(stats.LastError, "connection refused") {
			t.Fatalf("stats: %+v %v", stats, err)
		}
		// Back up; motcua restarts: a new sender over a new database connection.
		srv.restart()
		if db.Dialect() == store.SQLite {
			t.Log("SQLite: the same database file, a new sender")
		}
		s2 := newSender(db, pool)
		if res, err := s2.Run(ctx, now.Add(3*time.Minute)); err != nil || res != "3 of 3 sent" {
			t.Fatalf("after restart: %q %v", res, err)
		}
		got := delivered(t, srv)
		if len(got) != 4 {
			t.Fatalf("delivered: %v", got)
		}
		for id, n := range got {
			if n != 1 {
				t.Fatalf("%s delivered %d times", id, n)
			}
		}
		if res, _ := s2.Run(ctx, now.Add(time.Hour)); res != "nothing to send" {
			t.Fatalf("nothing left: %q", res)
		}
	})
}

// A server stops while holding a batch: its lease runs out and another sends it; a wrong
// password is a clear error and never appears in logs or errors.
func TestSenderLeaseAndAuth(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cert, pool := selfSigned(t)
		srv := newSMTPServer(t, cert, false)
		configure(t, db, srv, store.MailSTARTTLS)
		now := vn(2026, 2, 10, 9, 5)
		enqueue(t, db, now, "a@x.vn", "b@x.vn")
		if leased, err := db.ClaimMail(ctx, "a-server-that-died", now, now.Add(3*time.Minute), 10); err != nil || len(leased) != 2 {
			t.Fatalf("lease: %d %v", len(leased), err)
		}
		s := newSender(db, pool)
		if res, _ := s.Run(ctx, now.Add(time.Minute)); res != "nothing to send" {
			t.Fatalf("a leased batch was sent: %q", res)
		}
		if res, err := s.Run(ctx, now.Add(4*time.Minute)); err != nil || res != "2 of 2 sent" {
			t.Fatalf("after the lease: %q %v", res, err)
		}
		// A wrong password.
		srv.pass = "khác"
		enqueue(t, db, now, "c@x.vn")
		var logs bytes.Buffer
		logger := slog.New(slog.NewTextHandler(&logs, nil))
		ms, _ := db.GetMailSettings(ctx)
		logger.Info("mail settings", "settings", ms)
		_, err := s.Run(ctx, now.Add(5*time.Minute))
		if err == nil || !strings.Contains(err.Error(), "535") || strings.Contains(err.Error(), smtpPassword) {
			t.Fatalf("wrong password: %v", err)
		}
		if strings.Contains(logs.String(), smtpPassword) || !strings.Contains(logs.String(), "password=set") {
			t.Fatalf("the password in a log line: %s", logs.String())
		}
		// Mail turned off: nothing is tried, messages wait.
		ms.Enabled = false
		if err := db.SaveMailSettings(ctx, ms, ""); err != nil {
			t.Fatal(err)
		}
		if res, err := s.Run(ctx, now.Add(time.Hour)); err != nil || res != "mail is off" {
			t.Fatalf("mail off: %q %v", res, err)
		}
	})
}

// Concurrent claimers never lease the same message; old rows are pruned by age.
func TestOutboxClaimsAndPrune(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := vn(2026, 2, 10, 9, 0)
		var to []string
		for i := range 50 {
			to = append(to, fmt.Sprintf("m%d@x.vn", i))
		}
		enqueue(t, db, now, to...)
		var (
			mu   sync.Mutex
			seen = map[string]string{}
			wg   sync.WaitGroup
		)
		for i := range 8 {
			wg.Go(func() {
				owner := fmt.Sprintf("owner-%d", i)
				got, err := db.ClaimMail(ctx, owner, now, now.Add(time.Minute), 5)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				defer mu.Unlock()
				for _, m := range got {
					if other, dup := seen[m.ID]; dup {
						t.Errorf("%s leased by %s and %s", m.To, other, owner)
					}
					seen[m.ID] = owner
				}
			})
		}
		wg.Wait()
		if len(seen) != 40 {
			t.Fatalf("%d leased, want 40", len(seen))
		}
		for id := range seen {
			if err := db.MarkMailSent(ctx, id, now); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := db.PruneOutbox(ctx, now.Add(time.Second)); err != nil || n != 40 {
			t.Fatalf("prune outbox: %d %v", n, err)
		}
		if left, _ := db.Outbox(ctx, store.OutboxFilter{Pending: true, Limit: 100}); len(left) != 10 {
			t.Fatalf("left: %d", len(left))
		}
		// Read notifications go after their time; unread ones stay.
		k := newDesk(t, db)
		for i, key := range []string{"a", "b"} {
			if _, err := db.Notify(ctx, store.Notification{UserID: k.handler.UserID, Kind: "stale", SubjectType: "dossier",
				SubjectID: key, DedupKey: key, Args: map[string]string{}, CreatedAt: now.Add(time.Duration(i) * time.Second)}, nil); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.MarkAllRead(ctx, k.handler.UserID, now); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Notify(ctx, store.Notification{UserID: k.handler.UserID, Kind: "stale", SubjectType: "dossier",
			SubjectID: "c", DedupKey: "c", Args: map[string]string{}, CreatedAt: now}, nil); err != nil {
			t.Fatal(err)
		}
		if n, err := db.PruneNotifications(ctx, now.Add(time.Hour)); err != nil || n != 2 {
			t.Fatalf("prune notifications: %d %v", n, err)
		}
		if n, _ := db.UnreadCount(ctx, k.handler.UserID); n != 1 {
			t.Fatalf("unread left: %d", n)
		}
	})
}
