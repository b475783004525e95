package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/user"
)

// openHandle opens another *store.DB on dsn, as another server (or the command line)
// sharing the database would.
func openHandle(t *testing.T, dsn string) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestIntakeSeesChangesFromAnotherHandle: the intake caches what it reads from the
// catalog, yet a change made through another handle on the same database (another
// server behind the same PostgreSQL, or a command on the same SQLite file) is seen by the
// very next intake, refusals included; and a refusal that no longer holds is not
// answered from the cache.
func TestIntakeSeesChangesFromAnotherHandle(t *testing.T) {
	for _, engine := range []struct {
		name string
		dsn  func(testing.TB) string
	}{{"sqlite", storetest.SQLiteDSN}, {"postgres", storetest.PostgresDSN}} {
		t.Run(engine.name, func(t *testing.T) {
			dsn := engine.dsn(t)
			a := openHandle(t, dsn)
			b := openHandle(t, dsn)
			k := newDesk(t, a)
			ctx := context.Background()
			friday := at(2026, 3, 6)
			receive := func(when time.Time, edit ...func(*store.IntakeRequest)) (dossier.Dossier, error) {
				req := k.request("", when)
				for _, e := range edit {
					e(&req)
				}
				return a.Receive(ctx, k.receiver, req)
			}
			first, err := receive(friday)
			if err != nil {
				t.Fatal(err)
			}
			if len(first.Workflow) != 4 {
				t.Fatalf("workflow: %+v", first.Workflow)
			}

			// The agency's workflow changes.
			wf := procedure.Workflow{UnitID: k.agency.ID, Code: k.code, Steps: []procedure.Step{
				step(procedure.StepReceive, user.Receiver, "1h"), step(procedure.StepExamine, user.Handler, "2d"),
				step(procedure.StepReturn, user.Receiver, "4h")}}
			if err := b.SaveWorkflow(ctx, &wf, ""); err != nil {
				t.Fatal(err)
			}
			got, err := receive(friday)
			if err != nil || len(got.Workflow) != 3 || got.Workflow[1].Budget.String() != "2d" {
				t.Fatalf("after the workflow changed: %+v, %v", got.Workflow, err)
			}

			// The commune works on Saturdays: the appointment comes a day earlier.
			if err := b.SaveWorkSettings(ctx, k.commune.ID, store.WorkSettings{OfficeHours: calendar.DefaultOfficeHours(),
				Weekend: []time.Weekday{time.Sunday}}); err != nil {
				t.Fatal(err)
			}
			if got, err = receive(friday); err != nil || !got.Due.Before(first.Due) {
				t.Fatalf("after Saturdays became working days: due %v, before %v (%v)", got.Due, first.Due, err)
			}

			// Withdrawn, refused; published again, received.
			if err := b.UnpublishProcedure(ctx, k.commune.ID, k.code, d(2026, 3, 6), ""); err != nil {
				t.Fatal(err)
			}
			if _, err := receive(friday); !isRefusal(err, procedure.RefusedNotApplied) {
				t.Fatalf("after the withdrawal: %v", err)
			}
			if err := b.PublishProcedure(ctx, k.commune.ID, k.code, d(2026, 3, 6), ""); err != nil {
				t.Fatal(err)
			}
			if _, err := receive(friday); err != nil {
				t.Fatalf("published again: %v", err)
			}

			// Expired: refused at once.
			if err := b.EndProcedure(ctx, k.code, procedure.End{Status: procedure.Expired, From: d(2026, 3, 6)}); err != nil {
				t.Fatal(err)
			}
			if _, err := receive(friday); !isRefusal(err, procedure.RefusedExpired) {
				t.Fatalf("after the expiry: %v", err)
			}

			// A new version with one more required paper: the old checklist is refused.
			v := sampleVersion(k.code, "Cấp Giấy xác nhận tình trạng hôn nhân", d(2026, 3, 9))
			v.Components = append(v.Components, procedure.Component{Name: "Giấy tờ tùy thân", Copies: 1},
				procedure.Component{Name: "Ảnh", Copies: 1, Required: true})
			v = mustAdd(t, b, v)
			monday := at(2026, 3, 9)
			if _, err := receive(monday); !failure.Is(err, failure.Invalid) || !hasField(err, "components") {
				t.Fatalf("the new version's paper missing: %v", err)
			}
			got, err = receive(monday, func(r *store.IntakeRequest) {
				r.Components = append(r.Components, dossier.Component{Name: "Ảnh", Received: true})
			})
			if err != nil || got.ProcedureVersionID != v.ID {
				t.Fatalf("under the new version: %v (version %s, want %s)", err, got.ProcedureVersionID, v.ID)
			}

			// The agency closes.
			agency := k.agency
			agency.ValidTo = d(2026, 3, 9)
			if err := b.UpdateUnit(ctx, &agency); err != nil {
				t.Fatal(err)
			}
			if _, err := receive(monday); !failure.Is(err, failure.Invalid) || !hasField(err, "unit_id") {
				t.Fatalf("after the agency closed: %v", err)
			}

			// Exactly the two refusals that held were recorded.
			refusals, err := a.IntakeRefusals(ctx, store.RefusalFilter{UnitID: k.agency.ID})
			if err != nil || len(refusals) != 2 {
				t.Fatalf("refusals: %+v, %v", refusals, err)
			}
		})
	}
}

func isRefusal(err error, want procedure.Refusal) bool {
	r, ok := procedure.RefusalOf(err)
	return ok && r == want
}
