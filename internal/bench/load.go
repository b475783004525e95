package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// HTTPResult is one load run against an HTTP server.
type HTTPResult struct {
	Name     string         `json:"name"`
	Clients  int            `json:"clients"`
	Seconds  float64        `json:"seconds"`
	Requests int            `json:"requests"`
	PerSec   float64        `json:"per_second"`
	P50ms    float64        `json:"p50_ms"`
	P99ms    float64        `json:"p99_ms"`
	Statuses map[string]int `json:"statuses"` // "200": count; "error": transport errors
}

// OK is the share of answers with the expected status.
func (r HTTPResult) OK(status int) float64 {
	if r.Requests == 0 {
		return 0
	}
	return float64(r.Statuses[strconv.Itoa(status)]) / float64(r.Requests)
}

// Request is what one request of a load run asks: a path (with its query) and the
// client address a trusted proxy would forward.
type Request struct {
	Path         string
	ForwardedFor string
}

// Load drives the server at base (http://host:port) with clients concurrent keep-alive
// connections for d, each sending next(i) for its i-th request of the run, reading every
// answer whole and timing it. progress, when not nil, hears the time spent about twice a
// second.
func Load(ctx context.Context, name, base string, clients int, d time.Duration, next func(i int) Request, progress func(spent, of time.Duration)) (HTTPResult, error) {
	tr := &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients,
		DisableCompression: true, IdleConnTimeout: time.Minute,
		DialContext: (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var (
		mu       sync.Mutex
		lat      []time.Duration
		statuses = map[string]int{}
		counter  int
		wg       sync.WaitGroup
	)
	nextIndex := func() int {
		mu.Lock()
		defer mu.Unlock()
		counter++
		return counter - 1
	}
	start := time.Now()
	stopProgress := make(chan struct{})
	if progress != nil {
		go func() {
			t := time.NewTicker(500 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-stopProgress:
					return
				case <-t.C:
					progress(time.Since(start), d)
				}
			}
		}()
	}
	for range clients {
		wg.Go(func() {
			var (
				mine []time.Duration
				seen = map[string]int{}
			)
			for ctx.Err() == nil {
				r := next(nextIndex())
				req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+r.Path, nil)
				if err != nil {
					seen["error"]++
					continue
				}
				if r.ForwardedFor != "" {
					req.Header.Set("X-Forwarded-For", r.ForwardedFor)
				}
				t0 := time.Now()
				resp, err := client.Do(req)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				if ctx.Err() != nil {
					break // the run ended during this request: not counted
				}
				mine = append(mine, time.Since(t0))
				if err != nil {
					seen["error"]++
				} else {
					seen[strconv.Itoa(resp.StatusCode)]++
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			for k, v := range seen {
				statuses[k] += v
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	close(stopProgress)
	elapsed := time.Since(start)
	if len(lat) == 0 {
		return HTTPResult{}, fmt.Errorf("%s: no request answered in %v", name, d)
	}
	slices.Sort(lat)
	return HTTPResult{Name: name, Clients: clients, Seconds: elapsed.Seconds(), Requests: len(lat),
		PerSec: float64(len(lat)) / elapsed.Seconds(), P50ms: ms(lat[len(lat)/2]), P99ms: ms(lat[min(len(lat)-1, len(lat)*99/100)]),
		Statuses: statuses}, nil
}

// Child is a server started as a child process, so that its memory and CPU are its own.
type Child struct {
	cmd  *exec.Cmd
	Base string // http://host:port
	done chan error
}

// StartChild runs cmd, which must print a line containing "http://host:port" once it
// listens, and waits for that line (at most a minute: a server may migrate a database
// first). The child's other output is discarded; the end of its standard error is kept
// for the error message when it fails to start.
func StartChild(cmd *exec.Cmd) (*Child, error) {
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	var stderr tailWriter
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", cmd.Path, err)
	}
	c := &Child{cmd: cmd, done: make(chan error, 1)}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		sent := false
		for sc.Scan() {
			if i := strings.Index(sc.Text(), "http://"); i >= 0 && !sent {
				found <- strings.Fields(sc.Text()[i:])[0]
				sent = true
			}
		}
		c.done <- cmd.Wait()
	}()
	select {
	case base := <-found:
		c.Base = base
		return c, nil
	case err := <-c.done:
		return nil, fmt.Errorf("%s ended before listening: %v\n%s", strings.Join(cmd.Args, " "), err, stderr.String())
	case <-time.After(time.Minute):
		c.Stop()
		return nil, fmt.Errorf("%s did not start listening within a minute", cmd.Path)
	}
}

// Memory is a process's resident memory now and at its peak, in MiB.
type Memory struct {
	RSSMB     float64 `json:"rss_mb"`
	PeakRSSMB float64 `json:"peak_rss_mb"`
}

// Memory reads the child's resident memory from /proc (Linux).
func (c *Child) Memory() (Memory, error) { return ProcessMemory(c.cmd.Process.Pid) }

// ProcessMemory reads VmRSS and VmHWM of a process from /proc/<pid>/status.
func ProcessMemory(pid int) (Memory, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return Memory{}, fmt.Errorf("read memory of process %d: %w", pid, err)
	}
	var m Memory
	for line := range strings.SplitSeq(string(b), "\n") {
		key, val, ok := strings.Cut(line, ":")
		if !ok || (key != "VmRSS" && key != "VmHWM") {
			continue
		}
		f := strings.Fields(val)
		kb, err := strconv.ParseFloat(f[0], 64)
		if err != nil || len(f) < 2 || f[1] != "kB" {
			return Memory{}, fmt.Errorf("process %d: unreadable %s %q", pid, key, val)
		}
		if key == "VmRSS" {
			m.RSSMB = kb / 1024
		} else {
			m.PeakRSSMB = kb / 1024
		}
	}
	if m.RSSMB == 0 {
		return Memory{}, errors.New("no VmRSS in /proc status")
	}
	return m, nil
}

// Stop ends the child (SIGTERM, then SIGKILL after five seconds) and waits for it.
func (c *Child) Stop() {
	if c.cmd.Process == nil {
		return
	}
	_ = c.cmd.Process.Signal(os.Interrupt)
	select {
	case <-c.done:
	case <-time.After(5 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.done
	}
}

// tailWriter keeps the last 4 KiB written to it.
type tailWriter struct {
	mu  sync.Mutex
	buf []byte
}

func (w *tailWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	if len(w.buf) > 4096 {
		w.buf = w.buf[len(w.buf)-4096:]
	}
	return len(p), nil
}

func (w *tailWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return string(w.buf)
}
