package server

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// passes returns how many runs target passed at rate.
func passes(results []stepResult, target string, rate int) int {
	n := 0
	for _, r := range results {
		if r.target == target && r.rate == rate && r.pass() {
			n++
		}
	}
	return n
}

// pooled is a target's sustainable rate over all runs together: the
// highest ladder rate at which it passed in more than half of the runs, as
// it did at every lower rate; 0 if it did not at the lowest. Near the edge
// a step passes or fails on one stall, so each run's highest passing step
// (sustainable) can land a rate or three above where the target fails
// most of the time; this asks for a majority at every rate on the way.
func pooled(results []stepResult, ladder []int, runs int, target string) int {
	best := 0
	for _, rate := range slices.Sorted(slices.Values(ladder)) {
		if 2*passes(results, target, rate) <= runs {
			break
		}
		best = rate
	}
	return best
}

// poolTable is the report's table of how many runs each target passed at
// each rate, one column per rate.
func poolTable(results []stepResult, ladder []int, runs int) string {
	var b strings.Builder
	rates := slices.Sorted(slices.Values(ladder))
	b.WriteString("| passed in runs |")
	for _, r := range rates {
		fmt.Fprintf(&b, " %d |", r)
	}
	b.WriteString("\n|---|" + strings.Repeat("---:|", len(rates)) + "\n")
	for _, t := range []string{"floor", "gateway"} {
		fmt.Fprintf(&b, "| %s |", t)
		for _, r := range rates {
			fmt.Fprintf(&b, " %d/%d |", passes(results, t, r), runs)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestPooledAsksForAMajorityAtEveryRate(t *testing.T) {
	step := func(run int, target string, rate int, ok bool) stepResult {
		r := stepResult{run: run, target: target, rate: rate, success: 1, achieved: float64(rate), p99: time.Millisecond}
		if !ok {
			r.p99 = 11 * time.Millisecond
		}
		return r
	}
	ladder := []int{3000, 1000, 2000, 4000} // order does not matter
	var results []stepResult
	add := func(target string, rate int, oks ...bool) {
		for i, ok := range oks {
			results = append(results, step(i+1, target, rate, ok))
		}
	}
	// floor: 2 of 3 up to 3000; at 4000 only run 3, whose highest passing
	// step is therefore 4000.
	add("floor", 1000, true, true, true)
	add("floor", 2000, true, false, true)
	add("floor", 3000, false, true, true)
	add("floor", 4000, false, false, true)
	// gateway: a majority at 1000 and 3000 but not at 2000.
	add("gateway", 1000, true, true, false)
	add("gateway", 2000, true, false, false)
	add("gateway", 3000, true, true, true)
	add("gateway", 4000, false, false, false)
	// an achieved rate under 95% fails however low p99 is
	under := step(4, "floor", 1000, true)
	under.achieved = 900
	results = append(results, under)

	if got := pooled(results, ladder, 3, "floor"); got != 3000 {
		t.Errorf("floor pooled = %d, want 3000", got)
	}
	if got := pooled(results, ladder, 3, "gateway"); got != 1000 {
		t.Errorf("gateway pooled = %d, want 1000", got)
	}
	if got := sustainable(results, 3, "floor"); got != 4000 {
		t.Errorf("floor run 3 sustainable = %d, want 4000", got)
	}
	if got := pooled(results, ladder, 4, "floor"); got != 1000 {
		t.Errorf("floor pooled over 4 runs = %d, want 1000 (3 of 4 at 1000, 2 of 4 at 2000)", got)
	}
	want := "| passed in runs | 1000 | 2000 | 3000 | 4000 |\n|---|---:|---:|---:|---:|\n" +
		"| floor | 3/3 | 2/3 | 2/3 | 1/3 |\n| gateway | 2/3 | 1/3 | 3/3 | 0/3 |\n"
	if got := poolTable(results, ladder, 3); got != want {
		t.Errorf("poolTable =\n%s\nwant\n%s", got, want)
	}
}
