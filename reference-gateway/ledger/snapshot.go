package ledger

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
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
	// Last is the journal position of the latest record the snapshot holds
	// for this account: replay skips the account's records up to it. (0 in
	// snapshots written before snapshots stopped freezing the ledger.)
	Last pos `json:"last,omitempty"`
}

// Replay applies the journaled record at position p, unless the snapshot
// holds it already. It is the journal's Load callback. It returns an
// *jit.Error with code EINVALID when the record does not decode.
func (l *Ledger) Replay(p pos, data []byte) error {
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
	if p <= a.last {
		return nil // the snapshot holds it already
	}
	a.apply(&rec)
	a.last = p
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
		a.ledger, a.last = sa.Ledger, sa.Last
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

// SnapshotTo writes a copy of the state to w without stopping the ledger,
// paced to a quarter of a core (see snapshotWork), for a journal that has
// just been rotated at some position p (the caller's: see
// journal.WriteSnapshotFrom). It lists the accounts, then copies and encodes
// them one at a time in key order, each copied under its shard's lock for as
// long as a memory copy of that account takes, so that only one account's
// copy is held at a time and the encoded bytes go straight to w. Every
// record before p is in the copy (an account with one existed when the list
// was made); so are an account's records appended after p but before it was
// copied, and the copy names the last of them (snapAccount.Last) so that
// Replay skips them. SnapshotTo returns once every record the snapshot
// holds is durable, so a snapshot committed after it returns never holds an
// effect that was not acknowledged. It returns w's first error, or the
// journal's error when the records cannot be made durable.
func (l *Ledger) SnapshotTo(w io.Writer) error {
	return l.snapshotTo(w, newPacer())
}

// snapshotTo is SnapshotTo with its pacing: nil does not rest (tests and
// benchmarks).
func (l *Ledger) snapshotTo(out io.Writer, pace *pacer) error {
	var keys []Key
	for i := range l.shards {
		pace.step()
		s := &l.shards[i]
		s.mu.Lock()
		for k := range s.accounts {
			keys = append(keys, k)
		}
		s.mu.Unlock()
	}
	slices.SortFunc(keys, func(a, b Key) int {
		return cmp.Or(strings.Compare(a.Token, b.Token), strings.Compare(a.Currency, b.Currency))
	})
	w := snapWriter{out: out, pace: pace, buf: make([]byte, 0, snapFlushAt+4<<10)}
	w.buf = append(w.buf, '[')
	var last pos
	for i, k := range keys {
		pace.step()
		s := l.shard(k)
		s.mu.Lock()
		c := s.accounts[k].clone() // accounts are never removed
		s.mu.Unlock()
		if i > 0 {
			w.buf = append(w.buf, ',')
		}
		w.appendSnapshot(c)
		last = max(last, c.last)
		if w.err != nil {
			return fmt.Errorf("write snapshot: %w", w.err)
		}
	}
	w.buf = append(w.buf, ']')
	if w.flush(); w.err != nil {
		return fmt.Errorf("write snapshot: %w", w.err)
	}
	return l.wait(last)
}

// A snapshot is paced: after each snapshotWork of copying or encoding it
// rests for snapshotRest, so that it takes at most a quarter of one core
// from the decisions running beside it. It is not urgent: the journal keeps
// everything until it is written.
const (
	snapshotWork = time.Millisecond
	snapshotRest = 3 * time.Millisecond
)

type pacer struct{ since time.Time }

func newPacer() *pacer { return &pacer{since: time.Now()} }

// waited takes d, time spent waiting on something else (a paced disk
// write), out of the work since the last rest.
func (p *pacer) waited(d time.Duration) {
	if p != nil {
		p.since = p.since.Add(d)
	}
}

// step rests if the work since the last rest has used up snapshotWork.
func (p *pacer) step() {
	if p == nil {
		return
	}
	if time.Since(p.since) >= snapshotWork {
		time.Sleep(snapshotRest)
		p.since = time.Now()
	}
}

// clone returns a copy of a that shares nothing mutable with it, for a
// snapshot to read outside the shard lock. Slots and the pointer-free maps
// are copied as memory; extras and credit keys are shared, as apply
// replaces them and never changes them. The token index is not copied.
func (a *account) clone() *account {
	c := *a
	c.slots = slots{n: a.slots.n, chunks: make([][]slot, len(a.slots.chunks))}
	for i, ch := range a.slots.chunks {
		c.slots.chunks[i] = slices.Clone(ch)
	}
	c.index = nil
	c.extra = maps.Clone(a.extra)
	c.answers = maps.Clone(a.answers)
	c.seen = maps.Clone(a.seen)
	c.long = maps.Clone(a.long)
	c.credits = maps.Clone(a.credits)
	c.days = maps.Clone(a.days)
	return &c
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
		if err != nil {
			return expired, err
		}
		if err := l.wait(last); err != nil {
			return expired, err
		}
	}
	return expired, nil
}
