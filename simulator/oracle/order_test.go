package oracle

import (
	"slices"
	"strings"
	"testing"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator"
)

// TestDuplicates observes every webhook of a lifecycle twice (and the
// funding twice): each applies once, and the history shows the duplicate.
func TestDuplicates(t *testing.T) {
	lifecycle := []*jit.Transaction{
		tx(auth, pend, "a", "", "60.00"),
		tx(incr, pend, "i", "a", "10.00"),
		tx(clr, compl, "c1", "a", "25.00", multi("01", "02", false)),
		tx(clr, compl, "c2", "a", "30.00", multi("02", "02", true)),
		tx(ref, compl, "rf", "c2", "5.00"),
		tx(pin, compl, "p", "", "1.00"),
		tx(clr, compl, "f", "", "2.00"),
	}
	tests := []struct {
		name  string
		order func([]*jit.Transaction) []*jit.Transaction
	}{
		{"each twice in a row", func(l []*jit.Transaction) (out []*jit.Transaction) {
			for _, t := range l {
				out = append(out, t, t)
			}
			return out
		}},
		{"all again after the end", func(l []*jit.Transaction) []*jit.Transaction { return append(slices.Clone(l), l...) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := New(Options{})
			o.Fund(usd, 10000, "fund")
			o.Fund(usd, 10000, "fund")
			feed(o, tt.order(lifecycle)...)
			want := Balance{Available: 4700, Ledger: 4700, Pending: 0} // 100 − 55 + 5 − 1 − 2
			if got := o.Expected(usd); got != want {
				t.Fatalf("Expected = %+v, want %+v", got, want)
			}
			dups := 0
			for _, e := range o.History(usd) {
				if e.Effect == "duplicate" {
					dups++
				}
			}
			if dups != len(lifecycle)+1 {
				t.Fatalf("%d duplicates in the history, want %d", dups, len(lifecycle)+1)
			}
			if v := o.Check(); len(v) != 0 {
				t.Fatalf("violations: %+v", v)
			}
		})
	}
}

// TestOutOfOrder: the engine observes in network order, so reordered
// webhook delivery never reaches the oracle; still, a follow-up observed
// before its authorization ends in the same balances.
func TestOutOfOrder(t *testing.T) {
	tests := []struct {
		name string
		txns []*jit.Transaction // in network order
	}{
		{"clearing", []*jit.Transaction{tx(auth, pend, "a", "", "50.00"), tx(clr, compl, "c", "a", "40.00")}},
		{"over-clearing", []*jit.Transaction{tx(auth, pend, "a", "", "50.00"), tx(clr, compl, "c", "a", "60.00")}},
		{"incremental and advice", []*jit.Transaction{tx(auth, pend, "a", "", "50.00"), tx(incr, pend, "i", "a", "20.00"), tx(adv, pend, "d", "a", "30.00")}},
		{"partial reversal", []*jit.Transaction{tx(auth, pend, "a", "", "50.00"), tx(rev, pend, "r", "a", "20.00")}},
		{"multi-clearing", []*jit.Transaction{tx(auth, pend, "a", "", "60.00"), tx(clr, compl, "c1", "a", "25.00", multi("01", "02", false)), tx(clr, compl, "c2", "a", "30.00", multi("02", "02", true))}},
		{"expiry", []*jit.Transaction{tx(auth, pend, "a", "", "50.00"), tx(exp, clrd, "x", "a", "50.00")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inOrder := New(Options{})
			inOrder.Fund(usd, 10000, "fund")
			feed(inOrder, tt.txns...)
			late := New(Options{})
			late.Fund(usd, 10000, "fund")
			feed(late, append(slices.Clone(tt.txns[1:]), tt.txns[0])...) // the authorization last
			if got, want := late.Expected(usd), inOrder.Expected(usd); got != want {
				t.Fatalf("authorization observed last: %+v, in order: %+v", got, want)
			}
			if v := late.Check(); len(v) != 0 {
				t.Fatalf("violations: %+v", v)
			}
		})
	}
	// An advice observed before the authorization is kept, not applied to
	// nothing: the pending must be the advice's total, not the auth's.
	o := New(Options{})
	feed(o, tx(adv, pend, "d", "a", "30.00"), tx(auth, pend, "a", "", "50.00"))
	if got := o.Expected(usd); got.Pending != 3000 {
		t.Fatalf("pending %d, want 3000", got.Pending)
	}
}

func jitObs(req *jit.Transaction, out simulator.Outcome) simulator.Observation {
	return simulator.Observation{At: t0, Request: req, Outcome: &out}
}

// TestOverApproval checks the "no approval beyond available at decision
// time" invariant on JIT exchanges.
func TestOverApproval(t *testing.T) {
	tests := []struct {
		name   string
		opts   Options
		before []*jit.Transaction
		req    *jit.Transaction
		out    simulator.Outcome
		want   int // violations
	}{
		{"within available", Options{}, nil, tx(auth, pend, "a", "", "100.00"), simulator.Outcome{Kind: simulator.OutcomeApproved, Approved: true, Amount: 10000}, 0},
		{"beyond available", Options{}, nil, tx(auth, pend, "a", "", "100.01"), simulator.Outcome{Kind: simulator.OutcomeApproved, Approved: true, Amount: 10001}, 1},
		{"beyond available after a hold", Options{}, []*jit.Transaction{tx(auth, pend, "h", "", "60.00")}, tx(auth, pend, "a", "", "50.00"), simulator.Outcome{Kind: simulator.OutcomeApproved, Approved: true, Amount: 5000}, 1},
		{"partial approval within available", Options{}, []*jit.Transaction{tx(auth, pend, "h", "", "60.00")}, tx(auth, pend, "a", "", "50.00"), simulator.Outcome{Kind: simulator.OutcomePartial, Approved: true, Amount: 4000}, 0},
		{"incremental beyond available", Options{}, []*jit.Transaction{tx(auth, pend, "h", "", "60.00")}, tx(incr, pend, "i", "h", "50.00"), simulator.Outcome{Kind: simulator.OutcomeApproved, Approved: true, Amount: 5000}, 1},
		{"pin debit beyond available", Options{}, nil, tx(pin, compl, "p", "", "100.01"), simulator.Outcome{Kind: simulator.OutcomeApproved, Approved: true, Amount: 10001}, 1},
		{"a decline is never a violation", Options{}, nil, tx(auth, pend, "a", "", "500.00"), simulator.Outcome{Kind: simulator.OutcomeDeclined}, 0},
		{"a timeout is not an approval", Options{}, nil, tx(auth, pend, "a", "", "500.00"), simulator.Outcome{Kind: simulator.OutcomeTimeout}, 0},
		{"stand-in is network-forced", Options{}, nil, tx(auth, pend, "a", "", "500.00"), simulator.Outcome{Kind: simulator.OutcomeTimeout, Approved: true, Amount: 50000, StandIn: "COMMANDO_AUTO"}, 0},
		{"force post the gateway may not know yet, strict", Options{}, []*jit.Transaction{tx(clr, compl, "f", "", "50.00")}, tx(auth, pend, "a", "", "80.00"), simulator.Outcome{Kind: simulator.OutcomeApproved, Approved: true, Amount: 8000}, 1},
		{"force post the gateway may not know yet, lagged webhooks", Options{LaggedWebhooks: true}, []*jit.Transaction{tx(clr, compl, "f", "", "50.00")}, tx(auth, pend, "a", "", "80.00"), simulator.Outcome{Kind: simulator.OutcomeApproved, Approved: true, Amount: 8000}, 0},
		{"lagged webhooks still catch a plain over-approval", Options{LaggedWebhooks: true}, []*jit.Transaction{tx(clr, compl, "f", "", "50.00")}, tx(auth, pend, "a", "", "160.00"), simulator.Outcome{Kind: simulator.OutcomeApproved, Approved: true, Amount: 16000}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := New(tt.opts)
			o.Fund(usd, 10000, "fund")
			feed(o, tt.before...)
			o.Observe(jitObs(tt.req, tt.out))
			o.Observe(jitObs(tt.req, tt.out)) // the same JIT message resent: checked once
			v := o.Check()
			if len(v) != tt.want {
				t.Fatalf("violations %+v, want %d", v, tt.want)
			}
			if tt.want > 0 && (v[0].Kind != ViolationOverApproval || v[0].Token != tt.req.Token || v[0].Key != usd) {
				t.Fatalf("violation %+v", v[0])
			}
			if h := o.History(usd); h[len(h)-1].Kind != "jit" || h[len(h)-1].Effect != "none" {
				t.Fatalf("the exchange is not in the history as moving nothing: %+v", h[len(h)-1])
			}
			if got := o.Expected(usd).Pending; got != pendingOf(tt.before) {
				t.Fatalf("a JIT exchange moved pending to %d", got)
			}
		})
	}
}

func pendingOf(txns []*jit.Transaction) int64 {
	var p int64
	for _, t := range txns {
		if t.Type == auth {
			p += must(t.Amount.Minor("USD"))
		}
	}
	return p
}

func must(v int64, err error) int64 {
	if err != nil {
		panic(err)
	}
	return v
}

func TestFundAndKeys(t *testing.T) {
	o := New(Options{HistoryLimit: 3})
	o.Fund(Key{"zed", "USD"}, 100, "z")
	o.Fund(Key{"amy", "EUR"}, 100, "a1")
	o.Fund(Key{"amy", ""}, 100, "a2") // "" is USD
	o.Fund(Key{"amy", "USD"}, 50, "a2")
	o.Fund(Key{"amy", "USD"}, 0, "a3")
	want := []Key{{"amy", "EUR"}, {"amy", "USD"}, {"zed", "USD"}}
	if got := o.Keys(); !slices.Equal(got, want) {
		t.Fatalf("Keys = %v, want %v", got, want)
	}
	if got := o.Expected(Key{"amy", "USD"}); got != (Balance{100, 100, 0}) {
		t.Fatalf("amy USD %+v", got)
	}
	v := o.Check()
	if len(v) != 2 || v[0].Kind != ViolationBadMessage || !strings.Contains(v[0].Detail, "reused") || !strings.Contains(v[1].Detail, "non-positive") {
		t.Fatalf("violations %+v", v)
	}
	for i := range 5 {
		feed(o, tx(ref, compl, "r"+string(rune('0'+i)), "", "1.00"))
	}
	h := o.History(usd)
	if len(h) != 3 || h[2].Token != "r4" || h[0].Token != "r2" {
		t.Fatalf("history limited to 3 should keep r2..r4: %+v", h)
	}
	if got := o.Expected(Key{"nobody", "USD"}); got != (Balance{}) || o.History(Key{"nobody", "USD"}) != nil {
		t.Fatal("an unknown account is not zero with no history")
	}
}

// TestBadAmount: an amount not exact in the currency is reported, not booked.
func TestBadAmount(t *testing.T) {
	o := New(Options{})
	feed(o, tx(ref, compl, "r", "", "1.005"))
	if got := o.Expected(usd); got != (Balance{}) {
		t.Fatalf("booked %+v", got)
	}
	if v := o.Check(); len(v) != 1 || v[0].Kind != ViolationBadMessage {
		t.Fatalf("violations %+v", v)
	}
}

// TestDedupeWindow: with a window, only the last DedupeWindow tokens are
// remembered.
func TestDedupeWindow(t *testing.T) {
	o := New(Options{DedupeWindow: 2})
	r := func(tok string) *jit.Transaction { return tx(ref, compl, tok, "", "1.00") }
	feed(o, r("a"), r("b"), r("b"), r("c"), r("c"), r("b"))
	if got := o.Expected(usd).Ledger; got != 300 {
		t.Fatalf("ledger %d, want 300: duplicates within the window apply once", got)
	}
	feed(o, r("a")) // forgotten: a, b, c pushed it out of a window of 2
	if got := o.Expected(usd).Ledger; got != 400 {
		t.Fatalf("ledger %d, want 400: the window forgot a", got)
	}
	if len(o.seen) != 2 {
		t.Fatalf("%d tokens remembered, want 2", len(o.seen))
	}
}
