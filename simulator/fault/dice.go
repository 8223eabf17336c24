package fault

import (
	"math/rand/v2"
	"sync"
)

// Fault names: the JSON names of Config, and Stat.Name.
const (
	NameTimeout          = "gateway_timeout"
	NameConnectionError  = "connection_error"
	NameServerError      = "gateway_5xx"
	NameJITResend        = "jit_resend"
	NameWebhookDown      = "webhook_down"
	NameWebhookDuplicate = "webhook_duplicate"
	NameWebhookReorder   = "webhook_reorder"
	NameCommando         = "commando_standin"
)

// Stat is one fault's configured and observed rate. Opportunities counts
// trigger units where the fault could take effect; Injected those where it
// did; Observed is Injected / Opportunities (0 with no opportunities).
type Stat struct {
	Name          string  `json:"name"`
	Configured    float64 `json:"configured"`
	Opportunities int64   `json:"opportunities"`
	Injected      int64   `json:"injected"`
	Observed      float64 `json:"observed"`
}

// dice is what every fault shares: its draws and its counters, under one
// lock. Each fault embeds one and keeps its own Probability and Rand.
type dice struct {
	mu                      sync.Mutex
	opportunities, injected int64
}

// roll draws once from r and reports whether the fault fires. A
// probability of 0 (or no Rand) never draws, so a fault that is off leaves
// its stream untouched; otherwise it draws exactly once a call.
func (d *dice) roll(p float64, r *rand.Rand) bool {
	if p <= 0 || r == nil {
		return false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return r.Float64() < p
}

// count records one opportunity and whether the fault was injected.
func (d *dice) count(injected bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.countLocked(injected)
}

func (d *dice) countLocked(injected bool) {
	d.opportunities++
	if injected {
		d.injected++
	}
}

// fire rolls and counts: for faults that take effect whenever they fire.
func (d *dice) fire(p float64, r *rand.Rand) bool {
	hit := d.roll(p, r)
	d.count(hit)
	return hit
}

// stat reports the counters under name with configured probability p.
func (d *dice) stat(name string, p float64) Stat {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := Stat{Name: name, Configured: p, Opportunities: d.opportunities, Injected: d.injected}
	if d.opportunities > 0 {
		s.Observed = float64(d.injected) / float64(d.opportunities)
	}
	return s
}
