package fault

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator"
	"github.com/jitsim/jitsim/simulator/clock"
	"github.com/jitsim/jitsim/simulator/webhook"
)

var (
	ctx = context.Background()
	t0  = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
)

const (
	gwUser = "marqeta"
	gwPass = "gateway-password-0123456789"
)

// gateway is a tiny fake gateway on 127.0.0.1:0 that approves every JIT
// request in full (echoing jit_funding) and answers every webhook with the
// next of its statuses (200 when none are left). It records what arrived.
type gateway struct {
	URL string

	mu        sync.Mutex
	jitTokens []string   // JIT tokens, in arrival order
	webhooks  [][]string // transaction tokens of each webhook POST
	statuses  []int
}

func newGateway(t *testing.T) *gateway {
	t.Helper()
	g := &gateway{}
	srv := httptest.NewServer(http.HandlerFunc(g.serve))
	t.Cleanup(srv.Close)
	g.URL = srv.URL
	return g
}

func (g *gateway) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	switch r.URL.Path {
	case "/jit":
		var req jit.Transaction
		if err := json.Unmarshal(body, &req); err != nil || req.JITFundingOf() == nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		jf := req.JITFundingOf()
		g.mu.Lock()
		g.jitTokens = append(g.jitTokens, jf.Token)
		g.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(jit.JITResponse{JITFunding: jit.JITFunding{Token: jf.Token, Method: jf.Method, UserToken: jf.UserToken, Amount: jf.Amount}})
	case "/webhooks":
		var env jit.WebhookEnvelope
		json.Unmarshal(body, &env)
		var toks []string
		for _, tx := range env.Transactions {
			toks = append(toks, tx.Token)
		}
		g.mu.Lock()
		g.webhooks = append(g.webhooks, toks)
		status := http.StatusOK
		if len(g.statuses) > 0 {
			status, g.statuses = g.statuses[0], g.statuses[1:]
		}
		g.mu.Unlock()
		w.WriteHeader(status)
	default:
		http.NotFound(w, r)
	}
}

func (g *gateway) jitCount() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.jitTokens)
}

// received returns every webhook event token the gateway got, in order.
func (g *gateway) received() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []string
	for _, w := range g.webhooks {
		out = append(out, w...)
	}
	return out
}

func (g *gateway) posts() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.webhooks)
}

// world is an engine whose JIT calls and webhooks go through a fault Set
// to a fake gateway, on a virtual clock.
type world struct {
	e      *simulator.Engine
	s      *Set
	gw     *gateway
	clock  *clock.Virtual
	card   string
	source string

	mu  sync.Mutex
	obs []simulator.Outcome
}

func newWorld(t *testing.T, c Config, seed uint64) *world {
	t.Helper()
	v := clock.NewVirtual(t0)
	s, err := New(c, seed, v)
	if err != nil {
		t.Fatal(err)
	}
	w := &world{s: s, gw: newGateway(t), clock: v}
	w.e = simulator.New(simulator.Config{
		Clock:      v,
		Seed:       seed,
		HTTPClient: &http.Client{Transport: s.JITTransport(nil)},
		Webhooks:   webhook.Options{Client: &http.Client{Transport: s.WebhookTransport(nil)}, Intercept: s.Intercept},
		Observe: func(o simulator.Observation) {
			if o.Outcome != nil {
				w.mu.Lock()
				w.obs = append(w.obs, *o.Outcome)
				w.mu.Unlock()
			}
		},
	})
	t.Cleanup(w.e.Close)
	src, err := w.e.CreateFundingSource(simulator.FundingSource{Name: "fake", URL: w.gw.URL + "/jit", BasicAuthUsername: gwUser, BasicAuthPassword: gwPass, TimeoutMillis: 5000})
	if err != nil {
		t.Fatal(err)
	}
	w.source = src.Token
	if _, err := w.e.CreateWebhook(simulator.Webhook{Name: "ledger", Events: []string{"transaction.*"}, Config: simulator.WebhookConfig{URL: w.gw.URL + "/webhooks", BasicAuthUsername: gwUser, BasicAuthPassword: gwPass}}); err != nil {
		t.Fatal(err)
	}
	prod, err := w.e.CreateCardProduct(simulator.CardProduct{Name: "JIT", StartDate: "2026-01-01", Config: &simulator.CardProductConfig{
		CardLifeCycle: &simulator.CardLifeCycle{ActivateUponIssue: jit.Bool(true)},
		JITFunding:    &simulator.JITFundingCfg{ProgramGatewayFundingSource: &simulator.ProgramGatewayJIT{Enabled: jit.Bool(true), FundingSourceToken: src.Token}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	u, err := w.e.CreateUser(simulator.User{FirstName: "Ada"})
	if err != nil {
		t.Fatal(err)
	}
	card, err := w.e.CreateCard(simulator.Card{UserToken: u.Token, CardProductToken: prod.Token})
	if err != nil {
		t.Fatal(err)
	}
	w.card = card.Token
	return w
}

// authorize runs one authorization through Around, as the runner will.
func (w *world) authorize(t *testing.T, amount string) *jit.Transaction {
	t.Helper()
	var txn *jit.Transaction
	err := w.s.Around(ctx, w.e, w.source, func() error {
		var err error
		txn, err = w.e.Authorize(ctx, simulator.AuthRequest{CardToken: w.card, Amount: jit.MustAmount(amount), Merchant: simulator.Merchant{MCC: "5411", Name: "Grocer"}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return txn
}

func (w *world) outcomes() []simulator.Outcome {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]simulator.Outcome(nil), w.obs...)
}

// jitBody is a minimal JIT request for token.
func jitBody(token string) []byte {
	b, _ := json.Marshal(jit.Transaction{Type: jit.TypeAuthorization, Token: "txn-" + token, GPAOrder: &jit.GPAOrder{
		Amount:     jit.MustAmount("1.00"),
		JITFunding: &jit.JITFunding{Token: token, Method: jit.MethodAuthorization, UserToken: "user-1", Amount: jit.MustAmount("1.00")},
	}})
	return b
}

// postJIT sends one JIT request through c.
func postJIT(c *http.Client, url, token string) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(jitBody(token)))
	if err != nil {
		return nil, nil, err
	}
	req.SetBasicAuth(gwUser, gwPass)
	resp, err := c.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

// event is a webhook event of type typ numbered i.
func event(typ string, i int) jit.Transaction {
	return jit.Transaction{Type: typ, State: jit.StateCompletion, Token: fmt.Sprintf("%s-%03d", typ, i), Amount: jit.MustAmount("1.00")}
}

// faultOf returns the counters and stream of the fault named name.
func faultOf(s *Set, name string) (*dice, *rand.Rand) {
	switch name {
	case NameTimeout:
		return &s.timeout.dice, s.timeout.Rand
	case NameConnectionError:
		return &s.conn.dice, s.conn.Rand
	case NameServerError:
		return &s.server.dice, s.server.Rand
	case NameJITResend:
		return &s.resend.dice, s.resend.Rand
	case NameWebhookDown:
		return &s.down.dice, s.down.Rand
	case NameWebhookDuplicate:
		return &s.dup.dice, s.dup.Rand
	case NameWebhookReorder:
		return &s.reorder.dice, s.reorder.Rand
	case NameCommando:
		return &s.commando.dice, s.commando.Rand
	}
	panic("unknown fault " + name)
}

// counters returns a fault's opportunities and injections.
func counters(s *Set, name string) (opportunities, injected int64) {
	d, _ := faultOf(s, name)
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.opportunities, d.injected
}
