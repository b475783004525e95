// Package storetest opens throw-away databases for tests: a SQLite file in a temporary
// folder and a fresh schema on the test PostgreSQL server. Every store test runs against
// both through Each. With CI=true an unreachable PostgreSQL fails the test instead of
// skipping it, so CI can never pass on SQLite alone.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/store"
)

// DefaultPostgres is the test server the README and CI use.
const DefaultPostgres = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// PostgresURL returns MOTCUA_TEST_POSTGRES or the default.
func PostgresURL() string {
	if v := os.Getenv("MOTCUA_TEST_POSTGRES"); v != "" {
		return v
	}
	return DefaultPostgres
}

// Each runs fn once on a fresh SQLite database and once on a fresh PostgreSQL schema, as
// subtests named "sqlite" and "postgres".
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// SQLite returns a migrated database in a temporary file, closed when the test ends.
func SQLite(t testing.TB) *store.DB {
	t.Helper()
	return open(t, filepath.Join(t.TempDir(), "motcua.db"))
}

// SQLiteDSN returns a path for a fresh SQLite database (not opened).
func SQLiteDSN(t testing.TB) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "motcua.db")
}

// Postgres returns a migrated database in a new schema, dropped when the test ends.
func Postgres(t testing.TB) *store.DB {
	t.Helper()
	return open(t, PostgresDSN(t))
}

// PostgresDSN creates a fresh schema and returns a DSN whose search_path points to it.
// The schema is dropped when the test ends.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	base := PostgresURL()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		admin.Close()
		unreachable(t, base, err)
	}
	schema := "t_" + randomHex(8)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		t.Fatalf("postgres: create schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("postgres: drop schema %s: %v", schema, err)
		}
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("postgres url: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func unreachable(t testing.TB, dsn string, err error) {
	t.Helper()
	if strings.EqualFold(os.Getenv("CI"), "true") {
		t.Fatalf("PostgreSQL at %s is unreachable in CI (start it with pg_ctlcluster): %v", redact(dsn), err)
	}
	t.Skipf("PostgreSQL at %s unreachable (set MOTCUA_TEST_POSTGRES; CI fails here): %v", redact(dsn), err)
}

func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparseable DSN)"
	}
	return u.Redacted()
}

func open(t testing.TB, dsn string) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		t.Fatalf("open %s: %v", store.DialectOf(dsn), err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx, nil); err != nil {
		t.Fatalf("migrate %s: %v", db.Dialect(), err)
	}
	return db
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
