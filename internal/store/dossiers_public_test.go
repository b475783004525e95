package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/portal"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestPublicDossier checks the look-up's narrow read against the full one: every column it
// reads, the current step's kind, the unit's name, the rating and the throttling key's
// lock, by code and by receipt number, and a miss that still reports the lock.
func TestPublicDossier(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newDesk(t, db)
		now := vnTime(2026, 2, 20, 9, 0)
		until := now.Add(15 * time.Minute).UTC()
		if err := db.SetLoginFailures(ctx, "key", 10, now, until); err != nil {
			t.Fatal(err)
		}
		open := k.act(t, k.receiver, k.receive(t, vnTime(2026, 2, 5, 9, 0)),
			dossier.Command{Action: dossier.ActForward, At: vnTime(2026, 2, 5, 10, 0)})
		waiting := k.act(t, k.handler, k.act(t, k.receiver, k.receive(t, vnTime(2026, 2, 5, 9, 30)),
			dossier.Command{Action: dossier.ActForward, At: vnTime(2026, 2, 5, 10, 0)}),
			dossier.Command{Action: dossier.ActRequest, At: vnTime(2026, 2, 5, 15, 0),
				Items: []dossier.SupplementItem{{Name: "Tờ khai", Reason: "Sai tên"}}})
		rated := k.act(t, k.receiver, k.resolve(t, k.receive(t, vnTime(2026, 2, 5, 10, 0)), vnTime(2026, 2, 6, 9, 0)),
			dossier.Command{Action: dossier.ActReturn, Channel: dossier.AtDesk, At: vnTime(2026, 2, 12, 16, 0)})
		if err := db.RateDossier(ctx, &portal.Rating{DossierID: rated.ID, Level: portal.Satisfied, RatedAt: now}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			d     dossier.Dossier
			key   string
			kind  procedure.StepKind
			rated bool
		}{
			{open, "key", procedure.StepExamine, false},
			{waiting, "other", procedure.StepExamine, false},
			{rated, "key", procedure.StepReturn, true},
		} {
			want, err := db.Dossier(ctx, c.d.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, ref := range []portal.Reference{{Code: want.Code}, {Receipt: want.ID}} {
				got, err := db.PublicDossier(ctx, ref, c.key, "free address")
				if err != nil {
					t.Fatal(err)
				}
				checkPublic(t, got, want, c.kind, k.agency.Name, c.rated)
				if wantLock := map[string]time.Time{"key": until}[c.key]; !got.LockedUntil.Equal(wantLock) {
					t.Errorf("%s %s: locked until %v, want %v", want.Code, c.key, got.LockedUntil, wantLock)
				}
			}
		}
		for _, ref := range []portal.Reference{{Code: "000.00.41.H29-260205-9999"}, {Receipt: "0190a1b2-0000-7000-8000-000000000000"}, {}} {
			got, err := db.PublicDossier(ctx, ref, "key", "free address")
			if err != nil || got.Found || !got.LockedUntil.Equal(until) {
				t.Errorf("%+v: found %v, locked until %v, %v", ref, got.Found, got.LockedUntil, err)
			}
		}
		// The address's lock counts too, found or not, and the later of two locks wins.
		addrUntil := until.Add(5 * time.Minute)
		if err := db.SetLoginFailures(ctx, "locked address", 30, now, addrUntil); err != nil {
			t.Fatal(err)
		}
		for _, ref := range []portal.Reference{{Code: open.Code}, {Code: "000.00.41.H29-260205-9999"}} {
			for _, refKey := range []string{"key", "other"} {
				got, err := db.PublicDossier(ctx, ref, refKey, "locked address")
				if err != nil || !got.LockedUntil.Equal(addrUntil) {
					t.Errorf("%+v %s with a locked address: locked until %v, want %v (%v)", ref, refKey, got.LockedUntil, addrUntil, err)
				}
			}
		}
	})
}

func checkPublic(t *testing.T, got store.PublicDossier, want dossier.Dossier, kind procedure.StepKind, unit string, rated bool) {
	t.Helper()
	g := got.Dossier
	shown := dossier.Dossier{ID: want.ID, Code: want.Code, CurrentUnitID: want.CurrentUnitID, State: want.State,
		StepIndex: want.StepIndex, Channel: want.Channel, ProcedureCode: want.ProcedureCode, ProcedureName: want.ProcedureName,
		Limit: want.Limit, Applicant: dossier.Applicant{Name: want.Applicant.Name, Phone: want.Applicant.Phone},
		FeeTotal: want.FeeTotal, CreatedAt: want.CreatedAt, ReceivedAt: want.ReceivedAt, Due: want.Due,
		ExtendedDue: want.ExtendedDue, ResolvedAt: want.ResolvedAt, Timeliness: want.Timeliness,
		ReturnedAt: want.ReturnedAt, ClosingReason: want.ClosingReason, LookupSecret: want.LookupSecret}
	if !got.Found || !reflect.DeepEqual(g, shown) {
		t.Errorf("%s: read\n%+v, want\n%+v", want.Code, g, shown)
	}
	step, err := got.StepKind()
	if err != nil || step != kind || step != want.Step().Kind {
		t.Errorf("%s: step %q (%v), want %q", want.Code, step, err, kind)
	}
	received := []string{}
	for _, c := range want.Components {
		if c.Received {
			received = append(received, c.Name)
		}
	}
	comps, err := got.ReceivedComponents()
	if err != nil || !reflect.DeepEqual(comps, received) || len(received) == 0 {
		t.Errorf("%s: components received %q (%v), want %q", want.Code, comps, err, received)
	}
	missing, err := got.Missing()
	if err != nil || !reflect.DeepEqual(missing, want.Missing) {
		t.Errorf("%s: missing %+v (%v), want %+v", want.Code, missing, err, want.Missing)
	}
	if got.UnitName != unit || got.Rated != rated {
		t.Errorf("%s: unit %q rated %v, want %q %v", want.Code, got.UnitName, got.Rated, unit, rated)
	}
}
