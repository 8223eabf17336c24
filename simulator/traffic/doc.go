// Package traffic is jitsim's seeded traffic generator: a profile (rate,
// count or duration, cardholders and their starting balances, a scenario mix
// by weight, amount and delay distributions, faults) becomes a stream of
// flows. A flow is one scenario instance on one cardholder — a grocery
// authorization and its clearing two days later, a hotel stay with its
// incrementals, a refund after a clearing — as a list of steps at
// virtual-time offsets. Steps act on a simulator.Engine (Flow.Exec); a
// follow-up of an authorization the network declined is skipped, as the
// network would.
//
// Everything random comes from the profile's seed: the same seed, profile and
// version give the same flows, merchants and names (gofakeit is seeded per
// generator and used from one goroutine). Money is int64 minor units.
//
// Errors are *jit.Error values with code EINVALID naming the profile field at
// fault; engine errors from Exec are wrapped with the step that failed.
package traffic
