// Package loadtest runs vegeta load against a JIT funding gateway and judges
// it against a latency SLA, honestly.
//
// Bodies are real JIT funding requests: a simulator.Engine builds them
// against an in-memory capturing transport (authorizations, incrementals
// that reference an earlier authorization, balance inquiries), seeded, and
// are served again with fresh tokens when a run needs more than were built.
// Cardholders are pre-funded through the gateway adapter (design.md §4) so
// approvals are real, or listed in an accounts file for black-box gateways.
//
// Latency is reported twice: vegeta's own (from the moment a worker sent the
// request) and corrected for coordinated omission (from the moment the pacer
// scheduled it). The SLA is judged on the corrected one; an answer later than
// the timeout is a decline, as Marqeta counts it.
//
// Errors are *jit.Error with code jit.EINVALID for bad options, SLA
// expressions, pacer specs and accounts files; other failures are wrapped
// with a short context.
package loadtest
