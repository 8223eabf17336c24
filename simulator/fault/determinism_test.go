package fault

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/jitsim/jitsim/jit"
)

// allFaults turns every fault on at a rate that makes each happen often.
var allFaults = Config{
	Timeout: 0.1, ConnectionError: 0.1, ServerError: 0.1, JITResend: 0.2,
	WebhookDown: 0.3, WebhookDuplicate: 0.2, WebhookReorder: 0.5, Commando: 0.1,
}

// run drives 100 authorizations (flushed 25 at a time: three batches a
// flush) with every fault on and returns a transcript
// of what happened: outcomes, webhook states, what the gateway received and
// the fault counters.
func run(t *testing.T, seed uint64) ([]string, []Stat) {
	t.Helper()
	w := newWorld(t, allFaults, seed)
	var out []string
	for i := range 100 {
		txn := w.authorize(t, fmt.Sprintf("%d.00", 1+i))
		out = append(out, fmt.Sprintf("%s %s %s", txn.Token, txn.State, txn.StandinApprovedBy))
		if i%25 == 24 {
			if err := w.e.Webhooks().Flush(ctx); err != nil {
				t.Fatal(err)
			}
			w.clock.Advance(100 * time.Second)
		}
	}
	w.clock.RunUntilIdle(1000)
	for _, o := range w.outcomes() {
		out = append(out, o.Kind)
	}
	w.gw.mu.Lock()
	out = append(out, w.gw.jitTokens...)
	for _, p := range w.gw.webhooks {
		out = append(out, fmt.Sprint(p))
	}
	w.gw.mu.Unlock()
	if n := w.e.Webhooks().Pending(); n != 0 {
		t.Fatalf("%d webhook events never delivered", n)
	}
	return out, w.s.Stats()
}

// TestDeterminism: the same seed gives the same faults in the same places;
// another seed gives others. Stats list every configured fault in Config's
// order, each with observed = injected / opportunities, and every fault
// fired at least once.
func TestDeterminism(t *testing.T) {
	a, sa := run(t, 11)
	b, sb := run(t, 11)
	c, _ := run(t, 12)
	if !slices.Equal(a, b) || !slices.Equal(sa, sb) {
		t.Fatal("the same seed gave different runs")
	}
	if slices.Equal(a, c) {
		t.Fatal("different seeds gave the same run")
	}
	names := []string{NameTimeout, NameConnectionError, NameServerError, NameJITResend, NameWebhookDown, NameWebhookDuplicate, NameWebhookReorder, NameCommando}
	if len(sa) != len(names) {
		t.Fatalf("stats %+v", sa)
	}
	for i, st := range sa {
		if st.Name != names[i] || st.Opportunities == 0 || st.Injected == 0 || st.Observed != float64(st.Injected)/float64(st.Opportunities) {
			t.Errorf("stat %d = %+v, want %s with observed = injected/opportunities and something injected", i, st, names[i])
		}
	}
	js, err := json.Marshal(sa[0])
	if err != nil {
		t.Fatal(err)
	}
	var back Stat
	if err := json.Unmarshal(js, &back); err != nil || back != sa[0] {
		t.Errorf("stat JSON %s round-trips to %+v", js, back)
	}
}

// timedOut sends n JIT requests through s and returns the indices that
// timed out and those refused.
func timedOut(t *testing.T, s *Set, n int) (late, refused []int) {
	t.Helper()
	gw := newGateway(t)
	c := &http.Client{Transport: s.JITTransport(nil)}
	for i := range n {
		_, _, err := postJIT(c, gw.URL+"/jit", fmt.Sprintf("jf-%d", i))
		switch {
		case errors.Is(err, context.DeadlineExceeded):
			late = append(late, i)
		case errors.Is(err, syscall.ECONNREFUSED):
			refused = append(refused, i)
		case err != nil:
			t.Fatal(err)
		}
	}
	return late, refused
}

// TestIndependentStreams: turning other faults on does not move one
// fault's draws. With 5xx, resend and the webhook faults on, the same
// requests time out; with connection errors on, the timed-out requests are
// the same minus those refused first.
func TestIndependentStreams(t *testing.T) {
	mk := func(c Config) *Set {
		s, err := New(c, 5, nil)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	alone, _ := timedOut(t, mk(Config{Timeout: 0.3}), 300)
	withOthers, _ := timedOut(t, mk(Config{Timeout: 0.3, ServerError: 0.5, JITResend: 0.5, WebhookDuplicate: 0.5, Commando: 0.5}), 300)
	if len(alone) == 0 || !slices.Equal(alone, withOthers) {
		t.Fatalf("timeouts moved when other faults were turned on:\n%v\n%v", alone, withOthers)
	}
	withConn, refused := timedOut(t, mk(Config{Timeout: 0.3, ConnectionError: 0.3}), 300)
	var want []int
	for _, i := range alone {
		if !slices.Contains(refused, i) {
			want = append(want, i)
		}
	}
	if len(refused) == 0 || !slices.Equal(withConn, want) {
		t.Fatalf("with connection errors, timeouts %v; want %v", withConn, want)
	}
}

// TestConfigJSON reads a profile's fault section, fills defaults, and
// refuses a duration that is not a duration string.
func TestConfigJSON(t *testing.T) {
	in := `{"gateway_timeout":0.01,"connection_error":0.02,"gateway_5xx":0.03,"jit_resend":0.04,"webhook_down":0.05,"webhook_down_for":"1m30s","webhook_duplicate":0.06,"webhook_reorder":0.07,"reorder_window":6,"commando_standin":0.08}`
	var c Config
	if err := json.Unmarshal([]byte(in), &c); err != nil {
		t.Fatal(err)
	}
	want := Config{Timeout: 0.01, ConnectionError: 0.02, ServerError: 0.03, JITResend: 0.04, WebhookDown: 0.05, WebhookDownFor: Duration(90 * time.Second), WebhookDuplicate: 0.06, WebhookReorder: 0.07, ReorderWindow: 6, Commando: 0.08}
	if c != want {
		t.Fatalf("decoded %+v, want %+v", c, want)
	}
	out, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var back Config
	if err := json.Unmarshal(out, &back); err != nil || back != c {
		t.Fatalf("round trip %s gave %+v (%v)", out, back, err)
	}
	s, err := New(Config{}, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := s.Config(); time.Duration(d.WebhookDownFor) != DefaultWebhookDownFor || d.ReorderWindow != DefaultReorderWindow {
		t.Errorf("defaults %+v", d)
	}
	for _, bad := range []string{`{"webhook_down_for":30}`, `{"webhook_down_for":"30 parsecs"}`} {
		err := json.Unmarshal([]byte(bad), &c)
		if jit.ErrorCode(err) != jit.EINVALID {
			t.Errorf("%s: error %v, want EINVALID", bad, err)
		}
	}
}
