package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
)

// maxCachedStmts bounds the prepared statements kept: the write path uses a few dozen
// fixed texts; texts built with a variable number of parameters beyond the bound are run
// unprepared.
const maxCachedStmts = 256

// stmtCache keeps statements prepared by SQL text: on SQLite's single write connection
// for the write path, and on its read pool for the hottest reads (the public look-up's).
// SQLite compiles every statement it is given, and compiling an intake's statements (a
// dossier row has fifty columns, a rollup upsert twenty-three) was 40% of its CPU time.
// PostgreSQL's driver (pgx) already keeps prepared statements per connection, so there
// is no stmtCache there. Safe for concurrent use.
//
// A statement cannot be prepared on the write pool while a transaction holds its one
// connection, so there (eager false) a text met inside a transaction runs unprepared and
// is prepared by the next prepareWanted, called before a transaction begins; the read
// pool prepares at once (eager).
type stmtCache struct {
	db     *sql.DB
	eager  bool
	mu     sync.Mutex
	m      map[string]*sql.Stmt
	wanted map[string]bool
}

// get returns the prepared statement for query, or nil when it is not prepared (yet).
func (c *stmtCache) get(ctx context.Context, query string) *sql.Stmt {
	c.mu.Lock()
	if s, ok := c.m[query]; ok {
		c.mu.Unlock()
		return s
	}
	full := len(c.m)+len(c.wanted) >= maxCachedStmts
	if !c.eager && !full {
		if c.wanted == nil {
			c.wanted = map[string]bool{}
		}
		c.wanted[query] = true
	}
	c.mu.Unlock()
	if !c.eager || full {
		return nil
	}
	c.prepare(ctx, query)
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[query]
}

// prepare prepares query and keeps it, unless another goroutine did first or it does not
// compile (it then fails where it is run).
func (c *stmtCache) prepare(ctx context.Context, query string) {
	s, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]*sql.Stmt{}
	}
	if _, ok := c.m[query]; ok {
		s.Close()
		return
	}
	c.m[query] = s
}

// prepareWanted prepares the texts met since the last call. It must not be called inside
// a transaction of the same pool.
func (c *stmtCache) prepareWanted(ctx context.Context) {
	c.mu.Lock()
	wanted := c.wanted
	c.wanted = nil
	c.mu.Unlock()
	for query := range wanted {
		c.prepare(ctx, query)
	}
}

// execer is what the write path's statement helpers need from a transaction.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// stmtTx is a write transaction whose statements go through the prepared statement cache
// (SQLite); with no cache it is the transaction itself.
type stmtTx struct {
	tx      *sql.Tx
	stmts   *stmtCache
	dialect Dialect
}

// writeTx wraps tx for the write path's helpers.
func (db *DB) writeTx(tx *sql.Tx) stmtTx {
	return stmtTx{tx: tx, stmts: db.cache.stmts, dialect: db.dialect}
}

// prepareStatements prepares the statements the write path met unprepared; call it
// outside any transaction.
func (db *DB) prepareStatements(ctx context.Context) {
	if db.cache.stmts != nil {
		db.cache.stmts.prepareWanted(ctx)
	}
}

func (t stmtTx) prepared(ctx context.Context, query string) *sql.Stmt {
	if t.stmts == nil {
		return nil
	}
	s := t.stmts.get(ctx, query)
	if s == nil {
		return nil
	}
	return t.tx.StmtContext(ctx, s)
}

// ExecContext runs a statement in the transaction.
func (t stmtTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s := t.prepared(ctx, query); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, query, args...)
}

// QueryContext runs a query in the transaction.
func (t stmtTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := t.prepared(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a query returning at most one row in the transaction.
func (t stmtTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := t.prepared(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, query, args...)
}

// stmt is a statement with its arguments, built to be run with the others of its
// transaction.
type stmt struct {
	query string
	args  []any
}

// execAll runs statements in order. On PostgreSQL it sends them as one statement (each
// but the last a data-modifying WITH clause of the last), saving a round trip per
// statement; foreign keys are checked at the end of a statement, so a row may refer to a
// row inserted in an earlier clause. A varying group of statements (varies) is sent
// unprepared: pgx would otherwise prepare, in a round trip of its own, every shape it
// meets, on every connection. On SQLite, in process, it runs them one by one through
// prepared statements.
func (t stmtTx) execAll(ctx context.Context, stmts []stmt, varies bool) error {
	if t.dialect == Postgres && len(stmts) > 1 {
		c := combine(stmts)
		if varies {
			c.args = append([]any{pgx.QueryExecModeExec}, c.args...)
		}
		stmts = []stmt{c}
	}
	for _, s := range stmts {
		if _, err := t.ExecContext(ctx, s.query, s.args...); err != nil {
			return fmt.Errorf("%.40s…: %w", s.query, err)
		}
	}
	return nil
}

// combine makes one PostgreSQL statement of several, renumbering their parameters.
func combine(stmts []stmt) stmt {
	var (
		b    strings.Builder
		args []any
	)
	b.WriteString("WITH ")
	for i, s := range stmts {
		if i == len(stmts)-1 {
			b.WriteString(" ")
			renumber(&b, s.query, len(args))
		} else {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "w%d AS (", i)
			renumber(&b, s.query, len(args))
			b.WriteString(")")
		}
		args = append(args, s.args...)
	}
	return stmt{b.String(), args}
}

// renumber writes query with every parameter $n written $(n+by). The write path's texts
// hold no other dollar signs.
func renumber(b *strings.Builder, query string, by int) {
	for i := 0; i < len(query); i++ {
		c := query[i]
		if c != '$' || i+1 >= len(query) || query[i+1] < '0' || query[i+1] > '9' {
			b.WriteByte(c)
			continue
		}
		j := i + 1
		for j < len(query) && query[j] >= '0' && query[j] <= '9' {
			j++
		}
		n, _ := strconv.Atoi(query[i+1 : j])
		b.WriteString("$" + strconv.Itoa(n+by))
		i = j - 1
	}
}

// readRow runs a query returning at most one row on the read pool, prepared once on
// SQLite: for the hottest reads.
func (db *DB) readRow(ctx context.Context, query string, args ...any) *sql.Row {
	if c := db.cache.reads; c != nil {
		if s := c.get(ctx, query); s != nil {
			return s.QueryRowContext(ctx, args...)
		}
	}
	return db.read.QueryRowContext(ctx, query, args...)
}

// readRows runs a query on the read pool, prepared once on SQLite.
func (db *DB) readRows(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if c := db.cache.reads; c != nil {
		if s := c.get(ctx, query); s != nil {
			return s.QueryContext(ctx, args...)
		}
	}
	return db.read.QueryContext(ctx, query, args...)
}
