package config

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// decodeFile applies a TOML file's keys to c and returns every problem: a syntax error
// (with its line), unknown keys and values of the wrong type (with their lines).
func decodeFile(c *Config, text string, lines map[string]int) []Problem {
	var raw map[string]any
	if _, err := toml.Decode(text, &raw); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return []Problem{{Line: pe.Position.Line, Msg: "cú pháp TOML / TOML syntax: " + pe.Message}}
		}
		return []Problem{{Msg: "cú pháp TOML / TOML syntax: " + err.Error()}}
	}
	var probs []Problem
	for _, name := range flatKeys(raw, "") {
		v := lookup(raw, name)
		k, ok := KeyByName(name)
		if !ok {
			msg := "khóa không tồn tại / unknown key"
			if name == "smtp" || strings.HasPrefix(name, "smtp.") {
				msg += " (máy chủ thư cấu hình trong CSDL tại /admin/mail / mail is configured in the database at /admin/mail)"
			} else if s := suggest(name); s != "" {
				msg += fmt.Sprintf(" (có phải / did you mean %s?)", s)
			}
			probs = append(probs, Problem{Line: lines[name], Key: name, Msg: msg})
			continue
		}
		if err := k.setTOML(c, v); err != nil {
			probs = append(probs, Problem{Line: lines[name], Key: name, Msg: err.Error()})
		}
	}
	return probs
}

// flatKeys lists the leaf keys of a decoded document as dotted names, sorted. A table
// whose name is a known key (a value written as a table) is a leaf too, so its type is
// reported instead of its insides.
func flatKeys(m map[string]any, prefix string) []string {
	var out []string
	for k, v := range m {
		name := prefix + k
		if sub, ok := v.(map[string]any); ok {
			if _, known := KeyByName(name); !known {
				if !isSection(name) {
					// An unknown table: report the table itself, not each key inside.
					out = append(out, name)
					continue
				}
				out = append(out, flatKeys(sub, name+".")...)
				continue
			}
		}
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// isSection reports whether name is a table of the key table ("server", "log" …).
func isSection(name string) bool {
	for _, k := range keys {
		if strings.HasPrefix(k.Name, name+".") {
			return true
		}
	}
	return false
}

func lookup(m map[string]any, dotted string) any {
	var cur any = m
	for part := range strings.SplitSeq(dotted, ".") {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = mm[part]
	}
	return cur
}

// keyLines finds the line where each key is written: "key = …" lines under their
// [table] header, dotted keys, and the headers themselves. TOML keys are bare
// (A-Za-z0-9_-) in motcua's files; quoted keys are unquoted.
func keyLines(text string) map[string]int {
	out := map[string]int{}
	table := ""
	inMultiline := ""
	for i, line := range strings.Split(text, "\n") {
		n := i + 1
		t := strings.TrimSpace(line)
		if inMultiline != "" {
			if strings.Contains(t, inMultiline) {
				inMultiline = ""
			}
			continue
		}
		switch {
		case t == "" || strings.HasPrefix(t, "#"):
			continue
		case strings.HasPrefix(t, "[[") || strings.HasPrefix(t, "["):
			name := strings.Trim(strings.SplitN(t, "#", 2)[0], " \t[]")
			table = joinKey(name)
			if _, seen := out[table]; !seen {
				out[table] = n
			}
			continue
		}
		lhs, rhs, ok := strings.Cut(t, "=")
		if !ok {
			continue
		}
		name := joinKey(lhs)
		if table != "" {
			name = table + "." + name
		}
		if _, seen := out[name]; !seen {
			out[name] = n
		}
		for _, q := range []string{`"""`, `'''`} {
			if strings.Count(rhs, q) == 1 {
				inMultiline = q
			}
		}
	}
	return out
}

// joinKey normalises a possibly dotted, possibly quoted key: ` a . "b" ` → "a.b".
func joinKey(s string) string {
	parts := strings.Split(s, ".")
	for i, p := range parts {
		parts[i] = strings.Trim(strings.TrimSpace(p), `"'`)
	}
	return strings.Join(parts, ".")
}

// suggest returns the known key closest to an unknown one, if it is close.
func suggest(name string) string {
	best, bestD := "", 4
	for _, k := range keys {
		cands := []string{k.Name}
		if _, leaf, ok := strings.Cut(k.Name, "."); ok {
			cands = append(cands, leaf) // a key written outside its table
		}
		for _, c := range cands {
			if d := distance(name, c); d < bestD {
				best, bestD = k.Name, d
			}
			if _, leaf, ok := strings.Cut(name, "."); ok && leaf == c && c != k.Name {
				best, bestD = k.Name, 0 // a key in the wrong table
			}
		}
	}
	return best
}

// distance is the Levenshtein distance between two short strings.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
