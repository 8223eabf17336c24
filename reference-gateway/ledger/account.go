package ledger

import "sort"

// account is the state of one account. It is guarded by its shard's mutex.
//
// Everything that grows with the account's traffic (holds, the token index,
// answers, applied event tokens) is stored in pointer-free types, so that
// the garbage collector never scans it (see tok). Holds are read out as
// *hold values and written back whole by apply.
type account struct {
	key     Key
	ledger  int64
	pending int64
	slots   slots             // holds, by slot number
	index   map[ikey]int32    // hold ID, JIT and transaction tokens → slot
	extra   map[int32]*extras // the rare holds with more than one token of a kind, or incrementals
	answers map[tok]ans       // decisions by JIT token
	seen    map[tok]int64     // applied event tokens → when
	long    map[tok]string    // texts of tokens longer than tokLen
	credits map[string]*creditKey
	days    map[string]int // day → approved decisions that day
	last    pos            // journal position of the latest record, for duplicates to wait on
}

// Index kinds: a token is known as a hold's ID, a JIT token or a
// transaction token, each in its own namespace.
const (
	kID uint8 = iota
	kJIT
	kTxn
)

// ikey is a key of the token index.
type ikey struct {
	kind uint8
	t    tok
}

// ans is a decision as it is replayed to a duplicate funding request.
type ans struct {
	at       int64
	amount   int64
	approved bool
	reason   uint8 // reasonCode
}

func newAccount(k Key) *account {
	return &account{
		key:     k,
		index:   map[ikey]int32{},
		extra:   map[int32]*extras{},
		answers: map[tok]ans{},
		seen:    map[tok]int64{},
		credits: map[string]*creditKey{},
		days:    map[string]int{},
	}
}

func (a *account) balance() Balance {
	return Balance{Ledger: a.ledger, Pending: a.pending, Available: a.ledger - a.pending}
}

// apply makes a record's effects true. It is the only code that mutates an
// account, live or on replay. The record must be valid (see record.check).
func (a *account) apply(r *record) {
	a.ledger += r.Ledger
	if h := r.Hold; h != nil {
		i, ok := a.index[ikey{kID, mkTok(h.ID)}]
		if ok {
			old := a.peek(i)
			a.pending -= old.open()
		} else {
			i = a.slots.alloc()
		}
		a.put(i, h)
		a.pending += h.open()
	}
	if r.Answer != nil {
		code, _ := reasonCode(r.Answer.Reason)
		a.answers[a.intern(r.Answer.JIT)] = ans{at: r.Answer.At, amount: r.Answer.Amount, approved: r.Answer.Approved, reason: code}
	}
	if r.Seen != "" {
		a.seen[a.intern(r.Seen)] = r.At
	}
	if r.Credit != nil {
		a.credits[r.Credit.Key] = r.Credit
	}
	if r.Day != "" {
		a.days[r.Day] = r.Count
		if len(a.days) > 3 {
			a.pruneDays(r.Day)
		}
	}
}

// put stores h in slot i and indexes it by its ID and every token it is
// known by. h is not copied: records are never mutated once applied.
func (a *account) put(i int32, h *hold) {
	s := a.slots.at(i)
	*s = slot{
		id: a.intern(h.ID), auth: h.Auth, released: h.Released, consumed: h.Consumed,
		debited: h.Debited, created: h.Created, closed: h.Closed,
		state: stateCode(h.State), authKnown: h.AuthKnown, debit: h.Debit, used: true,
	}
	if len(h.JIT) > 0 {
		s.jit = a.intern(h.JIT[0])
	}
	if len(h.Txn) > 0 {
		s.txn = a.intern(h.Txn[0])
	}
	if len(h.JIT) > 1 || len(h.Txn) > 1 || len(h.Incr) > 0 || len(h.Void) > 0 {
		a.extra[i] = &extras{JIT: h.JIT, Txn: h.Txn, Incr: h.Incr, Void: h.Void}
		s.more = true
	} else {
		delete(a.extra, i)
	}
	a.index[ikey{kID, s.id}] = i
	for _, t := range h.JIT {
		a.index[ikey{kJIT, a.intern(t)}] = i
	}
	for _, t := range h.Txn {
		a.index[ikey{kTxn, a.intern(t)}] = i
	}
}

// peek returns slot i as a hold without its tokens: enough for open().
func (a *account) peek(i int32) hold {
	s := a.slots.at(i)
	h := hold{
		Auth: s.auth, AuthKnown: s.authKnown, Released: s.released, Consumed: s.consumed,
		State: stateNames[s.state], Debit: s.debit, Debited: s.debited, Created: s.created, Closed: s.closed,
	}
	if s.more {
		x := a.extra[i]
		h.Incr, h.Void = x.Incr, x.Void
	}
	return h
}

// hold returns slot i as a hold. It shares its token lists and incremental
// maps with the account: clone it before changing it.
func (a *account) hold(i int32) *hold {
	h := a.peek(i)
	s := a.slots.at(i)
	h.ID = a.str(s.id)
	if s.more {
		x := a.extra[i]
		h.JIT, h.Txn = x.JIT, x.Txn
	} else {
		if s.jit.n != 0 {
			h.JIT = []string{a.str(s.jit)}
		}
		if s.txn.n != 0 {
			h.Txn = []string{a.str(s.txn)}
		}
	}
	return &h
}

// tokens calls f with every JIT and transaction token of slot i.
func (a *account) tokens(i int32, f func(kind uint8, t tok)) {
	s := a.slots.at(i)
	if !s.more {
		if s.jit.n != 0 {
			f(kJIT, s.jit)
		}
		if s.txn.n != 0 {
			f(kTxn, s.txn)
		}
		return
	}
	x := a.extra[i]
	for _, t := range x.JIT {
		f(kJIT, mkTok(t))
	}
	for _, t := range x.Txn {
		f(kTxn, mkTok(t))
	}
}

// pruneDays keeps only the latest days' counts.
func (a *account) pruneDays(latest string) {
	for d := range a.days {
		if d < latest {
			delete(a.days, d)
		}
	}
}

// find returns the hold known by any of the tokens, as a JIT token first and
// then as a transaction token, or nil.
func (a *account) find(tokens ...string) *hold {
	if i, ok := a.lookup(tokens...); ok {
		return a.hold(i)
	}
	return nil
}

// lookup returns the slot of the hold known by any of the tokens, as find
// orders them.
func (a *account) lookup(tokens ...string) (int32, bool) {
	for _, t := range tokens {
		if t == "" {
			continue
		}
		k := mkTok(t)
		if i, ok := a.index[ikey{kJIT, k}]; ok {
			return i, true
		}
		if i, ok := a.index[ikey{kTxn, k}]; ok {
			return i, true
		}
	}
	return 0, false
}

// answer returns the decision taken for a JIT token, if any.
func (a *account) answer(jitToken string) (*answer, bool) {
	v, ok := a.answers[mkTok(jitToken)]
	if !ok {
		return nil, false
	}
	return &answer{JIT: jitToken, Approved: v.approved, Amount: v.amount, Reason: reasonName(v.reason), At: v.at}, true
}

// view returns the account's balances and holds, holds sorted by ID.
func (a *account) view() View {
	v := View{Key: a.key, Balance: a.balance()}
	a.slots.each(func(i int32, s *slot) {
		if s.debit {
			return
		}
		h := a.hold(i)
		hv := HoldView{JITToken: h.ID, Amount: h.open(), State: h.State}
		if len(h.JIT) > 0 {
			hv.JITToken = h.JIT[0]
		}
		if len(h.Txn) > 0 {
			hv.TransactionToken = h.Txn[0]
		}
		v.Holds = append(v.Holds, hv)
	})
	sort.Slice(v.Holds, func(i, j int) bool { return v.Holds[i].JITToken < v.Holds[j].JITToken })
	return v
}

// prune forgets closed holds, answers and event tokens older than cutoff:
// past the retention window no duplicate can still arrive. Balances are
// unchanged, so pruning is not journaled.
func (a *account) prune(cutoff int64) {
	a.slots.each(func(i int32, s *slot) {
		if s.state == stateCode(Open) || s.closed >= cutoff || s.created >= cutoff {
			return
		}
		drop := func(k ikey) {
			if j, ok := a.index[k]; ok && j == i {
				delete(a.index, k)
			}
		}
		drop(ikey{kID, s.id})
		a.tokens(i, func(kind uint8, t tok) { drop(ikey{kind, t}) })
		delete(a.extra, i)
		a.slots.release(i)
	})
	for t, v := range a.answers {
		if _, held := a.index[ikey{kJIT, t}]; v.at < cutoff && !held {
			delete(a.answers, t)
		}
	}
	for t, at := range a.seen {
		if at < cutoff {
			delete(a.seen, t)
		}
	}
	for t := range a.long {
		if !a.refers(t) {
			delete(a.long, t)
		}
	}
}

// refers reports whether anything the account keeps is known by t: a hold
// (by ID, JIT or transaction token), an answer or an applied event.
func (a *account) refers(t tok) bool {
	if _, ok := a.answers[t]; ok {
		return true
	}
	if _, ok := a.seen[t]; ok {
		return true
	}
	for _, kind := range []uint8{kID, kJIT, kTxn} {
		if _, ok := a.index[ikey{kind, t}]; ok {
			return true
		}
	}
	return false
}
