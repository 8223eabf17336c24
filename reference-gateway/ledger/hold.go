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
	ID        string           `json:"id"`                   // first token it was known by
	JIT       []string         `json:"jit,omitempty"`        // JIT tokens: authorization and incrementals
	Txn       []string         `json:"txn,omitempty"`        // transaction tokens
	Auth      int64            `json:"auth,omitempty"`       // authorized amount, once known
	AuthKnown bool             `json:"auth_known,omitempty"` // Auth has been set by a decision or a webhook
	Incr      map[string]int64 `json:"incr,omitempty"`       // incremental JIT token → amount
	Void      map[string]bool  `json:"void,omitempty"`       // incremental JIT tokens declined or timed out
	Released  int64            `json:"released,omitempty"`   // advice deltas and partial reversals
	Consumed  int64            `json:"consumed,omitempty"`   // non-final clearings
	State     HoldState        `json:"state"`                // Open until cleared, released or expired
	Debit     bool             `json:"debit,omitempty"`      // a single-message debit, not a hold
	Debited   int64            `json:"debited,omitempty"`    // Debit: what the ledger was charged
	Created   int64            `json:"created"`              // unix nanoseconds, for the expiry sweep
	Closed    int64            `json:"closed,omitempty"`     // unix nanoseconds it left Open, for pruning
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

// slot is a hold as an account stores it: fixed-size and pointer-free. A
// hold with more than one JIT or transaction token, or with incrementals,
// keeps those in the account's extra map (more is set).
type slot struct {
	id, jit, txn tok // ID; first JIT and transaction tokens (n == 0: none)
	auth         int64
	released     int64
	consumed     int64
	debited      int64
	created      int64
	closed       int64
	state        uint8 // stateCode
	authKnown    bool
	debit        bool
	more         bool
	used         bool // false: free for reuse
}

// extras are the variable-length parts of a hold, kept only when needed.
type extras struct {
	JIT, Txn []string
	Incr     map[string]int64
	Void     map[string]bool
}

// slotChunk is how many slots one chunk holds once full: a chunk is grown
// by append up to it and never beyond, so storing a hold never copies more
// than one chunk.
const slotChunk = 1024

// slots is an account's hold storage, in chunks.
type slots struct {
	chunks [][]slot
	free   []int32 // released slots, reused first
	n      int     // slots in use
}

func (s *slots) at(i int32) *slot { return &s.chunks[i/slotChunk][i%slotChunk] }

// alloc returns a free slot.
func (s *slots) alloc() int32 {
	s.n++
	if k := len(s.free); k > 0 {
		i := s.free[k-1]
		s.free = s.free[:k-1]
		return i
	}
	if k := len(s.chunks); k == 0 || len(s.chunks[k-1]) == slotChunk {
		s.chunks = append(s.chunks, make([]slot, 0, 4))
	}
	k := len(s.chunks) - 1
	s.chunks[k] = append(s.chunks[k], slot{})
	return int32(k*slotChunk + len(s.chunks[k]) - 1)
}

// release frees slot i.
func (s *slots) release(i int32) {
	*s.at(i) = slot{}
	s.free = append(s.free, i)
	s.n--
}

// each calls f with every slot in use, in slot order.
func (s *slots) each(f func(i int32, s *slot)) {
	for k, c := range s.chunks {
		for j := range c {
			if c[j].used {
				f(int32(k*slotChunk+j), &c[j])
			}
		}
	}
}
