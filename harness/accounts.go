package harness

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/jitsim/jitsim/jit"
)

// ErrNoAccount means black-box mode has no unused pre-funded account with
// the balance a scenario starts from.
var ErrNoAccount = errors.New("no unused pre-funded account with that balance")

// AccountsFile is the black-box accounts file: accounts the team funded in
// its gateway before the run, each used by at most one scenario.
//
//	{"accounts": [{"user_token": "bb-001", "balance": "100.00"}, ...]}
type AccountsFile struct {
	Accounts []PrefundedAccount `json:"accounts"`
}

// PrefundedAccount is one account of an AccountsFile. Balance is what the
// gateway holds for it (available and ledger, nothing pending) in major
// units; Currency is USD when empty.
type PrefundedAccount struct {
	UserToken string `json:"user_token"`
	Currency  string `json:"currency,omitempty"`
	Balance   string `json:"balance"`
}

// ReadAccountsFile reads and checks an accounts file. It returns a
// *jit.Error with code EINVALID for a file that is not valid JSON, an account
// without a token or with a bad balance, or a token listed twice.
func ReadAccountsFile(path string) (*AccountsFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read accounts file: %w", err)
	}
	var f AccountsFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, jit.Errorf(jit.EINVALID, "accounts file %s: %v", path, err)
	}
	seen := map[string]bool{}
	for i, a := range f.Accounts {
		if a.UserToken == "" || len(a.UserToken) > 36 {
			return nil, jit.Errorf(jit.EINVALID, "accounts file %s: account %d needs a user_token of 1 to 36 characters", path, i+1)
		}
		if seen[a.UserToken] {
			return nil, jit.Errorf(jit.EINVALID, "accounts file %s: user_token %q listed twice", path, a.UserToken)
		}
		seen[a.UserToken] = true
		if _, err := parseMinor(a.Balance, currencyOr(a.Currency)); err != nil {
			return nil, jit.Errorf(jit.EINVALID, "accounts file %s: account %s: balance %q: %v", path, a.UserToken, a.Balance, err)
		}
	}
	if len(f.Accounts) == 0 {
		return nil, jit.Errorf(jit.EINVALID, "accounts file %s lists no accounts", path)
	}
	return &f, nil
}

// AccountPool hands out pre-funded accounts, each at most once. It is safe
// for concurrent use.
type AccountPool struct {
	mu   sync.Mutex
	free []PrefundedAccount
}

// NewAccountPool returns a pool of f's accounts.
func NewAccountPool(f *AccountsFile) *AccountPool {
	return &AccountPool{free: append([]PrefundedAccount(nil), f.Accounts...)}
}

// Claim takes an unused account holding exactly balance minor units of
// currency. It returns ErrNoAccount when there is none.
func (p *AccountPool) Claim(currency string, balance int64) (PrefundedAccount, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, a := range p.free {
		b, err := parseMinor(a.Balance, currencyOr(a.Currency))
		if err == nil && b == balance && currencyOr(a.Currency) == currency {
			p.free = append(p.free[:i], p.free[i+1:]...)
			return a, nil
		}
	}
	return PrefundedAccount{}, ErrNoAccount
}

// Remaining counts unclaimed accounts.
func (p *AccountPool) Remaining() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.free)
}

func currencyOr(c string) string {
	if c == "" {
		return jit.DefaultCurrency
	}
	return c
}
