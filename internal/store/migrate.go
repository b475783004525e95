package store

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations
var migrationsFS embed.FS

// MigrationStatus is one migration and whether it is applied.
type MigrationStatus struct {
	Version int64
	Name    string
	Applied bool
}

// ErrSchemaTooNew is returned when the database has migrations this binary does not know:
// an older binary must not run on a newer schema.
var ErrSchemaTooNew = errors.New("the database schema is newer than this program; upgrade motcua")

func (db *DB) provider(logger *slog.Logger) (*goose.Provider, error) {
	sub, err := fs.Sub(migrationsFS, "migrations/"+string(db.dialect))
	if err != nil {
		return nil, fmt.Errorf("migrations for %s: %w", db.dialect, err)
	}
	dialect := goose.DialectSQLite3
	// Out of order: migrations are written on parallel branches, each independent of
	// the ones numbered near it, and land in any order.
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true), goose.WithAllowOutofOrder(true)}
	if logger != nil {
		opts = append(opts, goose.WithSlog(logger))
	}
	if db.dialect == Postgres {
		dialect = goose.DialectPostgres
		// A table lock (not an advisory lock) so several servers starting at once on one
		// PostgreSQL migrate one at a time.
		locker, err := lock.NewPostgresTableLocker()
		if err != nil {
			return nil, fmt.Errorf("migration lock: %w", err)
		}
		opts = append(opts, goose.WithLocker(locker))
	}
	p, err := goose.NewProvider(dialect, db.write, sub, opts...)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return p, nil
}

// Migrate applies every pending migration. It refuses a database whose schema is newer
// than the migrations embedded in this binary.
func (db *DB) Migrate(ctx context.Context, logger *slog.Logger) error {
	p, err := db.provider(logger)
	if err != nil {
		return err
	}
	if err := db.checkNotNewer(ctx, p); err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate up: %w", err)
	}
	return db.seedSchedules(ctx)
}

func (db *DB) checkNotNewer(ctx context.Context, p *goose.Provider) error {
	current, err := p.GetDBVersion(ctx)
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	sources := p.ListSources()
	if len(sources) > 0 && current > sources[len(sources)-1].Version {
		return fmt.Errorf("%w (database at %d, program knows up to %d)", ErrSchemaTooNew, current, sources[len(sources)-1].Version)
	}
	return nil
}

// MigrateDown rolls back the most recent migration (development and tests only).
func (db *DB) MigrateDown(ctx context.Context, logger *slog.Logger) (int64, error) {
	p, err := db.provider(logger)
	if err != nil {
		return 0, err
	}
	res, err := p.Down(ctx)
	if err != nil {
		return 0, fmt.Errorf("migrate down: %w", err)
	}
	return res.Source.Version, nil
}

// MigrateStatus lists every embedded migration and whether the database has it.
func (db *DB) MigrateStatus(ctx context.Context) ([]MigrationStatus, error) {
	p, err := db.provider(nil)
	if err != nil {
		return nil, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate status: %w", err)
	}
	out := make([]MigrationStatus, 0, len(st))
	for _, s := range st {
		out = append(out, MigrationStatus{
			Version: s.Source.Version,
			Name:    s.Source.Path,
			Applied: s.State == goose.StateApplied,
		})
	}
	return out, nil
}

// SchemaVersion returns the highest applied migration (0 for an empty database).
func (db *DB) SchemaVersion(ctx context.Context) (int64, error) {
	p, err := db.provider(nil)
	if err != nil {
		return 0, err
	}
	v, err := p.GetDBVersion(ctx)
	if err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	return v, nil
}

// Columns lists every application table (goose's own excluded) with its column names, so
// a test can prove both dialects' migrations build the same schema.
func (db *DB) Columns(ctx context.Context) (map[string][]string, error) {
	query := `SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'`
	if db.dialect == Postgres {
		query = `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()`
	}
	rows, err := db.read.QueryContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("list columns: %w", err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var table, col string
		if err := rows.Scan(&table, &col); err != nil {
			return nil, fmt.Errorf("list columns: %w", err)
		}
		if strings.HasPrefix(table, "goose_") {
			continue
		}
		out[table] = append(out[table], col)
	}
	return out, rows.Err()
}
