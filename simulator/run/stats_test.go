package run

import (
	"testing"
	"time"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator"
	"github.com/jitsim/jitsim/simulator/traffic"
)

func TestDeclineReason(t *testing.T) {
	declined := &jit.Transaction{State: jit.StateDeclined, Response: &jit.Response{Memo: "Card not active"}}
	tests := []struct {
		name string
		o    *simulator.Outcome
		want string
	}{
		{"gateway reason", &simulator.Outcome{Kind: simulator.OutcomeDeclined, Status: 402, DeclineReason: "INSUFFICIENT_FUNDS"}, "INSUFFICIENT_FUNDS"},
		{"402 without reason", &simulator.Outcome{Kind: simulator.OutcomeDeclined, Status: 402}, "declined without a reason"},
		{"partial refused", &simulator.Outcome{Kind: simulator.OutcomeDeclined, Status: 200}, "partial approval refused"},
		{"timeout", &simulator.Outcome{Kind: simulator.OutcomeTimeout}, "gateway timeout"},
		{"connection", &simulator.Outcome{Kind: simulator.OutcomeConnectionError}, "connection error"},
		{"application", &simulator.Outcome{Kind: simulator.OutcomeApplicationError, Status: 500}, "application error"},
		{"no JIT exchange", nil, "Card not active"},
	}
	for _, tt := range tests {
		if got := declineReason(declined, tt.o); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestStatsCountStepsAndLatency(t *testing.T) {
	s := newStats(newSampler(1))
	f := &traffic.Flow{Scenario: traffic.ScenarioGrocery, Steps: []traffic.Step{{Op: traffic.OpAuthorize}, {Op: traffic.OpClear}}}
	for i := 1; i <= 100; i++ {
		s.begin()
		s.observe(simulator.Observation{Outcome: &simulator.Outcome{Kind: simulator.OutcomeApproved, Latency: time.Duration(i) * time.Millisecond}})
		s.step(f, 0, &jit.Transaction{Type: jit.TypeAuthorization, State: jit.StatePending})
		s.begin()
		s.step(f, 1, &jit.Transaction{Type: jit.TypeAuthorizationClearing, State: jit.StateCompletion})
	}
	g := &traffic.Flow{Scenario: traffic.ScenarioExpiry, Steps: []traffic.Step{{Op: traffic.OpAuthorize}, {Op: traffic.OpExpire}}}
	s.begin()
	s.observe(simulator.Observation{Outcome: &simulator.Outcome{Kind: simulator.OutcomeTimeout}})
	s.step(g, 0, &jit.Transaction{Type: jit.TypeAuthorization, State: jit.StateDeclined})
	s.begin()
	s.step(g, 1, nil)
	c := s.counts
	if c.Transactions != 201 || c.Approved != 100 || c.Declined != 1 || c.Informative != 100 || c.Skipped != 1 || c.Flows != 101 {
		t.Fatalf("counts %+v", c)
	}
	if s.declined["gateway timeout"] != 1 || s.messages[jit.TypeAuthorizationClearing] != 100 {
		t.Fatalf("declined %v messages %v", s.declined, s.messages)
	}
	if sc := s.scenarios[traffic.ScenarioGrocery]; sc.Flows != 100 || sc.Transactions != 200 || sc.Approved != 100 {
		t.Fatalf("grocery %+v", sc)
	}
	l := s.latencies.latency()
	if l.Calls != 101 || l.P50 != 50 || l.P99 != 99 || l.Max != 100 {
		t.Fatalf("latency %+v", l)
	}
}
