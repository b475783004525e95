package i18n

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestLoadMergesAndRejectsDuplicates(t *testing.T) {
	fsys := fstest.MapFS{
		"c/vi/a.json": {Data: []byte(`{"x.one": "Một %d"}`)},
		"c/vi/b.json": {Data: []byte(`{"x.two": "Hai"}`)},
		"c/en/a.json": {Data: []byte(`{"x.one": "One %d", "x.two": "Two"}`)},
	}
	c, err := LoadFS(fsys, "c")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.T("vi", "x.one", 1); got != "Một 1" {
		t.Errorf("T = %q", got)
	}
	if got := c.T("en", "x.missing"); got != "x.missing" {
		t.Errorf("missing key = %q", got)
	}
	if got := c.T("fr", "x.two"); got != "Hai" {
		t.Errorf("fallback = %q", got)
	}
	if c.Match("en-GB,en;q=0.8") != "en" || c.Match("fr") != "vi" || c.Match("") != "vi" || c.Match("vi-VN") != "vi" {
		t.Error("Match")
	}
	fsys["c/vi/c.json"] = &fstest.MapFile{Data: []byte(`{"x.two": "Trùng"}`)}
	if _, err := LoadFS(fsys, "c"); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Fatalf("duplicate key: %v", err)
	}
}

func TestEmbeddedCatalogs(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if l := c.Languages(); len(l) != 2 || l[0] != "vi" {
		t.Fatalf("languages: %v", l)
	}
}
