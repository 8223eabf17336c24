package adapter

import "context"

// Account is an account's balances in minor units of Currency (cents for
// USD), as a Ledger returns it: Available = Ledger - Pending. An empty Token
// or Currency is taken to be the one that was asked for.
type Account struct {
	Token     string
	Currency  string
	Available int64
	Ledger    int64
	Pending   int64
	Holds     []Hold
}

// Hold is a hold on an account, placed by a JIT authorization. Amount is in
// minor units of the account's currency; TransactionToken may be empty.
type Hold struct {
	JITToken         string
	TransactionToken string
	Amount           int64
	State            string // one of HoldOpen, HoldCleared, HoldReleased, HoldExpired
}

// Hold states, the values of the schema's HoldState enum.
const (
	HoldOpen     = "OPEN"
	HoldCleared  = "CLEARED"
	HoldReleased = "RELEASED"
	HoldExpired  = "EXPIRED"
)

// Ledger is what the adapter needs from a gateway's ledger. Its methods may be
// called concurrently. Errors should be *jit.Error values: the adapter maps
// jit.ENOTFOUND, jit.ECONFLICT and jit.EINVALID to the GraphQL codes
// NOT_FOUND, CONFLICT and BAD_USER_INPUT with the error's message, and
// anything else to INTERNAL_SERVER_ERROR with the message "internal error".
type Ledger interface {
	// Account returns the account, or an error with code jit.ENOTFOUND when
	// it does not exist.
	Account(ctx context.Context, token, currency string) (Account, error)

	// Credit adds amount (minor units, > 0) to the account, creating it if
	// needed, at most once per idempotencyKey: a repeated key with the same
	// token, currency and amount returns the current account without
	// crediting again; a repeated key with different arguments returns an
	// error with code jit.ECONFLICT. It returns only after the credit is
	// durable.
	Credit(ctx context.Context, token, currency string, amount int64, idempotencyKey string) (Account, error)
}
