package simulator

import (
	"testing"

	"github.com/jitsim/jitsim/jit"
)

// TestRefundAuthorizationLifecycle runs refund authorizations through
// advice, partial and full reversal and clearing. Each step checks the type,
// state, amount, signed gpa.impacted_amount (none until the clearing), the
// method and amount in gpa_order_unload.jit_funding, the links to the refund
// authorization, and that the gateway was never called; refused steps check
// the error code.
func TestRefundAuthorizationLifecycle(t *testing.T) {
	gw := &fakeGateway{answer: echo(200, "")}
	e, card := program(t, gw, 3000)
	purchase, err := e.Authorize(ctx, AuthRequest{CardToken: card, Amount: jit.MustAmount("40.00"), Merchant: Merchant{Name: "Shoes"}})
	if err != nil {
		t.Fatal(err)
	}
	jitCalls := len(gw.bodies)
	amt := jit.MustAmount
	tokens := map[string]string{"purchase": purchase.Token}
	steps := []struct {
		name     string
		run      func() (*jit.Transaction, error)
		save     string
		code     string // jit error code of a refused step
		typ      string
		state    string
		amount   string
		impacted string // "" for none
		method   string
		jitAmt   string
		links    string // the refund authorization it follows ("" for none)
	}{
		{name: "linked refund authorization", save: "ra1",
			run: func() (*jit.Transaction, error) {
				return e.RefundAuthorize(ctx, RefundRequest{Preceding: purchase.Token, Amount: amt("25.00")})
			},
			typ: jit.TypeRefundAuthorization, state: jit.StatePending, amount: "25.00", method: jit.MethodRefundAuthorization, jitAmt: "25.00"},
		{name: "advice to 20",
			run: func() (*jit.Transaction, error) { return e.AdviseRefundAuthorization(ctx, tokens["ra1"], amt("20.00")) },
			typ: jit.TypeRefundAuthorizationAdvice, state: jit.StatePending, amount: "20.00", method: jit.MethodRefundAuthorizationReversal, jitAmt: "5.00", links: "ra1"},
		{name: "advice above what is pending",
			run:  func() (*jit.Transaction, error) { return e.AdviseRefundAuthorization(ctx, tokens["ra1"], amt("20.01")) },
			code: jit.EINVALID},
		{name: "partial reversal",
			run: func() (*jit.Transaction, error) { return e.ReverseRefundAuthorization(ctx, tokens["ra1"], amt("5.00")) },
			typ: jit.TypeRefundAuthorizationReversal, state: jit.StatePending, amount: "5.00", method: jit.MethodRefundAuthorizationReversal, jitAmt: "5.00", links: "ra1"},
		{name: "clearing credits",
			run: func() (*jit.Transaction, error) { return e.ClearRefundAuthorization(ctx, tokens["ra1"], amt("15.00")) },
			typ: jit.TypeRefundAuthorizationClearing, state: jit.StateCompletion, amount: "15.00", impacted: "15.00", method: jit.MethodRefundAuthorizationClearing, jitAmt: "15.00", links: "ra1"},
		{name: "reversal after the clearing",
			run:  func() (*jit.Transaction, error) { return e.ReverseRefundAuthorization(ctx, tokens["ra1"], amt("1.00")) },
			code: jit.EINVALID},
		{name: "unlinked refund authorization", save: "ra2",
			run: func() (*jit.Transaction, error) {
				return e.RefundAuthorize(ctx, RefundRequest{CardToken: card, Amount: amt("9.99")})
			},
			typ: jit.TypeRefundAuthorization, state: jit.StatePending, amount: "9.99", method: jit.MethodRefundAuthorization, jitAmt: "9.99"},
		{name: "full reversal caps at what is pending",
			run: func() (*jit.Transaction, error) {
				return e.ReverseRefundAuthorization(ctx, tokens["ra2"], amt("50.00"))
			},
			typ: jit.TypeRefundAuthorizationReversal, state: jit.StateCleared, amount: "9.99", method: jit.MethodRefundAuthorizationReversal, jitAmt: "9.99", links: "ra2"},
		{name: "clearing after the full reversal",
			run:  func() (*jit.Transaction, error) { return e.ClearRefundAuthorization(ctx, tokens["ra2"], amt("1.00")) },
			code: jit.EINVALID},
		{name: "clearing a purchase",
			run:  func() (*jit.Transaction, error) { return e.ClearRefundAuthorization(ctx, purchase.Token, amt("1.00")) },
			code: jit.EINVALID},
		{name: "reversal of an unknown token",
			run:  func() (*jit.Transaction, error) { return e.ReverseRefundAuthorization(ctx, "nope", amt("1.00")) },
			code: jit.ENOTFOUND},
		{name: "zero refund authorization",
			run: func() (*jit.Transaction, error) {
				return e.RefundAuthorize(ctx, RefundRequest{CardToken: card, Amount: amt("0")})
			},
			code: jit.EINVALID},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			tx, err := s.run()
			if s.code != "" {
				if jit.ErrorCode(err) != s.code {
					t.Fatalf("err %v, want %s", err, s.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.save != "" {
				tokens[s.save] = tx.Token
			}
			u := tx.GPAOrderUnload
			if tx.Type != s.typ || tx.State != s.state || tx.Amount.String() != s.amount || tx.GPAOrder != nil || u == nil ||
				u.JITFunding.Method != s.method || u.JITFunding.Amount.String() != s.jitAmt || u.State != s.state {
				t.Fatalf("transaction %+v, unload %+v", tx, u)
			}
			switch {
			case s.impacted == "" && tx.GPA.ImpactedAmount != nil:
				t.Fatalf("impacted_amount %s on a step that moves no money", tx.GPA.ImpactedAmount)
			case s.impacted != "" && (tx.GPA.ImpactedAmount == nil || tx.GPA.ImpactedAmount.String() != s.impacted):
				t.Fatalf("impacted_amount %v, want %s", tx.GPA.ImpactedAmount, s.impacted)
			}
			if s.links != "" {
				ra, _ := e.Transaction(tokens[s.links])
				if tx.PrecedingRelatedTransactionToken != ra.Token || u.JITFunding.OriginalJITFundingToken != ra.GPAOrderUnload.JITFunding.Token ||
					u.OriginalOrderToken != ra.GPAOrderUnload.Token || tx.ApprovalCode != ra.ApprovalCode {
					t.Fatalf("not linked to %s: %+v", s.links, tx)
				}
			}
		})
	}
	if len(gw.bodies) != jitCalls {
		t.Fatalf("refund authorizations called the gateway %d times", len(gw.bodies)-jitCalls)
	}
	if ra1, _ := e.Transaction(tokens["ra1"]); ra1.PrecedingRelatedTransactionToken != purchase.Token || ra1.CardAcceptor.Name != "Shoes" {
		t.Fatalf("linked refund authorization %+v", ra1)
	}
}
