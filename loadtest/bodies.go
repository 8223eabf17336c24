package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator"
	"github.com/jitsim/jitsim/simulator/clock"
)

// JIT methods a load run sends.
const (
	MethodAuthorization  = "pgfs.authorization"
	MethodIncremental    = "pgfs.authorization.incremental"
	MethodBalanceInquiry = "pgfs.balanceinquiry"
)

// Cardholder is one account the load spends from.
type Cardholder struct {
	UserToken string `json:"user_token"`
	CardToken string `json:"card_token,omitempty"`
}

// template is one generated JIT request.
type template struct {
	body     []byte
	offs     []int // where per-event tokens start (36 characters each)
	method   string
	user     string
	jitToken string
	amount   int64 // minor units a 200 holds (0 for a balance inquiry)
}

// merchant is a row of the MCC table: realistic amounts per kind of shop.
type merchant struct {
	mcc, name   string
	lo, hi      int64 // cents
	incremental bool  // lodging and car rental take incrementals
	weight      int
}

var merchants = []merchant{
	{"5411", "Grocer", 500, 15000, false, 25},
	{"5812", "Bistro", 800, 9000, false, 15},
	{"5814", "Quick Bite", 300, 2500, false, 20},
	{"5542", "Fuel Pump", 100, 17500, false, 10},
	{"5999", "Online Shop", 1000, 20000, false, 15},
	{"7011", "Harbor Hotel", 8000, 40000, true, 8},
	{"7512", "City Car Rental", 5000, 30000, true, 7},
}

// genConfig says what to generate.
type genConfig struct {
	Seed        uint64
	N           int          // templates
	Cardholders []Cardholder // given accounts (black box); else Accounts new ones
	Accounts    int
	Mix         Mix
	Lag         int       // an incremental references an authorization at least Lag templates earlier
	Start       time.Time // virtual time of the first message
	Step        time.Duration
}

// pool is the generated templates, served by Source.
type pool struct {
	t           []template
	cardholders []Cardholder
}

// generate drives a real simulator.Engine against an in-memory transport
// that records each JIT request and approves it with an echo, so the bodies
// are exactly what the fake Marqeta sends. Same config, same bytes.
func generate(ctx context.Context, cfg genConfig) (*pool, error) {
	if cfg.N <= 0 {
		return nil, jit.Errorf(jit.EINVALID, "nothing to generate")
	}
	capt := &capture{}
	vc := clock.NewVirtual(cfg.Start)
	e := simulator.New(simulator.Config{Clock: vc, Seed: cfg.Seed, HTTPClient: &http.Client{Transport: capt}})
	defer e.Close()
	src, err := e.CreateFundingSource(simulator.FundingSource{Name: "load", URL: "http://capture.jitsim.invalid/jit",
		BasicAuthUsername: "load", BasicAuthPassword: "load-password-0123456789", TimeoutMillis: 3000})
	if err != nil {
		return nil, fmt.Errorf("generate: funding source: %w", err)
	}
	prod, err := e.CreateCardProduct(simulator.CardProduct{Name: "JIT load", StartDate: cfg.Start.Format("2006-01-02"), Config: &simulator.CardProductConfig{
		CardLifeCycle: &simulator.CardLifeCycle{ActivateUponIssue: jit.Bool(true)},
		JITFunding:    &simulator.JITFundingCfg{ProgramGatewayFundingSource: &simulator.ProgramGatewayJIT{Enabled: jit.Bool(true), FundingSourceToken: src.Token}},
	}})
	if err != nil {
		return nil, fmt.Errorf("generate: card product: %w", err)
	}
	holders := cfg.Cardholders
	if len(holders) == 0 {
		for range cfg.Accounts {
			holders = append(holders, Cardholder{})
		}
	}
	if len(holders) == 0 {
		return nil, jit.Errorf(jit.EINVALID, "no cardholders")
	}
	cards := make([]string, len(holders))
	for i, h := range holders {
		u, err := e.CreateUser(simulator.User{Token: h.UserToken, FirstName: "Load", LastName: fmt.Sprint(i)})
		if err != nil {
			return nil, fmt.Errorf("generate: cardholder %q: %w", h.UserToken, err)
		}
		c, err := e.CreateCard(simulator.Card{Token: h.CardToken, UserToken: u.Token, CardProductToken: prod.Token})
		if err != nil {
			return nil, fmt.Errorf("generate: card %q: %w", h.CardToken, err)
		}
		holders[i] = Cardholder{UserToken: u.Token, CardToken: c.Token}
		cards[i] = c.Token
	}

	rng := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x6c6f6164))
	mix := cfg.Mix.normalized()
	totalWeight := 0
	for _, m := range merchants {
		totalWeight += m.weight
	}
	pickMerchant := func() merchant {
		n := rng.IntN(totalWeight)
		for _, m := range merchants {
			if n < m.weight {
				return m
			}
			n -= m.weight
		}
		return merchants[0]
	}
	type auth struct {
		idx     int
		txn     string
		amount  int64
		holder  int
		canIncr bool
	}
	var auths []auth // incrementable authorizations so far
	known := map[string]bool{}
	suffixes := map[string]bool{}
	p := &pool{cardholders: holders}
	for i := 0; i < cfg.N; i++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		vc.Advance(cfg.Step)
		kind := mix.pick(rng.Float64())
		var eligible []auth
		if kind == MethodIncremental {
			for _, a := range auths {
				if a.idx <= i-cfg.Lag {
					eligible = append(eligible, a)
				}
			}
			if len(eligible) == 0 {
				kind = MethodAuthorization
			}
		}
		var t template
		var err error
		switch kind {
		case MethodIncremental:
			a := eligible[rng.IntN(len(eligible))]
			inc := max(100, a.amount/10+rng.Int64N(a.amount/4+1))
			_, err = e.Incremental(ctx, a.txn, jit.MustMinor(inc, "USD"))
			t.amount = inc
		case MethodBalanceInquiry:
			h := rng.IntN(len(holders))
			m := pickMerchant()
			_, err = e.BalanceInquiry(ctx, simulator.AuthRequest{CardToken: cards[h], Merchant: simulator.Merchant{MCC: m.mcc, Name: m.name, CountryCode: "USA"}})
		default:
			h := rng.IntN(len(holders))
			m := pickMerchant()
			amt := m.lo + rng.Int64N(m.hi-m.lo+1)
			var txn *jit.Transaction
			txn, err = e.Authorize(ctx, simulator.AuthRequest{CardToken: cards[h], Amount: jit.MustMinor(amt, "USD"),
				Merchant: simulator.Merchant{MCC: m.mcc, Name: m.name, CountryCode: "USA"}, Preauth: m.incremental, CardPresent: rng.IntN(2) == 0})
			if err == nil && m.incremental {
				auths = append(auths, auth{idx: i, txn: txn.Token, amount: amt, holder: h, canIncr: true})
			}
			t.amount = amt
		}
		if err != nil {
			return nil, fmt.Errorf("generate: %s: %w", kind, err)
		}
		got := capt.take()
		if got.body == nil || got.method != kind || got.jit == "" {
			return nil, fmt.Errorf("generate: %s sent no JIT request of its kind", kind)
		}
		own := []string{got.txn, got.jit, got.gpa}
		for _, tok := range own {
			if tok == "" || known[tok] {
				continue
			}
			if len(tok) != 36 || tok[0] == 'z' || suffixes[tok[8:]] {
				return nil, fmt.Errorf("generate: token %q cannot be rewritten uniquely", tok)
			}
			known[tok], suffixes[tok[8:]] = true, true
		}
		t.body, t.offs = got.body, tokenOffsets(got.body, known)
		t.method, t.user, t.jitToken = kind, got.user, got.jit
		p.t = append(p.t, t)
	}
	return p, nil
}

// tokenOffsets finds every quoted 36-character string of body that is a
// per-event token.
func tokenOffsets(body []byte, known map[string]bool) []int {
	var offs []int
	for i := 0; i+37 < len(body); i++ {
		if body[i] == '"' && body[i+37] == '"' && known[string(body[i+1:i+37])] {
			offs = append(offs, i+1)
			i += 37
		}
	}
	return offs
}

// capture is the in-memory gateway the engine calls while generating: it
// keeps the request body and approves with an echo.
type capture struct {
	mu   sync.Mutex
	last captured
}

// captured is one JIT request as sent, with the tokens the source rewrites.
type captured struct {
	body                        []byte
	txn, gpa, jit, method, user string
}

func (c *capture) RoundTrip(r *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err != nil {
		return nil, err
	}
	var req struct {
		Token    string `json:"token"`
		GPAOrder struct {
			Token      string         `json:"token"`
			JITFunding jit.JITFunding `json:"jit_funding"`
		} `json:"gpa_order"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, err
	}
	jf := &req.GPAOrder.JITFunding
	echo, err := json.Marshal(jit.JITResponse{JITFunding: jit.JITFunding{Token: jf.Token, Method: jf.Method, UserToken: jf.UserToken, Amount: jf.Amount}})
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.last = captured{body: body, txn: req.Token, gpa: req.GPAOrder.Token, jit: jf.Token, method: jf.Method, user: jf.UserToken}
	c.mu.Unlock()
	return &http.Response{StatusCode: http.StatusOK, Status: "200 OK", Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(echo)), ContentLength: int64(len(echo)), Request: r, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}, nil
}

func (c *capture) take() captured {
	c.mu.Lock()
	defer c.mu.Unlock()
	b := c.last
	c.last = captured{}
	return b
}
