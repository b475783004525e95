package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/motcua/motcua/internal/bench"
	"github.com/motcua/motcua/internal/store/storetest"
)

// BenchmarkPortalLookup measures the public look-up through the whole handler (the
// middleware, the throttle, the dossier, the template or the JSON), without the network:
// the page a receipt's QR code opens and the API, each request from another citizen's
// address every 20 look-ups, as behind a proxy. Run with:
//
//	go test ./internal/web -run '^$' -bench PortalLookup -benchtime 2000x -count 6
func BenchmarkPortalLookup(b *testing.B) {
	ctx := context.Background()
	db := storetest.SQLite(b)
	desk, err := bench.PrepareDesk(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := bench.Run(ctx, "data", 1, 200, desk.Intake(db, bench.IntakeStart), nil); err != nil {
		b.Fatal(err)
	}
	refs, err := db.LookupRefs(ctx, 200)
	if err != nil {
		b.Fatal(err)
	}
	s, err := newServer(db, slog.New(slog.NewJSONHandler(io.Discard, nil)),
		Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("192.0.2.1/32")}})
	if err != nil {
		b.Fatal(err)
	}
	h := s.handler()
	for _, api := range []bool{false, true} {
		name := "page"
		if api {
			name = "api"
		}
		b.Run(name, func(b *testing.B) {
			next := bench.LookupRequests(refs, api)
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				r := next(i)
				req := httptest.NewRequest(http.MethodGet, r.Path, nil)
				req.RemoteAddr = "192.0.2.1:4711"
				req.Header.Set("X-Forwarded-For", r.ForwardedFor)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d\n%s", r.Path, rec.Code, rec.Body)
				}
			}
		})
	}
}

// BenchmarkRenderPage measures rendering one page from its template (the look-up page
// with a verified result), without the database.
func BenchmarkRenderPage(b *testing.B) {
	db := storetest.SQLite(b)
	s, err := newServer(db, slog.New(slog.NewJSONHandler(io.Discard, nil)), Config{})
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/tra-cuu", nil)
	v := lookupView{Reference: "000.00.41.H29-260302-0001", Code: "000.00.41.H29-260302-0001", State: "received",
		Verified: true, Applicant: "Nguyễn Thị Hương", Procedure: "Đăng ký khai sinh", ProcedureRef: "1.001193"}
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		s.sessions.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p := s.portalPage(r, "portal.lookup_title", "lookup")
			p.Form = map[string]string{"ma": v.Reference}
			p.Data = map[string]any{"Result": s.describeLookup(p.Lang, v)}
			s.render(w, r, http.StatusOK, "portal_lookup", p)
		})).ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(fmt.Sprint(rec.Code, rec.Body))
		}
	}
}
