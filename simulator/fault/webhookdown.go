package fault

import (
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/jitsim/jitsim/simulator/clock"
)

// WebhookDown is the webhook-endpoint-down fault: per webhook POST to an
// endpoint that is up, with Probability the endpoint goes down for For on
// the simulator's clock. Every POST to it in that window (the one that
// tripped it included) gets a 503 without reaching the gateway; the
// dispatcher retries on the clock and delivers once the window is over.
// Endpoints are told apart by URL (scheme, host and path).
type WebhookDown struct {
	Probability float64
	Rand        *rand.Rand // this fault's own stream
	For         time.Duration
	Clock       clock.Clock
	dice

	mu      sync.Mutex
	until   map[string]time.Time
	skipped int64
}

// downBody is the body of a 503 from a down endpoint.
const downBody = `{"error_message":"injected fault webhook_down: endpoint unavailable"}`

// down reports whether a POST to req's endpoint is refused now, rolling
// for a new outage when the endpoint is up.
func (w *WebhookDown) down(req *http.Request) bool {
	if w.Probability <= 0 {
		return false
	}
	key := req.URL.Scheme + "://" + req.URL.Host + req.URL.Path
	now := w.Clock.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	if now.Before(w.until[key]) {
		w.skipped++
		return true
	}
	if !w.fire(w.Probability, w.Rand) {
		return false
	}
	if w.until == nil {
		w.until = map[string]time.Time{}
	}
	w.until[key] = now.Add(w.For)
	w.skipped++
	return true
}

// Refused counts POSTs answered 503 without reaching the gateway.
func (w *WebhookDown) Refused() int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.skipped
}
