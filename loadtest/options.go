package loadtest

import (
	"io"
	"net/url"
	"time"

	"github.com/jitsim/jitsim/jit"
)

// Options configure a load run. Zero values take the defaults listed.
type Options struct {
	// GatewayURL is the gateway's JIT endpoint (required).
	GatewayURL string
	// Username and Password are its HTTP Basic credentials (also used on
	// the adapter); none are sent when both are empty.
	Username, Password string
	// Pacer is the schedule (required unless FindMax is set).
	Pacer Pacer
	// Connections bounds the connections to the gateway (default 64).
	// Workers stay unbounded, so waiting for a connection is latency.
	Connections int
	// HTTP2 speaks HTTP/2: over TLS for https URLs, with prior knowledge
	// (h2c) for http URLs. Default HTTP/1.1.
	HTTP2 bool
	// Timeout is Marqeta's timeout_millis (default 3s): an answer later than
	// this, counted from the scheduled send time, is a decline.
	Timeout time.Duration
	// SLA is the --sla expression (default DefaultSLA(Timeout)).
	SLA string
	// Cardholders are the accounts to spend from, for a black-box gateway
	// (see ReadAccounts); when empty, Accounts new cardholders (default 100)
	// are made and, with AdapterURL, funded.
	Cardholders []Cardholder
	Accounts    int
	// AdapterURL is the gateway's GraphQL adapter: cardholders are funded
	// through it before each attack with exactly what the attack can hold.
	AdapterURL string
	// Reconcile checks every account through the adapter after the run.
	Reconcile bool
	// Seed makes the bodies replayable (same seed, same bytes). Two runs
	// against one gateway need different seeds, or the second is a replay.
	Seed uint64
	// Mix weighs the JIT methods (default DefaultMix).
	Mix Mix
	// PoolSize is how many distinct bodies are generated (default 4096);
	// longer runs reuse them with fresh tokens.
	PoolSize int
	// Name is the attack's name in the results file and plot (default
	// "jitsim"); give each node of a multi-machine run its own.
	Name string
	// Output receives vegeta's results (gob), Plot an HTML latency plot.
	Output, Plot io.Writer
	// Progress receives a progress line per second (nil: quiet).
	Progress io.Writer
	// FindMax, when set, searches for the highest rate that meets the SLA
	// instead of running Pacer.
	FindMax *FindMax
	// Warmup, when positive, first runs the first rate (the pacer's rate at
	// 0, or FindMax.Start) for this long, then pauses a second: fresh
	// connections, an empty journal and a cold heap do not count. Its
	// results are not reported, written or plotted; its holds are
	// reconciled.
	Warmup time.Duration
	// Start is the virtual time of the first generated message (default
	// now, to the second).
	Start time.Time
}

const (
	defaultConnections = 64
	defaultTimeout     = 3 * time.Second
	defaultAccounts    = 100
	defaultPoolSize    = 4096
	maxBody            = 4096 // a JIT answer is a few hundred bytes
	plotPoints         = 4000 // per series, as vegeta plot's default (LTTB keeps the peaks)
)

func (o *Options) defaults() error {
	if o.GatewayURL == "" {
		return jit.Errorf(jit.EINVALID, "gateway URL is required")
	}
	if u, err := url.Parse(o.GatewayURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return jit.Errorf(jit.EINVALID, "gateway URL %q is not an http(s) URL", o.GatewayURL)
	}
	if o.AdapterURL != "" {
		if u, err := url.Parse(o.AdapterURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return jit.Errorf(jit.EINVALID, "adapter URL %q is not an http(s) URL", o.AdapterURL)
		}
	}
	if o.Pacer == nil && o.FindMax == nil {
		return jit.Errorf(jit.EINVALID, "a pacer (rate and duration) is required")
	}
	if o.Reconcile && o.AdapterURL == "" {
		return jit.Errorf(jit.EINVALID, "reconcile needs the adapter URL")
	}
	if o.Connections < 0 || o.Timeout < 0 || o.Warmup < 0 || o.Accounts < 0 || o.PoolSize < 0 {
		return jit.Errorf(jit.EINVALID, "connections, timeout, accounts and pool size must not be negative")
	}
	if o.Connections == 0 {
		o.Connections = defaultConnections
	}
	if o.Timeout == 0 {
		o.Timeout = defaultTimeout
	}
	if o.SLA == "" {
		o.SLA = DefaultSLA(o.Timeout)
	}
	if o.Accounts == 0 {
		o.Accounts = defaultAccounts
	}
	if o.PoolSize == 0 {
		o.PoolSize = defaultPoolSize
	}
	if o.Mix == (Mix{}) {
		o.Mix = DefaultMix
	}
	if o.Name == "" {
		o.Name = "jitsim"
	}
	if o.Start.IsZero() {
		o.Start = time.Now().UTC().Truncate(time.Second)
	}
	return nil
}
