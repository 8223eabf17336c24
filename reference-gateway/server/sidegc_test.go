package server

import (
	"math"
	"runtime"
	rtmetrics "runtime/metrics"
	"strconv"
	"testing"
	"time"
)

// gcSample is this process's garbage collector counters at one moment,
// read without stopping the world (runtime/metrics), so that each step of
// the side-by-side ladder can say how many collections fell in it and what
// they cost its requests.
type gcSample struct {
	cycles uint64
	pause  time.Duration // stop-the-world time of the collector, estimated from its histogram's buckets
	assist time.Duration // time goroutines spent in mark assists (processor time, not CPU time)
}

var gcMetrics = []string{
	"/gc/cycles/total:gc-cycles",
	"/sched/pauses/total/gc:seconds",
	"/cpu/classes/gc/mark/assist:cpu-seconds",
}

// readGC reads the collector's counters.
func readGC() gcSample {
	s := make([]rtmetrics.Sample, len(gcMetrics))
	for i, name := range gcMetrics {
		s[i].Name = name
	}
	rtmetrics.Read(s)
	var g gcSample
	if s[0].Value.Kind() == rtmetrics.KindUint64 {
		g.cycles = s[0].Value.Uint64()
	}
	if s[1].Value.Kind() == rtmetrics.KindFloat64Histogram {
		g.pause = histSum(s[1].Value.Float64Histogram())
	}
	if s[2].Value.Kind() == rtmetrics.KindFloat64 {
		g.assist = time.Duration(s[2].Value.Float64() * float64(time.Second))
	}
	return g
}

// histSum estimates the sum of a runtime/metrics histogram of seconds: each
// count at the middle of its bucket (an open-ended bucket at its finite
// bound).
func histSum(h *rtmetrics.Float64Histogram) time.Duration {
	var sum float64
	for i, n := range h.Counts {
		if n == 0 {
			continue
		}
		lo, hi := h.Buckets[i], h.Buckets[i+1]
		mid := (lo + hi) / 2
		switch {
		case math.IsInf(lo, -1):
			mid = hi
		case math.IsInf(hi, 1):
			mid = lo
		}
		sum += float64(n) * mid
	}
	return time.Duration(sum * float64(time.Second))
}

// sub returns the change from g0 to g.
func (g gcSample) sub(g0 gcSample) gcSample {
	return gcSample{cycles: g.cycles - g0.cycles, pause: g.pause - g0.pause, assist: g.assist - g0.assist}
}

func (g gcSample) add(d gcSample) gcSample {
	return gcSample{cycles: g.cycles + d.cycles, pause: g.pause + d.pause, assist: g.assist + d.assist}
}

// gcCells formats a step's collections for the report: "3 | 4.1 | 52", or
// dashes when the targets ran in child processes, whose collectors this
// process cannot see.
func gcCells(g gcSample, ok bool) string {
	if !ok {
		return "– | – | –"
	}
	return strconv.FormatUint(g.cycles, 10) + " | " + strconv.FormatFloat(float64(g.pause)/float64(time.Millisecond), 'f', 1, 64) +
		" | " + strconv.FormatFloat(float64(g.assist)/float64(time.Millisecond), 'f', 0, 64)
}

func TestHistSum(t *testing.T) {
	inf := math.Inf(1)
	for _, tc := range []struct {
		name    string
		buckets []float64
		counts  []uint64
		want    time.Duration
	}{
		{"empty", []float64{0, 1}, []uint64{0}, 0},
		{"middles", []float64{0, 0.002, 0.004}, []uint64{1, 2}, 7 * time.Millisecond}, // 1×1 ms + 2×3 ms
		{"open ends", []float64{-inf, 0.001, inf}, []uint64{2, 1}, 3 * time.Millisecond},
	} {
		got := histSum(&rtmetrics.Float64Histogram{Buckets: tc.buckets, Counts: tc.counts})
		if d := got - tc.want; d < -time.Microsecond || d > time.Microsecond {
			t.Errorf("%s: histSum = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestReadGCCountsACollection(t *testing.T) {
	g0 := readGC()
	runtime.GC()
	if d := readGC().sub(g0); d.cycles < 1 || d.pause <= 0 {
		t.Errorf("after runtime.GC: %d cycles and %v of pauses, want at least 1 and more than 0", d.cycles, d.pause)
	}
	if got := gcCells(gcSample{cycles: 3, pause: 4100 * time.Microsecond, assist: 52 * time.Millisecond}, true); got != "3 | 4.1 | 52" {
		t.Errorf("gcCells = %q", got)
	}
	if got := gcCells(gcSample{}, false); got != "– | – | –" {
		t.Errorf("gcCells without the children's collectors = %q", got)
	}
}
