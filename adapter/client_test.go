package adapter

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/jitsim/jitsim/jit"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator/rules"
)

// designSchema is design.md section 4 without the optional parts: a gateway
// may serve exactly this.
const designSchema = `scalar Decimal
type Query    { account(token: ID!): Account }
type Mutation { credit(token: ID!, amount: Decimal!, currency: String = "USD", idempotencyKey: ID!): Account! }
type Account  { token: ID!  currency: String!  available: Decimal!  ledger: Decimal!  pending: Decimal! }`

// minimalGateway validates each query against designSchema, as a gateway
// serving only that schema would, and executes the valid ones with Execute.
func minimalGateway(l Ledger) http.Handler {
	schema := gqlparser.MustLoadSchema(&ast.Source{Name: "design.graphql", Input: designSchema})
	inner := NewHandler(l)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		req, msg := decodeBody(raw)
		if msg != "" {
			http.Error(w, msg, http.StatusBadRequest)
			return
		}
		if _, errs := gqlparser.LoadQueryWithRules(schema, req.Query, rules.NewDefaultRules()); errs != nil {
			var out Response
			for _, e := range errs {
				out.Errors = append(out.Errors, fromGQL(CodeValidationFailed, e))
			}
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(out)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(raw))
		inner.ServeHTTP(w, r)
	})
}

func TestClientRoundTrip(t *testing.T) {
	ctx := context.Background()
	l := newFakeLedger()
	var auth atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "harness" || p != "s3cret" {
			auth.Add(1)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		NewHandler(l).ServeHTTP(w, r)
	}))
	defer srv.Close()
	c := &Client{URL: srv.URL, Username: "harness", Password: "s3cret"}

	if _, err := c.Account(ctx, "u1", ""); jit.ErrorCode(err) != jit.ENOTFOUND {
		t.Fatalf("unknown account: %v", err)
	}
	acc, err := c.Credit(ctx, "u1", "", 1230, "k1")
	if err != nil {
		t.Fatal(err)
	}
	want := Account{Token: "u1", Currency: "USD", Available: 1230, Ledger: 1230}
	if !equalAccount(*acc, want) {
		t.Errorf("credit: %+v, want %+v", *acc, want)
	}
	if acc, err = c.Credit(ctx, "u1", "USD", 1230, "k1"); err != nil || acc.Ledger != 1230 {
		t.Errorf("repeated credit: %+v %v", acc, err)
	}
	_, err = c.Credit(ctx, "u1", "USD", 1, "k1")
	var ae Error
	if jit.ErrorCode(err) != jit.ECONFLICT || !errors.As(err, &ae) || ae.Code() != CodeConflict {
		t.Errorf("conflict: %v", err)
	}
	if _, err = c.Credit(ctx, "u1", "USD", 0, "k9"); jit.ErrorCode(err) != jit.EINVALID {
		t.Errorf("zero credit: %v", err)
	}
	if _, err = c.Credit(ctx, "u1", "JPY", 700, "k2"); err != nil {
		t.Fatal(err)
	}
	if acc, err = c.Account(ctx, "u1", "JPY"); err != nil || !equalAccount(*acc, Account{Token: "u1", Currency: "JPY", Available: 700, Ledger: 700}) {
		t.Errorf("JPY account: %+v %v", acc, err)
	}
	l.seed("u1", "USD", 1230, Hold{JITToken: "j1", TransactionToken: "t1", Amount: 30, State: HoldOpen},
		Hold{JITToken: "j2", Amount: 5, State: HoldExpired})
	if acc, err = c.Account(ctx, "u1", "USD"); err != nil || acc.Available != 1200 || acc.Pending != 30 || acc.Holds != nil {
		t.Errorf("account: %+v %v", acc, err)
	}
	acc, err = c.AccountWithHolds(ctx, "u1", "USD")
	wantHolds := []Hold{{JITToken: "j1", TransactionToken: "t1", Amount: 30, State: HoldOpen}, {JITToken: "j2", Amount: 5, State: HoldExpired}}
	if err != nil || !slices.Equal(acc.Holds, wantHolds) {
		t.Errorf("holds: %+v %v", acc, err)
	}
	if ok, err := c.HasHolds(ctx); !ok || err != nil {
		t.Errorf("HasHolds = %v, %v", ok, err)
	}
	if auth.Load() != 0 {
		t.Errorf("%d requests without credentials", auth.Load())
	}
	bad := &Client{URL: srv.URL, Username: "harness", Password: "wrong"}
	if _, err := bad.Account(ctx, "u1", ""); jit.ErrorCode(err) != jit.EUNAUTHORIZED {
		t.Errorf("wrong password: %v", err)
	}
}

// Against a gateway that serves only design.md's schema, the Client still
// reads and credits in USD, and HasHolds says no.
func TestClientMinimalGateway(t *testing.T) {
	ctx := context.Background()
	l := newFakeLedger()
	srv := httptest.NewServer(minimalGateway(l))
	defer srv.Close()
	c := &Client{URL: srv.URL}
	if ok, err := c.HasHolds(ctx); ok || err != nil {
		t.Errorf("HasHolds = %v, %v", ok, err)
	}
	if _, err := c.Credit(ctx, "u1", "", 500, "k"); err != nil {
		t.Fatal(err)
	}
	if acc, err := c.Account(ctx, "u1", ""); err != nil || acc.Ledger != 500 {
		t.Errorf("account %+v %v", acc, err)
	}
	if _, err := c.AccountWithHolds(ctx, "u1", ""); jit.ErrorCode(err) != jit.EINVALID {
		t.Errorf("holds from a gateway without them: %v", err)
	}
}

// The Client refuses a query that does not fit Schema, before sending it.
func TestClientRefusesInvalidQueries(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	c := &Client{URL: srv.URL}
	for _, tc := range []struct {
		query string
		vars  map[string]any
	}{
		{`{ account(token: "u1") { balance } }`, nil},
		{`{ account(token: "u1") { token }`, nil},
		{`query ($t: ID!) { account(token: $t) { token } }`, nil},
		{`query ($t: ID!) { account(token: $t) { token } }`, map[string]any{"t": []any{"a"}}},
		{`query A { __typename } query B { __typename }`, nil},
		{`mutation { credit(token: "u1", amount: "1") { token } }`, nil},
	} {
		if err := checkQuery(tc.query, tc.vars); jit.ErrorCode(err) != jit.EINVALID {
			t.Errorf("checkQuery(%s) = %v", tc.query, err)
		}
		var out any
		if err := c.do(context.Background(), tc.query, tc.vars, &out); jit.ErrorCode(err) != jit.EINVALID {
			t.Errorf("do(%s) = %v", tc.query, err)
		}
	}
	if err := checkQuery(`query ($t: ID!) { account(token: $t) { token } }`, map[string]any{"t": "u1"}); err != nil {
		t.Errorf("valid query refused: %v", err)
	}
	if hits.Load() != 0 {
		t.Errorf("%d invalid queries reached the gateway", hits.Load())
	}
}

// A gateway that answers badly is reported, not trusted.
func TestClientBadGateway(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name, body string
		status     int
		code       string
	}{
		{"float balance", `{"data":{"account":{"token":"u1","currency":"USD","available":12.3,"ledger":"1","pending":"0"}}}`, 200, jit.EINVALID},
		{"inexact balance", `{"data":{"account":{"token":"u1","currency":"USD","available":"1.001","ledger":"1","pending":"0"}}}`, 200, jit.EINVALID},
		{"other currency", `{"data":{"account":{"token":"u1","currency":"EUR","available":"1","ledger":"1","pending":"0"}}}`, 200, jit.EINVALID},
		{"internal", `{"data":{"account":null},"errors":[{"message":"internal error","extensions":{"code":"INTERNAL_SERVER_ERROR"}}]}`, 200, jit.EINTERNAL},
		{"not GraphQL", `<html>oops</html>`, 200, jit.EINVALID},
		{"502", `bad gateway`, 502, jit.EINTERNAL},
		{"404", `not found`, 404, jit.ENOTFOUND},
		{"400 with errors", `{"errors":[{"message":"Cannot query field","extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}`, 400, jit.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			_, err := (&Client{URL: srv.URL}).Account(ctx, "u1", "")
			if jit.ErrorCode(err) != tc.code {
				t.Errorf("err %v, want code %s", err, tc.code)
			}
		})
	}
}

func equalAccount(a, b Account) bool {
	return a.Token == b.Token && a.Currency == b.Currency && a.Available == b.Available &&
		a.Ledger == b.Ledger && a.Pending == b.Pending && slices.Equal(a.Holds, b.Holds)
}
