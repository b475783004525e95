package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/motcua/motcua/internal/demo"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
)

// runDemo loads the demonstration province (see package demo) and prints its logins.
func runDemo(ctx context.Context, args []string, stdout, _ io.Writer) error {
	fs := newFlagSet("demo", "demo [--db data/motcua.db] [--force]", stdout)
	dsn := dbFlag(fs)
	force := fs.Bool("force", false, "nạp cả khi CSDL đã có dữ liệu khác / load even into a database that holds other data")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("demo: unexpected argument %q", fs.Arg(0))
	}
	db, err := dsn.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	res, err := demo.Load(ctx, db, demo.Options{Force: *force, Now: start})
	if errors.Is(err, demo.ErrNotEmpty) {
		return fmt.Errorf("%w\nCSDL đã có dữ liệu thật: chỉ dùng --force với CSDL có thể bỏ đi / "+
			"the database holds real data: use --force only on a database you can throw away", err)
	}
	if err != nil {
		return err
	}
	if res.UnitsCreated+res.UsersCreated == 0 {
		fmt.Fprintln(stdout, "dữ liệu minh họa đã có sẵn / the demo data is already loaded")
	} else {
		fmt.Fprintf(stdout, "đã nạp dữ liệu minh họa / demo data loaded: %d đơn vị / units, %d tài khoản / accounts (%v)\n",
			res.UnitsCreated, res.UsersCreated, time.Since(start).Round(time.Millisecond))
	}
	printLogins(stdout, res.Logins)
	return nil
}

// printLogins prints the demo accounts as a table. They share one password, printed once
// above the table.
func printLogins(w io.Writer, logins []demo.Login) {
	if len(logins) == 0 {
		return
	}
	fmt.Fprintf(w, "\nTài khoản minh họa / demo accounts — mật khẩu chung / shared password: %s\n\n", logins[0].Password)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "VAI TRÒ / ROLE\tTHƯ ĐIỆN TỬ / E-MAIL\tHỌ TÊN / NAME\tĐƠN VỊ / UNIT")
	for _, l := range logins {
		pw := ""
		if l.Password != logins[0].Password {
			pw = "  (mật khẩu / password: " + l.Password + ")"
		}
		unitName := l.UnitName
		if unitName == "" {
			unitName = "toàn hệ thống / everywhere"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s%s\n", l.Role, l.Email, l.FullName, unitName, pw)
	}
	tw.Flush()
}

// runImport imports reference data; today the administrative-unit list:
// motcua import units [--province CODE] [--file list.csv].
func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("import", "import units [--province 25] [--file list.csv] [--db data/motcua.db]", stdout)
	dsn := dbFlag(fs)
	province := fs.String("province", "", "chỉ nhập một tỉnh (mã, vd. 25) / import one province only (its code, e.g. 25)")
	file := fs.String("file", "", "tệp CSV code,name,type,parent_code; mặc định: danh mục 2025 kèm theo / "+
		"CSV file code,name,type,parent_code; default: the embedded official 2025 list")
	// The kind of data comes first ("import units --province 25"), but accept flags before it too.
	what := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		what, args = args[0], args[1:]
	}
	if what == "procedures" {
		return runImportProcedures(ctx, args, stdout, stderr)
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if what == "" && fs.NArg() > 0 {
		what = fs.Arg(0)
		if err := fs.Parse(fs.Args()[1:]); err != nil {
			return err
		}
	}
	if what != "units" {
		fs.Usage()
		if what == "" {
			return errors.New("import: cần loại dữ liệu / expected what to import: units")
		}
		return fmt.Errorf("import: không biết nhập %q / cannot import %q (known: units)", what, what)
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("import: unexpected argument %q", fs.Arg(0))
	}
	recs, source, err := readUnitList(*file)
	if err != nil {
		return err
	}
	if *province != "" {
		if recs, err = unit.FilterProvince(recs, *province); err != nil {
			return fmt.Errorf("import units: %w", err)
		}
	}
	db, err := dsn.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	res, err := db.ImportUnits(ctx, recs, store.ImportOptions{ValidFrom: unit.Reform2025})
	if err != nil {
		return fmt.Errorf("%s: %w", source, err)
	}
	fmt.Fprintf(stdout, "%s: %d đơn vị / units — %d mới / created, %d đổi tên / renamed, %d giữ nguyên / unchanged (%v)\n",
		source, len(recs), res.Created, res.Updated, res.Unchanged, time.Since(start).Round(time.Millisecond))
	return nil
}

// readUnitList parses the file, or the embedded official list when path is empty, and
// names the source for messages.
func readUnitList(path string) ([]unit.Record, string, error) {
	if path == "" {
		recs, err := unit.Official2025()
		return recs, "danh mục 2025 / official 2025 list", err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, path, err
	}
	defer f.Close()
	recs, err := unit.ParseCSV(f)
	if err != nil {
		return nil, path, fmt.Errorf("%s: %w", path, err)
	}
	return recs, path, nil
}
