package simulator

import (
	"strconv"

	"github.com/jitsim/jitsim/jit"
)

// Merchant is the card acceptor of a network event.
type Merchant struct {
	MID, MCC, Name, Address, City, State, PostalCode, CountryCode string
}

// party is who a transaction is about: the card, its user and product, and
// the funding source that answers for it.
type party struct {
	card    Card
	user    User
	source  *FundingSource
	product string
}

// base builds the fields every transaction of the party shares.
func (e *Engine) base(p *party, typ, token string, amount jit.Amount, cur string) *jit.Transaction {
	now := e.now()
	return &jit.Transaction{
		Type:                typ,
		State:               jit.StatePending,
		Token:               token,
		UserToken:           p.user.Token,
		ActingUserToken:     p.user.Token,
		BusinessToken:       p.user.BusinessToken,
		CardToken:           p.card.Token,
		CardProductToken:    p.product,
		Amount:              amount,
		CurrencyCode:        cur,
		Network:             "VISA",
		Subnetwork:          "GATEWAY_JIT",
		CreatedTime:         now,
		UserTransactionTime: now,
		SettlementDate:      e.clock.Now().UTC().Format("2006-01-02") + "T00:00:00Z",
		IssuerReceivedTime:  now,
	}
}

// fundingOrder builds gpa_order (or gpa_order_unload) funding from the
// party's program gateway funding source.
func (e *Engine) fundingOrder(p *party, txn string, amount jit.Amount, cur string, jf *jit.JITFunding) *jit.GPAOrder {
	now := e.now()
	return &jit.GPAOrder{
		Token:            e.tok.uuid(),
		Amount:           amount,
		CreatedTime:      now,
		LastModifiedTime: now,
		TransactionToken: txn,
		State:            jit.StatePending,
		Funding: &jit.Funding{
			Amount: jit.Ptr(amount),
			Source: &jit.FundingSource{
				Type: "programgateway", Token: p.source.Token, Active: jit.Bool(true),
				IsDefaultAccount: jit.Bool(false), CreatedTime: p.source.CreatedTime, LastModifiedTime: p.source.LastModifiedTime,
			},
		},
		FundingSourceToken: p.source.Token,
		JITFunding:         jf,
		UserToken:          p.user.Token,
		BusinessToken:      p.user.BusinessToken,
		CurrencyCode:       cur,
	}
}

func (e *Engine) jitFunding(p *party, method string, amount jit.Amount) *jit.JITFunding {
	return &jit.JITFunding{
		Token:           e.tok.uuid(),
		Method:          method,
		UserToken:       p.user.Token,
		ActingUserToken: p.user.Token,
		BusinessToken:   p.user.BusinessToken,
		Amount:          amount,
	}
}

// positive returns a in minor units of cur, or EINVALID when it is not a
// positive amount representable in cur.
func positive(a jit.Amount, cur string) (int64, error) {
	minor, err := a.Minor(cur)
	if err != nil || minor <= 0 {
		return 0, jit.Errorf(jit.EINVALID, "amount must be a positive %s amount", cur)
	}
	return minor, nil
}

// lowered returns an advice's new total in minor units of cur, or EINVALID
// when it is not between 0 and what is open.
func lowered(total jit.Amount, cur string, open int64) (int64, error) {
	minor, err := total.Minor(cur)
	if err != nil || minor < 0 || minor > open {
		return 0, jit.Errorf(jit.EINVALID, "advice amount must be between 0 and the open %s", jit.MustMinor(open, cur))
	}
	return minor, nil
}

// reversal caps a reversal of amt at what is open and says its state:
// CLEARED when it releases all that is open, else PENDING (a partial
// reversal).
func reversal(amt, open int64) (int64, string) {
	if amt >= open {
		return open, jit.StateCleared
	}
	return amt, jit.StatePending
}

func cardAcceptor(m Merchant) *jit.CardAcceptor {
	return &jit.CardAcceptor{
		MID: m.MID, MCC: m.MCC, Name: m.Name, Address: m.Address, City: m.City, State: m.State,
		PostalCode: m.PostalCode, CountryCode: firstNonEmpty(m.CountryCode, "USA"),
	}
}

// zeroBalance is the gpa object of a JIT-funded card: Marqeta holds no
// balance, so everything is zero but the impacted amount.
func zeroBalance(cur string, impacted *jit.Amount) *jit.CardholderBalance {
	z := jit.MustMinor(0, cur)
	return &jit.CardholderBalance{
		CurrencyCode: cur, AvailableBalance: z, LedgerBalance: z, CreditBalance: z,
		PendingCredits: z, ImpactedAmount: impacted,
	}
}

// finish turns a JIT request into the transaction the webhook carries: the
// network's response, the approval code, the gateway log and the state.
func (e *Engine) finish(t *jit.Transaction, o *Outcome, cur string, approvedState string) {
	jf := t.JITFundingOf()
	code, memo := jit.ResponseCodeApproved, jit.ResponseMemoApproved
	switch {
	case o.Kind == OutcomePartial:
		code, memo = jit.ResponseCodePartialApproval, "Partial approval"
	case !o.Approved && o.Kind == OutcomeDeclined:
		code, memo = jit.ResponseCodeForDecline(o.DeclineReason)
	case !o.Approved:
		code, memo = jit.ResponseCodeNotSufficientFunds, jit.ResponseMemoNotSufficientFunds
	}
	if o.Approved {
		t.State = approvedState
		t.ApprovalCode = e.tok.digits(6)
		t.Amount = jit.MustMinor(o.Amount, cur)
		t.GPAOrder.Amount = t.Amount
		t.GPAOrder.State = jit.StateCleared
	} else {
		t.State = jit.StateDeclined
		t.GPAOrder.State = jit.StateDeclined
	}
	t.Response = &jit.Response{Code: code, Memo: memo}
	t.GPAOrder.Response = &jit.Response{Code: code, Memo: memo}
	if o.StandIn != "" {
		t.StandinApprovedBy, t.Subnetwork = o.StandIn, "MANAGED_JIT"
		t.StandinReason = o.Kind
	}
	if o.Kind == OutcomeCommando {
		return // the gateway was not called: no gateway log
	}
	gl := &jit.GatewayLog{
		OrderNumber:   t.GPAOrder.Token,
		TransactionID: jf.Token,
		Duration:      jit.Ptr(int64(0)),
		TimedOut:      jit.Bool(o.Kind == OutcomeTimeout),
	}
	switch {
	case o.Kind == OutcomeTimeout:
		gl.Message = o.Error
	case o.Kind == OutcomeConnectionError || o.Kind == OutcomeApplicationError:
		gl.Message = o.Error
		if o.Status != 0 {
			gl.Response = &jit.GatewayResponse{Code: strconv.Itoa(o.Status), Data: o.Echo}
		}
	case o.Status == 402:
		gl.Message = jit.GatewayMessageDeclined
		gl.Response = &jit.GatewayResponse{Code: "402", Data: o.Echo}
	default:
		gl.Message = jit.GatewayMessageApproved
		gl.Response = &jit.GatewayResponse{Code: "200", Data: o.Echo}
	}
	t.GPAOrder.Funding.GatewayLog = gl
	if o.Echo != nil {
		t.GPAOrder.Memo, t.GPAOrder.Tags = o.Echo.JITFunding.Memo, o.Echo.JITFunding.Tags
	}
}
