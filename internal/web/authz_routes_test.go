package web

import (
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// registeredRoute is one route as registered in the source, with the guard it is wrapped in.
type registeredRoute struct {
	method, path string
	guard        string // "page" (signedIn), "api" (apiSignedIn) or "public"
	file         string
}

// scanRoutes reads every route(...) registration of the package's source.
func scanRoutes(t *testing.T) []registeredRoute {
	t.Helper()
	re := regexp.MustCompile(`route\(\w+, "(GET|POST|PUT|PATCH|DELETE) ([^"]+)", (.+)\)\s*$`)
	files, _ := filepath.Glob("*.go")
	var out []registeredRoute
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			m := re.FindStringSubmatch(strings.TrimSpace(line))
			if m == nil {
				continue
			}
			guard := "public"
			switch {
			case strings.Contains(m[3], "s.apiSignedIn("):
				guard = "api"
			case strings.Contains(m[3], "s.signedIn("):
				guard = "page"
			}
			out = append(out, registeredRoute{m[1], m[2], guard, f})
		}
	}
	if len(out) < 80 {
		t.Fatalf("only %d routes found: the scan is broken", len(out))
	}
	return out
}

// concretePath fills a pattern's wildcards with values that name nothing.
func concretePath(pattern string) string {
	p := strings.ReplaceAll(pattern, "{$}", "")
	p = regexp.MustCompile(`\{[a-z_]+\.\.\.\}`).ReplaceAllString(p, "x")
	p = regexp.MustCompile(`\{[a-z_]+\}`).ReplaceAllString(p, "00000000-0000-0000-0000-000000000000")
	if strings.HasSuffix(p, "/static/") {
		p += "style.css"
	}
	return p
}

// TestEveryRouteGuarded sends every registered route a request without a session, and
// every state-changing one a cross-site request: pages behind signedIn send the visitor
// to sign in, API routes behind apiSignedIn answer 401, public routes never do either and
// never fail with a 5xx, and no POST is accepted from another site (CSRF).
func TestEveryRouteGuarded(t *testing.T) {
	routes := scanRoutes(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		anon := newClient(t, f.srv)
		official := signedIn(t, f, f.adminA)
		for _, r := range routes {
			path := concretePath(r.path)
			var code int
			var h http.Header
			if r.method == "GET" {
				code, _, h = anon.get(path)
			} else {
				code, _, h = anon.post(path, nil)
			}
			switch r.guard {
			case "page":
				if code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/login") {
					t.Errorf("%s %s (%s): anonymous got %d → %q, want a redirect to sign in", r.method, r.path, r.file, code, h.Get("Location"))
				}
			case "api":
				if code != http.StatusUnauthorized {
					t.Errorf("%s %s (%s): anonymous got %d, want 401", r.method, r.path, r.file, code)
				}
			default:
				if code >= 500 || (code == http.StatusUnauthorized && r.path != "/login") { // a sign-in without credentials is 401
					t.Errorf("%s %s (%s): public route answered %d", r.method, r.path, r.file, code)
				}
			}
			if r.method == "GET" {
				continue
			}
			// A signed-in official's browser tricked by another site.
			code, _, _ = official.post(path, nil, "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site")
			if code != http.StatusForbidden {
				t.Errorf("%s %s (%s): a cross-site POST got %d, want 403", r.method, r.path, r.file, code)
			}
		}
	})
}
