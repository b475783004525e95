package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/report"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
)

// errRollupsDiffer makes "report verify" exit non-zero when the rollups disagree with the
// dossiers.
var errRollupsDiffer = errors.New("số liệu tổng hợp lệch với hồ sơ / the rollups differ from the dossiers")

// runReport handles "motcua report stats|verify|rebuild".
func runReport(ctx context.Context, args []string, stdout, _ io.Writer) error {
	fs := newFlagSet("report", "report stats --unit CODE --from YYYY-MM-DD --to YYYY-MM-DD [--json] | report verify | report rebuild  [--db …]", stdout)
	dsn := dbFlag(fs)
	unitCode := fs.String("unit", "", "mã đơn vị (cả các đơn vị trực thuộc) / unit code (with its subtree); empty: everything")
	from := fs.String("from", "", "từ ngày / first day (YYYY-MM-DD)")
	to := fs.String("to", "", "đến ngày / last day (YYYY-MM-DD)")
	asJSON := fs.Bool("json", false, "in JSON / print JSON")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return fmt.Errorf("report: expected one action (stats, verify, rebuild), got %v", pos)
	}
	db, err := dsn.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	switch pos[0] {
	case "stats":
		return reportStats(ctx, db, *unitCode, *from, *to, *asJSON, stdout)
	case "verify":
		return reportVerify(ctx, db, stdout)
	case "rebuild":
		n, err := db.RebuildRollups(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Đã dựng lại %d dòng tổng hợp / rebuilt %d rollup rows\n", n, n)
		return nil
	}
	return fmt.Errorf("report: unknown action %q (stats, verify, rebuild)", pos[0])
}

func reportVerify(ctx context.Context, db *store.DB, stdout io.Writer) error {
	diffs, err := db.VerifyRollups(ctx)
	if err != nil {
		return err
	}
	for _, d := range diffs {
		fmt.Fprintf(stdout, "  LỆCH / DIFF %s %s %s %s: lưu / stored %d, đếm lại / recounted %d\n",
			d.Table, d.UnitID, d.Period, d.Counter, d.Stored, d.Recounted)
	}
	if len(diffs) > 0 {
		return fmt.Errorf("%w: %d (motcua report rebuild)", errRollupsDiffer, len(diffs))
	}
	fmt.Fprintln(stdout, "Khớp / consistent: số liệu tổng hợp khớp với hồ sơ / the rollups match the dossiers")
	return nil
}

func reportStats(ctx context.Context, db *store.DB, unitCode, from, to string, asJSON bool, stdout io.Writer) error {
	q := store.StatsQuery{}
	var err error
	if q.From, err = time.ParseInLocation("2006-01-02", from, calendar.Location()); err != nil {
		return fmt.Errorf("report stats: --from: %w", err)
	}
	if q.To, err = time.ParseInLocation("2006-01-02", to, calendar.Location()); err != nil {
		return fmt.Errorf("report stats: --to: %w", err)
	}
	name := "Tất cả / all units"
	if unitCode != "" {
		u, err := db.UnitByCode(ctx, unitCode, unit.DateOf(q.To))
		if err != nil {
			return fmt.Errorf("report stats: unit %s: %w", unitCode, err)
		}
		q.Under, name = []string{u.Path}, u.Name
	}
	s, err := db.Stats(ctx, q)
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(statsJSON(name, s))
	}
	printStats(stdout, name, s)
	return nil
}

func statsJSON(name string, s report.Stats) map[string]any {
	rate, _ := s.OnTimeRate().Percent()
	return map[string]any{"unit": name, "from": s.From, "to": s.To, "received": s.Received(), "carried_over": s.CarriedOver,
		"on_time": s.OnTime(), "on_time_rate": rate, "resolved": s.Resolved(), "resolved_late": s.ResolvedLate,
		"in_progress": s.InProgress, "overdue": s.InProgressOverdue, "stats": s}
}

func printStats(w io.Writer, name string, s report.Stats) {
	fmt.Fprintf(w, "%s, %s – %s\n", name, s.From, s.To)
	fmt.Fprintf(w, "  Kỳ trước chuyển sang / carried over:        %d\n", s.CarriedOver)
	fmt.Fprintf(w, "  Tiếp nhận mới / received:                   %d (trực tiếp %d, bưu chính %d, trực tuyến %d)\n",
		s.Received(), s.ReceivedDesk, s.ReceivedPost, s.ReceivedOnline)
	rate := s.OnTimeRate()
	pct, ok := rate.Percent()
	pctText := "—"
	if ok {
		pctText = fmt.Sprintf("%.2f%%", pct)
	}
	fmt.Fprintf(w, "  Giải quyết đúng hạn / resolved on time:     %d / %d = %s (trước hạn + đúng hạn ÷ tiếp nhận trong kỳ)\n",
		rate.Num, rate.Den, pctText)
	fmt.Fprintf(w, "  Có kết quả trong kỳ / resolved in period:   %d (trước hạn %d, đúng hạn %d, quá hạn %d)\n",
		s.Resolved(), s.ResolvedEarly, s.ResolvedOnTime, s.ResolvedLate)
	fmt.Fprintf(w, "  Đang giải quyết cuối kỳ / in progress:      %d (quá hạn %d)\n", s.InProgress, s.InProgressOverdue)
	fmt.Fprintf(w, "  Từ chối %d, dừng %d, rút %d, bổ sung %d, xin lỗi %d, liên thông %d\n",
		s.Refused, s.Stopped, s.Withdrawn, s.Supplements, s.Apologies, s.Transfers)
}
