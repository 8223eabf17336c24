package jit

import (
	"errors"
	"fmt"
	"net/http"
)

// Error codes. Every error jitsim returns across a package boundary carries
// one of these; StatusCode maps them to HTTP in one place.
const (
	EINVALID      = "invalid"            // malformed or out-of-range input: 400
	EUNAUTHORIZED = "unauthorized"       // missing or wrong credentials or signature: 401
	ENOTFOUND     = "not_found"          // no such resource: 404
	EMETHOD       = "method_not_allowed" // wrong HTTP method: 405
	ECONFLICT     = "conflict"           // duplicate token or clashing request: 409
	ETOOLARGE     = "too_large"          // request body over the limit: 413
	EMEDIATYPE    = "media_type"         // not application/json: 415
	EUNAVAILABLE  = "unavailable"        // shutting down or not ready: 503
	EINTERNAL     = "internal"           // a bug or an I/O failure: 500
)

// Error is jitsim's one error type: a code from the list above, a message
// safe to show a client, and an optional wrapped cause.
type Error struct {
	Code    string
	Message string
	Err     error

	// causeInMessage is set by Errorf, whose Message already holds the
	// cause's text (from %w), so Error must not append it a second time.
	causeInMessage bool
}

// Error implements error: the message, then ": " and the cause when the
// cause's text is not already part of the message.
func (e *Error) Error() string {
	if e.Err != nil && !e.causeInMessage {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

// Unwrap returns the cause, or nil.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with code and a message formatted as fmt.Sprintf
// would. A %w verb makes its argument the cause (errors.Is and errors.As see
// it); with several %w verbs all of them are causes. The message includes
// the cause's text, as fmt.Errorf's does, and Error does not repeat it.
func Errorf(code, format string, args ...any) *Error {
	err := fmt.Errorf(format, args...)
	e := &Error{Code: code, Message: err.Error(), causeInMessage: true}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		e.Err = u.Unwrap()
	case interface{ Unwrap() []error }:
		e.Err = err // keeps every cause reachable by errors.Is and errors.As
	}
	return e
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
// chain, "internal error" for any other non-nil error, so that internal
// details never reach a client, and "" for nil.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
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
	EMETHOD:       http.StatusMethodNotAllowed,
	ECONFLICT:     http.StatusConflict,
	ETOOLARGE:     http.StatusRequestEntityTooLarge,
	EMEDIATYPE:    http.StatusUnsupportedMediaType,
	EUNAVAILABLE:  http.StatusServiceUnavailable,
	EINTERNAL:     http.StatusInternalServerError,
}

// StatusCode maps err to its HTTP status: the one place where error codes
// become statuses. nil is 200; an error whose code is unknown, or that is
// not an *Error, is 500.
func StatusCode(err error) int {
	if err == nil {
		return http.StatusOK
	}
	if s, ok := statusByCode[ErrorCode(err)]; ok {
		return s
	}
	return http.StatusInternalServerError
}
