package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/motcua/motcua/internal/forms"
	"github.com/motcua/motcua/internal/report"
)

// The index as JSON (GET /api/v1/reports/index766) and as a workbook.

// apiIndex766EntryJSON is a score entered by an official.
type apiIndex766EntryJSON struct {
	Score     float64   `json:"score"`
	Evidence  string    `json:"evidence"`
	EnteredBy string    `json:"entered_by"`
	EnteredAt time.Time `json:"entered_at"`
}

// apiIndex766IndicatorJSON is one indicator with its score and how it was computed.
type apiIndex766IndicatorJSON struct {
	Code   string  `json:"code"`
	Name   string  `json:"name"`
	Points float64 `json:"points"`
	Score  float64 `json:"score"`
	// Type is "ratio" (computed from the measures) or "entered" (by an official).
	Type        string   `json:"type"`
	Formula     string   `json:"formula"`
	Working     string   `json:"working"`
	Numerator   []string `json:"numerator,omitempty"`
	Denominator []string `json:"denominator,omitempty"`
	// NumeratorValue and DenominatorValue are the sums of the measures (ratios only).
	NumeratorValue   *int64                `json:"numerator_value,omitempty"`
	DenominatorValue *int64                `json:"denominator_value,omitempty"`
	Empty            bool                  `json:"empty,omitempty"`
	Missing          bool                  `json:"missing,omitempty"`
	Entry            *apiIndex766EntryJSON `json:"entry,omitempty"`
}

// apiIndex766GroupJSON is one group of indicators.
type apiIndex766GroupJSON struct {
	Code       string                     `json:"code"`
	Name       string                     `json:"name"`
	Points     float64                    `json:"points"`
	Score      float64                    `json:"score"`
	Indicators []apiIndex766IndicatorJSON `json:"indicators"`
}

// apiIndex766RatingJSON is the rating band of a total.
type apiIndex766RatingJSON struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// apiIndex766VersionJSON names the version of the definition used.
type apiIndex766VersionJSON struct {
	ID            string `json:"id"`
	Version       string `json:"version"`
	Scope         string `json:"scope"` // "national" or the province's unit ID
	EffectiveFrom string `json:"effective_from"`
	EffectiveTo   string `json:"effective_to,omitempty"`
}

// apiIndex766RowJSON is a child unit in the ranking.
type apiIndex766RowJSON struct {
	Rank    int                    `json:"rank"`
	Unit    apiReportUnitJSON      `json:"unit"`
	Total   float64                `json:"total"`
	Rating  apiIndex766RatingJSON  `json:"rating"`
	Groups  map[string]float64     `json:"groups"`
	Missing int                    `json:"missing_entries"`
	Version apiIndex766VersionJSON `json:"version"`
}

// apiIndex766JSON is GET /api/v1/reports/index766.
type apiIndex766JSON struct {
	Unit     apiReportUnitJSON      `json:"unit"`
	From     string                 `json:"from"`
	To       string                 `json:"to"`
	Period   string                 `json:"period"`
	Version  apiIndex766VersionJSON `json:"version"`
	Total    float64                `json:"total"`
	Max      float64                `json:"max"`
	Rating   apiIndex766RatingJSON  `json:"rating"`
	Missing  int                    `json:"missing_entries"`
	Measures map[string]int64       `json:"measures"`
	Groups   []apiIndex766GroupJSON `json:"groups"`
	Ranking  []apiIndex766RowJSON   `json:"ranking,omitempty"`
}

func (s *Server) apiIndex766(w http.ResponseWriter, r *http.Request) {
	rq, children, err := s.readReportAPIQuery(r)
	if err != nil {
		s.renderError(w, r, err, reportQueryStatus(err))
		return
	}
	res, err := s.buildIndex766(r.Context(), rq, children)
	if err != nil {
		s.renderError(w, r, err, 0)
		return
	}
	lang := s.lang(r)
	out := apiIndex766JSON{From: rq.Period.From.String(), To: rq.Period.To.String(), Period: s.periodLabel(lang, rq.Period),
		Version: index766VersionJSON(res.Version.ID, res.Version.ScopeUnitID, res.Version.Definition), Total: report.Round2(res.Result.Total),
		Max: 100, Rating: index766RatingJSON(lang, res.Result.Rating), Missing: res.Result.Missing, Measures: map[string]int64{}}
	if rq.All {
		out.Unit = apiReportUnitJSON{ID: reportAll, Name: s.reportUnitName(lang, rq)}
	} else {
		out.Unit = apiReportUnitJSON{ID: rq.Unit.ID, Code: rq.Unit.Code, Name: rq.Unit.Name, Kind: string(rq.Unit.Kind)}
	}
	for _, m := range report.MeasureNames {
		out.Measures[string(m)] = res.Measures[m]
	}
	for _, g := range res.Result.Groups {
		gj := apiIndex766GroupJSON{Code: g.Group.Code, Name: index766Name(lang, g.Group.NameVI, g.Group.NameEN),
			Points: g.Group.Points, Score: report.Round2(g.Score)}
		for _, is := range g.Indicators {
			gj.Indicators = append(gj.Indicators, s.index766IndicatorJSON(lang, is))
		}
		out.Groups = append(out.Groups, gj)
	}
	for _, row := range res.Rows {
		rj := apiIndex766RowJSON{Rank: row.Rank, Total: report.Round2(row.Result.Total), Missing: row.Result.Missing,
			Unit:   apiReportUnitJSON{ID: row.Unit.ID, Code: row.Unit.Code, Name: row.Unit.Name, Kind: string(row.Unit.Kind)},
			Rating: index766RatingJSON(lang, row.Result.Rating), Groups: map[string]float64{},
			Version: index766VersionJSON(row.Version.ID, row.Version.ScopeUnitID, row.Version.Definition)}
		for _, g := range row.Result.Groups {
			rj.Groups[g.Group.Code] = report.Round2(g.Score)
		}
		out.Ranking = append(out.Ranking, rj)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) index766IndicatorJSON(lang string, is report.IndicatorScore) apiIndex766IndicatorJSON {
	in := is.Indicator
	ij := apiIndex766IndicatorJSON{Code: in.Code, Name: index766Name(lang, in.NameVI, in.NameEN), Points: in.Points,
		Score: report.Round2(is.Score), Type: string(in.Formula.Type), Formula: s.index766Formula(lang, in),
		Working: s.index766Working(lang, is), Empty: is.Empty, Missing: is.Missing}
	if in.Formula.Type == report.FormulaRatio {
		num, den := is.Num, is.Den
		ij.NumeratorValue, ij.DenominatorValue = &num, &den
		for _, m := range in.Formula.Numerator {
			ij.Numerator = append(ij.Numerator, string(m))
		}
		for _, m := range in.Formula.Denominator {
			ij.Denominator = append(ij.Denominator, string(m))
		}
	}
	if e := is.Entry; e != nil {
		ij.Entry = &apiIndex766EntryJSON{Score: e.Score, Evidence: e.Evidence, EnteredBy: e.By, EnteredAt: e.At.UTC()}
	}
	return ij
}

func index766VersionJSON(id, scope string, d report.Definition) apiIndex766VersionJSON {
	if scope == "" {
		scope = "national"
	}
	v := apiIndex766VersionJSON{ID: id, Version: d.Version, Scope: scope, EffectiveFrom: d.EffectiveFrom.String()}
	if !d.EffectiveTo.IsZero() {
		v.EffectiveTo = d.EffectiveTo.String()
	}
	return v
}

func index766RatingJSON(lang string, b report.RatingBand) apiIndex766RatingJSON {
	return apiIndex766RatingJSON{Code: b.Code, Name: index766Name(lang, b.NameVI, b.NameEN)}
}

// index766APIOps documents the index API.
func index766APIOps() []apiOp {
	return []apiOp{
		{Method: "GET", Path: "/api/v1/reports/index766", Tag: "reports",
			Summary: "Decision 766/QĐ-TTg service index of a unit (with its subtree) over a period: every group and indicator with its score, formula and inputs",
			Description: "Chỉ số phục vụ người dân, doanh nghiệp theo Quyết định 766/QĐ-TTg: 100 điểm, sáu nhóm; mỗi chỉ số có điểm, công thức, " +
				"tử số và mẫu số (hoặc điểm do cán bộ nhập kèm bằng chứng). Bộ chỉ số dùng là phiên bản có hiệu lực ngày cuối kỳ của tỉnh, nếu không có thì của quốc gia. " +
				"by=children: thêm xếp hạng các đơn vị trực thuộc theo tổng điểm, như cây đơn vị trong kỳ (đơn vị đã sáp nhập tính vào đơn vị kế thừa, như báo cáo). / The service index of Decision 766/QĐ-TTg: 100 points in six groups; " +
				"each indicator has its score, formula, numerator and denominator (or the score an official entered with evidence). The version used is the " +
				"province's in force on the period's last day, else the national one. by=children adds the ranking of the child units by total, " +
				"as the tree was in the period (retired units count under their successors, as in the reports).",
			Query: append(reportQueryParams(),
				apiParam{"by", "children: thêm xếp hạng đơn vị trực thuộc / add the ranking of the child units", "string", false}),
			Response: apiIndex766JSON{}},
	}
}

// index766Title is the title of the exported table.
const index766Title = "Bảng điểm chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg)"

// index766XLSX sends the scores as a workbook: the unit's indicators with their inputs
// and formulas on the first sheet, the ranking of its child units by group on the second,
// with the unit's own scores as the totals row. Scores are numbers with two decimals.
func (s *Server) index766XLSX(w http.ResponseWriter, r *http.Request) {
	rq, err := s.readReportQuery(r)
	if err != nil {
		s.renderError(w, r, err, reportQueryStatus(err))
		return
	}
	res, err := s.buildIndex766(r.Context(), rq, true)
	if err != nil {
		s.handleErr(w, r, err)
		return
	}
	doc, scoreCols, err := s.index766Report(r, res)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := doc.WriteXLSX(&buf); err != nil {
		s.serverError(w, r, err)
		return
	}
	out, err := index766Numbers(buf.Bytes(), doc.TableHeaderRow()+1, len(doc.Table.Rows)+1, scoreCols)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="chi-so-766-%s.xlsx"`,
		strings.TrimPrefix(reportFileName(rq), "bao-cao-")))
	w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(out)
}

// index766Report lays out the index as a forms.StatReport, in Vietnamese. Each indicator
// is a figure: its inputs as a ratio (entered ones: "—") and the rule written out with
// the score. The table's score cells are text here; scoreCols lists their columns, which
// index766Numbers turns into numbers.
func (s *Server) index766Report(r *http.Request, res *index766Result) (forms.StatReport, []int, error) {
	const lang = "vi"
	rq, d := res.Query, res.Version.Definition
	heading, err := s.reportHeading(r.Context(), rq)
	if err != nil {
		return forms.StatReport{}, nil, err
	}
	doc := forms.StatReport{Heading: heading, Title: index766Title, Date: s.cfg.Now(),
		Lines: []string{"Kỳ: " + s.periodLabel(lang, rq.Period), "Đơn vị: " + s.reportUnitName(lang, rq) + " (gồm các đơn vị trực thuộc)",
			"Bộ chỉ số: " + d.Version + " · Tổng điểm: " + index766Points(lang, res.Result.Total) + "/100 · Xếp loại: " + res.Result.Rating.NameVI}}
	for _, g := range res.Result.Groups {
		doc.Figures = append(doc.Figures, forms.StatFigure{Label: g.Group.Code + ". " + g.Group.NameVI,
			Value: forms.Ratio{}, Rule: "Điểm nhóm: " + index766Points(lang, g.Score) + " / " + index766Points(lang, g.Group.Points)})
		for _, is := range g.Indicators {
			var v any = forms.Ratio{Num: is.Num, Den: is.Den}
			if is.Indicator.Formula.Type == report.FormulaEntered {
				v = forms.Ratio{}
			}
			rule := s.index766Formula(lang, is.Indicator) + " " + s.index766Working(lang, is)
			if e := is.Entry; e != nil {
				rule += " — " + e.By + ", " + e.At.In(vnZone).Format("02/01/2006") + ": " + e.Evidence
			}
			doc.Figures = append(doc.Figures, forms.StatFigure{Label: is.Indicator.Code + " " + is.Indicator.NameVI, Value: v,
				Rule: rule + " → " + index766Points(lang, is.Score) + " điểm", Part: true})
		}
	}
	cols := []forms.StatColumn{{Header: "Hạng", Weight: 8, Width: 6, Align: "C"}, {Header: "Đơn vị", Weight: 40, Width: 34, Align: "L"}}
	var scoreCols []int
	for _, g := range d.Groups {
		cols = append(cols, forms.StatColumn{Group: "Điểm theo nhóm", Header: g.Code + " (" + index766Points(lang, g.Points) + ")", Weight: 12, Width: 10, Align: "R"})
		scoreCols = append(scoreCols, len(cols))
	}
	cols = append(cols, forms.StatColumn{Header: "Tổng điểm (100)", Weight: 13, Width: 11, Align: "R"},
		forms.StatColumn{Header: "Xếp loại", Weight: 14, Width: 12, Align: "C"})
	scoreCols = append(scoreCols, len(cols)-1)
	row := func(rank, name string, res report.Result) []any {
		cells := []any{rank, name}
		for _, g := range res.Groups {
			cells = append(cells, index766Points(lang, g.Score))
		}
		for len(cells) < len(cols)-2 { // a child scored with a version of other groups
			cells = append(cells, "")
		}
		return append(cells[:len(cols)-2], index766Points(lang, res.Total), res.Rating.NameVI)
	}
	doc.Table = forms.StatTable{Title: "II. XẾP HẠNG CÁC ĐƠN VỊ TRỰC THUỘC", Columns: cols,
		Total: row("", s.reportUnitName(lang, rq), res.Result)}
	for _, x := range res.Rows {
		doc.Table.Rows = append(doc.Table.Rows, row(strconv.Itoa(x.Rank), x.Unit.Name, x.Result))
	}
	doc.Notes = []string{
		"Ở mục I, tỷ lệ của mỗi chỉ số là tử số ÷ mẫu số của công thức; chỉ số do cán bộ nhập không có tử số, mẫu số.",
		"Dòng cuối bảng là điểm của " + s.reportUnitName(lang, rq) + ", tính trên tổng số liệu của các đơn vị trực thuộc.",
		"Số liệu lấy từ hệ thống một cửa điện tử lúc " + s.cfg.Now().In(vnZone).Format("15:04 ngày 02/01/2006") + ".",
	}
	if c := currentFrom(r); c != nil {
		doc.Preparer = c.user.FullName
	}
	return doc, scoreCols, nil
}

// index766Numbers turns the score cells of the table sheet (rows first..first+n-1, the
// given columns) from the text forms.StatReport writes into numbers shown with two
// decimals, keeping each cell's style otherwise.
func index766Numbers(book []byte, first, n int, cols []int) ([]byte, error) {
	f, err := excelize.OpenReader(bytes.NewReader(book))
	if err != nil {
		return nil, fmt.Errorf("index766 xlsx: %w", err)
	}
	defer f.Close()
	sheet := forms.ReportTableSheet
	styles := map[int]int{}
	for row := first; row < first+n; row++ {
		for _, col := range cols {
			cell, err := excelize.CoordinatesToCellName(col, row)
			if err != nil {
				return nil, err
			}
			text, err := f.GetCellValue(sheet, cell)
			if err != nil {
				return nil, err
			}
			x, err := strconv.ParseFloat(strings.Replace(text, ",", ".", 1), 64)
			if err != nil {
				continue // an empty cell
			}
			old, err := f.GetCellStyle(sheet, cell)
			if err != nil {
				return nil, err
			}
			st, ok := styles[old]
			if !ok {
				s, err := f.GetStyle(old)
				if err != nil {
					return nil, err
				}
				s.NumFmt = 2 // 0.00
				if st, err = f.NewStyle(s); err != nil {
					return nil, err
				}
				styles[old] = st
			}
			if err := f.SetCellFloat(sheet, cell, x, -1, 64); err != nil {
				return nil, err
			}
			if err := f.SetCellStyle(sheet, cell, cell, st); err != nil {
				return nil, err
			}
		}
	}
	var out bytes.Buffer
	if err := f.Write(&out); err != nil {
		return nil, fmt.Errorf("index766 xlsx: %w", err)
	}
	return out.Bytes(), nil
}
