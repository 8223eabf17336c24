package ledger

// hold is one authorization chain: the authorization, its incrementals,
// advices, reversals and clearings. Its open amount is derived from sums
// that do not depend on the order events arrive in; State is sticky once it
// leaves Open.
//
// A single-message debit (Capture) is kept as a hold too, so that its
// webhook, a stand-in or a decline after the fact find it by token; it is
// never pending.
type hold struct {
	ID        string           `json:"id"`         // first token it was known by
	JIT       []string         `json:"jit"`        // JIT tokens: authorization and incrementals
	Txn       []string         `json:"txn"`        // transaction tokens
	Auth      int64            `json:"auth"`       // authorized amount, once known
	AuthKnown bool             `json:"auth_known"` // Auth has been set by a decision or a webhook
	Incr      map[string]int64 `json:"incr"`       // incremental JIT token → amount
	Void      map[string]bool  `json:"void"`       // incremental JIT tokens declined or timed out
	Released  int64            `json:"released"`   // advice deltas and partial reversals
	Consumed  int64            `json:"consumed"`   // non-final clearings
	State     HoldState        `json:"state"`      // Open until cleared, released or expired
	Debit     bool             `json:"debit"`      // a single-message debit, not a hold
	Debited   int64            `json:"debited"`    // Debit: what the ledger was charged
	Created   int64            `json:"created"`    // unix nanoseconds, for the expiry sweep
	Closed    int64            `json:"closed"`     // unix nanoseconds it left Open, for pruning
}

// open is the amount the hold keeps pending now.
func (h *hold) open() int64 {
	if h == nil || h.Debit || h.State != Open {
		return 0
	}
	total := h.Released + h.Consumed
	held := int64(0)
	if h.AuthKnown {
		held = h.Auth
	}
	for tok, a := range h.Incr {
		if !h.Void[tok] {
			held += a
		}
	}
	if v := held - total; v > 0 {
		return v
	}
	return 0
}

// clone returns a deep copy, so a record can carry the new state while the
// live hold is mutated only by apply.
func (h *hold) clone() *hold {
	c := *h
	c.JIT = append([]string(nil), h.JIT...)
	c.Txn = append([]string(nil), h.Txn...)
	if h.Incr != nil {
		c.Incr = make(map[string]int64, len(h.Incr))
		for k, v := range h.Incr {
			c.Incr[k] = v
		}
	}
	if h.Void != nil {
		c.Void = make(map[string]bool, len(h.Void))
		for k, v := range h.Void {
			c.Void[k] = v
		}
	}
	return &c
}

// addJIT and addTxn record another token the hold is known by.
func (h *hold) addJIT(tok string) {
	if tok != "" && !contains(h.JIT, tok) {
		h.JIT = append(h.JIT, tok)
	}
}

func (h *hold) addTxn(tok string) {
	if tok != "" && !contains(h.Txn, tok) {
		h.Txn = append(h.Txn, tok)
	}
}

func (h *hold) close(s HoldState, now int64) {
	if h.State == Open {
		h.State = s
		h.Closed = now
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
