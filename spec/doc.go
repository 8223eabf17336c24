// Package spec is Marqeta's Core API description (CoreAPI.yaml, OpenAPI
// 3.0.3), embedded in the binary, with a loader for its schemas and paths
// and a validator that checks JSON documents against its schemas.
//
// jitsim stands in for Marqeta in front of real clients and gateways, so
// every message it sends must use Marqeta's exact field names, types and
// enum values. Validate checks a document against a schema of
// components.schemas (transaction_model, jit_program_response, …): unknown
// field names, wrong JSON types, enum values, maxLength, date-time formats
// and, optionally, required fields.
//
// The YAML is read by a small hand-written parser that covers what the file
// uses (block mappings and sequences, plain, quoted and block scalars, flow
// collections); the package imports only the standard library. Load parses
// the embedded file once, on first use.
//
// The embedded CoreAPI.yaml is a verbatim copy of the repository's shared
// marqeta/CoreAPI.yaml; a test fails when the two differ.
package spec
