package transcript

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator"
	"github.com/jitsim/jitsim/simulator/clock"
)

var ctx = context.Background()

// gateway approves up to 100.00, declines above with INSUFFICIENT_FUNDS,
// and answers x.13 with a 500: deterministic, so two runs see the same.
func gateway(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	t, err := jit.DecodeTransaction(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	jf := t.JITFundingOf()
	cents, _ := jf.Amount.Minor("USD")
	resp := jit.JITResponse{JITFunding: jit.JITFunding{Token: jf.Token, Method: jf.Method, UserToken: jf.UserToken, Amount: jf.Amount, Memo: "fake"}}
	status := http.StatusOK
	switch {
	case cents%100 == 13:
		http.Error(w, "boom", http.StatusInternalServerError)
		return
	case cents > 10000:
		status, resp.JITFunding.DeclineReason = http.StatusPaymentRequired, jit.DeclineInsufficientFunds
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(resp)
}

// run drives an engine with seed through a fixed script against url and
// returns its transcript.
func run(t *testing.T, url string, seed uint64) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := NewWriter(&buf)
	v := clock.NewVirtual(time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC))
	e := simulator.New(simulator.Config{Clock: v, Seed: seed, Observe: tw.Observe})
	defer e.Close()
	must := func(txn *jit.Transaction, err error) *jit.Transaction {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return txn
	}
	src, err := e.CreateFundingSource(simulator.FundingSource{Name: "fake", URL: url, BasicAuthUsername: "marqeta", BasicAuthPassword: "gateway-password-0123456789", TimeoutMillis: 5000})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.CreateCommandoMode(simulator.CommandoMode{ProgramGatewayFundingSourceToken: src.Token,
		RealTimeStandinCriteria: &simulator.RealTimeStandin{Enabled: true, IncludeApplicationErrors: true}}); err != nil {
		t.Fatal(err)
	}
	prod, err := e.CreateCardProduct(simulator.CardProduct{Name: "JIT", StartDate: "2026-01-01", Config: &simulator.CardProductConfig{
		CardLifeCycle: &simulator.CardLifeCycle{ActivateUponIssue: jit.Bool(true)},
		JITFunding:    &simulator.JITFundingCfg{ProgramGatewayFundingSource: &simulator.ProgramGatewayJIT{Enabled: jit.Bool(true), FundingSourceToken: src.Token}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := e.CreateUser(simulator.User{FirstName: "Ada"})
	c, err := e.CreateCard(simulator.Card{UserToken: u.Token, CardProductToken: prod.Token})
	if err != nil {
		t.Fatal(err)
	}
	tw.Note("fund", map[string]any{"account": u.Token, "amount": 10000})
	m := simulator.Merchant{MCC: "5812", Name: "Bistro"}
	a := must(e.Authorize(ctx, simulator.AuthRequest{CardToken: c.Token, Amount: jit.MustAmount("42.17"), Merchant: m}))
	must(e.Authorize(ctx, simulator.AuthRequest{CardToken: c.Token, Amount: jit.MustAmount("420.00"), Merchant: m}))
	s := must(e.Authorize(ctx, simulator.AuthRequest{CardToken: c.Token, Amount: jit.MustAmount("10.13"), Merchant: m}))
	must(e.Incremental(ctx, a.Token, jit.MustAmount("5.00")))
	v.Advance(26 * time.Hour)
	tw.Note("advance", map[string]string{"by": "26h0m0s"})
	must(e.Clear(ctx, simulator.ClearRequest{Preceding: a.Token, Amount: jit.MustAmount("55.00")}))
	must(e.Expire(ctx, s.Token))
	must(e.PINDebit(ctx, simulator.AuthRequest{CardToken: c.Token, Amount: jit.MustAmount("20.00"), CardPresent: true}))
	must(e.Refund(ctx, simulator.RefundRequest{CardToken: c.Token, Amount: jit.MustAmount("3.00")}))
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestDeterministic: the same seed and calls against the same gateway give
// byte-identical transcripts; another seed does not.
func TestDeterministic(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(gateway))
	defer srv.Close()
	a, b := run(t, srv.URL, 42), run(t, srv.URL, 42)
	if !bytes.Equal(a, b) {
		t.Fatalf("same seed, different transcripts; first differing lines:\n%s", firstDiff(a, b))
	}
	if c := run(t, srv.URL, 43); bytes.Equal(a, c) {
		t.Fatal("seeds 42 and 43 gave the same transcript")
	}
	if strings.Contains(string(a), "latency") {
		t.Fatal("the transcript carries wall-clock latency")
	}
}

func firstDiff(a, b []byte) string {
	la, lb := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	for i := range min(len(la), len(lb)) {
		if !bytes.Equal(la[i], lb[i]) {
			return string(la[i]) + "\n" + string(lb[i])
		}
	}
	return "lengths differ"
}

// TestRoundTrip reads back what the engine run wrote, record by record.
func TestRoundTrip(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(gateway))
	defer srv.Close()
	data := run(t, srv.URL, 42)
	kinds := map[string]int{}
	var lines [][]byte
	for rec, err := range Read(bytes.NewReader(data)) {
		if err != nil {
			t.Fatal(err)
		}
		kinds[rec.Kind]++
		lines = append(lines, rec.Raw)
		switch rec.Kind {
		case KindJIT:
			if rec.At == nil || rec.Request == nil || rec.Outcome == nil || rec.Transaction != nil {
				t.Fatalf("jit record %s", rec.Raw)
			}
		case KindWebhook:
			if rec.At == nil || rec.Transaction == nil || rec.Request != nil {
				t.Fatalf("webhook record %s", rec.Raw)
			}
		}
	}
	// 5 JIT exchanges (3 auths, 1 incremental, 1 PIN debit); 8 webhooks.
	if kinds[KindJIT] != 5 || kinds[KindWebhook] != 8 || kinds["fund"] != 1 || kinds["advance"] != 1 {
		t.Fatalf("kinds %v", kinds)
	}
	if got := append(bytes.Join(lines, []byte("\n")), '\n'); !bytes.Equal(got, data) {
		t.Fatal("Raw lines do not rebuild the transcript")
	}
}

func TestWriterLines(t *testing.T) {
	at := time.Date(2026, 11, 1, 12, 0, 0, 0, time.FixedZone("X", 3600))
	req := &jit.Transaction{Type: "authorization", State: "PENDING", Token: "t1", Amount: jit.MustAmount("1.50")}
	tests := []struct {
		name string
		do   func(w *Writer)
		want string
	}{
		{"jit exchange, JSON body compacted, latency dropped", func(w *Writer) {
			w.Observe(simulator.Observation{At: at, Request: req, Outcome: &simulator.Outcome{Kind: "approved", Approved: true, Amount: 150, Status: 200, Body: []byte(`{ "jit_funding" : {} }`), Latency: time.Second}})
		}, `{"kind":"jit","at":"2026-11-01T11:00:00Z","request":{"type":"authorization","state":"PENDING","token":"t1","amount":1.50},"outcome":{"kind":"approved","approved":true,"amount":150,"status":200,"body":{"jit_funding":{}}}}`},
		{"non-JSON body as text", func(w *Writer) {
			w.Observe(simulator.Observation{At: at, Request: req, Outcome: &simulator.Outcome{Kind: "application_error", Status: 500, Body: []byte("boom\n"), Error: "unexpected HTTP status"}})
		}, `{"kind":"jit","at":"2026-11-01T11:00:00Z","request":{"type":"authorization","state":"PENDING","token":"t1","amount":1.50},"outcome":{"kind":"application_error","approved":false,"amount":0,"status":500,"body_text":"boom\n","error":"unexpected HTTP status"}}`},
		{"webhook", func(w *Writer) { w.Observe(simulator.Observation{At: at, Webhook: req}) },
			`{"kind":"webhook","at":"2026-11-01T11:00:00Z","transaction":{"type":"authorization","state":"PENDING","token":"t1","amount":1.50}}`},
		{"empty observation skipped", func(w *Writer) { w.Observe(simulator.Observation{At: at}) }, ``},
		{"note object", func(w *Writer) { w.Note("fund", struct{ B, A int }{1, 2}) }, `{"kind":"fund","B":1,"A":2}`},
		{"note map sorted", func(w *Writer) { w.Note("fund", map[string]int{"b": 1, "a": 2}) }, `{"kind":"fund","a":2,"b":1}`},
		{"note empty object", func(w *Writer) { w.Note("tick", struct{}{}) }, `{"kind":"tick"}`},
		{"note scalar", func(w *Writer) { w.Note("advance", "26h") }, `{"kind":"advance","value":"26h"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			w := NewWriter(&buf)
			tt.do(w)
			if buf.Len() != 0 {
				t.Fatal("the writer did not buffer")
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			want := tt.want
			if want != "" {
				want += "\n"
			}
			if got := buf.String(); got != want {
				t.Fatalf("got  %s\nwant %s", got, want)
			}
		})
	}
}

type failWriter struct{ n int }

var errDisk = errors.New("disk full")

func (f *failWriter) Write(p []byte) (int, error) { f.n++; return 0, errDisk }

func TestWriterErrorsStick(t *testing.T) {
	tests := []struct {
		name string
		do   func(w *Writer)
		code string
	}{
		{"note with its own kind", func(w *Writer) { w.Note("fund", map[string]string{"kind": "x"}) }, jit.EINVALID},
		{"reserved note kind", func(w *Writer) { w.Note(KindWebhook, 1) }, jit.EINVALID},
		{"empty note kind", func(w *Writer) { w.Note("", 1) }, jit.EINVALID},
		{"value that does not encode", func(w *Writer) { w.Note("bad", func() {}) }, jit.EINTERNAL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			w := NewWriter(&buf)
			tt.do(w)
			w.Note("fund", 1) // after the error: nothing more is written
			err := w.Close()
			if jit.ErrorCode(err) != tt.code || buf.Len() != 0 {
				t.Fatalf("err %v (code %s), wrote %q", err, jit.ErrorCode(err), buf.String())
			}
		})
	}
	f := &failWriter{}
	w := NewWriter(f)
	w.Note("fund", 1)
	if err := w.Close(); !errors.Is(err, errDisk) {
		t.Fatalf("flush error %v", err)
	}
	if err := w.Close(); !errors.Is(err, errDisk) || f.n != 1 {
		t.Fatalf("second Close %v after %d writes", err, f.n)
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		recs  int
		isErr bool
	}{
		{"blank lines skipped, no final newline", "\n{\"kind\":\"a\"}\n\n{\"kind\":\"b\"}", 2, false},
		{"CRLF", "{\"kind\":\"a\"}\r\n", 1, false},
		{"not JSON", "{\"kind\":\"a\"}\nnope\n{\"kind\":\"b\"}\n", 1, true},
		{"no kind", "{\"at\":\"2026-11-01T11:00:00Z\"}\n", 0, true},
		{"too long", "{\"kind\":\"a\",\"x\":\"" + strings.Repeat("x", MaxLine) + "\"}\n", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, failed := 0, false
			for _, err := range Read(strings.NewReader(tt.in)) {
				if err != nil {
					failed = true
					if jit.ErrorCode(err) != jit.EINVALID {
						t.Fatalf("code of %v", err)
					}
					continue
				}
				n++
			}
			if n != tt.recs || failed != tt.isErr {
				t.Fatalf("%d records, error %v", n, failed)
			}
		})
	}
	// Stopping early is honoured.
	n := 0
	for range Read(strings.NewReader("{\"kind\":\"a\"}\n{\"kind\":\"b\"}\n")) {
		n++
		break
	}
	if n != 1 {
		t.Fatalf("%d records after break", n)
	}
}
