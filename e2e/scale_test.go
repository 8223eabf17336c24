package e2e

import (
	"bytes"
	"runtime"
	"testing"
	"time"

	"github.com/jitsim/jitsim/simulator/run"
	"github.com/jitsim/jitsim/simulator/traffic"
)

// everyFault turns every fault up, so each fires many times.
func everyFault(p *traffic.Profile) {
	p.Faults.Timeout, p.Faults.ConnectionError, p.Faults.ServerError, p.Faults.JITResend = 0.05, 0.03, 0.03, 0.05
	p.Faults.WebhookDown, p.Faults.WebhookDuplicate, p.Faults.WebhookReorder, p.Faults.Commando = 0.02, 0.1, 0.5, 0.03
}

func runConfig(base string, p traffic.Profile) run.Config {
	return run.Config{Profile: p, GatewayURL: base + "/jit", WebhookURL: base + "/webhooks", AdapterURL: base + "/graphql",
		Username: runUser, Password: runPass}
}

// TestRunWorkersZeroDrift plays every scenario with every fault on in four
// concurrent lanes against one reference gateway and expects zero drift
// over every lane's accounts, with the count exact.
func TestRunWorkersZeroDrift(t *testing.T) {
	for _, workers := range []int{2, 4} {
		p := runProfile(11, 1200)
		everyFault(&p)
		cfg := runConfig(runGateway(t, nil), p)
		cfg.Workers = workers
		rep, err := run.Run(t.Context(), cfg)
		if err != nil {
			if rep != nil {
				var b bytes.Buffer
				rep.WriteText(&b)
				t.Logf("report:\n%s", b.String())
			}
			t.Fatalf("workers %d: %v", workers, err)
		}
		if !rep.Pass || rep.Workers != workers || rep.AccountsChecked != p.Cardholders.Count || rep.Transactions != p.Transactions {
			t.Fatalf("workers %d: %s; %d lanes, %d accounts, %d transactions", workers, rep.Summary(), rep.Workers, rep.AccountsChecked, rep.Transactions)
		}
		for _, f := range rep.Faults {
			if f.Injected == 0 {
				t.Errorf("workers %d: fault %s never fired (%d opportunities)", workers, f.Name, f.Opportunities)
			}
		}
		if rep.Approved == 0 || rep.Declined == 0 || rep.Webhooks.Undelivered != 0 || rep.Latency.Calls == 0 {
			t.Fatalf("workers %d: approved %d declined %d undelivered %d calls %d", workers, rep.Approved, rep.Declined, rep.Webhooks.Undelivered, rep.Latency.Calls)
		}
	}
}

// TestRunWorkersRefusals: lanes cannot share a transcript or black-box
// accounts, and each needs a cardholder.
func TestRunWorkersRefusals(t *testing.T) {
	tests := []struct {
		name string
		edit func(c *run.Config)
	}{
		{"transcript", func(c *run.Config) { c.Transcript = &bytes.Buffer{} }},
		{"accounts", func(c *run.Config) { c.Accounts = []run.Account{{Token: "u1"}} }},
		{"more lanes than cardholders", func(c *run.Config) { c.Profile.Cardholders.Count = 3 }},
		{"too many", func(c *run.Config) { c.Workers = run.MaxWorkers + 1 }},
	}
	for _, tt := range tests {
		cfg := runConfig("http://127.0.0.1:1", runProfile(1, 100))
		cfg.Workers = 4
		tt.edit(&cfg)
		if rep, err := run.Run(t.Context(), cfg); err == nil || rep != nil {
			t.Errorf("%s: report %v, err %v; want a configuration error", tt.name, rep != nil, err)
		}
	}
}

// heapAt runs p with retain against a fresh reference gateway and returns
// the live heap (after a GC) once n and once 4n messages were sent.
func heapAt(t *testing.T, p traffic.Profile, retain time.Duration, n int64) (first, last uint64) {
	t.Helper()
	cfg := runConfig(runGateway(t, nil), p)
	cfg.Retain = retain
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	cfg.Tick = func(sent int64) {
		switch sent {
		case n:
			first = heap()
		case 4 * n:
			last = heap()
		}
	}
	if _, err := run.Run(t.Context(), cfg); err != nil {
		t.Fatal(err)
	}
	if first == 0 || last == 0 {
		t.Fatalf("heap not sampled at %d and %d messages", n, 4*n)
	}
	return first, last
}

// TestRunMemoryIsFlat: with the engine's retention on, the live heap
// (after a GC) grows by little between N and 4N messages — no more than
// the in-process reference gateway's own per-decision state, which it keeps
// until its 45-day retention of wall time, and under a third of what the
// same run grows without retention. Flows start an hour apart on the
// virtual clock so that N is past the longest flow and a retention of
// refund_delay + a day (what a large run chooses), and ten cardholders
// fill the oracle's bounded per-account histories early.
func TestRunMemoryIsFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("about 15 s")
	}
	const n = 1000
	p := runProfile(21, 4*n)
	p.Cardholders.Count = 10
	p.Interval = traffic.Duration(time.Hour)
	retain := time.Duration(p.RefundDelay.Max) + 24*time.Hour
	first, last := heapAt(t, p, retain, n)
	grew := float64(int64(last)-int64(first)) / (3 * n)
	t.Logf("retain %s: live heap %.1f MiB after %d messages, %.1f MiB after %d: %.0f B a message", retain, mib(first), n, mib(last), 4*n, grew)
	keepFirst, keepLast := heapAt(t, p, -1, n)
	grewKeep := float64(int64(keepLast)-int64(keepFirst)) / (3 * n)
	t.Logf("retain off: live heap %.1f MiB after %d messages, %.1f MiB after %d: %.0f B a message", mib(keepFirst), n, mib(keepLast), 4*n, grewKeep)
	if grew > 1536 {
		t.Errorf("with retention the live heap grew %.0f B a message between %d and %d messages, want at most 1.5 KiB (the gateway's own state)", grew, n, 4*n)
	}
	if grew*3 > grewKeep {
		t.Errorf("with retention the heap grew %.0f B a message, without %.0f B: want under a third", grew, grewKeep)
	}
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }
