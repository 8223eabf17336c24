package run

import (
	"testing"
	"time"

	"github.com/jitsim/jitsim/simulator/traffic"
)

func TestQueueOrdersByTimeThenScheduling(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	flow := func(id int64, offsets ...time.Duration) *traffic.Flow {
		f := &traffic.Flow{ID: id}
		for _, o := range offsets {
			f.Steps = append(f.Steps, traffic.Step{After: o})
		}
		return f
	}
	var q queue
	a := flow(1, 0, 48*time.Hour)
	b := flow(2, 0)
	c := flow(3, time.Hour)
	q.schedule(a, t0.Add(time.Minute), 1) // due t0+48h1m
	q.schedule(b, t0.Add(time.Minute), 0) // due t0+1m, scheduled before c's tie
	q.schedule(c, t0, 0)                  // due t0+1h
	q.schedule(a, t0.Add(time.Minute), 0) // due t0+1m, ties with b, scheduled later
	var got []int64
	var due []time.Time
	for q.Len() > 0 {
		it := q.next()
		got = append(got, it.flow.ID*10+int64(it.step))
		due = append(due, it.due)
	}
	want := []int64{20, 10, 30, 11}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("order %v, want %v", got, want)
		}
	}
	if !due[3].Equal(t0.Add(48*time.Hour + time.Minute)) {
		t.Fatalf("last due %s", due[3])
	}
	if _, ok := q.peek(); ok {
		t.Fatal("empty queue peeks a time")
	}
}
