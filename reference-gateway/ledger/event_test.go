package ledger

import (
	"math/rand"
	"testing"
)

// step is a decision or an event in a flow.
type step struct {
	req *Request
	ev  *Event
}

func D(r Request) step { return step{req: &r} }
func E(e Event) step   { return step{ev: &e} }

func run(t *testing.T, l *Ledger, steps []step) {
	t.Helper()
	for _, s := range steps {
		if s.req != nil {
			if _, err := l.Decide(ctx, *s.req); err != nil {
				t.Fatal(err)
			}
		} else if _, err := l.Apply(ctx, *s.ev); err != nil {
			t.Fatal(err)
		}
	}
}

// TestEventSemantics is design.md §3, one row a case.
func TestEventSemantics(t *testing.T) {
	u := usd("u")
	authJ := D(auth(u, "J", "T", 100_00))
	tests := []struct {
		name         string
		steps        []step
		ledger, held int64
		holdState    HoldState // of hold J, "" to skip
	}{
		{"approved authorization holds", []step{authJ}, 1000_00, 100_00, Open},
		{"declined webhook releases the hold", []step{authJ, E(Event{Kind: AuthDeclined, Account: u, Token: "T", JITToken: "J", Amount: 100_00})}, 1000_00, 0, Released},
		{"approval webhook after JIT holds once", []step{authJ, E(Event{Kind: AuthApproved, Account: u, Token: "T", JITToken: "J", Amount: 100_00})}, 1000_00, 100_00, Open},
		{"stand-in approval from webhook only", []step{E(Event{Kind: AuthApproved, Account: u, Token: "T", JITToken: "J", Amount: 1500_00})}, 1000_00, 1500_00, Open},
		{"incremental raises the hold", []step{authJ, D(Request{Kind: Increment, Account: u, JITToken: "I1", RootJIT: "J", RefTxn: "T", Amount: 30_00})}, 1000_00, 130_00, Open},
		{"incremental timed out undoes it", []step{authJ, D(Request{Kind: Increment, Account: u, JITToken: "I1", RootJIT: "J", RefTxn: "T", Amount: 30_00}),
			E(Event{Kind: IncrDeclined, Account: u, Token: "TI1", JITToken: "I1", RootJIT: "J", RefTxn: "T", Amount: 30_00})}, 1000_00, 100_00, Open},
		{"capture debits at once", []step{D(Request{Kind: Capture, Account: u, JITToken: "P", TxnToken: "TP", Amount: 60_00})}, 940_00, 0, ""},
		{"capture declined after the fact is refunded", []step{D(Request{Kind: Capture, Account: u, JITToken: "P", TxnToken: "TP", Amount: 60_00}),
			E(Event{Kind: DebitDeclined, Account: u, Token: "TP", JITToken: "P", Amount: 60_00})}, 1000_00, 0, ""},
		{"stand-in debit from webhook only", []step{E(Event{Kind: DebitApproved, Account: u, Token: "TP", JITToken: "P", Amount: 60_00})}, 940_00, 0, ""},
		{"debit webhook after JIT debits once", []step{D(Request{Kind: Capture, Account: u, JITToken: "P", TxnToken: "TP", Amount: 60_00}),
			E(Event{Kind: DebitApproved, Account: u, Token: "TP", JITToken: "P", Amount: 60_00})}, 940_00, 0, ""},
		{"advice sets the new total", []step{authJ, E(Event{Kind: Advice, Account: u, Token: "A1", RefTxn: "T", Amount: 25_00})}, 1000_00, 75_00, Open},
		{"clearing equal", []step{authJ, E(Event{Kind: Clear, Account: u, Token: "C", RefTxn: "T", Amount: 100_00, Movement: -100_00, Final: true})}, 900_00, 0, Cleared},
		{"clearing below releases the rest", []step{authJ, E(Event{Kind: Clear, Account: u, Token: "C", RefTxn: "T", Amount: 80_00, Movement: -80_00, Final: true})}, 920_00, 0, Cleared},
		{"clearing above (tip)", []step{authJ, E(Event{Kind: Clear, Account: u, Token: "C", RefTxn: "T", Amount: 120_00, Movement: -120_00, Final: true})}, 880_00, 0, Cleared},
		{"non-final multi-clearing consumes", []step{authJ, E(Event{Kind: Clear, Account: u, Token: "C1", RefTxn: "T", Amount: 40_00, Movement: -40_00})}, 960_00, 60_00, Open},
		{"multi-clearing then final", []step{authJ, E(Event{Kind: Clear, Account: u, Token: "C1", RefTxn: "T", Amount: 40_00, Movement: -40_00}),
			E(Event{Kind: Clear, Account: u, Token: "C2", RefTxn: "T", Amount: 30_00, Movement: -30_00, Final: true})}, 930_00, 0, Cleared},
		{"non-final clearing above the hold clamps at zero", []step{authJ, E(Event{Kind: Clear, Account: u, Token: "C1", RefTxn: "T", Amount: 140_00, Movement: -140_00})}, 860_00, 0, Open},
		{"partial reversal", []step{authJ, E(Event{Kind: Reverse, Account: u, Token: "R", RefTxn: "T", Amount: 30_00})}, 1000_00, 70_00, Open},
		{"full reversal", []step{authJ, E(Event{Kind: Reverse, Account: u, Token: "R", RefTxn: "T", Amount: 100_00, Final: true})}, 1000_00, 0, Released},
		{"reversal after clearing changes nothing", []step{authJ, E(Event{Kind: Clear, Account: u, Token: "C", RefTxn: "T", Amount: 100_00, Movement: -100_00, Final: true}),
			E(Event{Kind: Reverse, Account: u, Token: "R", RefTxn: "T", Amount: 100_00, Final: true})}, 900_00, 0, Cleared},
		{"issuer expiration", []step{authJ, E(Event{Kind: Expire, Account: u, Token: "X", RefTxn: "T"})}, 1000_00, 0, Expired},
		{"force post", []step{E(Event{Kind: Clear, Account: u, Token: "F", Amount: 55_00, Movement: -55_00, Final: true})}, 945_00, 0, ""},
		{"refund", []step{E(Event{Kind: Post, Account: u, Token: "RF", Amount: 12_34, Movement: 12_34})}, 1012_34, 0, ""},
		{"webhook twice moves money once", []step{E(Event{Kind: Post, Account: u, Token: "RF", Amount: 12_34, Movement: 12_34}), E(Event{Kind: Post, Account: u, Token: "RF", Amount: 12_34, Movement: 12_34})}, 1012_34, 0, ""},
		{"late JIT after timeout webhook places nothing", []step{E(Event{Kind: AuthDeclined, Account: u, Token: "T", JITToken: "J", Amount: 100_00}), authJ}, 1000_00, 0, Released},
		{"clearing before its authorization", []step{E(Event{Kind: Clear, Account: u, Token: "C", RefTxn: "T", Amount: 100_00, Movement: -100_00, Final: true}),
			E(Event{Kind: AuthApproved, Account: u, Token: "T", JITToken: "J", Amount: 100_00})}, 900_00, 0, Cleared},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, j := newTestLedger(t, Config{})
			mustCredit(t, l, u, 1000_00)
			run(t, l, tt.steps)
			b := bal(t, l, u)
			if b.Ledger != tt.ledger || b.Pending != tt.held {
				t.Fatalf("ledger %d pending %d, want %d %d", b.Ledger, b.Pending, tt.ledger, tt.held)
			}
			if tt.holdState != "" {
				v, _ := l.Account(ctx, u)
				found := false
				for _, h := range v.Holds {
					if h.JITToken == "J" {
						found = true
						if h.State != tt.holdState {
							t.Fatalf("hold state %s, want %s", h.State, tt.holdState)
						}
					}
				}
				if !found {
					t.Fatalf("no hold J in %+v", v.Holds)
				}
			}
			assertReplayMatches(t, l, j, u)
		})
	}
}

// TestWebhookOrderIndependence delivers each flow's webhooks in every
// shuffled order, with duplicates, and expects the in-order balances.
func TestWebhookOrderIndependence(t *testing.T) {
	u := usd("u")
	flows := map[string][]Event{
		"hotel": {
			{Kind: AuthApproved, Account: u, Token: "T", JITToken: "J", Amount: 200_00},
			{Kind: IncrApproved, Account: u, Token: "TI1", JITToken: "I1", RootJIT: "J", RefTxn: "T", Amount: 50_00},
			{Kind: IncrApproved, Account: u, Token: "TI2", JITToken: "I2", RootJIT: "J", RefTxn: "T", Amount: 25_00},
			{Kind: Clear, Account: u, Token: "C", RefTxn: "T", Amount: 260_00, Movement: -260_00, Final: true},
		},
		"split shipment": {
			{Kind: AuthApproved, Account: u, Token: "T", JITToken: "J", Amount: 90_00},
			{Kind: Clear, Account: u, Token: "C1", RefTxn: "T", Amount: 30_00, Movement: -30_00},
			{Kind: Clear, Account: u, Token: "C2", RefTxn: "T", Amount: 30_00, Movement: -30_00},
		},
		"fuel advice": {
			{Kind: AuthApproved, Account: u, Token: "T", JITToken: "J", Amount: 175_00},
			{Kind: Advice, Account: u, Token: "A", RefTxn: "T", Amount: 130_00},
			{Kind: Reverse, Account: u, Token: "R", RefTxn: "T", Amount: 5_00},
		},
		"timeout": {
			{Kind: AuthDeclined, Account: u, Token: "T", JITToken: "J", Amount: 60_00},
			{Kind: Post, Account: u, Token: "RF", Movement: 9_99},
		},
	}
	for name, evs := range flows {
		t.Run(name, func(t *testing.T) {
			ref, _ := newTestLedger(t, Config{})
			mustCredit(t, ref, u, 1000_00)
			for _, e := range evs {
				ref.Apply(ctx, e)
			}
			want := bal(t, ref, u)
			rng := rand.New(rand.NewSource(1))
			for i := 0; i < 50; i++ {
				l, _ := newTestLedger(t, Config{})
				mustCredit(t, l, u, 1000_00)
				order := append([]Event(nil), evs...)
				order = append(order, evs[rng.Intn(len(evs))]) // one duplicate
				rng.Shuffle(len(order), func(a, b int) { order[a], order[b] = order[b], order[a] })
				for _, e := range order {
					if _, err := l.Apply(ctx, e); err != nil {
						t.Fatal(err)
					}
				}
				if got := bal(t, l, u); got != want {
					t.Fatalf("order %v: got %+v, want %+v", tokens(order), got, want)
				}
			}
		})
	}
}

func tokens(evs []Event) []string {
	var s []string
	for _, e := range evs {
		s = append(s, e.Token)
	}
	return s
}
