package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/jitsim/jitsim/reference-gateway/server"
	simrun "github.com/jitsim/jitsim/simulator/run"
)

// The demo gateway's credentials (in-process, on 127.0.0.1 only).
const (
	demoUser = "jitsim-demo"
	demoPass = "demo-password-0123456789"
)

func demoCommand() command {
	return command{
		name:    "demo",
		summary: "run the reference gateway, the fake Marqeta and mixed traffic with faults in-process, then reconcile",
		run:     runDemo,
		help: func(w io.Writer) {
			var o trafficOptions
			demoFlags(w, &o).Usage()
		},
	}
}

func demoFlags(w io.Writer, o *trafficOptions) *flag.FlagSet {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(w)
	o.register(fs)
	fs.Usage = func() {
		fmt.Fprint(w, `Usage: jitsim demo [flags]

Everything in-process on the built-in defaults: starts the reference gateway
on 127.0.0.1 with a temporary journal, points a fake Marqeta at it, plays a
seeded burst of card traffic — every scenario, every fault — then reads every
account back through the gateway's adapter and compares it with the ledger a
correct gateway must hold. Prints a one-screen report; exit status 1 when an
account drifts.

Flags:
`)
		fs.PrintDefaults()
	}
	return fs
}

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o trafficOptions
	fs := demoFlags(stderr, &o)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	p, err := o.load(fs)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "jitsim-demo-*")
	if err != nil {
		return fmt.Errorf("journal directory: %w", err)
	}
	defer os.RemoveAll(dir)
	// The gateway lives in simulated time: its clock is the latest virtual
	// time any lane has reached, so its hold expiry and its retention of
	// closed holds and seen tokens follow the simulated days, and a long
	// run's memory levels off.
	var latest simrun.Latest
	gw, err := server.Open(server.Config{JournalDir: dir, Username: demoUser, Password: demoPass, Now: latest.Now})
	if err != nil {
		return fmt.Errorf("reference gateway: %w", err)
	}
	defer gw.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{Handler: gw.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "jitsim demo: reference gateway on %s, %d cardholders, every scenario and fault on\n\n", base, p.Cardholders.Count)
	return o.execute(ctx, simrun.Config{Profile: p, GatewayURL: base + "/jit", WebhookURL: base + "/webhooks",
		AdapterURL: base + "/graphql", Username: demoUser, Password: demoPass, OnTime: latest.Observe}, stdout, stderr)
}
