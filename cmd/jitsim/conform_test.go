package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jitsim/jitsim/adapter"
	"github.com/jitsim/jitsim/features"
	"github.com/jitsim/jitsim/reference-gateway/server"
	"github.com/jitsim/jitsim/reference-gateway/servertest"
)

const (
	confUser   = "marqeta"
	confPass   = "gateway-password-0123456789"
	confSecret = "webhook-secret-0123456789"
)

// startGateway serves a reference gateway on 127.0.0.1:0 behind wrap
// (nil: as is) and returns its base URL.
func startGateway(t *testing.T, wrap func(http.Handler) http.Handler) string {
	t.Helper()
	base, _ := servertest.Start(t, server.Config{Username: confUser, Password: confPass, WebhookSecret: confSecret}, wrap)
	return base
}

func gatewayArgs(base string, extra ...string) []string {
	return append([]string{"conform", "--gateway-url", base + "/jit", "--webhook-url", base + "/webhooks",
		"--auth", confUser + ":" + confPass, "--webhook-secret", confSecret, "--seed", "7", "--no-color"}, extra...)
}

func TestConformUsage(t *testing.T) {
	base := "http://127.0.0.1:1"
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"no urls", []string{"conform", "--auth", "a:" + confPass}, "--gateway-url and --webhook-url are required"},
		{"no auth", []string{"conform", "--gateway-url", base, "--webhook-url", base, "--adapter-url", base}, "--auth USER:PASS is required"},
		{"no adapter nor accounts", []string{"conform", "--gateway-url", base, "--webhook-url", base, "--auth", "a:" + confPass}, "--accounts for black-box"},
		{"both adapter and accounts", gatewayArgs(base, "--adapter-url", base, "--accounts", "x.json"), "not both"},
		{"auth without colon", []string{"conform", "--gateway-url", base, "--webhook-url", base, "--adapter-url", base, "--auth", "nocolon"}, "USER:PASS"},
		{"short password", []string{"conform", "--gateway-url", base, "--webhook-url", base, "--adapter-url", base, "--auth", "a:short"}, "20 to 100"},
		{"bad url", []string{"conform", "--gateway-url", "ftp://x", "--webhook-url", base, "--adapter-url", base, "--auth", "a:" + confPass}, "not an http(s) URL"},
		{"bad format", gatewayArgs(base, "--adapter-url", base, "--format", "html"), "use pretty, progress, junit[:FILE] or cucumber[:FILE]"},
		{"cucumber tag syntax", gatewayArgs(base, "--adapter-url", base, "--tags", "not @slow"), "not Cucumber's not/and/or"},
		{"missing accounts file", gatewayArgs(base, "--accounts", filepath.Join(t.TempDir(), "none.json")), "read accounts file"},
		{"arguments", gatewayArgs(base, "--adapter-url", base, "extra"), "takes no arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			err := run(context.Background(), tt.args, io.Discard, &stderr)
			if code := exitCode(err, &stderr); code != exitUsage {
				t.Fatalf("exit %d, want %d (%v)", code, exitUsage, err)
			}
			if !strings.Contains(stderr.String(), tt.wantErr) {
				t.Fatalf("stderr %q, want %q", stderr.String(), tt.wantErr)
			}
		})
	}
}

// junitSuites is the part of godog's JUnit report the test reads.
type junitSuites struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Suites   []struct {
		Name  string `xml:"name,attr"`
		Cases []struct {
			Name    string `xml:"name,attr"`
			Failure *struct {
				Message string `xml:"message,attr"`
			} `xml:"failure"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func readJUnit(t *testing.T, path string) junitSuites {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var j junitSuites
	if err := xml.Unmarshal(data, &j); err != nil {
		t.Fatalf("junit report: %v\n%s", err, data)
	}
	return j
}

func TestConformAgainstTheReferenceGateway(t *testing.T) {
	base := startGateway(t, nil)
	dir := t.TempDir()
	junit, cuke, report := filepath.Join(dir, "report.xml"), filepath.Join(dir, "cucumber.json"), filepath.Join(dir, "report.json")
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), gatewayArgs(base, "--adapter-url", base+"/graphql", "--tags", "@authorization,@clearing,@security",
		"--format", "progress,junit:"+junit+",cucumber:"+cuke, "--report-json", report), &stdout, &stderr)
	if code := exitCode(err, &stderr); code != exitOK {
		t.Fatalf("exit %d: %v\n%s\n%s", code, err, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "RESULT: PASS") || !strings.Contains(stdout.String(), "PASS authorization.feature") {
		t.Fatalf("summary missing:\n%s", stdout.String())
	}
	j := readJUnit(t, junit)
	if j.Tests < 15 || j.Failures != 0 || len(j.Suites) != 3 {
		t.Fatalf("junit: %d tests, %d failures, %d suites", j.Tests, j.Failures, len(j.Suites))
	}
	var cucumber []struct {
		URI      string `json:"uri"`
		Elements []struct {
			Name string `json:"name"`
		} `json:"elements"`
	}
	data, _ := os.ReadFile(cuke)
	if err := json.Unmarshal(data, &cucumber); err != nil || len(cucumber) != 3 {
		t.Fatalf("cucumber report: %v, %d features", err, len(cucumber))
	}
	var res features.Result
	data, _ = os.ReadFile(report)
	if err := json.Unmarshal(data, &res); err != nil || !res.OK || res.Scenarios != j.Tests || len(res.Features) != 3 {
		t.Fatalf("report-json: %v %+v", err, res)
	}
}

// approvesOverTheBalance turns the gateway's INSUFFICIENT_FUNDS declines
// into approvals.
func approvesOverTheBalance(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/jit" {
			h.ServeHTTP(w, r)
			return
		}
		rec := &recorder{header: http.Header{}}
		h.ServeHTTP(rec, r)
		status, body := rec.status, rec.body.Bytes()
		if status == http.StatusPaymentRequired {
			status, body = http.StatusOK, bytes.Replace(body, []byte(`,"decline_reason":"INSUFFICIENT_FUNDS"`), nil, 1)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write(body)
	})
}

type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
func (r *recorder) WriteHeader(s int)           { r.status = s }

func TestConformFailsABrokenGateway(t *testing.T) {
	base := startGateway(t, approvesOverTheBalance)
	junit := filepath.Join(t.TempDir(), "report.xml")
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), gatewayArgs(base, "--adapter-url", base+"/graphql", "--tags", "@authorization",
		"--format", "pretty,junit:"+junit), &stdout, &stderr)
	if code := exitCode(err, &stderr); code != exitFailed {
		t.Fatalf("exit %d, want %d: %v", code, exitFailed, err)
	}
	out := stdout.String()
	for _, want := range []string{
		"FAIL authorization.feature",
		"expected declined INSUFFICIENT_FUNDS",
		"Marqeta → gateway: JIT pgfs.authorization 100.01 USD", // the message sequence
		"RESULT: FAIL",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if j := readJUnit(t, junit); j.Failures == 0 {
		t.Fatalf("junit reports no failure")
	}
	if t.Failed() {
		t.Log(out)
	}
}

func TestConformNoScenarioRanFails(t *testing.T) {
	base := startGateway(t, nil)
	var stderr bytes.Buffer
	err := run(context.Background(), gatewayArgs(base, "--adapter-url", base+"/graphql", "--tags", "@no-such-tag", "--format", "progress"), io.Discard, &stderr)
	if code := exitCode(err, &stderr); code != exitFailed || !strings.Contains(stderr.String(), "no scenario ran") {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
}

func TestConformBlackBox(t *testing.T) {
	base := startGateway(t, nil)
	a := &adapter.Client{URL: base + "/graphql", Username: confUser, Password: confPass}
	// Enough accounts for every scenario: most start from $100.00, the
	// $175 fuel ones from $200.00.
	var accounts []map[string]string
	for i := 0; i < 110; i++ {
		tok, amount, balance := fmt.Sprintf("blackbox-%03d", i), int64(100_00), "100.00"
		if i >= 100 {
			amount, balance = 200_00, "200.00"
		}
		if _, err := a.Credit(context.Background(), tok, "USD", amount, "fund-"+tok); err != nil {
			t.Fatal(err)
		}
		accounts = append(accounts, map[string]string{"user_token": tok, "balance": balance})
	}
	file := filepath.Join(t.TempDir(), "accounts.json")
	data, _ := json.Marshal(map[string]any{"accounts": accounts})
	os.WriteFile(file, data, 0o644)
	report := filepath.Join(t.TempDir(), "report.json")
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), gatewayArgs(base, "--accounts", file, "--tags", "~@known-defect", "--concurrency", "8",
		"--format", "progress", "--report-json", report), &stdout, &stderr)
	if code := exitCode(err, &stderr); code != exitOK {
		t.Fatalf("exit %d: %v\n%s", code, err, stdout.String())
	}
	var res features.Result
	data, _ = os.ReadFile(report)
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatal(err)
	}
	ran, skipped := 0, map[string]string{}
	for _, f := range res.Features {
		for _, s := range f.Scenarios {
			if s.Status == features.StatusSkipped {
				skipped[s.Name] = s.SkipReason
			} else {
				ran++
			}
		}
	}
	// Every @adapter scenario is skipped, with the reason, and so are the
	// spend controls nobody asked for; every other scenario ran and passed.
	want := map[string]string{
		"The hold is visible through the adapter":                     "adapter",
		"A credit repeated with the same idempotency key counts once": "adapter",
		"Credited funds can be spent":                                 "adapter",
		"A blocked merchant category is declined":                     "spend controls",
		"The largest single authorization is $500.00":                 "spend controls",
		"The eleventh authorization of the day is declined":           "spend controls",
	}
	for n, why := range want {
		if !strings.Contains(skipped[n], why) {
			t.Errorf("%q: skipped %q, want skipped for %s", n, skipped[n], why)
		}
	}
	if ran < 75 || len(skipped) != len(want) || !strings.Contains(stdout.String(), "Skipped:") {
		t.Fatalf("%d ran, skipped %v\n%s", ran, skipped, stdout.String())
	}
}
