// Package clock is the simulator's time: the wall clock for an interactive
// sandbox, or a virtual clock that a simulation advances, so that "cleared
// two days later" and 30-day expiries happen at once and in a replayable
// order.
package clock

import (
	"container/heap"
	"sync"
	"time"
)

// Clock tells the time and runs functions later.
type Clock interface {
	Now() time.Time
	// AfterFunc runs f once, d from now, on the clock's own terms.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a pending AfterFunc.
type Timer interface {
	// Stop prevents the function from running; false if it already ran or
	// was stopped.
	Stop() bool
}

// Real returns the wall clock.
func Real() Clock { return realClock{} }

type realClock struct{}

func (realClock) Now() time.Time                            { return time.Now() }
func (realClock) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }

// Virtual is simulated time. It moves only when Advance, AdvanceTo or
// RunUntilIdle say so; timers fire synchronously on the goroutine that
// advances it, in due-time order and, for equal times, in the order they
// were scheduled. It is safe for concurrent use.
type Virtual struct {
	mu     sync.Mutex
	now    time.Time
	seq    uint64
	timers timerHeap
}

// NewVirtual returns a virtual clock reading start.
func NewVirtual(start time.Time) *Virtual { return &Virtual{now: start} }

// Now returns the virtual time.
func (v *Virtual) Now() time.Time {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.now
}

// AfterFunc schedules f at Now()+d (d ≤ 0 means at Now, on the next advance).
func (v *Virtual) AfterFunc(d time.Duration, f func()) Timer {
	v.mu.Lock()
	defer v.mu.Unlock()
	if d < 0 {
		d = 0
	}
	v.seq++
	t := &vtimer{v: v, due: v.now.Add(d), seq: v.seq, f: f, index: -1}
	heap.Push(&v.timers, t)
	return t
}

// Advance moves time forward by d, firing every timer due by then.
func (v *Virtual) Advance(d time.Duration) { v.AdvanceTo(v.Now().Add(d)) }

// AdvanceTo moves time forward to t (never backward), firing every timer
// due by then, each with Now() equal to its due time while it runs; timers
// scheduled by those callbacks within the window fire too.
func (v *Virtual) AdvanceTo(t time.Time) {
	for {
		v.mu.Lock()
		if len(v.timers) == 0 || v.timers[0].due.After(t) {
			if t.After(v.now) {
				v.now = t
			}
			v.mu.Unlock()
			return
		}
		next := heap.Pop(&v.timers).(*vtimer)
		if next.due.After(v.now) {
			v.now = next.due
		}
		next.fired = true
		v.mu.Unlock()
		next.f()
	}
}

// Next returns the due time of the next pending timer.
func (v *Virtual) Next() (time.Time, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if len(v.timers) == 0 {
		return time.Time{}, false
	}
	return v.timers[0].due, true
}

// RunUntilIdle fires pending timers one after another, jumping time to
// each, until none remain or limit have fired. It returns how many fired.
func (v *Virtual) RunUntilIdle(limit int) int {
	n := 0
	for n < limit {
		due, ok := v.Next()
		if !ok {
			break
		}
		v.mu.Lock()
		next := heap.Pop(&v.timers).(*vtimer)
		if due.After(v.now) {
			v.now = due
		}
		next.fired = true
		v.mu.Unlock()
		next.f()
		n++
	}
	return n
}

type vtimer struct {
	v     *Virtual
	due   time.Time
	seq   uint64
	f     func()
	index int
	fired bool
}

func (t *vtimer) Stop() bool {
	t.v.mu.Lock()
	defer t.v.mu.Unlock()
	if t.fired || t.index < 0 {
		return false
	}
	heap.Remove(&t.v.timers, t.index)
	return true
}

type timerHeap []*vtimer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if !h[i].due.Equal(h[j].due) {
		return h[i].due.Before(h[j].due)
	}
	return h[i].seq < h[j].seq
}
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *timerHeap) Push(x any) {
	t := x.(*vtimer)
	t.index = len(*h)
	*h = append(*h, t)
}
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	t.index = -1
	return t
}
