package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestBackupRoundTrip backs up a populated SQLite database while it is open, opens the
// copy and compares every table.
func TestBackupRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := storetest.SQLite(t)
	k := newDesk(t, db)
	d, err := db.Receive(ctx, k.receiver, k.request("", vnTime(2026, 3, 2, 9, 0)))
	if err != nil {
		t.Fatal(err)
	}
	k.act(t, k.receiver, d, dossier.Command{Action: dossier.ActForward, At: vnTime(2026, 3, 2, 10, 0)})
	path := filepath.Join(t.TempDir(), "backups", "motcua-1.db")
	if err := db.BackupSQLite(ctx, path); err != nil {
		t.Fatal(err)
	}
	if err := db.BackupSQLite(ctx, path); !errors.Is(err, store.ErrBackupExists) {
		t.Fatalf("overwriting a backup: %v", err)
	}
	copyDB, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	if err := copyDB.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	want, err := db.Digests(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got, err := copyDB.Digests(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) < 20 || len(got) != len(want) {
		t.Fatalf("%d tables, copy %d", len(want), len(got))
	}
	for i := range want {
		if want[i] != got[i] {
			t.Errorf("%s differs: %+v vs %+v", want[i].Table, want[i], got[i])
		}
	}
	if rep, err := copyDB.VerifyHistory(ctx); err != nil || len(rep.Problems) != 0 || rep.Dossiers != 1 {
		t.Fatalf("history in the copy: %+v %v", rep, err)
	}
	// A changed copy is told apart.
	if err := copyDB.ExecForTest(ctx, `UPDATE dossiers SET note = 'x'`); err != nil {
		t.Fatal(err)
	}
	changed, _ := copyDB.Digests(ctx)
	diff := 0
	for i := range want {
		if want[i] != changed[i] {
			diff++
		}
	}
	if diff != 1 {
		t.Fatalf("%d tables differ after one edit", diff)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
}

func TestDigestsOnPostgres(t *testing.T) {
	ctx := context.Background()
	db := storetest.Postgres(t)
	newDesk(t, db)
	ds, err := db.Digests(ctx)
	if err != nil || len(ds) < 20 {
		t.Fatalf("%d digests, %v", len(ds), err)
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
}
