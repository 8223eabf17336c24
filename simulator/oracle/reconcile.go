package oracle

import (
	"context"
	"fmt"
	"sync"

	"github.com/jitsim/jitsim/adapter"
	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator"
)

// Reader reads an account's balances from the gateway under test.
// Balance returns an error with code jit.ENOTFOUND when the gateway has no
// such account; Reconcile reads that as all zero.
type Reader interface {
	Balance(ctx context.Context, k Key) (Balance, error)
}

// Hold is a hold as the gateway reports it.
type Hold struct {
	JITToken         string `json:"jit_token"`
	TransactionToken string `json:"transaction_token,omitempty"`
	Amount           int64  `json:"amount"`
	Open             bool   `json:"open"`
}

// HoldReader is a Reader that can also list an account's holds. Holds
// returns (nil, nil) when the gateway does not report holds.
type HoldReader interface {
	Reader
	Holds(ctx context.Context, k Key) ([]Hold, error)
}

// Drift is an account whose balances differ from the oracle's, with every
// message that touched it.
type Drift struct {
	Key
	Expected Balance `json:"expected"`
	Actual   Balance `json:"actual"`
	History  []Entry `json:"history"`
}

// Report is the verdict of a reconciliation.
type Report struct {
	AccountsChecked int         `json:"accounts_checked"`
	Drift           []Drift     `json:"drift_accounts"`
	Violations      []Violation `json:"violations"`
}

// OK reports whether nothing drifted and no invariant broke.
func (r Report) OK() bool { return len(r.Drift) == 0 && len(r.Violations) == 0 }

// Reconcile reads every account the oracle knows through r, in Keys order,
// and lists each one whose balances differ from Expected, with its
// history. When r is a HoldReader it also reports, as violations, non-zero
// holds the gateway keeps open that the oracle has closed or never opened,
// and open holds whose amount differs. The report's violations start with Check's.
// It fails only when r does (other than jit.ENOTFOUND) or ctx ends,
// returning the report so far with the error.
func (o *Oracle) Reconcile(ctx context.Context, r Reader) (Report, error) {
	rep := Report{Drift: []Drift{}, Violations: o.Check()}
	o.mu.Lock()
	open := o.openHolds()
	o.mu.Unlock()
	hr, _ := r.(HoldReader)
	for _, k := range o.Keys() {
		if err := ctx.Err(); err != nil {
			return rep, fmt.Errorf("reconcile: %w", err)
		}
		got, err := r.Balance(ctx, k)
		if err != nil && jit.ErrorCode(err) != jit.ENOTFOUND {
			return rep, fmt.Errorf("reconcile %s %s: %w", k.Account, k.Currency, err)
		}
		rep.AccountsChecked++
		if want := o.Expected(k); got != want {
			rep.Drift = append(rep.Drift, Drift{Key: k, Expected: want, Actual: got, History: o.History(k)})
		}
		if hr == nil || err != nil {
			continue
		}
		holds, err := hr.Holds(ctx, k)
		if err != nil {
			return rep, fmt.Errorf("reconcile holds of %s %s: %w", k.Account, k.Currency, err)
		}
		rep.Violations = append(rep.Violations, compareHolds(k, holds, open[k])...)
	}
	return rep, nil
}

// compareHolds checks the gateway's open holds against the oracle's.
func compareHolds(k Key, holds []Hold, want map[string]int64) []Violation {
	var out []Violation
	for _, h := range holds {
		if !h.Open || h.Amount == 0 {
			continue // an open hold of nothing moves no money
		}
		amt, ok := want[h.TransactionToken]
		if !ok {
			amt, ok = want[h.JITToken]
		}
		tok := h.TransactionToken
		if tok == "" {
			tok = h.JITToken
		}
		switch {
		case !ok:
			out = append(out, Violation{Kind: ViolationFinalHold, Key: k, Token: tok,
				Detail: fmt.Sprintf("gateway holds %d for an authorization the oracle has closed or never opened", h.Amount)})
		case amt != h.Amount:
			out = append(out, Violation{Kind: ViolationHoldAmount, Key: k, Token: tok,
				Detail: fmt.Sprintf("gateway holds %d, oracle %d", h.Amount, amt)})
		}
	}
	return out
}

// AdapterReader reads balances, and holds when the gateway's adapter serves
// Account.holds, through the GraphQL adapter of design.md §4. Its errors are
// adapter.Client's.
func AdapterReader(c *adapter.Client) Reader { return &adapterReader{c: c} }

type adapterReader struct {
	c     *adapter.Client
	once  sync.Once
	holds bool
	err   error
}

func (a *adapterReader) Balance(ctx context.Context, k Key) (Balance, error) {
	acct, err := a.c.Account(ctx, k.Account, k.Currency)
	if err != nil {
		return Balance{}, fmt.Errorf("read account: %w", err)
	}
	return Balance{Available: acct.Available, Ledger: acct.Ledger, Pending: acct.Pending}, nil
}

func (a *adapterReader) Holds(ctx context.Context, k Key) ([]Hold, error) {
	a.once.Do(func() { a.holds, a.err = a.c.HasHolds(ctx) })
	if a.err != nil {
		return nil, fmt.Errorf("probe holds: %w", a.err)
	}
	if !a.holds {
		return nil, nil
	}
	acct, err := a.c.AccountWithHolds(ctx, k.Account, k.Currency)
	if err != nil {
		return nil, fmt.Errorf("read holds: %w", err)
	}
	out := make([]Hold, 0, len(acct.Holds))
	for _, h := range acct.Holds {
		out = append(out, Hold{JITToken: h.JITToken, TransactionToken: h.TransactionToken, Amount: h.Amount, Open: h.State == adapter.HoldOpen})
	}
	return out, nil
}

// InquiryReader reads balances in black-box mode: a pgfs.balanceinquiry
// through e on a card of the account (cardOf names one; false when the
// account has none), read from the gateway's answer as the transaction's
// gateway_log carries it (jit_funding.balances[currency]): Available is
// available_balance, Ledger ledger_balance, Pending their difference.
// Balance fails with code jit.ENOTFOUND when cardOf has no card, with the
// engine's error when the inquiry cannot be made, and with code
// jit.EINVALID when the answer carries no balance in k's currency (a
// timeout, a stand-in, a gateway that does not answer inquiries). The
// inquiries are themselves transactions: observing them moves nothing.
func InquiryReader(e *simulator.Engine, cardOf func(Key) (string, bool)) Reader {
	return &inquiryReader{e: e, cardOf: cardOf}
}

type inquiryReader struct {
	e      *simulator.Engine
	cardOf func(Key) (string, bool)
}

func (q *inquiryReader) Balance(ctx context.Context, k Key) (Balance, error) {
	card, ok := q.cardOf(k)
	if !ok {
		return Balance{}, jit.Errorf(jit.ENOTFOUND, "no card for account %s", k.Account)
	}
	t, err := q.e.BalanceInquiry(ctx, simulator.AuthRequest{CardToken: card, Currency: k.Currency})
	if err != nil {
		return Balance{}, fmt.Errorf("balance inquiry: %w", err)
	}
	gl := t.GatewayLogOf()
	if gl == nil || gl.Response == nil || gl.Response.Data == nil {
		return Balance{}, jit.Errorf(jit.EINVALID, "balance inquiry on card %s: no gateway answer (%s)", card, t.State)
	}
	cb, ok := gl.Response.Data.JITFunding.Balances[k.Currency]
	if !ok {
		return Balance{}, jit.Errorf(jit.EINVALID, "balance inquiry on card %s: the answer has no %s balance", card, k.Currency)
	}
	avail, err1 := cb.AvailableBalance.Minor(k.Currency)
	ledger, err2 := cb.LedgerBalance.Minor(k.Currency)
	if err1 != nil || err2 != nil {
		return Balance{}, jit.Errorf(jit.EINVALID, "balance inquiry on card %s: balances are not exact %s amounts", card, k.Currency)
	}
	return Balance{Available: avail, Ledger: ledger, Pending: ledger - avail}, nil
}
