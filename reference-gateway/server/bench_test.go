package server

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jitsim/jitsim/reference-gateway/ledger"
)

// Bodies for the benchmarks are the golden Marqeta messages in jit/testdata,
// compacted, with every token the gateway keys on replaced per request. All
// the golden tokens are 36-character UUIDs, so a template is the body with
// the offsets of each token, and rendering one is a copy and a few 12-digit
// hex writes: cheap enough to run inside a load generator's targeter.

// Golden tokens of jit_request_authorization.json and of the first event of
// webhook_clearing.json (which clears that authorization).
const (
	goldenUser     = "3f1d9a72-8c4e-4b6a-9e25-71c0d8b5a3e4"
	goldenAuthTxn  = "9c6b0b5e-2f4a-4d8e-b1f3-5a7c2e9d4f10"
	goldenAuthJIT  = "5d8e2b4f-7a1c-4e9d-b3f6-0c2a8e5d7b91"
	goldenGPAOrder = "e2a7f3c9-1b5d-4c8e-a6f0-9d3b7e2c5a14"
	goldenClearTxn = "1a7c3e9b-5f2d-4b8a-9c6e-0d4f2a8c6e53"
	goldenClearJIT = "d3b9f5a1-8e4c-4d2a-b0f7-6a1c3e5b9d28"
)

// tokenKind is which generated token replaces a golden one.
type tokenKind int

const (
	kindUser tokenKind = iota
	kindAuthTxn
	kindAuthJIT
	kindGPAOrder
	kindClearTxn
	kindClearJIT
	numKinds
)

// tokenPrefix is the first 24 characters of each kind of generated token;
// the last 12 are the request number (or the account number) in hex.
var tokenPrefix = [numKinds]string{
	kindUser:     "00000000-0000-4000-a000-",
	kindAuthTxn:  "7a000001-0000-4000-8000-",
	kindAuthJIT:  "7a000002-0000-4000-8000-",
	kindGPAOrder: "7a000003-0000-4000-8000-",
	kindClearTxn: "7a000004-0000-4000-8000-",
	kindClearJIT: "7a000005-0000-4000-8000-",
}

var goldenKinds = map[string]tokenKind{
	goldenUser:     kindUser,
	goldenAuthTxn:  kindAuthTxn,
	goldenAuthJIT:  kindAuthJIT,
	goldenGPAOrder: kindGPAOrder,
	goldenClearTxn: kindClearTxn,
	goldenClearJIT: kindClearJIT,
}

// putToken writes the token of kind k for number n into dst[:36].
func putToken(dst []byte, k tokenKind, n uint64) {
	const hexDigits = "0123456789abcdef"
	copy(dst, tokenPrefix[k])
	for i := 35; i >= 24; i-- {
		dst[i] = hexDigits[n&0xf]
		n >>= 4
	}
}

func benchToken(k tokenKind, n uint64) string {
	var b [36]byte
	putToken(b[:], k, n)
	return string(b[:])
}

// accountToken is the user token of bench account i.
func accountToken(i int) string { return benchToken(kindUser, uint64(i)) }

type tmplSlot struct {
	off  int
	kind tokenKind
}

// bodyTemplate is a message with the offsets of the tokens to replace.
type bodyTemplate struct {
	data     []byte
	slots    []tmplSlot
	accounts uint64
}

// newBodyTemplate compacts the JSON in data and finds every golden token in
// it. Request n goes to account n mod accounts.
func newBodyTemplate(data []byte, accounts int) (*bodyTemplate, error) {
	var buf bytes.Buffer
	if err := json.Compact(&buf, data); err != nil {
		return nil, err
	}
	t := &bodyTemplate{data: buf.Bytes(), accounts: uint64(accounts)}
	for tok, k := range goldenKinds {
		for off := 0; ; {
			i := bytes.Index(t.data[off:], []byte(tok))
			if i < 0 {
				break
			}
			t.slots = append(t.slots, tmplSlot{off: off + i, kind: k})
			off += i + len(tok)
		}
	}
	return t, nil
}

// loadTemplate reads a golden file of the jit package.
func loadTemplate(tb testing.TB, name string, accounts int) *bodyTemplate {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "jit", "testdata", "golden", name))
	if err != nil {
		tb.Fatal(err)
	}
	if name == "webhook_clearing.json" {
		// One event per webhook: the first, which clears the golden
		// authorization.
		var env struct {
			Transactions []json.RawMessage `json:"transactions"`
		}
		if err := json.Unmarshal(data, &env); err != nil {
			tb.Fatal(err)
		}
		if data, err = json.Marshal(map[string]any{"transactions": env.Transactions[:1]}); err != nil {
			tb.Fatal(err)
		}
	}
	t, err := newBodyTemplate(data, accounts)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// render appends the body of message n to dst[:0].
func (t *bodyTemplate) render(dst []byte, n uint64) []byte {
	dst = append(dst[:0], t.data...)
	for _, s := range t.slots {
		v := n
		if s.kind == kindUser {
			v = n % t.accounts
		}
		putToken(dst[s.off:s.off+36], s.kind, v)
	}
	return dst
}

const (
	benchAccounts = 1000
	benchFunds    = 1_000_000_000_00 // $1bn per account: nothing declines for lack of funds
)

var benchAuthHeader = "Basic " + base64.StdEncoding.EncodeToString([]byte(testUser+":"+testPass))

// openBenchServer opens a gateway on a fresh journal, with Basic auth, and
// funds the bench accounts.
func openBenchServer(b *testing.B, noSync bool) *Server {
	b.Helper()
	s, err := Open(Config{JournalDir: b.TempDir(), Username: testUser, Password: testPass, NoSync: noSync})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	fundBenchAccounts(b, s.Ledger(), benchAccounts)
	return s
}

// fundBenchAccounts credits n accounts in parallel (the credits share
// fsyncs).
func fundBenchAccounts(tb testing.TB, st ledger.Store, n int) {
	tb.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	sem := make(chan struct{}, 64)
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			tok := accountToken(i)
			if _, err := st.Credit(context.Background(), ledger.Key{Token: tok, Currency: "USD"}, benchFunds, "fund-"+tok); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		tb.Fatal(err)
	}
}

// benchFsyncs is how many group commits the gateway's journal has fsynced.
func benchFsyncs(s *Server) int64 {
	var n int64
	for i := range s.metrics.fsyncs.counts {
		n += s.metrics.fsyncs.counts[i].Load()
	}
	return n
}

// serveBench runs h (for the gateway: mux, Basic auth, body read, decode,
// ledger decision, journal append and wait, JSON answer) in parallel on
// bodies from tmpl, numbered from 1, expecting status want. With a gateway
// s it reports how many records shared each fsync.
func serveBench(b *testing.B, h http.Handler, s *Server, path string, tmpl *bodyTemplate, want int) {
	var seq atomic.Uint64
	var syncs int64
	if s != nil {
		syncs = benchFsyncs(s)
	}
	b.SetBytes(int64(len(tmpl.data)))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		var body []byte
		for pb.Next() {
			body = tmpl.render(body, seq.Add(1))
			req, err := http.NewRequest(http.MethodPost, path, bytes.NewReader(body))
			if err != nil {
				b.Error(err)
				return
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", benchAuthHeader)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != want {
				b.Errorf("%s answered %d, want %d: %s", path, rec.Code, want, rec.Body)
				return
			}
		}
	})
	b.StopTimer()
	if s == nil {
		return
	}
	if n := benchFsyncs(s) - syncs; n > 0 {
		b.ReportMetric(float64(b.N)/float64(n), "records/fsync")
	}
}

// benchParallelism are the RunParallel parallelisms: goroutines =
// parallelism × GOMAXPROCS. Concurrent requests are what fill a group
// commit, so fsync throughput depends on them.
var benchParallelism = []int{1, 8, 64}

func benchProcs() int { return runtime.GOMAXPROCS(0) }

// BenchmarkJITHandler is one authorization JIT request through the whole
// gateway handler in process (no network): "fsync" with the real journal,
// "nosync" with the same journal without fsync to separate its cost.
func BenchmarkJITHandler(b *testing.B) {
	for _, mode := range []struct {
		name   string
		noSync bool
	}{{"fsync", false}, {"nosync", true}} {
		for _, par := range benchParallelism {
			b.Run(fmt.Sprintf("%s/goroutines=%d", mode.name, par*benchProcs()), func(b *testing.B) {
				s := openBenchServer(b, mode.noSync)
				tmpl := loadTemplate(b, "jit_request_authorization.json", benchAccounts)
				b.SetParallelism(par)
				serveBench(b, s.Handler(), s, "/jit", tmpl, http.StatusOK)
			})
		}
	}
}

// BenchmarkWebhookHandler is one authorization.clearing webhook (one event)
// through the whole handler, each clearing a hold that a JIT authorization
// opened before the timer started.
func BenchmarkWebhookHandler(b *testing.B) {
	for _, mode := range []struct {
		name   string
		noSync bool
	}{{"fsync", false}, {"nosync", true}} {
		for _, par := range benchParallelism {
			b.Run(fmt.Sprintf("%s/goroutines=%d", mode.name, par*benchProcs()), func(b *testing.B) {
				s := openBenchServer(b, mode.noSync)
				auth := loadTemplate(b, "jit_request_authorization.json", benchAccounts)
				prefill(b, s, auth, b.N)
				tmpl := loadTemplate(b, "webhook_clearing.json", benchAccounts)
				b.SetParallelism(par)
				serveBench(b, s.Handler(), s, "/webhooks", tmpl, http.StatusOK)
			})
		}
	}
}

// prefill approves authorizations 1..n through the handler, 64 at a time so
// that they share fsyncs.
func prefill(b *testing.B, s *Server, tmpl *bodyTemplate, n int) {
	b.Helper()
	h := s.Handler()
	var seq atomic.Uint64
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() {
			var body []byte
			for {
				i := seq.Add(1)
				if i > uint64(n) {
					return
				}
				body = tmpl.render(body, i)
				req := httptest.NewRequest(http.MethodPost, "/jit", bytes.NewReader(body))
				req.Header.Set("Authorization", benchAuthHeader)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Errorf("prefill %d: %d %s", i, rec.Code, rec.Body)
					return
				}
			}
		})
	}
	wg.Wait()
}
