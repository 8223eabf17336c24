package harness

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jitsim/jitsim/adapter"
	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator"
	"github.com/jitsim/jitsim/simulator/clock"
	"github.com/jitsim/jitsim/simulator/webhook"
)

// Config configures a World.
type Config struct {
	// Target is the gateway under test.
	Target Target
	// Seed makes the scenario's tokens and messages replayable. Scenarios
	// that run against one gateway at the same time need different seeds:
	// cardholder, card and transaction tokens all derive from it.
	Seed uint64
	// Accounts hands out pre-funded accounts in black-box mode (required
	// when Target has no AdapterURL).
	Accounts *AccountPool
	// Start is the virtual clock's start (2026-11-01 12:00 UTC when zero).
	Start time.Time
}

// Cardholder is a user with one active card.
type Cardholder struct {
	Name      string
	UserToken string
	CardToken string
	Currency  string
	// Funded is what the account held when the scenario took it.
	Funded int64
}

// Event is what came of one action.
type Event struct {
	// Action names it ("authorization", "clearing", ...).
	Action string
	// Txn is the transaction as the webhook carries it.
	Txn *jit.Transaction
	// Outcome is how the network saw the gateway's answer, for the events
	// that ask the gateway (nil for webhook-only events).
	Outcome *simulator.Outcome
	// Holder is the cardholder it concerns.
	Holder *Cardholder
}

// World is one scenario's fake Marqeta, wired to the gateway under test.
// Its methods are meant to be called from one goroutine at a time.
type World struct {
	cfg     Config
	target  Target
	clock   *clock.Virtual
	engine  *simulator.Engine
	adapter *adapter.Client
	log     Log
	prefix  string

	source, hook, product string
	commando              string
	proxy                 *proxy

	mu       sync.Mutex
	outcomes map[string]*simulator.Outcome // transaction token → JIT outcome
	requests map[string]*jit.Transaction   // transaction token → JIT request as sent
	lastReq  string                        // token of the latest JIT request
	delivery delivery                      // how the next flush delivers
	sent     []webhook.Batch               // what the latest flush sent

	holders map[string]*Cardholder
	first   *Cardholder
	events  map[string]*Event
	last    *Event
	hold    bool // webhooks wait for DeliverWebhooks
	marks   int  // attempts already looked at
	seq     int  // raw request tokens
}

// New builds a World: a fake Marqeta with a program gateway funding source
// and a webhook pointing at the target, and a card product using them.
// It returns a *jit.Error with code EINVALID for a bad Target or a
// black-box Target without Accounts.
func New(cfg Config) (*World, error) {
	if err := cfg.Target.Validate(); err != nil {
		return nil, err
	}
	if cfg.Target.BlackBox() && cfg.Accounts == nil {
		return nil, jit.Errorf(jit.EINVALID, "black-box mode (no adapter URL) needs pre-funded accounts")
	}
	if cfg.Start.IsZero() {
		cfg.Start = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	}
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	if cfg.Target.TimeoutMillis == 0 {
		cfg.Target.TimeoutMillis = 1000
	}
	w := &World{
		cfg: cfg, target: cfg.Target,
		clock:    clock.NewVirtual(cfg.Start),
		prefix:   fmt.Sprintf("%012x", cfg.Seed&0xffffffffffff),
		outcomes: map[string]*simulator.Outcome{},
		requests: map[string]*jit.Transaction{},
		holders:  map[string]*Cardholder{},
		events:   map[string]*Event{},
	}
	if !cfg.Target.BlackBox() {
		w.adapter = &adapter.Client{URL: cfg.Target.AdapterURL, Username: cfg.Target.Username, Password: cfg.Target.Password, HTTP: cfg.Target.client()}
	}
	w.engine = simulator.New(simulator.Config{
		Clock: w.clock, Seed: cfg.Seed, Observe: w.observe,
		Webhooks: webhook.Options{Intercept: w.intercept, Client: cfg.Target.client()},
	})
	if err := w.setup(); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

func (w *World) setup() error {
	t := w.target
	src, err := w.engine.CreateFundingSource(simulator.FundingSource{
		Name: "jitsim conformance", URL: t.JITURL, BasicAuthUsername: t.Username, BasicAuthPassword: t.Password, TimeoutMillis: t.TimeoutMillis,
	})
	if err != nil {
		return fmt.Errorf("funding source: %w", err)
	}
	w.source = src.Token
	hook, err := w.engine.CreateWebhook(w.webhookSpec(t.Password))
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	w.hook = hook.Token
	prod, err := w.engine.CreateCardProduct(simulator.CardProduct{Name: "JIT conformance", StartDate: "2026-01-01", Config: &simulator.CardProductConfig{
		CardLifeCycle: &simulator.CardLifeCycle{ActivateUponIssue: jit.Bool(true)},
		JITFunding:    &simulator.JITFundingCfg{ProgramGatewayFundingSource: &simulator.ProgramGatewayJIT{Enabled: jit.Bool(true), FundingSourceToken: src.Token}},
	}})
	if err != nil {
		return fmt.Errorf("card product: %w", err)
	}
	w.product = prod.Token
	return nil
}

func (w *World) webhookSpec(password string) simulator.Webhook {
	return simulator.Webhook{Name: "jitsim conformance", Events: []string{"transaction.*"}, Config: simulator.WebhookConfig{
		URL: w.target.WebhookURL, BasicAuthUsername: w.target.Username, BasicAuthPassword: password, Secret: w.target.WebhookSecret,
	}}
}

// Close stops the engine and the delaying proxy, if one was started.
func (w *World) Close() {
	w.engine.Close()
	if w.proxy != nil {
		w.proxy.close()
	}
}

// Engine returns the fake Marqeta, for callers that need a flow the World
// does not wrap.
func (w *World) Engine() *simulator.Engine { return w.engine }

// Clock returns the World's virtual clock.
func (w *World) Clock() *clock.Virtual { return w.clock }

// Log returns the message log.
func (w *World) Log() *Log { return &w.log }

// Last returns the latest event, or nil.
func (w *World) Last() *Event { return w.last }

// BlackBox reports whether balances are read by balance inquiry.
func (w *World) BlackBox() bool { return w.target.BlackBox() }

// observe receives the engine's exchanges. It runs with the engine's lock
// held for webhooks, so it must not call the engine.
func (w *World) observe(o simulator.Observation) {
	switch {
	case o.Request != nil:
		w.mu.Lock()
		w.outcomes[o.Request.Token] = o.Outcome
		w.requests[o.Request.Token] = o.Request
		w.lastReq = o.Request.Token
		w.mu.Unlock()
		w.log.Addf("Marqeta → gateway: %s ⇒ %s", describeRequest(o.Request), describeOutcome(o.Outcome))
	case o.Webhook != nil:
		w.log.Addf("network outcome, webhook queued: %s", describeEvent(o.Webhook))
	}
}

// Cardholder returns a cardholder by name ("" is the first one). It returns
// a *jit.Error with code EINVALID when there is none by that name.
func (w *World) Cardholder(name string) (*Cardholder, error) {
	if name == "" {
		if w.first == nil {
			return nil, jit.Errorf(jit.EINVALID, "no cardholder yet: a scenario starts with one")
		}
		return w.first, nil
	}
	h, ok := w.holders[name]
	if !ok {
		return nil, jit.Errorf(jit.EINVALID, "no cardholder named %q", name)
	}
	return h, nil
}

// AddCardholder creates a user and an active card, and funds the account
// with funds (adapter credit), or in black-box mode takes an unused
// pre-funded account holding exactly funds and checks its balance by
// inquiry. It returns ErrNoAccount (wrapped) when black-box mode has no such
// account.
func (w *World) AddCardholder(ctx context.Context, name, funds string) (*Cardholder, error) {
	if _, dup := w.holders[name]; dup || (name == "" && w.first != nil) {
		return nil, jit.Errorf(jit.EINVALID, "cardholder %q already exists", name)
	}
	cur := jit.DefaultCurrency
	amount, err := parseMinor(funds, cur)
	if err != nil {
		return nil, err
	}
	n := len(w.holders) + 1
	user := fmt.Sprintf("u-%s-%d", w.prefix, n)
	if w.BlackBox() {
		acct, err := w.cfg.Accounts.Claim(cur, amount)
		if err != nil {
			return nil, fmt.Errorf("cardholder with %s: %w", FormatMoney(amount, cur), err)
		}
		user = acct.UserToken
	}
	u, err := w.engine.CreateUser(simulator.User{Token: user, FirstName: firstNonEmpty(name, "Cardholder")})
	if err != nil {
		return nil, fmt.Errorf("create user: %w", err)
	}
	c, err := w.engine.CreateCard(simulator.Card{Token: fmt.Sprintf("c-%s-%d", w.prefix, n), UserToken: u.Token, CardProductToken: w.product})
	if err != nil {
		return nil, fmt.Errorf("create card: %w", err)
	}
	h := &Cardholder{Name: name, UserToken: u.Token, CardToken: c.Token, Currency: cur, Funded: amount}
	w.holders[name] = h
	if w.first == nil {
		w.first = h
	}
	if w.BlackBox() {
		w.log.Addf("black-box: cardholder %q uses pre-funded account %s (%s)", name, user, FormatMoney(amount, cur))
		return h, w.ExpectBalances(ctx, name, Balances{Available: amount, Ledger: amount})
	}
	if amount > 0 {
		if err := w.credit(ctx, h, amount, "fund-"+user); err != nil {
			return nil, err
		}
	}
	return h, nil
}

// Credit funds a cardholder's account through the adapter with an
// idempotency key ("" makes a fresh one). It returns a *jit.Error with code
// EINVALID in black-box mode.
func (w *World) Credit(ctx context.Context, name, amount, key string) error {
	h, err := w.Cardholder(name)
	if err != nil {
		return err
	}
	if w.BlackBox() {
		return jit.Errorf(jit.EINVALID, "crediting an account needs the gateway's adapter")
	}
	m, err := parseMinor(amount, h.Currency)
	if err != nil {
		return err
	}
	if key == "" {
		key = fmt.Sprintf("credit-%s-%d", h.UserToken, len(w.log.Lines()))
	}
	return w.credit(ctx, h, m, key)
}

func (w *World) credit(ctx context.Context, h *Cardholder, amount int64, key string) error {
	a, err := w.adapter.Credit(ctx, h.UserToken, h.Currency, amount, key)
	if err != nil {
		w.log.Addf("adapter credit %s to %s (key %s) ⇒ error %v", FormatMoney(amount, h.Currency), h.UserToken, key, err)
		return fmt.Errorf("adapter credit %s to %s: %w", FormatMoney(amount, h.Currency), h.UserToken, err)
	}
	w.log.Addf("adapter credit %s to %s (key %s) ⇒ %s", FormatMoney(amount, h.Currency), h.UserToken, key,
		Balances{a.Available, a.Ledger, a.Pending}.format(h.Currency))
	return nil
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
