package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/user"
)

func TestUsersAndRoles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		prov := mustCreate(t, db, unit.Unit{Code: "25", Name: "Tỉnh Phú Thọ", Kind: unit.Province})
		com := mustCreate(t, db, unit.Unit{Code: "08152", Name: "Xã Thanh Ba", Kind: unit.Commune, ParentID: prov.ID})

		first := user.User{Email: " Root@Example.VN ", FullName: "Quản  Trị", PasswordHash: "h"}
		if err := db.CreateFirstAdmin(ctx, &first); err != nil {
			t.Fatal(err)
		}
		if first.Email != "root@example.vn" || first.FullName != "Quản Trị" || !first.SystemAdmin {
			t.Fatalf("normalised admin: %+v", first)
		}
		again := user.User{Email: "other@example.vn", FullName: "Khác", PasswordHash: "h"}
		if err := db.CreateFirstAdmin(ctx, &again); !failure.Is(err, failure.Conflict) {
			t.Fatalf("second first admin: %v", err)
		}

		u := user.User{Email: "an@example.vn", FullName: "Nguyễn Văn An", Phone: "091.234.5678", PasswordHash: "h", Active: true}
		a := user.Assignment{UnitID: com.ID, Role: user.Receiver}
		if err := db.CreateUserWithRole(ctx, &u, &a); err != nil {
			t.Fatal(err)
		}
		dup := user.User{Email: "AN@example.vn", FullName: "Trùng", PasswordHash: "h"}
		wantKind(t, db.CreateUser(ctx, &dup), failure.Conflict, "email")
		orphan := user.User{Email: "b@example.vn", FullName: "B", PasswordHash: "h"}
		wantKind(t, db.CreateUserWithRole(ctx, &orphan, &user.Assignment{UnitID: "nope", Role: user.Admin}), failure.Invalid, "unit_id")
		if _, err := db.UserByEmail(ctx, "b@example.vn"); !failure.Is(err, failure.NotFound) {
			t.Fatalf("user without its role was half-saved: %v", err)
		}

		got, err := db.UserByEmail(ctx, "An@Example.vn")
		if err != nil || got.ID != u.ID || got.Phone != "0912345678" {
			t.Fatalf("by email: %+v %v", got, err)
		}
		h := user.Assignment{UserID: u.ID, UnitID: prov.ID, Role: user.Overseer}
		if err := db.Assign(ctx, &h); err != nil {
			t.Fatal(err)
		}
		wantKind(t, db.Assign(ctx, &user.Assignment{UserID: u.ID, UnitID: prov.ID, Role: user.Overseer}), failure.Conflict, "role")
		wantKind(t, db.Assign(ctx, &user.Assignment{UserID: u.ID, UnitID: prov.ID, Role: "boss"}), failure.Invalid, "role")
		as, err := db.Assignments(ctx, u.ID)
		if err != nil || len(as) != 2 || as[0].UnitPath != prov.Path || as[1].UnitName != "Xã Thanh Ba" {
			t.Fatalf("assignments: %+v %v", as, err)
		}
		if err := db.Unassign(ctx, h.ID); err != nil {
			t.Fatal(err)
		}
		wantKind(t, db.Unassign(ctx, h.ID), failure.NotFound, "")

		under, err := db.ListUsers(ctx, store.UserFilter{Under: []string{com.Path}})
		if err != nil || len(under) != 1 || under[0].ID != u.ID {
			t.Fatalf("users under commune: %v %v", under, err)
		}
		found, err := db.ListUsers(ctx, store.UserFilter{Query: "nguyen van"})
		if err != nil || len(found) != 1 {
			t.Fatalf("search: %v %v", found, err)
		}

		u.Active = false
		u.Email = "root@example.vn"
		wantKind(t, db.UpdateUser(ctx, &u), failure.Conflict, "email")
		u.Email = "an@example.vn"
		if err := db.UpdateUser(ctx, &u); err != nil {
			t.Fatal(err)
		}
		if err := db.SetPassword(ctx, u.ID, "h2"); err != nil {
			t.Fatal(err)
		}
		if err := db.RecordLogin(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		got, _ = db.User(ctx, u.ID)
		if got.Active || got.PasswordHash != "h2" || got.LastLoginAt.IsZero() {
			t.Fatalf("after updates: %+v", got)
		}
		wantKind(t, db.SetPassword(ctx, "nope", "x"), failure.NotFound, "")
	})
}

func TestLoginFailuresAndAudit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		first := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		until := first.Add(15 * time.Minute)
		if err := db.SetLoginFailures(ctx, "email:a", 3, first, time.Time{}); err != nil {
			t.Fatal(err)
		}
		if err := db.SetLoginFailures(ctx, "email:a", 0, first, until); err != nil {
			t.Fatal(err)
		}
		n, f, l, err := db.LoginFailures(ctx, "email:a")
		if err != nil || n != 0 || !f.Equal(first) || !l.Equal(until) {
			t.Fatalf("failures: %d %v %v %v", n, f, l, err)
		}
		if err := db.ClearLoginFailures(ctx, "email:a"); err != nil {
			t.Fatal(err)
		}
		if n, _, l, _ := db.LoginFailures(ctx, "email:a"); n != 0 || !l.IsZero() {
			t.Fatal("not cleared")
		}
		for i, action := range []string{"user.create", "user.update"} {
			if err := db.Audit(ctx, store.AuditEvent{At: first.Add(time.Duration(i) * time.Second), Action: action, ObjectType: "user", ObjectID: "u1"}); err != nil {
				t.Fatal(err)
			}
		}
		trail, err := db.AuditTrail(ctx, "user", "u1", 0)
		if err != nil || len(trail) != 2 || trail[0].Action != "user.update" || !trail[1].At.Equal(first) {
			t.Fatalf("trail: %+v %v", trail, err)
		}
	})
}
