// Package auth answers one question for the whole application: may this official do this
// action on this unit? Every handler asks Can (through the web layer's guard) so that the
// rules live in one place and one test matrix covers them.
package auth

import (
	"strings"

	"github.com/motcua/motcua/internal/user"
)

// Action is something an official may try to do within a unit.
type Action string

// Actions known so far. Later issues add dossier, procedure and QMS actions here.
const (
	ViewUnit       Action = "unit.view"       // see the unit and its data
	ManageUnits    Action = "unit.manage"     // create, edit, retire sub-units
	ManageUsers    Action = "user.manage"     // create, deactivate officials, assign roles
	ViewDossiers   Action = "dossier.view"    // read dossiers of the unit
	ReceiveDossier Action = "dossier.receive" // one-stop desk intake and return
	HandleDossier  Action = "dossier.handle"  // examine and forward
	ApproveDossier Action = "dossier.approve" // sign the result
	ViewReports    Action = "report.view"     // statistics and dashboards
	ViewQMS        Action = "qms.view"        // read ISO documents and records
	ManageQMS      Action = "qms.manage"      // edit ISO documents and records
	// ApproveQMS approves controlled documents (never one's own), verifies the
	// effectiveness of corrective actions (never one's own) and closes nonconformities:
	// the leader's part, which the QMS secretary may also take.
	ApproveQMS Action = "qms.approve"

	// Procedures (issue 4). The catalog itself is shared: managing it needs the action at
	// a root unit (province or city), which the web layer checks.
	ManageCatalog     Action = "procedure.catalog"  // import and edit the TTHC catalog
	PublishProcedures Action = "procedure.publish"  // publish / withdraw procedures a unit applies
	ReviewProcedures  Action = "procedure.review"   // review plans and their results (rà soát)
	ManageWorkflows   Action = "procedure.workflow" // internal workflows (quy trình nội bộ)
)

// permissions is the role → actions matrix. A role held in a unit applies to that unit and
// every unit below it.
var permissions = map[user.Role][]Action{
	user.Admin:    {ViewUnit, ManageUnits, ManageUsers, ViewReports, ViewQMS, ManageCatalog, PublishProcedures, ReviewProcedures, ManageWorkflows},
	user.Receiver: {ViewUnit, ViewDossiers, ReceiveDossier},
	user.Handler:  {ViewUnit, ViewDossiers, HandleDossier},
	user.Approver: {ViewUnit, ViewDossiers, ApproveDossier, ViewReports, ViewQMS, ApproveQMS},
	user.QMS:      {ViewUnit, ViewDossiers, ViewReports, ViewQMS, ManageQMS, ApproveQMS, ReviewProcedures, ManageWorkflows},
	user.Overseer: {ViewUnit, ViewDossiers, ViewReports, ViewQMS},
}

// RoleAllows reports whether the role grants the action (anywhere).
func RoleAllows(r user.Role, a Action) bool {
	for _, x := range permissions[r] {
		if x == a {
			return true
		}
	}
	return false
}

// Actor is the signed-in official as authorization sees them.
type Actor struct {
	UserID      string
	SystemAdmin bool
	Assignments []user.Assignment
}

// Anonymous is the actor of a request without a session.
var Anonymous = Actor{}

// SignedIn reports whether the actor is a signed-in official.
func (a Actor) SignedIn() bool { return a.UserID != "" }

// Can reports whether the actor may do the action on the unit whose materialised path is
// unitPath. A role assigned at a unit covers that unit's subtree.
func (a Actor) Can(action Action, unitPath string) bool {
	if !a.SignedIn() {
		return false
	}
	if a.SystemAdmin {
		return true
	}
	if unitPath == "" {
		return false
	}
	for _, as := range a.Assignments {
		if as.UnitPath != "" && strings.HasPrefix(unitPath, as.UnitPath) && RoleAllows(as.Role, action) {
			return true
		}
	}
	return false
}

// CanAnywhere reports whether the actor may do the action in at least one unit, which
// decides whether a menu entry is shown.
func (a Actor) CanAnywhere(action Action) bool {
	if a.SystemAdmin {
		return a.SignedIn()
	}
	for _, as := range a.Assignments {
		if RoleAllows(as.Role, action) {
			return true
		}
	}
	return false
}

// Scopes returns the materialised paths of the units where the actor may do the action,
// with nested paths removed. An empty result with ok=true means everywhere (system admin).
func (a Actor) Scopes(action Action) (paths []string, everywhere bool) {
	if a.SystemAdmin && a.SignedIn() {
		return nil, true
	}
	for _, as := range a.Assignments {
		if RoleAllows(as.Role, action) && as.UnitPath != "" {
			paths = append(paths, as.UnitPath)
		}
	}
	return minimalPaths(paths), false
}

// minimalPaths drops every path that lies under another one in the list.
func minimalPaths(paths []string) []string {
	var out []string
	for i, p := range paths {
		covered := false
		for j, q := range paths {
			if i != j && strings.HasPrefix(p, q) && (p != q || j < i) {
				covered = true
				break
			}
		}
		if !covered {
			out = append(out, p)
		}
	}
	return out
}
