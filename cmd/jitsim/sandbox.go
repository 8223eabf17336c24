package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/jitsim/jitsim/simulator"
	"github.com/jitsim/jitsim/simulator/api"
	"github.com/jitsim/jitsim/simulator/clock"
)

func sandboxCommand() command {
	return command{
		name:    "sandbox",
		summary: "run the fake Marqeta REST API (/v3) for a gateway to develop against",
		run:     runSandbox,
		help: func(w io.Writer) {
			var o sandboxOptions
			sandboxFlags(w, &o).Usage()
		},
	}
}

type sandboxOptions struct {
	addr, appToken, accessToken string
	seed                        uint64
	maxBody                     int64
}

func sandboxFlags(w io.Writer, o *sandboxOptions) *flag.FlagSet {
	fs := flag.NewFlagSet("sandbox", flag.ContinueOnError)
	fs.SetOutput(w)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:5050", "listen address HOST:PORT (port 0 picks a free one)")
	fs.StringVar(&o.appToken, "app-token", "", "application token: the HTTP Basic user (generated when empty)")
	fs.StringVar(&o.accessToken, "access-token", "", "admin access token: the HTTP Basic password (generated when empty)")
	fs.Uint64Var(&o.seed, "seed", 0, "seed of generated tokens and values (0: the fixed default)")
	fs.Int64Var(&o.maxBody, "max-body", api.DefaultMaxBodyBytes, "largest request body in bytes")
	fs.Usage = func() {
		fmt.Fprint(w, `Usage: jitsim sandbox [flags]

Serves a fake Marqeta Core API under /v3 on the wall clock: card products,
users, cards, program gateway funding sources, webhooks, Commando Mode,
transactions, and the simulation endpoints (/simulations/cardtransactions/*,
/simulate/*) that call your gateway's JIT endpoint and send webhooks as
Marqeta does. Requests use HTTP Basic auth: application token as user,
access token as password. The base URL and credentials are printed at
start. SIGINT or SIGTERM drains requests before exit.

Flags:
`)
		fs.PrintDefaults()
	}
	return fs
}

func runSandbox(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o sandboxOptions
	fs := sandboxFlags(stderr, &o)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	if o.appToken == "" {
		o.appToken = "app-" + rand.Text()
	}
	if o.accessToken == "" {
		o.accessToken = "access-" + rand.Text()
	}
	e := simulator.New(simulator.Config{Clock: clock.Real(), Seed: o.seed})
	defer e.Close()
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{
		Handler:           api.NewHandler(e, api.Options{AppToken: o.appToken, AccessToken: o.accessToken, MaxBodyBytes: o.maxBody}),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	base := "http://" + ln.Addr().String() + "/v3"
	fmt.Fprintf(stdout, "jitsim sandbox: Marqeta API at %s\n", base)
	fmt.Fprintf(stdout, "  application token (user):      %s\n", o.appToken)
	fmt.Fprintf(stdout, "  access token (password):       %s\n", o.accessToken)
	fmt.Fprintf(stdout, "  try: curl -u %s:%s %s/users\n", o.appToken, o.accessToken, base)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	// Drain: finish the requests under way (a simulation waits at most its
	// funding source's timeout_millis for the gateway, then its webhooks).
	shutdown, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = srv.Shutdown(shutdown)
	if serr := <-served; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
