package qms

import (
	"slices"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/vn"
)

// Declaration is a unit's declaration that its QMS conforms to TCVN ISO 9001:2015 (công bố
// hệ thống quản lý chất lượng phù hợp, DOMAIN.md rule 14): the head's decision, its scope,
// and the procedures in scope when it was signed. The unit declares again when the scope
// changes (procedures added, removed or replaced, a merger).
type Declaration struct {
	ID         string
	UnitID     string
	Number     string    // the decision's number, "125/QĐ-UBND"
	DecidedOn  unit.Date // the decision's day
	Signer     string    // who signed it, "Nguyễn Văn A, Chủ tịch UBND xã"
	Scope      string    // the scope as the decision words it
	Procedures []string  // the codes of the procedures the unit published that day
	ReplacesID string    // the declaration it replaces, if any
	CreatedBy  string
	CreatedAt  time.Time
}

// Normalize trims the fields.
func (d *Declaration) Normalize() {
	d.Number = strings.Join(strings.Fields(vn.NFC(d.Number)), " ")
	d.Signer = strings.Join(strings.Fields(vn.NFC(d.Signer)), " ")
	d.Scope = strings.TrimSpace(vn.NFC(d.Scope))
}

// Validate checks the decision's number, day, signer and scope.
func (d Declaration) Validate() error {
	var errs failure.List
	errs = addErr(errs, checkText("number", d.Number, 100, true))
	if d.DecidedOn.IsZero() {
		errs = append(errs, failure.InvalidField("decided_on", "qms.date_required"))
	}
	errs = addErr(errs, checkText("signer", d.Signer, maxTitle, true))
	errs = addErr(errs, checkText("scope", d.Scope, maxBody, true))
	return errs.Err()
}

// Drift is how the procedures in scope changed since a declaration.
type Drift struct {
	Added, Removed []string
}

// Changed reports whether the scope changed: the unit must declare again.
func (d Drift) Changed() bool { return len(d.Added)+len(d.Removed) > 0 }

// DriftTo compares the declaration's procedures with those in scope now.
func (d Declaration) DriftTo(current []string) Drift {
	var dr Drift
	for _, c := range current {
		if !slices.Contains(d.Procedures, c) {
			dr.Added = append(dr.Added, c)
		}
	}
	for _, c := range d.Procedures {
		if !slices.Contains(current, c) {
			dr.Removed = append(dr.Removed, c)
		}
	}
	slices.Sort(dr.Added)
	slices.Sort(dr.Removed)
	return dr
}
