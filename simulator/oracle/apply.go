package oracle

import (
	"fmt"
	"strconv"
	"time"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator"
)

// class is what a transaction type does to the ledger.
type class uint8

const (
	classNone class = iota
	classAuth
	classIncr
	classAdvice
	classClear
	classReverse
	classExpire
	classDebit
	classCredit
)

var classes = map[string]class{
	jit.TypeAuthorization:                                 classAuth,
	jit.TypeAuthorizationATMWithdrawal:                    classAuth,
	jit.TypeAuthorizationCashback:                         classAuth,
	jit.TypeAuthorizationQuasiCash:                        classAuth,
	jit.TypeAuthorizationStandin:                          classAuth,
	jit.TypePindebitAuthorization:                         classAuth,
	jit.TypeAuthorizationIncremental:                      classIncr,
	jit.TypeAuthorizationAdvice:                           classAdvice,
	jit.TypeAuthorizationClearing:                         classClear,
	jit.TypeAuthorizationClearingATMWithdrawal:            classClear,
	jit.TypeAuthorizationClearingCashback:                 classClear,
	jit.TypeAuthorizationClearingQuasiCash:                classClear,
	jit.TypePindebitAuthorizationClearing:                 classClear,
	jit.TypeAuthorizationReversal:                         classReverse,
	jit.TypePindebitAuthorizationReversal:                 classReverse,
	jit.TypeAuthorizationReversalIssuerexpiration:         classExpire,
	jit.TypePindebitAuthorizationReversalIssuerexpiration: classExpire,
	jit.TypePindebit:                                      classDebit,
	jit.TypePindebitATMWithdrawal:                         classDebit,
	jit.TypePindebitCashback:                              classDebit,
	jit.TypePindebitQuasiCash:                             classDebit,
	jit.TypePindebitQuasicash:                             classDebit,
	jit.TypeRefund:                                        classCredit,
	jit.TypeRefundAuthorizationClearing:                   classCredit,
	jit.TypePindebitRefund:                                classCredit,
	jit.TypePindebitReversal:                              classCredit,
}

// decisionMethods are the JIT methods whose approval commits funds.
var decisionMethods = map[string]bool{
	jit.MethodAuthorization:            true,
	jit.MethodAuthorizationIncremental: true,
	jit.MethodAuthPlusCapture:          true,
	jit.MethodPindebit:                 true,
	jit.MethodPindebitATMWithdrawal:    true,
	jit.MethodATMWithdrawal:            true,
}

// followUp is a follow-up's effect on its authorization's hold.
type followUp struct {
	class  class
	amount int64
	final  bool // a final clearing, or a full reversal
}

func effect(what string, delta int64) string {
	if delta >= 0 {
		return fmt.Sprintf("%s +%d", what, delta)
	}
	return fmt.Sprintf("%s %d", what, delta)
}

// observeJIT records a JIT exchange and checks that an approval the gateway
// gave did not exceed what was available. o.mu held.
func (o *Oracle) observeJIT(at time.Time, req *jit.Transaction, out *simulator.Outcome) {
	k := keyOf(req)
	jf := req.JITFundingOf()
	e := Entry{At: at, Kind: "jit", Type: req.Type, State: req.State, Token: req.Token, Preceding: req.PrecedingRelatedTransactionToken,
		Amount: out.Amount, Effect: "none", Outcome: out.Kind}
	if out.StandIn != "" {
		e.Outcome = "standin:" + out.StandIn
	}
	if jf != nil {
		e.Method, e.JITToken = jf.Method, jf.Token
	}
	o.record(k, e)
	if jf == nil || !decisionMethods[jf.Method] || !out.Approved || out.StandIn != "" || out.Kind == simulator.OutcomeCommando {
		return
	}
	d := digestOf("jit:" + jf.Token)
	if _, dup := o.seen[d]; dup {
		return // the same JIT message resent: checked once
	}
	o.seen[d] = struct{}{} // forgotten when the transaction's webhook arrives
	a := o.acct(k)
	avail := a.ledger - a.pending
	if o.opts.LaggedWebhooks {
		avail += a.forced
	}
	if out.Amount > avail {
		o.violate(Violation{Kind: ViolationOverApproval, Key: k, Token: req.Token, At: at,
			Detail: fmt.Sprintf("%s approved %d with %d available", jf.Method, out.Amount, avail)})
	}
}

// observeWebhook books a finished transaction. o.mu held.
func (o *Oracle) observeWebhook(at time.Time, t *jit.Transaction) {
	k := keyOf(t)
	jf := t.JITFundingOf()
	e := Entry{At: at, Kind: "webhook", Type: t.Type, State: t.State, Token: t.Token, Preceding: t.PrecedingRelatedTransactionToken, Effect: "none"}
	if jf != nil {
		e.Method, e.JITToken = jf.Method, jf.Token
	}
	if t.StandinApprovedBy != "" {
		e.Outcome = "standin:" + t.StandinApprovedBy
	} else if gl := t.GatewayLogOf(); gl != nil && gl.TimedOut != nil && *gl.TimedOut {
		e.Outcome = simulator.OutcomeTimeout
	}
	defer func() { o.record(k, e) }()
	if t.Token != "" {
		d := digestOf(t.Token)
		if _, dup := o.seen[d]; dup {
			e.Effect = "duplicate"
			return
		}
		o.markSeen(d)
	}
	if jf != nil {
		delete(o.seen, digestOf("jit:"+jf.Token)) // no resend of the request can follow its webhook
	}
	amt, err := t.Amount.Minor(k.Currency)
	if err != nil || amt < 0 {
		o.violate(Violation{Kind: ViolationBadMessage, Key: k, Token: t.Token, At: at, Detail: fmt.Sprintf("%s amount %s is not a %s amount", t.Type, t.Amount, k.Currency)})
		return
	}
	e.Amount = amt
	if t.State == jit.StateDeclined || t.State == jit.StateError {
		return // declined, timed out, errored: nothing, whatever the gateway answered
	}
	a := o.acct(k)
	cl := classes[t.Type]
	switch cl {
	case classAuth:
		if amt == 0 || (jf != nil && jf.Method == jit.MethodAuthorizationAccountVerification) {
			return
		}
		c := o.chainFor(k, t.Token)
		if jf != nil && jf.Token != "" {
			o.alias(c, jf.Token)
		}
		if c.authSeen {
			return // a second authorization webhook under a known token
		}
		c.authSeen = true
		o.setHold(c, amt)
		if t.StandinApprovedBy != "" {
			a.forced += amt
		}
		for _, f := range c.buffered {
			o.applyHold(c, f)
		}
		c.buffered = nil
		e.Effect = effect("hold", amt)
		o.closeIfDone(c)
	case classDebit:
		o.debit(a, amt, t.StandinApprovedBy != "")
		e.Effect = effect("ledger", -amt)
	case classCredit:
		a.ledger += amt
		a.credited += amt
		o.totalCredited += amt
		e.Effect = effect("ledger", amt)
	case classClear:
		if t.PrecedingRelatedTransactionToken == "" {
			o.debit(a, amt, true) // force post
			e.Effect = effect("ledger", -amt) + " (force post)"
			return
		}
		e.Effect = effect("ledger", -amt)
		o.follow(k, t, followUp{class: classClear, amount: amt, final: finalClearing(t)}, &e, func(held int64) {
			o.debit(a, amt, false)
			if amt > held {
				a.forced += amt - held
			}
		})
	case classIncr, classAdvice, classReverse, classExpire:
		if cl == classIncr && t.StandinApprovedBy != "" {
			a.forced += amt
		}
		o.follow(k, t, followUp{class: cl, amount: amt, final: cl == classExpire || cl == classReverse && t.State == jit.StateCleared}, &e, nil)
	}
}

// debit books a debit; forced marks one the gateway learns of only by
// webhook. o.mu held.
func (o *Oracle) debit(a *account, amt int64, forced bool) {
	a.ledger -= amt
	a.debited += amt
	o.totalDebited += amt
	if forced {
		a.forced += amt
	}
}

// follow applies a follow-up to its chain: at once when the authorization
// was seen, else kept for when it arrives. ledger, when set, books the
// follow-up's ledger effect given what was held before it. o.mu held.
func (o *Oracle) follow(k Key, t *jit.Transaction, f followUp, e *Entry, ledger func(held int64)) {
	ref := t.PrecedingRelatedTransactionToken
	c := o.chains[ref]
	if c == nil {
		if jf := t.JITFundingOf(); jf != nil && jf.OriginalJITFundingToken != "" {
			c = o.chains[jf.OriginalJITFundingToken]
		}
	}
	if c == nil && ref != "" {
		if _, known := o.seen[digestOf(ref)]; known {
			// The authorization was seen and its chain is closed (or it
			// held nothing): only the ledger effect remains.
			if ledger != nil {
				ledger(0)
			}
			if e.Effect == "none" {
				e.Effect = "none (authorization closed)"
			}
			return
		}
		c = o.chainFor(k, ref)
	}
	if c == nil {
		if ledger != nil {
			ledger(0)
		}
		return
	}
	held := c.hold
	if ledger != nil {
		ledger(held)
	}
	if !c.authSeen {
		c.buffered = append(c.buffered, f)
		e.Effect += " (hold effect kept until its authorization is observed)"
		return
	}
	before := c.hold
	o.applyHold(c, f)
	if d := c.hold - before; d != 0 {
		if e.Effect == "none" {
			e.Effect = effect("hold", d)
		} else {
			e.Effect += ", " + effect("hold", d)
		}
	}
	o.closeIfDone(c)
}

// applyHold changes a chain's hold per design §3. o.mu held.
func (o *Oracle) applyHold(c *chain, f followUp) {
	switch f.class {
	case classIncr:
		o.setHold(c, c.hold+f.amount)
	case classAdvice:
		o.setHold(c, f.amount)
	case classClear:
		if f.final && !o.opts.KeepRemainder {
			o.setHold(c, 0)
			c.final = true
			return
		}
		o.setHold(c, c.hold-min(f.amount, c.hold))
		c.final = c.final || f.final
	case classReverse, classExpire:
		if f.final {
			o.setHold(c, 0)
			c.final = true
			return
		}
		o.setHold(c, c.hold-min(f.amount, c.hold))
	}
}

// closeIfDone drops a chain that nothing can change any more: final and
// holding nothing. Under KeepRemainder a final clearing's remainder keeps
// the chain until it expires. o.mu held.
func (o *Oracle) closeIfDone(c *chain) {
	if !c.authSeen || !c.final || c.hold != 0 {
		return
	}
	for _, k := range c.keys {
		delete(o.chains, k)
	}
}

// setHold sets a chain's hold and the account's pending. o.mu held.
func (o *Oracle) setHold(c *chain, h int64) {
	o.acct(c.key).pending += h - c.hold
	c.hold = h
}

// chainFor returns the chain under token, creating it for k. o.mu held.
func (o *Oracle) chainFor(k Key, token string) *chain {
	if c, ok := o.chains[token]; ok {
		return c
	}
	c := &chain{key: k}
	o.alias(c, token)
	return c
}

// alias files c under one more token. o.mu held.
func (o *Oracle) alias(c *chain, token string) {
	if prev, ok := o.chains[token]; ok && prev != c {
		// Follow-ups kept under the JIT token join the chain.
		c.buffered = append(c.buffered, prev.buffered...)
	}
	o.chains[token] = c
	c.keys = append(c.keys, token)
}

// finalClearing reports whether a clearing closes its authorization: every
// clearing but a multi-clearing that says it is not the last.
func finalClearing(t *jit.Transaction) bool {
	if t.IsFinalClearing != nil {
		return *t.IsFinalClearing
	}
	n, err1 := strconv.Atoi(t.MultiClearingSequenceNumber)
	c, err2 := strconv.Atoi(t.MultiClearingSequenceCount)
	return err1 != nil || err2 != nil || n >= c
}
