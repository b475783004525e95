package store

import (
	"context"
	"fmt"

	"github.com/motcua/motcua/internal/dossier"
)

// HistoryReport is the result of checking every dossier's history chain and the daily
// code sequences.
type HistoryReport struct {
	Dossiers int
	Events   int
	Problems []dossier.ChainError
}

// VerifyHistory recomputes every dossier's hash chain against its recorded head, and
// checks that each agency's daily numbers run from 1 to the sequence's last value with no
// gap (a deleted dossier leaves one).
func (db *DB) VerifyHistory(ctx context.Context) (HistoryReport, error) {
	var rep HistoryReport
	if err := db.verifyChains(ctx, &rep); err != nil {
		return rep, err
	}
	if err := db.verifySequences(ctx, &rep); err != nil {
		return rep, err
	}
	return rep, nil
}

// verifyChains merges the dossiers (ordered by id) with their events (ordered by dossier
// id and seq) in two streams.
func (db *DB) verifyChains(ctx context.Context, rep *HistoryReport) error {
	heads, err := db.read.QueryContext(ctx, `SELECT id, COALESCE(code, ''), history_hash FROM dossiers ORDER BY id`)
	if err != nil {
		return fmt.Errorf("verify history: %w", err)
	}
	defer heads.Close()
	events, err := db.read.QueryContext(ctx, `SELECT `+eventColumns+` FROM dossier_events ORDER BY dossier_id, seq`)
	if err != nil {
		return fmt.Errorf("verify history: %w", err)
	}
	defer events.Close()
	var pending *dossier.Event
	next := func() (*dossier.Event, error) {
		if pending != nil {
			e := pending
			pending = nil
			return e, nil
		}
		if !events.Next() {
			return nil, events.Err()
		}
		e, err := scanEvent(events)
		rep.Events++
		return &e, err
	}
	for heads.Next() {
		var id, code, head string
		if err := heads.Scan(&id, &code, &head); err != nil {
			return fmt.Errorf("verify history: %w", err)
		}
		rep.Dossiers++
		var chain []dossier.Event
		for {
			e, err := next()
			if err != nil {
				return fmt.Errorf("verify history: %w", err)
			}
			if e == nil {
				break
			}
			if e.DossierID < id {
				rep.Problems = append(rep.Problems, dossier.ChainError{DossierID: e.DossierID, Seq: e.Seq, Problem: "event of a dossier that no longer exists"})
				continue
			}
			if e.DossierID > id {
				pending = e
				break
			}
			chain = append(chain, *e)
		}
		rep.Problems = append(rep.Problems, dossier.VerifyChain(id, code, chain, head)...)
	}
	if err := heads.Err(); err != nil {
		return fmt.Errorf("verify history: %w", err)
	}
	for e, err := next(); e != nil || err != nil; e, err = next() {
		if err != nil {
			return fmt.Errorf("verify history: %w", err)
		}
		rep.Problems = append(rep.Problems, dossier.ChainError{DossierID: e.DossierID, Seq: e.Seq, Problem: "event of a dossier that no longer exists"})
	}
	return nil
}

// verifySequences checks the numbers of each agency and day against the sequence rows.
func (db *DB) verifySequences(ctx context.Context, rep *HistoryReport) error {
	last := map[string]int{}
	rows, err := db.read.QueryContext(ctx, `SELECT agency_code, day, last FROM dossier_sequences`)
	if err != nil {
		return fmt.Errorf("verify sequences: %w", err)
	}
	for rows.Next() {
		var agency, day string
		var n int
		if err := rows.Scan(&agency, &day, &n); err != nil {
			rows.Close()
			return fmt.Errorf("verify sequences: %w", err)
		}
		last[agency+"-"+day] = n
	}
	rows.Close()
	seen := map[string]map[int]bool{}
	codes, err := db.read.QueryContext(ctx, `SELECT code FROM dossiers WHERE code IS NOT NULL`)
	if err != nil {
		return fmt.Errorf("verify sequences: %w", err)
	}
	defer codes.Close()
	for codes.Next() {
		var s string
		if err := codes.Scan(&s); err != nil {
			return fmt.Errorf("verify sequences: %w", err)
		}
		c, err := dossier.ParseCode(s)
		if err != nil {
			rep.Problems = append(rep.Problems, dossier.ChainError{Code: s, Problem: "malformed code"})
			continue
		}
		key := c.Agency + "-" + c.Day.Format("060102")
		if seen[key] == nil {
			seen[key] = map[int]bool{}
		}
		seen[key][c.Sequence] = true
	}
	if err := codes.Err(); err != nil {
		return fmt.Errorf("verify sequences: %w", err)
	}
	for key, n := range last {
		for i := 1; i <= n; i++ {
			if !seen[key][i] {
				rep.Problems = append(rep.Problems, dossier.ChainError{Code: fmt.Sprintf("%s-%04d", key, i),
					Problem: "number issued but no dossier carries it (deleted?)"})
			}
		}
		delete(seen, key)
	}
	for key := range seen {
		rep.Problems = append(rep.Problems, dossier.ChainError{Code: key, Problem: "codes without a sequence row"})
	}
	return nil
}
