package e2e

import (
	"strings"
	"testing"

	"github.com/jitsim/jitsim/jit"
)

// TestSampleScenarios runs Marqeta's sample scenario list (protocol.md §7)
// the way Marqeta's sample client does, over HTTP only: each step is a POST
// /v3/simulations/cardtransactions/{event}, follow-ups name the earlier
// answer's transaction.token. After each scenario the gateway's ledger is
// checked through its adapter and everything the gateway received on /jit
// and /webhooks is compared with the golden file.
func TestSampleScenarios(t *testing.T) {
	auth := func(w *world, amount string) *jit.Transaction {
		return w.mq.simulate("authorization", obj{"card_token": w.card, "amount": num(amount), "card_acceptor": obj{"mcc": "5411", "name": "Grocer"}})
	}
	follow := func(w *world, event string, preceding *jit.Transaction, amount string, extra ...obj) *jit.Transaction {
		body := obj{"preceding_related_transaction_token": preceding.Token, "amount": num(amount)}
		for _, x := range extra {
			for k, v := range x {
				body[k] = v
			}
		}
		return w.mq.simulate(event, body)
	}
	tests := []struct {
		name string
		run  func(t *testing.T, w *world)
	}{
		{"auth and clear", func(t *testing.T, w *world) {
			a := auth(w, "42.17")
			w.expect("100.00", "42.17")
			follow(w, "authorization.clearing", a, "42.17")
			w.expect("57.83", "0")
		}},
		{"several clearings for one auth", func(t *testing.T, w *world) {
			a := auth(w, "60.00")
			follow(w, "authorization.clearing", a, "25.00", obj{"multi_clearing_sequence_number": 1, "multi_clearing_sequence_count": 2})
			w.expect("75.00", "35.00")
			follow(w, "authorization.clearing", a, "30.00", obj{"multi_clearing_sequence_number": 2, "multi_clearing_sequence_count": 2})
			w.expect("45.00", "0")
		}},
		{"clearing above the auth", func(t *testing.T, w *world) {
			a := auth(w, "50.00")
			follow(w, "authorization.clearing", a, "60.00")
			w.expect("40.00", "0")
		}},
		{"auth, advice, clear", func(t *testing.T, w *world) {
			a := auth(w, "75.00")
			follow(w, "authorization.advice", a, "52.10")
			w.expect("100.00", "52.10")
			follow(w, "authorization.clearing", a, "52.10")
			w.expect("47.90", "0")
		}},
		{"auth, incrementals, clear", func(t *testing.T, w *world) {
			a := auth(w, "40.00")
			follow(w, "authorization.incremental", a, "20.00")
			follow(w, "authorization.incremental", a, "10.00")
			w.expect("100.00", "70.00")
			follow(w, "authorization.clearing", a, "65.00")
			w.expect("35.00", "0")
		}},
		{"force post", func(t *testing.T, w *world) {
			w.mq.simulate("authorization.clearing", obj{"force_post": true, "card_token": w.card, "amount": num("12.00")})
			w.expect("88.00", "0")
		}},
		{"single PIN debit", func(t *testing.T, w *world) {
			d := w.mq.simulate("pindebit", obj{"card_token": w.card, "amount": num("20.00")})
			if d.State != jit.StateCompletion {
				t.Fatalf("PIN debit state %s", d.State)
			}
			w.expect("80.00", "0")
		}},
		{"auth and reversal", func(t *testing.T, w *world) {
			a := auth(w, "30.00")
			follow(w, "authorization.reversal", a, "30.00")
			w.expect("100.00", "0")
		}},
		{"auth, clear, refund", func(t *testing.T, w *world) {
			a := auth(w, "30.00")
			c := follow(w, "authorization.clearing", a, "30.00")
			follow(w, "refund", c, "10.00")
			w.expect("80.00", "0")
		}},
		{"auth, clear, reversal refused after the final clearing", func(t *testing.T, w *world) {
			a := auth(w, "30.00")
			follow(w, "authorization.clearing", a, "30.00")
			code, msg := w.mq.refused("authorization.reversal", obj{"preceding_related_transaction_token": a.Token, "amount": num("30.00")}, 400)
			if code != "400" || !strings.Contains(msg, "already closed") {
				t.Fatalf("reversal after clearing: %s %s", code, msg)
			}
			w.expect("70.00", "0")
		}},
		{"declined auth", func(t *testing.T, w *world) {
			a := auth(w, "100.01")
			if a.State != jit.StateDeclined || a.Response.Code != jit.ResponseCodeJITInsufficientFunds {
				t.Fatalf("state %s code %s", a.State, a.Response.Code)
			}
			w.expect("100.00", "0")
		}},
		{"delayed gateway response: declined, late hold released", func(t *testing.T, w *world) {
			w.slow.Store(true)
			a := auth(w, "25.00")
			w.slow.Store(false)
			if gl := a.GatewayLogOf(); a.State != jit.StateDeclined || gl == nil || gl.TimedOut == nil || !*gl.TimedOut {
				t.Fatalf("state %s log %+v", a.State, gl)
			}
			// Whether the gateway booked its late approval before or after the
			// timeout webhook, nothing stays held.
			w.expect("100.00", "0")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t, "100.00")
			tt.run(t, w)
			w.wire.compareGolden(t, tt.name)
		})
	}
}
