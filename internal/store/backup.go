package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ErrBackupExists is returned when the backup file is already there: a backup never
// overwrites one.
var ErrBackupExists = errors.New("the backup file already exists")

// BackupSQLite writes a consistent copy of a SQLite database to path with VACUUM INTO,
// while the server keeps running (readers and the writer are not stopped; the copy is a
// snapshot of one transaction). PostgreSQL is backed up with pg_dump (see the backup
// command).
func (db *DB) BackupSQLite(ctx context.Context, path string) error {
	if db.dialect != SQLite {
		return errors.New("backup: VACUUM INTO is for SQLite; use pg_dump for PostgreSQL")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%w: %s", ErrBackupExists, path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return fmt.Errorf("backup folder: %w", err)
	}
	if _, err := db.write.ExecContext(ctx, `VACUUM INTO $1`, path); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}

// IntegrityCheck runs SQLite's integrity check (PostgreSQL keeps its own; it answers ok).
func (db *DB) IntegrityCheck(ctx context.Context) error {
	if db.dialect != SQLite {
		return nil
	}
	rows, err := db.read.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("integrity check: %w", err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("integrity check: %s", strings.Join(problems, "; "))
	}
	return nil
}

// TableDigest is a table's row count and a hash of its content (rows ordered by every
// column, values as text), to compare two databases table by table.
type TableDigest struct {
	Table string
	Rows  int
	Hash  string
}

// Digests computes the digest of every application table, in name order.
func (db *DB) Digests(ctx context.Context) ([]TableDigest, error) {
	cols, err := db.Columns(ctx)
	if err != nil {
		return nil, err
	}
	tables := make([]string, 0, len(cols))
	for t := range cols {
		tables = append(tables, t)
	}
	sort.Strings(tables)
	out := make([]TableDigest, 0, len(tables))
	for _, t := range tables {
		d, err := db.digest(ctx, t, cols[t])
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

func (db *DB) digest(ctx context.Context, table string, cols []string) (TableDigest, error) {
	sort.Strings(cols)
	order := make([]string, len(cols))
	for i := range cols {
		order[i] = fmt.Sprint(i + 1)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+strings.Join(cols, ", ")+` FROM `+table+` ORDER BY `+strings.Join(order, ", "))
	if err != nil {
		return TableDigest{}, fmt.Errorf("digest %s: %w", table, err)
	}
	defer rows.Close()
	h := sha256.New()
	d := TableDigest{Table: table}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return d, fmt.Errorf("digest %s: %w", table, err)
		}
		for _, v := range vals {
			fmt.Fprintf(h, "%v\x1f", normalizeValue(v))
		}
		h.Write([]byte{'\n'})
		d.Rows++
	}
	if err := rows.Err(); err != nil {
		return d, fmt.Errorf("digest %s: %w", table, err)
	}
	d.Hash = hex.EncodeToString(h.Sum(nil))
	return d, nil
}

// normalizeValue makes byte slices and strings hash alike.
func normalizeValue(v any) any {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	return v
}
