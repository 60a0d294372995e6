// Package bulkhead holds Bulkhead's domain: entities, enums, filters, error
// codes and the storage contracts that the sqlite and postgres packages
// implement. It depends on the standard library only.
package bulkhead

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Error codes shared by every layer. Stores map driver errors to them, the
// HTTP layer maps them to statuses in one table, the CLI to exit codes.
const (
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	ECONFLICT     = "conflict"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	ETOOMANY      = "too_many_requests"
	EINTERNAL     = "internal"
)

// Field error codes, used as values of Error.Fields. They are keys into the
// message catalogs ("err.<code>"), so the web UI and the API can say them in
// the user's language.
const (
	FieldRequired  = "required"
	FieldTooLong   = "too_long"
	FieldInvalid   = "invalid"
	FieldChoice    = "choice"
	FieldUNLOCODE  = "unlocode"
	FieldCountry   = "country"
	FieldTimeZone  = "timezone"
	FieldEmail     = "email"
	FieldTaken     = "taken"
	FieldUnknown   = "unknown_field"
	FieldShort     = "too_short"
	FieldMismatch  = "mismatch"
	FieldLastAdmin = "last_admin"
)

// Error is Bulkhead's application error. Message is safe to show to users;
// Fields maps a field name to a field error code.
type Error struct {
	Code    string
	Message string
	Fields  map[string]string
}

// Error implements the error interface.
func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return fmt.Sprintf("bulkhead error: code=%s message=%s", e.Code, e.Message)
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + e.Fields[k]
	}
	return fmt.Sprintf("bulkhead error: code=%s message=%s fields=[%s]", e.Code, e.Message, strings.Join(parts, ", "))
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error carrying field errors.
func Invalid(fields map[string]string) *Error {
	return &Error{Code: EINVALID, Message: "The input is not valid.", Fields: fields}
}

// NotFound returns an ENOTFOUND error for an object type.
func NotFound(what string) *Error {
	return &Error{Code: ENOTFOUND, Message: what + " not found."}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of err: the *Error's message, or
// a generic text for internal errors (whose details are logged, never shown).
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "An internal error occurred."
}

// ErrorFields returns the field errors of err, or nil.
func ErrorFields(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}
