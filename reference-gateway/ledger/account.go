package ledger

import "sort"

// account is the state of one account. It is guarded by its shard's mutex.
type account struct {
	key     Key
	ledger  int64
	pending int64
	holds   map[string]*hold   // by hold ID
	byJIT   map[string]*hold   // every JIT token a hold is known by
	byTxn   map[string]*hold   // every transaction token a hold is known by
	answers map[string]*answer // decisions by JIT token
	seen    map[string]int64   // applied event tokens → when
	credits map[string]*creditKey
	days    map[string]int // day → approved decisions that day
	last    pos            // journal position of the latest record, for duplicates to wait on
}

func newAccount(k Key) *account {
	return &account{
		key:     k,
		holds:   map[string]*hold{},
		byJIT:   map[string]*hold{},
		byTxn:   map[string]*hold{},
		answers: map[string]*answer{},
		seen:    map[string]int64{},
		credits: map[string]*creditKey{},
		days:    map[string]int{},
	}
}

func (a *account) balance() Balance {
	return Balance{Ledger: a.ledger, Pending: a.pending, Available: a.ledger - a.pending}
}

// apply makes a record's effects true. It is the only code that mutates an
// account, live or on replay.
func (a *account) apply(r *record) {
	a.ledger += r.Ledger
	if h := r.Hold; h != nil {
		if old := a.holds[h.ID]; old != nil {
			a.pending -= old.open()
		}
		a.holds[h.ID] = h
		for _, t := range h.JIT {
			a.byJIT[t] = h
		}
		for _, t := range h.Txn {
			a.byTxn[t] = h
		}
		a.pending += h.open()
	}
	if r.Answer != nil {
		a.answers[r.Answer.JIT] = r.Answer
	}
	if r.Seen != "" {
		a.seen[r.Seen] = r.At
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

// pruneDays keeps only the latest days' counts.
func (a *account) pruneDays(latest string) {
	for d := range a.days {
		if d < latest {
			delete(a.days, d)
		}
	}
}

// find returns the hold known by any of the tokens, as a JIT token first and
// then as a transaction token.
func (a *account) find(tokens ...string) *hold {
	for _, t := range tokens {
		if t == "" {
			continue
		}
		if h := a.byJIT[t]; h != nil {
			return h
		}
		if h := a.byTxn[t]; h != nil {
			return h
		}
	}
	return nil
}

// view returns the account's balances and holds, holds sorted by ID.
func (a *account) view() View {
	v := View{Key: a.key, Balance: a.balance()}
	for _, h := range a.holds {
		if h.Debit {
			continue
		}
		hv := HoldView{JITToken: h.ID, Amount: h.open(), State: h.State}
		if len(h.JIT) > 0 {
			hv.JITToken = h.JIT[0]
		}
		if len(h.Txn) > 0 {
			hv.TransactionToken = h.Txn[0]
		}
		v.Holds = append(v.Holds, hv)
	}
	sort.Slice(v.Holds, func(i, j int) bool { return v.Holds[i].JITToken < v.Holds[j].JITToken })
	return v
}

// prune forgets closed holds, answers and event tokens older than cutoff:
// past the retention window no duplicate can still arrive. Balances are
// unchanged, so pruning is not journaled.
func (a *account) prune(cutoff int64) {
	for id, h := range a.holds {
		if h.State != Open && h.Closed < cutoff && h.Created < cutoff {
			delete(a.holds, id)
			for _, t := range h.JIT {
				if a.byJIT[t] == h {
					delete(a.byJIT, t)
				}
			}
			for _, t := range h.Txn {
				if a.byTxn[t] == h {
					delete(a.byTxn, t)
				}
			}
		}
	}
	for t, ans := range a.answers {
		if ans.At < cutoff && a.byJIT[t] == nil {
			delete(a.answers, t)
		}
	}
	for t, at := range a.seen {
		if at < cutoff {
			delete(a.seen, t)
		}
	}
}
