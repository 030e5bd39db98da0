// Package apperr defines the error type that crosses from the service layer to
// the edges (HTML, JSON API, command line). It carries a machine code that the
// edges map to an HTTP status, a message key that the edges translate, and
// field-level message keys for forms, so the core never speaks HTTP or a
// particular language.
package apperr

import (
	"errors"
	"fmt"
)

// Code classifies an error for the edges; only a few exist on purpose.
type Code string

// The codes the edges understand.
const (
	Invalid      Code = "invalid"
	NotFound     Code = "not_found"
	Forbidden    Code = "forbidden"
	Unauthorized Code = "unauthorized"
	Conflict     Code = "conflict"
	RateLimited  Code = "rate_limited"
	TooLarge     Code = "too_large"
	Internal     Code = "internal"
)

// Error is a classified, translatable error.
type Error struct {
	Code Code
	// Key is a message catalogue key for the whole error.
	Key string
	// Args fill the placeholders of Key.
	Args map[string]any
	// Fields maps a form field name to a message key for that field.
	Fields map[string]FieldError
	// Err is the underlying cause, logged but never shown.
	Err error
}

// FieldError is one field's message key with its placeholder values.
type FieldError struct {
	Key  string
	Args map[string]any
}

func (e *Error) Error() string {
	s := string(e.Code) + ": " + e.Key
	if len(e.Fields) > 0 {
		s += fmt.Sprintf(" %v", e.Fields)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an error with a code and a message key.
func New(code Code, key string) *Error { return &Error{Code: code, Key: key} }

// Wrap classifies a cause.
func Wrap(code Code, key string, err error) *Error { return &Error{Code: code, Key: key, Err: err} }

// CodeOf returns the code of err, Internal for unclassified errors.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// As returns err as *Error when it is one.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Is reports whether err carries the code.
func Is(err error, code Code) bool { return CodeOf(err) == code }

// Fields collects field errors while validating a form; its Err method
// returns nil when no field failed, so validation reads top to bottom.
type Fields map[string]FieldError

// Add records a field error unless the field already has one (the first
// problem found is the most useful to show).
func (f Fields) Add(field, key string, args ...any) {
	if _, ok := f[field]; ok {
		return
	}
	var m map[string]any
	if len(args) > 0 {
		m = make(map[string]any, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			m[fmt.Sprint(args[i])] = args[i+1]
		}
	}
	f[field] = FieldError{Key: key, Args: m}
}

// Err turns collected field errors into an Invalid error.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Key: "form.invalid", Fields: f}
}
