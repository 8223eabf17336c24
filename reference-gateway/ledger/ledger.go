package ledger

import (
	"context"
	"hash/maphash"
	"math"
	"sync"
	"time"

	"github.com/jitsim/jitsim/jit"
)

// Journal is where the ledger writes its records: Append queues one and
// returns its position at once (it must copy data, which the ledger reuses);
// Wait returns when that position is durable.
// *journal.Journal implements it.
type Journal interface {
	Append(data []byte) (pos, error)
	Wait(p pos) error
}

// Config configures a Ledger.
type Config struct {
	Controls Controls
	// PartialApprovals approves what is available when funds are short and
	// the point of sale is partial-approval capable.
	PartialApprovals bool
	// Now is the clock (time.Now when nil); tests inject one.
	Now func() time.Time
}

const shardCount = 64

type shard struct {
	mu       sync.Mutex
	accounts map[Key]*account
	enc      []byte // scratch for encoding one record; the journal copies it
}

// Ledger is the in-process Store: accounts spread over shards, each with its
// own mutex, so decisions on different accounts do not wait on each other.
type Ledger struct {
	cfg    Config
	log    Journal
	seed   maphash.Seed
	shards [shardCount]shard

	creditMu   sync.Mutex
	creditKeys map[string]Key // idempotency key → account, across accounts
}

var _ Store = (*Ledger)(nil)

// New returns an empty ledger that journals to log.
func New(cfg Config, log Journal) *Ledger {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	l := &Ledger{cfg: cfg, log: log, seed: maphash.MakeSeed(), creditKeys: map[string]Key{}}
	for i := range l.shards {
		l.shards[i].accounts = map[Key]*account{}
	}
	return l
}

func (l *Ledger) shard(k Key) *shard {
	return &l.shards[maphash.String(l.seed, k.Token)%shardCount]
}

// Decide implements Store.
func (l *Ledger) Decide(ctx context.Context, r Request) (Answer, error) {
	if err := checkKey(r.Account); err != nil {
		return Answer{}, err
	}
	if r.JITToken == "" {
		return Answer{}, jit.Errorf(jit.EINVALID, "missing JIT token")
	}
	s := l.shard(r.Account)
	s.mu.Lock()
	a := s.accounts[r.Account]
	rec, ans := decide(a, &r, &l.cfg.Controls, l.cfg.PartialApprovals, l.cfg.Now().UnixNano())
	p, err := l.commit(s, a, rec)
	s.mu.Unlock()
	if err != nil {
		return Answer{}, err
	}
	if err := l.wait(p); err != nil {
		return Answer{}, err
	}
	return ans, nil
}

// Apply implements Store.
func (l *Ledger) Apply(ctx context.Context, e Event) (bool, error) {
	if err := checkKey(e.Account); err != nil {
		return false, err
	}
	if e.Token == "" {
		return false, jit.Errorf(jit.EINVALID, "missing transaction token")
	}
	s := l.shard(e.Account)
	s.mu.Lock()
	a := s.accounts[e.Account]
	if a == nil {
		a = newAccount(e.Account)
		s.accounts[e.Account] = a
	}
	rec := book(a, &e, l.cfg.Now().UnixNano())
	if rec != nil && !a.staysInRange(rec) {
		s.mu.Unlock()
		return false, jit.Errorf(jit.EINVALID, "event %s would take the balance past the largest amount jitsim represents", e.Token)
	}
	p, err := l.commit(s, a, rec)
	s.mu.Unlock()
	if err != nil {
		return false, err
	}
	return rec != nil, l.wait(p)
}

// Credit implements Store.
func (l *Ledger) Credit(ctx context.Context, k Key, amount int64, key string) (View, error) {
	if err := checkKey(k); err != nil {
		return View{}, err
	}
	if amount <= 0 {
		return View{}, jit.Errorf(jit.EINVALID, "credit amount must be positive")
	}
	if key == "" {
		return View{}, jit.Errorf(jit.EINVALID, "missing idempotency key")
	}
	s := l.shard(k)
	s.mu.Lock()
	a := s.accounts[k]
	l.creditMu.Lock()
	owner, used := l.creditKeys[key]
	var rec *record
	var err error
	switch {
	case used && owner != k:
		err = jit.Errorf(jit.ECONFLICT, "idempotency key %q was used for another account", key)
	case used && a != nil && a.credits[key] != nil && a.credits[key].Amount != amount:
		err = jit.Errorf(jit.ECONFLICT, "idempotency key %q was used for another amount", key)
	case used:
		// A retry: answer the current state once the first credit is durable.
	case !fits(amount, k.Currency) || a != nil && !fits(abs(a.ledger+amount), k.Currency):
		err = jit.Errorf(jit.EINVALID, "credit would take the balance past the largest amount jitsim represents")
	default:
		l.creditKeys[key] = k
		if a == nil {
			a = newAccount(k)
			s.accounts[k] = a
		}
		rec = &record{Acct: k, At: l.cfg.Now().UnixNano(), Ledger: amount, Credit: &creditKey{Key: key, Amount: amount}}
	}
	l.creditMu.Unlock()
	var p pos
	if err == nil {
		if p, err = l.commit(s, a, rec); err != nil && rec != nil {
			l.creditMu.Lock()
			delete(l.creditKeys, key) // not booked: the key is free again
			l.creditMu.Unlock()
		}
	}
	var v View
	if a != nil {
		v = a.view()
	}
	s.mu.Unlock()
	if err != nil {
		return View{}, err
	}
	return v, l.wait(p)
}

// Account implements Store.
func (l *Ledger) Account(ctx context.Context, k Key) (View, error) {
	if err := checkKey(k); err != nil {
		return View{}, err
	}
	s := l.shard(k)
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accounts[k]
	if a == nil {
		return View{}, jit.Errorf(jit.ENOTFOUND, "no account %s in %s", k.Token, k.Currency)
	}
	return a.view(), nil
}

// commit applies rec to a and appends it to the journal, under the shard
// lock. With no record (a duplicate), it returns the position of the
// account's latest record, so that the duplicate is answered only once the
// original is durable.
func (l *Ledger) commit(s *shard, a *account, rec *record) (pos, error) {
	if rec == nil {
		if a == nil {
			return 0, nil
		}
		return a.last, nil
	}
	if a == nil {
		a = newAccount(rec.Acct)
		s.accounts[rec.Acct] = a
	}
	s.enc = appendRecord(s.enc[:0], rec)
	if cap(s.enc) > 64<<10 {
		defer func() { s.enc = nil }() // one huge record: do not keep its buffer
	}
	p, err := l.log.Append(s.enc)
	if err != nil {
		return 0, jit.Errorf(jit.EINTERNAL, "journal append: %w", err)
	}
	a.apply(rec)
	a.last = p
	return p, nil
}

func (l *Ledger) wait(p pos) error {
	if p == 0 {
		return nil
	}
	if err := l.log.Wait(p); err != nil {
		return jit.Errorf(jit.EINTERNAL, "journal sync: %w", err)
	}
	return nil
}

// staysInRange reports whether applying rec keeps the account's ledger and
// pending balances inside what the wire can carry, so that no webhook, however
// large, can overflow a balance.
func (a *account) staysInRange(rec *record) bool {
	cur := a.key.Currency
	ledger := a.ledger + rec.Ledger
	if !fits(abs(rec.Ledger), cur) || !fits(abs(ledger), cur) {
		return false
	}
	if rec.Hold != nil {
		h := rec.Hold
		total := h.Auth + h.Released + h.Consumed + h.Debited
		for _, v := range h.Incr {
			total += v
		}
		if !fits(abs(total), cur) || !fits(abs(a.pending+h.open()), cur) {
			return false
		}
	}
	return true
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// fits reports whether minor units of cur stay well inside what a jit.Amount
// holds, with room for pending holds on top.
func fits(minor int64, cur string) bool {
	_, err := jit.FromMinor(minor*4, cur)
	return minor >= 0 && minor < math.MaxInt64/4 && err == nil
}

func checkKey(k Key) error {
	if k.Token == "" {
		return jit.Errorf(jit.EINVALID, "missing account token")
	}
	if _, err := jit.Exponent(k.Currency); err != nil || k.Currency == "" {
		return jit.Errorf(jit.EINVALID, "invalid currency %q", k.Currency)
	}
	return nil
}
