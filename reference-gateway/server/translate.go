package server

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/reference-gateway/ledger"
)

// The JIT methods that ask for a decision, and what they ask. Every other
// method in jit.Methods is informative: answered 200, booked from its webhook.
var decisionKinds = map[string]ledger.Kind{
	jit.MethodAuthorization:                    ledger.Authorize,
	jit.MethodAuthorizationCashback:            ledger.Authorize,
	jit.MethodAuthorizationQuasiCash:           ledger.Authorize,
	jit.MethodPindebitAuthorization:            ledger.Authorize,
	jit.MethodATMWithdrawal:                    ledger.Authorize,
	jit.MethodAuthorizationIncremental:         ledger.Increment,
	jit.MethodAuthPlusCapture:                  ledger.Capture,
	jit.MethodPindebit:                         ledger.Capture,
	jit.MethodPindebitATMWithdrawal:            ledger.Capture,
	jit.MethodPindebitCashback:                 ledger.Capture,
	jit.MethodPindebitQuasiCash:                ledger.Capture,
	jit.MethodBalanceinquiry:                   ledger.Inquiry,
	jit.MethodPindebitBalanceinquiry:           ledger.Inquiry,
	jit.MethodAuthorizationAccountVerification: ledger.Verify,
}

// The webhook transaction types that move money or holds. Every other type in
// jit.Types is acknowledged and ignored: gpa.* bookkeeping events, fees,
// pending refund authorizations, disputes handled out of band.
type eventClass uint8

const (
	classAuth eventClass = iota + 1
	classIncr
	classAdvice
	classClear
	classReverse
	classExpire
	classDebit
	classCredit
)

var eventClasses = map[string]eventClass{
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

var knownTypes = func() map[string]bool {
	m := make(map[string]bool, len(jit.Types))
	for _, t := range jit.Types {
		m[t] = true
	}
	return m
}()

// accountKey is the account a message is about: the business when there is
// one (business cards draw on the business's funds), else the user, in the
// transaction's currency. JIT requests and webhooks use the same rule.
func accountKey(t *jit.Transaction, jf *jit.JITFunding) ledger.Key {
	tok := ""
	if jf != nil {
		tok = firstNonEmpty(jf.BusinessToken, t.BusinessToken, jf.UserToken, t.UserToken)
	} else {
		tok = firstNonEmpty(t.BusinessToken, t.UserToken)
	}
	return ledger.Key{Token: tok, Currency: currencyOf(t)}
}

func currencyOf(t *jit.Transaction) string {
	switch {
	case t.CurrencyCode != "":
		return t.CurrencyCode
	case t.GPAOrder != nil && t.GPAOrder.CurrencyCode != "":
		return t.GPAOrder.CurrencyCode
	}
	return jit.DefaultCurrency
}

// messageDay is the calendar day of the message's own time, so that per-day
// limits follow the simulator's clock; the gateway's clock otherwise.
func messageDay(t *jit.Transaction, now time.Time) string {
	for _, s := range []string{t.UserTransactionTime, t.CreatedTime} {
		if len(s) >= 10 {
			if _, err := time.Parse("2006-01-02", s[:10]); err == nil {
				return s[:10]
			}
		}
	}
	return now.UTC().Format("2006-01-02")
}

// toRequest turns a funding request into a ledger decision. It returns an
// *jit.Error with code EINVALID when the amount cannot be booked in the
// message's currency; the caller declines those with INVALID_AMOUNT.
func toRequest(t *jit.Transaction, jf *jit.JITFunding, kind ledger.Kind, now time.Time) (ledger.Request, error) {
	k := accountKey(t, jf)
	amt, err := jf.Amount.Minor(k.Currency)
	if err != nil {
		return ledger.Request{}, err
	}
	r := ledger.Request{
		Kind:     kind,
		Account:  k,
		JITToken: jf.Token,
		TxnToken: t.Token,
		RootJIT:  jf.OriginalJITFundingToken,
		RefTxn:   t.PrecedingRelatedTransactionToken,
		Amount:   amt,
		Day:      messageDay(t, now),
	}
	if t.CardAcceptor != nil {
		r.MCC = t.CardAcceptor.MCC
	}
	if t.POS != nil && t.POS.PartialApprovalCapable != nil {
		r.Partial = *t.POS.PartialApprovalCapable
	}
	return r, nil
}

// toEvent interprets one webhook event. ok is false for events that do not
// touch the ledger. It returns an *jit.Error with code EINVALID for an event
// that cannot be booked: unknown type, no token, no account, a bad amount.
func toEvent(t *jit.Transaction) (e ledger.Event, ok bool, err error) {
	if !knownTypes[t.Type] {
		return e, false, jit.Errorf(jit.EINVALID, "unknown transaction type %q", clip(t.Type))
	}
	class := eventClasses[t.Type]
	if class == 0 {
		return e, false, nil
	}
	if t.Token == "" {
		return e, false, jit.Errorf(jit.EINVALID, "%s event without a token", t.Type)
	}
	jf := t.JITFundingOf()
	k := accountKey(t, jf)
	if k.Token == "" {
		return e, false, jit.Errorf(jit.EINVALID, "event %s names no user_token or business_token", clip(t.Token))
	}
	amount, err := t.Amount.Minor(k.Currency)
	if err != nil {
		return e, false, jit.Errorf(jit.EINVALID, "event %s: %w", clip(t.Token), err)
	}
	if amount < 0 {
		return e, false, jit.Errorf(jit.EINVALID, "event %s: negative amount", clip(t.Token))
	}
	e = ledger.Event{Account: k, Token: t.Token, RefTxn: t.PrecedingRelatedTransactionToken, Amount: amount}
	if jf != nil {
		e.JITToken, e.RootJIT = jf.Token, jf.OriginalJITFundingToken
	}
	// A timed-out JIT request declines the transaction unless the network
	// stood in for the gateway (standin_approved_by): then the webhook is
	// the approval, and the hold is booked from it.
	declined := t.State == jit.StateDeclined || t.State == jit.StateError
	if gl := t.GatewayLogOf(); gl != nil && gl.TimedOut != nil && *gl.TimedOut && t.StandinApprovedBy == "" {
		declined = true
	}
	movement := func(sign int64) (int64, error) {
		if t.GPA != nil && t.GPA.ImpactedAmount != nil {
			return t.GPA.ImpactedAmount.Minor(k.Currency)
		}
		return sign * amount, nil
	}
	switch class {
	case classAuth:
		if jf != nil && jf.Method == jit.MethodAuthorizationAccountVerification {
			return e, false, nil // a zero-amount check: nothing was held
		}
		e.Kind = pick(declined, ledger.AuthDeclined, ledger.AuthApproved)
	case classIncr:
		e.Kind = pick(declined, ledger.IncrDeclined, ledger.IncrApproved)
		if jf != nil {
			if e.Amount, err = jf.Amount.Minor(k.Currency); err != nil {
				return e, false, jit.Errorf(jit.EINVALID, "event %s: %w", clip(t.Token), err)
			}
		}
	case classDebit:
		e.Kind = pick(declined, ledger.DebitDeclined, ledger.DebitApproved)
	case classAdvice, classClear, classReverse, classExpire, classCredit:
		if declined {
			return e, false, nil // a declined follow-up moves nothing
		}
		switch class {
		case classAdvice:
			e.Kind = ledger.Advice
			e.Amount, err = releasedByAdvice(t, jf, k.Currency)
		case classClear:
			e.Kind, e.Final = ledger.Clear, finalClearing(t)
			e.Movement, err = movement(-1)
		case classReverse:
			e.Kind, e.Final = ledger.Reverse, t.State == jit.StateCleared
		case classExpire:
			e.Kind = ledger.Expire
		case classCredit:
			e.Kind = ledger.Post
			e.Movement, err = movement(+1)
		}
		if err != nil {
			return e, false, jit.Errorf(jit.EINVALID, "event %s: %w", clip(t.Token), err)
		}
	}
	if e.Amount < 0 {
		// An incremental's or an advice's amount is its jit_funding.amount.
		return e, false, jit.Errorf(jit.EINVALID, "event %s: negative amount", clip(t.Token))
	}
	return e, true, nil
}

// releasedByAdvice is the amount an advice releases: its jit_funding.amount
// (method pgfs.authorization.reversal), else amount_to_be_released.
func releasedByAdvice(t *jit.Transaction, jf *jit.JITFunding, cur string) (int64, error) {
	switch {
	case jf != nil:
		return jf.Amount.Minor(cur)
	case t.AmountToBeReleased != nil:
		return t.AmountToBeReleased.Minor(cur)
	}
	return 0, jit.Errorf(jit.EINVALID, "advice without jit_funding.amount or amount_to_be_released")
}

// finalClearing reports whether a clearing closes its authorization: every
// clearing does but a multi-clearing that says it is not the last.
func finalClearing(t *jit.Transaction) bool {
	if t.IsFinalClearing != nil {
		return *t.IsFinalClearing
	}
	n, err1 := strconv.Atoi(t.MultiClearingSequenceNumber)
	c, err2 := strconv.Atoi(t.MultiClearingSequenceCount)
	if err1 == nil && err2 == nil && n < c {
		return false
	}
	return true
}

func pick[T any](cond bool, a, b T) T {
	if cond {
		return a
	}
	return b
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// clip shortens s, a value from a request, for an error message, so that a
// hostile body is not echoed back whole.
func clip(s string) string {
	const n = 64
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}
