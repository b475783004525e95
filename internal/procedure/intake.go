package procedure

import (
	"strings"
	"time"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/unit"
)

// Refusal is why the intake block refused to receive a dossier under a procedure.
type Refusal string

// The reasons a dossier is refused at intake, each with its own message key
// ("procedure.refused_<reason>").
const (
	RefusedUnknown         Refusal = "unknown"           // no procedure has this code
	RefusedNotYetEffective Refusal = "not_yet_effective" // announced, not in force yet
	RefusedExpired         Refusal = "expired"           // hết hiệu lực
	RefusedAbolished       Refusal = "abolished"         // bị bãi bỏ
	RefusedReplaced        Refusal = "replaced"          // được thay thế: the message names the replacement
	RefusedNotApplied      Refusal = "not_applied"       // the unit does not apply (publish) it
)

// Refusals lists every reason, for filters and i18n checks.
var Refusals = []Refusal{RefusedUnknown, RefusedNotYetEffective, RefusedExpired, RefusedAbolished, RefusedReplaced, RefusedNotApplied}

// Key is the message key of the reason.
func (r Refusal) Key() string { return "procedure.refused_" + string(r) }

// RefusalError builds the application error for a refusal (kind Conflict, field
// "procedure"). args fill the message: the code, then the day or the replacement.
func RefusalError(r Refusal, args ...any) *failure.Error {
	return failure.New(failure.Conflict, "procedure", r.Key(), args...)
}

// RefusalOf tells whether err is an intake refusal and which.
func RefusalOf(err error) (Refusal, bool) {
	e, ok := failure.As(err)
	if !ok {
		return "", false
	}
	reason, ok := strings.CutPrefix(e.Key, "procedure.refused_")
	return Refusal(reason), ok
}

// Check applies the intake block to a procedure on day d for a unit that has (or has not)
// published it: the version to receive under, or the refusal. replacementName names the
// replacing procedure in the message when there is one. The store calls it and records
// every refusal.
func Check(p Procedure, d unit.Date, applied bool, replacementName string) (Version, Refusal, *failure.Error) {
	switch st := p.StatusOn(d); st {
	case Effective:
	case NotYetEffective:
		from := ""
		for _, v := range p.Versions {
			if d.Before(v.EffectiveFrom) {
				from = v.EffectiveFrom.Display()
				break
			}
		}
		return Version{}, RefusedNotYetEffective, RefusalError(RefusedNotYetEffective, p.Code, from)
	case Abolished:
		return Version{}, RefusedAbolished, RefusalError(RefusedAbolished, p.Code, p.StatusFrom.Display())
	case Replaced:
		return Version{}, RefusedReplaced, RefusalError(RefusedReplaced, p.Code, p.ReplacedBy, replacementName)
	default:
		return Version{}, RefusedExpired, RefusalError(RefusedExpired, p.Code, lastEnd(p).Display())
	}
	if !applied {
		return Version{}, RefusedNotApplied, RefusalError(RefusedNotApplied, p.Code)
	}
	v, _ := p.VersionOn(d)
	return v, "", nil
}

func lastEnd(p Procedure) unit.Date {
	var end unit.Date
	for _, v := range p.Versions {
		if !v.EffectiveTo.IsZero() && end.Before(v.EffectiveTo) {
			end = v.EffectiveTo
		}
	}
	return end
}

// RefusalRecord is one refused intake, kept for the QMS nonconformity log.
type RefusalRecord struct {
	ID      string
	UnitID  string
	Code    string
	Reason  Refusal
	Detail  string
	ActorID string
	At      time.Time
}

// Publication says that a unit applies a procedure and publishes it at its desk and on
// the portal (công khai) from a day, until it withdraws it.
type Publication struct {
	ID            string
	UnitID        string
	Code          string
	PublishedOn   unit.Date
	UnpublishedOn unit.Date // zero while published
	ActorID       string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Active reports whether the publication is in place on day d.
func (p Publication) Active(d unit.Date) bool {
	if d.Before(p.PublishedOn) {
		return false
	}
	return p.UnpublishedOn.IsZero() || d.Before(p.UnpublishedOn)
}
