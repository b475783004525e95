package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/motcua/motcua/internal/vn"
)

// chromiumPath finds Debian's Chromium; without it the tests skip locally and fail in CI.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("MOTCUA_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := exec.LookPath(p); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed: .ci/run must install Debian's chromium")
	}
	t.Skip("chromium not installed (apt-get install chromium)")
	return ""
}

// browser is one tab of a headless Chromium, in its own browser context (its own cookies,
// like a separate person), recording console errors, uncaught exceptions, failed requests
// and server errors so the test fails on them.
type browser struct {
	t      *testing.T
	base   string
	who    string
	ctx    context.Context
	shots  *shots
	mu     sync.Mutex
	errors []string
}

// chromium is one Chromium process; each person gets a tab of their own from it.
type chromium struct {
	t     *testing.T
	base  string
	root  context.Context
	shots *shots
}

func newChromium(t *testing.T, base string) *chromium {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", "vi-VN"), chromedp.Flag("accept-lang", "vi-VN,vi"),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	root, cancel := chromedp.NewContext(actx)
	if _, err := chromedp.Run(root, chromedp.Location()); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	t.Cleanup(func() { cancel(); cancelAlloc() })
	return &chromium{t: t, base: base, root: root, shots: newShots(t)}
}

// tab opens a tab in a fresh browser context.
func (c *chromium) tab(who string) *browser {
	t := c.t
	ctx, cancel := chromedp.NewContext(c.root, chromedp.WithNewBrowserContext())
	b := &browser{t: t, base: c.base, who: who, ctx: ctx, shots: c.shots}
	if err := chromedp.Listen(ctx, b.listen); err != nil {
		t.Fatalf("open a tab for %s: %v", who, err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatalf("network events: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		b.mu.Lock()
		defer b.mu.Unlock()
		for _, e := range b.errors {
			t.Errorf("%s's browser: %s", who, e)
		}
	})
	return b
}

func (b *browser) listen(ev any) {
	var msg string
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError {
			var parts []string
			for _, a := range ev.Args {
				parts = append(parts, string(a.Value))
			}
			msg = "console error: " + strings.Join(parts, " ")
		}
	case *runtime.EventExceptionThrown:
		msg = "uncaught exception: " + ev.ExceptionDetails.Text
	case *network.EventLoadingFailed:
		if !ev.Canceled {
			msg = "request failed: " + ev.ErrorText
		}
	case *network.EventResponseReceived:
		if ev.Response.Status >= 500 {
			msg = fmt.Sprintf("server error %d on %s", int(ev.Response.Status), ev.Response.URL)
		}
	}
	if msg != "" {
		b.mu.Lock()
		b.errors = append(b.errors, msg)
		b.mu.Unlock()
	}
}

// run performs steps with a time limit.
func (b *browser) run(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		url, _ := chromedp.Run(b.ctx, chromedp.Location())
		b.t.Fatalf("%s (at %s): %v", what, url, err)
	}
}

// get runs one action that returns a value, with a time limit.
func get[T any](b *browser, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		url, _ := chromedp.Run(b.ctx, chromedp.Location())
		b.t.Fatalf("%s (at %s): %v", what, url, err)
	}
	return v
}

// text returns the visible text of the page.
func (b *browser) text() string {
	b.t.Helper()
	return get(b, "read the page", chromedp.Text(chromedp.CSS("body")))
}

// expect checks the page shows every string.
func (b *browser) expect(what string, wants ...string) {
	b.t.Helper()
	body := b.text()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			b.t.Fatalf("%s: the page does not show %q:\n%s", what, w, clip(body))
		}
	}
}

func clip(s string) string {
	if len(s) > 3000 {
		return s[:3000] + "…"
	}
	return s
}

// noOverflow checks the page has no horizontal scroll at the current width.
func (b *browser) noOverflow(page string) {
	b.t.Helper()
	w := get(b, "measure "+page, chromedp.Evaluate[[2]int](`[document.documentElement.scrollWidth, window.innerWidth]`))
	if w[0] > w[1]+1 {
		b.t.Errorf("%s overflows horizontally: %d px wide in a %d px window", page, w[0], w[1])
	}
}

// fetch requests a URL from inside the page (with its cookies) and returns the status,
// the content type and the first bytes of the body.
func (b *browser) fetch(url string) (status int, contentType, head string) {
	b.t.Helper()
	type result struct {
		Status int    `json:"status"`
		Type   string `json:"type"`
		Head   string `json:"head"`
	}
	js := fmt.Sprintf(`fetch(%q).then(async r => { const buf = new Uint8Array(await r.arrayBuffer());
		return {status: r.status, type: r.headers.get('content-type') || '', head: String.fromCharCode(...buf.slice(0, 5))}; })`, url)
	res := get(b, "fetch "+url, chromedp.Evaluate[result](js, chromedp.EvalAwaitPromise))
	return res.Status, res.Type, res.Head
}

// open navigates to a path of the server.
func (b *browser) open(path string) {
	b.t.Helper()
	b.run("open "+path, chromedp.Navigate(b.base+path), chromedp.WaitReady(chromedp.CSS("body")))
}

// submit clicks a button and waits for the next page.
func (b *browser) submit(button string) {
	b.t.Helper()
	b.run("click "+button, chromedp.Evaluate[chromedp.Void](`window.__leaving = true`), chromedp.Click(chromedp.CSS(button)))
	b.waitNewPage("after " + button)
}

// waitNewPage waits until the page that set window.__leaving is replaced by a loaded one
// (evaluation fails while the navigation is under way; those errors are retried).
func (b *browser) waitNewPage(what string) {
	b.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
		done, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!window.__leaving && document.readyState === 'complete'`))
		cancel()
		if err == nil && done {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.t.Fatalf("no new page %s", what)
}

// fill sets form fields by CSS selector.
func (b *browser) fill(fields map[string]string) {
	b.t.Helper()
	for sel, v := range fields {
		b.run("fill "+sel, chromedp.SetValue(chromedp.CSS(sel), v))
	}
}

// widths checks the page at phone and desktop width.
func (b *browser) widths(page string) {
	b.t.Helper()
	step := b.shots.next()
	for _, w := range []int64{390, 1280} {
		b.run("resize", chromedp.EmulateViewport(w, 900))
		b.noOverflow(fmt.Sprintf("%s at %d px", page, w))
		b.shots.save(fmt.Sprintf("%02d-%s-%s-%d.png", step, b.who, page, w), get(b, "screenshot of "+page, chromedp.FullScreenshot(90)))
	}
	b.run("reset size", chromedp.ResetViewport())
}

// shots writes the screenshots of a test's steps into a folder the test log names:
// MOTCUA_SCREENSHOTS (CI sets it) or a folder under the system's temporary directory, then
// the test's name. Each step checked at phone and desktop width (widths) is photographed
// at both.
type shots struct {
	t   *testing.T
	dir string
	mu  sync.Mutex
	n   int
}

func newShots(t *testing.T) *shots {
	dir := os.Getenv("MOTCUA_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "motcua-e2e-screenshots")
	}
	dir = filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "-"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", dir)
	return &shots{t: t, dir: dir}
}

// next numbers a step.
func (s *shots) next() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	return s.n
}

// save writes one PNG under a name made safe for any file system (no diacritics, no
// spaces).
func (s *shots) save(name string, png []byte) {
	s.t.Helper()
	safe := strings.Trim(unsafeName.ReplaceAllString(vn.Fold(name), "-"), "-")
	if err := os.WriteFile(filepath.Join(s.dir, safe), png, 0o644); err != nil {
		s.t.Fatal(err)
	}
}

var unsafeName = regexp.MustCompile(`[^a-z0-9.]+`)

// links returns the same-site links of the page.
func (b *browser) links() []string {
	b.t.Helper()
	return get(b, "collect links", chromedp.Evaluate[[]string](`[...document.querySelectorAll('a[href]')].map(a => a.href).filter(h => h.startsWith(location.origin))`))
}

// evaluate runs a script for its effect.
func evaluate(js string) chromedp.Action[chromedp.Void] { return chromedp.Evaluate[chromedp.Void](js) }

// clickOn clicks the first element matching a CSS selector.
func clickOn(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Click(chromedp.CSS(sel))
}

// attr reads an attribute of the first element matching a CSS selector.
func attr(sel, name string) chromedp.Action[string] {
	return chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q).getAttribute(%q)`, sel, name))
}
