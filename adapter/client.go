package adapter

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/jitsim/jitsim/jit"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator"
)

// Client talks to any gateway's adapter. Every query it sends is first
// validated against Schema with gqlparser, so a bug in the harness is caught
// before it reaches the gateway. It sends the currency argument of
// Query.account only for a currency other than USD, so it also works with a
// gateway that serves exactly the schema of design.md. A Client is safe for
// concurrent use.
//
// Its methods return *jit.Error values: jit.ENOTFOUND, jit.ECONFLICT and
// jit.EINVALID for the adapter's NOT_FOUND, CONFLICT and BAD_USER_INPUT (and
// for parse or validation errors), jit.EUNAUTHORIZED for HTTP 401 and 403,
// jit.EINVALID for a response that does not fit the schema or a query the
// Client refuses to send, and jit.EINTERNAL for anything else, transport
// errors included. A GraphQL error is wrapped: errors.As(err, &adapter.Error{})
// gives its code.
type Client struct {
	URL      string       // the adapter's URL, such as http://127.0.0.1:8080/graphql
	Username string       // Basic auth, sent when Username or Password is set
	Password string       //
	HTTP     *http.Client // nil means http.DefaultClient
}

// maxResponseBytes bounds a response the Client reads.
const maxResponseBytes = 8 << 20

const accountFields = `token currency available ledger pending`
const holdFields = ` holds { jitToken transactionToken amount state }`

var (
	accountQueries = map[[2]bool]string{} // by {holds, currency}
	creditQuery    = `mutation JitsimCredit($token: ID!, $amount: Decimal!, $currency: String!, $key: ID!) ` +
		`{ credit(token: $token, amount: $amount, currency: $currency, idempotencyKey: $key) { ` + accountFields + ` } }`
	holdsProbeQuery = `query JitsimHasHolds($token: ID!) { account(token: $token) { holds { jitToken } } }`
)

func init() {
	for _, holds := range []bool{false, true} {
		for _, cur := range []bool{false, true} {
			vars, args, sel := "$token: ID!", "token: $token", accountFields
			if cur {
				vars, args = vars+", $currency: String!", args+", currency: $currency"
			}
			if holds {
				sel += holdFields
			}
			accountQueries[[2]bool{holds, cur}] = "query JitsimAccount(" + vars + ") { account(" + args + ") { " + sel + " } }"
		}
	}
}

// wireAccount is Account as the adapter sends it.
type wireAccount struct {
	Token     string `json:"token"`
	Currency  string `json:"currency"`
	Available string `json:"available"`
	Ledger    string `json:"ledger"`
	Pending   string `json:"pending"`
	Holds     []struct {
		JITToken         string  `json:"jitToken"`
		TransactionToken *string `json:"transactionToken"`
		Amount           string  `json:"amount"`
		State            string  `json:"state"`
	} `json:"holds"`
}

// Account returns the account's balances in currency ("" means USD), without
// holds. It fails with code jit.ENOTFOUND when the adapter answers null (no
// such account), with the codes listed on Client for other failures, and
// with jit.EINVALID when a balance is not an exact Decimal in currency or the
// account comes back in another currency.
func (c *Client) Account(ctx context.Context, token, currency string) (*Account, error) {
	return c.account(ctx, token, currency, false)
}

// AccountWithHolds is Account with the holds, for a gateway whose adapter
// serves Account.holds (see HasHolds); against another it fails with code
// jit.EINVALID (the gateway's validation error). Its errors are Account's.
func (c *Client) AccountWithHolds(ctx context.Context, token, currency string) (*Account, error) {
	return c.account(ctx, token, currency, true)
}

func (c *Client) account(ctx context.Context, token, currency string, holds bool) (*Account, error) {
	if currency == "" {
		currency = jit.DefaultCurrency
	}
	vars := map[string]any{"token": token}
	withCurrency := currency != jit.DefaultCurrency
	if withCurrency {
		vars["currency"] = currency
	}
	var data struct {
		Account *wireAccount `json:"account"`
	}
	if err := c.do(ctx, accountQueries[[2]bool{holds, withCurrency}], vars, &data); err != nil {
		return nil, err
	}
	if data.Account == nil {
		return nil, jit.Errorf(jit.ENOTFOUND, "adapter: no account %q in %s", token, currency)
	}
	return data.Account.decode(currency)
}

// Credit adds amount minor units of currency ("" means USD) to the account
// once per idempotencyKey and returns the account after the credit. It fails
// with code jit.ECONFLICT when the key was used for another credit,
// jit.EINVALID when the adapter rejects the arguments (amount <= 0, unknown
// currency) or returns a bad account, and otherwise as listed on Client.
func (c *Client) Credit(ctx context.Context, token, currency string, amount int64, idempotencyKey string) (*Account, error) {
	if currency == "" {
		currency = jit.DefaultCurrency
	}
	a, err := jit.FromMinor(amount, currency)
	if err != nil {
		return nil, err
	}
	vars := map[string]any{"token": token, "amount": a.String(), "currency": currency, "key": idempotencyKey}
	var data struct {
		Credit *wireAccount `json:"credit"`
	}
	if err := c.do(ctx, creditQuery, vars, &data); err != nil {
		return nil, err
	}
	if data.Credit == nil {
		return nil, jit.Errorf(jit.EINVALID, "adapter: credit returned null without an error")
	}
	return data.Credit.decode(currency)
}

// HasHolds reports whether the gateway's adapter serves the optional field
// Account.holds, by sending a query that selects it: a validation error (code
// GRAPHQL_VALIDATION_FAILED, or an error without code and without data)
// means it does not. Transport, HTTP and other GraphQL errors are returned,
// with the codes listed on Client.
func (c *Client) HasHolds(ctx context.Context) (bool, error) {
	resp, err := c.post(ctx, holdsProbeQuery, map[string]any{"token": "jitsim-probe-holds"})
	if err != nil {
		return false, err
	}
	if len(resp.Errors) == 0 {
		return true, nil
	}
	for _, e := range resp.Errors {
		if e.Code() == CodeValidationFailed {
			return false, nil
		}
	}
	if resp.Data == nil && resp.Errors[0].Code() == "" {
		return false, nil // a request error without a code: most likely validation
	}
	return false, graphQLError(resp.Errors[0])
}

func (w *wireAccount) decode(currency string) (*Account, error) {
	if w.Currency != currency {
		return nil, jit.Errorf(jit.EINVALID, "adapter: asked for %s, got currency %q", currency, w.Currency)
	}
	a := &Account{Token: w.Token, Currency: w.Currency}
	var err error
	for _, f := range []struct {
		dst *int64
		s   string
	}{{&a.Available, w.Available}, {&a.Ledger, w.Ledger}, {&a.Pending, w.Pending}} {
		if *f.dst, err = minor(f.s, currency); err != nil {
			return nil, err
		}
	}
	for _, h := range w.Holds {
		hold := Hold{JITToken: h.JITToken, State: h.State}
		if h.TransactionToken != nil {
			hold.TransactionToken = *h.TransactionToken
		}
		if hold.Amount, err = minor(h.Amount, currency); err != nil {
			return nil, err
		}
		a.Holds = append(a.Holds, hold)
	}
	return a, nil
}

func minor(s, currency string) (int64, error) {
	a, err := jit.ParseAmount(s)
	if err != nil {
		return 0, jit.Errorf(jit.EINVALID, "adapter: bad Decimal %q", truncate(s))
	}
	m, err := a.Minor(currency)
	if err != nil {
		return 0, jit.Errorf(jit.EINVALID, "adapter: Decimal %q is not exact in %s", truncate(s), currency)
	}
	return m, nil
}

// do sends query and decodes its data into out; any GraphQL error fails it.
func (c *Client) do(ctx context.Context, query string, vars map[string]any, out any) error {
	resp, err := c.post(ctx, query, vars)
	if err != nil {
		return err
	}
	if len(resp.Errors) > 0 {
		return graphQLError(resp.Errors[0])
	}
	if err := json.Unmarshal(resp.Data, out); err != nil {
		return jit.Errorf(jit.EINVALID, "adapter: response data does not fit the schema: %w", err)
	}
	return nil
}

// checkQuery validates query and vars against Schema, as the Client does
// before it sends anything.
func checkQuery(query string, vars map[string]any) error {
	doc, errs := loadQuery(query)
	if errs != nil {
		return jit.Errorf(jit.EINVALID, "adapter client: refusing an invalid query: %w", errs[0])
	}
	op, gerr := selectOperation(doc, "")
	if gerr != nil {
		return jit.Errorf(jit.EINVALID, "adapter client: refusing a query: %w", *gerr)
	}
	if _, err := validator.VariableValues(ParsedSchema(), op, vars); err != nil {
		msg := err.Error()
		var ge *gqlerror.Error
		if errors.As(err, &ge) {
			msg = fromGQL(CodeBadUserInput, ge).Message
		}
		return jit.Errorf(jit.EINVALID, "adapter client: refusing variables: %s", msg)
	}
	return nil
}

// post sends one request and returns the GraphQL response, which may hold
// errors. HTTP errors without a GraphQL body are returned as errors.
func (c *Client) post(ctx context.Context, query string, vars map[string]any) (*Response, error) {
	if err := checkQuery(query, vars); err != nil {
		return nil, err
	}
	if c.URL == "" {
		return nil, jit.Errorf(jit.EINVALID, "adapter client: no URL")
	}
	payload, err := json.Marshal(Request{Query: query, Variables: vars})
	if err != nil {
		return nil, jit.Errorf(jit.EINVALID, "adapter client: encoding variables: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(payload))
	if err != nil {
		return nil, jit.Errorf(jit.EINVALID, "adapter client: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json, application/json")
	if c.Username != "" || c.Password != "" {
		req.SetBasicAuth(c.Username, c.Password)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	res, err := hc.Do(req)
	if err != nil {
		return nil, jit.Errorf(jit.EINTERNAL, "adapter: %w", err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, maxResponseBytes+1))
	if err != nil {
		return nil, jit.Errorf(jit.EINTERNAL, "adapter: reading the response: %w", err)
	}
	if len(raw) > maxResponseBytes {
		return nil, jit.Errorf(jit.ETOOLARGE, "adapter: response over %d bytes", maxResponseBytes)
	}
	if res.StatusCode == http.StatusUnauthorized || res.StatusCode == http.StatusForbidden {
		return nil, jit.Errorf(jit.EUNAUTHORIZED, "adapter: HTTP %d", res.StatusCode)
	}
	var resp Response
	jsonErr := json.Unmarshal(raw, &resp)
	if jsonErr == nil && (len(resp.Errors) > 0 || (res.StatusCode == http.StatusOK && resp.Data != nil)) {
		return &resp, nil
	}
	if res.StatusCode != http.StatusOK {
		return nil, jit.Errorf(statusCode(res.StatusCode), "adapter: HTTP %d", res.StatusCode)
	}
	return nil, jit.Errorf(jit.EINVALID, "adapter: the response is not a GraphQL response (%s)",
		strings.TrimSpace(res.Header.Get("Content-Type")))
}

func statusCode(status int) string {
	switch status {
	case http.StatusBadRequest:
		return jit.EINVALID
	case http.StatusNotFound:
		return jit.ENOTFOUND
	case http.StatusRequestEntityTooLarge:
		return jit.ETOOLARGE
	case http.StatusUnsupportedMediaType:
		return jit.EMEDIATYPE
	case http.StatusServiceUnavailable:
		return jit.EUNAVAILABLE
	}
	return jit.EINTERNAL
}

// graphQLError maps an adapter's error to a *jit.Error wrapping it.
func graphQLError(e Error) error {
	code := jit.EINTERNAL
	switch e.Code() {
	case CodeNotFound:
		code = jit.ENOTFOUND
	case CodeConflict:
		code = jit.ECONFLICT
	case CodeBadUserInput, CodeParseFailed, CodeValidationFailed, CodeOperation, CodeBadRequest:
		code = jit.EINVALID
	case "UNAUTHENTICATED", "FORBIDDEN":
		code = jit.EUNAUTHORIZED
	}
	return &jit.Error{Code: code, Message: fmt.Sprintf("adapter: %s", e.Error()), Err: e}
}
