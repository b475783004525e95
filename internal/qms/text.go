package qms

import (
	"strings"
	"unicode/utf8"

	"github.com/motcua/motcua/internal/failure"
)

// checkText checks a text field: not blank when required, at most max characters. A blank
// title has its own message.
func checkText(field, text string, max int, required bool) error {
	switch n := utf8.RuneCountInString(strings.TrimSpace(text)); {
	case n == 0 && required && field == "title":
		return failure.InvalidField(field, "qms.title_required")
	case n == 0 && required:
		return failure.InvalidField(field, "qms.text_required")
	case n > max:
		return failure.InvalidField(field, "qms.text_too_long", max)
	}
	return nil
}

// addErr appends the field errors of err (none when nil) to errs.
func addErr(errs failure.List, err error) failure.List { return append(errs, failure.Fields(err)...) }
