package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

func TestCalendarPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		recv := signedIn(t, f, f.receiverA)
		code, body, _ := recv.get("/calendar?year=2026")
		if code != 200 || !strings.Contains(body, "Tết Nguyên đán") || !strings.Contains(body, "9441/TB-BNV") || !strings.Contains(body, "16/02/2026") {
			t.Fatalf("calendar 2026: %d", code)
		}
		if strings.Contains(body, `action="/admin/calendar/2026"`) {
			t.Fatal("edit form shown to a receiver")
		}
		if code, _, _ := recv.get("/calendar?year=1800"); code != http.StatusBadRequest {
			t.Fatalf("year out of range: %d", code)
		}
		form := url.Values{"doc_number": {"12/TB-UBND"}, "doc_date": {"2026-12-01"}, "doc_authority": {"UBND tỉnh Phú Thọ"},
			"days_off": {"2027-03-03 | Nghỉ theo thông báo | Day off by notice"}}
		if code, _, _ := recv.post("/admin/calendar/2027", form); code != http.StatusForbidden {
			t.Fatalf("receiver saved a schedule: %d", code)
		}

		root := signedIn(t, f, f.systemAdmin)
		bad := url.Values{"doc_number": {"12/TB-UBND"}, "doc_date": {"2026-12-01"}, "doc_authority": {"UBND"},
			"days_off": {"2027-03-03 | ok\n3/3/2027 | sai"}}
		code, body, _ = root.post("/admin/calendar/2027", bad)
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "Dòng 2") {
			t.Fatalf("bad line: %d", code)
		}
		bad.Set("days_off", "2027-02-30 | không có ngày này")
		if code, body, _ = root.post("/admin/calendar/2027", bad); code != http.StatusUnprocessableEntity || !strings.Contains(body, "Dòng 1") {
			t.Fatalf("impossible date: %d", code)
		}
		bad.Set("days_off", "")
		bad.Set("working_days", "2027-03-03 | làm bù vào thứ Tư")
		if code, body, _ = root.post("/admin/calendar/2027", bad); code != http.StatusUnprocessableEntity || !strings.Contains(body, "Lịch không hợp lệ") {
			t.Fatalf("make-up day on a weekday: %d", code)
		}
		if code, _, _ := root.post("/admin/calendar/2027", form); code != http.StatusSeeOther {
			t.Fatalf("save: %d", code)
		}
		_, body, _ = recv.get("/calendar?year=2027")
		if !strings.Contains(body, "Nghỉ theo thông báo") || !strings.Contains(body, "03/03/2027") {
			t.Fatal("saved day not shown")
		}
		cal, _ := db.NationalCalendar(context.Background())
		if _, ok := cal.Schedule(2027); !ok {
			t.Fatal("schedule not stored")
		}
	})
}

func TestWorkTimeForm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c := signedIn(t, f, f.adminA)
		good := url.Values{"office_hours": {"07:00-11:00,13:00-17:00"}, "weekend": {"sat", "sun"}, "day_rule": {"end-of-day"}}
		if code, _, _ := c.post("/admin/units/"+f.b.ID+"/worktime", good); code != http.StatusNotFound {
			t.Fatalf("commune B's working time changed by A: %d", code)
		}
		bad := url.Values{"office_hours": {"13:00-11:00"}, "day_rule": {"same-time"}}
		code, body, _ := c.post("/admin/units/"+f.a.ID+"/worktime", bad)
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "Giờ hành chính không hợp lệ") || !strings.Contains(body, "ngày nghỉ hằng tuần") {
			t.Fatalf("bad working time: %d", code)
		}
		if code, _, _ := c.post("/admin/units/"+f.a.ID+"/worktime", good); code != http.StatusSeeOther {
			t.Fatalf("save working time: %d", code)
		}
		ws, err := db.WorkSettingsFor(context.Background(), f.agencyA.ID)
		if err != nil || ws.UnitID != f.a.ID || ws.OfficeHours.String() != "07:00-11:00,13:00-17:00" {
			t.Fatalf("agency does not inherit: %+v %v", ws, err)
		}
		_, body, _ = c.get("/admin/units/" + f.agencyA.ID)
		if !strings.Contains(body, "07:00-11:00,13:00-17:00") || !strings.Contains(body, "đơn vị cấp trên") {
			t.Fatal("inherited working time not shown")
		}
	})
}
