package notify_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/jobs"
	"github.com/motcua/motcua/internal/notify"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/qms"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/unit"
)

// eachAt runs fn on a fresh SQLite and a fresh PostgreSQL database whose clock is a fake
// one starting at start, so that what the store stamps and measures ("today") follows the
// jobs' time.
func eachAt(t *testing.T, start time.Time, fn func(t *testing.T, db *store.DB, c *fakeClock)) {
	t.Helper()
	for _, tc := range []struct {
		name string
		dsn  func(testing.TB) string
	}{{"sqlite", storetest.SQLiteDSN}, {"postgres", storetest.PostgresDSN}} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			c := &fakeClock{t: start}
			db, err := store.Open(ctx, tc.dsn(t), store.Options{Now: c.Now})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			if err := db.Migrate(ctx, nil); err != nil {
				t.Fatal(err)
			}
			fn(t, db, c)
		})
	}
}

// TestQMSRaisingOnSchedule runs the daily raising with the job runner and a fake clock:
// at 06:30 in Vietnam, not a second before, it raises the refused intake attempts of the
// month just ended and of the month so far, one record per unit, cause and month; the
// next morning it raises nothing again.
func TestQMSRaisingOnSchedule(t *testing.T) {
	eachAt(t, vn(2026, 10, 20, 8, 0), func(t *testing.T, db *store.DB, c *fakeClock) {
		ctx := context.Background()
		k := newDesk(t, db)
		// A procedure of the catalog the commune does not apply: each attempt is refused.
		limit, err := calendar.ParseLimit("5d")
		if err != nil {
			t.Fatal(err)
		}
		v := procedure.Version{Code: "1.000894", Name: "Đăng ký kết hôn", Field: "Hộ tịch", Level: procedure.Commune,
			AgencyKinds: []unit.Kind{unit.Committee}, Limit: limit, Result: "Giấy chứng nhận kết hôn",
			Announcement:  procedure.Announcement{Number: "2/QĐ-UBND", Date: unit.NewDate(2020, 1, 1), Authority: "UBND tỉnh Phú Thọ"},
			EffectiveFrom: unit.NewDate(2020, 1, 1)}
		if err := db.AddProcedureVersion(ctx, &v); err != nil {
			t.Fatal(err)
		}
		attempt := func(at time.Time) {
			t.Helper()
			c.Set(at)
			if _, err := db.ApplicableVersion(ctx, k.agency.ID, v.Code, at, k.receiver.UserID); err == nil {
				t.Fatal("intake under a procedure not applied")
			}
		}
		attempt(vn(2026, 10, 20, 9, 0))
		attempt(vn(2026, 11, 3, 9, 0))

		r := jobs.New(db, jobs.Options{Now: c.Now, Owner: "test"})
		if err := r.Add(notify.QMSJobs(db, catalogs(t))...); err != nil {
			t.Fatal(err)
		}
		at := func(ts time.Time) {
			t.Helper()
			c.Set(ts)
			if _, err := r.RunDue(ctx); err != nil {
				t.Fatalf("at %s: %v", ts, err)
			}
		}
		records := func() []string {
			t.Helper()
			list, err := db.Nonconformities(ctx, store.NCFilter{UnitID: k.commune.ID})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, n := range list {
				out = append(out, n.Month.String()+" "+string(n.Source))
			}
			slices.Sort(out)
			return out
		}
		lastResult := func() string {
			t.Helper()
			runs, err := db.JobRuns(ctx, "qms.raise", 10)
			if err != nil || len(runs) == 0 {
				t.Fatalf("runs: %v %v", runs, err)
			}
			if runs[0].Status != store.RunOK {
				t.Fatalf("run: %+v", runs[0])
			}
			return runs[0].Result
		}
		at(vn(2026, 11, 4, 6, 0)) // registers the jobs
		at(vn(2026, 11, 4, 6, 29))
		if got := records(); len(got) != 0 {
			t.Fatalf("raised before 06:30: %v", got)
		}
		at(vn(2026, 11, 4, 6, 30))
		if got := records(); !slices.Equal(got, []string{"2026-10 intake_refusals", "2026-11 intake_refusals"}) {
			t.Fatalf("records: %v", got)
		}
		if got := lastResult(); got != "2026-10: 1 raised, 1 evidence; 2026-11: 1 raised, 1 evidence" {
			t.Fatalf("result: %q", got)
		}
		// The dashboard's own raising finds the job's runs and does not run again.
		if err := db.RaiseIfDue(ctx, k.commune); err != nil {
			t.Fatal(err)
		}
		attempt(vn(2026, 11, 4, 10, 0))
		at(vn(2026, 11, 5, 6, 30))
		if got := lastResult(); got != "2026-10: 0 raised, 0 evidence; 2026-11: 0 raised, 1 evidence" {
			t.Fatalf("next day: %q", got)
		}
		at(vn(2026, 11, 6, 6, 30))
		if got := lastResult(); got != "2026-10: 0 raised, 0 evidence; 2026-11: 0 raised, 0 evidence" {
			t.Fatalf("third day: %q", got)
		}
		if got := records(); len(got) != 2 {
			t.Fatalf("records after three runs: %v", got)
		}
		runs, _ := db.JobRuns(ctx, "qms.raise", 10)
		if len(runs) != 3 {
			t.Fatalf("%d runs, want one a day", len(runs))
		}
	})
}

// TestQMSJobsRegistered checks the QMS's jobs are among those every server runs.
func TestQMSJobsRegistered(t *testing.T) {
	var names []string
	for _, j := range notify.Jobs(nil, nil, nil) {
		names = append(names, j.Name)
	}
	for _, want := range []string{"qms.raise", "qms.remind", "notify.digest"} {
		if !slices.Contains(names, want) {
			t.Errorf("job %s not registered: %v", want, names)
		}
	}
}

// TestQMSReminders runs the QMS reminders day by day with a fake clock: the objective
// missed in October goes to the commune's QMS secretary and leader on 1 November; the
// corrective action overdue to its owner at once by e-mail (their choice); the risk whose
// treatment is overdue and the document due for review within 14 days to their owner, in
// the daily digest (the default); nothing twice, and nothing for a closed risk.
func TestQMSReminders(t *testing.T) {
	eachAt(t, vn(2026, 10, 1, 9, 0), func(t *testing.T, db *store.DB, c *fakeClock) {
		ctx := context.Background()
		cat := catalogs(t)
		k := newDesk(t, db)
		mailOn(t, db)
		if err := db.SetEmailMode(ctx, k.receiver.UserID, notify.EmailImmediate); err != nil {
			t.Fatal(err)
		}
		iso := k.qms.UserID

		doc := qms.Document{UnitID: k.commune.ID, Code: "QT-01", Kind: qms.KindProcedure, Title: "Quy trình tiếp nhận hồ sơ",
			OwnerID: k.handler.UserID, ApproverID: k.approver.UserID, NextReviewOn: unit.NewDate(2026, 11, 20)}
		if err := db.CreateDocument(ctx, &doc, nil, iso); err != nil {
			t.Fatal(err)
		}
		for _, err := range []error{db.SubmitDocument(ctx, doc.ID, iso), db.ApproveDocument(ctx, doc.ID, k.approver.UserID),
			db.PublishDocument(ctx, doc.ID, unit.NewDate(2026, 10, 1), iso)} {
			if err != nil {
				t.Fatal(err)
			}
		}
		nc, err := qms.NewManual(k.commune.ID, qms.SourceComplaint, "Người dân phản ánh phải đi lại nhiều lần", "")
		if err != nil {
			t.Fatal(err)
		}
		if err := db.RaiseNonconformity(ctx, &nc, iso); err != nil {
			t.Fatal(err)
		}
		if err := db.PlanNonconformity(ctx, nc.ID, qms.Plan{RootCause: "Hướng dẫn chưa rõ", Action: "Niêm yết hướng dẫn mới",
			OwnerID: k.receiver.UserID, DueOn: unit.NewDate(2026, 11, 2)}, iso); err != nil {
			t.Fatal(err)
		}
		obj := qms.Objective{UnitID: k.commune.ID, Year: 2026, Title: "Tập huấn ISO mỗi tháng", Measure: qms.Manual,
			Comparison: qms.AtLeast, Target: 2, UnitLabel: "buổi"}
		if err := db.CreateObjective(ctx, &obj, iso); err != nil {
			t.Fatal(err)
		}
		if err := db.RecordObjectiveResult(ctx, obj.ID, qms.Month{Year: 2026, Month: 10}, 1, "Biên bản tập huấn 15/10", iso); err != nil {
			t.Fatal(err)
		}
		risk := qms.Risk{UnitID: k.commune.ID, Kind: qms.KindRisk, Process: "Tiếp nhận, giải quyết hồ sơ đất đai",
			Description: "Hồ sơ trễ hạn do thiếu công chức địa chính", Likelihood: 4, Impact: 4, Status: qms.RiskTreating,
			Treatment: "Đề nghị biệt phái công chức địa chính", OwnerID: k.handler.UserID, DueOn: unit.NewDate(2026, 11, 3)}
		closed := risk
		closed.Description, closed.Status = "Thủ tục hết hiệu lực vẫn được áp dụng", qms.RiskClosed
		for _, x := range []*qms.Risk{&risk, &closed} {
			if err := db.CreateRisk(ctx, x, iso); err != nil {
				t.Fatal(err)
			}
		}

		remind := func(ts time.Time) string {
			t.Helper()
			c.Set(ts)
			res, err := notify.QMSReminders(ctx, db, cat, ts)
			if err != nil {
				t.Fatalf("at %s: %v", ts, err)
			}
			return res
		}
		want := func(who auth.Actor, list ...string) {
			t.Helper()
			if got := kinds(t, db, who); strings.Join(got, " ") != strings.Join(list, " ") {
				t.Fatalf("notifications: %v, want %v", got, list)
			}
		}
		if res := remind(vn(2026, 10, 31, 7, 0)); !strings.HasPrefix(res, "0 QMS items due") {
			t.Fatalf("31 October: %s", res)
		}
		remind(vn(2026, 11, 1, 6, 40))
		want(k.qms, "qms_objective_missed")
		want(k.approver, "qms_objective_missed")
		want(k.handler)
		want(k.receiver)
		remind(vn(2026, 11, 2, 6, 40))
		want(k.receiver)
		if res := remind(vn(2026, 11, 4, 6, 40)); !strings.Contains(res, "3 QMS items due, 2 notifications, 1 e-mails") {
			t.Fatalf("4 November: %s", res)
		}
		want(k.receiver, "qms_action_overdue")
		want(k.handler, "qms_risk_overdue")
		remind(vn(2026, 11, 5, 6, 40))
		want(k.handler, "qms_risk_overdue")
		remind(vn(2026, 11, 6, 6, 40)) // 14 days before the review day
		want(k.handler, "qms_risk_overdue", "qms_doc_review")
		if res := remind(vn(2026, 11, 7, 6, 40)); !strings.Contains(res, ", 0 notifications, 0 e-mails") {
			t.Fatalf("nothing twice: %s", res)
		}
		want(k.qms, "qms_objective_missed")
		want(k.admin)
		want(k.otherHandler)

		// The texts, in the reader's words.
		texts := map[string]string{}
		for _, who := range []auth.Actor{k.receiver, k.handler, k.qms} {
			ns, _ := db.Notifications(ctx, who.UserID, 10, 0)
			for _, n := range ns {
				texts[n.Kind] = notify.Text(cat, "vi", n)
				if n.Kind == "qms_action_overdue" && n.Email != store.EmailQueued || n.Kind == "qms_doc_review" && n.Email != store.EmailDigest {
					t.Errorf("%s e-mail: %q", n.Kind, n.Email)
				}
			}
		}
		for kind, sub := range map[string]string{
			"qms_action_overdue":   "«Người dân phản ánh phải đi lại nhiều lần» (Xã Thanh Ba) đã quá hạn (hạn 02/11/2026)",
			"qms_risk_overdue":     "«Hồ sơ trễ hạn do thiếu công chức địa chính» (Xã Thanh Ba) đã quá hạn (hạn 03/11/2026)",
			"qms_doc_review":       "Tài liệu QT-01 «Quy trình tiếp nhận hồ sơ» của Xã Thanh Ba đến hạn xem xét lại ngày 20/11/2026",
			"qms_objective_missed": "không đạt trong tháng 10/2026: kết quả 1 buổi, chỉ tiêu ≥ 2 buổi",
		} {
			if !strings.Contains(texts[kind], sub) {
				t.Errorf("%s: %q lacks %q", kind, texts[kind], sub)
			}
		}
		out, err := db.Outbox(ctx, store.OutboxFilter{Pending: true})
		if err != nil || len(out) != 1 || out[0].To != "tiepnhan@x.vn" || !strings.Contains(out[0].Subject, "Hành động khắc phục quá hạn") {
			t.Fatalf("outbox: %+v %v", out, err)
		}
		// The handler's two reminders leave in the 07:00 digest.
		if _, err := notify.Digest(ctx, db, cat, vn(2026, 11, 8, 7, 0)); err != nil {
			t.Fatal(err)
		}
		out, _ = db.Outbox(ctx, store.OutboxFilter{Pending: true})
		var digest *store.OutboxMessage
		for i := range out {
			if out[i].To == "xuly@x.vn" {
				digest = &out[i]
			}
		}
		if digest == nil || !strings.Contains(digest.Body, "đến hạn xem xét lại") || !strings.Contains(digest.Body, "/qms/risks/"+risk.ID) {
			t.Fatalf("handler's digest: %+v", digest)
		}
	})
}
