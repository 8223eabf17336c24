package fault

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator"
)

// TestEngineOutcomes drives a real engine through each JIT fault at
// probability 1 against a fake gateway that approves everything, and checks
// the network outcome, the webhook, and what the gateway saw.
func TestEngineOutcomes(t *testing.T) {
	tests := []struct {
		name     string
		cfg      Config
		kind     string // the observed outcome; "" when the gateway is not called
		state    string // the webhook's state
		timedOut bool
		standIn  string
		jitCalls int // JIT requests the gateway received
	}{
		{"timeout", Config{Timeout: 1}, simulator.OutcomeTimeout, jit.StateDeclined, true, "", 1},
		{"connection error", Config{ConnectionError: 1}, simulator.OutcomeConnectionError, jit.StateDeclined, false, "", 0},
		{"5xx", Config{ServerError: 1}, simulator.OutcomeApplicationError, jit.StateDeclined, false, "", 1},
		{"resend", Config{JITResend: 1}, simulator.OutcomeApproved, jit.StatePending, false, "", 2},
		{"resend and timeout", Config{JITResend: 1, Timeout: 1}, simulator.OutcomeTimeout, jit.StateDeclined, true, "", 2},
		{"connection error outranks timeout and 5xx", Config{ConnectionError: 1, Timeout: 1, ServerError: 1, JITResend: 1}, simulator.OutcomeConnectionError, jit.StateDeclined, false, "", 0},
		{"timeout outranks 5xx", Config{Timeout: 1, ServerError: 1}, simulator.OutcomeTimeout, jit.StateDeclined, true, "", 1},
		{"commando", Config{Commando: 1}, "", jit.StatePending, false, "COMMANDO_MANUAL", 0},
		{"commando skips the JIT faults", Config{Commando: 1, Timeout: 1}, "", jit.StatePending, false, "COMMANDO_MANUAL", 0},
		{"no faults", Config{}, simulator.OutcomeApproved, jit.StatePending, false, "", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t, tt.cfg, 3)
			txn := w.authorize(t, "10.00")
			obs := w.outcomes()
			switch {
			case tt.kind == "" && len(obs) != 0:
				t.Fatalf("gateway exchange observed under Commando Mode: %+v", obs)
			case tt.kind != "" && (len(obs) != 1 || obs[0].Kind != tt.kind):
				t.Fatalf("outcomes %+v, want one %s", obs, tt.kind)
			}
			if txn.State != tt.state || txn.StandinApprovedBy != tt.standIn {
				t.Errorf("webhook state %s standin %q, want %s %q", txn.State, txn.StandinApprovedBy, tt.state, tt.standIn)
			}
			gl := txn.GatewayLogOf()
			switch {
			case tt.kind == "" && gl != nil:
				t.Errorf("gateway_log %+v under Commando Mode", gl)
			case tt.kind != "" && (gl == nil || gl.TimedOut == nil || *gl.TimedOut != tt.timedOut):
				t.Errorf("gateway_log %+v, want timed_out %v", gl, tt.timedOut)
			}
			if got := w.gw.jitCount(); got != tt.jitCalls {
				t.Errorf("gateway got %d JIT requests, want %d", got, tt.jitCalls)
			}
			if tt.jitCalls == 2 {
				w.gw.mu.Lock()
				same := w.gw.jitTokens[0] == w.gw.jitTokens[1]
				w.gw.mu.Unlock()
				if !same {
					t.Error("a resend carried a different JIT token")
				}
				if m := w.s.ResendMismatches(); len(m) != 0 {
					t.Errorf("a gateway answering identically recorded mismatches %+v", m)
				}
			}
			if err := w.e.Webhooks().Flush(ctx); err != nil {
				t.Fatal(err)
			}
			if got := w.gw.received(); len(got) != 1 || got[0] != txn.Token {
				t.Errorf("gateway received webhooks %v, want [%s]", got, txn.Token)
			}
			if commandoOn(t, w) {
				t.Error("Commando Mode left on")
			}
		})
	}
}

// TestResendMismatch records a gateway that answers a repeated JIT token
// differently, with both answers.
func TestResendMismatch(t *testing.T) {
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req jit.Transaction
		json.NewDecoder(r.Body).Decode(&req)
		jf := req.JITFundingOf()
		if calls.Add(1) > 1 {
			w.WriteHeader(http.StatusPaymentRequired)
			json.NewEncoder(w).Encode(jit.JITResponse{JITFunding: jit.JITFunding{Token: jf.Token, Method: jf.Method, UserToken: jf.UserToken, Amount: jf.Amount, DeclineReason: "DUPLICATE_TRANSACTION"}})
			return
		}
		json.NewEncoder(w).Encode(jit.JITResponse{JITFunding: jit.JITFunding{Token: jf.Token, Method: jf.Method, UserToken: jf.UserToken, Amount: jf.Amount}})
	}))
	t.Cleanup(srv.Close)
	s, err := New(Config{JITResend: 1}, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, body, err := postJIT(&http.Client{Transport: s.JITTransport(nil)}, srv.URL, "jf-dup")
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusPaymentRequired {
		t.Errorf("the caller got %d, want the second answer (402)", resp.StatusCode)
	}
	m := s.ResendMismatches()
	if len(m) != 1 || m[0].JITToken != "jf-dup" || m[0].First.Status != 200 || m[0].Second.Status != 402 || m[0].Second.Body != string(body) {
		t.Fatalf("mismatches %+v", m)
	}
	if c := s.Counts(); c.ResendMismatches != 1 {
		t.Errorf("counts %+v", c)
	}
}

// TestErrorsThroughHTTPClient checks what the engine relies on: an error a
// RoundTripper returns reaches the caller of http.Client.Do as a *url.Error
// that errors.Is still sees through.
func TestErrorsThroughHTTPClient(t *testing.T) {
	gw := newGateway(t)
	for _, tt := range []struct {
		cfg  Config
		want error
	}{
		{Config{Timeout: 1}, context.DeadlineExceeded},
		{Config{ConnectionError: 1}, syscall.ECONNREFUSED},
	} {
		s, err := New(tt.cfg, 1, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = postJIT(&http.Client{Transport: s.JITTransport(nil)}, gw.URL+"/jit", "jf-1")
		var ue *url.Error
		if !errors.As(err, &ue) || !errors.Is(err, tt.want) {
			t.Errorf("%+v: error %T %v, want a *url.Error wrapping %v", tt.cfg, err, err, tt.want)
		}
		if tt.want == syscall.ECONNREFUSED {
			var oe *net.OpError
			if !errors.As(err, &oe) || oe.Addr == nil || oe.Addr.String() != gw.URL[len("http://"):] {
				t.Errorf("connection error %v: want a *net.OpError naming the gateway's address", err)
			}
		}
	}
}

// TestAroundErrors checks that Commando Mode that cannot be turned on
// returns a wrapped engine error and does not run the event.
func TestAroundErrors(t *testing.T) {
	w := newWorld(t, Config{Commando: 1}, 1)
	ran := false
	err := w.s.Around(ctx, w.e, "no-such-source", func() error { ran = true; return nil })
	if jit.ErrorCode(err) != jit.EINVALID || ran {
		t.Fatalf("Around on an unknown source: %v (ran %v); want EINVALID and no run", err, ran)
	}
	want := errors.New("event failed")
	if err := w.s.Around(ctx, w.e, w.source, func() error { return want }); !errors.Is(err, want) {
		t.Fatalf("Around returned %v, want the event's error", err)
	}
	if commandoOn(t, w) {
		t.Fatal("Commando Mode left on after a failed event")
	}
}

// TestNilSet: a nil Set passes everything through, so a runner can wire
// its hooks unconditionally.
func TestNilSet(t *testing.T) {
	var s *Set
	gw := newGateway(t)
	resp, _, err := postJIT(&http.Client{Transport: s.JITTransport(nil)}, gw.URL+"/jit", "jf-1")
	if err != nil || resp.StatusCode != http.StatusOK || gw.jitCount() != 1 {
		t.Fatalf("JIT through a nil Set: %v %v", resp, err)
	}
	in := batches(3, 2, 0)
	if out := s.Intercept(in); len(out) != 3 || &out[0] != &in[0] {
		t.Error("nil Set's Intercept changed the batches")
	}
	ran := false
	if err := s.Around(ctx, nil, "src", func() error { ran = true; return nil }); err != nil || !ran {
		t.Error("nil Set's Around did not just run the event")
	}
	if s.Stats() != nil || s.ResendMismatches() != nil || s.Counts() != (Counts{}) || s.Config() != (Config{}) {
		t.Error("nil Set reports something")
	}
	wt := s.WebhookTransport(nil)
	if wt != http.DefaultTransport {
		t.Error("nil Set's webhook transport is not the default transport")
	}
}
