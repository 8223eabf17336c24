package oracle

import (
	"fmt"
	"time"
)

// Violation kinds.
const (
	// ViolationOverApproval: the gateway approved more than was available
	// at decision time (stand-in and other network-forced events aside).
	ViolationOverApproval = "over_approval"
	// ViolationNotConserved: funding − debits + refunds differs from the
	// sum of ledgers (an oracle bug).
	ViolationNotConserved = "money_not_conserved"
	// ViolationPending: an account's pending differs from the sum of its
	// open holds (an oracle bug).
	ViolationPending = "pending_mismatch"
	// ViolationFinalHold: the gateway keeps a hold open that the oracle
	// has closed (final clearing, full reversal, expiry) or never opened.
	ViolationFinalHold = "hold_after_final"
	// ViolationHoldAmount: the gateway's open hold differs from the
	// oracle's for the same authorization.
	ViolationHoldAmount = "hold_amount"
	// ViolationBadMessage: a message the oracle could not book (an amount
	// not exact in its currency, a reused idempotency key).
	ViolationBadMessage = "bad_message"
)

// Violation is a broken invariant of design.md §3: a gateway bug or an
// oracle bug.
type Violation struct {
	Kind string `json:"kind"`
	Key
	Token  string    `json:"token,omitempty"`
	At     time.Time `json:"at,omitzero"`
	Detail string    `json:"detail"`
}

// violate records v. o.mu held.
func (o *Oracle) violate(v Violation) { o.violations = append(o.violations, v) }

// Check returns the violations recorded while observing (over-approvals,
// messages that could not be booked) followed by those of the oracle's own
// invariants, checked now: every account's ledger equals its funding −
// debits + refunds and their sum the totals (money conserved), and every
// account's pending equals the sum of its open holds. Holds the gateway
// keeps open past a final event are found by Reconcile, which reads them.
func (o *Oracle) Check() []Violation {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := append([]Violation(nil), o.violations...)
	holds := map[Key]int64{}
	seen := map[*chain]bool{}
	for _, c := range o.chains {
		if !seen[c] && c.authSeen {
			holds[c.key] += c.hold
		}
		seen[c] = true
	}
	var sum int64
	for _, k := range o.keysLocked() {
		a := o.accounts[k]
		sum += a.ledger
		if want := a.funded - a.debited + a.credited; a.ledger != want {
			out = append(out, Violation{Kind: ViolationNotConserved, Key: k,
				Detail: fmt.Sprintf("ledger %d but funded %d − debited %d + credited %d = %d", a.ledger, a.funded, a.debited, a.credited, want)})
		}
		if a.pending != holds[k] {
			out = append(out, Violation{Kind: ViolationPending, Key: k,
				Detail: fmt.Sprintf("pending %d but open holds sum to %d", a.pending, holds[k])})
		}
	}
	if want := o.totalFunded - o.totalDebited + o.totalCredited; sum != want {
		out = append(out, Violation{Kind: ViolationNotConserved,
			Detail: fmt.Sprintf("ledgers sum to %d but funded %d − debited %d + credited %d = %d", sum, o.totalFunded, o.totalDebited, o.totalCredited, want)})
	}
	return out
}

// openHolds returns the oracle's open holds by account, each by
// authorization token (transaction and JIT token alike). o.mu held.
func (o *Oracle) openHolds() map[Key]map[string]int64 {
	out := map[Key]map[string]int64{}
	for tok, c := range o.chains {
		if !c.authSeen || (c.final && c.hold == 0) {
			continue
		}
		if out[c.key] == nil {
			out[c.key] = map[string]int64{}
		}
		out[c.key][tok] = c.hold
	}
	return out
}
