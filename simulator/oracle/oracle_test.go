package oracle

import (
	"testing"
	"time"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator"
)

var t0 = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

const user = "u1"

var usd = Key{Account: user, Currency: "USD"}

// tx builds a webhook transaction of user u1 in USD, with a JIT funding
// whose token is "j-"+tok.
func tx(typ, state, tok, preceding, amount string, opts ...func(*jit.Transaction)) *jit.Transaction {
	a := jit.MustAmount(amount)
	t := &jit.Transaction{
		Type: typ, State: state, Token: tok, UserToken: user, CurrencyCode: "USD",
		PrecedingRelatedTransactionToken: preceding, Amount: a,
		GPAOrder: &jit.GPAOrder{Amount: a, JITFunding: &jit.JITFunding{Token: "j-" + tok, Method: methodOf(typ, preceding), UserToken: user, Amount: a}},
	}
	for _, o := range opts {
		o(t)
	}
	return t
}

func methodOf(typ, preceding string) string {
	switch typ {
	case jit.TypeAuthorization:
		return jit.MethodAuthorization
	case jit.TypeAuthorizationIncremental:
		return jit.MethodAuthorizationIncremental
	case jit.TypePindebit:
		return jit.MethodAuthPlusCapture
	case jit.TypeBalanceinquiry:
		return jit.MethodBalanceinquiry
	case jit.TypeAuthorizationClearing:
		if preceding == "" {
			return jit.MethodForceCapture
		}
		return jit.MethodAuthorizationClearing
	case jit.TypeRefund:
		return jit.MethodRefund
	}
	return jit.MethodAuthorizationReversal
}

func multi(seq, count string, final bool) func(*jit.Transaction) {
	return func(t *jit.Transaction) {
		t.MultiClearingSequenceNumber, t.MultiClearingSequenceCount, t.IsFinalClearing = seq, count, jit.Bool(final)
	}
}

func standin(t *jit.Transaction) { t.StandinApprovedBy, t.Subnetwork = "COMMANDO_AUTO", "MANAGED_JIT" }

func timedOut(t *jit.Transaction) {
	t.GPAOrder.Funding = &jit.Funding{GatewayLog: &jit.GatewayLog{TimedOut: jit.Bool(true), Message: "Read timed out."}}
}

func verification(t *jit.Transaction) {
	t.GPAOrder.JITFunding.Method = jit.MethodAuthorizationAccountVerification
}

func business(t *jit.Transaction) {
	t.BusinessToken = "b1"
	t.GPAOrder.JITFunding.BusinessToken = "b1"
}

const (
	auth  = jit.TypeAuthorization
	incr  = jit.TypeAuthorizationIncremental
	adv   = jit.TypeAuthorizationAdvice
	clr   = jit.TypeAuthorizationClearing
	rev   = jit.TypeAuthorizationReversal
	exp   = jit.TypeAuthorizationReversalIssuerexpiration
	pin   = jit.TypePindebit
	inq   = jit.TypeBalanceinquiry
	ref   = jit.TypeRefund
	pend  = jit.StatePending
	decl  = jit.StateDeclined
	compl = jit.StateCompletion
	clrd  = jit.StateCleared
)

func feed(o *Oracle, txns ...*jit.Transaction) {
	for i, t := range txns {
		o.Observe(simulator.Observation{At: t0.Add(time.Duration(i) * time.Second), Webhook: t})
	}
}

// TestSemantics runs every row of design.md §3 on an account funded with
// 100.00 and checks the exact balances.
func TestSemantics(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		txns []*jit.Transaction
		key  Key // usd when empty
		want Balance
	}{
		{"authorization approved opens a hold", Options{}, []*jit.Transaction{tx(auth, pend, "a", "", "42.17")}, Key{}, Balance{5783, 10000, 4217}},
		{"authorization declined books nothing", Options{}, []*jit.Transaction{tx(auth, decl, "a", "", "42.17")}, Key{}, Balance{10000, 10000, 0}},
		{"approved by the gateway but timed out books nothing", Options{}, []*jit.Transaction{tx(auth, decl, "a", "", "42.17", timedOut)}, Key{}, Balance{10000, 10000, 0}},
		{"stand-in approval is a hold, even past available", Options{}, []*jit.Transaction{tx(auth, pend, "a", "", "150.00", standin, timedOut)}, Key{}, Balance{-5000, 10000, 15000}},
		{"incremental approved raises the hold", Options{}, []*jit.Transaction{tx(auth, pend, "a", "", "40.00"), tx(incr, pend, "i", "a", "20.00"), tx(incr, pend, "i2", "a", "10.00")}, Key{}, Balance{3000, 10000, 7000}},
		{"incremental declined", Options{}, []*jit.Transaction{tx(auth, pend, "a", "", "40.00"), tx(incr, decl, "i", "a", "80.00")}, Key{}, Balance{6000, 10000, 4000}},
		{"pin debit moves funds at once", Options{}, []*jit.Transaction{tx(pin, compl, "p", "", "20.00")}, Key{}, Balance{8000, 8000, 0}},
		{"pin debit declined", Options{}, []*jit.Transaction{tx(pin, decl, "p", "", "200.00")}, Key{}, Balance{10000, 10000, 0}},
		{"balance inquiry books nothing", Options{}, []*jit.Transaction{tx(inq, compl, "q", "", "0")}, Key{}, Balance{10000, 10000, 0}},
		{"account verification books nothing", Options{}, []*jit.Transaction{tx(auth, compl, "v", "", "0", verification)}, Key{}, Balance{10000, 10000, 0}},
		{"advice sets the hold to the new total", Options{}, []*jit.Transaction{tx(auth, pend, "a", "", "75.00"), tx(adv, pend, "d", "a", "52.10")}, Key{}, Balance{4790, 10000, 5210}},
		{"single clearing settles and releases", Options{}, []*jit.Transaction{tx(auth, pend, "a", "", "42.17"), tx(clr, compl, "c", "a", "42.17")}, Key{}, Balance{5783, 5783, 0}},
		{"clearing below the hold releases the rest", Options{}, []*jit.Transaction{tx(auth, pend, "a", "", "50.00"), tx(clr, compl, "c", "a", "40.00")}, Key{}, Balance{6000, 6000, 0}},
		{"sample-gateway remainder keeps the rest", Options{KeepRemainder: true}, []*jit.Transaction{tx(auth, pend, "a", "", "50.00"), tx(clr, compl, "c", "a", "40.00")}, Key{}, Balance{5000, 6000, 1000}},
		{"sample-gateway remainder released at expiry", Options{KeepRemainder: true}, []*jit.Transaction{tx(auth, pend, "a", "", "50.00"), tx(clr, compl, "c", "a", "40.00"), tx(exp, clrd, "x", "a", "10.00")}, Key{}, Balance{6000, 6000, 0}},
		{"clearing above the hold (tip) debits in full", Options{}, []*jit.Transaction{tx(auth, pend, "a", "", "50.00"), tx(clr, compl, "c", "a", "60.00")}, Key{}, Balance{4000, 4000, 0}},
		{"over-clearing may take available below zero", Options{}, []*jit.Transaction{tx(auth, pend, "a", "", "95.00"), tx(clr, compl, "c", "a", "114.00")}, Key{}, Balance{-1400, -1400, 0}},
		{"multi-clearing: non-final lowers the hold, final releases", Options{}, []*jit.Transaction{tx(auth, pend, "a", "", "60.00"), tx(clr, compl, "c1", "a", "25.00", multi("01", "02", false))}, Key{}, Balance{4000, 7500, 3500}},
		{"multi-clearing to the end", Options{}, []*jit.Transaction{tx(auth, pend, "a", "", "60.00"), tx(clr, compl, "c1", "a", "25.00", multi("01", "02", false)), tx(clr, compl, "c2", "a", "30.00", multi("02", "02", true))}, Key{}, Balance{4500, 4500, 0}},
		{"non-final clearing above the hold", Options{}, []*jit.Transaction{tx(auth, pend, "a", "", "60.00"), tx(clr, compl, "c1", "a", "70.00", multi("01", "03", false))}, Key{}, Balance{3000, 3000, 0}},
		{"multi-clearing known by sequence only", Options{}, []*jit.Transaction{tx(auth, pend, "a", "", "60.00"), tx(clr, compl, "c1", "a", "10.00", func(t *jit.Transaction) { t.MultiClearingSequenceNumber, t.MultiClearingSequenceCount = "01", "03" })}, Key{}, Balance{4000, 9000, 5000}},
		{"full reversal releases", Options{}, []*jit.Transaction{tx(auth, pend, "a", "", "30.00"), tx(rev, clrd, "r", "a", "30.00")}, Key{}, Balance{10000, 10000, 0}},
		{"partial reversal lowers the hold", Options{}, []*jit.Transaction{tx(auth, pend, "a", "", "30.00"), tx(rev, pend, "r", "a", "10.00")}, Key{}, Balance{8000, 10000, 2000}},
		{"reversal after a non-final clearing", Options{}, []*jit.Transaction{tx(auth, pend, "a", "", "60.00"), tx(clr, compl, "c1", "a", "20.00", multi("01", "02", false)), tx(rev, clrd, "r", "a", "40.00")}, Key{}, Balance{8000, 8000, 0}},
		{"issuer expiration releases", Options{}, []*jit.Transaction{tx(auth, pend, "a", "", "30.00"), tx(exp, clrd, "x", "a", "30.00")}, Key{}, Balance{10000, 10000, 0}},
		{"expiry after incrementals and an advice", Options{}, []*jit.Transaction{tx(auth, pend, "a", "", "30.00"), tx(incr, pend, "i", "a", "30.00"), tx(adv, pend, "d", "a", "45.00"), tx(exp, clrd, "x", "a", "45.00")}, Key{}, Balance{10000, 10000, 0}},
		{"force post debits", Options{}, []*jit.Transaction{tx(clr, compl, "f", "", "12.00")}, Key{}, Balance{8800, 8800, 0}},
		{"linked refund credits", Options{}, []*jit.Transaction{tx(auth, pend, "a", "", "30.00"), tx(clr, compl, "c", "a", "30.00"), tx(ref, compl, "rf", "c", "10.00")}, Key{}, Balance{8000, 8000, 0}},
		{"unlinked refund credits", Options{}, []*jit.Transaction{tx(ref, compl, "rf", "", "5.00")}, Key{}, Balance{10500, 10500, 0}},
		{"a declined follow-up moves nothing", Options{}, []*jit.Transaction{tx(auth, pend, "a", "", "30.00"), tx(clr, decl, "c", "a", "30.00")}, Key{}, Balance{7000, 10000, 3000}},
		{"business card books on the business", Options{}, []*jit.Transaction{tx(auth, pend, "a", "", "30.00", business), tx(clr, compl, "c", "a", "20.00", business)}, Key{"b1", "USD"}, Balance{-2000, -2000, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := New(tt.opts)
			o.Fund(usd, 10000, "fund")
			feed(o, tt.txns...)
			k := tt.key
			if k == (Key{}) {
				k = usd
			}
			if got := o.Expected(k); got != tt.want {
				t.Fatalf("Expected = %+v, want %+v\nhistory: %+v", got, tt.want, o.History(k))
			}
			if v := o.Check(); len(v) != 0 {
				t.Fatalf("violations: %+v", v)
			}
		})
	}
}
