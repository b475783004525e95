package report

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/failure"
)

func defaultDefinition(t testing.TB) Definition {
	t.Helper()
	d, err := ParseDefinition(DefaultDefinitionJSON)
	if err != nil {
		t.Fatalf("default definition: %v", err)
	}
	return d
}

// TestDefaultDefinition checks the shipped national set: the six groups of Decision 766
// with their points, every indicator computed from known measures or entered, and the
// progress group of the demo's district: 26,243 ÷ 26,298 × 20 = 19.96.
func TestDefaultDefinition(t *testing.T) {
	d := defaultDefinition(t)
	want := map[string]float64{"CKMB": 18, "TDGQ": 20, "CLGQ": 12, "TTTT": 10, "MDHL": 18, "MDSH": 22}
	if len(d.Groups) != len(want) {
		t.Fatalf("%d groups", len(d.Groups))
	}
	for _, g := range d.Groups {
		if want[g.Code] != g.Points {
			t.Errorf("group %s: %v points, want %v", g.Code, g.Points, want[g.Code])
		}
	}
	if d.EffectiveFrom != (calendar.Date{Year: 2022, Month: time.June, Day: 23}) || !d.EffectiveTo.IsZero() {
		t.Errorf("effective %s–%s", d.EffectiveFrom, d.EffectiveTo)
	}
	if len(d.Ratings) != 5 || d.Ratings[0].NameVI != "Xuất sắc" || d.Ratings[4].NameVI != "Yếu" {
		t.Errorf("ratings %+v", d.Ratings)
	}
	if n := len(d.Entered()); n == 0 || n > 5 {
		t.Errorf("%d entered indicators", n)
	}
	res := d.Evaluate(Measures{MeasureOnTime: 26_243, MeasureReceived: 26_298}, nil)
	g, ok := res.Group("TDGQ")
	if !ok || Round2(g.Score) != 19.96 || FormatPoints(g.Score) != "19,96" {
		t.Fatalf("TDGQ %v", g.Score)
	}
	if in := g.Indicators[0]; in.Num != 26_243 || in.Den != 26_298 {
		t.Errorf("inputs %d / %d", in.Num, in.Den)
	}
}

func TestEvaluate(t *testing.T) {
	d := defaultDefinition(t)
	// Everything perfect: every ratio at 1, every entry at its maximum.
	m := Measures{}
	for _, name := range MeasureNames {
		m[name] = 10
	}
	entries := map[string]Entry{}
	for _, in := range d.Entered() {
		entries[in.Code] = Entry{Score: in.Points, Evidence: "x"}
	}
	res := d.Evaluate(m, entries)
	if Round2(res.Total) != 100 || res.Rating.Code != "excellent" || res.Missing != 0 {
		t.Fatalf("perfect: %v %s %d", res.Total, res.Rating.Code, res.Missing)
	}
	// Nothing at all: empty denominators decide, entries are missing.
	res = d.Evaluate(Measures{}, nil)
	var full float64
	for _, g := range d.Groups {
		for _, in := range g.Indicators {
			if in.Formula.Type == FormulaRatio && in.Formula.IfEmpty == EmptyFull {
				full += in.Points
			}
		}
	}
	if res.Total != full || res.Missing != len(d.Entered()) || res.Rating.Code != "weak" {
		t.Fatalf("empty: %v (want %v), missing %d, %s", res.Total, full, res.Missing, res.Rating.Code)
	}
	for _, g := range res.Groups {
		for _, in := range g.Indicators {
			if in.Indicator.Formula.Type == FormulaRatio && !in.Empty {
				t.Errorf("%s not empty", in.Indicator.Code)
			}
		}
	}
	// A numerator above the denominator is capped at the indicator's points; an entry
	// above the maximum too.
	res = d.Evaluate(Measures{MeasureApologies: 7, MeasureLate: 3}, map[string]Entry{"CKMB.2": {Score: 99}})
	g, _ := res.Group("CKMB")
	if g.Indicators[2].Score != 4 || g.Indicators[2].Ratio != 1 || g.Indicators[1].Score != 6 {
		t.Errorf("caps: %+v", g.Indicators)
	}
}

func TestEvaluateBands(t *testing.T) {
	in := Indicator{Code: "X.1", Points: 10, Formula: Formula{Type: FormulaRatio, Numerator: []Measure{MeasureOnTime},
		Denominator: []Measure{MeasureReceived}, IfEmpty: EmptyZero,
		Bands: []ScoreBand{{From: 95, Share: 1}, {From: 80, Share: 0.5}, {From: 50, Share: 0.25}}}}
	d := Definition{Groups: []Group{{Code: "X", Points: 10, Indicators: []Indicator{in}}},
		Ratings: []RatingBand{{Code: "a", From: 5}, {Code: "b", From: 0}}}
	for _, c := range []struct {
		num, den int64
		score    float64
		band     float64 // -1: none
	}{
		{95, 100, 10, 95}, {100, 100, 10, 95}, {9499, 10000, 5, 80}, {80, 100, 5, 80}, {79, 100, 2.5, 50},
		{49, 100, 0, -1}, {0, 0, 0, -1},
		{199, 200, 10, 95}, // 99.5%
		{18999, 20000, 5, 80},
	} {
		res := d.Evaluate(Measures{MeasureOnTime: c.num, MeasureReceived: c.den}, nil)
		is := res.Groups[0].Indicators[0]
		if is.Score != c.score || (c.band < 0) != (is.Band == nil) || (is.Band != nil && is.Band.From != c.band) {
			t.Errorf("%d/%d: score %v band %+v", c.num, c.den, is.Score, is.Band)
		}
		if want := map[bool]string{true: "a", false: "b"}[c.score >= 5]; res.Rating.Code != want {
			t.Errorf("%d/%d: rating %s", c.num, c.den, res.Rating.Code)
		}
	}
}

func TestRatingOfRoundsAsShown(t *testing.T) {
	d := defaultDefinition(t)
	for _, c := range []struct {
		total float64
		code  string
	}{{89.996, "excellent"}, {89.994, "good"}, {80, "good"}, {79.99, "fair"}, {50, "average"}, {49.99, "weak"}, {0, "weak"}} {
		if got := d.RatingOf(c.total).Code; got != c.code {
			t.Errorf("%v: %s, want %s", c.total, got, c.code)
		}
	}
}

func TestDefinitionPeriods(t *testing.T) {
	day := func(y int, m time.Month, d int) calendar.Date { return calendar.Date{Year: y, Month: m, Day: d} }
	a := Definition{EffectiveFrom: day(2022, 6, 23), EffectiveTo: day(2023, 12, 31)}
	b := Definition{EffectiveFrom: day(2024, 1, 1)}
	c := Definition{EffectiveFrom: day(2023, 12, 31)}
	if a.Overlaps(b) || b.Overlaps(a) || !a.Overlaps(c) || !c.Overlaps(b) || !b.Overlaps(b) {
		t.Error("overlaps")
	}
	if !a.InForceOn(day(2023, 12, 31)) || a.InForceOn(day(2024, 1, 1)) || a.InForceOn(day(2022, 6, 22)) || !b.InForceOn(day(2199, 1, 1)) {
		t.Error("in force")
	}
}

func TestCheckEntry(t *testing.T) {
	d := defaultDefinition(t)
	in, score, err := d.CheckEntry(EntryInput{Indicator: "MDHL.2", Score: " 5,5 ", Evidence: "Báo cáo 12/BC-UBND"})
	if err != nil || in.Code != "MDHL.2" || score != 5.5 {
		t.Fatalf("%v %v %v", in.Code, score, err)
	}
	for _, c := range []struct {
		in     EntryInput
		fields string
		key    string // of the first error
	}{
		{EntryInput{Indicator: "MDHL.2", Score: "6.5", Evidence: "x"}, "score", "index766.entry.score_above_max"},
		{EntryInput{Indicator: "MDHL.2", Score: "-1", Evidence: "x"}, "score", "index766.entry.score_negative"},
		{EntryInput{Indicator: "MDHL.2", Score: "năm", Evidence: "x"}, "score", "index766.entry.score_invalid"},
		{EntryInput{Indicator: "MDHL.2", Score: "NaN", Evidence: "x"}, "score", "index766.entry.score_invalid"},
		{EntryInput{Indicator: "MDHL.2", Score: "1.234", Evidence: "x"}, "score", "index766.entry.score_decimals"},
		{EntryInput{Indicator: "MDHL.9", Score: "1", Evidence: "x"}, "indicator", "index766.entry.indicator_unknown"},
		{EntryInput{Indicator: "TDGQ.1", Score: "1", Evidence: "x"}, "indicator", "index766.entry.indicator_computed"},
		{EntryInput{Indicator: "MDHL.2", Score: "1", Evidence: "  "}, "evidence", "index766.entry.evidence_required"},
		{EntryInput{Indicator: "MDHL.2", Score: "1", Evidence: strings.Repeat("x", MaxEvidence+1)}, "evidence", "index766.entry.evidence_long"},
		{EntryInput{}, "indicator,score,evidence", "index766.entry.indicator_required"},
	} {
		_, _, err := d.CheckEntry(c.in)
		var fields []string
		for _, f := range failure.Fields(err) {
			fields = append(fields, f.Field)
		}
		if got := strings.Join(fields, ","); got != c.fields || failure.Fields(err)[0].Key != c.key {
			t.Errorf("%+v: %s %v", c.in, got, err)
		}
	}
}

// lineOf is the line of the first occurrence of s in src.
func lineOf(t *testing.T, src []byte, s string) int {
	t.Helper()
	i := bytes.Index(src, []byte(s))
	if i < 0 {
		t.Fatalf("%q not in the definition", s)
	}
	return 1 + bytes.Count(src[:i], []byte("\n"))
}

// TestParseDefinitionErrors changes the default file in one place each and checks that
// the error names the right line and problem.
func TestParseDefinitionErrors(t *testing.T) {
	base := string(DefaultDefinitionJSON)
	for _, c := range []struct {
		name, old, new string
		at             string // text on the line the error must name (in the changed file)
		key            string
	}{
		{"unknown measure", `"numerator": ["apologies"]`, `"numerator": ["apology"]`, `"apology"`, "index766.def.measure_unknown"},
		{"group sum", `"points": 22,`, `"points": 21,`, `"points": 21,`, "index766.def.indicators_sum"},
		{"unknown field", `"code": "TDGQ.1",`, `"code": "TDGQ.1", "weight": 3,`, `"weight"`, "index766.def.unknown_field"},
		{"syntax", `"code": "CLGQ.1",`, `"code": "CLGQ.1"`, `"name_vi": "Thủ tục hành chính cung cấp`, "index766.def.syntax"},
		{"duplicate key", `"code": "TTTT.1",`, `"code": "TTTT.1", "code": "TTTT.9",`, `"code": "TTTT.1", "code"`, "index766.def.duplicate_key"},
		{"duplicate code", `"code": "MDSH.2",`, `"code": "MDSH.1",`, `"code": "MDSH.1",
          "name_vi": "Kết quả`, "index766.def.code_duplicate"},
		{"formula type", `{"type": "entered"},
          "note": "Phản ánh`, `{"type": "guess"},
          "note": "Phản ánh`, `"guess"`, "index766.def.formula_type"},
		{"entered with measures", `{"type": "entered"},
          "note": "Cán bộ nhập điểm kèm số liệu khai thác`, `{"type": "entered", "numerator": ["digitised"]},
          "note": "Cán bộ nhập điểm kèm số liệu khai thác`, `"numerator": ["digitised"]}`, "index766.def.entered_extra"},
		{"reversed period", `"effective_to": null`, `"effective_to": "2021-01-01"`, `"effective_to"`, "index766.def.period_reversed"},
		{"bad date", `"effective_from": "2022-06-23"`, `"effective_from": "2022-02-30"`, `"effective_from"`, "index766.def.date_invalid"},
		{"band order", `"from": 80}`, `"from": 95}`, `"from": 95}`, "index766.def.bands_order"},
		{"last band", `"from": 0}`, `"from": 10}`, `"from": 10}`, "index766.def.bands_last"},
		{"points as text", `"points": 20,
      "indicators"`, `"points": "20",
      "indicators"`, `"points": "20"`, "index766.def.want_number"},
		{"points decimals", `"points": 8,`, `"points": 8.125,`, `"points": 8.125`, "index766.def.number_decimals"},
		{"if empty", `"if_empty": "full"}`, `"if_empty": "half"}`, `"half"`, "index766.def.if_empty"},
		{"missing title", `"title_en": "Index of direction, administration and quality of service to citizens and businesses",`, ``, `{`, "index766.def.missing_field"},
		{"blank version", `"version": "766/QĐ-TTg (2022)"`, `"version": " "`, `"version"`, "index766.def.blank"},
		{"trailing", "\n  ]\n}\n", "\n  ]\n}\n{}", `{}`, "index766.def.trailing"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(base, c.old) {
				t.Fatalf("%q not in the default", c.old)
			}
			src := []byte(strings.Replace(base, c.old, c.new, 1))
			_, err := ParseDefinition(src)
			errs := failure.Fields(err)
			if len(errs) == 0 {
				t.Fatalf("no error: %v", err)
			}
			want := lineOf(t, src, c.at)
			for _, e := range errs {
				if e.Key == c.key && e.Field == "definition" && len(e.Args) > 0 && e.Args[0] == want {
					return
				}
			}
			t.Errorf("want %s on line %d, got %v", c.key, want, describe(errs))
		})
	}
}

func describe(errs failure.List) string {
	var parts []string
	for _, e := range errs {
		parts = append(parts, fmt.Sprintf("%s%v", e.Key, e.Args))
	}
	return strings.Join(parts, "; ")
}

// TestParseDefinitionSums checks the group total of 100 and reports every problem at once.
func TestParseDefinitionSums(t *testing.T) {
	src := []byte(strings.Replace(strings.Replace(string(DefaultDefinitionJSON), `"points": 18,
      "indicators": [
        {
          "code": "CKMB.1"`, `"points": 17,
      "indicators": [
        {
          "code": "CKMB.1"`, 1), `"numerator": ["digitised"]`, `"numerator": ["scanned"]`, 1))
	_, err := ParseDefinition(src)
	keys := map[string]bool{}
	for _, e := range failure.Fields(err) {
		keys[e.Key] = true
	}
	for _, k := range []string{"index766.def.groups_sum", "index766.def.indicators_sum", "index766.def.measure_unknown"} {
		if !keys[k] {
			t.Errorf("missing %s in %v", k, err)
		}
	}
	for _, bad := range []string{"", "[]", "null", "{", `{"version": 1}`, "\xff", strings.Repeat("[", 100)} {
		if _, err := ParseDefinition([]byte(bad)); !failure.Is(err, failure.Invalid) {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if _, err := ParseDefinition(bytes.Repeat([]byte(" "), MaxDefinitionBytes+1)); !failure.Is(err, failure.Invalid) {
		t.Error("too large")
	}
}

// FuzzParseDefinition feeds the parser arbitrary text: it never panics, every error is an
// Invalid error on the definition with a line inside the file, and every definition it
// accepts keeps the invariants the evaluation relies on.
func FuzzParseDefinition(f *testing.F) {
	f.Add(DefaultDefinitionJSON)
	f.Add([]byte(`{"version":"v","title_vi":"a","title_en":"b","effective_from":"2024-01-01","ratings":[{"code":"x","name_vi":"X","name_en":"X","from":0}],"groups":[{"code":"G","name_vi":"g","name_en":"g","points":100,"indicators":[{"code":"G.1","name_vi":"i","name_en":"i","points":100,"formula":{"type":"ratio","numerator":["on_time"],"denominator":["received"],"bands":[{"from":50,"share":1}]}}]}]}`))
	f.Add([]byte(`{"a":[1,2,{"b":null}]}`))
	f.Add([]byte("{\n\"version\": \"\\u0000\"}"))
	f.Fuzz(func(t *testing.T, src []byte) {
		d, err := ParseDefinition(src)
		if err != nil {
			lines := 1 + bytes.Count(src, []byte("\n"))
			for _, e := range failure.Fields(err) {
				line, ok := e.Args[0].(int)
				if e.Kind != failure.Invalid || e.Field != "definition" || !ok || line < 1 || line > lines {
					t.Fatalf("bad error %+v for %q", e, src)
				}
			}
			if len(failure.Fields(err)) == 0 {
				t.Fatalf("error without fields: %v", err)
			}
			return
		}
		var total int64
		codes := map[string]bool{}
		for _, g := range d.Groups {
			var sum int64
			for _, in := range g.Indicators {
				sum += centi(in.Points)
				if codes[in.Code] || in.Code == "" {
					t.Fatalf("code %q", in.Code)
				}
				codes[in.Code] = true
				for _, m := range in.Formula.Measures() {
					if !m.Known() {
						t.Fatalf("measure %q", m)
					}
				}
				if in.Formula.Type == FormulaRatio && (len(in.Formula.Numerator) == 0 || len(in.Formula.Denominator) == 0) {
					t.Fatal("empty ratio")
				}
			}
			if sum != centi(g.Points) {
				t.Fatalf("group %s sums %d", g.Code, sum)
			}
			total += sum
		}
		if total != 10000 || len(d.Ratings) == 0 || d.Ratings[len(d.Ratings)-1].From != 0 {
			t.Fatalf("total %d, ratings %+v", total, d.Ratings)
		}
		res := d.Evaluate(Measures{MeasureReceived: 3, MeasureOnTime: 2}, nil)
		if res.Total < 0 || res.Total > 100+1e-9 || math.IsNaN(res.Total) {
			t.Fatalf("total %v", res.Total)
		}
	})
}
