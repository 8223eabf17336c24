package simulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/spec"
)

// TestMessagesMatchTheSpec drives every flow the engine has and validates
// every JIT request it sent and every transaction it produced against
// CoreAPI.yaml's transaction_model: a field name the spec lacks, a wrong
// type, a bad enum value or a malformed date-time fails.
func TestMessagesMatchTheSpec(t *testing.T) {
	s, err := spec.Load()
	if err != nil {
		t.Fatal(err)
	}
	declineNext := false
	gw := &fakeGateway{answer: func(w http.ResponseWriter, tx *jit.Transaction) {
		if declineNext {
			echo(402, jit.DeclineInsufficientFunds)(w, tx)
			return
		}
		echo(200, "")(w, tx)
	}}
	e, card := program(t, gw, 3000)
	m := Merchant{MID: "123456789012345", MCC: "5542", Name: "Fuel Stop", City: "Oakland", State: "CA", PostalCode: "94612", CountryCode: "USA"}
	must := func(txn *jit.Transaction, err error) *jit.Transaction {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return txn
	}
	a := must(e.Authorize(ctx, AuthRequest{CardToken: card, Amount: jit.MustAmount("175.00"), Merchant: m, Preauth: true, CardPresent: true}))
	must(e.Advice(ctx, a.Token, jit.MustAmount("62.40")))
	must(e.Clear(ctx, ClearRequest{Preceding: a.Token, Amount: jit.MustAmount("62.40")}))
	h := must(e.Authorize(ctx, AuthRequest{CardToken: card, Amount: jit.MustAmount("200.00"), Merchant: Merchant{MCC: "7011"}}))
	must(e.Incremental(ctx, h.Token, jit.MustAmount("80.00")))
	must(e.Clear(ctx, ClearRequest{Preceding: h.Token, Amount: jit.MustAmount("100.00"), Sequence: 1, Count: 2}))
	c := must(e.Clear(ctx, ClearRequest{Preceding: h.Token, Amount: jit.MustAmount("150.00"), Sequence: 2, Count: 2}))
	must(e.Refund(ctx, RefundRequest{Preceding: c.Token, Amount: jit.MustAmount("20.00")}))
	must(e.Refund(ctx, RefundRequest{CardToken: card, Amount: jit.MustAmount("5.00")}))
	ra := must(e.RefundAuthorize(ctx, RefundRequest{CardToken: card, Amount: jit.MustAmount("15.00"), Merchant: m}))
	must(e.AdviseRefundAuthorization(ctx, ra.Token, jit.MustAmount("12.00")))
	must(e.ClearRefundAuthorization(ctx, ra.Token, jit.MustAmount("12.00")))
	rb := must(e.RefundAuthorize(ctx, RefundRequest{Preceding: c.Token, Amount: jit.MustAmount("7.00")}))
	must(e.ReverseRefundAuthorization(ctx, rb.Token, jit.MustAmount("7.00")))
	r := must(e.Authorize(ctx, AuthRequest{CardToken: card, Amount: jit.MustAmount("50.00"), Partial: true}))
	must(e.Reverse(ctx, r.Token, jit.MustAmount("20.00")))
	must(e.Reverse(ctx, r.Token, jit.MustAmount("30.00")))
	x := must(e.Authorize(ctx, AuthRequest{CardToken: card, Amount: jit.MustAmount("9.99")}))
	must(e.Expire(ctx, x.Token))
	must(e.Clear(ctx, ClearRequest{CardToken: card, Amount: jit.MustAmount("12.00"), Merchant: m}))
	must(e.BalanceInquiry(ctx, AuthRequest{CardToken: card}))
	must(e.VerifyAccount(ctx, AuthRequest{CardToken: card}))
	must(e.PINDebit(ctx, AuthRequest{CardToken: card, Amount: jit.MustAmount("40.00"), CardPresent: true}))
	if atm := must(e.PINDebit(ctx, AuthRequest{CardToken: card, Amount: jit.MustAmount("60.00"), CardPresent: true, Merchant: Merchant{MCC: MCCATM, Name: "ATM"}})); atm.Type != jit.TypePindebitATMWithdrawal || atm.JITFundingOf().Method != jit.MethodAuthPlusCapture {
		t.Fatalf("ATM withdrawal: type %s method %s", atm.Type, atm.JITFundingOf().Method)
	}
	declineNext = true
	must(e.Authorize(ctx, AuthRequest{CardToken: card, Amount: jit.MustAmount("10000.00")}))

	check := func(what string, doc []byte) {
		t.Helper()
		if issues := s.Validate("transaction_model", doc, spec.Options{}); len(issues) > 0 {
			t.Errorf("%s: %d issues, first %s: %s\n%s", what, len(issues), issues[0].Path, issues[0].Problem, doc)
		}
	}
	if len(gw.bodies) != 10 {
		t.Fatalf("gateway received %d JIT requests, want 10", len(gw.bodies))
	}
	for i, b := range gw.bodies {
		check(fmt.Sprintf("JIT request %d", i), b)
	}
	txns := e.Transactions("", "")
	if len(txns) != 25 {
		t.Fatalf("%d transactions, want 25", len(txns))
	}
	types := map[string]bool{}
	for _, tx := range txns {
		doc, _ := json.Marshal(tx)
		check(tx.Type+" "+tx.Token, doc)
		types[tx.Type] = true
	}
	for _, want := range []string{jit.TypeAuthorization, jit.TypeAuthorizationAdvice, jit.TypeAuthorizationClearing, jit.TypeAuthorizationIncremental,
		jit.TypeRefund, jit.TypeAuthorizationReversal, jit.TypeAuthorizationReversalIssuerexpiration, jit.TypeBalanceinquiry, jit.TypePindebit,
		jit.TypeRefundAuthorization, jit.TypeRefundAuthorizationAdvice, jit.TypeRefundAuthorizationClearing, jit.TypeRefundAuthorizationReversal} {
		if !types[want] {
			t.Errorf("no %s transaction was produced", want)
		}
	}
	// The check itself can fail: a misspelt field is caught.
	if issues := s.Validate("transaction_model", []byte(`{"token":"x","type":"authorization","state":"PENDING","amout":1}`), spec.Options{}); len(issues) == 0 {
		t.Fatal("validator accepted a field the spec lacks")
	}
}
