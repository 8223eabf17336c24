package simulator

import (
	"encoding/json"

	"github.com/jitsim/jitsim/jit"
)

// cloneTxn deep-copies a transaction, so callers and the dispatcher never
// share memory with the engine's records.
func cloneTxn(t *jit.Transaction) *jit.Transaction {
	data, err := json.Marshal(t)
	if err != nil {
		panic("simulator: transaction does not encode: " + err.Error())
	}
	var c jit.Transaction
	if err := json.Unmarshal(data, &c); err != nil {
		panic("simulator: transaction does not decode: " + err.Error())
	}
	return &c
}
