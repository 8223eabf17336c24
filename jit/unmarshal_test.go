package jit

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestUnmarshalMatchesEncodingJSON decodes bodies that exercise every rule
// of encoding/json the decoder copies (case-insensitive names, null, empty
// and nil slices and maps, escapes, unknown fields, integers) and every
// golden payload, and wants the very value json.Unmarshal gives.
func TestUnmarshalMatchesEncodingJSON(t *testing.T) {
	cases := []struct{ name, in string }{
		{"empty", `{}`},
		{"case-insensitive names", `{"TOKEN":"a","Gpa_Order":{"JIT_FUNDING":{"Method":"pgfs.authorization","AMOUNT":"1.50"}}}`},
		{"Kelvin sign and long s fold to K and S", "{\"to\u212aen\":\"k\",\"\u017ftate\":\"PENDING\"}"},
		{"escaped key", `{"t\u006fken":"x","\u0074ype":"authorization"}`},
		{"escaped values", `{"token":"a\"b\\c\/d\u00e9\ud83d\ude00\n","memo":"\ud800"}`},
		{"null leaves values and clears pointers", `{"token":null,"amount":null,"gpa_order":null,"is_final_clearing":null,"duration":null}`},
		{"null in nested objects", `{"pos":{"card_presence":null,"pin_present":false},"gpa":null}`},
		{"empty and null slices", `{"incremental_authorization_transaction_tokens":[],"gpa_order":{"jit_funding":{"incremental_authorization_jit_funding_tokens":null}}}`},
		{"null elements", `{"incremental_authorization_transaction_tokens":[null,"b",null]}`},
		{"maps", `{"gpa":{"balances":{"USD":{"currency_code":"USD","available_balance":1.5,"balances":{}},"EUR":null}},"gpa_order":{"jit_funding":{"balances":null}}}`},
		{"integers", `{"duration":-5,"transaction_metadata":{"authorization_life_cycle":9223372036854775807},"gpa_order":{"funding":{"gateway_log":{"duration":0}}}}`},
		{"booleans", `{"is_preauthorization":true,"is_final_clearing":false,"pos":{"is_recurring":true}}`},
		{"amounts", `{"amount":"42.17","request_amount":0,"cash_back_amount":1e1,"gpa_order":{"amount":-0.5}}`},
		{"unknown fields anywhere", `{"x":{"y":[1,"]}",{"z":null}],"w":true},"token":"t","gpa_order":{"new":[[],{}],"token":"g"},"n":-1.5e-3}`},
		{"spaces everywhere", " {\n \"token\" :\t\"t\" , \"pos\" : { \"pin_present\" : true } , \"incremental_authorization_transaction_tokens\" : [ \"a\" , \"b\" ] }\r\n"},
		{"nested response data", `{"gpa_order":{"funding":{"gateway_log":{"response":{"code":"200","data":{"jit_funding":{"token":"j","amount":"3.00","balances":{"USD":{"ledger_balance":"1"}}}}}}}}}`},
	}
	goldens, err := filepath.Glob(filepath.Join("testdata", "golden", "jit_request*.json"))
	if err != nil || len(goldens) == 0 {
		t.Fatalf("goldens: %v %v", goldens, err)
	}
	for _, g := range goldens {
		data, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, struct{ name, in string }{g, string(data)})
	}
	for _, tc := range cases {
		got, err := DecodeTransaction([]byte(tc.in))
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		var want Transaction
		if err := json.Unmarshal([]byte(tc.in), &want); err != nil {
			t.Fatalf("%s: json.Unmarshal: %v", tc.name, err)
		}
		if !reflect.DeepEqual(got, &want) {
			t.Errorf("%s: decoded\n%#v\nwant (json.Unmarshal)\n%#v", tc.name, got, &want)
		}
	}
}

// TestUnmarshalErrorPaths checks that a value of the wrong type is named by
// its full path, with array indexes and map keys, which json.Unmarshal's
// errors leave out.
func TestUnmarshalErrorPaths(t *testing.T) {
	tx := []struct{ name, in, want string }{
		{"map value", `{"gpa_order":{"jit_funding":{"balances":{"USD":{"currency_code":1}}}}}`,
			"invalid value at $.gpa_order.jit_funding.balances.USD.currency_code: JSON number where string expected"},
		{"odd map key", `{"gpa":{"balances":{"a b":{"currency_code":true}}}}`,
			`invalid value at $.gpa.balances["a b"].currency_code: JSON bool where string expected`},
		{"array element", `{"incremental_authorization_transaction_tokens":["a",2]}`,
			"invalid value at $.incremental_authorization_transaction_tokens[1]: JSON number where string expected"},
		{"name as the schema spells it", `{"GPA_ORDER":{"Token":[]}}`,
			"invalid value at $.gpa_order.token: JSON array where string expected"},
		{"integer overflow", `{"duration":99999999999999999999}`,
			"invalid value at $.duration: JSON number 99999999999999999999 where integer expected"},
		{"exponent for integer", `{"transaction_metadata":{"authorization_life_cycle":1e3}}`,
			"invalid value at $.transaction_metadata.authorization_life_cycle: JSON number 1e3 where integer expected"},
		{"object for string", `{"token":{}}`, "invalid value at $.token: JSON object where string expected"},
		{"string for object", `{"pos":"x"}`, "invalid value at $.pos: JSON string where object expected"},
		{"number for map", `{"gpa":{"balances":7}}`, "invalid value at $.gpa.balances: JSON number where object expected"},
		{"the first problem wins", `{"token":1,"amount":"x"}`, "invalid value at $.token"},
		{"an amount first", `{"amount":"x","token":1}`, `invalid amount "x"`},
	}
	for _, tc := range tx {
		got, err := DecodeTransaction([]byte(tc.in))
		if got != nil {
			t.Errorf("%s: a transaction with the error", tc.name)
		}
		wantEINVALID(t, tc.name, err, tc.want)
		if err := json.Unmarshal([]byte(tc.in), new(Transaction)); err == nil {
			t.Errorf("%s: json.Unmarshal accepts it", tc.name)
		}
	}
	_, _, err := DecodeWebhook([]byte(`{"transactions":[{},{"gpa_order":{"jit_funding":{"token":5}}}]}`))
	wantEINVALID(t, "webhook", err, "invalid webhook: invalid value at $.transactions[1].gpa_order.jit_funding.token: JSON number where string expected")
}

// TestPlansCoverEveryField checks that the decoder knows every field of the
// decoded types under its JSON name, so a field added to a type without
// a tag the decoder understands is caught here rather than skipped.
func TestPlansCoverEveryField(t *testing.T) {
	seen := map[*plan]bool{}
	var walk func(p *plan)
	walk = func(p *plan) {
		if seen[p] {
			return
		}
		seen[p] = true
		if p.elem != nil {
			walk(p.elem)
		}
		if p.kind != kStruct {
			return
		}
		for i := 0; i < p.typ.NumField(); i++ {
			name, _, _ := strings.Cut(p.typ.Field(i).Tag.Get("json"), ",")
			f := p.fields[string(appendFolded(nil, []byte(name)))]
			if f == nil || f.index != i || f.name != name || p.exact[name] != f {
				t.Errorf("%s.%s (json %q): plan has %+v", p.typ, p.typ.Field(i).Name, name, f)
				continue
			}
			walk(f.plan)
		}
	}
	walk(transactionPlan)
	walk(webhookPlan)
	for _, typ := range []reflect.Type{reflect.TypeFor[JITFunding](), reflect.TypeFor[CardholderBalance](), reflect.TypeFor[Ping]()} {
		found := false
		for p := range seen {
			found = found || p.typ == typ
		}
		if !found {
			t.Errorf("no plan for %s", typ)
		}
	}
}
