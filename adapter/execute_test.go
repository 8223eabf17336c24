package adapter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/jitsim/jitsim/jit"
)

func TestSchemaLoads(t *testing.T) {
	s := ParsedSchema()
	for _, name := range []string{"Decimal", "Query", "Mutation", "Account", "Hold", "HoldState"} {
		if s.Types[name] == nil {
			t.Errorf("schema has no type %s", name)
		}
	}
	arg := s.Query.Fields.ForName("account").Arguments.ForName("currency")
	if arg == nil || arg.Type.NonNull || arg.DefaultValue == nil || arg.DefaultValue.Raw != "USD" {
		t.Errorf("Query.account(currency:) must be an optional String defaulting to USD, got %+v", arg)
	}
	if !strings.Contains(Schema, "holds: [Hold!]!") {
		t.Error("Schema text lacks Account.holds")
	}
}

// The queries of design.md section 4, and the Client's own, validate.
func TestQueriesValidate(t *testing.T) {
	queries := []string{
		`{ account(token: "u1") { token currency available ledger pending } }`,
		`query ($t: ID!) { account(token: $t) { token currency available ledger pending } }`,
		`query ($t: ID!) { account(token: $t, currency: "EUR") { available } }`,
		`mutation { credit(token: "u1", amount: "12.34", currency: "USD", idempotencyKey: "k1") { token available ledger pending } }`,
		`mutation ($t: ID!, $a: Decimal!, $k: ID!) { credit(token: $t, amount: $a, idempotencyKey: $k) { ledger } }`,
		`{ account(token: "u1") { holds { jitToken transactionToken amount state } } }`,
		creditQuery, holdsProbeQuery,
	}
	for _, q := range accountQueries {
		queries = append(queries, q)
	}
	for _, q := range queries {
		if _, errs := parseAndValidate(q); errs != nil {
			t.Errorf("%s: %v", q, errs)
		}
	}
}

type execCase struct {
	name      string
	setup     func(l *fakeLedger)
	query     string
	vars      map[string]any
	op        string
	data      string   // expected data JSON; "" means absent
	codes     []string // expected error codes, in order
	paths     []string // expected error paths (fmt of Path), when set
	calls     int      // expected ledger calls; -1 means don't care
	forbidden []string // strings the raw response must not contain
}

func seedU1(l *fakeLedger) {
	l.seed("u1", "USD", 1230, Hold{JITToken: "j1", TransactionToken: "t1", Amount: 200, State: HoldOpen},
		Hold{JITToken: "j0", Amount: 50, State: HoldCleared})
}

func TestExecute(t *testing.T) {
	secret := errors.New("open /var/lib/ledger/secret.db: disk on fire")
	cases := []execCase{
		{name: "unknown account is null without error", query: `{ account(token: "nobody") { token } }`,
			data: `{"account":null}`, calls: 1},
		{name: "account default currency", setup: seedU1,
			query: `{ account(token: "u1") { token currency available ledger pending } }`,
			data:  `{"account":{"token":"u1","currency":"USD","available":"10.30","ledger":"12.30","pending":"2.00"}}`, calls: 1},
		{name: "account with currency", setup: func(l *fakeLedger) { l.seed("u1", "JPY", 1000); l.seed("u1", "KWD", 1234) },
			query: `{ y: account(token: "u1", currency: "JPY") { ledger } k: account(token: "u1", currency: "KWD") { ledger } u: account(token: "u1") { ledger } }`,
			data:  `{"y":{"ledger":"1000"},"k":{"ledger":"1.234"},"u":null}`, calls: 3},
		{name: "explicit null currency is USD", setup: seedU1,
			query: `{ account(token: "u1", currency: null) { currency } }`,
			data:  `{"account":{"currency":"USD"}}`, calls: 1},
		{name: "unknown currency", query: `{ account(token: "u1", currency: "XXX") { currency } }`,
			data: `{"account":null}`, codes: []string{CodeBadUserInput}, paths: []string{"account"}, calls: 0},
		{name: "integer ID literal", setup: func(l *fakeLedger) { l.seed("123", "USD", 1) },
			query: `{ account(token: 123) { token ledger } }`,
			data:  `{"account":{"token":"123","ledger":"0.01"}}`, calls: 1},
		{name: "huge integer ID literal", query: `{ account(token: 123456789012345678901234567890) { token } }`,
			codes: []string{CodeValidationFailed}, calls: 0},
		{name: "empty token", query: `{ account(token: "") { token } }`,
			data: `{"account":null}`, codes: []string{CodeBadUserInput}, calls: 0},
		{name: "holds", setup: seedU1,
			query: `{ account(token: "u1") { holds { jitToken transactionToken amount state __typename } } }`,
			data: `{"account":{"holds":[{"jitToken":"j1","transactionToken":"t1","amount":"2.00","state":"OPEN","__typename":"Hold"},` +
				`{"jitToken":"j0","transactionToken":null,"amount":"0.50","state":"CLEARED","__typename":"Hold"}]}}`, calls: 1},
		{name: "bad hold state from the ledger nulls the account", setup: func(l *fakeLedger) {
			l.seed("u1", "USD", 0, Hold{JITToken: "j", Amount: 1, State: "WEIRD"})
		},
			query: `{ account(token: "u1") { token holds { state } } }`,
			data:  `{"account":null}`, codes: []string{CodeInternal}, paths: []string{"account holds 0 state"}, calls: 1,
			forbidden: []string{"WEIRD"}},
		{name: "aliases fragments variables", setup: seedU1,
			query: `query Q($t: ID!, $c: String) { a: account(token: $t, currency: $c) { ...F ... on Account { l: ledger } }
				b: account(token: "nope") { token } }
				fragment F on Account { bal: available, token, ...G } fragment G on Account { pending }`,
			vars: map[string]any{"t": "u1", "c": "USD"},
			data: `{"a":{"bal":"10.30","token":"u1","pending":"2.00","l":"12.30"},"b":null}`, calls: 2},
		{name: "skip and include", setup: seedU1,
			query: `query ($yes: Boolean!, $no: Boolean = false) { account(token: "u1") {
				token @include(if: $yes) ledger @skip(if: $yes) pending @include(if: $no)
				... on Account @skip(if: $no) { available } } }`,
			vars: map[string]any{"yes": true},
			data: `{"account":{"token":"u1","available":"10.30"}}`, calls: 1},
		{name: "typename", setup: seedU1,
			query: `{ __typename account(token: "u1") { __typename t: __typename } }`,
			data:  `{"__typename":"Query","account":{"__typename":"Account","t":"Account"}}`, calls: 1},
		{name: "mutation typename", query: `mutation { __typename }`, data: `{"__typename":"Mutation"}`, calls: 0},
		{name: "credit", query: `mutation { credit(token: "n1", amount: "12.3", idempotencyKey: "k1") { token currency available ledger pending holds { jitToken } } }`,
			data: `{"credit":{"token":"n1","currency":"USD","available":"12.30","ledger":"12.30","pending":"0.00","holds":[]}}`, calls: 1},
		{name: "credit in yen", query: `mutation { credit(token: "n1", amount: "500", currency: "JPY", idempotencyKey: "k1") { ledger } }`,
			data: `{"credit":{"ledger":"500"}}`, calls: 1},
		{name: "mutations run in order", query: `mutation {
				a: credit(token: "n1", amount: "1.00", idempotencyKey: "k1") { ledger }
				b: credit(token: "n1", amount: "2.50", idempotencyKey: "k2") { ledger }
				c: credit(token: "n1", amount: "1.00", idempotencyKey: "k1") { ledger } }`,
			data: `{"a":{"ledger":"1.00"},"b":{"ledger":"3.50"},"c":{"ledger":"3.50"}}`, calls: 3},
		{name: "conflicting key reuse", query: `mutation {
				a: credit(token: "n1", amount: "1.00", idempotencyKey: "k1") { ledger }
				b: credit(token: "n1", amount: "2.00", idempotencyKey: "k1") { ledger } }`,
			data: `null`, codes: []string{CodeConflict}, paths: []string{"b"}, calls: 2},
		{name: "a failed credit stops the mutation", setup: func(l *fakeLedger) { l.fail["bad"] = jit.Errorf(jit.EINVALID, "closed") },
			query: `mutation { a: credit(token: "bad", amount: "1", idempotencyKey: "k1") { ledger }
				b: credit(token: "n1", amount: "1", idempotencyKey: "k2") { ledger } }`,
			data: `null`, codes: []string{CodeBadUserInput}, paths: []string{"a"}, calls: 1},
		{name: "ledger EINVALID", setup: func(l *fakeLedger) { l.fail["bad"] = jit.Errorf(jit.EINVALID, "token bad is closed") },
			query: `mutation { credit(token: "bad", amount: "1", idempotencyKey: "k") { ledger } }`,
			data:  `null`, codes: []string{CodeBadUserInput}, paths: []string{"credit"}, calls: 1},
		{name: "ledger ENOTFOUND on credit", setup: func(l *fakeLedger) { l.fail["gone"] = jit.Errorf(jit.ENOTFOUND, "no user gone") },
			query: `mutation { credit(token: "gone", amount: "1", idempotencyKey: "k") { ledger } }`,
			data:  `null`, codes: []string{CodeNotFound}, paths: []string{"credit"}, calls: 1},
		{name: "internal error on account hides the cause", setup: func(l *fakeLedger) { l.fail["x"] = secret },
			query: `{ account(token: "x") { token } ok: __typename }`,
			data:  `{"account":null,"ok":"Query"}`, codes: []string{CodeInternal}, paths: []string{"account"}, calls: 1,
			forbidden: []string{"secret", "disk", "/var"}},
		{name: "internal jit error on credit hides the cause", setup: func(l *fakeLedger) {
			l.fail["x"] = jit.Errorf(jit.EINTERNAL, "journal fsync /var/secret: %w", secret)
		},
			query: `mutation { credit(token: "x", amount: "1", idempotencyKey: "k") { ledger } }`,
			data:  `null`, codes: []string{CodeInternal}, paths: []string{"credit"}, calls: 1,
			forbidden: []string{"secret", "fsync", "disk"}},
		{name: "unknown field", query: `{ account(token: "u1") { balance } }`, codes: []string{CodeValidationFailed}},
		{name: "unknown argument", query: `{ account(token: "u1", cur: "USD") { token } }`, codes: []string{CodeValidationFailed}},
		{name: "missing required argument", query: `mutation { credit(token: "u1", amount: "1") { token } }`, codes: []string{CodeValidationFailed}},
		{name: "subscription", query: `subscription { account(token: "u1") { token } }`, codes: []string{CodeValidationFailed}},
		{name: "syntax error", query: `{ account(token: "u1") { token }`, codes: []string{CodeParseFailed}},
		{name: "empty query", query: ``, codes: []string{CodeParseFailed}},
		{name: "only a fragment", query: `fragment F on Account { token }`, codes: []string{CodeParseFailed}},
		{name: "missing variable", query: `query ($t: ID!) { account(token: $t) { token } }`, codes: []string{CodeBadUserInput}},
		{name: "bad variable type", query: `query ($t: ID!) { account(token: $t) { token } }`,
			vars: map[string]any{"t": true}, codes: []string{CodeBadUserInput}},
		{name: "operation A", setup: seedU1, op: "A",
			query: `query A { account(token: "u1") { ledger } } query B { account(token: "u1") { pending } }`,
			data:  `{"account":{"ledger":"12.30"}}`, calls: 1},
		{name: "operation B", setup: seedU1, op: "B",
			query: `query A { account(token: "u1") { ledger } } query B { account(token: "u1") { pending } }`,
			data:  `{"account":{"pending":"2.00"}}`, calls: 1},
		{name: "operation missing", query: `query A { __typename } query B { __typename }`, codes: []string{CodeOperation}},
		{name: "operation unknown", op: "C", query: `query A { __typename } query B { __typename }`, codes: []string{CodeOperation}},
		{name: "introspection __type", query: `{ __type(name: "Account") { name kind fields { name } } }`,
			data: `{"__type":{"name":"Account","kind":"OBJECT","fields":[{"name":"token"},{"name":"currency"},` +
				`{"name":"available"},{"name":"ledger"},{"name":"pending"},{"name":"holds"}]}}`},
		{name: "introspection unknown type", query: `{ __type(name: "Nope") { name } }`, data: `{"__type":null}`},
		{name: "introspection roots", query: `{ __schema { queryType { name } mutationType { name } subscriptionType { name } } }`,
			data: `{"__schema":{"queryType":{"name":"Query"},"mutationType":{"name":"Mutation"},"subscriptionType":null}}`},
		{name: "introspection wrappers", query: `{ __type(name: "Account") { fields { name type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } }`,
			data: `{"__type":{"fields":[` +
				`{"name":"token","type":{"kind":"NON_NULL","name":null,"ofType":{"kind":"SCALAR","name":"ID","ofType":null}}},` +
				`{"name":"currency","type":{"kind":"NON_NULL","name":null,"ofType":{"kind":"SCALAR","name":"String","ofType":null}}},` +
				`{"name":"available","type":{"kind":"NON_NULL","name":null,"ofType":{"kind":"SCALAR","name":"Decimal","ofType":null}}},` +
				`{"name":"ledger","type":{"kind":"NON_NULL","name":null,"ofType":{"kind":"SCALAR","name":"Decimal","ofType":null}}},` +
				`{"name":"pending","type":{"kind":"NON_NULL","name":null,"ofType":{"kind":"SCALAR","name":"Decimal","ofType":null}}},` +
				`{"name":"holds","type":{"kind":"NON_NULL","name":null,"ofType":{"kind":"LIST","name":null,"ofType":{"kind":"NON_NULL","name":null,"ofType":{"kind":"OBJECT","name":"Hold"}}}}}]}}`},
		{name: "introspection args and enums", query: `{ q: __type(name: "Query") { fields { name args { name defaultValue type { name kind } } } }
				e: __type(name: "HoldState") { enumValues { name isDeprecated } } }`,
			data: `{"q":{"fields":[{"name":"account","args":[{"name":"token","defaultValue":null,"type":{"name":null,"kind":"NON_NULL"}},` +
				`{"name":"currency","defaultValue":"\"USD\"","type":{"name":"String","kind":"SCALAR"}}]}]},` +
				`"e":{"enumValues":[{"name":"OPEN","isDeprecated":false},{"name":"CLEARED","isDeprecated":false},` +
				`{"name":"RELEASED","isDeprecated":false},{"name":"EXPIRED","isDeprecated":false}]}}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := newFakeLedger()
			if tc.setup != nil {
				tc.setup(l)
			}
			srv := newServer(t, l)
			resp, raw := gql(t, srv.URL, Request{Query: tc.query, Variables: tc.vars, OperationName: tc.op})
			checkResponse(t, tc, resp, raw)
			if tc.calls >= 0 && l.callCount() != tc.calls {
				t.Errorf("ledger calls = %d, want %d", l.callCount(), tc.calls)
			}
		})
	}
}

func checkResponse(t *testing.T, tc execCase, resp Response, raw string) {
	t.Helper()
	switch {
	case tc.data == "" && resp.Data != nil:
		t.Errorf("data = %s, want none; body %s", resp.Data, raw)
	case tc.data != "" && resp.Data == nil:
		t.Errorf("no data, want %s; body %s", tc.data, raw)
	case tc.data != "" && !jsonEqual(t, string(resp.Data), tc.data):
		t.Errorf("data = %s\nwant   %s", resp.Data, tc.data)
	}
	if got := codes(resp.Errors); !slices.Equal(got, tc.codes) {
		t.Errorf("error codes = %v, want %v; body %s", got, tc.codes, raw)
	}
	for i, p := range tc.paths {
		if i < len(resp.Errors) {
			if got := strings.Trim(fmt.Sprint(resp.Errors[i].Path), "[]"); got != p {
				t.Errorf("error %d path = %q, want %q", i, got, p)
			}
		}
	}
	for _, e := range resp.Errors {
		if e.Message == "" {
			t.Errorf("error without a message: %s", raw)
		}
		if c := e.Code(); (c == CodeParseFailed || c == CodeValidationFailed) && len(e.Locations) == 0 && tc.query != "" &&
			!strings.HasPrefix(tc.query, "fragment") {
			t.Errorf("%s error without locations: %s", c, raw)
		}
		if e.Code() == CodeInternal && e.Message != "internal error" {
			t.Errorf("internal error message %q", e.Message)
		}
	}
	for _, s := range tc.forbidden {
		if strings.Contains(raw, s) {
			t.Errorf("response leaks %q: %s", s, raw)
		}
	}
}

func TestBadDecimals(t *testing.T) {
	for _, amount := range []any{"1.005", "abc", "-1", "-0.01", "0", "0.00", "-0", "1e3", "1E3", "", " 1", "1 ", "+1",
		"1.", ".5", "007.10", "01", "0x10", "NaN", "Infinity", "1,00", "99999999999999999999", "1.0000001",
		json.Number("12.5"), json.Number("12"), 12.5, true} {
		t.Run(fmt.Sprint(amount), func(t *testing.T) {
			l := newFakeLedger()
			srv := newServer(t, l)
			resp, raw := gql(t, srv.URL, Request{
				Query:     `mutation ($a: Decimal!) { credit(token: "u1", amount: $a, idempotencyKey: "k") { ledger } }`,
				Variables: map[string]any{"a": amount}})
			checkResponse(t, execCase{data: "null", codes: []string{CodeBadUserInput}, paths: []string{"credit"}}, resp, raw)
			if l.callCount() != 0 {
				t.Errorf("the ledger was called %d times", l.callCount())
			}
		})
	}
	// A number literal is not a Decimal either, nor is "1.005" in a literal.
	for _, lit := range []string{`12.34`, `12`, `"1.005"`, `"1e3"`} {
		l := newFakeLedger()
		resp := Execute(context.Background(), l, Request{Query: `mutation { credit(token: "u1", amount: ` + lit + `, idempotencyKey: "k") { ledger } }`})
		if string(resp.Data) != "null" || !slices.Equal(codes(resp.Errors), []string{CodeBadUserInput}) || l.callCount() != 0 {
			t.Errorf("amount %s: data %s errors %v calls %d", lit, resp.Data, resp.Errors, l.callCount())
		}
	}
}

func TestGoodDecimals(t *testing.T) {
	for _, tc := range []struct{ amount, currency, ledger string }{
		{"0.01", "USD", "0.01"}, {"1", "USD", "1.00"}, {"1.5", "USD", "1.50"}, {"1.500", "USD", "1.50"},
		{"0.10", "USD", "0.10"}, {"92233720368.54", "USD", "92233720368.54"},
		{"3", "JPY", "3"}, {"3.000", "JPY", "3"}, {"0.001", "KWD", "0.001"},
	} {
		l := newFakeLedger()
		resp := Execute(context.Background(), l, Request{
			Query:     `mutation ($a: Decimal!, $c: String) { credit(token: "u1", amount: $a, currency: $c, idempotencyKey: "k") { ledger } }`,
			Variables: map[string]any{"a": tc.amount, "c": tc.currency}})
		want := `{"credit":{"ledger":"` + tc.ledger + `"}}`
		if string(resp.Data) != want || resp.Errors != nil {
			t.Errorf("%s %s: data %s errors %v, want %s", tc.amount, tc.currency, resp.Data, resp.Errors, want)
		}
	}
}

// Keys come back in selection order, as the spec requires.
func TestFieldOrder(t *testing.T) {
	l := newFakeLedger()
	seedU1(l)
	resp := Execute(context.Background(), l, Request{Query: `{ z: __typename account(token: "u1") { pending ... on Account { ledger token } available ledger } a: __typename }`})
	want := `{"z":"Query","account":{"pending":"2.00","ledger":"12.30","token":"u1","available":"10.30"},"a":"Query"}`
	if string(resp.Data) != want {
		t.Errorf("data %s\nwant %s", resp.Data, want)
	}
}

func TestCreditThenAccount(t *testing.T) {
	l := newFakeLedger()
	srv := newServer(t, l)
	credit := Request{Query: `mutation ($k: ID!, $a: Decimal!) { credit(token: "u9", amount: $a, idempotencyKey: $k) { ledger } }`}
	account := Request{Query: `{ account(token: "u9") { available ledger } }`}

	if resp, _ := gql(t, srv.URL, account); string(resp.Data) != `{"account":null}` || resp.Errors != nil {
		t.Fatalf("before: %s %v", resp.Data, resp.Errors)
	}
	for i, step := range []struct {
		key, amount, ledger string
		code                string
	}{
		{"k1", "10.00", "10.00", ""},
		{"k1", "10.00", "10.00", ""}, // same key, same credit: applied once
		{"k2", "0.25", "10.25", ""},
		{"k1", "10.01", "", CodeConflict}, // same key, other amount
		{"k2", "0.25", "10.25", ""},
	} {
		credit.Variables = map[string]any{"k": step.key, "a": step.amount}
		resp, raw := gql(t, srv.URL, credit)
		if step.code != "" {
			if string(resp.Data) != "null" || !slices.Equal(codes(resp.Errors), []string{step.code}) {
				t.Errorf("step %d: %s", i, raw)
			}
			continue
		}
		if want := `{"credit":{"ledger":"` + step.ledger + `"}}`; string(resp.Data) != want || resp.Errors != nil {
			t.Errorf("step %d: %s, want data %s", i, raw, want)
		}
	}
	resp, raw := gql(t, srv.URL, account)
	if string(resp.Data) != `{"account":{"available":"10.25","ledger":"10.25"}}` {
		t.Errorf("after: %s", raw)
	}
}

func TestTooComplex(t *testing.T) {
	var b strings.Builder
	b.WriteString("{")
	for i := range 200 {
		fmt.Fprintf(&b, " a%d: __schema { ...S }", i)
	}
	b.WriteString(" } fragment S on __Schema { types { name fields { name type { name } } } }")
	resp := Execute(context.Background(), newFakeLedger(), Request{Query: b.String()})
	if string(resp.Data) != "null" || !slices.Equal(codes(resp.Errors), []string{CodeTooComplex}) {
		t.Errorf("data %.100s errors %v", resp.Data, resp.Errors)
	}
}

func TestTooManyTokens(t *testing.T) {
	q := "{" + strings.Repeat(" __typename", MaxTokens) + " }"
	resp := Execute(context.Background(), newFakeLedger(), Request{Query: q})
	if resp.Data != nil || !slices.Equal(codes(resp.Errors), []string{CodeParseFailed}) {
		t.Errorf("data %s errors %v", resp.Data, resp.Errors)
	}
}

// The standard introspection query of graphql-js runs without errors.
func TestFullIntrospection(t *testing.T) {
	resp := Execute(context.Background(), newFakeLedger(), Request{Query: introspectionQuery})
	if resp.Errors != nil {
		t.Fatalf("errors %v", resp.Errors)
	}
	var out struct {
		Schema struct {
			Types []struct {
				Name   string
				Fields []struct{ Name string }
			}
			Directives []struct{ Name string }
		} `json:"__schema"`
	}
	if err := json.Unmarshal(resp.Data, &out); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, ty := range out.Schema.Types {
		names = append(names, ty.Name)
		if ty.Name == "Query" && (len(ty.Fields) != 1 || ty.Fields[0].Name != "account") {
			t.Errorf("Query fields %v, want account only", ty.Fields)
		}
	}
	for _, want := range []string{"Account", "Decimal", "Hold", "HoldState", "Mutation", "Query", "__Schema", "String"} {
		if !slices.Contains(names, want) {
			t.Errorf("types lack %s: %v", want, names)
		}
	}
	if len(out.Schema.Directives) < 3 {
		t.Errorf("directives %v", out.Schema.Directives)
	}
}

// Documents are shared through the cache: concurrent requests must not race.
func TestConcurrentExecute(t *testing.T) {
	l := newFakeLedger()
	seedU1(l)
	q := `query ($t: ID!) { account(token: $t) { ...F } } fragment F on Account { ledger holds { amount } }`
	done := make(chan string)
	for i := range 8 {
		go func() {
			var last string
			for range 50 {
				resp := Execute(context.Background(), l, Request{Query: q, Variables: map[string]any{"t": "u1"}})
				last = string(resp.Data)
				Execute(context.Background(), l, Request{Query: fmt.Sprintf(`mutation { credit(token: "c%d", amount: "1", idempotencyKey: "k") { ledger } }`, i)})
			}
			done <- last
		}()
	}
	for range 8 {
		if got := <-done; got != `{"account":{"ledger":"12.30","holds":[{"amount":"2.00"},{"amount":"0.50"}]}}` {
			t.Errorf("got %s", got)
		}
	}
}

const introspectionQuery = `query IntrospectionQuery {
  __schema {
    description queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description isRepeatable locations args(includeDeprecated: true) { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description specifiedByURL isOneOf
  fields(includeDeprecated: true) { name description args(includeDeprecated: true) { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields(includeDeprecated: true) { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue isDeprecated deprecationReason }
fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }`
