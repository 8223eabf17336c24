package jit

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// wantEINVALID checks that err is an *Error with code EINVALID whose message
// contains want.
func wantEINVALID(t *testing.T, name string, err error, want string) {
	t.Helper()
	var e *Error
	switch {
	case err == nil:
		t.Errorf("%s: no error, want one containing %q", name, want)
	case !errors.As(err, &e) || e.Code != EINVALID:
		t.Errorf("%s: %v (code %q), want code %q", name, err, ErrorCode(err), EINVALID)
	case !strings.Contains(e.Message, want):
		t.Errorf("%s: message %q does not contain %q", name, e.Message, want)
	}
}

func manyKeys(n int, extra string) string {
	var b strings.Builder
	b.WriteString(`{"type":"authorization"`)
	for i := 0; i < n; i++ {
		b.WriteString(`,"k` + strconv.Itoa(i) + `":` + strconv.Itoa(i))
	}
	b.WriteString(extra + "}")
	return b.String()
}

func TestDecodeTransaction(t *testing.T) {
	golden, err := os.ReadFile(goldenPath("jit_request_authorization.json"))
	if err != nil {
		t.Fatal(err)
	}
	ok := []struct{ name, in string }{
		{"golden", string(golden)},
		{"empty object", `{}`},
		{"spaces around", " \r\n\t{\"type\":\"authorization\"} \n"},
		{"unknown fields", `{"type":"authorization","brand_new_field":{"x":[1,{"y":null}]},"amount":1}`},
		{"same key in sibling objects", `{"gpa_order":{"token":"a"},"gpa":{"token":"b"},"acquirer":{"token":"c"}}`},
		{"same key in array elements", `{"x":[{"a":1},{"a":2}],"y":[[{"a":1}],[{"a":1}]]}`},
		{"repeated keys after a closed object", `{"a":{"b":1},"c":{"b":1,"d":{"b":1}},"e":1}`},
		{"many keys", manyKeys(200, "")},
		{"amount as string", `{"amount":"42.17"}`},
		{"null values", `{"gpa_order":null,"amount":null,"pos":{"card_presence":null}}`},
		{"escaped strings", `{"token":"a\"b\\c\/d\u00e9\ud83d\ude00\n"}`},
	}
	for _, tc := range ok {
		tx, err := DecodeTransaction([]byte(tc.in))
		if err != nil || tx == nil {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	deep := strings.Repeat(`{"a":`, 10001) + "1" + strings.Repeat("}", 10001)
	bad := []struct{ name, in, want string }{
		{"nil", "", "empty body"},
		{"spaces", " \n\t ", "empty body"},
		{"array", `[{"type":"authorization"}]`, "body is not a JSON object: it starts with '['"},
		{"null", `null`, "not a JSON object"},
		{"string", `"x"`, "not a JSON object"},
		{"number", `42`, "not a JSON object"},
		{"BOM", "\xef\xbb\xbf{}", "not a JSON object: it starts with 0xef"},
		{"trailing object", `{"type":"authorization"} {}`, "trailing data after the JSON object at offset 25"},
		{"trailing garbage", "{}\nx", "trailing data after the JSON object at offset 3"},
		{"trailing NUL", "{}\x00", "trailing data"},
		{"duplicate", `{"amount":1,"amount":2}`, `duplicate key "amount" at $`},
		{"nested duplicate", `{"gpa_order":{"jit_funding":{"token":"t","amount":1,"amount":2}}}`,
			`duplicate key "amount" at $.gpa_order.jit_funding`},
		{"duplicate in array", `{"x":[{},{"a":1,"b":[],"a":2}]}`, `duplicate key "a" at $.x[1]`},
		{"duplicate object", `{"gpa_order":{},"gpa_order":{}}`, `duplicate key "gpa_order" at $`},
		{"duplicate after nested object", `{"a":{"b":{"c":1}},"d":1,"a":2}`, `duplicate key "a" at $`},
		{"duplicate in deep nesting", `{"a":[[{"b":{"c":[0,{"d":1,"d":1}]}}]]}`, `duplicate key "d" at $.a[0][0].b.c[1]`},
		{"duplicate, case differs", `{"amount":1,"AMOUNT":2}`, `duplicate key "AMOUNT" at $ (same field as "amount"`},
		{"duplicate, escaped", `{"amount":1,"\u0061mount":2}`, `duplicate key "amount" at $`},
		{"duplicate, Kelvin sign folds to k", `{"k":1,"\u212a":2}`, "duplicate key \"\u212a\" at $ (same field as \"k\""},
		{"duplicate, long-s folds to s", `{"state":"PENDING","ſtate":"X"}`, `duplicate key "ſtate"`},
		{"duplicate, invalid UTF-8", "{\"\xff\":1,\"\xfe\":2}", "not valid UTF-8"},
		{"invalid UTF-8 in a value", "{\"token\":\"\xff\xfe\"}", "not valid UTF-8"},
		{"duplicate, key needs quoting", `{"x":{"a b":1,"a b":2}}`, `duplicate key "a b" at $.x`},
		{"duplicate under odd key", `{"a b":{"c":1,"c":2}}`, `duplicate key "c" at $["a b"]`},
		{"duplicate among many keys", manyKeys(100, `,"k77":1`), `duplicate key "k77" at $`},
		{"duplicate among many, case differs", manyKeys(100, `,"K99":1`), `duplicate key "K99" at $ (same field as "k99"`},
		{"unterminated", `{"type":"authorization"`, "invalid JSON at offset 23: unexpected end of input"},
		{"missing value", `{"a":}`, "invalid JSON at offset 5: invalid character '}' looking for the beginning of a value"},
		{"missing colon", `{"a" 1}`, "after an object key"},
		{"trailing comma", `{"a":1,}`, "looking for the beginning of an object key"},
		{"trailing comma in array", `{"a":[1,]}`, "looking for the beginning of a value"},
		{"single quotes", `{'a':1}`, "beginning of an object key"},
		{"bad literal", `{"a":tru}`, "in literal true"},
		{"control character", "{\"a\":\"x\x01\"}", "in a string"},
		{"bad escape", `{"a":"\q"}`, "invalid escape"},
		{"bad unicode escape", `{"a":"\u12g4"}`, "in a \\u escape"},
		{"leading zero", `{"a":01}`, "after an object value"},
		{"plus sign", `{"a":+1}`, "looking for the beginning of a value"},
		{"bare dot", `{"a":1.}`, "in a number"},
		{"NaN", `{"amount":NaN}`, "looking for the beginning of a value"},
		{"missing comma", `{"a":1 "b":2}`, "after an object value"},
		{"array not closed", `{"a":[1 2]}`, "after an array element"},
		{"too deep", deep, "nesting deeper than 10000"},
		{"wrong type", `{"token":5}`, "invalid value at $.token: JSON number where string expected"},
		{"wrong nested type", `{"gpa_order":{"jit_funding":{"user_token":true}}}`,
			"invalid value at $.gpa_order.jit_funding.user_token: JSON bool where string expected"},
		{"object for array", `{"incremental_authorization_transaction_tokens":{}}`, "JSON object where array expected"},
		{"string for bool", `{"is_final_clearing":"false"}`, "where boolean expected"},
		{"fraction for integer", `{"duration":1.5}`, "where integer expected"},
		{"bad amount", `{"amount":"abc"}`, `invalid amount "abc"`},
		{"amount too precise", `{"gpa_order":{"amount":0.0000001}}`, "invalid amount 0.0000001"},
		{"amount too large", `{"amount":1e400}`, "invalid amount 1e400"},
	}
	for _, tc := range bad {
		tx, err := DecodeTransaction([]byte(tc.in))
		if tx != nil {
			t.Errorf("%s: returned a transaction with the error", tc.name)
		}
		wantEINVALID(t, tc.name, err, tc.want)
	}
	if _, err := DecodeTransaction(nil); ErrorCode(err) != EINVALID {
		t.Errorf("nil body: %v", err)
	}
}

func TestDecodeWebhook(t *testing.T) {
	golden, err := os.ReadFile(goldenPath("webhook_clearing.json"))
	if err != nil {
		t.Fatal(err)
	}
	env, pings, err := DecodeWebhook(golden)
	if err != nil || pings != nil || len(env.Transactions) != 2 {
		t.Fatalf("golden: %v %v %v", env, pings, err)
	}
	env, pings, err = DecodeWebhook([]byte(`{"pings":[{"token":"marqeta","payload":"healthcheck"}]}`))
	if err != nil || env != nil || len(pings) != 1 || pings[0] != (Ping{Token: "marqeta", Payload: "healthcheck"}) {
		t.Errorf("ping: %v %v %v", env, pings, err)
	}
	env, _, err = DecodeWebhook([]byte(`{"transactions":[{"type":"refund","token":"t","amount":1}],"signature_hint":"x"}`))
	if err != nil || env.Transactions[0].Type != TypeRefund {
		t.Errorf("unknown top-level field: %v %v", env, err)
	}
	bad := []struct{ name, in, want string }{
		{"empty", ``, "empty body"},
		{"array", `[{"type":"authorization"}]`, "not a JSON object"},
		{"neither", `{}`, `neither "transactions" nor "pings"`},
		{"other keys only", `{"events":[{}]}`, `neither "transactions" nor "pings"`},
		{"null transactions", `{"transactions":null}`, `neither "transactions" nor "pings"`},
		{"empty transactions", `{"transactions":[]}`, `"transactions" is empty`},
		{"empty pings", `{"pings":[]}`, `"pings" is empty`},
		{"both", `{"transactions":[{}],"pings":[{}]}`, `both "transactions" and "pings"`},
		{"transactions not an array", `{"transactions":{}}`, "invalid value at $.transactions: JSON object where array expected"},
		{"duplicate top key", `{"transactions":[{}],"transactions":[{}]}`, `duplicate key "transactions" at $`},
		{"duplicate in a transaction", `{"transactions":[{"token":"a"},{"token":"b","gpa":{"impacted_amount":1,"impacted_amount":-1}}]}`,
			`duplicate key "impacted_amount" at $.transactions[1].gpa`},
		{"duplicate in a ping", `{"pings":[{"token":"a","token":"b"}]}`, `duplicate key "token" at $.pings[0]`},
		{"trailing", `{"pings":[{}]}]`, "trailing data"},
		{"bad amount", `{"transactions":[{"amount":"1.2.3"}]}`, "invalid amount"},
	}
	for _, tc := range bad {
		env, pings, err := DecodeWebhook([]byte(tc.in))
		if env != nil || pings != nil {
			t.Errorf("%s: returned a value with the error", tc.name)
		}
		wantEINVALID(t, tc.name, err, tc.want)
	}
}

// goldenSeeds adds the golden payloads to a fuzz target's corpus.
func goldenSeeds(f *testing.F, prefix string) {
	for _, g := range goldens {
		if strings.HasPrefix(g.file, prefix) {
			data, err := os.ReadFile(goldenPath(g.file))
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
}

// isValueError reports whether err is about a value (a wrong type or an
// invalid amount) rather than the body's shape: what json.Unmarshal must
// reject too.
func isValueError(err error) bool {
	msg := ErrorMessage(err)
	return !strings.HasPrefix(msg, "invalid JSON at offset") && !strings.HasPrefix(msg, "trailing data") &&
		msg != "empty body" && !strings.HasPrefix(msg, "body is not") && !strings.HasPrefix(msg, "duplicate key")
}

// checkAgainstEncodingJSON checks the strict decoders' verdict against
// encoding/json: syntax errors exactly when json.Valid says so.
func checkAgainstEncodingJSON(t *testing.T, data []byte, err error) {
	t.Helper()
	if err != nil && ErrorCode(err) != EINVALID {
		t.Fatalf("error with code %q: %v", ErrorCode(err), err)
	}
	msg := ErrorMessage(err)
	if !utf8.Valid(data) {
		// Not UTF-8 is rejected first, whatever else is wrong.
		if !strings.HasPrefix(msg, "body is not valid UTF-8") {
			t.Fatalf("non-UTF-8 body %q: %v", data, err)
		}
		return
	}
	syntax := strings.HasPrefix(msg, "invalid JSON at offset") || strings.HasPrefix(msg, "trailing data") ||
		msg == "empty body" || strings.HasPrefix(msg, "body is not a JSON object")
	valid := json.Valid(data)
	if err == nil && !valid {
		t.Fatalf("accepted invalid JSON %q", data)
	}
	if valid && syntax && !strings.HasPrefix(msg, "body is not a JSON object") {
		t.Fatalf("rejected valid JSON %q as malformed: %s", data, msg)
	}
	// One pass reports the first problem: a duplicate key may come before
	// the syntax error.
	if !valid && err != nil && !syntax && !strings.HasPrefix(msg, "duplicate key") {
		t.Fatalf("invalid JSON %q rejected for another reason: %s", data, msg)
	}
}

func FuzzDecodeTransaction(f *testing.F) {
	goldenSeeds(f, "jit_request")
	for _, s := range []string{`{}`, `{"amount":1,"AMOUNT":2}`, `{"a":[{"b":1,"b":2}]}`, `{"amount":"1e2"}`, `[]`, `{} x`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tx, err := DecodeTransaction(data)
		checkAgainstEncodingJSON(t, data, err)
		var plain Transaction
		plainErr := json.Unmarshal(data, &plain)
		if err != nil {
			if tx != nil {
				t.Fatal("a transaction and an error")
			}
			if isValueError(err) && plainErr == nil {
				t.Fatalf("json.Unmarshal accepts what DecodeTransaction rejects: %v", err)
			}
			return
		}
		if plainErr != nil {
			t.Fatalf("json.Unmarshal fails where DecodeTransaction succeeded: %v", plainErr)
		}
		if !reflect.DeepEqual(tx, &plain) {
			t.Fatalf("DecodeTransaction and json.Unmarshal disagree:\n%#v\n%#v", tx, &plain)
		}
		// What decodes, re-encodes to something that decodes to the same.
		out, err := json.Marshal(tx)
		if err != nil {
			t.Fatalf("re-marshal: %v", err)
		}
		tx2, err := DecodeTransaction(out)
		if err != nil {
			t.Fatalf("re-decode of %s: %v", out, err)
		}
		out2, _ := json.Marshal(tx2)
		if !bytes.Equal(out, out2) {
			t.Fatalf("round trip changed the value:\n%s\n%s", out, out2)
		}
	})
}

func FuzzDecodeWebhook(f *testing.F) {
	goldenSeeds(f, "webhook")
	for _, s := range []string{
		`{"pings":[{"token":"marqeta","payload":"healthcheck"}]}`, `{"transactions":[]}`, `{"pings":[]}`,
		`{"transactions":[{}],"pings":[{}]}`, `{"transactions":null,"pings":[null]}`, `{"Transactions":[{"Token":"t"}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		env, pings, err := DecodeWebhook(data)
		checkAgainstEncodingJSON(t, data, err)
		var plain webhookBody
		plainErr := json.Unmarshal(data, &plain)
		if err != nil {
			if env != nil || pings != nil {
				t.Fatal("a value and an error")
			}
			if isValueError(err) && !strings.Contains(ErrorMessage(err), `"transactions"`) &&
				!strings.Contains(ErrorMessage(err), `"pings"`) && plainErr == nil {
				t.Fatalf("json.Unmarshal accepts what DecodeWebhook rejects: %v", err)
			}
			return
		}
		if plainErr != nil {
			t.Fatalf("json.Unmarshal fails where DecodeWebhook succeeded: %v", plainErr)
		}
		if env != nil && !reflect.DeepEqual(env.Transactions, plain.Transactions) ||
			pings != nil && !reflect.DeepEqual(pings, plain.Pings) {
			t.Fatalf("DecodeWebhook and json.Unmarshal disagree:\n%#v %#v\n%#v", env, pings, plain)
		}
		if (env == nil) == (pings == nil) {
			t.Fatalf("want exactly one of envelope and pings: %v %v", env, pings)
		}
		var out []byte
		if env != nil {
			if len(env.Transactions) == 0 {
				t.Fatal("empty envelope accepted")
			}
			out, err = json.Marshal(env)
		} else {
			if len(pings) == 0 {
				t.Fatal("empty pings accepted")
			}
			out, err = json.Marshal(map[string][]Ping{"pings": pings})
		}
		if err != nil {
			t.Fatalf("re-marshal: %v", err)
		}
		env2, pings2, err := DecodeWebhook(out)
		if err != nil {
			t.Fatalf("re-decode of %s: %v", out, err)
		}
		var out2 []byte
		if env2 != nil {
			out2, _ = json.Marshal(env2)
		} else {
			out2, _ = json.Marshal(map[string][]Ping{"pings": pings2})
		}
		if !bytes.Equal(out, out2) {
			t.Fatalf("round trip changed the value:\n%s\n%s", out, out2)
		}
	})
}

func BenchmarkDecodeTransaction(b *testing.B) {
	data, err := os.ReadFile(goldenPath("jit_request_authorization.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeTransaction(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUnmarshalTransaction is the baseline: plain json.Unmarshal,
// without the checks of DecodeTransaction.
func BenchmarkUnmarshalTransaction(b *testing.B) {
	data, err := os.ReadFile(goldenPath("jit_request_authorization.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var t Transaction
		if err := json.Unmarshal(data, &t); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckObject measures the shape and duplicate-key check alone.
func BenchmarkCheckObject(b *testing.B) {
	data, err := os.ReadFile(goldenPath("jit_request_authorization.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if err := checkObject(data); err != nil {
			b.Fatal(err)
		}
	}
}

func TestDecodeRejectsInvalidUTF8(t *testing.T) {
	for _, body := range []string{"{\"token\":\"j\xff\"}", "{\"transactions\":[{\"token\":\"\xc3\"}]}"} {
		_, err1 := DecodeTransaction([]byte(body))
		_, _, err2 := DecodeWebhook([]byte(body))
		for _, err := range []error{err1, err2} {
			if ErrorCode(err) != EINVALID || !strings.Contains(err.Error(), "UTF-8") {
				t.Fatalf("%q: %v", body, err)
			}
		}
	}
}
