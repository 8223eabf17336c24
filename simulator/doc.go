// Package simulator is jitsim's fake Marqeta: card products, users, cards,
// program gateway funding sources, webhooks and Commando Mode in memory, and
// the transaction engine that builds every message as Marqeta builds it,
// calls the gateway's JIT endpoint under timeout_millis, decides the network
// outcome (approve, decline, partial approval, stand-in), and queues the
// transaction webhook.
//
// The engine is deterministic: tokens come from a seeded generator and times
// from the injected clock (simulator/clock), so the same seed and the same
// calls produce the same messages byte for byte.
//
// Errors are *jit.Error values: EINVALID for bad input, ENOTFOUND for an
// unknown token, ECONFLICT for a duplicate token.
package simulator
