package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/reference-gateway/floor"
	"github.com/jitsim/jitsim/simulator"
	"github.com/jitsim/jitsim/simulator/clock"
)

// BenchmarkGeneratorVsVegeta answers design.md §6's "the simulator must not
// be the bottleneck: it generates and sends at ≥ 90% of vegeta's rate
// against the same floor target". One process serves a bare echo handler
// (decode the JIT request, echo jit_funding with 200, as the side-by-side
// benchmark's floor does) on 127.0.0.1 and, rate by rate, drives it with
// vegeta and then with the simulator's generator:
//
//   - vegeta: a static target, the body of one authorization the engine
//     built (so both send the same bytes), 1 s timeout;
//   - generator: JITSIM_GEN_LANES goroutines (default 64), each its own
//     engine on a virtual clock with its own card, sending
//     pgfs.authorization JIT requests (simulator.Engine.Authorize: build the
//     transaction, send it, read the answer, finish the transaction and
//     emit it), open loop: request i is due at start + i/rate, whichever
//     lane is free takes it.
//
// A rate is sustained when ≥ 99.9% succeed (vegeta: 200; generator: an
// approved authorization) and the achieved send rate (requests over the
// span from the first to the last send, vegeta's Metrics.Rate) is ≥ 95% of
// the target. The report is the highest rate each sustains and their
// ratio. Knobs: JITSIM_GEN_LADDER (default 1000,2000,3000,4000,6000,8000),
// JITSIM_GEN_STEP (default 3s), JITSIM_GEN_LANES, JITSIM_REPORT (also write
// the Markdown table there). It takes about 2 × ladder × (step + 1 s).
//
//	go test -run '^$' -bench GeneratorVsVegeta -benchtime 1x -v ./e2e
func BenchmarkGeneratorVsVegeta(b *testing.B) {
	ladder := envRates(b, "JITSIM_GEN_LADDER", []int{1000, 2000, 3000, 4000, 6000, 8000})
	step := envDuration(b, "JITSIM_GEN_STEP", 3*time.Second)
	lanes := envInt(b, "JITSIM_GEN_LANES", 64)
	base, body := echoServer(b)
	for range b.N {
		var out strings.Builder
		fmt.Fprintf(&out, "| rate/s | vegeta achieved | vegeta success | vegeta p99 | generator achieved | generator success | generator p99 |\n|---:|---:|---:|---:|---:|---:|---:|\n")
		bestV, bestG := 0, 0
		for _, rate := range ladder {
			v := vegetaStep(base, body, rate, step)
			time.Sleep(time.Second)
			g, err := generatorStep(base, rate, step, lanes)
			if err != nil {
				b.Fatal(err)
			}
			time.Sleep(time.Second)
			if v.sustains(rate) {
				bestV = rate
			}
			if g.sustains(rate) {
				bestG = rate
			}
			fmt.Fprintf(&out, "| %d | %.0f | %.2f%% | %.2f ms | %.0f | %.2f%% | %.2f ms |\n", rate,
				v.achieved, 100*v.success, ms(v.p99), g.achieved, 100*g.success, ms(g.p99))
		}
		ratio := 0.0
		if bestV > 0 {
			ratio = float64(bestG) / float64(bestV)
		}
		fmt.Fprintf(&out, "\nSustained (≥ 99.9%% success, ≥ 95%% of the target): vegeta %d/s, generator %d/s (%d lanes): **%.0f%%** of vegeta (target ≥ 90%%).\n",
			bestV, bestG, lanes, 100*ratio)
		b.Log("\n" + out.String())
		b.ReportMetric(float64(bestV), "vegeta_req/s")
		b.ReportMetric(float64(bestG), "generator_req/s")
		b.ReportMetric(100*ratio, "ratio_%")
		if path := os.Getenv("JITSIM_REPORT"); path != "" {
			if err := os.WriteFile(path, []byte(out.String()), 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// stepResult is one tool at one rate.
type stepResult struct {
	achieved, success float64
	p99               time.Duration
}

func (r stepResult) sustains(rate int) bool {
	return r.success >= 0.999 && r.achieved >= 0.95*float64(rate)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// echoServer serves the echo handler on 127.0.0.1:0 and returns its base URL
// and the body of one authorization the engine sent it.
func echoServer(b *testing.B) (string, []byte) {
	var first atomic.Pointer[[]byte]
	// The floor, keeping the first body it is sent (an authorization the
	// engine built) for vegeta to send.
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if first.Load() == nil {
			body, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			first.CompareAndSwap(nil, &body)
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		floor.Handler.ServeHTTP(w, r)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	b.Cleanup(func() { srv.Close() })
	base := "http://" + ln.Addr().String()
	l, err := newLane(base, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer l.e.Close()
	if err := l.send(context.Background()); err != nil {
		b.Fatal(err)
	}
	body := first.Load()
	if body == nil {
		b.Fatal("the engine sent nothing")
	}
	return base, *body
}

func vegetaStep(base string, body []byte, rate int, d time.Duration) stepResult {
	h := http.Header{"Content-Type": {"application/json"}}
	tr := vegeta.NewStaticTargeter(vegeta.Target{Method: http.MethodPost, URL: base + "/jit", Body: body, Header: h})
	a := vegeta.NewAttacker(vegeta.Timeout(time.Second), vegeta.Connections(128), vegeta.KeepAlive(true))
	var m vegeta.Metrics
	for res := range a.Attack(tr, vegeta.Rate{Freq: rate, Per: time.Second}, d, "floor") {
		m.Add(res)
	}
	m.Close()
	return stepResult{achieved: m.Rate, success: m.Success, p99: m.Latencies.P99}
}

// lane is one generator engine with one card.
type lane struct {
	e    *simulator.Engine
	clk  *clock.Virtual
	card string
	n    int
}

func newLane(base string, i int) (*lane, error) {
	clk := clock.NewVirtual(time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC))
	e := simulator.New(simulator.Config{Clock: clk, Seed: uint64(i + 1)})
	src, err := e.CreateFundingSource(simulator.FundingSource{Name: "floor", URL: base + "/jit",
		BasicAuthUsername: "floor", BasicAuthPassword: "floor-password-0123456789", TimeoutMillis: 1000})
	if err != nil {
		return nil, err
	}
	prod, err := e.CreateCardProduct(simulator.CardProduct{Name: "floor", StartDate: "2026-01-01", Config: &simulator.CardProductConfig{
		CardLifeCycle: &simulator.CardLifeCycle{ActivateUponIssue: jit.Bool(true)},
		JITFunding:    &simulator.JITFundingCfg{ProgramGatewayFundingSource: &simulator.ProgramGatewayJIT{Enabled: jit.Bool(true), FundingSourceToken: src.Token}},
	}})
	if err != nil {
		return nil, err
	}
	u, err := e.CreateUser(simulator.User{FirstName: "Floor"})
	if err != nil {
		return nil, err
	}
	c, err := e.CreateCard(simulator.Card{UserToken: u.Token, CardProductToken: prod.Token})
	if err != nil {
		return nil, err
	}
	return &lane{e: e, clk: clk, card: c.Token}, nil
}

// send makes one authorization and fails unless it is approved.
func (l *lane) send(ctx context.Context) error {
	l.n++
	l.clk.Advance(time.Second)
	amt := jit.MustMinor(int64(100+l.n%9000), jit.DefaultCurrency)
	t, err := l.e.Authorize(ctx, simulator.AuthRequest{CardToken: l.card, Amount: amt,
		Merchant: simulator.Merchant{MCC: "5411", Name: "Floor Grocery"}})
	if err != nil {
		return err
	}
	if t.State == jit.StateDeclined {
		return fmt.Errorf("declined: %s", t.GatewayLogOf().Message)
	}
	return nil
}

// generatorStep sends rate × d authorizations through lanes fresh engines,
// request i due at start + i/rate.
func generatorStep(base string, rate int, d time.Duration, lanes int) (stepResult, error) {
	ls := make([]*lane, lanes)
	for i := range ls {
		l, err := newLane(base, i)
		if err != nil {
			return stepResult{}, err
		}
		defer l.e.Close()
		ls[i] = l
	}
	total := int64(float64(rate) * d.Seconds())
	interval := time.Second / time.Duration(rate)
	var next, ok atomic.Int64
	lat := make([][]time.Duration, lanes)
	var first, last atomic.Int64 // send times, ns since start
	first.Store(int64(time.Hour))
	start := time.Now()
	var wg sync.WaitGroup
	for i, l := range ls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n := next.Add(1) - 1
				if n >= total {
					return
				}
				if wait := time.Until(start.Add(time.Duration(n) * interval)); wait > 0 {
					time.Sleep(wait)
				}
				sent := time.Since(start)
				for f := first.Load(); int64(sent) < f && !first.CompareAndSwap(f, int64(sent)); f = first.Load() {
				}
				for s := last.Load(); int64(sent) > s && !last.CompareAndSwap(s, int64(sent)); s = last.Load() {
				}
				if err := l.send(context.Background()); err == nil {
					ok.Add(1)
				}
				lat[i] = append(lat[i], time.Since(start)-sent)
			}
		}()
	}
	wg.Wait()
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	r := stepResult{success: float64(ok.Load()) / float64(total), p99: percentile(all, 0.99)}
	if span := time.Duration(last.Load() - first.Load()); span > 0 {
		r.achieved = float64(total) / span.Seconds()
	}
	return r, nil
}

func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(int(p*float64(len(s))), len(s)-1)]
}

func envRates(b *testing.B, name string, def []int) []int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	var out []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			b.Fatalf("%s: %q is not a positive rate", name, f)
		}
		out = append(out, n)
	}
	return out
}

func envDuration(b *testing.B, name string, def time.Duration) time.Duration {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		b.Fatalf("%s: %q is not a positive duration", name, v)
	}
	return d
}

func envInt(b *testing.B, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		b.Fatalf("%s: %q is not a positive number", name, v)
	}
	return n
}
