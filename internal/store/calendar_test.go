package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/unit"
)

func TestSchedulesSeededAndOverridden(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		recs, err := db.Schedules(ctx)
		if err != nil {
			t.Fatal(err)
		}
		years := map[int]string{}
		for _, r := range recs {
			years[r.Schedule.Year] = r.Source
		}
		for _, y := range []int{2024, 2025, 2026} {
			if years[y] != store.ScheduleShipped {
				t.Fatalf("year %d not seeded: %v", y, years)
			}
		}
		cal, err := db.NationalCalendar(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// 2026 Tết break per notice 9441/TB-BNV: Sat 14/2 – Sun 22/2.
		for d := 14; d <= 22; d++ {
			if ok, _ := cal.IsWorkingDay(calendar.Date{Year: 2026, Month: 2, Day: d}); ok {
				t.Fatalf("2026-02-%d should be off", d)
			}
		}

		// An administrator adds a local day off for 2027 (a year with no shipped schedule).
		s := calendar.Schedule{
			Year:      2027,
			Documents: []calendar.Document{{Number: "01/TB-UBND", Date: calendar.Date{Year: 2026, Month: 11, Day: 1}, Authority: "UBND tỉnh"}},
			DaysOff:   []calendar.ScheduledDay{{Date: calendar.Date{Year: 2027, Month: 3, Day: 3}, NameVi: "Nghỉ theo thông báo", NameEn: "Day off by notice"}},
		}
		if err := db.SaveSchedule(ctx, s, ""); err != nil {
			t.Fatal(err)
		}
		bad := s
		bad.DaysOff = append(bad.DaysOff, calendar.ScheduledDay{Date: calendar.Date{Year: 2027, Month: 2, Day: 30}, NameVi: "x", NameEn: "x"})
		if err := db.SaveSchedule(ctx, bad, ""); !failure.Is(err, failure.Invalid) {
			t.Fatalf("impossible day accepted: %v", err)
		}
		cal, _ = db.NationalCalendar(ctx)
		if ok, _ := cal.IsWorkingDay(calendar.Date{Year: 2027, Month: 3, Day: 3}); ok {
			t.Fatal("admin day off not applied")
		}
		trail, err := db.AuditTrail(ctx, "calendar_schedule", "2027", 5)
		if err != nil || len(trail) != 1 {
			t.Fatalf("schedule edit not audited: %v %v", trail, err)
		}

		// An admin edit of a shipped year survives a later migration (re-seed).
		s2026 := recs[len(recs)-1].Schedule
		s2026.Note = "đã kiểm tra với văn bản gốc"
		if err := db.SaveSchedule(ctx, s2026, ""); err != nil {
			t.Fatal(err)
		}
		if err := db.Migrate(ctx, nil); err != nil {
			t.Fatal(err)
		}
		recs, _ = db.Schedules(ctx)
		for _, r := range recs {
			if r.Schedule.Year == 2026 && (r.Source != store.ScheduleAdmin || r.Schedule.Note != "đã kiểm tra với văn bản gốc") {
				t.Fatalf("re-seed overwrote the admin's 2026 schedule: %+v", r)
			}
		}
	})
}

func TestWorkSettingsInherit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		prov := mustCreate(t, db, unit.Unit{Code: "25", Name: "Tỉnh Phú Thọ", Kind: unit.Province})
		com := mustCreate(t, db, unit.Unit{Code: "08152", Name: "Xã Thanh Ba", Kind: unit.Commune, ParentID: prov.ID})
		desk := mustCreate(t, db, unit.Unit{Code: "TT", Name: "Trung tâm", Kind: unit.Centre, ParentID: com.ID})

		ws, err := db.WorkSettingsFor(ctx, desk.ID)
		if err != nil || ws.UnitID != "" || ws.OfficeHours.String() != "07:30-11:30,13:30-17:00" {
			t.Fatalf("defaults: %+v %v", ws, err)
		}
		hours, _ := calendar.ParseOfficeHours("07:00-11:00,13:00-17:00")
		if err := db.SaveWorkSettings(ctx, prov.ID, store.WorkSettings{OfficeHours: hours, Weekend: []time.Weekday{time.Saturday, time.Sunday}, DayRule: calendar.EndOfDay}); err != nil {
			t.Fatal(err)
		}
		ws, err = db.WorkSettingsFor(ctx, desk.ID)
		if err != nil || ws.UnitID != prov.ID || ws.DayRule != calendar.EndOfDay || ws.OfficeHours.String() != "07:00-11:00,13:00-17:00" {
			t.Fatalf("inherited: %+v %v", ws, err)
		}
		if err := db.SaveWorkSettings(ctx, com.ID, store.WorkSettings{OfficeHours: calendar.DefaultOfficeHours(), Weekend: []time.Weekday{time.Sunday}}); err != nil {
			t.Fatal(err)
		}
		cal, err := db.CalendarFor(ctx, desk.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Saturday 2026-11-28 is worked in a unit whose only rest day is Sunday.
		if ok, _ := cal.IsWorkingDay(calendar.Date{Year: 2026, Month: 11, Day: 28}); !ok {
			t.Fatal("commune setting not applied")
		}
		if err := db.SaveWorkSettings(ctx, "nope", store.WorkSettings{OfficeHours: hours, Weekend: []time.Weekday{time.Sunday}}); !failure.Is(err, failure.NotFound) {
			t.Fatalf("unknown unit: %v", err)
		}
		if _, err := store.ParseWeekend("sat,someday"); err == nil {
			t.Fatal("bad weekend accepted")
		}
		if w, err := store.ParseWeekend(" Sat , sun"); err != nil || store.FormatWeekend(w) != "sat,sun" {
			t.Fatalf("weekend round trip: %v %v", w, err)
		}
	})
}
