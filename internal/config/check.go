package config

import (
	"fmt"
	"net"
	"net/netip"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/motcua/motcua/internal/store"
)

// check validates every setting and returns what is wrong, one problem per key.
func (c Config) check() []Problem {
	var probs []Problem
	add := func(key, format string, args ...any) {
		probs = append(probs, Problem{Key: key, Msg: fmt.Sprintf(format, args...)})
	}
	prod := c.Environment == Production
	oneOf(add, "environment", c.Environment, Development, Production)

	if msg := checkDSN(c.Database.URL, prod); msg != "" {
		add("database.url", "%s", msg)
	}
	if c.Database.ReadURL != "" {
		if msg := checkDSN(c.Database.ReadURL, prod); msg != "" {
			add("database.read_url", "%s", msg)
		} else if store.DialectOf(c.Database.ReadURL) != store.DialectOf(c.Database.URL) {
			add("database.read_url", "phải cùng loại CSDL với database.url / must be the same engine as database.url (%s)", store.DialectOf(c.Database.URL))
		}
	}
	between(add, "database.read_max_lag", c.Database.ReadMaxLag, time.Second, 24*time.Hour)
	if c.Database.MaxConns < 0 || c.Database.MaxConns > 1000 {
		add("database.max_conns", "cần từ 0 đến 1000 / must be between 0 and 1000, got %d", c.Database.MaxConns)
	}

	if msg := checkAddr(c.Server.Addr); msg != "" {
		add("server.addr", "%s", msg)
	}
	oneOf(add, "server.secure_cookies", c.Server.SecureCookies, "auto", "true", "false")
	if prod && c.Server.SecureCookies == "false" {
		add("server.secure_cookies", "production: cookie phiên không được gửi qua HTTP thường / production: the session cookie must not travel over plain HTTP (use auto or true)")
	}
	for _, p := range c.Server.TrustedProxies {
		if _, err := ParsePrefix(p); err != nil {
			add("server.trusted_proxies", "%q không phải địa chỉ IP hay dải CIDR / %q is not an IP address or CIDR prefix (e.g. 10.0.0.5 or 10.0.0.0/24)", p, p)
		}
	}
	if c.Server.MaxBodyBytes < 1024 || c.Server.MaxBodyBytes > 1<<30 {
		add("server.max_body_bytes", "cần từ 1024 đến 1073741824 byte / must be between 1024 and 1073741824 bytes, got %d", c.Server.MaxBodyBytes)
	}
	between(add, "server.session_lifetime", c.Server.SessionLifetime, time.Minute, 30*24*time.Hour)
	between(add, "server.session_idle_timeout", c.Server.SessionIdleTimeout, time.Minute, 30*24*time.Hour)
	if c.Server.SessionIdleTimeout > c.Server.SessionLifetime {
		add("server.session_idle_timeout", "dài hơn server.session_lifetime (%s) nên vô tác dụng / longer than server.session_lifetime (%s), so it would never apply",
			FormatDuration(c.Server.SessionLifetime), FormatDuration(c.Server.SessionLifetime))
	}
	between(add, "server.shutdown_timeout", c.Server.ShutdownTimeout, time.Second, 10*time.Minute)
	if prod && c.Server.Demo {
		add("server.demo", "production: không nạp dữ liệu minh họa (tài khoản có mật khẩu công khai) / production: no demo data (its accounts have a published password)")
	}

	oneOf(add, "log.level", c.Log.Level, "debug", "info", "warn", "error")
	oneOf(add, "log.format", c.Log.Format, "text", "json")
	return probs
}

func oneOf(add func(key, format string, args ...any), key, v string, allowed ...string) {
	if !slices.Contains(allowed, v) {
		add(key, "cần một trong / must be one of %s, got %q", strings.Join(allowed, ", "), v)
	}
}

func between(add func(key, format string, args ...any), key string, d, lo, hi time.Duration) {
	if d < lo || d > hi {
		add(key, "cần từ %s đến %s / must be between %s and %s, got %s",
			FormatDuration(lo), FormatDuration(hi), FormatDuration(lo), FormatDuration(hi), FormatDuration(d))
	}
}

// checkDSN says what is wrong with a database URL or SQLite path ("" when nothing).
func checkDSN(dsn string, prod bool) string {
	if strings.TrimSpace(dsn) == "" {
		return "không được để trống / must not be empty"
	}
	if store.DialectOf(dsn) == store.Postgres {
		if _, err := pgconn.ParseConfig(dsn); err != nil {
			return "URL PostgreSQL sai / bad PostgreSQL URL: " + err.Error()
		}
		return ""
	}
	path := strings.TrimPrefix(dsn, "file:")
	path, _, _ = strings.Cut(path, "?")
	if strings.Contains(dsn, "://") {
		return "URL không rõ loại CSDL (cần postgres:// hoặc đường dẫn tệp SQLite) / unknown database URL scheme (postgres:// or a SQLite file path)"
	}
	if path == "" || path == ":memory:" {
		return "SQLite cần một đường dẫn tệp / SQLite needs a file path"
	}
	if prod && !filepath.IsAbs(path) {
		return "production: đường dẫn SQLite phải tuyệt đối (không phụ thuộc thư mục làm việc) / production: the SQLite path must be absolute (not relative to the working folder)"
	}
	return ""
}

// checkAddr says what is wrong with a listen address ("" when nothing).
func checkAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Sprintf("cần máy:cổng như 127.0.0.1:8080 / expected host:port such as 127.0.0.1:8080, got %q", addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Sprintf("cổng sai / bad port %q", port)
	}
	if host != "" && host != "localhost" {
		if _, err := netip.ParseAddr(host); err != nil {
			if strings.ContainsAny(host, " /") {
				return fmt.Sprintf("tên máy sai / bad host %q", host)
			}
		}
	}
	return ""
}

// ParsePrefix reads a trusted proxy: a CIDR prefix, or one address (a /32 or /128).
func ParsePrefix(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, err
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// Proxies returns the trusted proxies as prefixes (valid after Load or Validate).
func (c Config) Proxies() []netip.Prefix {
	out := make([]netip.Prefix, 0, len(c.Server.TrustedProxies))
	for _, s := range c.Server.TrustedProxies {
		if p, err := ParsePrefix(s); err == nil {
			out = append(out, p)
		}
	}
	return out
}
