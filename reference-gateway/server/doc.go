// Package server is the reference JIT funding gateway over HTTP: it wires
// the journal, the ledger and the GraphQL adapter together and serves
//
//	POST /jit       Marqeta's funding requests: 200 approves, 402 declines
//	POST /webhooks  transaction webhooks: 200 once every event is durable
//	POST /graphql   the harness adapter (design.md §4)
//	GET  /healthz   the process is up
//	GET  /readyz    the journal is loaded and the gateway takes traffic
//	GET  /metrics   Prometheus text
//
// translate.go is where Marqeta's message types and methods become ledger
// requests and events; everything about money lives in package ledger.
//
// Errors are *jit.Error values; jit.StatusCode maps them to HTTP statuses and
// writeError is the one place that writes an error body
// ({"error_code": "...", "error_message": "..."}).
package server
