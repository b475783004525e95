package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/store"
)

// TestStreamingReplica builds a real primary and hot standby with Debian's PostgreSQL
// binaries (initdb, pg_basebackup -R, two throw-away clusters on free ports, nothing
// touched on the machine's own cluster) and shows: reports read from the standby once it
// has replayed the writes; a write through the replica handle is refused; when replay
// stops and the standby falls behind more than the allowed lag, reports read from the
// primary (fresh figures) until it catches up. It skips where PostgreSQL's server
// binaries are not installed; docs/operations.md shows the same set-up by hand.
func TestStreamingReplica(t *testing.T) {
	if testing.Short() {
		t.Skip("creates two PostgreSQL clusters")
	}
	pg := newPGRunner(t)
	primaryDSN := pg.cluster(t, "primary", "")
	replicaDSN := pg.cluster(t, "replica", primaryDSN)
	ctx := context.Background()

	db := openWith(t, primaryDSN, store.Options{ReplicaDSN: replicaDSN, ReplicaMaxLag: time.Second, ReplicaCheckEvery: 100 * time.Millisecond})
	if err := db.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	primaryOnly := openWith(t, primaryDSN, store.Options{})
	k := newDesk(t, db)
	receive := func(keys ...string) {
		for _, key := range keys {
			if _, err := db.Receive(ctx, k.receiver, k.request(key, vnTime(2026, 3, 2, 9, 0))); err != nil {
				t.Fatal(err)
			}
		}
	}
	q := store.StatsQuery{From: vnTime(2026, 3, 1, 0, 0), To: vnTime(2026, 3, 31, 0, 0), Today: vnTime(2026, 3, 31, 12, 0)}
	received := func(d *store.DB) int64 {
		s, err := d.Stats(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return s.Received()
	}
	eventually := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			if cond() {
				return
			}
		}
		t.Fatalf("%s: not within 20 s (replica %+v)", what, db.Replica())
	}

	receive("a", "b", "c")
	// Until the standby has received the migrations' WAL it has no rollup tables, yet it
	// looks caught up (nothing received is unreplayed): a failed read means "not yet" here.
	eventually("the standby replays the intakes", func() bool {
		if !db.ReportsFromReplicaForTest() {
			return false
		}
		s, err := db.Stats(ctx, q)
		return err == nil && s.Received() == 3
	})
	if err := db.ReplicaExecForTest(ctx, `UPDATE rollup_daily SET received_desk = 0`); err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Fatalf("a write on the standby: %v", err)
	}

	// Replay stops: the standby keeps receiving WAL but shows old figures.
	standby, err := sql.Open("pgx", replicaDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer standby.Close()
	if _, err := standby.Exec(`SELECT pg_wal_replay_pause()`); err != nil {
		t.Fatal(err)
	}
	receive("d", "e")
	eventually("reports leave the lagging standby", func() bool { return !db.ReportsFromReplicaForTest() })
	if st := db.Replica(); st.Healthy || !strings.Contains(st.Err, "lags") {
		t.Fatalf("state of a lagging standby: %+v", st)
	}
	if got, want := received(db), received(primaryOnly); got != 5 || got != want {
		t.Fatalf("reports while the standby lags: %d, primary %d", got, want)
	}
	if _, err := standby.Exec(`SELECT pg_wal_replay_resume()`); err != nil {
		t.Fatal(err)
	}
	eventually("reports come back to the standby", func() bool { return db.ReportsFromReplicaForTest() && received(db) == 5 })
	t.Logf("replica state at the end: %+v", db.Replica())
}

// pgRunner runs PostgreSQL's server binaries, as the postgres user when the test runs as
// root (initdb refuses root).
type pgRunner struct {
	bin, dir string
	asUser   string
}

func newPGRunner(t *testing.T) *pgRunner {
	t.Helper()
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(bins) == 0 {
		t.Skip("PostgreSQL server binaries not installed (/usr/lib/postgresql/*/bin)")
	}
	sort.Slice(bins, func(i, j int) bool { return pgMajor(bins[i]) < pgMajor(bins[j]) })
	r := &pgRunner{bin: filepath.Dir(bins[len(bins)-1])}
	dir, err := os.MkdirTemp("", "motcua-replica-")
	if err != nil {
		t.Fatal(err)
	}
	r.dir = dir
	t.Cleanup(func() { os.RemoveAll(dir) })
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Skip("running as root without a postgres user to run the clusters")
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
		r.asUser = "postgres"
	}
	return r
}

func pgMajor(path string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(path))))
	return n
}

func (r *pgRunner) run(t *testing.T, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(filepath.Join(r.bin, name), args...)
	if r.asUser != "" {
		cmd = exec.Command("runuser", append([]string{"-u", r.asUser, "--", filepath.Join(r.bin, name)}, args...)...)
	}
	cmd.Dir = r.dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// cluster creates and starts a cluster on a free port: a fresh primary, or a standby of
// from (a base backup that writes standby.signal and the connection to the primary).
func (r *pgRunner) cluster(t *testing.T, name, from string) string {
	t.Helper()
	data := filepath.Join(r.dir, name)
	if from == "" {
		r.run(t, "initdb", "-D", data, "--auth=trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C")
	} else {
		host, port := hostPort(t, from)
		r.run(t, "pg_basebackup", "-h", host, "-p", port, "-U", "postgres", "-D", data, "-R", "-X", "stream", "--no-sync")
	}
	port := freePort(t)
	opts := fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -c unix_socket_directories=%s -c fsync=off -c max_connections=40", port, r.dir)
	r.run(t, "pg_ctl", "-D", data, "-o", opts, "-l", filepath.Join(r.dir, name+".log"), "-w", "-t", "60", "start")
	t.Cleanup(func() { r.run(t, "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop") })
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
}

func hostPort(t *testing.T, dsn string) (string, string) {
	t.Helper()
	rest := strings.TrimPrefix(dsn, "postgres://postgres@")
	hp, _, _ := strings.Cut(rest, "/")
	h, p, err := net.SplitHostPort(hp)
	if err != nil {
		t.Fatal(err)
	}
	return h, p
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
