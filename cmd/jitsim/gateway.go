package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/jitsim/jitsim/reference-gateway/server"
)

func gatewayCommand() command {
	return command{
		name:    "gateway",
		summary: "run the reference JIT funding gateway",
		run:     runGateway,
		help: func(w io.Writer) {
			gatewayFlags(w, &server.Config{}, new(string), new(string), new(string), new(string)).Usage()
		},
	}
}

func gatewayFlags(w io.Writer, cfg *server.Config, addr, auth, configFile, logLevel *string) *flag.FlagSet {
	fs := flag.NewFlagSet("gateway", flag.ContinueOnError)
	fs.SetOutput(w)
	fs.StringVar(addr, "addr", "127.0.0.1:8080", "listen address HOST:PORT (port 0 picks a free one)")
	fs.StringVar(&cfg.JournalDir, "journal", "jitsim-journal", "journal directory (created if missing)")
	fs.StringVar(auth, "auth", "", "HTTP Basic credentials USER:PASS required on /jit, /webhooks and /graphql")
	fs.StringVar(&cfg.WebhookSecret, "webhook-secret", "", "require X-Marqeta-Signature (HMAC-SHA256 or SHA-1) with this secret")
	fs.StringVar(configFile, "config", "", "JSON file of spend controls (see README)")
	fs.BoolVar(&cfg.PartialApprovals, "partial-approvals", false, "approve the available balance for partial-approval capable points of sale")
	fs.DurationVar(&cfg.HoldExpiry, "hold-expiry", 35*24*time.Hour, "expire holds no webhook closed after this long (negative: never)")
	fs.Int64Var(&cfg.MaxBodyBytes, "max-body", 1<<20, "largest request body in bytes")
	fs.BoolVar(&cfg.HoldProcessor, "hold-processor", true, "the journal's flusher keeps its Go processor through each fdatasync, and GOMAXPROCS is one above the cores (four on two cores) unless set (see reference-gateway/README.md)")
	fs.BoolVar(&cfg.RealtimeFlusher, "realtime-flusher", true, "run the journal's flusher at real-time priority where permitted (root or CAP_SYS_NICE), else at nice -10 where allowed; the start-up log says which")
	fs.StringVar(logLevel, "log-level", "info", "debug, info, warn or error")
	fs.Usage = func() {
		fmt.Fprint(w, `Usage: jitsim gateway [flags]

Runs the reference gateway: POST /jit, POST /webhooks, POST /graphql,
GET /healthz, GET /readyz, GET /metrics. Every approval, credit and webhook
is fsynced to the journal before it is acknowledged; on start the journal is
replayed. SIGINT or SIGTERM drains requests and syncs before exit.
The garbage collector runs at GOGC=400 unless GOGC is set, and, with
--hold-processor (the default), GOMAXPROCS is one above the cores (four on
two cores, so that the collector gets a dedicated worker) unless set.
With --realtime-flusher (the default) the journal's flusher runs on a thread
of its own at SCHED_FIFO priority 1 when the process may (root or
CAP_SYS_NICE), else at nice -10 when RLIMIT_NICE allows, else as is; the
"journal loaded" log line says which.

Flags:
`)
		fs.PrintDefaults()
	}
	return fs
}

func runGateway(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg server.Config
	var addr, auth, configFile, logLevel string
	fs := gatewayFlags(stderr, &cfg, &addr, &auth, &configFile, &logLevel)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	if auth != "" {
		u, p, ok := strings.Cut(auth, ":")
		if !ok || u == "" {
			return &usageError{"--auth wants USER:PASS"}
		}
		cfg.Username, cfg.Password = u, p
	}
	if configFile != "" {
		if err := server.LoadFileConfig(configFile, &cfg); err != nil {
			return &usageError{err.Error()}
		}
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(logLevel)); err != nil {
		return &usageError{"--log-level: " + err.Error()}
	}
	cfg.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	if tuned := server.TuneRuntime(cfg.HoldProcessor); tuned != "" {
		cfg.Logger.Info("go runtime tuned", "set", tuned)
	}
	s, err := server.Open(cfg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		s.Close()
		return fmt.Errorf("listen: %w", err)
	}
	fmt.Fprintf(stdout, "jitsim gateway listening on http://%s (journal %s)\n", ln.Addr(), cfg.JournalDir)
	return s.Serve(ctx, ln)
}
