package store

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// catalogWrite matches a statement writing to a table the intake cache holds (see
// cache.go). Freezing a version is not a change of the catalog for the cache: frozen only
// goes from false to true and intake only uses it to skip a repeated freeze.
var catalogWrite = regexp.MustCompile(`(?is)\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(units|procedures|procedure_versions|procedure_publications|unit_work_settings|workflows)\b`)

var frozenOnly = regexp.MustCompile(`(?is)^\s*UPDATE\s+procedure_versions\s+SET\s+frozen\s*=\s*\$\d+\s+WHERE`)

// catalogWriters names, for every function of the store that writes to those tables, the
// exported operation whose transaction gives the catalog a new generation (inCatalogTx).
// A new writer fails TestCatalogWritersChangeGeneration until it is listed here and its
// operation runs in inCatalogTx, so no server's intake cache can miss the change.
var catalogWriters = map[string]string{
	"CreateUnit":         "CreateUnit",
	"UpdateUnit":         "UpdateUnit",
	"movePaths":          "UpdateUnit",
	"ImportUnits":        "ImportUnits",
	"insertUnits":        "ImportUnits",
	"addVersion":         "AddProcedureVersion",
	"updateVersion":      "UpdateProcedureVersion",
	"endProcedure":       "EndProcedure",
	"importVersion":      "ImportProcedures",
	"publish":            "PublishProcedure",
	"UnpublishProcedure": "UnpublishProcedure",
	"SaveWorkSettings":   "SaveWorkSettings",
	"saveWorkflow":       "SaveWorkflow",
}

func TestCatalogWritersChangeGeneration(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	bodies := map[string]*ast.BlockStmt{}
	writers := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range file.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			bodies[fn.Name.Name] = fn.Body
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING &&
					catalogWrite.MatchString(lit.Value) && !frozenOnly.MatchString(strings.Trim(lit.Value, "`\"")) {
					writers[fn.Name.Name] = true
				}
				return true
			})
		}
	}
	var found []string
	for w := range writers {
		found = append(found, w)
		entry, ok := catalogWriters[w]
		if !ok {
			t.Errorf("%s writes to a table the intake cache holds: list it in catalogWriters with the operation that runs it in inCatalogTx", w)
			continue
		}
		if body := bodies[entry]; body == nil || !calls(body, "inCatalogTx") {
			t.Errorf("%s (writer %s) does not run in inCatalogTx", entry, w)
		}
	}
	for w := range catalogWriters {
		if !writers[w] {
			t.Errorf("catalogWriters lists %s, which no longer writes to the catalog", w)
		}
	}
	sort.Strings(found)
	t.Logf("catalog writers: %v", found)
}

func calls(body *ast.BlockStmt, name string) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel.Name == name {
			found = true
		}
		return !found
	})
	return found
}
