package simulator

import "time"

// Retention (Config.Retain): flat memory for long runs.
//
// Every stored transaction joins a queue with the time it was stored. Once
// the head of the queue is older than Retain, the engine checks it: a final
// transaction is forgotten (with its authorization's or refund
// authorization's lifecycle); one still open goes back to the tail, to be
// checked again Retain later. Final means nothing can change it any more:
// an authorization whose lifecycle is closed (final clearing, full
// reversal, expiry), a refund authorization cleared or reversed, and every
// other transaction (a declined authorization, a follow-up, a PIN debit, a
// refund, a force post, an inquiry) at once.
//
// Retain must cover the longest a traffic source refers back to a final
// transaction: a refund names its clearing up to the refund delay later.
// A forgotten transaction reads as never seen (ENOTFOUND).

// retireBatch bounds the transactions checked per stored one, so that the
// work per message stays constant after the clock jumps; it is above 1, so
// the queue drains faster than it fills.
const retireBatch = 8

// retiree is a stored transaction waiting to be checked.
type retiree struct {
	tok string
	at  time.Time
}

// retention is the queue of stored transactions, oldest first.
type retention struct {
	queue []retiree
	head  int
}

// retain queues a just-stored transaction and forgets the due ones that are
// final. A no-op unless Config.Retain is positive. e.mu held.
func (e *Engine) retain(tok string) {
	if e.cfg.Retain <= 0 {
		return
	}
	r := &e.retired
	now := e.clock.Now()
	r.queue = append(r.queue, retiree{tok: tok, at: now})
	cutoff := now.Add(-e.cfg.Retain)
	for n := 0; n < retireBatch && r.head < len(r.queue) && !r.queue[r.head].at.After(cutoff); n++ {
		it := r.queue[r.head]
		r.queue[r.head] = retiree{}
		r.head++
		if e.final(it.tok) {
			e.forget(it.tok)
		} else {
			r.queue = append(r.queue, retiree{tok: it.tok, at: now})
		}
	}
	if r.head >= 1024 && 2*r.head >= len(r.queue) {
		r.queue = append(make([]retiree, 0, 2*(len(r.queue)-r.head)), r.queue[r.head:]...)
		r.head = 0
	}
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

// forget drops tok and its lifecycle. e.mu held.
func (e *Engine) forget(tok string) {
	e.txns.remove(tok)
	delete(e.chains, tok)
	delete(e.refunds, tok)
}

// Retained returns how many transactions the engine holds: all of them
// unless Config.Retain is set.
func (e *Engine) Retained() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.txns.byToken)
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
