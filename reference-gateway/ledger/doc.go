// Package ledger is the reference gateway's in-process ledger: per account
// and currency a settled ledger balance, open holds (pending), and
// available = ledger − pending, with Marqeta's two-phase hold lifecycle
// (authorize → increment / advice → clear, reverse, expire).
//
// The gateway layer translates Marqeta messages into the small, protocol-free
// requests of this package (Request for decisions, Event for webhooks, Credit
// for funding); a shared store for several gateway replicas can implement the
// same Store interface.
//
// Durability: every change is expressed as a record of its effects (new hold
// state, ledger delta, tokens seen), applied in memory under the account's
// shard lock and appended to the journal under the same lock, so the journal
// holds each account's changes in the order they were applied. Callers get an
// answer only after the journal has fsynced that record (group commit).
// Replaying the records rebuilds the same state, without deciding anything
// again.
//
// Order independence: a hold's open amount is derived from order-free sums
// (authorized + increments − releases − consumed by non-final clearings,
// clamped at zero) and a sticky closed state, so webhooks delivered out of
// order or twice leave the same balances as in-order delivery.
package ledger
