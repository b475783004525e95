package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/report"
)

// LoadFinishedDossiers writes dossiers whose whole life is already decided (the scale
// generator of `motcua bench data`): the dossier rows with multi-row inserts and their
// rollup contributions, in one transaction. It writes no control slip and no history, so
// it is for benchmark databases only, never for real data.
func (db *DB) LoadFinishedDossiers(ctx context.Context, ds []dossier.Dossier) error {
	rows := make([][]any, len(ds))
	var deltas []report.Delta
	for i, d := range ds {
		rows[i] = dossierRow(d)
		deltas = append(deltas, report.Contribution(d)...)
	}
	rollups := groupDeltas(deltas)
	q := db.bulkSQL()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if err := q.insert(ctx, tx, "dossiers", dossierInsertColumns, rows); err != nil {
			return err
		}
		return insertRollupRows(ctx, tx, rollups, q)
	})
}

// BeginBulkLoad readies the database for LoadFinishedDossiers and returns the function
// that ends the load. It drops the dossiers' secondary indexes, which the end builds
// again in one sorted pass each: kept during the load, every batch rewrites index pages
// all over the file (at 10 million dossiers, hundreds of gigabytes written through the
// WAL). On SQLite it also gives the writer a 512 MiB page cache and no sync at commit. For
// throwaway benchmark databases only: a crash during the load may leave the file corrupt
// or without its indexes.
func (db *DB) BeginBulkLoad(ctx context.Context) (end func(context.Context) error, err error) {
	if db.dialect == SQLite {
		for _, pragma := range []string{"PRAGMA cache_size = -524288", "PRAGMA synchronous = OFF"} {
			if _, err := db.write.ExecContext(ctx, pragma); err != nil {
				return nil, fmt.Errorf("begin bulk load: %w", err)
			}
		}
	}
	indexes, err := db.secondaryIndexes(ctx, "dossiers")
	if err != nil {
		return nil, fmt.Errorf("begin bulk load: %w", err)
	}
	for name := range indexes {
		if _, err := db.write.ExecContext(ctx, `DROP INDEX `+name); err != nil {
			return nil, fmt.Errorf("begin bulk load: drop index %s: %w", name, err)
		}
	}
	return func(ctx context.Context) error {
		for name, create := range indexes {
			if _, err := db.write.ExecContext(ctx, create); err != nil {
				return fmt.Errorf("end bulk load: index %s: %w", name, err)
			}
		}
		if db.dialect == SQLite {
			_, err := db.write.ExecContext(ctx, `PRAGMA synchronous = NORMAL`)
			return err
		}
		return db.Analyze(ctx)
	}, nil
}

// secondaryIndexes returns the statements that create table's indexes other than its
// primary key and unique ones (constraints or partial unique indexes, which must hold
// during a load too), by name.
func (db *DB) secondaryIndexes(ctx context.Context, table string) (map[string]string, error) {
	query := `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = $1 AND sql IS NOT NULL
		AND sql NOT LIKE 'CREATE UNIQUE %'`
	if db.dialect == Postgres {
		query = `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = $1 AND schemaname = current_schema()
			AND indexname NOT IN (SELECT conname FROM pg_constraint) AND indexdef NOT LIKE 'CREATE UNIQUE %'`
	}
	rows, err := db.write.QueryContext(ctx, query, table)
	if err != nil {
		return nil, fmt.Errorf("indexes of %s: %w", table, err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var name, create string
		if err := rows.Scan(&name, &create); err != nil {
			return nil, fmt.Errorf("indexes of %s: %w", table, err)
		}
		out[name] = create
	}
	return out, rows.Err()
}

// ScanStats computes the headline figures of a report straight from the dossiers: the
// plain scan that the rollups replace, kept as the benchmark's baseline and as a check.
// It counts what Stats counts for received (by channel), on time (rule 10) and resolved
// in the period.
func (db *DB) ScanStats(ctx context.Context, q StatsQuery) (report.Stats, error) {
	from, to, _, err := db.statsDays(q)
	if err != nil {
		return report.Stats{}, err
	}
	start, err := time.ParseInLocation("2006-01-02", from, calendar.Location())
	if err != nil {
		return report.Stats{}, fmt.Errorf("scan stats: %w", err)
	}
	last, err := time.ParseInLocation("2006-01-02", to, calendar.Location())
	if err != nil {
		return report.Stats{}, fmt.Errorf("scan stats: %w", err)
	}
	stop := last.AddDate(0, 0, 1)
	var c conds
	c.under("u.path", q.Under)
	s, e := c.arg(start.UTC()), c.arg(stop.UTC())
	in := func(col string) string { return col + " >= " + s + " AND " + col + " < " + e }
	query := `SELECT
		COALESCE(SUM(CASE WHEN ` + in("d.received_at") + ` AND d.channel = 'desk' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN ` + in("d.received_at") + ` AND d.channel = 'post' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN ` + in("d.received_at") + ` AND d.channel = 'online' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN ` + in("d.received_at") + ` AND d.timeliness = 'early' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN ` + in("d.received_at") + ` AND d.timeliness = 'on_time' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN ` + in("d.resolved_at") + ` AND d.timeliness = 'early' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN ` + in("d.resolved_at") + ` AND d.timeliness = 'on_time' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN ` + in("d.resolved_at") + ` AND d.timeliness = 'late' THEN 1 ELSE 0 END), 0)
		FROM dossiers d JOIN units u ON u.id = d.unit_id`
	if len(c.where) > 0 {
		query += " WHERE " + strings.Join(c.where, " AND ")
	}
	out := report.Stats{From: from, To: to}
	err = db.read.QueryRowContext(ctx, query, c.args...).Scan(&out.ReceivedDesk, &out.ReceivedPost, &out.ReceivedOnline,
		&out.CohortEarly, &out.CohortOnTime, &out.ResolvedEarly, &out.ResolvedOnTime, &out.ResolvedLate)
	if err != nil {
		return out, fmt.Errorf("scan stats: %w", err)
	}
	return out, nil
}
