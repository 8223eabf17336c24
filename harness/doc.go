// Package harness is the one implementation of the conformance steps'
// meaning: a World is a fake Marqeta (simulator.Engine on a seeded virtual
// clock) wired to a gateway under test, with methods for every network event
// the features name (authorize, clear, reverse, refund, expire, deliver
// webhooks, make the gateway slow or unreachable, send raw HTTP) and for every
// expectation (the network outcome, the HTTP status, the balances read through
// the gateway's adapter or, in black-box mode, by pgfs.balanceinquiry).
//
// The Gherkin steps in package features and the fixtures call the same
// methods, so "authorize then clear" means one thing everywhere. Nothing here
// depends on godog.
//
// Each World keeps a log of every message it sent and every answer it got;
// an expectation that fails returns an *ExpectationError carrying what was
// expected, what the gateway showed, and that log.
//
// Errors: actions return *jit.Error values (EINVALID for bad input such as an
// unparsable amount or an unknown reference) or wrapped transport and engine
// errors; ErrNoAccount when black-box mode has no pre-funded account for a
// scenario; *ExpectationError when the gateway did not do what was expected.
package harness
