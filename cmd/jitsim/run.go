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

	simrun "github.com/jitsim/jitsim/simulator/run"
	"github.com/jitsim/jitsim/simulator/traffic"
)

func runCommand() command {
	return command{
		name:    "run",
		summary: "send seeded traffic with faults to a gateway, then reconcile its ledger",
		run:     runRun,
		help: func(w io.Writer) {
			var o runOptions
			runFlags(w, &o).Usage()
		},
	}
}

// trafficOptions are the flags run and demo share.
type trafficOptions struct {
	profile, transcript, reportJSON string
	transactions                    int64
	duration                        time.Duration
	rate                            float64
	seed                            uint64
	workers, cardholders            int
}

func (o *trafficOptions) register(fs *flag.FlagSet) {
	fs.StringVar(&o.profile, "profile", "", "traffic profile JSON file (default: the built-in profile, see docs/profile.md)")
	fs.Int64Var(&o.transactions, "transactions", 0, "how many network messages to send (default: the profile's)")
	fs.DurationVar(&o.duration, "duration", 0, "start new flows for this long, real time, instead of a count")
	fs.Float64Var(&o.rate, "rate", -1, "messages a second, 0 as fast as possible (default: the profile's)")
	fs.Uint64Var(&o.seed, "seed", 0, "seed of every random choice (default: the profile's)")
	fs.StringVar(&o.transcript, "transcript", "", "write every message and answer as JSON Lines to FILE (byte-identical for a seed)")
	fs.StringVar(&o.reportJSON, "report-json", "", "write the report as JSON to FILE")
	fs.IntVar(&o.cardholders, "cardholders", 0, "how many cardholders, one card and account each (default: the profile's)")
	fs.IntVar(&o.workers, "workers", 1, "play the traffic in N concurrent lanes, each with its own cardholders, seed and faults (faster; each lane replays the same, the whole run is not byte-identical, so no --transcript)")
}

// load reads the profile and applies the flags set on the command line.
func (o *trafficOptions) load(fs *flag.FlagSet) (traffic.Profile, error) {
	p := traffic.Default()
	if o.profile != "" {
		f, err := os.Open(o.profile)
		if err != nil {
			return p, &usageError{fmt.Sprintf("--profile: %v", err)}
		}
		defer f.Close()
		if p, err = traffic.Decode(f); err != nil {
			return p, &usageError{fmt.Sprintf("--profile %s: %v", o.profile, err)}
		}
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["transactions"] && set["duration"] {
		return p, &usageError{"give --transactions or --duration, not both"}
	}
	if set["transactions"] {
		p.Transactions, p.Duration = o.transactions, 0
	}
	if set["duration"] {
		p.Duration, p.Transactions = traffic.Duration(o.duration), 0
	}
	if set["rate"] {
		p.Rate = o.rate
	}
	if set["seed"] {
		p.Seed = o.seed
	}
	if set["cardholders"] {
		p.Cardholders.Count = o.cardholders
	}
	if err := p.Validate(); err != nil {
		return p, &usageError{err.Error()}
	}
	return p, nil
}

// execute runs cfg, prints the report and writes the files asked for. A
// failed verdict is errFailed (exit 1).
func (o *trafficOptions) execute(ctx context.Context, cfg simrun.Config, stdout, stderr io.Writer) error {
	if o.transcript != "" {
		f, err := os.Create(o.transcript)
		if err != nil {
			return fmt.Errorf("transcript: %w", err)
		}
		defer f.Close()
		cfg.Transcript = f
	}
	cfg.Progress = terminal(stderr)
	cfg.Workers = o.workers
	rep, err := simrun.Run(ctx, cfg)
	if rep == nil {
		return err
	}
	if werr := rep.WriteText(stdout); werr != nil {
		return werr
	}
	if o.reportJSON != "" {
		f, ferr := os.Create(o.reportJSON)
		if ferr != nil {
			return fmt.Errorf("report: %w", ferr)
		}
		werr := rep.WriteJSON(f)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return fmt.Errorf("report: %w", werr)
		}
	}
	if errors.Is(err, simrun.ErrDrift) {
		return fmt.Errorf("%w: %s", errFailed, rep.Summary())
	}
	return err
}

// terminal returns w when it is a character device (a terminal), for the
// progress bar, and nil otherwise.
func terminal(w io.Writer) io.Writer {
	f, ok := w.(*os.File)
	if !ok {
		return nil
	}
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return w
}

type runOptions struct {
	trafficOptions
	gatewayURL, webhookURL, adapterURL, auth, accounts string
}

func runFlags(w io.Writer, o *runOptions) *flag.FlagSet {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(w)
	fs.StringVar(&o.gatewayURL, "gateway-url", "", "the gateway's JIT endpoint, e.g. http://127.0.0.1:8080/jit (required)")
	fs.StringVar(&o.webhookURL, "webhook-url", "", "the gateway's webhook endpoint (default: gateway URL's /webhooks)")
	fs.StringVar(&o.adapterURL, "adapter-url", "", "the gateway's GraphQL adapter (default: gateway URL's /graphql)")
	fs.StringVar(&o.accounts, "accounts", "", "black-box mode: JSON file of accounts the gateway already holds, [{\"token\": \"user_1\", \"balance\": \"500.00\"}]; balances are read back by balance inquiry, not the adapter")
	fs.StringVar(&o.auth, "auth", "", "HTTP Basic credentials USER:PASS for all three (Marqeta wants a 20–100 character password)")
	o.register(fs)
	fs.Usage = func() {
		fmt.Fprint(w, `Usage: jitsim run --gateway-url URL --auth USER:PASS [--transactions N | --duration D] [flags]

Plays seeded card traffic (a scenario mix with faults, see docs/profile.md)
through a fake Marqeta against a gateway: JIT requests to --gateway-url,
transaction webhooks to --webhook-url. It funds one account per cardholder
through the adapter first, and at the end reads every account back through
the adapter and compares it with the ledger a correct gateway must hold.
Prints a report; exit status 1 when an account drifts or an invariant
breaks, 2 for bad usage or a gateway that cannot be set up.

Flags:
`)
		fs.PrintDefaults()
	}
	return fs
}

func runRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o runOptions
	fs := runFlags(stderr, &o)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	if o.gatewayURL == "" {
		return &usageError{"--gateway-url is required"}
	}
	user, pass, ok := strings.Cut(o.auth, ":")
	if !ok || user == "" {
		return &usageError{"--auth wants USER:PASS"}
	}
	base := strings.TrimSuffix(strings.TrimSuffix(o.gatewayURL, "/"), "/jit")
	if o.webhookURL == "" {
		o.webhookURL = base + "/webhooks"
	}
	if o.adapterURL == "" {
		o.adapterURL = base + "/graphql"
	}
	p, err := o.load(fs)
	if err != nil {
		return err
	}
	cfg := simrun.Config{Profile: p, GatewayURL: o.gatewayURL, WebhookURL: o.webhookURL,
		AdapterURL: o.adapterURL, Username: user, Password: pass}
	if o.accounts != "" {
		f, err := os.Open(o.accounts)
		if err != nil {
			return &usageError{fmt.Sprintf("--accounts: %v", err)}
		}
		cfg.Accounts, err = simrun.ReadAccounts(f, p.Currency)
		f.Close()
		if err != nil {
			return &usageError{fmt.Sprintf("--accounts %s: %v", o.accounts, err)}
		}
	}
	return o.execute(ctx, cfg, stdout, stderr)
}
