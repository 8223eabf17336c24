package simulator

import (
	"context"
	"fmt"

	"github.com/jitsim/jitsim/jit"
)

// AuthRequest asks the network for an authorization on a card.
type AuthRequest struct {
	CardToken string
	Amount    jit.Amount // major units in Currency
	Currency  string     // USD when empty
	Merchant  Merchant
	Network   string // VISA when empty
	// Partial marks the point of sale as partial-approval capable.
	Partial bool
	// Preauth marks a pre-authorization (fuel pumps, hotels).
	Preauth     bool
	CardPresent bool
	// ATM marks a PIN debit as an ATM cash withdrawal (as does merchant
	// category 6011).
	ATM bool
}

// chain is one authorization and everything that follows it.
type chain struct {
	p        party
	auth     *jit.Transaction // as the webhook carried it
	rootJIT  string
	cur      string
	approved int64 // authorized total, incrementals included
	open     int64 // still held
	cleared  int64
	closed   bool
}

// resolve finds the card, its user and the funding source that answers for
// it. e.mu must be held. It returns EINVALID naming what is missing.
func (e *Engine) resolve(cardToken string) (*party, error) {
	c, ok := e.cards.get(cardToken)
	if !ok {
		return nil, jit.Errorf(jit.EINVALID, "card_token %q does not exist", cardToken)
	}
	u, ok := e.users.get(c.UserToken)
	if !ok {
		return nil, jit.Errorf(jit.EINVALID, "user %q of card %s does not exist", c.UserToken, cardToken)
	}
	prod, ok := e.products.get(c.CardProductToken)
	if !ok {
		return nil, jit.Errorf(jit.EINVALID, "card product %q does not exist", c.CardProductToken)
	}
	pg := programGateway(prod)
	if pg == nil || !isTrue(pg.Enabled) || pg.FundingSourceToken == "" {
		return nil, jit.Errorf(jit.EINVALID, "card product %s has no enabled config.jit_funding.programgateway_funding_source", prod.Token)
	}
	src, ok := e.sources.get(pg.FundingSourceToken)
	if !ok {
		return nil, jit.Errorf(jit.EINVALID, "funding source %q does not exist", pg.FundingSourceToken)
	}
	return &party{card: *c, user: *u, source: src, product: prod.Token}, nil
}

// decide sends a JIT request (unless manual Commando Mode is on) and applies
// the stand-in rules to the outcome. e.mu must NOT be held.
func (e *Engine) decide(ctx context.Context, p *party, req *jit.Transaction, want int64, partial bool) Outcome {
	e.mu.Lock()
	cm := e.commandoFor(p.source.Token)
	var manual bool
	var rts RealTimeStandin
	if cm != nil {
		manual = cm.CurrentState != nil && cm.CurrentState.CommandoEnabled
		if cm.RealTimeStandinCriteria != nil {
			rts = *cm.RealTimeStandinCriteria
		}
	}
	active := isTrue(p.source.Active)
	e.mu.Unlock()
	if manual || !active {
		return Outcome{Kind: OutcomeCommando, Approved: true, Amount: want, StandIn: "COMMANDO_MANUAL"}
	}
	jf := req.JITFundingOf()
	o := e.callGateway(ctx, p.source, req, jf, want, partial)
	e.observe(Observation{Request: req, Outcome: &o})
	if o.failed() && rts.Enabled && (o.Kind == OutcomeTimeout && rts.IncludeResponseTimeouts ||
		o.Kind == OutcomeConnectionError && rts.IncludeConnectionErrors ||
		o.Kind == OutcomeApplicationError && rts.IncludeApplicationErrors) {
		o.Approved, o.Amount, o.StandIn = true, want, "COMMANDO_AUTO"
	}
	return o
}

// Authorize runs a dual-message authorization: a pgfs.authorization JIT
// request, the network outcome, and the authorization webhook. It returns the
// transaction as the webhook carries it; a decline is not an error.
func (e *Engine) Authorize(ctx context.Context, r AuthRequest) (*jit.Transaction, error) {
	return e.authorize(ctx, r, jit.TypeAuthorization, jit.MethodAuthorization, jit.StatePending)
}

// VerifyAccount runs a zero-amount account verification.
func (e *Engine) VerifyAccount(ctx context.Context, r AuthRequest) (*jit.Transaction, error) {
	r.Amount = jit.Amount{}
	return e.authorize(ctx, r, jit.TypeAuthorization, jit.MethodAuthorizationAccountVerification, jit.StateCompletion)
}

// BalanceInquiry asks the gateway for the card's balance.
func (e *Engine) BalanceInquiry(ctx context.Context, r AuthRequest) (*jit.Transaction, error) {
	r.Amount = jit.Amount{}
	return e.authorize(ctx, r, jit.TypeBalanceinquiry, jit.MethodBalanceinquiry, jit.StateCompletion)
}

// PINDebit runs a single-message PIN debit (or ATM withdrawal): funds move
// at once on approval.
//
// At an ATM (AuthRequest.ATM, or merchant category 6011) the type is
// pindebit.atm.withdrawal; the JIT method is pgfs.auth_plus_capture either
// way (protocol.md §2).
func (e *Engine) PINDebit(ctx context.Context, r AuthRequest) (*jit.Transaction, error) {
	typ := jit.TypePindebit
	if r.ATM || r.Merchant.MCC == MCCATM {
		typ = jit.TypePindebitATMWithdrawal
	}
	return e.authorize(ctx, r, typ, jit.MethodAuthPlusCapture, jit.StateCompletion)
}

// MCCATM is the merchant category of automated cash disbursements.
const MCCATM = "6011"

func (e *Engine) authorize(ctx context.Context, r AuthRequest, typ, method, approvedState string) (*jit.Transaction, error) {
	cur := firstNonEmpty(r.Currency, jit.DefaultCurrency)
	want, err := r.Amount.Minor(cur)
	if err != nil {
		return nil, err
	}
	if want < 0 || (want == 0 && method != jit.MethodAuthorizationAccountVerification && method != jit.MethodBalanceinquiry) {
		return nil, jit.Errorf(jit.EINVALID, "amount must be positive")
	}
	amount := jit.MustMinor(want, cur)
	e.mu.Lock()
	p, err := e.resolve(r.CardToken)
	if err != nil {
		e.mu.Unlock()
		return nil, err
	}
	if p.card.State != "ACTIVE" {
		e.mu.Unlock()
		return nil, jit.Errorf(jit.EINVALID, "card %s is %s, not ACTIVE", p.card.Token, p.card.State)
	}
	t := e.base(p, typ, e.tok.uuid(), amount, cur)
	t.RequestAmount = jit.Ptr(amount)
	t.Network = firstNonEmpty(r.Network, "VISA")
	t.Acquirer = &jit.Acquirer{SystemTraceAuditNumber: e.tok.digits(6), RetrievalReferenceNumber: e.tok.digits(12)}
	t.CardAcceptor = cardAcceptor(r.Merchant)
	t.POS = &jit.POS{PANEntryMode: "CARD_ON_FILE", PartialApprovalCapable: jit.Bool(r.Partial), CardPresence: jit.Bool(r.CardPresent)}
	if r.CardPresent {
		t.POS.PANEntryMode = "CHIP"
	}
	if r.Preauth {
		t.IsPreauthorization = jit.Bool(true)
	}
	t.GPA = zeroBalance(cur, nil)
	jf := e.jitFunding(p, method, amount)
	t.GPAOrder = e.fundingOrder(p, t.Token, amount, cur, jf)
	e.mu.Unlock()

	req := cloneTxn(t)
	o := e.decide(ctx, p, req, want, r.Partial)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.finish(t, &o, cur, approvedState)
	if o.Approved && method == jit.MethodAuthPlusCapture {
		t.GPA.ImpactedAmount = jit.Ptr(jit.MustMinor(-o.Amount, cur))
	}
	e.txns.put(t.Token, t)
	e.retain(t.Token)
	if o.Approved && method == jit.MethodAuthorization {
		e.chains[t.Token] = &chain{p: *p, auth: t, rootJIT: jf.Token, cur: cur, approved: o.Amount, open: o.Amount}
	}
	e.emit(t)
	return cloneTxn(t), nil
}

// record stores a finished transaction, emits it and returns a copy for
// the caller. e.mu held.
func (e *Engine) record(t *jit.Transaction) *jit.Transaction {
	e.txns.put(t.Token, t)
	e.retain(t.Token)
	e.emit(t)
	return cloneTxn(t)
}

// emit queues a finished transaction as a webhook and observes it. e.mu held.
func (e *Engine) emit(t *jit.Transaction) {
	c := cloneTxn(t)
	e.webhooks.Enqueue(*c)
	e.observe(Observation{Webhook: c})
}

// chainOf finds the open chain an event follows. e.mu held.
func (e *Engine) chainOf(preceding string) (*chain, error) {
	c, ok := e.chains[preceding]
	if !ok {
		if e.known(preceding) {
			return nil, jit.Errorf(jit.EINVALID, "transaction %s is not an approved authorization", preceding)
		}
		return nil, jit.Errorf(jit.ENOTFOUND, "transaction %s not found", preceding)
	}
	return c, nil
}

// Incremental raises an authorization by amount through a
// pgfs.authorization.incremental JIT request.
func (e *Engine) Incremental(ctx context.Context, preceding string, amount jit.Amount) (*jit.Transaction, error) {
	e.mu.Lock()
	c, err := e.chainOf(preceding)
	if err == nil && c.closed {
		err = jit.Errorf(jit.EINVALID, "authorization %s is already closed", preceding)
	}
	if err != nil {
		e.mu.Unlock()
		return nil, err
	}
	want, err := positive(amount, c.cur)
	if err != nil {
		e.mu.Unlock()
		return nil, err
	}
	amt := jit.MustMinor(want, c.cur)
	p := c.p
	t := e.base(&p, jit.TypeAuthorizationIncremental, e.tok.uuid(), amt, c.cur)
	t.PrecedingRelatedTransactionToken = preceding
	t.RequestAmount = jit.Ptr(amt)
	t.CardAcceptor, t.POS, t.Network, t.Acquirer = c.auth.CardAcceptor, c.auth.POS, c.auth.Network, c.auth.Acquirer
	t.GPA = zeroBalance(c.cur, nil)
	jf := e.jitFunding(&p, jit.MethodAuthorizationIncremental, amt)
	jf.OriginalJITFundingToken = c.rootJIT
	t.GPAOrder = e.fundingOrder(&p, t.Token, amt, c.cur, jf)
	e.mu.Unlock()

	o := e.decide(ctx, &p, cloneTxn(t), want, false)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.finish(t, &o, c.cur, jit.StatePending)
	if o.Approved && !c.closed {
		c.approved += o.Amount
		c.open += o.Amount
	}
	return e.record(t), nil
}

// followUp builds an informative event on a chain (advice, clearing,
// reversal, expiry): webhook only, no JIT request. e.mu held.
func (e *Engine) followUp(c *chain, typ, state, method string, amount jit.Amount, jitAmount jit.Amount) *jit.Transaction {
	p := c.p
	t := e.base(&p, typ, e.tok.uuid(), amount, c.cur)
	t.State = state
	t.PrecedingRelatedTransactionToken = c.auth.Token
	t.ApprovalCode = c.auth.ApprovalCode
	t.CardAcceptor, t.POS, t.Network, t.Acquirer = c.auth.CardAcceptor, c.auth.POS, c.auth.Network, c.auth.Acquirer
	t.Response = &jit.Response{Code: jit.ResponseCodeApproved, Memo: jit.ResponseMemoApproved}
	t.GPA = zeroBalance(c.cur, nil)
	jf := e.jitFunding(&p, method, jitAmount)
	jf.OriginalJITFundingToken = c.rootJIT
	t.GPAOrder = e.fundingOrder(&p, t.Token, jitAmount, c.cur, jf)
	t.GPAOrder.State = jit.StateCompletion
	t.GPAOrder.Response = t.Response
	return t
}

// Advice lowers an authorization to a new total (a partial release, e.g. a
// fuel pump's final amount). The webhook's amount is the new total and its
// jit_funding.amount the released delta.
func (e *Engine) Advice(ctx context.Context, preceding string, newTotal jit.Amount) (*jit.Transaction, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	c, err := e.openChain(preceding)
	if err != nil {
		return nil, err
	}
	total, err := lowered(newTotal, c.cur, c.open)
	if err != nil {
		return nil, err
	}
	released := c.open - total
	t := e.followUp(c, jit.TypeAuthorizationAdvice, jit.StatePending, jit.MethodAuthorizationReversal,
		jit.MustMinor(total, c.cur), jit.MustMinor(released, c.cur))
	t.AmountToBeReleased = jit.Ptr(jit.MustMinor(released, c.cur))
	c.open = total
	return e.record(t), nil
}

// ClearRequest is a clearing of an authorization, or a force post when
// Preceding is empty (then CardToken names the card).
type ClearRequest struct {
	Preceding string
	CardToken string
	Amount    jit.Amount
	Currency  string
	// Sequence and Count make a multi-clearing ("01" of "02"); zero for a
	// single clearing. The clearing with Sequence == Count is final.
	Sequence, Count int
	Merchant        Merchant
}

// Clear settles an authorization (or force-posts with no authorization).
func (e *Engine) Clear(ctx context.Context, r ClearRequest) (*jit.Transaction, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if r.Preceding == "" {
		return e.forcePost(r)
	}
	c, amt, err := e.openChainFor(r.Preceding, r.Amount)
	if err != nil {
		return nil, err
	}
	if r.Count < 0 || r.Sequence < 0 || r.Sequence > r.Count || (r.Count > 0) != (r.Sequence > 0) || r.Count > 99 {
		return nil, jit.Errorf(jit.EINVALID, "multi-clearing sequence %d of %d is not valid", r.Sequence, r.Count)
	}
	final := r.Count == 0 || r.Sequence == r.Count
	t := e.followUp(c, jit.TypeAuthorizationClearing, jit.StateCompletion, jit.MethodAuthorizationClearing,
		jit.MustMinor(amt, c.cur), jit.MustMinor(amt, c.cur))
	t.GPA.ImpactedAmount = jit.Ptr(jit.MustMinor(-amt, c.cur))
	c.cleared += amt
	if r.Count > 0 {
		t.MultiClearingSequenceNumber = fmt.Sprintf("%02d", r.Sequence)
		t.MultiClearingSequenceCount = fmt.Sprintf("%02d", r.Count)
		t.IsFinalClearing = jit.Bool(final)
	}
	if final {
		t.AmountToBeReleased = jit.Ptr(jit.MustMinor(max(c.open-amt, 0), c.cur))
		c.open, c.closed = 0, true
	} else {
		c.open = max(c.open-amt, 0)
	}
	return e.record(t), nil
}

func (e *Engine) forcePost(r ClearRequest) (*jit.Transaction, error) {
	p, err := e.resolve(r.CardToken)
	if err != nil {
		return nil, err
	}
	cur := firstNonEmpty(r.Currency, jit.DefaultCurrency)
	amt, err := positive(r.Amount, cur)
	if err != nil {
		return nil, err
	}
	a := jit.MustMinor(amt, cur)
	t := e.base(p, jit.TypeAuthorizationClearing, e.tok.uuid(), a, cur)
	t.State = jit.StateCompletion
	t.CardAcceptor = cardAcceptor(r.Merchant)
	t.Response = &jit.Response{Code: jit.ResponseCodeApproved, Memo: jit.ResponseMemoApproved}
	t.GPA = zeroBalance(cur, jit.Ptr(jit.MustMinor(-amt, cur)))
	t.GPAOrder = e.fundingOrder(p, t.Token, a, cur, e.jitFunding(p, jit.MethodForceCapture, a))
	t.GPAOrder.State, t.GPAOrder.Response = jit.StateCompletion, t.Response
	return e.record(t), nil
}

// Reverse releases amount of an authorization: a full reversal (state
// CLEARED) when it covers what is still held, else a partial one (PENDING).
// A reversal after the final clearing is refused with EINVALID, as the
// network would not send one.
func (e *Engine) Reverse(ctx context.Context, preceding string, amount jit.Amount) (*jit.Transaction, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	c, amt, err := e.openChainFor(preceding, amount)
	if err != nil {
		return nil, err
	}
	amt, state := reversal(amt, c.open)
	a := jit.MustMinor(amt, c.cur)
	t := e.followUp(c, jit.TypeAuthorizationReversal, state, jit.MethodAuthorizationReversal, a, a)
	c.open -= amt
	if state == jit.StateCleared {
		c.closed = true
	}
	return e.record(t), nil
}

// Expire ends an authorization that was never cleared
// (authorization.reversal.issuerexpiration), releasing what is held.
func (e *Engine) Expire(ctx context.Context, preceding string) (*jit.Transaction, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	c, err := e.openChain(preceding)
	if err != nil {
		return nil, err
	}
	a := jit.MustMinor(c.open, c.cur)
	t := e.followUp(c, jit.TypeAuthorizationReversalIssuerexpiration, jit.StateCleared, jit.MethodAuthorizationReversal, a, a)
	c.open, c.closed = 0, true
	return e.record(t), nil
}

// openChain is chainOf for events that need the authorization still open.
func (e *Engine) openChain(preceding string) (*chain, error) {
	c, err := e.chainOf(preceding)
	if err == nil && c.closed {
		err = jit.Errorf(jit.EINVALID, "authorization %s is already closed (cleared, reversed or expired)", preceding)
	}
	return c, err
}

// openChainFor is openChain and the amount of an event on it, which must be
// positive (EINVALID). e.mu held.
func (e *Engine) openChainFor(preceding string, amount jit.Amount) (*chain, int64, error) {
	c, err := e.openChain(preceding)
	if err != nil {
		return nil, 0, err
	}
	amt, err := positive(amount, c.cur)
	return c, amt, err
}

// Transaction returns a transaction as the webhook carried it.
func (e *Engine) Transaction(tok string) (*jit.Transaction, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if t, ok := e.txns.get(tok); ok {
		return cloneTxn(t), nil
	}
	return nil, jit.Errorf(jit.ENOTFOUND, "transaction %s not found", tok)
}

// Transactions lists transactions of a user or a card (either may be empty)
// in the order they happened.
func (e *Engine) Transactions(userToken, cardToken string) []*jit.Transaction {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []*jit.Transaction
	for _, t := range e.txns.list(func(t *jit.Transaction) bool {
		return (userToken == "" || t.UserToken == userToken) && (cardToken == "" || t.CardToken == cardToken)
	}) {
		out = append(out, cloneTxn(t))
	}
	return out
}
