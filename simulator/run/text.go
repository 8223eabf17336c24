package run

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator/oracle"
)

// Most drifting accounts and violations the text report details (the JSON
// report has them all).
const (
	textDrift      = 3
	textHistory    = 6
	textViolations = 5
)

// WriteText writes the report for a person: one screen with the counts by
// scenario, approvals and declines, decision latency, faults configured
// against observed, the webhooks, and the reconciliation verdict.
func (r *Report) WriteText(out io.Writer) error {
	w := bufio.NewWriter(out)
	target := "as fast as possible"
	if r.Rate.Target > 0 {
		target = fmt.Sprintf("target %.0f/s", r.Rate.Target)
	}
	lanes := ""
	if r.Workers > 1 {
		lanes = fmt.Sprintf(" in %d lanes", r.Workers)
	}
	fmt.Fprintf(w, "jitsim: %d transactions in %.1fs (%.0f/s, %s), %d flows, seed %d%s\n",
		r.Transactions, r.Seconds.Traffic, r.Rate.Achieved, target, r.Flows, r.Seed, lanes)
	if r.Rate.MaxLagMS > 0 {
		fmt.Fprintf(w, "        fell up to %.0f ms behind the schedule: the gateway was slower than the target rate\n", r.Rate.MaxLagMS)
	}
	fmt.Fprintf(w, "simulated %s → %s (%s of virtual time)\n\n", r.VirtualStart.UTC().Format("2006-01-02 15:04"),
		r.VirtualEnd.UTC().Format("2006-01-02 15:04 MST"), virtualSpan(r.VirtualEnd.Sub(r.VirtualStart)))

	fmt.Fprintf(w, "%-20s %7s %7s %9s %9s %11s\n", "scenario", "flows", "msgs", "approved", "declined", "informative")
	for _, s := range r.Scenarios {
		fmt.Fprintf(w, "%-20s %7d %7d %9d %9d %11d\n", s.Scenario, s.Flows, s.Transactions, s.Approved, s.Declined, s.Informative)
	}
	fmt.Fprintf(w, "%-20s %7d %7d %9d %9d %11d\n\n", "total", r.Flows, r.Transactions, r.Approved, r.Declined, r.Informative)

	fmt.Fprintf(w, "approval   %.1f%% of %d gateway decisions (%d approved, %d of them by stand-in)\n",
		100*r.ApprovalRate, r.Approved+r.Declined, r.Approved, r.StandIn)
	if len(r.DeclinedBy) > 0 {
		fmt.Fprintf(w, "declined   %s\n", declines(r.DeclinedBy))
	}
	fmt.Fprintf(w, "latency    p50 %.2f ms · p99 %.2f ms · max %.2f ms (%d gateway calls, real time)\n",
		r.Latency.P50, r.Latency.P99, r.Latency.Max, r.Latency.Calls)
	if r.PeakRSSBytes > 0 {
		fmt.Fprintf(w, "memory     peak RSS %.0f MiB (the whole process)\n", float64(r.PeakRSSBytes)/(1<<20))
	}
	fmt.Fprintln(w)

	if len(r.Faults) > 0 {
		fmt.Fprintf(w, "%-20s %10s %9s %17s\n", "fault", "configured", "observed", "injected")
		for _, f := range r.Faults {
			fmt.Fprintf(w, "%-20s %9.2f%% %8.2f%% %17s\n", f.Name, 100*f.Configured, 100*f.Observed,
				fmt.Sprintf("%d / %d", f.Injected, f.Opportunities))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "webhooks   %d events in %d batches, %d attempts, %d undelivered\n",
		r.Webhooks.Enqueued, r.Webhooks.Batches, r.Webhooks.Attempts, r.Webhooks.Undelivered+r.Webhooks.GaveUp)
	fmt.Fprintf(w, "ledger     %d accounts checked, %d drifting, %d invariant violations\n",
		r.AccountsChecked, r.DriftAccounts, len(r.Violations))
	r.writeProblems(w)
	fmt.Fprintf(w, "verdict    %s\n", r.Verdict)
	return w.Flush()
}

// writeProblems details the first drifting accounts, violations and resend
// mismatches.
func (r *Report) writeProblems(w io.Writer) {
	for i, d := range r.Drift {
		if i == textDrift {
			fmt.Fprintf(w, "  … and %d more drifting accounts (--report-json has every one with its history)\n", len(r.Drift)-i)
			break
		}
		fmt.Fprintf(w, "  drift %s %s: expected %s, gateway has %s\n", d.Account, d.Currency,
			balance(d.Expected, d.Currency), balance(d.Actual, d.Currency))
		h := d.History
		if len(h) > textHistory {
			fmt.Fprintf(w, "    … %d earlier messages\n", len(h)-textHistory)
			h = h[len(h)-textHistory:]
		}
		for _, e := range h {
			fmt.Fprintf(w, "    %s %-8s %-40s %-10s %s\n", e.At.UTC().Format("01-02 15:04:05"), e.Kind,
				strings.TrimSpace(e.Type+" "+e.State+" "+e.Outcome), money(e.Amount, d.Currency), e.Effect)
		}
	}
	for i, v := range r.Violations {
		if i == textViolations {
			fmt.Fprintf(w, "  … and %d more violations\n", len(r.Violations)-i)
			break
		}
		fmt.Fprintf(w, "  violation %s %s %s: %s\n", v.Kind, v.Account, v.Token, v.Detail)
	}
	for i, m := range r.ResendMismatches {
		if i == textViolations {
			fmt.Fprintf(w, "  … and %d more resend mismatches\n", len(r.ResendMismatches)-i)
			break
		}
		fmt.Fprintf(w, "  resend %s answered %d then %d\n", m.JITToken, m.First.Status, m.Second.Status)
	}
}

func declines(by map[string]int64) string {
	reasons := make([]string, 0, len(by))
	for k := range by {
		reasons = append(reasons, k)
	}
	slices.SortFunc(reasons, func(a, b string) int {
		if by[a] != by[b] {
			return int(by[b] - by[a])
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, len(reasons))
	for i, k := range reasons {
		parts[i] = fmt.Sprintf("%d %s", by[k], k)
	}
	return strings.Join(parts, " · ")
}

func balance(b oracle.Balance, cur string) string {
	return fmt.Sprintf("available %s ledger %s pending %s", money(b.Available, cur), money(b.Ledger, cur), money(b.Pending, cur))
}

func money(minor int64, cur string) string {
	a, err := jit.FromMinor(minor, cur)
	if err != nil {
		return fmt.Sprintf("%d", minor)
	}
	return a.String()
}

func virtualSpan(d time.Duration) string {
	d = d.Round(time.Minute)
	days, h, m := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	if days == 0 {
		return fmt.Sprintf("%dh%02dm", h, m)
	}
	return fmt.Sprintf("%dd %dh%02dm", days, h, m)
}
