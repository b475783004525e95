package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

func TestMailSettingsPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		root := signedIn(t, f, f.systemAdmin)
		code, body, _ := root.get("/admin/mail")
		if code != 200 || !strings.Contains(body, "Đang tắt") || !strings.Contains(body, `value="587"`) {
			t.Fatalf("page: %d\n%s", code, body)
		}
		const secret = "Mật-khẩu-SMTP-rất-bí-mật"
		bad := url.Values{"enabled": {"on"}, "host": {""}, "security": {"ssl"}, "port": {"99999"}, "from": {"không phải thư"},
			"base_url": {"ftp://motcua"}, "password": {secret}}
		code, body, _ = root.post("/admin/mail", bad)
		for _, want := range []string{"Nhập tên máy chủ SMTP", "Chọn kiểu bảo mật kết nối.", "Cổng phải từ 1 đến 65535.",
			"Địa chỉ gửi không hợp lệ.", "Nhập địa chỉ dạng https://"} {
			if code != http.StatusUnprocessableEntity || !strings.Contains(body, want) {
				t.Fatalf("bad settings: %d, missing %q\n%s", code, want, body)
			}
		}
		if strings.Contains(body, secret) {
			t.Fatal("the password was put back in the form")
		}
		good := url.Values{"enabled": {"on"}, "host": {"smtp.thanhba.gov.vn"}, "security": {"starttls"}, "port": {""},
			"username": {"motcua"}, "password": {secret}, "from": {"MotCua@ThanhBa.gov.vn"}, "from_name": {"Một cửa xã Thanh Ba"},
			"base_url": {"https://motcua.thanhba.gov.vn/"}}
		if code, _, _ := root.post("/admin/mail", good); code != http.StatusSeeOther {
			t.Fatalf("save: %d", code)
		}
		code, body, _ = root.get("/admin/mail")
		if code != 200 || strings.Contains(body, secret) || !strings.Contains(body, "đã lưu — để trống để giữ nguyên") ||
			!strings.Contains(body, "Đang bật") || !strings.Contains(body, `value="motcua@thanhba.gov.vn"`) {
			t.Fatalf("saved page: %d\n%s", code, body)
		}
		ms, _ := db.GetMailSettings(ctx)
		if ms.Password != secret || ms.Port != 587 || ms.BaseURL != "https://motcua.thanhba.gov.vn" || !ms.Ready() {
			t.Fatalf("stored: %s", ms)
		}
		// The audit log records the change without the password.
		events, err := db.AuditTrail(ctx, "settings", "mail", 10)
		if err != nil || len(events) == 0 || strings.Contains(events[0].Detail, secret) || !strings.Contains(events[0].Detail, "password=set") {
			t.Fatalf("audit: %+v %v", events, err)
		}
		// A blank password keeps it; "remove" removes it.
		good.Set("password", "")
		good.Set("security", "tls")
		root.post("/admin/mail", good)
		if ms, _ := db.GetMailSettings(ctx); ms.Password != secret || ms.Port != 465 {
			t.Fatalf("kept: %s", ms)
		}
		good.Set("clear_password", "on")
		root.post("/admin/mail", good)
		if ms, _ := db.GetMailSettings(ctx); ms.Password != "" {
			t.Fatal("not removed")
		}
		// A test message goes to the outbox for the administrator.
		if code, _, _ := root.post("/admin/mail/test", nil); code != http.StatusSeeOther {
			t.Fatalf("test: %d", code)
		}
		out, _ := db.Outbox(ctx, store.OutboxFilter{Pending: true})
		if len(out) != 1 || out[0].To != f.systemAdmin.Email || out[0].Subject != "[motcua] Thư thử" {
			t.Fatalf("test message: %+v", out)
		}
		if _, body, _ := root.get("/admin/mail"); !strings.Contains(body, "Đã xếp thư thử đến root@demo.motcua.vn") ||
			!strings.Contains(body, "1 thư đang chờ gửi") {
			t.Fatalf("after the test:\n%s", body)
		}
		// A message given up can be retried.
		leased, _ := db.ClaimMail(ctx, "x", time.Now(), time.Now().Add(time.Minute), 10)
		if err := db.MarkMailFailed(ctx, leased[0].ID, "x", "550 5.1.1 no such mailbox", time.Now(), time.Now(), true); err != nil {
			t.Fatal(err)
		}
		if _, body, _ := root.get("/admin/mail"); !strings.Contains(body, "550 5.1.1 no such mailbox") || !strings.Contains(body, "Gửi lại các thư không thành công") {
			t.Fatalf("failed message not shown:\n%s", body)
		}
		if code, _, _ := root.post("/admin/mail/retry", nil); code != http.StatusSeeOther {
			t.Fatalf("retry: %d", code)
		}
		if out, _ := db.Outbox(ctx, store.OutboxFilter{Pending: true}); len(out) != 1 {
			t.Fatalf("retried: %+v", out)
		}
		// Only operators.
		for _, path := range []string{"/admin/mail", "/admin/mail/test", "/admin/mail/retry"} {
			c := signedIn(t, f, f.adminA)
			var code int
			if path == "/admin/mail" {
				code, _, _ = c.get(path)
			} else {
				code, _, _ = c.post(path, nil)
			}
			if code != http.StatusForbidden {
				t.Fatalf("commune admin on %s: %d", path, code)
			}
		}
		if code, _, _ := signedIn(t, f, f.adminA).post("/admin/mail", good); code != http.StatusForbidden {
			t.Fatal("commune admin saved the mail settings")
		}
	})
}
