// Package webhook is Marqeta's transaction webhook dispatcher: events
// batched by type (up to 10 a message), HTTP Basic auth, an optional
// X-Marqeta-Signature (hex HMAC-SHA256 or SHA-1 of the raw body), 10
// retries waiting 4 s, 16 s, 64 s, … on the simulator's clock, at-least-once
// delivery, and every attempt recorded.
//
// Sends are sequential and deterministic: the same calls and the same
// answers produce the same requests in the same order, byte for byte.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator/clock"
)

// Endpoint is a webhook receiver.
type Endpoint struct {
	Token, Name, URL   string
	Username, Password string
	Secret             string // signs bodies when set
	Algorithm          string // "sha256" (default) or "sha1"
	CustomHeaders      map[string]string
	Events             []string // "*", "transaction.*" or exact transaction types
	Active             bool
}

func (e *Endpoint) wants(typ string) bool {
	for _, p := range e.Events {
		if p == "*" || p == "transaction.*" || p == typ || strings.HasSuffix(p, ".*") && strings.HasPrefix(typ, strings.TrimSuffix(p, "*")) {
			return true
		}
	}
	return false
}

// Options tune a Dispatcher; zero values take the defaults.
type Options struct {
	MaxBatch        int           // events a message, 10
	Retries         int           // 10
	FirstBackoff    time.Duration // 4 s, then ×4
	BatchWindow     time.Duration // how long an event waits for more of its type; 0: until Flush
	Client          *http.Client  // 10 s timeout, no proxy
	MaxAttemptsKept int           // 100000
	// Intercept may rewrite the batches about to be sent (fault injection):
	// reorder them, drop events from them, or return a batch more than
	// once. A batch returned again (same ID) is sent again and recorded as
	// an attempt, but counts once: it neither delivers nor retries twice.
	Intercept func(batches []Batch) []Batch
}

// Batch is one message's worth of events of one type for one endpoint.
type Batch struct {
	ID       string
	Endpoint string
	Type     string
	Events   []jit.Transaction
	try      int
}

// Attempt is one delivery attempt.
type Attempt struct {
	ID        int64         `json:"id"`
	BatchID   string        `json:"batch_id"`
	Endpoint  string        `json:"endpoint"`
	Type      string        `json:"type"`
	Tokens    []string      `json:"tokens"`
	Try       int           `json:"try"`
	At        time.Time     `json:"at"`
	Status    int           `json:"status"`
	Duration  time.Duration `json:"duration"`
	Err       string        `json:"error,omitempty"`
	NextRetry time.Time     `json:"next_retry,omitempty"`
	Delivered bool          `json:"delivered"`
}

// Stats are running totals.
type Stats struct {
	Enqueued, Batches, Attempts, Delivered, GaveUp, RetriesPending int
}

// Dispatcher queues and delivers webhooks.
type Dispatcher struct {
	clock clock.Clock
	opts  Options

	mu        sync.Mutex
	send      sync.Mutex // one send pass at a time
	endpoints map[string]*Endpoint
	order     []string
	queue     []Batch // open batches, in order of their first event
	retries   []Batch // due for another try
	attempts  []Attempt
	nextID    int64
	batchSeq  int
	stats     Stats
	pending   int
	scheduled bool
	closed    bool
}

// New returns a dispatcher on clock c.
func New(c clock.Clock, opts Options) *Dispatcher {
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = 10
	}
	if opts.Retries <= 0 {
		opts.Retries = 10
	}
	if opts.FirstBackoff <= 0 {
		opts.FirstBackoff = 4 * time.Second
	}
	if opts.Client == nil {
		opts.Client = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{Proxy: nil}}
	}
	if opts.MaxAttemptsKept <= 0 {
		opts.MaxAttemptsKept = 100000
	}
	return &Dispatcher{clock: c, opts: opts, endpoints: map[string]*Endpoint{}}
}

// SetEndpoint adds or replaces an endpoint by token.
func (d *Dispatcher) SetEndpoint(e Endpoint) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.endpoints[e.Token]; !ok {
		d.order = append(d.order, e.Token)
	}
	d.endpoints[e.Token] = &e
}

// RemoveEndpoint stops delivering to an endpoint.
func (d *Dispatcher) RemoveEndpoint(token string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.endpoints, token)
}

// Enqueue queues t for every active endpoint that wants its type.
func (d *Dispatcher) Enqueue(t jit.Transaction) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return
	}
	for _, tok := range d.order {
		ep := d.endpoints[tok]
		if ep == nil || !ep.Active || !ep.wants(t.Type) {
			continue
		}
		d.stats.Enqueued++
		d.pending++
		placed := false
		for i := range d.queue {
			b := &d.queue[i]
			if b.Endpoint == tok && b.Type == t.Type && len(b.Events) < d.opts.MaxBatch {
				b.Events = append(b.Events, t)
				placed = true
				break
			}
		}
		if !placed {
			d.batchSeq++
			d.queue = append(d.queue, Batch{ID: fmt.Sprintf("batch-%d", d.batchSeq), Endpoint: tok, Type: t.Type, Events: []jit.Transaction{t}})
		}
	}
	if d.opts.BatchWindow > 0 && !d.scheduled && len(d.queue) > 0 {
		d.scheduled = true
		d.clock.AfterFunc(d.opts.BatchWindow, func() { d.Flush(context.Background()) })
	}
}

// Flush sends every queued batch now, in order. Failed batches are retried
// later on the clock. The error is ctx's, if it ends first.
func (d *Dispatcher) Flush(ctx context.Context) error {
	d.mu.Lock()
	batches := d.queue
	d.queue, d.scheduled = nil, false
	d.mu.Unlock()
	return d.deliver(ctx, batches)
}

func (d *Dispatcher) deliver(ctx context.Context, batches []Batch) error {
	if d.opts.Intercept != nil && len(batches) > 0 {
		batches = d.opts.Intercept(batches)
	}
	d.send.Lock()
	defer d.send.Unlock()
	sent := make(map[string]bool, len(batches))
	for i, b := range batches {
		if err := ctx.Err(); err != nil {
			// Not sent: back to the front of the queue, in order, for the
			// next Flush. At-least-once delivery never drops a batch.
			// A batch already sent, or listed twice, goes back once.
			var rest []Batch
			for _, r := range batches[i:] {
				if !sent[r.ID] {
					rest = append(rest, r)
					sent[r.ID] = true
				}
			}
			d.mu.Lock()
			d.queue = append(rest, d.queue...)
			d.mu.Unlock()
			return err
		}
		d.attempt(ctx, b, sent[b.ID])
		sent[b.ID] = true
	}
	return nil
}

// attempt sends one batch once and records it; a failure schedules a retry.
// again marks a batch Intercept returned a second time: it is sent and
// recorded, but its outcome moves no counts and schedules no retry.
func (d *Dispatcher) attempt(ctx context.Context, b Batch, again bool) {
	d.mu.Lock()
	ep := d.endpoints[b.Endpoint]
	d.mu.Unlock()
	b.try++
	a := Attempt{BatchID: b.ID, Endpoint: b.Endpoint, Type: b.Type, Try: b.try, At: d.clock.Now()}
	for _, t := range b.Events {
		a.Tokens = append(a.Tokens, t.Token)
	}
	if ep == nil {
		a.Err = "endpoint removed"
	} else {
		body, _ := json.Marshal(jit.WebhookEnvelope{Transactions: b.Events})
		start := time.Now()
		a.Status, a.Err = post(ctx, d.opts.Client, ep, body)
		a.Duration = time.Since(start)
	}
	a.Delivered = a.Status == http.StatusOK
	d.mu.Lock()
	defer d.mu.Unlock()
	d.stats.Attempts++
	if b.try == 1 && !again {
		d.stats.Batches++
	}
	switch {
	case again:
	case a.Delivered:
		d.stats.Delivered++
		d.pending -= len(b.Events)
	case b.try > d.opts.Retries:
		d.stats.GaveUp++
		d.pending -= len(b.Events)
	default:
		wait := d.opts.FirstBackoff
		for i := 1; i < b.try; i++ {
			wait *= 4
		}
		a.NextRetry = a.At.Add(wait)
		d.stats.RetriesPending++
		d.clock.AfterFunc(wait, func() {
			d.mu.Lock()
			d.stats.RetriesPending--
			d.mu.Unlock()
			d.deliver(context.Background(), []Batch{b})
		})
	}
	d.nextID++
	a.ID = d.nextID
	d.attempts = append(d.attempts, a)
	if len(d.attempts) > d.opts.MaxAttemptsKept {
		d.attempts = d.attempts[len(d.attempts)-d.opts.MaxAttemptsKept:]
	}
}

func post(ctx context.Context, c *http.Client, ep *Endpoint, body []byte) (int, string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.URL, bytes.NewReader(body))
	if err != nil {
		return 0, err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range ep.CustomHeaders {
		req.Header.Set(k, v)
	}
	req.SetBasicAuth(ep.Username, ep.Password)
	if ep.Secret != "" {
		req.Header.Set("X-Marqeta-Signature", Sign(ep.Algorithm, ep.Secret, body))
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, "HTTP " + resp.Status
	}
	return resp.StatusCode, ""
}

// Sign returns the hex HMAC of body with secret: SHA-1 for algorithm
// "sha1", SHA-256 otherwise.
func Sign(algorithm, secret string, body []byte) string {
	var h func() hash.Hash = sha256.New
	if strings.EqualFold(algorithm, "sha1") {
		h = sha1.New
	}
	m := hmac.New(h, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Ping sends Marqeta's health check to an endpoint. It returns an *jit.Error
// with code ENOTFOUND for an unknown endpoint; a failed ping is an Attempt
// that was not delivered, not an error.
func (d *Dispatcher) Ping(ctx context.Context, token string) (Attempt, error) {
	d.mu.Lock()
	ep := d.endpoints[token]
	d.mu.Unlock()
	if ep == nil {
		return Attempt{}, jit.Errorf(jit.ENOTFOUND, "webhook %s not found", token)
	}
	body := []byte(`{"pings":[{"token":"marqeta","payload":"healthcheck"}]}`)
	a := Attempt{Endpoint: token, Type: "ping", Try: 1, At: d.clock.Now()}
	start := time.Now()
	a.Status, a.Err = post(ctx, d.opts.Client, ep, body)
	a.Duration, a.Delivered = time.Since(start), a.Status == http.StatusOK
	d.mu.Lock()
	d.nextID++
	a.ID = d.nextID
	d.attempts = append(d.attempts, a)
	d.mu.Unlock()
	return a, nil
}

// Attempts lists delivery attempts to an endpoint ("" for all), oldest first.
func (d *Dispatcher) Attempts(token string) []Attempt {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []Attempt
	for _, a := range d.attempts {
		if token == "" || a.Endpoint == token {
			out = append(out, a)
		}
	}
	return out
}

// Stats returns running totals.
func (d *Dispatcher) Stats() Stats {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.stats
}

// Pending counts events neither delivered nor given up on.
func (d *Dispatcher) Pending() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.pending
}

// Close drops what is queued and stops taking events.
func (d *Dispatcher) Close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed, d.queue = true, nil
}
