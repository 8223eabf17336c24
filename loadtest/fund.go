package loadtest

import (
	"context"
	"crypto/rand"
	"fmt"
	"sort"

	"github.com/jitsim/jitsim/adapter"
	"github.com/jitsim/jitsim/jit"
)

// funder funds the cardholders through the adapter and keeps, per user,
// the ledger and pending the gateway should show if it booked exactly the
// approvals it answered (no clearings happen during load).
type funder struct {
	c      *adapter.Client
	p      *pool
	nonce  string
	n      int // attacks funded
	ledger map[string]int64
	pend   map[string]int64
}

func newFunder(o *Options, p *pool) *funder {
	return &funder{c: &adapter.Client{URL: o.AdapterURL, Username: o.Username, Password: o.Password}, p: p,
		nonce: rand.Text()[:12], ledger: map[string]int64{}, pend: map[string]int64{}}
}

// baseline reads every cardholder's balances before the run (an unknown
// account is zero).
func (f *funder) baseline(ctx context.Context) error {
	for _, h := range f.p.cardholders {
		a, err := f.c.Account(ctx, h.UserToken, jit.DefaultCurrency)
		switch {
		case jit.ErrorCode(err) == jit.ENOTFOUND:
			f.ledger[h.UserToken], f.pend[h.UserToken] = 0, 0
		case err != nil:
			return fmt.Errorf("read account %s: %w", h.UserToken, err)
		default:
			f.ledger[h.UserToken], f.pend[h.UserToken] = a.Ledger, a.Pending
		}
	}
	return nil
}

// need is what the next hits requests (from a cycle's start) can hold, per user: every
// authorization and incremental approved in full.
func (f *funder) need(hits uint64) map[string]int64 {
	size := uint64(len(f.p.t))
	out := map[string]int64{}
	if hits == 0 {
		return out
	}
	for i := range f.p.t {
		t := &f.p.t[i]
		if t.amount == 0 || t.method == MethodBalanceInquiry {
			continue
		}
		// occurrences of template i among the first hits of a cycle-aligned attack
		c := hits / size
		if uint64(i) < hits%size {
			c++
		}
		out[t.user] += int64(c) * t.amount
	}
	return out
}

// fund credits each cardholder what the next attack can hold, once (the
// idempotency key names the run and the attack).
func (f *funder) fund(ctx context.Context, hits uint64) error {
	f.n++
	need := f.need(hits)
	users := make([]string, 0, len(need))
	for u := range need {
		users = append(users, u)
	}
	sort.Strings(users)
	for _, u := range users {
		if need[u] <= 0 {
			continue
		}
		key := fmt.Sprintf("jitsim-load-%s-%d-%s", f.nonce, f.n, u)
		if _, err := f.c.Credit(ctx, u, jit.DefaultCurrency, need[u], key); err != nil {
			return fmt.Errorf("fund %s: %w", u, err)
		}
		f.ledger[u] += need[u]
	}
	return nil
}

// Reconciliation is the ledger check after a run.
type Reconciliation struct {
	OK              bool    `json:"ok"`
	AccountsChecked int     `json:"accounts_checked"`
	DriftAccounts   int     `json:"drift_accounts"`
	ApprovedHolds   int     `json:"approved_holds"`
	ApprovedAmount  int64   `json:"approved_amount"` // minor units
	Uncertain       int     `json:"uncertain"`       // requests without a usable answer that could hold money
	LateHolds       int     `json:"late_holds"`      // of those, authorizations the gateway did hold (approved after the timeout)
	LateAmount      int64   `json:"late_amount"`
	Unverifiable    int64   `json:"unverifiable"`    // minor units pending may exceed the approvals by: uncertain incrementals (and, without Account.holds, all uncertain requests)
	Drift           []Drift `json:"drift,omitempty"` // the first 20
	Note            string  `json:"note,omitempty"`
}

// Drift is one account whose balances differ from the expected ones.
type Drift struct {
	User         string `json:"user_token"`
	WantLedger   int64  `json:"want_ledger"`
	GotLedger    int64  `json:"got_ledger"`
	WantPending  int64  `json:"want_pending"` // the least pending expected
	MaxPending   int64  `json:"max_pending"`  // the most (when some requests are uncertain)
	GotPending   int64  `json:"got_pending"`
	GotAvailable int64  `json:"got_available"`
}

// reconcile checks, for every cardholder, that ledger is what was funded,
// available = ledger − pending, and pending is the baseline plus the
// approved holds, plus what the gateway may have booked for requests
// without a usable answer (Marqeta declined those and would tell the
// gateway with a timed_out webhook):
//   - an authorization that timed out is looked up by its JIT token among
//     the account's holds (when the adapter serves Account.holds): found
//     open, its amount is expected; not found, nothing is;
//   - an incremental that timed out raises its authorization's hold, which
//     cannot be told apart from the rest: pending may exceed the expected
//     by at most its amount.
func (f *funder) reconcile(ctx context.Context, approved, uncertain []hold) (*Reconciliation, error) {
	rec := &Reconciliation{ApprovedHolds: len(approved), Uncertain: len(uncertain)}
	want := map[string]int64{}
	for u, p := range f.pend {
		want[u] = p
	}
	for _, h := range approved {
		want[h.user] += h.amount
		rec.ApprovedAmount += h.amount
	}
	withHolds := false
	if len(uncertain) > 0 {
		ok, err := f.c.HasHolds(ctx)
		if err != nil {
			return nil, fmt.Errorf("reconcile: %w", err)
		}
		withHolds = ok
		if !ok {
			rec.Note = "the adapter serves no holds: pending may exceed the approvals by at most the uncertain requests"
		}
	}
	late := map[string]map[string]int64{} // user → JIT token of an uncertain authorization → amount
	slack := map[string]int64{}
	for _, h := range uncertain {
		if withHolds && !h.incremental {
			if late[h.user] == nil {
				late[h.user] = map[string]int64{}
			}
			late[h.user][h.token] = h.amount
			continue
		}
		slack[h.user] += h.amount
		rec.Unverifiable += h.amount
	}
	users := make([]string, 0, len(f.ledger))
	for u := range f.ledger {
		users = append(users, u)
	}
	sort.Strings(users)
	for _, u := range users {
		var a *adapter.Account
		var err error
		if len(late[u]) > 0 {
			a, err = f.c.AccountWithHolds(ctx, u, jit.DefaultCurrency)
		} else {
			a, err = f.c.Account(ctx, u, jit.DefaultCurrency)
		}
		if jit.ErrorCode(err) == jit.ENOTFOUND && f.ledger[u] == 0 && want[u] == 0 {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reconcile %s: %w", u, err)
		}
		rec.AccountsChecked++
		lo := want[u]
		for _, h := range a.Holds {
			if amt, ok := late[u][h.JITToken]; ok && h.State == adapter.HoldOpen {
				lo += amt
				rec.LateHolds++
				rec.LateAmount += amt
			}
		}
		hi := lo + slack[u]
		if a.Ledger != f.ledger[u] || a.Pending < lo || a.Pending > hi || a.Available != a.Ledger-a.Pending {
			rec.DriftAccounts++
			if len(rec.Drift) < 20 {
				rec.Drift = append(rec.Drift, Drift{User: u, WantLedger: f.ledger[u], GotLedger: a.Ledger, WantPending: lo, MaxPending: hi, GotPending: a.Pending, GotAvailable: a.Available})
			}
		}
	}
	rec.OK = rec.DriftAccounts == 0
	return rec, nil
}
