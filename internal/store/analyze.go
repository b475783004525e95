package store

import (
	"context"
	"fmt"
)

// Analyze refreshes the query planner's statistics after a bulk load, on PostgreSQL (whose
// autovacuum would do it later); SQLite plans without them, as motcua's queries were written
// for.
func (db *DB) Analyze(ctx context.Context) error {
	if db.dialect != Postgres {
		return nil
	}
	if _, err := db.write.ExecContext(ctx, `ANALYZE`); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	return nil
}
