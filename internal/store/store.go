// Package store is motcua's only database access: plain SQL through database/sql, one text
// for both SQLite (modernc.org/sqlite, the embedded default) and PostgreSQL (pgx), with the
// few dialect differences kept here. Migrations are embedded and applied at start.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/google/uuid"
	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	_ "modernc.org/sqlite"             // SQLite driver "sqlite"
)

// Dialect names the database engine behind a DB.
type Dialect string

// The supported engines.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is an open database. On SQLite it keeps one connection for writes (SQLite allows one
// writer; a single connection avoids SQLITE_BUSY between our own goroutines) beside a pool
// for reads. On PostgreSQL both are the same pool. Reports, public statistics and exports
// may read from a replica instead (replica.go).
type DB struct {
	dialect Dialect
	read    *sql.DB
	write   *sql.DB
	replica *replica // nil: reports read through read
	now     func() time.Time
	// calendars caches built working-day calendars (see calendarCache).
	calendars *calendarCache
	// cache holds what intake reads and prepared statements (see cache.go).
	cache *cache
}

// Options tune Open.
type Options struct {
	// Now is the clock used for created/updated stamps; time.Now when nil.
	Now func() time.Time
	// MaxReadConns bounds the read pool (default 2×GOMAXPROCS, at least 4).
	MaxReadConns int
	// ReplicaDSN is an optional database for read-only work (reports, public statistics,
	// exports), opened read-only: a PostgreSQL streaming replica, or the primary itself.
	ReplicaDSN string
	// ReplicaMaxLag is the replication delay beyond which reports go back to the primary
	// (default 1 minute).
	ReplicaMaxLag time.Duration
	// ReplicaCheckEvery is how long one check of the replica is believed (default 5 s).
	ReplicaCheckEvery time.Duration
}

// DialectOf tells which engine a DSN is for: postgres:// and postgresql:// URLs (or a
// key=value string with host=) are PostgreSQL, anything else is a SQLite file path or
// file: URI.
func DialectOf(dsn string) Dialect {
	l := strings.ToLower(dsn)
	if strings.HasPrefix(l, "postgres://") || strings.HasPrefix(l, "postgresql://") || strings.Contains(l, "host=") {
		return Postgres
	}
	return SQLite
}

// Open connects to the database named by dsn. It does not migrate; call Migrate.
func Open(ctx context.Context, dsn string, opts Options) (*DB, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxReadConns <= 0 {
		opts.MaxReadConns = max(4, 2*runtime.GOMAXPROCS(0))
	}
	var (
		db  *DB
		err error
	)
	switch DialectOf(dsn) {
	case Postgres:
		db, err = openPostgres(dsn, opts)
	default:
		db, err = openSQLite(dsn, opts)
	}
	if err != nil {
		return nil, err
	}
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if opts.ReplicaDSN != "" {
		if db.replica, err = openReplica(opts.ReplicaDSN, db.dialect, opts); err != nil {
			db.Close()
			return nil, err
		}
	}
	return db, nil
}

func openPostgres(dsn string, opts Options) (*DB, error) {
	pool, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	pool.SetMaxOpenConns(opts.MaxReadConns + 4)
	pool.SetMaxIdleConns(opts.MaxReadConns + 4)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	return &DB{dialect: Postgres, read: pool, write: pool, now: opts.Now, calendars: &calendarCache{}, cache: newCache(Postgres, pool, pool)}, nil
}

// sqlitePragmas are applied to every connection: busy_timeout first so the others wait
// instead of failing, WAL for concurrent readers, NORMAL sync (durable at checkpoints,
// safe against corruption), foreign keys on.
var sqlitePragmas = []string{
	"busy_timeout(10000)",
	"journal_mode(WAL)",
	"synchronous(NORMAL)",
	"foreign_keys(ON)",
	"temp_store(MEMORY)",
	"cache_size(-16000)",
}

// SQLiteDSN turns a file path (taken literally) or a file: URI into a DSN with motcua's pragmas, creating the
// file's folder when needed.
func SQLiteDSN(pathOrURI string) (string, error) {
	// A plain path is taken whole; only a file: URI may carry its own ?options.
	p, query, escaped := pathOrURI, "", uriPath.Replace(pathOrURI)
	if rest, ok := strings.CutPrefix(pathOrURI, "file:"); ok {
		p, query, _ = strings.Cut(rest, "?")
		escaped = p
	}
	if p == "" || p == ":memory:" {
		return "", errors.New("sqlite: an in-memory database cannot be shared between connections; give a file path")
	}
	if dir := filepath.Dir(p); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return "", fmt.Errorf("sqlite: create data folder %s: %w", dir, err)
		}
	}
	v, err := url.ParseQuery(query)
	if err != nil {
		return "", fmt.Errorf("sqlite: bad options %q: %w", query, err)
	}
	for _, pr := range sqlitePragmas {
		v.Add("_pragma", pr)
	}
	v.Set("_txlock", "immediate")
	return "file:" + escaped + "?" + v.Encode(), nil
}

// uriPath escapes the characters SQLite's URI parser treats specially in a file name.
var uriPath = strings.NewReplacer("%", "%25", "#", "%23", "?", "%3F")

func openSQLite(dsn string, opts Options) (*DB, error) {
	full, err := SQLiteDSN(dsn)
	if err != nil {
		return nil, err
	}
	write, err := sql.Open("sqlite", full)
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	read, err := sql.Open("sqlite", full)
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	read.SetMaxOpenConns(opts.MaxReadConns)
	read.SetMaxIdleConns(opts.MaxReadConns)
	return &DB{dialect: SQLite, read: read, write: write, now: opts.Now, calendars: &calendarCache{}, cache: newCache(SQLite, read, write)}, nil
}

// Dialect returns the engine.
func (db *DB) Dialect() Dialect { return db.dialect }

// Ping checks that the database answers (used by /readyz).
func (db *DB) Ping(ctx context.Context) error {
	if err := db.read.PingContext(ctx); err != nil {
		return fmt.Errorf("ping %s: %w", db.dialect, err)
	}
	if db.write != db.read {
		if err := db.write.PingContext(ctx); err != nil {
			return fmt.Errorf("ping %s writer: %w", db.dialect, err)
		}
	}
	return nil
}

// CheckSchema returns ErrSchemaTooNew when the database has migrations this binary does
// not know (a newer motcua upgraded it), without changing anything.
func (db *DB) CheckSchema(ctx context.Context) error {
	p, err := db.provider(nil)
	if err != nil {
		return err
	}
	return db.checkNotNewer(ctx, p)
}

// Close releases the connections.
func (db *DB) Close() error {
	err := db.read.Close()
	if db.write != db.read {
		err = errors.Join(err, db.write.Close())
	}
	if db.replica != nil {
		err = errors.Join(err, db.replica.pool.Close())
	}
	return err
}

// Now returns the store's clock reading in UTC, truncated to microseconds (PostgreSQL's
// precision) so values read back compare equal to values written.
func (db *DB) Now() time.Time { return db.now().UTC().Truncate(time.Microsecond) }

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// inTx runs fn in a write transaction, committing when it returns nil.
func (db *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// NewID returns a time-ordered UUIDv7 generated by the application, so IDs need no shared
// sequence and stay unique across shards.
func NewID() string { return uuid.Must(uuid.NewV7()).String() }

// nullTime stores the zero time as NULL and any other time in UTC.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// nullString stores "" as NULL.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// placeholders returns "$from, $from+1, ..." for n arguments, for expanded IN lists.
func placeholders(from, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", from+i)
	}
	return b.String()
}

// queryAll runs a query and scans every row with scan, wrapping errors with what.
func queryAll[T any](ctx context.Context, q querier, what string, scan func(interface{ Scan(...any) error }) (T, error),
	query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// finishQuery appends the WHERE conditions, the order and the limit to a SELECT.
func finishQuery(query string, where []string, orderBy string, limit int) string {
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY " + orderBy
	if limit > 0 {
		query += fmt.Sprintf(" LIMIT %d", limit)
	}
	return query
}

// conds collects WHERE conditions and their numbered arguments for list queries.
type conds struct {
	where []string
	args  []any
}

// arg adds an argument and returns its placeholder.
func (c *conds) arg(v any) string {
	c.args = append(c.args, v)
	return fmt.Sprintf("$%d", len(c.args))
}

// add appends one condition.
func (c *conds) add(cond string) { c.where = append(c.where, cond) }

// under keeps rows whose materialised path column starts with one of the paths (no
// condition when paths is empty).
func (c *conds) under(column string, paths []string) {
	if len(paths) > 0 {
		c.add(c.anyUnder(column, paths))
	}
}

// anyUnder returns the condition "column starts with one of the paths", adding its
// arguments, for use inside a larger condition.
func (c *conds) anyUnder(column string, paths []string) string {
	ors := make([]string, len(paths))
	for i, p := range paths {
		ors[i] = fmt.Sprintf("substr(%s, 1, %d) = %s", column, len(p), c.arg(p))
	}
	return "(" + strings.Join(ors, " OR ") + ")"
}
