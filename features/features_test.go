package features

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestFeatures runs every feature against a fresh reference gateway per
// scenario and expects all of them to pass.
func TestFeatures(t *testing.T) {
	var out bytes.Buffer
	res, err := Run(context.Background(), Options{
		NewTarget: referenceGateways(t, nil), Controls: true, Concurrency: 8, Tags: "~@known-defect",
		Format: "progress", Output: &out, NoColors: true, Seed: 42,
	})
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK {
		t.Fatalf("suite failed (%s):\n%s\n%s", res.Problem, summary(res), out.String())
	}
	if res.Scenarios < 40 || res.Skipped != 0 {
		t.Fatalf("%d scenarios ran, %d skipped; want at least 40 and none skipped\n%s", res.Scenarios, res.Skipped, summary(res))
	}
	if len(res.Features) != len(Files()) {
		t.Fatalf("%d features ran, %d embedded", len(res.Features), len(Files()))
	}
}

func summary(r *Result) string {
	var b strings.Builder
	r.WriteSummary(&b)
	return b.String()
}

// TestKnownDefects runs the scenarios the reference gateway is known to fail
// and expects each to fail still; when one passes, the defect is fixed and
// its @known-defect tag should go.
func TestKnownDefects(t *testing.T) {
	var out bytes.Buffer
	res, err := Run(context.Background(), Options{
		NewTarget: referenceGateways(t, nil), Concurrency: 4, Tags: "@known-defect",
		Format: "progress", Output: &out, NoColors: true, Seed: 42,
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Scenarios == 0 {
		t.Skip("no scenario is tagged @known-defect")
	}
	for _, f := range res.Features {
		for _, s := range f.Scenarios {
			if s.Status != StatusFailed {
				t.Errorf("%s: %q now %s against the reference gateway: drop its @known-defect tag", f.File, s.Name, s.Status)
			}
		}
	}
}
