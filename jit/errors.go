package jit

import (
	"errors"
	"fmt"
	"net/http"
)

// Error codes. Every error jitsim returns across a package boundary carries
// one of these; StatusCode maps them to HTTP in one place.
const (
	EINVALID      = "invalid"      // malformed or out-of-range input: 400
	EUNAUTHORIZED = "unauthorized" // missing or wrong credentials or signature: 401
	ENOTFOUND     = "not_found"    // no such resource: 404
	ECONFLICT     = "conflict"     // duplicate token or clashing request: 409
	ETOOLARGE     = "too_large"    // request body over the limit: 413
	EMEDIATYPE    = "media_type"   // not application/json: 415
	EUNAVAILABLE  = "unavailable"  // shutting down or not ready: 503
	EINTERNAL     = "internal"     // a bug or an I/O failure: 500
)

// Error is jitsim's one error type: a code from the list above, a message
// safe to show a client, and an optional wrapped cause.
type Error struct {
	Code    string
	Message string
	Err     error
}

// Error implements error.
func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with code and a formatted message. A %w verb wraps
// its argument as the cause.
func Errorf(code, format string, args ...any) *Error {
	err := fmt.Errorf(format, args...)
	return &Error{Code: code, Message: err.Error(), Err: errors.Unwrap(err)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error and "" for nil.
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

// ErrorMessage returns the client-safe message of the first *Error in err's
// chain, and "internal error" for anything else, so that internal details
// never reach a client.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

var statusByCode = map[string]int{
	EINVALID:      http.StatusBadRequest,
	EUNAUTHORIZED: http.StatusUnauthorized,
	ENOTFOUND:     http.StatusNotFound,
	ECONFLICT:     http.StatusConflict,
	ETOOLARGE:     http.StatusRequestEntityTooLarge,
	EMEDIATYPE:    http.StatusUnsupportedMediaType,
	EUNAVAILABLE:  http.StatusServiceUnavailable,
	EINTERNAL:     http.StatusInternalServerError,
}

// StatusCode maps err to its HTTP status: the one place where error codes
// become statuses. nil is 200.
func StatusCode(err error) int {
	if err == nil {
		return http.StatusOK
	}
	if s, ok := statusByCode[ErrorCode(err)]; ok {
		return s
	}
	return http.StatusInternalServerError
}
