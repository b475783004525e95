package notify_test

import (
	"context"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/i18n"
	"github.com/motcua/motcua/internal/notify"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/unit"
)

func catalogs(t testing.TB) *i18n.Catalogs {
	t.Helper()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// mailOn turns mail on with a server that is never reached in these tests.
func mailOn(t testing.TB, db *store.DB) {
	t.Helper()
	if err := db.SaveMailSettings(context.Background(), store.MailSettings{Enabled: true, Host: "127.0.0.1", Port: 2525,
		Security: store.MailPlain, From: "motcua@thanhba.gov.vn", FromName: "Một cửa Thanh Ba",
		BaseURL: "https://motcua.example/"}, ""); err != nil {
		t.Fatal(err)
	}
}

// inbox returns each official's notifications, oldest first, as kind lists.
func kinds(t testing.TB, db *store.DB, who auth.Actor) []string {
	t.Helper()
	ns, err := db.Notifications(context.Background(), who.UserID, 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(ns))
	for i, n := range ns {
		out[len(ns)-1-i] = n.Kind
	}
	return out
}

func TestMonitorRemindsThenEscalates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cat := catalogs(t)
		k := newDesk(t, db)
		mailOn(t, db)
		if err := db.SetEmailMode(ctx, k.handler.UserID, notify.EmailImmediate); err != nil {
			t.Fatal(err)
		}
		if err := db.SetEmailMode(ctx, k.overseer.UserID, notify.EmailOff); err != nil {
			t.Fatal(err)
		}
		// Received Thursday 5 February 2026 09:00, due Tuesday 10 February 09:00; with the
		// handler from 10:00.
		d := k.act(t, k.receiver, k.receive(t, vn(2026, 2, 5, 9, 0)), dossier.Command{Action: dossier.ActForward,
			AssigneeID: k.handler.UserID, At: vn(2026, 2, 5, 10, 0)})
		monitor := func(at string) string {
			t.Helper()
			ts, err := calendar.ParseInstant(at)
			if err != nil {
				t.Fatal(err)
			}
			res, err := notify.Monitor(ctx, db, cat, ts)
			if err != nil {
				t.Fatalf("monitor at %s: %v", at, err)
			}
			return res
		}
		want := func(who auth.Actor, list ...string) {
			t.Helper()
			if got := kinds(t, db, who); strings.Join(got, " ") != strings.Join(list, " ") {
				t.Fatalf("notifications: %v, want %v", got, list)
			}
		}
		monitor("2026-02-05T15:00")
		want(k.handler)
		// Friday 09:00: 6½ working hours without progress: the handler is reminded, once.
		if res := monitor("2026-02-06T09:00"); !strings.Contains(res, "1 notifications, 1 e-mails") {
			t.Fatalf("Friday: %s", res)
		}
		monitor("2026-02-06T09:15")
		want(k.handler, "stale")
		want(k.approver)
		// 11:45: more than 8 hours: the leader is told (daily digest by default).
		monitor("2026-02-06T11:45")
		want(k.handler, "stale")
		want(k.approver, "stale_leader")
		want(k.overseer)
		// Monday 09:00: more than 12 hours, and due within a working day.
		monitor("2026-02-09T09:00")
		monitor("2026-02-09T09:00")
		want(k.overseer, "stale_overseer")
		want(k.handler, "stale", "due_soon")
		want(k.receiver)
		want(k.otherHandler)
		// The handler records progress: a new spell; Tuesday 09:01 the dossier is overdue.
		k.act(t, k.handler, d, dossier.Command{Action: dossier.ActProgress, Note: "Đã xác minh, chờ ký", At: vn(2026, 2, 9, 9, 10)})
		monitor("2026-02-09T11:00")
		want(k.handler, "stale", "due_soon")
		monitor("2026-02-10T09:01")
		want(k.handler, "stale", "due_soon", "stale", "overdue")
		want(k.approver, "stale_leader", "overdue_leader")
		want(k.overseer, "stale_overseer")

		// E-mails: the handler's went at once, each in the transaction of its notification.
		out, err := db.Outbox(ctx, store.OutboxFilter{Pending: true})
		if err != nil || len(out) != 4 {
			t.Fatalf("outbox: %d %v", len(out), err)
		}
		for _, m := range out {
			if m.To != "xuly@x.vn" || !strings.HasPrefix(m.Subject, "[motcua] Hồ sơ "+d.Code) ||
				!strings.Contains(m.Body, "https://motcua.example/dossiers/"+d.ID) || !strings.Contains(m.Body, "Kính gửi Phạm Văn Xử,") {
				t.Fatalf("e-mail: %+v", m)
			}
		}
		// The leader's digest next morning: one e-mail with both; the overseer chose none.
		res, err := notify.Digest(ctx, db, cat, vn(2026, 2, 11, 7, 0))
		if err != nil || res != "1 digests of 2 notifications" {
			t.Fatalf("digest: %s %v", res, err)
		}
		if res, _ := notify.Digest(ctx, db, cat, vn(2026, 2, 11, 7, 1)); res != "0 digests of 0 notifications" {
			t.Fatalf("second digest: %s", res)
		}
		mails, _ := db.Outbox(ctx, store.OutboxFilter{UserID: k.approver.UserID})
		if len(mails) != 1 || mails[0].Subject != "[motcua] 2 thông báo mới" || !strings.Contains(mails[0].Body, "cần văn bản xin lỗi") ||
			!strings.Contains(mails[0].Body, "chưa cập nhật tiến độ trong 9 giờ làm việc") {
			t.Fatalf("digest e-mail: %+v", mails)
		}
		if mails, _ := db.Outbox(ctx, store.OutboxFilter{UserID: k.overseer.UserID}); len(mails) != 0 {
			t.Fatalf("the overseer chose no e-mail: %+v", mails)
		}

		// The texts, in both languages.
		ns, _ := db.Notifications(ctx, k.handler.UserID, 10, 0)
		vi, en := notify.Text(cat, "vi", ns[len(ns)-1]), notify.Text(cat, "en", ns[len(ns)-1])
		if !strings.Contains(vi, "chưa được cập nhật tiến độ trong 6 giờ 30 phút làm việc") || !strings.Contains(en, "6 hours 30 minutes") {
			t.Fatalf("texts: %q %q", vi, en)
		}
		if s := notify.Text(cat, "vi", ns[0]); !strings.Contains(s, "đã quá hạn trả kết quả (hẹn 09:00 10/02/2026)") {
			t.Fatalf("overdue text: %q", s)
		}
	})
}

func TestMonitorWithoutMail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newDesk(t, db)
		if err := db.SetEmailMode(ctx, k.handler.UserID, notify.EmailImmediate); err != nil {
			t.Fatal(err)
		}
		// Forwarded to the role, not a person: every handler of the commune is told.
		k.act(t, k.receiver, k.receive(t, vn(2026, 2, 5, 9, 0)), dossier.Command{Action: dossier.ActForward, At: vn(2026, 2, 5, 10, 0)})
		second := official(t, db, "xuly2@x.vn", "Đinh Văn Hai", k.commune, "handler")
		if _, err := notify.Monitor(ctx, db, catalogs(t), vn(2026, 2, 6, 9, 0)); err != nil {
			t.Fatal(err)
		}
		if len(kinds(t, db, k.handler)) != 1 || len(kinds(t, db, second)) != 1 || len(kinds(t, db, k.otherHandler)) != 0 {
			t.Fatal("the role's holders are not all told")
		}
		// Mail is off: nothing in the outbox, nothing waiting for a digest.
		if out, _ := db.Outbox(ctx, store.OutboxFilter{}); len(out) != 0 {
			t.Fatalf("outbox with mail off: %+v", out)
		}
		if p, _ := db.PendingDigests(ctx); len(p) != 0 {
			t.Fatalf("digests with mail off: %+v", p)
		}
		if res, _ := notify.Digest(ctx, db, catalogs(t), vn(2026, 2, 7, 7, 0)); res != "mail is off" {
			t.Fatalf("digest: %s", res)
		}
	})
}

func TestProcedureReminders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newDesk(t, db)
		mailOn(t, db)
		limit, _ := calendar.ParseLimit("5d")
		from := unit.NewDate(2020, 1, 1)
		v := procedure.Version{Code: "1.001193", Name: "Đăng ký khai sinh", Field: "Hộ tịch", Level: procedure.Commune,
			AgencyKinds: []unit.Kind{unit.Committee}, Limit: limit,
			Components: []procedure.Component{{Name: "Tờ khai", Originals: 1, Required: true}},
			Result:     "Giấy khai sinh", LegalBasis: "Luật Hộ tịch 2014", Online: procedure.OnlineFull,
			Announcement:  procedure.Announcement{Number: "2/QĐ-UBND", Date: from, Authority: "UBND tỉnh Phú Thọ"},
			EffectiveFrom: from, EffectiveTo: unit.NewDate(2026, 2, 20)}
		if err := db.AddProcedureVersion(ctx, &v); err != nil {
			t.Fatal(err)
		}
		if err := db.PublishProcedure(ctx, k.commune.ID, v.Code, from, ""); err != nil {
			t.Fatal(err)
		}
		plan := procedure.ReviewPlan{UnitID: k.commune.ID, Year: 2026, Title: "Rà soát quý I", DueOn: unit.NewDate(2026, 1, 31)}
		if err := db.CreateReviewPlan(ctx, &plan, k.admin.UserID); err != nil {
			t.Fatal(err)
		}
		cat := catalogs(t)
		for range 2 {
			if _, err := notify.Procedures(ctx, db, cat, vn(2026, 2, 5, 7, 0)); err != nil {
				t.Fatal(err)
			}
		}
		for _, who := range []auth.Actor{k.admin, k.qms} {
			if got := kinds(t, db, who); strings.Join(got, " ") != "procedure_ends review_overdue" &&
				strings.Join(got, " ") != "review_overdue procedure_ends" {
				t.Fatalf("stewards: %v", got)
			}
		}
		if got := kinds(t, db, k.handler); len(got) != 0 {
			t.Fatalf("a handler told of the catalog: %v", got)
		}
		ns, _ := db.Notifications(ctx, k.qms.UserID, 10, 0)
		for _, n := range ns {
			s := notify.Text(cat, "vi", n)
			if n.Kind == "procedure_ends" && !strings.Contains(s, "Thủ tục 1.001193 (Đăng ký khai sinh) mà Xã Thanh Ba đang áp dụng hết hiệu lực ngày 20/02/2026") {
				t.Fatalf("procedure text: %q", s)
			}
			if n.Kind == "review_overdue" && !strings.Contains(s, "Kế hoạch rà soát «Rà soát quý I» của Xã Thanh Ba quá hạn từ 31/01/2026") {
				t.Fatalf("review text: %q", s)
			}
		}
	})
}
