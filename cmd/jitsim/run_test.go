package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jitsim/jitsim/reference-gateway/server"
	"github.com/jitsim/jitsim/reference-gateway/servertest"
)

const (
	runTestUser = "marqeta"
	runTestPass = "gateway-password-0123456789"
)

// startRunGateway serves a reference gateway on 127.0.0.1:0, its handler
// wrapped by wrap when set, and returns its base URL.
func startRunGateway(t *testing.T, wrap func(http.Handler) http.Handler) string {
	t.Helper()
	base, _ := servertest.Start(t, server.Config{Username: runTestUser, Password: runTestPass}, wrap)
	return base
}

func TestRunCommandAgainstGateway(t *testing.T) {
	base := startRunGateway(t, nil)
	dir := t.TempDir()
	reportFile, transcriptFile := filepath.Join(dir, "report.json"), filepath.Join(dir, "run.jsonl")
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"run", "--gateway-url", base + "/jit", "--auth", runTestUser + ":" + runTestPass,
		"--transactions", "300", "--seed", "3", "--report-json", reportFile, "--transcript", transcriptFile}, &stdout, &stderr)
	if code := exitCode(err, &stderr); code != exitOK {
		t.Fatalf("exit %d: %v\n%s\n%s", code, err, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "verdict    PASS") || !strings.Contains(stdout.String(), "grocery") {
		t.Fatalf("report:\n%s", stdout.String())
	}
	if stderr.Len() != 0 {
		t.Fatalf("stderr is not a terminal, yet: %q", stderr.String())
	}
	raw, err := os.ReadFile(reportFile)
	if err != nil {
		t.Fatal(err)
	}
	var rep map[string]any
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"transactions", "approved", "declined", "accounts_checked", "drift_accounts", "faults", "verdict"} {
		if _, ok := rep[key]; !ok {
			t.Errorf("report JSON lacks %q", key)
		}
	}
	if rep["transactions"] != 300.0 || rep["drift_accounts"] != 0.0 || rep["accounts_checked"] != 200.0 || rep["pass"] != true {
		t.Fatalf("report: transactions %v drift %v checked %v pass %v", rep["transactions"], rep["drift_accounts"], rep["accounts_checked"], rep["pass"])
	}
	if faults, _ := rep["faults"].([]any); len(faults) != 8 {
		t.Fatalf("faults: %v", rep["faults"])
	}
	f, err := os.Open(transcriptFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lines := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		if !json.Valid(sc.Bytes()) {
			t.Fatalf("transcript line %d is not JSON", lines+1)
		}
		lines++
	}
	if lines < 300 {
		t.Fatalf("transcript has %d lines for 300 transactions", lines)
	}
}

// TestRunCommandExitsOneOnDrift runs against a gateway that ignores the
// webhooks telling it a JIT answer came too late.
func TestRunCommandExitsOneOnDrift(t *testing.T) {
	base := startRunGateway(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/webhooks" {
				body, _ := io.ReadAll(r.Body)
				if bytes.Contains(body, []byte(`"timed_out":true`)) {
					w.WriteHeader(http.StatusOK) // "received", never booked
					return
				}
				r.Body = io.NopCloser(bytes.NewReader(body))
			}
			next.ServeHTTP(w, r)
		})
	})
	profile := filepath.Join(t.TempDir(), "profile.json")
	if err := os.WriteFile(profile, []byte(`{"faults": {"gateway_timeout": 0.3}, "cardholders": {"count": 20}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"run", "--gateway-url", base + "/jit", "--auth", runTestUser + ":" + runTestPass,
		"--transactions", "300", "--profile", profile}, &stdout, &stderr)
	if code := exitCode(err, &stderr); code != exitFailed {
		t.Fatalf("exit %d, want %d: %v\n%s", code, exitFailed, err, stdout.String())
	}
	if !strings.Contains(stdout.String(), "verdict    FAIL") || !strings.Contains(stderr.String(), "drift") {
		t.Fatalf("stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	}
}

func TestRunCommandUsage(t *testing.T) {
	dir := t.TempDir()
	badProfile := filepath.Join(dir, "bad.json")
	os.WriteFile(badProfile, []byte(`{"rat": 5}`), 0o644)
	auth := runTestUser + ":" + runTestPass
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"no gateway", []string{"run", "--auth", auth}, "--gateway-url is required"},
		{"no auth", []string{"run", "--gateway-url", "http://127.0.0.1:1/jit"}, "USER:PASS"},
		{"auth without colon", []string{"run", "--gateway-url", "http://127.0.0.1:1/jit", "--auth", "nocolon"}, "USER:PASS"},
		{"count and duration", []string{"run", "--gateway-url", "http://127.0.0.1:1/jit", "--auth", auth, "--transactions", "5", "--duration", "1s"}, "not both"},
		{"negative rate", []string{"run", "--gateway-url", "http://127.0.0.1:1/jit", "--auth", auth, "--rate", "-5"}, "rate"},
		{"unknown profile field", []string{"run", "--gateway-url", "http://127.0.0.1:1/jit", "--auth", auth, "--profile", badProfile}, `unknown field "rat"`},
		{"missing profile", []string{"run", "--gateway-url", "http://127.0.0.1:1/jit", "--auth", auth, "--profile", filepath.Join(dir, "nope.json")}, "--profile"},
		{"bad accounts file", []string{"run", "--gateway-url", "http://127.0.0.1:1/jit", "--auth", auth, "--accounts", badProfile}, "--accounts"},
		{"not a URL", []string{"run", "--gateway-url", "ftp://x/jit", "--auth", auth}, "http(s) URL"},
		{"short password", []string{"run", "--gateway-url", "http://127.0.0.1:1/jit", "--auth", "u:short"}, "password"},
		{"unreachable gateway", []string{"run", "--gateway-url", "http://127.0.0.1:1/jit", "--auth", auth, "--transactions", "5"}, "set up"},
		{"unknown flag", []string{"run", "--bogus"}, "flag provided but not defined"},
		{"extra argument", []string{"run", "--gateway-url", "http://127.0.0.1:1/jit", "--auth", auth, "extra"}, "takes no arguments"},
		{"demo extra argument", []string{"demo", "extra"}, "takes no arguments"},
		{"demo bad flag", []string{"demo", "--transactions", "many"}, "invalid value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tt.args, &stdout, &stderr)
			if code := exitCode(err, &stderr); code != exitUsage {
				t.Fatalf("exit %d, want %d: %v", code, exitUsage, err)
			}
			if !strings.Contains(stderr.String(), tt.wantErr) {
				t.Fatalf("stderr %q, want %q", stderr.String(), tt.wantErr)
			}
		})
	}
}

func TestRunAndDemoHelp(t *testing.T) {
	for _, name := range []string{"run", "demo"} {
		var stdout bytes.Buffer
		if err := run(context.Background(), []string{"help", name}, &stdout, io.Discard); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(stdout.String(), "Usage: jitsim "+name) || !strings.Contains(stdout.String(), "-report-json") {
			t.Fatalf("help %s:\n%s", name, stdout.String())
		}
	}
}
