package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

var secretPattern = regexp.MustCompile(`mct_[a-z2-7]{32}`)

func TestAPITokenPagesAndBearer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		publishSample(t, f)
		admin := signedIn(t, f, f.adminA)
		if code, body, _ := admin.get("/admin/tokens"); code != 200 || !strings.Contains(body, "Khóa API") {
			t.Fatalf("tokens page: %d", code)
		}
		// Bad input keeps the form; another commune's unit is not found; a receiver may not.
		code, body, _ := admin.post("/admin/tokens", url.Values{"name": {"Cổng <b>tỉnh</b>"}, "unit_id": {f.agencyA.ID}, "role": {"admin"}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "Cổng &lt;b&gt;tỉnh&lt;/b&gt;") || !strings.Contains(body, "vai trò quản trị") {
			t.Fatalf("bad role: %d", code)
		}
		if code, _, _ := admin.post("/admin/tokens", url.Values{"name": {"x"}, "unit_id": {f.b.ID}, "role": {"receiver"}}); code != http.StatusNotFound {
			t.Fatalf("another commune: %d", code)
		}
		if code, _, _ := signedIn(t, f, f.receiverA).post("/admin/tokens", url.Values{"name": {"x"}, "unit_id": {f.agencyA.ID}, "role": {"receiver"}}); code != http.StatusForbidden {
			t.Fatalf("a receiver creating a token: %d", code)
		}
		code, body, _ = admin.post("/admin/tokens", url.Values{"name": {"Cổng dịch vụ công tỉnh"}, "unit_id": {f.agencyA.ID}, "role": {"receiver"}})
		secret := secretPattern.FindString(body)
		if code != http.StatusCreated || secret == "" {
			t.Fatalf("create: %d %s", code, body)
		}
		if _, body, _ := admin.get("/admin/tokens"); strings.Contains(body, secret) || !strings.Contains(body, secret[:10]) {
			t.Fatal("the list must show the prefix, never the secret again")
		}

		// The integration receives a dossier with the token, no session.
		api := newClient(t, f.srv)
		bearer := func(method, path, body string) (int, string) {
			req, _ := http.NewRequest(method, f.srv.URL+path, strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+secret)
			req.Header.Set("Content-Type", "application/json")
			code, resp, _ := api.do(req)
			return code, resp
		}
		if code, body := bearer("GET", "/api/v1/me", ""); code != 200 || !strings.Contains(body, "API: Cổng dịch vụ công tỉnh") {
			t.Fatalf("me with a token: %d %s", code, body)
		}
		if code, body := bearer("POST", "/api/v1/dossiers", intakeBody(t, f, "tok-1")); code != http.StatusCreated {
			t.Fatalf("intake with a token: %d %s", code, body)
		}
		// A token never opens the pages, and a wrong one is refused outright.
		req, _ := http.NewRequest("GET", f.srv.URL+"/admin/users", nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		if code, _, h := api.do(req); code != http.StatusSeeOther || h.Get("Location") == "" {
			t.Fatalf("a token on a page: %d", code)
		}
		req, _ = http.NewRequest("GET", f.srv.URL+"/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer mct_wrong")
		if code, body, h := api.do(req); code != http.StatusUnauthorized || !strings.HasPrefix(h.Get("Content-Type"), "application/problem+json") {
			t.Fatalf("wrong token: %d %s", code, body)
		}

		// Revoked: refused from then on.
		tokens, _ := db.APITokens(t.Context(), nil)
		if code, _, _ := admin.post("/admin/tokens/"+tokens[0].ID+"/revoke", nil); code != http.StatusSeeOther {
			t.Fatalf("revoke: %d", code)
		}
		if code, _ := bearer("GET", "/api/v1/me", ""); code != http.StatusUnauthorized {
			t.Fatalf("revoked token: %d", code)
		}
		if code, _, _ := signedIn(t, f, f.adminB).post("/admin/tokens/"+tokens[0].ID+"/revoke", nil); code != http.StatusNotFound {
			t.Fatalf("another commune's admin revoking: %d", code)
		}
	})
}
