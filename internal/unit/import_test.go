package unit_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/unit"
)

func TestOfficial2025(t *testing.T) {
	recs, err := unit.Official2025()
	if err != nil {
		t.Fatal(err)
	}
	count := map[unit.Kind]int{}
	for _, r := range recs {
		count[r.Kind]++
	}
	want := map[unit.Kind]int{unit.Province: 28, unit.City: 6, unit.Commune: 2621, unit.Ward: 687, unit.SpecialZone: 13}
	for k, n := range want {
		if count[k] != n {
			t.Errorf("%s: %d, want %d", k, count[k], n)
		}
	}
	if len(recs) != 3355 {
		t.Errorf("%d records, want 3,355", len(recs))
	}
	// Codes are text: leading zeros survive.
	if recs[0].Code != "01" || recs[0].Name != "Thành phố Hà Nội" || recs[0].Kind != unit.City || recs[0].Line != 2 {
		t.Errorf("first record = %+v", recs[0])
	}
	// The caller owns its copy.
	recs[0].Name = "changed"
	again, _ := unit.Official2025()
	if again[0].Name != "Thành phố Hà Nội" {
		t.Error("Official2025 shares its slice with callers")
	}
}

func TestFilterProvince(t *testing.T) {
	recs, err := unit.Official2025()
	if err != nil {
		t.Fatal(err)
	}
	phuTho, err := unit.FilterProvince(recs, "25")
	if err != nil {
		t.Fatal(err)
	}
	if len(phuTho) != 149 || phuTho[0].Code != "25" || phuTho[0].Name != "Tỉnh Phú Thọ" {
		t.Fatalf("Phú Thọ: %d records, first %+v", len(phuTho), phuTho[0])
	}
	found := false
	for _, r := range phuTho[1:] {
		if r.ParentCode != "25" {
			t.Errorf("%s has parent %s", r.Code, r.ParentCode)
		}
		if r.Code == "08152" && r.Name == "Xã Thanh Ba" && r.Kind == unit.Commune {
			found = true
		}
	}
	if !found {
		t.Error("Xã Thanh Ba (08152) missing")
	}
	if _, err := unit.FilterProvince(recs, "99"); err == nil {
		t.Error("unknown province accepted")
	}
	if _, err := unit.FilterProvince(recs, "08152"); err == nil {
		t.Error("a commune code accepted as a province")
	}
}

func TestParseCSV(t *testing.T) {
	const header = "code,name,type,parent_code\n"
	good, err := unit.ParseCSV(strings.NewReader("\ufeff" + header +
		"08152,Xã  Thanh Ba,Xã,25\r\n" + // a child before its parent is fine
		"25,Tỉnh Phú Thọ,Tỉnh,\r\n" +
		"\"07900\",\"Phường Việt Trì\",Phường,25\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(good) != 3 || good[0].Name != "Xã Thanh Ba" || good[0].Line != 2 || good[2].Code != "07900" || good[2].Kind != unit.Ward {
		t.Fatalf("parsed %+v", good)
	}

	tests := []struct {
		name, input string
		line        int
		want        string
	}{
		{"empty", "", 1, "empty"},
		{"header", "ma,ten,loai,cha\n", 1, "header"},
		{"columns", header + "25,Tỉnh Phú Thọ,Tỉnh\n", 2, "3 columns"},
		{"type", header + "25,Tỉnh Phú Thọ,Huyện,\n", 2, "type"},
		{"leading zero lost", header + "1,Thành phố Hà Nội,Thành phố,\n", 2, "two-digit"},
		{"commune code", header + "25,Tỉnh Phú Thọ,Tỉnh,\n8152,Xã Thanh Ba,Xã,25\n", 3, "five-digit"},
		{"empty name", header + "25,,Tỉnh,\n", 2, "name: is empty"},
		{"duplicate", header + "25,Tỉnh Phú Thọ,Tỉnh,\n25,Tỉnh Phú Thọ,Tỉnh,\n", 3, "already appears on line 2"},
		{"province with parent", header + "01,Thành phố Hà Nội,Thành phố,\n25,Tỉnh Phú Thọ,Tỉnh,01\n", 3, "must be empty"},
		{"commune without parent", header + "08152,Xã Thanh Ba,Xã,\n", 2, "must name its province"},
		{"unknown parent", header + "25,Tỉnh Phú Thọ,Tỉnh,\n08152,Xã Thanh Ba,Xã,26\n", 3, "26 is not a code in this file"},
		{"parent kind", header + "25,Tỉnh Phú Thọ,Tỉnh,\n08152,Xã Thanh Ba,Xã,25\n08155,Xã Khác,Xã,08152\n", 4, "cannot hold"},
		{"quote", header + "25,\"Tỉnh Phú Thọ,Tỉnh,\n", 2, "quote"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := unit.ParseCSV(strings.NewReader(tt.input))
			var errs unit.CSVErrors
			if !errors.As(err, &errs) || len(errs) == 0 {
				t.Fatalf("error %v is not CSVErrors", err)
			}
			if errs[0].Line != tt.line || !strings.Contains(errs[0].Error(), tt.want) {
				t.Fatalf("got %q (line %d), want line %d containing %q", errs[0].Error(), errs[0].Line, tt.line, tt.want)
			}
			if !strings.Contains(err.Error(), "line ") {
				t.Errorf("message %q names no line", err)
			}
		})
	}
}

func TestParseCSVReportsEveryLine(t *testing.T) {
	input := "code,name,type,parent_code\n25,Tỉnh Phú Thọ,Tỉnh,\n1,Bad,Xã,25\n08152,,Xã,25\n08153,Xã X,Quận,25\n"
	_, err := unit.ParseCSV(strings.NewReader(input))
	var errs unit.CSVErrors
	if !errors.As(err, &errs) {
		t.Fatalf("error %v", err)
	}
	lines := map[int]bool{}
	for _, e := range errs {
		lines[e.Line] = true
	}
	for _, l := range []int{3, 4, 5} {
		if !lines[l] {
			t.Errorf("line %d not reported in %v", l, err)
		}
	}
}

func FuzzParseCSV(f *testing.F) {
	f.Add("code,name,type,parent_code\n25,Tỉnh Phú Thọ,Tỉnh,\n08152,Xã Thanh Ba,Xã,25\n")
	f.Add("code,name,type,parent_code\n\"25\",\"a\"\"b\",Tỉnh,\n")
	f.Add("code,name\n")
	f.Fuzz(func(t *testing.T, input string) {
		recs, err := unit.ParseCSV(strings.NewReader(input))
		if err != nil {
			var errs unit.CSVErrors
			if !errors.As(err, &errs) || len(errs) == 0 {
				t.Fatalf("error %v is not a non-empty CSVErrors", err)
			}
			return
		}
		codes := map[string]unit.Kind{}
		for _, r := range recs {
			codes[r.Code] = r.Kind
		}
		for _, r := range recs {
			if r.Code == "" || r.Name == "" || !r.Kind.Valid() {
				t.Fatalf("accepted a bad record %+v", r)
			}
			if r.ParentCode != "" && !unit.CanHold(codes[r.ParentCode], r.Kind) {
				t.Fatalf("accepted %+v under a %q", r, codes[r.ParentCode])
			}
		}
	})
}
