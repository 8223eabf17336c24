package server

import (
	"encoding/json"
	"testing"

	"github.com/jitsim/jitsim/jit"
)

// TestAppendJITResponseMatchesEncodingJSON holds the hand-written encoder to
// what encoding/json writes for the same value.
func TestAppendJITResponseMatchesEncodingJSON(t *testing.T) {
	bal := jit.CardholderBalance{CurrencyCode: "USD", AvailableBalance: jit.MustAmount("1.50"), LedgerBalance: jit.MustAmount("2.00"), CreditBalance: jit.MustMinor(0, "USD"), PendingCredits: jit.MustMinor(0, "USD")}
	for _, r := range []jit.JITResponse{
		{JITFunding: jit.JITFunding{Token: "j1", Method: jit.MethodAuthorization, UserToken: "u1", Amount: jit.MustAmount("42.17")}},
		{JITFunding: jit.JITFunding{Token: "j2", Method: jit.MethodAuthorization, UserToken: "u1", ActingUserToken: "u2", BusinessToken: "b1", Amount: jit.MustAmount("0.10"), DeclineReason: jit.DeclineInsufficientFunds}},
		{JITFunding: jit.JITFunding{Token: `quo"te\<&>é` + "\x01", Method: "m", UserToken: "ü", Amount: jit.MustAmount("-1")}},
		{JITFunding: jit.JITFunding{Token: "j3", Method: jit.MethodBalanceinquiry, UserToken: "u1", Amount: jit.MustAmount("0"), Balances: map[string]jit.CardholderBalance{"USD": bal, "EUR": bal}}},
	} {
		want, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		got := appendJITResponse(nil, &r)
		if string(got) != string(want)+"\n" {
			t.Errorf("hand-written:\n%s\nencoding/json:\n%s", got, want)
		}
	}
}
