package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/unit"
)

func loadSample(t *testing.T, db *store.DB) {
	t.Helper()
	rows, err := procedure.SampleCatalog()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ImportProcedures(context.Background(), rows, store.ProcedureImportOptions{Today: unit.NewDate(2025, 1, 1)}); err != nil {
		t.Fatal(err)
	}
}

func TestProcedureCatalogAndPublication(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		loadSample(t, db)
		ctx := context.Background()
		// Commune A published, in July 2025, a sample procedure that has since expired.
		if err := db.PublishProcedure(ctx, f.a.ID, "1.000001.MH", unit.NewDate(2025, 7, 1), ""); err != nil {
			t.Fatal(err)
		}
		a := signedIn(t, f, f.adminA)
		code, body, _ := a.get("/procedures?q=ho+tich")
		if code != 200 || !strings.Contains(body, "Đăng ký khai sinh") || strings.Contains(body, "Chứng thực chữ ký") {
			t.Fatalf("search ho tich: %d\n%.600s", code, body)
		}
		if !strings.Contains(body, "không còn hiệu lực") || !strings.Contains(body, "1.000001.MH") {
			t.Fatalf("stale banner missing:\n%s", body)
		}
		if code, body, _ = a.get("/procedures?status=expired"); code != 200 || !strings.Contains(body, "1.000001.MH") || strings.Contains(body, "1.001193") {
			t.Fatalf("status filter: %d", code)
		}
		if code, body, _ = a.get("/procedures/1.004873"); code != 200 || !strings.Contains(body, "Lịch sử phiên bản") || !strings.Contains(body, "01/07/2025") {
			t.Fatalf("procedure page: %d", code)
		}
		if code, body, _ = a.get("/procedures/1.000002.MH"); code != 200 || !strings.Contains(body, "2.000635") {
			t.Fatalf("replaced procedure page should link the replacement: %d", code)
		}
		// Publish in A; B is invisible to A's admin, and A to B's.
		if code, _, _ = a.post("/procedures/units/"+f.a.ID+"/publish", url.Values{"code": {"1.001193"}, "published_on": {"2025-07-01"}}); code != http.StatusSeeOther {
			t.Fatalf("publish in A: %d", code)
		}
		if code, _, _ = a.post("/procedures/units/"+f.b.ID+"/publish", url.Values{"code": {"1.001193"}}); code != http.StatusNotFound {
			t.Fatalf("A's admin publishing in B: %d", code)
		}
		b := signedIn(t, f, f.adminB)
		if code, _, _ = b.post("/procedures/units/"+f.a.ID+"/unpublish", url.Values{"code": {"1.001193"}}); code != http.StatusNotFound {
			t.Fatalf("B's admin withdrawing in A: %d", code)
		}
		if code, _, _ = b.get("/procedures/units/" + f.a.ID); code != http.StatusNotFound {
			t.Fatalf("B's admin reading A: %d", code)
		}
		recv := signedIn(t, f, f.receiverA)
		if code, _, _ = recv.post("/procedures/units/"+f.a.ID+"/publish", url.Values{"code": {"1.000894"}}); code != http.StatusForbidden {
			t.Fatalf("receiver publishing: %d", code)
		}
		code, body, _ = a.get("/procedures/units/" + f.a.ID)
		if code != 200 || !strings.Contains(body, "1.001193") || !strings.Contains(body, "Gỡ công khai") || !strings.Contains(body, "không còn hiệu lực") {
			t.Fatalf("unit page: %d\n%s", code, body)
		}
		pubs, _ := db.Publications(ctx, store.PublicationFilter{UnitID: f.a.ID, ActiveOn: unit.NewDate(2026, 1, 1)})
		if len(pubs) != 2 {
			t.Fatalf("publications of A: %d", len(pubs))
		}
		// The overseer sees the stale publication of A through the API.
		o := signedIn(t, f, f.overseer)
		code, body, _ = o.get("/api/v1/procedures/stale")
		var stale struct{ Count int }
		if code != 200 || json.Unmarshal([]byte(body), &stale) != nil || stale.Count != 1 {
			t.Fatalf("stale API: %d %s", code, body)
		}
		code, body, _ = o.get("/api/v1/procedures/1.004873")
		var p struct {
			Status   string
			Current  int `json:"current_version"`
			Versions []struct {
				TimeLimit string `json:"time_limit"`
			}
		}
		if code != 200 || json.Unmarshal([]byte(body), &p) != nil || p.Current != 2 || len(p.Versions) != 2 || p.Status != "effective" {
			t.Fatalf("procedure API: %d %s", code, body)
		}
		if code, _, _ = o.get("/api/v1/procedures?q=chung+thuc&level=nowhere"); code != http.StatusBadRequest {
			t.Fatalf("bad level: %d", code)
		}
		if code, _, _ = b.get("/api/v1/units/" + f.a.ID + "/procedures"); code != http.StatusNotFound {
			t.Fatalf("B reading A's publications through the API: %d", code)
		}
	})
}

func TestProcedureImportPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		csv := "code,name,field,level,time_limit,effective_from\n1.000001,Thủ tục A,Hộ tịch,commune,5d,2025-07-01\n"
		// A commune administrator cannot rewrite the shared catalog.
		a := signedIn(t, f, f.adminA)
		if code, _, _ := a.post("/procedures/import", url.Values{"content": {csv}}); code != http.StatusForbidden {
			t.Fatalf("commune admin import: %d", code)
		}
		root := signedIn(t, f, f.systemAdmin)
		code, body, _ := root.post("/procedures/import", url.Values{"content": {csv}})
		if code != 200 || !strings.Contains(body, "Sẽ thêm 1") {
			t.Fatalf("dry run: %d\n%s", code, body)
		}
		if n, _ := db.CountProcedures(context.Background()); n != 0 {
			t.Fatalf("dry run wrote %d", n)
		}
		bad := csv + "1.2,B,Hộ tịch,xa,5d,2025-07-01\n"
		code, body, _ = root.post("/procedures/import", url.Values{"content": {bad}, "apply": {"1"}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "<td>3</td>") || !strings.Contains(body, "Mã TTHC không hợp lệ") {
			t.Fatalf("bad file: %d\n%s", code, body)
		}
		if code, _, h := root.post("/procedures/import", url.Values{"content": {csv}, "apply": {"1"}}); code != http.StatusSeeOther || h.Get("Location") != "/procedures" {
			t.Fatalf("apply: %d", code)
		}
		if n, _ := db.CountProcedures(context.Background()); n != 1 {
			t.Fatalf("after apply: %d", n)
		}
	})
}
