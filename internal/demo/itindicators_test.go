package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/calendar"

	"github.com/motcua/motcua/internal/report"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
)

// it2022Check checks the IT indicators of 2022 (called from TestDossiers2022): the seed's
// shares of officials with an official e-mail account, 90% in the district and 25% over its
// communes, frozen with the rest of the year's indicators when the units closed it, and the
// dossiers' shares equal to the rollups' figures.
func it2022Check(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	district, err := db.UnitByCode(ctx, "232", in2022)
	if err != nil {
		t.Fatal(err)
	}
	y, err := db.ITYear(ctx, district, 2022, nil)
	if err != nil {
		t.Fatal(err)
	}
	mail := y.Value(report.ITOfficialMail)
	if !y.Closed || mail.Num != 27 || mail.Den != 30 || mail.Value != 90 {
		t.Fatalf("district 2022: closed %v, official mail %+v; want 27 of 30 = 90%%", y.Closed, mail)
	}
	st, err := db.Stats(ctx, store.StatsQuery{Under: []string{district.Path}, From: dayNoon(2022, 1, 1), To: dayNoon(2022, 12, 31)})
	if err != nil {
		t.Fatal(err)
	}
	if on := y.Value(report.ITOnlineReceived); on.Num != st.ReceivedOnline || on.Den != st.Received() || on.Num == 0 {
		t.Errorf("district online share %+v, rollups %d of %d", on, st.ReceivedOnline, st.Received())
	}
	if v := y.Value(report.ITComputers); v.Entry == nil || v.Entry.Note == "" || v.Num != 28 || v.Den != 30 {
		t.Errorf("district computers %+v", v)
	}
	communes, err := db.ListUnits(ctx, store.UnitFilter{ParentID: district.ID, Kinds: []unit.Kind{unit.Commune, unit.Town}})
	if err != nil || len(communes) != 19 {
		t.Fatalf("%d communes (%v)", len(communes), err)
	}
	var num, den int64
	for _, c := range communes {
		cy, err := db.ITYear(ctx, c, 2022, nil)
		if err != nil {
			t.Fatal(err)
		}
		m := cy.Value(report.ITOfficialMail)
		if !cy.Closed || m.Den != 8 || m.Num < 1 || m.Num > 3 {
			t.Errorf("%s: closed %v, official mail %+v", c.Name, cy.Closed, m)
		}
		num, den = num+m.Num, den+m.Den
	}
	if num != 38 || den != 152 {
		t.Errorf("communes: %d of %d officials with an official mailbox, want 38 of 152 (25%%)", num, den)
	}
}

// dayNoon is noon of a day in Vietnam, as the store's day-based queries take it.
func dayNoon(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 12, 0, 0, 0, calendar.Location())
}
