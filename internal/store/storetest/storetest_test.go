package storetest

import (
	"fmt"
	"testing"
)

// recorder stands in for a test so we can see whether a helper skipped or failed it.
type recorder struct {
	testing.TB
	skipped, failed bool
}

func (r *recorder) Helper() {}
func (r *recorder) Skipf(format string, args ...any) {
	r.skipped = true
	panic(fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = true
	panic(fmt.Sprintf(format, args...))
}

func callUnreachable(t *testing.T, ci string) *recorder {
	t.Setenv("CI", ci)
	r := &recorder{TB: t}
	func() {
		defer func() { _ = recover() }()
		unreachable(r, "postgres://postgres:secret@127.0.0.1:1/test", fmt.Errorf("connection refused"))
	}()
	return r
}

// TestUnreachablePostgresFailsInCI: with CI=true a missing PostgreSQL must fail the test,
// never skip it; on a developer's machine it skips with a hint.
func TestUnreachablePostgresFailsInCI(t *testing.T) {
	if r := callUnreachable(t, "true"); !r.failed || r.skipped {
		t.Fatalf("CI=true: failed=%v skipped=%v", r.failed, r.skipped)
	}
	if r := callUnreachable(t, ""); r.failed || !r.skipped {
		t.Fatalf("no CI: failed=%v skipped=%v", r.failed, r.skipped)
	}
	if got := redact("postgres://postgres:secret@127.0.0.1:1/test"); got != "postgres://postgres:xxxxx@127.0.0.1:1/test" {
		t.Fatalf("password not redacted: %s", got)
	}
}
