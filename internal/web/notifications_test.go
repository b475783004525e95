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
	"github.com/motcua/motcua/internal/user"
)

func TestNotificationPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		handler := f.official(t, "xuly.a@demo.motcua.vn", "Phạm Văn Xử", f.a, user.Handler)
		at := time.Now().Add(-time.Hour)
		var ids []string
		for i, code := range []string{"000.52.15.H29-260205-0001", "000.52.15.H29-260205-0002", "000.52.15.H29-260205-0003"} {
			n := store.Notification{UserID: handler.ID, UnitID: f.agencyA.ID, Kind: "overdue", SubjectType: "dossier",
				SubjectID: code, DedupKey: "overdue:" + code, Link: "/dossiers/x" + code,
				Args:      map[string]string{"code": code, "procedure": "Đăng ký khai sinh", "due_at": "2026-02-10T02:00:00Z"},
				CreatedAt: at.Add(time.Duration(i) * time.Minute)}
			if created, err := db.Notify(ctx, n, nil); err != nil || !created {
				t.Fatalf("notify: %v %v", created, err)
			}
			if created, _ := db.Notify(ctx, n, nil); created {
				t.Fatal("the same reminder twice")
			}
			ns, _ := db.Notifications(ctx, handler.ID, 1, 0)
			ids = append(ids, ns[0].ID)
		}
		h := signedIn(t, f, handler)
		code, body, _ := h.get("/")
		if code != 200 || !strings.Contains(body, `aria-label="Thông báo: 3 chưa đọc"`) || !strings.Contains(body, `<span class="count" aria-hidden="true">3</span>`) {
			t.Fatalf("bell: %d\n%s", code, body)
		}
		code, body, _ = h.get("/notifications")
		if code != 200 || !strings.Contains(body, "Hồ sơ 000.52.15.H29-260205-0002 (Đăng ký khai sinh) đã quá hạn trả kết quả (hẹn 09:00 10/02/2026).") ||
			!strings.Contains(body, "Quản trị viên chưa cấu hình máy chủ thư") || !strings.Contains(body, `value="digest" checked`) {
			t.Fatalf("list: %d\n%s", code, body)
		}
		// Opening one marks it read and goes to the dossier.
		code, _, hdr := h.get("/notifications/" + ids[0])
		if code != http.StatusSeeOther || hdr.Get("Location") != "/dossiers/x000.52.15.H29-260205-0001" {
			t.Fatalf("open: %d %s", code, hdr.Get("Location"))
		}
		if _, body, _ := h.get("/notifications"); !strings.Contains(body, "Thông báo: 2 chưa đọc") {
			t.Fatal("the bell did not go down")
		}
		if code, _, _ := h.post("/notifications/"+ids[1]+"/read", nil); code != http.StatusSeeOther {
			t.Fatalf("mark read: %d", code)
		}
		// Someone else's notification is not found.
		other := signedIn(t, f, f.receiverA)
		if code, _, _ := other.get("/notifications/" + ids[2]); code != http.StatusNotFound {
			t.Fatalf("another's notification: %d", code)
		}
		if code, _, _ := other.post("/notifications/"+ids[2]+"/read", nil); code != http.StatusNotFound {
			t.Fatalf("another marks read: %d", code)
		}
		if code, _, _ := h.post("/notifications/read-all", nil); code != http.StatusSeeOther {
			t.Fatalf("read all: %d", code)
		}
		if _, body, _ := h.get("/notifications"); !strings.Contains(body, "Đã đánh dấu 1 thông báo là đã đọc.") || strings.Contains(body, `class="count"`) {
			t.Fatalf("after read all:\n%s", body)
		}
		// The e-mail choice.
		if code, _, _ := h.post("/notifications/email", url.Values{"email_mode": {"hourly"}}); code != http.StatusUnprocessableEntity {
			t.Fatalf("bad choice: %d", code)
		}
		if code, _, _ := h.post("/notifications/email", url.Values{"email_mode": {"immediate"}}); code != http.StatusSeeOther {
			t.Fatalf("choice: %d", code)
		}
		if mode, _ := db.EmailMode(ctx, handler.ID); mode != "immediate" {
			t.Fatalf("stored choice %q", mode)
		}
		if _, body, _ := h.get("/notifications"); !strings.Contains(body, `value="immediate" checked`) {
			t.Fatal("choice not shown")
		}
		h.get("/lang/en")
		if _, body, _ := h.get("/notifications"); !strings.Contains(body, "Dossier 000.52.15.H29-260205-0003 (Đăng ký khai sinh) is overdue (due 09:00 10/02/2026).") {
			t.Fatalf("English:\n%s", body)
		}
	})
}

func TestReminderSettingsPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		a := signedIn(t, f, f.adminA)
		code, body, _ := a.get("/admin/reminders")
		if code != 200 || !strings.Contains(body, "Ngưỡng nhắc việc") || !strings.Contains(body, "Chưa đơn vị nào đặt ngưỡng riêng") {
			t.Fatalf("page: %d\n%s", code, body)
		}
		code, body, _ = a.post("/admin/reminders", url.Values{"unit_id": {f.a.ID}, "stale": {"mười"}, "escalate": {""}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "Nhập số giờ làm việc từ 0 đến 240.") || !strings.Contains(body, `value="mười"`) {
			t.Fatalf("bad hours: %d\n%s", code, body)
		}
		if code, _, _ := a.post("/admin/reminders", url.Values{"unit_id": {f.b.ID}, "stale": {"6"}}); code != http.StatusUnprocessableEntity {
			t.Fatalf("another commune: %d", code)
		}
		if code, _, _ := a.post("/admin/reminders", url.Values{"unit_id": {f.a.ID}, "stale": {"6"}, "escalate": {"3,5"}}); code != http.StatusSeeOther {
			t.Fatalf("save: %d", code)
		}
		if _, body, _ := a.get("/admin/reminders"); !strings.Contains(body, "6 giờ") || !strings.Contains(body, "3 giờ 30 phút") || !strings.Contains(body, "Đã lưu ngưỡng nhắc việc của Xã Thanh Ba.") {
			t.Fatalf("saved:\n%s", body)
		}
		all, _ := db.AllReminderSettings(context.Background())
		if len(all) != 1 || all[0].Stale != 6*time.Hour || all[0].Escalate != 210*time.Minute || all[0].UpdatedBy != f.adminA.ID {
			t.Fatalf("stored: %+v", all)
		}
		// Commune B's administrator does not see commune A's row; a desk official may not.
		if _, body, _ := signedIn(t, f, f.adminB).get("/admin/reminders"); strings.Contains(body, "Xã Thanh Ba</td>") {
			t.Fatal("commune B sees commune A's thresholds")
		}
		if code, _, _ := signedIn(t, f, f.receiverA).get("/admin/reminders"); code != http.StatusForbidden {
			t.Fatalf("receiver: %d", code)
		}
		if code, _, _ := signedIn(t, f, f.receiverA).post("/admin/reminders", url.Values{"unit_id": {f.a.ID}, "stale": {"1"}}); code != http.StatusForbidden {
			t.Fatalf("receiver saves: %d", code)
		}
	})
}
