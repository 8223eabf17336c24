package run

import (
	"errors"
	"io"
	"net/url"
	"time"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator/traffic"
)

// ErrDrift is returned (wrapped) by Run when the reconciliation finds an
// account that differs from the oracle, or a broken invariant. The report
// is complete all the same.
var ErrDrift = errors.New("ledger drift")

// Defaults.
const (
	DefaultFlushEvery    = 10
	DefaultTimeoutMillis = 3000
	// drainSteps bounds the timers fired while draining webhooks (a
	// dispatcher retries an event at most 10 times).
	drainSteps = 10_000
)

// Config is one run against one gateway.
type Config struct {
	// Profile is the traffic (traffic.Default() for the built-in one).
	Profile traffic.Profile
	// GatewayURL is the gateway's JIT endpoint, WebhookURL its webhook
	// endpoint, AdapterURL its GraphQL adapter (design.md §4).
	GatewayURL, WebhookURL, AdapterURL string
	// Username and Password are the gateway's HTTP Basic credentials, for
	// all three. Marqeta requires a funding source password of 20–100
	// characters.
	Username, Password string
	// Accounts, when set, is black-box mode: the gateway already holds
	// these accounts (funded outside jitsim), AdapterURL is not used, the
	// profile's cardholders become these accounts, and balances are read
	// back by pgfs.balanceinquiry, with faults off.
	Accounts []Account
	// Transcript receives the run as JSON Lines (nil: none).
	Transcript io.Writer
	// Progress receives a progress bar (nil: quiet). Give it a terminal only.
	Progress io.Writer
	// FlushEvery delivers queued webhooks after this many messages
	// (DefaultFlushEvery when 0).
	FlushEvery int
	// Wall is the real clock used for pacing and the report's timings
	// (time.Now when nil).
	Wall func() time.Time
	// Workers, above 1, plays the traffic in that many independent lanes
	// at once against the same gateway (see lanes.go): each lane has its
	// own fake Marqeta, virtual clock, cardholders, faults and seed
	// (derived from the run's seed and the lane's index), and one oracle
	// reconciles them all. Each lane is deterministic on its own, but the
	// run as a whole is not byte-identical, so Transcript and Accounts
	// need one worker. 0 or 1: one lane, the byte-identical run.
	Workers int
	// Retain is how long the engine keeps a final transaction on the
	// virtual clock (simulator.Config.Retain): 0 chooses — off for runs of
	// at most LargeRun transactions, else the profile's longest reference
	// back plus a day (see retention); negative turns it off. Runs that
	// retain also bound the oracle's duplicate window and the dispatcher's
	// attempt log, for flat memory.
	Retain time.Duration
	// Tick, when set, is called after every step with the messages sent so
	// far (every lane's), from the goroutine that sent it, never
	// concurrently (tests, monitoring).
	Tick func(sent int64)
	// OnTime, when set, is called before every step with the virtual time
	// the step happens at, from the lane's goroutine (concurrently when
	// Workers > 1). An in-process gateway can take its clock from it, so
	// that its own expiry and retention follow the simulated days.
	OnTime func(virtual time.Time)
}

// LargeRun is the transaction count above which a run retains by default
// (Config.Retain); a run bounded by duration retains too.
const LargeRun = 20_000

// MaxWorkers bounds Config.Workers.
const MaxWorkers = 256

// retention is the engine retention for a run of p: Config.Retain when
// set, else none for a small run, else the longest a flow refers back to
// a final transaction (a refund names its clearing up to refund_delay
// later) plus a day.
func (c *Config) retention(p traffic.Profile) time.Duration {
	switch {
	case c.Retain < 0:
		return 0
	case c.Retain > 0:
		return c.Retain
	case p.Transactions > 0 && p.Transactions <= LargeRun:
		return 0
	}
	return time.Duration(p.RefundDelay.Max) + 24*time.Hour
}

func (c *Config) validate() error {
	urls := []struct{ name, v string }{{"gateway URL", c.GatewayURL}, {"webhook URL", c.WebhookURL}}
	if len(c.Accounts) == 0 {
		urls = append(urls, struct{ name, v string }{"adapter URL", c.AdapterURL})
	}
	for _, u := range urls {
		p, err := url.Parse(u.v)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return jit.Errorf(jit.EINVALID, "%s must be an http(s) URL, got %q", u.name, u.v)
		}
	}
	if c.Workers < 0 || c.Workers > MaxWorkers {
		return jit.Errorf(jit.EINVALID, "workers must be 0–%d, got %d", MaxWorkers, c.Workers)
	}
	if c.Workers > 1 {
		switch {
		case c.Transcript != nil:
			return jit.Errorf(jit.EINVALID, "a transcript needs one worker: lanes run concurrently, so the run is not byte-identical")
		case len(c.Accounts) > 0:
			return jit.Errorf(jit.EINVALID, "black-box accounts need one worker")
		case c.Profile.Cardholders.Count < c.Workers:
			return jit.Errorf(jit.EINVALID, "workers (%d) must not exceed cardholders (%d): each lane has its own", c.Workers, c.Profile.Cardholders.Count)
		case c.Profile.Transactions > 0 && c.Profile.Transactions < int64(c.Workers):
			return jit.Errorf(jit.EINVALID, "workers (%d) must not exceed transactions (%d)", c.Workers, c.Profile.Transactions)
		}
	}
	if c.FlushEvery < 0 {
		return jit.Errorf(jit.EINVALID, "flush every must not be negative, got %d", c.FlushEvery)
	}
	if c.FlushEvery == 0 {
		c.FlushEvery = DefaultFlushEvery
	}
	if c.Wall == nil {
		c.Wall = time.Now
	}
	return c.Profile.Validate()
}
