package models

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Domain errors. The API layer turns each into the SPEC §4 error shape in one
// place; nothing here knows about HTTP.
var (
	// ErrNotFound is also the answer for objects outside the actor's reach, so
	// that ids cannot be probed.
	ErrNotFound = errors.New("not found")
	// ErrForbidden is for objects the actor may read but not change.
	ErrForbidden = errors.New("forbidden")
	// ErrUnauthorized is a failed login or an unusable token.
	ErrUnauthorized = errors.New("unauthorized")
)

// ConflictError is a stale version, a duplicate or a state that forbids the
// action (409). Code is stable for clients: version_conflict, duplicate,
// invalid_state, has_dependents.
type ConflictError struct {
	Code    string
	Message string
	// Days names the locked days of a 409 locked (SPEC §11.3).
	Days []string
}

func (e *ConflictError) Error() string { return e.Message }

// Conflict builds a ConflictError.
func Conflict(code, format string, args ...any) error {
	return &ConflictError{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrVersionConflict is returned when a write carries a stale version.
func errVersion(current int64) error {
	return Conflict("version_conflict", "the record was changed by someone else (current version %d); reload and try again", current)
}

// ValidationError lists invalid fields with a reason each (422).
type ValidationError struct {
	Fields map[string]string
}

func (e *ValidationError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + e.Fields[k]
	}
	return "invalid values: " + strings.Join(parts, "; ")
}

// Problems collects field errors while validating a request.
type Problems map[string]string

// Add records the first problem of a field.
func (p Problems) Add(field, reason string) {
	if _, seen := p[field]; !seen {
		p[field] = reason
	}
}

// Check adds reason for field when bad is true.
func (p Problems) Check(bad bool, field, reason string) {
	if bad {
		p.Add(field, reason)
	}
}

// Err is nil when nothing was added, else a *ValidationError.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return &ValidationError{Fields: p}
}

// Invalid is a ValidationError of one field.
func Invalid(field, reason string) error {
	return &ValidationError{Fields: map[string]string{field: reason}}
}
