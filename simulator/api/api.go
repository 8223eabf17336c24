package api

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator"
)

// Options configure the API.
type Options struct {
	// AppToken and AccessToken are the HTTP Basic credentials every request
	// must carry (application token as user, access token as password). An
	// empty token matches nothing: every request is then 401.
	AppToken, AccessToken string
	// MaxBodyBytes bounds request bodies (1 MiB when ≤ 0); a larger body is
	// 413.
	MaxBodyBytes int64
}

// DefaultMaxBodyBytes is the body limit when Options.MaxBodyBytes is unset.
const DefaultMaxBodyBytes = 1 << 20

// NewHandler returns Marqeta's REST API over e, rooted at /v3 (see the
// package documentation for the endpoints). Every answer is JSON; errors are
// {"error_code", "error_message"} with the HTTP status as error_code: 400
// invalid input, 401 bad credentials, 404 unknown path or token, 405 wrong
// method, 409 duplicate token, 413 body too large, 415 a Content-Type that
// is not JSON, 422 (error_code "422600") a failed webhook ping, 500 a bug
// (a recovered panic).
func NewHandler(e *simulator.Engine, opts Options) http.Handler {
	return newHandler(e, opts)
}

type handler struct {
	e      *simulator.Engine
	opts   Options
	routes []route
	log    *slog.Logger // recovered panics
}

// route is one endpoint: a method and a pattern of path segments under /v3,
// where "{name}" matches any one segment.
type route struct {
	method  string
	pattern []string
	serve   func(w http.ResponseWriter, r *http.Request, p params)
}

// params are a request's path parameters by name.
type params map[string]string

func newHandler(e *simulator.Engine, opts Options) *handler {
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	h := &handler{e: e, opts: opts, log: slog.Default()}
	h.register()
	return h
}

func (h *handler) handle(method, pattern string, serve func(http.ResponseWriter, *http.Request, params)) {
	h.routes = append(h.routes, route{method: method, pattern: strings.Split(strings.Trim(pattern, "/"), "/"), serve: serve})
}

// ServeHTTP recovers panics (500), checks credentials (401), routes (404,
// 405), limits the body (413) and checks its media type (415).
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rw := &recorder{ResponseWriter: w}
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			h.log.Error("jitsim api: panic", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if !rw.wrote {
				writeError(rw, jit.Errorf(jit.EINTERNAL, "internal error"))
			}
		}
	}()
	h.serve(rw, r)
}

func (h *handler) serve(w http.ResponseWriter, r *http.Request) {
	if !h.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Basic realm="jitsim Marqeta sandbox"`)
		writeError(w, jit.Errorf(jit.EUNAUTHORIZED, "invalid application token or access token (HTTP Basic: application token as user, access token as password)"))
		return
	}
	rt, p, allow := h.match(r)
	if rt == nil {
		if len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			writeError(w, jit.Errorf(jit.EMETHOD, "method %s is not allowed on %s (allowed: %s)", r.Method, clip(r.URL.Path), strings.Join(allow, ", ")))
			return
		}
		writeError(w, jit.Errorf(jit.ENOTFOUND, "no endpoint %s %s", r.Method, clip(r.URL.Path)))
		return
	}
	if r.Method == http.MethodPost || r.Method == http.MethodPut {
		if ct := r.Header.Get("Content-Type"); ct != "" {
			mt, _, err := mime.ParseMediaType(ct)
			if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
				writeError(w, jit.Errorf(jit.EMEDIATYPE, "Content-Type must be application/json, got %q", clip(ct)))
				return
			}
		}
		if r.ContentLength > h.opts.MaxBodyBytes {
			writeError(w, jit.Errorf(jit.ETOOLARGE, "request body is larger than %d bytes", h.opts.MaxBodyBytes))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, h.opts.MaxBodyBytes)
	}
	rt.serve(w, r, p)
}

func (h *handler) authorized(r *http.Request) bool {
	u, p, ok := r.BasicAuth()
	if !ok || h.opts.AppToken == "" || h.opts.AccessToken == "" {
		return false
	}
	uok := subtle.ConstantTimeCompare([]byte(u), []byte(h.opts.AppToken))
	pok := subtle.ConstantTimeCompare([]byte(p), []byte(h.opts.AccessToken))
	return uok&pok == 1
}

// match finds the route of r: among the patterns matching the path, the one
// with the most literal segments that takes r's method. With none, allow
// lists the methods the path takes (empty: unknown path).
func (h *handler) match(r *http.Request) (*route, params, []string) {
	path := r.URL.EscapedPath()
	if path != "/v3" && !strings.HasPrefix(path, "/v3/") {
		return nil, nil, nil
	}
	path = strings.TrimSuffix(strings.TrimPrefix(path, "/v3"), "/")
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	for i, s := range segs {
		u, err := url.PathUnescape(s)
		if err != nil || u == "" {
			return nil, nil, nil
		}
		segs[i] = u
	}
	var best *route
	var bestParams params
	bestLiterals := -1
	allowed := map[string]bool{}
	for i := range h.routes {
		rt := &h.routes[i]
		p, literals, ok := matchPattern(rt.pattern, segs)
		if !ok {
			continue
		}
		allowed[rt.method] = true
		if rt.method == r.Method && literals > bestLiterals {
			best, bestParams, bestLiterals = rt, p, literals
		}
	}
	if best != nil {
		return best, bestParams, nil
	}
	allow := make([]string, 0, len(allowed))
	for m := range allowed {
		allow = append(allow, m)
	}
	sort.Strings(allow)
	return nil, nil, allow
}

func matchPattern(pattern, segs []string) (params, int, bool) {
	if len(pattern) != len(segs) {
		return nil, 0, false
	}
	var p params
	literals := 0
	for i, ps := range pattern {
		if strings.HasPrefix(ps, "{") {
			if p == nil {
				p = params{}
			}
			p[strings.Trim(ps, "{}")] = segs[i]
			continue
		}
		if ps != segs[i] {
			return nil, 0, false
		}
		literals++
	}
	return p, literals, true
}

// recorder notes whether the answer was started, so that a recovered panic
// writes a 500 only when nothing was written yet.
type recorder struct {
	http.ResponseWriter
	wrote bool
}

func (r *recorder) WriteHeader(code int) {
	r.wrote = true
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

// writeJSON answers status with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		writeError(w, fmt.Errorf("encode answer: %w", err))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(append(data, '\n'))
}

// apiError is Marqeta's error body (BadRequestError, UnauthorizedError…):
// error_code is a string.
type apiError struct {
	ErrorCode    string `json:"error_code"`
	ErrorMessage string `json:"error_message"`
}

// pingFailure is a webhook ping the endpoint did not answer with 200:
// Marqeta answers error_code 422600 "Webhook operation failed".
type pingFailure struct{ detail string }

func (p *pingFailure) Error() string { return "Webhook operation failed: " + p.detail }

// writeError writes every error answer: the status from jit.StatusCode (or
// 422 for a failed ping), error_code the status as a string, error_message
// the client-safe message (never internal details).
func writeError(w http.ResponseWriter, err error) {
	status, code, msg := jit.StatusCode(err), "", jit.ErrorMessage(err)
	var pf *pingFailure
	if errors.As(err, &pf) {
		status, code, msg = http.StatusUnprocessableEntity, "422600", pf.Error()
	}
	if code == "" {
		code = strconv.Itoa(status)
	}
	if status >= 500 {
		msg = "internal error"
	}
	data, _ := json.Marshal(apiError{ErrorCode: code, ErrorMessage: msg})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(append(data, '\n'))
}

// clip shortens client-supplied text quoted in messages.
func clip(s string) string {
	if len(s) > 120 {
		return s[:120] + "…"
	}
	return s
}
