package web

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

func TestSecurityHeaders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		anon := newClient(t, f.srv)
		for _, path := range []string{"/login", "/tra-cuu", "/tra-cuu?ma=x", "/thong-ke", "/static/style.css", "/healthz",
			"/api/v1/public/lookup?ma=x", "/api/v1/me", "/no/such/page", "/admin/units"} {
			_, _, h := anon.get(path)
			csp := h.Get("Content-Security-Policy")
			if !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") ||
				strings.Contains(csp, "script-src 'self' 'unsafe") || h.Get("X-Frame-Options") != "DENY" ||
				h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "same-origin" {
				t.Errorf("%s: %v", path, h)
			}
		}
		// No template or static file has inline script or event handlers, which the policy
		// would block.
		inline := regexp.MustCompile(`(?i)<script[^>]*>\s*[^<\s]|\son[a-z]+\s*=|javascript:`)
		_ = fs.WalkDir(templateFS, "templates", func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				b, _ := fs.ReadFile(templateFS, path)
				if m := inline.Find(b); m != nil {
					t.Errorf("%s: inline script %q", path, m)
				}
			}
			return nil
		})
	})
}
