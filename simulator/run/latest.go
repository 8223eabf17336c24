package run

import (
	"sync/atomic"
	"time"
)

// Latest is the latest virtual time a run has reached, as a clock for an
// in-process gateway: set Config.OnTime to Observe and give the gateway Now,
// and the gateway's own expiry and retention follow the simulated days
// instead of the few minutes of wall time the run takes. The zero value is
// ready; it is safe for concurrent use.
type Latest struct{ v atomic.Int64 }

// Observe moves the clock to t when t is later than what it shows.
func (l *Latest) Observe(t time.Time) {
	for v := t.UnixNano(); ; {
		cur := l.v.Load()
		if v <= cur || l.v.CompareAndSwap(cur, v) {
			return
		}
	}
}

// Now is the latest observed virtual time, or wall time before the first.
func (l *Latest) Now() time.Time {
	if v := l.v.Load(); v != 0 {
		return time.Unix(0, v).UTC()
	}
	return time.Now()
}
