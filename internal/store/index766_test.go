package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/portal"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/report"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/unit"
)

func cday(y int, m time.Month, d int) calendar.Date { return calendar.Date{Year: y, Month: m, Day: d} }

// provinceDefinition is the default definition renamed and moved to other days.
func provinceDefinition(version, from, to string) []byte {
	s := strings.Replace(string(report.DefaultDefinitionJSON), `"version": "766/QĐ-TTg (2022)"`, `"version": "`+version+`"`, 1)
	s = strings.Replace(s, `"effective_from": "2022-06-23"`, `"effective_from": "`+from+`"`, 1)
	if to != "" {
		s = strings.Replace(s, `"effective_to": null`, `"effective_to": "`+to+`"`, 1)
	}
	return []byte(s)
}

func TestIndex766Versions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		prov := mustCreate(t, db, unit.Unit{Code: "25", Name: "Tỉnh Phú Thọ", Kind: unit.Province})
		other := mustCreate(t, db, unit.Unit{Code: "26", Name: "Tỉnh Vĩnh Phúc", Kind: unit.Province})
		admin := official(t, db, "quantri@x.vn", "Quản Trị", prov, "admin")

		// The national default is there from the first read, once.
		for range 2 {
			if err := db.EnsureIndex766Default(ctx); err != nil {
				t.Fatal(err)
			}
		}
		all, err := db.Index766Versions(ctx)
		if err != nil || len(all) != 1 || !all[0].Default || all[0].ScopeUnitID != store.Index766NationalScope ||
			all[0].Definition.Version != "766/QĐ-TTg (2022)" {
			t.Fatalf("default: %+v %v", all, err)
		}
		national := all[0]
		inForce := func(provID string, day calendar.Date) string {
			t.Helper()
			v, err := db.Index766InForce(ctx, provID, day)
			if failure.Is(err, failure.NotFound) {
				return ""
			}
			if err != nil {
				t.Fatal(err)
			}
			return v.Definition.Version
		}
		if got := inForce(prov.ID, cday(2026, 3, 1)); got != national.Definition.Version {
			t.Fatalf("in force: %q", got)
		}
		if got := inForce(prov.ID, cday(2022, 6, 22)); got != "" {
			t.Fatalf("before the decision: %q", got)
		}

		// A province's version: it scores the province's units from its first day.
		today := cday(2024, 12, 1)
		v25, err := db.SaveIndex766Version(ctx, prov.ID, "", provinceDefinition("PT-2025", "2025-01-01", ""), admin.UserID, today)
		if err != nil {
			t.Fatal(err)
		}
		if inForce(prov.ID, cday(2025, 1, 1)) != "PT-2025" || inForce(prov.ID, cday(2024, 12, 31)) != national.Definition.Version ||
			inForce(other.ID, cday(2025, 6, 1)) != national.Definition.Version {
			t.Fatal("the province's version is in force from its day, in the province only")
		}
		// Errors name their line; the national scope is read-only.
		bad := strings.Replace(string(provinceDefinition("PT-X", "2027-01-01", "")), `["electronic"]`, `["e-copy"]`, 1)
		_, err = db.SaveIndex766Version(ctx, prov.ID, "", []byte(bad), admin.UserID, today)
		if fs := failure.Fields(err); len(fs) != 1 || fs[0].Key != "index766.def.measure_unknown" ||
			fs[0].Args[0] != 1+strings.Count(bad[:strings.Index(bad, `"e-copy"`)], "\n") {
			t.Fatalf("unknown measure: %v", err)
		}
		if _, err := db.SaveIndex766Version(ctx, store.Index766NationalScope, "", report.DefaultDefinitionJSON, admin.UserID, today); !failure.Is(err, failure.Forbidden) {
			t.Fatalf("national: %v", err)
		}
		key := func(err error) string {
			if fs := failure.Fields(err); len(fs) == 1 {
				return fs[0].Key
			}
			return fmt.Sprint(err)
		}
		// A later open-ended version closes the earlier one the day before it starts.
		v26, err := db.SaveIndex766Version(ctx, prov.ID, "", provinceDefinition("PT-2026", "2026-01-01", ""), admin.UserID, today)
		if err != nil {
			t.Fatal(err)
		}
		old, err := db.Index766Version(ctx, v25.ID)
		if err != nil || !old.Closed || old.Definition.EffectiveTo != cday(2025, 12, 31) || old.Body != v25.Body {
			t.Fatalf("closed: %+v %v", old.Definition, err)
		}
		if inForce(prov.ID, cday(2025, 12, 31)) != "PT-2025" || inForce(prov.ID, cday(2026, 1, 1)) != "PT-2026" {
			t.Fatal("the versions follow each other")
		}
		for _, c := range []struct {
			body []byte
			key  string
		}{
			{provinceDefinition("PT-2025b", "2025-06-01", "2025-08-31"), "index766.version_overlap"},
			{provinceDefinition("PT-2021", "2021-01-01", ""), "index766.version_overlap"},
			{provinceDefinition("PT-2027", "2027-01-01", "2027-12-31"), "index766.version_overlap"}, // inside the open PT-2026
			{provinceDefinition("PT-2026", "2028-01-01", ""), "index766.version_exists"},
		} {
			if _, err := db.SaveIndex766Version(ctx, prov.ID, "", c.body, admin.UserID, today); key(err) != c.key {
				t.Errorf("%s: %v", c.body[:60], err)
			}
		}
		// A bounded version before every other one is fine.
		if _, err := db.SaveIndex766Version(ctx, prov.ID, "", provinceDefinition("PT-2023", "2023-01-01", "2023-12-31"), admin.UserID, today); err != nil {
			t.Fatal(err)
		}
		// A version may be edited until it is in force.
		edited, err := db.SaveIndex766Version(ctx, prov.ID, v26.ID, provinceDefinition("PT-2026 (sửa)", "2026-01-01", ""), admin.UserID, today)
		if err != nil || edited.ID != v26.ID || edited.Definition.Version != "PT-2026 (sửa)" {
			t.Fatalf("edit: %+v %v", edited.Definition, err)
		}
		if _, err := db.SaveIndex766Version(ctx, prov.ID, v26.ID, provinceDefinition("PT-2026", "2026-01-01", ""), admin.UserID,
			cday(2026, 1, 1)); key(err) != "index766.version_in_force" {
			t.Fatalf("edit in force: %v", err)
		}
		if _, err := db.SaveIndex766Version(ctx, other.ID, v26.ID, provinceDefinition("X", "2030-01-01", ""), admin.UserID, today); !failure.Is(err, failure.NotFound) {
			t.Fatalf("edit from another province: %v", err)
		}
		list, err := db.Index766Versions(ctx, prov.ID)
		if err != nil || len(list) != 4 || list[0].ScopeUnitID != "" || list[1].Definition.Version != "PT-2026 (sửa)" {
			t.Fatalf("list: %d %v", len(list), err)
		}
		if list, _ := db.Index766Versions(ctx, other.ID); len(list) != 1 {
			t.Fatalf("another province sees %d versions", len(list))
		}
		if trail, err := db.AuditTrail(ctx, "index766_definition", v26.ID, 10); err != nil || len(trail) != 2 {
			t.Fatalf("audit: %+v %v", trail, err)
		}
	})
}

func TestIndex766Entries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newDesk(t, db)
		v, err := db.Index766InForce(ctx, "", cday(2026, 3, 1))
		if err != nil {
			t.Fatal(err)
		}
		from, to := cday(2026, 1, 1), cday(2026, 3, 31)
		save := func(unitID string, in report.EntryInput) error {
			_, err := db.SaveIndex766Entry(ctx, v.ID, unitID, from, to, in, k.approver.UserID)
			return err
		}
		for _, c := range []struct {
			in  report.EntryInput
			key string
		}{
			{report.EntryInput{Indicator: "MDHL.2", Score: "7", Evidence: "x"}, "index766.entry.score_above_max"},
			{report.EntryInput{Indicator: "ZZ.1", Score: "1", Evidence: "x"}, "index766.entry.indicator_unknown"},
			{report.EntryInput{Indicator: "MDHL.2", Score: "1", Evidence: ""}, "index766.entry.evidence_required"},
		} {
			if err := save(k.commune.ID, c.in); len(failure.Fields(err)) != 1 || failure.Fields(err)[0].Key != c.key {
				t.Errorf("%+v: %v", c.in, err)
			}
		}
		if err := save(k.commune.ID, report.EntryInput{Indicator: "MDHL.2", Score: "4,5", Evidence: "Báo cáo 5/BC-UBND"}); err != nil {
			t.Fatal(err)
		}
		if err := save(k.commune.ID, report.EntryInput{Indicator: "MDHL.2", Score: "5.25", Evidence: "Báo cáo 6/BC-UBND"}); err != nil {
			t.Fatal(err)
		}
		if err := save(k.other.ID, report.EntryInput{Indicator: "CKMB.2", Score: "6", Evidence: "Cổng DVCQG"}); err != nil {
			t.Fatal(err)
		}
		got, err := db.Index766Entries(ctx, v.ID, []string{k.commune.ID, k.other.ID}, from, to)
		if err != nil {
			t.Fatal(err)
		}
		e := got[k.commune.ID]["MDHL.2"]
		if len(got[k.commune.ID]) != 1 || e.Score != 5.25 || e.Evidence != "Báo cáo 6/BC-UBND" || e.By != "Hoàng Văn Duyệt" || e.At.IsZero() ||
			got[k.other.ID]["CKMB.2"].Score != 6 {
			t.Fatalf("entries: %+v", got)
		}
		// Another period has its own entries.
		if other, _ := db.Index766Entries(ctx, v.ID, []string{k.commune.ID}, from, cday(2026, 6, 30)); len(other) != 0 {
			t.Fatalf("another period: %+v", other)
		}
		trail, err := db.AuditTrail(ctx, "index766_definition", v.ID, 10)
		replaced := slices.ContainsFunc(trail, func(e store.AuditEvent) bool { return strings.HasSuffix(e.Detail, ": 5,25 (was 4,5)") })
		if err != nil || len(trail) != 3 || !replaced {
			t.Fatalf("audit: %+v %v", trail, err)
		}
	})
}

// TestIndex766Measures checks the measures against the report's figures and the catalog:
// a commune's own, and the province's as the sum of its communes'.
func TestIndex766Measures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newDesk(t, db)
		// An expired procedure the commune still publishes, offered on paper only.
		old := sampleVersion("1.000001", "Thủ tục đã hết hiệu lực", d(2020, 1, 1))
		old.EffectiveTo, old.Online = d(2025, 1, 1), procedure.OnlineNone
		mustAdd(t, db, old)
		if err := db.PublishProcedure(ctx, k.commune.ID, old.Code, d(2020, 1, 1), ""); err != nil {
			t.Fatal(err)
		}
		if err := db.PublishProcedure(ctx, k.other.ID, k.code, d(2020, 1, 1), ""); err != nil {
			t.Fatal(err)
		}
		a := k.resolve(t, k.receive(t, vnTime(2026, 3, 2, 9, 0)), vnTime(2026, 3, 3, 9, 0))
		a = k.act(t, k.receiver, a, dossier.Command{Action: dossier.ActReturn, Channel: dossier.AtDesk, Electronic: true, At: vnTime(2026, 3, 3, 15, 0)})
		req := k.request("online", vnTime(2026, 3, 4, 9, 0))
		req.Channel, req.Payment = dossier.Online, dossier.PaidOnline
		if _, err := db.Receive(ctx, k.receiver, req); err != nil {
			t.Fatal(err)
		}
		k.receive(t, vnTime(2026, 3, 20, 9, 0))
		if err := db.RateDossier(ctx, &portal.Rating{DossierID: a.ID, Level: portal.Satisfied, RatedAt: vnTime(2026, 3, 5, 9, 0)}); err != nil {
			t.Fatal(err)
		}
		from, to, today := cday(2026, 3, 1), cday(2026, 3, 31), vnTime(2026, 4, 10, 9, 0)
		byCommune, err := db.Index766Measures(ctx, nil, from, to, today, func(path string) string {
			for _, u := range []unit.Unit{k.commune, k.other} {
				if strings.HasPrefix(path, u.Path) {
					return u.ID
				}
			}
			return ""
		})
		if err != nil {
			t.Fatal(err)
		}
		st, err := db.Stats(ctx, store.StatsQuery{Under: []string{k.commune.Path}, From: from.Start(), To: to.Start(), Today: today})
		if err != nil {
			t.Fatal(err)
		}
		m := byCommune[k.commune.ID]
		want := report.Measures{
			report.MeasureReceived: 3, report.MeasureReceivedOnline: 1, report.MeasureOnTime: st.OnTime(),
			report.MeasureDigitised: 3, report.MeasurePaidOnline: 1, report.MeasureReturned: 1, report.MeasureElectronic: 1,
			report.MeasureRatings: 1, report.MeasureRatingsSatisfied: 1, report.MeasureRatingsNotSatisfied: 0,
			report.MeasurePublished: 2, report.MeasurePublishedInForce: 1, report.MeasurePublishedExpired: 1,
			report.MeasureOnline: 1, report.MeasureOnlineFull: 1, report.MeasureWithFees: 1, report.MeasureWithFeesOnline: 1,
		}
		for name, n := range want {
			if m[name] != n {
				t.Errorf("%s: %d, want %d", name, m[name], n)
			}
		}
		if st.OnTime() != 1 || m[report.MeasureResolved] != st.Resolved() {
			t.Errorf("on time %d, resolved %d/%d", st.OnTime(), m[report.MeasureResolved], st.Resolved())
		}
		if o := byCommune[k.other.ID]; o[report.MeasurePublished] != 1 || o[report.MeasureReceived] != 0 {
			t.Errorf("the other commune: %+v", o)
		}
		// The province: the sum of its communes.
		var prov unit.Unit
		for _, id := range strings.Split(strings.Trim(k.commune.Path, "/"), "/")[:1] {
			if prov, err = db.Unit(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
		whole, err := db.Index766Measures(ctx, []string{prov.Path}, from, to, today, func(string) string { return prov.ID })
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range report.MeasureNames {
			if got, sum := whole[prov.ID][name], m[name]+byCommune[k.other.ID][name]; got != sum {
				t.Errorf("province %s: %d, communes %d", name, got, sum)
			}
		}
		// A period before the ratings and dossiers: only the catalog.
		feb, err := db.Index766Measures(ctx, []string{k.commune.Path}, cday(2026, 2, 1), cday(2026, 2, 28), today,
			func(string) string { return "x" })
		if err != nil || feb["x"][report.MeasureReceived] != 0 || feb["x"][report.MeasureRatings] != 0 || feb["x"][report.MeasurePublished] != 2 {
			t.Fatalf("february: %+v %v", feb, err)
		}
	})
}

// TestIndex766MeasuresUnderSuccessors retires a commune after it received and rated
// dossiers in March 2026 and merges it into a new commune from 1 July (the commune's
// publications are left in place, as a forgetful administrator would). Read through the
// new commune's lineage (store.Predecessors, the paths the reports read), March holds the
// former commune's dossiers, ratings and catalog, as its report does; its own path alone
// holds none. After the merger the lineage adds nothing to the catalog: a retired unit
// publishes nothing, withdrawn or not.
func TestIndex766MeasuresUnderSuccessors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newDesk(t, db)
		a := k.resolve(t, k.receive(t, vnTime(2026, 3, 2, 9, 0)), vnTime(2026, 3, 3, 9, 0))
		a = k.act(t, k.receiver, a, dossier.Command{Action: dossier.ActReturn, Channel: dossier.AtDesk, At: vnTime(2026, 3, 3, 15, 0)})
		k.receive(t, vnTime(2026, 3, 20, 9, 0)) // still in progress at the merger
		if err := db.RateDossier(ctx, &portal.Rating{DossierID: a.ID, Level: portal.Satisfied, RatedAt: vnTime(2026, 3, 5, 9, 0)}); err != nil {
			t.Fatal(err)
		}
		merger := d(2026, 7, 1)
		prov, err := db.Unit(ctx, k.commune.ParentID)
		if err != nil {
			t.Fatal(err)
		}
		merged := mustCreate(t, db, unit.Unit{Code: "08199", Name: "Xã Thanh Ba Mới", Kind: unit.Commune, ParentID: prov.ID, ValidFrom: merger})
		if err := db.PublishProcedure(ctx, merged.ID, k.code, merger, ""); err != nil {
			t.Fatal(err)
		}
		for _, u := range []unit.Unit{k.agency, k.commune} {
			u.ValidTo = merger
			if u.ID == k.commune.ID {
				u.Successors = []string{merged.ID}
			}
			if err := db.UpdateUnit(ctx, &u); err != nil {
				t.Fatal(err)
			}
		}
		preds, err := db.Predecessors(ctx, merged)
		if err != nil || len(preds) != 1 || preds[0].ID != k.commune.ID {
			t.Fatalf("predecessors: %v %v", names(preds), err)
		}
		lineage := []string{merged.Path, preds[0].Path}
		today := vnTime(2026, 10, 15, 9, 0)
		measures := func(under []string, from, to calendar.Date) report.Measures {
			t.Helper()
			m, err := db.Index766Measures(ctx, under, from, to, today, func(string) string { return "x" })
			if err != nil {
				t.Fatal(err)
			}
			return m["x"]
		}

		march, own, former := measures(lineage, cday(2026, 3, 1), cday(2026, 3, 31)),
			measures([]string{merged.Path}, cday(2026, 3, 1), cday(2026, 3, 31)),
			measures([]string{k.commune.Path}, cday(2026, 3, 1), cday(2026, 3, 31))
		st, err := db.Stats(ctx, store.StatsQuery{Under: lineage, From: cday(2026, 3, 1).Start(), To: cday(2026, 3, 31).Start(), Today: today})
		if err != nil {
			t.Fatal(err)
		}
		if march[report.MeasureReceived] != 2 || march[report.MeasureReceived] != st.Received() || march[report.MeasureOnTime] != st.OnTime() ||
			march[report.MeasureRatings] != 1 || march[report.MeasurePublished] != 1 {
			t.Errorf("March through the lineage: %v (the report: %d received, %d on time)", march, st.Received(), st.OnTime())
		}
		for _, name := range report.MeasureNames {
			if march[name] != former[name] || own[name] != 0 {
				t.Errorf("March %s: lineage %d, the former commune %d, the new commune's own path %d", name, march[name], former[name], own[name])
			}
		}

		aug, ownAug := measures(lineage, cday(2026, 8, 1), cday(2026, 8, 31)), measures([]string{merged.Path}, cday(2026, 8, 1), cday(2026, 8, 31))
		if aug[report.MeasurePublished] != 1 || aug[report.MeasureReceived] != 0 || aug[report.MeasureInProgressOverdue] != 1 {
			t.Errorf("August through the lineage: %v", aug)
		}
		for _, name := range report.MeasureNames {
			if name != report.MeasureInProgressOverdue && aug[name] != ownAug[name] {
				t.Errorf("August %s: lineage %d, own path %d", name, aug[name], ownAug[name])
			}
		}
	})
}
