package run

import (
	"time"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator"
	"github.com/jitsim/jitsim/simulator/traffic"
)

// stats counts what the network did, step by step. It is fed from the one
// goroutine that drives a lane's engine; lanes share the latency sampler.
type stats struct {
	last      *simulator.Outcome // the JIT outcome of the step under way
	latencies *sampler
	scenarios map[string]*ScenarioCount
	messages  map[string]int64
	declined  map[string]int64
	counts    Counts
}

// Counts are the run's message totals.
type Counts struct {
	// Transactions is every network message sent.
	Transactions int64 `json:"transactions"`
	// Approved and Declined are the JIT-decided messages (authorizations,
	// incrementals, PIN debits, balance inquiries) the network approved
	// (stand-ins included) or declined.
	Approved int64 `json:"approved"`
	Declined int64 `json:"declined"`
	// StandIn is how many approvals Commando Mode made instead of the gateway.
	StandIn int64 `json:"standin"`
	// Informative is the messages the network forces on the gateway
	// (clearings, advices, reversals, expiries, refunds, force posts).
	Informative int64 `json:"informative"`
	// Skipped is planned follow-ups the network did not send because their
	// authorization was declined (or already closed).
	Skipped int64 `json:"skipped"`
	// Flows is the scenario instances started.
	Flows int64 `json:"flows"`
}

// ScenarioCount is one scenario's share of the run.
type ScenarioCount struct {
	Scenario     string `json:"scenario"`
	Flows        int64  `json:"flows"`
	Transactions int64  `json:"transactions"`
	Approved     int64  `json:"approved"`
	Declined     int64  `json:"declined"`
	Informative  int64  `json:"informative"`
}

func newStats(l *sampler) *stats {
	return &stats{latencies: l, scenarios: map[string]*ScenarioCount{}, messages: map[string]int64{}, declined: map[string]int64{}}
}

// merge adds o's counts to s (lanes into one report).
func (s *stats) merge(o *stats) {
	c := &s.counts
	c.Transactions += o.counts.Transactions
	c.Approved += o.counts.Approved
	c.Declined += o.counts.Declined
	c.StandIn += o.counts.StandIn
	c.Informative += o.counts.Informative
	c.Skipped += o.counts.Skipped
	c.Flows += o.counts.Flows
	for k, v := range o.messages {
		s.messages[k] += v
	}
	for k, v := range o.declined {
		s.declined[k] += v
	}
	for k, v := range o.scenarios {
		sc := s.scenarios[k]
		if sc == nil {
			sc = &ScenarioCount{Scenario: k}
			s.scenarios[k] = sc
		}
		sc.Flows += v.Flows
		sc.Transactions += v.Transactions
		sc.Approved += v.Approved
		sc.Declined += v.Declined
		sc.Informative += v.Informative
	}
}

// observe keeps the JIT outcome of the step under way and its latency.
func (s *stats) observe(o simulator.Observation) {
	if o.Outcome != nil {
		s.last = o.Outcome
		s.latencies.add(o.Outcome.Latency)
	}
}

// begin starts a step.
func (s *stats) begin() { s.last = nil }

// step counts step i of f, which sent txn (nil: skipped).
func (s *stats) step(f *traffic.Flow, i int, txn *jit.Transaction) {
	sc := s.scenarios[f.Scenario]
	if sc == nil {
		sc = &ScenarioCount{Scenario: f.Scenario}
		s.scenarios[f.Scenario] = sc
	}
	if i == 0 {
		sc.Flows++
		s.counts.Flows++
	}
	if txn == nil {
		s.counts.Skipped++
		return
	}
	s.counts.Transactions++
	sc.Transactions++
	s.messages[txn.Type]++
	switch {
	case !f.Steps[i].Op.JIT():
		s.counts.Informative++
		sc.Informative++
	case txn.State == jit.StateDeclined:
		s.counts.Declined++
		sc.Declined++
		s.declined[declineReason(txn, s.last)]++
	default:
		s.counts.Approved++
		sc.Approved++
		if txn.StandinApprovedBy != "" {
			s.counts.StandIn++
		}
	}
}

// declineReason names why the network declined: the gateway's
// decline_reason, or how the gateway failed.
func declineReason(txn *jit.Transaction, o *simulator.Outcome) string {
	if o == nil {
		if txn.Response != nil && txn.Response.Memo != "" {
			return txn.Response.Memo
		}
		return "declined"
	}
	switch o.Kind {
	case simulator.OutcomeDeclined:
		if o.DeclineReason != "" {
			return o.DeclineReason
		}
		if o.Status == 200 {
			return "partial approval refused"
		}
		return "declined without a reason"
	case simulator.OutcomeTimeout:
		return "gateway timeout"
	case simulator.OutcomeConnectionError:
		return "connection error"
	case simulator.OutcomeApplicationError:
		return "application error"
	}
	return o.Kind
}

// Latency is the gateway's decision latency in real time, milliseconds.
type Latency struct {
	Calls int64   `json:"calls"`
	P50   float64 `json:"p50_ms"`
	P99   float64 `json:"p99_ms"`
	Max   float64 `json:"max_ms"`
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
