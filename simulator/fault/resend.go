package fault

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"

	"github.com/jitsim/jitsim/jit"
)

// maxAnswer bounds how much of an answer the faults read (the engine reads
// at most 1 MiB too).
const maxAnswer = 1 << 20

// maxMismatches bounds the mismatches a Resend keeps; it counts them all.
const maxMismatches = 1000

// Resend is the JIT resend fault: per JIT request, the identical request
// (same body, same headers) is sent twice, one after the other; the engine
// gets the second answer. A gateway must answer a repeated JIT token
// identically (and book it once); answers that differ in status or body
// are recorded as Mismatches.
type Resend struct {
	Probability float64
	Rand        *rand.Rand // this fault's own stream
	dice

	mu         sync.Mutex
	mismatches []Mismatch
	mismatched int64
}

// Mismatch is a JIT token whose repeated request got a different answer.
type Mismatch struct {
	JITToken string `json:"jit_token"`
	First    Answer `json:"first"`
	Second   Answer `json:"second"`
}

// Answer is one answer to a JIT request: a status and body, or the error
// that stood in for them.
type Answer struct {
	Status int    `json:"status,omitempty"`
	Body   string `json:"body,omitempty"`
	Err    string `json:"error,omitempty"`
}

func (r *Resend) roll() bool { return r.dice.roll(r.Probability, r.Rand) }

// send sends req twice through next and returns the second answer, its
// body buffered.
func (r *Resend) send(next http.RoundTripper, req *http.Request) (*http.Response, error) {
	body, err := readBody(req)
	if err != nil {
		return nil, fmt.Errorf("fault %s: read request: %w", NameJITResend, err)
	}
	first := answer(next.RoundTrip(withBody(req, body)))
	resp, err := next.RoundTrip(withBody(req, body))
	second := answer(resp, err)
	if first != second {
		r.record(body, first, second)
	}
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader([]byte(second.Body)))
	return resp, nil
}

// record keeps a mismatch, naming the request's JIT token.
func (r *Resend) record(body []byte, first, second Answer) {
	var t jit.Transaction
	var tok string
	if json.Unmarshal(body, &t) == nil {
		if jf := t.JITFundingOf(); jf != nil {
			tok = jf.Token
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.mismatched++
	if len(r.mismatches) < maxMismatches {
		r.mismatches = append(r.mismatches, Mismatch{JITToken: tok, First: first, Second: second})
	}
}

// Mismatches returns the recorded mismatches (the first 1000) and how many
// there were in all.
func (r *Resend) Mismatches() ([]Mismatch, int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Mismatch(nil), r.mismatches...), r.mismatched
}

// answer reads a round trip's result fully and closes its body.
func answer(resp *http.Response, err error) Answer {
	if err != nil {
		return Answer{Err: err.Error()}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return Answer{Status: resp.StatusCode, Body: string(b), Err: err.Error()}
	}
	return Answer{Status: resp.StatusCode, Body: string(b)}
}

// readBody reads and closes req's body (nil for none).
func readBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	defer req.Body.Close()
	return io.ReadAll(req.Body)
}

// withBody returns a copy of req that sends body.
func withBody(req *http.Request, body []byte) *http.Request {
	c := req.Clone(req.Context())
	c.Body = io.NopCloser(bytes.NewReader(body))
	c.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	c.ContentLength = int64(len(body))
	return c
}
