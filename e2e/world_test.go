package e2e

import (
	"context"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jitsim/jitsim/adapter"
	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/reference-gateway/server"
	"github.com/jitsim/jitsim/simulator"
	"github.com/jitsim/jitsim/simulator/api"
	"github.com/jitsim/jitsim/simulator/clock"
)

const (
	gwUser = "marqeta"
	gwPass = "gateway-password-0123456789"
	// The sandbox's credentials: application token and admin access token.
	appToken    = "e2e-app-token"
	accessToken = "e2e-access-token"
)

var ctx = context.Background()

// world is a reference gateway and jitsim's fake Marqeta, each on its own
// 127.0.0.1:0 listener, set up the way Marqeta's sample client sets up a
// JIT program: over the sandbox's REST API only.
type world struct {
	t       *testing.T
	mq      *marqeta // the sandbox, as a client sees it
	card    string
	user    string
	webhook string
	adapter *adapter.Client // the harness side: funds and reads the gateway
	slow    *atomic.Bool    // the gateway answers after the timeout while set
	wire    *wireLog        // every JIT request and webhook the gateway received
}

// serve serves h on 127.0.0.1:0 until the test ends and returns its base
// URL.
func serve(t *testing.T, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

// newWorld starts the reference gateway (behind the wire log and the slow
// switch) and the sandbox (simulator/api over an engine on a virtual
// clock, as cmd/jitsim's sandbox wires it), creates the program over HTTP —
// a program gateway funding source at the gateway's /jit, a webhook at its
// /webhooks, a card product funding from the source, a user, a card — and
// funds the user with funds through the gateway's adapter.
func newWorld(t *testing.T, funds string) *world {
	t.Helper()
	s, err := server.Open(server.Config{JournalDir: t.TempDir(), Username: gwUser, Password: gwPass})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	slow, wire, gh := new(atomic.Bool), &wireLog{}, s.Handler()
	gateway := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		wire.record(r)
		if slow.Load() && r.URL.Path == "/jit" {
			// Answer only once Marqeta has given up: a late approval.
			<-r.Context().Done()
		}
		gh.ServeHTTP(w, r)
	}))

	e := simulator.New(simulator.Config{Clock: clock.NewVirtual(time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)), Seed: 7})
	t.Cleanup(e.Close)
	sandbox := serve(t, api.NewHandler(e, api.Options{AppToken: appToken, AccessToken: accessToken}))
	mq := &marqeta{t: t, base: sandbox + "/v3", appToken: appToken, accessTok: accessToken, http: httpClient}

	src := mq.create("/fundingsources/programgateway", obj{
		"name": "reference gateway", "url": gateway + "/jit", "basic_auth_username": gwUser,
		"basic_auth_password": gwPass, "timeout_millis": 1000,
	})
	hook := mq.create("/webhooks", obj{
		"name": "ledger", "events": []string{"transaction.*"},
		"config": obj{"url": gateway + "/webhooks", "basic_auth_username": gwUser, "basic_auth_password": gwPass},
	})
	prod := mq.create("/cardproducts", obj{
		"name": "JIT", "start_date": "2026-01-01",
		"config": obj{
			"card_life_cycle": obj{"activate_upon_issue": true},
			"jit_funding":     obj{"programgateway_funding_source": obj{"enabled": true, "funding_source_token": src}},
		},
	})
	user := mq.create("/users", obj{"first_name": "Grace"})
	card := mq.create("/cards", obj{"user_token": user, "card_product_token": prod})

	a := &adapter.Client{URL: gateway + "/graphql", Username: gwUser, Password: gwPass}
	minor, _ := jit.MustAmount(funds).Minor("USD")
	if _, err := a.Credit(ctx, user, "USD", minor, "funding"); err != nil {
		t.Fatal(err)
	}
	wire.reset() // the golden files hold the scenario, not the set-up
	return &world{t: t, mq: mq, card: card, user: user, webhook: hook, adapter: a, slow: slow, wire: wire}
}

// expect checks that every webhook so far was delivered (the sandbox
// flushes before it answers a simulation; its attempts list says how each
// try went) and that the gateway's ledger, read through the adapter, holds
// ledger and pending.
func (w *world) expect(ledger, pending string) {
	w.t.Helper()
	if bad := w.mq.undelivered(w.webhook); len(bad) > 0 {
		w.t.Fatalf("%d webhook attempts failed: %s", len(bad), bad)
	}
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
