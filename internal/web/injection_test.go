package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// injectionPayloads are classic SQL and script injections; every search and filter must
// treat them as text.
var injectionPayloads = []string{
	`' OR '1'='1`, `'; DROP TABLE dossiers; --`, `%' UNION SELECT password_hash FROM users --`,
	`\'); SELECT pg_sleep(5); --`, `_%`, `"><script>alert(1)</script>`, "ho tich\x00", `1) OR (1=1`,
}

// TestSearchInjection sends the payloads through every search and filter parameter of the
// pages and the API: no 5xx, no script echoed unescaped, and the data is still there.
func TestSearchInjection(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		publishSample(t, f)
		c := signedIn(t, f, f.systemAdmin)
		anon := newClient(t, f.srv)
		targets := []struct {
			client *client
			path   string
			params []string
		}{
			{c, "/api/v1/dossiers", []string{"q", "state", "unit_id", "from", "to", "limit", "offset"}},
			{c, "/api/v1/units", []string{"q", "on", "limit"}},
			{c, "/api/v1/procedures", []string{"q", "field", "level", "status", "on"}},
			{c, "/dossiers/register", []string{"q", "state", "unit", "from", "to"}},
			{c, "/procedures", []string{"q", "field", "level", "status"}},
			{c, "/admin/users", []string{"q"}},
			{c, "/admin/units", []string{"q"}},
			{anon, "/thu-tuc", []string{"q"}},
			{anon, "/tra-cuu", []string{"ma", "k"}},
			{anon, "/api/v1/public/lookup", []string{"ma", "k"}},
		}
		for _, tg := range targets {
			for _, param := range tg.params {
				for _, p := range injectionPayloads {
					code, body, _ := tg.client.get(tg.path + "?" + url.Values{param: {p}}.Encode())
					if code >= 500 {
						t.Errorf("%s?%s=%q: %d", tg.path, param, p, code)
					}
					if strings.Contains(body, "<script>alert(1)</script>") {
						t.Errorf("%s?%s: the script came back unescaped", tg.path, param)
					}
				}
			}
		}
		if code, body, _ := c.get("/api/v1/procedures?q=khai+sinh"); code != http.StatusOK || !strings.Contains(body, "1.001193") {
			t.Fatalf("the catalog after the payloads: %d", code)
		}
	})
}
