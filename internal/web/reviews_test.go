package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/user"
)

func (c *client) postJSON(path, body string) (int, string) {
	c.t.Helper()
	req, _ := http.NewRequest("POST", c.base+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	code, resp, _ := c.do(req)
	return code, resp
}

// publishSample loads the sample catalog and has commune A publish three procedures and
// commune B one.
func publishSample(t *testing.T, f *fixture) {
	t.Helper()
	loadSample(t, f.db)
	ctx := context.Background()
	for _, c := range []string{"1.001193", "1.004873", "1.003554"} {
		if err := f.db.PublishProcedure(ctx, f.a.ID, c, unit.NewDate(2025, 7, 1), ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.db.PublishProcedure(ctx, f.b.ID, "1.001193", unit.NewDate(2025, 7, 1), ""); err != nil {
		t.Fatal(err)
	}
}

var planLink = regexp.MustCompile(`/procedures/reviews/([0-9a-f-]{36})`)

func TestReviewPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		publishSample(t, f)
		a := signedIn(t, f, f.adminA)
		reviews := "/procedures/units/" + f.a.ID + "/reviews"
		code, body, _ := a.get(reviews)
		if code != 200 || !strings.Contains(body, "Lập kế hoạch rà soát mới") || !strings.Contains(body, "Chưa có kế hoạch rà soát nào") {
			t.Fatalf("empty reviews page: %d\n%s", code, body)
		}

		// Bad input keeps the form; a good plan gets a task per published procedure.
		code, body, _ = a.post(reviews, url.Values{"year": {"năm nay"}, "title": {"Rà soát đợt một"}, "due_on": {"31/03/2026"}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "Năm không hợp lệ") ||
			!strings.Contains(body, "Ngày không hợp lệ") || !strings.Contains(body, `value="Rà soát đợt một"`) {
			t.Fatalf("bad plan: %d\n%s", code, body)
		}
		code, _, h := a.post(reviews, url.Values{"year": {"2026"}, "title": {"Rà soát đợt một"}, "due_on": {"2026-03-31"}})
		m := planLink.FindStringSubmatch(h.Get("Location"))
		if code != http.StatusSeeOther || m == nil {
			t.Fatalf("create plan: %d %s", code, h.Get("Location"))
		}
		planURL := m[0]
		code, body, _ = a.get(planURL)
		if code != 200 || !strings.Contains(body, "Đã lập kế hoạch rà soát năm 2026 với 3 thủ tục") ||
			!strings.Contains(body, "Hòa giải tranh chấp đất đai") || strings.Count(body, `name="result" value="abolish"`) != 3 {
			t.Fatalf("plan page: %d\n%s", code, body)
		}
		code, body, _ = a.post(reviews, url.Values{"year": {"2026"}, "title": {"Lần hai"}, "due_on": {"2026-06-30"}})
		if code != http.StatusConflict || !strings.Contains(body, "Đơn vị đã có kế hoạch rà soát năm 2026") || !strings.Contains(body, `value="Lần hai"`) {
			t.Fatalf("second plan of the year: %d\n%s", code, body)
		}

		// Recording: a refused result comes back with the text typed; a good one is shown.
		plans, _ := db.ReviewPlans(context.Background(), store.ReviewPlanFilter{UnitID: f.a.ID})
		tasks, _ := db.ReviewTasks(context.Background(), plans[0].ID)
		taskURL := planURL + "/tasks/" + tasks[0].ID
		code, body, _ = a.post(taskURL, url.Values{"result": {"simplify"}, "text": {""}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "Nhập nội dung đề xuất.") {
			t.Fatalf("simplify without text: %d\n%s", code, body)
		}
		code, body, _ = a.post(taskURL, url.Values{"result": {"maybe"}, "text": {"Giữ lại chữ đã gõ"}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "Giữ lại chữ đã gõ</textarea>") {
			t.Fatalf("bad result: %d\n%s", code, body)
		}
		if code, _, h = a.post(taskURL, url.Values{"result": {"simplify"}, "text": {"Bỏ yêu cầu bản sao sổ hộ khẩu"}}); code != http.StatusSeeOther ||
			h.Get("Location") != planURL+"#task-"+tasks[0].ID {
			t.Fatalf("record: %d %s", code, h.Get("Location"))
		}
		if _, body, _ = a.get(planURL); !strings.Contains(body, "Đề xuất đơn giản hóa</span><br>Bỏ yêu cầu bản sao sổ hộ khẩu") || !strings.Contains(body, "đã rà soát 1/3") {
			t.Fatalf("recorded result not shown:\n%s", body)
		}

		// Outside the official's units: not found; visible without the role: forbidden.
		b := signedIn(t, f, f.adminB)
		for _, path := range []string{reviews, planURL} {
			if code, _, _ := b.get(path); code != http.StatusNotFound {
				t.Fatalf("B's admin reading %s: %d", path, code)
			}
		}
		if code, _, _ := b.post(taskURL, url.Values{"result": {"keep"}}); code != http.StatusNotFound {
			t.Fatalf("B's admin recording in A: %d", code)
		}
		recv := signedIn(t, f, f.receiverA)
		if code, body, _ := recv.get(planURL); code != 200 || strings.Contains(body, `name="result"`) {
			t.Fatalf("receiver reading the plan: %d", code)
		}
		if code, _, _ := recv.post(taskURL, url.Values{"result": {"keep"}}); code != http.StatusForbidden {
			t.Fatalf("receiver recording: %d", code)
		}
		if code, _, _ := recv.post(reviews, url.Values{"year": {"2027"}, "title": {"X"}, "due_on": {"2027-03-31"}}); code != http.StatusForbidden {
			t.Fatalf("receiver creating a plan: %d", code)
		}
		if code, _, _ := a.post(planURL+"/tasks/no-such-task", url.Values{"result": {"keep"}}); code != http.StatusNotFound {
			t.Fatalf("unknown task: %d", code)
		}
	})
}

func TestReviewAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		publishSample(t, f)
		a := signedIn(t, f, f.adminA)
		api := "/api/v1/units/" + f.a.ID + "/reviews"
		code, body := a.postJSON(api, `{"year": 2025, "title": "Rà soát 2025", "due_on": "2025-12-15"}`)
		var plan struct {
			ID      string
			Tasks   int
			Overdue bool
		}
		if code != http.StatusCreated || json.Unmarshal([]byte(body), &plan) != nil || plan.Tasks != 3 || !plan.Overdue {
			t.Fatalf("create through the API: %d %s", code, body)
		}
		for _, bad := range []string{`{"year": 2025`, `{"year": 2026, "title": "X", "due_on": "2026-12-15", "extra": 1}`} {
			if code, body := a.postJSON(api, bad); code != http.StatusBadRequest || !strings.Contains(body, "JSON") {
				t.Fatalf("bad JSON %s: %d %s", bad, code, body)
			}
		}
		if code, body := a.postJSON(api, `{"year": 2026, "title": "", "due_on": "2026-12-15"}`); code != http.StatusUnprocessableEntity || !strings.Contains(body, `"title"`) {
			t.Fatalf("plan without title: %d %s", code, body)
		}
		if code, _ := a.postJSON(api, `{"year": 2025, "title": "Lần hai", "due_on": "2025-12-15"}`); code != http.StatusConflict {
			t.Fatalf("duplicate through the API: %d", code)
		}
		code, body, _ = a.get("/api/v1/reviews/" + plan.ID)
		var detail struct {
			Tasks []struct{ ID, Code, Result string }
		}
		if code != 200 || json.Unmarshal([]byte(body), &detail) != nil || len(detail.Tasks) != 3 {
			t.Fatalf("plan through the API: %d %s", code, body)
		}
		taskAPI := "/api/v1/reviews/" + plan.ID + "/tasks/" + detail.Tasks[0].ID
		if code, body := a.postJSON(taskAPI, `{"result": "abolish", "text": "Trùng với thủ tục cấp tỉnh"}`); code != 200 || !strings.Contains(body, `"result": "abolish"`) {
			t.Fatalf("record through the API: %d %s", code, body)
		}
		if code, _ := a.postJSON(taskAPI, `{"result": "abolish"}`); code != http.StatusUnprocessableEntity {
			t.Fatalf("proposal without text: %d", code)
		}

		// The overseer of the province sees A's overdue plan; B's admin sees none of it.
		o := signedIn(t, f, f.overseer)
		code, body, _ = o.get("/api/v1/reviews/overdue")
		var overdue struct{ Count int }
		if code != 200 || json.Unmarshal([]byte(body), &overdue) != nil || overdue.Count != 1 {
			t.Fatalf("overdue: %d %s", code, body)
		}
		if code, _ := o.postJSON(taskAPI, `{"result": "keep"}`); code != http.StatusForbidden {
			t.Fatalf("overseer recording: %d", code)
		}
		b := signedIn(t, f, f.adminB)
		if code, _, _ := b.get("/api/v1/reviews/" + plan.ID); code != http.StatusNotFound {
			t.Fatalf("B reading A's plan: %d", code)
		}
		if code, _ := b.postJSON(api, `{"year": 2027, "title": "X", "due_on": "2027-12-15"}`); code != http.StatusNotFound {
			t.Fatalf("B creating in A: %d", code)
		}
		if _, body, _ := b.get("/api/v1/reviews/overdue"); !strings.Contains(body, `"count": 0`) {
			t.Fatalf("B's overdue: %s", body)
		}
	})
}

// TestExpiryAndOverdueAlerts: the unit's administrator and QMS secretary see on the home
// page what ends soon and which reviews are late; others do not.
func TestExpiryAndOverdueAlerts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		publishSample(t, f)
		ctx := context.Background()
		soon := unit.DateOf(time.Now().In(vnZone).AddDate(0, 0, 10))
		if err := db.EndProcedure(ctx, "1.003554", procedure.End{Status: procedure.Abolished, From: soon}); err != nil {
			t.Fatal(err)
		}
		late := procedure.ReviewPlan{UnitID: f.a.ID, Year: 2025, Title: "Rà soát năm 2025", DueOn: unit.NewDate(2025, 12, 15)}
		if err := db.CreateReviewPlan(ctx, &late, f.adminA.ID); err != nil {
			t.Fatal(err)
		}
		qms := f.official(t, "iso.a@demo.motcua.vn", "Đỗ Thị Giang", f.a, user.QMS)
		for _, u := range []user.User{f.adminA, qms} {
			_, body, _ := signedIn(t, f, u).get("/")
			if !strings.Contains(body, "1 thủ tục đơn vị đang công khai sẽ hết hiệu lực trong 30 ngày tới") ||
				!strings.Contains(body, "Hòa giải tranh chấp đất đai") || !strings.Contains(body, "hết hiệu lực "+soon.Display()) ||
				!strings.Contains(body, "1 kế hoạch rà soát đã quá hạn") || !strings.Contains(body, "/procedures/reviews/"+late.ID) {
				t.Fatalf("%s home without the alerts:\n%s", u.Email, body)
			}
		}
		for _, u := range []user.User{f.receiverA, f.adminB, f.overseer} {
			if _, body, _ := signedIn(t, f, u).get("/"); strings.Contains(body, "Cần xử lý về thủ tục hành chính") {
				t.Fatalf("%s sees A's alerts", u.Email)
			}
		}
		_, body, _ := signedIn(t, f, f.adminA).get("/procedures/units/" + f.a.ID + "/reviews")
		if !strings.Contains(body, "1 kế hoạch rà soát đã quá hạn") || !strings.Contains(body, ">Quá hạn</span>") {
			t.Fatalf("overdue not flagged on the reviews page:\n%s", body)
		}
	})
}
