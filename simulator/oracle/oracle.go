package oracle

import (
	"cmp"
	"hash/fnv"
	"slices"
	"sync"
	"time"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator"
)

// Key names an account: the business token of a business card, else the
// user token, and a currency.
type Key struct {
	Account  string `json:"account"`
	Currency string `json:"currency"`
}

// Balance is an account's balances in minor units of its currency:
// Available = Ledger − Pending.
type Balance struct {
	Available int64 `json:"available"`
	Ledger    int64 `json:"ledger"`
	Pending   int64 `json:"pending"`
}

// Options tune an Oracle. The zero value is design.md §3 as written.
type Options struct {
	// KeepRemainder is the named policy "sample-gateway remainder": a final
	// clearing below the hold keeps the difference held until the
	// authorization expires, as Marqeta's own sample gateway does, instead
	// of releasing it. Off by default.
	KeepRemainder bool
	// HistoryLimit keeps only the last HistoryLimit entries of each
	// account's history (0: all of them), to bound memory in long runs.
	HistoryLimit int
	// LaggedWebhooks relaxes the "no approval beyond available" invariant
	// for runs whose webhooks may reach the gateway late (endpoint down,
	// delayed delivery): debits the gateway learns of only by webhook
	// (force posts, clearing above the hold, stand-in approvals) are not
	// counted against an approval, since the gateway may not know of them
	// yet. Without it the check is exact when every webhook is delivered
	// before the next decision on the account.
	LaggedWebhooks bool
	// DedupeWindow bounds duplicate detection to the last DedupeWindow
	// transaction tokens observed (0: all of them, 16 bytes and a map entry
	// each), for flat memory in long runs. A duplicate arrives right after
	// its original, if ever, so a window of 1<<20 loses nothing in practice.
	DedupeWindow int
}

// Entry is one message that touched an account, in the order observed.
type Entry struct {
	At        time.Time `json:"at"`
	Kind      string    `json:"kind"` // "jit" (an exchange), "webhook" (a finished transaction) or "fund"
	Type      string    `json:"type,omitempty"`
	Method    string    `json:"method,omitempty"`
	State     string    `json:"state,omitempty"`
	Token     string    `json:"token,omitempty"` // transaction token, or the idempotency key of a fund
	JITToken  string    `json:"jit_token,omitempty"`
	Preceding string    `json:"preceding,omitempty"`
	Amount    int64     `json:"amount"`            // minor units
	Effect    string    `json:"effect"`            // what the oracle booked: "hold +4217", "ledger -500", "none", "duplicate"
	Outcome   string    `json:"outcome,omitempty"` // the JIT outcome kind; a stand-in as "standin:COMMANDO_AUTO"
}

type account struct {
	ledger, pending int64
	// conservation: ledger must equal funded − debited + credited.
	funded, debited, credited int64
	// forced sums the debits the gateway learns of only by webhook.
	forced  int64
	history []Entry
}

// chain is an authorization and its follow-ups, keyed by the
// authorization's transaction token and JIT token.
type chain struct {
	key      Key
	authSeen bool
	hold     int64
	final    bool // final clearing seen under KeepRemainder
	keys     []string
	buffered []followUp // hold effects observed before the authorization
}

type digest [16]byte

func digestOf(s string) digest {
	h := fnv.New128a()
	h.Write([]byte(s))
	var d digest
	h.Sum(d[:0])
	return d
}

type fund struct {
	key   Key
	minor int64
}

// Oracle is the expected ledger. It is safe for concurrent use.
type Oracle struct {
	opts Options

	mu         sync.Mutex
	accounts   map[Key]*account
	chains     map[string]*chain
	seen       map[digest]struct{} // webhook transaction tokens, and "jit:"+JIT tokens
	ring       []digest            // with DedupeWindow: seen tokens, oldest first from next
	next       int
	funds      map[string]fund // idempotency key → credit
	violations []Violation
	// money conserved across accounts
	totalFunded, totalDebited, totalCredited int64
}

// New returns an oracle with no accounts.
func New(opts Options) *Oracle {
	return &Oracle{
		opts:     opts,
		accounts: map[Key]*account{},
		chains:   map[string]*chain{},
		seen:     map[digest]struct{}{},
		funds:    map[string]fund{},
	}
}

// markSeen remembers d, forgetting the oldest past DedupeWindow. o.mu held.
func (o *Oracle) markSeen(d digest) {
	o.seen[d] = struct{}{}
	n := o.opts.DedupeWindow
	if n <= 0 {
		return
	}
	if len(o.ring) < n {
		o.ring = append(o.ring, d)
		return
	}
	delete(o.seen, o.ring[o.next])
	o.ring[o.next] = d
	o.next = (o.next + 1) % n
}

// acct returns k's account, creating it. o.mu held.
func (o *Oracle) acct(k Key) *account {
	a, ok := o.accounts[k]
	if !ok {
		a = &account{}
		o.accounts[k] = a
	}
	return a
}

// record appends e to k's history. o.mu held.
func (o *Oracle) record(k Key, e Entry) {
	a := o.acct(k)
	a.history = append(a.history, e)
	if n := o.opts.HistoryLimit; n > 0 && len(a.history) > n {
		a.history = a.history[len(a.history)-n:]
	}
}

// Fund books a credit the harness made through the adapter: ledger +=
// minor. ref is the credit's idempotency key: a ref already booked is not
// booked again. A non-positive amount is recorded as a violation of kind
// ViolationBadMessage and not booked.
func (o *Oracle) Fund(k Key, minor int64, ref string) {
	k.Currency = cmp.Or(k.Currency, jit.DefaultCurrency)
	o.mu.Lock()
	defer o.mu.Unlock()
	e := Entry{Kind: "fund", Token: ref, Amount: minor}
	switch prev, dup := o.funds[ref]; {
	case dup && ref != "":
		e.Effect = "duplicate"
		if prev != (fund{k, minor}) {
			o.violate(Violation{Kind: ViolationBadMessage, Key: k, Token: ref, Detail: "idempotency key reused for another credit"})
		}
	case minor <= 0:
		e.Effect = "none"
		o.violate(Violation{Kind: ViolationBadMessage, Key: k, Token: ref, Detail: "fund of a non-positive amount"})
	default:
		if ref != "" {
			o.funds[ref] = fund{k, minor}
		}
		a := o.acct(k)
		a.ledger += minor
		a.funded += minor
		o.totalFunded += minor
		e.Effect = effect("ledger", minor)
	}
	o.record(k, e)
}

// Observe books one observation from simulator.Config.Observe: a finished
// transaction (Webhook set) per the package's semantics; a JIT exchange
// (Request and Outcome set) only goes into the history and the
// approval-beyond-available check.
func (o *Oracle) Observe(obs simulator.Observation) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if obs.Request != nil && obs.Outcome != nil {
		o.observeJIT(obs.At, obs.Request, obs.Outcome)
	}
	if obs.Webhook != nil {
		o.observeWebhook(obs.At, obs.Webhook)
	}
}

// Expected returns the balances a correct gateway holds for k (zero for an
// account the oracle never saw).
func (o *Oracle) Expected(k Key) Balance {
	o.mu.Lock()
	defer o.mu.Unlock()
	a, ok := o.accounts[k]
	if !ok {
		return Balance{}
	}
	return Balance{Available: a.ledger - a.pending, Ledger: a.ledger, Pending: a.pending}
}

// Keys returns every account the oracle has seen, sorted by account then
// currency.
func (o *Oracle) Keys() []Key {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.keysLocked()
}

// keysLocked is Keys. o.mu held.
func (o *Oracle) keysLocked() []Key {
	keys := make([]Key, 0, len(o.accounts))
	for k := range o.accounts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b Key) int {
		return cmp.Or(cmp.Compare(a.Account, b.Account), cmp.Compare(a.Currency, b.Currency))
	})
	return keys
}

// History returns every message that touched k, in the order observed (the
// last Options.HistoryLimit of them when a limit is set).
func (o *Oracle) History(k Key) []Entry {
	o.mu.Lock()
	defer o.mu.Unlock()
	if a, ok := o.accounts[k]; ok {
		return slices.Clone(a.history)
	}
	return nil
}

// keyOf is the account a transaction is about.
func keyOf(t *jit.Transaction) Key {
	acct := cmp.Or(t.BusinessToken, t.UserToken)
	cur := t.CurrencyCode
	if jf := t.JITFundingOf(); jf != nil {
		acct = cmp.Or(jf.BusinessToken, t.BusinessToken, jf.UserToken, t.UserToken)
	}
	if cur == "" && t.GPAOrder != nil {
		cur = t.GPAOrder.CurrencyCode
	}
	return Key{Account: acct, Currency: cmp.Or(cur, jit.DefaultCurrency)}
}
