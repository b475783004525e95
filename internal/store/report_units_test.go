package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/report"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/unit"
)

// TestStatsByUnit checks that the figures grouped by agency, and month by month, are the
// figures Stats computes: agency by agency and in total, over periods that take whole
// months, edge days or both; and that the scope and the period are honoured.
func TestStatsByUnit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newDesk(t, db)
		committee := mustCreate(t, db, unit.Unit{Code: "08152.UB", Name: "UBND xã Thanh Ba", Kind: unit.Committee,
			ParentID: k.commune.ID, AgencyCode: "000.00.42.H29"})
		recv := func(key string, agency unit.Unit, at time.Time, ch dossier.Channel) dossier.Dossier {
			req := k.request(key, at)
			req.UnitID, req.Channel = agency.ID, ch
			d, err := db.Receive(ctx, k.receiver, req)
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		forward := func(d dossier.Dossier, at time.Time) {
			d = k.act(t, k.receiver, d, dossier.Command{Action: dossier.ActForward, At: at})
			d = k.act(t, k.handler, d, dossier.Command{Action: dossier.ActForward, At: at})
			k.act(t, k.approver, d, dossier.Command{Action: dossier.ActForward, At: at})
		}
		recv("feb", k.agency, vnTime(2026, 2, 26, 9, 0), dossier.AtDesk)
		forward(recv("a", k.agency, vnTime(2026, 3, 2, 9, 0), dossier.AtDesk), vnTime(2026, 3, 3, 10, 0))
		forward(recv("b", committee, vnTime(2026, 3, 3, 9, 0), dossier.Online), vnTime(2026, 3, 11, 10, 0))
		recv("c", committee, vnTime(2026, 3, 20, 9, 0), dossier.ByPost)
		forward(recv("d", k.agency, vnTime(2026, 4, 7, 9, 0), dossier.AtDesk), vnTime(2026, 4, 8, 9, 0))

		today := vnTime(2026, 4, 30, 12, 0)
		periods := [][2]time.Time{
			{vnTime(2026, 3, 1, 0, 0), vnTime(2026, 3, 31, 0, 0)}, // a whole month
			{vnTime(2026, 3, 3, 0, 0), vnTime(2026, 3, 20, 0, 0)}, // days inside a month
			{vnTime(2026, 2, 15, 0, 0), vnTime(2026, 4, 7, 0, 0)}, // edge days around a whole month
			{vnTime(2026, 1, 1, 0, 0), vnTime(2026, 12, 31, 0, 0)},
			{vnTime(2025, 1, 1, 0, 0), vnTime(2025, 12, 31, 0, 0)}, // nothing then
		}
		for _, p := range periods {
			q := store.StatsQuery{Under: []string{k.commune.Path}, From: p[0], To: p[1], Today: today}
			by, err := db.StatsByUnit(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			var sum report.Stats
			for _, a := range []unit.Unit{k.agency, committee} {
				one, err := db.Stats(ctx, store.StatsQuery{Under: []string{a.Path}, From: p[0], To: p[1], Today: today})
				if err != nil {
					t.Fatal(err)
				}
				got := by[a.ID]
				got.From, got.To = one.From, one.To
				if got != one {
					t.Errorf("%s %v: by unit %+v, Stats %+v", a.Name, p, got, one)
				}
				sum = sum.Plus(by[a.ID])
			}
			whole, _ := db.Stats(ctx, q)
			sum.From, sum.To = whole.From, whole.To
			if sum != whole {
				t.Errorf("%v: agencies add up to %+v, the commune has %+v", p, sum, whole)
			}
			if len(by) > 2 {
				t.Errorf("%v: %d agencies", p, len(by))
			}
		}
		// Month by month, today at the end of April and in mid-March (that month counts its
		// dossiers in progress at today); the months not started are zero.
		for _, now := range []time.Time{today, vnTime(2026, 3, 15, 12, 0)} {
			for _, under := range [][]string{{k.commune.Path}, {committee.Path}, nil} {
				months, started, err := db.StatsByMonth(ctx, under, 2026, now)
				if err != nil {
					t.Fatal(err)
				}
				for m := range 12 {
					from := time.Date(2026, time.Month(m+1), 1, 0, 0, 0, 0, now.Location())
					if !from.Before(now) {
						if started[m] || !months[m].IsZero() {
							t.Errorf("month %d after %v: %v %+v", m+1, now, started[m], months[m])
						}
						continue
					}
					one, err := db.Stats(ctx, store.StatsQuery{Under: under, From: from, To: from.AddDate(0, 1, -1), Today: now})
					if err != nil {
						t.Fatal(err)
					}
					if !started[m] || months[m] != one {
						t.Errorf("month %d (today %v, under %v): by month %+v, Stats %+v", m+1, now, under, months[m], one)
					}
				}
			}
		}

		march := store.StatsQuery{From: periods[0][0], To: periods[0][1], Today: today}
		all, err := db.StatsByUnit(ctx, march)
		if err != nil || all[k.agency.ID].Received() != 1 || all[committee.ID].Received() != 2 || all[committee.ID].CarriedOver != 0 ||
			all[k.agency.ID].CarriedOver != 1 {
			t.Errorf("everywhere: %+v %v", all, err)
		}
		march.Under = []string{k.other.Path}
		if none, err := db.StatsByUnit(ctx, march); err != nil || len(none) != 0 {
			t.Errorf("another commune: %+v %v", none, err)
		}
		if _, err := db.StatsByUnit(ctx, store.StatsQuery{From: periods[0][1], To: periods[0][0]}); !failure.Is(err, failure.Invalid) {
			t.Errorf("reversed period: %v", err)
		}
	})
}
