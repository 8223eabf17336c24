package loadtest

import (
	"encoding/json"
	"io"

	"github.com/jitsim/jitsim/jit"
)

// AccountsFile is the --accounts file for a black-box gateway: cardholders
// that already exist and are funded there. card_token is optional (a card
// is made up when missing; gateways decide on user_token).
//
//	{"accounts": [{"user_token": "u-1", "card_token": "c-1"}, {"user_token": "u-2"}]}
type AccountsFile struct {
	Accounts []Cardholder `json:"accounts"`
}

// ReadAccounts reads an AccountsFile. It returns jit.EINVALID for malformed
// JSON, unknown fields, no accounts, an empty, over-long (> 36) or repeated
// token.
func ReadAccounts(r io.Reader) ([]Cardholder, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var f AccountsFile
	if err := dec.Decode(&f); err != nil {
		return nil, jit.Errorf(jit.EINVALID, "accounts file: %s", err.Error())
	}
	if len(f.Accounts) == 0 {
		return nil, jit.Errorf(jit.EINVALID, "accounts file: no accounts")
	}
	seen := map[string]bool{}
	for i, a := range f.Accounts {
		for j, tok := range []string{a.UserToken, a.CardToken} {
			if j == 1 && tok == "" {
				continue // card_token is optional
			}
			if tok == "" || len(tok) > 36 {
				return nil, jit.Errorf(jit.EINVALID, "accounts file: account %d: token %q must be 1 to 36 characters", i+1, tok)
			}
			if seen[tok] {
				return nil, jit.Errorf(jit.EINVALID, "accounts file: account %d: token %q appears twice", i+1, tok)
			}
			seen[tok] = true
		}
	}
	return f.Accounts, nil
}
