package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/reference-gateway/ledger"
)

// The fuzz targets drive the gateway's handler in process with fuzzed bodies.
// One gateway per target (per fuzzing worker) lives across all inputs, so
// the ledger accumulates what earlier inputs booked, as a real gateway's
// does. Seeds: testdata/fuzz/Fuzz*Handler and the f.Add calls below.

// fuzzStatuses are the only answers a body may get. The fuzzed gateway has no
// credentials and no webhook secret, so 401 cannot happen here, but it is a
// legitimate answer of these endpoints.
var fuzzStatuses = []int{200, 400, 401, 402, 413, 415}

// fuzzFunded is the account every target funds, with enough money that
// approvals keep happening for the whole run.
var fuzzFunded = ledger.Key{Token: "u1", Currency: "USD"}

// fuzzSpy sees every ledger call the handlers make. Since the last reset it
// counts the webhook events applied, keeps the view of each account as it was
// before its first write, so that a target can tell exactly what a request
// changed, and notes the first event that breaks ledger.Event's contract.
type fuzzSpy struct {
	ledger.Store
	mu      sync.Mutex
	applies int
	before  map[ledger.Key]*ledger.View // nil: the account did not exist
	broken  string                      // an event that breaks ledger.Event's contract
}

func (s *fuzzSpy) note(k ledger.Key) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.before[k]; ok {
		return
	}
	var v *ledger.View
	if got, err := s.Store.Account(context.Background(), k); err == nil {
		v = &got
	}
	s.before[k] = v
}

func (s *fuzzSpy) Decide(ctx context.Context, r ledger.Request) (ledger.Answer, error) {
	s.note(r.Account)
	return s.Store.Decide(ctx, r)
}

func (s *fuzzSpy) Apply(ctx context.Context, e ledger.Event) (bool, error) {
	s.note(e.Account)
	s.mu.Lock()
	s.applies++
	if e.Amount < 0 && s.broken == "" {
		s.broken = fmt.Sprintf("event %q of kind %d with amount %d < 0", e.Token, e.Kind, e.Amount)
	}
	s.mu.Unlock()
	return s.Store.Apply(ctx, e)
}

func (s *fuzzSpy) reset() {
	s.applies, s.broken = 0, ""
	clear(s.before)
}

// view reads k's view now; nil when the account does not exist.
func (s *fuzzSpy) view(k ledger.Key) *ledger.View {
	v, err := s.Store.Account(context.Background(), k)
	if err != nil {
		return nil
	}
	return &v
}

// changed names an account whose balances or holds differ from before the
// request, or returns "".
func (s *fuzzSpy) changed(funded *ledger.View) string {
	if now := s.view(fuzzFunded); !reflect.DeepEqual(funded, now) {
		return fuzzFunded.Token
	}
	for k, was := range s.before {
		if now := s.view(k); !reflect.DeepEqual(was, now) {
			return k.Token + " " + k.Currency
		}
	}
	return ""
}

// fuzzGateway opens a gateway as the fuzz targets use it: no network, no
// auth, no fsync, one funded account, and a spy between handlers and ledger.
func fuzzGateway(f *testing.F) (*Server, *fuzzSpy) {
	s, err := Open(Config{JournalDir: f.TempDir(), NoSync: true})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() {
		if err := s.Close(); err != nil {
			f.Error(err)
		}
	})
	if _, err := s.Ledger().Credit(context.Background(), fuzzFunded, 1_000_000_000_00, "fuzz-funding"); err != nil {
		f.Fatal(err)
	}
	spy := &fuzzSpy{Store: s.store, before: map[ledger.Key]*ledger.View{}}
	s.store = spy // the handlers read s.store on every request
	return s, spy
}

// fuzzServe posts body to path through the handler and checks what holds for
// every answer: no panic (the fuzzer reports one), an allowed status, a JSON
// body, an error body for a 4xx, and no change to any account the request
// could reach unless it was a 200 or a 402. It returns the status, the body
// and the account the request changed, or "".
func fuzzServe(t *testing.T, s *Server, spy *fuzzSpy, path string, body []byte) (status int, out []byte, changed string) {
	spy.reset()
	funded := spy.view(fuzzFunded)
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	status, out = rec.Code, rec.Body.Bytes()
	if spy.broken != "" {
		t.Fatalf("status %d after the handler applied %s", status, spy.broken)
	}
	if !slices.Contains(fuzzStatuses, status) {
		t.Fatalf("status %d: %s", status, badTruncate(out))
	}
	if !json.Valid(out) {
		t.Fatalf("status %d with a body that is not JSON: %q", status, badTruncate(out))
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("status %d with Content-Type %q", status, ct)
	}
	changed = spy.changed(funded)
	if status >= 400 && status != 402 {
		var e errorBody
		if err := json.Unmarshal(out, &e); err != nil || e.ErrorCode == "" || e.ErrorMessage == "" {
			t.Fatalf("status %d with error body %s", status, badTruncate(out))
		}
		if leak := badLeak.FindString(e.ErrorMessage); leak != "" {
			t.Fatalf("error_message leaks internals (%q): %q", leak, e.ErrorMessage)
		}
		if changed != "" {
			t.Fatalf("status %d changed account %s", status, changed)
		}
	}
	return status, out, changed
}

func FuzzJITHandler(f *testing.F) {
	s, spy := fuzzGateway(f)
	f.Add(jitRequest(jit.TypeAuthorization, jit.MethodAuthorization, "u1", "j1", "t1", "42.17"))
	f.Add(jitRequest(jit.TypeAuthorizationIncremental, jit.MethodAuthorizationIncremental, "u1", "j1i", "t1i", "7.00", func(t *jit.Transaction) {
		t.PrecedingRelatedTransactionToken = "t1"
		t.GPAOrder.JITFunding.OriginalJITFundingToken = "j1"
	}))
	f.Add(jitRequest(jit.TypeBalanceinquiry, jit.MethodBalanceinquiry, "u1", "b1", "tb1", "0"))
	f.Add([]byte(`{"gpa_order":{"jit_funding":{"token":"j","method":"pgfs.authorization","user_token":"u1","amount":1e30}}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		status, out, _ := fuzzServe(t, s, spy, "/jit", body)
		// The same request again gets the same answer and moves nothing:
		// decisions are idempotent on the JIT token.
		status2, out2, changed := fuzzServe(t, s, spy, "/jit", body)
		if status2 != status || !bytes.Equal(out2, out) {
			t.Fatalf("answered %d %s, then %d %s", status, badTruncate(out), status2, badTruncate(out2))
		}
		if changed != "" {
			t.Fatalf("the same request again (%d) changed account %s", status, changed)
		}
		if status != 200 && status != 402 {
			return
		}
		// The request decodes (else it was a 400), and the answer echoes it.
		req, err := jit.DecodeTransaction(body)
		if err != nil {
			t.Fatalf("status %d for a body that does not decode: %v", status, err)
		}
		jf := req.JITFundingOf()
		var resp jit.JITResponse
		if err := json.Unmarshal(out, &resp); err != nil {
			t.Fatalf("status %d with a body that is not a JIT response: %v: %s", status, err, badTruncate(out))
		}
		got := resp.JITFunding
		if got.Token != jf.Token || got.Method != jf.Method || got.UserToken != jf.UserToken {
			t.Fatalf("echo (%q, %q, %q) of request (%q, %q, %q)", got.Token, got.Method, got.UserToken, jf.Token, jf.Method, jf.UserToken)
		}
		switch {
		case status == 402 && !slices.Contains(jit.DeclineReasons, got.DeclineReason):
			t.Fatalf("402 with decline_reason %q", got.DeclineReason)
		case status == 200 && got.DeclineReason != "":
			t.Fatalf("200 with decline_reason %q", got.DeclineReason)
		}
		// Only JIT traffic reaches this ledger: approvals never exceed funds.
		if v := spy.view(fuzzFunded); v == nil || v.Available < 0 || v.Pending < 0 {
			t.Fatalf("funded account after status %d: %+v", status, v)
		}
	})
}

func FuzzWebhookHandler(f *testing.F) {
	s, spy := fuzzGateway(f)
	f.Add(webhook(event(jit.TypeAuthorizationClearing, jit.StateCompletion, "u1", "c1", "jc1", "12.00", "t1")))
	f.Add(webhook(event(jit.TypeRefund, jit.StateCompletion, "u1", "r1", "jr1", "5.00", "")))
	f.Add([]byte(`{"pings":[{"token":"marqeta","payload":"healthcheck"}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		status, out, _ := fuzzServe(t, s, spy, "/webhooks", body)
		if status != 200 {
			// Every event is checked before any is booked.
			if spy.applies != 0 {
				t.Fatalf("status %d after %d events were applied", status, spy.applies)
			}
		}
		// Delivered again (delivery is at least once): the same status, and
		// nothing moves.
		status2, out2, changed := fuzzServe(t, s, spy, "/webhooks", body)
		if status2 != status || status != 200 && !bytes.Equal(out2, out) {
			t.Fatalf("answered %d %s, then %d %s", status, badTruncate(out), status2, badTruncate(out2))
		}
		if changed != "" {
			t.Fatalf("the same webhook again (%d) changed account %s", status, changed)
		}
		if status != 200 {
			return
		}
		env, pings, err := jit.DecodeWebhook(body)
		if err != nil {
			t.Fatalf("200 for a body that does not decode: %v", err)
		}
		res, res2 := fuzzResult(t, out), fuzzResult(t, out2)
		switch {
		case env == nil && (res.Pings != len(pings) || res.Applied+res.Duplicates+res.Ignored != 0 || res2 != res):
			t.Fatalf("ping of %d answered %+v, then %+v", len(pings), res, res2)
		case env != nil && (res.Applied+res.Duplicates+res.Ignored != len(env.Transactions) || res.Pings != 0):
			t.Fatalf("%d events answered %+v", len(env.Transactions), res)
		case env != nil && (res2.Applied != 0 || res2.Duplicates != res.Applied+res.Duplicates || res2.Ignored != res.Ignored || res2.Applied+res2.Duplicates != spy.applies):
			t.Fatalf("%d events answered %+v, then %+v after %d applies", len(env.Transactions), res, res2, spy.applies)
		}
	})
}

// fuzzResult decodes the body of a 200 webhook answer.
func fuzzResult(t *testing.T, out []byte) webhookResult {
	var res webhookResult
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&res); err != nil {
		t.Fatalf("200 with a body that is not a webhook result: %v: %s", err, badTruncate(out))
	}
	return res
}
