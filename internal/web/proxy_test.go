package web

import (
	"bytes"
	"context"
	"crypto/tls"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

func prefixes(t *testing.T, list ...string) []netip.Prefix {
	t.Helper()
	var out []netip.Prefix
	for _, s := range list {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}

func TestResolvePeer(t *testing.T) {
	trusted := prefixes(t, "10.0.0.0/8", "127.0.0.1/32", "2001:db8:1::/48")
	cases := []struct {
		name, remote string
		xff          []string
		proto        string
		tls          bool
		wantIP       string
		wantHTTPS    bool
	}{
		{"direct client, no headers", "203.0.113.5:5000", nil, "", false, "203.0.113.5", false},
		{"untrusted peer cannot choose its address", "203.0.113.5:5000", []string{"198.51.100.1"}, "https", false, "203.0.113.5", false},
		{"direct TLS", "203.0.113.5:5000", nil, "", true, "203.0.113.5", true},
		{"one trusted proxy", "10.0.0.2:41000", []string{"198.51.100.1"}, "https", false, "198.51.100.1", true},
		{"client-sent spoof left of the real client", "10.0.0.2:41000", []string{"1.2.3.4, 198.51.100.1"}, "http", false, "198.51.100.1", false},
		{"two trusted hops", "127.0.0.1:41000", []string{"198.51.100.1, 10.1.2.3"}, "https", false, "198.51.100.1", true},
		{"several headers", "127.0.0.1:41000", []string{"198.51.100.9", "10.1.2.3"}, "", false, "198.51.100.9", false},
		{"only trusted hops: the leftmost", "127.0.0.1:41000", []string{"10.9.9.9, 10.1.1.1"}, "", false, "10.9.9.9", false},
		{"garbled hop stops the walk", "127.0.0.1:41000", []string{"198.51.100.1, not-an-ip"}, "", false, "127.0.0.1", false},
		{"IPv6 with port", "[2001:db8:1::5]:443", []string{"[2001:db8:2::7]:5555"}, "HTTPS", false, "2001:db8:2::7", true},
		{"IPv4-mapped peer", "[::ffff:10.0.0.2]:41000", []string{"198.51.100.1"}, "", false, "198.51.100.1", false},
		{"first proto of a list", "10.0.0.2:1", []string{"198.51.100.1"}, "https, http", false, "198.51.100.1", true},
	}
	for _, c := range cases {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.remote
		for _, v := range c.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		if c.proto != "" {
			r.Header.Set("X-Forwarded-Proto", c.proto)
		}
		if c.tls {
			r.TLS = &tls.ConnectionState{}
		}
		got := resolvePeer(r, trusted)
		if got.ip != c.wantIP || got.https != c.wantHTTPS {
			t.Errorf("%s: got %+v, want %s https=%v", c.name, got, c.wantIP, c.wantHTTPS)
		}
	}
}

// syncBuffer collects log lines written from the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func startServerWith(t *testing.T, db *store.DB, cfg Config, logs *syncBuffer) *httptest.Server {
	t.Helper()
	cfg.Version = "test"
	h, err := New(db, slog.New(slog.NewTextHandler(logs, nil)), cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// TestTrustedProxies: behind a configured proxy the throttle, the logs and the cookie
// follow the forwarded client; without one the same headers change nothing.
func TestTrustedProxies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		var logs syncBuffer
		behind := startServerWith(t, db, Config{TrustedProxies: prefixes(t, "127.0.0.0/8")}, &logs)
		direct := startServerWith(t, db, Config{}, &logs)
		lock := func(key string) {
			now := time.Now().UTC()
			if err := db.SetLoginFailures(ctx, key, 0, now, now.Add(lockFor)); err != nil {
				t.Fatal(err)
			}
		}
		login := func(srv *httptest.Server, xff, proto string) (int, http.Header) {
			headers := []string{"X-Forwarded-For", xff}
			if proto != "" {
				headers = append(headers, "X-Forwarded-Proto", proto)
			}
			code, _, h := newClient(t, srv).post("/login", url.Values{"email": {f.adminA.Email}, "password": {testPassword}}, headers...)
			return code, h
		}

		// Behind the proxy, the forwarded client is the one locked out, and only it.
		lock("ip:203.0.113.7")
		if code, _ := login(behind, "203.0.113.7", ""); code != http.StatusTooManyRequests {
			t.Fatalf("locked client through the proxy: %d", code)
		}
		code, h := login(behind, "203.0.113.8", "https")
		if code != http.StatusSeeOther {
			t.Fatalf("another client through the proxy: %d", code)
		}
		if c := h.Get("Set-Cookie"); !strings.HasPrefix(c, "motcua_session=") || !strings.Contains(c, "; Secure") {
			t.Errorf("HTTPS through a trusted proxy: cookie %q", c)
		}
		if h.Get("Strict-Transport-Security") == "" {
			t.Error("HTTPS through a trusted proxy: no HSTS")
		}
		if _, _, h := newClient(t, behind).get("/login", "X-Forwarded-Proto", "http"); h.Get("Strict-Transport-Security") != "" {
			t.Error("plain HTTP through the proxy got HSTS")
		}
		// A failure is counted against the forwarded client.
		newClient(t, behind).post("/login", url.Values{"email": {f.adminA.Email}, "password": {"sai-mat-khau-123"}}, "X-Forwarded-For", "198.51.100.23")
		if n, _, _, err := db.LoginFailures(ctx, "ip:198.51.100.23"); err != nil || n != 1 {
			t.Fatalf("failure of the forwarded client: %d %v", n, err)
		}
		if !strings.Contains(logs.String(), "client=198.51.100.23") {
			t.Errorf("the request log lacks the forwarded client:\n%s", logs.String())
		}

		// Without a trusted proxy the headers are the client's own words: ignored.
		code, h = login(direct, "203.0.113.7", "https")
		if code != http.StatusSeeOther {
			t.Fatalf("direct client claiming a locked address: %d", code)
		}
		if strings.Contains(h.Get("Set-Cookie"), "Secure") || h.Get("Strict-Transport-Security") != "" {
			t.Errorf("an untrusted X-Forwarded-Proto made the cookie Secure: %q", h.Get("Set-Cookie"))
		}
		lock("ip:127.0.0.1")
		if code, _ := login(direct, "203.0.113.99", ""); code != http.StatusTooManyRequests {
			t.Fatalf("a locked peer escaped with X-Forwarded-For: %d", code)
		}
	})
}
