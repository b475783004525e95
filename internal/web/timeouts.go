package web

import (
	"log"
	"net/http"
	"time"
)

// Timeouts bound what a client may hold of the server: a slow client (slowloris: headers
// or a body sent a byte at a time) is cut off, an idle keep-alive connection closed, and
// oversized headers refused with 431. Bodies are bounded by the handlers (Config.MaxBodyBytes
// and the upload limits, 413).
type Timeouts struct {
	ReadHeader     time.Duration // to receive the request line and headers
	Read           time.Duration // to receive the whole request, body included (a 20 MB submission on a slow line)
	Write          time.Duration // to send the answer (a large export or PDF)
	Idle           time.Duration // a keep-alive connection between two requests
	MaxHeaderBytes int           // request line and headers together
}

// DefaultTimeouts suit a server behind a reverse proxy or reached directly: 10 s for
// headers (a browser sends them at once), a minute for a body, two for an answer, and 64
// KiB of headers (a session cookie and the usual headers take well under 8 KiB).
var DefaultTimeouts = Timeouts{
	ReadHeader:     10 * time.Second,
	Read:           60 * time.Second,
	Write:          120 * time.Second,
	Idle:           120 * time.Second,
	MaxHeaderBytes: 64 << 10,
}

// NewHTTPServer returns the HTTP server for h with the timeouts set; errorLog receives the
// server's own errors (nil: the standard logger).
func NewHTTPServer(h http.Handler, t Timeouts, errorLog *log.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: t.ReadHeader,
		ReadTimeout:       t.Read,
		WriteTimeout:      t.Write,
		IdleTimeout:       t.Idle,
		MaxHeaderBytes:    t.MaxHeaderBytes,
		ErrorLog:          errorLog,
	}
}
