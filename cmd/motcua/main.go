// Command motcua runs the one-stop e-office, ISO 9001 QMS and oversight platform for
// Vietnamese People's Committees. One binary, several subcommands; see `motcua help`.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // Asia/Ho_Chi_Minh must work on machines without a tz database

	"github.com/motcua/motcua/internal/store"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "motcua:", err)
		os.Exit(1)
	}
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "chạy máy chủ web / run the web server", runServe},
		{"worker", "chỉ chạy các tác vụ nền (nhắc việc, thư điện tử) / run the background jobs alone", runWorker},
		{"migrate", "cập nhật cấu trúc CSDL (status, up, down) / database migrations", runMigrate},
		{"demo", "nạp dữ liệu minh họa / load demonstration data", runDemo},
		{"import", "nhập danh mục đơn vị hành chính / import reference data", runImport},
		{"admin", "tạo tài khoản quản trị / create an administrator", runAdmin},
		{"holidays", "liệt kê ngày nghỉ trong năm / list a year's days off", runHolidays},
		{"workdays", "tính ngày làm việc / working-day arithmetic", runWorkdays},
		{"audit", "kiểm tra toàn vẹn lịch sử hồ sơ (verify) / verify the dossier history", runAudit},
		{"report", "số liệu, kiểm tra và dựng lại tổng hợp (stats, verify, rebuild) / statistics and rollups", runReport},
		{"backup", "sao lưu CSDL, kiểm tra bản sao lưu (check) / back up the database, check a backup", runBackup},
		{"restore", "khôi phục CSDL từ bản sao lưu / restore the database from a backup", runRestore},
		{"bench", "đo hiệu năng so với giới hạn của máy (intake) / benchmarks against the machine's ceilings", runBench},
		{"config", "in tệp cấu hình mẫu, kiểm tra tệp cấu hình (example, check) / example and check the configuration file", runConfig},
		{"version", "in phiên bản / print the version", runVersion},
	}
}

// run dispatches to a subcommand. It is main without the process: tests call it directly.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		if len(args) == 0 {
			return errors.New("cần một lệnh con / a subcommand is required")
		}
		return flag.ErrHelp
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	usage(stderr)
	return fmt.Errorf("lệnh không tồn tại / unknown command %q", args[0])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "motcua — một cửa điện tử, ISO 9001, giám sát / one-stop e-office, ISO 9001, oversight")
	fmt.Fprintln(w, "\nCách dùng / usage: motcua <lệnh/command> [flags]   (motcua <command> --help)")
	fmt.Fprintln(w)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
}

func runVersion(_ context.Context, args []string, stdout, _ io.Writer) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	fs.SetOutput(stdout)
	if err := fs.Parse(args); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "motcua", version)
	return nil
}

// dbSource is the database of a command that opens one: --db, else MOTCUA_DB, else
// database.url of the configuration file (--config or MOTCUA_CONFIG), else the embedded
// default, the order serve uses, so `motcua backup --config /etc/motcua/motcua.toml`
// backs up the database the server runs on.
type dbSource struct{ st *settings }

// dbFlag registers the common --db and --config flags.
func dbFlag(fs *flag.FlagSet) dbSource { return dbSource{bindSettings(fs, "database.url")} }

// url returns the database's path or URL, once the flags are parsed.
func (d dbSource) url() (string, error) {
	cfg, err := d.st.load()
	if err != nil {
		return "", err
	}
	return cfg.Database.URL, nil
}

// open opens and migrates the database.
func (d dbSource) open(ctx context.Context) (*store.DB, error) {
	dsn, err := d.url()
	if err != nil {
		return nil, err
	}
	return openStore(ctx, dsn)
}

// newFlagSet returns a flag set that prints its usage to stdout on --help.
func newFlagSet(name, synopsis string, stdout io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stdout)
	fs.Usage = func() {
		fmt.Fprintf(stdout, "Cách dùng / usage: motcua %s\n\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// openStore opens and migrates the database.
func openStore(ctx context.Context, dsn string) (*store.DB, error) {
	return openStoreWith(ctx, dsn, store.Options{}, nil)
}

func openStoreWith(ctx context.Context, dsn string, opts store.Options, logger *slog.Logger) (*store.DB, error) {
	db, err := store.Open(ctx, dsn, opts)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx, logger); err != nil {
		db.Close()
		return nil, explainSchema(err)
	}
	return db, nil
}

// explainSchema turns store.ErrSchemaTooNew into advice: the database was upgraded by a
// newer motcua and this binary must not touch it (migrations are forward-only).
func explainSchema(err error) error {
	if !errors.Is(err, store.ErrSchemaTooNew) {
		return err
	}
	return fmt.Errorf("%w\n  CSDL đã được một phiên bản motcua mới hơn nâng cấp; chương trình này dừng để không làm hỏng dữ liệu."+
		" Hãy chạy bản motcua mới hơn (cấu trúc CSDL chỉ nâng lên, không hạ xuống; muốn quay lại bản cũ thì khôi phục bản sao lưu trước khi nâng cấp)."+
		"\n  A newer motcua upgraded this database; this program stops rather than corrupt it. Run the newer motcua"+
		" (migrations are forward-only; to go back, restore the backup taken before the upgrade).", err)
}
