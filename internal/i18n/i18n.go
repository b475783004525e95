// Package i18n holds the user-interface messages in flat JSON catalogs (Vietnamese is the
// default, English the second) and picks a language for a request. Each language is a
// folder catalog/<lang>/ of files, one per area of the product (core.json, calendar.json,
// ...), merged at load; a key defined twice is an error.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"

	"golang.org/x/text/language"
)

//go:embed catalog
var catalogFS embed.FS

// Default is the language used when nothing else is asked for.
const Default = "vi"

// Catalogs holds every language's messages.
type Catalogs struct {
	langs    []string
	messages map[string]map[string]string
	matcher  language.Matcher
}

// Load reads the embedded catalogs.
func Load() (*Catalogs, error) {
	return LoadFS(catalogFS, "catalog")
}

// LoadFS reads every <lang>/*.json in dir of fsys.
func LoadFS(fsys fs.FS, dir string) (*Catalogs, error) {
	langs, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read catalogs: %w", err)
	}
	c := &Catalogs{messages: map[string]map[string]string{}}
	for _, l := range langs {
		if !l.IsDir() {
			continue
		}
		m, err := loadLanguage(fsys, path.Join(dir, l.Name()))
		if err != nil {
			return nil, fmt.Errorf("catalog %s: %w", l.Name(), err)
		}
		c.messages[l.Name()] = m
	}
	if _, ok := c.messages[Default]; !ok {
		return nil, fmt.Errorf("catalog %s missing", Default)
	}
	c.langs = append(c.langs, Default)
	var others []string
	for l := range c.messages {
		if l != Default {
			others = append(others, l)
		}
	}
	sort.Strings(others)
	c.langs = append(c.langs, others...)
	tags := make([]language.Tag, len(c.langs))
	for i, l := range c.langs {
		tags[i] = language.Make(l)
	}
	c.matcher = language.NewMatcher(tags)
	return c, nil
}

// loadLanguage merges the JSON files of one language folder.
func loadLanguage(fsys fs.FS, dir string) (map[string]string, error) {
	files, err := fs.Glob(fsys, path.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	merged := map[string]string{}
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("parse %s: %w", f, err)
		}
		for k, v := range m {
			if _, dup := merged[k]; dup {
				return nil, fmt.Errorf("%s: key %q defined twice", f, k)
			}
			merged[k] = v
		}
	}
	return merged, nil
}

// Languages lists the languages, the default first.
func (c *Catalogs) Languages() []string { return c.langs }

// Has reports whether lang is a known language.
func (c *Catalogs) Has(lang string) bool { _, ok := c.messages[lang]; return ok }

// Keys returns the sorted keys of one language's catalog.
func (c *Catalogs) Keys(lang string) []string {
	keys := make([]string, 0, len(c.messages[lang]))
	for k := range c.messages[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Lookup returns the raw message for a key, and whether it exists.
func (c *Catalogs) Lookup(lang, key string) (string, bool) {
	m, ok := c.messages[lang][key]
	return m, ok
}

// T translates key into lang, formatting args with fmt verbs in the message. A missing key
// falls back to the default language and then to the key itself, so a gap shows up on
// screen instead of breaking the page.
func (c *Catalogs) T(lang, key string, args ...any) string {
	msg, ok := c.messages[lang][key]
	if !ok {
		msg, ok = c.messages[Default][key]
	}
	if !ok {
		return key
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

// Match picks the best language for an Accept-Language header.
func (c *Catalogs) Match(acceptLanguage string) string {
	if acceptLanguage == "" {
		return Default
	}
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return Default
	}
	_, idx, conf := c.matcher.Match(tags...)
	if conf == language.No {
		return Default
	}
	return c.langs[idx]
}
