package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/demo"
)

// TestBackupRestoreCommands: back up a demo database with a dossier, check it, restore it
// elsewhere and find the same content; a restore never replaces a database silently.
func TestBackupRestoreCommands(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := filepath.Join(dir, "live.db")
	db, err := openStore(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, db, demo.Options{SkipDossiers: true}); err != nil {
		t.Fatal(err)
	}
	d := receiveOne(t, db)
	want, err := db.Digests(ctx)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	var out bytes.Buffer
	backup := filepath.Join(dir, "backups", "one.db")
	if err := runBackup(ctx, []string{"--db", src, "--out", backup}, &out, &out); err != nil || !strings.Contains(out.String(), "1 hồ sơ") {
		t.Fatalf("backup: %v\n%s", err, out.String())
	}
	if err := runBackup(ctx, []string{"--db", src, "--out", backup}, &out, &out); err == nil {
		t.Fatal("a backup overwrote another")
	}
	target := filepath.Join(dir, "restored.db")
	if err := runRestore(ctx, []string{backup, "--db", target}, &out, &out); err != nil {
		t.Fatalf("restore: %v\n%s", err, out.String())
	}
	if err := runRestore(ctx, []string{backup, "--db", target}, &out, &out); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("restore over a database: %v", err)
	}
	restored, err := openStore(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	got, err := restored.Digests(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d tables restored, %d backed up", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%s differs after restore", want[i].Table)
		}
	}
	if again, err := restored.DossierByCode(ctx, d.Code); err != nil || again.ID != d.ID {
		t.Fatalf("restored dossier: %v", err)
	}
	if err := runBackup(ctx, []string{"check", filepath.Join(dir, "missing.db")}, &out, &out); err == nil {
		t.Fatal("checked a missing file")
	}
}
