// Package failure defines the application's error values. Domain and store code return
// them; the web layer maps each Kind to an HTTP status and translates the message key into
// the reader's language, so no user-facing text is built deep inside the domain.
package failure

import (
	"errors"
	"fmt"
)

// Kind classifies an error for the reader and for the HTTP status it maps to.
type Kind string

// The kinds of failure the application distinguishes.
const (
	Invalid      Kind = "invalid"      // bad input: a field is missing or malformed
	NotFound     Kind = "not_found"    // the thing asked for does not exist (or is hidden)
	Conflict     Kind = "conflict"     // a duplicate or a state that forbids the change
	Forbidden    Kind = "forbidden"    // signed in, but not allowed
	Unauthorized Kind = "unauthorized" // not signed in, or wrong credentials
	TooMany      Kind = "too_many"     // throttled
)

// Error is an application error with a message key from the i18n catalogs, the field it
// concerns (if any) and arguments for the message.
type Error struct {
	Kind  Kind
	Field string
	Key   string
	Args  []any
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s (%s)", e.Kind, e.Key, e.Field)
	}
	return fmt.Sprintf("%s: %s", e.Kind, e.Key)
}

// New returns an Error of the given kind.
func New(kind Kind, field, key string, args ...any) *Error {
	return &Error{Kind: kind, Field: field, Key: key, Args: args}
}

// InvalidField reports bad input in one named field.
func InvalidField(field, key string, args ...any) *Error {
	return New(Invalid, field, key, args...)
}

// As returns the application error inside err, if there is one.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// Is reports whether err carries an application error of the given kind.
func Is(err error, kind Kind) bool {
	e, ok := As(err)
	return ok && e.Kind == kind
}

// List collects several field errors so a form can show them all at once.
type List []*Error

func (l List) Error() string {
	if len(l) == 0 {
		return "no errors"
	}
	s := l[0].Error()
	if len(l) > 1 {
		s += fmt.Sprintf(" (and %d more)", len(l)-1)
	}
	return s
}

// Unwrap exposes the members so errors.As finds the first field error (and its Kind).
func (l List) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// Err returns nil for an empty list, so validators can `return errs.Err()`.
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// Fields returns the field errors carried by err: the list itself, or a single-element
// list for one field error.
func Fields(err error) List {
	var l List
	if errors.As(err, &l) {
		return l
	}
	if e, ok := As(err); ok {
		return List{e}
	}
	return nil
}

// Join merges the field errors of several validations into one List (nil when all passed),
// so a form shows every problem at once. A non-application error is returned as is.
func Join(errs ...error) error {
	var out List
	for _, err := range errs {
		if err == nil {
			continue
		}
		fields := Fields(err)
		if fields == nil {
			return err
		}
		out = append(out, fields...)
	}
	return out.Err()
}
