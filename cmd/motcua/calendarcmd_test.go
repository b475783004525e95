package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"strings"
	"testing"
)

func runCalendarCmd(t *testing.T, fn func(context.Context, []string, *bytes.Buffer, *bytes.Buffer) error, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := fn(context.Background(), args, &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

func holidaysCmd(ctx context.Context, args []string, out, errOut *bytes.Buffer) error {
	return runHolidays(ctx, args, out, errOut)
}

func workdaysCmd(ctx context.Context, args []string, out, errOut *bytes.Buffer) error {
	return runWorkdays(ctx, args, out, errOut)
}

func TestCalendarHolidaysText(t *testing.T) {
	out, _, err := runCalendarCmd(t, holidaysCmd, "2026")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Ngày nghỉ năm 2026 (Bính Ngọ)",
		"14/02/2026  Thứ Bảy",
		"17/02/2026  Thứ Ba    Tết Nguyên đán (mùng 1 Tết)",
		"lịch chính thức 9441/TB-BNV",
		"27/04/2026  Thứ Hai   Nghỉ bù Giỗ Tổ Hùng Vương",
		"tính theo luật",
		"Văn bản: 9441/TB-BNV ngày 16/10/2025 của Bộ Nội vụ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestCalendarHolidaysEnglishAndJSON(t *testing.T) {
	out, _, err := runCalendarCmd(t, holidaysCmd, "--lang", "en", "2025")
	if err != nil || !strings.Contains(out, "Monday") || !strings.Contains(out, "official 6150/TB-LĐTBXH") || !strings.Contains(out, "26/04/2025  Saturday") {
		t.Fatalf("en output (%v):\n%s", err, out)
	}
	out, _, err = runCalendarCmd(t, holidaysCmd, "2026", "--json") // flag after the year
	if err != nil {
		t.Fatal(err)
	}
	var report struct {
		Year    int `json:"year"`
		DaysOff []struct {
			Date, NameVi, Source string
		} `json:"days_off"`
	}
	if err := json.Unmarshal([]byte(out), &report); err != nil {
		t.Fatalf("JSON: %v\n%s", err, out)
	}
	if report.Year != 2026 || len(report.DaysOff) != 16 || report.DaysOff[0].Date != "2026-01-01" {
		t.Errorf("report = %+v", report)
	}
	// A year without official schedule says so.
	out, _, err = runCalendarCmd(t, holidaysCmd, "2030")
	if err != nil || !strings.Contains(out, "Chưa có lịch chính thức") || !strings.Contains(out, "02/02/2030") {
		t.Errorf("2030 (%v):\n%s", err, out)
	}
}

func TestCalendarHolidaysErrors(t *testing.T) {
	for _, args := range [][]string{{}, {"2300"}, {"1899"}, {"abc"}, {"2026", "2027"}, {"--lang", "fr", "2026"}, {"--bogus", "2026"}} {
		if _, _, err := runCalendarCmd(t, holidaysCmd, args...); err == nil || errors.Is(err, flag.ErrHelp) {
			t.Errorf("holidays %v: err = %v", args, err)
		}
	}
	out, _, err := runCalendarCmd(t, holidaysCmd, "--help")
	if !errors.Is(err, flag.ErrHelp) || !strings.Contains(out, "motcua holidays") || !strings.Contains(out, "-json") {
		t.Errorf("--help: %v\n%s", err, out)
	}
}

func TestCalendarWorkdaysAdd(t *testing.T) {
	out, _, err := runCalendarCmd(t, workdaysCmd, "add", "2026-02-13T10:00", "5d")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"10:00 Thứ Sáu 13/02/2026", "Hẹn trả:   10:00 Thứ Sáu 27/02/2026", "5 ngày làm việc"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	out, _, err = runCalendarCmd(t, workdaysCmd, "add", "--end-of-day", "--lang", "en", "2026-02-13T10:00", "5d")
	if err != nil || !strings.Contains(out, "Due:       17:00 Friday 27/02/2026") {
		t.Errorf("end of day (%v):\n%s", err, out)
	}
	out, _, err = runCalendarCmd(t, workdaysCmd, "--json", "add", "2026-02-14", "4h")
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Due  string `json:"due"`
		Rule struct {
			Code    string `json:"code"`
			Shifted bool   `json:"shifted"`
			Vi      string `json:"vi"`
		} `json:"rule"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil || v.Due != "2026-02-23T11:30:00+07:00" || v.Rule.Code != "working-hours" || !v.Rule.Shifted || v.Rule.Vi == "" {
		t.Errorf("JSON (%v): %+v\n%s", err, v, out)
	}
}

func TestCalendarWorkdaysBetween(t *testing.T) {
	out, _, err := runCalendarCmd(t, workdaysCmd, "between", "2026-02-13T10:00", "2026-02-27T10:00")
	if err != nil || !strings.Contains(out, "37 giờ 30 phút") || !strings.Contains(out, ": 5") {
		t.Errorf("between (%v):\n%s", err, out)
	}
	out, _, err = runCalendarCmd(t, workdaysCmd, "--hours", "07:00-11:00,13:00-17:00", "--lang", "en", "between", "2026-03-09", "2026-03-10")
	if err != nil || !strings.Contains(out, "8 hours") {
		t.Errorf("8-hour unit (%v):\n%s", err, out)
	}
}

func TestCalendarWorkdaysErrors(t *testing.T) {
	bad := [][]string{
		{}, {"add"}, {"add", "2026-02-13T10:00"}, {"add", "2026-02-30T10:00", "5d"}, {"add", "2026-02-13T10:00", "0.5d"},
		{"add", "2026-02-13T10:00", "-5d"}, {"add", "2199-12-31T10:00", "5d"}, {"between", "x", "2026-01-01"},
		{"subtract", "2026-02-13", "5d"}, {"--hours", "17:00-07:00", "add", "2026-02-13", "5d"},
	}
	for _, args := range bad {
		if _, _, err := runCalendarCmd(t, workdaysCmd, args...); err == nil || errors.Is(err, flag.ErrHelp) {
			t.Errorf("workdays %v: err = %v", args, err)
		}
	}
	out, _, err := runCalendarCmd(t, workdaysCmd, "-h")
	if !errors.Is(err, flag.ErrHelp) || !strings.Contains(out, "workdays add 2026-02-13T10:00 5d") {
		t.Errorf("-h: %v\n%s", err, out)
	}
}
