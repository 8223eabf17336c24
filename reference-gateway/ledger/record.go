package ledger

import "fmt"

// record is one journaled change to one account: the effects of a decision,
// an event, a credit or an expiry, never the inputs. apply turns a record
// into state, live and on replay alike, so replay needs no decisions.
type record struct {
	Acct   Key        `json:"a"`
	At     int64      `json:"at"`               // unix nanoseconds when applied
	Ledger int64      `json:"l,omitempty"`      // ledger delta, minor units
	Hold   *hold      `json:"h,omitempty"`      // the hold's whole new state
	Answer *answer    `json:"ans,omitempty"`    // a decision, kept under its JIT token
	Seen   string     `json:"seen,omitempty"`   // an event token now applied
	Credit *creditKey `json:"credit,omitempty"` // an idempotency key now used
	Day    string     `json:"day,omitempty"`    // the day whose approval count changed
	Count  int        `json:"count,omitempty"`  // that day's new count
}

// answer is a decision as it is replayed to a duplicate funding request.
type answer struct {
	JIT      string `json:"jit"`
	Approved bool   `json:"ok"`
	Amount   int64  `json:"amt"`
	Reason   string `json:"reason,omitempty"`
	At       int64  `json:"at"`
}

// creditKey is a used idempotency key and what it credited.
type creditKey struct {
	Key    string `json:"key"`
	Amount int64  `json:"amt"`
}

// check returns an error for a record that apply could not store
// faithfully: a hold state or a decline reason this version does not know
// (the account stores both as codes).
func (r *record) check() error {
	if r.Hold != nil && stateCode(r.Hold.State) == 0 {
		return fmt.Errorf("hold %q: unknown state %q", r.Hold.ID, r.Hold.State)
	}
	if r.Answer != nil {
		if _, ok := reasonCode(r.Answer.Reason); !ok {
			return fmt.Errorf("answer %q: unknown decline reason %q", r.Answer.JIT, r.Answer.Reason)
		}
	}
	return nil
}
