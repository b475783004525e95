package store

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
)

// ExecForTest runs a statement on the writer, for tests that tamper with rows the
// application never edits (history verification).
func (db *DB) ExecForTest(ctx context.Context, query string, args ...any) error {
	_, err := db.write.ExecContext(ctx, query, args...)
	return err
}

// ReplicaExecForTest runs a statement through the read-only replica handle.
func (db *DB) ReplicaExecForTest(ctx context.Context, query string, args ...any) error {
	_, err := db.replica.pool.ExecContext(ctx, query, args...)
	return err
}

// ReportsFromReplicaForTest reports whether report queries now go to the replica.
func (db *DB) ReportsFromReplicaForTest() bool {
	return db.replica != nil && db.reports() == querier(db.replica.pool)
}

// SecondaryIndexesForTest lists a table's indexes other than its keys' (BeginBulkLoad
// drops and rebuilds them).
func (db *DB) SecondaryIndexesForTest(ctx context.Context, table string) (map[string]string, error) {
	return db.secondaryIndexes(ctx, table)
}

// WALFramesForTest runs fn with the SQLite writer's automatic checkpoints off and returns
// the pages (log frames) fn's commits appended to the write-ahead log, in all and by the
// table or index each page belongs to.
func (db *DB) WALFramesForTest(ctx context.Context, fn func() error) (int, map[string]int, error) {
	if db.dialect != SQLite {
		return 0, nil, fmt.Errorf("WALFramesForTest: %s has no write-ahead log file", db.dialect)
	}
	var file string
	if err := db.write.QueryRowContext(ctx, `SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&file); err != nil {
		return 0, nil, err
	}
	var pageSize int
	if err := db.write.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&pageSize); err != nil {
		return 0, nil, err
	}
	if _, err := db.write.ExecContext(ctx, `PRAGMA wal_autocheckpoint = 0`); err != nil {
		return 0, nil, err
	}
	defer db.write.ExecContext(ctx, `PRAGMA wal_autocheckpoint = 1000`)
	var busy, logged, done int
	if err := db.write.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logged, &done); err != nil {
		return 0, nil, err
	}
	if busy != 0 {
		return 0, nil, fmt.Errorf("WALFramesForTest: the log could not be emptied")
	}
	if err := fn(); err != nil {
		return 0, nil, err
	}
	wal, err := os.ReadFile(file + "-wal")
	if err != nil {
		return 0, nil, err
	}
	const walHeader, frameHeader = 32, 24
	owner := map[int]string{}
	rows, err := db.write.QueryContext(ctx, `SELECT pageno, name FROM dbstat`)
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			page int
			name string
		)
		if err := rows.Scan(&page, &name); err != nil {
			return 0, nil, err
		}
		owner[page] = name
	}
	if err := rows.Err(); err != nil {
		return 0, nil, err
	}
	frames, byTree := 0, map[string]int{}
	for off := walHeader; off+frameHeader+pageSize <= len(wal); off += frameHeader + pageSize {
		page := int(binary.BigEndian.Uint32(wal[off:]))
		frames++
		name := owner[page]
		if name == "" {
			name = "(free list or header)"
		}
		byTree[name]++
	}
	return frames, byTree, nil
}
