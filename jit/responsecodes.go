package jit

// Transaction response codes (response.code of a transaction and of its
// gpa_order). A gateway's HTTP answer becomes one of these: 200 approves
// (0000, or 0002 for a partial approval), 402 declines with a code chosen by
// ResponseCodeForDecline.
const (
	ResponseCodeApproved        = "0000" // approved or completed successfully
	ResponseCodePartialApproval = "0002" // approved for less than requested
	// ResponseCodeSuccess1830 is the third success code Marqeta lists; its
	// memo is not documented in the sources jitsim is built on, and jitsim
	// does not derive it from a gateway answer.
	ResponseCodeSuccess1830 = "1830"

	ResponseCodeNotSufficientFunds = "1016" // 402 without a decline_reason

	// 402 with a decline_reason (jit_funding.decline_reason).
	ResponseCodeJITInvalidAmount                 = "1883" // INVALID_AMOUNT
	ResponseCodeJITInsufficientFunds             = "1884" // INSUFFICIENT_FUNDS
	ResponseCodeJITTransactionNotPermitted       = "1885" // TRANSACTION_NOT_PERMITTED
	ResponseCodeJITSuspectedFraud                = "1886" // SUSPECTED_FRAUD
	ResponseCodeJITAmountLimitExceeded           = "1887" // AMOUNT_LIMIT_EXCEEDED
	ResponseCodeJITTransactionCountLimitExceeded = "1888" // TRANSACTION_COUNT_LIMIT_EXCEEDED
	ResponseCodeJITDuplicateTransaction          = "1889" // DUPLICATE_TRANSACTION
)

// Response memos (response.memo) that go with the codes above. Approved is
// Marqeta's wording (it appears in CoreAPI.yaml's examples); the decline
// memos are the descriptions of Marqeta's transaction response code list.
const (
	ResponseMemoApproved                         = "Approved or completed successfully"
	ResponseMemoNotSufficientFunds               = "Not sufficient funds"
	ResponseMemoJITInvalidAmount                 = "JIT response invalid amount"
	ResponseMemoJITInsufficientFunds             = "JIT response not sufficient funds"
	ResponseMemoJITTransactionNotPermitted       = "JIT response transaction not permitted"
	ResponseMemoJITSuspectedFraud                = "JIT response suspected fraud"
	ResponseMemoJITAmountLimitExceeded           = "JIT response amount limit reached"
	ResponseMemoJITTransactionCountLimitExceeded = "JIT response usage limit reached"
	ResponseMemoJITDuplicateTransaction          = "JIT response duplicate entry"
)

// gateway_log.message values: what Marqeta records about the gateway's
// answer in the transaction webhook (gpa_order.funding.gateway_log).
const (
	GatewayMessageApproved = "Approved or completed successfully" // HTTP 200
	GatewayMessageDeclined = "Declined by gateway."               // HTTP 402
)

// ResponseCodeForDecline returns the transaction response code and memo of
// a 402 answer whose jit_funding.decline_reason is reason. The seven reasons
// with a JIT code map to 1883–1889; "" (no reason) maps to 1016 "Not
// sufficient funds". The sources are silent on the other decline reasons
// (INVALID_MERCHANT, EXPIRED_CARD, …) and on values outside the enum: jitsim
// treats them as a decline without a reason, 1016. It returns no error.
func ResponseCodeForDecline(reason string) (code, memo string) {
	switch reason {
	case DeclineInvalidAmount:
		return ResponseCodeJITInvalidAmount, ResponseMemoJITInvalidAmount
	case DeclineInsufficientFunds:
		return ResponseCodeJITInsufficientFunds, ResponseMemoJITInsufficientFunds
	case DeclineTransactionNotPermitted:
		return ResponseCodeJITTransactionNotPermitted, ResponseMemoJITTransactionNotPermitted
	case DeclineSuspectedFraud:
		return ResponseCodeJITSuspectedFraud, ResponseMemoJITSuspectedFraud
	case DeclineAmountLimitExceeded:
		return ResponseCodeJITAmountLimitExceeded, ResponseMemoJITAmountLimitExceeded
	case DeclineTransactionCountLimitExceeded:
		return ResponseCodeJITTransactionCountLimitExceeded, ResponseMemoJITTransactionCountLimitExceeded
	case DeclineDuplicateTransaction:
		return ResponseCodeJITDuplicateTransaction, ResponseMemoJITDuplicateTransaction
	}
	return ResponseCodeNotSufficientFunds, ResponseMemoNotSufficientFunds
}
