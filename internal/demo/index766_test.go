package demo_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/demo"
	"github.com/motcua/motcua/internal/report"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
)

// index766Check checks the service index of the 2022 district over the ten months (called
// from TestDossiers2022): its progress group is 26,243 ÷ 26,298 × 20 = 19.96, every
// entered indicator has its score, the ratings count, and each commune gets a plausible
// total.
func index766Check(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	district, err := db.UnitByCode(ctx, "232", in2022)
	if err != nil {
		t.Fatal(err)
	}
	from, to := demo.Period2022()
	first, last := calendar.DateOf(from), calendar.DateOf(to.Add(-time.Second))
	v, err := db.Index766InForce(ctx, strings.Split(strings.Trim(district.Path, "/"), "/")[0], last)
	if err != nil {
		t.Fatal(err)
	}
	today := to.Add(-time.Second)
	m, err := db.Index766Measures(ctx, []string{district.Path}, first, last, today, func(string) string { return district.ID })
	if err != nil {
		t.Fatal(err)
	}
	communes, err := db.ListUnits(ctx, store.UnitFilter{ParentID: district.ID, Kinds: []unit.Kind{unit.Commune, unit.Town}})
	if err != nil || len(communes) != 19 {
		t.Fatalf("%d communes, %v", len(communes), err)
	}
	ids := []string{district.ID}
	for _, c := range communes {
		ids = append(ids, c.ID)
	}
	entries, err := db.Index766Entries(ctx, v.ID, ids, first, last)
	if err != nil {
		t.Fatal(err)
	}
	res := v.Definition.Evaluate(m[district.ID], entries[district.ID])
	g, _ := res.Group("TDGQ")
	if report.Round2(g.Score) != 19.96 || g.Indicators[0].Num != demo.OnTime2022 || g.Indicators[0].Den != demo.Received2022 {
		t.Errorf("TDGQ %v (%d / %d), want 26,243 / 26,298 × 20 = 19.96", g.Score, g.Indicators[0].Num, g.Indicators[0].Den)
	}
	if res.Missing != 0 || m[district.ID][report.MeasureRatings] == 0 || m[district.ID][report.MeasurePublished] == 0 {
		t.Errorf("missing %d, measures %v", res.Missing, m[district.ID])
	}
	t.Logf("index 766 of the district, 10 months of 2022: %s (%s)", report.FormatPoints(res.Total), res.Rating.NameVI)
	per, err := db.Index766Measures(ctx, []string{district.Path}, first, last, today, func(path string) string {
		for _, c := range communes {
			if strings.HasPrefix(path, c.Path) {
				return c.ID
			}
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range communes {
		r := v.Definition.Evaluate(per[c.ID], entries[c.ID])
		if r.Missing != 0 || r.Total < 50 || r.Total > 100 {
			t.Errorf("%s: %v, %d missing", c.Name, r.Total, r.Missing)
		}
	}
}
