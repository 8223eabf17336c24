package fault

import (
	"bytes"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
)

// ServerError is the gateway 5xx fault: per JIT request, the request is
// forwarded (the gateway may book a hold), then its answer is replaced with
// a 500 and a JSON error body, which the engine classifies as
// OutcomeApplicationError (a decline the gateway must learn from the
// webhook).
type ServerError struct {
	Probability float64
	Rand        *rand.Rand // this fault's own stream
	dice
}

// serverErrorBody is the body of an injected 500.
const serverErrorBody = `{"error_code":"500","error_message":"injected fault gateway_5xx"}`

func (s *ServerError) roll() bool { return s.dice.roll(s.Probability, s.Rand) }

// replace discards the gateway's answer and returns a 500 in its place. A
// round trip that failed on its own keeps its own error.
func (s *ServerError) replace(req *http.Request, resp *http.Response, err error) (*http.Response, error) {
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, maxAnswer))
	resp.Body.Close()
	return synthetic(req, http.StatusInternalServerError, serverErrorBody), nil
}

// synthetic builds a response to req with status and a JSON body.
func synthetic(req *http.Request, status int, body string) *http.Response {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	return &http.Response{
		Status:        strconv.Itoa(status) + " " + http.StatusText(status),
		StatusCode:    status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          io.NopCloser(bytes.NewReader([]byte(body))),
		ContentLength: int64(len(body)),
		Request:       req,
	}
}
