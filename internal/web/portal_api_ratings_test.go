package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestPublicRatingAPI: the API rates a returned dossier once, with the second factor, and
// answers like the page otherwise.
func TestPublicRatingAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := newPortalDesk(t, db)
		now := time.Now()
		d := k.receive(t, now.Add(-2*time.Hour), "Nguyễn Thị Hương")
		anon := newClient(t, k.srv)
		body := func(factor, level string) string {
			b, _ := json.Marshal(apiRatingInput{Reference: d.Code, Factor: factor, Level: "", Comment: "Tốt"})
			return strings.Replace(string(b), `"level":""`, `"level":"`+level+`"`, 1)
		}
		if code, resp := anon.postJSON("/api/v1/public/ratings", body(d.LookupSecret, "satisfied")); code != http.StatusConflict {
			t.Fatalf("before return: %d %s", code, resp)
		}
		d = k.returned(t, d, now.Add(-time.Hour))
		if code, _ := anon.postJSON("/api/v1/public/ratings", body("WRONG123", "satisfied")); code != http.StatusNotFound {
			t.Fatalf("wrong factor: %d", code)
		}
		if code, _ := anon.postJSON("/api/v1/public/ratings", `{"ma": 1}`); code != http.StatusBadRequest {
			t.Fatalf("bad JSON: %d", code)
		}
		if code, resp := anon.postJSON("/api/v1/public/ratings", body(d.LookupSecret, "wonderful")); code != http.StatusUnprocessableEntity {
			t.Fatalf("unknown level: %d %s", code, resp)
		}
		if code, resp := anon.postJSON("/api/v1/public/ratings", body(d.LookupSecret, "very_satisfied")); code != http.StatusCreated || !strings.Contains(resp, d.Code) {
			t.Fatalf("rate: %d %s", code, resp)
		}
		if code, _ := anon.postJSON("/api/v1/public/ratings", body(d.LookupSecret, "satisfied")); code != http.StatusConflict {
			t.Fatalf("second rating: %d", code)
		}
	})
}
