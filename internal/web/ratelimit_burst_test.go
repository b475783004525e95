package web

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// Rate limits under a burst: 200 requests at once against the sign-in, the public look-up
// and the online submission, spread over two app servers on one database (as behind a
// load balancer) and coming from addresses a trusted proxy reports. The limit holds (no
// more attempts get through than it allows: sign-in and submission counted in the
// database for all servers; the look-up per address in each server's memory, and its
// second factors per reference in memory and in the database), every refusal is a 429
// with Retry-After (a problem+json document on the API), and people at other addresses are
// not affected.

const burst = 200

// burstServers starts two app servers on the database, both trusting the loopback
// address as their reverse proxy.
func burstServers(t *testing.T, db *store.DB) [2]*httptest.Server {
	t.Helper()
	cfg := Config{TrustedProxies: prefixes(t, "127.0.0.0/8")}
	return [2]*httptest.Server{startServerWith(t, db, cfg, &syncBuffer{}), startServerWith(t, db, cfg, &syncBuffer{})}
}

// answer is what one request of a burst got.
type answer struct {
	code        int
	retryAfter  string
	contentType string
	body        string
}

// fire sends n requests at once, request i to server i%2; mk builds request i.
func fire(t *testing.T, srvs [2]*httptest.Server, n int, mk func(i int, base string) *http.Request) []answer {
	t.Helper()
	out := make([]answer, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport: &http.Transport{MaxIdleConnsPerHost: n}}
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := mk(i, srvs[i%2].URL)
			<-start
			resp, err := hc.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			out[i] = answer{resp.StatusCode, resp.Header.Get("Retry-After"), resp.Header.Get("Content-Type"), string(b)}
		}()
	}
	close(start)
	wg.Wait()
	return out
}

// tally counts the answers by status and checks every 429: Retry-After in seconds and,
// when api is set, a problem+json body of kind too_many.
func tally(t *testing.T, what string, answers []answer, api bool) map[int]int {
	t.Helper()
	n := map[int]int{}
	for _, a := range answers {
		n[a.code]++
		if a.code != http.StatusTooManyRequests {
			continue
		}
		if s, err := strconv.Atoi(a.retryAfter); err != nil || s < 1 || s > int(lockFor.Seconds())+1 {
			t.Errorf("%s: 429 with Retry-After %q", what, a.retryAfter)
		}
		if api {
			var p problem
			if !strings.HasPrefix(a.contentType, "application/problem+json") || json.Unmarshal([]byte(a.body), &p) != nil ||
				p.Code != "too_many" || p.Status != http.StatusTooManyRequests {
				t.Errorf("%s: 429 as %s: %.200s", what, a.contentType, a.body)
			}
		}
	}
	return n
}

func from(req *http.Request, ip string) *http.Request {
	req.Header.Set("X-Forwarded-For", ip)
	return req
}

func formRequest(base, path string, form url.Values) *http.Request {
	req, _ := http.NewRequest("POST", base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

func TestSignInBurst(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		srvs := burstServers(t, db)
		wrong := url.Values{"email": {f.adminA.Email}, "password": {"doan-mo-mat-khau"}}

		// One e-mail, 200 wrong passwords at once from 200 addresses: five are tried.
		got := tally(t, "one e-mail", fire(t, srvs, burst, func(i int, base string) *http.Request {
			return from(formRequest(base, "/login", wrong), fmt.Sprintf("198.51.100.%d", i%250+1))
		}), false)
		if got[http.StatusUnauthorized] != maxFailures || got[http.StatusTooManyRequests] != burst-maxFailures {
			t.Errorf("one e-mail: %v, want %d refused passwords and the rest 429", got, maxFailures)
		}
		// The e-mail stays locked, even with the right password from a new address.
		right := url.Values{"email": {f.adminA.Email}, "password": {testPassword}}
		if a := fire(t, srvs, 1, func(_ int, base string) *http.Request { return from(formRequest(base, "/login", right), "192.0.2.77") }); a[0].code != http.StatusTooManyRequests {
			t.Errorf("locked e-mail with the right password: %d", a[0].code)
		}

		// One address, 200 e-mails at once: twenty are tried.
		got = tally(t, "one address", fire(t, srvs, burst, func(i int, base string) *http.Request {
			form := url.Values{"email": {fmt.Sprintf("doan%d@demo.motcua.vn", i)}, "password": {"doan-mo-mat-khau"}}
			return from(formRequest(base, "/login", form), "203.0.113.9")
		}), false)
		if got[http.StatusUnauthorized] != 4*maxFailures || got[http.StatusTooManyRequests] != burst-4*maxFailures {
			t.Errorf("one address: %v, want %d refused passwords and the rest 429", got, 4*maxFailures)
		}

		// Officials elsewhere sign in as usual, on either server, during the locks.
		for i, u := range []string{f.adminB.Email, f.receiverA.Email} {
			form := url.Values{"email": {u}, "password": {testPassword}}
			if a := fire(t, srvs, 1, func(_ int, base string) *http.Request {
				return from(formRequest(base, "/login", form), "192.0.2."+strconv.Itoa(i+1))
			}); a[0].code != http.StatusSeeOther {
				t.Errorf("%s from another address: %d", u, a[0].code)
			}
		}
	})
}

func TestLookupBurst(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := newPortalDesk(t, db)
		srvs := burstServers(t, db)
		d := k.receive(t, vnAt(2026, 3, 2, 9, 0), "Nguyễn Văn Tra")
		lookup := func(base, factor string) *http.Request {
			req, _ := http.NewRequest("GET", base+"/api/v1/public/lookup?ma="+url.QueryEscape(d.Code)+"&k="+url.QueryEscape(factor), nil)
			return req
		}

		// One address, 200 look-ups at once: thirty are answered by each server (look-ups
		// are counted per address in each process, so the look-up costs no write).
		got := tally(t, "one address", fire(t, srvs, burst, func(_ int, base string) *http.Request {
			return from(lookup(base, ""), "203.0.113.5")
		}), true)
		if got[http.StatusOK] != 2*lookupLimit || got[http.StatusTooManyRequests] != burst-2*lookupLimit {
			t.Errorf("one address: %v, want %d answers and the rest 429", got, 2*lookupLimit)
		}
		// One reference, 200 guesses of its second factor from 200 addresses: ten are
		// compared by each server at most, and the failures lock it in the database.
		got = tally(t, "one reference", fire(t, srvs, burst, func(i int, base string) *http.Request {
			return from(lookup(base, fmt.Sprintf("%04d", 1000+i)), fmt.Sprintf("198.51.100.%d", i%250+1))
		}), true)
		if n := got[http.StatusNotFound]; n < lookupRefLimit || n > 2*lookupRefLimit || n+got[http.StatusTooManyRequests] != burst {
			t.Errorf("one reference: %v, want %d to %d wrong factors and the rest 429", got, lookupRefLimit, 2*lookupRefLimit)
		}
		// The reference stays locked for everyone, even with its right factor; other
		// dossiers are looked up as usual from other addresses.
		if a := fire(t, srvs, 1, func(_ int, base string) *http.Request { return from(lookup(base, d.LookupSecret), "192.0.2.10") }); a[0].code != http.StatusTooManyRequests {
			t.Errorf("locked reference with its factor: %d", a[0].code)
		}
		other := k.receive(t, vnAt(2026, 3, 2, 10, 0), "Trần Thị Khác")
		for i, base := range srvs {
			req, _ := http.NewRequest("GET", base.URL+"/api/v1/public/lookup?ma="+url.QueryEscape(other.Code)+"&k="+other.LookupSecret, nil)
			if a := fire(t, srvs, 1, func(int, string) *http.Request { return from(req, "192.0.2."+strconv.Itoa(20+i)) }); a[0].code != http.StatusOK {
				t.Errorf("another dossier from another address: %d %s", a[0].code, a[0].body)
			}
		}
		// The page refuses in HTML with the same header.
		req, _ := http.NewRequest("GET", srvs[0].URL+"/tra-cuu?ma="+url.QueryEscape(d.Code), nil)
		a := fire(t, srvs, 1, func(int, string) *http.Request { return from(req, "203.0.113.5") })
		if a[0].code != http.StatusTooManyRequests || a[0].retryAfter == "" || !strings.HasPrefix(a[0].contentType, "text/html") {
			t.Errorf("look-up page over the limit: %d %q %q", a[0].code, a[0].retryAfter, a[0].contentType)
		}
	})
}

func TestSubmissionBurst(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := newUploadFixture(t, db)
		srvs := burstServers(t, db)
		pdf, png := realPDF(t), realPNG(t)
		submit := func(base string, n int, ip string) *http.Request {
			body, ctype := rawMultipart(t, k.submission(n), filePart("file_0", "to-khai.pdf", pdf), filePart("file_1", "giay.png", png))
			req, _ := http.NewRequest("POST", base+"/nop-truc-tuyen", body)
			req.Header.Set("Content-Type", ctype)
			return from(req, ip)
		}
		// One address, 200 submissions at once: twenty are taken (each a dossier).
		got := tally(t, "one address", fire(t, srvs, burst, func(i int, base string) *http.Request {
			return submit(base, i, "203.0.113.7")
		}), false)
		if got[http.StatusSeeOther] != submitLimit || got[http.StatusTooManyRequests] != burst-submitLimit {
			t.Errorf("one address: %v, want %d submissions and the rest 429", got, submitLimit)
		}
		if n := countDossiers(t, db); n != submitLimit {
			t.Errorf("%d dossiers stored, want %d", n, submitLimit)
		}
		// Citizens at other addresses submit as usual.
		for i := range 2 {
			a := fire(t, srvs, 1, func(_ int, base string) *http.Request { return submit(base, 1000+i, "192.0.2."+strconv.Itoa(30+i)) })
			if a[0].code != http.StatusSeeOther {
				t.Errorf("a citizen at another address: %d", a[0].code)
			}
		}
	})
}

// TestLimiterRelease: a request given back does not count; a locked key stays locked.
func TestLimiterRelease(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, vnZone)
	l := newAddressLimiter(2, 15*time.Minute, 15*time.Minute)
	for i := range 5 {
		if ok, _ := l.allow("ref", t0); !ok {
			t.Fatalf("request %d refused though each was given back", i+1)
		}
		l.release("ref", t0)
	}
	l.allow("ref", t0)
	l.allow("ref", t0)
	ok, until := l.allow("ref", t0)
	l.release("ref", t0)
	if ok2, _ := l.allow("ref", t0.Add(time.Minute)); ok || ok2 || until.IsZero() {
		t.Fatal("a locked key opened by a release")
	}
}
