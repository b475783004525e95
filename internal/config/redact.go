package config

import (
	"log/slog"
	"net/url"
	"regexp"
	"strings"
)

// redacted replaces a secret wherever one would be shown.
const redacted = "xxxxx"

// kvPassword finds password=… in a key=value connection string or a URL query.
var kvPassword = regexp.MustCompile(`(?i)(password=)('(?:[^'\\]|\\.)*'|[^\s&]*)`)

// RedactDSN hides the password of a database URL or key=value connection string; a
// SQLite path is returned unchanged.
func RedactDSN(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.Scheme != "" && u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), redacted)
		}
		dsn = u.String()
	}
	return kvPassword.ReplaceAllString(dsn, "${1}"+redacted)
}

// secretsOf returns the passwords inside a database URL or connection string.
func secretsOf(dsn string) []string {
	var out []string
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		if p, has := u.User.Password(); has && p != "" {
			out = append(out, p, url.QueryEscape(p), url.PathEscape(p))
		}
	}
	for _, m := range kvPassword.FindAllStringSubmatch(dsn, -1) {
		p := strings.Trim(m[2], "'")
		if p != "" {
			out = append(out, p)
			if u, err := url.QueryUnescape(p); err == nil {
				out = append(out, u)
			}
		}
	}
	return out
}

// secrets returns every secret value of the configuration.
func (c Config) secrets() []string {
	var out []string
	for _, k := range keys {
		if k.Secret {
			out = append(out, secretsOf(k.text(&c))...)
		}
	}
	return out
}

// scrubText replaces every secret in s.
func scrubText(s string, secrets []string) string {
	for _, sec := range secrets {
		if len(sec) >= 2 {
			s = strings.ReplaceAll(s, sec, redacted)
		}
	}
	return s
}

// Scrub hides the configuration's secrets in a message (an error from a driver, say).
func (c Config) Scrub(s string) string { return scrubText(s, c.secrets()) }

// LogValue shows every setting in logs with the secrets redacted.
func (c Config) LogValue() slog.Value {
	attrs := make([]slog.Attr, 0, len(keys))
	for _, k := range keys {
		attrs = append(attrs, slog.String(k.Name, k.Value(c)))
	}
	return slog.GroupValue(attrs...)
}
