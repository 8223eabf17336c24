package ledger

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/jitsim/jitsim/jit"
)

// snapAccount is an account as a snapshot stores it; pending is derived.
type snapAccount struct {
	Key     Key              `json:"key"`
	Ledger  int64            `json:"ledger"`
	Holds   []*hold          `json:"holds,omitempty"`
	Answers []*answer        `json:"answers,omitempty"`
	Seen    map[string]int64 `json:"seen,omitempty"`
	Credits []*creditKey     `json:"credits,omitempty"`
	Days    map[string]int   `json:"days,omitempty"`
}

// Replay applies one journaled record. It is the journal's Load callback.
// It returns an *jit.Error with code EINVALID when the record does not decode.
func (l *Ledger) Replay(data []byte) error {
	var rec record
	if err := json.Unmarshal(data, &rec); err != nil {
		return jit.Errorf(jit.EINVALID, "decode record: %w", err)
	}
	if err := rec.check(); err != nil {
		return jit.Errorf(jit.EINVALID, "record: %w", err)
	}
	s := l.shard(rec.Acct)
	a := s.accounts[rec.Acct]
	if a == nil {
		a = newAccount(rec.Acct)
		s.accounts[rec.Acct] = a
	}
	a.apply(&rec)
	if rec.Credit != nil {
		l.creditKeys[rec.Credit.Key] = rec.Acct
	}
	return nil
}

// Restore loads a snapshot written by Snapshot into an empty ledger. It is
// the journal's Load callback for snapshots; it returns an *jit.Error with
// code EINVALID when the snapshot does not decode.
func (l *Ledger) Restore(data []byte) error {
	var accts []snapAccount
	if err := json.Unmarshal(data, &accts); err != nil {
		return jit.Errorf(jit.EINVALID, "decode snapshot: %w", err)
	}
	for i := range accts {
		sa := &accts[i]
		a := newAccount(sa.Key)
		a.ledger = sa.Ledger
		for _, h := range sa.Holds {
			rec := &record{Hold: h}
			if err := rec.check(); err != nil {
				return jit.Errorf(jit.EINVALID, "snapshot: %w", err)
			}
			a.apply(rec)
		}
		for _, ans := range sa.Answers {
			rec := &record{Answer: ans}
			if err := rec.check(); err != nil {
				return jit.Errorf(jit.EINVALID, "snapshot: %w", err)
			}
			a.apply(rec)
		}
		for t, at := range sa.Seen {
			a.seen[a.intern(t)] = at
		}
		for _, c := range sa.Credits {
			a.credits[c.Key] = c
			l.creditKeys[c.Key] = sa.Key
		}
		for d, n := range sa.Days {
			a.days[d] = n
		}
		l.shard(sa.Key).accounts[sa.Key] = a
	}
	return nil
}

// Snapshot stops every mutation for as long as it takes to call rotate (which
// starts a new journal segment and returns its first position) and to copy
// the state, so that the snapshot holds exactly the records before that
// position. It returns the encoded snapshot and the position.
func (l *Ledger) Snapshot(rotate func() (pos, error)) ([]byte, pos, error) {
	l.freeze.Lock()
	p, err := rotate()
	if err != nil {
		l.freeze.Unlock()
		return nil, p, fmt.Errorf("rotate journal: %w", err)
	}
	var accts []snapAccount
	for i := range l.shards {
		for _, a := range l.shards[i].accounts {
			sa := snapAccount{Key: a.key, Ledger: a.ledger, Days: copyMap(a.days)}
			a.slots.each(func(i int32, _ *slot) { sa.Holds = append(sa.Holds, a.hold(i)) })
			for t := range a.answers {
				ans, _ := a.answer(a.str(t))
				sa.Answers = append(sa.Answers, ans)
			}
			if len(a.seen) > 0 {
				sa.Seen = make(map[string]int64, len(a.seen))
				for t, at := range a.seen {
					sa.Seen[a.str(t)] = at
				}
			}
			for _, c := range a.credits {
				sa.Credits = append(sa.Credits, c)
			}
			accts = append(accts, sa)
		}
	}
	l.freeze.Unlock()
	sort.Slice(accts, func(i, j int) bool {
		if accts[i].Key.Token != accts[j].Key.Token {
			return accts[i].Key.Token < accts[j].Key.Token
		}
		return accts[i].Key.Currency < accts[j].Key.Currency
	})
	data, err := json.Marshal(accts)
	if err != nil {
		return nil, p, fmt.Errorf("encode snapshot: %w", err)
	}
	return data, p, nil
}

// Sweep expires holds opened before expireBefore (the gateway's own safety
// net when no issuer-expiration webhook comes) and forgets closed holds,
// answers and event tokens older than pruneBefore. A zero time skips that
// step. It returns how many holds it expired.
func (l *Ledger) Sweep(ctx context.Context, expireBefore, pruneBefore time.Time) (int, error) {
	expired := 0
	for i := range l.shards {
		if err := ctx.Err(); err != nil {
			return expired, err
		}
		s := &l.shards[i]
		l.freeze.RLock()
		s.mu.Lock()
		var last pos
		var err error
		for _, a := range s.accounts {
			if !expireBefore.IsZero() {
				cut := expireBefore.UnixNano()
				var due []int32
				a.slots.each(func(i int32, h *slot) {
					if h.state == stateCode(Open) && !h.debit && h.created < cut {
						due = append(due, i)
					}
				})
				for _, i := range due {
					now := l.cfg.Now().UnixNano()
					c := a.hold(i).clone()
					c.close(Expired, now)
					if last, err = l.commit(s, a, &record{Acct: a.key, At: now, Hold: c}); err != nil {
						break
					}
					expired++
				}
			}
			if !pruneBefore.IsZero() {
				a.prune(pruneBefore.UnixNano())
			}
		}
		s.mu.Unlock()
		l.freeze.RUnlock()
		if err != nil {
			return expired, err
		}
		if err := l.wait(last); err != nil {
			return expired, err
		}
	}
	return expired, nil
}

func copyMap[K comparable, V any](m map[K]V) map[K]V {
	if len(m) == 0 {
		return nil
	}
	c := make(map[K]V, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}
