package run

import (
	"context"
	"sync"

	"github.com/jitsim/jitsim/simulator/fault"
	"github.com/jitsim/jitsim/simulator/traffic"
)

// Lanes (Config.Workers > 1): the runner sends one message at a time and
// waits for the gateway's answer (and its fsync), so one lane is bound by
// the gateway's latency, not its throughput. Lanes multiply the messages in
// flight without sharing anything but the gateway and the oracle: lane i
// plays its own profile — the run's, with a seed derived from the run's
// seed and i, its share of the cardholders, transactions and rate, and
// flows n times further apart on its virtual clock, so that the lanes
// together put as many flows in a virtual day as one lane would — on its
// own engine and virtual clock, with its own faults and webhook
// dispatcher, from its own goroutine. Tokens come from each lane's seeded
// generator, so lanes never share an account or a transaction, and the
// oracle (safe for concurrent use) sees each account's messages in its
// lane's order. Each lane replays the same for a seed; the interleaving of
// lanes, and so the run as a whole, does not.

// laneProfile is lane i's share of p, for n lanes.
func laneProfile(p traffic.Profile, i, n int) traffic.Profile {
	q := p
	q.Seed = laneSeed(p.Seed, i)
	q.Cardholders.Count = int(share(int64(p.Cardholders.Count), i, n))
	if p.Transactions > 0 {
		q.Transactions = share(p.Transactions, i, n)
	}
	q.Rate = p.Rate / float64(n)
	q.Interval = p.Interval * traffic.Duration(n)
	return q
}

// share is lane i's part of total split n ways; the first total%n lanes
// take one more.
func share(total int64, i, n int) int64 {
	s := total / int64(n)
	if int64(i) < total%int64(n) {
		s++
	}
	return s
}

// laneSeed derives lane i's seed from the run's (splitmix64 of both), never 0.
func laneSeed(seed uint64, i int) uint64 {
	z := seed + uint64(i+1)*0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	z ^= z >> 31
	if z == 0 {
		z = 1
	}
	return z
}

// each runs fn on every lane: inline for one lane (the byte-identical
// run), else one goroutine a lane, cancelling the others at the first
// error, which it returns.
func each(ctx context.Context, lanes []*world, fn func(context.Context, *world) error) error {
	if len(lanes) == 1 {
		return fn(ctx, lanes[0])
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make([]error, len(lanes))
	var wg sync.WaitGroup
	for i, w := range lanes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if errs[i] = fn(ctx, w); errs[i] != nil {
				cancel()
			}
		}()
	}
	wg.Wait()
	var first error
	for _, err := range errs {
		switch {
		case err == nil:
		case first == nil, first == context.Canceled:
			first = err // a lane's own error over the cancellation it caused
		}
	}
	return first
}

// ticker adds up the lanes' progress for the bar and Config.Tick.
type ticker struct {
	mu    sync.Mutex
	bar   *progress
	fn    func(sent int64)
	total int64
}

func (t *ticker) add(sent int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.total += sent
	t.bar.update(t.total)
	if t.fn != nil {
		t.fn(t.total)
	}
}

// mergeFaults adds up the lanes' fault statistics, by fault, in the first
// lane's order.
func mergeFaults(lanes []*world) []fault.Stat {
	out := lanes[0].faults.Stats()
	for _, w := range lanes[1:] {
		for _, st := range w.faults.Stats() {
			for i := range out {
				if out[i].Name == st.Name {
					out[i].Opportunities += st.Opportunities
					out[i].Injected += st.Injected
				}
			}
		}
	}
	for i := range out {
		if out[i].Opportunities > 0 {
			out[i].Observed = float64(out[i].Injected) / float64(out[i].Opportunities)
		}
	}
	return out
}
