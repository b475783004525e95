package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
)

// runImportProcedures imports a procedure catalog (docs/procedures-import.md):
// motcua import procedures [--dry-run] [--db ...] FILE (FILE "-" reads stdin; "sample"
// imports the embedded sample catalog).
func runImportProcedures(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("import procedures", "import procedures [--dry-run] [--format csv|json] [--db data/motcua.db] FILE", stdout)
	dsn := dbFlag(fs)
	dry := fs.Bool("dry-run", false, "chỉ xem trước, không ghi / preview only, write nothing")
	format := fs.String("format", "", "csv hoặc json; mặc định đoán theo tên tệp / csv or json; default: guessed from the file")
	quiet := fs.Bool("quiet", false, "không hiện tiến độ / no progress bar")
	// Flags may come before or after FILE.
	var file string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		if file != "" {
			fs.Usage()
			return fmt.Errorf("import procedures: unexpected argument %q", fs.Arg(0))
		}
		file, args = fs.Arg(0), fs.Args()[1:]
	}
	if file == "" {
		fs.Usage()
		return errors.New("import procedures: cần tệp / a FILE is required")
	}
	data, err := readImportFile(file)
	if err != nil {
		return err
	}
	f := procedure.Format(strings.ToLower(*format))
	if f == "" {
		f = procedure.FormatOf(file, data)
	}
	if f != procedure.CSV && f != procedure.JSON {
		return fmt.Errorf("import procedures: --format csv|json, not %q", *format)
	}
	rows, err := procedure.Parse(f, data)
	if err != nil {
		return importErrors(file, err)
	}
	db, err := dsn.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	opts := store.ProcedureImportOptions{DryRun: *dry, Today: unit.DateOf(start.In(vnLocation()))}
	if !*quiet && len(rows) >= 200 {
		opts.Progress = progressBar(stderr)
	}
	res, err := db.ImportProcedures(ctx, rows, opts)
	if opts.Progress != nil {
		fmt.Fprintln(stderr)
	}
	if err != nil {
		return importErrors(file, err)
	}
	verb := "đã nhập / imported"
	if res.DryRun {
		verb = "xem trước (chưa ghi) / dry run (nothing written)"
	}
	fmt.Fprintf(stdout, "%s: %s %d dòng / rows — %d thêm / added, %d sửa / changed, %d hết hiệu lực / expired, %d giữ nguyên / unchanged (%v)\n",
		file, verb, len(rows), res.Added, res.Changed, res.Expired, res.Unchanged, time.Since(start).Round(time.Millisecond))
	for i, c := range res.Changes {
		if i == 50 {
			fmt.Fprintf(stdout, "  … %d more\n", len(res.Changes)-50)
			break
		}
		fmt.Fprintf(stdout, "  %-9s dòng/line %-5d %s v%d %s\n", c.Action, c.Line, c.Code, c.Number, c.Name)
	}
	return nil
}

func readImportFile(file string) ([]byte, error) {
	switch file {
	case "sample":
		return procedure.SampleCatalogJSON(), nil
	case "-":
		return io.ReadAll(io.LimitReader(os.Stdin, procedure.MaxImportBytes+1))
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, procedure.MaxImportBytes+1))
}

// importErrors lists every bad line (Vietnamese message key and field) and fails.
func importErrors(file string, err error) error {
	le, ok := procedure.AsLineErrors(err)
	if !ok {
		return fmt.Errorf("%s: %w", file, err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d lỗi, không nhập gì / %d errors, nothing imported", file, len(le), len(le))
	for _, e := range le {
		field := ""
		if e.Err.Field != "" {
			field = " [" + e.Err.Field + "]"
		}
		fmt.Fprintf(&b, "\n  dòng/line %d%s: %s", e.Line, field, e.Err.Key)
		for _, a := range e.Err.Args {
			fmt.Fprintf(&b, " %v", a)
		}
	}
	return fmt.Errorf("%s", b.String())
}

// progressBar draws "[#####.....] 1200/4000" on w, redrawn in place at most every percent.
func progressBar(w io.Writer) func(done, total int) {
	last := -1
	return func(done, total int) {
		if total == 0 {
			return
		}
		pct := done * 100 / total
		if pct == last && done != total {
			return
		}
		last = pct
		const width = 30
		n := done * width / total
		fmt.Fprintf(w, "\r[%s%s] %d/%d", strings.Repeat("#", n), strings.Repeat(".", width-n), done, total)
	}
}

func vnLocation() *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		return time.FixedZone("ICT", 7*3600)
	}
	return loc
}
