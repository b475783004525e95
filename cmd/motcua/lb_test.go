package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"database/sql"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/demo"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestLoadBalancedServers runs three `motcua serve` processes on one PostgreSQL schema
// behind Debian's HAProxy, configured by deploy/haproxy.cfg (TLS at the load balancer,
// round robin, health checks on /healthz). Through it, API clients receive dossiers with
// idempotency keys, citizens look them up, a signed-in overseer reads reports and the
// public statistics are read, while one server is stopped with SIGTERM (restarted later)
// and another is killed with SIGKILL. Afterwards: every acknowledged dossier exists once
// and nothing was doubled, the one sign-in was honoured by every server it reached
// (including the restarted one), each background job due at start ran once across the
// three servers, and the per-day dossier numbers have no gap.
func TestLoadBalancedServers(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes and HAProxy")
	}
	haproxy := lookHAProxy(t)
	began := time.Now()
	dsn := storetest.PostgresDSN(t)
	fx := prepareLB(t, dsn)
	dir := t.TempDir()
	certFile, roots := selfSignedCert(t, dir)

	servers := []*lbServer{{name: "app1"}, {name: "app2"}, {name: "app3"}}
	var wg sync.WaitGroup
	for _, s := range servers {
		s.addr = freeAddr(t)
		wg.Go(func() { s.start(t, dsn) }) // together: they migrate under the lock and race for the due jobs
	}
	wg.Wait()
	t.Cleanup(func() {
		for _, s := range servers {
			s.kill()
		}
	})
	lb := startHAProxy(t, haproxy, dir, certFile, servers)
	client := &lbClient{base: "https://" + lb, hc: newLBHTTPClient(roots, nil)}
	client.waitServers(t, "app1", "app2", "app3")
	t.Logf("ready after %s", time.Since(began).Round(time.Millisecond))

	// One sign-in through the load balancer, kept for the whole run.
	jar, _ := cookiejar.New(nil)
	officer := &lbClient{base: client.base, hc: newLBHTTPClient(roots, jar)}
	officer.login(t, "giamsat.phutho@demo.motcua.vn", demo.Password)

	tr := &traffic{acked: map[string]string{}, served: map[string]int{}}
	stop := make(chan struct{})
	var workers sync.WaitGroup
	for w := range 4 {
		workers.Go(func() { tr.intakes(client, fx, w, stop) })
	}
	workers.Go(func() { tr.session(officer, stop) })
	workers.Go(func() { tr.reports(officer, client, stop) })
	workers.Go(func() { tr.lookups(client, stop) })

	// The servers' troubles, in the middle of the traffic.
	time.Sleep(3 * time.Second)
	servers[1].terminate(t, 5*time.Second) // app2: graceful stop
	time.Sleep(2 * time.Second)
	servers[2].kill() // app3: crash
	t.Log("app2 stopped (SIGTERM), app3 killed (SIGKILL)")
	time.Sleep(2 * time.Second)
	servers[1].start(t, dsn) // app2 comes back with an empty memory
	tr.mark("app2 restarted")
	time.Sleep(7 * time.Second)
	close(stop)
	workers.Wait()

	// Every key once more: acknowledged ones answer the same dossier, the others are
	// received now; none twice.
	for _, key := range tr.keyList() {
		code, ok := "", false
		for range 20 {
			if code, ok = client.intake(fx, key); ok {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		if !ok {
			t.Fatalf("intake %s never acknowledged", key)
		}
		if first, had := tr.acked[key]; had && first != code {
			t.Fatalf("retry of %s answered %s, first answer %s", key, code, first)
		}
		tr.acked[key] = code
	}
	tr.report(t)
	checkLBDatabase(t, dsn, fx, tr)
	t.Logf("whole test %s", time.Since(began).Round(time.Millisecond))
}

// lookHAProxy finds Debian's haproxy; CI installs it (.ci/run) and must not skip.
func lookHAProxy(t *testing.T) string {
	t.Helper()
	return lookBinary(t, "haproxy", "haproxy")
}

// lookBinary finds a Debian program (also in /usr/sbin, outside a user's PATH). Without
// it the test skips, except in CI (CI=true), where .ci/run installs the package.
func lookBinary(t *testing.T, name, pkg string) string {
	t.Helper()
	if path, err := exec.LookPath(name); err == nil {
		return path
	}
	for _, dir := range []string{"/usr/sbin", "/usr/local/sbin"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return filepath.Join(dir, name)
		}
	}
	if strings.EqualFold(os.Getenv("CI"), "true") {
		t.Fatalf("%s is not installed; .ci/run installs it (apt-get install %s)", name, pkg)
	}
	t.Skipf("%s not installed (apt-get install %s); CI runs this test", name, pkg)
	return ""
}

// lbFixture is what the traffic needs: an API token of the Thanh Ba desk, its agency and
// the intake body, and the background jobs made due at start.
type lbFixture struct {
	secret, agencyID string
	body             []byte
	dueAt            time.Time
	jobs             []string
}

func prepareLB(t *testing.T, dsn string) lbFixture {
	t.Helper()
	secret, agencyID, body := prepareCrashDB(t, dsn)
	var intake map[string]any
	if err := json.Unmarshal(body(agencyID), &intake); err != nil {
		t.Fatal(err)
	}
	intake["applicant"].(map[string]any)["phone"] = "0912345678" // the look-up's second factor: 5678
	b, err := json.Marshal(intake)
	if err != nil {
		t.Fatal(err)
	}
	fx := lbFixture{secret: secret, agencyID: agencyID, body: b}
	// Register the jobs, then make every one due: the three servers start together and
	// each job must run once among them.
	if out, err := runCmd(t, "worker", "--db", dsn, "--once"); err != nil {
		t.Fatalf("worker --once: %v\n%s", err, out)
	}
	raw := openRaw(t, dsn)
	fx.dueAt = time.Now().Add(-time.Minute).UTC().Truncate(time.Second)
	if _, err := raw.Exec(`UPDATE jobs SET next_run_at = $1, lease_owner = NULL, lease_until = NULL`, fx.dueAt); err != nil {
		t.Fatal(err)
	}
	rows, err := raw.Query(`SELECT name FROM jobs ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		fx.jobs = append(fx.jobs, n)
	}
	if len(fx.jobs) < 3 {
		t.Fatalf("jobs registered: %v", fx.jobs)
	}
	return fx
}

func openRaw(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	raw, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

// selfSignedCert writes a certificate for 127.0.0.1 and its key in one PEM file, as
// HAProxy's crt wants, and returns the pool a client trusts it with.
func selfSignedCert(t *testing.T, dir string) (string, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "motcua test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	_ = pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: der})
	_ = pem.Encode(&b, &pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
	path := filepath.Join(dir, "motcua.pem")
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return path, pool
}

// lbServer is one `motcua serve` child process.
type lbServer struct {
	name, addr string
	mu         sync.Mutex
	cmd        *exec.Cmd
	logs       *lockedBuffer
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (s *lbServer) start(t *testing.T, dsn string) {
	args := []string{"serve", "--db", dsn, "--addr", s.addr, "--trusted-proxies", "127.0.0.1,::1",
		"--shutdown-timeout", "5s", "--log-format", "json", "--db-max-conns", "4"}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "MOTCUA_TEST_CHILD=1", "MOTCUA_CONFIG=", "MOTCUA_TEST_ARGS="+strings.Join(args, "\x1f"))
	logs := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Error(err)
		return
	}
	s.mu.Lock()
	s.cmd, s.logs = cmd, logs
	s.mu.Unlock()
	for range 400 {
		if resp, err := http.Get("http://" + s.addr + "/healthz"); err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.kill()
	t.Errorf("%s did not start:\n%s", s.name, logs.String())
}

// terminate sends SIGTERM and waits; after grace it kills.
func (s *lbServer) terminate(t *testing.T, grace time.Duration) {
	s.mu.Lock()
	cmd := s.cmd
	s.mu.Unlock()
	if cmd == nil || cmd.Process == nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("%s after SIGTERM: %v\n%s", s.name, err, s.logs.String())
		}
	case <-time.After(grace):
		_ = cmd.Process.Kill()
		<-done
		t.Logf("%s did not stop within %s: killed", s.name, grace)
	}
	s.mu.Lock()
	s.cmd = nil
	s.mu.Unlock()
}

func (s *lbServer) kill() {
	s.mu.Lock()
	cmd := s.cmd
	s.cmd = nil
	s.mu.Unlock()
	if cmd != nil && cmd.Process != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}
}

// haproxyRewrites turn the shipped deploy/haproxy.cfg into one this test can run without
// root: its own addresses, certificate and log target. Every rule must match, so the
// test notices when the file changes shape.
func haproxyConfig(shipped, lbAddr, httpAddr, certFile string, servers []*lbServer) (string, error) {
	type rule struct {
		re   *regexp.Regexp
		repl string
		hits int
	}
	rules := []*rule{
		{re: regexp.MustCompile(`^\s*log /dev/log .*$`), repl: "    log stderr format raw local0"},
		{re: regexp.MustCompile(`^\s*(chroot|user|group|daemon)\b.*$`), repl: ""},
		{re: regexp.MustCompile(`^(\s*bind) :80$`), repl: "${1} " + httpAddr},
		{re: regexp.MustCompile(`^(\s*bind) :443 ssl crt \S+(.*)$`), repl: "${1} " + lbAddr + " ssl crt " + certFile + "${2}"},
		{re: regexp.MustCompile(`^\s*server app\d+ .*$`), repl: ""},
	}
	var out []string
	for _, line := range strings.Split(shipped, "\n") {
		replaced := false
		for _, r := range rules {
			if r.re.MatchString(line) {
				r.hits++
				line, replaced = r.re.ReplaceAllString(line, r.repl), true
				if strings.Contains(r.re.String(), "server app") && r.hits == 1 {
					for _, s := range servers {
						out = append(out, fmt.Sprintf("    server %s %s", s.name, s.addr))
					}
				}
				break
			}
		}
		if !replaced || strings.TrimSpace(line) != "" {
			out = append(out, line)
		}
	}
	for _, r := range rules {
		if r.hits == 0 {
			return "", fmt.Errorf("deploy/haproxy.cfg has no line matching %s: update lb_test.go with it", r.re)
		}
	}
	return strings.Join(out, "\n"), nil
}

func startHAProxy(t *testing.T, bin, dir, certFile string, servers []*lbServer) string {
	t.Helper()
	shipped, err := os.ReadFile("../../deploy/haproxy.cfg")
	if err != nil {
		t.Fatal(err)
	}
	lbAddr, httpAddr := freeAddr(t), freeAddr(t)
	text, err := haproxyConfig(string(shipped), lbAddr, httpAddr, certFile, servers)
	if err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "haproxy.cfg")
	if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "-c", "-f", cfg).CombinedOutput(); err != nil {
		t.Fatalf("haproxy -c: %v\n%s\n%s", err, out, text)
	}
	cmd := exec.Command(bin, "-db", "-f", cfg)
	logs := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("haproxy log:\n%s", logs.String())
		}
	})
	// Plain HTTP is redirected to HTTPS.
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for range 100 {
		resp, err := noRedirect.Get("http://" + httpAddr + "/tra-cuu")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode != http.StatusMovedPermanently || !strings.HasPrefix(resp.Header.Get("Location"), "https://") {
				t.Fatalf("plain HTTP: %d %s", resp.StatusCode, resp.Header.Get("Location"))
			}
			return lbAddr
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("haproxy did not start:\n%s", logs.String())
	return ""
}

func newLBHTTPClient(roots *x509.CertPool, jar http.CookieJar) *http.Client {
	return &http.Client{
		Timeout:       10 * time.Second,
		Jar:           jar,
		Transport:     &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}, MaxIdleConnsPerHost: 8},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// lbClient talks to the load balancer.
type lbClient struct {
	base string
	hc   *http.Client
}

// get returns the status, the server that answered and the body (status 0: no answer).
func (c *lbClient) get(path string) (int, string, []byte) {
	resp, err := c.hc.Get(c.base + path)
	if err != nil {
		return 0, "", nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("X-Served-By"), b
}

// waitServers waits until requests reached each of the servers.
func (c *lbClient) waitServers(t *testing.T, names ...string) {
	t.Helper()
	seen := map[string]bool{}
	for range 200 {
		if code, by, _ := c.get("/healthz"); code == http.StatusOK {
			seen[by] = true
		}
		if len(seen) == len(names) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("servers reached through the load balancer: %v, want %v", seen, names)
}

func (c *lbClient) login(t *testing.T, email, password string) {
	t.Helper()
	resp, err := c.hc.PostForm(c.base+"/login", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cookie := resp.Header.Get("Set-Cookie")
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(cookie, "; Secure") {
		t.Fatalf("sign-in through the load balancer: %d, cookie %q", resp.StatusCode, cookie)
	}
}

// intake posts the fixture's intake with an idempotency key; ok means acknowledged.
func (c *lbClient) intake(fx lbFixture, key string) (string, bool) {
	return sendIntake(c.hc, c.base, fx.secret, key, fx.body)
}

// traffic records what the clients saw.
type traffic struct {
	mu       sync.Mutex
	keys     []string
	acked    map[string]string
	served   map[string]int // session requests answered, by server
	after    map[string]int // the same after the restart mark
	marked   bool
	unauth   int // session requests answered 401: a lost sign-in
	retries  atomic.Int64
	reportOK atomic.Int64
	lookOK   atomic.Int64
	problems []string
}

func (tr *traffic) fail(format string, args ...any) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.problems = append(tr.problems, fmt.Sprintf(format, args...))
}

func (tr *traffic) mark(string) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.marked, tr.after = true, map[string]int{}
}

func stopped(stop <-chan struct{}) bool {
	select {
	case <-stop:
		return true
	default:
		return false
	}
}

// intakes receives dossiers as an integrating system would: a new key per dossier,
// retried with the same key until acknowledged.
func (tr *traffic) intakes(c *lbClient, fx lbFixture, worker int, stop <-chan struct{}) {
	for n := 0; !stopped(stop); n++ {
		key := fmt.Sprintf("lb-%d-%d", worker, n)
		tr.mu.Lock()
		tr.keys = append(tr.keys, key)
		tr.mu.Unlock()
		for !stopped(stop) {
			if code, ok := c.intake(fx, key); ok {
				tr.mu.Lock()
				tr.acked[key] = code
				tr.mu.Unlock()
				break
			}
			tr.retries.Add(1)
			time.Sleep(100 * time.Millisecond)
		}
	}
}

// session reads the signed-in official's profile again and again: any server may answer,
// and none may have forgotten the sign-in.
func (tr *traffic) session(c *lbClient, stop <-chan struct{}) {
	for !stopped(stop) {
		code, by, _ := c.get("/api/v1/me")
		tr.mu.Lock()
		switch {
		case code == http.StatusOK:
			tr.served[by]++
			if tr.marked {
				tr.after[by]++
			}
		case code == http.StatusUnauthorized:
			tr.unauth++
		}
		tr.mu.Unlock()
		time.Sleep(40 * time.Millisecond)
	}
}

// reports reads the overseer's report and the public statistics.
func (tr *traffic) reports(officer, public *lbClient, stop <-chan struct{}) {
	for !stopped(stop) {
		for _, r := range []struct {
			c    *lbClient
			path string
		}{{officer, "/api/v1/reports/stats?by=children"}, {public, "/api/v1/public/stats"}} {
			code, by, body := r.c.get(r.path)
			switch {
			case code == http.StatusOK:
				tr.reportOK.Add(1)
			case code == 0 || code >= 500:
				tr.retries.Add(1)
			default:
				tr.fail("%s from %s: %d %s", r.path, by, code, body)
			}
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// lookups looks acknowledged dossiers up as citizens do (the look-up throttle allows 30
// per address in its window; this stays under it).
func (tr *traffic) lookups(c *lbClient, stop <-chan struct{}) {
	for n := 0; n < 20 && !stopped(stop); {
		time.Sleep(600 * time.Millisecond)
		tr.mu.Lock()
		var code string
		for _, v := range tr.acked {
			code = v
			break
		}
		tr.mu.Unlock()
		if code == "" {
			continue
		}
		n++
		status, by, body := c.get("/api/v1/public/lookup?ma=" + url.QueryEscape(code) + "&k=5678")
		switch {
		case status == http.StatusOK && bytes.Contains(body, []byte(code)):
			tr.lookOK.Add(1)
		case status == 0 || status >= 500:
			tr.retries.Add(1)
		default:
			tr.fail("look-up %s from %s: %d %s", code, by, status, body)
		}
	}
}

func (tr *traffic) keyList() []string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return slices.Clone(tr.keys)
}

func (tr *traffic) report(t *testing.T) {
	t.Helper()
	tr.mu.Lock()
	defer tr.mu.Unlock()
	t.Logf("%d intakes (%d acknowledged during the run), %d retries after errors, session answers by server %v (after the restart %v), %d reports, %d look-ups",
		len(tr.keys), len(tr.acked), tr.retries.Load(), tr.served, tr.after, tr.reportOK.Load(), tr.lookOK.Load())
	for _, p := range tr.problems {
		t.Error(p)
	}
	if tr.unauth > 0 {
		t.Errorf("the sign-in was lost %d times", tr.unauth)
	}
	for _, name := range []string{"app1", "app2", "app3"} {
		if tr.served[name] == 0 {
			t.Errorf("the signed-in official never reached %s: %v", name, tr.served)
		}
	}
	if tr.after["app2"] == 0 {
		t.Errorf("the restarted app2 never served the signed-in official: %v", tr.after)
	}
	if len(tr.keys) < 20 || tr.reportOK.Load() < 5 || tr.lookOK.Load() < 5 {
		t.Errorf("too little traffic to mean anything: %d intakes, %d reports, %d look-ups", len(tr.keys), tr.reportOK.Load(), tr.lookOK.Load())
	}
}

// checkLBDatabase checks the database after the run: one dossier per key, gap-free daily
// numbers, verified history and rollups, and each job due at start run once.
func checkLBDatabase(t *testing.T, dsn string, fx lbFixture, tr *traffic) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	list, err := db.ListDossiers(ctx, store.DossierFilter{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	byDay := map[string][]int{}
	for _, d := range list {
		if seen[d.Code] {
			t.Errorf("code %s twice", d.Code)
		}
		seen[d.Code] = true
		c, err := dossier.ParseCode(d.Code)
		if err != nil {
			t.Fatalf("code %q: %v", d.Code, err)
		}
		key := c.Agency + "-" + c.Day.Format("060102")
		byDay[key] = append(byDay[key], c.Sequence)
	}
	for key, code := range tr.acked {
		if !seen[code] {
			t.Errorf("acknowledged dossier %s (%s) is missing", code, key)
		}
	}
	// One dossier per key, plus the one prepareCrashDB received at the desk.
	if want := len(tr.acked) + 1; len(list) != want {
		t.Errorf("%d dossiers stored for %d keys + 1: something was doubled or lost", len(list), len(tr.acked))
	}
	for day, seqs := range byDay {
		sort.Ints(seqs)
		for i, n := range seqs {
			if n != i+1 {
				t.Errorf("%s: numbers %v… have a gap or a repeat at %d", day, seqs[:min(len(seqs), 10)], n)
				break
			}
		}
	}
	if rep, err := db.VerifyHistory(ctx); err != nil || len(rep.Problems) != 0 {
		t.Errorf("history: %v %+v", err, rep.Problems)
	}
	if diffs, err := db.VerifyRollups(ctx); err != nil || len(diffs) != 0 {
		t.Errorf("rollups: %v %+v", err, diffs)
	}

	raw := openRaw(t, dsn)
	rows, err := raw.Query(`SELECT job, owner, attempt, scheduled_at FROM job_runs WHERE scheduled_at = $1`, fx.dueAt)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	runs := map[string][]string{}
	for rows.Next() {
		var (
			job, owner string
			attempt    int
			at         time.Time
		)
		if err := rows.Scan(&job, &owner, &attempt, &at); err != nil {
			t.Fatal(err)
		}
		if attempt == 1 {
			runs[job] = append(runs[job], owner)
		}
	}
	owners := map[string]bool{}
	for _, job := range fx.jobs {
		if len(runs[job]) != 1 {
			t.Errorf("job %s due at start ran %d times: %v", job, len(runs[job]), runs[job])
		}
		for _, o := range runs[job] {
			owners[o] = true
		}
	}
	t.Logf("%d jobs ran once each, by %d of the servers; %d dossiers over %d agency-days", len(fx.jobs), len(owners), len(list), len(byDay))
}

// TestNginxExample runs deploy/nginx.conf (its addresses and certificate replaced) in
// front of one server: plain HTTP is redirected, HTTPS reaches motcua, which believes the
// forwarded protocol (HSTS), and /metrics is not published.
func TestNginxExample(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server process and nginx")
	}
	bin := lookBinary(t, "nginx", "nginx-light")
	dir := t.TempDir()
	certFile, roots := selfSignedCert(t, dir)
	srv := &lbServer{name: "app1", addr: freeAddr(t)}
	srv.start(t, filepath.Join(dir, "motcua.db"))
	t.Cleanup(srv.kill)
	if t.Failed() {
		return
	}
	shipped, err := os.ReadFile("../../deploy/nginx.conf")
	if err != nil {
		t.Fatal(err)
	}
	lbAddr, httpAddr := freeAddr(t), freeAddr(t)
	site := string(shipped)
	for _, r := range []struct{ re, repl string }{
		{`(?m)^(\s*)server 127\.0\.0\.1:8080 (.*)$`, "${1}server " + srv.addr + " ${2}"},
		{`(?m)^(\s*)listen 443 ssl(.*);$`, "${1}listen " + lbAddr + " ssl${2};"},
		{`(?m)^(\s*)listen 80;$`, "${1}listen " + httpAddr + ";"},
		{`(?m)^(\s*ssl_certificate(_key)?)\s+\S+;$`, "${1} " + certFile + ";"},
	} {
		re := regexp.MustCompile(r.re)
		if !re.MatchString(site) {
			t.Fatalf("deploy/nginx.conf has no line matching %s: update TestNginxExample", r.re)
		}
		site = re.ReplaceAllString(site, r.repl)
	}
	conf := fmt.Sprintf(`worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path %[1]s/body;
    proxy_temp_path %[1]s/proxy;
    fastcgi_temp_path %[1]s/fastcgi;
    uwsgi_temp_path %[1]s/uwsgi;
    scgi_temp_path %[1]s/scgi;
%[2]s
}
`, dir, site)
	confFile := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confFile, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "-t", "-p", dir, "-c", confFile).CombinedOutput(); err != nil {
		t.Fatalf("nginx -t: %v\n%s\n%s", err, out, conf)
	}
	cmd := exec.Command(bin, "-p", dir, "-c", confFile, "-g", "daemon off;")
	logs := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGQUIT)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	c := &lbClient{base: "https://" + lbAddr, hc: newLBHTTPClient(roots, nil)}
	var resp *http.Response
	for range 100 {
		if resp, err = c.hc.Get(c.base + "/tra-cuu"); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("nginx did not answer: %v\n%s", err, logs.String())
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Strict-Transport-Security") == "" {
		t.Fatalf("HTTPS through nginx: %d, HSTS %q (the forwarded protocol was not believed)", resp.StatusCode, resp.Header.Get("Strict-Transport-Security"))
	}
	if code, _, _ := c.get("/metrics"); code != http.StatusNotFound {
		t.Errorf("/metrics through nginx: %d", code)
	}
	resp, err = c.hc.Get("http://" + httpAddr + "/tra-cuu")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMovedPermanently || !strings.HasPrefix(resp.Header.Get("Location"), "https://") {
		t.Errorf("plain HTTP through nginx: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
}
