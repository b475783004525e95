package store

import "context"

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
