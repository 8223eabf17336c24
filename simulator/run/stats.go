package run

import (
	"slices"
	"time"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator"
	"github.com/jitsim/jitsim/simulator/traffic"
)

// stats counts what the network did, step by step. It is fed from the one
// goroutine that drives the engine.
type stats struct {
	last      *simulator.Outcome // the JIT outcome of the step under way
	latencies []time.Duration
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

func newStats() *stats {
	return &stats{scenarios: map[string]*ScenarioCount{}, messages: map[string]int64{}, declined: map[string]int64{}}
}

// observe keeps the JIT outcome of the step under way and its latency.
func (s *stats) observe(o simulator.Observation) {
	if o.Outcome != nil {
		s.last = o.Outcome
		s.latencies = append(s.latencies, o.Outcome.Latency)
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

func (s *stats) latency() Latency {
	d := slices.Clone(s.latencies)
	if len(d) == 0 {
		return Latency{}
	}
	slices.Sort(d)
	q := func(p float64) float64 {
		i := int(p*float64(len(d))+0.5) - 1
		return ms(d[min(max(i, 0), len(d)-1)])
	}
	return Latency{Calls: int64(len(d)), P50: q(0.50), P99: q(0.99), Max: ms(d[len(d)-1])}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
