package procedure

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/user"
)

func day(y int, m time.Month, d int) unit.Date { return unit.NewDate(y, m, d) }

func limit(s string) calendar.Limit {
	l, err := calendar.ParseLimit(s)
	if err != nil {
		panic(err)
	}
	return l
}

func TestStatusOn(t *testing.T) {
	p := Procedure{Code: "1.001193", Status: Replaced, StatusFrom: day(2026, 1, 1), ReplacedBy: "1.000001", Versions: []Version{
		{Number: 1, EffectiveFrom: day(2020, 1, 1), EffectiveTo: day(2025, 7, 1)},
		{Number: 2, EffectiveFrom: day(2025, 7, 1), EffectiveTo: day(2026, 1, 1)},
	}}
	tests := []struct {
		on   unit.Date
		want Status
		v    int
	}{
		{day(2019, 12, 31), NotYetEffective, 0},
		{day(2020, 1, 1), Effective, 1},
		{day(2025, 6, 30), Effective, 1},
		{day(2025, 7, 1), Effective, 2},
		{day(2026, 1, 1), Replaced, 0},
	}
	for _, tt := range tests {
		if got := p.StatusOn(tt.on); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.on, got, tt.want)
		}
		v, _ := p.VersionOn(tt.on)
		if v.Number != tt.v {
			t.Errorf("%s: version %d, want %d", tt.on, v.Number, tt.v)
		}
	}
	p.Status = Effective
	if got := p.StatusOn(day(2026, 1, 1)); got != Expired {
		t.Errorf("undeclared end: %s", got)
	}
	if end, ok := p.EndsWithin(day(2025, 12, 10), 30); !ok || end != day(2026, 1, 1) {
		t.Errorf("ends within: %v %v", end, ok)
	}
	if _, ok := p.EndsWithin(day(2025, 11, 1), 30); ok {
		t.Error("ends within 30 days from 1/11")
	}
	_, reason, err := Check(p, day(2026, 2, 1), true, "")
	if reason != RefusedExpired || err == nil {
		t.Errorf("check expired: %s", reason)
	}
	if _, reason, _ := Check(p, day(2025, 8, 1), false, ""); reason != RefusedNotApplied {
		t.Errorf("check not applied: %s", reason)
	}
	if v, reason, err := Check(p, day(2025, 8, 1), true, ""); err != nil || v.Number != 2 || reason != "" {
		t.Errorf("check ok: %v %s %v", v, reason, err)
	}
}

func TestReplacementCycle(t *testing.T) {
	chain := map[string]string{"B": "C", "C": "A"}
	if loop, ok := ReplacementCycle("A", "B", chain); !ok || strings.Join(loop, ">") != "A>B>C>A" {
		t.Fatalf("cycle: %v %v", loop, ok)
	}
	if _, ok := ReplacementCycle("D", "B", map[string]string{"B": "C"}); ok {
		t.Fatal("no cycle reported as one")
	}
}

func TestWorkflowValidate(t *testing.T) {
	perDay := 8 * time.Hour
	step := func(k StepKind, r user.Role, b string) Step { return Step{Kind: k, Role: r, Budget: limit(b)} }
	ok := Workflow{Steps: []Step{
		step(StepReceive, user.Receiver, "4h"), step(StepExamine, user.Handler, "2d"),
		step(StepApprove, user.Approver, "1d"), step(StepReturn, user.Receiver, "4h"),
	}}
	if err := ok.Validate(limit("4d"), perDay); err != nil {
		t.Fatalf("fits 4 days: %v", err)
	}
	err := ok.Validate(limit("3d"), perDay)
	if e, _ := failure.As(err); e == nil || e.Key != "workflow.over_limit" || e.Args[0] != "32h" || e.Args[1] != "24h" {
		t.Fatalf("over limit: %v", err)
	}
	bad := Workflow{Steps: []Step{step(StepExamine, user.Handler, "1d"), step(StepReturn, user.Receiver, "1h"), step(StepApprove, user.Approver, "1h")}}
	keys := map[string]bool{}
	for _, fe := range failure.Fields(bad.Validate(limit("5d"), perDay)) {
		keys[fe.Key] = true
	}
	for _, k := range []string{"workflow.first_receive", "workflow.last_return", "workflow.return_not_last"} {
		if !keys[k] {
			t.Errorf("missing %s in %v", k, keys)
		}
	}
	transfer := Workflow{Steps: []Step{step(StepReceive, user.Receiver, "1h"), {Kind: StepTransfer, Role: user.Receiver, Budget: limit("1h")}}}
	if fe := failure.Fields(transfer.Validate(limit("1d"), perDay)); len(fe) != 1 || fe[0].Key != "workflow.transfer_target_required" {
		t.Errorf("transfer without target: %v", fe)
	}
	if err := (Workflow{Steps: []Step{step(StepReceive, user.Receiver, "2h"), step(StepReturn, user.Receiver, "2h")}}).Validate(limit("day@15:00"), perDay); err != nil {
		t.Errorf("within-day limit: %v", err)
	}
}

func TestParseCSVAndJSON(t *testing.T) {
	rows, err := SampleCatalog()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := EncodeCSV(&buf, rows); err != nil {
		t.Fatal(err)
	}
	back, err := Parse(CSV, buf.Bytes())
	if err != nil {
		t.Fatalf("CSV round trip: %v", err)
	}
	if len(back) != len(rows) {
		t.Fatalf("round trip: %d rows, want %d", len(back), len(rows))
	}
	for i := range rows {
		if !rows[i].Version.SameContent(back[i].Version) || rows[i].End != back[i].End {
			t.Fatalf("row %d differs:\n%+v\n%+v", i, rows[i], back[i])
		}
	}
	if rows[0].Line < 2 || back[0].Line != 2 {
		t.Fatalf("lines: json %d csv %d", rows[0].Line, back[0].Line)
	}
	if FormatOf("x.json", nil) != JSON || FormatOf("", []byte(" [")) != JSON || FormatOf("", []byte("code,")) != CSV {
		t.Fatal("FormatOf")
	}
}

func TestParseErrorsHaveLines(t *testing.T) {
	csvData := "code,version,name,field,level,time_limit,effective_from,fees,components\n" +
		"1.001193,1,Đăng ký khai sinh,Hộ tịch,commune,5d,2025-07-01,,\n" +
		"1.1193,1,,Hộ tịch,xa,0.5d,2025-13-01,Lệ phí|abc,\n" +
		"1.001193,1,Trùng,Hộ tịch,commune,5d,2025-07-01,,\n" +
		"1.000894,1,Kết hôn,Hộ tịch,commune,5d,2025-07-01,,Tờ khai|1|0|mẫu|bắt buộc\n"
	_, err := Parse(CSV, []byte(csvData))
	le, ok := AsLineErrors(err)
	if !ok {
		t.Fatalf("not line errors: %v", err)
	}
	lines := map[int][]string{}
	for _, e := range le {
		lines[e.Line] = append(lines[e.Line], e.Err.Key)
	}
	if len(lines[3]) < 5 || len(lines[4]) != 1 || lines[4][0] != "procedure.import_duplicate" || len(lines[5]) != 1 || len(lines[2]) != 0 {
		t.Fatalf("errors by line: %v", lines)
	}
	jsonData := "{\"procedures\": [\n {\"code\": \"1.001193\", \"name\": \"A\", \"field\": \"F\", \"level\": \"commune\", \"time_limit\": \"5d\", \"effective_from\": \"2025-07-01\"},\n {\"code\": \"1.001194\", \"nme\": \"typo\"}\n]}"
	_, err = Parse(JSON, []byte(jsonData))
	if le, ok := AsLineErrors(err); !ok || le[0].Line != 3 || le[0].Err.Key != "procedure.import_json_row" {
		t.Fatalf("json unknown field: %v", err)
	}
	_, err = Parse(JSON, []byte("[\n{\"code\": 1,\n"))
	if le, ok := AsLineErrors(err); !ok || le[0].Line < 2 {
		t.Fatalf("json syntax: %v", err)
	}
	if _, err := Parse(CSV, []byte("code,name\n\xff\n")); err == nil {
		t.Fatal("invalid UTF-8 accepted")
	}
}

func FuzzParse(f *testing.F) {
	var buf bytes.Buffer
	rows, _ := SampleCatalog()
	_ = EncodeCSV(&buf, rows[:3])
	f.Add(buf.Bytes(), false)
	f.Add(SampleCatalogJSON()[:2000], true)
	f.Add(SampleCatalogJSON(), true)
	f.Add([]byte("code,name\n\"unterminated"), false)
	f.Fuzz(func(t *testing.T, data []byte, asJSON bool) {
		format := CSV
		if asJSON {
			format = JSON
		}
		rows, err := Parse(format, data)
		if err != nil {
			le, ok := AsLineErrors(err)
			if !ok || len(le) == 0 {
				t.Fatalf("error without lines: %v", err)
			}
			for _, e := range le {
				if e.Line < 1 || e.Err == nil || e.Err.Key == "" {
					t.Fatalf("bad line error %+v", e)
				}
			}
			return
		}
		for _, r := range rows {
			if err := r.Version.Validate(); err != nil {
				t.Fatalf("accepted an invalid row: %v", err)
			}
			if r.Line < 1 {
				t.Fatalf("row without line")
			}
		}
	})
}
