package simulator

import (
	"context"

	"github.com/jitsim/jitsim/jit"
)

// Refunds: money going back to a card, carried in gpa_order_unload.
//
// A refund is the network's clearing of a credit: it credits the card at
// once (gpa.impacted_amount positive). A refund authorization is the
// network asking the issuer, ahead of that clearing, to accept a credit: a
// pending credit that moves no money (no impacted amount). It is followed by
// refund.authorization.clearing, which credits and closes it, or by
// refund.authorization.reversal, which cancels it; refund.authorization.advice
// lowers what it will credit.
//
// None of these calls the gateway: the pgfs.refund* methods are informative
// (protocol.md §2: refunds reach the gateway as webhooks, with
// gpa_order_unload.jit_funding), so each event is a webhook only.

// RefundRequest returns money to a card, linked to an earlier transaction
// (Preceding) or not (then CardToken names the card).
type RefundRequest struct {
	Preceding string
	CardToken string
	Amount    jit.Amount
	Currency  string
	Merchant  Merchant
}

// refundChain is a refund authorization and what follows it.
type refundChain struct {
	p       party
	auth    *jit.Transaction // as the webhook carried it
	rootJIT string           // its jit_funding token
	cur     string
	open    int64 // still pending, minor units
	closed  bool
}

// Refund credits a card: a refund webhook with gpa_order_unload (method
// pgfs.refund) and a positive gpa.impacted_amount. It returns ENOTFOUND for
// an unknown preceding transaction and EINVALID for a bad card or amount.
func (e *Engine) Refund(ctx context.Context, r RefundRequest) (*jit.Transaction, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	p, cur, merchant, amt, err := e.refundOf(r)
	if err != nil {
		return nil, err
	}
	t := e.credit(p, jit.TypeRefund, jit.StateCompletion, jit.MethodRefund, amt, cur, r.Preceding, merchant, true)
	return e.record(t), nil
}

// RefundAuthorize runs a refund authorization (refund.authorization, state
// PENDING, method pgfs.refund.authorization): a pending credit that moves
// no money until ClearRefundAuthorization. Linked to an earlier transaction
// (Preceding) or not (CardToken). Webhook only: the gateway is not called.
// It returns ENOTFOUND for an unknown preceding transaction and EINVALID for
// a bad card or amount.
func (e *Engine) RefundAuthorize(ctx context.Context, r RefundRequest) (*jit.Transaction, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	p, cur, merchant, amt, err := e.refundOf(r)
	if err != nil {
		return nil, err
	}
	t := e.credit(p, jit.TypeRefundAuthorization, jit.StatePending, jit.MethodRefundAuthorization, amt, cur, r.Preceding, merchant, false)
	t.RequestAmount = jit.Ptr(t.Amount)
	t.ApprovalCode = e.tok.digits(6)
	e.refunds[t.Token] = &refundChain{p: *p, auth: t, rootJIT: t.GPAOrderUnload.JITFunding.Token, cur: cur, open: amt}
	return e.record(t), nil
}

// AdviseRefundAuthorization lowers a pending refund authorization to a new
// total (refund.authorization.advice, state PENDING): amount is the new
// total, jit_funding.amount (method pgfs.refund.authorization.reversal) and
// amount_to_be_released the part no longer to be credited. No money moves.
// It returns ENOTFOUND for an unknown token and EINVALID for one that is not
// an open refund authorization or a total outside 0 to what is pending.
func (e *Engine) AdviseRefundAuthorization(ctx context.Context, preceding string, newTotal jit.Amount) (*jit.Transaction, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	c, err := e.openRefund(preceding)
	if err != nil {
		return nil, err
	}
	total, err := lowered(newTotal, c.cur, c.open)
	if err != nil {
		return nil, err
	}
	released := c.open - total
	t := e.refundFollowUp(c, jit.TypeRefundAuthorizationAdvice, jit.StatePending, jit.MethodRefundAuthorizationReversal, released, false)
	t.Amount = jit.MustMinor(total, c.cur)
	t.AmountToBeReleased = jit.Ptr(jit.MustMinor(released, c.cur))
	c.open = total
	return e.record(t), nil
}

// ReverseRefundAuthorization cancels amount of a pending refund
// authorization (refund.authorization.reversal, method
// pgfs.refund.authorization.reversal): all of it (state CLEARED, closing
// it) when amount covers what is pending, else part (PENDING). No money
// moves. It returns ENOTFOUND for an unknown token and EINVALID for one that
// is not an open refund authorization or a non-positive amount.
func (e *Engine) ReverseRefundAuthorization(ctx context.Context, preceding string, amount jit.Amount) (*jit.Transaction, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	c, amt, err := e.openRefundFor(preceding, amount)
	if err != nil {
		return nil, err
	}
	amt, state := reversal(amt, c.open)
	t := e.refundFollowUp(c, jit.TypeRefundAuthorizationReversal, state, jit.MethodRefundAuthorizationReversal, amt, false)
	c.open -= amt
	c.closed = state == jit.StateCleared
	return e.record(t), nil
}

// ClearRefundAuthorization settles a refund authorization
// (refund.authorization.clearing, state COMPLETION, method
// pgfs.refund.authorization.clearing): the card is credited amount
// (gpa.impacted_amount positive) and the refund authorization is closed.
// It returns ENOTFOUND for an unknown token and EINVALID for one that is
// not an open refund authorization or a non-positive amount.
func (e *Engine) ClearRefundAuthorization(ctx context.Context, preceding string, amount jit.Amount) (*jit.Transaction, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	c, amt, err := e.openRefundFor(preceding, amount)
	if err != nil {
		return nil, err
	}
	t := e.refundFollowUp(c, jit.TypeRefundAuthorizationClearing, jit.StateCompletion, jit.MethodRefundAuthorizationClearing, amt, true)
	c.open, c.closed = 0, true
	return e.record(t), nil
}

// PendingRefund returns what a refund authorization still holds pending:
// the amount its reversal or clearing applies to when none is given. It
// returns ENOTFOUND for an unknown transaction and EINVALID for one that
// is not an open refund authorization.
func (e *Engine) PendingRefund(refundAuth string) (jit.Amount, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	c, err := e.openRefund(refundAuth)
	if err != nil {
		return jit.Amount{}, err
	}
	return jit.MustMinor(c.open, c.cur), nil
}

// openRefund finds the open refund authorization tok. e.mu held.
func (e *Engine) openRefund(tok string) (*refundChain, error) {
	c, ok := e.refunds[tok]
	switch {
	case ok && c.closed:
		return nil, jit.Errorf(jit.EINVALID, "refund authorization %s is already closed (cleared or reversed)", tok)
	case ok:
		return c, nil
	}
	if e.known(tok) {
		return nil, jit.Errorf(jit.EINVALID, "transaction %s is not a refund authorization", tok)
	}
	return nil, jit.Errorf(jit.ENOTFOUND, "transaction %s not found", tok)
}

// openRefundFor is openRefund and the amount of an event on it, which
// must be positive (EINVALID). e.mu held.
func (e *Engine) openRefundFor(tok string, amount jit.Amount) (*refundChain, int64, error) {
	c, err := e.openRefund(tok)
	if err != nil {
		return nil, 0, err
	}
	amt, err := positive(amount, c.cur)
	return c, amt, err
}

// refundOf resolves who a refund (or refund authorization) credits and
// checks its amount: the preceding transaction's card, currency and
// merchant when linked. e.mu held.
func (e *Engine) refundOf(r RefundRequest) (*party, string, *jit.CardAcceptor, int64, error) {
	cur := firstNonEmpty(r.Currency, jit.DefaultCurrency)
	merchant := cardAcceptor(r.Merchant)
	if r.Preceding != "" {
		prev, ok := e.prior(r.Preceding)
		if !ok {
			return nil, "", nil, 0, jit.Errorf(jit.ENOTFOUND, "transaction %s not found", r.Preceding)
		}
		r.CardToken, cur, merchant = prev.CardToken, firstNonEmpty(prev.CurrencyCode, cur), prev.CardAcceptor
	}
	p, err := e.resolve(r.CardToken)
	if err != nil {
		return nil, "", nil, 0, err
	}
	amt, err := positive(r.Amount, cur)
	if err != nil {
		return nil, "", nil, 0, err
	}
	return p, cur, merchant, amt, nil
}

// credit builds a refund-side transaction: amt (minor units) in
// gpa_order_unload under method, the order in the transaction's state, and
// gpa.impacted_amount +amt when money moves. e.mu held.
func (e *Engine) credit(p *party, typ, state, method string, amt int64, cur, preceding string, merchant *jit.CardAcceptor, moves bool) *jit.Transaction {
	a := jit.MustMinor(amt, cur)
	t := e.base(p, typ, e.tok.uuid(), a, cur)
	t.State = state
	t.PrecedingRelatedTransactionToken = preceding
	t.CardAcceptor = merchant
	t.Response = &jit.Response{Code: jit.ResponseCodeApproved, Memo: jit.ResponseMemoApproved}
	var impacted *jit.Amount
	if moves {
		impacted = jit.Ptr(a)
	}
	t.GPA = zeroBalance(cur, impacted)
	o := e.fundingOrder(p, t.Token, a, cur, e.jitFunding(p, method, a))
	t.GPAOrderUnload = &jit.GPAReturns{
		Token: o.Token, Amount: a, CreatedTime: o.CreatedTime, LastModifiedTime: o.LastModifiedTime,
		TransactionToken: t.Token, State: state, Response: t.Response, Funding: o.Funding,
		FundingSourceToken: o.FundingSourceToken, JITFunding: o.JITFunding,
	}
	return t
}

// refundFollowUp builds an event on a refund authorization: linked to it by
// preceding_related_transaction_token, original_jit_funding_token and
// gpa_order_unload.original_order_token, with its merchant and approval
// code. e.mu held.
func (e *Engine) refundFollowUp(c *refundChain, typ, state, method string, amt int64, moves bool) *jit.Transaction {
	p := c.p
	t := e.credit(&p, typ, state, method, amt, c.cur, c.auth.Token, c.auth.CardAcceptor, moves)
	t.ApprovalCode = c.auth.ApprovalCode
	t.GPAOrderUnload.JITFunding.OriginalJITFundingToken = c.rootJIT
	t.GPAOrderUnload.OriginalOrderToken = c.auth.GPAOrderUnload.Token
	return t
}
