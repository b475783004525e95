package web

import (
	"net/http"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/report"
)

// apiRateJSON is a rate with its parts; percent is rounded to two decimals as the page
// prints it, and null when the denominator is zero.
type apiRateJSON struct {
	Numerator   int64    `json:"numerator"`
	Denominator int64    `json:"denominator"`
	Percent     *float64 `json:"percent"`
	Rule        string   `json:"rule"`
}

// apiStatsJSON is every figure of report.Stats (DOMAIN.md rules 9 and 10).
type apiStatsJSON struct {
	CarriedOver        int64       `json:"carried_over"`
	Received           int64       `json:"received"`
	ReceivedOnline     int64       `json:"received_online"`
	ReceivedDesk       int64       `json:"received_desk"`
	ReceivedPost       int64       `json:"received_post"`
	OnTime             int64       `json:"on_time"`
	CohortEarly        int64       `json:"cohort_early"`
	CohortOnTime       int64       `json:"cohort_on_time"`
	CohortLate         int64       `json:"cohort_late"`
	Resolved           int64       `json:"resolved"`
	ResolvedEarly      int64       `json:"resolved_early"`
	ResolvedOnTime     int64       `json:"resolved_on_time"`
	ResolvedLate       int64       `json:"resolved_late"`
	InProgress         int64       `json:"in_progress"`
	InProgressNotDue   int64       `json:"in_progress_not_due"`
	InProgressOverdue  int64       `json:"in_progress_overdue"`
	Refused            int64       `json:"refused"`
	Stopped            int64       `json:"stopped"`
	Withdrawn          int64       `json:"withdrawn"`
	Returned           int64       `json:"returned"`
	Supplements        int64       `json:"supplements"`
	Apologies          int64       `json:"apologies"`
	Transfers          int64       `json:"transfers"`
	Digitised          int64       `json:"digitised"`
	PaidOnline         int64       `json:"paid_online"`
	Electronic         int64       `json:"electronic"`
	OnTimeRate         apiRateJSON `json:"on_time_rate"`
	ResolvedOnTimeRate apiRateJSON `json:"resolved_on_time_rate"`
	OnlineShare        apiRateJSON `json:"online_share"`
	DigitisedShare     apiRateJSON `json:"digitised_share"`
}

// apiReportUnitJSON names the unit of a report or of a breakdown row.
type apiReportUnitJSON struct {
	ID   string `json:"id"`
	Code string `json:"code,omitempty"`
	Name string `json:"name"`
	Kind string `json:"kind,omitempty"`
	// Rest marks the row of what the unit received itself, outside its children.
	Rest bool `json:"rest,omitempty"`
}

// apiChildStatsJSON is one row of the breakdown.
type apiChildStatsJSON struct {
	Unit  apiReportUnitJSON `json:"unit"`
	Stats apiStatsJSON      `json:"stats"`
}

// apiReportJSON is GET /api/v1/reports/stats.
type apiReportJSON struct {
	Unit   apiReportUnitJSON `json:"unit"`
	From   string            `json:"from"`
	To     string            `json:"to"`
	Period string            `json:"period"`
	// InProgressAt is the day the in-progress figures are counted at: the period's
	// last day, or today for a period not over yet.
	InProgressAt string              `json:"in_progress_at"`
	Stats        apiStatsJSON        `json:"stats"`
	Children     []apiChildStatsJSON `json:"children,omitempty"`
}

// toAPIStats writes every figure, the rules of the rates in the reader's language.
func (s *Server) toAPIStats(lang string, st report.Stats) apiStatsJSON {
	rate := func(key string, r report.Rate) apiRateJSON {
		return apiRateJSON{Numerator: r.Num, Denominator: r.Den, Percent: reportPercentValue(r), Rule: s.i18n.T(lang, ruleKey(key))}
	}
	return apiStatsJSON{CarriedOver: st.CarriedOver, Received: st.Received(), ReceivedOnline: st.ReceivedOnline,
		ReceivedDesk: st.ReceivedDesk, ReceivedPost: st.ReceivedPost, OnTime: st.OnTime(), CohortEarly: st.CohortEarly,
		CohortOnTime: st.CohortOnTime, CohortLate: st.CohortLate, Resolved: st.Resolved(), ResolvedEarly: st.ResolvedEarly,
		ResolvedOnTime: st.ResolvedOnTime, ResolvedLate: st.ResolvedLate, InProgress: st.InProgress,
		InProgressNotDue: st.InProgressNotDue(), InProgressOverdue: st.InProgressOverdue, Refused: st.Refused,
		Stopped: st.Stopped, Withdrawn: st.Withdrawn, Returned: st.Returned, Supplements: st.Supplements,
		Apologies: st.Apologies, Transfers: st.Transfers, Digitised: st.Digitised, PaidOnline: st.PaidOnline,
		Electronic: st.Electronic,
		OnTimeRate: rate("on_time_rate", st.OnTimeRate()), ResolvedOnTimeRate: rate("resolved_on_time_rate", st.ResolvedOnTimeRate()),
		OnlineShare: rate("online_share", st.OnlineShare()), DigitisedShare: rate("digitised_share", st.DigitisedShare())}
}

// readReportAPIQuery reads a report API's unit and period and its by parameter:
// children (true) asks for the child units as well; anything else but nothing is refused
// with the query's other errors.
func (s *Server) readReportAPIQuery(r *http.Request) (reportQuery, bool, error) {
	rq, err := s.readReportQuery(r)
	by := r.URL.Query().Get("by")
	if by != "" && by != "children" && (err == nil || failure.Is(err, failure.Invalid)) {
		err = failure.Join(err, failure.InvalidField("by", "report.by_invalid"))
	}
	return rq, by == "children", err
}

// apiReportStats answers the figures of a unit over a period, with by=children the
// breakdown by child unit in tree order (or in the order of sort=).
func (s *Server) apiReportStats(w http.ResponseWriter, r *http.Request) {
	rq, children, err := s.readReportAPIQuery(r)
	if err != nil {
		s.renderError(w, r, err, reportQueryStatus(err))
		return
	}
	res, err := s.buildReport(r.Context(), rq, children, false)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	lang := s.lang(r)
	out := apiReportJSON{From: rq.Period.From.String(), To: rq.Period.To.String(), Period: s.periodLabel(lang, rq.Period),
		InProgressAt: res.CountAt.String(), Stats: s.toAPIStats(lang, res.Stats)}
	if rq.All {
		out.Unit = apiReportUnitJSON{ID: reportAll, Name: s.reportUnitName(lang, rq)}
	} else {
		out.Unit = apiReportUnitJSON{ID: rq.Unit.ID, Code: rq.Unit.Code, Name: rq.Unit.Name, Kind: string(rq.Unit.Kind)}
	}
	if children {
		rows := res.Children
		sortChildren(rows, rq.Sort)
		out.Children = make([]apiChildStatsJSON, len(rows))
		for i, c := range rows {
			out.Children[i] = apiChildStatsJSON{Unit: apiReportUnitJSON{ID: c.Unit.ID, Code: c.Unit.Code, Name: c.Unit.Name,
				Kind: string(c.Unit.Kind), Rest: c.Rest}, Stats: s.toAPIStats(lang, c.Stats)}
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// reportQueryParams are the query parameters that choose a report's unit and period, as
// readReportQuery reads them.
func reportQueryParams() []apiParam {
	return []apiParam{
		{"unit_id", "Đơn vị (cả đơn vị trực thuộc); mặc định đơn vị của vai trò / unit with its subtree; default: the caller's", "string", false},
		{"from", "Từ ngày (YYYY-MM-DD) / first day", "string", false},
		{"to", "Đến ngày (YYYY-MM-DD), tính cả ngày này / last day, inclusive", "string", false},
		{"period", "Hoặc loại kỳ: month, quarter, year, months, range / or a period kind", "string", false},
		{"year", "Năm (với period) / year", "integer", false},
		{"month", "Tháng 1–12 (period=month) / month", "integer", false},
		{"quarter", "Quý 1–4 (period=quarter) / quarter", "integer", false},
		{"months", "Số tháng đầu năm 1–12 (period=months) / first N months", "integer", false},
	}
}

// reportAPIOps documents the report API.
func reportAPIOps() []apiOp {
	return []apiOp{
		{Method: "GET", Path: "/api/v1/reports/stats", Tag: "reports",
			Summary: "Handling figures of a unit (with its subtree) over a period, with numerators and denominators of every rate",
			Description: "Tỷ lệ đúng hạn = hồ sơ tiếp nhận trong kỳ đã giải quyết trước hạn hoặc đúng hạn ÷ hồ sơ tiếp nhận trong kỳ. " +
				"Không có from/to: tháng này tính đến hôm nay; kỳ chưa kết thúc thì hồ sơ đang giải quyết tính đến hôm nay (in_progress_at). " +
				"/ On-time rate = dossiers received in the period resolved early or on time ÷ dossiers received in the period. " +
				"Without from/to: this month so far; for a period not over yet, in-progress figures are counted at today (in_progress_at).",
			Query: append(reportQueryParams(),
				apiParam{"by", "children: thêm số liệu từng đơn vị trực thuộc / add the figures of each child unit", "string", false},
				apiParam{"sort", "Thứ tự đơn vị: rate, late, overdue, received / order of the children", "string", false}),
			Response: apiReportJSON{}},
	}
}
