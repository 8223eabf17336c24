package fault

import (
	"encoding/json"
	"math"
	"time"

	"github.com/jitsim/jitsim/jit"
)

// Defaults applied by New to zero values.
const (
	DefaultWebhookDownFor = 30 * time.Second
	DefaultReorderWindow  = 4
)

// Config is the fault part of a traffic profile: one probability (0..1) a
// fault, per its trigger unit (see the package doc), and two tunings.
// Zero values turn a fault off.
type Config struct {
	// Timeout: per JIT request, forward it (the gateway may book), then the
	// answer "arrives too late": an error wrapping context.DeadlineExceeded,
	// at once, so the engine classifies OutcomeTimeout.
	Timeout float64 `json:"gateway_timeout"`
	// ConnectionError: per JIT request, do not forward; fail with a
	// *net.OpError wrapping syscall.ECONNREFUSED.
	ConnectionError float64 `json:"connection_error"`
	// ServerError: per JIT request, forward (the gateway may book), then
	// replace the answer with a 500 and a JSON error body.
	ServerError float64 `json:"gateway_5xx"`
	// JITResend: per JIT request, send the identical request twice; the
	// engine gets the second answer; differing answers are recorded.
	JITResend float64 `json:"jit_resend"`
	// WebhookDown: per webhook POST while the endpoint is up, take it down
	// for WebhookDownFor on the simulator's clock (503s, gateway not reached).
	WebhookDown float64 `json:"webhook_down"`
	// WebhookDownFor is how long an outage lasts (DefaultWebhookDownFor when 0).
	WebhookDownFor Duration `json:"webhook_down_for"`
	// WebhookDuplicate: per batch, deliver it twice.
	WebhookDuplicate float64 `json:"webhook_duplicate"`
	// WebhookReorder: per flush of two or more batches, permute batches
	// within windows of ReorderWindow, and the events within each batch.
	WebhookReorder float64 `json:"webhook_reorder"`
	// ReorderWindow bounds how far a batch moves (DefaultReorderWindow when 0).
	ReorderWindow int `json:"reorder_window"`
	// Commando: per JIT-bearing network event, manual Commando Mode on for
	// that event (the gateway is not called; the network approves as
	// COMMANDO_MANUAL; the gateway learns from the webhook).
	Commando float64 `json:"commando_standin"`
}

// probabilities lists the configured probabilities in the fixed order of
// Stats, with their JSON names.
func (c Config) probabilities() []struct {
	name string
	p    float64
} {
	return []struct {
		name string
		p    float64
	}{
		{NameTimeout, c.Timeout},
		{NameConnectionError, c.ConnectionError},
		{NameServerError, c.ServerError},
		{NameJITResend, c.JITResend},
		{NameWebhookDown, c.WebhookDown},
		{NameWebhookDuplicate, c.WebhookDuplicate},
		{NameWebhookReorder, c.WebhookReorder},
		{NameCommando, c.Commando},
	}
}

// Validate checks c. It returns a *jit.Error with code EINVALID naming the
// field (by its JSON name) for a probability outside [0,1] (or NaN), a
// negative webhook_down_for or a negative reorder_window.
func (c Config) Validate() error {
	for _, f := range c.probabilities() {
		if math.IsNaN(f.p) || f.p < 0 || f.p > 1 {
			return jit.Errorf(jit.EINVALID, "%s must be a probability between 0 and 1, got %v", f.name, f.p)
		}
	}
	if c.WebhookDownFor < 0 {
		return jit.Errorf(jit.EINVALID, "webhook_down_for must not be negative, got %s", time.Duration(c.WebhookDownFor))
	}
	if c.ReorderWindow < 0 {
		return jit.Errorf(jit.EINVALID, "reorder_window must not be negative, got %d", c.ReorderWindow)
	}
	return nil
}

// withDefaults fills zero tunings.
func (c Config) withDefaults() Config {
	if c.WebhookDownFor == 0 {
		c.WebhookDownFor = Duration(DefaultWebhookDownFor)
	}
	if c.ReorderWindow == 0 {
		c.ReorderWindow = DefaultReorderWindow
	}
	return c
}

// Duration is a time.Duration that reads and writes JSON as a Go duration
// string ("30s", "1m30s").
type Duration time.Duration

// MarshalJSON writes d as a duration string.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON reads a duration string. It returns a *jit.Error with code
// EINVALID for anything else (a number, a malformed string).
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return jit.Errorf(jit.EINVALID, "duration must be a string like \"30s\", got %.40s", b)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return jit.Errorf(jit.EINVALID, "bad duration %q: %w", s, err)
	}
	*d = Duration(v)
	return nil
}
