package adapter

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"
)

// DefaultMaxBodyBytes is the request body limit of NewHandler unless
// WithMaxBodyBytes says otherwise.
const DefaultMaxBodyBytes = 1 << 20

type config struct {
	maxBody int64
	log     *slog.Logger
}

// Option configures NewHandler.
type Option func(*config)

// WithMaxBodyBytes sets the largest request body accepted; a larger one is
// answered 413. n <= 0 means DefaultMaxBodyBytes.
func WithMaxBodyBytes(n int64) Option {
	return func(c *config) {
		if n > 0 {
			c.maxBody = n
		}
	}
}

// WithLogger logs, at level Error, the internal errors that clients see only
// as "internal error" (ledger failures and bugs). By default they are not
// logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) { c.log = l }
}

type handler struct {
	ledger Ledger
	cfg    config
}

// NewHandler serves the adapter over HTTP, as a POST of a JSON body
// {"query", "variables", "operationName"} answered by a JSON Response. See
// the package documentation for the status codes. Authentication is the
// caller's: wrap the handler in its middleware.
func NewHandler(l Ledger, opts ...Option) http.Handler {
	h := &handler{ledger: l, cfg: config{maxBody: DefaultMaxBodyBytes}}
	for _, o := range opts {
		o(&h.cfg)
	}
	return h
}

// body is the POST body; pointers tell a missing member from an empty one.
type body struct {
	Query         *string        `json:"query"`
	Variables     map[string]any `json:"variables"`
	OperationName *string        `json:"operationName"`
	Extensions    map[string]any `json:"extensions"`
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		httpError(w, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "use POST")
		return
	}
	if !isJSON(r.Header.Get("Content-Type")) {
		httpError(w, http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE",
			"Content-Type must be application/json")
		return
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.cfg.maxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			httpError(w, http.StatusRequestEntityTooLarge, "PAYLOAD_TOO_LARGE", "request body too large")
			return
		}
		httpError(w, http.StatusBadRequest, CodeBadRequest, "cannot read the request body")
		return
	}
	req, msg := decodeBody(raw)
	if msg != "" {
		httpError(w, http.StatusBadRequest, CodeBadRequest, msg)
		return
	}
	resp := execute(r.Context(), h.ledger, req, h.cfg.log)
	out, err := json.Marshal(resp)
	if err != nil { // cannot happen: Data is valid JSON and Errors are plain
		httpError(w, http.StatusInternalServerError, CodeInternal, "internal error")
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(out)
}

// decodeBody parses a POST body; msg says what is wrong with a bad one.
func decodeBody(raw []byte) (req Request, msg string) {
	const shape = `the body must be a JSON object {"query": string, "variables": object, "operationName": string}`
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var b body
	if err := dec.Decode(&b); err != nil {
		return req, shape
	}
	if _, err := dec.Token(); err != io.EOF {
		return req, shape + ", and nothing after it"
	}
	if b.Query == nil {
		return req, `the body has no "query"`
	}
	req.Query = *b.Query
	req.Variables = b.Variables
	if b.OperationName != nil {
		req.OperationName = *b.OperationName
	}
	return req, ""
}

// isJSON reports whether a Content-Type is application/json in UTF-8.
func isJSON(ct string) bool {
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" {
		return false
	}
	cs, ok := params["charset"]
	return !ok || strings.EqualFold(cs, "utf-8")
}

func httpError(w http.ResponseWriter, status int, code, msg string) {
	out, _ := json.Marshal(Response{Errors: []Error{{Message: msg, Extensions: map[string]any{"code": code}}}})
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(out)
}
