package store_test

import (
	"context"
	"testing"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/portal"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestDashboardLists checks the lists behind the dashboards' tiles: the late dossiers of
// a period (resolved late, or open past their appointment), the newest ratings and the
// ratings per agency, each kept to the subtree asked for.
func TestDashboardLists(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newDesk(t, db)
		// 3 working days: received Monday 2 March 09:00, due Thursday 5 March 09:00.
		early := k.resolve(t, k.receive(t, vnTime(2026, 3, 2, 9, 0)), vnTime(2026, 3, 3, 9, 0))
		late := k.resolve(t, k.receive(t, vnTime(2026, 3, 2, 10, 0)), vnTime(2026, 3, 10, 9, 0))
		open := k.receive(t, vnTime(2026, 3, 9, 9, 0))    // due 12 March 09:00, still open
		notDue := k.receive(t, vnTime(2026, 3, 30, 9, 0)) // due 2 April
		_ = k.receive(t, vnTime(2026, 2, 27, 9, 0))       // before the period
		q := store.LateQuery{Under: []string{k.commune.Path}, From: vnTime(2026, 3, 1, 0, 0), To: vnTime(2026, 4, 1, 0, 0),
			Now: vnTime(2026, 3, 31, 12, 0), Limit: 10}
		list, n, err := db.LateDossiers(ctx, q)
		if err != nil || n != 2 || len(list) != 2 || list[0].ID != late.ID || list[1].ID != open.ID {
			t.Fatalf("late in March: %d %v %v", n, codes(list), err)
		}
		q.Limit = 1
		if list, n, _ := db.LateDossiers(ctx, q); n != 2 || len(list) != 1 {
			t.Fatalf("limited: %d of %d", len(list), n)
		}
		q.Now = vnTime(2026, 3, 11, 12, 0) // before the open dossier's appointment
		if list, n, _ := db.LateDossiers(ctx, q); n != 1 || list[0].ID != late.ID {
			t.Fatalf("on 11 March: %v", codes(list))
		}
		q.Under = []string{k.other.Path}
		if _, n, _ := db.LateDossiers(ctx, q); n != 0 {
			t.Fatalf("commune B has %d of A's late dossiers", n)
		}
		_ = notDue

		ret := func(d dossier.Dossier) dossier.Dossier {
			return k.act(t, k.receiver, d, dossier.Command{Action: dossier.ActReturn, Channel: dossier.AtDesk, At: vnTime(2026, 3, 11, 16, 0)})
		}
		for _, r := range []struct {
			d dossier.Dossier
			l portal.Level
			h int
		}{{ret(early), portal.VerySatisfied, 9}, {ret(late), portal.NotSatisfied, 10}} {
			if err := db.RateDossier(ctx, &portal.Rating{DossierID: r.d.ID, Level: r.l, RatedAt: vnTime(2026, 3, 12, r.h, 0)}); err != nil {
				t.Fatal(err)
			}
		}
		recent, err := db.RecentRatings(ctx, []string{k.commune.Path}, 5)
		if err != nil || len(recent) != 2 || recent[0].DossierID != late.ID || recent[1].Level != portal.VerySatisfied ||
			recent[0].UnitName != k.agency.Name {
			t.Fatalf("recent ratings: %+v %v", recent, err)
		}
		if recent, _ := db.RecentRatings(ctx, []string{k.other.Path}, 5); len(recent) != 0 {
			t.Fatalf("commune B sees A's ratings: %+v", recent)
		}
		by, err := db.RatingsByUnit(ctx, []string{k.commune.Path}, vnTime(2026, 3, 1, 0, 0), vnTime(2026, 4, 1, 0, 0))
		if r := by[k.agency.ID].Rate(); err != nil || len(by) != 1 || r.Num != 1 || r.Den != 2 {
			t.Fatalf("ratings by unit: %+v %v", by, err)
		}
		if by, _ := db.RatingsByUnit(ctx, nil, vnTime(2026, 4, 1, 0, 0), vnTime(2026, 5, 1, 0, 0)); len(by) != 0 {
			t.Fatalf("April has ratings: %+v", by)
		}
	})
}

func codes(ds []dossier.Dossier) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Code
	}
	return out
}
