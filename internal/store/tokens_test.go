package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/user"
)

func TestAPITokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newDesk(t, db)
		if _, _, err := db.CreateAPIToken(ctx, "", k.agency.ID, user.Admin, time.Time{}, ""); !hasField(err, "name") || !hasField(err, "role") {
			t.Fatalf("bad token: %v", err)
		}
		if _, _, err := db.CreateAPIToken(ctx, "Cổng tỉnh", k.agency.ID, user.Receiver, time.Now().Add(-time.Hour), ""); !hasField(err, "expires") {
			t.Fatalf("expired at birth: %v", err)
		}
		tok, secret, err := db.CreateAPIToken(ctx, "Cổng dịch vụ công tỉnh", k.agency.ID, user.Receiver, time.Time{}, k.receiver.UserID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(secret, "mct_") || len(secret) < 30 || !strings.HasPrefix(secret, tok.Prefix) {
			t.Fatalf("secret %q prefix %q", secret, tok.Prefix)
		}
		u, err := db.UserByToken(ctx, secret)
		if err != nil || u.ID != tok.UserID || u.FullName != "API: Cổng dịch vụ công tỉnh" {
			t.Fatalf("by token: %+v %v", u, err)
		}
		as, _ := db.Assignments(ctx, u.ID)
		if len(as) != 1 || as[0].Role != user.Receiver || as[0].UnitID != k.agency.ID {
			t.Fatalf("scope: %+v", as)
		}
		for _, bad := range []string{"", "mct_nothing", secret + "x", strings.TrimPrefix(secret, "mct_")} {
			if _, err := db.UserByToken(ctx, bad); !failure.Is(err, failure.Unauthorized) {
				t.Errorf("%q: %v", bad, err)
			}
		}
		list, err := db.APITokens(ctx, []string{k.commune.Path})
		if err != nil || len(list) != 1 || list[0].UnitName != k.agency.Name || list[0].LastUsedAt.IsZero() {
			t.Fatalf("list: %+v %v", list, err)
		}
		if other, _ := db.APITokens(ctx, []string{k.other.Path}); len(other) != 0 {
			t.Fatalf("another commune sees %d tokens", len(other))
		}
		if err := db.RevokeAPIToken(ctx, tok.ID, k.receiver.UserID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.UserByToken(ctx, secret); !failure.Is(err, failure.Unauthorized) {
			t.Fatalf("revoked token: %v", err)
		}
		got, _ := db.APIToken(ctx, tok.ID)
		if got.Active(time.Now()) || got.RevokedAt.IsZero() {
			t.Fatalf("after revoke: %+v", got)
		}
		if trail, _ := db.AuditTrail(ctx, "api_token", tok.ID, 5); len(trail) != 2 {
			t.Fatalf("audit: %+v", trail)
		}
	})
}
