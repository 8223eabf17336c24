package run

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jitsim/jitsim/simulator/traffic"
)

func TestLaneProfilesSplitTheRun(t *testing.T) {
	p := traffic.Default()
	p.Transactions, p.Rate, p.Cardholders.Count = 1003, 400, 10
	for _, n := range []int{1, 2, 3, 4} {
		var tx, holders int64
		var rate float64
		seeds := map[uint64]bool{}
		for i := range n {
			q := laneProfile(p, i, n)
			tx += q.Transactions
			holders += int64(q.Cardholders.Count)
			rate += q.Rate
			seeds[q.Seed] = true
			if q.Interval != p.Interval*traffic.Duration(n) {
				t.Fatalf("%d lanes: interval %s, want %d × %s", n, time.Duration(q.Interval), n, time.Duration(p.Interval))
			}
			if err := q.Validate(); err != nil {
				t.Fatalf("%d lanes, lane %d: %v", n, i, err)
			}
		}
		if tx != p.Transactions || holders != int64(p.Cardholders.Count) || rate != p.Rate || len(seeds) != n || seeds[0] {
			t.Fatalf("%d lanes: %d transactions, %d holders, rate %v, %d distinct seeds", n, tx, holders, rate, len(seeds))
		}
	}
	if laneSeed(1, 0) != laneSeed(1, 0) || laneSeed(1, 0) == laneSeed(2, 0) || laneSeed(1, 0) == laneSeed(1, 1) {
		t.Fatal("lane seeds are not a function of the run's seed and the lane")
	}
}

func TestRetentionChoice(t *testing.T) {
	p := traffic.Default()
	p.RefundDelay.Max = traffic.Duration(240 * time.Hour)
	tests := []struct {
		name         string
		retain       time.Duration
		transactions int64
		want         time.Duration
	}{
		{"small run keeps everything", 0, LargeRun, 0},
		{"large run retains past refunds", 0, LargeRun + 1, 264 * time.Hour},
		{"duration run retains", 0, 0, 264 * time.Hour},
		{"explicit", time.Hour, 10, time.Hour},
		{"off", -1, 1_000_000, 0},
	}
	for _, tt := range tests {
		c := Config{Retain: tt.retain}
		p.Transactions = tt.transactions
		if got := c.retention(p); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestSamplerBoundsMemory(t *testing.T) {
	s := newSampler(1)
	const n = 4 * maxSamples
	for i := 1; i <= n; i++ {
		s.add(time.Duration(i) * time.Microsecond)
	}
	l := s.latency()
	if len(s.keep) != maxSamples || l.Calls != n || l.Max != ms(n*time.Microsecond) {
		t.Fatalf("kept %d, latency %+v", len(s.keep), l)
	}
	// Uniform over 1..n µs: the reservoir's median is near n/2.
	if mid := ms(n / 2 * time.Microsecond); l.P50 < 0.95*mid || l.P50 > 1.05*mid {
		t.Fatalf("p50 %.1f ms, want about %.1f", l.P50, mid)
	}
}

func TestParseHWM(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		{"Name:\tjitsim\nVmPeak:\t  900 kB\nVmHWM:\t  123456 kB\nVmRSS:\t 1 kB\n", 123456 << 10},
		{"Name:\tjitsim\n", 0},
		{"VmHWM:\tlots kB\n", 0},
	}
	for _, tt := range tests {
		if got := parseHWM(strings.NewReader(tt.in)); got != tt.want {
			t.Errorf("%q: %d, want %d", tt.in, got, tt.want)
		}
	}
	if _, err := os.Stat("/proc/self/status"); err == nil && peakRSS() <= 0 {
		t.Fatal("peak RSS not read from /proc/self/status")
	}
}
