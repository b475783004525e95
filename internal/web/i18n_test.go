package web

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/i18n"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/user"
)

// TestCatalogsComplete checks that both languages have the same keys, that every key used
// literally in templates and Go code exists, and that the keys built at run time (kinds,
// roles, menu areas) exist too.
func TestCatalogsComplete(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	vi, en := cat.Keys("vi"), cat.Keys("en")
	if strings.Join(vi, ",") != strings.Join(en, ",") {
		t.Errorf("vi and en catalogs have different keys")
	}
	used := map[string]string{}
	tmplKey := regexp.MustCompile(`\{\{t "([^"]+)"`)
	_ = fs.WalkDir(templateFS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := fs.ReadFile(templateFS, path)
		for _, m := range tmplKey.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = path
		}
		return nil
	})
	// Message keys in Go code: failure constructors, flashes, translations, page titles.
	goKey := regexp.MustCompile(`(?:failure\.InvalidField\("[^"]*", |failure\.New\(failure\.\w+, "[^"]*", |flash\(r, |\.T\([^,()]+, |newPage\(r, |FormError\([^"]*)"([a-z_]+\.[a-z_.]+)"`)
	for _, dir := range []string{".", "../store", "../unit", "../user", "../auth", "../procedure", "../dossier"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, _ := os.ReadFile(f)
			for _, m := range goKey.FindAllStringSubmatch(string(b), -1) {
				used[m[1]] = f
			}
		}
	}
	if len(used) < 100 {
		t.Fatalf("only %d keys found: the scan is broken", len(used))
	}
	for _, k := range unit.Kinds {
		used["kind."+string(k)] = "unit.Kinds"
	}
	for _, r := range user.Roles {
		used["role."+string(r)] = "user.Roles"
	}
	for _, n := range (&Server{}).nav(auth.Actor{UserID: "x", SystemAdmin: true}) {
		used[n.Key] = "nav"
		if n.Key != "nav.home" {
			used[n.Key+".desc"] = "nav"
		}
	}
	for _, k := range []calendar.Kind{calendar.KindHoliday, calendar.KindCompensatory, calendar.KindSwapped, calendar.KindWeekend} {
		used["calendar.kind_"+string(k)] = "calendar.Kind"
	}
	for _, src := range []calendar.Source{calendar.SourceComputed, calendar.SourceOfficial} {
		used["calendar.source_"+string(src)] = "calendar.Source"
	}
	for _, s := range dossier.States {
		used["dossier.state_"+string(s)] = "dossier.States"
	}
	for _, a := range dossier.Actions {
		used[a.Key()] = "dossier.Actions"
	}
	for _, r := range []user.Role{user.Receiver, user.Handler, user.Approver, user.Admin} {
		used["dossier.role_required_"+string(r)] = "dossier.Permit"
	}
	for _, d := range []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"} {
		used["weekday."+d] = "weekday"
	}
	for key, where := range used {
		for _, lang := range []string{"vi", "en"} {
			if _, ok := cat.Lookup(lang, key); !ok {
				t.Errorf("%s: key %q missing from the %s catalog", where, key, lang)
			}
		}
	}
}
