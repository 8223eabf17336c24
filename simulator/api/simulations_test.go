package api

import (
	"fmt"
	"strings"
	"testing"

	"github.com/jitsim/jitsim/jit"
)

// TestSimulations sets a program up over HTTP, then runs every simulation
// endpoint in order. Each step checks the answer's shape, the JIT request
// the fake gateway received (or that it received none), and the webhook the
// receiver got before the answer came back. Bodies name earlier
// transactions as {name}; {card} is c1.
func TestSimulations(t *testing.T) {
	v := newEnv(t)
	v.program(t)
	const sim = "/simulations/cardtransactions/"
	steps := []struct {
		name   string
		path   string
		body   string
		status int
		save   string // remember transaction.token as {save}
		// Expectations on a 201.
		typ, state string
		jit        string            // method of the JIT request sent, "" for none
		fields     map[string]any    // transaction paths → values
		legacyMTI  string            // raw_iso8583.request.mti of a legacy answer
		inError    string            // error_message contains, for a 4xx
		jitAmount  string            // jit_funding.amount of the JIT request
		hookFields map[string]string // webhook transaction paths → values
	}{
		{name: "authorization approved", path: sim + "authorization", save: "a1", status: 201,
			body: `{"card_token":"{card}","amount":"12.00","network":"visa","card_acceptor":{"mid":"000123","mcc":"5812","name":"Cafe","address":"1 Main St","city":"Oakland","state":"CA","zip":"94612","country_code":"USA"}}`,
			typ:  "authorization", state: "PENDING", jit: jit.MethodAuthorization, jitAmount: "12.00",
			fields: map[string]any{"response.code": "0000", "card_acceptor.mcc": "5812", "card_acceptor.address": "1 Main St", "card_acceptor.postal_code": "94612",
				"network": "VISA", "gpa_order.funding.gateway_log.response.code": "200", "amount": 12.0, "user_token": "u1"}},
		{name: "authorization declined", path: sim + "authorization", status: 201,
			body: `{"card_token":"{card}","amount":30,"card_acceptor":{"name":"DECLINE","mcc":"5999"}}`,
			typ:  "authorization", state: "DECLINED", jit: jit.MethodAuthorization,
			fields: map[string]any{"response.code": jit.ResponseCodeJITInsufficientFunds, "gpa_order.funding.gateway_log.response.code": "402"}},
		{name: "partial approval", path: sim + "authorization", status: 201,
			body: `{"card_token":"{card}","amount":"50.00","partial_approval_capable":"true","card_acceptor":{"name":"PARTIAL"}}`,
			typ:  "authorization", state: "PENDING", jit: jit.MethodAuthorization, jitAmount: "50.00",
			fields: map[string]any{"response.code": "0002", "amount": 25.0, "pos.partial_approval_capable": true}},
		{name: "pre-authorization", path: sim + "authorization", status: 201, save: "a2",
			body: `{"card_token":"{card}","amount":"100.00","is_pre_auth":"true","card_present":true,"card_acceptor":{"mcc":"5542"}}`,
			typ:  "authorization", state: "PENDING", jit: jit.MethodAuthorization,
			fields: map[string]any{"is_preauthorization": true, "pos.card_presence": true}},
		{name: "advice", path: sim + "authorization.advice", status: 201,
			body: `{"preceding_related_transaction_token":"{a2}","amount":"80.00"}`,
			typ:  "authorization.advice", state: "PENDING",
			fields: map[string]any{"amount": 80.0, "preceding_related_transaction_token": "{a2}", "gpa_order.jit_funding.amount": 20.0, "gpa_order.jit_funding.method": jit.MethodAuthorizationReversal}},
		{name: "incremental", path: sim + "authorization.incremental", status: 201,
			body: `{"preceding_related_transaction_token":"{a2}","amount":"5"}`,
			typ:  "authorization.incremental", state: "PENDING", jit: jit.MethodAuthorizationIncremental, jitAmount: "5.00",
			fields: map[string]any{"preceding_related_transaction_token": "{a2}"}},
		{name: "multi-clearing 1 of 2", path: sim + "authorization.clearing", status: 201,
			body: `{"preceding_related_transaction_token":"{a2}","amount":"40.00","multi_clearing_sequence_number":"01","multi_clearing_sequence_count":2}`,
			typ:  "authorization.clearing", state: "COMPLETION",
			fields: map[string]any{"multi_clearing_sequence_number": "01", "multi_clearing_sequence_count": "02", "is_final_clearing": false, "gpa.impacted_amount": -40.0}},
		{name: "multi-clearing 2 of 2, amount defaults to what is held", path: sim + "authorization.clearing", status: 201,
			body: `{"preceding_related_transaction_token":"{a2}","multi_clearing_sequence_number":2,"multi_clearing_sequence_count":"2"}`,
			typ:  "authorization.clearing", state: "COMPLETION",
			fields: map[string]any{"multi_clearing_sequence_number": "02", "is_final_clearing": true, "amount": 45.0, "gpa_order.jit_funding.method": jit.MethodAuthorizationClearing}},
		{name: "clearing a closed authorization", path: sim + "authorization.clearing", status: 400,
			body: `{"preceding_related_transaction_token":"{a2}","amount":"1.00"}`, inError: "already closed"},
		{name: "clearing", path: sim + "authorization.clearing", status: 201, save: "clr1",
			body: `{"preceding_related_transaction_token":"{a1}","amount":"14.40"}`,
			typ:  "authorization.clearing", state: "COMPLETION",
			fields: map[string]any{"amount": 14.4, "preceding_related_transaction_token": "{a1}", "amount_to_be_released": 0.0}},
		{name: "force post", path: sim + "authorization.clearing", status: 201,
			body: `{"force_post":"true","card_token":"{card}","amount":"7.50","card_acceptor":{"name":"Offline"}}`,
			typ:  "authorization.clearing", state: "COMPLETION",
			fields: map[string]any{"preceding_related_transaction_token": nil, "gpa_order.jit_funding.method": jit.MethodForceCapture, "card_acceptor.name": "Offline"}},
		{name: "force post with a preceding token", path: sim + "authorization.clearing", status: 400,
			body: `{"force_post":true,"preceding_related_transaction_token":"{a1}","amount":"1"}`, inError: "force_post"},
		{name: "clearing without preceding token", path: sim + "authorization.clearing", status: 400,
			body: `{"card_token":"{card}","amount":"1"}`, inError: "preceding_related_transaction_token is required"},
		{name: "authorization for reversal", path: sim + "authorization", status: 201, save: "a3",
			body: `{"card_token":"{card}","amount":"20.00"}`, typ: "authorization", state: "PENDING", jit: jit.MethodAuthorization},
		{name: "partial reversal", path: sim + "authorization.reversal", status: 201,
			body: `{"preceding_related_transaction_token":"{a3}","amount":"5.00"}`,
			typ:  "authorization.reversal", state: "PENDING", fields: map[string]any{"amount": 5.0}},
		{name: "full reversal of the rest", path: sim + "authorization.reversal", status: 201,
			body: `{"preceding_related_transaction_token":"{a3}"}`,
			typ:  "authorization.reversal", state: "CLEARED", fields: map[string]any{"amount": 15.0}},
		{name: "authorization for expiry", path: sim + "authorization", status: 201, save: "a4",
			body: `{"card_token":"{card}","amount":"8.00"}`, typ: "authorization", state: "PENDING", jit: jit.MethodAuthorization},
		{name: "issuer expiration (extension)", path: sim + "authorization.reversal.issuerexpiration", status: 201,
			body: `{"preceding_related_transaction_token":"{a4}"}`,
			typ:  "authorization.reversal.issuerexpiration", state: "CLEARED", fields: map[string]any{"amount": 8.0}},
		{name: "refund linked", path: sim + "refund", status: 201,
			body: `{"preceding_related_transaction_token":"{clr1}","amount":"4.40"}`,
			typ:  "refund", state: "COMPLETION",
			fields: map[string]any{"preceding_related_transaction_token": "{clr1}", "gpa_order_unload.jit_funding.method": jit.MethodRefund, "gpa.impacted_amount": 4.4, "card_acceptor.name": "Cafe"}},
		{name: "refund unlinked", path: sim + "refund", status: 201,
			body: `{"card_token":"{card}","amount":"2.00","card_acceptor":{"name":"Shop"}}`,
			typ:  "refund", state: "COMPLETION", fields: map[string]any{"preceding_related_transaction_token": nil, "card_acceptor.name": "Shop"}},
		{name: "refund of nothing", path: sim + "refund", status: 400, body: `{"amount":"2.00"}`, inError: "card_token"},
		// Refund authorizations: webhooks only, no JIT request; money moves at the clearing.
		{name: "refund.authorization unlinked", path: sim + "refund.authorization", status: 201, save: "ra1",
			body: `{"card_token":"{card}","amount":"10.00","card_acceptor":{"name":"Returns desk"}}`,
			typ:  "refund.authorization", state: "PENDING",
			fields: map[string]any{"gpa_order_unload.jit_funding.method": jit.MethodRefundAuthorization, "gpa_order_unload.state": "PENDING",
				"gpa.impacted_amount": nil, "amount": 10.0, "card_acceptor.name": "Returns desk", "response.code": "0000", "gpa_order": nil}},
		{name: "refund.authorization.advice lowers it", path: sim + "refund.authorization.advice", status: 201,
			body: `{"preceding_related_transaction_token":"{ra1}","amount":"8.00"}`,
			typ:  "refund.authorization.advice", state: "PENDING",
			fields: map[string]any{"amount": 8.0, "amount_to_be_released": 2.0, "preceding_related_transaction_token": "{ra1}",
				"gpa_order_unload.jit_funding.amount": 2.0, "gpa_order_unload.jit_funding.method": jit.MethodRefundAuthorizationReversal, "gpa.impacted_amount": nil}},
		{name: "refund.authorization.clearing credits what is pending", path: sim + "refund.authorization.clearing", status: 201,
			body: `{"preceding_related_transaction_token":"{ra1}"}`,
			typ:  "refund.authorization.clearing", state: "COMPLETION",
			fields: map[string]any{"amount": 8.0, "gpa.impacted_amount": 8.0, "preceding_related_transaction_token": "{ra1}",
				"gpa_order_unload.jit_funding.method": jit.MethodRefundAuthorizationClearing, "card_acceptor.name": "Returns desk"}},
		{name: "refund.authorization.clearing twice", path: sim + "refund.authorization.clearing", status: 400,
			body: `{"preceding_related_transaction_token":"{ra1}","amount":"1.00"}`, inError: "already closed"},
		{name: "refund.authorization linked", path: sim + "refund.authorization", status: 201, save: "ra2",
			body: `{"preceding_related_transaction_token":"{clr1}","amount":"3.00"}`,
			typ:  "refund.authorization", state: "PENDING",
			fields: map[string]any{"preceding_related_transaction_token": "{clr1}", "card_acceptor.name": "Cafe"}},
		{name: "refund.authorization.reversal, part", path: sim + "refund.authorization.reversal", status: 201,
			body: `{"preceding_related_transaction_token":"{ra2}","amount":"1.00"}`,
			typ:  "refund.authorization.reversal", state: "PENDING",
			fields: map[string]any{"amount": 1.0, "gpa.impacted_amount": nil, "gpa_order_unload.jit_funding.method": jit.MethodRefundAuthorizationReversal}},
		{name: "refund.authorization.reversal, the rest", path: sim + "refund.authorization.reversal", status: 201,
			body: `{"preceding_related_transaction_token":"{ra2}"}`,
			typ:  "refund.authorization.reversal", state: "CLEARED", fields: map[string]any{"amount": 2.0}},
		{name: "refund.authorization.clearing after its reversal", path: sim + "refund.authorization.clearing", status: 400,
			body: `{"preceding_related_transaction_token":"{ra2}"}`, inError: "already closed"},
		{name: "refund.authorization.reversal of a purchase", path: sim + "refund.authorization.reversal", status: 400,
			body: `{"preceding_related_transaction_token":"{clr1}"}`, inError: "not a refund authorization"},
		{name: "refund.authorization.advice of nothing", path: sim + "refund.authorization.advice", status: 404,
			body: `{"preceding_related_transaction_token":"nope","amount":"1.00"}`},
		{name: "refund.authorization without amount", path: sim + "refund.authorization", status: 400,
			body: `{"card_token":"{card}"}`, inError: "amount is required"},
		{name: "refund.authorization.clearing of a purchase is a linked refund", path: sim + "refund.authorization.clearing", status: 201,
			body: `{"preceding_related_transaction_token":"{clr1}","amount":"1.00"}`,
			typ:  "refund", state: "COMPLETION", fields: map[string]any{"preceding_related_transaction_token": "{clr1}", "gpa.impacted_amount": 1.0}},
		{name: "pindebit", path: sim + "pindebit", status: 201, save: "pd1",
			body: `{"card_token":"{card}","amount":"60.00","card_acceptor":{"mcc":"5411"}}`,
			typ:  "pindebit", state: "COMPLETION", jit: jit.MethodAuthPlusCapture, jitAmount: "60.00",
			fields: map[string]any{"gpa.impacted_amount": -60.0, "pos.card_presence": true}},
		{name: "pindebit.atm.withdrawal", path: sim + "pindebit.atm.withdrawal", status: 201,
			body: `{"card_token":"{card}","amount":"20.00"}`,
			typ:  "pindebit.atm.withdrawal", state: "COMPLETION", jit: jit.MethodAuthPlusCapture, jitAmount: "20.00",
			fields: map[string]any{"gpa.impacted_amount": -20.0}},
		{name: "pindebit.reversal (a linked refund)", path: sim + "pindebit.reversal", status: 201,
			body: `{"preceding_related_transaction_token":"{pd1}"}`,
			typ:  "refund", state: "COMPLETION", fields: map[string]any{"amount": 60.0, "preceding_related_transaction_token": "{pd1}"}},
		{name: "pindebit.reversal of an authorization", path: sim + "pindebit.reversal", status: 400,
			body: `{"preceding_related_transaction_token":"{a1}"}`, inError: "not an approved pindebit"},
		{name: "balance inquiry", path: sim + "balanceinquiry", status: 201,
			body: `{"card_token":"{card}"}`, typ: "balanceinquiry", state: "COMPLETION", jit: jit.MethodBalanceinquiry},
		{name: "account verification (extension)", path: sim + "authorization.account_verification", status: 201,
			body: `{"card_token":"{card}"}`, typ: "authorization", state: "COMPLETION", jit: jit.MethodAuthorizationAccountVerification},
		{name: "zero-amount authorization is account verification", path: sim + "authorization", status: 201,
			body: `{"card_token":"{card}","amount":"0"}`, typ: "authorization", state: "COMPLETION", jit: jit.MethodAuthorizationAccountVerification},
		{name: "pindebit.authorization maps to authorization", path: sim + "pindebit.authorization", status: 201,
			body: `{"card_token":"{card}","amount":"3.00"}`, typ: "authorization", state: "PENDING", jit: jit.MethodAuthorization,
			fields: map[string]any{"pos.card_presence": true}},
		{name: "authorization.cashback is not supported", path: sim + "authorization.cashback", status: 400,
			body: `{"card_token":"{card}","amount":"1"}`, inError: "not supported"},
		{name: "unknown event", path: sim + "teleport", status: 400, body: `{}`, inError: "unknown simulation event"},
		{name: "missing card_token", path: sim + "authorization", status: 400, body: `{"amount":"1"}`, inError: "card_token is required"},
		{name: "missing amount", path: sim + "authorization", status: 400, body: `{"card_token":"{card}"}`, inError: "amount is required"},
		{name: "too many decimals", path: sim + "authorization", status: 400, body: `{"card_token":"{card}","amount":"1.005"}`, inError: "decimal"},
		{name: "unknown card", path: sim + "authorization", status: 400, body: `{"card_token":"nope","amount":"1"}`, inError: "does not exist"},
		{name: "advice on unknown transaction", path: sim + "authorization.advice", status: 404,
			body: `{"preceding_related_transaction_token":"nope","amount":"1"}`},

		// Legacy /simulate/*.
		{name: "legacy authorization", path: "/simulate/authorization", status: 201, save: "l1",
			body: `{"card_token":"{card}","amount":"25.00","mid":"123456","card_acceptor":{"mcc":"5411","name":"Grocer"},"is_pre_auth":"false"}`,
			typ:  "authorization", state: "PENDING", jit: jit.MethodAuthorization, legacyMTI: "0100",
			fields: map[string]any{"card_acceptor.mid": "123456"}},
		{name: "legacy authorization without mid", path: "/simulate/authorization", status: 400,
			body: `{"card_token":"{card}","amount":"25.00"}`, inError: "mid is required"},
		{name: "legacy advice", path: "/simulate/authorization/advice", status: 201,
			body: `{"original_transaction_token":"{l1}","amount":"20.00"}`, typ: "authorization.advice", state: "PENDING", legacyMTI: "0120"},
		{name: "legacy clearing", path: "/simulate/clearing", status: 201, save: "l1c",
			body: `{"original_transaction_token":"{l1}","amount":"20.00"}`, typ: "authorization.clearing", state: "COMPLETION", legacyMTI: "0220"},
		{name: "legacy clearing as refund", path: "/simulate/clearing", status: 201,
			body: `{"original_transaction_token":"{l1c}","amount":"5.00","is_refund":"true"}`, typ: "refund", state: "COMPLETION", legacyMTI: "0220"},
		{name: "legacy force post", path: "/simulate/clearing", status: 201,
			body: `{"original_transaction_token":"{l1}","amount":"6.00","force_post":true}`, typ: "authorization.clearing", state: "COMPLETION",
			fields: map[string]any{"preceding_related_transaction_token": nil, "gpa_order.jit_funding.method": jit.MethodForceCapture}},
		{name: "legacy clearing without original", path: "/simulate/clearing", status: 400,
			body: `{"amount":"6.00"}`, inError: "original_transaction_token is required"},
		{name: "legacy authorization for reversal", path: "/simulate/authorization", status: 201, save: "l2",
			body: `{"card_token":"{card}","amount":"9.00","mid":"1"}`, typ: "authorization", state: "PENDING", jit: jit.MethodAuthorization},
		{name: "legacy reversal", path: "/simulate/reversal", status: 201,
			body: `{"original_transaction_token":"{l2}","amount":"9.00"}`, typ: "authorization.reversal", state: "CLEARED", legacyMTI: "0400"},
		{name: "legacy financial (PIN debit)", path: "/simulate/financial", status: 201,
			body: `{"card_token":"{card}","amount":"40.00","mid":"1","card_acceptor":{"mcc":"5411"},"pin":"1234"}`,
			typ:  "pindebit", state: "COMPLETION", jit: jit.MethodAuthPlusCapture, legacyMTI: "0200"},
		{name: "legacy withdrawal", path: "/simulate/financial/withdrawal", status: 201,
			body: `{"card_token":"{card}","amount":"20.00","mid":"1","account_type":"checking"}`,
			typ:  "pindebit.atm.withdrawal", state: "COMPLETION", jit: jit.MethodAuthPlusCapture, legacyMTI: "0200"},
		{name: "legacy balance inquiry", path: "/simulate/financial/balanceinquiry", status: 201,
			body: `{"card_token":"{card}","mid":"1","account_type":"checking","card_acceptor":{}}`,
			typ:  "balanceinquiry", state: "COMPLETION", jit: jit.MethodBalanceinquiry, legacyMTI: "0100"},
		{name: "legacy balance inquiry, bad account type", path: "/simulate/financial/balanceinquiry", status: 400,
			body: `{"card_token":"{card}","mid":"1","account_type":"piggybank"}`, inError: "account_type"},
		{name: "legacy direct deposit", path: "/simulate/directdeposits", status: 400, body: `{}`, inError: "not simulated"},
	}
	saved := map[string]string{"card": "c1"}
	subst := func(s string) string {
		for k, val := range saved {
			s = strings.ReplaceAll(s, "{"+k+"}", val)
		}
		return s
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			gwBefore := v.gw.count()
			r := v.must(t, st.status, "POST", st.path, subst(st.body))
			if st.status != 201 {
				if !strings.Contains(r.obj["error_message"].(string), st.inError) {
					t.Fatalf("error %s, want %q", r.raw, st.inError)
				}
				if v.gw.count() != gwBefore {
					t.Fatal("a refused simulation reached the gateway")
				}
				return
			}
			txn, _ := r.obj["transaction"].(map[string]any)
			tok, _ := path(r.obj, "transaction.token").(string)
			if txn == nil || tok == "" || txn["type"] != st.typ || txn["state"] != st.state {
				t.Fatalf("answer %s, want %s %s", r.raw, st.typ, st.state)
			}
			if st.save != "" {
				saved[st.save] = tok
			}
			for p, want := range st.fields {
				if w, ok := want.(string); ok {
					want = subst(w)
				}
				if got := path(txn, p); fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("transaction.%s = %v, want %v", p, got, want)
				}
			}
			// Legacy answers are simulation_response_model.
			legacy := strings.HasPrefix(st.path, "/simulate/")
			if raw, ok := r.obj["raw_iso8583"].(map[string]any); legacy != ok {
				t.Fatalf("raw_iso8583 present=%v on %s", ok, st.path)
			} else if legacy && st.legacyMTI != "" && path(raw, "request.mti") != st.legacyMTI {
				t.Fatalf("raw_iso8583 %v, want MTI %s", raw, st.legacyMTI)
			}
			// The gateway got a JIT request with the right method, or none.
			switch {
			case st.jit == "" && v.gw.count() != gwBefore:
				t.Fatalf("gateway called for %s", st.typ)
			case st.jit != "":
				if v.gw.count() != gwBefore+1 {
					t.Fatalf("gateway calls %d → %d, want one", gwBefore, v.gw.count())
				}
				req := v.gw.last()
				jf := req.JITFundingOf()
				if jf.Method != st.jit || req.Token != tok || req.State != jit.StatePending || req.Response != nil {
					t.Fatalf("JIT request %+v, jit_funding %+v", req, jf)
				}
				if st.jitAmount != "" && jf.Amount.String() != st.jitAmount {
					t.Fatalf("jit_funding.amount %s, want %s", jf.Amount, st.jitAmount)
				}
			}
			// The webhook arrived before the answer.
			hook := v.recv.event(tok)
			if hook == nil || hook.Type != st.typ || hook.State != st.state {
				t.Fatalf("webhook for %s: %+v", tok, hook)
			}
		})
	}
	// Every transaction reached the receiver exactly once.
	if st := v.e.Webhooks().Stats(); st.Delivered != st.Batches || st.RetriesPending != 0 {
		t.Fatalf("dispatcher stats %+v", st)
	}
}
