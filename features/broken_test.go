package features

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator/webhook"
)

// Deliberately broken gateways: the reference gateway's handler behind a
// wrapper that rewrites what it reads or answers, so as to commit one
// classic ledger defect each. The suite must catch every one.

var brokenAll = flag.Bool("broken-all", false, "run every feature against every broken gateway and print the catch matrix")

type obj = map[string]any

// decode reads JSON with exact numbers.
func decode(b []byte) (obj, bool) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var m obj
	if d.Decode(&m) != nil {
		return nil, false
	}
	return m, true
}

func sub(m obj, keys ...string) obj {
	for _, k := range keys {
		n, _ := m[k].(map[string]any)
		if n == nil {
			return nil
		}
		m = n
	}
	return m
}

// jitFundingOf finds jit_funding in a request or webhook event.
func jitFundingOf(t obj) obj {
	if jf := sub(t, "gpa_order", "jit_funding"); jf != nil {
		return jf
	}
	return sub(t, "gpa_order_unload", "jit_funding")
}

// rewriteRequest rewrites the body of requests to path before the gateway
// reads them; f returns the new body.
func rewriteRequest(next http.Handler, path string, f func([]byte) []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != path {
			next.ServeHTTP(w, r)
			return
		}
		body, _ := io.ReadAll(r.Body)
		body = f(body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		next.ServeHTTP(w, r)
	})
}

// rewriteAnswer rewrites the gateway's answers on path.
func rewriteAnswer(next http.Handler, path string, f func(req []byte, status int, body []byte) (int, []byte)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != path {
			next.ServeHTTP(w, r)
			return
		}
		req, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(req))
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		status, body := f(req, rec.Code, rec.Body.Bytes())
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(status)
		w.Write(body)
	})
}

// resign signs a rewritten webhook body with the test gateway's secret when
// the original was signed right, so the rewrite is caught by the ledger's
// checks rather than the signature's, and a bad signature stays bad.
func resign(r *http.Request, original, body []byte) {
	if sig := r.Header.Get("X-Marqeta-Signature"); sig != "" && sig == webhook.Sign("sha256", gwSecret, original) {
		r.Header.Set("X-Marqeta-Signature", webhook.Sign("sha256", gwSecret, body))
	}
}

// rewriteEvents rewrites each webhook event; keep=false drops it.
func rewriteEvents(next http.Handler, f func(ev obj) (keep bool)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/webhooks" {
			next.ServeHTTP(w, r)
			return
		}
		body, _ := io.ReadAll(r.Body)
		original := body
		if m, ok := decode(body); ok {
			if txns, ok := m["transactions"].([]any); ok {
				var kept []any
				for _, t := range txns {
					if ev, ok := t.(map[string]any); ok && !f(ev) {
						continue
					}
					kept = append(kept, t)
				}
				m["transactions"] = kept
				if kept == nil {
					m["transactions"] = []any{}
				}
				body, _ = json.Marshal(m)
				resign(r, original, body)
			}
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		next.ServeHTTP(w, r)
	})
}

func str(v any) string { s, _ := v.(string); return s }

// float32Cents is what a gateway that keeps money in float32 and truncates
// to cents makes of an amount.
func float32Cents(v any) any {
	n, ok := v.(json.Number)
	if !ok {
		return v
	}
	f, err := strconv.ParseFloat(string(n), 32)
	if err != nil {
		return v
	}
	cents := math.Trunc(float64(float32(f)) * 100)
	return json.Number(strconv.FormatFloat(cents/100, 'f', 2, 64))
}

type brokenGateway struct {
	name     string
	wrap     func(http.Handler) http.Handler
	caughtBy []string // features that must catch it (the README table)
}

var brokenGateways = []brokenGateway{
	{"charges on authorization and again on clearing", func(h http.Handler) http.Handler {
		// Book every authorization as a capture (money moves at once), and
		// echo the method Marqeta sent so the network cannot tell.
		h = rewriteAnswer(h, "/jit", func(_ []byte, status int, body []byte) (int, []byte) {
			return status, bytes.Replace(body, []byte(`"method":"`+jit.MethodAuthPlusCapture+`"`), []byte(`"method":"`+jit.MethodAuthorization+`"`), 1)
		})
		return rewriteRequest(h, "/jit", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"method":"`+jit.MethodAuthorization+`"`), []byte(`"method":"`+jit.MethodAuthPlusCapture+`"`), 1)
		})
	}, []string{"authorization.feature", "clearing.feature"}},

	{"ignores reversals", func(h http.Handler) http.Handler {
		return rewriteEvents(h, func(ev obj) bool { return str(ev["type"]) != jit.TypeAuthorizationReversal })
	}, []string{"reversal.feature"}},

	{"ignores timed_out and DECLINED webhooks", func(h http.Handler) http.Handler {
		return rewriteEvents(h, func(ev obj) bool {
			gl := sub(ev, "gpa_order", "funding", "gateway_log")
			return str(ev["state"]) != jit.StateDeclined && (gl == nil || gl["timed_out"] != true)
		})
	}, []string{"timeouts.feature"}},

	{"books a duplicated webhook twice", func(h http.Handler) http.Handler {
		var mu sync.Mutex
		seen := map[string]int{}
		return rewriteEvents(h, func(ev obj) bool {
			mu.Lock()
			defer mu.Unlock()
			tok := str(ev["token"])
			seen[tok]++
			if n := seen[tok]; n > 1 {
				// Keyed on something else than the transaction token: a
				// repeat looks like a new transaction.
				ev["token"] = fmt.Sprintf("%s-%d", tok, n)
			}
			return true
		})
	}, []string{"duplicates.feature"}},

	{"rounds amounts through float32", func(h http.Handler) http.Handler {
		return rewriteEvents(h, func(ev obj) bool {
			ev["amount"] = float32Cents(ev["amount"])
			if g := sub(ev, "gpa"); g != nil && g["impacted_amount"] != nil {
				g["impacted_amount"] = float32Cents(g["impacted_amount"])
			}
			if jf := jitFundingOf(ev); jf != nil {
				jf["amount"] = float32Cents(jf["amount"])
			}
			return true
		})
	}, []string{"advice.feature", "fuel.feature"}},

	{"releases the whole hold on a non-final multi-clearing", func(h http.Handler) http.Handler {
		return rewriteEvents(h, func(ev obj) bool {
			if ev["is_final_clearing"] == false {
				ev["is_final_clearing"] = true
				ev["multi_clearing_sequence_number"] = ev["multi_clearing_sequence_count"]
			}
			return true
		})
	}, []string{"clearing.feature"}},

	{"declines tip over-clearing", func(h http.Handler) http.Handler {
		var mu sync.Mutex
		authorized := map[string]float64{} // float is fine here: only compared
		next := h
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			m, _ := decode(body)
			switch r.URL.Path {
			case "/jit":
				if jf := jitFundingOf(m); jf != nil && str(jf["method"]) == jit.MethodAuthorization {
					n, _ := jf["amount"].(json.Number)
					a, _ := strconv.ParseFloat(string(n), 64)
					mu.Lock()
					authorized[str(m["token"])] = a
					mu.Unlock()
				}
			case "/webhooks":
				txns, _ := m["transactions"].([]any)
				for _, t := range txns {
					ev, _ := t.(map[string]any)
					if ev == nil || str(ev["type"]) != jit.TypeAuthorizationClearing {
						continue
					}
					n, _ := ev["amount"].(json.Number)
					c, _ := strconv.ParseFloat(string(n), 64)
					mu.Lock()
					a, ok := authorized[str(ev["preceding_related_transaction_token"])]
					mu.Unlock()
					if ok && c > a {
						http.Error(w, `{"error_code":"invalid","error_message":"clearing above the authorization"}`, http.StatusBadRequest)
						return
					}
				}
			}
			next.ServeHTTP(w, r)
		})
	}, []string{"clearing.feature", "fuel.feature"}},

	{"treats a balance inquiry as an authorization", func(h http.Handler) http.Handler {
		h = rewriteAnswer(h, "/jit", func(req []byte, status int, body []byte) (int, []byte) {
			if bytes.Contains(req, []byte(`"method":"`+jit.MethodBalanceinquiry+`"`)) {
				body = bytes.Replace(body, []byte(`"method":"`+jit.MethodAuthorization+`"`), []byte(`"method":"`+jit.MethodBalanceinquiry+`"`), 1)
			}
			return status, body
		})
		return rewriteRequest(h, "/jit", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"method":"`+jit.MethodBalanceinquiry+`"`), []byte(`"method":"`+jit.MethodAuthorization+`"`), 1)
		})
	}, []string{"balance_inquiry.feature"}},

	{"approves over the balance", func(h http.Handler) http.Handler {
		return rewriteAnswer(h, "/jit", func(_ []byte, status int, body []byte) (int, []byte) {
			if status == http.StatusPaymentRequired && bytes.Contains(body, []byte(jit.DeclineInsufficientFunds)) {
				return http.StatusOK, bytes.Replace(body, []byte(`,"decline_reason":"`+jit.DeclineInsufficientFunds+`"`), nil, 1)
			}
			return status, body
		})
	}, []string{"authorization.feature", "pin_debit.feature"}},

	{"ignores stand-in approvals", func(h http.Handler) http.Handler {
		return rewriteEvents(h, func(ev obj) bool { return str(ev["standin_approved_by"]) == "" })
	}, []string{"standin.feature"}},

	{"ignores advices", func(h http.Handler) http.Handler {
		return rewriteEvents(h, func(ev obj) bool { return str(ev["type"]) != jit.TypeAuthorizationAdvice })
	}, []string{"advice.feature", "fuel.feature"}},

	{"accepts any credentials", func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.SetBasicAuth(gwUser, gwPass)
			h.ServeHTTP(w, r)
		})
	}, []string{"security.feature"}},

	{"skips the webhook signature check", func(h http.Handler) http.Handler {
		// Whatever came, the gateway goes on as if the signature matched.
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/webhooks" {
				body, _ := io.ReadAll(r.Body)
				r.Body = io.NopCloser(bytes.NewReader(body))
				r.Header.Set("X-Marqeta-Signature", webhook.Sign("sha256", gwSecret, body))
			}
			h.ServeHTTP(w, r)
		})
	}, []string{"security.feature"}},
}

// TestBrokenGatewaysAreCaught runs the features that should catch each
// broken gateway (all features with -broken-all) and checks the suite fails
// in each of them. The reference gateway itself passes (TestFeatures).
func TestBrokenGatewaysAreCaught(t *testing.T) {
	matrix := map[string][]string{}
	for _, b := range brokenGateways {
		t.Run(b.name, func(t *testing.T) {
			tags := "~@known-defect"
			if !*brokenAll {
				var features []string
				for _, f := range b.caughtBy {
					features = append(features, "@"+featureTag(t, f))
				}
				tags += " && " + strings.Join(features, ",")
			}
			res, err := Run(t.Context(), Options{
				NewTarget: referenceGateways(t, b.wrap), Controls: true, Concurrency: 8, Tags: tags,
				Format: "progress", Output: io.Discard, NoColors: true, Seed: 42,
			})
			if err != nil {
				t.Fatal(err)
			}
			if res.OK || res.Scenarios == 0 {
				t.Fatalf("not caught: %d scenarios ran, all passed", res.Scenarios)
			}
			failed := map[string]bool{}
			for _, f := range res.Features {
				if f.Failed > 0 {
					failed[f.File] = true
					matrix[b.name] = append(matrix[b.name], f.File)
				}
			}
			for _, f := range b.caughtBy {
				if !failed[f] {
					t.Errorf("%s did not catch it; failing features: %v", f, matrix[b.name])
				}
			}
		})
	}
	if *brokenAll {
		names := make([]string, 0, len(matrix))
		for n := range matrix {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			t.Logf("| %s | %s |", n, strings.Join(matrix[n], ", "))
		}
	}
}

// featureTag is the feature-level tag of a feature file (its first line).
func featureTag(t *testing.T, file string) string {
	src, err := embedded.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(string(src), "\n")
	tag, _, _ := strings.Cut(strings.TrimSpace(first), " ")
	if !strings.HasPrefix(tag, "@") {
		t.Fatalf("%s does not start with a tag line", file)
	}
	return strings.TrimPrefix(tag, "@")
}
