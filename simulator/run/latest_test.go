package run

import (
	"sync"
	"testing"
	"time"
)

func TestLatest(t *testing.T) {
	var l Latest
	if d := time.Since(l.Now()); d < 0 || d > time.Minute {
		t.Fatalf("before any step Now is %v, want wall time", l.Now())
	}
	base := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	for lane := 0; lane < 8; lane++ {
		wg.Add(1)
		go func(lane int) {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				l.Observe(base.Add(time.Duration(i*8+lane) * time.Second))
			}
		}(lane)
	}
	wg.Wait()
	if want := base.Add(7999 * time.Second); !l.Now().Equal(want) {
		t.Fatalf("Now %v, want the latest observed %v", l.Now(), want)
	}
	l.Observe(base) // an earlier time never moves it back
	if want := base.Add(7999 * time.Second); !l.Now().Equal(want) {
		t.Fatalf("moved back to %v", l.Now())
	}
}
