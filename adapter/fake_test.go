package adapter

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/jitsim/jitsim/jit"
)

// fakeLedger is a real, if small, in-memory ledger: it keeps balances per
// token and currency and remembers idempotency keys.
type fakeLedger struct {
	mu       sync.Mutex
	accounts map[[2]string]*Account // by {token, currency}
	keys     map[string]creditArgs
	calls    int              // Account and Credit calls
	fail     map[string]error // token -> error every call on it returns
}

type creditArgs struct {
	token, currency string
	amount          int64
}

func newFakeLedger() *fakeLedger {
	return &fakeLedger{accounts: map[[2]string]*Account{}, keys: map[string]creditArgs{}, fail: map[string]error{}}
}

func (l *fakeLedger) Account(ctx context.Context, token, currency string) (Account, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls++
	if err := l.fail[token]; err != nil {
		return Account{}, err
	}
	a, ok := l.accounts[[2]string{token, currency}]
	if !ok {
		return Account{}, jit.Errorf(jit.ENOTFOUND, "no account %s", token)
	}
	return l.copyOf(a), nil
}

func (l *fakeLedger) Credit(ctx context.Context, token, currency string, amount int64, key string) (Account, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls++
	if err := l.fail[token]; err != nil {
		return Account{}, err
	}
	if amount <= 0 {
		return Account{}, jit.Errorf(jit.EINVALID, "amount must be positive")
	}
	args := creditArgs{token, currency, amount}
	if prev, ok := l.keys[key]; ok {
		if prev != args {
			return Account{}, jit.Errorf(jit.ECONFLICT, "idempotency key %s was used for another credit", key)
		}
		return l.copyOf(l.accounts[[2]string{token, currency}]), nil
	}
	l.keys[key] = args
	a := l.open(token, currency)
	a.Ledger += amount
	a.Available += amount
	return l.copyOf(a), nil
}

func (l *fakeLedger) open(token, currency string) *Account {
	k := [2]string{token, currency}
	a, ok := l.accounts[k]
	if !ok {
		a = &Account{Token: token, Currency: currency}
		l.accounts[k] = a
	}
	return a
}

func (l *fakeLedger) copyOf(a *Account) Account {
	c := *a
	c.Holds = append([]Hold(nil), a.Holds...)
	return c
}

// seed sets an account's ledger balance and holds, as JIT traffic would.
func (l *fakeLedger) seed(token, currency string, ledger int64, holds ...Hold) {
	l.mu.Lock()
	defer l.mu.Unlock()
	a := l.open(token, currency)
	a.Ledger = ledger
	a.Holds = holds
	a.Pending = 0
	for _, h := range holds {
		if h.State == HoldOpen {
			a.Pending += h.Amount
		}
	}
	a.Available = a.Ledger - a.Pending
}

func (l *fakeLedger) callCount() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.calls
}

// newServer serves NewHandler over l on 127.0.0.1:0.
func newServer(t testing.TB, l Ledger, opts ...Option) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(NewHandler(l, opts...))
	t.Cleanup(srv.Close)
	return srv
}

// postRaw sends body with Content-Type ct and returns the status, the
// headers and the body.
func postRaw(t testing.TB, url, ct, body string) (int, http.Header, string) {
	t.Helper()
	res, err := http.Post(url, ct, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header, string(b)
}

// gql sends a GraphQL request over HTTP and decodes the 200 response.
func gql(t testing.TB, url string, req Request) (Response, string) {
	t.Helper()
	b, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	status, h, body := postRaw(t, url, "application/json", string(b))
	if status != http.StatusOK {
		t.Fatalf("status %d, body %s", status, body)
	}
	if ct := h.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Fatalf("Content-Type %q", ct)
	}
	var resp Response
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&resp); err != nil {
		t.Fatalf("decoding %s: %v", body, err)
	}
	return resp, body
}

// jsonEqual reports whether two JSON texts hold the same value.
func jsonEqual(t testing.TB, got, want string) bool {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("got is not JSON: %s", got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want is not JSON: %s", want)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	return string(gb) == string(wb)
}

func codes(errs []Error) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Code())
	}
	return out
}
