package simulator

import (
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator/clock"
)

// retaining returns an engine with Config.Retain set, its virtual clock and
// a card on an approving gateway.
func retaining(t *testing.T, retain time.Duration) (*Engine, *clock.Virtual, string) {
	t.Helper()
	srv := httptest.NewServer(&fakeGateway{answer: echo(200, "")})
	t.Cleanup(srv.Close)
	clk := clock.NewVirtual(time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC))
	e := New(Config{Clock: clk, Seed: 7, Retain: retain})
	t.Cleanup(e.Close)
	return e, clk, setUp(t, e, srv.URL, 3000)
}

func TestRetainForgetsFinalTransactionsOnly(t *testing.T) {
	tests := []struct {
		name   string
		retain time.Duration
		// forgotten: the closed authorization, its clearing and the PIN
		// debit are gone; the open authorization always stays.
		forgotten bool
	}{
		{"retain off keeps everything", 0, false},
		{"retain 1h forgets what is final", time.Hour, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, clk, card := retaining(t, tt.retain)
			amt := jit.MustAmount("10.00")
			closed, err := e.Authorize(ctx, AuthRequest{CardToken: card, Amount: amt})
			if err != nil {
				t.Fatal(err)
			}
			clearing, err := e.Clear(ctx, ClearRequest{Preceding: closed.Token, Amount: amt})
			if err != nil {
				t.Fatal(err)
			}
			open, err := e.Authorize(ctx, AuthRequest{CardToken: card, Amount: amt})
			if err != nil {
				t.Fatal(err)
			}
			debit, err := e.PINDebit(ctx, AuthRequest{CardToken: card, Amount: amt})
			if err != nil {
				t.Fatal(err)
			}
			clk.Advance(2 * time.Hour)
			// New traffic is what makes the engine look at the old.
			for range 3 {
				if _, err := e.BalanceInquiry(ctx, AuthRequest{CardToken: card}); err != nil {
					t.Fatal(err)
				}
			}
			for _, tok := range []string{closed.Token, clearing.Token, debit.Token} {
				_, err := e.Transaction(tok)
				if gone := jit.ErrorCode(err) == jit.ENOTFOUND; gone != tt.forgotten {
					t.Errorf("transaction %s forgotten %v, want %v (err %v)", tok, gone, tt.forgotten, err)
				}
			}
			if _, err := e.Transaction(open.Token); err != nil {
				t.Fatalf("open authorization forgotten: %v", err)
			}
			// The open authorization still clears, and is forgotten after.
			if _, err := e.Clear(ctx, ClearRequest{Preceding: open.Token, Amount: amt}); err != nil {
				t.Fatalf("clearing an open authorization older than Retain: %v", err)
			}
			want := 8
			if tt.forgotten {
				want = 1 // the clearing just stored; the authorization it closed is slimmed
			}
			if got, _ := e.Retained(); got != want {
				t.Fatalf("retained %d transactions in full, want %d", got, want)
			}
			if got := len(e.Transactions("", card)); got != want {
				t.Fatalf("Transactions lists %d, want %d", got, want)
			}
		})
	}
}

// TestRetainStaysFlat runs many authorizations and clearings over virtual
// days and expects what the engine holds to stop growing.
func TestRetainStaysFlat(t *testing.T) {
	e, clk, card := retaining(t, time.Hour)
	amt := jit.MustAmount("1.00")
	held := func(n int) int {
		for range n {
			a, err := e.Authorize(ctx, AuthRequest{CardToken: card, Amount: amt})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.Clear(ctx, ClearRequest{Preceding: a.Token, Amount: amt}); err != nil {
				t.Fatal(err)
			}
			clk.Advance(time.Minute)
		}
		full, slim := e.Retained()
		if full > 4 {
			t.Fatalf("%d transactions held in full, want the last few", full)
		}
		return slim
	}
	first, later := held(500), held(1500)
	// An hour at two transactions a minute is 120 slimmed ones.
	if first > 130 || later > 130 {
		t.Fatalf("%d slimmed transactions remembered after 1000 transactions and %d after 4000, want both about 120", first, later)
	}
}

// TestRetainRefundsASlimmedClearing: a refund names its clearing after the
// clearing was slimmed (within Retain), and not after it was forgotten.
func TestRetainRefundsASlimmedClearing(t *testing.T) {
	e, clk, card := retaining(t, 10*24*time.Hour)
	amt := jit.MustAmount("25.00")
	a, err := e.Authorize(ctx, AuthRequest{CardToken: card, Amount: amt, Merchant: Merchant{MCC: "5411", Name: "Shop"}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := e.Clear(ctx, ClearRequest{Preceding: a.Token, Amount: amt})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 { // the clearing is slimmed
		clk.Advance(time.Hour)
		if _, err := e.BalanceInquiry(ctx, AuthRequest{CardToken: card}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.Transaction(c.Token); jit.ErrorCode(err) != jit.ENOTFOUND {
		t.Fatalf("slimmed clearing reads back: %v", err)
	}
	r, err := e.Refund(ctx, RefundRequest{Preceding: c.Token, Amount: jit.MustAmount("5.00")})
	if err != nil {
		t.Fatalf("refund of a slimmed clearing: %v", err)
	}
	if r.CardToken != card || r.CardAcceptor == nil || r.CardAcceptor.Name != "Shop" || r.CurrencyCode != "USD" {
		t.Fatalf("refund %s card %s merchant %+v currency %s", r.Token, r.CardToken, r.CardAcceptor, r.CurrencyCode)
	}
	if _, err := e.Incremental(ctx, a.Token, amt); jit.ErrorCode(err) != jit.EINVALID {
		t.Fatalf("incremental on a slimmed authorization: %v, want EINVALID", err)
	}
	for range 12 { // past Retain, the clearing is forgotten
		clk.Advance(24 * time.Hour)
		if _, err := e.BalanceInquiry(ctx, AuthRequest{CardToken: card}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.Refund(ctx, RefundRequest{Preceding: c.Token, Amount: jit.MustAmount("5.00")}); jit.ErrorCode(err) != jit.ENOTFOUND {
		t.Fatalf("refund of a forgotten clearing: %v, want ENOTFOUND", err)
	}
}

func TestStoreRemoveKeepsOrder(t *testing.T) {
	s := newStore[int]()
	for i := range 5000 {
		v := i
		s.put(fmt.Sprint(i), &v)
	}
	for i := 0; i < 5000; i += 2 {
		s.remove(fmt.Sprint(i))
	}
	s.remove("no such token")
	got := s.list(nil)
	if len(got) != 2500 || len(s.order) >= 5000 {
		t.Fatalf("%d listed, order %d long", len(got), len(s.order))
	}
	for i, v := range got {
		if *v != 2*i+1 {
			t.Fatalf("item %d is %d, want %d", i, *v, 2*i+1)
		}
	}
}
