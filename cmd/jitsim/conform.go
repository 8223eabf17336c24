package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/jitsim/jitsim/features"
	"github.com/jitsim/jitsim/harness"
	"github.com/jitsim/jitsim/jit"
)

func conformCommand() command {
	return command{
		name:    "conform",
		summary: "run the Gherkin conformance features against a gateway",
		run:     runConform,
		help: func(w io.Writer) {
			var o conformOptions
			conformFlags(w, &o).Usage()
		},
	}
}

type conformOptions struct {
	gatewayURL, webhookURL, adapterURL, auth, secret string
	tags, format, accounts, reportJSON               string
	concurrency                                      int
	seed                                             uint64
	timeoutMillis                                    int64
	noColor                                          bool
}

func conformFlags(w io.Writer, o *conformOptions) *flag.FlagSet {
	fs := flag.NewFlagSet("conform", flag.ContinueOnError)
	fs.SetOutput(w)
	fs.StringVar(&o.gatewayURL, "gateway-url", "", "the gateway's JIT endpoint, e.g. http://127.0.0.1:8080/jit (required)")
	fs.StringVar(&o.webhookURL, "webhook-url", "", "the gateway's webhook endpoint (required)")
	fs.StringVar(&o.adapterURL, "adapter-url", "", "the gateway's GraphQL adapter (required unless --accounts)")
	fs.StringVar(&o.auth, "auth", "", "USER:PASS, the gateway's Basic auth on all three (required; Marqeta wants a 20-100 character password)")
	fs.StringVar(&o.secret, "webhook-secret", "", "the secret the gateway checks X-Marqeta-Signature with (enables the @webhook-secret scenarios)")
	fs.StringVar(&o.tags, "tags", "", `select scenarios, godog syntax: "@clearing,@reversal" (OR), "@duplicates && ~@slow" (AND, NOT); @controls scenarios run only when named`)
	fs.StringVar(&o.format, "format", "pretty", "pretty, progress, junit[:FILE] or cucumber[:FILE]; comma-separate several, e.g. progress,junit:report.xml")
	fs.StringVar(&o.accounts, "accounts", "", "black-box mode: JSON file of pre-funded accounts, used instead of an adapter (see README)")
	fs.StringVar(&o.reportJSON, "report-json", "", "write the per-feature and per-scenario results as JSON to FILE")
	fs.IntVar(&o.concurrency, "concurrency", 4, "scenarios run at once (each has its own cardholders)")
	fs.Uint64Var(&o.seed, "seed", 0, "seed of every token (default: from the clock, printed, so a run can be replayed against a fresh gateway)")
	fs.Int64Var(&o.timeoutMillis, "timeout-millis", 1000, "the funding source's timeout_millis, 1000-7000")
	fs.BoolVar(&o.noColor, "no-color", false, "no ANSI colours in the output")
	fs.Usage = func() {
		fmt.Fprint(w, `Usage: jitsim conform --gateway-url URL --webhook-url URL --adapter-url URL --auth USER:PASS [flags]
       jitsim conform --gateway-url URL --webhook-url URL --accounts FILE --auth USER:PASS [flags]

Runs the embedded Gherkin features (authorization, clearing, reversal,
refunds, timeouts, stand-in, duplicates, ordering, credentials, malformed
input, ...) against a gateway: a fake Marqeta sends it JIT requests and
webhooks, and balances are checked through its adapter, or in black-box
mode (--accounts) by pgfs.balanceinquiry. Strict: an undefined step fails,
and a run in which no scenario ran fails. Each scenario uses its own
cardholders, so scenarios run concurrently against one gateway.

Exit status: 0 every scenario passed, 1 a scenario failed or none ran,
2 bad usage or the run could not start.

Flags:
`)
		fs.PrintDefaults()
	}
	return fs
}

func runConform(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o conformOptions
	fs := conformFlags(stderr, &o)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	opts, err := o.options(stdout)
	if err != nil {
		return err
	}
	if o.seed == 0 {
		fmt.Fprintf(stderr, "jitsim conform: seed %d (--seed %d replays this run's tokens)\n", opts.Seed, opts.Seed)
	}
	res, err := features.Run(ctx, opts)
	if err != nil {
		if jit.ErrorCode(err) == jit.EINVALID {
			return &usageError{err.Error()}
		}
		return err
	}
	summaryTo := stdout
	if machineOnStdout(o.format) {
		summaryTo = stderr
	}
	res.WriteSummary(summaryTo)
	if o.reportJSON != "" {
		if err := writeJSONFile(o.reportJSON, res); err != nil {
			return fmt.Errorf("--report-json: %w", err)
		}
	}
	if !res.OK {
		if res.Problem != "" {
			return fmt.Errorf("%w: %s", errFailed, res.Problem)
		}
		return fmt.Errorf("%w: %d of %d scenarios failed", errFailed, res.Failed, res.Scenarios)
	}
	return nil
}

// options checks the flags and turns them into features.Options.
func (o *conformOptions) options(stdout io.Writer) (features.Options, error) {
	var opts features.Options
	switch {
	case o.gatewayURL == "" || o.webhookURL == "":
		return opts, &usageError{"--gateway-url and --webhook-url are required"}
	case o.auth == "":
		return opts, &usageError{"--auth USER:PASS is required"}
	case o.adapterURL == "" && o.accounts == "":
		return opts, &usageError{"give --adapter-url, or --accounts for black-box mode"}
	case o.adapterURL != "" && o.accounts != "":
		return opts, &usageError{"give --adapter-url or --accounts (black-box mode), not both"}
	case o.concurrency < 1 || o.concurrency > 64:
		return opts, &usageError{"--concurrency must be 1 to 64"}
	}
	user, pass, err := harness.ParseAuth(o.auth)
	if err != nil {
		return opts, &usageError{"--auth: " + err.Error()}
	}
	if err := features.CheckFormat(o.format); err != nil {
		return opts, &usageError{"--format: " + err.Error()}
	}
	if err := features.CheckTags(o.tags); err != nil {
		return opts, &usageError{"--tags: " + err.Error()}
	}
	opts = features.Options{
		Target: harness.Target{JITURL: o.gatewayURL, WebhookURL: o.webhookURL, AdapterURL: o.adapterURL,
			Username: user, Password: pass, WebhookSecret: o.secret, TimeoutMillis: o.timeoutMillis},
		Tags: o.tags, Format: o.format, Output: stdout, Concurrency: o.concurrency,
		Controls: namesTag(o.tags, "@controls"), Seed: o.seed, NoColors: o.noColor || !isTerminal(stdout),
	}
	if opts.Seed == 0 {
		opts.Seed = uint64(time.Now().UnixNano())
	}
	if o.accounts != "" {
		f, err := harness.ReadAccountsFile(o.accounts)
		if err != nil {
			return opts, &usageError{"--accounts: " + err.Error()}
		}
		opts.BlackBox = f
	}
	if err := opts.Target.Validate(); err != nil {
		return opts, &usageError{err.Error()}
	}
	return opts, nil
}

// namesTag reports whether a tag expression asks for tag (not ~tag).
func namesTag(expr, tag string) bool {
	for _, and := range strings.Split(expr, "&&") {
		for _, t := range strings.Split(and, ",") {
			if strings.TrimSpace(t) == tag {
				return true
			}
		}
	}
	return false
}

// machineOnStdout reports whether a JUnit or Cucumber formatter writes to
// stdout, where a human summary would corrupt it.
func machineOnStdout(format string) bool {
	for _, part := range strings.Split(format, ",") {
		if part == "junit" || part == "cucumber" {
			return true
		}
	}
	return false
}

func writeJSONFile(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}
