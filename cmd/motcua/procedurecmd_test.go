package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunImportProcedures(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dsn := filepath.Join(dir, "p.db")
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"import", "procedures", "--db", dsn, "--dry-run", "sample"}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "dry run") || !strings.Contains(out.String(), "1.001193") {
		t.Fatalf("dry run output:\n%s", out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"import", "procedures", "sample", "--db", dsn}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "13 thêm / added") {
		t.Fatalf("import output:\n%s", out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"import", "procedures", "--db", dsn, "sample"}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "13 giữ nguyên / unchanged") {
		t.Fatalf("second import output:\n%s", out.String())
	}

	// A bad CSV file: every error with its line, nothing imported.
	bad := filepath.Join(dir, "bad.csv")
	csv := "code,name,field,level,time_limit,effective_from\n1.000001,A,Hộ tịch,commune,5d,2025-07-01\n1.2,B,Hộ tịch,nowhere,5d,2025-07-01\n"
	if err := os.WriteFile(bad, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	err := run(ctx, []string{"import", "procedures", "--db", dsn, bad}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "dòng/line 3 [code]") || !strings.Contains(err.Error(), "dòng/line 3 [level]") {
		t.Fatalf("bad file: %v", err)
	}
	if err := run(ctx, []string{"import", "procedures", "--db", dsn}, &out, &errOut); err == nil {
		t.Fatal("missing file accepted")
	}
	// Progress bar for large files.
	var big strings.Builder
	big.WriteString("code,name,field,level,time_limit,effective_from\n")
	for i := range 250 {
		big.WriteString("1." + strings.Repeat("0", 3) + string(rune('1'+i/100)) + pad(i%100) + ",Thủ tục,Hộ tịch,commune,5d,2025-07-01\n")
	}
	large := filepath.Join(dir, "large.csv")
	if err := os.WriteFile(large, []byte(big.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	errOut.Reset()
	if err := run(ctx, []string{"import", "procedures", "--db", dsn, large}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errOut.String(), "500/500") {
		t.Fatalf("no progress: %q", errOut.String())
	}
}

func pad(n int) string {
	s := "0" + string(rune('0'+n/10)) + string(rune('0'+n%10))
	return s[len(s)-2:]
}
