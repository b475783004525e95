package store_test

import (
	"context"
	"testing"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/user"
)

func TestDossierPageQueries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newDesk(t, db)
		names, err := db.UserNames(ctx, []string{k.handler.UserID, k.approver.UserID, k.handler.UserID, "", "no-such-id"})
		if err != nil || len(names) != 2 || names[k.handler.UserID] != "Phạm Văn Xử" || names[k.approver.UserID] != "Hoàng Văn Duyệt" {
			t.Fatalf("names: %v, %v", names, err)
		}
		if names, err := db.UserNames(ctx, nil); err != nil || len(names) != 0 {
			t.Fatalf("no names: %v, %v", names, err)
		}

		// Handlers of the commune cover its agency; the other commune's receiver does not.
		handlers, err := db.Assignable(ctx, user.Handler, k.agency.Path)
		if err != nil || len(handlers) != 1 || handlers[0].ID != k.handler.UserID {
			t.Fatalf("assignable handlers: %+v, %v", handlers, err)
		}
		receivers, err := db.Assignable(ctx, user.Receiver, k.agency.Path)
		if err != nil || len(receivers) != 1 || receivers[0].ID != k.receiver.UserID {
			t.Fatalf("assignable receivers: %+v, %v", receivers, err)
		}
		if none, err := db.Assignable(ctx, user.Approver, k.other.Path); err != nil || len(none) != 0 {
			t.Fatalf("approvers of the other commune: %+v, %v", none, err)
		}
		// Three dossiers: one resolved early, one late, one open.
		var ds []dossier.Dossier
		for i, day := range []int{2, 3, 4} {
			d, err := db.Receive(ctx, k.receiver, k.request(string(rune('a'+i)), vnTime(2026, 3, day, 9, 0)))
			if err != nil {
				t.Fatal(err)
			}
			ds = append(ds, d)
		}
		d := k.act(t, k.receiver, ds[0], dossier.Command{Action: dossier.ActForward, At: vnTime(2026, 3, 2, 10, 0)})
		d = k.act(t, k.handler, d, dossier.Command{Action: dossier.ActForward, At: vnTime(2026, 3, 2, 11, 0)})
		k.act(t, k.approver, d, dossier.Command{Action: dossier.ActForward, At: vnTime(2026, 3, 2, 14, 0)})
		d = k.act(t, k.receiver, ds[1], dossier.Command{Action: dossier.ActForward, At: vnTime(2026, 3, 3, 10, 0)})
		d = k.act(t, k.handler, d, dossier.Command{Action: dossier.ActForward, At: vnTime(2026, 3, 3, 11, 0)})
		k.act(t, k.approver, d, dossier.Command{Action: dossier.ActForward, At: vnTime(2026, 3, 20, 14, 0)})

		cases := []struct {
			name string
			f    store.DossierFilter
			want store.DossierTally
		}{
			{"all", store.DossierFilter{}, store.DossierTally{Total: 3, Resolved: 2, OnTime: 1, Late: 1}},
			{"commune", store.DossierFilter{Under: []string{k.commune.Path}}, store.DossierTally{Total: 3, Resolved: 2, OnTime: 1, Late: 1}},
			{"other commune", store.DossierFilter{Under: []string{k.other.Path}}, store.DossierTally{}},
			{"ready", store.DossierFilter{States: []dossier.State{dossier.Ready}}, store.DossierTally{Total: 2, Resolved: 2, OnTime: 1, Late: 1}},
			{"open", store.DossierFilter{States: []dossier.State{dossier.Received}}, store.DossierTally{Total: 1}},
			{"search", store.DossierFilter{Query: ds[1].Code}, store.DossierTally{Total: 1, Resolved: 1, Late: 1}},
			{"period", store.DossierFilter{From: vnTime(2026, 3, 3, 0, 0), To: vnTime(2026, 3, 4, 0, 0)}, store.DossierTally{Total: 1, Resolved: 1, Late: 1}},
			{"overdue", store.DossierFilter{Overdue: vnTime(2026, 4, 1, 0, 0)}, store.DossierTally{Total: 1}},
			{"agency", store.DossierFilter{UnitID: k.agency.ID}, store.DossierTally{Total: 3, Resolved: 2, OnTime: 1, Late: 1}},
		}
		for _, c := range cases {
			got, err := db.TallyDossiers(ctx, c.f)
			if err != nil || got != c.want {
				t.Errorf("%s: %+v, %v; want %+v", c.name, got, err, c.want)
			}
			list, err := db.ListDossiers(ctx, c.f)
			if err != nil || len(list) != c.want.Total {
				t.Errorf("%s: the list has %d dossiers (%v), the tally %d", c.name, len(list), err, c.want.Total)
			}
		}
		// A deactivated official is no longer offered.
		u, err := db.User(ctx, k.handler.UserID)
		if err != nil {
			t.Fatal(err)
		}
		u.Active = false
		if err := db.UpdateUser(ctx, &u); err != nil {
			t.Fatal(err)
		}
		if gone, err := db.Assignable(ctx, user.Handler, k.agency.Path); err != nil || len(gone) != 0 {
			t.Fatalf("a deactivated official is offered: %+v, %v", gone, err)
		}

		if r := (store.DossierTally{Resolved: 2, OnTime: 1}).OnTimeRate(); r != 50 {
			t.Fatalf("rate %v", r)
		}
		if r := (store.DossierTally{}).OnTimeRate(); r != 100 {
			t.Fatalf("empty rate %v", r)
		}
	})
}
