package server

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/jitsim/jitsim/reference-gateway/floor"
)

// The side-by-side benchmark measures design §6: the reference gateway
// (journal fsync on, Basic auth) against a bare net/http "floor" handler
// that only decodes the JIT request and echoes jit_funding, both driven by
// vegeta through the same rate ladder in one run, on this machine.
//
//	go test -run '^$' -bench BenchmarkSideBySide -benchtime 1x -v ./reference-gateway/server
//
// Environment (all optional):
//
//	JITSIM_LADDER   rates in req/s, default 1000,2000,4000,6000,8000,10000
//	JITSIM_STEP     duration of each step, default 5s
//	JITSIM_PAUSE    pause after each step (drain, GC, TIME_WAIT), default 2s
//	JITSIM_WARMUP   warm-up per target before the ladder at the first rate, default 2s (0 skips)
//	JITSIM_CONNS    connections per target (vegeta.Connections and MaxConnections), default 128
//	JITSIM_TIMEOUT  request timeout, default 1s (at most a quarter of the step)
//	JITSIM_REPORT   also write the Markdown report to this file
//	JITSIM_TARGETS  which targets to drive, default floor,gateway (one alone is for profiling)
//	JITSIM_NOSYNC   1 turns the gateway's fsync off: a diagnostic, never the measurement
//	JITSIM_COMMIT_DELAY  the journal's commit delay cap (Go duration; default 1ms)
//	JITSIM_HOLDP    0 turns Config.HoldProcessor off (and with it the extra
//	                processor TuneRuntime adds); default on, as `jitsim gateway` runs
//	JITSIM_RT       0 turns Config.RealtimeFlusher off; default on, as
//	                `jitsim gateway` runs (the "journal loaded" log line in
//	                the report says what priority the flusher got)
//	JITSIM_RUNS     how many times to run the whole ladder, default 1: this VM's
//	                noise moves a run's result by a ladder step, so the report
//	                gives each run's ratio and their median
//	JITSIM_SLICE    interleave the targets within each step in slices of this
//	                length (e.g. 1s), so that both meet the same VM noise;
//	                default 0: one whole step per target
//	JITSIM_PROCS    1 runs the floor and the gateway each in its own process
//	                (this binary re-executed), apart from vegeta, as a team
//	                runs `jitsim gateway`; default 0: all in this process
//	JITSIM_SLOW     1 prints, per step, when the requests over 10 ms were sent
//	                (100 ms buckets): clustered means stalls, spread means queueing
//
// Sustainable rate: the highest ladder rate at which a target answered
// ≥ 99.9% of requests with 2xx, vegeta achieved ≥ 95% of the target rate,
// and p99 latency was ≤ 10 ms.
//
// The load generator, both servers and the journal's flusher share this
// process and this machine's cores: the figures are what the whole box does,
// not what the gateway alone would do on a dedicated core.

// sideConfig is the ladder and the attack settings.
type sideConfig struct {
	ladder  []int
	step    time.Duration
	pause   time.Duration
	warmup  time.Duration
	conns   int
	timeout time.Duration
	report  string
	targets map[string]bool
	runs    int
	slice   time.Duration
	procs   bool                 // JITSIM_PROCS=1: each target in its own process
	cpu     func() time.Duration // CPU time of every process in the run
}

func sideBySideConfig(b *testing.B) sideConfig {
	c := sideConfig{
		ladder:  []int{1000, 2000, 4000, 6000, 8000, 10000},
		step:    5 * time.Second,
		pause:   2 * time.Second,
		warmup:  2 * time.Second,
		conns:   128,
		timeout: time.Second,
		report:  os.Getenv("JITSIM_REPORT"),
		targets: map[string]bool{"floor": true, "gateway": true},
		runs:    1,
	}
	if v := os.Getenv("JITSIM_TARGETS"); v != "" {
		c.targets = map[string]bool{}
		for _, f := range strings.Split(v, ",") {
			f = strings.TrimSpace(f)
			if f != "floor" && f != "gateway" {
				b.Fatalf("JITSIM_TARGETS: unknown target %q (floor, gateway)", f)
			}
			c.targets[f] = true
		}
	}
	if v := os.Getenv("JITSIM_LADDER"); v != "" {
		c.ladder = nil
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n <= 0 {
				b.Fatalf("JITSIM_LADDER: %q is not a positive rate", f)
			}
			c.ladder = append(c.ladder, n)
		}
	}
	dur := func(name string, d *time.Duration) {
		if v := os.Getenv(name); v != "" {
			var err error
			if *d, err = time.ParseDuration(v); err != nil || *d < 0 {
				b.Fatalf("%s: %q is not a duration", name, v)
			}
		}
	}
	dur("JITSIM_STEP", &c.step)
	dur("JITSIM_PAUSE", &c.pause)
	dur("JITSIM_WARMUP", &c.warmup)
	dur("JITSIM_TIMEOUT", &c.timeout)
	dur("JITSIM_SLICE", &c.slice)
	if v := os.Getenv("JITSIM_CONNS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			b.Fatalf("JITSIM_CONNS: %q is not a positive count", v)
		}
		c.conns = n
	}
	if v := os.Getenv("JITSIM_RUNS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			b.Fatalf("JITSIM_RUNS: %q is not a positive count", v)
		}
		c.runs = n
	}
	c.procs = os.Getenv("JITSIM_PROCS") == "1"
	if c.step <= 0 {
		b.Fatal("JITSIM_STEP must be positive")
	}
	if c.timeout <= 0 || c.timeout > c.step/4 {
		c.timeout = c.step / 4
	}
	return c
}

// sideTarget is one server under test.
type sideTarget struct {
	name   string
	url    string
	client *http.Client // its own pool of keep-alive connections, no proxy
	tr     vegeta.Targeter
	// metrics is the gateway's /metrics URL ("" for the floor), read
	// around each attack for the journal's slow fsyncs.
	metrics string
}

// stepResult is one target at one rate.
type stepResult struct {
	run        int
	target     string
	rate       int
	achieved   float64
	throughput float64
	success    float64
	p50, p90   time.Duration
	p99, max   time.Duration
	requests   uint64
	codes      map[string]int
	errors     []string
	slowSyncs  int       // gateway: journal fsyncs over 5 ms during the step (-1: none measured)
	cpu        float64   // process CPU over the step, as a fraction of all cores
	steal      float64   // CPU time the hypervisor took from this VM over the step, as a fraction of all cores (-1: unknown)
	timeWait   int       // TIME_WAIT sockets after the step
	began      time.Time // when the step's first slice began, to line it up with the gateway's log
	gc         gcSample  // this process's collections during the step's attacks (meaningful in process only)
}

func (r stepResult) p99OK() bool { return r.p99 <= 10*time.Millisecond }

func (r stepResult) pass() bool {
	return r.success >= 0.999 && r.achieved >= 0.95*float64(r.rate) && r.p99OK()
}

// sustainable is the highest rate at which the target passed in the given
// run, or 0.
func sustainable(results []stepResult, run int, target string) int {
	best := 0
	for _, r := range results {
		if r.run == run && r.target == target && r.pass() && r.rate > best {
			best = r.rate
		}
	}
	return best
}

// BenchmarkSideBySide runs the rate ladder against the floor and the gateway
// (see the comment above). It runs once whatever b.N is: use -benchtime 1x.
func BenchmarkSideBySide(b *testing.B) {
	if testing.Short() {
		b.Skip("side-by-side load test skipped in -short mode")
	}
	cfg := sideBySideConfig(b)

	tmpl := loadTemplate(b, "jit_request_authorization.json", benchAccounts)
	var seq atomic.Uint64 // request numbers: every JIT token is new

	var logs syncBuffer
	var tuned string
	if !cfg.procs {
		// Both targets run in this process, tuned as `jitsim gateway` tunes
		// its own (with JITSIM_PROCS=1 only the gateway's child is).
		tuned = TuneRuntime(sideHoldP())
	}
	floorBase, gwBase, cpu, stop := sideTargets(b, cfg.procs, &logs)
	defer stop()
	cfg.cpu = cpu

	floor := &sideTarget{name: "floor", url: floorBase + "/jit"}
	gw := &sideTarget{name: "gateway", url: gwBase + "/jit", metrics: gwBase + "/metrics"}
	for _, t := range []*sideTarget{floor, gw} {
		t.client = newSideClient(cfg)
		t.tr = jitTargeter(tmpl, t.url, &seq)
	}

	printf := func(format string, args ...any) { fmt.Printf(format, args...) }
	var report strings.Builder
	out := func(format string, args ...any) {
		fmt.Fprintf(&report, format, args...)
		printf(format, args...)
	}

	var targets []*sideTarget
	for _, t := range []*sideTarget{floor, gw} {
		if cfg.targets[t.name] {
			targets = append(targets, t)
		}
	}
	if cfg.warmup > 0 {
		for _, t := range targets {
			r := attackStep(cfg, t, cfg.ladder[0], cfg.warmup, "warmup")
			printf("warm-up %s: %d req/s for %s: success %.2f%%, p99 %s\n", t.name, cfg.ladder[0], cfg.warmup, 100*r.success, r.p99)
			time.Sleep(cfg.pause)
		}
	}
	before, err := scrapeMetrics(gw.client, gwBase+"/metrics")
	if err != nil {
		b.Fatal(err)
	}

	var results []stepResult
	for run := 1; run <= cfg.runs; run++ {
		for i, rate := range cfg.ladder {
			order := append([]*sideTarget(nil), targets...)
			if (i+run)%2 == 0 {
				slices.Reverse(order) // alternate who goes first
			}
			for _, r := range runStep(cfg, order, rate) {
				r.run = run
				results = append(results, r)
				printf("run %d step %-7s %6d req/s: achieved %.0f, success %.3f%%, p99 %s, codes %v\n", run, r.target, rate, r.achieved, 100*r.success, r.p99, r.codes)
				for _, e := range r.errors {
					printf("    error: %s\n", e)
				}
			}
		}
	}
	after, err := scrapeMetrics(gw.client, gwBase+"/metrics")
	if err != nil {
		b.Fatal(err)
	}

	out("\n### Side by side: %s, GOMAXPROCS %d, %s, step %s, pause %s, %d connections per target, timeout %s\n\n",
		runtime.Version(), runtime.GOMAXPROCS(0), time.Now().UTC().Format(time.RFC3339), cfg.step, cfg.pause, cfg.conns, cfg.timeout)
	if cfg.slice > 0 && cfg.slice < cfg.step {
		out("Targets interleaved within each step in %s slices (JITSIM_SLICE), taken in turn.\n\n", cfg.slice)
	}
	if os.Getenv("JITSIM_NOSYNC") == "1" {
		out("**JITSIM_NOSYNC=1: the gateway did not fsync. Diagnostic only; not the design §6 measurement.**\n\n")
	}
	if v := os.Getenv("GOGC"); v != "" {
		out("GOGC=%s\n\n", v)
	}
	if tuned != "" {
		out("Set by server.TuneRuntime, as `jitsim gateway` does, for both targets: %s\n\n", tuned)
	}
	if cfg.procs {
		out("Each target in its own process (JITSIM_PROCS=1). The gateway's child tunes itself as `jitsim gateway` does (server.TuneRuntime: GOGC=400 and GOMAXPROCS one above the cores, four on two, each unless set in the environment); the floor's child runs with the environment's settings or Go's defaults. The heading's GOMAXPROCS is this process's (vegeta).\n\n")
	}
	if !sideHoldP() {
		out("JITSIM_HOLDP=0: the gateway's journal flusher released its processor during each fdatasync (Config.HoldProcessor off).\n\n")
	} else {
		out("The gateway's journal flusher held its processor through each fdatasync (Config.HoldProcessor, as `jitsim gateway` runs).\n\n")
	}
	if v := os.Getenv("GOMEMLIMIT"); v != "" {
		out("GOMEMLIMIT=%s\n\n", v)
	}
	out("| run | rate (req/s) | target | achieved (req/s) | throughput (req/s) | success | p50 | p90 | p99 | max | p99 ≤ 10 ms | pass | CPU (of %d cores) | steal | fsyncs > 5 ms | GCs | GC pauses (ms) | assists (ms) | TIME_WAIT | began (UTC) |\n", runtime.NumCPU())
	out("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|:---:|:---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range results {
		steal := "–"
		if r.steal >= 0 {
			steal = fmt.Sprintf("%.1f%%", 100*r.steal)
		}
		slowSyncs := "–"
		if r.slowSyncs >= 0 {
			slowSyncs = strconv.Itoa(r.slowSyncs)
		}
		out("| %d | %d | %s | %.0f | %.0f | %.2f%% | %s | %s | %s | %s | %s | %s | %.0f%% | %s | %s | %s | %d | %s |\n",
			r.run, r.rate, r.target, r.achieved, r.throughput, 100*r.success, ms(r.p50), ms(r.p90), ms(r.p99), ms(r.max),
			yesNo(r.p99OK()), yesNo(r.pass()), 100*r.cpu, steal, slowSyncs, gcCells(r.gc, !cfg.procs), r.timeWait, r.began.UTC().Format("15:04:05"))
	}
	out("\n\"fsyncs > 5 ms\" counts the gateway journal's group commits whose write and fdatasync took over 5 ms during the step (its /metrics histogram): every request waiting on one waits that long, so many of them mean the disk, not the gateway's code, set that step's tail.\n")
	if !cfg.procs {
		out("\n\"GCs\" are this process's garbage collections that ended during the step's attacks (load generator, floor and gateway share one heap); \"GC pauses\" their stop-the-world time, estimated from runtime/metrics' histogram; \"assists\" the time goroutines spent helping the collector mark (processor time: with more processors than cores it can exceed CPU time).\n")
	}
	out("\nSustainable rate (highest ladder rate with success ≥ 99.9%%, achieved ≥ 95%% of target, p99 ≤ 10 ms):\n\n")
	var ratios []float64
	var floors, gws []int
	for run := 1; run <= cfg.runs; run++ {
		fl, g := sustainable(results, run, "floor"), sustainable(results, run, "gateway")
		floors, gws = append(floors, fl), append(gws, g)
		out("- run %d: floor %d req/s, gateway %d req/s", run, fl, g)
		if fl > 0 {
			ratio := 100 * float64(g) / float64(fl)
			ratios = append(ratios, ratio)
			out(" = %.0f%% of the floor (design target ≥ 80%%: %s)", ratio, metOrNot(ratio >= 80))
		}
		if fl == cfg.ladder[len(cfg.ladder)-1] {
			out("; the floor passed the top of the ladder, so its limit may be higher and the ratio is an upper bound")
		}
		out(".\n")
	}
	ratio, fl, g := median(ratios), medianInt(floors), medianInt(gws)
	if cfg.runs > 1 {
		out("- median over %d runs: floor %d req/s, gateway %d req/s, ratio %.0f%% (%d of %d runs met the target).\n", cfg.runs, fl, g, ratio, countAtLeast(ratios, 80), cfg.runs)
		pf, pg := pooled(results, cfg.ladder, "floor"), pooled(results, cfg.ladder, "gateway")
		out("- pooled over the runs (the highest rate at which more than half of a target's steps passed, one a run unless the ladder repeats the rate, as at every lower rate): floor %d req/s, gateway %d req/s", pf, pg)
		if pf > 0 {
			out(" = %.0f%% of the floor (design target ≥ 80%%: %s)", 100*float64(pg)/float64(pf), metOrNot(5*pg >= 4*pf))
		}
		out(".\n\n%s", poolTable(results, cfg.ladder))
	}

	syncs := after["jitsim_gateway_journal_fsync_seconds_count"] - before["jitsim_gateway_journal_fsync_seconds_count"]
	syncSum := after["jitsim_gateway_journal_fsync_seconds_sum"] - before["jitsim_gateway_journal_fsync_seconds_sum"]
	decisions := after["jitsim_gateway_decisions_total"] - before["jitsim_gateway_decisions_total"]
	decCount := after["jitsim_gateway_decision_seconds_count"] - before["jitsim_gateway_decision_seconds_count"]
	decSum := after["jitsim_gateway_decision_seconds_sum"] - before["jitsim_gateway_decision_seconds_sum"]
	out("\nGateway journal during the ladder (GET /metrics, after minus before): jitsim_gateway_journal_fsync_seconds_count %.0f, _sum %.3f s", syncs, syncSum)
	if syncs > 0 {
		out(" (mean write+fsync %.3f ms); decisions %.0f, so %.2f records per fsync", 1000*syncSum/syncs, decisions, decisions/syncs)
	}
	if decCount > 0 {
		out("; mean in-handler decision time %.3f ms", 1000*decSum/decCount)
	}
	out(".\n\n")
	out("| histogram (during the ladder) | ≤0.1 ms | ≤0.25 | ≤0.5 | ≤1 | ≤2.5 | ≤5 | ≤10 | ≤25 | ≤50 | ≤100 | >100 ms |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, h := range []string{"jitsim_gateway_journal_fsync_seconds", "jitsim_gateway_decision_seconds"} {
		out("| %s |", h)
		prev := 0.0
		for _, le := range []string{"0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "+Inf"} {
			k := h + `_bucket{le="` + le + `"}`
			cum := after[k] - before[k]
			out(" %.0f |", cum-prev)
			prev = cum
		}
		out("\n")
	}
	out("Totals since the gateway opened (funding and warm-up included): fsync count %.0f, fsync sum %.3f s, decisions %.0f.\n",
		after["jitsim_gateway_journal_fsync_seconds_count"], after["jitsim_gateway_journal_fsync_seconds_sum"], after["jitsim_gateway_decisions_total"])
	for _, line := range strings.Split(logs.String(), "\n") {
		if sideSlow() && (strings.HasPrefix(line, "gc ") || strings.HasPrefix(line, "side child ")) {
			fmt.Printf("child: %s\n", line) // GODEBUG=gctrace=1 in the children, to line up with the slow buckets
		}
		if strings.Contains(line, "snapshot") || strings.Contains(line, "journal loaded") || strings.Contains(line, "level=ERROR") || strings.Contains(line, "level=WARN") || strings.Contains(line, "expired") {
			out("gateway log: %s\n", line)
		}
	}
	if cfg.procs {
		out("\nLoad generator (vegeta, in this process), floor and gateway (each in its own child process, JITSIM_PROCS=1) share the machine's %d cores; CPU is the three processes' user+system time over the step.\n", runtime.NumCPU())
	} else {
		out("\nLoad generator (vegeta, in process), floor, gateway and journal share the machine's %d cores; CPU is this process's user+system time over the step.\n", runtime.NumCPU())
	}

	if cfg.report != "" {
		if err := os.WriteFile(cfg.report, []byte(report.String()), 0o644); err != nil {
			b.Error(err)
		}
	}
	b.ReportMetric(float64(fl), "floor-req/s")
	b.ReportMetric(float64(g), "gateway-req/s")
	b.ReportMetric(ratio, "gateway-%-of-floor")
}

// newSideHTTPServer serves h with the gateway's own server settings.
func newSideHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
}

// newSideClient is an HTTP/1.1 keep-alive client with no proxy (vegeta's
// own transport honours HTTP_PROXY) and a bounded connection pool.
func newSideClient(cfg sideConfig) *http.Client {
	return &http.Client{
		Timeout: cfg.timeout,
		Transport: &http.Transport{
			Proxy:               nil,
			DialContext:         (&net.Dialer{Timeout: cfg.timeout, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:        cfg.conns,
			MaxIdleConnsPerHost: cfg.conns,
			MaxConnsPerHost:     cfg.conns,
			IdleConnTimeout:     90 * time.Second,
			DisableCompression:  true,
			ForceAttemptHTTP2:   false,
		},
	}
}

// jitTargeter makes each request a new authorization: body n of tmpl, with
// the gateway's credentials (the floor ignores them).
func jitTargeter(tmpl *bodyTemplate, url string, seq *atomic.Uint64) vegeta.Targeter {
	hdr := http.Header{"Content-Type": {"application/json"}, "Authorization": {benchAuthHeader}}
	return func(t *vegeta.Target) error {
		t.Method = http.MethodPost
		t.URL = url
		t.Header = hdr // vegeta copies it into each request
		t.Body = tmpl.render(nil, seq.Add(1))
		return nil
	}
}

// attackStep runs one constant-rate attack over t's client and summarises
// it.
func attackStep(cfg sideConfig, t *sideTarget, rate int, d time.Duration, name string) stepResult {
	var acc stepAcc
	acc.attack(cfg, t, rate, d, name)
	return acc.result(t.name, rate, name)
}

// stepAcc accumulates the attacks of one target at one rate: a whole step,
// or its slices when JITSIM_SLICE interleaves the targets.
type stepAcc struct {
	m           vegeta.Metrics // latencies, codes and errors over every slice
	sent, spent float64        // requests and seconds of attacking, for the achieved rate
	done        float64        // successful responses, for the throughput
	cpu, steal  time.Duration
	stealOK     bool
	wall        time.Duration
	start       time.Time
	slow        slowTimeline
	slowSyncs   float64 // journal fsyncs over 5 ms, gateway only
	syncsOK     bool
	gc          gcSample // this process's collections during the attacks
}

// attack runs one constant-rate attack with a new attacker (they are
// single-use) and adds it to a.
func (a *stepAcc) attack(cfg sideConfig, t *sideTarget, rate int, d time.Duration, name string) {
	atk := vegeta.NewAttacker(
		vegeta.Client(t.client), // first: the options below modify its transport
		vegeta.Connections(cfg.conns),
		vegeta.MaxConnections(cfg.conns),
		vegeta.Timeout(cfg.timeout),
		vegeta.KeepAlive(true),
		vegeta.HTTP2(false),
		vegeta.MaxBody(0),
		// MaxWorkers stays unbounded: a capped worker pool would hide
		// queueing (coordinated omission). Connections are bounded instead,
		// so waiting for one is counted as latency.
	)
	var m0 map[string]float64
	if t.metrics != "" {
		m0, _ = scrapeMetrics(t.client, t.metrics)
	}
	cpu0, steal0, wall0, gc0 := cfg.cpu(), stealTime(), time.Now(), readGC()
	if a.start.IsZero() {
		a.start, a.stealOK = wall0, true
	}
	var slice vegeta.Metrics
	for res := range atk.Attack(t.tr, vegeta.Rate{Freq: rate, Per: time.Second}, d, name) {
		a.m.Add(res)
		slice.Add(res)
		a.slow.add(res, a.start)
	}
	slice.Close()
	if slice.Rate > 0 {
		a.sent += float64(slice.Requests)
		a.spent += float64(slice.Requests) / slice.Rate
		a.done += slice.Throughput * float64(slice.Requests) / slice.Rate
	}
	a.wall += time.Since(wall0)
	a.cpu += cfg.cpu() - cpu0
	a.gc = a.gc.add(readGC().sub(gc0))
	if m0 != nil {
		if m1, err := scrapeMetrics(t.client, t.metrics); err == nil {
			a.slowSyncs += slowFsyncs(m1) - slowFsyncs(m0)
			a.syncsOK = true
		}
	}
	if steal1 := stealTime(); steal0 >= 0 && steal1 >= 0 {
		a.steal += steal1 - steal0
	} else {
		a.stealOK = false
	}
}

// result summarises a.
func (a *stepAcc) result(target string, rate int, name string) stepResult {
	a.m.Close()
	if sideSlow() {
		a.slow.print(name, a.start)
	}
	cores := a.wall.Seconds() * float64(runtime.NumCPU())
	r := stepResult{
		target: target, rate: rate, success: a.m.Success,
		p50: a.m.Latencies.P50, p90: a.m.Latencies.P90, p99: a.m.Latencies.P99, max: a.m.Latencies.Max,
		requests: a.m.Requests, codes: a.m.StatusCodes, errors: a.m.Errors, steal: -1, timeWait: timeWaitSockets(),
		slowSyncs: -1, began: a.start, gc: a.gc,
	}
	if a.syncsOK {
		r.slowSyncs = int(a.slowSyncs)
	}
	if a.spent > 0 {
		r.achieved, r.throughput = a.sent/a.spent, a.done/a.spent
	}
	if cores > 0 {
		r.cpu = a.cpu.Seconds() / cores
		if a.stealOK {
			r.steal = a.steal.Seconds() / cores
		}
	}
	return r
}

// runStep drives each target at rate for cfg.step, in order: one after the
// other with a pause after each, or, with cfg.slice set, in slices of that
// length taken in turn (first target, second, first, …), so that both see
// the same moments of this VM's noise; the pause then follows the step.
func runStep(cfg sideConfig, order []*sideTarget, rate int) []stepResult {
	accs := make([]stepAcc, len(order))
	name := func(t *sideTarget) string { return fmt.Sprintf("%s-%d", t.name, rate) }
	if cfg.slice <= 0 || cfg.slice >= cfg.step {
		var out []stepResult
		for i, t := range order {
			accs[i].attack(cfg, t, rate, cfg.step, name(t))
			out = append(out, accs[i].result(t.name, rate, name(t)))
			time.Sleep(cfg.pause)
		}
		return out
	}
	for left, k := cfg.step, 0; left > 0; left, k = left-cfg.slice, k+1 {
		d := min(cfg.slice, left)
		for j := range order {
			i := j
			if k%2 == 1 {
				i = len(order) - 1 - j // alternate who goes first in each round
			}
			accs[i].attack(cfg, order[i], rate, d, name(order[i]))
		}
	}
	out := make([]stepResult, len(order))
	for i, t := range order {
		out[i] = accs[i].result(t.name, rate, name(t))
	}
	time.Sleep(cfg.pause)
	return out
}

// scrapeMetrics reads the gateway's Prometheus text and sums each metric
// over its label sets, but keeps histogram buckets apart (keyed by their
// whole name with labels).
func scrapeMetrics(c *http.Client, url string) (map[string]float64, error) {
	resp, err := c.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		sp := strings.LastIndexByte(line, ' ')
		if sp < 0 {
			continue
		}
		name := line[:sp]
		if i := strings.IndexByte(name, '{'); i >= 0 && !strings.HasSuffix(name[:i], "_bucket") {
			name = name[:i] // summed over label sets; buckets are kept by le
		}
		v, err := strconv.ParseFloat(line[sp+1:], 64)
		if err != nil {
			continue
		}
		out[name] += v
	}
	return out, sc.Err()
}

// slowFsyncs is how many of the journal's fsyncs in m took over 5 ms.
func slowFsyncs(m map[string]float64) float64 {
	return m["jitsim_gateway_journal_fsync_seconds_count"] - m[`jitsim_gateway_journal_fsync_seconds_bucket{le="0.005"}`]
}

// cpuTime is this process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// timeWaitSockets counts the machine's TCP sockets in TIME_WAIT, or -1 when
// /proc/net/tcp cannot be read.
func timeWaitSockets() int {
	n, ok := 0, false
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		ok = true
		for _, line := range bytes.Split(data, []byte("\n"))[1:] {
			fields := bytes.Fields(line)
			if len(fields) > 3 && string(fields[3]) == "06" {
				n++
			}
		}
	}
	if !ok {
		return -1
	}
	return n
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// syncBuffer is a bytes.Buffer safe for the gateway's concurrent logging.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// BenchmarkFloorHandler is the floor handler in process on the same bodies
// as BenchmarkJITHandler: the cost every gateway pays before its own work.
func BenchmarkFloorHandler(b *testing.B) {
	tmpl := loadTemplate(b, "jit_request_authorization.json", benchAccounts)
	for _, par := range benchParallelism {
		b.Run(fmt.Sprintf("goroutines=%d", par*benchProcs()), func(b *testing.B) {
			b.SetParallelism(par)
			serveBench(b, floor.Handler, nil, "/jit", tmpl, http.StatusOK)
		})
	}
}

// sideHoldP reports whether the gateway's flusher holds its processor
// through fdatasync: yes, as under `jitsim gateway`, unless JITSIM_HOLDP=0.
func sideHoldP() bool { return os.Getenv("JITSIM_HOLDP") != "0" }

// sideSlow is JITSIM_SLOW=1: print when the slow requests of each step were
// sent, and what lines them up with collections.
func sideSlow() bool { return os.Getenv("JITSIM_SLOW") == "1" }

// sideCommitDelay is JITSIM_COMMIT_DELAY (a Go duration; the journal's
// default when unset).
func sideCommitDelay(b testing.TB) time.Duration {
	v := os.Getenv("JITSIM_COMMIT_DELAY")
	if v == "" {
		return 0
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		b.Fatalf("JITSIM_COMMIT_DELAY: %v", err)
	}
	return d
}

// slowTimeline counts requests over 10 ms by when they were sent, in 100 ms
// buckets from the start of the step.
type slowTimeline struct {
	buckets map[int]int
	worst   map[int]time.Duration
	total   int
}

func (s *slowTimeline) add(res *vegeta.Result, start time.Time) {
	if res.Latency <= 10*time.Millisecond {
		return
	}
	if s.buckets == nil {
		s.buckets, s.worst = map[int]int{}, map[int]time.Duration{}
	}
	k := int(res.Timestamp.Sub(start) / (100 * time.Millisecond))
	s.buckets[k]++
	s.worst[k] = max(s.worst[k], res.Latency)
	s.total++
}

// print prints the buckets, and when the step began (UTC, to line them up
// with GODEBUG=gctrace=1's times since a process started).
func (s *slowTimeline) print(name string, start time.Time) {
	keys := make([]int, 0, len(s.buckets))
	for k := range s.buckets {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, " %.1fs:%d(%s)", float64(k)/10, s.buckets[k], ms(s.worst[k]))
	}
	fmt.Printf("slow %s (began %s): %d over 10 ms in %d buckets:%s\n", name, start.UTC().Format("15:04:05.000"), s.total, len(keys), b.String())
}

// median returns the median of v (the mean of the middle two for an even
// count), or 0 for none.
func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	c := slices.Clone(v)
	slices.Sort(c)
	n := len(c)
	if n%2 == 1 {
		return c[n/2]
	}
	return (c[n/2-1] + c[n/2]) / 2
}

func medianInt(v []int) int {
	f := make([]float64, len(v))
	for i, x := range v {
		f[i] = float64(x)
	}
	return int(median(f))
}

func countAtLeast(v []float64, min float64) int {
	n := 0
	for _, x := range v {
		if x >= min {
			n++
		}
	}
	return n
}

// stealTime is the CPU time the hypervisor has taken from this machine, over
// all CPUs (the steal column of /proc/stat, in USER_HZ = 100 ticks), or -1
// when it cannot be read.
func stealTime() time.Duration {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return -1
	}
	line, _, _ := bytes.Cut(data, []byte("\n"))
	f := bytes.Fields(line)
	if len(f) < 9 || string(f[0]) != "cpu" {
		return -1
	}
	ticks, err := strconv.ParseInt(string(f[8]), 10, 64)
	if err != nil {
		return -1
	}
	return time.Duration(ticks) * 10 * time.Millisecond
}
