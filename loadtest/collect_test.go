package loadtest

import (
	"fmt"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

var t0 = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

// result is a synthetic vegeta result for request seq, scheduled at sched,
// sent delay later, answered after latency.
func result(seq uint64, sched time.Time, delay, latency time.Duration, code uint16, body, errStr string) *vegeta.Result {
	r := &vegeta.Result{Attack: "synthetic", Seq: seq, Code: code, Timestamp: sched.Add(delay), Latency: latency, Body: []byte(body), Error: errStr}
	tok := fmt.Sprintf("tok-%d", seq)
	annotate(r, meta{method: MethodAuthorization, user: "u1", jitToken: tok, amount: 1000}, sched, time.Second)
	return r
}

func echo(seq uint64, reason string) string {
	if reason != "" {
		return fmt.Sprintf(`{"jit_funding":{"token":"tok-%d","method":"pgfs.authorization","user_token":"u1","amount":10.00,"decline_reason":%q}}`, seq, reason)
	}
	return fmt.Sprintf(`{"jit_funding":{"token":"tok-%d","method":"pgfs.authorization","user_token":"u1","amount":10.00}}`, seq)
}

// TestCollectorOutcomes: every answer Marqeta could not use in time is a
// decline, with a reason that says why.
func TestCollectorOutcomes(t *testing.T) {
	ms := time.Millisecond
	rs := []struct {
		r     *vegeta.Result
		label string
	}{
		{result(0, t0, 0, 10*ms, 200, echo(0, ""), ""), "approved"},
		{result(1, t0, 0, 10*ms, 402, echo(1, "INSUFFICIENT_FUNDS"), ""), "declined"},
		{result(2, t0, 0, 10*ms, 402, echo(2, ""), ""), "declined"},
		{result(3, t0, 0, 1200*ms, 200, echo(3, ""), ""), "timeout"},     // approved too late
		{result(4, t0, 300*ms, 800*ms, 200, echo(4, ""), ""), "timeout"}, // in time for vegeta, late from the schedule
		{result(5, t0, 0, time.Second, 0, "", `Post "x": context deadline exceeded (Client.Timeout exceeded)`), "timeout"},
		{result(6, t0, 0, ms, 0, "", "dial tcp: connection refused"), "error"},
		{result(7, t0, 0, ms, 500, "oops", "500 Internal Server Error"), "error"},
		{result(8, t0, 0, ms, 200, "not json", ""), "error"},
		{result(9, t0, 0, ms, 200, echo(99, ""), ""), "error"}, // echoes another token
	}
	c := NewCollector(time.Second)
	c.track = true
	for _, x := range rs {
		if label, _ := c.add(x.r); label != x.label {
			t.Errorf("seq %d: label %q, want %q", x.r.Seq, label, x.label)
		}
	}
	s := c.Summary()
	if s.Requests != 10 || s.Approved != 1 || s.Declined != 9 || s.Answered != 3 {
		t.Fatalf("requests %d approved %d declined %d answered %d", s.Requests, s.Approved, s.Declined, s.Answered)
	}
	want := map[string]uint64{"INSUFFICIENT_FUNDS": 1, ReasonNone: 1, KindTimeout: 3, KindConnectionError: 1, KindApplicationError: 3}
	for k, v := range want {
		if s.DeclineReasons[k] != v {
			t.Errorf("reason %s = %d, want %d (all: %v)", k, s.DeclineReasons[k], v, s.DeclineReasons)
		}
	}
	if len(s.DeclineReasons) != len(want) {
		t.Errorf("reasons %v", s.DeclineReasons)
	}
	if got := s.ErrorShare(); got != 0.7 {
		t.Errorf("error share %v, want 0.7", got)
	}
	// One approved hold is certain; the timeouts and errors that could have
	// reached the gateway are uncertain (the 500, the bad bodies included).
	if len(s.approvedHolds) != 1 || s.approvedHolds[0].amount != 1000 || len(s.uncertain) != 7 {
		t.Errorf("holds %v uncertain %v", s.approvedHolds, s.uncertain)
	}
	sla, _ := ParseSLA(DefaultSLA(time.Second))
	if pass, _ := sla.Judge(s); pass {
		t.Error("default SLA passed a run with timeouts")
	}
}

// TestCorrectedLatencyWithStall replays what a generator that waits for the
// server does (vegeta with capped workers): during a 1 s stall the requests
// scheduled are held back and sent in a burst when it ends, each then
// answered fast. vegeta's latency sees one slow request; the corrected
// latency sees everyone who waited.
func TestCorrectedLatencyWithStall(t *testing.T) {
	c := NewCollector(3 * time.Second)
	interval := 10 * time.Millisecond
	stallStart, stallEnd := 100, 200 // hits scheduled in [1s, 2s)
	for i := range 1000 {
		sched := t0.Add(time.Duration(i) * interval)
		delay, lat := time.Duration(0), time.Millisecond
		switch {
		case i == stallStart:
			lat = time.Second // the one vegeta sees
		case i > stallStart && i < stallEnd:
			delay = t0.Add(2 * time.Second).Sub(sched) // sent when the stall ends
		}
		c.Add(result(uint64(i), sched, delay, lat, 200, echo(uint64(i), ""), ""))
	}
	s := c.Summary()
	if s.Latency.P99 > 5*time.Millisecond {
		t.Errorf("vegeta p99 %s: the stall should be hidden from it", s.Latency.P99)
	}
	if s.LatencyCorrected.P99 < 500*time.Millisecond || s.LatencyCorrected.Max < time.Second {
		t.Errorf("corrected p99 %s max %s: the stall should show", s.LatencyCorrected.P99, s.LatencyCorrected.Max)
	}
	if s.SendLag.Max < 980*time.Millisecond {
		t.Errorf("send lag max %s", s.SendLag.Max)
	}
	sla, _ := ParseSLA("p99<=100ms")
	if pass, v := sla.Judge(s); pass {
		t.Errorf("SLA judged on vegeta's latency: %+v", v)
	}
	// Without the schedule (a plain vegeta file) corrected = vegeta's.
	plain := NewCollector(3 * time.Second)
	r := result(0, t0, 50*time.Millisecond, time.Millisecond, 200, echo(0, ""), "")
	delete(r.Headers, HeaderScheduled)
	plain.Add(r)
	if ps := plain.Summary(); ps.LatencyCorrected.Max != time.Millisecond {
		t.Errorf("corrected without schedule %s", ps.LatencyCorrected.Max)
	}
}

func TestCollectorTimeoutFromHeaders(t *testing.T) {
	c := NewCollector(0) // merge: the timeout each result recorded
	r := result(0, t0, 0, 1500*time.Millisecond, 200, echo(0, ""), "")
	r.Headers[HeaderTimeout] = []string{fmt.Sprint(int64(time.Second))}
	if label, _ := c.add(r); label != "timeout" {
		t.Fatalf("label %q", label)
	}
	r = result(1, t0, 0, 1500*time.Millisecond, 200, echo(1, ""), "")
	r.Headers[HeaderTimeout] = []string{fmt.Sprint(int64(2 * time.Second))}
	if label, _ := c.add(r); label != "approved" {
		t.Fatalf("label %q", label)
	}
}
