package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jitsim/jitsim/adapter"
	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/reference-gateway/server"
	"github.com/jitsim/jitsim/simulator"
	"github.com/jitsim/jitsim/simulator/clock"
	"github.com/jitsim/jitsim/simulator/oracle"
	"github.com/jitsim/jitsim/simulator/webhook"
)

// oracleWorld is the reference gateway on 127.0.0.1:0 and a fake Marqeta
// observed by an oracle, with any number of funded cardholders.
type oracleWorld struct {
	t       *testing.T
	e       *simulator.Engine
	o       *oracle.Oracle
	adapter *adapter.Client
	slow    *atomic.Bool // the gateway answers /jit only after the timeout
	cm      string       // the funding source's commando mode
	cards   map[oracle.Key]string
	n       int
}

func newOracleWorld(t *testing.T, hooks webhook.Options) *oracleWorld {
	t.Helper()
	s, err := server.Open(server.Config{JournalDir: t.TempDir(), Username: gwUser, Password: gwPass, PartialApprovals: true})
	if err != nil {
		t.Fatal(err)
	}
	slow := new(atomic.Bool)
	h := s.Handler()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if slow.Load() && r.URL.Path == "/jit" {
			<-r.Context().Done() // answer once Marqeta has given up
		}
		h.ServeHTTP(w, r)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close(); s.Close() })
	base := "http://" + ln.Addr().String()

	o := oracle.New(oracle.Options{})
	e := simulator.New(simulator.Config{Clock: clock.NewVirtual(time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)), Seed: 11, Webhooks: hooks, Observe: o.Observe})
	t.Cleanup(e.Close)
	src, err := e.CreateFundingSource(simulator.FundingSource{Name: "reference gateway", URL: base + "/jit", BasicAuthUsername: gwUser, BasicAuthPassword: gwPass, TimeoutMillis: 1000})
	if err != nil {
		t.Fatal(err)
	}
	cm, err := e.CreateCommandoMode(simulator.CommandoMode{ProgramGatewayFundingSourceToken: src.Token})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.CreateWebhook(simulator.Webhook{Name: "ledger", Events: []string{"transaction.*"}, Config: simulator.WebhookConfig{URL: base + "/webhooks", BasicAuthUsername: gwUser, BasicAuthPassword: gwPass}}); err != nil {
		t.Fatal(err)
	}
	return &oracleWorld{t: t, e: e, o: o, slow: slow, cm: cm.Token, cards: map[oracle.Key]string{},
		adapter: &adapter.Client{URL: base + "/graphql", Username: gwUser, Password: gwPass}}
}

// holder creates a cardholder with a card and credits funds through the
// adapter, booking the credit in the oracle too.
func (w *oracleWorld) holder(funds string) (card string, k oracle.Key) {
	w.t.Helper()
	src := w.e.FundingSources()[0]
	prod, err := w.e.CreateCardProduct(simulator.CardProduct{Name: "JIT", StartDate: "2026-01-01", Config: &simulator.CardProductConfig{
		CardLifeCycle: &simulator.CardLifeCycle{ActivateUponIssue: jit.Bool(true)},
		JITFunding:    &simulator.JITFundingCfg{ProgramGatewayFundingSource: &simulator.ProgramGatewayJIT{Enabled: jit.Bool(true), FundingSourceToken: src.Token}},
	}})
	if err != nil {
		w.t.Fatal(err)
	}
	u, err := w.e.CreateUser(simulator.User{FirstName: "Grace"})
	if err != nil {
		w.t.Fatal(err)
	}
	c, err := w.e.CreateCard(simulator.Card{UserToken: u.Token, CardProductToken: prod.Token})
	if err != nil {
		w.t.Fatal(err)
	}
	k = oracle.Key{Account: u.Token, Currency: "USD"}
	minor, _ := jit.MustAmount(funds).Minor("USD")
	w.n++
	ref := fmt.Sprintf("fund-%d", w.n)
	if _, err := w.adapter.Credit(ctx, u.Token, "USD", minor, ref); err != nil {
		w.t.Fatal(err)
	}
	w.o.Fund(k, minor, ref)
	w.cards[k] = c.Token
	return c.Token, k
}

func (w *oracleWorld) standin(rts *simulator.RealTimeStandin, manual bool) {
	w.t.Helper()
	if _, err := w.e.UpdateCommandoMode(w.cm, simulator.CommandoMode{RealTimeStandinCriteria: rts}); err != nil {
		w.t.Fatal(err)
	}
	if _, err := w.e.TransitionCommandoMode(w.cm, simulator.CommandoTransition{CommandoEnabled: manual, Channel: "API"}); err != nil {
		w.t.Fatal(err)
	}
}

func (w *oracleWorld) flush() {
	w.t.Helper()
	if err := w.e.Webhooks().Flush(ctx); err != nil {
		w.t.Fatal(err)
	}
	if n := w.e.Webhooks().Pending(); n != 0 {
		w.t.Fatalf("%d webhook events undelivered", n)
	}
}

// reconcile checks zero drift and no violation through the adapter (with
// holds) and through balance inquiries.
func (w *oracleWorld) reconcile(accounts int) {
	w.t.Helper()
	w.flush()
	for _, r := range []struct {
		name string
		r    oracle.Reader
	}{
		{"adapter", oracle.AdapterReader(w.adapter)},
		{"balance inquiry", oracle.InquiryReader(w.e, func(k oracle.Key) (string, bool) { c, ok := w.cards[k]; return c, ok })},
	} {
		rep, err := w.o.Reconcile(ctx, r.r)
		if err != nil {
			w.t.Fatalf("%s: %v", r.name, err)
		}
		if rep.AccountsChecked != accounts {
			w.t.Fatalf("%s: %d accounts checked, want %d", r.name, rep.AccountsChecked, accounts)
		}
		for _, d := range rep.Drift {
			w.t.Errorf("%s: drift on %s: expected %+v, gateway %+v", r.name, d.Account, d.Expected, d.Actual)
			for _, e := range d.History {
				w.t.Logf("  %s %s %s %s %d → %s %s", e.Kind, e.Type, e.State, e.Token, e.Amount, e.Effect, e.Outcome)
			}
		}
		for _, v := range rep.Violations {
			w.t.Errorf("%s: violation %+v", r.name, v)
		}
	}
}

type flow struct {
	name  string
	funds string
	run   func(w *oracleWorld, card string)
	want  oracle.Balance // what the oracle must expect, checked before reconciling
}

// oracleFlows are a few flows of every kind the engine makes.
func oracleFlows(t *testing.T) []flow {
	ok := func(txn *jit.Transaction, err error) *jit.Transaction {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return txn
	}
	a := jit.MustAmount
	m := simulator.Merchant{MCC: "5812", Name: "Bistro"}
	auth := func(w *oracleWorld, card, amt string) *jit.Transaction {
		return ok(w.e.Authorize(ctx, simulator.AuthRequest{CardToken: card, Amount: a(amt), Merchant: m}))
	}
	clear := func(w *oracleWorld, pre, amt string, seq, n int) *jit.Transaction {
		return ok(w.e.Clear(ctx, simulator.ClearRequest{Preceding: pre, Amount: a(amt), Sequence: seq, Count: n}))
	}
	return []flow{
		{"auth approved, open", "100.00", func(w *oracleWorld, c string) { auth(w, c, "42.17") }, oracle.Balance{Available: 5783, Ledger: 10000, Pending: 4217}},
		{"auth and clear", "100.00", func(w *oracleWorld, c string) { clear(w, auth(w, c, "42.17").Token, "42.17", 0, 0) }, oracle.Balance{Available: 5783, Ledger: 5783}},
		{"declined auth", "100.00", func(w *oracleWorld, c string) { auth(w, c, "100.01") }, oracle.Balance{Available: 10000, Ledger: 10000}},
		{"partial approval", "100.00", func(w *oracleWorld, c string) {
			ok(w.e.Authorize(ctx, simulator.AuthRequest{CardToken: c, Amount: a("150.00"), Merchant: m, Partial: true}))
		}, oracle.Balance{Available: 0, Ledger: 10000, Pending: 10000}},
		{"multi-clearing", "100.00", func(w *oracleWorld, c string) {
			x := auth(w, c, "60.00")
			clear(w, x.Token, "25.00", 1, 2)
			clear(w, x.Token, "30.00", 2, 2)
		}, oracle.Balance{Available: 4500, Ledger: 4500}},
		{"multi-clearing still open", "100.00", func(w *oracleWorld, c string) { clear(w, auth(w, c, "60.00").Token, "25.00", 1, 3) }, oracle.Balance{Available: 4000, Ledger: 7500, Pending: 3500}},
		{"tip over-clearing", "100.00", func(w *oracleWorld, c string) { clear(w, auth(w, c, "50.00").Token, "60.00", 0, 0) }, oracle.Balance{Available: 4000, Ledger: 4000}},
		{"fuel: advice then clear", "200.00", func(w *oracleWorld, c string) {
			x := auth(w, c, "175.00")
			ok(w.e.Advice(ctx, x.Token, a("52.10")))
			clear(w, x.Token, "52.10", 0, 0)
		}, oracle.Balance{Available: 14790, Ledger: 14790}},
		{"hotel: incrementals then a lower clearing", "300.00", func(w *oracleWorld, c string) {
			x := auth(w, c, "150.00")
			ok(w.e.Incremental(ctx, x.Token, a("50.00")))
			ok(w.e.Incremental(ctx, x.Token, a("40.00")))
			clear(w, x.Token, "220.00", 0, 0)
		}, oracle.Balance{Available: 8000, Ledger: 8000}},
		{"incremental declined", "100.00", func(w *oracleWorld, c string) {
			ok(w.e.Incremental(ctx, auth(w, c, "80.00").Token, a("30.00")))
		}, oracle.Balance{Available: 2000, Ledger: 10000, Pending: 8000}},
		{"force post", "100.00", func(w *oracleWorld, c string) {
			ok(w.e.Clear(ctx, simulator.ClearRequest{CardToken: c, Amount: a("12.00")}))
		}, oracle.Balance{Available: 8800, Ledger: 8800}},
		{"pin debit", "100.00", func(w *oracleWorld, c string) {
			ok(w.e.PINDebit(ctx, simulator.AuthRequest{CardToken: c, Amount: a("20.00"), CardPresent: true}))
		}, oracle.Balance{Available: 8000, Ledger: 8000}},
		{"pin debit declined", "10.00", func(w *oracleWorld, c string) {
			ok(w.e.PINDebit(ctx, simulator.AuthRequest{CardToken: c, Amount: a("20.00"), CardPresent: true}))
		}, oracle.Balance{Available: 1000, Ledger: 1000}},
		{"full reversal", "100.00", func(w *oracleWorld, c string) { ok(w.e.Reverse(ctx, auth(w, c, "30.00").Token, a("30.00"))) }, oracle.Balance{Available: 10000, Ledger: 10000}},
		{"partial reversal then clear", "100.00", func(w *oracleWorld, c string) {
			x := auth(w, c, "30.00")
			ok(w.e.Reverse(ctx, x.Token, a("10.00")))
			clear(w, x.Token, "20.00", 0, 0)
		}, oracle.Balance{Available: 8000, Ledger: 8000}},
		{"reversal after a non-final clearing", "100.00", func(w *oracleWorld, c string) {
			x := auth(w, c, "60.00")
			clear(w, x.Token, "20.00", 1, 2)
			ok(w.e.Reverse(ctx, x.Token, a("40.00")))
		}, oracle.Balance{Available: 8000, Ledger: 8000}},
		{"expiry", "100.00", func(w *oracleWorld, c string) { ok(w.e.Expire(ctx, auth(w, c, "30.00").Token)) }, oracle.Balance{Available: 10000, Ledger: 10000}},
		{"refund after clearing", "100.00", func(w *oracleWorld, c string) {
			x := clear(w, auth(w, c, "30.00").Token, "30.00", 0, 0)
			ok(w.e.Refund(ctx, simulator.RefundRequest{Preceding: x.Token, Amount: a("10.00")}))
		}, oracle.Balance{Available: 8000, Ledger: 8000}},
		{"unlinked refund", "100.00", func(w *oracleWorld, c string) {
			ok(w.e.Refund(ctx, simulator.RefundRequest{CardToken: c, Amount: a("5.00")}))
		}, oracle.Balance{Available: 10500, Ledger: 10500}},
		{"refund authorization cleared, another reversed", "100.00", func(w *oracleWorld, c string) {
			r := ok(w.e.RefundAuthorize(ctx, simulator.RefundRequest{CardToken: c, Amount: a("9.00")}))
			ok(w.e.ClearRefundAuthorization(ctx, r.Token, a("9.00")))
			r = ok(w.e.RefundAuthorize(ctx, simulator.RefundRequest{CardToken: c, Amount: a("4.00")}))
			ok(w.e.ReverseRefundAuthorization(ctx, r.Token, a("4.00")))
		}, oracle.Balance{Available: 10900, Ledger: 10900}},
		{"balance inquiry and account verification", "100.00", func(w *oracleWorld, c string) {
			ok(w.e.BalanceInquiry(ctx, simulator.AuthRequest{CardToken: c}))
			ok(w.e.VerifyAccount(ctx, simulator.AuthRequest{CardToken: c}))
		}, oracle.Balance{Available: 10000, Ledger: 10000}},
		{"timeout: declined, the late hold released", "100.00", func(w *oracleWorld, c string) {
			w.slow.Store(true)
			x := auth(w, c, "25.00")
			w.slow.Store(false)
			if x.State != jit.StateDeclined {
				t.Fatalf("state %s", x.State)
			}
		}, oracle.Balance{Available: 10000, Ledger: 10000}},
		{"manual commando stand-in, then cleared", "100.00", func(w *oracleWorld, c string) {
			w.standin(nil, true)
			x := auth(w, c, "130.00") // stand-in may overdraw
			w.standin(nil, false)
			if x.StandinApprovedBy != "COMMANDO_MANUAL" {
				t.Fatalf("standin %q", x.StandinApprovedBy)
			}
			w.flush()
			if y := auth(w, c, "10.00"); y.State != jit.StateDeclined { // available is negative now
				t.Fatalf("state %s after the stand-in", y.State)
			}
			clear(w, x.Token, "120.00", 0, 0)
		}, oracle.Balance{Available: -2000, Ledger: -2000}},
	}
}

// TestOracleZeroDrift runs every flow against the reference gateway, each
// on its own account, webhooks delivered after each, and reconciles all
// accounts at the end: zero drift, no violation, by adapter and by balance
// inquiry.
func TestOracleZeroDrift(t *testing.T) {
	w := newOracleWorld(t, webhook.Options{})
	for _, f := range oracleFlows(t) {
		card, k := w.holder(f.funds)
		f.run(w, card)
		w.flush()
		if got := w.o.Expected(k); got != f.want {
			t.Fatalf("%s: oracle expects %+v, want %+v", f.name, got, f.want)
		}
	}
	w.reconcile(len(oracleFlows(t)))
}

// twice sends every request twice and answers with the second response: a
// webhook delivered twice.
type twice struct{ rt http.RoundTripper }

func (d twice) RoundTrip(r *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	first := r.Clone(r.Context())
	first.Body = io.NopCloser(bytes.NewReader(body))
	resp, err := d.rt.RoundTrip(first)
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	second := r.Clone(r.Context())
	second.Body = io.NopCloser(bytes.NewReader(body))
	return d.rt.RoundTrip(second)
}

// TestOracleDuplicatedReorderedWebhooks sends every webhook batch twice and
// in reverse order, all at the end: the gateway must still match the
// oracle, which sees network order once.
func TestOracleDuplicatedReorderedWebhooks(t *testing.T) {
	w := newOracleWorld(t, webhook.Options{
		Intercept: func(b []webhook.Batch) []webhook.Batch {
			out := slices.Clone(b)
			slices.Reverse(out)
			return out
		},
		Client: &http.Client{Transport: twice{http.DefaultTransport}},
	})
	flows := oracleFlows(t)
	for _, f := range flows {
		if f.name == "timeout: declined, the late hold released" || f.name == "manual commando stand-in, then cleared" {
			continue // their outcome depends on the gateway having seen earlier webhooks
		}
		card, _ := w.holder(f.funds)
		f.run(w, card)
	}
	w.reconcile(len(flows) - 2)
}

// TestOracleStandInAfterTimeout: automatic stand-in on a response timeout
// approves the authorization the gateway did not answer in time; the
// webhook carries gateway_log.timed_out and standin_approved_by, and the
// gateway must book the hold.
func TestOracleStandInAfterTimeout(t *testing.T) {
	w := newOracleWorld(t, webhook.Options{})
	card, k := w.holder("100.00")
	w.standin(&simulator.RealTimeStandin{Enabled: true, IncludeResponseTimeouts: true}, false)
	w.slow.Store(true)
	x, err := w.e.Authorize(context.Background(), simulator.AuthRequest{CardToken: card, Amount: jit.MustAmount("25.00")})
	w.slow.Store(false)
	if err != nil {
		t.Fatal(err)
	}
	if x.StandinApprovedBy != "COMMANDO_AUTO" || x.State != jit.StatePending {
		t.Fatalf("standin %q state %s", x.StandinApprovedBy, x.State)
	}
	if got := w.o.Expected(k); got != (oracle.Balance{Available: 7500, Ledger: 10000, Pending: 2500}) {
		t.Fatalf("oracle expects %+v", got)
	}
	w.flush()
	w.reconcile(1)
}
