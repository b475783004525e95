package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"
)

// replica is the handle for read-only work: reports, public statistics and exports. It is
// opened read-only (PostgreSQL: default_transaction_read_only=on; SQLite: mode=ro), so a
// query that tried to write through it would fail instead of writing to a standby or
// a copy. While it is unreachable or lags more than maxLag, that work reads from the
// primary instead: the desks never wait for a replica.
type replica struct {
	pool       *sql.DB
	dialect    Dialect
	maxLag     time.Duration
	checkEvery time.Duration

	mu       sync.Mutex
	checking bool
	state    ReplicaState
}

// ReplicaState is what the last check of the replica found.
type ReplicaState struct {
	Configured bool          // a replica is configured at all
	Healthy    bool          // reports read from it
	Lag        time.Duration // replay delay of a PostgreSQL standby (0 on a primary or SQLite)
	Err        string        // why it is not used, when not healthy
	CheckedAt  time.Time
}

// replicaLag measures a PostgreSQL standby's delay: zero when it is not a standby or has
// replayed everything it received, otherwise the age of the last replayed transaction.
const replicaLag = `SELECT CASE
	WHEN NOT pg_is_in_recovery() THEN 0
	WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
	ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END`

func openReplica(dsn string, primary Dialect, opts Options) (*replica, error) {
	if DialectOf(dsn) != primary {
		return nil, fmt.Errorf("replica: must be %s like the primary", primary)
	}
	if opts.ReplicaMaxLag <= 0 {
		opts.ReplicaMaxLag = time.Minute
	}
	if opts.ReplicaCheckEvery <= 0 {
		opts.ReplicaCheckEvery = 5 * time.Second
	}
	var (
		pool *sql.DB
		err  error
	)
	switch primary {
	case Postgres:
		pool, err = sql.Open("pgx", readOnlyPostgres(dsn))
		if err != nil {
			return nil, fmt.Errorf("open replica: %w", err)
		}
		pool.SetMaxOpenConns(opts.MaxReadConns)
		pool.SetMaxIdleConns(opts.MaxReadConns)
		pool.SetConnMaxIdleTime(5 * time.Minute)
	default:
		full, err := SQLiteDSN(dsn)
		if err != nil {
			return nil, err
		}
		pool, err = sql.Open("sqlite", readOnlySQLite(full))
		if err != nil {
			return nil, fmt.Errorf("open replica: %w", err)
		}
		pool.SetMaxOpenConns(opts.MaxReadConns)
		pool.SetMaxIdleConns(opts.MaxReadConns)
	}
	return &replica{pool: pool, dialect: primary, maxLag: opts.ReplicaMaxLag, checkEvery: opts.ReplicaCheckEvery}, nil
}

// readOnlyPostgres makes every transaction of the connection read-only.
func readOnlyPostgres(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.Scheme != "" {
		q := u.Query()
		q.Set("default_transaction_read_only", "on")
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsn + " default_transaction_read_only=on"
}

// readOnlySQLite opens the file read-only, with deferred transactions (an immediate one
// would ask for the write lock).
func readOnlySQLite(full string) string {
	path, query, _ := strings.Cut(full, "?")
	v, _ := url.ParseQuery(query)
	v.Set("mode", "ro")
	v.Set("_txlock", "deferred")
	return path + "?" + v.Encode()
}

// reports returns the handle for read-only work: the replica while it answers and keeps
// up, otherwise the primary's read pool.
func (db *DB) reports() querier {
	if db.replica != nil && db.replica.usable() {
		return db.replica.pool
	}
	return db.read
}

// Replica reports the state of the read-only replica (Configured false without one).
func (db *DB) Replica() ReplicaState {
	if db.replica == nil {
		return ReplicaState{}
	}
	db.replica.usable()
	db.replica.mu.Lock()
	defer db.replica.mu.Unlock()
	return db.replica.state
}

// usable checks the replica at most every checkEvery; while one request checks, the
// others go by the previous result.
func (r *replica) usable() bool {
	r.mu.Lock()
	due := !r.checking && time.Since(r.state.CheckedAt) >= r.checkEvery
	if due {
		r.checking = true
	}
	healthy := r.state.Healthy
	r.mu.Unlock()
	if !due {
		return healthy
	}
	st := r.check()
	r.mu.Lock()
	r.state, r.checking = st, false
	r.mu.Unlock()
	return st.Healthy
}

func (r *replica) check() ReplicaState {
	st := ReplicaState{Configured: true, CheckedAt: time.Now()}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := r.pool.PingContext(ctx); err != nil {
		st.Err = "unreachable: " + err.Error()
		return st
	}
	if r.dialect == Postgres {
		var secs float64
		if err := r.pool.QueryRowContext(ctx, replicaLag).Scan(&secs); err != nil {
			st.Err = "lag: " + err.Error()
			return st
		}
		st.Lag = time.Duration(secs * float64(time.Second))
		if st.Lag > r.maxLag {
			st.Err = fmt.Sprintf("lags %s (more than %s)", st.Lag.Round(time.Second), r.maxLag)
			return st
		}
	}
	st.Healthy = true
	return st
}
