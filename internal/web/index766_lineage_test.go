package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
)

// index766UnderSuccessors checks, on the demo of TestReportsUnderSuccessors (one load for
// both), that the service index follows the reports' lineage: today's province for the
// ten months of 2022 scores the dossiers of the former district (TDGQ 26.243 ÷ 26.298 ×
// 20) and ranks the units of the tree as it was, the rows the report's breakdown shows
// (the district), each with the figures the report gives it, in the API and on the page;
// the district, reached through its successors, ranks its 19 communes; in a period after
// the reorganisation today's communes are ranked as before, beside only the retired
// units the report still shows because they hold dossiers in progress.
func index766UnderSuccessors(t *testing.T, d *demoSite) {
	t.Helper()
	ovs := d.signIn(t, "giamsat.phutho@demo.motcua.vn")
	const y2022 = "from=2022-01-01&to=2022-10-31"

	// The index's inputs and ranking rows equal the report's figures and breakdown rows.
	same := func(unitID, period string) apiIndex766JSON {
		t.Helper()
		q := "unit_id=" + unitID + "&" + period + "&by=children"
		ix, rp := apiIndex766Get(t, ovs, q), apiReport(t, ovs, q)
		if ix.Measures["received"] != rp.Stats.Received || ix.Measures["on_time"] != rp.Stats.OnTime {
			t.Errorf("%s %s: index measures %v, report %+v", unitID, period, ix.Measures, rp.Stats)
		}
		report := map[string]apiStatsJSON{}
		for _, c := range rp.Children {
			if !c.Unit.Rest && !unit.Kind(c.Unit.Kind).IsAgency() {
				report[c.Unit.ID] = c.Stats
			}
		}
		if len(ix.Ranking) != len(report) {
			t.Errorf("%s %s: %d ranked, the report's breakdown has %d units", unitID, period, len(ix.Ranking), len(report))
		}
		for _, row := range ix.Ranking {
			st, ok := report[row.Unit.ID]
			tdgq := row.Groups["TDGQ"]
			if !ok {
				t.Errorf("%s %s: ranked %s is not in the report's breakdown", unitID, period, row.Unit.Name)
				continue
			}
			if st.Received > 0 {
				if want := float64(st.OnTime) / float64(st.Received) * 20; tdgq < want-0.01 || tdgq > want+0.01 {
					t.Errorf("%s: TDGQ %v, the report's %d / %d", row.Unit.Name, tdgq, st.OnTime, st.Received)
				}
			}
		}
		return ix
	}

	prov := same(d.province.ID, y2022)
	tdgq := index766Group(t, prov, "TDGQ")
	if ind := tdgq.Indicators[0]; *ind.NumeratorValue != 26243 || *ind.DenominatorValue != 26298 || tdgq.Score != 19.96 {
		t.Fatalf("today's province, 2022: TDGQ %v %+v", tdgq.Score, ind)
	}
	if len(prov.Ranking) != 1 || prov.Ranking[0].Unit.ID != d.district.ID || prov.Ranking[0].Groups["TDGQ"] != 19.96 ||
		prov.Ranking[0].Missing != 0 {
		t.Fatalf("today's province, 2022: ranking %+v", prov.Ranking)
	}
	district := same(d.district.ID, y2022)
	if len(district.Ranking) != 19 || district.Total != prov.Ranking[0].Total {
		t.Fatalf("the district, 2022: %d ranked, total %v (in the province's ranking %v)", len(district.Ranking),
			district.Total, prov.Ranking[0].Total)
	}
	// The page shows the ranking rows, each linking to its own index.
	code, page, _ := ovs.get("/reports/index766?unit_id=" + d.province.ID + "&" + tenMonths2022)
	link := `href="/reports/index766?months=10&amp;period=months&amp;unit_id=` + d.district.ID + `&amp;year=2022"`
	if code != http.StatusOK || !strings.Contains(page, "26.243 ÷ 26.298 × 20 = 19,96") || !strings.Contains(page, link) {
		t.Fatalf("the province's 2022 page: %d\n%s", code, page)
	}

	// After the reorganisation: every commune of today's province, and the former
	// district only for the 2022 dossiers it still holds in progress (as in the report).
	after := same(d.province.ID, "from=2026-01-01&to=2026-03-31")
	communes, err := d.db.ListUnits(t.Context(), store.UnitFilter{ParentID: d.province.ID, ActiveOn: unit.NewDate(2026, 3, 31)})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, c := range communes {
		if !c.Kind.IsAgency() {
			want[c.ID] = true
		}
	}
	var retired []string
	for _, row := range after.Ranking {
		if !want[row.Unit.ID] {
			retired = append(retired, row.Unit.Name)
		}
		delete(want, row.Unit.ID)
	}
	if len(want) != 0 || len(retired) != 1 || retired[0] != "Huyện Thanh Ba" {
		t.Errorf("today's province, 2026: %d of its communes not ranked, retired units ranked %v", len(want), retired)
	}
	if m := apiIndex766Get(t, ovs, "unit_id="+d.district.ID+"&from=2026-01-01&to=2026-03-31"); m.Measures["received"] != 0 ||
		m.Measures["in_progress_overdue"] == 0 {
		t.Errorf("the district, 2026: %v", m.Measures)
	}
}
