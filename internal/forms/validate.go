package forms

import (
	"fmt"
	"strings"
	"time"
)

// FieldError names one input field that is missing or wrong. Field is the
// Go path of the field ("Applicant.Name", "Components[2].Name") so the
// caller can map it to its own form field and message.
type FieldError struct {
	Field   string
	Problem string
}

// ValidationError lists every problem found in a form's input at once, so a
// desk official fixes them in one pass. Match it with errors.As.
type ValidationError struct {
	Form   string // the input type, "Receipt"
	Fields []FieldError
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + " " + f.Problem
	}
	return "forms: invalid " + e.Form + ": " + strings.Join(parts, "; ")
}

// checker collects field errors for one form.
type checker struct {
	form string
	errs []FieldError
}

// newChecker starts checking a form, with the fields every form has: the
// regime, the heading (with the place when the form prints a date line),
// the applicant and the procedure. The register has neither applicant nor
// procedure and starts from a bare checker.
func newChecker(form string, r Regime, h Heading, dated bool, a Applicant, procedure string) *checker {
	c := &checker{form: form}
	c.regime(r)
	c.heading(h, dated)
	c.text("Applicant.Name", a.Name)
	c.text("Procedure", procedure)
	return c
}

func (c *checker) fail(field, problem string) {
	c.errs = append(c.errs, FieldError{Field: field, Problem: problem})
}

// text requires a non-blank string.
func (c *checker) text(field, v string) {
	if blank(v) {
		c.fail(field, "is required")
	}
}

// instant requires a non-zero time.
func (c *checker) instant(field string, t time.Time) {
	if t.IsZero() {
		c.fail(field, "is required")
	}
}

// order requires later not to be before earlier when both are set.
func (c *checker) order(earlierField string, earlier time.Time, laterField string, later time.Time) {
	if !earlier.IsZero() && !later.IsZero() && later.Before(earlier) {
		c.fail(laterField, "is before "+earlierField)
	}
}

// regime accepts the empty regime (derived from a date) or a known one.
func (c *checker) regime(r Regime) {
	if r != "" && r != Regime2018 && r != Regime2025 {
		c.fail("Regime", fmt.Sprintf("is %q, want %q or %q", string(r), Regime2018, Regime2025))
	}
}

// heading requires the unit, and the place when the form prints a dated line.
func (c *checker) heading(h Heading, place bool) {
	c.text("Heading.Unit", h.Unit)
	if place {
		c.text("Heading.Place", h.Place)
	}
}

// some requires a list to have at least one element.
func (c *checker) some(field string, n int) {
	if n == 0 {
		c.fail(field, "is empty")
	}
}

// item names element i of a list field, or a field of it: "Reasons[3]",
// "Items[3].Name".
func item(list string, i int, field string) string {
	if field == "" {
		return fmt.Sprintf("%s[%d]", list, i)
	}
	return fmt.Sprintf("%s[%d].%s", list, i, field)
}

// err returns the collected errors, or nil.
func (c *checker) err() error {
	if len(c.errs) == 0 {
		return nil
	}
	return &ValidationError{Form: c.form, Fields: c.errs}
}
