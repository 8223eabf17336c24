package simulator

import (
	"time"

	"github.com/jitsim/jitsim/jit"
)

// Retention (Config.Retain): flat memory for long runs.
//
// Every stored transaction joins a queue. The engine checks the queue's
// oldest entries each time it stores another: a final transaction is
// slimmed — the full record and its authorization's or refund
// authorization's lifecycle are dropped, and only what a later message may
// still need is kept (its card, currency and merchant: a refund names its
// clearing) — while one still open goes back to the tail. A slimmed
// transaction is forgotten altogether Retain later on the engine's clock.
// Final means nothing can change it any more: an authorization whose
// lifecycle is closed (final clearing, full reversal, expiry), a refund
// authorization cleared or reversed, and every other transaction (a
// declined authorization, a follow-up, a PIN debit, a refund, a force post,
// an inquiry) at once.
//
// Retain must cover the longest a traffic source refers back to a final
// transaction: a refund names its clearing up to the refund delay later.
// Transaction and Transactions see only the full records; a slimmed or
// forgotten transaction reads as not found (ENOTFOUND).

// retireBatch bounds the entries checked per stored transaction, so that
// the work per message stays constant; it is above 1, so the queues drain
// faster than they fill.
const retireBatch = 8

// retiree is a transaction waiting in a queue, since at.
type retiree struct {
	tok string
	at  time.Time
}

// slimTxn is what stays of a final transaction until it is forgotten.
type slimTxn struct {
	card, currency string
	merchant       *jit.CardAcceptor
}

// retention is the engine's two queues: full records oldest first, and
// slimmed ones in the order they were slimmed.
type retention struct {
	full     []retiree
	fullHead int
	slim     map[string]slimTxn
	gone     []retiree
	goneHead int
}

// retain queues a just-stored transaction, slims the queued ones that are
// final and forgets the slimmed ones older than Retain. A no-op unless
// Config.Retain is positive. e.mu held; tok's lifecycle may be created
// after this call, so tok itself is not checked now.
func (e *Engine) retain(tok string) {
	if e.cfg.Retain <= 0 {
		return
	}
	r := &e.retired
	if r.slim == nil {
		r.slim = map[string]slimTxn{}
	}
	now := e.clock.Now()
	end := len(r.full) // entries queued before tok
	r.full = append(r.full, retiree{tok: tok, at: now})
	for n := 0; n < retireBatch && r.fullHead < end; n++ {
		it := r.full[r.fullHead]
		r.full[r.fullHead] = retiree{}
		r.fullHead++
		if !e.final(it.tok) {
			r.full = append(r.full, retiree{tok: it.tok, at: now})
			continue
		}
		if t, ok := e.txns.get(it.tok); ok {
			r.slim[it.tok] = slimTxn{card: t.CardToken, currency: t.CurrencyCode, merchant: t.CardAcceptor}
			r.gone = append(r.gone, retiree{tok: it.tok, at: now})
		}
		e.txns.remove(it.tok)
		delete(e.chains, it.tok)
		delete(e.refunds, it.tok)
	}
	cutoff := now.Add(-e.cfg.Retain)
	for n := 0; n < retireBatch && r.goneHead < len(r.gone) && !r.gone[r.goneHead].at.After(cutoff); n++ {
		delete(r.slim, r.gone[r.goneHead].tok)
		r.gone[r.goneHead] = retiree{}
		r.goneHead++
	}
	r.full, r.fullHead = compact(r.full, r.fullHead)
	r.gone, r.goneHead = compact(r.gone, r.goneHead)
}

// compact drops a queue's consumed head once it is most of the queue.
func compact(q []retiree, head int) ([]retiree, int) {
	if head < 1024 || 2*head < len(q) {
		return q, head
	}
	return append(make([]retiree, 0, 2*(len(q)-head)), q[head:]...), 0
}

// final reports whether nothing can change tok any more. e.mu held.
func (e *Engine) final(tok string) bool {
	if c, ok := e.chains[tok]; ok {
		return c.closed
	}
	if c, ok := e.refunds[tok]; ok {
		return c.closed
	}
	return true
}

// known reports whether tok was stored and not yet forgotten. e.mu held.
func (e *Engine) known(tok string) bool {
	_, ok := e.prior(tok)
	return ok
}

// prior returns a stored transaction for a later message to refer to: the
// full record, or a stub with the card, currency and merchant of a slimmed
// one. e.mu held.
func (e *Engine) prior(tok string) (*jit.Transaction, bool) {
	if t, ok := e.txns.get(tok); ok {
		return t, true
	}
	if s, ok := e.retired.slim[tok]; ok {
		return &jit.Transaction{Token: tok, CardToken: s.card, CurrencyCode: s.currency, CardAcceptor: s.merchant}, true
	}
	return nil, false
}

// Retained returns how many transactions the engine holds in full (all of
// them unless Config.Retain is set) and how many slimmed ones it still
// remembers.
func (e *Engine) Retained() (full, slim int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.txns.byToken), len(e.retired.slim)
}

// remove forgets tok. The insertion order is compacted once more than half
// of it names removed tokens, so removal is amortized O(1).
func (s *store[T]) remove(tok string) {
	if _, ok := s.byToken[tok]; !ok {
		return
	}
	delete(s.byToken, tok)
	s.gone++
	if s.gone < 1024 || 2*s.gone < len(s.order) {
		return
	}
	order := make([]string, 0, 2*len(s.byToken))
	for _, t := range s.order {
		if _, ok := s.byToken[t]; ok {
			order = append(order, t)
		}
	}
	s.order, s.gone = order, 0
}
