package unit

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/motcua/motcua/internal/vn"
)

// Reform2025 is the day the two-tier local government took effect (districts abolished,
// communes merged): every unit of the official 2025 list is valid from this day.
var Reform2025 = NewDate(2025, 7, 1)

// Record is one line of an administrative-unit list, before it becomes a stored Unit. The
// parent is named by its code, because the list knows codes, not database IDs.
type Record struct {
	Line       int // line in the source file (1 is the header), for error messages
	Code       string
	Name       string
	Kind       Kind
	ParentCode string // empty for a province or centrally-run city
}

// csvHeader is the header the official list and every import file must carry.
var csvHeader = []string{"code", "name", "type", "parent_code"}

// csvTypes maps the list's Vietnamese type column to a Kind. Only the kinds of the two-tier
// structure appear; legacy districts and townships are not in the 2025 list.
var csvTypes = map[string]Kind{
	"Tỉnh":      Province,
	"Thành phố": City,
	"Xã":        Commune,
	"Phường":    Ward,
	"Đặc khu":   SpecialZone,
}

// Province and city codes have two digits, commune-level codes five. Checking the width
// catches lists that went through a spreadsheet, which drops leading zeros ("1" for "01").
var (
	provinceCodePattern = regexp.MustCompile(`^[0-9]{2}$`)
	communeCodePattern  = regexp.MustCompile(`^[0-9]{5}$`)
)

// maxCSVErrors bounds how many problems ParseCSV reports before it stops looking.
const maxCSVErrors = 50

// CSVError is one problem in an import file, located by line.
type CSVError struct {
	Line    int
	Column  string // "" when the problem concerns the whole line
	Problem string
}

// Error reads "line 12: code: ..." so a reader can go straight to the fault.
func (e CSVError) Error() string {
	if e.Column != "" {
		return fmt.Sprintf("line %d: %s: %s", e.Line, e.Column, e.Problem)
	}
	return fmt.Sprintf("line %d: %s", e.Line, e.Problem)
}

// CSVErrors lists every problem ParseCSV found, so one run shows the whole file's faults.
type CSVErrors []CSVError

// Error lists the first problems, one per line, and how many more there are.
func (l CSVErrors) Error() string {
	const shown = 10
	var b strings.Builder
	fmt.Fprintf(&b, "invalid unit list (%d problem", len(l))
	if len(l) != 1 {
		b.WriteString("s")
	}
	b.WriteString(")")
	for i, e := range l {
		if i == shown {
			fmt.Fprintf(&b, "\n  ... and %d more", len(l)-shown)
			break
		}
		b.WriteString("\n  ")
		b.WriteString(e.Error())
	}
	return b.String()
}

// ParseCSV reads an administrative-unit list: UTF-8 CSV with the header
// code,name,type,parent_code; codes are text (zero-padded), types are Tỉnh, Thành phố, Xã,
// Phường or Đặc khu; provinces have no parent and every other unit names a province or
// city of the same file. It returns the records in file order, or CSVErrors naming the lines
// at fault. It touches no database.
func ParseCSV(r io.Reader) ([]Record, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // checked below, with a clearer message
	cr.ReuseRecord = true
	var (
		errs CSVErrors
		recs []Record
	)
	add := func(line int, col, format string, args ...any) {
		errs = append(errs, CSVError{Line: line, Column: col, Problem: fmt.Sprintf(format, args...)})
	}
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, CSVErrors{{Line: 1, Problem: "the file is empty; expected the header " + strings.Join(csvHeader, ",")}}
	}
	if err != nil {
		return nil, CSVErrors{csvReadError(err, 1)}
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff") // spreadsheet exports start with a BOM
	}
	if !sameHeader(header, csvHeader) {
		return nil, CSVErrors{{Line: 1, Problem: fmt.Sprintf("header is %q, expected %q",
			strings.Join(header, ","), strings.Join(csvHeader, ","))}}
	}
	firstLine := map[string]int{}
	for len(errs) < maxCSVErrors {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			errs = append(errs, csvReadError(err, 0))
			if !errors.Is(err, csv.ErrBareQuote) {
				break // an unterminated quote or a read failure spoils the rest of the file
			}
			continue
		}
		line, _ := cr.FieldPos(0)
		if len(row) == 1 && strings.TrimSpace(row[0]) == "" {
			continue // a blank line
		}
		if len(row) != len(csvHeader) {
			add(line, "", "has %d columns, expected %d (%s)", len(row), len(csvHeader), strings.Join(csvHeader, ","))
			continue
		}
		rec := Record{
			Line:       line,
			Code:       strings.TrimSpace(row[0]),
			Name:       strings.Join(strings.Fields(vn.NFC(row[1])), " "),
			ParentCode: strings.TrimSpace(row[3]),
		}
		typ := strings.Join(strings.Fields(vn.NFC(row[2])), " ")
		kind, ok := csvTypes[typ]
		if !ok {
			add(line, "type", "%q is not one of Tỉnh, Thành phố, Xã, Phường, Đặc khu", typ)
		}
		rec.Kind = kind
		top := kind == Province || kind == City
		switch {
		case rec.Code == "":
			add(line, "code", "is empty")
		case top && !provinceCodePattern.MatchString(rec.Code):
			add(line, "code", "%q is not a two-digit province code (keep leading zeros: read codes as text)", rec.Code)
		case ok && !top && !communeCodePattern.MatchString(rec.Code):
			add(line, "code", "%q is not a five-digit commune code (keep leading zeros: read codes as text)", rec.Code)
		}
		if prev, dup := firstLine[rec.Code]; dup && rec.Code != "" {
			add(line, "code", "%s already appears on line %d", rec.Code, prev)
		} else if rec.Code != "" {
			firstLine[rec.Code] = line
		}
		switch n := utf8.RuneCountInString(rec.Name); {
		case n == 0:
			add(line, "name", "is empty")
		case n > 200:
			add(line, "name", "is longer than 200 characters")
		}
		switch {
		case top && rec.ParentCode != "":
			add(line, "parent_code", "must be empty for a %s", typ)
		case ok && !top && rec.ParentCode == "":
			add(line, "parent_code", "is empty; a %s must name its province", typ)
		}
		recs = append(recs, rec)
	}
	// Parents may come after their children in the file, so check them once all is read.
	byCode := make(map[string]Record, len(recs))
	for _, rec := range recs {
		if _, seen := byCode[rec.Code]; !seen {
			byCode[rec.Code] = rec
		}
	}
	for _, rec := range recs {
		if rec.ParentCode == "" || len(errs) >= maxCSVErrors {
			continue
		}
		parent, ok := byCode[rec.ParentCode]
		switch {
		case !ok:
			add(rec.Line, "parent_code", "%s is not a code in this file", rec.ParentCode)
		case rec.Kind != "" && parent.Kind != "" && !CanHold(parent.Kind, rec.Kind):
			add(rec.Line, "parent_code", "%s (line %d) is a %s and cannot hold a %s", rec.ParentCode, parent.Line, parent.Kind, rec.Kind)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return recs, nil
}

func sameHeader(got, want []string) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range want {
		if !strings.EqualFold(strings.TrimSpace(got[i]), want[i]) {
			return false
		}
	}
	return true
}

func csvReadError(err error, line int) CSVError {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return CSVError{Line: pe.Line, Problem: pe.Err.Error()}
	}
	return CSVError{Line: line, Problem: err.Error()}
}

// FilterProvince keeps the province (or centrally-run city) with the given code and the
// units under it, in their original order. It fails when no such province is listed.
func FilterProvince(recs []Record, code string) ([]Record, error) {
	code = strings.TrimSpace(code)
	var out []Record
	found := false
	for _, rec := range recs {
		switch {
		case rec.Code == code && rec.ParentCode == "":
			found = true
			out = append(out, rec)
		case rec.ParentCode == code:
			out = append(out, rec)
		}
	}
	if !found {
		return nil, fmt.Errorf("province %q is not in the list", code)
	}
	return out, nil
}

//go:embed data/units-2025.csv
var official2025CSV []byte

var official2025 = sync.OnceValues(func() ([]Record, error) {
	return ParseCSV(bytes.NewReader(official2025CSV))
})

// Official2025 returns the official list of administrative units in force from 1 July 2025
// (34 provinces and cities, 3,321 communes, wards and special zones), embedded in the
// binary. Source: dvhcvn/20250701, MIT License, Copyright (c) 2025 dvhcvn; see
// data/NOTICE. The caller may modify the returned slice.
func Official2025() ([]Record, error) {
	recs, err := official2025()
	if err != nil {
		return nil, fmt.Errorf("embedded 2025 unit list: %w", err)
	}
	return append([]Record(nil), recs...), nil
}
