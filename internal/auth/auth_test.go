package auth

import (
	"testing"

	"github.com/motcua/motcua/internal/user"
)

func TestCan(t *testing.T) {
	const (
		prov  = "/p/"
		comA  = "/p/a/"
		deskA = "/p/a/desk/"
		comB  = "/p/b/"
	)
	as := func(role user.Role, path string) Actor {
		return Actor{UserID: "u", Assignments: []user.Assignment{{Role: role, UnitPath: path}}}
	}
	tests := []struct {
		name   string
		actor  Actor
		action Action
		path   string
		want   bool
	}{
		{"anonymous", Actor{}, ViewUnit, comA, false},
		{"system admin anywhere", Actor{UserID: "u", SystemAdmin: true}, ManageUsers, comB, true},
		{"admin own unit", as(user.Admin, comA), ManageUnits, comA, true},
		{"admin own subtree", as(user.Admin, comA), ManageUsers, deskA, true},
		{"admin other commune", as(user.Admin, comA), ManageUnits, comB, false},
		{"admin parent", as(user.Admin, comA), ViewUnit, prov, false},
		{"admin cannot receive", as(user.Admin, comA), ReceiveDossier, comA, false},
		{"receiver receives", as(user.Receiver, comA), ReceiveDossier, deskA, true},
		{"receiver other commune", as(user.Receiver, comA), ReceiveDossier, comB, false},
		{"receiver cannot approve", as(user.Receiver, comA), ApproveDossier, comA, false},
		{"handler handles", as(user.Handler, comA), HandleDossier, comA, true},
		{"approver approves", as(user.Approver, comA), ApproveDossier, comA, true},
		{"qms manages ISO", as(user.QMS, comA), ManageQMS, comA, true},
		{"qms not users", as(user.QMS, comA), ManageUsers, comA, false},
		{"overseer reads subtree", as(user.Overseer, prov), ViewDossiers, comB, true},
		{"overseer cannot change", as(user.Overseer, prov), ManageUnits, comB, false},
		{"prefix is by whole segment", as(user.Admin, comA), ManageUnits, "/p/ab/", false},
		{"empty target", as(user.Admin, comA), ViewUnit, "", false},
		{"admin publishes own commune", as(user.Admin, comA), PublishProcedures, deskA, true},
		{"admin cannot publish other commune", as(user.Admin, comA), PublishProcedures, comB, false},
		{"qms reviews", as(user.QMS, comA), ReviewProcedures, comA, true},
		{"qms cannot publish", as(user.QMS, comA), PublishProcedures, comA, false},
		{"receiver cannot edit workflows", as(user.Receiver, comA), ManageWorkflows, comA, false},
		{"overseer cannot publish", as(user.Overseer, prov), PublishProcedures, comB, false},
		{"approver reads ISO", as(user.Approver, comA), ViewQMS, deskA, true},
		{"approver approves ISO documents", as(user.Approver, comA), ApproveQMS, comA, true},
		{"approver does not edit ISO", as(user.Approver, comA), ManageQMS, comA, false},
		{"qms approves ISO", as(user.QMS, comA), ApproveQMS, comA, true},
		{"qms other commune", as(user.QMS, comA), ManageQMS, comB, false},
		{"qms approves not in other commune", as(user.QMS, comA), ApproveQMS, comB, false},
		{"receiver no ISO", as(user.Receiver, comA), ViewQMS, comA, false},
		{"admin reads ISO only", as(user.Admin, comA), ManageQMS, comA, false},
		{"overseer reads ISO below", as(user.Overseer, prov), ViewQMS, comB, true},
		{"overseer cannot approve ISO", as(user.Overseer, prov), ApproveQMS, comB, false},
	}
	for _, tt := range tests {
		if got := tt.actor.Can(tt.action, tt.path); got != tt.want {
			t.Errorf("%s: Can(%s, %s) = %v, want %v", tt.name, tt.action, tt.path, got, tt.want)
		}
	}
}

func TestScopes(t *testing.T) {
	a := Actor{UserID: "u", Assignments: []user.Assignment{
		{Role: user.Admin, UnitPath: "/p/a/"},
		{Role: user.Overseer, UnitPath: "/p/"},
		{Role: user.Receiver, UnitPath: "/p/b/"},
		{Role: user.Admin, UnitPath: "/p/a/x/"},
	}}
	paths, all := a.Scopes(ViewUnit)
	if all || len(paths) != 1 || paths[0] != "/p/" {
		t.Fatalf("view scopes: %v %v", paths, all)
	}
	paths, _ = a.Scopes(ManageUnits)
	if len(paths) != 1 || paths[0] != "/p/a/" {
		t.Fatalf("manage scopes: %v", paths)
	}
	if !a.CanAnywhere(ReceiveDossier) || a.CanAnywhere(ManageQMS) {
		t.Fatal("CanAnywhere")
	}
	if _, all := (Actor{UserID: "u", SystemAdmin: true}).Scopes(ManageUsers); !all {
		t.Fatal("system admin scope")
	}
}
