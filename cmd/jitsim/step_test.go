package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/jitsim/jitsim/adapter"
)

// updateStepGolden rewrites testdata/step-*.golden (go test -update); the
// flag is shared with any other golden test of the package.
var updateStepGolden = func() *bool {
	if f := flag.Lookup("update"); f != nil {
		v := f.Value.(flag.Getter).Get().(bool)
		return &v
	}
	return flag.Bool("update", false, "rewrite the golden files in testdata")
}()

func isUpdate() bool {
	if f := flag.Lookup("update"); f != nil {
		return f.Value.String() == "true"
	}
	return *updateStepGolden
}

var (
	hostPort = regexp.MustCompile(`127\.0\.0\.1:[0-9]+`)
	duration = regexp.MustCompile(`"duration": [0-9]+`)
)

// maskStep hides what changes from run to run: the in-process gateway's
// port and the real-time duration in gateway_log.
func maskStep(s string) string {
	s = hostPort.ReplaceAllString(s, "127.0.0.1:PORT")
	return duration.ReplaceAllString(s, `"duration": MS`)
}

// TestStepGolden plays auth-clear with --no-pause against the in-process
// reference gateway and compares the output with testdata/step-auth-clear.golden.
func TestStepGolden(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"step", "auth-clear", "--no-pause"}, &stdout, &stderr)
	if code := exitCode(err, &stderr); code != exitOK {
		t.Fatalf("exit %d: %v\n%s", code, err, stderr.String())
	}
	got := maskStep(stdout.String())
	path := filepath.Join("testdata", "step-auth-clear.golden")
	if isUpdate() {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -run TestStepGolden -update writes it)", err)
	}
	if got != string(want) {
		t.Errorf("step output differs from %s (go test -update rewrites it):\n%s", path, got)
	}
	for _, s := range []string{"POST http://127.0.0.1:PORT/jit", "Authorization: Basic ****", `"method": "pgfs.authorization"`,
		"◀ HTTP 200 OK", "▶ webhook", "✓ balances: available 57.83, ledger 57.83, pending 0.00", "PASS auth-clear"} {
		if !strings.Contains(got, s) {
			t.Errorf("output lacks %q", s)
		}
	}
	if strings.Contains(stdout.String(), demoPass) {
		t.Error("the gateway password shows in the output")
	}
}

// TestStepExitCodes: 0 when every expectation holds, 1 on a failed one
// (naming the step), 2 for bad usage or an unknown fixture.
func TestStepExitCodes(t *testing.T) {
	dir := t.TempDir()
	wrong := filepath.Join(dir, "wrong.json")
	data := strings.Replace(mustShow(t, "auth-clear"), `"ledger": "57.83", "pending": "0.00"`, `"ledger": "57.84", "pending": "0.00"`, 1)
	if err := os.WriteFile(wrong, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	invalid := filepath.Join(dir, "invalid.json")
	if err := os.WriteFile(invalid, []byte(strings.Replace(data, `"amount": "42.17", "after"`, `"amount": "42.171", "after"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(dir, "report.json")
	cases := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"pass", []string{"step", "force-post", "--no-pause"}, exitOK, ""},
		{"failed expectation", []string{"step", wrong, "--no-pause", "--report-json", report}, exitFailed, `step 2 ("clear1"): balances of alice (u-000000000001-1): expected available 57.83, ledger 57.84`},
		{"unknown fixture", []string{"step", "no-such-fixture"}, exitUsage, "no such fixture"},
		{"invalid fixture", []string{"step", invalid}, exitUsage, `invalid.json: step 2 ("clear1"): amount: more decimals than USD allows`},
		{"no fixture", []string{"step", "--no-pause"}, exitUsage, "step takes one fixture"},
		{"half a target", []string{"step", "auth-clear", "--gateway-url", "http://127.0.0.1:1/jit"}, exitUsage, "give --webhook-url and --auth"},
		{"secret without a gateway", []string{"step", "auth-clear", "--webhook-secret", "s"}, exitUsage, "--webhook-secret go with --gateway-url"},
		{"bad flag", []string{"step", "auth-clear", "--pause"}, exitUsage, "flag provided but not defined"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), c.args, &stdout, &stderr)
			if code := exitCode(err, &stderr); code != c.code {
				t.Fatalf("exit %d, want %d: %v\n%s", code, c.code, err, stderr.String())
			}
			if !strings.Contains(stderr.String(), c.stderr) {
				t.Errorf("stderr %q lacks %q", stderr.String(), c.stderr)
			}
		})
	}
	var rep stepReport
	raw, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Pass || len(rep.Steps) != 2 || rep.Steps[0].Pass != true || rep.Steps[1].Pass || !strings.Contains(rep.Failure, "clear1") {
		t.Errorf("report: %+v", rep)
	}
}

func mustShow(t *testing.T, name string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"fixtures", "show", name}, &stdout, &stderr); err != nil {
		t.Fatal(err, stderr.String())
	}
	return stdout.String()
}

// TestStepInteractive drives the keys: Enter runs one step, q quits before
// the next; c runs to the end.
func TestStepInteractive(t *testing.T) {
	oldIn, oldTTY := stepInput, stepInteractive
	defer func() { stepInput, stepInteractive = oldIn, oldTTY }()
	stepInteractive = func(io.Writer) bool { return true }
	cases := []struct {
		keys     string
		ran      int
		contains string
	}{
		{"\nq\n", 1, `stopped before step 2 ("advice1")`},
		{"c\n", 3, "PASS fuel-pump-175"},
		{"\n\n\n", 3, "PASS fuel-pump-175"},
	}
	for _, c := range cases {
		stepInput = strings.NewReader(c.keys)
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), []string{"step", "fuel-pump-175"}, &stdout, &stderr)
		if code := exitCode(err, &stderr); code != exitOK {
			t.Fatalf("keys %q: exit %d: %v", c.keys, code, err)
		}
		out := stdout.String()
		if got := strings.Count(out, "harness log:"); got != c.ran {
			t.Errorf("keys %q: %d steps ran, want %d", c.keys, got, c.ran)
		}
		if !strings.Contains(out, c.contains) {
			t.Errorf("keys %q: output lacks %q", c.keys, c.contains)
		}
		if want := map[string]int{"\nq\n": 2, "c\n": 1, "\n\n\n": 3}[c.keys]; strings.Count(out, "[Enter] run this step") != want {
			t.Errorf("keys %q: %d prompts, want %d", c.keys, strings.Count(out, "[Enter] run this step"), want)
		}
	}
}

// TestStepAgainstGivenGateway plays a fixture against a gateway named by
// the shared flags: the requests shown are the ones that gateway received.
func TestStepAgainstGivenGateway(t *testing.T) {
	base := startRunGateway(t, nil)
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"step", "hotel-incrementals", "--no-pause", "--gateway-url", base + "/jit",
		"--webhook-url", base + "/webhooks", "--adapter-url", base + "/graphql", "--auth", runTestUser + ":" + runTestPass}, &stdout, &stderr)
	if code := exitCode(err, &stderr); code != exitOK {
		t.Fatalf("exit %d: %v\n%s", code, err, stdout.String())
	}
	out := stdout.String()
	for _, s := range []string{"POST " + base + "/jit", "POST " + base + "/webhooks", `"method": "pgfs.authorization.incremental"`, "PASS hotel-incrementals"} {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q", s)
		}
	}
	if !strings.Contains(stderr.String(), "jitsim step: seed ") {
		t.Errorf("the seed is not printed: %q", stderr.String())
	}
}

// Black-box mode: the account is funded outside jitsim and named in an
// accounts file; balances come from pgfs.balanceinquiry, no adapter.
func TestStepBlackBox(t *testing.T) {
	base := startRunGateway(t, nil)
	a := &adapter.Client{URL: base + "/graphql", Username: runTestUser, Password: runTestPass}
	if _, err := a.Credit(context.Background(), "bb-step-1", "USD", 100_00, "fund-bb-step-1"); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "accounts.json")
	if err := os.WriteFile(file, []byte(`{"accounts": [{"user_token": "bb-step-1", "balance": "100.00"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	gw := []string{"--no-pause", "--gateway-url", base + "/jit", "--webhook-url", base + "/webhooks", "--auth", runTestUser + ":" + runTestPass}
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), append([]string{"step", "auth-clear", "--accounts", file}, gw...), &stdout, &stderr)
	if code := exitCode(err, &stderr); code != exitOK {
		t.Fatalf("exit %d: %v\n%s", code, err, stdout.String())
	}
	if out := stdout.String(); !strings.Contains(out, "bb-step-1") || !strings.Contains(out, "PASS auth-clear") {
		t.Fatalf("output:\n%s", out)
	}
	// The account's money really moved: $42.17 cleared.
	acct, err := a.Account(context.Background(), "bb-step-1", "USD")
	if err != nil || acct.Ledger != 100_00-42_17 || acct.Pending != 0 {
		t.Fatalf("account %+v, %v", acct, err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{append([]string{"step", "auth-clear"}, gw...), "--accounts for black-box"},
		{append([]string{"step", "auth-clear", "--accounts", file, "--adapter-url", base + "/graphql"}, gw...), "not both"},
		{[]string{"step", "auth-clear", "--accounts", file}, "go with --gateway-url"},
	} {
		stderr.Reset()
		err := run(context.Background(), tc.args, io.Discard, &stderr)
		if code := exitCode(err, &stderr); code != exitUsage || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: exit %d, %v", tc.args, code, err)
		}
	}
}
