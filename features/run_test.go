package features

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/jitsim/jitsim/jit"
)

func feature(src string) fstest.MapFS {
	return fstest.MapFS{"test.feature": {Data: []byte(src)}}
}

// TestRunIsStrict checks the run is red when it should be: an undefined
// step, a pending one, no scenario at all, a failing expectation.
func TestRunIsStrict(t *testing.T) {
	tests := []struct {
		name, src, tags string
		wantProblem     string // in Result.Problem; "" means a failed scenario
		wantError       string // in the failed scenario's error
	}{
		{"undefined step", "Feature: x\n  Scenario: y\n    Given a cardholder with $100.00\n    When something nobody defined happens\n", "", "", "undefined"},
		{"no scenario selected", "@a\nFeature: x\n  Scenario: y\n    Given a cardholder with $100.00\n", "@b", "no scenario ran", ""},
		{"empty scenario", "Feature: x\n  Scenario: y\n", "", "no scenario ran", ""},
		{"failed expectation", "Feature: x\n  Scenario: y\n    Given a cardholder with $100.00\n    Then the cardholder has $99.00 available, $100.00 on the ledger and $0.00 pending\n", "", "",
			"expected available 99.00, ledger 100.00, pending 0.00\n  but the gateway shows available 100.00, ledger 100.00, pending 0.00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Run(context.Background(), Options{NewTarget: referenceGateways(t, nil), Features: feature(tt.src), Tags: tt.tags,
				Format: "progress", Output: &bytes.Buffer{}, NoColors: true})
			if err != nil {
				t.Fatal(err)
			}
			if res.OK {
				t.Fatalf("run is OK, want it red: %+v", res)
			}
			if tt.wantProblem != "" {
				if !strings.Contains(res.Problem, tt.wantProblem) {
					t.Fatalf("problem %q, want %q", res.Problem, tt.wantProblem)
				}
				return
			}
			if res.Failed != 1 || len(res.Features) != 1 || !strings.Contains(res.Features[0].Scenarios[0].Error, tt.wantError) {
				t.Fatalf("failed %d, error %q; want one failure with %q", res.Failed, res.Features[0].Scenarios[0].Error, tt.wantError)
			}
		})
	}
}

func TestCheckTagsAndFormat(t *testing.T) {
	tests := []struct {
		tags, format string
		ok           bool
	}{
		{"", "pretty", true},
		{"@a", "progress", true},
		{"@a && ~@b", "junit:r.xml", true},
		{"@a,@b && ~@slow", "progress,junit:r.xml,cucumber:c.json", true},
		{"not @slow", "pretty", false},
		{"@a and @b", "pretty", false},
		{"(@a)", "pretty", false},
		{"slow", "pretty", false},
		{"@a", "html", false},
		{"@a", "junit:", false},
		{"@a", "pretty,,progress", false},
	}
	for _, tt := range tests {
		err := CheckTags(tt.tags)
		if err == nil {
			err = CheckFormat(tt.format)
		}
		if (err == nil) != tt.ok || (err != nil && jit.ErrorCode(err) != jit.EINVALID) {
			t.Errorf("tags %q format %q: %v, want ok=%v", tt.tags, tt.format, err, tt.ok)
		}
	}
}

func TestFixJUnit(t *testing.T) {
	in := `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="s" tests="3" skipped="0" failures="1" errors="0" time="1">
  <testsuite name="F" tests="3" skipped="0" failures="1" errors="0" time="1">
    <testcase name="ran" status="passed" time="0.1"></testcase>
    <testcase name="skipped row #2" status="" time="0">
      <error message="Step a" type="skipped"></error>
      <error message="Step b" type="skipped"></error>
    </testcase>
    <testcase name="broke" status="failed" time="0.1">
      <failure message="Step a: boom"></failure>
      <error message="Step b" type="skipped"></error>
    </testcase>
  </testsuite>
</testsuites>`
	out, err := fixJUnit([]byte(in), map[string]string{"skipped row": "needs the adapter"})
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	for _, want := range []string{
		`<testsuites name="s" tests="3" skipped="1" failures="1" errors="0"`,
		`<testcase name="skipped row #2" status="skipped" time="0">`,
		`<skipped message="needs the adapter"></skipped>`,
		`<failure message="Step a: boom"></failure>`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("fixed report lacks %s\n%s", want, s)
		}
	}
	if strings.Contains(s, `type="skipped"`) {
		t.Errorf("skipped steps still reported as errors:\n%s", s)
	}
}
