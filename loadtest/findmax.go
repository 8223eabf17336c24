package loadtest

import (
	"context"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jitsim/jitsim/jit"
)

// FindMax searches for the highest constant rate that meets the SLA: it
// doubles the rate from Start until a step fails (or MaxRate), then bisects
// between the best pass and the first failure until they are within
// Precision of each other, in at most MaxSteps steps of Step each, pausing
// Pause between steps (for the gateway to drain). A step passes when the
// SLA holds and the generator achieved at least 95% of the rate.
type FindMax struct {
	Start     float64       // first rate (default 500 req/s)
	MaxRate   float64       // highest rate tried (default 100,000 req/s)
	Step      time.Duration // length of each step (default 10s)
	Pause     time.Duration // between steps (default 2s; negative: none)
	MaxSteps  int           // default 12
	Precision float64       // stop bisecting at (fail − pass) ≤ Precision × fail (default 0.05)
}

func (f *FindMax) defaults() error {
	if f.Start < 0 || f.MaxRate < 0 || f.Step < 0 || f.MaxSteps < 0 || f.Precision < 0 || math.IsNaN(f.Start) || math.IsNaN(f.MaxRate) {
		return jit.Errorf(jit.EINVALID, "find-max: negative or invalid setting")
	}
	if f.Start == 0 {
		f.Start = 500
	}
	if f.MaxRate == 0 {
		f.MaxRate = 100_000
	}
	if f.Start > f.MaxRate {
		return jit.Errorf(jit.EINVALID, "find-max: start rate %g above the maximum %g", f.Start, f.MaxRate)
	}
	if f.Step == 0 {
		f.Step = 10 * time.Second
	}
	if f.Pause == 0 {
		f.Pause = 2 * time.Second
	}
	if f.MaxSteps == 0 {
		f.MaxSteps = 12
	}
	if f.Precision == 0 {
		f.Precision = 0.05
	}
	return nil
}

// FindMaxResult is the capacity found and the ladder tried.
type FindMaxResult struct {
	MaxRate float64      `json:"max_rate"` // highest passing rate, 0 when none passed
	Steps   []LadderStep `json:"ladder"`
}

// LadderStep is one rate tried.
type LadderStep struct {
	Rate         float64 `json:"rate"`
	Achieved     float64 `json:"achieved"`
	Requests     uint64  `json:"requests"`
	P99Corrected float64 `json:"p99_corrected_ms"`
	P99          float64 `json:"p99_ms"`
	MaxCorrected float64 `json:"max_corrected_ms"`
	Errors       float64 `json:"errors"` // share
	Approved     float64 `json:"approved"`
	Pass         bool    `json:"pass"`
	Why          string  `json:"why,omitempty"` // the failed clauses, or the generator
}

func (r *runner) findMax(ctx context.Context, rep *Report) error {
	f := r.o.FindMax
	res := &FindMaxResult{}
	rep.FindMax = res
	var best, last *Report
	lo, hi := 0.0, 0.0 // best pass, lowest failure
	rate := f.Start
	for len(res.Steps) < f.MaxSteps {
		if len(res.Steps) > 0 && f.Pause > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(f.Pause):
			}
		}
		p := Constant(rate, f.Step)
		s, err := r.attack(ctx, p, fmt.Sprintf("%s-%.0f", r.o.Name, rate), false)
		if err != nil {
			return err
		}
		step := &Report{}
		step.setRun(p, s, r.sla)
		st := LadderStep{Rate: rate, Achieved: s.Rate, Requests: s.Requests, P99Corrected: ms(s.LatencyCorrected.P99), P99: ms(s.Latency.P99),
			MaxCorrected: ms(s.LatencyCorrected.Max), Errors: s.ErrorShare(), Approved: pct(s.Approved, s.Requests) / 100,
			Pass: step.SLA.Pass && !step.GeneratorBound}
		var why []string
		for _, c := range step.SLA.Clauses {
			if !c.Pass {
				why = append(why, c.Clause+" (observed "+c.Observed+")")
			}
		}
		if step.GeneratorBound {
			why = append(why, fmt.Sprintf("generator reached only %.0f%% of the rate", step.AchievedPct))
		}
		st.Why = strings.Join(why, "; ")
		res.Steps = append(res.Steps, st)
		last = step
		if st.Pass {
			lo, best = max(lo, rate), step
		} else if hi == 0 || rate < hi {
			hi = rate
		}
		if ctx.Err() != nil {
			break
		}
		if hi == 0 { // still climbing
			if lo >= f.MaxRate {
				break
			}
			rate = math.Min(rate*2, f.MaxRate)
			continue
		}
		if hi-lo <= f.Precision*hi || hi-lo <= 1 {
			break
		}
		rate = math.Round((lo + hi) / 2)
	}
	res.MaxRate = lo
	pick := best
	if pick == nil {
		pick = last
	}
	rep.Pacer, rep.Planned, rep.TargetRate, rep.AchievedPct = pick.Pacer, pick.Planned, pick.TargetRate, pick.AchievedPct
	rep.Summary, rep.DurationS, rep.GeneratorBound, rep.Warnings = pick.Summary, pick.DurationS, pick.GeneratorBound, pick.Warnings
	rep.SLA = pick.SLA
	rep.SLA.Pass = best != nil
	return ctx.Err()
}

func writeFindMax(w io.Writer, f *FindMaxResult) {
	fmt.Fprintln(w, "Capacity search (each step at a constant rate; pass = SLA held and ≥ 95% of the rate achieved):")
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "rate/s\tachieved/s\trequests\tp99 corrected\tp99 vegeta\tmax corrected\terrors\tpass\t")
	for _, s := range f.Steps {
		fmt.Fprintf(tw, "%.0f\t%.0f\t%d\t%.2f ms\t%.2f ms\t%.2f ms\t%.3f%%\t%s\t\n", s.Rate, s.Achieved, s.Requests, s.P99Corrected, s.P99, s.MaxCorrected, 100*s.Errors, yesNo(s.Pass))
	}
	tw.Flush()
	for _, s := range f.Steps {
		if s.Why != "" {
			fmt.Fprintf(w, "  %.0f/s failed: %s\n", s.Rate, s.Why)
		}
	}
	if f.MaxRate > 0 {
		fmt.Fprintf(w, "Highest rate meeting the SLA: %.0f req/s (the report below is that step)\n\n", f.MaxRate)
	} else {
		fmt.Fprintf(w, "No rate met the SLA (the report below is the last step)\n\n")
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
