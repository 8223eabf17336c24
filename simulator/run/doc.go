// Package run is the wiring that `jitsim run` and `jitsim demo` share: it
// builds a fake Marqeta (simulator.Engine on a virtual clock) pointed at a
// gateway, issues one card per cardholder of a traffic profile, funds every
// account through the gateway's adapter and tells the oracle, wires the
// profile's faults into the engine's HTTP client and webhook dispatcher,
// plays the generator's flows in virtual-time order at the profile's rate,
// drains the webhooks, reconciles every account through the oracle, and
// returns a Report.
//
// The default mode drives everything from one goroutine, so the same seed,
// profile and version give a byte-identical transcript. Real-time figures
// (decision latency, achieved rate) go in the Report only, never in the
// transcript. Config.Workers > 1 plays the traffic in concurrent, independent
// lanes (see lanes.go) for speed; each lane replays the same for a seed, the
// run as a whole is not byte-identical. Runs above LargeRun transactions
// bound their memory (Config.Retain).
//
// Run returns ErrDrift (wrapped) with a complete report when an account
// drifts or an invariant breaks; a command maps it to exit status 1. Other
// errors are fatal: bad configuration (*jit.Error with code EINVALID), a
// gateway that cannot be set up or funded, a cancelled context.
package run
