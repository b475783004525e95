package main

import (
	"context"
	"fmt"
	"io"

	"github.com/motcua/motcua/internal/store"
)

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("migrate", "migrate [status|up|down] [--config FILE] [--db …]", stdout)
	st := bindSettings(fs, migrateKeys...)
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := st.load()
	if err != nil {
		return err
	}
	action := "up"
	if fs.NArg() > 0 {
		action = fs.Arg(0)
	}
	if fs.NArg() > 1 {
		return fmt.Errorf("migrate: one action expected, got %v", fs.Args())
	}
	db, err := store.Open(ctx, cfg.Database.URL, storeOptions(cfg))
	if err != nil {
		return scrubbed(cfg, "open database", err)
	}
	defer db.Close()
	logger, err := newLogger(cfg.Log, stderr)
	if err != nil {
		return err
	}
	if err := db.CheckSchema(ctx); err != nil {
		return explainSchema(err)
	}
	switch action {
	case "up":
		if err := db.Migrate(ctx, logger); err != nil {
			return explainSchema(err)
		}
		v, err := db.SchemaVersion(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "CSDL ở phiên bản / schema at version %d\n", v)
	case "down":
		v, err := db.MigrateDown(ctx, logger)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "đã gỡ / rolled back migration %d\n", v)
	case "status":
		st, err := db.MigrateStatus(ctx)
		if err != nil {
			return err
		}
		for _, s := range st {
			state := "pending"
			if s.Applied {
				state = "applied"
			}
			fmt.Fprintf(stdout, "%5d  %-8s %s\n", s.Version, state, s.Name)
		}
	default:
		return fmt.Errorf("migrate: unknown action %q (status, up, down)", action)
	}
	return nil
}
