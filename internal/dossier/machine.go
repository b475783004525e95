package dossier

import (
	"slices"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/user"
)

// Action is something an official (or the applicant through the desk) does to a dossier.
type Action string

// The actions. Receive and Refuse also create a dossier when it is taken at the desk.
const (
	ActReceive   Action = "receive"   // tiếp nhận (creates at the desk; accepts an online submission)
	ActRefuse    Action = "refuse"    // từ chối tiếp nhận
	ActForward   Action = "forward"   // chuyển bước: finish the step, open the next
	ActSendBack  Action = "send_back" // trả lại bước trước
	ActRequest   Action = "request"   // yêu cầu bổ sung, hoàn thiện (clock stops)
	ActSupply    Action = "supply"    // nhận bổ sung (full limit restarts)
	ActApologise Action = "apologise" // xin lỗi, gia hạn: new appointment, still late
	ActStop      Action = "stop"      // dừng giải quyết
	ActWithdraw  Action = "withdraw"  // rút hồ sơ at the applicant's request
	ActReturn    Action = "return"    // trả kết quả
	ActProgress  Action = "progress"  // ghi nhận tiến độ: a note that the step is moving
	ActSubmit    Action = "submit"    // nộp trực tuyến (creates; portal, issue 6)
	ActAssign    Action = "assign"    // giao cho một cán bộ: name who takes the current step
)

// Actions lists every action, for the exhaustive transition test and i18n keys.
var Actions = []Action{ActSubmit, ActReceive, ActRefuse, ActForward, ActSendBack, ActAssign, ActRequest,
	ActSupply, ActApologise, ActStop, ActWithdraw, ActReturn, ActProgress}

// Key is the action's message key ("dossier.action_<action>").
func (a Action) Key() string { return "dossier.action_" + string(a) }

// Who says which official may make a transition.
type Who int

// Role rules of transitions.
const (
	// StepRole: an official holding the role of the dossier's current step in the unit
	// where the dossier is now.
	StepRole Who = iota + 1
	// Desk: a receiver of the receiving agency (intake, supplement, withdrawal, return).
	Desk
	// Leader: an approver of the unit where the dossier is now (signs the stop notice and
	// the apology letter).
	Leader
	// Portal: the applicant on the public portal, nobody signed in.
	Portal
)

// Transition is one row of the state machine: from a state, an action leads to a state
// (Next means the workflow decides: Processing, or Ready after the last step before return).
type Transition struct {
	From   State
	Action Action
	To     State
	Who    Who
}

// Next stands for the state the workflow's next step gives.
const Next State = "next"

// Same stands for "the state does not change".
const Same State = "same"

// Transitions is the whole state machine. An action absent for a state is illegal there.
var Transitions = []Transition{
	{"", ActSubmit, Submitted, Portal},
	{"", ActReceive, Received, Desk},
	{"", ActRefuse, Refused, Desk},
	{Submitted, ActReceive, Received, Desk},
	{Submitted, ActRefuse, Refused, Desk},
	{Submitted, ActWithdraw, Withdrawn, Desk},

	{Received, ActForward, Next, StepRole},
	{Received, ActAssign, Same, StepRole},
	{Received, ActRequest, Supplement, StepRole},
	{Received, ActApologise, Same, Leader},
	{Received, ActStop, Stopped, Leader},
	{Received, ActWithdraw, Withdrawn, Desk},
	{Received, ActProgress, Same, StepRole},

	{Processing, ActForward, Next, StepRole},
	{Processing, ActSendBack, Next, StepRole},
	{Processing, ActAssign, Same, StepRole},
	{Processing, ActRequest, Supplement, StepRole},
	{Processing, ActApologise, Same, Leader},
	{Processing, ActStop, Stopped, Leader},
	{Processing, ActWithdraw, Withdrawn, Desk},
	{Processing, ActProgress, Same, StepRole},

	{Supplement, ActSupply, Next, Desk},
	{Supplement, ActApologise, Same, Leader},
	{Supplement, ActStop, Stopped, Leader},
	{Supplement, ActWithdraw, Withdrawn, Desk},

	{Ready, ActReturn, Returned, Desk},
	{Ready, ActProgress, Same, Desk},
}

// TransitionFor returns the row for an action in a state.
func TransitionFor(from State, a Action) (Transition, bool) {
	i := slices.IndexFunc(Transitions, func(t Transition) bool { return t.From == from && t.Action == a })
	if i < 0 {
		return Transition{}, false
	}
	return Transitions[i], true
}

// AllowedActions lists the actions possible in a state, in the order of Actions.
func AllowedActions(s State) []Action {
	var out []Action
	for _, a := range Actions {
		if _, ok := TransitionFor(s, a); ok {
			out = append(out, a)
		}
	}
	return out
}

// roleActions pairs each workflow role with the authorization action its steps need; a
// role not listed (admin) needs the unit administrator's action.
var roleActions = []struct {
	role   user.Role
	action auth.Action
}{{user.Receiver, auth.ReceiveDossier}, {user.Handler, auth.HandleDossier}, {user.Approver, auth.ApproveDossier}}

// roleAction maps a workflow role to the authorization action it needs.
func roleAction(r user.Role) auth.Action {
	for _, ra := range roleActions {
		if ra.role == r {
			return ra.action
		}
	}
	return auth.ManageUnits
}

// Permit decides whether actor may make transition t on d, given the materialised paths of
// the receiving agency and of the unit where the dossier is now. It returns nil, a
// NotFound error when the dossier is outside the actor's view (so its existence does not
// leak), or a Forbidden error naming the role needed.
func Permit(actor auth.Actor, t Transition, d Dossier, agencyPath, currentPath string) error {
	if !actor.Can(auth.ViewDossiers, agencyPath) && !actor.Can(auth.ViewDossiers, currentPath) {
		return failure.New(failure.NotFound, "", "dossier.not_found")
	}
	var action auth.Action
	path := currentPath
	switch t.Who {
	case StepRole:
		action = roleAction(d.Step().Role)
	case Desk:
		action, path = auth.ReceiveDossier, agencyPath
	case Leader:
		action = auth.ApproveDossier
	case Portal:
		return failure.New(failure.Forbidden, "", "dossier.portal_only")
	}
	if actor.Can(action, path) {
		return nil
	}
	key := "dossier.role_required_" + string(neededRole(action)) // one message per role
	return failure.New(failure.Forbidden, "", key)
}

// neededRole names the role an action belongs to, for the refusal message.
func neededRole(a auth.Action) user.Role {
	for _, ra := range roleActions {
		if ra.action == a {
			return ra.role
		}
	}
	return user.Admin
}

// StateOfStep is the state a dossier is in while at step i of a workflow.
func StateOfStep(steps []procedure.Step, i int) State {
	switch {
	case i == 0:
		return Received
	case i >= 0 && i < len(steps) && steps[i].Kind == procedure.StepReturn:
		return Ready
	}
	return Processing
}
