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

// LookupRef is what a citizen types into the public look-up: a dossier's code and the
// second factor printed on its receipt.
type LookupRef struct {
	Code, Secret string
}

// LookupRefs returns up to n dossiers' codes and look-up secrets, picked at random, for
// the look-up benchmark.
func (db *DB) LookupRefs(ctx context.Context, n int) ([]LookupRef, error) {
	return queryAll(ctx, db.read, "look-up references", func(r interface{ Scan(...any) error }) (LookupRef, error) {
		var l LookupRef
		err := r.Scan(&l.Code, &l.Secret)
		return l, err
	}, `SELECT code, lookup_secret FROM dossiers WHERE code IS NOT NULL AND lookup_secret <> ''
		ORDER BY random() LIMIT $1`, n)
}
