package features

import (
	"fmt"
	"io"
	"strings"
)

// WriteSummary prints the per-feature verdicts, each failure's first lines,
// the skipped scenarios with their reasons, and the overall result.
func (r *Result) WriteSummary(w io.Writer) {
	fmt.Fprintf(w, "\nConformance: %d scenarios ran, %d passed, %d failed, %d skipped (seed %d)\n", r.Scenarios, r.Passed, r.Failed, r.Skipped, r.Seed)
	for _, f := range r.Features {
		fmt.Fprintf(w, "  %-4s %-24s %s (%s)\n", strings.ToUpper(verdict(f.Status)), f.File, f.Name, counts(f))
		for _, s := range f.Scenarios {
			if s.Status == StatusFailed {
				fmt.Fprintf(w, "         ✗ %s\n%s", s.Name, indent(firstLines(s.Error, 3), "           "))
			}
		}
	}
	var skipped []string
	for _, f := range r.Features {
		for _, s := range f.Scenarios {
			if s.Status == StatusSkipped {
				skipped = append(skipped, fmt.Sprintf("  - %s: %s — %s\n", f.File, s.Name, s.SkipReason))
			}
		}
	}
	if len(skipped) > 0 {
		fmt.Fprintf(w, "Skipped:\n%s", strings.Join(skipped, ""))
	}
	switch {
	case r.OK:
		fmt.Fprintln(w, "RESULT: PASS")
	case r.Problem != "":
		fmt.Fprintf(w, "RESULT: FAIL (%s)\n", r.Problem)
	default:
		fmt.Fprintln(w, "RESULT: FAIL")
	}
}

func verdict(status string) string {
	switch status {
	case StatusPassed:
		return "pass"
	case StatusFailed:
		return "fail"
	}
	return "skip"
}

func counts(f FeatureResult) string {
	var p []string
	for _, c := range []struct {
		n    int
		what string
	}{{f.Passed, "passed"}, {f.Failed, "failed"}, {f.Skipped, "skipped"}} {
		if c.n > 0 {
			p = append(p, fmt.Sprintf("%d %s", c.n, c.what))
		}
	}
	return strings.Join(p, ", ")
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = append(lines[:n], "…")
	}
	return strings.Join(lines, "\n")
}

func indent(s, pad string) string {
	var b strings.Builder
	for _, l := range strings.Split(s, "\n") {
		b.WriteString(pad + l + "\n")
	}
	return b.String()
}
