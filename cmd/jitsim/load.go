package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/jitsim/jitsim/loadtest"
)

func loadCommand() command {
	return command{
		name:    "load",
		summary: "vegeta load against a gateway with a latency SLA verdict",
		run:     runLoad,
		help: func(w io.Writer) {
			loadFlags(w, &loadOptions{}).Usage()
		},
	}
}

type loadOptions struct {
	gatewayURL, adapterURL, auth string
	webhookURL                   string // accepted for the shared flags; load sends no webhooks
	rate                         float64
	duration, timeout, pause     time.Duration
	warmup                       time.Duration
	pacer, sla, accounts, mix    string
	connections, cardholders     int
	pool                         int
	http2, findMax, reconcile    bool
	maxRate                      float64
	seed                         uint64
	output, plot, reportJSON     string
	name                         string
}

func loadFlags(w io.Writer, o *loadOptions) *flag.FlagSet {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(w)
	fs.StringVar(&o.gatewayURL, "gateway-url", "", "the gateway's JIT endpoint, e.g. http://127.0.0.1:8080/jit (required)")
	fs.StringVar(&o.adapterURL, "adapter-url", "", "the gateway's GraphQL adapter: fund the cardholders, and --reconcile")
	fs.StringVar(&o.webhookURL, "webhook-url", "", "accepted so the flags shared by every command work here; load sends JIT requests only")
	fs.StringVar(&o.auth, "auth", "", "HTTP Basic credentials USER:PASS for the gateway and its adapter")
	fs.Float64Var(&o.rate, "rate", 100, "requests per second (with --find-max: the first rate tried)")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "length of the run (with --find-max: of each step)")
	fs.StringVar(&o.pacer, "pacer", "constant", "constant (--rate), linear:START-END (over --duration), or step:R1,R2,...@D (each rate for D)")
	fs.StringVar(&o.sla, "sla", "", "SLA expression, e.g. 'p99<=500ms,p999<=1s,max<3s,errors<=0.1%' (default 'max<TIMEOUT,errors<=0.1%')")
	fs.IntVar(&o.connections, "connections", 64, "most connections to the gateway (workers are unbounded: waiting for a connection counts as latency)")
	fs.BoolVar(&o.http2, "http2", false, "speak HTTP/2 (TLS for https, prior knowledge h2c for http)")
	fs.DurationVar(&o.timeout, "timeout", 3*time.Second, "Marqeta's timeout_millis: a later answer (from the scheduled send time) is a decline")
	fs.StringVar(&o.accounts, "accounts", "", `JSON file of existing cardholders for a black-box gateway: {"accounts":[{"user_token":"…","card_token":"…"}]}`)
	fs.IntVar(&o.cardholders, "cardholders", 100, "cardholders to make and fund (without --accounts)")
	fs.StringVar(&o.mix, "mix", "auth=85,incremental=10,balance=5", "weights of authorizations, incrementals and balance inquiries")
	fs.Uint64Var(&o.seed, "seed", 0, "seed of the generated bodies (0: from the clock; printed, so a run can be replayed against a fresh gateway)")
	fs.IntVar(&o.pool, "pool", 4096, "distinct bodies to generate (longer runs reuse them with fresh tokens)")
	fs.BoolVar(&o.findMax, "find-max", false, "search for the highest constant rate that meets the SLA (doubling from --rate, then bisecting)")
	fs.Float64Var(&o.maxRate, "max-rate", 100000, "with --find-max: the highest rate tried")
	fs.DurationVar(&o.pause, "pause", 2*time.Second, "with --find-max: pause between steps, for the gateway to drain")
	fs.DurationVar(&o.warmup, "warmup", 0, "first run the first rate this long, unreported (cold connections, journal and heap); with --find-max the default is the step length, at most 5s")
	fs.StringVar(&o.output, "output", "", "write vegeta's results (gob) to FILE, for `vegeta report`, `vegeta plot` and `jitsim load merge`")
	fs.StringVar(&o.plot, "plot", "", "write an HTML latency plot (vegeta's and corrected) to FILE")
	fs.StringVar(&o.reportJSON, "report-json", "", "write the JSON report to FILE")
	fs.BoolVar(&o.reconcile, "reconcile", false, "after the run, check every cardholder's balances through --adapter-url")
	fs.StringVar(&o.name, "name", "jitsim", "attack name in the results file and plot (give each node its own)")
	fs.Usage = func() {
		fmt.Fprint(w, `Usage: jitsim load --gateway-url URL --rate R --duration D [flags]
       jitsim load merge FILE... [--sla EXPR] [--timeout D] [--report-json FILE] [--plot FILE]

Sends realistic JIT funding requests (authorizations, incrementals of an
earlier authorization, balance inquiries; every token unique) with vegeta at
the paced rate and judges the answers against an SLA. Cardholders are funded
through --adapter-url so approvals are real, or listed with --accounts.

Latency is reported twice: vegeta's own, from when a request was actually
sent, and corrected for coordinated omission, from when the pacer scheduled
it. The SLA is judged on the corrected latency. An answer later than
--timeout is a decline, as Marqeta counts it. A loud warning says when the
achieved rate fell below 95% of the target: then the generator, not the
gateway, was the bottleneck.

SLA grammar: comma-separated clauses METRIC OP VALUE, where METRIC is p50,
p90, p95, p99, p999, max or mean (VALUE a duration: 250ms, 1s) or errors or
declines (VALUE a percentage: 0.1%), and OP is <, <=, > or >=. errors is the
share without a 200 or 402 in time; declines the share not approved.
Default: max<TIMEOUT,errors<=0.1%.

merge judges the results files of several nodes (each ran with its own
--name and --output) as one run.

Exit status: 0 the SLA held (and the ledger reconciled), 1 it did not,
2 bad usage or a fatal error. See docs/load.md.

Flags:
`)
		fs.PrintDefaults()
	}
	return fs
}

func runLoad(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "merge" {
		return runLoadMerge(args[1:], stdout, stderr)
	}
	var o loadOptions
	fs := loadFlags(stderr, &o)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	lo := loadtest.Options{GatewayURL: o.gatewayURL, AdapterURL: o.adapterURL, Connections: o.connections, HTTP2: o.http2,
		Timeout: o.timeout, SLA: o.sla, Accounts: o.cardholders, PoolSize: o.pool, Reconcile: o.reconcile, Name: o.name, Seed: o.seed}
	if lo.GatewayURL == "" {
		return &usageError{"--gateway-url is required"}
	}
	if o.timeout <= 0 {
		return &usageError{"--timeout must be positive"}
	}
	if o.auth != "" {
		u, p, ok := strings.Cut(o.auth, ":")
		if !ok || u == "" {
			return &usageError{"--auth wants USER:PASS"}
		}
		lo.Username, lo.Password = u, p
	}
	if lo.Seed == 0 {
		lo.Seed = uint64(time.Now().UnixNano())
	}
	mix, err := loadtest.ParseMix(o.mix)
	if err != nil {
		return &usageError{"--mix: " + err.Error()}
	}
	lo.Mix = mix
	lo.Warmup = o.warmup
	if o.warmup < 0 {
		return &usageError{"--warmup must not be negative"}
	}
	warmupSet := false
	fs.Visit(func(f *flag.Flag) { warmupSet = warmupSet || f.Name == "warmup" })
	if o.findMax && !warmupSet {
		lo.Warmup = min(o.duration, 5*time.Second)
	}
	if o.findMax {
		if o.pacer != "constant" {
			return &usageError{"--find-max paces its own constant steps: drop --pacer"}
		}
		if o.rate <= 0 || o.duration <= 0 {
			return &usageError{"--find-max needs a positive --rate (first step) and --duration (each step)"}
		}
		lo.FindMax = &loadtest.FindMax{Start: o.rate, MaxRate: o.maxRate, Step: o.duration, Pause: o.pause}
		if o.pause == 0 {
			lo.FindMax.Pause = -1
		}
	} else {
		p, err := loadtest.ParsePacer(o.pacer, o.rate, o.duration)
		if err != nil {
			return &usageError{"--pacer: " + err.Error()}
		}
		lo.Pacer = p
	}
	if o.sla != "" {
		if _, err := loadtest.ParseSLA(o.sla); err != nil {
			return &usageError{"--sla: " + err.Error()}
		}
	}
	if o.accounts != "" {
		f, err := os.Open(o.accounts)
		if err != nil {
			return &usageError{"--accounts: " + err.Error()}
		}
		lo.Cardholders, err = loadtest.ReadAccounts(f)
		f.Close()
		if err != nil {
			return &usageError{"--accounts: " + err.Error()}
		}
	}
	if o.reconcile && o.adapterURL == "" {
		return &usageError{"--reconcile needs --adapter-url"}
	}
	var closers []func() error
	defer func() {
		for _, c := range closers {
			c()
		}
	}()
	create := func(path string) (*os.File, error) {
		f, err := os.Create(path)
		if err != nil {
			return nil, err
		}
		closers = append(closers, f.Close)
		return f, nil
	}
	if o.output != "" {
		f, err := create(o.output)
		if err != nil {
			return fmt.Errorf("--output: %w", err)
		}
		lo.Output = f
	}
	if o.plot != "" {
		f, err := create(o.plot)
		if err != nil {
			return fmt.Errorf("--plot: %w", err)
		}
		lo.Plot = f
	}
	if isTerminal(stderr) {
		lo.Progress = stderr
	}
	fmt.Fprintf(stdout, "jitsim load: seed %d\n", lo.Seed)
	rep, err := loadtest.Run(ctx, lo)
	if rep == nil {
		if err != nil {
			return fmt.Errorf("load: %w", err)
		}
		return errors.New("load: no report")
	}
	return finishLoad(rep, err, o.reportJSON, stdout, stderr)
}

// finishLoad prints the report (and its warnings again on stderr, where CI
// logs show them), writes the JSON, and turns a failed verdict into exit 1.
func finishLoad(rep *loadtest.Report, runErr error, reportJSON string, stdout, stderr io.Writer) error {
	if err := rep.WriteText(stdout); err != nil {
		return err
	}
	for _, w := range rep.Warnings {
		fmt.Fprintln(stderr, "jitsim load: WARNING:", w)
	}
	if reportJSON != "" {
		f, err := os.Create(reportJSON)
		if err != nil {
			return fmt.Errorf("--report-json: %w", err)
		}
		if err := rep.WriteJSON(f); err != nil {
			f.Close()
			return fmt.Errorf("--report-json: %w", err)
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("--report-json: %w", err)
		}
	}
	if runErr != nil {
		return fmt.Errorf("load: %w", runErr)
	}
	switch {
	case rep.Reconcile != nil && !rep.Reconcile.OK:
		return fmt.Errorf("load: ledger drift on %d accounts: %w", rep.Reconcile.DriftAccounts, errFailed)
	case !rep.SLA.Pass:
		return fmt.Errorf("load: SLA %q breached: %w", rep.SLA.Expr, errFailed)
	}
	return nil
}

func runLoadMerge(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("load merge", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sla := fs.String("sla", "", "SLA expression (default from the recorded timeout)")
	timeout := fs.Duration("timeout", 0, "timeout to judge by (default: the one each run recorded)")
	reportJSON := fs.String("report-json", "", "write the JSON report to FILE")
	plotPath := fs.String("plot", "", "write an HTML latency plot of all files to FILE")
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			return &usageError{err.Error()}
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(files) == 0 {
		return &usageError{"load merge wants one or more results files"}
	}
	var readers []io.Reader
	for _, p := range files {
		f, err := os.Open(p)
		if err != nil {
			return &usageError{err.Error()}
		}
		defer f.Close()
		readers = append(readers, f)
	}
	mo := loadtest.MergeOptions{SLA: *sla, Timeout: *timeout}
	if *plotPath != "" {
		f, err := os.Create(*plotPath)
		if err != nil {
			return fmt.Errorf("--plot: %w", err)
		}
		defer f.Close()
		mo.Plot = f
	}
	rep, err := loadtest.Merge(readers, mo)
	if err != nil {
		return fmt.Errorf("load merge: %w", err)
	}
	return finishLoad(rep, nil, *reportJSON, stdout, stderr)
}

// isTerminal reports whether w is a character device (progress goes only
// to a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
