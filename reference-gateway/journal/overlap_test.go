package journal

import (
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"
)

var flagOverlapRate = flag.Int("overlaprate", 1000, "BenchmarkSyncOverlap: write+fdatasync per second on each of the two files")

// syncSpan is when one write+fdatasync began and ended.
type syncSpan struct{ start, end time.Time }

func (s syncSpan) took() time.Duration { return s.end.Sub(s.start) }

// overlapStats is what BenchmarkSyncOverlap reports about the slow syncs
// of file a, against the syncs of file b that ran beside them.
type overlapStats struct {
	slow      int // a's syncs over slowSync
	together  int // of those, how many had a sync of b over togetherSync running at the same time
	overtaken int // of those, how many had a sync of b begin after it and end at least overtakeBy before it
}

const (
	slowSync     = 5 * time.Millisecond
	togetherSync = 2 * time.Millisecond
	overtakeBy   = time.Millisecond
)

// overlap compares a's slow syncs with b's. Both are in start order.
func overlap(a, b []syncSpan) overlapStats {
	var st overlapStats
	j := 0
	for _, s := range a {
		if s.took() <= slowSync {
			continue
		}
		st.slow++
		for j < len(b) && b[j].end.Before(s.start) {
			j++
		}
		together, overtaken := false, false
		for k := j; k < len(b) && b[k].start.Before(s.end); k++ {
			if b[k].took() > togetherSync {
				together = true
			}
			if b[k].start.After(s.start) && s.end.Sub(b[k].end) >= overtakeBy {
				overtaken = true
			}
		}
		if together {
			st.together++
		}
		if overtaken {
			st.overtaken++
		}
	}
	return st
}

func TestOverlapCountsSlowSyncs(t *testing.T) {
	at := func(ms float64) time.Time {
		return time.Unix(0, 0).Add(time.Duration(ms * float64(time.Millisecond)))
	}
	a := []syncSpan{
		{at(0), at(0.3)},   // fast: not counted
		{at(10), at(20)},   // slow; b's 11–21 is slow beside it, and none overtakes
		{at(30), at(40)},   // slow; b's 31–32 overtakes it
		{at(50), at(50.2)}, // fast
	}
	b := []syncSpan{
		{at(1), at(1.2)},
		{at(11), at(21)},
		{at(31), at(32)},
		{at(45), at(46)},
	}
	got := overlap(a, b)
	want := overlapStats{slow: 2, together: 1, overtaken: 1}
	if got != want {
		t.Fatalf("overlap = %+v, want %+v", got, want)
	}
}

// BenchmarkSyncOverlap asks whether a second journal file, synced beside
// the first, would let a commit finish while the other's sync is slow (the
// case for pipelined commits): two threads each write 8 KiB and fdatasync
// their own preallocated file -overlaprate times a second for -paced, a
// half-interval apart, with -burn busy loops competing for the cores and,
// with -realtime, at real-time priority as the gateway's flusher runs.
// It reports, per file, the syncs over 5 ms ("slow/file"), and over the
// first file's slow syncs the share that had a sync of the second file
// over 2 ms running beside them ("together-%") and the share that a sync
// of the second file, begun after them, finished at least 1 ms before
// ("overtaken-%"). Run it with -benchtime 1x.
func BenchmarkSyncOverlap(b *testing.B) {
	dir := b.TempDir()
	stop := burn(b, *flagBurn)
	defer stop()
	for range b.N {
		spans := make([][]syncSpan, 2)
		var wg sync.WaitGroup
		t0 := time.Now().Add(100 * time.Millisecond)
		iv := time.Second / time.Duration(max(*flagOverlapRate, 1))
		for i := range spans {
			wg.Go(func() {
				if err := pacedSyncs(filepath.Join(dir, string(rune('a'+i))), t0.Add(time.Duration(i)*iv/2), iv, *pacedDuration, &spans[i]); err != nil {
					b.Error(err)
				}
			})
		}
		wg.Wait()
		st := overlap(spans[0], spans[1])
		slowB := overlap(spans[1], nil).slow
		b.ReportMetric(float64(st.slow+slowB)/2, "slow/file")
		if st.slow > 0 {
			b.ReportMetric(100*float64(st.together)/float64(st.slow), "together-%")
			b.ReportMetric(100*float64(st.overtaken)/float64(st.slow), "overtaken-%")
		}
		b.ReportMetric(float64(len(spans[0])+len(spans[1])), "syncs")
	}
}

// pacedSyncs writes 8 KiB and fdatasyncs path every iv from t0 for d, and
// appends each one's span to out.
func pacedSyncs(path string, t0 time.Time, iv, d time.Duration, out *[]syncSpan) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if *flagRealtime {
		_, restore := raisePriority()
		defer restore()
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	rec := make([]byte, 8<<10)
	n := int(d / iv)
	zeros := make([]byte, 1<<20)
	for off := 0; off < (n+1)*len(rec); off += len(zeros) {
		if _, err := f.WriteAt(zeros, int64(off)); err != nil {
			return err
		}
	}
	if err := f.Sync(); err != nil {
		return err
	}
	ds := datasync
	if *flagRealtime {
		ds = datasyncHeld
	}
	for i := range n {
		time.Sleep(time.Until(t0.Add(time.Duration(i) * iv)))
		s := time.Now()
		if _, err := f.WriteAt(rec, int64(i*len(rec))); err != nil {
			return err
		}
		if err := ds(f); err != nil {
			return err
		}
		*out = append(*out, syncSpan{s, time.Now()})
	}
	return nil
}
