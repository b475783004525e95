package notify_test

import (
	"context"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/user"
)

// desk is a province with two communes; commune A has a one-stop agency, a published
// procedure with a four-step workflow and one official per role; the province has an
// overseer.
type desk struct {
	db                                    *store.DB
	prov, commune, agency, other          unit.Unit
	receiver, handler, approver, overseer auth.Actor
	otherHandler, admin, qms              auth.Actor
	code                                  string
}

func vn(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, calendar.Location())
}

func newDesk(t testing.TB, db *store.DB) desk {
	t.Helper()
	ctx := context.Background()
	mk := func(u unit.Unit) unit.Unit {
		u.ValidFrom = unit.NewDate(2022, 1, 1)
		if err := db.CreateUnit(ctx, &u); err != nil {
			t.Fatal(err)
		}
		return u
	}
	prov := mk(unit.Unit{Code: "25", Name: "Tỉnh Phú Thọ", Kind: unit.Province})
	com := mk(unit.Unit{Code: "08152", Name: "Xã Thanh Ba", Kind: unit.Commune, ParentID: prov.ID})
	agency := mk(unit.Unit{Code: "08152.TT", Name: "Trung tâm PVHCC xã Thanh Ba", Kind: unit.Centre,
		ParentID: com.ID, AgencyCode: "000.00.41.H29"})
	other := mk(unit.Unit{Code: "08173", Name: "Xã Quảng Yên", Kind: unit.Commune, ParentID: prov.ID})
	limit, _ := calendar.ParseLimit("3d")
	from := unit.NewDate(2020, 1, 1)
	v := procedure.Version{
		Code: "1.004873", Name: "Cấp Giấy xác nhận tình trạng hôn nhân", Field: "Hộ tịch", Level: procedure.Commune,
		AgencyKinds: []unit.Kind{unit.Committee}, Limit: limit, Fees: []procedure.Fee{{Name: "Lệ phí", Amount: 8000}},
		Components: []procedure.Component{{Name: "Tờ khai", Originals: 1, Required: true, Form: "TK-01"}},
		Result:     "Giấy xác nhận", LegalBasis: "Luật Hộ tịch 2014", Online: procedure.OnlineFull,
		Announcement:  procedure.Announcement{Number: "1/QĐ-UBND", Date: from, Authority: "UBND tỉnh Phú Thọ"},
		EffectiveFrom: from,
	}
	if err := db.AddProcedureVersion(ctx, &v); err != nil {
		t.Fatal(err)
	}
	if err := db.PublishProcedure(ctx, com.ID, v.Code, from, ""); err != nil {
		t.Fatal(err)
	}
	step := func(kind procedure.StepKind, role user.Role, budget string) procedure.Step {
		l, err := calendar.ParseLimit(budget)
		if err != nil {
			t.Fatal(err)
		}
		return procedure.Step{Kind: kind, Role: role, Budget: l}
	}
	// 2h + 1d + 1d + 4h of the 3-day limit.
	wf := procedure.Workflow{UnitID: agency.ID, Code: v.Code, Steps: []procedure.Step{
		step(procedure.StepReceive, user.Receiver, "2h"), step(procedure.StepExamine, user.Handler, "1d"),
		step(procedure.StepApprove, user.Approver, "1d"), step(procedure.StepReturn, user.Receiver, "4h")}}
	if err := db.SaveWorkflow(ctx, &wf, ""); err != nil {
		t.Fatal(err)
	}
	return desk{db: db, prov: prov, commune: com, agency: agency, other: other, code: v.Code,
		receiver:     official(t, db, "tiepnhan@x.vn", "Lê Thị Tiếp", com, user.Receiver),
		handler:      official(t, db, "xuly@x.vn", "Phạm Văn Xử", com, user.Handler),
		approver:     official(t, db, "lanhdao@x.vn", "Hoàng Văn Duyệt", com, user.Approver),
		overseer:     official(t, db, "bcd@x.vn", "Phạm Thị Giám", prov, user.Overseer),
		otherHandler: official(t, db, "xuly.qy@x.vn", "Ngô Thị Khác", other, user.Handler),
		admin:        official(t, db, "quantri@x.vn", "Đỗ Văn Quản", com, user.Admin),
		qms:          official(t, db, "iso@x.vn", "Vũ Thị Iso", com, user.QMS),
	}
}

func official(t testing.TB, db *store.DB, email, name string, in unit.Unit, role user.Role) auth.Actor {
	t.Helper()
	ctx := context.Background()
	u := user.User{Email: email, FullName: name, PasswordHash: "h", Active: true}
	a := user.Assignment{UnitID: in.ID, Role: role}
	if err := db.CreateUserWithRole(ctx, &u, &a); err != nil {
		t.Fatal(err)
	}
	as, err := db.Assignments(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return auth.Actor{UserID: u.ID, Assignments: as}
}

// receive takes a dossier in at the desk at at.
func (k desk) receive(t testing.TB, at time.Time) dossier.Dossier {
	t.Helper()
	d, err := k.db.Receive(context.Background(), k.receiver, store.IntakeRequest{UnitID: k.agency.ID, ProcedureCode: k.code,
		Channel: dossier.AtDesk, Applicant: dossier.Applicant{Name: "Nguyễn Thị Hương", IDNumber: "025190012345",
			Phone: "0912345678", Address: "Khu 3, xã Thanh Ba"},
		Components: []dossier.Component{{Name: "Tờ khai", Received: true, Digitised: true}},
		Payment:    dossier.PaidCash, At: at})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func (k desk) act(t testing.TB, who auth.Actor, d dossier.Dossier, cmd dossier.Command) dossier.Dossier {
	t.Helper()
	cmd.DossierID, cmd.Version = d.ID, d.Version
	got, err := k.db.Act(context.Background(), who, cmd)
	if err != nil {
		t.Fatalf("%s: %v", cmd.Action, err)
	}
	return got
}
