package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/user"
)

// runAdmin creates a system administrator from the command line, for installations that
// prefer it to the first-run web setup. The password comes from MOTCUA_ADMIN_PASSWORD so
// it does not land in shell history.
func runAdmin(ctx context.Context, args []string, stdout, _ io.Writer) error {
	fs := newFlagSet("admin", "admin create --email E --name \"Họ Tên\" [--db …]  (MOTCUA_ADMIN_PASSWORD=…)", stdout)
	dsn := dbFlag(fs)
	email := fs.String("email", "", "thư điện tử / e-mail")
	name := fs.String("name", "", "họ và tên / full name")
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
		fs.Usage()
		return flag.ErrHelp
	}
	if len(args) == 0 || args[0] != "create" {
		fs.Usage()
		return fmt.Errorf("admin: expected the action \"create\"")
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	pw := os.Getenv("MOTCUA_ADMIN_PASSWORD")
	if err := user.ValidatePassword(pw); err != nil {
		return fmt.Errorf("MOTCUA_ADMIN_PASSWORD: %w", err)
	}
	hash, err := user.HashPassword(pw)
	if err != nil {
		return err
	}
	db, err := dsn.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	u := user.User{Email: *email, FullName: *name, PasswordHash: hash, Active: true, SystemAdmin: true}
	n, err := db.CountUsers(ctx)
	if err != nil {
		return err
	}
	if n == 0 {
		err = db.CreateFirstAdmin(ctx, &u)
	} else {
		err = db.CreateUser(ctx, &u)
	}
	if err != nil {
		if fe := failure.Fields(err); len(fe) > 0 {
			return fmt.Errorf("admin create: %s: %s", fe[0].Field, fe[0].Key)
		}
		return err
	}
	fmt.Fprintf(stdout, "đã tạo quản trị hệ thống / created system administrator %s\n", u.Email)
	return nil
}
