package oracle

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator"
	"github.com/jitsim/jitsim/simulator/clock"
)

var ctx = context.Background()

// fakeGateway answers JIT requests by a rule on the amount: x.13 is a 500,
// above 500.00 a 402, above 300.00 on a partial-capable POS a partial
// approval of 300.00, anything else approved; a balance inquiry gets bal.
func fakeGateway(bal func() jit.CardholderBalance) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		t, err := jit.DecodeTransaction(body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		jf := t.JITFundingOf()
		resp := jit.JITResponse{JITFunding: jit.JITFunding{Token: jf.Token, Method: jf.Method, UserToken: jf.UserToken, Amount: jf.Amount}}
		cents := must(jf.Amount.Minor("USD"))
		status := http.StatusOK
		switch {
		case jf.Method == jit.MethodBalanceinquiry && bal != nil:
			resp.JITFunding.Balances = map[string]jit.CardholderBalance{"USD": bal()}
		case cents%100 == 13:
			http.Error(w, "boom", http.StatusInternalServerError)
			return
		case cents > 50000:
			status, resp.JITFunding.DeclineReason = http.StatusPaymentRequired, jit.DeclineInsufficientFunds
		case cents > 30000 && t.POS != nil && t.POS.PartialApprovalCapable != nil && *t.POS.PartialApprovalCapable:
			resp.JITFunding.Amount = jit.MustMinor(30000, "USD")
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(resp)
	}
}

type rig struct {
	e    *simulator.Engine
	card string
	key  Key
}

// newRig is an engine on a virtual clock whose funding source is h (on
// 127.0.0.1:0), with stand-in on application errors, one user and card,
// observed by obs.
func newRig(t *testing.T, h http.Handler, seed uint64, obs func(simulator.Observation)) *rig {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	e := simulator.New(simulator.Config{Clock: clock.NewVirtual(time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)), Seed: seed, Observe: obs})
	t.Cleanup(e.Close)
	src, err := e.CreateFundingSource(simulator.FundingSource{Name: "fake", URL: srv.URL + "/jit", BasicAuthUsername: "marqeta", BasicAuthPassword: "gateway-password-0123456789", TimeoutMillis: 5000})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.CreateCommandoMode(simulator.CommandoMode{ProgramGatewayFundingSourceToken: src.Token,
		RealTimeStandinCriteria: &simulator.RealTimeStandin{Enabled: true, IncludeApplicationErrors: true}}); err != nil {
		t.Fatal(err)
	}
	prod, err := e.CreateCardProduct(simulator.CardProduct{Name: "JIT", StartDate: "2026-01-01", Config: &simulator.CardProductConfig{
		CardLifeCycle: &simulator.CardLifeCycle{ActivateUponIssue: jit.Bool(true)},
		JITFunding:    &simulator.JITFundingCfg{ProgramGatewayFundingSource: &simulator.ProgramGatewayJIT{Enabled: jit.Bool(true), FundingSourceToken: src.Token}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	u, err := e.CreateUser(simulator.User{FirstName: "Ada"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := e.CreateCard(simulator.Card{UserToken: u.Token, CardProductToken: prod.Token})
	if err != nil {
		t.Fatal(err)
	}
	return &rig{e: e, card: c.Token, key: Key{u.Token, "USD"}}
}

// oker returns a function that fails t on err and returns txn.
func oker(t *testing.T) func(*jit.Transaction, error) *jit.Transaction {
	return func(txn *jit.Transaction, err error) *jit.Transaction {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return txn
	}
}

// TestEngineFlows drives every flow of the engine against a fake gateway
// and checks the oracle's balances after each step: the oracle reads the
// transactions exactly as the engine builds them.
func TestEngineFlows(t *testing.T) {
	ok := oker(t)
	o := New(Options{})
	r := newRig(t, fakeGateway(nil), 1, o.Observe)
	o.Fund(r.key, 100000, "fund")
	m := simulator.Merchant{MCC: "5411", Name: "Grocer"}
	authz := func(a string, partial bool) *jit.Transaction {
		return ok(r.e.Authorize(ctx, simulator.AuthRequest{CardToken: r.card, Amount: jit.MustAmount(a), Merchant: m, Partial: partial}))
	}
	var a1, a3, a4, a14, c1 *jit.Transaction
	steps := []struct {
		name string
		run  func()
		want Balance
	}{
		{"approve 42.17", func() { a1 = authz("42.17", false) }, Balance{95783, 100000, 4217}},
		{"decline 600.00", func() {
			if d := authz("600.00", false); d.State != jit.StateDeclined {
				t.Fatalf("state %s", d.State)
			}
		}, Balance{95783, 100000, 4217}},
		{"stand-in on a 500", func() {
			if a3 = authz("10.13", false); a3.StandinApprovedBy == "" {
				t.Fatalf("no stand-in: %+v", a3.Response)
			}
		}, Balance{94770, 100000, 5230}},
		{"partial approval 300 of 400", func() {
			if a4 = authz("400.00", true); a4.Response.Code != jit.ResponseCodePartialApproval {
				t.Fatalf("response %+v", a4.Response)
			}
		}, Balance{64770, 100000, 35230}},
		{"incremental", func() { ok(r.e.Incremental(ctx, a1.Token, jit.MustAmount("20.00"))) }, Balance{62770, 100000, 37230}},
		{"incremental declined", func() { ok(r.e.Incremental(ctx, a1.Token, jit.MustAmount("501.00"))) }, Balance{62770, 100000, 37230}},
		{"advice 300 → 250", func() { ok(r.e.Advice(ctx, a4.Token, jit.MustAmount("250.00"))) }, Balance{67770, 100000, 32230}},
		{"over-clearing 70 of 62.17", func() {
			c1 = ok(r.e.Clear(ctx, simulator.ClearRequest{Preceding: a1.Token, Amount: jit.MustAmount("70.00")}))
		}, Balance{66987, 93000, 26013}},
		{"multi-clearing 1 of 2", func() {
			ok(r.e.Clear(ctx, simulator.ClearRequest{Preceding: a4.Token, Amount: jit.MustAmount("100.00"), Sequence: 1, Count: 2}))
		}, Balance{66987, 83000, 16013}},
		{"multi-clearing 2 of 2 below the rest", func() {
			ok(r.e.Clear(ctx, simulator.ClearRequest{Preceding: a4.Token, Amount: jit.MustAmount("120.00"), Sequence: 2, Count: 2}))
		}, Balance{69987, 71000, 1013}},
		{"partial reversal", func() { ok(r.e.Reverse(ctx, a3.Token, jit.MustAmount("5.00"))) }, Balance{70487, 71000, 513}},
		{"issuer expiration", func() { ok(r.e.Expire(ctx, a3.Token)) }, Balance{71000, 71000, 0}},
		{"force post", func() {
			ok(r.e.Clear(ctx, simulator.ClearRequest{CardToken: r.card, Amount: jit.MustAmount("12.00")}))
		}, Balance{69800, 69800, 0}},
		{"pin debit", func() {
			ok(r.e.PINDebit(ctx, simulator.AuthRequest{CardToken: r.card, Amount: jit.MustAmount("20.00"), CardPresent: true}))
		}, Balance{67800, 67800, 0}},
		{"pin debit declined", func() {
			ok(r.e.PINDebit(ctx, simulator.AuthRequest{CardToken: r.card, Amount: jit.MustAmount("520.00"), CardPresent: true}))
		}, Balance{67800, 67800, 0}},
		{"linked refund", func() {
			ok(r.e.Refund(ctx, simulator.RefundRequest{Preceding: c1.Token, Amount: jit.MustAmount("10.00")}))
		}, Balance{68800, 68800, 0}},
		{"unlinked refund", func() {
			ok(r.e.Refund(ctx, simulator.RefundRequest{CardToken: r.card, Amount: jit.MustAmount("5.00")}))
		}, Balance{69300, 69300, 0}},
		{"refund authorization, advice, reversal move nothing", func() {
			ra := ok(r.e.RefundAuthorize(ctx, simulator.RefundRequest{CardToken: r.card, Amount: jit.MustAmount("9.00")}))
			ok(r.e.AdviseRefundAuthorization(ctx, ra.Token, jit.MustAmount("8.00")))
			ok(r.e.ReverseRefundAuthorization(ctx, ra.Token, jit.MustAmount("8.00")))
		}, Balance{69300, 69300, 0}},
		{"refund authorization cleared credits", func() {
			ra := ok(r.e.RefundAuthorize(ctx, simulator.RefundRequest{CardToken: r.card, Amount: jit.MustAmount("9.00")}))
			ok(r.e.ClearRefundAuthorization(ctx, ra.Token, jit.MustAmount("9.00")))
		}, Balance{70200, 70200, 0}},
		{"balance inquiry and account verification", func() {
			ok(r.e.BalanceInquiry(ctx, simulator.AuthRequest{CardToken: r.card}))
			ok(r.e.VerifyAccount(ctx, simulator.AuthRequest{CardToken: r.card}))
		}, Balance{70200, 70200, 0}},
		{"auth, clearing 1 of 2, full reversal of the rest", func() {
			a14 = authz("50.00", false)
			ok(r.e.Clear(ctx, simulator.ClearRequest{Preceding: a14.Token, Amount: jit.MustAmount("20.00"), Sequence: 1, Count: 2}))
			ok(r.e.Reverse(ctx, a14.Token, jit.MustAmount("30.00")))
		}, Balance{68200, 68200, 0}},
	}
	for _, s := range steps {
		s.run()
		if got := o.Expected(r.key); got != s.want {
			t.Fatalf("after %s: %+v, want %+v\n%s", s.name, got, s.want, dump(o.History(r.key)))
		}
	}
	if v := o.Check(); len(v) != 0 {
		t.Fatalf("violations: %+v", v)
	}
	if n := len(o.chains); n != 0 {
		t.Fatalf("%d chain entries left after every authorization closed", n)
	}
}

func dump(h []Entry) string {
	var b strings.Builder
	for _, e := range h {
		b.WriteString(e.Kind + " " + e.Type + " " + e.State + " " + e.Effect + " " + e.Outcome + "\n")
	}
	return b.String()
}

// TestInquiryReader reads balances through a pgfs.balanceinquiry.
func TestInquiryReader(t *testing.T) {
	bal := jit.CardholderBalance{CurrencyCode: "USD", AvailableBalance: jit.MustAmount("57.83"), LedgerBalance: jit.MustAmount("100.00"),
		CreditBalance: jit.MustAmount("0"), PendingCredits: jit.MustAmount("0")}
	o := New(Options{})
	r := newRig(t, fakeGateway(func() jit.CardholderBalance { return bal }), 1, o.Observe)
	q := InquiryReader(r.e, func(k Key) (string, bool) { return r.card, k == r.key })
	got, err := q.Balance(ctx, r.key)
	if err != nil {
		t.Fatal(err)
	}
	if want := (Balance{5783, 10000, 4217}); got != want {
		t.Fatalf("Balance = %+v, want %+v", got, want)
	}
	if o.Expected(r.key) != (Balance{}) {
		t.Fatal("a balance inquiry moved the expected ledger")
	}
	if _, err := q.Balance(ctx, Key{"other", "USD"}); jit.ErrorCode(err) != jit.ENOTFOUND {
		t.Fatalf("no card: %v", err)
	}
	// A gateway that answers without balances.
	r2 := newRig(t, fakeGateway(nil), 1, nil)
	q2 := InquiryReader(r2.e, func(Key) (string, bool) { return r2.card, true })
	if _, err := q2.Balance(ctx, r2.key); jit.ErrorCode(err) != jit.EINVALID {
		t.Fatalf("no balances: %v", err)
	}
}
