package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestDemo runs `jitsim demo` exactly as the README's first command does and
// checks it passes and prints the report a new user sees.
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("the full demo takes a few seconds")
	}
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"demo"}, &stdout, &stderr)
	if code := exitCode(err, &stderr); code != exitOK {
		t.Fatalf("exit %d: %v\n%s\n%s", code, err, stdout.String(), stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"jitsim demo: reference gateway on http://127.0.0.1:", "3000 transactions", "scenario",
		"insufficient_funds", "approval", "latency", "gateway_timeout", "commando_standin", "ledger     200 accounts checked, 0 drifting",
		"verdict    PASS"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	if lines := strings.Count(out, "\n"); lines > 50 {
		t.Errorf("demo report is %d lines, more than a screen", lines)
	}
	if t.Failed() {
		t.Logf("output:\n%s", out)
	}
}
