package web

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/i18n"
	"github.com/motcua/motcua/internal/jobs"
	"github.com/motcua/motcua/internal/notify"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/user"
)

func TestJobsPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		now := time.Now()
		r := jobs.New(db, jobs.Options{Now: func() time.Time { return now }, Owner: "may-chu-1"})
		if err := r.Add(
			jobs.Job{Name: "mail.send", Schedule: jobs.Every(time.Minute), Retries: -1,
				Run: func(context.Context, time.Time) (string, error) {
					return "", errors.New("dial tcp: connection refused")
				}},
			jobs.Job{Name: "sessions.cleanup", Schedule: jobs.Every(time.Minute),
				Run: func(context.Context, time.Time) (string, error) { return "3 expired sessions deleted", nil }},
		); err != nil {
			t.Fatal(err)
		}
		if n, err := r.RunDue(ctx); n != 0 || err != nil { // registers the jobs, due in a minute
			t.Fatalf("runs at registration: %d %v", n, err)
		}
		now = now.Add(2 * time.Minute)
		if n, err := r.RunDue(ctx); n != 2 || err != nil {
			t.Fatalf("runs: %d %v", n, err)
		}
		root := signedIn(t, f, f.systemAdmin)
		code, body, _ := root.get("/admin/jobs")
		for _, want := range []string{"Tác vụ nền", "mail.send", "connection refused", "3 expired sessions deleted", "may-chu-1", "Thành công", "Lỗi"} {
			if code != 200 || !strings.Contains(body, want) {
				t.Fatalf("jobs page: %d, missing %q\n%s", code, want, body)
			}
		}
		if code, body, _ := root.get("/admin/jobs?job=sessions.cleanup"); code != 200 || strings.Contains(body, "connection refused</pre>") {
			t.Fatalf("one job's runs: %d", code)
		}
		// A provincial administrator may; a commune administrator or a desk official may not.
		prov := f.official(t, "admin.tinh@demo.motcua.vn", "Đỗ Văn Tỉnh", f.prov, user.Admin)
		if code, _, _ := signedIn(t, f, prov).get("/admin/jobs"); code != 200 {
			t.Fatalf("provincial admin: %d", code)
		}
		for _, u := range []user.User{f.adminA, f.receiverA, f.overseer} {
			c := signedIn(t, f, u)
			if code, _, _ := c.get("/admin/jobs"); code != http.StatusForbidden {
				t.Fatalf("%s sees the jobs: %d", u.Email, code)
			}
			if code, _, _ := c.post("/admin/jobs/mail.send/run", nil); code != http.StatusForbidden {
				t.Fatalf("%s runs a job: %d", u.Email, code)
			}
		}
		if code, _, h := root.post("/admin/jobs/mail.send/run", nil); code != http.StatusSeeOther || h.Get("Location") != "/admin/jobs" {
			t.Fatalf("run now: %d", code)
		}
		if _, body, _ := root.get("/admin/jobs"); !strings.Contains(body, "sẽ chạy trong vòng một phút") {
			t.Fatal("no flash after run now")
		}
		if code, _, _ := root.post("/admin/jobs/no.such.job/run", nil); code != http.StatusNotFound {
			t.Fatalf("unknown job: %d", code)
		}
	})
}

// TestNotifyDynamicKeys checks the message keys the notify pages build at run time.
func TestNotifyDynamicKeys(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	keys := []string{"notify.mail_greeting", "notify.mail_footer", "notify.subject_prefix", "notify.subject_digest"}
	for _, s := range jobStatuses {
		keys = append(keys, "jobs.status_"+s)
	}
	for _, k := range notify.Kinds {
		keys = append(keys, "notify.text_"+string(k), "notify.subject_"+string(k))
	}
	for _, m := range notify.EmailModes {
		keys = append(keys, "notify.mode_"+m)
	}
	for _, m := range mailSecurities {
		keys = append(keys, "mail.security_"+m)
	}
	for _, k := range keys {
		for _, lang := range []string{"vi", "en"} {
			if _, ok := cat.Lookup(lang, k); !ok {
				t.Errorf("key %q missing from %s", k, lang)
			}
		}
	}
}
