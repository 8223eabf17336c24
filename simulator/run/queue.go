package run

import (
	"container/heap"
	"time"

	"github.com/jitsim/jitsim/simulator/traffic"
)

// pending is a flow's next step, due at a virtual time.
type pending struct {
	due   time.Time
	seq   uint64 // order of scheduling: ties in due run first come first
	flow  *traffic.Flow
	start time.Time // the flow's actual start (its steps' offsets count from it)
	step  int
}

// queue is a priority queue of pending steps ordered by (due, seq).
type queue struct {
	items []pending
	seq   uint64
}

func (q *queue) Len() int { return len(q.items) }
func (q *queue) Less(i, j int) bool {
	a, b := &q.items[i], &q.items[j]
	if !a.due.Equal(b.due) {
		return a.due.Before(b.due)
	}
	return a.seq < b.seq
}
func (q *queue) Swap(i, j int) { q.items[i], q.items[j] = q.items[j], q.items[i] }
func (q *queue) Push(x any)    { q.items = append(q.items, x.(pending)) }
func (q *queue) Pop() any {
	n := len(q.items) - 1
	it := q.items[n]
	q.items[n] = pending{}
	q.items = q.items[:n]
	return it
}

// schedule queues step i of f, whose flow started at start.
func (q *queue) schedule(f *traffic.Flow, start time.Time, i int) {
	q.seq++
	heap.Push(q, pending{due: start.Add(f.Steps[i].After), seq: q.seq, flow: f, start: start, step: i})
}

// next removes and returns the earliest pending step.
func (q *queue) next() pending { return heap.Pop(q).(pending) }

// peek returns the earliest pending step's due time.
func (q *queue) peek() (time.Time, bool) {
	if len(q.items) == 0 {
		return time.Time{}, false
	}
	return q.items[0].due, true
}
