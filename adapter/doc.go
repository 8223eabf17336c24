// Package adapter is the gateway adapter of design.md section 4: the small
// GraphQL API through which the jitsim harness funds and reads the accounts
// of a gateway under test. It has both sides:
//
//   - the server: NewHandler (HTTP) and Execute (in-process) serve Schema over
//     any gateway's ledger through the Ledger interface; the reference gateway
//     mounts NewHandler at POST /graphql, and other Go gateways can do the same
//     over their own ledgers;
//   - the client: Client, which the harness uses against any gateway's adapter
//     and which validates every query against Schema before sending it.
//
// # Schema
//
// Schema (schema.graphql) is design.md's schema with the optional
// Account.holds, plus one extension: Query.account takes an optional
// currency, "USD" by default, so the design's account(token:) query still
// validates. Decimal values are JSON strings in major units, exact: the
// adapter prints them from minor units with the currency's exponent ("12.30")
// and never goes through float64.
//
// # Execution
//
// gqlparser parses and validates (the default rule set); a small executor
// here runs the validated document: queries and mutations (mutation fields
// one after the other, in order), operationName, variables coerced by
// gqlparser's validator.VariableValues, aliases, named and inline fragments,
// @skip and @include, __typename on every object, and introspection
// (__schema and __type, answered from the schema). @defer is accepted and
// ignored: deferred fragments come back in the single response. There are no
// subscriptions. Parsed and validated documents are cached by query text (a
// small LRU), since a harness sends the same few queries over and over.
//
// Arguments and errors:
//
//   - An unknown account is a null account with no error, so a harness can
//     tell "no such account" from a failure.
//   - Decimal arguments must be strings holding a JSON number without
//     exponent ("12.34"; not "1e3", "+1", "01" or a JSON number), positive,
//     and exact in the currency: "1.005" is not a USD amount, "1.500" is 150
//     cents. A bad Decimal, an unknown currency, or an empty or over-long
//     token or idempotency key (1 to 255 bytes) is a field error with code
//     BAD_USER_INPUT, and the ledger is not called. Decimal is checked when
//     the field runs, not when variables are coerced, so a bad Decimal gives
//     the same field error whether it came as a literal or a variable. An
//     explicit null currency means USD.
//   - Ledger errors are field errors with the jit code mapped: jit.ENOTFOUND
//     to NOT_FOUND, jit.ECONFLICT to CONFLICT, jit.EINVALID to BAD_USER_INPUT
//     (each with the error's client-safe message), anything else to
//     INTERNAL_SERVER_ERROR with the message "internal error" and no detail.
//     Field errors null the nearest nullable parent, per the spec: a failed
//     account is a null account, a failed credit (non-null) nulls data and,
//     as in graphql-js, the mutation's later fields are not executed.
//   - Request errors come back without data: syntax errors (with locations)
//     as GRAPHQL_PARSE_FAILED, validation errors as GRAPHQL_VALIDATION_FAILED,
//     a missing or unknown operationName as OPERATION_RESOLUTION_FAILURE,
//     bad variables as BAD_USER_INPUT.
//   - Limits: a query of more than MaxTokens tokens is a syntax error; a
//     request that would resolve more than MaxFields fields gets null data
//     and one QUERY_TOO_COMPLEX error.
//
// # HTTP
//
// NewHandler follows the GraphQL-over-HTTP convention for application/json
// responses: every well-formed request is answered 200 with a JSON body
// {"data", "errors"}, request errors such as syntax and validation errors
// included. A request that is not a well-formed GraphQL request is answered
// with a status and a JSON body of the same shape whose one error has a code:
//
//   - 405 METHOD_NOT_ALLOWED, with Allow: POST, for any method but POST (GET
//     queries are not supported);
//   - 415 UNSUPPORTED_MEDIA_TYPE when Content-Type is not application/json
//     (charset, if given, must be utf-8);
//   - 413 PAYLOAD_TOO_LARGE for a body over the limit (WithMaxBodyBytes,
//     DefaultMaxBodyBytes by default);
//   - 400 BAD_REQUEST for a body that is not one JSON object, or whose
//     "query" is missing or not a string, or whose "variables" is not an
//     object.
//
// Responses are always application/json, whatever the Accept header says.
// Authentication is not done here: the caller wraps the handler in its own
// middleware (the reference gateway's Basic auth).
package adapter
