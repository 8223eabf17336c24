package run

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/jitsim/jitsim/adapter"
	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator"
	"github.com/jitsim/jitsim/simulator/clock"
	"github.com/jitsim/jitsim/simulator/fault"
	"github.com/jitsim/jitsim/simulator/oracle"
	"github.com/jitsim/jitsim/simulator/traffic"
	"github.com/jitsim/jitsim/simulator/transcript"
	"github.com/jitsim/jitsim/simulator/webhook"
)

// world is everything one run wires together.
type world struct {
	cfg     Config
	p       traffic.Profile
	clock   *clock.Virtual
	engine  *simulator.Engine
	faults  *fault.Set
	oracle  *oracle.Oracle
	script  *transcript.Writer
	adapter *adapter.Client
	gen     *traffic.Generator
	source  string   // funding source token
	cards   []string // one per cardholder, by index
	users   []string
	stats   *stats
	jit     *switchable // faults on the JIT client, off to reconcile
	// reconciling stops counting: the black-box inquiries are not traffic.
	reconciling bool
	lag         time.Duration // the furthest a paced run fell behind its schedule
	ticked      int64         // messages already passed to the ticker
}

// transport is the HTTP transport to the gateway: no proxies, enough idle
// connections for one sequential caller and the dispatcher.
func transport() *http.Transport {
	return &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConnsPerHost: 16,
		IdleConnTimeout:     90 * time.Second,
	}
}

// webhookOptions sends webhooks through the faults. A retaining run keeps
// a short attempt log.
func webhookOptions(f *fault.Set, retain bool) webhook.Options {
	o := webhook.Options{
		Client:    &http.Client{Transport: f.WebhookTransport(transport()), Timeout: 10 * time.Second},
		Intercept: f.Intercept,
	}
	if retain {
		o.MaxAttemptsKept = 1024
	}
	return o
}

// shared is what every lane of a run shares.
type shared struct {
	oracle    *oracle.Oracle
	latencies *sampler
	retain    time.Duration // the engines' Config.Retain
}

// newShared builds the oracle and the latency sampler for a run of p. A
// retaining run bounds the oracle's duplicate window (the engine emits
// every transaction once, so duplicates come right after their original)
// and keeps a shorter history per account.
func newShared(cfg Config, p traffic.Profile) *shared {
	sh := &shared{latencies: newSampler(p.Seed), retain: cfg.retention(p)}
	opts := oracle.Options{LaggedWebhooks: true, HistoryLimit: 200}
	if sh.retain > 0 {
		opts.DedupeWindow, opts.HistoryLimit = 1<<16, 20
	}
	sh.oracle = oracle.New(opts)
	return sh
}

// profile is cfg's profile with the run's defaults filled in.
func profile(cfg Config) traffic.Profile {
	p := cfg.Profile
	if p.Seed == 0 {
		p.Seed = 1
	}
	if p.TimeoutMillis == 0 {
		p.TimeoutMillis = DefaultTimeoutMillis
	}
	if len(cfg.Accounts) > 0 {
		p.Cardholders.Count = len(cfg.Accounts)
	}
	return p
}

// build creates a lane's engine, faults and generator for profile p.
func build(cfg Config, p traffic.Profile, sh *shared) (*world, error) {
	gen, err := traffic.New(p)
	if err != nil {
		return nil, err
	}
	if len(cfg.Accounts) > 0 {
		b := make([]int64, len(cfg.Accounts))
		for i, a := range cfg.Accounts {
			if b[i], err = a.Balance.Minor(p.Currency); err != nil {
				return nil, fmt.Errorf("account %s: %w", a.Token, err)
			}
		}
		if err := gen.SetBalances(b); err != nil {
			return nil, err
		}
	}
	w := &world{cfg: cfg, p: p, gen: gen, stats: newStats(sh.latencies), oracle: sh.oracle}
	w.clock = clock.NewVirtual(p.Start)
	if w.faults, err = fault.New(p.Faults, p.Seed, w.clock); err != nil {
		return nil, err
	}
	if cfg.Transcript != nil {
		w.script = transcript.NewWriter(cfg.Transcript)
	}
	w.adapter = &adapter.Client{URL: cfg.AdapterURL, Username: cfg.Username, Password: cfg.Password,
		HTTP: &http.Client{Transport: transport(), Timeout: 30 * time.Second}}
	base := transport()
	w.jit = &switchable{faulty: w.faults.JITTransport(base), clean: base}
	w.jit.on.Store(true)
	w.engine = simulator.New(simulator.Config{
		Clock:      w.clock,
		Seed:       p.Seed,
		HTTPClient: &http.Client{Transport: w.jit},
		Webhooks:   webhookOptions(w.faults, sh.retain > 0),
		Observe:    w.observe,
		Retain:     sh.retain,
	})
	return w, nil
}

// observe feeds every observation to the oracle, the transcript and the
// statistics, in the engine's order.
func (w *world) observe(o simulator.Observation) {
	w.oracle.Observe(o)
	if w.script != nil {
		w.script.Observe(w.portable(o))
	}
	if !w.reconciling {
		w.stats.observe(o)
	}
}

// portable replaces the gateway's address in error texts (a connection
// error names it, in the outcome and in the webhook's gateway_log.message)
// with a placeholder, so that a transcript does not depend on the port the
// gateway happened to listen on. It copies what it changes.
func (w *world) portable(o simulator.Observation) simulator.Observation {
	if o.Outcome != nil && o.Outcome.Error != "" {
		if msg := w.unaddress(o.Outcome.Error); msg != o.Outcome.Error {
			out := *o.Outcome
			out.Error = msg
			o.Outcome = &out
		}
	}
	if t := o.Webhook; t != nil && t.GPAOrder != nil && t.GPAOrder.Funding != nil && t.GPAOrder.Funding.GatewayLog != nil {
		gl := *t.GPAOrder.Funding.GatewayLog
		if msg := w.unaddress(gl.Message); msg != gl.Message {
			gl.Message = msg
			fu := *t.GPAOrder.Funding
			fu.GatewayLog = &gl
			order := *t.GPAOrder
			order.Funding = &fu
			txn := *t
			txn.GPAOrder = &order
			o.Webhook = &txn
		}
	}
	return o
}

func (w *world) unaddress(msg string) string {
	if msg == "" {
		return msg
	}
	msg = strings.ReplaceAll(msg, w.cfg.GatewayURL, "<gateway-url>")
	if u, err := url.Parse(w.cfg.GatewayURL); err == nil && u.Host != "" {
		msg = strings.ReplaceAll(msg, u.Host, "<gateway-host>")
	}
	return msg
}

// note adds a runner line to the transcript.
func (w *world) note(kind string, v any) {
	if w.script != nil {
		w.script.Note(kind, v)
	}
}

// setUp creates the funding source, its Commando Mode, the webhook, the card
// product, and one user and card per cardholder; then funds every account
// through the adapter.
func (w *world) setUp(ctx context.Context) error {
	cfg, e := w.cfg, w.engine
	src, err := e.CreateFundingSource(simulator.FundingSource{Name: "jitsim run", URL: cfg.GatewayURL,
		BasicAuthUsername: cfg.Username, BasicAuthPassword: cfg.Password, TimeoutMillis: w.p.TimeoutMillis})
	if err != nil {
		return fmt.Errorf("funding source: %w", err)
	}
	w.source = src.Token
	rts := w.p.RealTimeStandin
	if _, err := e.CreateCommandoMode(simulator.CommandoMode{ProgramGatewayFundingSourceToken: src.Token,
		CommandoModeEnables:     &simulator.CommandoModeEnables{ProgramFundingSource: "jitsim-standin"},
		RealTimeStandinCriteria: &rts}); err != nil {
		return fmt.Errorf("commando mode: %w", err)
	}
	if _, err := e.CreateWebhook(simulator.Webhook{Name: "jitsim run", Events: []string{"transaction.*"},
		Config: simulator.WebhookConfig{URL: cfg.WebhookURL, BasicAuthUsername: cfg.Username, BasicAuthPassword: cfg.Password}}); err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	prod, err := e.CreateCardProduct(simulator.CardProduct{Name: "jitsim run", StartDate: w.p.Start.Format("2006-01-02"),
		Config: &simulator.CardProductConfig{
			CardLifeCycle: &simulator.CardLifeCycle{ActivateUponIssue: jit.Bool(true)},
			JITFunding:    &simulator.JITFundingCfg{ProgramGatewayFundingSource: &simulator.ProgramGatewayJIT{Enabled: jit.Bool(true), FundingSourceToken: src.Token}},
		}})
	if err != nil {
		return fmt.Errorf("card product: %w", err)
	}
	for i, h := range w.gen.Holders() {
		tok := ""
		if len(cfg.Accounts) > 0 {
			tok = cfg.Accounts[i].Token
		}
		u, err := e.CreateUser(simulator.User{Token: tok, FirstName: h.FirstName, LastName: h.LastName, Email: h.Email})
		if err != nil {
			return fmt.Errorf("user: %w", err)
		}
		c, err := e.CreateCard(simulator.Card{UserToken: u.Token, CardProductToken: prod.Token})
		if err != nil {
			return fmt.Errorf("card: %w", err)
		}
		w.users, w.cards = append(w.users, u.Token), append(w.cards, c.Token)
	}
	return w.fund(ctx)
}

// fundNote is the transcript line of one credit.
type fundNote struct {
	Account        string `json:"account"`
	Currency       string `json:"currency"`
	Amount         int64  `json:"amount"`
	IdempotencyKey string `json:"idempotency_key"`
}

// fund credits every cardholder's starting balance through the adapter,
// once per deterministic idempotency key, and books it in the oracle. An
// account the gateway already holds money for (a previous run with the same
// seed) is an error: the oracle could not know its history.
func (w *world) fund(ctx context.Context) error {
	cur := w.p.Currency
	if len(w.cfg.Accounts) > 0 {
		for i, h := range w.gen.Holders() {
			key := "prefunded-" + w.users[i]
			w.oracle.Fund(oracle.Key{Account: w.users[i], Currency: cur}, h.Balance, key)
			w.note("fund", fundNote{Account: w.users[i], Currency: cur, Amount: h.Balance, IdempotencyKey: key})
		}
		return nil
	}
	for i, h := range w.gen.Holders() {
		user := w.users[i]
		acct, err := w.adapter.Account(ctx, user, cur)
		switch {
		case jit.ErrorCode(err) == jit.ENOTFOUND:
		case err != nil:
			return fmt.Errorf("read account %s through the adapter: %w", user, err)
		case acct.Ledger != 0 || acct.Pending != 0:
			return jit.Errorf(jit.ECONFLICT, "the gateway already holds account %s (ledger %d, pending %d): a previous run with seed %d? Use another --seed or a fresh gateway", user, acct.Ledger, acct.Pending, w.p.Seed)
		}
		key := fmt.Sprintf("jitsim-fund-%d-%s", w.p.Seed, user)
		if _, err := w.adapter.Credit(ctx, user, cur, h.Balance, key); err != nil {
			return fmt.Errorf("fund account %s through the adapter: %w", user, err)
		}
		w.oracle.Fund(oracle.Key{Account: user, Currency: cur}, h.Balance, key)
		w.note("fund", fundNote{Account: user, Currency: cur, Amount: h.Balance, IdempotencyKey: key})
	}
	return nil
}
