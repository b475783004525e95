package forms

import (
	"bytes"
	"errors"
	"slices"
	"testing"
	"time"
)

// fields returns the field names of a *ValidationError, or fails.
func fields(t *testing.T, err error) []string {
	t.Helper()
	var v *ValidationError
	if !errors.As(err, &v) {
		t.Fatalf("error %v is not a *ValidationError", err)
	}
	var out []string
	for _, f := range v.Fields {
		out = append(out, f.Field)
	}
	slices.Sort(out)
	return out
}

func TestValidateEmpty(t *testing.T) {
	for _, tc := range []struct {
		form Form
		want []string
	}{
		{Receipt{}, []string{"Applicant.Name", "Code", "Components", "DueAt", "Heading.Place", "Heading.Unit", "Procedure", "ReceivedAt", "Receiver", "Rule", "TimeLimit"}},
		{SupplementRequest{}, []string{"Applicant.Name", "Heading.Place", "Heading.Unit", "IssuedAt", "Items", "Official", "Procedure"}},
		{Refusal{}, []string{"Applicant.Name", "Heading.Place", "Heading.Unit", "IssuedAt", "Official", "Procedure", "Reasons"}},
		{Apology{}, []string{"Applicant.Name", "Code", "Heading.Place", "Heading.Unit", "IssuedAt", "NewDue", "OriginalDue", "Procedure", "Reason", "ReceivedAt", "Signer.Name"}},
		{StopNotice{}, []string{"Applicant.Name", "Code", "Heading.Place", "Heading.Unit", "IssuedAt", "Procedure", "Reason", "ReceivedAt", "Signer.Name"}},
		{ControlSlip{}, []string{"Applicant.Name", "Code", "DueAt", "Heading.Unit", "Procedure", "ReceivedAt"}},
		{Register{}, []string{"From", "Heading.Unit", "To"}},
	} {
		got := fields(t, tc.form.Validate())
		if !slices.Equal(got, tc.want) {
			t.Errorf("%T{}: fields %v, want %v", tc.form, got, tc.want)
		}
		var buf bytes.Buffer
		if err := tc.form.WritePDF(&buf); err == nil || buf.Len() != 0 {
			t.Errorf("%T{}: WritePDF wrote %d bytes, error %v", tc.form, buf.Len(), err)
		}
	}
	if err := (Register{}).WriteXLSX(&bytes.Buffer{}); err == nil {
		t.Error("empty register: WriteXLSX gave no error")
	}
}

func TestValidateInconsistent(t *testing.T) {
	rc := receiptFor(Regime2025)
	rc.DueAt = rc.ReceivedAt.Add(-time.Minute)
	rc.Components = append(rc.Components, Component{Name: " ", Copies: -1})
	rc.Regime = "2019"
	if got, want := fields(t, rc.Validate()), []string{"Components[2].Name", "Components[2].Originals", "DueAt", "Regime"}; !slices.Equal(got, want) {
		t.Errorf("receipt: %v, want %v", got, want)
	}

	ap := apologyFor(Regime2018)
	ap.NewDue = ap.OriginalDue
	if got := fields(t, ap.Validate()); !slices.Equal(got, []string{"NewDue"}) {
		t.Errorf("apology: %v", got)
	}

	cs := controlFor(Regime2025)
	cs.Rows = append(cs.Rows, Handover{})
	if got, want := fields(t, cs.Validate()), []string{"Rows[2].FromUnit", "Rows[2].HandedAt", "Rows[2].ToUnit"}; !slices.Equal(got, want) {
		t.Errorf("control slip: %v, want %v", got, want)
	}

	rg := registerFor(Regime2025)
	rg.To = rg.From.Add(-time.Hour)
	rg.Rows = append(rg.Rows, RegisterRow{})
	if got, want := fields(t, rg.Validate()), []string{"Rows[2].Applicant", "Rows[2].Code", "Rows[2].ReceivedAt", "To"}; !slices.Equal(got, want) {
		t.Errorf("register: %v, want %v", got, want)
	}

	rf := refusalFor(Regime2018)
	rf.Reasons = []string{"", "ok"}
	if got := fields(t, rf.Validate()); !slices.Equal(got, []string{"Reasons[0]"}) {
		t.Errorf("refusal: %v", got)
	}
	err := rf.Validate()
	if want := "forms: invalid Refusal: Reasons[0] is required"; err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
}
