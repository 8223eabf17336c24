// Package jit is Marqeta's Just-In-Time funding wire protocol: the transaction
// object Marqeta sends a gateway, the gateway's answer, the transaction
// webhook envelope, the method, decline-reason, type and state enums, the
// transaction response codes, and an exact decimal Amount for money on the
// wire. DecodeTransaction and DecodeWebhook decode request and webhook bodies
// strictly (one object, no duplicate keys) while ignoring unknown fields; a
// Decoder does the same checks but stores only the fields a gateway reads.
//
// Names, nesting and enums follow Marqeta's Core API (transaction_model,
// jit_funding_api, gpa_response, gateway_log_model, cardholder_balance). The
// package imports only the standard library, so any Go gateway can use it.
//
// Errors returned by this package, and shared by the rest of jitsim, are
// *Error values with a code (EINVALID, EUNAUTHORIZED, …); StatusCode maps a
// code to its HTTP status.
package jit
