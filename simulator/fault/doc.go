// Package fault injects the faults of a traffic profile into the fake
// Marqeta: each fault is a small type in its own file with a probability,
// its own seeded *rand.Rand and counters, and Set composes them into the
// hooks the engine takes (an http.RoundTripper for JIT calls, another for
// webhook POSTs, the dispatcher's Intercept, and Around for Commando Mode).
//
// The faults, their trigger unit, and what a correct gateway must do:
//
//	gateway_timeout   per JIT request  forwarded, then the answer is lost as
//	                                   too late: the network declines
//	                                   (OutcomeTimeout). The gateway may have
//	                                   booked a hold; it must release it when
//	                                   the webhook says DECLINED with
//	                                   gateway_log.timed_out true.
//	connection_error  per JIT request  not forwarded; a refused connection
//	                                   (OutcomeConnectionError). Nothing to
//	                                   undo; the declined webhook must book
//	                                   nothing.
//	gateway_5xx       per JIT request  forwarded, the answer replaced by a 500
//	                                   (OutcomeApplicationError): as for a
//	                                   timeout, release any hold on the
//	                                   DECLINED webhook.
//	jit_resend        per JIT request  the identical request sent twice; the
//	                                   gateway must answer both identically
//	                                   (status and body) and book once.
//	webhook_down      per webhook POST while up: the endpoint is down for
//	                                   webhook_down_for on the simulator's
//	                                   clock (503s, not reached); the
//	                                   dispatcher retries. Nothing is lost if
//	                                   the gateway applies late events.
//	webhook_duplicate per batch        the batch POSTed twice; answer 200 to
//	                  (and per retry)  both and apply its events once.
//	webhook_reorder   per flush of ≥2  batches shuffled within
//	                  batches          reorder_window, events within each
//	                                   batch shuffled; reach the same ledger
//	                                   in any order (a clearing may precede
//	                                   its authorization's webhook).
//	commando_standin  per JIT-bearing  manual Commando Mode on for the event:
//	                  network event    the gateway is not called, the network
//	                                   approves (COMMANDO_MANUAL); book the
//	                                   approval from the webhook, even past
//	                                   the available balance.
//
// Determinism: with a probability of 0 a fault never draws; above 0 it
// draws exactly once per trigger unit, from a stream seeded by the run's
// seed and its name, so faults do not disturb one another's streams. A JIT
// request gets at most one of connection_error, timeout and 5xx, in that
// precedence (see JITTransport); Stats counts a fault's opportunities only
// where it could take effect.
//
// A nil *Set injects nothing, so a runner may wire its hooks always.
//
// Duplicates need both hooks: Intercept marks a batch and WebhookTransport
// sends its body twice, back to back (see Duplicate).
package fault
