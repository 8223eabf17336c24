package traffic

import (
	"context"
	"fmt"
	"time"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator"
)

// Op is what one step asks of the engine.
type Op uint8

// Steps' operations.
const (
	OpAuthorize      Op = iota + 1 // Engine.Authorize (opens the flow's authorization)
	OpIncremental                  // Engine.Incremental on the flow's authorization
	OpAdvice                       // Engine.Advice: the hold lowered to Amount
	OpClear                        // Engine.Clear of the flow's authorization (Sequence of Count)
	OpReverse                      // Engine.Reverse of Amount, or of what is open
	OpExpire                       // Engine.Expire of the flow's authorization
	OpRefund                       // Engine.Refund linked to the flow's clearing
	OpUnlinkedRefund               // Engine.Refund with no earlier transaction
	OpPINDebit                     // Engine.PINDebit (also ATM withdrawals)
	OpBalanceInquiry               // Engine.BalanceInquiry
	OpForcePost                    // Engine.Clear with no authorization
)

var opNames = [...]string{"", "authorize", "incremental", "advice", "clear", "reverse", "expire", "refund", "unlinked_refund", "pin_debit", "balance_inquiry", "force_post"}

// String returns the op's name.
func (o Op) String() string {
	if int(o) < len(opNames) && o > 0 {
		return opNames[o]
	}
	return fmt.Sprintf("op(%d)", o)
}

// JIT reports whether the op sends a JIT request the gateway decides
// (authorization, incremental, PIN debit, balance inquiry); the others are
// informative webhooks the network forces.
func (o Op) JIT() bool {
	switch o {
	case OpAuthorize, OpIncremental, OpPINDebit, OpBalanceInquiry:
		return true
	}
	return false
}

// Step is one network event of a flow.
type Step struct {
	// After is the step's virtual-time offset from the flow's start.
	After time.Duration
	Op    Op
	// Amount in minor units (for an advice, the new total).
	Amount int64
	// Sequence and Count make a multi-clearing.
	Sequence, Count int
	Preauth         bool
	CardPresent     bool
	// Open takes the amount the authorization still holds at execution
	// time (a clearing of a hotel's total, a full reversal).
	Open bool
}

// Flow is one scenario instance on one cardholder.
type Flow struct {
	ID       int64
	Scenario string
	Holder   int // index in Generator.Holders
	Currency string
	// Start is the flow's virtual-time offset from the run's start.
	Start    time.Duration
	Merchant simulator.Merchant
	Steps    []Step

	auth     string // the authorization's transaction token
	approved bool   // the network approved it
	closed   bool   // cleared (final), fully reversed or expired
	clearing string // the last clearing's token
}

func (f *Flow) add(s Step) { f.Steps = append(f.Steps, s) }

// Exec runs step i of f on e with card as the cardholder's card, and returns
// the transaction as the webhook carries it. It returns (nil, nil) for a
// step the network would not send: a follow-up of an authorization that was
// declined or is already closed, or a refund of a clearing that never
// happened. Steps must run in order. Errors are the engine's, wrapped with
// the step.
func (f *Flow) Exec(ctx context.Context, e *simulator.Engine, card string, i int) (*jit.Transaction, error) {
	if i < 0 || i >= len(f.Steps) {
		return nil, jit.Errorf(jit.EINVALID, "flow %d has no step %d", f.ID, i)
	}
	s := f.Steps[i]
	if f.Skips(i) {
		return nil, nil
	}
	t, err := f.exec(ctx, e, card, s)
	if err != nil {
		return nil, fmt.Errorf("flow %d (%s) step %d %s: %w", f.ID, f.Scenario, i, s.Op, err)
	}
	return t, nil
}

// Skips reports whether step i will not be sent, as far as the flow knows
// before asking the engine: a follow-up of an authorization that was
// declined or is closed, or a refund of a clearing that never happened.
// (Exec may still skip a clearing or reversal that finds nothing open.)
func (f *Flow) Skips(i int) bool {
	if i < 0 || i >= len(f.Steps) {
		return true
	}
	switch f.Steps[i].Op {
	case OpAuthorize, OpPINDebit, OpBalanceInquiry, OpUnlinkedRefund, OpForcePost:
		return false
	case OpRefund:
		return f.clearing == ""
	}
	return !f.approved || f.closed
}

func (f *Flow) exec(ctx context.Context, e *simulator.Engine, card string, s Step) (*jit.Transaction, error) {
	amount := func(m int64) jit.Amount { return jit.MustMinor(m, f.Currency) }
	auth := simulator.AuthRequest{CardToken: card, Amount: amount(s.Amount), Currency: f.Currency,
		Merchant: f.Merchant, Preauth: s.Preauth, CardPresent: s.CardPresent}
	switch s.Op {
	case OpAuthorize:
		t, err := e.Authorize(ctx, auth)
		if err == nil {
			f.auth, f.approved = t.Token, t.State != jit.StateDeclined
		}
		return t, err
	case OpPINDebit:
		return e.PINDebit(ctx, auth)
	case OpBalanceInquiry:
		return e.BalanceInquiry(ctx, auth)
	case OpUnlinkedRefund:
		return e.Refund(ctx, simulator.RefundRequest{CardToken: card, Amount: amount(s.Amount), Currency: f.Currency, Merchant: f.Merchant})
	case OpForcePost:
		return e.Clear(ctx, simulator.ClearRequest{CardToken: card, Amount: amount(s.Amount), Currency: f.Currency, Merchant: f.Merchant})
	case OpRefund:
		return e.Refund(ctx, simulator.RefundRequest{Preceding: f.clearing, Amount: amount(s.Amount), Currency: f.Currency})
	}
	// Follow-ups of the authorization (Skips checked it is open).
	open := s.Amount
	if s.Open || s.Op == OpAdvice {
		o, err := e.OpenAmount(f.auth)
		if err != nil {
			return nil, err
		}
		if open, err = o.Minor(f.Currency); err != nil {
			return nil, err
		}
		if s.Op == OpAdvice {
			open = min(s.Amount, open) // never above what is held
		}
	}
	switch s.Op {
	case OpIncremental:
		return e.Incremental(ctx, f.auth, amount(s.Amount))
	case OpAdvice:
		return e.Advice(ctx, f.auth, amount(open))
	case OpClear:
		if open <= 0 {
			return nil, nil // nothing left to clear
		}
		t, err := e.Clear(ctx, simulator.ClearRequest{Preceding: f.auth, Amount: amount(open), Currency: f.Currency, Sequence: s.Sequence, Count: s.Count})
		if err == nil {
			f.clearing = t.Token
			f.closed = s.Count == 0 || s.Sequence == s.Count
		}
		return t, err
	case OpReverse:
		if open <= 0 {
			return nil, nil
		}
		t, err := e.Reverse(ctx, f.auth, amount(open))
		if err == nil && t.State == jit.StateCleared {
			f.closed = true
		}
		return t, err
	case OpExpire:
		t, err := e.Expire(ctx, f.auth)
		if err == nil {
			f.closed = true
		}
		return t, err
	}
	return nil, jit.Errorf(jit.EINVALID, "unknown op %s", s.Op)
}
