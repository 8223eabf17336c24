// Package oracle computes the ledger a correct gateway must hold (design.md
// §3) from the network-level outcome of every message, and reconciles it
// against what a gateway reports.
//
// # Feeding it
//
// Wire Oracle.Observe into simulator.Config.Observe and call Oracle.Fund for
// every credit the harness makes through the adapter. The oracle books only
// finished transactions (Observation.Webhook set), as the webhook carries
// them: type, state, amount, preceding_related_transaction_token, the
// multi-clearing fields and standin_approved_by. JIT exchanges
// (Observation.Request and Outcome set) move nothing; they are recorded in
// the account's history and used for the "no approval beyond available at
// decision time" invariant.
//
// # Semantics (design.md §3)
//
// Per account (business token, else user token, per currency): ledger,
// pending (the sum of open holds) and available = ledger − pending, in minor
// units.
//
//   - authorization (and its ATM, cashback, quasi-cash, stand-in and PIN
//     variants), not DECLINED or ERROR: opens a hold of its amount, keyed by
//     its transaction token and its JIT token. A stand-in approval
//     (standin_approved_by) is a hold like any other, even past available.
//     A declined or timed-out authorization books nothing, whatever the
//     gateway answered. A zero-amount authorization (account verification)
//     books nothing.
//   - authorization.incremental, approved: hold += amount.
//   - authorization.advice: hold := amount (the new total).
//   - authorization.clearing with a known authorization: ledger −= amount in
//     full (also above the hold: tips, fuel); a non-final clearing of a
//     multi-clearing lowers the hold by min(amount, hold); a final one
//     releases the rest, unless Options.KeepRemainder (Marqeta's sample
//     gateway), which only lowers it by min(amount, hold).
//   - authorization.clearing without a preceding authorization (force post):
//     ledger −= amount.
//   - authorization.reversal: hold −= min(amount, hold); state CLEARED (a full
//     reversal) releases it.
//   - authorization.reversal.issuerexpiration: the hold is released.
//   - pindebit (auth_plus_capture) and its ATM/cashback variants, approved:
//     ledger −= amount at once.
//   - refund (linked or not), refund.authorization.clearing, pindebit.refund,
//     pindebit.reversal: ledger += amount.
//   - balanceinquiry, account verification, anything else: nothing.
//   - A webhook whose transaction token was already observed (a duplicate)
//     is recorded in the history and applied once.
//
// # Order
//
// The engine calls Observe in network order (the order the network decided
// things), not in the order webhooks reach the gateway, so the faults that
// delay, duplicate or reorder webhook delivery do not change what the oracle
// expects. The oracle nevertheless tolerates a follow-up observed before its
// authorization: the follow-up's ledger effect applies at once, and its
// effect on the hold is kept and replayed when the authorization arrives.
//
// # Invariants
//
// Check reports over-approvals (an approval above the oracle's available at
// the moment the exchange was observed; stand-in and other network-forced
// events excepted), messages it could not book, and its own consistency
// (money conserved: funding − debits + refunds = Σ ledger; pending = Σ open
// holds). Reconcile adds, through a HoldReader, non-zero holds the gateway
// keeps open for an authorization that is final. The over-approval check
// is exact when every webhook reaches the gateway before its next decision
// on the account; runs that batch, delay or drop webhook delivery should
// set Options.LaggedWebhooks.
//
// # Memory
//
// Once a chain is closed (final clearing, full reversal, expiry) its state
// is dropped; what stays per transaction is a 16-byte digest of its token,
// for duplicate detection. Options.HistoryLimit bounds the history kept per
// account.
package oracle
