package run

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/jitsim/jitsim/simulator/fault"
	"github.com/jitsim/jitsim/simulator/oracle"
	"github.com/jitsim/jitsim/simulator/traffic"
)

// Report is what a run did and the reconciliation verdict. Its JSON form is
// what `--report-json` writes (design.md §5).
type Report struct {
	Seed uint64 `json:"seed"`
	Counts
	DeclinedBy   map[string]int64 `json:"declined_by_reason"`
	ApprovalRate float64          `json:"approval_rate"` // approved / (approved + declined)
	Scenarios    []ScenarioCount  `json:"scenarios"`
	Messages     map[string]int64 `json:"messages"` // by transaction type
	// Latency is the gateway's decision latency, real time.
	Latency Latency `json:"decision_latency"`
	Rate    Rate    `json:"rate"`
	Seconds Seconds `json:"seconds"`
	// VirtualStart and VirtualEnd are the simulated time the run covered.
	VirtualStart time.Time `json:"virtual_start"`
	VirtualEnd   time.Time `json:"virtual_end"`
	// Faults are the configured and observed rate of every fault on.
	Faults []fault.Stat `json:"faults"`
	// ResendMismatches are JIT tokens the gateway answered differently
	// when the same request came twice (a failure).
	ResendMismatches []fault.Mismatch `json:"resend_mismatches"`
	Webhooks         Webhooks         `json:"webhooks"`
	AccountsChecked  int              `json:"accounts_checked"`
	// DriftAccounts counts the accounts that differ from the oracle; Drift
	// lists them with their message histories.
	DriftAccounts int                `json:"drift_accounts"`
	Drift         []oracle.Drift     `json:"drift"`
	Violations    []oracle.Violation `json:"violations"`
	// Workers is how many lanes played the traffic (Config.Workers).
	Workers int `json:"workers"`
	// PeakRSSBytes is the process's peak resident set size at the end of
	// the run (VmHWM; 0 where unknown). It counts everything in the
	// process: an in-process gateway too.
	PeakRSSBytes int64 `json:"peak_rss_bytes,omitempty"`
	// Pass is the verdict: no drift, no violation, no resend mismatch.
	Pass    bool   `json:"pass"`
	Verdict string `json:"verdict"`
}

// Rate is the target and achieved message rate, a second of real time.
type Rate struct {
	Target   float64 `json:"target"` // 0: as fast as possible
	Achieved float64 `json:"achieved"`
	MaxLagMS float64 `json:"max_lag_ms"` // furthest behind the schedule
}

// Seconds are the real-time phases of the run.
type Seconds struct {
	SetUp   float64 `json:"set_up"`
	Traffic float64 `json:"traffic"`
	Total   float64 `json:"total"`
}

// Webhooks are the dispatcher's totals after the drain.
type Webhooks struct {
	Enqueued    int `json:"enqueued"`
	Batches     int `json:"batches"`
	Attempts    int `json:"attempts"`
	Delivered   int `json:"delivered"`
	GaveUp      int `json:"gave_up"`
	Undelivered int `json:"undelivered"`
}

// webhookTotals adds up the lanes' dispatchers after the drain.
func webhookTotals(lanes []*world) Webhooks {
	var t Webhooks
	for _, w := range lanes {
		d := w.engine.Webhooks()
		ws := d.Stats()
		t.Enqueued += ws.Enqueued
		t.Batches += ws.Batches
		t.Attempts += ws.Attempts
		t.Delivered += ws.Delivered
		t.GaveUp += ws.GaveUp
		t.Undelivered += d.Pending()
	}
	return t
}

// report is the run's report over its lanes, p being the whole run's
// profile.
func report(lanes []*world, p traffic.Profile, rec oracle.Report, hooks Webhooks, t timings) *Report {
	s := lanes[0].stats
	if len(lanes) > 1 {
		s = newStats(s.latencies)
		for _, w := range lanes {
			s.merge(w.stats)
		}
	}
	var lag time.Duration
	end := p.Start
	var mismatches []fault.Mismatch
	for _, w := range lanes {
		lag = max(lag, w.lag)
		end = later(end, w.clock.Now())
		mismatches = append(mismatches, w.faults.ResendMismatches()...)
	}
	r := &Report{
		Seed:             p.Seed,
		Counts:           s.counts,
		DeclinedBy:       s.declined,
		Messages:         s.messages,
		Latency:          s.latencies.latency(),
		Rate:             Rate{Target: p.Rate, MaxLagMS: ms(lag)},
		Seconds:          Seconds{SetUp: t.setUp.Seconds(), Traffic: t.traffic.Seconds(), Total: t.total.Seconds()},
		VirtualStart:     p.Start,
		VirtualEnd:       end,
		Faults:           mergeFaults(lanes),
		ResendMismatches: mismatches,
		AccountsChecked:  rec.AccountsChecked,
		DriftAccounts:    len(rec.Drift),
		Drift:            rec.Drift,
		Violations:       rec.Violations,
		Workers:          len(lanes),
		PeakRSSBytes:     peakRSS(),
	}
	if d := s.counts.Approved + s.counts.Declined; d > 0 {
		r.ApprovalRate = float64(s.counts.Approved) / float64(d)
	}
	if t.traffic > 0 {
		r.Rate.Achieved = float64(s.counts.Transactions) / t.traffic.Seconds()
	}
	for _, name := range traffic.Scenarios() {
		if sc := s.scenarios[name]; sc != nil {
			r.Scenarios = append(r.Scenarios, *sc)
		}
	}
	r.Webhooks = hooks
	r.Pass = len(r.Drift) == 0 && len(r.Violations) == 0 && len(r.ResendMismatches) == 0
	r.Verdict = r.Summary()
	return r
}

// Summary is the verdict in one line.
func (r *Report) Summary() string {
	if r.Pass {
		return fmt.Sprintf("PASS: all %d accounts match the oracle to the cent", r.AccountsChecked)
	}
	return fmt.Sprintf("FAIL: %d of %d accounts drift, %d invariant violations, %d JIT resends answered differently",
		r.DriftAccounts, r.AccountsChecked, len(r.Violations), len(r.ResendMismatches))
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}
