package run

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jitsim/jitsim/simulator/fault"
	"github.com/jitsim/jitsim/simulator/oracle"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func sampleReport(pass bool) *Report {
	t0 := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	r := &Report{
		Seed:         1,
		Counts:       Counts{Transactions: 3000, Approved: 1465, Declined: 248, StandIn: 31, Informative: 1287, Skipped: 210, Flows: 1665},
		DeclinedBy:   map[string]int64{"INSUFFICIENT_FUNDS": 196, "gateway timeout": 31, "connection error": 21},
		ApprovalRate: 1465.0 / 1713,
		Scenarios: []ScenarioCount{
			{Scenario: "grocery", Flows: 267, Transactions: 478, Approved: 242, Declined: 25, Informative: 211},
			{Scenario: "insufficient_funds", Flows: 73, Transactions: 75, Approved: 2, Declined: 71, Informative: 2},
		},
		Latency:      Latency{Calls: 1698, P50: 0.61, P99: 4.77, Max: 10.87},
		Rate:         Rate{Achieved: 773},
		Seconds:      Seconds{SetUp: 0.4, Traffic: 3.9, Total: 4.6},
		VirtualStart: t0,
		VirtualEnd:   t0.Add(12*24*time.Hour + 2*time.Hour + 6*time.Minute),
		Faults: []fault.Stat{
			{Name: "gateway_timeout", Configured: 0.02, Opportunities: 1677, Injected: 31, Observed: 31.0 / 1677},
			{Name: "webhook_reorder", Configured: 0.25, Opportunities: 283, Injected: 71, Observed: 71.0 / 283},
		},
		Webhooks:        Webhooks{Enqueued: 3000, Batches: 822, Attempts: 852, Delivered: 3000},
		AccountsChecked: 200,
		Pass:            pass,
	}
	if !pass {
		r.Drift = []oracle.Drift{{
			Key:      oracle.Key{Account: "user-1", Currency: "USD"},
			Expected: oracle.Balance{Available: 36703, Ledger: 46703, Pending: 10000},
			Actual:   oracle.Balance{Available: 23412, Ledger: 46703, Pending: 23291},
			History: []oracle.Entry{
				{At: t0, Kind: "fund", Token: "fund-1", Amount: 50000, Effect: "ledger +50000"},
				{At: t0.Add(time.Hour), Kind: "jit", Type: "authorization", State: "PENDING", Outcome: "approved", Amount: 13291, Effect: "none"},
				{At: t0.Add(time.Hour), Kind: "webhook", Type: "authorization", State: "PENDING", Amount: 13291, Effect: "hold +13291"},
			},
		}}
		r.DriftAccounts = 1
		r.Violations = []oracle.Violation{{Kind: oracle.ViolationFinalHold, Key: oracle.Key{Account: "user-1", Currency: "USD"}, Token: "auth-9", Detail: "gateway holds 13291 for an authorization the oracle has closed or never opened"}}
	}
	r.Verdict = r.Summary()
	return r
}

// TestWriteTextGolden compares the text report of a passing and a failing
// run with testdata (go test -update rewrites them).
func TestWriteTextGolden(t *testing.T) {
	for _, tt := range []struct {
		name string
		pass bool
	}{{"report-pass.txt", true}, {"report-fail.txt", false}} {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := sampleReport(tt.pass).WriteText(&b); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tt.name)
			if *update {
				if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(b.Bytes(), want) {
				t.Fatalf("text report differs from %s (go test -update rewrites it):\n%s", path, b.String())
			}
			if got := strings.Contains(b.String(), "verdict    PASS"); got != tt.pass {
				t.Fatalf("verdict line: PASS shown %v, want %v", got, tt.pass)
			}
		})
	}
}

// TestReportJSONKeys checks the keys tools and CI scripts rely on
// (design.md §5).
func TestReportJSONKeys(t *testing.T) {
	var b bytes.Buffer
	if err := sampleReport(false).WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"transactions", "approved", "declined", "accounts_checked", "drift_accounts", "faults", "drift", "violations", "pass", "verdict", "decision_latency"} {
		if _, ok := m[k]; !ok {
			t.Errorf("no %q in %s", k, b.String())
		}
	}
	if m["drift_accounts"] != 1.0 || m["pass"] != false {
		t.Fatalf("drift_accounts %v pass %v", m["drift_accounts"], m["pass"])
	}
	faults := m["faults"].([]any)
	if f := faults[0].(map[string]any); f["configured"] != 0.02 || f["name"] != "gateway_timeout" {
		t.Fatalf("fault %v", f)
	}
}

func TestConfigErrors(t *testing.T) {
	ok := Config{GatewayURL: "http://127.0.0.1:1/jit", WebhookURL: "http://127.0.0.1:1/webhooks", AdapterURL: "http://127.0.0.1:1/graphql"}
	tests := []struct {
		name string
		edit func(c *Config)
		want string
	}{
		{"gateway URL", func(c *Config) { c.GatewayURL = "127.0.0.1:1/jit" }, "gateway URL"},
		{"webhook URL", func(c *Config) { c.WebhookURL = "" }, "webhook URL"},
		{"adapter URL", func(c *Config) { c.AdapterURL = "ftp://x/graphql" }, "adapter URL"},
		{"flush", func(c *Config) { c.FlushEvery = -1 }, "flush"},
		{"profile", func(c *Config) {}, "profile"}, // the zero profile
	}
	for _, tt := range tests {
		c := ok
		tt.edit(&c)
		_, err := Run(t.Context(), c)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want an error naming %q", tt.name, err, tt.want)
		}
	}
}

// TestWriteTextLanesAndMemory: the lanes and the peak RSS show when known.
func TestWriteTextLanesAndMemory(t *testing.T) {
	tests := []struct {
		workers int
		rss     int64
		want    []string
		absent  []string
	}{
		{1, 0, nil, []string{"lanes", "peak RSS"}},
		{4, 300 << 20, []string{"seed 1 in 4 lanes\n", "memory     peak RSS 300 MiB (the whole process)\n\n"}, nil},
	}
	for _, tt := range tests {
		r := sampleReport(true)
		r.Workers, r.PeakRSSBytes = tt.workers, tt.rss
		var b bytes.Buffer
		if err := r.WriteText(&b); err != nil {
			t.Fatal(err)
		}
		for _, s := range tt.want {
			if !strings.Contains(b.String(), s) {
				t.Errorf("workers %d: no %q in\n%s", tt.workers, s, b.String())
			}
		}
		for _, s := range tt.absent {
			if strings.Contains(b.String(), s) {
				t.Errorf("workers %d: %q in\n%s", tt.workers, s, b.String())
			}
		}
	}
}
