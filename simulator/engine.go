package simulator

import (
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator/clock"
	"github.com/jitsim/jitsim/simulator/webhook"
)

// Config configures an Engine.
type Config struct {
	// Clock is real or virtual time (clock.Real() when nil).
	Clock clock.Clock
	// Seed makes tokens and generated values replayable; 0 is a fixed
	// default, never a random seed.
	Seed uint64
	// HTTPClient calls gateways (a client without proxies when nil). Its
	// timeout is ignored: each call is bounded by the funding source's
	// timeout_millis.
	HTTPClient *http.Client
	// Webhooks tunes the dispatcher.
	Webhooks webhook.Options
	// Observe, when set, receives every exchange with the gateway and every
	// finished transaction, in order (transcripts, the oracle).
	Observe func(Observation)
	// Retain, when positive, bounds memory in long runs: the engine forgets
	// a transaction (and its authorization's lifecycle) once it is final
	// and was stored more than Retain ago on the engine's clock (see
	// retain.go). Forgotten transactions are ENOTFOUND. 0 keeps everything,
	// as the sandbox API needs.
	Retain time.Duration
}

// Observation is one thing that happened: a JIT exchange (Request and
// Outcome set) or a finished transaction queued as a webhook (Webhook set).
type Observation struct {
	At      time.Time
	Request *jit.Transaction // the JIT request as sent
	Outcome *Outcome         // how the network saw the gateway's answer
	Webhook *jit.Transaction // the transaction as the webhook carries it
}

// Engine is the fake Marqeta. Its methods are safe for concurrent use; for
// byte-identical replays, drive it from one goroutine.
type Engine struct {
	cfg      Config
	clock    clock.Clock
	client   *http.Client
	webhooks *webhook.Dispatcher

	mu          sync.Mutex
	tok         *tokens
	products    store[CardProduct]
	users       store[User]
	cards       store[Card]
	sources     store[FundingSource]
	commando    store[CommandoMode]
	hooks       store[Webhook]
	cmTrans     store[CommandoModeTransition] // POST /commandomodes/transitions history
	cardTrans   store[CardTransitionRecord]   // POST /cardtransitions history
	txns        store[jit.Transaction]
	chains      map[string]*chain                   // authorization token → its lifecycle
	refunds     map[string]*refundChain             // refund authorization token → its lifecycle
	targets     map[WebhookTarget]*targetDispatcher // legacy per-simulation webhook endpoints
	targetOrder []*targetDispatcher
	retired     retention // Config.Retain's queue (retain.go)
}

// New returns an empty engine.
func New(cfg Config) *Engine {
	if cfg.Clock == nil {
		cfg.Clock = clock.Real()
	}
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Transport: &http.Transport{
			Proxy:               nil,
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
			MaxIdleConnsPerHost: 256,
			IdleConnTimeout:     90 * time.Second,
		}}
	}
	return &Engine{
		cfg:       cfg,
		clock:     cfg.Clock,
		client:    client,
		webhooks:  webhook.New(cfg.Clock, cfg.Webhooks),
		tok:       newTokens(cfg.Seed),
		products:  newStore[CardProduct](),
		users:     newStore[User](),
		cards:     newStore[Card](),
		sources:   newStore[FundingSource](),
		commando:  newStore[CommandoMode](),
		hooks:     newStore[Webhook](),
		cmTrans:   newStore[CommandoModeTransition](),
		cardTrans: newStore[CardTransitionRecord](),
		txns:      newStore[jit.Transaction](),
		chains:    map[string]*chain{},
		refunds:   map[string]*refundChain{},
		targets:   map[WebhookTarget]*targetDispatcher{},
	}
}

// Clock returns the engine's clock.
func (e *Engine) Clock() clock.Clock { return e.clock }

// Webhooks returns the dispatcher, to flush, inspect attempts or ping.
func (e *Engine) Webhooks() *webhook.Dispatcher { return e.webhooks }

// Close stops the dispatchers (the registered webhooks' and the webhook
// targets').
func (e *Engine) Close() {
	e.webhooks.Close()
	e.closeTargets()
}

func (e *Engine) now() string { return e.clock.Now().UTC().Format(time.RFC3339) }

func (e *Engine) observe(o Observation) {
	if e.cfg.Observe != nil {
		o.At = e.clock.Now()
		e.cfg.Observe(o)
	}
}

// store is an insertion-ordered map of resources by token.
type store[T any] struct {
	byToken map[string]*T
	order   []string
	gone    int // tokens removed (retain.go) still in order
}

func newStore[T any]() store[T] { return store[T]{byToken: map[string]*T{}} }

func (s *store[T]) get(tok string) (*T, bool) {
	v, ok := s.byToken[tok]
	return v, ok
}

func (s *store[T]) put(tok string, v *T) {
	if _, ok := s.byToken[tok]; !ok {
		s.order = append(s.order, tok)
	}
	s.byToken[tok] = v
}

// list returns the values in insertion order that keep returns true for.
func (s *store[T]) list(keep func(*T) bool) []*T {
	var out []*T
	for _, tok := range s.order {
		if v, ok := s.byToken[tok]; ok && (keep == nil || keep(v)) {
			out = append(out, v)
		}
	}
	return out
}
