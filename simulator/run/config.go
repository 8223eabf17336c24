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
