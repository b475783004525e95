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
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/user"
)

// TestAuthorizationMatrix walks every role over the pages of this issue, including an
// official of commune A trying to read or change commune B.
func TestAuthorizationMatrix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		handlerA := f.official(t, "xuly.a@demo.motcua.vn", "Đỗ Văn Giang", f.a, user.Handler)
		approverA := f.official(t, "lanhdao.a@demo.motcua.vn", "Vũ Thị Hoa", f.a, user.Approver)
		qmsA := f.official(t, "iso.a@demo.motcua.vn", "Bùi Văn Khánh", f.a, user.QMS)
		unitForm := func(u unit.Unit) url.Values {
			return url.Values{"code": {u.Code}, "name": {u.Name + " (sửa)"}, "kind": {string(u.Kind)},
				"parent_id": {u.ParentID}, "valid_from": {u.ValidFrom.String()}, "agency_code": {u.AgencyCode}}
		}
		newUnderB := url.Values{"code": {"X-B"}, "name": {"Phòng mới"}, "kind": {"office"}, "parent_id": {f.b.ID}, "valid_from": {"2025-07-01"}}
		newUnderA := url.Values{"code": {"X-A"}, "name": {"Phòng mới"}, "kind": {"office"}, "parent_id": {f.a.ID}, "valid_from": {"2025-07-01"}}

		type check struct {
			method, path string
			form         url.Values
			want         int
		}
		matrix := []struct {
			who    user.User
			checks []check
		}{
			{f.adminA, []check{
				{"GET", "/admin/units", nil, 200},
				{"GET", "/admin/units/" + f.a.ID, nil, 200},
				{"GET", "/admin/units/" + f.b.ID, nil, 404},
				{"POST", "/admin/units/" + f.b.ID, unitForm(f.b), 404},
				{"POST", "/admin/units/" + f.prov.ID, unitForm(f.prov), 404}, // above A: invisible
				{"POST", "/admin/units", newUnderB, 403},
				{"POST", "/admin/units", newUnderA, 303},
				{"POST", "/admin/units/" + f.a.ID, unitForm(f.a), 303},
				{"GET", "/admin/users", nil, 200},
				{"GET", "/admin/users/" + f.receiverA.ID, nil, 200},
				{"GET", "/admin/users/" + f.adminB.ID, nil, 404},
				{"POST", "/admin/users/" + f.adminB.ID + "/password", url.Values{"password": {"mat-khau-moi-123"}, "password2": {"mat-khau-moi-123"}}, 404},
				{"GET", "/admin/users/" + f.overseer.ID, nil, 404},
				{"GET", "/admin/users/" + f.systemAdmin.ID, nil, 404},
				{"POST", "/admin/users/" + f.receiverA.ID + "/roles", url.Values{"unit_id": {f.b.ID}, "role": {"handler"}}, 403},
				{"GET", "/api/v1/units/" + f.b.ID, nil, 404},
				{"GET", "/reports", nil, 200},
				{"GET", "/dossiers", nil, 403},
			}},
			{f.receiverA, []check{
				{"GET", "/admin/units", nil, 200},
				{"GET", "/admin/units/" + f.a.ID, nil, 200},
				{"GET", "/admin/units/" + f.b.ID, nil, 404},
				{"POST", "/admin/units/" + f.a.ID, unitForm(f.a), 403},
				{"POST", "/admin/units", newUnderA, 403},
				{"GET", "/admin/users", nil, 403},
				{"GET", "/admin/users/new", nil, 403},
				{"GET", "/admin/users/" + f.adminA.ID, nil, 404},
				{"GET", "/dossiers", nil, 200},
				{"GET", "/reports", nil, 403},
				{"GET", "/qms", nil, 403},
			}},
			{handlerA, []check{
				{"GET", "/dossiers", nil, 200},
				{"GET", "/reports", nil, 403},
				{"POST", "/admin/units", newUnderA, 403},
			}},
			{approverA, []check{
				{"GET", "/dossiers", nil, 200},
				{"GET", "/reports", nil, 200},
				{"GET", "/qms", nil, 200},
				{"GET", "/admin/users", nil, 403},
			}},
			{qmsA, []check{
				{"GET", "/qms", nil, 200},
				{"GET", "/admin/units/" + f.b.ID, nil, 404},
				{"POST", "/admin/units/" + f.a.ID, unitForm(f.a), 403},
			}},
			{f.overseer, []check{
				{"GET", "/admin/units/" + f.a.ID, nil, 200},
				{"GET", "/admin/units/" + f.b.ID, nil, 200},
				{"POST", "/admin/units/" + f.b.ID, unitForm(f.b), 403},
				{"POST", "/admin/units", newUnderB, 403},
				{"GET", "/admin/users", nil, 403},
				{"GET", "/reports", nil, 200},
				{"GET", "/qms", nil, 200},
				{"GET", "/api/v1/units/" + f.b.ID, nil, 200},
			}},
			{f.systemAdmin, []check{
				{"GET", "/admin/units/" + f.b.ID, nil, 200},
				{"GET", "/admin/users/" + f.adminB.ID, nil, 200},
				{"POST", "/admin/units", url.Values{"code": {"01"}, "name": {"Thành phố Hà Nội"}, "kind": {"city"}, "valid_from": {"2025-07-01"}}, 303},
			}},
		}
		for _, m := range matrix {
			c := signedIn(t, f, m.who)
			for _, ch := range m.checks {
				var code int
				var body string
				if ch.method == "GET" {
					code, body, _ = c.get(ch.path)
				} else {
					code, body, _ = c.post(ch.path, ch.form)
				}
				if code != ch.want {
					t.Errorf("%s %s %s: got %d, want %d\n%.400s", m.who.Email, ch.method, ch.path, code, ch.want, body)
				}
			}
		}
		// Commune B was not changed by anyone from A.
		b, err := db.Unit(context.Background(), f.b.ID)
		if err != nil || b.Name != f.b.Name {
			t.Fatalf("commune B changed: %q %v", b.Name, err)
		}
		// The API lists only the caller's subtree.
		_, body, _ := signedIn(t, f, f.adminA).get("/api/v1/units")
		var list struct {
			Units []apiUnitJSON `json:"units"`
		}
		if err := json.Unmarshal([]byte(body), &list); err != nil {
			t.Fatal(err)
		}
		for _, u := range list.Units {
			if u.ID != f.a.ID && u.ParentID != f.a.ID {
				t.Errorf("admin A sees %s (%s) outside their subtree", u.Name, u.ID)
			}
		}
		if len(list.Units) < 2 {
			t.Fatalf("admin A sees too little: %d units", len(list.Units))
		}
	})
}

func TestAdminManagesOfficials(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c := signedIn(t, f, f.adminA)
		ctx := context.Background()
		good := url.Values{"full_name": {"Ngô Thị Lan"}, "email": {"lan@demo.motcua.vn"}, "phone": {"0912 345 678"},
			"unit_id": {f.agencyA.ID}, "role": {"receiver"}, "lang": {"vi"}, "password": {"mat-khau-cua-lan"}, "password2": {"mat-khau-cua-lan"}}

		bad := url.Values{"full_name": {""}, "email": {"lan"}, "phone": {"123"}, "unit_id": {f.a.ID}, "role": {"boss"},
			"password": {"ngan"}, "password2": {"khac"}}
		code, body, _ := c.post("/admin/users", bad)
		if code != http.StatusUnprocessableEntity {
			t.Fatalf("bad official: %d", code)
		}
		for _, want := range []string{"Nhập họ và tên.", "Thư điện tử không hợp lệ.", "Số điện thoại không hợp lệ", "Chọn vai trò.", "ít nhất 10 ký tự"} {
			if !strings.Contains(body, want) {
				t.Errorf("missing message %q", want)
			}
		}
		code, _, h := c.post("/admin/users", good)
		if code != http.StatusSeeOther {
			t.Fatalf("create official: %d", code)
		}
		lan, err := db.UserByEmail(ctx, "lan@demo.motcua.vn")
		if err != nil || lan.Phone != "0912345678" || h.Get("Location") != "/admin/users/"+lan.ID {
			t.Fatalf("created: %+v %v", lan, err)
		}
		// Duplicate e-mail (any case) is a conflict and creates nothing.
		dup := url.Values{}
		for k, v := range good {
			dup[k] = v
		}
		dup.Set("email", "LAN@demo.motcua.vn")
		if code, body, _ := c.post("/admin/users", dup); code != http.StatusConflict || !strings.Contains(body, "đã được dùng") {
			t.Fatalf("duplicate e-mail: %d", code)
		}
		// The new official signs in with the given password and sees their role.
		lc := newClient(t, f.srv)
		if code := lc.login("lan@demo.motcua.vn", "mat-khau-cua-lan"); code != http.StatusSeeOther {
			t.Fatalf("new official login: %d", code)
		}
		if _, body, _ := lc.get("/"); !strings.Contains(body, "Tiếp nhận (một cửa)") {
			t.Fatal("role not shown on home page")
		}
		// Add and remove a role; a duplicate role is refused.
		if code, _, _ := c.post("/admin/users/"+lan.ID+"/roles", url.Values{"unit_id": {f.a.ID}, "role": {"handler"}}); code != http.StatusSeeOther {
			t.Fatalf("add role: %d", code)
		}
		if code, _, _ := c.post("/admin/users/"+lan.ID+"/roles", url.Values{"unit_id": {f.a.ID}, "role": {"handler"}}); code != http.StatusConflict {
			t.Fatalf("duplicate role: %d", code)
		}
		as, _ := db.Assignments(ctx, lan.ID)
		if len(as) != 2 {
			t.Fatalf("assignments: %d", len(as))
		}
		if code, _, _ := c.post("/admin/users/"+lan.ID+"/roles/"+as[0].ID+"/delete", nil); code != http.StatusSeeOther {
			t.Fatalf("remove role: %d", code)
		}
		// Password reset and self-service change.
		if code, _, _ := c.post("/admin/users/"+lan.ID+"/password", url.Values{"password": {"mat-khau-moi-cua-lan"}, "password2": {"mat-khau-moi-cua-lan"}}); code != http.StatusSeeOther {
			t.Fatalf("reset: %d", code)
		}
		lc2 := newClient(t, f.srv)
		if code := lc2.login("lan@demo.motcua.vn", "mat-khau-moi-cua-lan"); code != http.StatusSeeOther {
			t.Fatalf("login after reset: %d", code)
		}
		code, body, _ = lc2.post("/account/password", url.Values{"current": {"sai"}, "password": {"mat-khau-thu-ba-la"}, "password2": {"mat-khau-thu-ba-la"}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "Mật khẩu hiện tại không đúng.") {
			t.Fatalf("wrong current password: %d", code)
		}
		if code, _, _ := lc2.post("/account/password", url.Values{"current": {"mat-khau-moi-cua-lan"}, "password": {"mat-khau-thu-ba-la"}, "password2": {"mat-khau-thu-ba-la"}}); code != http.StatusSeeOther {
			t.Fatalf("change password: %d", code)
		}
		if code := newClient(t, f.srv).login("lan@demo.motcua.vn", "mat-khau-thu-ba-la"); code != http.StatusSeeOther {
			t.Fatalf("login with changed password: %d", code)
		}
		trail, err := db.AuditTrail(ctx, "user", lan.ID, 10)
		if err != nil || len(trail) < 4 {
			t.Fatalf("audit trail: %d %v", len(trail), err)
		}
	})
}

func TestUnitFormErrors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c := signedIn(t, f, f.systemAdmin)
		before, _ := db.CountUnits(context.Background())
		cases := []struct {
			form url.Values
			want int
			msg  string
		}{
			{url.Values{"code": {""}, "name": {""}, "kind": {"x"}, "valid_from": {"hôm qua"}}, 422, "Ngày không hợp lệ"},
			{url.Values{"code": {"08152"}, "name": {"Xã Trùng"}, "kind": {"commune"}, "parent_id": {f.prov.ID}, "valid_from": {"2025-07-01"}}, 409, "đã được dùng"},
			{url.Values{"code": {"Z1"}, "name": {"Xã Mồ Côi"}, "kind": {"commune"}, "parent_id": {"khong-co"}, "valid_from": {"2025-07-01"}}, 422, "Đơn vị cấp trên không tồn tại."},
			{url.Values{"code": {"Z2"}, "name": {"Huyện"}, "kind": {"district"}, "parent_id": {f.a.ID}, "valid_from": {"2025-07-01"}}, 422, "không thể chứa"},
			{url.Values{"code": {"Z3"}, "name": {"Trung tâm"}, "kind": {"centre"}, "parent_id": {f.a.ID}, "agency_code": {"000.52.15.H29"}, "valid_from": {"2025-07-01"}}, 409, "000.52.15.H29"},
		}
		for _, tc := range cases {
			code, body, _ := c.post("/admin/units", tc.form)
			if code != tc.want || !strings.Contains(body, tc.msg) {
				t.Errorf("%v: got %d, want %d with %q", tc.form, code, tc.want, tc.msg)
			}
		}
		// Cycle through the form: put commune A under its own agency.
		form := url.Values{"code": {f.a.Code}, "name": {f.a.Name}, "kind": {"commune"}, "parent_id": {f.agencyA.ID}, "valid_from": {"2025-07-01"}}
		if code, body, _ := c.post("/admin/units/"+f.a.ID, form); code != 422 || !strings.Contains(body, "không thể chứa") && !strings.Contains(body, "chính nó") {
			t.Errorf("cycle: %d", code)
		}
		after, _ := db.CountUnits(context.Background())
		if after != before {
			t.Fatalf("rejected forms saved units: %d → %d", before, after)
		}
	})
}
