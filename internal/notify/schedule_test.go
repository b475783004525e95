package notify_test

import (
	"context"
	"mime"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/jobs"
	"github.com/motcua/motcua/internal/notify"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// The whole chain on schedule, with the runner, the real jobs, an injected clock and an
// in-process SMTP server: a stale dossier reminds its handler by e-mail within the next
// minute, escalates to the leader whose digest leaves the next morning at 07:00, and
// nothing is watched at the weekend.
func TestRemindersOnSchedule(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newDesk(t, db)
		cert, pool := selfSigned(t)
		srv := newSMTPServer(t, cert, false)
		configure(t, db, srv, store.MailSTARTTLS)
		if err := db.SetEmailMode(ctx, k.handler.UserID, notify.EmailImmediate); err != nil {
			t.Fatal(err)
		}
		k.act(t, k.receiver, k.receive(t, vn(2026, 2, 5, 9, 0)), dossier.Command{Action: dossier.ActForward,
			AssigneeID: k.handler.UserID, At: vn(2026, 2, 5, 10, 0)})

		c := &fakeClock{t: vn(2026, 2, 5, 10, 0)}
		r := jobs.New(db, jobs.Options{Now: c.Now, Owner: "test"})
		if err := r.Add(notify.Jobs(db, catalogs(t), newSender(db, pool))...); err != nil {
			t.Fatal(err)
		}
		at := func(ts time.Time) {
			t.Helper()
			c.Set(ts)
			if _, err := r.RunDue(ctx); err != nil {
				t.Fatalf("at %s: %v", ts, err)
			}
		}
		to := func(addr string) []string {
			var subjects []string
			for _, m := range srv.messages() {
				if m.To == addr {
					msg, _ := mail.ReadMessage(strings.NewReader(m.Data))
					s, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
					subjects = append(subjects, s)
				}
			}
			return subjects
		}
		at(vn(2026, 2, 5, 10, 0)) // registers the jobs
		at(vn(2026, 2, 5, 15, 0))
		if len(srv.messages()) != 0 {
			t.Fatal("mail before anything is stale")
		}
		// Friday 08:00: 5½ working hours without progress; the monitor runs at the 07:30
		// slot it missed; the handler's e-mail leaves with the next minute's mail run.
		at(vn(2026, 2, 6, 8, 0))
		at(vn(2026, 2, 6, 8, 1))
		if got := to("xuly@x.vn"); len(got) != 1 || !strings.HasPrefix(got[0], "[motcua] Hồ sơ 000.00.41.H29-260205-0001 chưa được cập nhật tiến độ") {
			t.Fatalf("handler's e-mail: %q", got)
		}
		// 11:45: past 8 working hours: the leader is told, in the next morning's digest.
		at(vn(2026, 2, 6, 11, 45))
		at(vn(2026, 2, 6, 11, 46))
		if got := to("lanhdao@x.vn"); len(got) != 0 {
			t.Fatalf("the leader chose the digest: %q", got)
		}
		runs := func() int {
			rs, _ := db.JobRuns(ctx, "notify.monitor", 1000)
			return len(rs)
		}
		at(vn(2026, 2, 6, 16, 45)) // the last slot of Friday; the next is Monday 07:30
		before := runs()
		at(vn(2026, 2, 7, 7, 0)) // Saturday: the digest goes, the monitor does not run
		at(vn(2026, 2, 7, 7, 1))
		at(vn(2026, 2, 7, 10, 0))
		if got := to("lanhdao@x.vn"); len(got) != 1 || got[0] != "[motcua] 1 thông báo mới" {
			t.Fatalf("leader's digest: %q", got)
		}
		if runs() != before {
			t.Fatalf("the monitor ran on Saturday: %d runs", runs()-before)
		}
		// Monday 07:30: past 12 working hours, the overseer (digest) is told; due within a
		// working day too, the handler gets that at once. Nothing is sent twice.
		at(vn(2026, 2, 9, 9, 0))
		at(vn(2026, 2, 9, 9, 1))
		if got := to("xuly@x.vn"); len(got) != 2 || !strings.Contains(got[1], "sắp đến hạn") {
			t.Fatalf("handler's e-mails: %q", got)
		}
		for id, n := range delivered(t, srv) {
			if n != 1 {
				t.Fatalf("%s delivered %d times", id, n)
			}
		}
		states, _ := db.Jobs(ctx)
		for _, s := range states {
			if s.LastRun.ID != "" && s.LastRun.Status != store.RunOK {
				t.Fatalf("job %s: %+v", s.Name, s.LastRun)
			}
		}
	})
}
