package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/user"
)

// overdueDossier receives a dossier at the desk of commune A in September 2025 and
// forwards it to the handler: by now it is overdue and stale.
func overdueDossier(t *testing.T, f *fixture, handler user.User) dossier.Dossier {
	t.Helper()
	ctx := context.Background()
	p, err := f.db.Procedure(ctx, "1.001193")
	if err != nil {
		t.Fatal(err)
	}
	var comps []dossier.Component
	for _, c := range p.Latest().Components {
		comps = append(comps, dossier.Component{Name: c.Name, Received: true})
	}
	at := time.Date(2025, 9, 3, 9, 0, 0, 0, calendar.Location())
	desk := actorOf(t, f, f.receiverA)
	d, err := f.db.Receive(ctx, desk, store.IntakeRequest{UnitID: f.agencyA.ID, ProcedureCode: "1.001193",
		Channel: dossier.AtDesk, Applicant: dossier.Applicant{Kind: dossier.Person, Name: "Nguyễn Thị Hương",
			IDNumber: "025190012345", Phone: "0912345678", Address: "Khu 3, xã Thanh Ba"},
		Components: comps, At: at})
	if err != nil {
		t.Fatal(err)
	}
	d, err = f.db.Act(ctx, desk, dossier.Command{DossierID: d.ID, Version: d.Version, Action: dossier.ActForward,
		AssigneeID: handler.ID, At: at.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if d.Step().Kind == procedure.StepReceive {
		t.Fatal("not forwarded")
	}
	return d
}

func TestMonitorPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		publishSample(t, f)
		handler := f.official(t, "xuly.a@demo.motcua.vn", "Phạm Văn Xử", f.a, user.Handler)
		leader := f.official(t, "lanhdao.a@demo.motcua.vn", "Hoàng Văn Duyệt", f.a, user.Approver)
		d := overdueDossier(t, f, handler)

		h := signedIn(t, f, handler)
		code, body, _ := h.get("/")
		for _, want := range []string{"Hồ sơ cần chú ý", d.Code, "Quá hạn", "Chậm cập nhật", "1 hồ sơ cần chú ý: 1 quá hạn"} {
			if code != 200 || !strings.Contains(body, want) {
				t.Fatalf("handler's home: %d, missing %q\n%s", code, want, body)
			}
		}
		code, body, _ = h.get("/monitor")
		if code != 200 || !strings.Contains(body, d.Code) || !strings.Contains(body, "Trung tâm PVHCC xã Thanh Ba") {
			t.Fatalf("handler's monitoring page: %d\n%s", code, body)
		}
		// The leader and the provincial overseer see it counted under the agency.
		for _, u := range []user.User{leader, f.overseer} {
			code, body, _ := signedIn(t, f, u).get("/")
			if code != 200 || !strings.Contains(body, "Trong các đơn vị bạn theo dõi") || !strings.Contains(body, "Trung tâm PVHCC xã Thanh Ba") {
				t.Fatalf("%s's home: %d\n%s", u.Email, code, body)
			}
		}
		code, body, _ = signedIn(t, f, f.overseer).get("/monitor?unit=" + f.agencyA.Path)
		if code != 200 || !strings.Contains(body, d.Code) || !strings.Contains(body, "Xem mọi đơn vị") {
			t.Fatalf("overseer, one unit: %d\n%s", code, body)
		}
		// Commune B sees nothing of it; the English page speaks English.
		b := signedIn(t, f, f.adminB)
		if _, body, _ := b.get("/"); strings.Contains(body, d.Code) || strings.Contains(body, "Hồ sơ cần chú ý") {
			t.Fatal("commune B sees commune A's dossier")
		}
		if _, body, _ := b.get("/monitor?unit=" + f.agencyA.Path); strings.Contains(body, d.Code) {
			t.Fatal("commune B narrows to commune A's unit")
		}
		h.get("/lang/en")
		if _, body, _ := h.get("/monitor"); !strings.Contains(body, "Dossiers needing attention") || !strings.Contains(body, "No progress for") {
			t.Fatalf("English:\n%s", body)
		}
	})
}
