package dossier

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Event is one row of a dossier's append-only history. Each row carries the hash of the
// previous row of the same dossier, and its own hash covers that and every field, so an
// edited, inserted or deleted row breaks the chain; the dossier row keeps the hash of the
// last event, so removing the newest events is detected too.
type Event struct {
	ID        string
	DossierID string
	UnitID    string
	Seq       int // 1, 2, ... per dossier
	At        time.Time
	ActorID   string
	Action    Action
	From      State
	To        State
	Detail    string // JSON
	PrevHash  string
	Hash      string
}

// ComputeHash returns the hash of the event's content and its PrevHash (SHA-256, hex).
// Times are hashed in UTC with microseconds, the precision both databases keep.
func (e Event) ComputeHash() string {
	h := sha256.New()
	for _, f := range []string{e.PrevHash, e.DossierID, e.UnitID, strconv.Itoa(e.Seq),
		e.At.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano), e.ActorID,
		string(e.Action), string(e.From), string(e.To), e.Detail} {
		h.Write([]byte(strconv.Itoa(len(f))))
		h.Write([]byte{':'})
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Seal sets the event's PrevHash and Hash as the next link after prev (the zero Event for
// the first).
func (e *Event) Seal(prev Event) {
	e.Seq = prev.Seq + 1
	e.PrevHash = prev.Hash
	e.Hash = e.ComputeHash()
}

// ChainError describes one break in a dossier's history.
type ChainError struct {
	DossierID string
	Code      string
	Seq       int
	Problem   string
}

func (c ChainError) Error() string {
	name := c.Code
	if name == "" {
		name = c.DossierID
	}
	return fmt.Sprintf("dossier %s, event %d: %s", name, c.Seq, c.Problem)
}

// VerifyChain checks one dossier's events (in Seq order) against the head hash and count
// kept on the dossier row, and returns every break found.
func VerifyChain(dossierID, code string, events []Event, headHash string) []ChainError {
	var errs []ChainError
	report := func(seq int, format string, args ...any) {
		errs = append(errs, ChainError{DossierID: dossierID, Code: code, Seq: seq, Problem: fmt.Sprintf(format, args...)})
	}
	prev := Event{}
	for _, e := range events {
		switch {
		case e.Seq != prev.Seq+1:
			report(e.Seq, "sequence jumps from %d (a row was deleted or inserted)", prev.Seq)
		case e.PrevHash != prev.Hash:
			report(e.Seq, "does not link to the previous row")
		}
		if got := e.ComputeHash(); got != e.Hash {
			report(e.Seq, "content does not match its hash (the row was edited)")
		}
		prev = e
	}
	if prev.Hash != headHash {
		report(prev.Seq, "the last row is not the dossier's recorded head %s (rows were removed or added at the end)", short(headHash))
	}
	return errs
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return strings.TrimSpace(h)
}
