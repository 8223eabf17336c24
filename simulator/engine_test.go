package simulator

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator/clock"
)

var ctx = context.Background()

// fakeGateway answers JIT requests with answer(req) and records them.
type fakeGateway struct {
	mu     sync.Mutex
	bodies [][]byte
	auths  []string
	answer func(w http.ResponseWriter, t *jit.Transaction)
}

func (g *fakeGateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	u, p, _ := r.BasicAuth()
	g.mu.Lock()
	g.bodies = append(g.bodies, body)
	g.auths = append(g.auths, u+":"+p+":"+r.Header.Get("X-Program"))
	answer := g.answer
	g.mu.Unlock()
	var t jit.Transaction
	json.Unmarshal(body, &t)
	answer(w, &t)
}

func (g *fakeGateway) last(t *testing.T) map[string]any {
	t.Helper()
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.bodies) == 0 {
		t.Fatal("gateway received nothing")
	}
	var m map[string]any
	json.Unmarshal(g.bodies[len(g.bodies)-1], &m)
	return m
}

// echo approves (status 200) or declines (402 with reason) with the echo.
func echo(status int, reason string) func(http.ResponseWriter, *jit.Transaction) {
	return func(w http.ResponseWriter, t *jit.Transaction) {
		jf := *t.JITFundingOf()
		jf.DeclineReason = reason
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(jit.JITResponse{JITFunding: jit.JITFunding{Token: jf.Token, Method: jf.Method, UserToken: jf.UserToken, Amount: jf.Amount, DeclineReason: reason}})
	}
}

const gwPassword = "gateway-password-0123456789"

// program sets up a funding source pointing at gw, a product, a user and an
// active card, and returns the engine and the card token.
func program(t *testing.T, gw http.Handler, timeout int64) (*Engine, string) {
	t.Helper()
	srv := httptest.NewServer(gw)
	t.Cleanup(srv.Close)
	e := New(Config{Clock: clock.NewVirtual(time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)), Seed: 42})
	t.Cleanup(e.Close)
	return e, setUp(t, e, srv.URL, timeout)
}

// setUp creates on e a funding source pointing at gwURL+"/jit", a product,
// user user_1 and an active card, and returns the card token.
func setUp(t *testing.T, e *Engine, gwURL string, timeout int64) string {
	t.Helper()
	src, err := e.CreateFundingSource(FundingSource{Name: "gw", URL: gwURL + "/jit", BasicAuthUsername: "marqeta", BasicAuthPassword: gwPassword, TimeoutMillis: timeout, CustomHeader: map[string]string{"X-Program": "p1"}})
	if err != nil {
		t.Fatal(err)
	}
	prod, err := e.CreateCardProduct(CardProduct{Name: "JIT card", StartDate: "2026-01-01", Config: &CardProductConfig{
		CardLifeCycle: &CardLifeCycle{ActivateUponIssue: jit.Bool(true)},
		JITFunding:    &JITFundingCfg{ProgramGatewayFundingSource: &ProgramGatewayJIT{Enabled: jit.Bool(true), FundingSourceToken: src.Token, RefundsDestination: "GATEWAY"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := e.CreateUser(User{Token: "user_1", FirstName: "Ada"})
	c, err := e.CreateCard(Card{UserToken: u.Token, CardProductToken: prod.Token})
	if err != nil || c.State != "ACTIVE" {
		t.Fatalf("card %+v %v", c, err)
	}
	return c.Token
}

func TestAuthorizeApprovedMessageShapes(t *testing.T) {
	gw := &fakeGateway{answer: echo(200, "")}
	e, card := program(t, gw, 3000)
	txn, err := e.Authorize(ctx, AuthRequest{CardToken: card, Amount: jit.MustAmount("42.17"), Merchant: Merchant{MCC: "5812", Name: "Cafe"}})
	if err != nil {
		t.Fatal(err)
	}
	// The JIT request: a bare transaction, no response, no gateway_log.
	req := gw.last(t)
	if _, ok := req["response"]; ok {
		t.Fatal("JIT request carries response")
	}
	gpa := req["gpa_order"].(map[string]any)
	if _, ok := gpa["response"]; ok {
		t.Fatal("JIT request carries gpa_order.response")
	}
	if f := gpa["funding"].(map[string]any); f["gateway_log"] != nil {
		t.Fatal("JIT request carries a gateway_log")
	}
	jf := gpa["jit_funding"].(map[string]any)
	if jf["method"] != jit.MethodAuthorization || jf["amount"] != 42.17 || jf["user_token"] != "user_1" || req["type"] != "authorization" || req["state"] != "PENDING" {
		t.Fatalf("JIT request %v", req)
	}
	if gw.auths[0] != "marqeta:"+gwPassword+":p1" {
		t.Fatalf("auth and custom header: %q", gw.auths[0])
	}
	// The finished transaction: response, approval code, gateway log.
	if txn.State != jit.StatePending || txn.Response.Code != "0000" || len(txn.ApprovalCode) != 6 {
		t.Fatalf("transaction %+v", txn)
	}
	gl := txn.GatewayLogOf()
	if gl == nil || gl.TransactionID != jf["token"] || gl.Response.Code != "200" || gl.Message != jit.GatewayMessageApproved || *gl.TimedOut {
		t.Fatalf("gateway log %+v", gl)
	}
}

func TestWebhookDeliveredAfterAuthorization(t *testing.T) {
	e, card := program(t, &fakeGateway{answer: echo(200, "")}, 3000)
	var mu sync.Mutex
	var got []jit.WebhookEnvelope
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, _ := r.BasicAuth(); u != "hook" || p != "hook-password" {
			w.WriteHeader(401)
			return
		}
		var env jit.WebhookEnvelope
		json.NewDecoder(r.Body).Decode(&env)
		mu.Lock()
		got = append(got, env)
		mu.Unlock()
	}))
	defer recv.Close()
	if _, err := e.CreateWebhook(Webhook{Name: "ledger", Events: []string{"transaction.*"}, Config: WebhookConfig{URL: recv.URL, BasicAuthUsername: "hook", BasicAuthPassword: "hook-password"}}); err != nil {
		t.Fatal(err)
	}
	a, _ := e.Authorize(ctx, AuthRequest{CardToken: card, Amount: jit.MustAmount("3.00")})
	if e.Webhooks().Pending() != 1 {
		t.Fatalf("webhook not queued: %d pending", e.Webhooks().Pending())
	}
	if err := e.Webhooks().Flush(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || len(got[0].Transactions) != 1 || got[0].Transactions[0].Token != a.Token || got[0].Transactions[0].GatewayLogOf() == nil {
		t.Fatalf("received %+v", got)
	}
	if e.Webhooks().Pending() != 0 {
		t.Fatalf("%d still pending after delivery", e.Webhooks().Pending())
	}
}

func TestOutcomes(t *testing.T) {
	badEcho := func(w http.ResponseWriter, tx *jit.Transaction) {
		w.WriteHeader(200)
		w.Write([]byte(`{"jit_funding":{"token":"someone-else","method":"pgfs.authorization","user_token":"user_1","amount":1}}`))
	}
	partial := func(w http.ResponseWriter, tx *jit.Transaction) {
		jf := tx.JITFundingOf()
		json.NewEncoder(w).Encode(jit.JITResponse{JITFunding: jit.JITFunding{Token: jf.Token, Method: jf.Method, UserToken: jf.UserToken, Amount: jit.MustAmount("10.00")}})
	}
	slow := func(w http.ResponseWriter, tx *jit.Transaction) {} // replaced per test
	tests := []struct {
		name      string
		answer    func(http.ResponseWriter, *jit.Transaction)
		partialOK bool
		standin   *RealTimeStandin
		state     string
		code      string
		amount    string
		standinBy string
	}{
		{"approved", echo(200, ""), false, nil, jit.StatePending, "0000", "42.17", ""},
		{"declined insufficient funds", echo(402, jit.DeclineInsufficientFunds), false, nil, jit.StateDeclined, "1884", "42.17", ""},
		{"declined without reason", echo(402, ""), false, nil, jit.StateDeclined, "1016", "42.17", ""},
		{"server error", func(w http.ResponseWriter, _ *jit.Transaction) { w.WriteHeader(500) }, false, nil, jit.StateDeclined, "1016", "42.17", ""},
		{"bad echo", badEcho, false, nil, jit.StateDeclined, "1016", "42.17", ""},
		{"partial approval", partial, true, nil, jit.StatePending, "0002", "10.00", ""},
		{"partial without capability is a decline", partial, false, nil, jit.StateDeclined, "1016", "42.17", ""},
		{"application error stood in", func(w http.ResponseWriter, _ *jit.Transaction) { w.WriteHeader(503) }, false,
			&RealTimeStandin{Enabled: true, IncludeApplicationErrors: true}, jit.StatePending, "0000", "42.17", "COMMANDO_AUTO"},
		{"application error not in criteria", func(w http.ResponseWriter, _ *jit.Transaction) { w.WriteHeader(503) }, false,
			&RealTimeStandin{Enabled: true, IncludeResponseTimeouts: true}, jit.StateDeclined, "1016", "42.17", ""},
	}
	_ = slow
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, card := program(t, &fakeGateway{answer: tt.answer}, 3000)
			if tt.standin != nil {
				src := e.CardsByUser("user_1")[0]
				p, _ := e.CardProduct(src.CardProductToken)
				if _, err := e.SetCommandoMode(CommandoMode{ProgramGatewayFundingSourceToken: p.Config.JITFunding.ProgramGatewayFundingSource.FundingSourceToken, RealTimeStandinCriteria: tt.standin}); err != nil {
					t.Fatal(err)
				}
			}
			txn, err := e.Authorize(ctx, AuthRequest{CardToken: card, Amount: jit.MustAmount("42.17"), Partial: tt.partialOK})
			if err != nil {
				t.Fatal(err)
			}
			if txn.State != tt.state || txn.Response.Code != tt.code || !txn.Amount.Equal(jit.MustAmount(tt.amount)) || txn.StandinApprovedBy != tt.standinBy {
				t.Fatalf("got state %s code %s amount %s standin %q", txn.State, txn.Response.Code, txn.Amount, txn.StandinApprovedBy)
			}
			if tt.standinBy != "" && txn.Subnetwork != "MANAGED_JIT" {
				t.Fatalf("stand-in subnetwork %s", txn.Subnetwork)
			}
		})
	}
}

func TestTimeoutDeclinesOrStandsIn(t *testing.T) {
	hang := func(w http.ResponseWriter, r *jit.Transaction) {}
	for _, standin := range []bool{false, true} {
		block := make(chan struct{})
		gw := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select { // answer only after the caller gave up
			case <-r.Context().Done():
			case <-block:
			}
		})
		e, card := program(t, gw, 1000)
		if standin {
			src := e.sources.list(nil)[0]
			e.SetCommandoMode(CommandoMode{ProgramGatewayFundingSourceToken: src.Token, RealTimeStandinCriteria: &RealTimeStandin{Enabled: true, IncludeResponseTimeouts: true}})
		}
		txn, err := e.Authorize(ctx, AuthRequest{CardToken: card, Amount: jit.MustAmount("5.00")})
		close(block)
		if err != nil {
			t.Fatal(err)
		}
		gl := txn.GatewayLogOf()
		if gl == nil || !*gl.TimedOut {
			t.Fatalf("standin=%v: gateway log %+v", standin, gl)
		}
		if want := pick(standin, jit.StatePending, jit.StateDeclined); txn.State != want {
			t.Fatalf("standin=%v: state %s", standin, txn.State)
		}
	}
	_ = hang
}

func pick[T any](c bool, a, b T) T {
	if c {
		return a
	}
	return b
}

func TestManualCommandoSkipsGateway(t *testing.T) {
	gw := &fakeGateway{answer: echo(402, jit.DeclineInsufficientFunds)}
	e, card := program(t, gw, 3000)
	src := e.sources.list(nil)[0]
	cm, _ := e.SetCommandoMode(CommandoMode{ProgramGatewayFundingSourceToken: src.Token})
	if _, err := e.TransitionCommandoMode(cm.Token, CommandoTransition{CommandoEnabled: true, Reason: "maintenance"}); err != nil {
		t.Fatal(err)
	}
	txn, _ := e.Authorize(ctx, AuthRequest{CardToken: card, Amount: jit.MustAmount("99.00")})
	if len(gw.bodies) != 0 || txn.State != jit.StatePending || txn.StandinApprovedBy != "COMMANDO_MANUAL" || txn.GatewayLogOf() != nil {
		t.Fatalf("called %d times; %+v", len(gw.bodies), txn)
	}
}

func TestLifecycleMessages(t *testing.T) {
	e, card := program(t, &fakeGateway{answer: echo(200, "")}, 3000)
	auth, _ := e.Authorize(ctx, AuthRequest{CardToken: card, Amount: jit.MustAmount("100.00"), Merchant: Merchant{MCC: "7011"}})
	inc, err := e.Incremental(ctx, auth.Token, jit.MustAmount("50.00"))
	if err != nil || inc.PrecedingRelatedTransactionToken != auth.Token || inc.JITFundingOf().OriginalJITFundingToken != auth.JITFundingOf().Token {
		t.Fatalf("incremental %+v %v", inc, err)
	}
	adv, err := e.Advice(ctx, auth.Token, jit.MustAmount("120.00"))
	if err != nil || !adv.Amount.Equal(jit.MustAmount("120.00")) || !adv.JITFundingOf().Amount.Equal(jit.MustAmount("30.00")) || adv.JITFundingOf().Method != jit.MethodAuthorizationReversal {
		t.Fatalf("advice %+v %v", adv, err)
	}
	c1, err := e.Clear(ctx, ClearRequest{Preceding: auth.Token, Amount: jit.MustAmount("70.00"), Sequence: 1, Count: 2})
	if err != nil || c1.MultiClearingSequenceNumber != "01" || c1.MultiClearingSequenceCount != "02" || *c1.IsFinalClearing || !c1.GPA.ImpactedAmount.Equal(jit.MustAmount("-70.00")) {
		t.Fatalf("clearing 1 %+v %v", c1, err)
	}
	c2, err := e.Clear(ctx, ClearRequest{Preceding: auth.Token, Amount: jit.MustAmount("40.00"), Sequence: 2, Count: 2})
	if err != nil || !*c2.IsFinalClearing || !c2.AmountToBeReleased.Equal(jit.MustAmount("10.00")) || c2.State != jit.StateCompletion {
		t.Fatalf("clearing 2 %+v %v", c2, err)
	}
	if _, err := e.Reverse(ctx, auth.Token, jit.MustAmount("1.00")); jit.ErrorCode(err) != jit.EINVALID {
		t.Fatalf("reversal after final clearing: %v", err)
	}
	ref, err := e.Refund(ctx, RefundRequest{Preceding: c2.Token, Amount: jit.MustAmount("5.00")})
	if err != nil || ref.GPAOrderUnload == nil || ref.GPAOrderUnload.JITFunding.Method != jit.MethodRefund || !ref.GPA.ImpactedAmount.Equal(jit.MustAmount("5.00")) {
		t.Fatalf("refund %+v %v", ref, err)
	}
	fp, err := e.Clear(ctx, ClearRequest{CardToken: card, Amount: jit.MustAmount("8.00")})
	if err != nil || fp.PrecedingRelatedTransactionToken != "" || fp.JITFundingOf().Method != jit.MethodForceCapture {
		t.Fatalf("force post %+v %v", fp, err)
	}
	a2, _ := e.Authorize(ctx, AuthRequest{CardToken: card, Amount: jit.MustAmount("30.00")})
	r, _ := e.Reverse(ctx, a2.Token, jit.MustAmount("10.00"))
	if r.State != jit.StatePending {
		t.Fatalf("partial reversal state %s", r.State)
	}
	r, _ = e.Reverse(ctx, a2.Token, jit.MustAmount("20.00"))
	if r.State != jit.StateCleared {
		t.Fatalf("full reversal state %s", r.State)
	}
	a3, _ := e.Authorize(ctx, AuthRequest{CardToken: card, Amount: jit.MustAmount("15.00")})
	x, err := e.Expire(ctx, a3.Token)
	if err != nil || x.Type != jit.TypeAuthorizationReversalIssuerexpiration || !x.Amount.Equal(jit.MustAmount("15.00")) {
		t.Fatalf("expiry %+v %v", x, err)
	}
	if got := len(e.Transactions("user_1", "")); got != 12 {
		t.Fatalf("%d transactions listed", got)
	}
}

func TestSameSeedSameMessages(t *testing.T) {
	runOnce := func() []string {
		gw := &fakeGateway{answer: echo(200, "")}
		e, card := program(t, gw, 3000)
		a, _ := e.Authorize(ctx, AuthRequest{CardToken: card, Amount: jit.MustAmount("12.34")})
		e.Clear(ctx, ClearRequest{Preceding: a.Token, Amount: jit.MustAmount("12.34")})
		var out []string
		for _, b := range gw.bodies {
			out = append(out, string(b))
		}
		for _, t := range e.Transactions("", "") {
			data, _ := json.Marshal(t)
			out = append(out, string(data))
		}
		return out
	}
	a, b := runOnce(), runOnce()
	if len(a) != 3 {
		t.Fatalf("%d messages", len(a))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("message %d differs:\n%s\n%s", i, a[i], b[i])
		}
	}
}
