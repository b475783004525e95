package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// editorForm is the posted editor: one value of each column per step.
func editorForm(steps ...[5]string) url.Values {
	f := url.Values{}
	for _, s := range steps {
		f.Add("kind", s[0])
		f.Add("role", s[1])
		f.Add("budget", s[2])
		f.Add("transfer_to", s[3])
		f.Add("note", s[4])
	}
	return f
}

func with(f url.Values, key, value string) url.Values {
	f.Set(key, value)
	return f
}

func TestWorkflowEditor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		publishSample(t, f)
		a := signedIn(t, f, f.adminA)
		list := "/procedures/units/" + f.a.ID + "/workflows"
		code, body, _ := a.get(list)
		if code != 200 || strings.Count(body, "Quy trình mặc định") != 3 || !strings.Contains(body, "7h30") {
			t.Fatalf("workflow list: %d\n%s", code, body)
		}
		// 1.004873 version 2: three working days, 22h30 of office time.
		editor := list + "/1.004873"
		code, body, _ = a.get(editor)
		if code != 200 || !strings.Contains(body, "3 ngày làm việc (22h30 giờ hành chính)") || strings.Count(body, `name="budget"`) != 4 ||
			!strings.Contains(body, "chưa ban hành quy trình nội bộ") || !strings.Contains(body, `value="2h45m"`) {
			t.Fatalf("default workflow: %d\n%s", code, body)
		}
		good := [][5]string{
			{"receive", "receiver", "2h", "", "Kiểm tra thành phần hồ sơ"},
			{"examine", "handler", "1d", "", ""},
			{"approve", "approver", "4h", "", ""},
			{"transfer", "receiver", "1d", "08173", "Liên thông"},
		}

		// Add and remove rows: the server redraws the form, nothing is saved.
		if _, body, _ := a.post(editor, with(editorForm(good...), "add", "1")); strings.Count(body, `name="budget"`) != 5 {
			t.Fatalf("add a row:\n%s", body)
		}
		code, body, _ = a.post(editor, with(editorForm(good...), "remove", "2"))
		if code != 200 || strings.Count(body, `name="budget"`) != 3 || strings.Contains(body, `value="examine" selected`) ||
			!strings.Contains(body, `name="remove" value="3"`) || strings.Contains(body, `name="remove" value="4"`) {
			t.Fatalf("remove a row: %d\n%s", code, body)
		}
		if _, err := db.Workflow(context.Background(), f.a.ID, "1.004873"); err == nil {
			t.Fatal("adding or removing rows saved the workflow")
		}

		// Over the limit: refused, both figures named, what was typed kept.
		over := append([][5]string(nil), good...)
		over[1] = [5]string{"examine", "handler", "3d", "", "Xác minh"}
		code, body, _ = a.post(editor, with(editorForm(over...), "save", "1"))
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "Tổng thời gian các bước (36h) vượt thời hạn giải quyết (22h30).") ||
			!strings.Contains(body, `value="3d"`) || !strings.Contains(body, `value="Xác minh"`) {
			t.Fatalf("over the limit: %d\n%s", code, body)
		}
		// Unreadable budget and unknown target: every problem listed, input kept.
		bad := append([][5]string(nil), good...)
		bad[1][2], bad[3][3] = "2 ngày", "99999"
		code, body, _ = a.post(editor, with(editorForm(bad...), "save", "1"))
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "Bước 2: thời gian không hợp lệ") ||
			!strings.Contains(body, "Bước 4: không tìm thấy đơn vị nhận.") || !strings.Contains(body, `value="2 ngày"`) {
			t.Fatalf("bad steps: %d\n%s", code, body)
		}
		code, _, h := a.post(editor, with(editorForm(good...), "save", "1"))
		if code != http.StatusSeeOther || h.Get("Location") != editor {
			t.Fatalf("save: %d %s", code, h.Get("Location"))
		}
		code, body, _ = a.get(editor)
		if code != 200 || !strings.Contains(body, "Đã lưu quy trình nội bộ của thủ tục 1.004873") || !strings.Contains(body, "Xã Quảng Yên") ||
			!strings.Contains(body, "<dd>21h</dd>") || strings.Contains(body, "chưa ban hành quy trình nội bộ") {
			t.Fatalf("saved workflow: %d\n%s", code, body)
		}
		if _, body, _ = a.get(list); strings.Count(body, "Quy trình mặc định") != 2 || !strings.Contains(body, "Đã ban hành") {
			t.Fatalf("list after save:\n%s", body)
		}

		// Outside the official's units: not found; visible without the role: read only.
		b := signedIn(t, f, f.adminB)
		if code, _, _ := b.get(editor); code != http.StatusNotFound {
			t.Fatalf("B's admin reading A's workflow: %d", code)
		}
		if code, _, _ := b.post(editor, with(editorForm(good...), "save", "1")); code != http.StatusNotFound {
			t.Fatalf("B's admin saving A's workflow: %d", code)
		}
		recv := signedIn(t, f, f.receiverA)
		if code, body, _ := recv.get(editor); code != 200 || strings.Contains(body, "Thêm bước") || !strings.Contains(body, "Liên thông") {
			t.Fatalf("receiver reading: %d", code)
		}
		if code, _, _ := recv.post(editor, with(editorForm(good...), "save", "1")); code != http.StatusForbidden {
			t.Fatalf("receiver saving: %d", code)
		}
		if code, _, _ := a.get(list + "/9.999999"); code != http.StatusNotFound {
			t.Fatalf("unknown procedure: %d", code)
		}
		// An expired procedure has no limit in force: no editor.
		if code, body, _ := a.get(list + "/1.000001.MH"); code != 200 || strings.Contains(body, "Thêm bước") || !strings.Contains(body, "không có phiên bản còn hiệu lực") {
			t.Fatalf("expired procedure: %d\n%s", code, body)
		}
	})
}

func TestWorkflowAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		publishSample(t, f)
		a := signedIn(t, f, f.adminA)
		api := "/api/v1/units/" + f.a.ID + "/workflows/1.003554" // 30 working days
		code, body, _ := a.get(api)
		var wf struct {
			Default   bool
			TimeLimit string `json:"time_limit"`
			Total     string
			Fits      bool
			Steps     []stepInput
		}
		if code != 200 || json.Unmarshal([]byte(body), &wf) != nil || !wf.Default || wf.TimeLimit != "30d" || !wf.Fits || len(wf.Steps) != 4 || wf.Steps[1].Budget != "28d" {
			t.Fatalf("default through the API: %d %s", code, body)
		}
		steps := `{"steps": [{"kind": "receive", "role": "receiver", "budget": "4h"}, {"kind": "examine", "role": "handler", "budget": "%s"},
			{"kind": "transfer", "role": "receiver", "budget": "1d", "transfer_to": "` + f.b.ID + `"}]}`
		code, body = a.postJSON(api, strings.Replace(steps, "%s", "31d", 1))
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "vượt thời hạn giải quyết (225h)") {
			t.Fatalf("over the limit through the API: %d %s", code, body)
		}
		if code, body = a.postJSON(api, strings.Replace(steps, "%s", "two days", 1)); code != http.StatusUnprocessableEntity || !strings.Contains(body, "Bước 2") {
			t.Fatalf("bad budget through the API: %d %s", code, body)
		}
		code, body = a.postJSON(api, strings.Replace(steps, "%s", "20d", 1))
		if code != 200 || json.Unmarshal([]byte(body), &wf) != nil || wf.Default || wf.Total != "161h30" || len(wf.Steps) != 3 {
			t.Fatalf("save through the API: %d %s", code, body)
		}
		if code, _ := a.postJSON(api, `{"steps": "none"}`); code != http.StatusBadRequest {
			t.Fatalf("bad JSON: %d", code)
		}
		recv := signedIn(t, f, f.receiverA)
		if code, _ := recv.postJSON(api, strings.Replace(steps, "%s", "1d", 1)); code != http.StatusForbidden {
			t.Fatalf("receiver saving through the API: %d", code)
		}
		b := signedIn(t, f, f.adminB)
		if code, _, _ := b.get(api); code != http.StatusNotFound {
			t.Fatalf("B reading A's workflow through the API: %d", code)
		}
	})
}
