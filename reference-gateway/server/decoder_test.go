package server

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/reference-gateway/ledger"
)

// jitVariants returns the golden funding requests and variants of them
// that exercise every field the gateway reads: a business, an unload, other
// currencies, no times, another merchant, no partial approval.
func jitVariants(t *testing.T) [][]byte {
	t.Helper()
	var out [][]byte
	edits := []func(m map[string]any){
		func(m map[string]any) {},
		func(m map[string]any) {
			m["business_token"] = "biz-1"
			sub(m, "gpa_order", "jit_funding")["business_token"] = "biz-2"
		},
		func(m map[string]any) { m["business_token"] = "biz-1" },
		func(m map[string]any) { m["gpa_order_unload"] = m["gpa_order"]; delete(m, "gpa_order") },
		func(m map[string]any) { delete(m, "currency_code"); sub(m, "gpa_order")["currency_code"] = "EUR" },
		func(m map[string]any) { delete(m, "currency_code"); delete(sub(m, "gpa_order"), "currency_code") },
		func(m map[string]any) {
			m["currency_code"] = "JPY"
			sub(m, "gpa_order", "jit_funding")["amount"] = "4217"
		},
		func(m map[string]any) { delete(m, "user_transaction_time"); m["created_time"] = "2024-02-29T23:59:59Z" },
		func(m map[string]any) { delete(m, "user_transaction_time"); delete(m, "created_time") },
		func(m map[string]any) {
			m["user_transaction_time"] = "2025-12-31T23:59:00-08:00"
			m["created_time"] = "2026-01-01T07:59:01Z"
		},
		func(m map[string]any) {
			sub(m, "card_acceptor")["mcc"] = "7995"
			sub(m, "pos")["partial_approval_capable"] = false
		},
		func(m map[string]any) { delete(m, "card_acceptor"); delete(m, "pos") },
		func(m map[string]any) {
			m["preceding_related_transaction_token"] = "prev-txn"
			delete(sub(m, "gpa_order", "jit_funding"), "user_token")
		},
		func(m map[string]any) {
			jf := sub(m, "gpa_order", "jit_funding")
			jf["method"] = "pgfs.authorization.incremental"
			jf["original_jit_funding_token"] = "root-jit"
			jf["incremental_authorization_jit_funding_tokens"] = []any{"a", "b"}
		},
	}
	for _, name := range []string{"jit_request_authorization.json", "jit_request_incremental.json"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "jit", "testdata", "golden", name))
		if err != nil {
			t.Fatal(err)
		}
		for _, edit := range edits {
			var m map[string]any
			if err := json.Unmarshal(data, &m); err != nil {
				t.Fatal(err)
			}
			edit(m)
			body, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, body)
		}
	}
	return out
}

// sub returns the object at path in m, creating it if missing.
func sub(m map[string]any, path ...string) map[string]any {
	for _, k := range path {
		next, ok := m[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[k] = next
		}
		m = next
	}
	return m
}

// What the gateway reads of a funding request is the same whether it was
// decoded whole or by jitDecoder: the funding, the ledger request for every
// kind of decision, and the metrics' labels.
func TestJITDecoderKeepsWhatTheGatewayReads(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	for i, body := range jitVariants(t) {
		full, err := jit.DecodeTransaction(body)
		if err != nil {
			t.Fatalf("variant %d: %v", i, err)
		}
		lean, err := jitDecoder.Decode(body)
		if err != nil {
			t.Fatalf("variant %d: %v", i, err)
		}
		if reflect.DeepEqual(full, lean) {
			t.Fatalf("variant %d: jitDecoder kept everything; the test does not exercise it", i)
		}
		jfFull, jfLean := full.JITFundingOf(), lean.JITFundingOf()
		if !reflect.DeepEqual(jfFull, jfLean) {
			t.Fatalf("variant %d: jit_funding\n full %+v\n lean %+v", i, jfFull, jfLean)
		}
		if checkFunding(jfFull) != nil {
			continue
		}
		for _, kind := range []ledger.Kind{ledger.Authorize, ledger.Increment, ledger.Capture, ledger.Inquiry, ledger.Verify} {
			rFull, errFull := toRequest(full, jfFull, kind, now)
			rLean, errLean := toRequest(lean, jfLean, kind, now)
			if !reflect.DeepEqual(rFull, rLean) || (errFull == nil) != (errLean == nil) {
				t.Fatalf("variant %d, kind %d:\n full %+v, %v\n lean %+v, %v", i, kind, rFull, errFull, rLean, errLean)
			}
		}
	}
}
