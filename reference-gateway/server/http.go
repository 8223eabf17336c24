package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/jitsim/jitsim/jit"
)

// errorBody is the JSON body of every error answer, in Marqeta's shape.
type errorBody struct {
	ErrorCode    string `json:"error_code"`
	ErrorMessage string `json:"error_message"`
}

// writeError is the one place that turns an error into an HTTP answer.
func writeError(w http.ResponseWriter, err error) {
	status := jit.StatusCode(err)
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="jitsim"`)
	}
	writeJSON(w, status, errorBody{ErrorCode: jit.ErrorCode(err), ErrorMessage: jit.ErrorMessage(err)})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		status, data = http.StatusInternalServerError, []byte(`{"error_code":"internal","error_message":"internal error"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(append(data, '\n'))
}

// basicAuth compares credentials in constant time (over fixed-length hashes,
// so neither the content nor the length leaks).
type basicAuth struct {
	user, pass [32]byte
	enabled    bool
}

func newBasicAuth(user, pass string) basicAuth {
	return basicAuth{user: sha256.Sum256([]byte(user)), pass: sha256.Sum256([]byte(pass)), enabled: user != "" || pass != ""}
}

func (a basicAuth) check(r *http.Request) error {
	if !a.enabled {
		return nil
	}
	u, p, ok := r.BasicAuth()
	if !ok {
		return jit.Errorf(jit.EUNAUTHORIZED, "missing basic auth credentials")
	}
	uh, ph := sha256.Sum256([]byte(u)), sha256.Sum256([]byte(p))
	if subtle.ConstantTimeCompare(uh[:], a.user[:])&subtle.ConstantTimeCompare(ph[:], a.pass[:]) != 1 {
		return jit.Errorf(jit.EUNAUTHORIZED, "invalid basic auth credentials")
	}
	return nil
}

// readBody checks the method, credentials and content type, and reads the
// body up to limit bytes.
func readBody(w http.ResponseWriter, r *http.Request, auth basicAuth, limit int64) ([]byte, error) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		return nil, jit.Errorf(jit.EMETHOD, "method %s not allowed; use POST", r.Method)
	}
	if err := auth.check(r); err != nil {
		return nil, err
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && mt != "text/json") {
			return nil, jit.Errorf(jit.EMEDIATYPE, "content type %q is not application/json", ct)
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, jit.Errorf(jit.ETOOLARGE, "request body over %d bytes", limit)
		}
		return nil, jit.Errorf(jit.EINVALID, "read body: %w", err)
	}
	return body, nil
}
