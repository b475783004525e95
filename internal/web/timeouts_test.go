package web

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// startTimedServer runs the application on a real listener with the timeouts given, as
// serve does, and returns its address.
func startTimedServer(t *testing.T, db *store.DB, to Timeouts) string {
	t.Helper()
	h, err := New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	srv := NewHTTPServer(h, to, log.New(io.Discard, "", 0))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

// dribble opens a connection, sends head at once, then sends rest one byte every step
// (a slowloris client), and returns what the server answered and how long it took to
// close the connection; it gives up after limit.
func dribble(t *testing.T, addr, head, rest string, step, limit time.Duration) (reply string, after time.Duration) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for i := 0; i < len(rest); i++ {
			select {
			case <-stop:
				return
			case <-time.After(step):
			}
			if _, err := conn.Write([]byte{rest[i]}); err != nil {
				return
			}
		}
	}()
	_ = conn.SetReadDeadline(start.Add(limit))
	b, err := io.ReadAll(conn)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the server kept a slow client for %v (answer so far %q)", limit, b)
	}
	return string(b), time.Since(start)
}

// exchange sends a raw request and reads the status line of the answer.
func exchange(t *testing.T, addr, request string) string {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	go func() { _, _ = io.WriteString(conn, request) }() // the server may answer before reading it all
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		t.Fatalf("no answer to %.80q: %v", request, err)
	}
	return strings.TrimSpace(line)
}

func TestSlowClientsAreCutOff(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		to := Timeouts{ReadHeader: 300 * time.Millisecond, Read: 800 * time.Millisecond, Write: 5 * time.Second,
			Idle: 300 * time.Millisecond, MaxHeaderBytes: DefaultTimeouts.MaxHeaderBytes}
		addr := startTimedServer(t, db, to)

		// A well-behaved client is served.
		if line := exchange(t, addr, "GET /healthz HTTP/1.1\r\nHost: motcua\r\nConnection: close\r\n\r\n"); line != "HTTP/1.1 200 OK" {
			t.Fatalf("healthz: %q", line)
		}
		// Headers a byte every 50 ms: cut off after the header timeout, never served.
		reply, after := dribble(t, addr, "GET /healthz HTTP/1.1\r\nHost: motcua\r\n", "X-Slow: "+strings.Repeat("a", 200)+"\r\n\r\n",
			50*time.Millisecond, 5*time.Second)
		if after < to.ReadHeader || strings.Contains(reply, "200 OK") {
			t.Errorf("slow headers: %q after %v", reply, after)
		}
		// A body a byte every 50 ms: cut off after the read timeout, the sign-in never tried.
		body := "email=" + strings.Repeat("a", 100) + "%40demo.motcua.vn&password=x"
		reply, after = dribble(t, addr, fmt.Sprintf("POST /login HTTP/1.1\r\nHost: motcua\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
			"Content-Length: %d\r\n\r\n", len(body)), body, 50*time.Millisecond, 5*time.Second)
		if after < to.Read || strings.Contains(reply, " 401 ") || strings.Contains(reply, " 303 ") {
			t.Errorf("slow body: %q after %v", reply, after)
		}
		// An idle keep-alive connection is closed.
		reply, after = dribble(t, addr, "GET /healthz HTTP/1.1\r\nHost: motcua\r\n\r\n", "", time.Millisecond, 5*time.Second)
		if !strings.HasPrefix(reply, "HTTP/1.1 200 OK") || after < to.Idle {
			t.Errorf("idle connection: %q closed after %v", reply, after)
		}
	})
}

func TestOversizedRequestsAreRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		addr := startTimedServer(t, db, DefaultTimeouts)
		// Headers over the limit: 431 before any handler runs.
		big := "GET /healthz HTTP/1.1\r\nHost: motcua\r\nX-Big: " + strings.Repeat("a", DefaultTimeouts.MaxHeaderBytes+8<<10) + "\r\n\r\n"
		if line := exchange(t, addr, big); !strings.Contains(line, "431") {
			t.Errorf("oversized headers: %q", line)
		}
		// Bodies over the limits: 413 from the declared length, the body never sent.
		for _, tc := range []struct {
			path  string
			ctype string
			size  int64
		}{
			{"/login", "application/x-www-form-urlencoded", 2 << 20},
			{"/api/v1/dossiers", "application/json", 2 << 20},
			{"/api/v1/public/ratings", "application/json", 2 << 20},
			{"/nop-truc-tuyen", "multipart/form-data; boundary=x", 21 << 20},
		} {
			req := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: %s\r\nOrigin: http://%s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n",
				tc.path, addr, addr, tc.ctype, tc.size)
			if line := exchange(t, addr, req); !strings.Contains(line, "413") {
				t.Errorf("POST %s with %d bytes: %q", tc.path, tc.size, line)
			}
		}
		// The same without a declared length (chunked): the reading stops at the limit. The
		// form is read before the routes (to refuse NUL and bad UTF-8), within the limit too.
		for _, path := range []string{"/login", "/tra-cuu/danh-gia", "/admin/units"} {
			form := "email=a%40b.vn&note=" + strings.Repeat("x", 2<<20)
			req, _ := http.NewRequest("POST", "http://"+addr+path, io.MultiReader(strings.NewReader(form)))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusRequestEntityTooLarge {
				t.Errorf("a chunked 2 MiB form to %s: %d", path, resp.StatusCode)
			}
		}
	})
}

// TestDefaultTimeouts keeps every limit of the production server set.
func TestDefaultTimeouts(t *testing.T) {
	d := DefaultTimeouts
	if d.ReadHeader <= 0 || d.Read < d.ReadHeader || d.Write <= 0 || d.Idle <= 0 || d.MaxHeaderBytes <= 0 || d.MaxHeaderBytes > 1<<20 {
		t.Fatalf("default timeouts: %+v", d)
	}
	srv := NewHTTPServer(http.NotFoundHandler(), d, log.New(os.Stderr, "", 0))
	if srv.ReadHeaderTimeout != d.ReadHeader || srv.ReadTimeout != d.Read || srv.WriteTimeout != d.Write ||
		srv.IdleTimeout != d.Idle || srv.MaxHeaderBytes != d.MaxHeaderBytes {
		t.Fatalf("server: %+v", srv)
	}
}
