package adapter

import (
	"fmt"
	"strings"

	"github.com/jitsim/jitsim/jit"
)

// holdValue is a Hold with the currency of its account, for its amount.
type holdValue struct {
	hold     Hold
	currency string
}

// resolve returns the raw value of field name of src, an object of type
// typeName: leaves as their JSON value, objects as the src of their type,
// lists as []any, null as an untyped nil.
func (e *executor) resolve(typeName string, src any, name string, args map[string]any) (any, error) {
	switch typeName {
	case "Query":
		switch name {
		case "account":
			return e.account(args)
		case "__schema":
			return introSchema{}, nil
		case "__type":
			return e.typeByName(args)
		}
	case "Mutation":
		if name == "credit" {
			return e.credit(args)
		}
	case "Account":
		if a, ok := src.(*Account); ok {
			return resolveAccount(a, name)
		}
	case "Hold":
		if h, ok := src.(*holdValue); ok {
			return resolveHold(h, name)
		}
	default:
		if strings.HasPrefix(typeName, "__") {
			return e.introspect(src, name, args)
		}
	}
	return nil, fmt.Errorf("no resolver for %s.%s", typeName, name)
}

// account resolves Query.account; an unknown account is null, not an error.
func (e *executor) account(args map[string]any) (any, error) {
	token, err := idArg(args, "token")
	if err != nil {
		return nil, err
	}
	currency, err := currencyArg(args)
	if err != nil {
		return nil, err
	}
	acc, err := e.ledger.Account(e.ctx, token, currency)
	if jit.ErrorCode(err) == jit.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return fill(acc, token, currency), nil
}

// credit resolves Mutation.credit; the ledger is called only with valid
// arguments.
func (e *executor) credit(args map[string]any) (any, error) {
	token, err := idArg(args, "token")
	if err != nil {
		return nil, err
	}
	key, err := idArg(args, "idempotencyKey")
	if err != nil {
		return nil, err
	}
	currency, err := currencyArg(args)
	if err != nil {
		return nil, err
	}
	amount, err := amountArg(args, "amount", currency)
	if err != nil {
		return nil, err
	}
	acc, err := e.ledger.Credit(e.ctx, token, currency, amount, key)
	if err != nil {
		return nil, err
	}
	return fill(acc, token, currency), nil
}

func fill(acc Account, token, currency string) *Account {
	if acc.Token == "" {
		acc.Token = token
	}
	if acc.Currency == "" {
		acc.Currency = currency
	}
	return &acc
}

func resolveAccount(a *Account, name string) (any, error) {
	switch name {
	case "token":
		return a.Token, nil
	case "currency":
		return a.Currency, nil
	case "available":
		return money(a.Available, a.Currency)
	case "ledger":
		return money(a.Ledger, a.Currency)
	case "pending":
		return money(a.Pending, a.Currency)
	case "holds":
		holds := make([]any, len(a.Holds))
		for i := range a.Holds {
			holds[i] = &holdValue{hold: a.Holds[i], currency: a.Currency}
		}
		return holds, nil
	}
	return nil, fmt.Errorf("no resolver for Account.%s", name)
}

func resolveHold(h *holdValue, name string) (any, error) {
	switch name {
	case "jitToken":
		return h.hold.JITToken, nil
	case "transactionToken":
		if h.hold.TransactionToken == "" {
			return nil, nil
		}
		return h.hold.TransactionToken, nil
	case "amount":
		return money(h.hold.Amount, h.currency)
	case "state":
		return h.hold.State, nil
	}
	return nil, fmt.Errorf("no resolver for Hold.%s", name)
}
