package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/store"
)

// runBackup writes a backup: SQLite with VACUUM INTO (online, consistent), PostgreSQL with
// pg_dump's custom format. "backup check FILE" verifies a SQLite backup.
func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("backup", "backup [--db …] [--out FILE] | backup check FILE", stdout)
	src := dbFlag(fs)
	out := fs.String("out", "", "tệp sao lưu / backup file (default: backups/motcua-YYYYMMDD-HHMMSS.db or .dump)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) == 2 && pos[0] == "check":
		return checkBackup(ctx, pos[1], stdout)
	case len(pos) > 0:
		fs.Usage()
		return fmt.Errorf("backup: unexpected %v", pos)
	}
	dsn, err := src.url()
	if err != nil {
		return err
	}
	if store.DialectOf(dsn) == store.Postgres {
		path := cmpOr(*out, defaultBackupName("dump"))
		return pgTool(ctx, stdout, stderr, "pg_dump", "--format=custom", "--no-owner", "--file", path, dsn)
	}
	path := cmpOr(*out, defaultBackupName("db"))
	db, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.BackupSQLite(ctx, path); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Đã sao lưu / backed up to %s\n", path)
	return checkBackup(ctx, path, stdout)
}

func cmpOr(s, def string) string {
	if s != "" {
		return s
	}
	return def
}

func defaultBackupName(ext string) string {
	return filepath.Join("backups", "motcua-"+time.Now().Format("20060102-150405")+"."+ext)
}

// checkBackup opens a SQLite backup without migrating it and checks its integrity, its
// schema version, the dossiers' history chains and the report rollups.
func checkBackup(ctx context.Context, path string, stdout io.Writer) error {
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("backup check: %w", err)
	}
	if strings.HasSuffix(path, ".dump") {
		return errors.New("backup check: a PostgreSQL dump is checked by restoring it (pg_restore --list reads its table of contents)")
	}
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.IntegrityCheck(ctx); err != nil {
		return err
	}
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		return fmt.Errorf("backup check: schema version: %w", err)
	}
	rep, err := db.VerifyHistory(ctx)
	if err != nil {
		return err
	}
	diffs, err := db.VerifyRollups(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Bản sao lưu / backup %s: phiên bản CSDL / schema %d, %d hồ sơ / dossiers, %d sự kiện / events\n",
		path, v, rep.Dossiers, rep.Events)
	if len(rep.Problems) > 0 || len(diffs) > 0 {
		return fmt.Errorf("backup check: %d history breaks, %d rollup differences", len(rep.Problems), len(diffs))
	}
	fmt.Fprintln(stdout, "Hợp lệ / valid: toàn vẹn, lịch sử và số liệu tổng hợp khớp / integrity, history and rollups check out")
	return nil
}

// runRestore puts a backup in place: for SQLite it checks the backup and copies it to the
// database path (refusing to replace an existing database without --force; stop the
// server first); for PostgreSQL it runs pg_restore into the database.
func runRestore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("restore", "restore FILE [--db …] [--force]", stdout)
	src := dbFlag(fs)
	force := fs.Bool("force", false, "thay CSDL đang có / replace an existing database")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return fmt.Errorf("restore: expected one backup file, got %v", pos)
	}
	file := pos[0]
	dsn, err := src.url()
	if err != nil {
		return err
	}
	if store.DialectOf(dsn) == store.Postgres {
		flags := []string{"--no-owner", "--dbname", dsn}
		if *force {
			flags = append(flags, "--clean", "--if-exists")
		}
		return pgTool(ctx, stdout, stderr, "pg_restore", append(flags, file)...)
	}
	if err := checkBackup(ctx, file, stdout); err != nil {
		return err
	}
	if _, err := os.Stat(dsn); err == nil && !*force {
		return fmt.Errorf("restore: %s exists; stop the server and add --force to replace it", dsn)
	}
	return copyDatabase(file, dsn, stdout)
}

// copyDatabase copies a SQLite file into place through a temporary file and a rename, and
// removes the old database's WAL files.
func copyDatabase(from, to string, stdout io.Writer) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o750); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	tmp := to + ".restoring"
	if err := os.WriteFile(tmp, data, 0o640); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(to + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("restore: %w", err)
		}
	}
	if err := os.Rename(tmp, to); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	fmt.Fprintf(stdout, "Đã khôi phục / restored %s from %s\n", to, from)
	return nil
}

// pgTool runs one of PostgreSQL's client programs, which must be installed.
func pgTool(ctx context.Context, stdout, stderr io.Writer, name string, args ...string) error {
	if _, err := exec.LookPath(name); err != nil {
		return fmt.Errorf("%s is not installed (Debian: apt-get install postgresql-client): %w", name, err)
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	fmt.Fprintf(stdout, "%s: xong / done\n", name)
	return nil
}
