package store

import (
	"context"
	"database/sql"
	"fmt"
)

// PrepareRawInsert creates the scratch table the raw-insert benchmark writes to (outside
// the migrations: it exists only in benchmark databases).
func (db *DB) PrepareRawInsert(ctx context.Context) error {
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS bench_raw (id TEXT PRIMARY KEY, payload TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("bench table: %w", err)
	}
	return nil
}

// RawInsert writes one row in its own transaction with the same connection settings and
// durability as the application's writes: the ceiling an intake transaction is compared
// with.
func (db *DB) RawInsert(ctx context.Context, payload string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO bench_raw (id, payload) VALUES ($1, $2)`, NewID(), payload)
		return err
	})
}
