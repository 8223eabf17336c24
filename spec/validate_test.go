package spec

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// goldenDir holds the jit package's wire-format examples.
const goldenDir = "../jit/testdata/golden"

// goldenDoc is one document of a golden file and the schema it follows.
type goldenDoc struct {
	name, schema string
	doc          []byte
}

// goldenDocs returns the documents of the golden files: JIT requests are
// transaction_model, gateway answers jit_program_response, and each element
// of a webhook's transactions is a transaction_model.
func goldenDocs(t testing.TB) []goldenDoc {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(goldenDir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files in %s: %v", goldenDir, err)
	}
	var docs []goldenDoc
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		base := filepath.Base(f)
		switch {
		case strings.HasPrefix(base, "jit_request_"):
			docs = append(docs, goldenDoc{base, "transaction_model", data})
		case strings.HasPrefix(base, "jit_response_"):
			docs = append(docs, goldenDoc{base, "jit_program_response", data})
		case strings.HasPrefix(base, "webhook_"):
			var w map[string]json.RawMessage
			if err := json.Unmarshal(data, &w); err != nil {
				t.Fatalf("%s: %v", base, err)
			}
			var txs []json.RawMessage
			if err := json.Unmarshal(w["transactions"], &txs); err != nil || len(txs) == 0 {
				t.Fatalf("%s: no transactions (%v)", base, err)
			}
			for k := range w {
				if k != "transactions" {
					t.Errorf("%s: unexpected webhook field %q", base, k)
				}
			}
			for i, tx := range txs {
				docs = append(docs, goldenDoc{base + "#" + string(rune('0'+i)), "transaction_model", tx})
			}
		default:
			t.Errorf("%s: no schema known for this golden file; add it to goldenDocs", base)
		}
	}
	return docs
}

func readGolden(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(goldenDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestValidateGolden(t *testing.T) {
	s := mustLoad(t)
	for _, g := range goldenDocs(t) {
		if issues := s.Validate(g.schema, g.doc, Options{}); len(issues) != 0 {
			t.Errorf("%s against %s: %v", g.name, g.schema, issues)
		}
	}
}

// edit decodes doc, applies f to it and encodes it again.
func edit(t testing.TB, doc []byte, f func(root map[string]any)) []byte {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var root map[string]any
	if err := dec.Decode(&root); err != nil {
		t.Fatal(err)
	}
	f(root)
	out, err := json.Marshal(root)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// at returns the object holding the last field of a dotted path, and that
// field's name.
func at(root map[string]any, path string) (map[string]any, string) {
	keys := strings.Split(path, ".")
	obj := root
	for _, k := range keys[:len(keys)-1] {
		obj = obj[k].(map[string]any)
	}
	return obj, keys[len(keys)-1]
}

func set(path string, v any) func(map[string]any) {
	return func(root map[string]any) {
		obj, k := at(root, path)
		obj[k] = v
	}
}

func del(path string) func(map[string]any) {
	return func(root map[string]any) {
		obj, k := at(root, path)
		delete(obj, k)
	}
}

func rename(path, to string) func(map[string]any) {
	return func(root map[string]any) {
		obj, k := at(root, path)
		obj[to] = obj[k]
		delete(obj, k)
	}
}

func TestValidateWrongDocuments(t *testing.T) {
	s := mustLoad(t)
	auth := readGolden(t, "jit_request_authorization.json")
	approval := readGolden(t, "jit_response_approval.json")
	tests := []struct {
		name   string
		schema string
		doc    []byte
		opts   Options
		want   []Issue
	}{
		{"unknown field", "transaction_model", edit(t, auth, rename("gpa_order.jit_funding.amount", "amout")), Options{},
			[]Issue{{"$.gpa_order.jit_funding.amout", `unknown field "amout": not a property of jit_funding_api (did you mean "amount"?)`}}},
		{"field name case", "transaction_model", edit(t, auth, rename("amount", "Amount")), Options{},
			[]Issue{{"$.Amount", `unknown field "Amount": not a property of transaction_model (did you mean "amount"?)`}}},
		{"amount as string", "transaction_model", edit(t, auth, set("gpa_order.jit_funding.amount", "42.17")), Options{},
			[]Issue{{"$.gpa_order.jit_funding.amount", `want number, got string "42.17"`}}},
		{"state not in enum", "transaction_model", edit(t, auth, set("state", "APPROVED")), Options{},
			[]Issue{{"$.state", `"APPROVED" is not one of [PENDING CLEARED COMPLETION DECLINED ERROR]`}}},
		{"token too long", "transaction_model", edit(t, auth, set("token", strings.Repeat("a", 37))), Options{},
			[]Issue{{"$.token", "37 characters, want at most 36 (maxLength)"}}},
		{"token of 36 multi-byte characters", "transaction_model", edit(t, auth, set("token", strings.Repeat("é", 36))), Options{}, nil},
		{"empty token", "transaction_model", edit(t, auth, set("token", "")), Options{},
			[]Issue{{"$.token", "0 characters, want at least 1 (minLength)"}}},
		{"date-time with a space", "transaction_model", edit(t, auth, set("created_time", "2025-03-14 18:22:41")), Options{},
			[]Issue{{"$.created_time", `"2025-03-14 18:22:41" is not an RFC 3339 date-time (like 2025-03-18T16:41:55.067Z)`}}},
		{"date-time without zone", "transaction_model", edit(t, auth, set("gpa_order.created_time", "2025-03-14T18:22:41")), Options{},
			[]Issue{{"$.gpa_order.created_time", `"2025-03-14T18:22:41" is not an RFC 3339 date-time (like 2025-03-18T16:41:55.067Z)`}}},
		{"date-time out of range", "transaction_model", edit(t, auth, set("settlement_date", "2025-02-30T00:00:00Z")), Options{},
			[]Issue{{"$.settlement_date", `"2025-02-30T00:00:00Z" is not an RFC 3339 date-time (like 2025-03-18T16:41:55.067Z)`}}},
		{"date-time with offset", "transaction_model", edit(t, auth, set("settlement_date", "2025-03-14T00:00:00.123456-07:00")), Options{}, nil},
		{"integer with fraction", "transaction_model", edit(t, auth, set("duration", json.Number("1.0"))), Options{},
			[]Issue{{"$.duration", "want integer, got 1.0 (an integer has no fraction or exponent)"}}},
		{"integer beyond int32", "transaction_model", edit(t, auth, set("duration", json.Number("2147483648"))), Options{},
			[]Issue{{"$.duration", "2147483648 does not fit format int32"}}},
		{"integer", "transaction_model", edit(t, auth, set("duration", json.Number("-2147483648"))), Options{}, nil},
		{"null", "transaction_model", edit(t, auth, set("user_token", nil)), Options{},
			[]Issue{{"$.user_token", "null is not allowed here, want string"}}},
		{"boolean as string", "transaction_model", edit(t, auth, set("pos.pin_present", "false")), Options{},
			[]Issue{{"$.pos.pin_present", `want boolean, got string "false"`}}},
		{"object as string", "transaction_model", edit(t, auth, set("card_acceptor", "Blue Door Bistro")), Options{},
			[]Issue{{"$.card_acceptor", `want object, got string "Blue Door Bistro"`}}},
		{"array items", "transaction_model", edit(t, auth, set("incremental_authorization_transaction_tokens", []any{"a", json.Number("1")})), Options{},
			[]Issue{{"$.incremental_authorization_transaction_tokens[1]", "want string, got number 1"}}},
		{"array as object", "transaction_model", edit(t, auth, set("incremental_authorization_transaction_tokens", map[string]any{})), Options{},
			[]Issue{{"$.incremental_authorization_transaction_tokens", "want array, got object"}}},
		{"negative amount, exactly", "transaction_model", edit(t, auth, set("gpa_order.jit_funding.amount", json.Number("-1e-400"))), Options{},
			[]Issue{{"$.gpa_order.jit_funding.amount", "-1e-400 is below the minimum: want at least 0"}}},
		{"huge amount", "transaction_model", edit(t, auth, set("gpa_order.jit_funding.amount", json.Number("1e999999999999"))), Options{}, nil},
		{"map value type", "transaction_model", edit(t, auth, set("gpa.balances.USD.available_balance", "0.00")), Options{},
			[]Issue{{"$.gpa.balances.USD.available_balance", `want number, got string "0.00"`}}},
		{"unknown field in a map value", "transaction_model", edit(t, auth, set("gpa.balances.USD.availableBalance", json.Number("1"))), Options{},
			[]Issue{{"$.gpa.balances.USD.availableBalance", `unknown field "availableBalance": not a property of cardholder_balance (did you mean "available_balance"?)`}}},
		{"map key that is not an identifier", "transaction_model", edit(t, auth, set("gpa.balances.US D", "x")), Options{},
			[]Issue{{`$.gpa.balances["US D"]`, `want object, got string "x"`}}},
		{"discriminated subtype field", "transaction_model", edit(t, auth, set("gpa_order.funding.source.name", "JIT gateway")), Options{}, nil},
		{"field of another subtype", "transaction_model", edit(t, auth, set("gpa_order.funding.source.routing_number", "x")), Options{},
			[]Issue{{"$.gpa_order.funding.source.routing_number", `unknown field "routing_number": not a property of funding_source_model + program_gateway_funding_source_model.allOf[1]`}}},
		{"discriminator without mapping", "transaction_model", edit(t, auth, func(root map[string]any) {
			set("gpa_order.funding.source.type", "gateway")(root)
			set("gpa_order.funding.source.name", "JIT gateway")(root)
		}), Options{}, []Issue{
			{"$.gpa_order.funding.source.type", `"gateway" selects no schema of the discriminator of funding_source_model (want [bankaccount chargeback directdeposit paymentcard program programgateway])`},
			{"$.gpa_order.funding.source.name", `unknown field "name": not a property of funding_source_model`},
		}},
		{"several issues in document order", "jit_program_response", edit(t, approval, func(root map[string]any) {
			set("jit_funding.method", "pgfs.authorisation")(root)
			rename("jit_funding.memo", "memo_text")(root)
		}), Options{}, []Issue{
			{"$.jit_funding.memo_text", `unknown field "memo_text": not a property of jit_funding_api`},
			{"$.jit_funding.method", `"pgfs.authorisation" is not one of [pgfs.authorization pgfs.authorization.clearing pgfs.authorization.advice pgfs.authorization.incremental pgfs.authorization.capture pgfs.authorization.reversal pgfs.authorization.cashback pgfs.balanceinquiry pgfs.auth_plus_capture pgfs.refund pgfs.refund.authorization pgfs.refund.authorization.reversal … and 38 more]`},
		}},
		{"required missing", "jit_program_response", edit(t, approval, del("jit_funding.token")), Options{Required: true},
			[]Issue{{"$.jit_funding.token", "required field is missing (required by jit_funding_api)"}}},
		{"required object missing", "jit_program_response", []byte(`{}`), Options{Required: true},
			[]Issue{{"$.jit_funding", "required field is missing (required by jit_program_response)"}}},
		{"required off", "jit_program_response", edit(t, approval, del("jit_funding.token")), Options{}, nil},
		{"required missing but ignored", "jit_program_response", edit(t, approval, del("jit_funding.token")),
			Options{Required: true, Ignore: []string{"$.jit_funding.token"}}, nil},
		{"ignored field", "transaction_model", edit(t, auth, rename("gpa_order.jit_funding.amount", "amout")),
			Options{Ignore: []string{"$.gpa_order.jit_funding.amout"}}, nil},
		{"ignored subtree", "transaction_model", edit(t, auth, rename("gpa_order.jit_funding.amount", "amout")),
			Options{Ignore: []string{"$.gpa_order"}}, nil},
		{"ignored by wildcard", "transaction_model", edit(t, auth, rename("gpa_order.jit_funding.amount", "amout")),
			Options{Ignore: []string{"$.*.jit_funding.*"}}, nil},
		{"wildcard of another depth", "transaction_model", edit(t, auth, rename("gpa_order.jit_funding.amount", "amout")),
			Options{Ignore: []string{"$.*.amout"}},
			[]Issue{{"$.gpa_order.jit_funding.amout", `unknown field "amout": not a property of jit_funding_api (did you mean "amount"?)`}}},
		{"duplicate field", "jit_program_response", []byte(`{"jit_funding": {"token": "a", "token": "b"}}`), Options{},
			[]Issue{{"$.jit_funding.token", `duplicate field "token"`}}},
		{"invalid JSON", "jit_program_response", []byte(`{"jit_funding": }`), Options{},
			[]Issue{{"$", "invalid JSON: invalid character '}' looking for beginning of value"}}},
		{"truncated JSON", "jit_program_response", []byte(`{"jit_funding": {`), Options{},
			[]Issue{{"$", "invalid JSON: unexpected EOF"}}},
		{"trailing data", "jit_program_response", []byte(`{} {}`), Options{},
			[]Issue{{"$", "invalid JSON: data after the top-level value"}}},
		{"top-level array", "jit_program_response", []byte(`[]`), Options{},
			[]Issue{{"$", "want object, got array"}}},
		{"unknown schema", "jit_response", []byte(`{}`), Options{},
			[]Issue{{"$", `no schema "jit_response" in components.schemas`}}},
		{"bad ignore path", "jit_program_response", []byte(`{}`), Options{Ignore: []string{"jit_funding", "$.a[x]"}},
			[]Issue{
				{"$", `Options.Ignore: bad path "jit_funding": a path starts with "$"`},
				{"$", `Options.Ignore: bad path "$.a[x]": bad index [x]`},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := s.Validate(tt.schema, tt.doc, tt.opts)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Validate(%s) =\n%s\nwant\n%s", tt.schema, issueLines(got), issueLines(tt.want))
			}
		})
	}
}

func issueLines(issues []Issue) string {
	if len(issues) == 0 {
		return "  (no issues)"
	}
	var b strings.Builder
	for _, i := range issues {
		b.WriteString("  " + i.String() + "\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// TestValidateRequiredInGolden documents why Options.Required is off by
// default: Marqeta's models require fields that real JIT requests omit.
func TestValidateRequiredInGolden(t *testing.T) {
	s := mustLoad(t)
	got := s.Validate("transaction_model", readGolden(t, "jit_request_authorization.json"), Options{Required: true})
	want := []Issue{
		{"$.gpa.balances.USD.balances", "required field is missing (required by cardholder_balance)"},
		{"$.gpa.balances.USD.cached_balance", "required field is missing (required by cardholder_balance)"},
		{"$.gpa.balances.USD.last_updated_time", "required field is missing (required by cardholder_balance)"},
		{"$.gpa.cached_balance", "required field is missing (required by cardholder_balance)"},
		{"$.gpa.last_updated_time", "required field is missing (required by cardholder_balance)"},
		{"$.gpa_order.funding.source.name", "required field is missing (required by program_gateway_funding_source_model.allOf[1])"},
		{"$.gpa_order.response", "required field is missing (required by gpa_response)"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%s\nwant\n%s", issueLines(got), issueLines(want))
	}
	got = s.Validate("transaction_model", readGolden(t, "jit_request_authorization.json"), Options{
		Required: true,
		Ignore:   []string{"$.gpa.*", "$.gpa.balances.*.*", "$.gpa_order.funding.source.name", "$.gpa_order.response"},
	})
	if len(got) != 0 {
		t.Errorf("with Ignore: %s", issueLines(got))
	}
}

// testSpec exercises what the Core API file does not use.
const testSpec = `components:
  schemas:
    root:
      properties:
        count:
          format: int64
          maximum: 10
          minimum: -10
          exclusiveMaximum: true
          type: integer
        ratio:
          maximum: 9.9999999999999E11
          minimum: 0.5
          exclusiveMinimum: true
          type: number
        level:
          enum: [0, 1, 2]
          type: integer
        note:
          nullable: true
          type: string
        id:
          format: uuid
          type: string
        day:
          format: date
          type: string
        list:
          items:
            type: boolean
          maxItems: 2
          minItems: 1
          type: array
        free:
          type: object
        open:
          additionalProperties: true
          properties:
            a:
              type: string
          type: object
        closed:
          additionalProperties: false
          type: object
        pet:
          $ref: '#/components/schemas/pet'
        any:
          anyOf:
            - type: string
            - type: integer
        headers:
          additionalProperties:
            type: string
          type: object
        broken:
          $ref: '#/components/schemas/missing'
      required:
        - count
        - extra
      type: object
    pet:
      oneOf:
        - $ref: '#/components/schemas/cat'
        - $ref: '#/components/schemas/dog'
    cat:
      properties:
        meows:
          type: boolean
      required: [meows]
      type: object
    dog:
      properties:
        barks:
          type: boolean
        meows:
          type: boolean
      required: [meows]
      type: object
`

func TestValidateFeatures(t *testing.T) {
	s, err := Parse([]byte(testSpec))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		doc  string
		opts Options
		want []Issue
	}{
		{`{"count": 9, "ratio": 0.51, "level": 2, "note": null, "id": "5D8E2B4F-7a1c-4e9d-b3f6-0c2a8e5d7b91", "day": "2025-03-14",
		   "list": [true], "free": {"x": {"y": 1}}, "open": {"a": "s", "b": [1]}, "closed": {}, "any": 3, "headers": {"X-Key": "v"}}`, Options{}, nil},
		{`{"count": 10}`, Options{}, []Issue{{"$.count", "10 is above the maximum: want less than 10"}}},
		{`{"count": -11}`, Options{}, []Issue{{"$.count", "-11 is below the minimum: want at least -10"}}},
		{`{"count": 9223372036854775808}`, Options{}, []Issue{
			{"$.count", "9223372036854775808 does not fit format int64"},
			{"$.count", "9223372036854775808 is above the maximum: want less than 10"},
		}},
		{`{"count": 1e2}`, Options{}, []Issue{{"$.count", "want integer, got 1e2 (an integer has no fraction or exponent)"}}},
		{`{"ratio": 0.5}`, Options{}, []Issue{{"$.ratio", "0.5 is below the minimum: want more than 0.5"}}},
		{`{"ratio": 999999999999.991}`, Options{}, []Issue{{"$.ratio", "999999999999.991 is above the maximum: want at most 9.9999999999999E11"}}},
		{`{"ratio": 999999999999.99}`, Options{}, nil},
		{`{"ratio": 99999999999999e-2}`, Options{}, nil},
		{`{"level": 3}`, Options{}, []Issue{{"$.level", "3 is not one of [0 1 2]"}}},
		{`{"level": "1"}`, Options{}, []Issue{{"$.level", `want integer, got string "1"`}}},
		{`{"id": "not-a-uuid"}`, Options{}, []Issue{{"$.id", `"not-a-uuid" is not a UUID`}}},
		{`{"day": "2025-3-14"}`, Options{}, []Issue{{"$.day", `"2025-3-14" is not a date (YYYY-MM-DD)`}}},
		{`{"list": []}`, Options{}, []Issue{{"$.list", "0 items, want at least 1 (minItems)"}}},
		{`{"list": [true, false, 1]}`, Options{}, []Issue{
			{"$.list", "3 items, want at most 2 (maxItems)"},
			{"$.list[2]", "want boolean, got number 1"},
		}},
		{`{"closed": {"a": 1}}`, Options{}, []Issue{{"$.closed.a", `unknown field "a": not a property of root.closed`}}},
		{`{"extra": {"anything": true}}`, Options{}, nil},
		{`{"headers": {"X-Key": 1}}`, Options{}, []Issue{{`$.headers["X-Key"]`, "want string, got number 1"}}},
		{`{"headers": {"X-Key": 1}}`, Options{Ignore: []string{`$.headers["X-Key"]`}}, nil},
		{`{"any": true}`, Options{}, []Issue{
			{"$.any", "matches none of the 2 anyOf alternatives of root.any; the closest one has these issues:"},
			{"$.any", "want string, got boolean true"},
		}},
		{`{"pet": {"meows": true}}`, Options{}, nil},
		{`{"pet": {"meows": true}}`, Options{Required: true, Ignore: []string{"$.count", "$.extra"}}, []Issue{
			{"$.pet", "matches 2 of the oneOf alternatives of pet, want exactly one"},
		}},
		{`{"pet": {"meows": true, "barks": false}}`, Options{Required: true, Ignore: []string{"$.count", "$.extra"}}, nil},
		{`{"pet": {"barks": true}}`, Options{Required: true}, []Issue{
			{"$.pet", "matches none of the 2 oneOf alternatives of pet; the closest one has these issues:"},
			{"$.pet.meows", "required field is missing (required by dog)"},
			{"$.count", "required field is missing (required by root)"},
			{"$.extra", "required field is missing (required by root)"},
		}},
		{`{"pet": {"purrs": true}}`, Options{}, []Issue{
			{"$.pet", "matches none of the 2 oneOf alternatives of pet; the closest one has these issues:"},
			{"$.pet.purrs", `unknown field "purrs": not a property of cat`},
		}},
		{`{"broken": 1}`, Options{}, []Issue{{"$.broken", `root.broken: $ref "#/components/schemas/missing" does not name a schema of components.schemas`}}},
		{`{"count": 1, "count": 2}`, Options{}, []Issue{{"$.count", `duplicate field "count"`}}},
	}
	for _, tt := range tests {
		got := s.Validate("root", []byte(tt.doc), tt.opts)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Validate(%s) =\n%s\nwant\n%s", tt.doc, issueLines(got), issueLines(tt.want))
		}
	}
}

func TestParsePath(t *testing.T) {
	for _, p := range []string{"$", "$.a", "$.a[0].b", `$.h["X-Key"]`, `$["a.b"]["]"]`, "$.*[*].c"} {
		segs, err := parsePath(p)
		if err != nil {
			t.Errorf("parsePath(%q): %v", p, err)
			continue
		}
		if !strings.Contains(p, "*") {
			if got := formatPath(segs); got != p && !(p == `$["a.b"]["]"]` && got == `$["a.b"]["]"]`) {
				t.Errorf("formatPath(parsePath(%q)) = %q", p, got)
			}
		}
	}
	for _, p := range []string{"", "a", "$a", "$.", "$.a-b", "$[", "$[-1]", `$["a]`, "$[1"} {
		if _, err := parsePath(p); err == nil {
			t.Errorf("parsePath(%q): no error", p)
		}
	}
}

func TestDecimal(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"0", "-0", 0}, {"0.0", "0e10", 0}, {"1", "1.000", 0}, {"100", "1e2", 0}, {"0.1", "1E-1", 0},
		{"1", "2", -1}, {"-1", "-2", 1}, {"-1", "1", -1}, {"0.12", "0.123", -1}, {"2", "123", -1},
		{"9.9999999999999E11", "999999999999.99", 0}, {"9.9999999999999E11", "999999999999.991", -1}, {"1e999999999999", "1e999999999998", 1},
		{"-1e-400", "0", -1}, {"12345678901234567890123", "12345678901234567890124", -1},
	}
	for _, tt := range tests {
		a, ok1 := parseDecimal(tt.a)
		b, ok2 := parseDecimal(tt.b)
		if !ok1 || !ok2 {
			t.Errorf("parseDecimal(%q, %q) failed", tt.a, tt.b)
			continue
		}
		if got := cmpDecimal(a, b); got != tt.want {
			t.Errorf("cmp(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := cmpDecimal(b, a); got != -tt.want {
			t.Errorf("cmp(%s, %s) = %d, want %d", tt.b, tt.a, got, -tt.want)
		}
	}
	for _, bad := range []string{"", "-", "1.", ".5", "1e", "0x10", "1_000", "e5", "1.2.3"} {
		if validNumber(bad) {
			t.Errorf("validNumber(%q) = true", bad)
		}
	}
}

// TestConcurrentUse loads and validates from several goroutines (run
// with -race).
func TestConcurrentUse(t *testing.T) {
	docs := goldenDocs(t)
	done := make(chan []Issue)
	for i := range 8 {
		go func() {
			s, err := Load()
			if err != nil {
				done <- []Issue{{"$", err.Error()}}
				return
			}
			g := docs[i%len(docs)]
			done <- s.Validate(g.schema, g.doc, Options{Required: i%2 == 0, Ignore: []string{"$.gpa.*"}})
		}()
	}
	for range 8 {
		for _, is := range <-done {
			if !strings.Contains(is.Problem, "required field is missing") {
				t.Error(is)
			}
		}
	}
}

// BenchmarkValidate checks the golden authorization request, as jitsim
// does for each message it sends.
func BenchmarkValidate(b *testing.B) {
	s := mustLoad(b)
	doc := readGolden(b, "jit_request_authorization.json")
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if issues := s.Validate("transaction_model", doc, Options{}); len(issues) != 0 {
			b.Fatal(issues)
		}
	}
}
