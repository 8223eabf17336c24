package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/jitsim/jitsim/fixtures"
	"github.com/jitsim/jitsim/harness"
	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/reference-gateway/server"
)

// stepInput is where interactive keys come from; stepInteractive says
// whether to pause (tests replace both).
var (
	stepInput       io.Reader = os.Stdin
	stepInteractive           = func(stdout io.Writer) bool { return isTerminal(os.Stdin) && isTerminal(stdout) }
)

func stepCommand() command {
	return command{
		name:    "step",
		summary: "play a fixture against a gateway one message at a time",
		run:     runStep,
		help: func(w io.Writer) {
			var o stepOptions
			stepFlags(w, &o).Usage()
		},
	}
}

type stepOptions struct {
	gatewayURL, webhookURL, adapterURL, auth, reportJSON string
	secret, accounts                                     string
	seed                                                 uint64
	timeoutMillis                                        int64
	noPause                                              bool
}

func stepFlags(w io.Writer, o *stepOptions) *flag.FlagSet {
	fs := flag.NewFlagSet("step", flag.ContinueOnError)
	fs.SetOutput(w)
	fs.StringVar(&o.gatewayURL, "gateway-url", "", "the gateway's JIT endpoint (default: an in-process reference gateway)")
	fs.StringVar(&o.webhookURL, "webhook-url", "", "the gateway's webhook endpoint (required with --gateway-url)")
	fs.StringVar(&o.adapterURL, "adapter-url", "", "the gateway's GraphQL adapter (with --gateway-url, unless --accounts)")
	fs.StringVar(&o.accounts, "accounts", "", "black-box mode: JSON file of pre-funded accounts used instead of an adapter; balances by pgfs.balanceinquiry (format as for jitsim conform)")
	fs.StringVar(&o.auth, "auth", "", "USER:PASS, the gateway's Basic auth on all three (required with --gateway-url)")
	fs.StringVar(&o.secret, "webhook-secret", "", "sign every webhook with this secret (X-Marqeta-Signature), as your gateway expects")
	fs.StringVar(&o.reportJSON, "report-json", "", "write every step's verdicts as JSON to FILE")
	fs.Uint64Var(&o.seed, "seed", 0, "seed of the run's tokens (default: 1 in-process; from the clock against your gateway, printed)")
	fs.Int64Var(&o.timeoutMillis, "timeout-millis", 1000, "the funding source's timeout_millis, 1000-7000")
	fs.BoolVar(&o.noPause, "no-pause", false, "run straight through (automatic when stdin is not a terminal); exit 1 on the first failed expectation")
	fs.Usage = func() {
		fmt.Fprint(w, `Usage: jitsim step NAME|FILE [flags]

Plays a fixture (a name from 'jitsim fixtures list', or a fixture file)
against a gateway, one step at a time: for each step, the exact HTTP
requests the gateway received (headers, the Authorization value masked, and
the JSON body), its answers, the webhooks delivered, the account's balances
before and after, and every expectation's verdict (✓ or ✗, expected against
actual). Without --gateway-url an in-process reference gateway is started
for the run, so it works with no set-up.

On a terminal: Enter runs the next step, c runs to the end, q quits.
With --no-pause, or when stdin is not a terminal, it runs straight through
and stops at the first failed expectation.

Exit status: 0 every expectation held, 1 one failed (the step is named),
2 bad usage, an unknown fixture or a gateway that cannot be set up.

Flags:
`)
		fs.PrintDefaults()
	}
	return fs
}

func runStep(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o stepOptions
	fs := stepFlags(stderr, &o)
	if err := fs.Parse(reorderArgs(fs, args)); err != nil {
		return &usageError{err.Error()}
	}
	if fs.NArg() != 1 {
		return &usageError{"step takes one fixture: a NAME from 'jitsim fixtures list' or a FILE"}
	}
	f, err := fixtures.Load(fs.Arg(0))
	if err != nil {
		return &usageError{err.Error()}
	}
	target, stop, err := o.target(stderr)
	if err != nil {
		return err
	}
	defer stop()
	opts := fixtures.Options{Target: target, Seed: o.seed}
	if o.accounts != "" {
		af, err := harness.ReadAccountsFile(o.accounts)
		if err != nil {
			return &usageError{"--accounts: " + err.Error()}
		}
		opts.Accounts = harness.NewAccountPool(af)
	}
	r, err := fixtures.Start(ctx, f, opts)
	if err != nil {
		if jit.ErrorCode(err) == jit.EINVALID {
			return &usageError{err.Error()}
		}
		return fmt.Errorf("start %s: %w", f.Name, err)
	}
	defer r.Close()
	interactive := !o.noPause && stepInteractive(stdout)
	res, err := playSteps(ctx, r, stdout, interactive)
	if o.reportJSON != "" {
		if werr := writeJSONFile(o.reportJSON, res); werr != nil && err == nil {
			err = fmt.Errorf("--report-json: %w", werr)
		}
	}
	return err
}

// stepReport is what --report-json writes.
type stepReport struct {
	Fixture string           `json:"fixture"`
	Pass    bool             `json:"pass"`
	Failure string           `json:"failure,omitempty"`
	Steps   []stepReportStep `json:"steps"`
}

type stepReportStep struct {
	Step   string           `json:"step"`
	Action string           `json:"action"`
	Pass   bool             `json:"pass"`
	Checks []fixtures.Check `json:"checks"`
	Error  string           `json:"error,omitempty"`
}

// playSteps runs the steps, printing each; interactive pauses before each
// step for a key. It returns errFailed (wrapped, naming the step) when an
// expectation failed.
func playSteps(ctx context.Context, r *fixtures.Runner, out io.Writer, interactive bool) (*stepReport, error) {
	f := r.Fixture()
	rep := &stepReport{Fixture: f.Name, Pass: true}
	fmt.Fprintf(out, "fixture %s: %s\n", f.Name, f.Description)
	for _, l := range r.Setup() {
		fmt.Fprintf(out, "  setup: %s\n", l)
	}
	fmt.Fprintln(out)
	keys := bufio.NewReader(stepInput)
	for i := 0; !r.Done(); i++ {
		if ctx.Err() != nil {
			return rep, ctx.Err()
		}
		fixtures.WriteHeader(out, f, i)
		if interactive {
			fmt.Fprint(out, "   [Enter] run this step · c run to the end · q quit: ")
			line, err := keys.ReadString('\n')
			switch strings.TrimSpace(strings.ToLower(line)) {
			case "q", "quit":
				fmt.Fprintf(out, "\nstopped before %s\n", f.Steps[i].Label(i))
				return rep, failedOr(rep)
			case "c":
				interactive = false
			}
			if err != nil && !errors.Is(err, io.EOF) {
				return rep, fmt.Errorf("read a key: %w", err)
			}
			if errors.Is(err, io.EOF) {
				interactive = false
			}
		}
		res := r.Next(ctx)
		fixtures.WriteStep(out, res)
		st := stepReportStep{Step: res.Label, Action: res.Step.Action, Pass: !res.Failed(), Checks: res.Checks}
		if res.Err != nil {
			st.Error = res.Err.Error()
		}
		rep.Steps = append(rep.Steps, st)
		if res.Failed() {
			if rep.Pass {
				rep.Pass, rep.Failure = false, res.Failure()
			}
			if !interactive || res.Err != nil {
				break
			}
		}
	}
	if rep.Pass {
		fmt.Fprintf(out, "PASS %s: %d steps, every expectation held\n", f.Name, len(rep.Steps))
	} else {
		fmt.Fprintf(out, "FAIL %s: %s\n", f.Name, rep.Failure)
	}
	return rep, failedOr(rep)
}

func failedOr(rep *stepReport) error {
	if rep.Pass {
		return nil
	}
	return fmt.Errorf("%w: fixture %s: %s", errFailed, rep.Fixture, rep.Failure)
}

// target is the gateway to play against: the flags', or an in-process
// reference gateway (stop shuts it down).
func (o *stepOptions) target(stderr io.Writer) (harness.Target, func(), error) {
	if o.gatewayURL == "" {
		if o.webhookURL != "" || o.adapterURL != "" || o.auth != "" || o.secret != "" || o.accounts != "" {
			return harness.Target{}, nil, &usageError{"--webhook-url, --adapter-url, --accounts, --auth and --webhook-secret go with --gateway-url"}
		}
		if o.seed == 0 {
			o.seed = 1
		}
		return inProcessGateway(o.timeoutMillis)
	}
	switch {
	case o.webhookURL == "" || o.auth == "":
		return harness.Target{}, nil, &usageError{"with --gateway-url, give --webhook-url and --auth USER:PASS too"}
	case o.adapterURL == "" && o.accounts == "":
		return harness.Target{}, nil, &usageError{"with --gateway-url, give --adapter-url, or --accounts for black-box mode"}
	case o.adapterURL != "" && o.accounts != "":
		return harness.Target{}, nil, &usageError{"give --adapter-url or --accounts (black-box mode), not both"}
	}
	user, pass, err := harness.ParseAuth(o.auth)
	if err != nil {
		return harness.Target{}, nil, &usageError{"--auth: " + err.Error()}
	}
	if o.seed == 0 {
		o.seed = uint64(time.Now().UnixNano())
		fmt.Fprintf(stderr, "jitsim step: seed %d (fresh tokens for your gateway; --seed %d repeats them)\n", o.seed, o.seed)
	}
	t := harness.Target{JITURL: o.gatewayURL, WebhookURL: o.webhookURL, AdapterURL: o.adapterURL, Username: user, Password: pass, WebhookSecret: o.secret, TimeoutMillis: o.timeoutMillis}
	if err := t.Validate(); err != nil {
		return t, nil, &usageError{err.Error()}
	}
	return t, func() {}, nil
}

// inProcessGateway starts the reference gateway on 127.0.0.1 with a
// temporary journal, as jitsim demo does.
func inProcessGateway(timeoutMillis int64) (harness.Target, func(), error) {
	dir, err := os.MkdirTemp("", "jitsim-step-*")
	if err != nil {
		return harness.Target{}, nil, fmt.Errorf("journal directory: %w", err)
	}
	gw, err := server.Open(server.Config{JournalDir: dir, Username: demoUser, Password: demoPass})
	if err != nil {
		os.RemoveAll(dir)
		return harness.Target{}, nil, fmt.Errorf("reference gateway: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		gw.Close()
		os.RemoveAll(dir)
		return harness.Target{}, nil, fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{Handler: gw.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	base := "http://" + ln.Addr().String()
	return harness.Target{JITURL: base + "/jit", WebhookURL: base + "/webhooks", AdapterURL: base + "/graphql",
			Username: demoUser, Password: demoPass, TimeoutMillis: timeoutMillis}, func() {
			srv.Close()
			gw.Close()
			os.RemoveAll(dir)
		}, nil
}

// reorderArgs moves flags after the positional argument in front of it, so
// that "jitsim step fuel-pump-175 --no-pause" works as the docs write it.
func reorderArgs(fs *flag.FlagSet, args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		if fl := fs.Lookup(name); fl != nil {
			if bf, ok := fl.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() {
				continue
			}
			if i+1 < len(args) {
				flags = append(flags, args[i+1])
				i++
			}
		}
	}
	return append(flags, pos...)
}
