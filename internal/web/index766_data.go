package web

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/report"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
)

// index766Result is the service index of a unit over a period, and of each of its child
// units for the ranking: the page, the API and the export are made from one.
type index766Result struct {
	Query    reportQuery
	Version  store.Index766Version // scores the unit (its province's version in force, else the national)
	Measures report.Measures
	Result   report.Result
	Rows     []index766Row // the children, best total first
}

// index766Row is a child unit in the ranking, scored with its own province's version.
type index766Row struct {
	Unit     unit.Unit
	Rank     int
	Version  store.Index766Version
	Measures report.Measures
	Result   report.Result
}

// index766Versions finds the version in force for a province on a day, once per
// province within a request.
type index766Versions struct {
	db    *store.DB
	day   report.Period
	cache map[string]store.Index766Version
}

func (v *index766Versions) of(ctx context.Context, provinceID string) (store.Index766Version, error) {
	if x, ok := v.cache[provinceID]; ok {
		return x, nil
	}
	x, err := v.db.Index766InForce(ctx, provinceID, v.day.To)
	if err != nil {
		return x, err
	}
	v.cache[provinceID] = x
	return x, nil
}

// provinceOf is the root unit of a materialised path: the province whose versions apply.
func provinceOf(path string) string {
	if path == "" {
		return store.Index766NationalScope
	}
	return reportPathIDs(path)[0]
}

// buildIndex766 scores the unit of the query over its period with the version in force on
// the period's last day and, when ranking is asked, the units its report's breakdown shows
// for the period (agencies are counted in their unit, not ranked). Measures come from the
// rollups, the ratings and the catalog (store.Index766Measures) of the unit and its
// predecessors (rq.under(), as the reports read them): a district's are its communes'
// sums, and today's province for 2022 scores the former district. Entered scores are
// those of the unit and the exact period.
func (s *Server) buildIndex766(ctx context.Context, rq reportQuery, ranking bool) (*index766Result, error) {
	vs := &index766Versions{db: s.db, day: rq.Period, cache: map[string]store.Index766Version{}}
	res := &index766Result{Query: rq}
	var err error
	if res.Version, err = vs.of(ctx, provinceOf(rq.Unit.Path)); err != nil {
		return nil, err
	}
	now := s.cfg.Now()
	key := rq.unitID()
	m, err := s.db.Index766Measures(ctx, rq.under(), rq.Period.From, rq.Period.To, now, func(string) string { return key })
	if err != nil {
		return nil, err
	}
	res.Measures = m[key]
	var entries map[string]map[string]report.Entry
	if !rq.All {
		if entries, err = s.db.Index766Entries(ctx, res.Version.ID, []string{rq.Unit.ID}, rq.Period.From, rq.Period.To); err != nil {
			return nil, err
		}
	}
	res.Result = res.Version.Definition.Evaluate(res.Measures, entries[rq.Unit.ID])
	if ranking {
		if res.Rows, err = s.index766Ranking(ctx, rq, vs); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// index766Ranking scores the rows of the query's report breakdown (reportRowsOf: the
// unit's children and, through its predecessors, the units of the tree as it was; the
// provinces for "every unit"), leaving out the agencies, and orders them by total, best
// first; ties keep the official order. Each row holds the figures of the units below it,
// as in the breakdown, and the scores entered for the row's own unit.
func (s *Server) index766Ranking(ctx context.Context, rq reportQuery, vs *index766Versions) ([]index766Row, error) {
	t, err := s.reportRowsOf(ctx, rq)
	if err != nil {
		return nil, err
	}
	measures, err := s.db.Index766Measures(ctx, rq.under(), rq.Period.From, rq.Period.To, s.cfg.Now(), func(path string) string {
		if i := t.rowOfPath(path); i >= 0 && !t.Units[i].Kind.IsAgency() {
			return t.Units[i].ID
		}
		return ""
	})
	if err != nil {
		return nil, err
	}
	var rows []index766Row
	for _, u := range t.Units {
		m := measures[u.ID]
		figures := slices.ContainsFunc(report.MeasureNames, func(x report.Measure) bool { return m[x] != 0 })
		if u.Kind.IsAgency() || !breakdownShows(u, rq.Period, figures) {
			continue
		}
		rows = append(rows, index766Row{Unit: u, Measures: m})
	}
	if len(rows) == 0 {
		return nil, nil
	}
	byVersion := map[string][]string{}
	for i := range rows {
		v, err := vs.of(ctx, provinceOf(rows[i].Unit.Path))
		if err != nil {
			return nil, err
		}
		rows[i].Version = v
		byVersion[v.ID] = append(byVersion[v.ID], rows[i].Unit.ID)
	}
	entries := map[string]map[string]report.Entry{}
	for id, units := range byVersion {
		e, err := s.db.Index766Entries(ctx, id, units, rq.Period.From, rq.Period.To)
		if err != nil {
			return nil, err
		}
		for k, x := range e {
			entries[k] = x
		}
	}
	for i := range rows {
		rows[i].Result = rows[i].Version.Definition.Evaluate(rows[i].Measures, entries[rows[i].Unit.ID])
	}
	slices.SortStableFunc(rows, func(a, b index766Row) int {
		x, y := report.Round2(a.Result.Total), report.Round2(b.Result.Total)
		switch {
		case x > y:
			return -1
		case x < y:
			return 1
		}
		return strings.Compare(a.Unit.Code, b.Unit.Code)
	})
	for i := range rows {
		rows[i].Rank = i + 1
		if i > 0 && report.Round2(rows[i].Result.Total) == report.Round2(rows[i-1].Result.Total) {
			rows[i].Rank = rows[i-1].Rank
		}
	}
	return rows, nil
}

// canEnterIndex766 says whether the official may enter the scores of a unit: its
// administrator or its QMS secretary (who keep the evidence), or one of the units above.
func canEnterIndex766(a auth.Actor, u unit.Unit) bool {
	return u.Path != "" && (a.Can(auth.ManageQMS, u.Path) || a.Can(auth.ManageUnits, u.Path))
}

// canManageIndex766 says whether the official may load versions of a province's index:
// its administrator (the system administrator everywhere).
func canManageIndex766(a auth.Actor, province unit.Unit) bool {
	return province.ParentID == "" && province.Path != "" && a.Can(auth.ManageUnits, province.Path)
}

// index766Points writes points as the reader's language does: "19,96" or "19.96".
func index766Points(lang string, x float64) string {
	v := report.FormatPoints(x)
	if lang == "en" {
		return strings.Replace(v, ",", ".", 1)
	}
	return v
}

// index766MeasureSum names the measures of a sum, "(a + b)" when there are several.
func (s *Server) index766MeasureSum(lang string, ms []report.Measure) string {
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = s.i18n.T(lang, "index766.measure."+string(m))
	}
	if len(names) == 1 {
		return names[0]
	}
	return "(" + strings.Join(names, " + ") + ")"
}

// index766Formula writes an indicator's formula in words: the measures, the bands and
// the rule for an empty denominator, or that an official enters it.
func (s *Server) index766Formula(lang string, in report.Indicator) string {
	f := in.Formula
	pts := index766Points(lang, in.Points)
	if f.Type == report.FormulaEntered {
		return s.i18n.T(lang, "index766.formula_entered", pts)
	}
	text := s.i18n.T(lang, "index766.formula_ratio", s.index766MeasureSum(lang, f.Numerator), s.index766MeasureSum(lang, f.Denominator), pts)
	if len(f.Bands) > 0 {
		var bands []string
		for _, b := range f.Bands {
			bands = append(bands, s.i18n.T(lang, "index766.formula_band", index766Points(lang, b.From), index766Points(lang, b.Share*100)))
		}
		text = s.i18n.T(lang, "index766.formula_banded", s.index766MeasureSum(lang, f.Numerator), s.index766MeasureSum(lang, f.Denominator),
			strings.Join(bands, "; "), pts)
	}
	return text + " " + s.i18n.T(lang, "index766.formula_if_empty_"+string(f.IfEmpty))
}

// index766Working writes the computation with its numbers: "26.243 ÷ 26.298 × 20 = 19,96".
func (s *Server) index766Working(lang string, is report.IndicatorScore) string {
	pts, score := index766Points(lang, is.Indicator.Points), index766Points(lang, is.Score)
	switch {
	case is.Indicator.Formula.Type == report.FormulaEntered && is.Missing:
		return s.i18n.T(lang, "index766.working_missing")
	case is.Indicator.Formula.Type == report.FormulaEntered:
		return s.i18n.T(lang, "index766.working_entered", score)
	case is.Empty:
		return s.i18n.T(lang, "index766.working_empty", fmtCount(lang, is.Num), score)
	case is.Band != nil:
		return s.i18n.T(lang, "index766.working_band", fmtCount(lang, is.Num), fmtCount(lang, is.Den),
			index766Points(lang, 100*is.Ratio), index766Points(lang, is.Band.From), index766Points(lang, is.Band.Share*100), pts, score)
	case len(is.Indicator.Formula.Bands) > 0:
		return s.i18n.T(lang, "index766.working_no_band", fmtCount(lang, is.Num), fmtCount(lang, is.Den), index766Points(lang, 100*is.Ratio))
	case is.Num > is.Den:
		return s.i18n.T(lang, "index766.working_capped", fmtCount(lang, is.Num), fmtCount(lang, is.Den), pts, score)
	}
	return fmt.Sprintf("%s ÷ %s × %s = %s", fmtCount(lang, is.Num), fmtCount(lang, is.Den), pts, score)
}

// index766Name is a name in the reader's language.
func index766Name(lang, vi, en string) string {
	if lang == "en" && en != "" {
		return en
	}
	return vi
}
