package fault

import (
	"context"
	"hash/fnv"
	"math/rand/v2"
	"time"

	"github.com/jitsim/jitsim/simulator"
	"github.com/jitsim/jitsim/simulator/clock"
	"github.com/jitsim/jitsim/simulator/webhook"
)

// Set is all the faults of one run, composed into the hooks the engine and
// its dispatcher take. It is safe for concurrent use, and deterministic
// when driven from one goroutine: the same seed, config and calls inject
// the same faults in the same places. A nil *Set injects nothing: its hooks
// pass everything through and its Stats are empty.
type Set struct {
	cfg      Config
	timeout  *Timeout
	conn     *ConnectionError
	server   *ServerError
	resend   *Resend
	down     *WebhookDown
	dup      *Duplicate
	reorder  *Reorder
	commando *Commando
}

// New returns the faults of c, seeded by seed, with outages timed on clk
// (clock.Real() when nil). Each fault gets its own *rand.Rand derived from
// seed and the fault's name, so turning one fault on or off, or changing
// its probability, does not change the others' draws. It returns c's
// Validate error (a *jit.Error with code EINVALID) for a bad config.
func New(c Config, seed uint64, clk clock.Clock) (*Set, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c = c.withDefaults()
	if clk == nil {
		clk = clock.Real()
	}
	return &Set{
		cfg:      c,
		timeout:  &Timeout{Probability: c.Timeout, Rand: stream(seed, NameTimeout)},
		conn:     &ConnectionError{Probability: c.ConnectionError, Rand: stream(seed, NameConnectionError)},
		server:   &ServerError{Probability: c.ServerError, Rand: stream(seed, NameServerError)},
		resend:   &Resend{Probability: c.JITResend, Rand: stream(seed, NameJITResend)},
		down:     &WebhookDown{Probability: c.WebhookDown, Rand: stream(seed, NameWebhookDown), For: time.Duration(c.WebhookDownFor), Clock: clk},
		dup:      &Duplicate{Probability: c.WebhookDuplicate, Rand: stream(seed, NameWebhookDuplicate)},
		reorder:  &Reorder{Probability: c.WebhookReorder, Rand: stream(seed, NameWebhookReorder), Window: c.ReorderWindow},
		commando: &Commando{Probability: c.Commando, Rand: stream(seed, NameCommando)},
	}, nil
}

// stream returns a fault's own generator: PCG seeded by the run's seed and
// the FNV-1a hash of the fault's name.
func stream(seed uint64, name string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(name))
	return rand.New(rand.NewPCG(seed, h.Sum64()))
}

// Config returns the configuration in force (defaults filled in).
func (s *Set) Config() Config {
	if s == nil {
		return Config{}
	}
	return s.cfg
}

// Intercept is the dispatcher's Options.Intercept: it reorders a flush
// (webhook_reorder) and marks batches to be delivered twice
// (webhook_duplicate; the copies are sent by WebhookTransport, which must
// be wired too). It never drops or adds a batch and never modifies the
// slice or events it is given.
func (s *Set) Intercept(batches []webhook.Batch) []webhook.Batch {
	if s == nil {
		return batches
	}
	batches = s.reorder.apply(batches)
	if s.dup.Probability > 0 {
		for _, b := range batches {
			s.dup.mark(b)
		}
	}
	return batches
}

// Around runs fn, one JIT-bearing network event on the funding source
// fundingSource, in manual Commando Mode with probability Commando: the
// source's commando mode (created if it has none) is turned on for the
// duration of fn and restored after. It returns fn's error, or a wrapped
// engine error if Commando Mode could not be turned on (fn then does not
// run) or restored, or ctx's error.
func (s *Set) Around(ctx context.Context, e *simulator.Engine, fundingSource string, fn func() error) error {
	if s == nil {
		return fn()
	}
	return s.commando.around(ctx, e, fundingSource, fn)
}

// Stats returns one Stat per configured fault (probability > 0), in the
// order of Config's fields.
func (s *Set) Stats() []Stat {
	if s == nil {
		return nil
	}
	all := []Stat{
		s.timeout.stat(NameTimeout, s.timeout.Probability),
		s.conn.stat(NameConnectionError, s.conn.Probability),
		s.server.stat(NameServerError, s.server.Probability),
		s.resend.stat(NameJITResend, s.resend.Probability),
		s.down.stat(NameWebhookDown, s.down.Probability),
		s.dup.stat(NameWebhookDuplicate, s.dup.Probability),
		s.reorder.stat(NameWebhookReorder, s.reorder.Probability),
		s.commando.stat(NameCommando, s.commando.Probability),
	}
	out := all[:0]
	for _, st := range all {
		if st.Configured > 0 {
			out = append(out, st)
		}
	}
	return out
}

// ResendMismatches lists JIT tokens whose repeated request got a different
// answer (status or body), with both answers; at most the first 1000.
func (s *Set) ResendMismatches() []Mismatch {
	if s == nil {
		return nil
	}
	m, _ := s.resend.Mismatches()
	return m
}

// Counts are the details behind Stats that a report may show.
type Counts struct {
	ResendMismatches  int64 `json:"resend_mismatches"`  // repeated JIT requests answered differently
	WebhookRefused    int64 `json:"webhook_refused"`    // webhook POSTs answered 503 by a down endpoint
	DuplicatesSent    int64 `json:"duplicates_sent"`    // duplicate webhook copies sent
	DuplicateRejected int64 `json:"duplicate_rejected"` // of those, answered other than 200
}

// Counts returns the details behind Stats.
func (s *Set) Counts() Counts {
	if s == nil {
		return Counts{}
	}
	_, mm := s.resend.Mismatches()
	sent, rej := s.dup.Copies()
	return Counts{ResendMismatches: mm, WebhookRefused: s.down.Refused(), DuplicatesSent: sent, DuplicateRejected: rej}
}
