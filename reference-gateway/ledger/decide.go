package ledger

import "github.com/jitsim/jitsim/jit"

// Controls are optional spend controls; the zero value turns them all off.
type Controls struct {
	// MaxAmount is the largest single decision per currency, in minor units
	// (AMOUNT_LIMIT_EXCEEDED). For an incremental it bounds the new total.
	MaxAmount map[string]int64
	// DailyCount is the most approved authorizations and debits per account
	// per day (TRANSACTION_COUNT_LIMIT_EXCEEDED); 0 is unlimited.
	DailyCount int
	// BlockedMCCs declines these merchant category codes (INVALID_MERCHANT).
	BlockedMCCs map[string]bool
	// Closed accounts decline everything with CLOSED_ACCOUNT.
	Closed map[string]bool
	// DeclineUnknown declines accounts that were never funded or touched with
	// NO_CHECKING_ACCOUNT instead of treating them as empty
	// (INSUFFICIENT_FUNDS).
	DeclineUnknown bool
}

// decide takes the decision r on account a (nil when it does not exist) and
// returns the record of its effects, or nil when r is a duplicate whose first
// answer is returned unchanged.
func decide(a *account, r *Request, c *Controls, partial bool, now int64) (*record, Answer) {
	if a == nil {
		// Nothing to book: an account that was never funded or touched can
		// only decline or answer zero balances, and is not created by it.
		return nil, decideUnknown(r, c)
	}
	bal := a.balance()
	if prev, ok := a.answer(r.JITToken); ok {
		return nil, Answer{Approved: prev.Approved, Amount: prev.Amount, Reason: prev.Reason, Balance: bal}
	}
	rec := &record{Acct: r.Account, At: now}
	decline := func(reason string) (*record, Answer) {
		rec.Answer = &answer{JIT: r.JITToken, Reason: reason, At: now}
		return rec, Answer{Reason: reason, Balance: bal}
	}
	if reason := controlReason(a, r, c); reason != "" {
		return decline(reason)
	}
	switch r.Kind {
	case Inquiry, Verify:
		rec.Answer = &answer{JIT: r.JITToken, Approved: true, At: now}
		return rec, Answer{Approved: true, Balance: bal}
	}
	if r.Amount <= 0 {
		return decline(jit.DeclineInvalidAmount)
	}

	var h *hold
	switch r.Kind {
	case Increment:
		h = a.find(r.JITToken, r.RootJIT, r.RefTxn)
	default:
		h = a.find(r.JITToken, r.TxnToken)
	}
	// A webhook got here first: a stand-in booked it, or the network already
	// declined it (the JIT answer arrives too late to matter).
	if h != nil {
		switch {
		case r.Kind == Increment && h.Void[r.JITToken]:
			return decline(jit.DeclineTransactionNotPermitted)
		case r.Kind == Increment && h.Incr[r.JITToken] > 0:
			return approveExisting(rec, r, h.Incr[r.JITToken], bal)
		case h.State != Open && !(r.Kind == Capture && h.Debit && h.State == Cleared):
			return decline(jit.DeclineTransactionNotPermitted)
		case r.Kind == Capture && h.Debit:
			return approveExisting(rec, r, h.Debited, bal)
		case r.Kind == Authorize && h.AuthKnown:
			return approveExisting(rec, r, h.Auth, bal)
		}
	}

	amount := r.Amount
	if max, ok := c.MaxAmount[r.Account.Currency]; ok && max > 0 {
		total := amount
		if r.Kind == Increment && h != nil {
			total += h.open()
		}
		if total > max {
			return decline(jit.DeclineAmountLimitExceeded)
		}
	}
	count := a.days[r.Day]
	if c.DailyCount > 0 && r.Kind != Increment && count >= c.DailyCount {
		return decline(jit.DeclineTransactionCountLimitExceeded)
	}
	if amount > bal.Available {
		if !partial || !r.Partial || r.Kind == Increment || bal.Available <= 0 {
			return decline(jit.DeclineInsufficientFunds)
		}
		amount = bal.Available
	}

	// Approve.
	if r.Kind != Increment {
		rec.Day, rec.Count = r.Day, count+1
	}
	if h == nil {
		id := r.JITToken
		if r.Kind == Increment {
			id = firstNonEmpty(r.RootJIT, r.RefTxn, r.JITToken)
		}
		h = &hold{ID: id, State: Open, Created: now}
	} else {
		h = h.clone()
	}
	h.addJIT(r.JITToken)
	switch r.Kind {
	case Authorize:
		h.addTxn(r.TxnToken)
		h.Auth, h.AuthKnown = amount, true
	case Increment:
		h.addJIT(r.RootJIT)
		h.addTxn(r.RefTxn)
		if h.Incr == nil {
			h.Incr = map[string]int64{}
		}
		h.Incr[r.JITToken] = amount
	case Capture:
		h.addTxn(r.TxnToken)
		h.Debit, h.Debited, h.State, h.Closed = true, amount, Cleared, now
		rec.Ledger = -amount
	}
	rec.Hold = h
	rec.Answer = &answer{JIT: r.JITToken, Approved: true, Amount: amount, At: now}
	after := bal
	after.Ledger += rec.Ledger
	if r.Kind != Capture {
		after.Pending += amount
	}
	after.Available = after.Ledger - after.Pending
	return rec, Answer{Approved: true, Amount: amount, Balance: after}
}

// decideUnknown answers for an account that does not exist.
func decideUnknown(r *Request, c *Controls) Answer {
	if reason := controlReason(nil, r, c); reason != "" {
		return Answer{Reason: reason}
	}
	switch {
	case r.Kind == Inquiry || r.Kind == Verify:
		return Answer{Approved: true}
	case r.Amount <= 0:
		return Answer{Reason: jit.DeclineInvalidAmount}
	}
	return Answer{Reason: jit.DeclineInsufficientFunds}
}

// approveExisting answers a decision that a webhook already booked, without
// booking it again.
func approveExisting(rec *record, r *Request, amount int64, bal Balance) (*record, Answer) {
	rec.Answer = &answer{JIT: r.JITToken, Approved: true, Amount: amount, At: rec.At}
	return rec, Answer{Approved: true, Amount: amount, Balance: bal}
}

// controlReason returns the decline reason of the first spend control r
// breaks, or "".
func controlReason(a *account, r *Request, c *Controls) string {
	switch {
	case c.Closed[r.Account.Token]:
		return jit.DeclineClosedAccount
	case a == nil && c.DeclineUnknown:
		return jit.DeclineNoCheckingAccount
	case r.MCC != "" && c.BlockedMCCs[r.MCC] && r.Kind != Inquiry && r.Kind != Verify:
		return jit.DeclineInvalidMerchant
	}
	return ""
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
