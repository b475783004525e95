package web

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// peer is where a request really comes from: the client's address and whether it
// reached us over HTTPS. Behind a trusted reverse proxy or load balancer both come from
// X-Forwarded-For and X-Forwarded-Proto; from anyone else those headers are ignored, so
// a client cannot choose its own address to dodge the sign-in throttle.
type peer struct {
	ip    string
	https bool
}

type peerKey struct{}

// forwarded resolves the request's peer once, before anything else looks at it, and
// marks the session cookie Secure on every response to a request that came over HTTPS.
func (s *Server) forwarded(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := resolvePeer(r, s.cfg.TrustedProxies)
		r = r.WithContext(context.WithValue(r.Context(), peerKey{}, p))
		if !p.https || s.cfg.SecureCookies {
			next.ServeHTTP(w, r)
			return
		}
		sw := &secureCookieWriter{ResponseWriter: w, name: s.sessions.Cookie.Name}
		next.ServeHTTP(sw, r)
		sw.secure() // a handler that wrote nothing: the headers are still ours to change
	})
}

// resolvePeer finds the client behind the trusted proxies. X-Forwarded-For is read from
// the right (the hop nearest us) and every trusted hop is skipped: the first address not
// a trusted proxy is the client. X-Forwarded-Proto counts only when the direct peer is
// trusted.
func resolvePeer(r *http.Request, trusted []netip.Prefix) peer {
	p := peer{ip: remoteHost(r.RemoteAddr), https: r.TLS != nil}
	if !isTrusted(p.ip, trusted) {
		return p
	}
	if proto := r.Header.Get("X-Forwarded-Proto"); proto != "" {
		first, _, _ := strings.Cut(proto, ",")
		p.https = strings.EqualFold(strings.TrimSpace(first), "https")
	}
	hops := forwardedFor(r.Header.Values("X-Forwarded-For"))
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(hops[i])
		if err != nil {
			break // a garbled hop: keep the last address we could trust
		}
		p.ip = a.Unmap().String()
		if !isTrusted(p.ip, trusted) {
			break
		}
	}
	return p
}

// forwardedFor splits every X-Forwarded-For header into its addresses, in order.
func forwardedFor(values []string) []string {
	var out []string
	for _, v := range values {
		for f := range strings.SplitSeq(v, ",") {
			f = strings.TrimSpace(f)
			if host, _, err := net.SplitHostPort(f); err == nil {
				f = host // "[2001:db8::1]:4711" or "192.0.2.1:4711"
			}
			if f != "" {
				out = append(out, strings.Trim(f, "[]"))
			}
		}
	}
	return out
}

func isTrusted(ip string, trusted []netip.Prefix) bool {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

func remoteHost(remoteAddr string) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		return remoteAddr
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return a.Unmap().String()
	}
	return host
}

func peerOf(r *http.Request) peer {
	if p, ok := r.Context().Value(peerKey{}).(peer); ok {
		return p
	}
	return peer{ip: remoteHost(r.RemoteAddr), https: r.TLS != nil}
}

// clientIP is the client's address: the direct peer, or the address a trusted proxy
// forwarded (see docs/operations.md, server.trusted_proxies).
func clientIP(r *http.Request) string { return peerOf(r).ip }

// isHTTPS reports whether the client reached us over HTTPS, directly or through a
// trusted proxy.
func isHTTPS(r *http.Request) bool { return peerOf(r).https }

// secureCookieWriter adds the Secure attribute to the session cookie before the headers
// go out.
type secureCookieWriter struct {
	http.ResponseWriter
	name string
	done bool
}

func (w *secureCookieWriter) secure() {
	if w.done {
		return
	}
	w.done = true
	h := w.Header()
	cookies := h["Set-Cookie"]
	for i, c := range cookies {
		if strings.HasPrefix(c, w.name+"=") && !strings.Contains(c, "; Secure") {
			cookies[i] = c + "; Secure"
		}
	}
}

func (w *secureCookieWriter) WriteHeader(code int) {
	w.secure()
	w.ResponseWriter.WriteHeader(code)
}

func (w *secureCookieWriter) Write(b []byte) (int, error) {
	w.secure()
	return w.ResponseWriter.Write(b)
}

func (w *secureCookieWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
