package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"

	"github.com/motcua/motcua/internal/forms"
	"github.com/motcua/motcua/internal/report"
)

// reportTitle is the title of the periodic report units send upward.
const reportTitle = "Báo cáo tình hình, kết quả giải quyết thủ tục hành chính"

// breakdownColumns is the table of the periodic report, one row per unit: dossiers to
// handle (carried over and new by channel), handled (early, on time, late), in progress
// (not due, overdue), and the on-time rate of rule 10 with its parts. The numbers in
// brackets are the column numbers the notes refer to.
var breakdownColumns = []forms.StatColumn{
	{Header: "STT", Weight: 10, Width: 5, Align: "C"},
	{Header: "Đơn vị", Weight: 40, Width: 34, Align: "L"},
	{Group: "Số hồ sơ nhận giải quyết", Header: "Tổng số (3)", Weight: 15, Width: 12},
	{Group: "Số hồ sơ nhận giải quyết", Header: "Từ kỳ trước (4)", Weight: 15, Width: 12},
	{Group: "Số hồ sơ nhận giải quyết", Header: "Mới tiếp nhận trực tuyến (5)", Weight: 17, Width: 13},
	{Group: "Số hồ sơ nhận giải quyết", Header: "Mới tiếp nhận trực tiếp, bưu chính (6)", Weight: 17, Width: 13},
	{Group: "Số hồ sơ đã giải quyết", Header: "Tổng số (7)", Weight: 15, Width: 12},
	{Group: "Số hồ sơ đã giải quyết", Header: "Trước hạn (8)", Weight: 15, Width: 12},
	{Group: "Số hồ sơ đã giải quyết", Header: "Đúng hạn (9)", Weight: 15, Width: 12},
	{Group: "Số hồ sơ đã giải quyết", Header: "Quá hạn (10)", Weight: 15, Width: 12},
	{Group: "Số hồ sơ đang giải quyết", Header: "Tổng số (11)", Weight: 15, Width: 12},
	{Group: "Số hồ sơ đang giải quyết", Header: "Trong hạn (12)", Weight: 15, Width: 12},
	{Group: "Số hồ sơ đang giải quyết", Header: "Quá hạn (13)", Weight: 15, Width: 12},
	{Group: "Tỷ lệ giải quyết đúng hạn", Header: "Đúng hạn, nhận trong kỳ (14)", Weight: 17, Width: 14},
	{Group: "Tỷ lệ giải quyết đúng hạn", Header: "Tiếp nhận trong kỳ (15)", Weight: 16, Width: 13},
	{Group: "Tỷ lệ giải quyết đúng hạn", Header: "Tỷ lệ (16) = (14) ÷ (15)", Weight: 16, Width: 12},
}

// breakdownCells is one row of the periodic report's table.
func breakdownCells(no, name string, st report.Stats) []any {
	rate := st.OnTimeRate()
	return []any{no, name,
		st.CarriedOver + st.Received(), st.CarriedOver, st.ReceivedOnline, st.ReceivedDesk + st.ReceivedPost,
		st.Resolved(), st.ResolvedEarly, st.ResolvedOnTime, st.ResolvedLate,
		st.InProgress, st.InProgressNotDue(), st.InProgressOverdue,
		rate.Num, rate.Den, forms.Ratio{Num: rate.Num, Den: rate.Den}}
}

// statReport lays out a computed report as the periodic report, in Vietnamese (the
// language of documents sent upward), with the same figures the page shows.
func (s *Server) statReport(r *http.Request, res *reportResult) (forms.StatReport, error) {
	const lang = "vi"
	rq, st := res.Query, res.Stats
	name := s.reportUnitName(lang, rq)
	heading, err := s.reportHeading(r.Context(), rq)
	if err != nil {
		return forms.StatReport{}, err
	}
	doc := forms.StatReport{
		Heading: heading,
		Title:   reportTitle,
		Lines:   []string{"Kỳ báo cáo: " + s.periodLabel(lang, rq.Period), "Đơn vị báo cáo: " + name + " (gồm các đơn vị trực thuộc)"},
		Date:    s.cfg.Now(),
	}
	if res.Today.Before(rq.Period.To) {
		doc.Lines = append(doc.Lines, s.i18n.T(lang, "report.past_today", reportDay(res.CountAt)))
	}
	for _, f := range statFigures {
		doc.Figures = append(doc.Figures, forms.StatFigure{Label: s.i18n.T(lang, figureKey(f.Key)), Value: f.Value(st),
			Rule: s.i18n.T(lang, ruleKey(f.Key)), Part: f.Part})
	}
	for _, rt := range statRates {
		rate := rt.Rate(st)
		doc.Figures = append(doc.Figures, forms.StatFigure{Label: s.i18n.T(lang, figureKey(rt.Key)),
			Value: forms.Ratio{Num: rate.Num, Den: rate.Den}, Rule: s.i18n.T(lang, ruleKey(rt.Key))})
	}
	rows := slices.Clone(res.Children)
	sortChildren(rows, rq.Sort)
	doc.Table = forms.StatTable{Title: "II. KẾT QUẢ GIẢI QUYẾT THEO ĐƠN VỊ", Columns: breakdownColumns,
		Total: breakdownCells("", "Tổng cộng", st)}
	n := 0
	for _, c := range rows {
		if c.Rest {
			doc.Table.Rows = append(doc.Table.Rows, breakdownCells("", s.i18n.T(lang, "report.rest_row", c.Unit.Name), c.Stats))
			continue
		}
		n++
		doc.Table.Rows = append(doc.Table.Rows, breakdownCells(strconv.Itoa(n), c.Unit.Name, c.Stats))
	}
	doc.Notes = []string{
		"Cột (3) = (4) + (5) + (6); cột (7) = (8) + (9) + (10); cột (11) = (12) + (13).",
		s.i18n.T(lang, "report.rule.on_time_rate") + ": cột (16) = (14) ÷ (15).",
		"Số liệu lấy từ hệ thống một cửa điện tử lúc " + s.cfg.Now().In(vnZone).Format("15:04 ngày 02/01/2006") + ".",
	}
	if c := currentFrom(r); c != nil {
		doc.Preparer = c.user.FullName
	}
	return doc, nil
}

// reportHeading is the heading of the report: the unit as it issues documents (its
// People's Committee, or the agency under its committee), as on the desk's forms.
func (s *Server) reportHeading(ctx context.Context, rq reportQuery) (forms.Heading, error) {
	if rq.All {
		return forms.Heading{Unit: "Hệ thống một cửa điện tử", Place: "……"}, nil
	}
	return s.formHeading(ctx, rq.Unit)
}
