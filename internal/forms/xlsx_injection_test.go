package forms

import (
	"bytes"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestXLSXFormulaInjection: text that looks like a formula (=, +, -, @) is written as a
// string cell, never as a formula the spreadsheet would evaluate.
func TestXLSXFormulaInjection(t *testing.T) {
	rg := registerFor(Regime2025)
	payloads := []string{`=HYPERLINK("http://evil.example","Bấm vào đây")`, "+1+1", "-2+3", "@SUM(A1)", "=cmd|' /C calc'!A0"}
	for i, p := range payloads {
		row := rg.Rows[0]
		row.No, row.Applicant, row.Note = i+1, p, p
		rg.Rows = append(rg.Rows, row)
	}
	rg.Rows = rg.Rows[len(rg.Rows)-len(payloads):]
	var buf bytes.Buffer
	if err := rg.WriteXLSX(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetList()[0]
	for i, p := range payloads {
		cell := "C" + strconv.Itoa(6+i)
		if formula, _ := f.GetCellFormula(sheet, cell); formula != "" {
			t.Errorf("%s holds the formula %q", cell, formula)
		}
		if typ, _ := f.GetCellType(sheet, cell); typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
			t.Errorf("%s has type %v, want a string", cell, typ)
		}
		if v, _ := f.GetCellValue(sheet, cell); v != p {
			t.Errorf("%s = %q, want the text %q", cell, v, p)
		}
	}
}
