package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/user"
)

// intakeBody is a complete intake for the birth registration (1.001193) at agency A, with
// every paper of the procedure's checklist received.
func intakeBody(t *testing.T, f *fixture, key string) string {
	t.Helper()
	p, err := f.db.Procedure(context.Background(), "1.001193")
	if err != nil {
		t.Fatal(err)
	}
	var comps []dossier.Component
	for _, c := range p.Latest().Components {
		comps = append(comps, dossier.Component{Name: c.Name, Received: true, Digitised: true})
	}
	b, _ := json.Marshal(map[string]any{
		"unit_id": f.agencyA.ID, "procedure_code": "1.001193", "channel": "desk", "payment": "none",
		"applicant": map[string]string{"kind": "person", "name": "Nguyễn Thị Hương", "id_number": "025190012345",
			"phone": "0912 345 678", "address": "Khu 3, xã Thanh Ba"},
		"components": comps, "idempotency_key": key,
	})
	return string(b)
}

func decodeDossier(t *testing.T, body string) apiDossierJSON {
	t.Helper()
	var d apiDossierJSON
	if err := json.Unmarshal([]byte(body), &d); err != nil {
		t.Fatalf("%v\n%s", err, body)
	}
	return d
}

func TestDossierAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		publishSample(t, f)
		handler := f.official(t, "xuly.a@demo.motcua.vn", "Phạm Văn Xử", f.a, user.Handler)
		approver := f.official(t, "lanhdao.a@demo.motcua.vn", "Hoàng Văn Duyệt", f.a, user.Approver)
		outsider := f.official(t, "tiepnhan.b@demo.motcua.vn", "Ngô Thị Khác", f.b, user.Receiver)
		desk, h, ap := signedIn(t, f, f.receiverA), signedIn(t, f, handler), signedIn(t, f, approver)

		code, body := desk.postJSON("/api/v1/dossiers", intakeBody(t, f, "form-1"))
		if code != http.StatusCreated {
			t.Fatalf("receive: %d %s", code, body)
		}
		d := decodeDossier(t, body)
		if !strings.HasPrefix(d.Code, "000.52.15.H29-") || d.State != dossier.Received || d.Version != 1 ||
			d.Due == nil || d.DueRule.Vi == "" || len(d.ControlSlip) != 1 || d.Applicant.Phone != "0912345678" {
			t.Fatalf("received: %s", body)
		}
		if strings.Join(actionNames(d.Actions), ",") != "forward,assign,request,withdraw,progress" {
			t.Fatalf("the desk's actions: %v", d.Actions)
		}
		// A retried request with the same key returns the same dossier with 200.
		if code, body := desk.postJSON("/api/v1/dossiers", intakeBody(t, f, "form-1")); code != http.StatusOK || decodeDossier(t, body).ID != d.ID {
			t.Fatalf("retry: %d %s", code, body)
		}
		// Bad input: clear errors, nothing written.
		if code, body := desk.postJSON("/api/v1/dossiers", `{"unit_id": 1}`); code != http.StatusBadRequest || !strings.Contains(body, "JSON") {
			t.Fatalf("bad JSON: %d %s", code, body)
		}
		bad := strings.Replace(intakeBody(t, f, "form-2"), "025190012345", "12345", 1)
		if code, body := desk.postJSON("/api/v1/dossiers", bad); code != http.StatusUnprocessableEntity || !strings.Contains(body, "applicant_id") {
			t.Fatalf("bad ID number: %d %s", code, body)
		}
		if code, _ := signedIn(t, f, outsider).postJSON("/api/v1/dossiers", intakeBody(t, f, "x")); code != http.StatusNotFound {
			t.Fatalf("another commune's desk: %d", code)
		}
		if n, _ := db.CountDossiers(context.Background(), store.DossierFilter{}); n != 1 {
			t.Fatalf("%d dossiers", n)
		}

		act := func(c *client, body string, want int) apiDossierJSON {
			t.Helper()
			code, resp := c.postJSON("/api/v1/dossiers/"+d.ID+"/actions", body)
			if code != want {
				t.Fatalf("%s: %d %s", body, code, resp)
			}
			if want != http.StatusOK {
				return apiDossierJSON{}
			}
			return decodeDossier(t, resp)
		}
		d = act(desk, fmt.Sprintf(`{"action": "forward", "version": 1, "assignee_id": %q}`, handler.ID), http.StatusOK)
		if d.State != dossier.Processing || d.StepKind != "examine" {
			t.Fatalf("forwarded: %+v", d)
		}
		act(desk, `{"action": "forward", "version": 2}`, http.StatusForbidden)               // the desk does not examine
		act(h, `{"action": "forward", "version": 1}`, http.StatusConflict)                   // stale version
		act(h, `{"action": "return", "version": 2, "channel": "desk"}`, http.StatusConflict) // not in this state
		act(h, `{"action": "forward"}`, http.StatusBadRequest)                               // no version
		act(h, `{"action": "request", "version": 2, "items": []}`, http.StatusUnprocessableEntity)
		d = act(h, `{"action": "request", "version": 2, "items": [{"name": "Giấy chứng sinh", "reason": "Bản chụp mờ"}]}`, http.StatusOK)
		if d.State != dossier.Supplement || len(d.Missing) != 1 {
			t.Fatalf("supplement: %+v", d)
		}
		d = act(desk, `{"action": "supply", "version": 3}`, http.StatusOK)
		d = act(h, `{"action": "forward", "version": 4}`, http.StatusOK)
		d = act(ap, `{"action": "forward", "version": 5}`, http.StatusOK)
		if d.State != dossier.Ready || d.Timeliness == "" {
			t.Fatalf("ready: %+v", d)
		}
		d = act(desk, `{"action": "return", "version": 6, "channel": "desk", "electronic_result": true}`, http.StatusOK)
		if d.State != dossier.Returned || !d.Electronic || len(d.ControlSlip) != 5 {
			t.Fatalf("returned: %+v", d)
		}

		// Reading: by id, by code, history, list, my work; outsiders see nothing.
		if code, body, _ := desk.get("/api/v1/dossier-codes/" + strings.ToLower(d.Code)); code != 200 || decodeDossier(t, body).ID != d.ID {
			t.Fatalf("by code: %d %s", code, body)
		}
		code, body, _ = desk.get("/api/v1/dossiers/" + d.ID + "/history")
		var hist struct {
			Events []apiEventJSON `json:"events"`
		}
		if err := json.Unmarshal([]byte(body), &hist); code != 200 || err != nil || len(hist.Events) != 7 || hist.Events[6].Action != dossier.ActReturn {
			t.Fatalf("history: %d %s", code, body)
		}
		code, body, _ = f.clientFor(t, f.overseer).get("/api/v1/dossiers?q=nguyen+thi+huong&state=returned")
		if code != 200 || !strings.Contains(body, d.Code) || !strings.Contains(body, `"count": 1`) {
			t.Fatalf("overseer's list: %d %s", code, body)
		}
		if code, body, _ := desk.get("/api/v1/dossiers?state=lost"); code != http.StatusBadRequest {
			t.Fatalf("bad state filter: %d %s", code, body)
		}
		out := signedIn(t, f, outsider)
		for _, p := range []string{"/api/v1/dossiers/" + d.ID, "/api/v1/dossiers/" + d.ID + "/history", "/api/v1/dossier-codes/" + d.Code} {
			if code, _, _ := out.get(p); code != http.StatusNotFound {
				t.Errorf("outsider %s: %d", p, code)
			}
		}
		if code, body, _ := out.get("/api/v1/dossiers"); code != 200 || !strings.Contains(body, `"count": 0`) {
			t.Fatalf("outsider's list: %d %s", code, body)
		}
		code, body = desk.postJSON("/api/v1/dossiers", intakeBody(t, f, "form-3"))
		if code != http.StatusCreated {
			t.Fatalf("second intake: %d %s", code, body)
		}
		if code, body, _ := desk.get("/api/v1/work"); code != 200 || !strings.Contains(body, `"count": 1`) {
			t.Fatalf("my work: %d %s", code, body)
		}
	})
}

func actionNames(as []dossier.Action) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = string(a)
	}
	return out
}

func (f *fixture) clientFor(t *testing.T, u user.User) *client { return signedIn(t, f, u) }

func FuzzDecodeIntake(f *testing.F) {
	f.Add([]byte(`{"unit_id": "u", "procedure_code": "1.001193", "channel": "desk", "applicant": {"kind": "person", "name": "Hương"}}`), "")
	f.Add([]byte(`{"components": [{"name": "Tờ khai", "received": true}], "idempotency_key": "k"}`), "hdr")
	f.Add([]byte(`[]`), "")
	f.Add([]byte(`{"unit_id": "a"} {"unit_id": "b"}`), "")
	f.Fuzz(func(t *testing.T, body []byte, key string) {
		req, err := decodeIntake(body, key)
		if err != nil {
			return
		}
		if key != "" && req.IdempotencyKey != key {
			t.Fatalf("the header key %q lost to %q", key, req.IdempotencyKey)
		}
		// Whatever decodes must survive normalisation and validation without panicking.
		req.Applicant.Normalize()
		_ = req.Applicant.Validate(time.Now())
	})
}
