package adapter

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"
)

const slowFuzz = 2 * time.Second

// FuzzExecute runs arbitrary query text and variables against a fake
// ledger: Execute must not panic, must answer with valid JSON, and must
// either fail the request (no data, errors) or return data.
func FuzzExecute(f *testing.F) {
	f.Add(`{ account(token: "u1") { token available holds { amount state } } }`, []byte(`{}`))
	f.Add(`mutation ($a: Decimal!) { credit(token: "u1", amount: $a, idempotencyKey: "k") { ledger } }`, []byte(`{"a": "1.005"}`))
	f.Add(`query ($t: ID!, $s: Boolean!) { account(token: $t) { ...F @skip(if: $s) } } fragment F on Account { ledger }`, []byte(`{"t": 12, "s": false}`))
	f.Add(`{ __type(name: "Hold") { name kind fields { name type { kind ofType { name } } } } }`, []byte(`null`))
	f.Fuzz(func(t *testing.T, query string, vars []byte) {
		l := newFakeLedger()
		l.seed("u1", "USD", 1230, Hold{JITToken: "j1", Amount: 200, State: HoldOpen})
		var v map[string]any
		dec := json.NewDecoder(bytes.NewReader(vars))
		dec.UseNumber()
		if dec.Decode(&v) != nil {
			v = nil
		}
		start := time.Now()
		resp := Execute(context.Background(), l, Request{Query: query, Variables: v})
		if d := time.Since(start); d > slowFuzz {
			t.Fatalf("slow: %v for %q", d, query)
		}
		out, err := json.Marshal(resp)
		if err != nil {
			t.Fatalf("response does not marshal: %v", err)
		}
		if !json.Valid(out) {
			t.Fatalf("invalid JSON: %s", out)
		}
		if resp.Data == nil && len(resp.Errors) == 0 {
			t.Fatalf("neither data nor errors: %s", out)
		}
		for _, e := range resp.Errors {
			if e.Code() == "" || e.Message == "" {
				t.Fatalf("error without code or message: %s", out)
			}
		}
	})
}
