package ledger

import "context"

// Key names an account: a user or business token and an ISO 4217 currency.
type Key struct {
	Token    string `json:"t"`
	Currency string `json:"c"`
}

// HoldState is where a hold is in its lifecycle.
type HoldState string

// Hold states, as the adapter's HoldState enum spells them.
const (
	Open     HoldState = "OPEN"
	Cleared  HoldState = "CLEARED"
	Released HoldState = "RELEASED"
	Expired  HoldState = "EXPIRED"
)

// Kind is what a funding request asks of the ledger.
type Kind uint8

// Decision kinds.
const (
	Authorize Kind = iota + 1 // place a hold (pgfs.authorization and its dual-message variants)
	Increment                 // raise an existing hold (pgfs.authorization.incremental)
	Capture                   // debit at once (pgfs.auth_plus_capture, single-message PIN debit / ATM)
	Inquiry                   // answer balances (pgfs.balanceinquiry)
	Verify                    // zero-amount account verification
)

// Request is one decision the gateway must take synchronously.
type Request struct {
	Kind     Kind
	Account  Key
	JITToken string // the funding request's jit_funding.token: decisions are idempotent on it
	TxnToken string // the transaction token
	RootJIT  string // original_jit_funding_token (incrementals)
	RefTxn   string // preceding_related_transaction_token (incrementals)
	Amount   int64  // minor units, ≥ 0
	MCC      string
	// Partial allows approving less than Amount when funds are short
	// (pos.partial_approval_capable).
	Partial bool
	// Day is the message's calendar day (YYYY-MM-DD), for per-day counts.
	Day string
}

// Answer is a decision. Approved answers carry the approved amount (less than
// the request's for a partial approval); declines carry a decline reason
// from jit.DeclineReasons.
type Answer struct {
	Approved bool
	Amount   int64
	Reason   string
	Balance  Balance // the account's balances after the decision
}

// EventKind is what a webhook event does to the ledger.
type EventKind uint8

// Event kinds.
const (
	AuthApproved  EventKind = iota + 1 // authorization approved by the gateway or stood in: open the hold if unseen
	AuthDeclined                       // DECLINED or timed out: release what the gateway held
	IncrApproved                       // incremental approved: raise the hold if unseen
	IncrDeclined                       // incremental declined or timed out: undo the increment
	Advice                             // partial release by an advice: hold −= Amount (the released delta)
	Clear                              // clearing: ledger moves; hold released (final) or consumed (non-final)
	Reverse                            // reversal: hold −= Amount, or released when Final
	Expire                             // issuer expiration: hold released
	DebitApproved                      // single-message debit approved or stood in: debit if unseen
	DebitDeclined                      // single-message debit declined or timed out: refund what was debited
	Post                               // money posted with no hold: refunds (+), force posts (−)
)

// Event is one webhook event, already interpreted. Token is the event's
// transaction token: an event is applied at most once per token.
type Event struct {
	Kind     EventKind
	Account  Key
	Token    string
	JITToken string // this event's jit_funding.token, if any
	RootJIT  string // original_jit_funding_token, if any
	RefTxn   string // preceding_related_transaction_token, if any
	Amount   int64  // minor units ≥ 0: hold amounts, released deltas
	Movement int64  // signed ledger movement in minor units (Clear, Post, Debit*)
	Final    bool   // Clear: final clearing; Reverse: full reversal
}

// Balance is an account's balances in minor units.
type Balance struct {
	Ledger    int64
	Pending   int64
	Available int64
}

// HoldView is a hold as the adapter shows it.
type HoldView struct {
	JITToken         string
	TransactionToken string
	Amount           int64
	State            HoldState
}

// View is an account's balances and holds.
type View struct {
	Key
	Balance
	Holds []HoldView
}

// Store is what the gateway's handlers need from a ledger. Every method
// returns only after its effect is durable; every method is idempotent on
// its token (JIT token, event token, idempotency key).
type Store interface {
	// Decide takes a funding decision. Errors are I/O failures (EINTERNAL)
	// or EINVALID for a malformed request; a decline is not an error.
	Decide(ctx context.Context, r Request) (Answer, error)
	// Apply books one webhook event. Applied reports false for a duplicate.
	Apply(ctx context.Context, e Event) (applied bool, err error)
	// Credit funds an account once per idempotency key. A key reused with
	// other arguments is ECONFLICT; amount ≤ 0 is EINVALID.
	Credit(ctx context.Context, k Key, amount int64, idempotencyKey string) (View, error)
	// Account reads an account; ENOTFOUND when it has never been funded or
	// touched.
	Account(ctx context.Context, k Key) (View, error)
}
