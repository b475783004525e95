package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/store"
)

func TestWorkerOnce(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "w.db")
	out, err := runCmd(t, "worker", "--db", dsn, "--once")
	if err != nil || !strings.Contains(out, "ran 0 jobs") {
		t.Fatalf("worker --once: %v\n%s", err, out)
	}
	db, err := store.Open(context.Background(), dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	states, err := db.Jobs(context.Background())
	if err != nil || len(states) < 2 {
		t.Fatalf("registered jobs: %+v %v", states, err)
	}
	names := map[string]bool{}
	for _, s := range states {
		if s.Schedule == "" || s.NextRunAt.IsZero() {
			t.Fatalf("job %+v", s)
		}
		names[s.Name] = true
	}
	for _, want := range []string{"notify.monitor", "notify.digest", "notify.procedures", "mail.send", "sessions.cleanup"} {
		if !names[want] {
			t.Errorf("job %s not registered", want)
		}
	}
}
