package loadtest

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// syntheticReport is a report built from fixed results: the text is the
// same on every machine.
func syntheticReport(t *testing.T, rate float64) *Report {
	t.Helper()
	c := NewCollector(time.Second)
	interval := 10 * time.Millisecond
	for i := range 100 {
		sched := t0.Add(time.Duration(i) * interval)
		switch {
		case i%25 == 24:
			c.Add(result(uint64(i), sched, 0, time.Second, 0, "", `Post "http://gw/jit": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`))
		case i%10 == 9:
			c.Add(result(uint64(i), sched, 0, 4*time.Millisecond, 402, echo(uint64(i), "INSUFFICIENT_FUNDS"), ""))
		default:
			c.Add(result(uint64(i), sched, time.Duration(i%3)*time.Millisecond, time.Duration(1+i%7)*time.Millisecond, 200, echo(uint64(i), ""), ""))
		}
	}
	s := c.Summary()
	s.Rate = rate // vegeta's rate divides by the spread of timestamps; fix it for the golden file
	sla, err := ParseSLA("p99<=500ms,errors<=1%")
	if err != nil {
		t.Fatal(err)
	}
	rep := &Report{Seed: 1}
	rep.setRun(Constant(100, time.Second), s, sla)
	return rep
}

func TestReportTextGolden(t *testing.T) {
	for _, tt := range []struct {
		name string
		rate float64
	}{{"report", 100}, {"report-generator-bound", 80}} {
		t.Run(tt.name, func(t *testing.T) {
			rep := syntheticReport(t, tt.rate)
			var b bytes.Buffer
			if err := rep.WriteText(&b); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tt.name+".golden")
			if *update {
				os.MkdirAll("testdata", 0o755)
				if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if b.String() != string(want) {
				t.Fatalf("text report differs from %s (run with -update if intended):\n%s", path, b.String())
			}
		})
	}
}

// TestGeneratorBoundWarning: below 95% of the target rate the report
// warns loudly; at the target it does not.
func TestGeneratorBoundWarning(t *testing.T) {
	for _, tt := range []struct {
		rate  float64
		bound bool
	}{{100, false}, {95.5, false}, {94, true}, {10, true}} {
		rep := syntheticReport(t, tt.rate)
		if rep.GeneratorBound != tt.bound {
			t.Errorf("rate %v of 100: generator bound %v", tt.rate, rep.GeneratorBound)
		}
		warned := len(rep.Warnings) > 0 && strings.Contains(rep.Warnings[0], "generator, not the gateway")
		if warned != tt.bound {
			t.Errorf("rate %v of 100: warnings %v", tt.rate, rep.Warnings)
		}
	}
}
