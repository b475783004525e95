package web

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestOpenAPIMatchesRoutes keeps the document true: every route registered under /api/v1
// (read from the source, where routes.go and the area files register them) is documented,
// and every documented operation is registered.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	routePattern := regexp.MustCompile(`route\(\w+, "(GET|POST|PUT|PATCH|DELETE) (/api/v1/[^"]*)"`)
	registered := map[string]bool{}
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range routePattern.FindAllStringSubmatch(string(b), -1) {
			registered[m[1]+" "+m[2]] = true
		}
	}
	if len(registered) < 15 {
		t.Fatalf("only %d API routes found: the scan is broken", len(registered))
	}
	documented := map[string]bool{}
	for _, op := range apiOps() {
		k := op.Method + " " + op.Path
		if documented[k] {
			t.Errorf("%s documented twice", k)
		}
		documented[k] = true
		if !registered[k] {
			t.Errorf("documented but not registered: %s", k)
		}
		if op.Summary == "" || op.Tag == "" || op.Response == nil {
			t.Errorf("%s lacks a summary, tag or response", k)
		}
	}
	var missing []string
	for k := range registered {
		if !documented[k] {
			missing = append(missing, k)
		}
	}
	sort.Strings(missing)
	for _, k := range missing {
		t.Errorf("registered but not documented in apiOps: %s", k)
	}
}

// TestOpenAPIDocument serves the document and checks it is OpenAPI 3.1 whose references
// all resolve.
func TestOpenAPIDocument(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv := startServer(t, db)
		code, body, h := newClient(t, srv).get("/api/v1/openapi.json")
		if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "application/json") {
			t.Fatalf("openapi.json: %d %s", code, h.Get("Content-Type"))
		}
		var doc struct {
			OpenAPI    string                               `json:"openapi"`
			Paths      map[string]map[string]map[string]any `json:"paths"`
			Components struct {
				Schemas map[string]any `json:"schemas"`
			} `json:"components"`
		}
		if err := json.Unmarshal([]byte(body), &doc); err != nil || doc.OpenAPI != "3.1.0" {
			t.Fatalf("document: %v %q", err, doc.OpenAPI)
		}
		op := doc.Paths["/api/v1/dossiers/{id}/actions"]["post"]
		if op == nil || op["requestBody"] == nil || op["responses"] == nil {
			t.Fatalf("dossier action: %v", op)
		}
		for _, ref := range regexp.MustCompile(`"\$ref": "#/components/schemas/([^"]+)"`).FindAllStringSubmatch(body, -1) {
			if _, ok := doc.Components.Schemas[ref[1]]; !ok {
				t.Errorf("unresolved $ref %s", ref[1])
			}
		}
		var dossierSchema struct {
			Properties map[string]any `json:"properties"`
		}
		b, _ := json.Marshal(doc.Components.Schemas["Dossier"])
		_ = json.Unmarshal(b, &dossierSchema)
		for _, field := range []string{"code", "version", "state", "due", "control_slip", "actions"} {
			if _, ok := dossierSchema.Properties[field]; !ok {
				t.Errorf("the Dossier schema lacks %q", field)
			}
		}
	})
}

func TestDossierETag(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		publishSample(t, f)
		desk := signedIn(t, f, f.receiverA)
		code, body := desk.postJSON("/api/v1/dossiers", intakeBody(t, f, "etag"))
		if code != http.StatusCreated {
			t.Fatalf("receive: %d %s", code, body)
		}
		d := decodeDossier(t, body)
		_, _, h := desk.get("/api/v1/dossiers/" + d.ID)
		if h.Get("ETag") != `"v1"` {
			t.Fatalf("ETag %q", h.Get("ETag"))
		}
		act := func(ifMatch, body string) (int, string) {
			req, _ := http.NewRequest("POST", f.srv.URL+"/api/v1/dossiers/"+d.ID+"/actions", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("If-Match", ifMatch)
			code, resp, _ := desk.do(req)
			return code, resp
		}
		if code, body := act(`"v1"`, `{"action": "progress", "note": "Đang kiểm tra"}`); code != 200 || !strings.Contains(body, `"version": 2`) {
			t.Fatalf("If-Match v1: %d %s", code, body)
		}
		if code, body := act(`"v1"`, `{"action": "progress", "note": "Lần nữa"}`); code != http.StatusPreconditionFailed || !strings.Contains(body, "tải lại") {
			t.Fatalf("stale If-Match: %d %s", code, body)
		}
		if code, _ := act(`garbage`, `{"action": "progress", "note": "x"}`); code != http.StatusBadRequest {
			t.Fatalf("bad If-Match: %d", code)
		}
		if code, _ := act(`W/"v2"`, `{"action": "progress", "note": "x", "version": 1}`); code != http.StatusBadRequest {
			t.Fatalf("If-Match against the body's version: %d", code)
		}
	})
}
