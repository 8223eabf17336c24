package jit

import "testing"

func TestResponseCodeForDecline(t *testing.T) {
	tests := []struct{ reason, code, memo string }{
		{"", "1016", "Not sufficient funds"},
		{DeclineInvalidAmount, "1883", "JIT response invalid amount"},
		{DeclineInsufficientFunds, "1884", "JIT response not sufficient funds"},
		{DeclineTransactionNotPermitted, "1885", "JIT response transaction not permitted"},
		{DeclineSuspectedFraud, "1886", "JIT response suspected fraud"},
		{DeclineAmountLimitExceeded, "1887", "JIT response amount limit reached"},
		{DeclineTransactionCountLimitExceeded, "1888", "JIT response usage limit reached"},
		{DeclineDuplicateTransaction, "1889", "JIT response duplicate entry"},
		// Reasons without a JIT code of their own, and values outside the
		// enum, are a decline without a reason.
		{DeclineInvalidMerchant, "1016", "Not sufficient funds"},
		{DeclineExpiredCard, "1016", "Not sufficient funds"},
		{DeclineCardholderNotActive, "1016", "Not sufficient funds"},
		{"UNAUTHORIZED_MERCHANT", "1016", "Not sufficient funds"},
		{"insufficient_funds", "1016", "Not sufficient funds"},
	}
	for _, tc := range tests {
		code, memo := ResponseCodeForDecline(tc.reason)
		if code != tc.code || memo != tc.memo {
			t.Errorf("ResponseCodeForDecline(%q) = %q, %q; want %q, %q", tc.reason, code, memo, tc.code, tc.memo)
		}
	}
	// Every decline reason of the spec gets a decline code.
	for _, r := range DeclineReasons {
		if code, memo := ResponseCodeForDecline(r); code == ResponseCodeApproved || memo == "" {
			t.Errorf("%s maps to %q %q", r, code, memo)
		}
	}
}

func TestResponseConstants(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{ResponseCodeApproved, "0000"},
		{ResponseCodePartialApproval, "0002"},
		{ResponseCodeSuccess1830, "1830"},
		{ResponseCodeNotSufficientFunds, "1016"},
		{GatewayMessageApproved, "Approved or completed successfully"},
		{GatewayMessageDeclined, "Declined by gateway."},
		{ResponseMemoApproved, "Approved or completed successfully"},
	} {
		if c.got != c.want {
			t.Errorf("constant is %q, want %q", c.got, c.want)
		}
	}
}
