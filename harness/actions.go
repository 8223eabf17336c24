package harness

import (
	"context"
	"fmt"
	"time"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator"
)

// Purchase describes a card event at a merchant.
type Purchase struct {
	Holder string // cardholder name, "" for the first
	Amount string // "$42.17"
	MCC    string // merchant category code, 5411 (grocery) when empty
	// Merchant is the card acceptor's name.
	Merchant string
	// Preauth marks a pre-authorization (fuel pumps, hotels); Partial a
	// partial-approval capable point of sale; CardPresent a chip read.
	Preauth, Partial, CardPresent bool
	// Label names the event for later steps ("authorization" when empty).
	Label string
}

// Labels under which events are kept when the caller gives none.
const (
	LabelAuthorization = "authorization"
	LabelClearing      = "clearing"
)

func (w *World) record(label string, ev *Event) *Event {
	w.events[label] = ev
	w.last = ev
	return ev
}

// Ref returns the event kept under label ("" is the authorization). It
// returns a *jit.Error with code EINVALID when there is none.
func (w *World) Ref(label string) (*Event, error) {
	if label == "" {
		label = LabelAuthorization
	}
	ev, ok := w.events[label]
	if !ok {
		return nil, jit.Errorf(jit.EINVALID, "no %s in this scenario yet", label)
	}
	return ev, nil
}

func (w *World) outcomeOf(tok string) *simulator.Outcome {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.outcomes[tok]
}

func (p Purchase) request(h *Cardholder) (simulator.AuthRequest, error) {
	r := simulator.AuthRequest{CardToken: h.CardToken, Currency: h.Currency, Partial: p.Partial, Preauth: p.Preauth, CardPresent: p.CardPresent,
		Merchant: simulator.Merchant{MCC: firstNonEmpty(p.MCC, "5411"), Name: firstNonEmpty(p.Merchant, "Corner Grocer")}}
	if p.Amount != "" {
		m, err := parseMinor(p.Amount, h.Currency)
		if err != nil {
			return r, err
		}
		if m < 0 {
			return r, jit.Errorf(jit.EINVALID, "amount %q is negative", p.Amount)
		}
		r.Amount = jit.MustMinor(m, h.Currency)
	}
	return r, nil
}

type authFlow func(context.Context, simulator.AuthRequest) (*jit.Transaction, error)

func (w *World) ask(ctx context.Context, action string, p Purchase, flow authFlow) (*Event, error) {
	h, err := w.Cardholder(p.Holder)
	if err != nil {
		return nil, err
	}
	r, err := p.request(h)
	if err != nil {
		return nil, err
	}
	t, err := flow(ctx, r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", action, err)
	}
	ev := w.record(firstNonEmpty(p.Label, action), &Event{Action: action, Txn: t, Outcome: w.outcomeOf(t.Token), Holder: h})
	return ev, w.awaitLate(ctx, ev)
}

// awaitLate waits, after a JIT request Marqeta gave up on while the proxy
// delays the gateway, until the gateway's late answer is in, so that what
// follows happens after it.
func (w *World) awaitLate(ctx context.Context, ev *Event) error {
	if w.proxy == nil || ev.Outcome == nil || ev.Outcome.Kind != simulator.OutcomeTimeout {
		return nil
	}
	w.proxy.mu.Lock()
	m := w.proxy.mode
	w.proxy.mu.Unlock()
	if m != GatewaySlow && m != GatewayLateAnswer {
		return nil
	}
	return w.WaitLate(ctx, 1)
}

// Authorize runs a dual-message authorization (pgfs.authorization). A
// decline is an Event, not an error.
func (w *World) Authorize(ctx context.Context, p Purchase) (*Event, error) {
	return w.ask(ctx, LabelAuthorization, p, w.engine.Authorize)
}

// VerifyAccount runs a zero-amount account verification.
func (w *World) VerifyAccount(ctx context.Context, p Purchase) (*Event, error) {
	p.Amount = ""
	return w.ask(ctx, "account verification", p, w.engine.VerifyAccount)
}

// BalanceInquiry asks the gateway for the balance (pgfs.balanceinquiry).
func (w *World) BalanceInquiry(ctx context.Context, holder string) (*Event, error) {
	return w.ask(ctx, "balance inquiry", Purchase{Holder: holder, CardPresent: true, MCC: "6011", Merchant: "ATM"}, w.engine.BalanceInquiry)
}

// PINDebit runs a single-message PIN debit (pgfs.auth_plus_capture).
func (w *World) PINDebit(ctx context.Context, p Purchase) (*Event, error) {
	p.CardPresent = true
	return w.ask(ctx, "PIN debit", p, w.engine.PINDebit)
}

func (w *World) follow(ctx context.Context, action, ref string, run func(*Event) (*jit.Transaction, error)) (*Event, error) {
	base, err := w.Ref(ref)
	if err != nil {
		return nil, err
	}
	t, err := run(base)
	if err != nil {
		return nil, fmt.Errorf("%s of the %s: %w", action, firstNonEmpty(ref, LabelAuthorization), err)
	}
	ev := w.record(action, &Event{Action: action, Txn: t, Outcome: w.outcomeOf(t.Token), Holder: base.Holder})
	return ev, w.awaitLate(ctx, ev)
}

func (w *World) amount(ev *Event, s string) (jit.Amount, error) {
	m, err := parseMinor(s, ev.Holder.Currency)
	if err != nil {
		return jit.Amount{}, err
	}
	if m < 0 {
		return jit.Amount{}, jit.Errorf(jit.EINVALID, "amount %q is negative", s)
	}
	return jit.MustMinor(m, ev.Holder.Currency), nil
}

// Incremental raises the authorization labelled ref by amount
// (pgfs.authorization.incremental).
func (w *World) Incremental(ctx context.Context, ref, amount string) (*Event, error) {
	return w.follow(ctx, "incremental authorization", ref, func(b *Event) (*jit.Transaction, error) {
		a, err := w.amount(b, amount)
		if err != nil {
			return nil, err
		}
		return w.engine.Incremental(ctx, b.Txn.Token, a)
	})
}

// Advice lowers the authorization labelled ref to a new total.
func (w *World) Advice(ctx context.Context, ref, newTotal string) (*Event, error) {
	return w.follow(ctx, "advice", ref, func(b *Event) (*jit.Transaction, error) {
		a, err := w.amount(b, newTotal)
		if err != nil {
			return nil, err
		}
		return w.engine.Advice(ctx, b.Txn.Token, a)
	})
}

// Clearing settles an authorization.
type Clearing struct {
	Ref    string // the authorization's label ("" for the authorization)
	Amount string
	// Sequence and Count make it clearing Sequence of Count; zero for a
	// single clearing.
	Sequence, Count int
}

// Clear sends a clearing; it is kept under the label "clearing".
func (w *World) Clear(ctx context.Context, c Clearing) (*Event, error) {
	return w.follow(ctx, LabelClearing, c.Ref, func(b *Event) (*jit.Transaction, error) {
		a, err := w.amount(b, c.Amount)
		if err != nil {
			return nil, err
		}
		return w.engine.Clear(ctx, simulator.ClearRequest{Preceding: b.Txn.Token, Amount: a, Sequence: c.Sequence, Count: c.Count})
	})
}

// ForcePost clears with no authorization (pgfs.force_capture).
func (w *World) ForcePost(ctx context.Context, holder, amount string) (*Event, error) {
	h, err := w.Cardholder(holder)
	if err != nil {
		return nil, err
	}
	a, err := w.amount(&Event{Holder: h}, amount)
	if err != nil {
		return nil, err
	}
	t, err := w.engine.Clear(ctx, simulator.ClearRequest{CardToken: h.CardToken, Amount: a, Currency: h.Currency})
	if err != nil {
		return nil, fmt.Errorf("force post: %w", err)
	}
	return w.record("force post", &Event{Action: "force post", Txn: t, Holder: h}), nil
}

// Reverse releases amount of an authorization ("" for all that is still
// held). A reversal the network would not send (after the final clearing)
// is an error with code EINVALID.
func (w *World) Reverse(ctx context.Context, ref, amount string) (*Event, error) {
	return w.follow(ctx, "reversal", ref, func(b *Event) (*jit.Transaction, error) {
		var a jit.Amount
		var err error
		if amount == "" {
			a, err = w.engine.OpenAmount(b.Txn.Token)
		} else {
			a, err = w.amount(b, amount)
		}
		if err != nil {
			return nil, err
		}
		return w.engine.Reverse(ctx, b.Txn.Token, a)
	})
}

// Expire ends an authorization the merchant never cleared
// (authorization.reversal.issuerexpiration), after advancing the virtual
// clock past the usual 7-day validity.
func (w *World) Expire(ctx context.Context, ref string) (*Event, error) {
	return w.follow(ctx, "expiry", ref, func(b *Event) (*jit.Transaction, error) {
		w.clock.Advance(7*24*time.Hour + time.Second)
		return w.engine.Expire(ctx, b.Txn.Token)
	})
}

// Refund credits the card, linked to the event labelled ref (a clearing,
// usually).
func (w *World) Refund(ctx context.Context, ref, amount string) (*Event, error) {
	return w.follow(ctx, "refund", firstNonEmpty(ref, LabelClearing), func(b *Event) (*jit.Transaction, error) {
		a, err := w.amount(b, amount)
		if err != nil {
			return nil, err
		}
		return w.engine.Refund(ctx, simulator.RefundRequest{Preceding: b.Txn.Token, Amount: a})
	})
}

// RefundUnlinked credits the card with no earlier transaction.
func (w *World) RefundUnlinked(ctx context.Context, holder, amount string) (*Event, error) {
	h, err := w.Cardholder(holder)
	if err != nil {
		return nil, err
	}
	a, err := w.amount(&Event{Holder: h}, amount)
	if err != nil {
		return nil, err
	}
	t, err := w.engine.Refund(ctx, simulator.RefundRequest{CardToken: h.CardToken, Amount: a, Currency: h.Currency})
	if err != nil {
		return nil, fmt.Errorf("refund: %w", err)
	}
	return w.record("refund", &Event{Action: "refund", Txn: t, Holder: h}), nil
}
