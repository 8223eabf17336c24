package fault

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator/clock"
	"github.com/jitsim/jitsim/simulator/webhook"
)

// draws is how many trigger units each rate check drives, and tolerance
// how far the observed rate of a 0.3 fault may stray: the standard error
// at 2000 draws is √(0.3·0.7/2000) ≈ 0.0102, so 0.04 is about 4σ (and the
// seed is fixed, so the check is deterministic anyway).
const (
	draws     = 2000
	tolerance = 0.04
)

// driver runs n trigger units of one fault at probability p through its
// real hook and returns the Set and how many times the fault's effect was
// seen from outside (an error, a status, a second arrival, a permutation).
type driver func(t *testing.T, p float64, seed uint64, n int) (*Set, int)

// jitDriver sends n JIT requests through a Set's JIT transport to a fake
// gateway; effect classifies each answer (nil: count JIT tokens the gateway
// got twice instead); check sees the gateway after.
func jitDriver(cfg func(p float64) Config, effect func(resp *http.Response, err error) bool, check func(t *testing.T, gw *gateway, n, effects int)) driver {
	return func(t *testing.T, p float64, seed uint64, n int) (*Set, int) {
		s, err := New(cfg(p), seed, nil)
		if err != nil {
			t.Fatal(err)
		}
		gw := newGateway(t)
		c := &http.Client{Transport: s.JITTransport(nil)}
		effects := 0
		for i := range n {
			resp, _, err := postJIT(c, gw.URL+"/jit", fmt.Sprintf("jf-%04d", i))
			switch {
			case effect != nil && effect(resp, err):
				effects++
			case err != nil:
				t.Fatalf("request %d: unexpected error %v", i, err)
			}
		}
		if effect == nil {
			effects = resentTokens(gw) // a resend is seen at the gateway, not in the answer
		}
		check(t, gw, n, effects)
		return s, effects
	}
}

// resentTokens counts JIT tokens the gateway received more than once.
func resentTokens(gw *gateway) int {
	gw.mu.Lock()
	defer gw.mu.Unlock()
	seen := map[string]int{}
	for _, tok := range gw.jitTokens {
		seen[tok]++
	}
	n := 0
	for _, c := range seen {
		if c > 1 {
			n++
		}
	}
	return n
}

func forwardedAll(t *testing.T, gw *gateway, n, effects int) {
	t.Helper()
	if got := gw.jitCount(); got != n {
		t.Errorf("gateway got %d JIT requests, want all %d (the fault forwards)", got, n)
	}
}

var drivers = map[string]driver{
	NameTimeout: jitDriver(func(p float64) Config { return Config{Timeout: p} },
		func(resp *http.Response, err error) bool { return errors.Is(err, context.DeadlineExceeded) },
		forwardedAll),
	NameConnectionError: jitDriver(func(p float64) Config { return Config{ConnectionError: p} },
		func(resp *http.Response, err error) bool { return errors.Is(err, syscall.ECONNREFUSED) },
		func(t *testing.T, gw *gateway, n, effects int) {
			if got := gw.jitCount(); got != n-effects {
				t.Errorf("gateway got %d JIT requests, want %d (refused ones never reach it)", got, n-effects)
			}
		}),
	NameServerError: jitDriver(func(p float64) Config { return Config{ServerError: p} },
		func(resp *http.Response, err error) bool {
			return err == nil && resp.StatusCode == http.StatusInternalServerError
		},
		forwardedAll),
	NameJITResend: jitDriver(func(p float64) Config { return Config{JITResend: p} },
		nil,
		func(t *testing.T, gw *gateway, n, effects int) {
			if got := gw.jitCount(); got != n+effects {
				t.Errorf("gateway got %d JIT requests, want %d + %d resent", got, n, effects)
			}
		}),
	NameWebhookDown: func(t *testing.T, p float64, seed uint64, n int) (*Set, int) {
		v := clock.NewVirtual(t0)
		s, err := New(Config{WebhookDown: p, WebhookDownFor: Duration(time.Millisecond)}, seed, v)
		if err != nil {
			t.Fatal(err)
		}
		gw := newGateway(t)
		c := &http.Client{Transport: s.WebhookTransport(nil)}
		effects := 0
		for range n {
			v.Advance(time.Second) // past any outage: every POST finds the endpoint up
			resp, err := c.Post(gw.URL+"/webhooks", "application/json", strings.NewReader(`{"transactions":[]}`))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusServiceUnavailable {
				effects++
			}
		}
		if got := gw.posts(); got != n-effects {
			t.Errorf("gateway got %d POSTs, want %d (503s never reach it)", got, n-effects)
		}
		return s, effects
	},
	NameWebhookDuplicate: func(t *testing.T, p float64, seed uint64, n int) (*Set, int) {
		v := clock.NewVirtual(t0)
		s, err := New(Config{WebhookDuplicate: p}, seed, v)
		if err != nil {
			t.Fatal(err)
		}
		gw := newGateway(t)
		d := webhook.New(v, webhook.Options{MaxBatch: 1, Client: &http.Client{Transport: s.WebhookTransport(nil)}, Intercept: s.Intercept})
		d.SetEndpoint(webhook.Endpoint{Token: "ep", URL: gw.URL + "/webhooks", Events: []string{"*"}, Active: true})
		for i := range n {
			d.Enqueue(event("authorization", i))
		}
		if err := d.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if st := d.Stats(); st.Delivered != n || st.Batches != n || st.Attempts != n || d.Pending() != 0 {
			t.Errorf("dispatcher bookkeeping %+v pending %d; want %d batches, attempts and deliveries, 0 pending", st, d.Pending(), n)
		}
		return s, gw.posts() - n
	},
	NameWebhookReorder: func(t *testing.T, p float64, seed uint64, n int) (*Set, int) {
		s, err := New(Config{WebhookReorder: p}, seed, nil)
		if err != nil {
			t.Fatal(err)
		}
		effects := 0
		for i := range n {
			in := batches(4, 5, i)
			want := flatten(in)
			out := s.Intercept(in)
			if !slices.Equal(flatten(in), want) {
				t.Fatal("Intercept modified its input")
			}
			got := flatten(out)
			if !slices.Equal(got, want) {
				effects++
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("reorder changed the set of events: %v vs %v", got, want)
			}
		}
		return s, effects
	},
	NameCommando: func(t *testing.T, p float64, seed uint64, n int) (*Set, int) {
		w := newWorld(t, Config{Commando: p}, seed)
		s := w.s
		effects := 0
		for range n {
			err := s.Around(ctx, w.e, w.source, func() error {
				if commandoOn(t, w) {
					effects++
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if commandoOn(t, w) {
				t.Fatal("Commando Mode still on after the event")
			}
		}
		return s, effects
	},
}

// commandoOn reports whether manual Commando Mode is on for w's source.
func commandoOn(t *testing.T, w *world) bool {
	t.Helper()
	for _, m := range w.e.CommandoModes() {
		if m.ProgramGatewayFundingSourceToken == w.source {
			return m.CurrentState != nil && m.CurrentState.CommandoEnabled
		}
	}
	return false
}

// batches returns nb batches of ne events each; tag makes tokens unique.
func batches(nb, ne, tag int) []webhook.Batch {
	var out []webhook.Batch
	for b := range nb {
		bt := webhook.Batch{ID: fmt.Sprintf("batch-%d", b), Endpoint: "ep", Type: "authorization"}
		for e := range ne {
			bt.Events = append(bt.Events, event("authorization", tag*1000+b*ne+e))
		}
		out = append(out, bt)
	}
	return out
}

func flatten(bs []webhook.Batch) []string {
	var out []string
	for _, b := range bs {
		for _, e := range b.Events {
			out = append(out, e.Token)
		}
	}
	return out
}

// TestRates drives every fault at probabilities 0, 1 and 0.3 through its
// real hook: 0 never injects and never draws, 1 always injects, 0.3 lands
// within tolerance; the effect seen from outside matches the counters, and
// Stats reports them.
func TestRates(t *testing.T) {
	names := []string{NameTimeout, NameConnectionError, NameServerError, NameJITResend, NameWebhookDown, NameWebhookDuplicate, NameWebhookReorder, NameCommando}
	for _, name := range names {
		for _, p := range []float64{0, 1, 0.3} {
			t.Run(fmt.Sprintf("%s/%v", name, p), func(t *testing.T) {
				t.Parallel()
				const seed = 42
				s, effects := drivers[name](t, p, seed, draws)
				opp, inj := counters(s, name)
				if int64(effects) != inj {
					t.Errorf("effect seen %d times, counters say %d injected", effects, inj)
				}
				if p > 0 && opp != draws {
					t.Errorf("opportunities %d, want %d", opp, draws)
				}
				stats := s.Stats()
				switch p {
				case 0:
					if effects != 0 || len(stats) != 0 {
						t.Errorf("probability 0 injected %d times; stats %+v", effects, stats)
					}
					_, r := faultOf(s, name)
					if r.Uint64() != stream(seed, name).Uint64() {
						t.Error("probability 0 drew from its stream")
					}
					return
				case 1:
					if effects != draws {
						t.Errorf("probability 1 injected %d of %d", effects, draws)
					}
				default:
					if rate := float64(effects) / draws; math.Abs(rate-p) > tolerance {
						t.Errorf("observed rate %.4f, want %.2f ± %.2f", rate, p, tolerance)
					}
				}
				want := Stat{Name: name, Configured: p, Opportunities: opp, Injected: inj, Observed: float64(inj) / float64(opp)}
				if len(stats) != 1 || stats[0] != want {
					t.Errorf("Stats() = %+v, want [%+v]", stats, want)
				}
			})
		}
	}
}

// TestValidate checks that bad configs are refused with EINVALID naming
// the field, and good ones pass.
func TestValidate(t *testing.T) {
	tests := []struct {
		name  string
		c     Config
		field string // "" for valid
	}{
		{"zero", Config{}, ""},
		{"all on", Config{Timeout: 1, ConnectionError: 0.5, ServerError: 0.1, JITResend: 0.1, WebhookDown: 0.01, WebhookDownFor: Duration(time.Minute), WebhookDuplicate: 0.1, WebhookReorder: 0.1, ReorderWindow: 8, Commando: 0.1}, ""},
		{"timeout above 1", Config{Timeout: 1.5}, "gateway_timeout"},
		{"connection negative", Config{ConnectionError: -0.1}, "connection_error"},
		{"5xx NaN", Config{ServerError: math.NaN()}, "gateway_5xx"},
		{"resend above 1", Config{JITResend: 2}, "jit_resend"},
		{"down negative", Config{WebhookDown: -1}, "webhook_down"},
		{"down for negative", Config{WebhookDownFor: Duration(-time.Second)}, "webhook_down_for"},
		{"duplicate infinite", Config{WebhookDuplicate: math.Inf(1)}, "webhook_duplicate"},
		{"reorder above 1", Config{WebhookReorder: 1.01}, "webhook_reorder"},
		{"window negative", Config{ReorderWindow: -1}, "reorder_window"},
		{"commando negative", Config{Commando: -0.5}, "commando_standin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.c.Validate()
			_, nerr := New(tt.c, 1, nil)
			if tt.field == "" {
				if err != nil || nerr != nil {
					t.Fatalf("Validate() = %v, New: %v; want nil", err, nerr)
				}
				return
			}
			if jit.ErrorCode(err) != jit.EINVALID || !strings.Contains(err.Error(), tt.field) {
				t.Fatalf("Validate() = %v; want EINVALID naming %s", err, tt.field)
			}
			if jit.ErrorCode(nerr) != jit.EINVALID {
				t.Fatalf("New() error = %v; want EINVALID", nerr)
			}
		})
	}
}
