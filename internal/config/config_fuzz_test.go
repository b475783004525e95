package config

import (
	"strings"
	"testing"
)

// Fuzz targets for the configuration an operator writes: the TOML file (decodeFile with
// its line numbers), one key set from text (flags and environment) and a trusted proxy.
// The file is not written by an attacker, but a typo must give a clear problem, not a
// crash at start-up.

func FuzzDecodeFile(f *testing.F) {
	f.Add(Example())
	f.Add("[server]\naddr = \":8080\"\n[database]\nurl = 42\n")
	f.Add("[server\naddr=")
	f.Add("smtp.host = \"mail\"\n[server.addr]\nx = 1\n")
	f.Fuzz(func(t *testing.T, text string) {
		c := Default()
		for _, p := range decodeFile(&c, text, keyLines(text)) {
			if p.Msg == "" || p.Line < 0 || p.Line > strings.Count(text, "\n")+1 {
				t.Fatalf("problem %+v for\n%s", p, text)
			}
		}
	})
}

func FuzzSet(f *testing.F) {
	for _, k := range Keys() {
		f.Add(k.Name, "")
		f.Add(k.Name, "x")
	}
	f.Add("server.addr", ":8080")
	f.Add("server.shutdown_timeout", "-5s")
	f.Add("server.trusted_proxies", "10.0.0.0/8, ::1")
	f.Fuzz(func(t *testing.T, name, value string) {
		c := Default()
		if err := c.Set(name, value); err != nil && err.Error() == "" {
			t.Fatal("empty error")
		}
		_ = c.Validate()
	})
}

func FuzzParsePrefix(f *testing.F) {
	for _, s := range []string{"10.0.0.0/8", "10.1.2.3/8", "127.0.0.1", "::1", "::ffff:10.0.0.1", "2001:db8::/48", "10.0.0.0/33", "", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePrefix(s)
		if err != nil {
			return
		}
		if !p.IsValid() || p != p.Masked() || p.Addr().Is4In6() {
			t.Fatalf("ParsePrefix(%q) = %v", s, p)
		}
		if again, err := ParsePrefix(p.String()); err != nil || again != p {
			t.Fatalf("round trip %q → %v → %v, %v", s, p, again, err)
		}
	})
}
