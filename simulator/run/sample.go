package run

import (
	"math/rand/v2"
	"slices"
	"sync"
	"time"
)

// maxSamples bounds the decision latencies kept for the percentiles.
const maxSamples = 1 << 16

// sampler keeps decision latencies in bounded memory: every one up to
// maxSamples, then a uniform reservoir of maxSamples (Algorithm R) from a
// seeded generator. The count and the maximum stay exact; past maxSamples
// the percentiles are estimates. Lanes share one; it is safe for concurrent
// use.
type sampler struct {
	mu   sync.Mutex
	keep []time.Duration
	n    int64
	max  time.Duration
	rng  *rand.Rand
}

func newSampler(seed uint64) *sampler {
	return &sampler{rng: rand.New(rand.NewPCG(seed, 0x5a3c1e))}
}

func (s *sampler) add(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	s.max = max(s.max, d)
	if len(s.keep) < maxSamples {
		s.keep = append(s.keep, d)
		return
	}
	if i := s.rng.Int64N(s.n); i < maxSamples {
		s.keep[i] = d
	}
}

// latency returns the count, p50, p99 and maximum.
func (s *sampler) latency() Latency {
	s.mu.Lock()
	d := slices.Clone(s.keep)
	n, top := s.n, s.max
	s.mu.Unlock()
	if len(d) == 0 {
		return Latency{}
	}
	slices.Sort(d)
	q := func(p float64) float64 {
		i := int(p*float64(len(d))+0.5) - 1
		return ms(d[min(max(i, 0), len(d)-1)])
	}
	return Latency{Calls: n, P50: q(0.50), P99: q(0.99), Max: ms(top)}
}
