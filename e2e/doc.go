// Package e2e holds end-to-end tests: the fake Marqeta (simulator) driving
// the reference gateway over HTTP, the way a customer's gateway is driven.
// It is the one place besides features/ and loadtest/ that uses both; the
// simulator and the gateway never import each other.
package e2e
