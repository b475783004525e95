package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/failure"
)

// Limits of a definition file: its size, its nesting, and how many groups, indicators,
// measures and bands it may hold.
const (
	MaxDefinitionBytes = 256 << 10
	maxJSONDepth       = 16
	maxListItems       = 200
	maxTextRunes       = 500
)

// ParseDefinition reads a definition from its JSON text and validates it. Every problem
// is reported as a failure.Error on the field "definition" whose first argument is the
// line of the file it concerns (syntax errors, unknown or missing fields, wrong types,
// unknown measures, points that do not add up), so an administrator can fix the file in
// one pass.
func ParseDefinition(src []byte) (Definition, error) {
	if len(src) > MaxDefinitionBytes {
		return Definition{}, failure.InvalidField("definition", "index766.def.too_large", 1, MaxDefinitionBytes>>10)
	}
	if !utf8.Valid(src) {
		return Definition{}, failure.InvalidField("definition", "index766.def.not_utf8", lineAt(src, firstInvalidUTF8(src)))
	}
	root, err := parseJSONTree(src)
	if err != nil {
		return Definition{}, err
	}
	r := &defReader{src: src}
	d := r.definition(root)
	if err := r.errs.Err(); err != nil {
		return Definition{}, err
	}
	return d, nil
}

// jsonNode is a JSON value with the byte offset where it starts, so every check can
// name its line.
type jsonNode struct {
	off     int
	kind    byte // 'o' object, 'a' array, 's' string, 'n' number, 'b' boolean, 'z' null
	str     string
	num     json.Number
	boolean bool
	keys    []string
	keyOffs []int
	vals    []*jsonNode // object values in key order, or array items
}

// parseJSONTree decodes src into a tree of nodes with their offsets. Duplicate keys,
// trailing data and nesting deeper than maxJSONDepth are errors.
func parseJSONTree(src []byte) (*jsonNode, error) {
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	p := &treeParser{dec: dec, src: src}
	root, err := p.node(0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, failure.InvalidField("definition", "index766.def.trailing", lineAt(src, p.next()))
	}
	return root, nil
}

type treeParser struct {
	dec *json.Decoder
	src []byte
}

// next is the offset of the next token: past the end of the previous one, its
// separators and white space.
func (p *treeParser) next() int {
	i := int(p.dec.InputOffset())
	for i < len(p.src) && strings.IndexByte(" \t\r\n,:", p.src[i]) >= 0 {
		i++
	}
	return i
}

func (p *treeParser) syntax(err error, off int) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off = int(se.Offset)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		off = len(p.src)
	}
	return failure.InvalidField("definition", "index766.def.syntax", lineAt(p.src, off), syntaxDetail(err))
}

// syntaxDetail is the decoder's message without its package prefix.
func syntaxDetail(err error) string {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return "unexpected end of file"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

func (p *treeParser) node(depth int) (*jsonNode, error) {
	off := p.next()
	if depth > maxJSONDepth {
		return nil, failure.InvalidField("definition", "index766.def.too_deep", lineAt(p.src, off))
	}
	tok, err := p.dec.Token()
	if err != nil {
		return nil, p.syntax(err, off)
	}
	n := &jsonNode{off: off}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			n.kind = 'o'
			for p.dec.More() {
				koff := p.next()
				ktok, err := p.dec.Token()
				if err != nil {
					return nil, p.syntax(err, koff)
				}
				key, _ := ktok.(string)
				for _, k := range n.keys {
					if k == key {
						return nil, failure.InvalidField("definition", "index766.def.duplicate_key", lineAt(p.src, koff), key)
					}
				}
				v, err := p.node(depth + 1)
				if err != nil {
					return nil, err
				}
				n.keys, n.keyOffs, n.vals = append(n.keys, key), append(n.keyOffs, koff), append(n.vals, v)
			}
		case '[':
			n.kind = 'a'
			for p.dec.More() {
				v, err := p.node(depth + 1)
				if err != nil {
					return nil, err
				}
				n.vals = append(n.vals, v)
			}
		default: // a closing delimiter where a value should be: the decoder reports it
			return nil, failure.InvalidField("definition", "index766.def.syntax", lineAt(p.src, off), "unexpected "+t.String())
		}
		end := p.next()
		if _, err := p.dec.Token(); err != nil {
			return nil, p.syntax(err, end)
		}
	case string:
		n.kind, n.str = 's', t
	case json.Number:
		n.kind, n.num = 'n', t
	case bool:
		n.kind, n.boolean = 'b', t
	case nil:
		n.kind = 'z'
	}
	return n, nil
}

// lineAt is the 1-based line of a byte offset.
func lineAt(src []byte, off int) int {
	off = min(max(off, 0), len(src))
	return 1 + bytes.Count(src[:off], []byte("\n"))
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// defReader turns the tree into a Definition, collecting every problem with its line.
type defReader struct {
	src  []byte
	errs failure.List
}

func (r *defReader) fail(off int, key string, args ...any) {
	r.errs = append(r.errs, failure.InvalidField("definition", key, append([]any{lineAt(r.src, off)}, args...)...))
}

// fields checks that n is an object with only the allowed keys and returns its values by
// key; required keys that are absent are reported at the object's start.
func (r *defReader) fields(n *jsonNode, what string, required []string, optional ...string) map[string]*jsonNode {
	if n.kind != 'o' {
		r.fail(n.off, "index766.def.want_object", what)
		return nil
	}
	out := map[string]*jsonNode{}
	for i, k := range n.keys {
		if !contains(required, k) && !contains(optional, k) {
			r.fail(n.keyOffs[i], "index766.def.unknown_field", k, what)
			continue
		}
		out[k] = n.vals[i]
	}
	for _, k := range required {
		if _, ok := out[k]; !ok {
			r.fail(n.off, "index766.def.missing_field", k, what)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// text reads a string field (absent: ""); required ones must not be blank.
func (r *defReader) text(f map[string]*jsonNode, key string, required bool) string {
	n, ok := f[key]
	if !ok || (n.kind == 'z' && !required) {
		return ""
	}
	if n.kind != 's' {
		r.fail(n.off, "index766.def.want_text", key)
		return ""
	}
	s := strings.TrimSpace(n.str)
	switch {
	case required && s == "":
		r.fail(n.off, "index766.def.blank", key)
	case utf8.RuneCountInString(s) > maxTextRunes:
		r.fail(n.off, "index766.def.text_long", key, maxTextRunes)
	case strings.ContainsFunc(s, func(c rune) bool { return c < ' ' && c != '\n' && c != '\t' }):
		r.fail(n.off, "index766.def.control_char", key)
	}
	return s
}

// number reads a number field between lo and hi with at most two decimals.
func (r *defReader) number(f map[string]*jsonNode, key string, lo, hi float64) float64 {
	n, ok := f[key]
	if !ok {
		return 0
	}
	if n.kind != 'n' {
		r.fail(n.off, "index766.def.want_number", key)
		return 0
	}
	x, err := strconv.ParseFloat(n.num.String(), 64)
	switch {
	case err != nil || math.IsInf(x, 0) || math.IsNaN(x) || x < lo || x > hi:
		r.fail(n.off, "index766.def.number_range", key, n.num.String(), FormatPoints(lo), FormatPoints(hi))
		return 0
	case Round2(x) != x:
		r.fail(n.off, "index766.def.number_decimals", key, n.num.String())
		return 0
	}
	return x
}

// list reads an array field of at most maxListItems items.
func (r *defReader) list(f map[string]*jsonNode, key string, required bool) []*jsonNode {
	n, ok := f[key]
	if !ok {
		return nil
	}
	if n.kind != 'a' {
		r.fail(n.off, "index766.def.want_list", key)
		return nil
	}
	if required && len(n.vals) == 0 {
		r.fail(n.off, "index766.def.empty_list", key)
	}
	if len(n.vals) > maxListItems {
		r.fail(n.off, "index766.def.list_long", key, maxListItems)
		return n.vals[:maxListItems]
	}
	return n.vals
}

func (r *defReader) date(f map[string]*jsonNode, key string) (calendar.Date, int) {
	n, ok := f[key]
	if !ok || n.kind == 'z' {
		return calendar.Date{}, 0
	}
	s := r.text(f, key, true)
	if s == "" {
		return calendar.Date{}, n.off
	}
	d, err := calendar.ParseDate(s)
	if err != nil || d.Year < MinReportYear || d.Year > MaxReportYear {
		r.fail(n.off, "index766.def.date_invalid", key, s)
		return calendar.Date{}, n.off
	}
	return d, n.off
}

// codePattern is what a group or indicator code looks like: CKMB, TDGQ.1, MDSH.2a.
var codePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$`)

func (r *defReader) code(f map[string]*jsonNode, seen map[string]bool) string {
	c := r.text(f, "code", true)
	if c == "" {
		return ""
	}
	n := f["code"]
	switch {
	case !codePattern.MatchString(c):
		r.fail(n.off, "index766.def.code_invalid", c)
	case seen[c]:
		r.fail(n.off, "index766.def.code_duplicate", c)
	}
	seen[c] = true
	return c
}

func (r *defReader) definition(root *jsonNode) Definition {
	f := r.fields(root, "definition", []string{"version", "title_vi", "title_en", "effective_from", "ratings", "groups"},
		"effective_to", "source", "note")
	if f == nil {
		return Definition{}
	}
	d := Definition{Version: r.text(f, "version", true), TitleVI: r.text(f, "title_vi", true),
		TitleEN: r.text(f, "title_en", true), Source: r.text(f, "source", false), Note: r.text(f, "note", false)}
	d.EffectiveFrom, _ = r.date(f, "effective_from")
	var toOff int
	d.EffectiveTo, toOff = r.date(f, "effective_to")
	if !d.EffectiveTo.IsZero() && !d.EffectiveFrom.IsZero() && d.EffectiveTo.Before(d.EffectiveFrom) {
		r.fail(toOff, "index766.def.period_reversed", d.EffectiveTo.String(), d.EffectiveFrom.String())
	}
	d.Ratings = r.ratings(f)
	groupsNode := f["groups"]
	seen := map[string]bool{}
	var total int64
	for _, gn := range r.list(f, "groups", true) {
		g := r.group(gn, seen)
		total += centi(g.Points)
		d.Groups = append(d.Groups, g)
	}
	if groupsNode != nil && groupsNode.kind == 'a' && len(d.Groups) > 0 && total != 10000 {
		r.fail(groupsNode.off, "index766.def.groups_sum", FormatPoints(float64(total)/100))
	}
	return d
}

func centi(x float64) int64 { return int64(math.Round(x * 100)) }

func (r *defReader) ratings(f map[string]*jsonNode) []RatingBand {
	var out []RatingBand
	seen := map[string]bool{}
	items := r.list(f, "ratings", true)
	for i, n := range items {
		bf := r.fields(n, "ratings", []string{"code", "name_vi", "name_en", "from"})
		if bf == nil {
			continue
		}
		b := RatingBand{Code: r.code(bf, seen), NameVI: r.text(bf, "name_vi", true), NameEN: r.text(bf, "name_en", true),
			From: r.number(bf, "from", 0, 100)}
		if len(out) > 0 && b.From >= out[len(out)-1].From {
			r.fail(n.off, "index766.def.bands_order", FormatPoints(b.From), FormatPoints(out[len(out)-1].From))
		}
		if i == len(items)-1 && b.From != 0 && bf["from"] != nil {
			r.fail(n.off, "index766.def.bands_last", FormatPoints(b.From))
		}
		out = append(out, b)
	}
	return out
}

func (r *defReader) group(n *jsonNode, seen map[string]bool) Group {
	f := r.fields(n, "groups", []string{"code", "name_vi", "name_en", "points", "indicators"})
	if f == nil {
		return Group{}
	}
	g := Group{Code: r.code(f, seen), NameVI: r.text(f, "name_vi", true), NameEN: r.text(f, "name_en", true),
		Points: r.number(f, "points", 0.01, 100)}
	var sum int64
	for _, in := range r.list(f, "indicators", true) {
		ind := r.indicator(in, seen)
		sum += centi(ind.Points)
		g.Indicators = append(g.Indicators, ind)
	}
	if len(g.Indicators) > 0 && f["points"] != nil && g.Points > 0 && sum != centi(g.Points) {
		r.fail(f["points"].off, "index766.def.indicators_sum", g.Code, FormatPoints(float64(sum)/100), FormatPoints(g.Points))
	}
	return g
}

func (r *defReader) indicator(n *jsonNode, seen map[string]bool) Indicator {
	f := r.fields(n, "indicators", []string{"code", "name_vi", "name_en", "points", "formula"}, "note")
	if f == nil {
		return Indicator{}
	}
	in := Indicator{Code: r.code(f, seen), NameVI: r.text(f, "name_vi", true), NameEN: r.text(f, "name_en", true),
		Points: r.number(f, "points", 0.01, 100), Note: r.text(f, "note", false)}
	if fn, ok := f["formula"]; ok {
		in.Formula = r.formula(fn)
	}
	return in
}

func (r *defReader) formula(n *jsonNode) Formula {
	f := r.fields(n, "formula", []string{"type"}, "numerator", "denominator", "if_empty", "bands")
	if f == nil {
		return Formula{}
	}
	fm := Formula{Type: FormulaType(r.text(f, "type", true))}
	switch fm.Type {
	case FormulaEntered:
		for _, k := range []string{"numerator", "denominator", "if_empty", "bands"} {
			if x, ok := f[k]; ok {
				r.fail(x.off, "index766.def.entered_extra", k)
			}
		}
		return fm
	case FormulaRatio:
	case "":
		return fm
	default:
		r.fail(f["type"].off, "index766.def.formula_type", string(fm.Type))
		return fm
	}
	for _, k := range []string{"numerator", "denominator"} {
		if _, ok := f[k]; !ok {
			r.fail(n.off, "index766.def.missing_field", k, "formula")
		}
	}
	fm.Numerator = r.measures(f, "numerator")
	fm.Denominator = r.measures(f, "denominator")
	fm.IfEmpty = EmptyZero
	if e := r.text(f, "if_empty", false); e != "" {
		fm.IfEmpty = IfEmpty(e)
		if fm.IfEmpty != EmptyFull && fm.IfEmpty != EmptyZero {
			r.fail(f["if_empty"].off, "index766.def.if_empty", e)
		}
	}
	for _, bn := range r.list(f, "bands", false) {
		bf := r.fields(bn, "bands", []string{"from", "share"})
		if bf == nil {
			continue
		}
		b := ScoreBand{From: r.number(bf, "from", 0, 100), Share: r.number(bf, "share", 0, 1)}
		if k := len(fm.Bands); k > 0 && b.From >= fm.Bands[k-1].From {
			r.fail(bn.off, "index766.def.bands_order", FormatPoints(b.From), FormatPoints(fm.Bands[k-1].From))
		}
		fm.Bands = append(fm.Bands, b)
	}
	return fm
}

// measures reads a non-empty list of known measure names.
func (r *defReader) measures(f map[string]*jsonNode, key string) []Measure {
	var out []Measure
	for _, n := range r.list(f, key, true) {
		if n.kind != 's' {
			r.fail(n.off, "index766.def.want_text", key)
			continue
		}
		m := Measure(strings.TrimSpace(n.str))
		if !m.Known() {
			r.fail(n.off, "index766.def.measure_unknown", n.str)
			continue
		}
		out = append(out, m)
	}
	return out
}

// String writes the definition's identity for logs.
func (d Definition) String() string {
	return fmt.Sprintf("%s (%s–%s)", d.Version, d.EffectiveFrom, d.EffectiveTo)
}
