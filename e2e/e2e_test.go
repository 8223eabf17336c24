package e2e

import (
	"context"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/adapter"
	"github.com/jitsim/jitsim/reference-gateway/server"
	"github.com/jitsim/jitsim/simulator"
	"github.com/jitsim/jitsim/simulator/clock"
)

const (
	gwUser = "marqeta"
	gwPass = "gateway-password-0123456789"
)

var ctx = context.Background()

// world is a reference gateway on 127.0.0.1:0 and a fake Marqeta whose
// funding source and webhook point at it, with one funded cardholder.
type world struct {
	t       *testing.T
	e       *simulator.Engine
	clock   *clock.Virtual
	card    string
	user    string
	adapter *adapter.Client
	slow    *atomic.Bool // the gateway answers after the timeout while set
	wire    *wireLog     // every JIT request and webhook the gateway received
}

func newWorld(t *testing.T, funds string) *world {
	t.Helper()
	s, err := server.Open(server.Config{JournalDir: t.TempDir(), Username: gwUser, Password: gwPass})
	if err != nil {
		t.Fatal(err)
	}
	slow := new(atomic.Bool)
	h := s.Handler()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	wire := &wireLog{}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		wire.record(r)
		if slow.Load() && r.URL.Path == "/jit" {
			// Answer only once Marqeta has given up: a late approval.
			<-r.Context().Done()
		}
		h.ServeHTTP(w, r)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close(); s.Close() })
	base := "http://" + ln.Addr().String()

	v := clock.NewVirtual(time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC))
	e := simulator.New(simulator.Config{Clock: v, Seed: 7})
	t.Cleanup(e.Close)
	src, err := e.CreateFundingSource(simulator.FundingSource{Name: "reference gateway", URL: base + "/jit", BasicAuthUsername: gwUser, BasicAuthPassword: gwPass, TimeoutMillis: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.CreateWebhook(simulator.Webhook{Name: "ledger", Events: []string{"transaction.*"}, Config: simulator.WebhookConfig{URL: base + "/webhooks", BasicAuthUsername: gwUser, BasicAuthPassword: gwPass}}); err != nil {
		t.Fatal(err)
	}
	prod, err := e.CreateCardProduct(simulator.CardProduct{Name: "JIT", StartDate: "2026-01-01", Config: &simulator.CardProductConfig{
		CardLifeCycle: &simulator.CardLifeCycle{ActivateUponIssue: jit.Bool(true)},
		JITFunding:    &simulator.JITFundingCfg{ProgramGatewayFundingSource: &simulator.ProgramGatewayJIT{Enabled: jit.Bool(true), FundingSourceToken: src.Token}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := e.CreateUser(simulator.User{FirstName: "Grace"})
	c, err := e.CreateCard(simulator.Card{UserToken: u.Token, CardProductToken: prod.Token})
	if err != nil {
		t.Fatal(err)
	}
	a := &adapter.Client{URL: base + "/graphql", Username: gwUser, Password: gwPass}
	minor, _ := jit.MustAmount(funds).Minor("USD")
	if _, err := a.Credit(ctx, u.Token, "USD", minor, "funding"); err != nil {
		t.Fatal(err)
	}
	wire.reset() // the golden files hold the scenario, not the set-up
	return &world{t: t, e: e, clock: v, card: c.Token, user: u.Token, adapter: a, slow: slow, wire: wire}
}

// flush delivers queued webhooks and checks none is left undelivered.
func (w *world) flush() {
	w.t.Helper()
	if err := w.e.Webhooks().Flush(ctx); err != nil {
		w.t.Fatal(err)
	}
	if n := w.e.Webhooks().Pending(); n != 0 {
		w.t.Fatalf("%d webhook events undelivered: %+v", n, w.e.Webhooks().Attempts(""))
	}
}

func (w *world) expect(ledger, pending string) {
	w.t.Helper()
	w.flush()
	acct, err := w.adapter.AccountWithHolds(ctx, w.user, "USD")
	if err != nil {
		w.t.Fatal(err)
	}
	l, _ := jit.MustAmount(ledger).Minor("USD")
	p, _ := jit.MustAmount(pending).Minor("USD")
	if acct.Ledger != l || acct.Pending != p || acct.Available != l-p {
		w.t.Fatalf("gateway ledger %d pending %d available %d; want ledger %d pending %d", acct.Ledger, acct.Pending, acct.Available, l, p)
	}
}

// ok fails the test on err and returns txn.
func (w *world) ok(txn *jit.Transaction, err error) *jit.Transaction {
	w.t.Helper()
	if err != nil {
		w.t.Fatal(err)
	}
	return txn
}

func amt(s string) jit.Amount { return jit.MustAmount(s) }

// TestSampleScenarios runs Marqeta's sample scenario list (protocol.md §7)
// through the fake Marqeta against the reference gateway and checks the
// gateway's ledger after each.
func TestSampleScenarios(t *testing.T) {
	auth := func(w *world, a string) *jit.Transaction {
		return w.ok(w.e.Authorize(ctx, simulator.AuthRequest{CardToken: w.card, Amount: amt(a), Merchant: simulator.Merchant{MCC: "5411", Name: "Grocer"}}))
	}
	tests := []struct {
		name string
		run  func(w *world)
	}{
		{"auth and clear", func(w *world) {
			a := auth(w, "42.17")
			w.expect("100.00", "42.17")
			w.ok(w.e.Clear(ctx, simulator.ClearRequest{Preceding: a.Token, Amount: amt("42.17")}))
			w.expect("57.83", "0")
		}},
		{"several clearings for one auth", func(w *world) {
			a := auth(w, "60.00")
			w.ok(w.e.Clear(ctx, simulator.ClearRequest{Preceding: a.Token, Amount: amt("25.00"), Sequence: 1, Count: 2}))
			w.expect("75.00", "35.00")
			w.ok(w.e.Clear(ctx, simulator.ClearRequest{Preceding: a.Token, Amount: amt("30.00"), Sequence: 2, Count: 2}))
			w.expect("45.00", "0")
		}},
		{"clearing above the auth", func(w *world) {
			a := auth(w, "50.00")
			w.ok(w.e.Clear(ctx, simulator.ClearRequest{Preceding: a.Token, Amount: amt("60.00")}))
			w.expect("40.00", "0")
		}},
		{"auth, advice, clear", func(w *world) {
			a := auth(w, "75.00")
			w.ok(w.e.Advice(ctx, a.Token, amt("52.10")))
			w.expect("100.00", "52.10")
			w.ok(w.e.Clear(ctx, simulator.ClearRequest{Preceding: a.Token, Amount: amt("52.10")}))
			w.expect("47.90", "0")
		}},
		{"auth, incrementals, clear", func(w *world) {
			a := auth(w, "40.00")
			w.ok(w.e.Incremental(ctx, a.Token, amt("20.00")))
			w.ok(w.e.Incremental(ctx, a.Token, amt("10.00")))
			w.expect("100.00", "70.00")
			w.ok(w.e.Clear(ctx, simulator.ClearRequest{Preceding: a.Token, Amount: amt("65.00")}))
			w.expect("35.00", "0")
		}},
		{"force post", func(w *world) {
			w.ok(w.e.Clear(ctx, simulator.ClearRequest{CardToken: w.card, Amount: amt("12.00")}))
			w.expect("88.00", "0")
		}},
		{"single PIN debit", func(w *world) {
			d := w.ok(w.e.PINDebit(ctx, simulator.AuthRequest{CardToken: w.card, Amount: amt("20.00"), CardPresent: true}))
			if d.State != jit.StateCompletion {
				t.Fatalf("PIN debit state %s", d.State)
			}
			w.expect("80.00", "0")
		}},
		{"auth and reversal", func(w *world) {
			a := auth(w, "30.00")
			w.ok(w.e.Reverse(ctx, a.Token, amt("30.00")))
			w.expect("100.00", "0")
		}},
		{"auth, clear, refund", func(w *world) {
			a := auth(w, "30.00")
			c := w.ok(w.e.Clear(ctx, simulator.ClearRequest{Preceding: a.Token, Amount: amt("30.00")}))
			w.ok(w.e.Refund(ctx, simulator.RefundRequest{Preceding: c.Token, Amount: amt("10.00")}))
			w.expect("80.00", "0")
		}},
		{"auth, clear, reversal refused after the final clearing", func(w *world) {
			a := auth(w, "30.00")
			w.ok(w.e.Clear(ctx, simulator.ClearRequest{Preceding: a.Token, Amount: amt("30.00")}))
			if _, err := w.e.Reverse(ctx, a.Token, amt("30.00")); jit.ErrorCode(err) != jit.EINVALID {
				t.Fatalf("reversal after clearing: %v", err)
			}
			w.expect("70.00", "0")
		}},
		{"declined auth", func(w *world) {
			a := auth(w, "100.01")
			if a.State != jit.StateDeclined || a.Response.Code != jit.ResponseCodeJITInsufficientFunds {
				t.Fatalf("state %s code %s", a.State, a.Response.Code)
			}
			w.expect("100.00", "0")
		}},
		{"delayed gateway response: declined, late hold released", func(w *world) {
			w.slow.Store(true)
			a := auth(w, "25.00")
			w.slow.Store(false)
			if a.State != jit.StateDeclined || !*a.GatewayLogOf().TimedOut {
				t.Fatalf("state %s log %+v", a.State, a.GatewayLogOf())
			}
			// Whether the gateway booked its late approval before or after the
			// timeout webhook, nothing stays held.
			w.expect("100.00", "0")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t, "100.00")
			tt.run(w)
			w.wire.compareGolden(t, tt.name)
		})
	}
}
