package clock

import (
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func TestVirtualOrderTiesAndNow(t *testing.T) {
	v := NewVirtual(t0)
	var got []string
	at := func(name string) func() {
		return func() { got = append(got, name+"@"+v.Now().Sub(t0).String()) }
	}
	v.AfterFunc(2*time.Second, at("b"))
	v.AfterFunc(time.Second, at("a"))
	v.AfterFunc(2*time.Second, at("c")) // tie with b: scheduled later, fires later
	stopped := v.AfterFunc(1500*time.Millisecond, at("x"))
	if !stopped.Stop() || stopped.Stop() {
		t.Fatal("Stop should succeed once")
	}
	v.AfterFunc(time.Second, func() {
		got = append(got, "a2@"+v.Now().Sub(t0).String())
		v.AfterFunc(500*time.Millisecond, at("nested")) // due at 1.5 s, inside the window
	})
	v.Advance(2 * time.Second)
	want := []string{"a@1s", "a2@1s", "nested@1.5s", "b@2s", "c@2s"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	if !v.Now().Equal(t0.Add(2 * time.Second)) {
		t.Fatalf("now %v", v.Now())
	}
	if _, ok := v.Next(); ok {
		t.Fatal("timers left")
	}
}

func TestRunUntilIdle(t *testing.T) {
	v := NewVirtual(t0)
	n := 0
	var tick func()
	tick = func() {
		n++
		v.AfterFunc(4*time.Second*time.Duration(n), tick)
	}
	v.AfterFunc(0, tick)
	if fired := v.RunUntilIdle(5); fired != 5 || n != 5 {
		t.Fatalf("fired %d n %d", fired, n)
	}
	// 0 + 4 + 8 + 12 + 16 seconds.
	if got := v.Now().Sub(t0); got != 40*time.Second {
		t.Fatalf("now +%v", got)
	}
	if next, ok := v.Next(); !ok || next.Sub(t0) != 60*time.Second {
		t.Fatalf("next %v %v", next, ok)
	}
}

func TestVirtualConcurrentSchedule(t *testing.T) {
	v := NewVirtual(t0)
	var mu sync.Mutex
	count := 0
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				v.AfterFunc(time.Duration(i)*time.Millisecond, func() { mu.Lock(); count++; mu.Unlock() })
				v.Now()
			}
		}(g)
	}
	wg.Wait()
	v.Advance(time.Second)
	if count != 800 {
		t.Fatalf("fired %d of 800", count)
	}
}

func TestRealClockFires(t *testing.T) {
	done := make(chan struct{})
	Real().AfterFunc(time.Millisecond, func() { close(done) })
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("real AfterFunc never fired")
	}
	if d := time.Since(Real().Now()); d < 0 || d > time.Minute {
		t.Fatalf("real clock is off by %v", d)
	}
}
