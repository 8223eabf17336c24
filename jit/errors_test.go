package jit

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"testing"
)

func TestErrorfWraps(t *testing.T) {
	err := Errorf(EINVALID, "reading body: %w", io.ErrUnexpectedEOF)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Error("errors.Is does not find the %w cause")
	}
	if err.Unwrap() != io.ErrUnexpectedEOF {
		t.Errorf("Unwrap = %v", err.Unwrap())
	}
	// The cause's text appears once.
	if got, want := err.Error(), "reading body: unexpected EOF"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if err.Message != "reading body: unexpected EOF" || err.Code != EINVALID {
		t.Errorf("Message %q Code %q", err.Message, err.Code)
	}

	// errors.As reaches a typed cause.
	perr := &os.PathError{Op: "open", Path: "x", Err: os.ErrNotExist}
	err = Errorf(ENOTFOUND, "journal: %w", perr)
	var pe *os.PathError
	if !errors.As(err, &pe) || !errors.Is(err, os.ErrNotExist) {
		t.Error("errors.As/Is do not see through *Error")
	}

	// Several %w: every cause is reachable.
	err = Errorf(EINTERNAL, "%w and %w", io.EOF, os.ErrClosed)
	if !errors.Is(err, io.EOF) || !errors.Is(err, os.ErrClosed) || err.Error() != "EOF and file already closed" {
		t.Errorf("two %%w: %v", err)
	}

	// Without %w there is no cause; %v formats.
	err = Errorf(ECONFLICT, "token %q: %v", "abc", io.EOF)
	if err.Unwrap() != nil || errors.Is(err, io.EOF) || err.Error() != `token "abc": EOF` {
		t.Errorf("no %%w: %v, cause %v", err, err.Unwrap())
	}

	// An *Error built by hand appends its cause.
	hand := &Error{Code: EINTERNAL, Message: "write journal", Err: io.ErrShortWrite}
	if hand.Error() != "write journal: short write" {
		t.Errorf("hand-built: %q", hand.Error())
	}
}

func TestErrorCodeMessageStatus(t *testing.T) {
	wrapped := fmt.Errorf("handler: %w", Errorf(ENOTFOUND, "no card %s", "c1"))
	tests := []struct {
		name    string
		err     error
		code    string
		message string
		status  int
	}{
		{"nil", nil, "", "", http.StatusOK},
		{"invalid", Errorf(EINVALID, "bad amount"), EINVALID, "bad amount", http.StatusBadRequest},
		{"unauthorized", Errorf(EUNAUTHORIZED, "bad signature"), EUNAUTHORIZED, "bad signature", http.StatusUnauthorized},
		{"not found", Errorf(ENOTFOUND, "no such card"), ENOTFOUND, "no such card", http.StatusNotFound},
		{"conflict", Errorf(ECONFLICT, "duplicate token"), ECONFLICT, "duplicate token", http.StatusConflict},
		{"too large", Errorf(ETOOLARGE, "body over 1 MiB"), ETOOLARGE, "body over 1 MiB", http.StatusRequestEntityTooLarge},
		{"media type", Errorf(EMEDIATYPE, "want application/json"), EMEDIATYPE, "want application/json", http.StatusUnsupportedMediaType},
		{"unavailable", Errorf(EUNAVAILABLE, "shutting down"), EUNAVAILABLE, "shutting down", http.StatusServiceUnavailable},
		{"internal", Errorf(EINTERNAL, "bug"), EINTERNAL, "bug", http.StatusInternalServerError},
		{"wrapped by fmt", wrapped, ENOTFOUND, "no card c1", http.StatusNotFound},
		{"unknown code", &Error{Code: "teapot", Message: "short and stout"}, "teapot", "short and stout", http.StatusInternalServerError},
		{"plain error", errors.New("disk on fire at /var/lib/x"), EINTERNAL, "internal error", http.StatusInternalServerError},
		{"plain wrapping", fmt.Errorf("x: %w", io.EOF), EINTERNAL, "internal error", http.StatusInternalServerError},
	}
	for _, tc := range tests {
		if got := ErrorCode(tc.err); got != tc.code {
			t.Errorf("%s: ErrorCode = %q, want %q", tc.name, got, tc.code)
		}
		if got := ErrorMessage(tc.err); got != tc.message {
			t.Errorf("%s: ErrorMessage = %q, want %q", tc.name, got, tc.message)
		}
		if got := StatusCode(tc.err); got != tc.status {
			t.Errorf("%s: StatusCode = %d, want %d", tc.name, got, tc.status)
		}
	}
}
