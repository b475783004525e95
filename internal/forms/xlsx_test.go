package forms

import (
	"bytes"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// TestRegisterXLSX writes the register and reads the workbook back.
func TestRegisterXLSX(t *testing.T) {
	for _, r := range regimes {
		t.Run(string(r), func(t *testing.T) {
			rg := registerFor(r)
			s := sampleFor(r)
			var buf bytes.Buffer
			if err := rg.WriteXLSX(&buf); err != nil {
				t.Fatal(err)
			}
			f, err := excelize.OpenReader(&buf)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if got := f.GetSheetList(); len(got) != 1 || got[0] != "Sổ theo dõi hồ sơ" {
				t.Fatalf("sheets %v", got)
			}
			number := map[Regime]string{Regime2018: "06 – Thông tư 01/2018/TT-VPCP", Regime2025: "07 – Thông tư 03/2025/TT-VPCP"}[r]
			cells := map[string]string{
				"A1": "ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ", "A2": "UBND XÃ THANH BA", "K1": "Mẫu số " + number,
				"A3": "SỔ THEO DÕI HỒ SƠ", "A4": "Từ ngày " + day(rg.From) + " đến ngày " + day(rg.To),
				"A5": "STT", "B5": "Mã hồ sơ", "C5": "Tên tổ chức, cá nhân", "E5": "Ngày nhận hồ sơ", "J5": "Quá hạn", "K5": "Ghi chú",
				"A6": "1", "B6": s.code, "C6": "Nguyễn Thị Hương", "D6": "Khu 3, xã Thanh Ba; 0912 345 678",
				"E6": s.received.Format("02/01/2006 15:04"), "F6": s.due.Format("02/01/2006 15:04"),
				"G6": "Công chức tư pháp - hộ tịch", "H6": s.due.Add(-2 * time.Hour).Format("02/01/2006 15:04"),
				"I6": s.due.Add(time.Hour).Format("02/01/2006 15:04"), "J6": "", "K6": "Ơn nhận",
				"A7": "7", "C7": "Công ty TNHH Mười Phương", "H7": "", "I7": "", "J7": "Có",
			}
			for cell, want := range cells {
				if got, err := f.GetCellValue("Sổ theo dõi hồ sơ", cell); err != nil || got != want {
					t.Errorf("%s = %q (%v), want %q", cell, got, err, want)
				}
			}
			checkDateCell(t, f, "E6", s.received)
			checkStyles(t, f)
		})
	}
}

// checkDateCell: a time is a real Excel date (a serial number) holding the
// Asia/Ho_Chi_Minh wall clock, shown as dd/mm/yyyy hh:mm.
func checkDateCell(t *testing.T, f *excelize.File, cell string, want time.Time) {
	t.Helper()
	typ, err := f.GetCellType("Sổ theo dõi hồ sơ", cell)
	if err != nil || typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Errorf("%s has type %v (%v), want a number", cell, typ, err)
	}
	raw, err := f.GetCellValue("Sổ theo dõi hồ sơ", cell, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	serial, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		t.Fatalf("%s raw value %q is not a number", cell, raw)
	}
	got, err := excelize.ExcelDateToTime(serial, false)
	if err != nil {
		t.Fatal(err)
	}
	w := want.In(vietnam())
	if got.Format("2006-01-02 15:04") != w.Format("2006-01-02 15:04") {
		t.Errorf("%s holds %v, want the wall clock %v", cell, got, w)
	}
	style, _ := f.GetCellStyle("Sổ theo dõi hồ sơ", cell)
	st, err := f.GetStyle(style)
	if err != nil || st.CustomNumFmt == nil || *st.CustomNumFmt != "dd/mm/yyyy hh:mm" {
		t.Errorf("%s number format %v (%v)", cell, st, err)
	}
}

// checkStyles: the header row is bold and filled, columns have widths,
// the panes are frozen below the header.
func checkStyles(t *testing.T, f *excelize.File) {
	t.Helper()
	id, err := f.GetCellStyle("Sổ theo dõi hồ sơ", "B5")
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil || st.Font == nil || !st.Font.Bold || st.Fill.Pattern != 1 || len(st.Border) != 4 {
		t.Errorf("header style %+v (%v)", st, err)
	}
	if w, err := f.GetColWidth("Sổ theo dõi hồ sơ", "B"); err != nil || w != 28 {
		t.Errorf("column B width %v (%v), want 28", w, err)
	}
	panes, err := f.GetPanes("Sổ theo dõi hồ sơ")
	if err != nil || !panes.Freeze || panes.YSplit != 5 {
		t.Errorf("panes %+v (%v)", panes, err)
	}
}

// TestRegisterXLSXDeterministic: the same register gives the same bytes.
func TestRegisterXLSXDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	rg := registerFor(Regime2025)
	if err := rg.WriteXLSX(&a); err != nil {
		t.Fatal(err)
	}
	if err := rg.WriteXLSX(&b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two writes differ")
	}
}
