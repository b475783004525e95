package procedure

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/unit"
)

// The import formats are documented in docs/procedures-import.md; keep both in step.

// Row is one version of one procedure read from an import file, with the line it
// starts on.
type Row struct {
	Line    int
	Version Version
	End     End // zero Status: no end declared
}

// LineError is a problem in one line of an import file.
type LineError struct {
	Line int
	Err  *failure.Error
}

func (e LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

// Unwrap exposes the application error.
func (e LineError) Unwrap() error { return e.Err }

// LineErrors are all the problems found in a file. An import with any of them writes
// nothing.
type LineErrors []LineError

// MaxLineErrors bounds how many problems are collected before giving up.
const MaxLineErrors = 200

func (l LineErrors) Error() string {
	if len(l) == 0 {
		return "no errors"
	}
	s := l[0].Error()
	if len(l) > 1 {
		s += fmt.Sprintf(" (and %d more)", len(l)-1)
	}
	return s
}

// Unwrap exposes the members so failure.As finds the first one (and its Kind).
func (l LineErrors) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// AsLineErrors returns the line errors inside err.
func AsLineErrors(err error) (LineErrors, bool) {
	var l LineErrors
	if errors.As(err, &l) {
		return l, true
	}
	var one LineError
	if errors.As(err, &one) {
		return LineErrors{one}, true
	}
	return nil, false
}

// Format is an import file format.
type Format string

// Supported formats.
const (
	CSV  Format = "csv"
	JSON Format = "json"
)

// FormatOf guesses the format from a file name, then from the first non-blank byte.
func FormatOf(name string, data []byte) Format {
	switch {
	case strings.HasSuffix(strings.ToLower(name), ".json"):
		return JSON
	case strings.HasSuffix(strings.ToLower(name), ".csv"):
		return CSV
	}
	t := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(t) > 0 && (t[0] == '[' || t[0] == '{') {
		return JSON
	}
	return CSV
}

// MaxImportBytes bounds an import file (a national catalog is a few MB).
const MaxImportBytes = 64 << 20

// Parse reads an import file in the given format. It returns every row that is valid on
// its own; if any row is not, it returns LineErrors naming every bad line (up to
// MaxLineErrors), and the caller must import nothing.
func Parse(format Format, data []byte) ([]Row, error) {
	if len(data) > MaxImportBytes {
		return nil, LineErrors{{Line: 1, Err: failure.New(failure.Invalid, "file", "procedure.import_too_large")}}
	}
	if !utf8.Valid(data) {
		return nil, LineErrors{{Line: firstInvalidLine(data), Err: failure.New(failure.Invalid, "file", "procedure.import_not_utf8")}}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var (
		wires []wire
		err   error
	)
	if format == JSON {
		wires, err = decodeJSON(data)
	} else {
		wires, err = decodeCSV(data)
	}
	if err != nil {
		return nil, err
	}
	var (
		rows []Row
		errs LineErrors
	)
	seen := map[string]int{}
	for _, w := range wires {
		row, fe := w.row()
		for _, e := range fe {
			errs = append(errs, LineError{Line: w.line, Err: e})
		}
		if len(fe) == 0 {
			key := row.Version.Code + "#" + strconv.Itoa(row.Version.Number)
			if first, dup := seen[key]; dup {
				errs = append(errs, LineError{Line: w.line, Err: failure.New(failure.Conflict, "version",
					"procedure.import_duplicate", row.Version.Code, row.Version.Number, first)})
			} else {
				seen[key] = w.line
				rows = append(rows, row)
			}
		}
		if len(errs) >= MaxLineErrors {
			break
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if len(rows) == 0 {
		return nil, LineErrors{{Line: 1, Err: failure.New(failure.Invalid, "file", "procedure.import_empty")}}
	}
	return rows, nil
}

func firstInvalidLine(data []byte) int {
	line := 1
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r == utf8.RuneError && size <= 1 {
			return line
		}
		if r == '\n' {
			line++
		}
		data = data[size:]
	}
	return line
}

// wire is a row as written in a file, before validation.
type wire struct {
	line              int
	errs              []*failure.Error // found while splitting a CSV row
	Code              string           `json:"code"`
	Version           json.Number      `json:"version"`
	Name              string           `json:"name"`
	Field             string           `json:"field"`
	Level             string           `json:"level"`
	AgencyKinds       []string         `json:"agency_kinds"`
	TimeLimit         string           `json:"time_limit"`
	Fees              []Fee            `json:"fees"`
	Components        []Component      `json:"components"`
	Result            string           `json:"result"`
	LegalBasis        string           `json:"legal_basis"`
	Online            string           `json:"online_level"`
	DecisionNumber    string           `json:"decision_number"`
	DecisionDate      string           `json:"decision_date"`
	DecisionAuthority string           `json:"decision_authority"`
	EffectiveFrom     string           `json:"effective_from"`
	EffectiveTo       string           `json:"effective_to"`
	Status            string           `json:"status"`
	ReplacedBy        string           `json:"replaced_by"`
	Note              string           `json:"note"`
}

// row validates a wire row into a Row, returning every field error.
func (w wire) row() (Row, failure.List) {
	errs := failure.List(slices.Clone(w.errs))
	bad := func(field, key string, args ...any) { errs = append(errs, failure.InvalidField(field, key, args...)) }
	v := Version{
		Code: w.Code, Name: w.Name, Field: w.Field, Level: Level(strings.ToLower(strings.TrimSpace(w.Level))),
		Fees: w.Fees, Components: w.Components, Result: w.Result, LegalBasis: w.LegalBasis,
		Online: OnlineLevel(strings.ToLower(strings.TrimSpace(w.Online))), Note: w.Note,
		Announcement: Announcement{Number: w.DecisionNumber, Authority: w.DecisionAuthority},
	}
	n, err := strconv.Atoi(strings.TrimSpace(w.Version.String()))
	switch {
	case strings.TrimSpace(w.Version.String()) == "":
		v.Number = 1
	case err != nil:
		bad("version", "procedure.version_invalid")
	default:
		v.Number = n
	}
	for _, k := range w.AgencyKinds {
		if k = strings.TrimSpace(k); k != "" {
			v.AgencyKinds = append(v.AgencyKinds, unit.Kind(k))
		}
	}
	if v.Limit, err = calendar.ParseLimit(strings.TrimSpace(w.TimeLimit)); err != nil {
		bad("time_limit", "procedure.limit_invalid")
	}
	date := func(field, s string) unit.Date {
		d, err := unit.ParseDate(strings.TrimSpace(s))
		if err != nil {
			bad(field, "form.date_invalid")
		}
		return d
	}
	v.Announcement.Date = date("decision_date", w.DecisionDate)
	v.EffectiveFrom = date("effective_from", w.EffectiveFrom)
	v.EffectiveTo = date("effective_to", w.EffectiveTo)
	v.Normalize()
	if err := v.Validate(); err != nil {
		for _, fe := range failure.Fields(err) {
			if hasKey(errs, fe.Key) {
				continue
			}
			errs = append(errs, fe)
		}
	}
	row := Row{Line: w.line, Version: v}
	switch st := Status(strings.ToLower(strings.TrimSpace(w.Status))); {
	case st == "" || st == Effective:
		if strings.TrimSpace(w.ReplacedBy) != "" {
			bad("replaced_by", "procedure.replacement_only_replaced")
		}
	case st.Ended():
		row.End = End{Status: st, From: v.EffectiveTo, ReplacedBy: NormalizeCode(w.ReplacedBy)}
		if err := row.End.Validate(v.Code); err != nil {
			errs = append(errs, failure.Fields(err)...)
		}
	default:
		bad("status", "procedure.status_invalid")
	}
	return row, errs
}

func hasKey(l failure.List, key string) bool {
	for _, e := range l {
		if e.Key == key {
			return true
		}
	}
	return false
}

// decodeJSON reads either a top-level array of rows or an object {"procedures": [...]}
// (which may carry a "note"), recording the line each row starts on.
func decodeJSON(data []byte) ([]wire, error) {
	syntax := func(off int64) error {
		return LineErrors{{Line: lineAt(data, off), Err: failure.New(failure.Invalid, "file", "procedure.import_json_invalid")}}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, syntax(dec.InputOffset())
	}
	if tok == json.Delim('{') {
		found := false
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				return nil, syntax(dec.InputOffset())
			}
			if key == "procedures" {
				found = true
				break
			}
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, syntax(dec.InputOffset())
			}
		}
		if !found {
			return nil, LineErrors{{Line: 1, Err: failure.New(failure.Invalid, "file", "procedure.import_json_invalid")}}
		}
		if tok, err = dec.Token(); err != nil {
			return nil, syntax(dec.InputOffset())
		}
	}
	if tok != json.Delim('[') {
		return nil, syntax(dec.InputOffset())
	}
	var out []wire
	for dec.More() {
		start := dec.InputOffset()
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, syntax(dec.InputOffset())
		}
		// The element starts after the separator and blanks that precede it.
		rel := bytes.IndexAny(data[start:], "{[\"0123456789-tfn")
		line := lineAt(data, start+int64(max(rel, 0)))
		var w wire
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		d.DisallowUnknownFields()
		if err := d.Decode(&w); err != nil {
			return nil, LineErrors{{Line: line, Err: failure.New(failure.Invalid, "file", "procedure.import_json_row", jsonDetail(err))}}
		}
		w.line = line
		out = append(out, w)
		if len(out) > 100_000 {
			return nil, LineErrors{{Line: line, Err: failure.New(failure.Invalid, "file", "procedure.import_too_large")}}
		}
	}
	return out, nil
}

func jsonDetail(err error) string {
	s := err.Error()
	if len(s) > 120 {
		s = s[:120]
	}
	return strings.TrimPrefix(s, "json: ")
}

func lineAt(data []byte, off int64) int {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	if off < 0 {
		off = 0
	}
	return bytes.Count(data[:off], []byte("\n")) + 1
}

// CSVColumns are the columns of the CSV format, in the order the sample writes them.
// The header row names them; order is free and unknown columns are an error.
var CSVColumns = []string{
	"code", "version", "name", "field", "level", "agency_kinds", "time_limit", "fees", "components",
	"result", "legal_basis", "online_level", "decision_number", "decision_date", "decision_authority",
	"effective_from", "effective_to", "status", "replaced_by", "note",
}

// decodeCSV reads the CSV format: a header row, then one row per version. Lists inside a
// cell are separated by ";" and their parts by "|":
//
//	agency_kinds  committee;centre
//	fees          Lệ phí|8000|miễn cho người có công; Phí bản sao|5000
//	components    Tờ khai|1|0|Mẫu TK-01|required; Giấy chứng sinh|1|0||required
func decodeCSV(data []byte) ([]wire, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.ReuseRecord = false
	header, err := r.Read()
	if err != nil {
		return nil, LineErrors{{Line: 1, Err: failure.New(failure.Invalid, "file", "procedure.import_header")}}
	}
	col := map[string]int{}
	var errs LineErrors
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		known := false
		for _, c := range CSVColumns {
			if c == h {
				known = true
			}
		}
		if !known {
			errs = append(errs, LineError{Line: 1, Err: failure.New(failure.Invalid, "file", "procedure.import_unknown_column", h)})
			continue
		}
		if _, dup := col[h]; dup {
			errs = append(errs, LineError{Line: 1, Err: failure.New(failure.Invalid, "file", "procedure.import_duplicate_column", h)})
		}
		col[h] = i
	}
	for _, need := range []string{"code", "name", "field", "level", "time_limit", "effective_from"} {
		if _, ok := col[need]; !ok {
			errs = append(errs, LineError{Line: 1, Err: failure.New(failure.Invalid, "file", "procedure.import_missing_column", need)})
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	var out []wire
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			l := 1
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				l = pe.StartLine
			}
			errs = append(errs, LineError{Line: max(l, 1), Err: failure.New(failure.Invalid, "file", "procedure.import_csv_invalid")})
			return nil, errs
		}
		line, _ := r.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // blank line
		}
		if len(rec) != len(header) {
			errs = append(errs, LineError{Line: line, Err: failure.New(failure.Invalid, "file", "procedure.import_column_count", len(rec), len(header))})
			if len(errs) >= MaxLineErrors {
				return nil, errs
			}
			continue
		}
		get := func(name string) string {
			if i, ok := col[name]; ok {
				return rec[i]
			}
			return ""
		}
		w := wire{line: line, Code: get("code"), Version: json.Number(strings.TrimSpace(get("version"))), Name: get("name"),
			Field: get("field"), Level: get("level"), TimeLimit: get("time_limit"), Result: get("result"),
			LegalBasis: get("legal_basis"), Online: get("online_level"), DecisionNumber: get("decision_number"),
			DecisionDate: get("decision_date"), DecisionAuthority: get("decision_authority"),
			EffectiveFrom: get("effective_from"), EffectiveTo: get("effective_to"), Status: get("status"),
			ReplacedBy: get("replaced_by"), Note: get("note")}
		w.AgencyKinds = splitList(get("agency_kinds"))
		var fe []*failure.Error
		w.Fees, fe = parseFees(get("fees"))
		w.errs = append(w.errs, fe...)
		w.Components, fe = parseComponents(get("components"))
		w.errs = append(w.errs, fe...)
		out = append(out, w)
		if len(out) > 100_000 {
			return nil, LineErrors{{Line: line, Err: failure.New(failure.Invalid, "file", "procedure.import_too_large")}}
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func parseFees(s string) ([]Fee, []*failure.Error) {
	var out []Fee
	for _, item := range splitList(s) {
		parts := strings.Split(item, "|")
		if len(parts) < 2 || len(parts) > 3 {
			return nil, []*failure.Error{failure.InvalidField("fees", "procedure.fee_invalid")}
		}
		amount, err := strconv.ParseInt(strings.TrimSpace(parts[1]), 10, 64)
		if err != nil {
			return nil, []*failure.Error{failure.InvalidField("fees", "procedure.fee_invalid")}
		}
		f := Fee{Name: parts[0], Amount: amount}
		if len(parts) == 3 {
			f.Note = parts[2]
		}
		out = append(out, f)
	}
	return out, nil
}

func parseComponents(s string) ([]Component, []*failure.Error) {
	var out []Component
	for _, item := range splitList(s) {
		parts := strings.Split(item, "|")
		if len(parts) != 5 {
			return nil, []*failure.Error{failure.InvalidField("components", "procedure.component_invalid")}
		}
		orig, err1 := strconv.Atoi(strings.TrimSpace(parts[1]))
		cop, err2 := strconv.Atoi(strings.TrimSpace(parts[2]))
		req := strings.ToLower(strings.TrimSpace(parts[4]))
		if err1 != nil || err2 != nil || (req != "required" && req != "optional") {
			return nil, []*failure.Error{failure.InvalidField("components", "procedure.component_invalid")}
		}
		out = append(out, Component{Name: parts[0], Originals: orig, Copies: cop, Form: parts[3], Required: req == "required"})
	}
	return out, nil
}

// EncodeCSV writes rows in the CSV format that Parse reads, so a catalog can be exported
// and imported again.
func EncodeCSV(w io.Writer, rows []Row) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVColumns); err != nil {
		return err
	}
	for _, r := range rows {
		v := r.Version
		var kinds, fees, comps []string
		for _, k := range v.AgencyKinds {
			kinds = append(kinds, string(k))
		}
		for _, f := range v.Fees {
			s := f.Name + "|" + strconv.FormatInt(f.Amount, 10)
			if f.Note != "" {
				s += "|" + f.Note
			}
			fees = append(fees, s)
		}
		for _, c := range v.Components {
			req := "optional"
			if c.Required {
				req = "required"
			}
			comps = append(comps, fmt.Sprintf("%s|%d|%d|%s|%s", c.Name, c.Originals, c.Copies, c.Form, req))
		}
		status := ""
		if r.End.Status != "" {
			status = string(r.End.Status)
		}
		rec := []string{v.Code, strconv.Itoa(v.Number), v.Name, v.Field, string(v.Level), strings.Join(kinds, ";"),
			v.Limit.String(), strings.Join(fees, "; "), strings.Join(comps, "; "), v.Result, v.LegalBasis, string(v.Online),
			v.Announcement.Number, v.Announcement.Date.String(), v.Announcement.Authority, v.EffectiveFrom.String(),
			v.EffectiveTo.String(), status, r.End.ReplacedBy, v.Note}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
