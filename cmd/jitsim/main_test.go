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
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestHelpAndUsage(t *testing.T) {
	tests := []struct {
		args     []string
		wantCode int
		wantOut  string // in stdout
		wantErr  string // in stderr
	}{
		{[]string{"help"}, exitOK, "gateway", ""},
		{[]string{"help", "gateway"}, exitOK, "-journal string", ""},
		{[]string{}, exitUsage, "", "no command given"},
		{[]string{"bogus"}, exitUsage, "", `unknown command "bogus"`},
		{[]string{"help", "bogus"}, exitUsage, "", `unknown command "bogus"`},
		{[]string{"gateway", "--no-such-flag"}, exitUsage, "", "flag provided but not defined"},
		{[]string{"gateway", "--auth", "nocolon"}, exitUsage, "", "USER:PASS"},
		{[]string{"gateway", "extra"}, exitUsage, "", "takes no arguments"},
		{[]string{"gateway", "--log-level", "loud"}, exitUsage, "", "--log-level"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tt.args, &stdout, &stderr)
			code := exitCode(err, &stderr)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d (stderr %q)", code, tt.wantCode, stderr.String())
			}
			if !strings.Contains(stdout.String(), tt.wantOut) || !strings.Contains(stderr.String(), tt.wantErr) {
				t.Fatalf("stdout %q stderr %q, want %q / %q", stdout.String(), stderr.String(), tt.wantOut, tt.wantErr)
			}
		})
	}
}

func TestGatewayConfigFileErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"max_amount": {"USD": "1.005"}}`), 0o644)
	unknown := filepath.Join(dir, "unknown.json")
	os.WriteFile(unknown, []byte(`{"max_amout": {"USD": "10"}}`), 0o644)
	for _, f := range []string{bad, unknown, filepath.Join(dir, "missing.json")} {
		var stderr bytes.Buffer
		err := run(context.Background(), []string{"gateway", "--journal", dir, "--config", f, "--addr", "127.0.0.1:0"}, io.Discard, &stderr)
		if code := exitCode(err, &stderr); code != exitUsage {
			t.Fatalf("%s: exit %d (%v)", f, code, err)
		}
	}
}

// TestGatewayServesAndShutsDown runs `jitsim gateway` in-process on port 0,
// sends it a request, and cancels it: it must drain and exit cleanly.
func TestGatewayServesAndShutsDown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "controls.json")
	os.WriteFile(cfg, []byte(`{"blocked_mccs": ["7995"], "daily_count": 5}`), 0o644)
	var logs bytes.Buffer // written by run only, read once it has returned
	go func() {
		err := run(ctx, []string{"gateway", "--addr", "127.0.0.1:0", "--journal", filepath.Join(dir, "j"), "--auth", "u:p", "--config", cfg, "--log-level", "info"}, pw, &logs)
		pw.Close()
		done <- err
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, pr)
	url := strings.Fields(line)[4]
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("unexpected start line %q", line)
	}
	req, _ := http.NewRequest(http.MethodPost, url+"/graphql", strings.NewReader(`{"query":"mutation { credit(token: \"u1\", amount: \"5.00\", idempotencyKey: \"k\") { ledger } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth("u", "p")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Data struct{ Credit struct{ Ledger string } }
	}
	json.NewDecoder(resp.Body).Decode(&out)
	resp.Body.Close()
	if out.Data.Credit.Ledger != "5.00" {
		t.Fatalf("credit answered %+v", out)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("gateway exited with %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("gateway did not shut down")
	}
	// --realtime-flusher is on by default: the flusher tried to raise its
	// thread, and the log says what it got.
	if !regexp.MustCompile(`msg="journal loaded" .*flusher="?(SCHED_FIFO 1|nice -10|normal \(SCHED_FIFO: )`).MatchString(logs.String()) {
		t.Errorf("no journal loaded line with the flusher's priority in the log:\n%s", logs.String())
	}
}
