package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jitsim/jitsim/reference-gateway/server"
	"github.com/jitsim/jitsim/reference-gateway/servertest"
)

const loadUser, loadPass = "marqeta", "gateway-password-0123456789"

// loadGateway serves the reference gateway on 127.0.0.1:0, each JIT answer
// delayed by delay.
func loadGateway(t *testing.T, delay time.Duration) string {
	t.Helper()
	base, _ := servertest.Start(t, server.Config{Username: loadUser, Password: loadPass}, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/jit" {
				time.Sleep(delay)
			}
			h.ServeHTTP(w, r)
		})
	})
	return base
}

func TestLoadUsage(t *testing.T) {
	dir := t.TempDir()
	badAccounts := filepath.Join(dir, "accounts.json")
	os.WriteFile(badAccounts, []byte(`{"accounts": []}`), 0o644)
	tests := []struct {
		args    []string
		wantErr string
	}{
		{[]string{"load"}, "--gateway-url is required"},
		{[]string{"load", "--gateway-url", "http://x/jit", "--sla", "p99<=fast"}, `sla clause 1 "p99<=fast"`},
		{[]string{"load", "--gateway-url", "http://x/jit", "--pacer", "sine"}, "--pacer"},
		{[]string{"load", "--gateway-url", "http://x/jit", "--pacer", "linear:1-2", "--find-max"}, "drop --pacer"},
		{[]string{"load", "--gateway-url", "http://x/jit", "--auth", "nocolon"}, "USER:PASS"},
		{[]string{"load", "--gateway-url", "http://x/jit", "--reconcile"}, "--reconcile needs --adapter-url"},
		{[]string{"load", "--gateway-url", "http://x/jit", "--mix", "auth=x"}, "--mix"},
		{[]string{"load", "--gateway-url", "http://x/jit", "--accounts", badAccounts}, "no accounts"},
		{[]string{"load", "--gateway-url", "http://x/jit", "--timeout", "0s"}, "--timeout must be positive"},
		{[]string{"load", "--gateway-url", "http://x/jit", "extra"}, "takes no arguments"},
		{[]string{"load", "merge"}, "one or more results files"},
		{[]string{"load", "merge", filepath.Join(dir, "missing.bin")}, "no such file"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tt.args, &stdout, &stderr)
			if code := exitCode(err, &stderr); code != exitUsage {
				t.Fatalf("exit %d, want %d (%v)", code, exitUsage, err)
			}
			if !strings.Contains(stderr.String(), tt.wantErr) {
				t.Fatalf("stderr %q, want %q", stderr.String(), tt.wantErr)
			}
		})
	}
}

func TestLoadHelp(t *testing.T) {
	var stdout bytes.Buffer
	if err := run(context.Background(), []string{"help", "load"}, &stdout, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"SLA grammar", "p999", "errors", "coordinated omission", "-find-max", "-report-json", "load merge"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("help lacks %q", want)
		}
	}
}

// TestLoadPassAndMerge: a short run against the reference gateway passes
// (exit 0) with zero drift and writes the report and results; two such
// files merge into one report whose requests add up.
func TestLoadPassAndMerge(t *testing.T) {
	base := loadGateway(t, 0)
	dir := t.TempDir()
	var files []string
	for i, node := range []string{"node-1", "node-2"} {
		out := filepath.Join(dir, node+".bin")
		rj := filepath.Join(dir, node+".json")
		var stdout, stderr bytes.Buffer
		// The flags every gateway command shares, --webhook-url included.
		err := run(context.Background(), []string{"load", "--gateway-url", base + "/jit", "--adapter-url", base + "/graphql",
			"--webhook-url", base + "/webhooks", "--auth", loadUser + ":" + loadPass, "--rate", "200", "--duration", "1s", "--cardholders", "5", "--seed", []string{"101", "202"}[i],
			"--reconcile", "--sla", "max<3s,errors<=0%", "--output", out, "--report-json", rj, "--plot", filepath.Join(dir, node+".html"), "--name", node}, &stdout, &stderr)
		if code := exitCode(err, &stderr); code != exitOK {
			t.Fatalf("exit %d: %v\n%s%s", code, err, stdout.String(), stderr.String())
		}
		var rep struct {
			Requests  int     `json:"requests"`
			Rate      float64 `json:"rate"`
			Success   float64 `json:"success"`
			Latency   map[string]float64
			Approved  int `json:"approved"`
			Reconcile struct {
				OK            bool `json:"ok"`
				DriftAccounts int  `json:"drift_accounts"`
			} `json:"reconcile"`
			SLA struct {
				Pass bool `json:"pass"`
			} `json:"sla"`
		}
		data, err := os.ReadFile(rj)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &rep); err != nil {
			t.Fatal(err)
		}
		if rep.Requests != 200 || rep.Approved != 200 || rep.Success != 1 || !rep.Reconcile.OK || !rep.SLA.Pass || rep.Rate <= 0 {
			t.Fatalf("report %+v", rep)
		}
		for _, k := range []string{"p50", "p90", "p95", "p99", "p999", "max"} {
			if _, ok := rep.Latency[k]; !ok {
				t.Fatalf("latency lacks %s: %v", k, rep.Latency)
			}
		}
		files = append(files, out)
	}
	merged := filepath.Join(dir, "merged.json")
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), append(append([]string{"load", "merge"}, files...), "--report-json", merged), &stdout, &stderr)
	if code := exitCode(err, &stderr); code != exitOK {
		t.Fatalf("merge exit %d: %v %s", code, err, stderr.String())
	}
	var rep struct{ Requests int }
	data, _ := os.ReadFile(merged)
	if err := json.Unmarshal(data, &rep); err != nil || rep.Requests != 400 {
		t.Fatalf("merged requests %d (%v), want 400", rep.Requests, err)
	}
}

// TestLoadSlowGatewayExits1: answers slower than the SLA make exit 1.
func TestLoadSlowGatewayExits1(t *testing.T) {
	base := loadGateway(t, 150*time.Millisecond)
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"load", "--gateway-url", base + "/jit", "--adapter-url", base + "/graphql",
		"--auth", loadUser + ":" + loadPass, "--rate", "50", "--duration", "1s", "--cardholders", "3", "--seed", "5",
		"--sla", "p99<=50ms"}, &stdout, &stderr)
	if code := exitCode(err, &stderr); code != exitFailed {
		t.Fatalf("exit %d, want 1: %v\n%s", code, err, stdout.String())
	}
	if !strings.Contains(stdout.String(), "FAIL p99<=50ms") || !strings.Contains(stderr.String(), "breached") {
		t.Fatalf("stdout %s\nstderr %s", stdout.String(), stderr.String())
	}
}
