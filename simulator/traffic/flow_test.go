package traffic

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator"
	"github.com/jitsim/jitsim/simulator/clock"
)

// fakeGateway approves every JIT request up to limit (minor units) and
// declines larger ones with INSUFFICIENT_FUNDS; it answers webhooks 200.
func fakeGateway(t *testing.T, limit int64) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/jit" {
			w.WriteHeader(http.StatusOK)
			return
		}
		var txn jit.Transaction
		if err := json.NewDecoder(r.Body).Decode(&txn); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		jf := *txn.JITFundingOf()
		status := http.StatusOK
		if m, _ := jf.Amount.Minor("USD"); m > limit {
			status, jf.DeclineReason = http.StatusPaymentRequired, "INSUFFICIENT_FUNDS"
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(jit.JITResponse{JITFunding: jf})
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// harness is an engine on a virtual clock wired to a fake gateway, with one
// card.
type harness struct {
	e     *simulator.Engine
	clock *clock.Virtual
	card  string
	seen  []*jit.Transaction
}

func newHarness(t *testing.T, limit int64) *harness {
	t.Helper()
	url := fakeGateway(t, limit)
	h := &harness{clock: clock.NewVirtual(time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC))}
	h.e = simulator.New(simulator.Config{Clock: h.clock, Seed: 5, Observe: func(o simulator.Observation) {
		if o.Webhook != nil {
			h.seen = append(h.seen, o.Webhook)
		}
	}})
	t.Cleanup(h.e.Close)
	src, err := h.e.CreateFundingSource(simulator.FundingSource{Name: "fake", URL: url + "/jit", BasicAuthUsername: "u", BasicAuthPassword: "password-0123456789-abc"})
	if err != nil {
		t.Fatal(err)
	}
	prod, err := h.e.CreateCardProduct(simulator.CardProduct{Name: "JIT", StartDate: "2026-01-01", Config: &simulator.CardProductConfig{
		CardLifeCycle: &simulator.CardLifeCycle{ActivateUponIssue: jit.Bool(true)},
		JITFunding:    &simulator.JITFundingCfg{ProgramGatewayFundingSource: &simulator.ProgramGatewayJIT{Enabled: jit.Bool(true), FundingSourceToken: src.Token}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	u, err := h.e.CreateUser(simulator.User{FirstName: "Ada"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := h.e.CreateCard(simulator.Card{UserToken: u.Token, CardProductToken: prod.Token})
	if err != nil {
		t.Fatal(err)
	}
	h.card = c.Token
	return h
}

// run executes every step of f in order on the virtual clock.
func (h *harness) run(t *testing.T, f *Flow) {
	t.Helper()
	start := h.clock.Now()
	for i, s := range f.Steps {
		h.clock.AdvanceTo(start.Add(s.After))
		if _, err := f.Exec(context.Background(), h.e, h.card, i); err != nil {
			t.Fatal(err)
		}
	}
}

// TestEveryScenarioSendsItsMessages runs flows of each scenario against a
// fake gateway that approves up to $1000 and checks the message types the
// network sent.
func TestEveryScenarioSendsItsMessages(t *testing.T) {
	auth, clr, inc, adv, rev := jit.TypeAuthorization, jit.TypeAuthorizationClearing, jit.TypeAuthorizationIncremental, jit.TypeAuthorizationAdvice, jit.TypeAuthorizationReversal
	tests := []struct {
		scenario string
		want     []string // every type that must appear over the flows
		never    []string // types that must not
	}{
		{ScenarioGrocery, []string{auth, clr}, []string{rev}},
		{ScenarioRestaurant, []string{auth, clr}, nil},
		{ScenarioFuelStatusCheck, []string{auth, clr}, nil},
		{ScenarioFuelPreauth, []string{auth, adv, clr}, nil},
		{ScenarioHotel, []string{auth, inc, clr}, nil},
		{ScenarioCarRental, []string{auth, inc, clr}, nil},
		{ScenarioEcommerce, []string{auth, rev, clr}, nil},
		{ScenarioSplitShipment, []string{auth, clr}, nil},
		{ScenarioRefund, []string{auth, clr, jit.TypeRefund}, nil},
		{ScenarioUnlinkedRefund, []string{jit.TypeRefund}, []string{auth}},
		{ScenarioBalanceInquiry, []string{jit.TypeBalanceinquiry}, []string{auth}},
		{ScenarioPINDebit, []string{jit.TypePindebit}, []string{auth}},
		{ScenarioATM, []string{jit.TypePindebitATMWithdrawal}, []string{auth}},
		{ScenarioForcePost, []string{clr}, []string{auth}},
		{ScenarioInsufficientFunds, []string{auth}, []string{jit.TypeAuthorizationReversalIssuerexpiration}},
		{ScenarioExpiry, []string{auth, jit.TypeAuthorizationReversalIssuerexpiration}, []string{clr}},
	}
	for _, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			p := Default()
			p.Mix = map[string]int{tt.scenario: 1}
			p.Cardholders.Balance = MoneyRange{jit.MustAmount("1000.00"), jit.MustAmount("1000.00")}
			g, err := New(p)
			if err != nil {
				t.Fatal(err)
			}
			h := newHarness(t, 100000)
			for range 20 {
				h.run(t, g.Next())
			}
			types := map[string]int{}
			for _, w := range h.seen {
				types[w.Type]++
			}
			for _, typ := range tt.want {
				if types[typ] == 0 {
					t.Errorf("no %s message; saw %v", typ, types)
				}
			}
			for _, typ := range tt.never {
				if types[typ] != 0 {
					t.Errorf("%d %s messages; want none", types[typ], typ)
				}
			}
			checkScenario(t, tt.scenario, h.seen)
		})
	}
}

// checkScenario checks what one scenario's messages must carry.
func checkScenario(t *testing.T, scenario string, seen []*jit.Transaction) {
	t.Helper()
	switch scenario {
	case ScenarioInsufficientFunds:
		for _, w := range seen {
			if w.State != jit.StateDeclined || w.Response == nil || w.Response.Code != jit.ResponseCodeJITInsufficientFunds {
				t.Errorf("insufficient funds: %s %s %+v", w.Type, w.State, w.Response)
			}
		}
	case ScenarioSplitShipment:
		finals := 0
		for _, w := range seen {
			if w.Type == jit.TypeAuthorizationClearing {
				if w.MultiClearingSequenceCount == "" || w.IsFinalClearing == nil {
					t.Fatalf("split shipment clearing without multi-clearing fields: %+v", w)
				}
				if *w.IsFinalClearing {
					finals++
					if w.MultiClearingSequenceNumber != w.MultiClearingSequenceCount {
						t.Errorf("final clearing %s of %s", w.MultiClearingSequenceNumber, w.MultiClearingSequenceCount)
					}
				}
			}
		}
		if finals != 20 {
			t.Errorf("%d final clearings for 20 split shipments", finals)
		}
	case ScenarioEcommerce:
		states := map[string]bool{}
		for _, w := range seen {
			if w.Type == jit.TypeAuthorizationReversal {
				states[w.State] = true
			}
		}
		if !states[jit.StateCleared] || !states[jit.StatePending] {
			t.Errorf("e-commerce reversals %v; want full (CLEARED) and partial (PENDING)", states)
		}
	case ScenarioFuelPreauth, ScenarioGrocery, ScenarioRestaurant:
		for _, w := range seen {
			if w.CardAcceptor == nil || !slices.Contains(scenarios[scenario].mccs, w.CardAcceptor.MCC) {
				t.Errorf("%s at %+v", w.Type, w.CardAcceptor)
			}
		}
	}
}

// TestFollowUpsOfDeclinedAuthorizationsAreSkipped checks that a declined
// authorization's clearing is not sent.
func TestFollowUpsOfDeclinedAuthorizationsAreSkipped(t *testing.T) {
	p := Default()
	p.Mix = map[string]int{ScenarioGrocery: 1}
	g, err := New(p)
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, 0) // declines everything
	f := g.Next()
	for i := range f.Steps {
		txn, err := f.Exec(context.Background(), h.e, h.card, i)
		if err != nil {
			t.Fatal(err)
		}
		if i > 0 && txn != nil {
			t.Fatalf("step %d (%s) sent after a declined authorization", i, f.Steps[i].Op)
		}
	}
	if len(h.seen) != 1 || h.seen[0].State != jit.StateDeclined {
		t.Fatalf("saw %d messages", len(h.seen))
	}
	if _, err := f.Exec(context.Background(), h.e, h.card, len(f.Steps)); jit.ErrorCode(err) != jit.EINVALID {
		t.Fatalf("step out of range: %v", err)
	}
}
