package loadtest

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// Report is what `jitsim load` prints and writes with --report-json.
type Report struct {
	GatewayURL  string  `json:"gateway_url,omitempty"`
	Name        string  `json:"name,omitempty"`
	Seed        uint64  `json:"seed"`
	Mix         string  `json:"mix,omitempty"`
	Pacer       string  `json:"pacer,omitempty"`
	TargetRate  float64 `json:"target_rate"`  // scheduled hits per second, on average
	Planned     uint64  `json:"planned"`      // hits the pacer scheduled
	AchievedPct float64 `json:"achieved_pct"` // rate / target_rate × 100
	Connections int     `json:"connections,omitempty"`
	HTTP2       bool    `json:"http2"`
	TimeoutMS   float64 `json:"timeout_ms"`
	DurationS   float64 `json:"duration_s"`
	Pool        int     `json:"pool,omitempty"`        // distinct bodies generated
	Cardholders int     `json:"cardholders,omitempty"` // accounts spent from
	Warmup      string  `json:"warmup,omitempty"`      // the unreported warm-up run, if any
	*Summary
	// GeneratorBound is true when the achieved rate fell below 95% of the
	// target: the load generator, not the gateway, limited the run.
	GeneratorBound bool            `json:"generator_bound"`
	Warnings       []string        `json:"warnings,omitempty"`
	SLA            SLAResult       `json:"sla"`
	FindMax        *FindMaxResult  `json:"find_max,omitempty"`
	Reconcile      *Reconciliation `json:"reconcile,omitempty"`
	// Pass is the verdict: the SLA held (for find-max: some rate met it)
	// and, when reconciled, no account drifted.
	Pass bool `json:"pass"`
}

// SLAResult is the SLA verdict.
type SLAResult struct {
	Expr    string    `json:"expr"`
	Pass    bool      `json:"pass"`
	Clauses []Verdict `json:"clauses"`
}

// setRun fills the report from one attack's summary.
func (rep *Report) setRun(p Pacer, s *Summary, sla *SLA) {
	rep.Summary = s
	if p != nil {
		rep.Pacer = p.String()
		rep.Planned = p.Hits()
		if d := p.Duration().Seconds(); d > 0 {
			rep.TargetRate = float64(p.Hits()) / d
		}
	}
	rep.DurationS = s.Duration.Seconds()
	rep.SLA.Expr = sla.Expr
	rep.SLA.Pass, rep.SLA.Clauses = sla.Judge(s)
	rep.Warnings = nil
	if rep.TargetRate > 0 {
		rep.AchievedPct = 100 * s.Rate / rep.TargetRate
		if s.Requests > 1 && rep.AchievedPct < 95 {
			rep.GeneratorBound = true
			rep.Warnings = append(rep.Warnings, fmt.Sprintf(
				"ACHIEVED RATE %.0f/s IS %.0f%% OF THE TARGET %.0f/s: the load generator, not the gateway, was the bottleneck; latencies and the verdict describe a lighter load than asked for",
				s.Rate, rep.AchievedPct, rep.TargetRate))
		}
	}
	if rep.Planned > 0 && s.Requests < rep.Planned {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("only %d of %d scheduled requests were sent (interrupted)", s.Requests, rep.Planned))
	}
}

// WriteJSON writes the report as indented JSON.
func (rep *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// WriteText writes the human report.
func (rep *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	for _, warn := range rep.Warnings {
		fmt.Fprintf(&b, "WARNING: %s\n", warn)
	}
	if rep.FindMax != nil {
		if rep.Warmup != "" {
			fmt.Fprintf(&b, "Warm-up %s, not counted.\n", rep.Warmup)
		}
		writeFindMax(&b, rep.FindMax)
	}
	if s := rep.Summary; s != nil {
		if rep.Pacer != "" {
			fmt.Fprintf(&b, "Pacer\t%s (target %.1f req/s, %d scheduled)\n", rep.Pacer, rep.TargetRate, rep.Planned)
		}
		if rep.Warmup != "" && rep.FindMax == nil {
			fmt.Fprintf(&b, "Warm-up\t%s, not counted\n", rep.Warmup)
		}
		tw := tabwriter.NewWriter(&b, 0, 8, 2, ' ', 0)
		fmt.Fprintf(tw, "Requests\t[total, rate, throughput]\t%d, %.2f req/s (%.1f%% of target), %.2f req/s\n", s.Requests, s.Rate, rep.AchievedPct, s.Throughput)
		fmt.Fprintf(tw, "Duration\t[sending]\t%s\n", s.Duration.Round(time.Millisecond))
		fmt.Fprintf(tw, "Latency, corrected\t[p50, p90, p95, p99, p99.9, max]\t%s\n", s.LatencyCorrected.row())
		fmt.Fprintf(tw, "Latency, vegeta\t[p50, p90, p95, p99, p99.9, max]\t%s\n", s.Latency.row())
		fmt.Fprintf(tw, "Send lag\t[p50, p99, max]\t%s, %s, %s\n", dur(s.SendLag.P50), dur(s.SendLag.P99), dur(s.SendLag.Max))
		fmt.Fprintf(tw, "Answers\t[in time, timeout %s]\t%.3f%% usable (200 or 402 in time)\n", s.Timeout, 100*s.Success)
		fmt.Fprintf(tw, "Approved\t\t%d (%.2f%%)\n", s.Approved, pct(s.Approved, s.Requests))
		fmt.Fprintf(tw, "Declined\t\t%d (%.2f%%)\n", s.Declined, pct(s.Declined, s.Requests))
		for _, k := range sortedKeys(s.DeclineReasons) {
			fmt.Fprintf(tw, "  %s\t\t%d\n", k, s.DeclineReasons[k])
		}
		fmt.Fprintf(tw, "Status codes\t[code:count]\t%s\n", codes(s.StatusCodes))
		for _, m := range sortedKeys(s.Methods) {
			ms := s.Methods[m]
			fmt.Fprintf(tw, "  %s\t\t%d sent, %d approved, %d declined\n", m, ms.Requests, ms.Approved, ms.Declined)
		}
		tw.Flush()
		if len(s.Errors) > 0 {
			b.WriteString("Errors:\n")
			for _, e := range s.Errors {
				fmt.Fprintf(&b, "  %6d  %s\n", e.Count, e.Error)
			}
		}
	}
	if r := rep.Reconcile; r != nil {
		fmt.Fprintf(&b, "Ledger: %d accounts checked, %d drifting; %d approved holds (%s) ", r.AccountsChecked, r.DriftAccounts, r.ApprovedHolds, cents(r.ApprovedAmount))
		if r.LateHolds > 0 {
			fmt.Fprintf(&b, "and %d holds placed after the timeout (%s; a timed_out webhook would release them)", r.LateHolds, cents(r.LateAmount))
		}
		if r.Unverifiable > 0 {
			fmt.Fprintf(&b, "; up to %s more may be held for requests without an answer", cents(r.Unverifiable))
		}
		b.WriteString("\n")
		for _, d := range r.Drift {
			want := cents(d.WantPending)
			if d.MaxPending != d.WantPending {
				want += " to " + cents(d.MaxPending)
			}
			fmt.Fprintf(&b, "  DRIFT %s: ledger %s want %s, pending %s want %s, available %s\n", d.User, cents(d.GotLedger), cents(d.WantLedger), cents(d.GotPending), want, cents(d.GotAvailable))
		}
		if r.Note != "" {
			fmt.Fprintf(&b, "  note: %s\n", r.Note)
		}
	}
	verdict := "PASS"
	if !rep.SLA.Pass {
		verdict = "FAIL"
	}
	fmt.Fprintf(&b, "SLA %s: %s\n", rep.SLA.Expr, verdict)
	for _, c := range rep.SLA.Clauses {
		mark := "ok  "
		if !c.Pass {
			mark = "FAIL"
		}
		fmt.Fprintf(&b, "  %s %-20s observed %s\n", mark, c.Clause, c.Observed)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (l Latencies) row() string {
	return strings.Join([]string{dur(l.P50), dur(l.P90), dur(l.P95), dur(l.P99), dur(l.P999), dur(l.Max)}, ", ")
}

func dur(d time.Duration) string {
	switch {
	case d >= time.Second:
		return d.Round(time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond).String()
	}
	return d.Round(time.Microsecond).String()
}

func pct(n, of uint64) float64 {
	if of == 0 {
		return 0
	}
	return 100 * float64(n) / float64(of)
}

func cents(c int64) string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return fmt.Sprintf("%s$%d.%02d", sign, c/100, c%100)
}

func codes(m map[string]int) string {
	var parts []string
	for _, k := range sortedKeys(m) {
		parts = append(parts, fmt.Sprintf("%s:%d", k, m[k]))
	}
	return strings.Join(parts, "  ")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
