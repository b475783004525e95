package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/i18n"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestQMSRisksWeb adds an entry to commune A's register through the page: bad input is
// named field by field in Vietnamese with the form as typed; the entry is treated with an
// overdue due day, flagged on the register and the dashboard, placed on the matrix,
// reviewed by its owner (who holds no QMS role), and its history shows every change.
func TestQMSRisksWeb(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := newQMSFixture(t, db)
		iso, leader, receiver := signedIn(t, k.fixture, k.isoA), signedIn(t, k.fixture, k.leaderA), signedIn(t, k.fixture, k.receiverA)
		base := "/qms/units/" + k.a.ID + "/risks"

		code, body, _ := iso.get(base)
		wantPage(t, "empty register", code, 200, body, "Rủi ro và cơ hội", "Chưa có rủi ro, cơ hội nào", "<svg")

		form := url.Values{"kind": {"risk"}, "status": {"open"}, "process": {"Tiếp nhận hồ sơ đất đai"}, "likelihood": {"7"},
			"impact": {"4"}, "owner_id": {k.isoB.ID}, "cause": {"Công chức địa chính nghỉ hưu"}}
		code, body, _ = iso.post(base, form)
		wantPage(t, "bad entry", code, http.StatusUnprocessableEntity, body, "Chọn mức từ 1 đến 5.",
			"Nhập mô tả rủi ro, cơ hội.", "Chỉ chọn cán bộ của đơn vị.", `value="7"`, "Công chức địa chính nghỉ hưu")

		form.Set("likelihood", "4")
		form.Set("owner_id", "")
		form.Set("description", "Hồ sơ trễ hạn do thiếu công chức địa chính")
		code, body, h := iso.post(base, form)
		id := created(t, code, body, h)
		page := "/qms/risks/" + id
		code, body, _ = iso.get(page)
		wantPage(t, "entry", code, 200, body, "Hồ sơ trễ hạn do thiếu công chức địa chính", "16 — Cao", "Mới nhận diện")

		// Treated by the receiver of A, due long ago: overdue everywhere.
		edit := url.Values{}
		for k2, v := range form {
			edit[k2] = v
		}
		edit.Set("status", "treating")
		code, body, _ = iso.post(page, edit)
		wantPage(t, "treating without a plan", code, http.StatusUnprocessableEntity, body, "Nhập biện pháp xử lý.", "Nhập thời hạn")
		edit.Set("treatment", "Đề nghị huyện biệt phái công chức địa chính")
		edit.Set("owner_id", k.receiverA.ID)
		edit.Set("due_on", "2025-01-31")
		if code, body, _ := iso.post(page, edit); code != http.StatusSeeOther {
			t.Fatalf("treat: %d\n%s", code, body)
		}
		code, body, _ = iso.get(base + "?show=overdue")
		wantPage(t, "overdue list", code, 200, body, `class="overdue"`, "Quá hạn", "Trần Thị Bình")
		code, body, _ = iso.get("/qms/units/" + k.a.ID)
		wantPage(t, "dashboard", code, 200, body, "1 biện pháp xử lý rủi ro đã quá hạn.", "1 rủi ro, cơ hội chưa đóng, trong đó 1 ở mức cao.",
			"risks?l=4&amp;i=4")
		code, body, _ = iso.get(base + "?l=4&i=4")
		wantPage(t, "matrix cell", code, 200, body, "Đang xem ô 4 × 4", "Hồ sơ trễ hạn")

		// The owner opens it and reviews it, without a QMS role; the register is not theirs.
		code, body, _ = receiver.get(page)
		wantPage(t, "owner's page", code, 200, body, "Xem xét định kỳ")
		if code, _, _ := receiver.get(base); code != http.StatusForbidden {
			t.Fatalf("owner lists the register: %d", code)
		}
		code, body, _ = receiver.post(page+"/reviews", url.Values{"reviewed_on": {"2025-02-03"}, "review_likelihood": {"9"},
			"review_impact": {"4"}, "note": {""}})
		wantPage(t, "bad review", code, http.StatusUnprocessableEntity, body, "Chọn mức từ 1 đến 5.", "Ghi nhận xét", `value="9"`)
		if code, body, _ := receiver.post(page+"/reviews", url.Values{"reviewed_on": {"2025-02-03"}, "review_likelihood": {"2"},
			"review_impact": {"4"}, "note": {"Đã có công chức biệt phái"}}); code != http.StatusSeeOther {
			t.Fatalf("review: %d\n%s", code, body)
		}
		if code, _, _ := receiver.post(page, edit); code != http.StatusForbidden {
			t.Fatalf("owner edits: %d", code)
		}
		code, body, _ = iso.get(page)
		wantPage(t, "history", code, 200, body, "8 — Trung bình", "Đã có công chức biệt phái", "Xem xét định kỳ",
			"Mới nhận diện → Đang xử lý", "16 (Cao) → 8 (Trung bình)", "— → Trần Thị Bình", "03/02/2025")

		// Access: another commune's secretary does not find it; the leader reads, never writes.
		isoB := signedIn(t, k.fixture, k.isoB)
		for _, tc := range []struct {
			c      *client
			method string
			path   string
			want   int
		}{
			{isoB, "GET", page, http.StatusNotFound}, {isoB, "GET", base, http.StatusNotFound},
			{isoB, "POST", page + "/reviews", http.StatusNotFound}, {leader, "GET", page, http.StatusOK},
			{leader, "POST", base, http.StatusForbidden}, {leader, "POST", page, http.StatusForbidden},
			{leader, "POST", page + "/reviews", http.StatusForbidden},
			{signedIn(t, k.fixture, k.adminA), "GET", page, http.StatusOK},
		} {
			var code int
			if tc.method == "GET" {
				code, _, _ = tc.c.get(tc.path)
			} else {
				code, _, _ = tc.c.post(tc.path, edit)
			}
			if code != tc.want {
				t.Errorf("%s %s: %d, want %d", tc.method, tc.path, code, tc.want)
			}
		}
	})
}

// TestQMSRiskCatalog checks the register's message keys built at run time.
func TestQMSRiskCatalog(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	keys := riskEnumKeys()
	if len(keys) < 25 {
		t.Fatalf("only %d keys", len(keys))
	}
	for k, where := range keys {
		for _, lang := range []string{"vi", "en"} {
			if _, ok := cat.Lookup(lang, k); !ok {
				t.Errorf("%s: key %q missing from the %s catalog", where, k, lang)
			}
		}
	}
	if !strings.Contains(cat.T("vi", "qms.risk_scale_invalid", 1, 5), "từ 1 đến 5") {
		t.Error("scale message")
	}
}
