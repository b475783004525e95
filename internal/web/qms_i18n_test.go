package web

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/i18n"
	"github.com/motcua/motcua/internal/qms"
)

// TestQMSCatalog checks the QMS messages the way TestCatalogsComplete checks the others
// (which already scans the store and the web layer): the keys of package qms's errors and
// the keys built at run time from the QMS enumerations exist in both languages.
func TestQMSCatalog(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]string{}
	key := regexp.MustCompile(`(?:failure\.InvalidField\("[^"]*", |failure\.New\(failure\.\w+, "[^"]*", )"(qms\.[a-z_.]+)"`)
	files, _ := filepath.Glob("../qms/*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, _ := os.ReadFile(f)
		for _, m := range key.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = f
		}
	}
	for _, k := range qms.DocKinds {
		used["qms.kind_"+string(k)] = "qms.DocKinds"
	}
	for _, s := range qms.DocStatuses {
		used["qms.doc_status_"+string(s)] = "qms.DocStatuses"
	}
	for _, f := range docFilters {
		used["qms.show_"+f] = "docFilters"
	}
	for _, v := range []qms.Verdict{qms.Agree, qms.Changes} {
		used["qms.verdict_"+string(v)] = "qms.Verdict"
	}
	for _, e := range qmsEvents {
		used["qms.event."+e] = "qmsEvents"
	}
	for k, where := range qmsEnumKeys() {
		used[k] = where
	}
	if len(used) < 50 {
		t.Fatalf("only %d keys found: the scan is broken", len(used))
	}
	for k, where := range used {
		for _, lang := range []string{"vi", "en"} {
			if _, ok := cat.Lookup(lang, k); !ok {
				t.Errorf("%s: key %q missing from the %s catalog", where, k, lang)
			}
		}
	}
}
