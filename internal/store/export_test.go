package store

import "context"

// ExecForTest runs a statement on the writer, for tests that tamper with rows the
// application never edits (history verification).
func (db *DB) ExecForTest(ctx context.Context, query string, args ...any) error {
	_, err := db.write.ExecContext(ctx, query, args...)
	return err
}
