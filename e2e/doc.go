// Package e2e holds end-to-end tests: the fake Marqeta (simulator) driving
// the reference gateway over HTTP, the way a customer's gateway is driven.
// The sample scenarios use the sandbox only as Marqeta's own sample client
// uses Marqeta's: its /v3 REST API over net/http and JSON, from setting the
// program up to every simulation. It is the one place besides features/
// and loadtest/ that uses both; the simulator and the gateway never import
// each other.
package e2e
