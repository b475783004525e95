package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/qms"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/user"
)

// decodeInto reads a JSON answer into v.
func decodeInto(t *testing.T, body string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("%v\n%s", err, body)
	}
}

// TestQMSAPI reads commune A's QMS through the API with an API token of its QMS secretary,
// adds a risk and raises a nonconformity, and checks the pages' access rules and the
// problems' field errors.
func TestQMSAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newQMSFixture(t, db)
		atClock(t, k.fixture, vnAt(2026, 6, 15, 9, 0))
		_, secret, err := db.CreateAPIToken(ctx, "Phần mềm ISO của xã", k.a.ID, user.QMS, time.Time{}, k.adminA.ID)
		if err != nil {
			t.Fatal(err)
		}
		api := newClient(t, k.srv)
		call := func(method, path, body string) (int, string) {
			t.Helper()
			req, _ := http.NewRequest(method, k.srv.URL+path, strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+secret)
			req.Header.Set("Content-Type", "application/json")
			code, resp, _ := api.do(req)
			return code, resp
		}
		unitAPI := "/api/v1/units/" + k.a.ID + "/qms"

		// What the unit has: a published policy, an objective, a review, a declaration.
		doc := qms.Document{UnitID: k.a.ID, Code: "CSCL", Kind: qms.KindPolicy, Title: "Chính sách chất lượng",
			Body: "Công khai, minh bạch.", ApproverID: k.leaderA.ID}
		if err := db.CreateDocument(ctx, &doc, nil, k.isoA.ID); err != nil {
			t.Fatal(err)
		}
		for _, err := range []error{db.SubmitDocument(ctx, doc.ID, k.isoA.ID), db.ApproveDocument(ctx, doc.ID, k.leaderA.ID),
			db.PublishDocument(ctx, doc.ID, unit.NewDate(2026, 1, 5), k.isoA.ID)} {
			if err != nil {
				t.Fatal(err)
			}
		}
		obj := qms.Objective{UnitID: k.a.ID, Year: 2026, Title: "Tổ chức 2 buổi tập huấn ISO", Measure: qms.Manual,
			Comparison: qms.AtLeast, Target: 2, UnitLabel: "buổi"}
		if err := db.CreateObjective(ctx, &obj, k.isoA.ID); err != nil {
			t.Fatal(err)
		}
		rv := qms.ManagementReview{UnitID: k.a.ID, Title: "Xem xét của lãnh đạo 6 tháng đầu năm", From: unit.NewDate(2026, 1, 1),
			To: unit.NewDate(2026, 5, 31), HeldOn: unit.NewDate(2026, 6, 10), Chair: "Hoàng Văn Duyệt"}
		if err := db.CreateReview(ctx, &rv, k.isoA.ID); err != nil {
			t.Fatal(err)
		}

		var docs apiQMSDocumentList
		code, body := call("GET", unitAPI+"/documents", "")
		decodeInto(t, body, &docs)
		if code != 200 || docs.Count != 1 || docs.Documents[0].Code != "CSCL" || docs.Documents[0].EffectiveOn != "2026-01-05" {
			t.Fatalf("documents: %d %s", code, body)
		}
		var objs apiQMSObjectiveList
		code, body = call("GET", unitAPI+"/objectives", "")
		decodeInto(t, body, &objs)
		if code != 200 || objs.Year != 2026 || objs.Count != 1 || len(objs.Objectives[0].Results) != 12 ||
			objs.Objectives[0].Results[0].Month != "2026-01" {
			t.Fatalf("objectives: %d %s", code, body)
		}
		if code, _ := call("GET", unitAPI+"/objectives?year=1999", ""); code != http.StatusBadRequest {
			t.Fatalf("bad year: %d", code)
		}
		var reviews apiQMSReviewList
		code, body = call("GET", unitAPI+"/reviews", "")
		decodeInto(t, body, &reviews)
		if code != 200 || reviews.Count != 1 || reviews.Reviews[0].HeldOn != "2026-06-10" || reviews.Reviews[0].Inputs.Documents.Current != 1 {
			t.Fatalf("reviews: %d %s", code, body)
		}
		var decl apiQMSDeclarationJSON
		code, body = call("GET", unitAPI+"/declaration", "")
		decodeInto(t, body, &decl)
		if code != 200 || decl.Status != "not_declared" || decl.Latest != nil {
			t.Fatalf("declaration: %d %s", code, body)
		}
		var audits apiQMSAuditList
		code, body = call("GET", unitAPI+"/audits", "")
		decodeInto(t, body, &audits)
		if code != 200 || audits.Year != 2026 || audits.Count != 0 {
			t.Fatalf("audits: %d %s", code, body)
		}

		// A risk: bad input is refused field by field, in Vietnamese and English.
		code, body = call("POST", unitAPI+"/risks", `{"kind":"risk","process":"Tiếp nhận hồ sơ đất đai","likelihood":7,"impact":4,"owner_id":"`+k.isoB.ID+`"}`)
		var prob problem
		decodeInto(t, body, &prob)
		if code != http.StatusUnprocessableEntity || prob.Errors["likelihood"] != "Chọn mức từ 1 đến 5." ||
			prob.Errors["description"] == "" || prob.Errors["owner_id"] == "" {
			t.Fatalf("bad risk: %d %s", code, body)
		}
		if code, _ := call("POST", unitAPI+"/risks", `{"kind":"risk","bogus":1}`); code != http.StatusBadRequest {
			t.Fatalf("unknown field: %d", code)
		}
		code, body = call("POST", unitAPI+"/risks", `{"kind":"risk","process":"Tiếp nhận hồ sơ đất đai","description":"Hồ sơ trễ hạn do thiếu công chức địa chính",
			"likelihood":4,"impact":4,"status":"treating","treatment":"Biệt phái công chức","owner_id":"`+k.receiverA.ID+`","due_on":"2026-05-31"}`)
		var risk apiQMSRiskJSON
		decodeInto(t, body, &risk)
		if code != http.StatusCreated || risk.Score != 16 || risk.Level != "high" || !risk.Overdue || risk.OwnerName != "Trần Thị Bình" {
			t.Fatalf("create risk: %d %s", code, body)
		}
		var one apiQMSRiskDetail
		code, body = call("GET", "/api/v1/qms/risks/"+risk.ID, "")
		decodeInto(t, body, &one)
		if code != 200 || one.Risk.ID != risk.ID || len(one.History) == 0 || one.History[0].Action != "create" {
			t.Fatalf("one risk: %d %s", code, body)
		}
		for _, tc := range []struct {
			query string
			want  int
		}{{"", 1}, {"?level=high", 1}, {"?level=low", 0}, {"?overdue=1", 1}, {"?status=closed", 0}, {"?kind=opportunity", 0}} {
			var list apiQMSRiskList
			code, body := call("GET", unitAPI+"/risks"+tc.query, "")
			decodeInto(t, body, &list)
			if code != 200 || list.Count != tc.want {
				t.Errorf("risks%s: %d, %d entries, want %d", tc.query, code, list.Count, tc.want)
			}
		}
		if code, body := call("GET", unitAPI+"/risks?level=extreme", ""); code != http.StatusBadRequest || !strings.Contains(body, "level") {
			t.Fatalf("bad level: %d %s", code, body)
		}

		// A nonconformity raised by hand.
		code, body = call("POST", unitAPI+"/nonconformities", `{"source":"late_dossiers","title":""}`)
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, `"source"`) || !strings.Contains(body, `"title"`) {
			t.Fatalf("bad nonconformity: %d %s", code, body)
		}
		code, body = call("POST", unitAPI+"/nonconformities", `{"source":"complaint","title":"Người dân phản ánh phải đi lại nhiều lần","description":"Qua đường dây nóng"}`)
		var nc apiQMSNCJSON
		decodeInto(t, body, &nc)
		if code != http.StatusCreated || nc.Status != "open" || nc.Automatic || nc.Month == "" {
			t.Fatalf("raise: %d %s", code, body)
		}
		var ncs apiQMSNCList
		code, body = call("GET", unitAPI+"/nonconformities?status=open&source=complaint", "")
		decodeInto(t, body, &ncs)
		if code != 200 || ncs.Count != 1 || ncs.Nonconformities[0].ID != nc.ID {
			t.Fatalf("nonconformities: %d %s", code, body)
		}
		if code, _ := call("GET", unitAPI+"/nonconformities?status=closed", ""); code != 200 {
			t.Fatalf("closed: %d", code)
		}
		if code, _ := call("GET", unitAPI+"/nonconformities?status=shut", ""); code != http.StatusBadRequest {
			t.Fatalf("bad status: %d", code)
		}
		var ncOne apiQMSNCDetail
		code, body = call("GET", "/api/v1/qms/nonconformities/"+nc.ID, "")
		decodeInto(t, body, &ncOne)
		if code != 200 || ncOne.Nonconformity.Title != "Người dân phản ánh phải đi lại nhiều lần" {
			t.Fatalf("one nonconformity: %d %s", code, body)
		}

		// The pages' access rules: another commune does not find A, an official without a
		// QMS role is forbidden (the owner reads their risk), a leader reads but never adds.
		isoB, receiver, leader := signedIn(t, k.fixture, k.isoB), signedIn(t, k.fixture, k.receiverA), signedIn(t, k.fixture, k.leaderA)
		for _, tc := range []struct {
			name   string
			c      *client
			method string
			path   string
			want   int
		}{
			{"B reads A's risks", isoB, "GET", unitAPI + "/risks", http.StatusNotFound},
			{"B reads A's risk", isoB, "GET", "/api/v1/qms/risks/" + risk.ID, http.StatusNotFound},
			{"B reads A's nonconformity", isoB, "GET", "/api/v1/qms/nonconformities/" + nc.ID, http.StatusNotFound},
			{"B adds to A", isoB, "POST", unitAPI + "/risks", http.StatusNotFound},
			{"receiver lists", receiver, "GET", unitAPI + "/documents", http.StatusForbidden},
			{"receiver owns the risk", receiver, "GET", "/api/v1/qms/risks/" + risk.ID, http.StatusOK},
			{"receiver's nonconformity", receiver, "GET", "/api/v1/qms/nonconformities/" + nc.ID, http.StatusForbidden},
			{"leader reads", leader, "GET", unitAPI + "/nonconformities", http.StatusOK},
			{"leader adds a risk", leader, "POST", unitAPI + "/risks", http.StatusForbidden},
			{"leader raises", leader, "POST", unitAPI + "/nonconformities", http.StatusForbidden},
			{"unknown risk", leader, "GET", "/api/v1/qms/risks/00000000-0000-0000-0000-000000000000", http.StatusNotFound},
		} {
			var code int
			var body string
			if tc.method == "GET" {
				code, body, _ = tc.c.get(tc.path)
			} else {
				code, body = tc.c.postJSON(tc.path, `{"kind":"risk"}`)
			}
			if code != tc.want {
				t.Errorf("%s: %d, want %d\n%.300s", tc.name, code, tc.want, body)
			}
		}
	})
}
