package fault

import (
	"crypto/sha256"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator/webhook"
)

// Duplicate is the duplicated-webhook fault: per batch handed to the
// dispatcher's Intercept (a first send or a retry), with Probability the
// batch is delivered twice: the same body POSTed twice in a row, the
// dispatcher getting the second answer. A gateway must answer 200 to both
// and apply the events once.
//
// Intercept only marks the batch, by the SHA-256 of the body the
// dispatcher will send, and the webhook transport sends a marked body twice
// when it reaches the gateway, so the copy goes out in the same attempt,
// back to back, as a network duplicate would. Both hooks must be wired.
// (The dispatcher also accepts a batch returned twice from Intercept and
// counts it once; this fault does not rely on that.)
type Duplicate struct {
	Probability float64
	Rand        *rand.Rand // this fault's own stream
	dice

	mu       sync.Mutex
	marks    map[[32]byte]struct{}
	sent     int64 // copies sent
	rejected int64 // copies the gateway did not answer 200
}

// mark rolls for b and, if it fires, marks its body for a second send.
func (d *Duplicate) mark(b webhook.Batch) {
	if !d.fire(d.Probability, d.Rand) {
		return
	}
	body, err := json.Marshal(jit.WebhookEnvelope{Transactions: b.Events})
	if err != nil {
		return // the dispatcher cannot send it either
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.marks == nil {
		d.marks = map[[32]byte]struct{}{}
	}
	d.marks[sha256.Sum256(body)] = struct{}{}
}

// marked reports whether any body waits for its second send.
func (d *Duplicate) marked() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.marks) > 0
}

// take unmarks body and reports whether it was marked.
func (d *Duplicate) take(body []byte) bool {
	sum := sha256.Sum256(body)
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.marks[sum]; !ok {
		return false
	}
	delete(d.marks, sum)
	return true
}

// send POSTs body twice through next and returns the second answer.
func (d *Duplicate) send(next http.RoundTripper, req *http.Request, body []byte) (*http.Response, error) {
	if resp, err := next.RoundTrip(withBody(req, body)); err == nil {
		io.Copy(io.Discard, io.LimitReader(resp.Body, maxAnswer))
		resp.Body.Close()
	}
	resp, err := next.RoundTrip(withBody(req, body))
	d.mu.Lock()
	d.sent++
	if err != nil || resp.StatusCode != http.StatusOK {
		d.rejected++
	}
	d.mu.Unlock()
	return resp, err
}

// Copies reports how many duplicate copies were sent and how many of them
// the gateway did not answer with 200 (a correct gateway answers 200 and
// applies nothing).
func (d *Duplicate) Copies() (sent, rejected int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.sent, d.rejected
}
