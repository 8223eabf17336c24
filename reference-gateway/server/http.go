package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"sync"

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

// readAll reads r to its end like io.ReadAll, appending to buf, which it
// first grows to hold length bytes when that is known and at most limit, so
// that a body of the announced length is read without growing and copying.
// length is only a hint: a body longer or shorter than announced is read
// whole.
func readAll(buf []byte, r io.Reader, length, limit int64) ([]byte, error) {
	b := buf[:0]
	if length > 0 && length <= limit {
		b = slices.Grow(b, int(length)+1) // room to see EOF without growing
	} else {
		b = slices.Grow(b, 512)
	}
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // let append grow it
		}
	}
}

// bodies recycles request body buffers (*[]byte, never empty): a body is
// garbage once decoded (the decoders copy what they keep), and at thousands
// of requests a second not allocating one for each means fewer collections.
var bodies sync.Pool

// maxPooledBody is the largest body buffer kept for reuse.
const maxPooledBody = 64 << 10

// releaseBody returns a body from readBody for reuse; nothing may use it
// afterwards.
func releaseBody(body []byte) {
	if cap(body) == 0 || cap(body) > maxPooledBody {
		return
	}
	body = body[:0]
	bodies.Put(&body)
}

// readBody checks the method, credentials and content type, and reads the
// body up to limit bytes into a recycled buffer: the caller hands it back
// with releaseBody once it has decoded it.
func readBody(w http.ResponseWriter, r *http.Request, auth basicAuth, limit int64) ([]byte, error) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		return nil, jit.Errorf(jit.EMETHOD, "method %s not allowed; use POST", r.Method)
	}
	if err := auth.check(r); err != nil {
		return nil, err
	}
	if ct := r.Header.Get("Content-Type"); ct != "" && ct != "application/json" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && mt != "text/json") {
			return nil, jit.Errorf(jit.EMEDIATYPE, "content type %q is not application/json", ct)
		}
	}
	var buf []byte
	if p, ok := bodies.Get().(*[]byte); ok {
		buf = *p
	}
	body, err := readAll(buf, http.MaxBytesReader(w, r.Body, limit), r.ContentLength, limit)
	if err != nil {
		releaseBody(body)
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, jit.Errorf(jit.ETOOLARGE, "request body over %d bytes", limit)
		}
		return nil, jit.Errorf(jit.EINVALID, "read body: %w", err)
	}
	return body, nil
}
