package main

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// errHistoryBroken is returned by "audit verify" when it finds a break, so the process
// exits non-zero for scripts and timers.
var errHistoryBroken = errors.New("lịch sử hồ sơ bị sửa hoặc xóa / the dossier history was altered")

// runAudit checks the tamper-evident records: "motcua audit verify" recomputes every
// dossier's hash chain and the daily code sequences.
func runAudit(ctx context.Context, args []string, stdout, _ io.Writer) error {
	fs := newFlagSet("audit", "audit verify [--db …]", stdout)
	dsn := dbFlag(fs)
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] != "verify" {
		fs.Usage()
		return fmt.Errorf("audit: expected the action verify, got %v", pos)
	}
	db, err := dsn.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := db.VerifyHistory(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Đã kiểm tra %d hồ sơ, %d sự kiện / checked %d dossiers, %d events\n",
		rep.Dossiers, rep.Events, rep.Dossiers, rep.Events)
	for _, p := range rep.Problems {
		fmt.Fprintf(stdout, "  LỖI / BROKEN: %s\n", p.Error())
	}
	if len(rep.Problems) > 0 {
		return fmt.Errorf("%w: %d", errHistoryBroken, len(rep.Problems))
	}
	fmt.Fprintln(stdout, "Toàn vẹn / intact: không có dòng nào bị sửa hay xóa / no row edited or deleted")
	return nil
}
