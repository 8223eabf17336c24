package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jitsim/jitsim/fixtures"
)

func TestFixturesCommand(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "fuel-pump-175.json")
	data := strings.Replace(mustShow(t, "fuel-pump-175"), `"amount": "48.25", "after"`, `"amount": "48.255", "after"`, 1)
	if !strings.Contains(data, "48.255") {
		t.Fatal("the edit did not apply")
	}
	if err := os.WriteFile(bad, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "auth-clear.json")
	if err := os.WriteFile(good, []byte(mustShow(t, "auth-clear")), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name           string
		args           []string
		code           int
		stdout, stderr string
	}{
		{"list", []string{"fixtures", "list"}, exitOK, "fuel-pump-175  ", ""},
		{"show", []string{"fixtures", "show", "restaurant-tip"}, exitOK, `"name": "restaurant-tip"`, ""},
		{"validate library", []string{"fixtures", "validate"}, exitOK, "embedded fixtures are valid", ""},
		{"validate good file", []string{"fixtures", "validate", good}, exitOK, "1 fixture file(s) valid", ""},
		{"validate bad file", []string{"fixtures", "validate", good, bad}, exitFailed, "", `fuel-pump-175.json: step 3 ("clear1"): amount: more decimals than USD allows`},
		{"validate missing file", []string{"fixtures", "validate", filepath.Join(dir, "nope.json")}, exitUsage, "", "nope.json"},
		{"show unknown", []string{"fixtures", "show", "nope"}, exitUsage, "", "no such fixture"},
		{"no subcommand", []string{"fixtures"}, exitUsage, "", "list, show NAME or validate"},
		{"unknown subcommand", []string{"fixtures", "play"}, exitUsage, "", `unknown fixtures subcommand "play"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), c.args, &stdout, &stderr)
			if code := exitCode(err, &stderr); code != c.code {
				t.Fatalf("exit %d, want %d: %v\n%s", code, c.code, err, stderr.String())
			}
			if !strings.Contains(stdout.String(), c.stdout) || !strings.Contains(stderr.String(), c.stderr) {
				t.Errorf("stdout %q\nstderr %q\nwant %q / %q", stdout.String(), stderr.String(), c.stdout, c.stderr)
			}
		})
	}
}

// TestFixturesListOneALine: one fixture a line, name first, every one.
func TestFixturesListOneALine(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"fixtures", "list"}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	names := fixtures.Names()
	if len(lines) != len(names) || len(lines) < 20 {
		t.Fatalf("%d lines for %d fixtures", len(lines), len(names))
	}
	for i, l := range lines {
		f := strings.Fields(l)
		if len(f) < 2 || f[0] != names[i] {
			t.Errorf("line %q: want %s first, then a description", l, names[i])
		}
	}
}

// TestRecordCommand runs jitsim run against an in-process gateway with a
// transcript, records the busiest account with jitsim record, and plays it
// with jitsim step: it passes.
func TestRecordCommand(t *testing.T) {
	base := startRunGateway(t, nil)
	dir := t.TempDir()
	script, out := filepath.Join(dir, "run.jsonl"), filepath.Join(dir, "rec.json")
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"run", "--gateway-url", base + "/jit", "--auth", runTestUser + ":" + runTestPass,
		"--transactions", "120", "--seed", "4", "--transcript", script}, &stdout, &stderr)
	if code := exitCode(err, &stderr); code != exitOK {
		t.Fatalf("run: exit %d: %v\n%s", code, err, stderr.String())
	}
	raw, err := os.ReadFile(script)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	acct := ""
	for _, l := range strings.Split(string(raw), "\n") {
		var rec struct {
			Kind        string `json:"kind"`
			Transaction struct {
				UserToken string `json:"user_token"`
			} `json:"transaction"`
		}
		if json.Unmarshal([]byte(l), &rec) == nil && rec.Kind == "webhook" {
			u := rec.Transaction.UserToken
			if count[u]++; count[u] > count[acct] {
				acct = u
			}
		}
	}
	stdout.Reset()
	stderr.Reset()
	err = run(context.Background(), []string{"record", "--transcript", script, "--account", acct, "--name", "busy", "--out", out}, &stdout, &stderr)
	if code := exitCode(err, &stderr); code != exitOK {
		t.Fatalf("record: exit %d: %v\n%s", code, err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "jitsim step "+out) {
		t.Errorf("record says %q", stderr.String())
	}
	stdout.Reset()
	stderr.Reset()
	err = run(context.Background(), []string{"step", out, "--no-pause"}, &stdout, &stderr)
	if code := exitCode(err, &stderr); code != exitOK {
		t.Fatalf("step: exit %d: %v\n%s", code, err, stdout.String())
	}
	if !strings.Contains(stdout.String(), "PASS busy") {
		t.Errorf("step output ends %q", stdout.String()[max(0, stdout.Len()-200):])
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"record"}, "give --transcript FILE or --report FILE"},
		{[]string{"record", "--transcript", script, "--report", script}, "give --transcript FILE or --report FILE"},
		{[]string{"record", "--report", script, "--from", "3"}, "--from and --to slice a transcript"},
		{[]string{"record", "--transcript", script, "--from", "9", "--to", "2"}, "bad slice"},
		{[]string{"record", "--transcript", script, "--account", "nobody"}, "nothing to record"},
	} {
		stderr.Reset()
		err := run(context.Background(), c.args, &stdout, &stderr)
		if code := exitCode(err, &stderr); code != exitUsage || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("%v: exit %d, stderr %q, want 2 and %q", c.args, code, stderr.String(), c.want)
		}
	}
}
