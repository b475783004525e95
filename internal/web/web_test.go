package web

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/user"
)

const testPassword = "mat-khau-thu-nghiem"

// fixture is a small province with two communes, officials in several roles, and a running
// server on the real router.
type fixture struct {
	db          *store.DB
	srv         *httptest.Server
	prov, a, b  unit.Unit
	agencyA     unit.Unit
	hash        string
	adminA      user.User
	receiverA   user.User
	adminB      user.User
	overseer    user.User
	systemAdmin user.User
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{db: db}
	var err error
	if f.hash, err = user.HashPassword(testPassword); err != nil {
		t.Fatal(err)
	}
	mk := func(u unit.Unit) unit.Unit {
		u.ValidFrom = unit.NewDate(2025, 7, 1)
		if err := db.CreateUnit(ctx, &u); err != nil {
			t.Fatal(err)
		}
		return u
	}
	f.prov = mk(unit.Unit{Code: "25", Name: "Tỉnh Phú Thọ", Kind: unit.Province})
	f.a = mk(unit.Unit{Code: "08152", Name: "Xã Thanh Ba", Kind: unit.Commune, ParentID: f.prov.ID})
	f.b = mk(unit.Unit{Code: "08173", Name: "Xã Quảng Yên", Kind: unit.Commune, ParentID: f.prov.ID})
	f.agencyA = mk(unit.Unit{Code: "TTPVHCC-08152", Name: "Trung tâm PVHCC xã Thanh Ba", Kind: unit.Centre, ParentID: f.a.ID, AgencyCode: "000.52.15.H29"})
	f.adminA = f.official(t, "admin.a@demo.motcua.vn", "Nguyễn Văn An", f.a, user.Admin)
	f.receiverA = f.official(t, "tiepnhan.a@demo.motcua.vn", "Trần Thị Bình", f.a, user.Receiver)
	f.adminB = f.official(t, "admin.b@demo.motcua.vn", "Lê Văn Cường", f.b, user.Admin)
	f.overseer = f.official(t, "bcd@demo.motcua.vn", "Phạm Thị Dung", f.prov, user.Overseer)
	f.systemAdmin = user.User{Email: "root@demo.motcua.vn", FullName: "Quản Trị Hệ Thống", PasswordHash: f.hash, Active: true, SystemAdmin: true}
	if err := db.CreateUser(ctx, &f.systemAdmin); err != nil {
		t.Fatal(err)
	}
	f.srv = startServer(t, db)
	return f
}

func startServer(t *testing.T, db *store.DB) *httptest.Server {
	t.Helper()
	h, err := New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func (f *fixture) official(t *testing.T, email, name string, u unit.Unit, role user.Role) user.User {
	t.Helper()
	usr := user.User{Email: email, FullName: name, PasswordHash: f.hash, Active: true}
	if err := f.db.CreateUserWithRole(context.Background(), &usr, &user.Assignment{UnitID: u.ID, Role: role}); err != nil {
		t.Fatal(err)
	}
	return usr
}

// client is a browser-like client: a cookie jar, no automatic redirects.
type client struct {
	t    *testing.T
	base string
	hc   *http.Client
}

func newClient(t *testing.T, srv *httptest.Server) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: srv.URL, hc: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

func (c *client) do(req *http.Request) (int, string, http.Header) {
	c.t.Helper()
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func (c *client) get(path string, headers ...string) (int, string, http.Header) {
	c.t.Helper()
	req, _ := http.NewRequest("GET", c.base+path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return c.do(req)
}

func (c *client) post(path string, form url.Values, headers ...string) (int, string, http.Header) {
	c.t.Helper()
	req, _ := http.NewRequest("POST", c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return c.do(req)
}

func (c *client) login(email, password string) int {
	c.t.Helper()
	code, _, _ := c.post("/login", url.Values{"email": {email}, "password": {password}})
	return code
}

func signedIn(t *testing.T, f *fixture, u user.User) *client {
	t.Helper()
	c := newClient(t, f.srv)
	if code := c.login(u.Email, testPassword); code != http.StatusSeeOther {
		t.Fatalf("login %s: status %d", u.Email, code)
	}
	return c
}

func TestSetupAndSignIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv := startServer(t, db)
		c := newClient(t, srv)
		if code, _, h := c.get("/"); code != http.StatusSeeOther || h.Get("Location") != "/login" {
			t.Fatalf("anonymous home: %d %s", code, h.Get("Location"))
		}
		if code, _, h := c.get("/login"); code != http.StatusSeeOther || h.Get("Location") != "/setup" {
			t.Fatalf("login before setup: %d %s", code, h.Get("Location"))
		}
		code, body, _ := c.get("/setup")
		if code != 200 || !strings.Contains(body, "Thiết lập lần đầu") || !strings.Contains(body, `lang="vi"`) {
			t.Fatalf("setup page: %d", code)
		}
		// Bad input: named fields, nothing saved.
		code, body, _ = c.post("/setup", url.Values{"full_name": {""}, "email": {"not-an-email"}, "password": {"short"}, "password2": {"short"}})
		for _, want := range []string{"Thư điện tử không hợp lệ", "Mật khẩu phải có ít nhất 10 ký tự", "Nhập họ và tên"} {
			if code != http.StatusUnprocessableEntity || !strings.Contains(body, want) {
				t.Fatalf("bad setup: %d, missing %q\n%s", code, want, body)
			}
		}
		if n, _ := db.CountUsers(context.Background()); n != 0 {
			t.Fatalf("half-saved admin: %d users", n)
		}
		code, _, h := c.post("/setup", url.Values{"full_name": {"Hoàng Văn Em"}, "email": {"Admin@Example.VN"}, "password": {testPassword}, "password2": {testPassword}})
		if code != http.StatusSeeOther || h.Get("Location") != "/admin/units" {
			t.Fatalf("setup: %d %s", code, h.Get("Location"))
		}
		code, body, _ = c.get("/")
		if code != 200 || !strings.Contains(body, "Hoàng Văn Em") || !strings.Contains(body, "Quản trị hệ thống") {
			t.Fatalf("home after setup: %d", code)
		}
		// Setup is one-time.
		other := newClient(t, srv)
		code, _, h = other.post("/setup", url.Values{"full_name": {"Kẻ Lạ"}, "email": {"x@example.vn"}, "password": {testPassword}, "password2": {testPassword}})
		if code != http.StatusSeeOther || h.Get("Location") != "/login" {
			t.Fatalf("second setup: %d %s", code, h.Get("Location"))
		}
		if n, _ := db.CountUsers(context.Background()); n != 1 {
			t.Fatalf("second setup created a user: %d", n)
		}
		// E-mail is case-insensitive; sign out ends the session.
		if code := other.login("admin@example.vn", testPassword); code != http.StatusSeeOther {
			t.Fatalf("login: %d", code)
		}
		if code, _, _ := other.post("/logout", nil); code != http.StatusSeeOther {
			t.Fatalf("logout: %d", code)
		}
		if code, _, _ := other.get("/"); code != http.StatusSeeOther {
			t.Fatalf("after logout: %d", code)
		}
	})
}

func TestLoginFailuresAndThrottle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c := newClient(t, f.srv)
		_, wrongPw, _ := c.post("/login", url.Values{"email": {f.adminA.Email}, "password": {"sai-mat-khau-123"}})
		_, unknown, _ := c.post("/login", url.Values{"email": {"khongco@demo.motcua.vn"}, "password": {"sai-mat-khau-123"}})
		for _, body := range []string{wrongPw, unknown} {
			if !strings.Contains(body, "Thư điện tử hoặc mật khẩu không đúng.") {
				t.Fatalf("generic message missing:\n%s", body)
			}
		}
		for range maxFailures - 1 {
			c.login(f.adminA.Email, "sai-mat-khau-123")
		}
		// Locked now, even with the right password.
		code, body, _ := c.post("/login", url.Values{"email": {f.adminA.Email}, "password": {testPassword}})
		if code != http.StatusTooManyRequests || !strings.Contains(body, "quá nhiều lần") {
			t.Fatalf("not locked: %d", code)
		}
		// Another account from a fresh client is unaffected.
		if code := newClient(t, f.srv).login(f.adminB.Email, testPassword); code != http.StatusSeeOther {
			t.Fatalf("other account: %d", code)
		}
	})
}

func TestDeactivatedOfficialLosesAccess(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c := signedIn(t, f, f.receiverA)
		if code, _, _ := c.get("/"); code != 200 {
			t.Fatalf("home: %d", code)
		}
		admin := signedIn(t, f, f.adminA)
		form := url.Values{"email": {f.receiverA.Email}, "full_name": {f.receiverA.FullName}, "phone": {""}, "lang": {"vi"}}
		if code, body, _ := admin.post("/admin/users/"+f.receiverA.ID, form); code != http.StatusSeeOther {
			t.Fatalf("deactivate: %d %s", code, body)
		}
		if code, _, _ := c.get("/"); code != http.StatusSeeOther {
			t.Fatalf("deactivated official still in: %d", code)
		}
		if code := newClient(t, f.srv).login(f.receiverA.Email, testPassword); code != http.StatusUnauthorized {
			t.Fatalf("deactivated official signed in: %d", code)
		}
		// Admins cannot deactivate themselves.
		form = url.Values{"email": {f.adminA.Email}, "full_name": {f.adminA.FullName}, "lang": {"vi"}}
		if code, _, _ := admin.post("/admin/users/"+f.adminA.ID, form); code != http.StatusConflict {
			t.Fatalf("self-deactivation: %d", code)
		}
	})
}

func TestExpiredSession(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c := signedIn(t, f, f.adminA)
		// Expire every session in the database, as the clock passing the deadline would.
		if _, err := db.Sessions().DeleteExpired(context.Background()); err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(f.srv.URL)
		for _, ck := range c.hc.Jar.Cookies(u) {
			if err := db.Sessions().DeleteCtx(context.Background(), ck.Value); err != nil {
				t.Fatal(err)
			}
		}
		code, _, h := c.get("/admin/units")
		if code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/login?next=") {
			t.Fatalf("expired session: %d %s", code, h.Get("Location"))
		}
	})
}

func TestCrossOriginAndBodyLimits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c := signedIn(t, f, f.adminA)
		code, body, _ := c.post("/logout", nil, "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site")
		if code != http.StatusForbidden || !strings.Contains(body, "CSRF") {
			t.Fatalf("cross-origin POST: %d", code)
		}
		if code, _, _ := c.get("/"); code != 200 {
			t.Fatalf("session lost after refused POST: %d", code)
		}
		big := url.Values{"name": {strings.Repeat("x", 2<<20)}}
		if code, _, _ := c.post("/admin/units", big); code != http.StatusRequestEntityTooLarge {
			t.Fatalf("oversized body: %d", code)
		}
	})
}

func TestLanguages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c := newClient(t, f.srv)
		_, body, _ := c.get("/login", "Accept-Language", "en-US,en;q=0.9")
		if !strings.Contains(body, `lang="en"`) || !strings.Contains(body, "Sign in") {
			t.Fatal("Accept-Language en not honoured")
		}
		_, body, _ = c.get("/login")
		if !strings.Contains(body, `lang="vi"`) || !strings.Contains(body, "Đăng nhập") {
			t.Fatal("Vietnamese is not the default")
		}
		c.get("/lang/en")
		_, body, _ = c.get("/login")
		if !strings.Contains(body, `lang="en"`) {
			t.Fatal("language switch not kept")
		}
		if code, _, _ := c.get("/lang/fr"); code != http.StatusNotFound {
			t.Fatalf("unknown language: %d", code)
		}
		code, body, _ := c.get("/no/such/page")
		if code != http.StatusNotFound || !strings.Contains(body, "was not found") {
			t.Fatalf("404 page: %d", code)
		}
	})
}

func TestOperationsEndpoints(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv := startServer(t, db)
		c := newClient(t, srv)
		if code, body, _ := c.get("/healthz"); code != 200 || !strings.Contains(body, `"ok"`) {
			t.Fatalf("healthz: %d %s", code, body)
		}
		code, body, _ := c.get("/readyz")
		if code != 200 || !strings.Contains(body, string(db.Dialect())) {
			t.Fatalf("readyz: %d %s", code, body)
		}
		c.get("/login")
		_, body, _ = c.get("/metrics")
		if !strings.Contains(body, `motcua_http_requests_total{code="303",method="GET",route="GET /login"}`) {
			t.Fatalf("metrics missing the login route:\n%s", body)
		}
		_, _, h := c.get("/healthz", "X-Request-Id", "abc-123")
		if h.Get("X-Request-Id") != "abc-123" {
			t.Fatal("request id not echoed")
		}
		_, _, h = c.get("/healthz", "X-Request-Id", "bad id")
		if h.Get("X-Request-Id") == "" || strings.Contains(h.Get("X-Request-Id"), " ") {
			t.Fatal("unsafe request id accepted")
		}
	})
}

func TestAPIErrorsAreProblemDetails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		anon := newClient(t, f.srv)
		code, body, h := anon.get("/api/v1/me")
		if code != http.StatusUnauthorized || !strings.HasPrefix(h.Get("Content-Type"), "application/problem+json") {
			t.Fatalf("anonymous API: %d %s", code, h.Get("Content-Type"))
		}
		var e problem
		if err := json.Unmarshal([]byte(body), &e); err != nil || e.Code != "unauthorized" || e.Status != 401 || e.Detail == "" || e.Messages["en"] == "" {
			t.Fatalf("error body: %s", body)
		}
		c := signedIn(t, f, f.adminA)
		code, body, _ = c.get("/api/v1/units?limit=0&on=2025-13-01")
		if code != http.StatusBadRequest || !strings.Contains(body, `"limit"`) || !strings.Contains(body, `"on"`) {
			t.Fatalf("bad query: %d %s", code, body)
		}
		if code, _, _ := c.get("/api/v1/nothing"); code != http.StatusNotFound {
			t.Fatalf("unknown API path: %d", code)
		}
		code, body, _ = c.get("/api/v1/me")
		if code != 200 || !strings.Contains(body, f.adminA.Email) || !strings.Contains(body, `"admin"`) {
			t.Fatalf("me: %d %s", code, body)
		}
	})
}
