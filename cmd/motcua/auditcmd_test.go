package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/demo"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
)

// TestAuditVerify receives a dossier in the demo, verifies, then edits its history behind
// the application's back and expects "audit verify" to fail naming the dossier.
func TestAuditVerify(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "audit.db")
	db, err := openStore(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, db, demo.Options{}); err != nil {
		t.Fatal(err)
	}
	d := receiveOne(t, db)
	db.Close()

	var out bytes.Buffer
	if err := runAudit(ctx, []string{"verify", "--db", path}, &out, &out); err != nil || !strings.Contains(out.String(), "intact") {
		t.Fatalf("intact history: %v\n%s", err, out.String())
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE dossier_events SET actor_id = NULL WHERE dossier_id = ?`, d.ID); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	out.Reset()
	err = runAudit(ctx, []string{"verify", "--db", path}, &out, &out)
	if !errors.Is(err, errHistoryBroken) || !strings.Contains(out.String(), d.Code) {
		t.Fatalf("edited history: %v\n%s", err, out.String())
	}
	if err := runAudit(ctx, []string{"check", "--db", path}, &out, &out); err == nil {
		t.Fatal("an unknown action was accepted")
	}
}

// receiveOne receives a birth registration at the Thanh Ba centre as the demo's desk
// officer.
func receiveOne(t *testing.T, db *store.DB) dossier.Dossier {
	t.Helper()
	ctx := context.Background()
	u, err := db.UserByEmail(ctx, "tiepnhan.thanhba@demo.motcua.vn")
	if err != nil {
		t.Fatal(err)
	}
	as, err := db.Assignments(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	centre, err := db.UnitByCode(ctx, "08152.TTPVHCC", unit.DateOf(time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	p, err := db.Procedure(ctx, "1.001193")
	if err != nil {
		t.Fatal(err)
	}
	var comps []dossier.Component
	for _, c := range p.Latest().Components {
		comps = append(comps, dossier.Component{Name: c.Name, Received: true})
	}
	d, err := db.Receive(ctx, auth.Actor{UserID: u.ID, Assignments: as}, store.IntakeRequest{UnitID: centre.ID,
		ProcedureCode: "1.001193", Channel: dossier.AtDesk, Components: comps,
		Applicant: dossier.Applicant{Name: "Đỗ Văn Hải", IDNumber: "025088001234", Address: "Thanh Ba, Phú Thọ"}})
	if err != nil {
		t.Fatal(err)
	}
	return d
}
