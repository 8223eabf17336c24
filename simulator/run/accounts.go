package run

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sync/atomic"

	"github.com/jitsim/jitsim/jit"
)

// Account is an account a gateway already holds, funded outside jitsim:
// black-box mode, for a gateway without the adapter. Its balances are read
// back by pgfs.balanceinquiry.
type Account struct {
	// Token is the user token the gateway keys the account by (≤ 36
	// characters); jitsim creates its user and card with it.
	Token string `json:"token"`
	// Balance is what the account holds before the run, in major units.
	Balance jit.Amount `json:"balance"`
}

// ReadAccounts reads a black-box accounts file: a JSON array of
// {"token": "user_1", "balance": "500.00"}. It returns a *jit.Error with code
// EINVALID for malformed JSON, an unknown field, an empty list, a missing or
// repeated token, or a balance that is negative or not exact in currency.
func ReadAccounts(r io.Reader, currency string) ([]Account, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var out []Account
	if err := dec.Decode(&out); err != nil {
		var je *jit.Error
		if errors.As(err, &je) {
			return nil, jit.Errorf(jit.EINVALID, "accounts: %s", je.Message)
		}
		return nil, jit.Errorf(jit.EINVALID, "accounts: %v", err)
	}
	if len(out) == 0 {
		return nil, jit.Errorf(jit.EINVALID, "accounts: the list is empty")
	}
	seen := map[string]bool{}
	for i, a := range out {
		if a.Token == "" || len(a.Token) > 36 || seen[a.Token] {
			return nil, jit.Errorf(jit.EINVALID, "accounts[%d]: token %q must be 1–36 characters and unique", i, a.Token)
		}
		seen[a.Token] = true
		if m, err := a.Balance.Minor(currency); err != nil || m < 0 {
			return nil, jit.Errorf(jit.EINVALID, "accounts[%d]: balance %s is not a non-negative %s amount", i, a.Balance, currency)
		}
	}
	return out, nil
}

// switchable sends through faulty while on, else through clean: the
// reconciliation's balance inquiries must not be faulted.
type switchable struct {
	on            atomic.Bool
	faulty, clean http.RoundTripper
}

func (s *switchable) RoundTrip(r *http.Request) (*http.Response, error) {
	if s.on.Load() {
		return s.faulty.RoundTrip(r)
	}
	return s.clean.RoundTrip(r)
}
