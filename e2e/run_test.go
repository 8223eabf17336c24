package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/jitsim/jitsim/adapter"
	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/reference-gateway/server"
	"github.com/jitsim/jitsim/reference-gateway/servertest"
	"github.com/jitsim/jitsim/simulator/run"
	"github.com/jitsim/jitsim/simulator/traffic"
)

const (
	runUser = "jitsim-run"
	runPass = "run-test-password-0123456789"
)

// runGateway serves a fresh reference gateway on 127.0.0.1:0, its handler
// wrapped by wrap when set (a deliberately broken gateway), and returns its
// base URL.
func runGateway(t *testing.T, wrap func(http.Handler) http.Handler) string {
	t.Helper()
	base, _ := servertest.Start(t, server.Config{Username: runUser, Password: runPass}, wrap)
	return base
}

// runProfile is the built-in profile, smaller: every scenario and fault on.
func runProfile(seed uint64, transactions int64) traffic.Profile {
	p := traffic.Default()
	p.Seed = seed
	p.Transactions = transactions
	p.Cardholders.Count = 40
	return p
}

func runAgainst(t *testing.T, base string, p traffic.Profile, transcript *bytes.Buffer) (*run.Report, error) {
	t.Helper()
	cfg := run.Config{Profile: p, GatewayURL: base + "/jit", WebhookURL: base + "/webhooks", AdapterURL: base + "/graphql",
		Username: runUser, Password: runPass}
	if transcript != nil {
		cfg.Transcript = transcript
	}
	return run.Run(context.Background(), cfg)
}

// TestRunZeroDriftAgainstReferenceGateway plays every scenario with every
// fault on, for several seeds, and expects the reference gateway to match
// the oracle to the cent.
func TestRunZeroDriftAgainstReferenceGateway(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		p := runProfile(seed, 1000)
		// More of every fault than the default, so each fires many times.
		p.Faults.Timeout, p.Faults.ConnectionError, p.Faults.ServerError, p.Faults.JITResend = 0.05, 0.03, 0.03, 0.05
		p.Faults.WebhookDown, p.Faults.WebhookDuplicate, p.Faults.WebhookReorder, p.Faults.Commando = 0.02, 0.1, 0.5, 0.03
		rep, err := runAgainst(t, runGateway(t, nil), p, nil)
		if err != nil {
			if rep != nil {
				var b bytes.Buffer
				rep.WriteText(&b)
				t.Logf("seed %d report:\n%s", seed, b.String())
			}
			t.Fatalf("seed %d: %v", seed, err)
		}
		if !rep.Pass || rep.DriftAccounts != 0 || rep.AccountsChecked != p.Cardholders.Count {
			t.Fatalf("seed %d: %s", seed, rep.Summary())
		}
		if rep.Transactions != p.Transactions {
			t.Fatalf("seed %d: %d transactions sent, want exactly %d", seed, rep.Transactions, p.Transactions)
		}
		if len(rep.Scenarios) != len(traffic.Scenarios()) {
			t.Fatalf("seed %d: %d scenarios ran, want all %d", seed, len(rep.Scenarios), len(traffic.Scenarios()))
		}
		for _, f := range rep.Faults {
			if f.Injected == 0 {
				t.Errorf("seed %d: fault %s never fired (%d opportunities)", seed, f.Name, f.Opportunities)
			}
		}
		if rep.Approved == 0 || rep.Declined == 0 || rep.Webhooks.Undelivered != 0 {
			t.Fatalf("seed %d: approved %d declined %d undelivered %d", seed, rep.Approved, rep.Declined, rep.Webhooks.Undelivered)
		}
	}
}

// TestRunTranscriptIsDeterministic runs the same seed twice against two
// fresh gateways and expects byte-identical transcripts; another seed
// differs.
func TestRunTranscriptIsDeterministic(t *testing.T) {
	transcript := func(seed uint64) []byte {
		var b bytes.Buffer
		if _, err := runAgainst(t, runGateway(t, nil), runProfile(seed, 400), &b); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if b.Len() == 0 {
			t.Fatal("empty transcript")
		}
		return b.Bytes()
	}
	a, b := transcript(5), transcript(5)
	if !bytes.Equal(a, b) {
		i := 0
		for i < min(len(a), len(b)) && a[i] == b[i] {
			i++
		}
		t.Fatalf("same seed, different transcripts (%d and %d bytes), first difference at byte %d:\n%s\n%s",
			len(a), len(b), i, excerpt(a, i), excerpt(b, i))
	}
	if c := transcript(6); bytes.Equal(a, c) {
		t.Fatal("seeds 5 and 6 gave the same transcript")
	}
}

func excerpt(b []byte, i int) string {
	lo, hi := max(i-120, 0), min(i+120, len(b))
	return string(b[lo:hi])
}

// TestRunRefusesAnAccountItDidNotFund runs the same seed twice against one
// gateway: the second run finds the accounts already there and stops
// instead of reporting false drift.
func TestRunRefusesAnAccountItDidNotFund(t *testing.T) {
	base := runGateway(t, nil)
	if _, err := runAgainst(t, base, runProfile(9, 50), nil); err != nil {
		t.Fatal(err)
	}
	rep, err := runAgainst(t, base, runProfile(9, 50), nil)
	if err == nil || errors.Is(err, run.ErrDrift) || rep != nil {
		t.Fatalf("second run on the same gateway and seed: report %v, err %v", rep != nil, err)
	}
}

// TestRunBlackBoxMode funds accounts outside jitsim, gives the run only
// their tokens and balances, and reconciles by balance inquiry: no adapter
// URL at all.
func TestRunBlackBoxMode(t *testing.T) {
	// prefund credits accounts outside jitsim and returns what a black-box
	// accounts file would say; stray is credited one cent more than that.
	prefund := func(base, stray string) []run.Account {
		a := &adapter.Client{URL: base + "/graphql", Username: runUser, Password: runPass}
		var accounts []run.Account
		for i := range 12 {
			tok := fmt.Sprintf("blackbox-user-%02d", i)
			minor := int64(20000 + 5000*i)
			extra := int64(0)
			if tok == stray {
				extra = 1
			}
			if _, err := a.Credit(context.Background(), tok, "USD", minor+extra, "prefund-"+tok); err != nil {
				t.Fatal(err)
			}
			accounts = append(accounts, run.Account{Token: tok, Balance: jit.MustMinor(minor, "USD")})
		}
		return accounts
	}
	blackBox := func(base string, accounts []run.Account) (*run.Report, error) {
		return run.Run(context.Background(), run.Config{Profile: runProfile(13, 400), GatewayURL: base + "/jit",
			WebhookURL: base + "/webhooks", Username: runUser, Password: runPass, Accounts: accounts})
	}
	base := runGateway(t, nil)
	rep, err := blackBox(base, prefund(base, ""))
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Pass || rep.AccountsChecked != 12 || rep.Transactions != 400 {
		t.Fatalf("%s (%d transactions)", rep.Summary(), rep.Transactions)
	}
	// A gateway holding a cent the accounts file does not know of is caught
	// by inquiry too, on that account only.
	base = runGateway(t, nil)
	rep, err = blackBox(base, prefund(base, "blackbox-user-03"))
	if !errors.Is(err, run.ErrDrift) || rep.DriftAccounts != 1 || rep.Drift[0].Account != "blackbox-user-03" {
		t.Fatalf("a stray cent in black-box mode: %v", err)
	}
}

// TestRunGatewayOnVirtualTime runs the reference gateway on the run's
// virtual clock, as jitsim demo does, with a retention of two simulated
// days and a sweep every few milliseconds: closed holds and seen tokens are
// pruned while traffic flows, and every account still matches the oracle.
// (The sweep does run on virtual time: with a retention of one second
// instead, duplicated and late webhooks of pruned holds book again and most
// accounts drift.)
func TestRunGatewayOnVirtualTime(t *testing.T) {
	var latest run.Latest
	base, _ := servertest.Start(t, server.Config{Username: runUser, Password: runPass, Now: latest.Now,
		Retention: 48 * time.Hour, SweepEvery: 5 * time.Millisecond}, nil)
	p := runProfile(21, 1500)
	rep, err := run.Run(context.Background(), run.Config{Profile: p, GatewayURL: base + "/jit", WebhookURL: base + "/webhooks",
		AdapterURL: base + "/graphql", Username: runUser, Password: runPass, OnTime: latest.Observe})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Pass || rep.DriftAccounts != 0 || rep.AccountsChecked != p.Cardholders.Count {
		t.Fatalf("%s", rep.Summary())
	}
	// The gateway's clock is the simulated one, days past the start.
	if now := latest.Now(); now.Before(p.Start.Add(24*time.Hour)) || now.After(p.Start.Add(60*24*time.Hour)) {
		t.Fatalf("gateway clock %v is not the run's virtual time (start %v)", now, p.Start)
	}
}
