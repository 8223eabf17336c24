package journal

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// segmentLayout returns the segment files in dir with their sizes.
func segmentLayout(t *testing.T, dir string) map[string]int64 {
	t.Helper()
	m := make(map[string]int64)
	for name, data := range segmentFiles(t, dir) {
		m[name] = int64(len(data))
	}
	return m
}

// TestPreallocated checks the layout of a new journal and that a reopen
// continues at the logical end of the last segment, not at the end of its
// file.
func TestPreallocated(t *testing.T) {
	const segSize = 8 << 10
	dir := t.TempDir()
	path := filepath.Join(dir, fileName(1, segmentExt))
	j, _, _ := openT(t, dir, Options{SegmentSize: segSize})
	if got := fileSize(t, path); got != segSize {
		t.Fatalf("new segment is %d bytes, want %d", got, segSize)
	}
	waitT(t, j, appendT(t, j, recName(0)))
	appendT(t, j, recName(1))
	closeT(t, j)
	for round := 2; round < 5; round++ {
		j, _, recs := openT(t, dir, Options{SegmentSize: segSize})
		want := recs // checked below, after the append
		// Each record went in its own batch.
		if got := j.Size(); got != logicalSize(recs, len(recs)) {
			t.Fatalf("round %d: Size = %d, want %d", round, got, logicalSize(recs, len(recs)))
		}
		if p := appendT(t, j, recName(round)); p != Pos(round+1) {
			t.Fatalf("round %d: appended at %d, want %d", round, p, round+1)
		}
		closeT(t, j)
		if got := fileSize(t, path); got != segSize {
			t.Fatalf("round %d: segment is %d bytes, want %d", round, got, segSize)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		end := logicalSize(append(want, recName(round)), len(want)+1)
		if !isZero(data[end:]) {
			t.Fatalf("round %d: non-zero bytes after the records' end at %d", round, end)
		}
	}
	j, _, recs := openT(t, dir, Options{SegmentSize: segSize})
	closeT(t, j)
	if want := []string{recName(0), recName(1), recName(2), recName(3), recName(4)}; !slices.Equal(recs, want) {
		t.Fatalf("loaded %q, want %q", recs, want)
	}
}

// TestAutoRotate writes far more than a segment holds, from concurrent
// appenders: the flusher starts segments on its own, invisibly to Load,
// Size and positions, and a snapshot then removes the full ones.
func TestAutoRotate(t *testing.T) {
	const segSize = 1 << 10
	dir := t.TempDir()
	j, _, _ := openT(t, dir, Options{SegmentSize: segSize})
	const goroutines, per = 4, 50
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range per {
				p, err := j.Append([]byte(fmt.Sprintf("%d:%03d:%s", g, i, strings.Repeat("z", i))))
				if err == nil && i%5 == 0 {
					err = j.Wait(p)
				}
				if err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	big := strings.Repeat("B", 3*segSize) // larger than a whole segment
	waitT(t, j, appendT(t, j, big))
	waitT(t, j, appendT(t, j, "after big"))
	closeT(t, j)

	layout := segmentLayout(t, dir)
	if len(layout) < 5 {
		t.Fatalf("%d segments, want many: %v", len(layout), layout)
	}
	// A batch that does not fit in the rest of a segment starts the next
	// one; one that does not fit in a whole segment (the big record, or a
	// batch of small ones over 1 KiB) makes its new segment grow.
	grown := 0
	for name, size := range layout {
		switch {
		case size > segSize:
			grown++
		case size < segSize:
			t.Errorf("%s is %d bytes, less than the %d preallocated", name, size, segSize)
		}
	}
	if grown == 0 {
		t.Error("no segment grew to hold the big record")
	}

	j, _, recs := openT(t, dir, Options{SegmentSize: segSize})
	if len(recs) != goroutines*per+2 || recs[len(recs)-2] != big || recs[len(recs)-1] != "after big" {
		t.Fatalf("loaded %d records, want %d ending with the big one", len(recs), goroutines*per+2)
	}
	next := make([]int, goroutines)
	var size int64
	for _, r := range recs[:goroutines*per] {
		var g, i int
		if _, err := fmt.Sscanf(r, "%d:%d:", &g, &i); err != nil || i != next[g] {
			t.Fatalf("record %q out of order (want %d:%03d)", r, g, next[g])
		}
		next[g]++
		size += frameHeaderSize + int64(len(r))
	}
	size += 2*frameHeaderSize + int64(len(big)+len("after big")) + int64(len(layout))*headerSize
	// plus one batch header per group commit, however the appends grouped
	if j.Size() != onDiskSize(t, dir) || j.Size() <= size {
		t.Errorf("Size = %d, want %d (logical bytes of %d segments)", j.Size(), size, len(layout))
	}
	p, err := j.Rotate()
	if err != nil {
		t.Fatal(err)
	}
	if err := j.WriteSnapshot(p, []byte("all")); err != nil {
		t.Fatal(err)
	}
	if j.Size() != headerSize {
		t.Errorf("Size after a snapshot at a rotation = %d, want %d", j.Size(), headerSize)
	}
	closeT(t, j)
	if got, want := journalFiles(t, dir), []string{fileName(p, segmentExt), fileName(p, snapshotExt)}; !slices.Equal(got, want) {
		t.Errorf("files = %q, want %q", got, want)
	}
}

// TestSpare checks that the flusher asks for a spare segment file once a
// segment is half full, uses it for the next segment, and that Close and
// Open remove spares.
func TestSpare(t *testing.T) {
	const segSize = 64 << 10
	dir := t.TempDir()
	spare := filepath.Join(dir, spareName)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(spare, []byte("left by a crash"), 0o600); err != nil {
		t.Fatal(err)
	}
	j, _, _ := openT(t, dir, Options{SegmentSize: segSize})
	if _, err := os.Stat(spare); !errNotExist(err) {
		t.Fatalf("Open left the spare from before: %v", err)
	}
	rec := bytes.Repeat([]byte("s"), 1000)
	for fileSize(t, filepath.Join(dir, fileName(1, segmentExt))) == segSize {
		p, err := j.Append(rec)
		if err != nil {
			t.Fatal(err)
		}
		waitT(t, j, p)
		if p > 40 { // past half of the segment
			break
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		j.prep.mu.Lock()
		ready := j.prep.ready != nil
		j.prep.mu.Unlock()
		if ready {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no spare 10 s after the segment was half full")
		}
		time.Sleep(time.Millisecond)
	}
	if data, err := os.ReadFile(spare); err != nil || len(data) != segSize || !isZero(data) {
		t.Fatalf("spare: %d bytes, all zeros %v, err %v", len(data), isZero(data), err)
	}
	spareInfo, err := os.Stat(spare)
	if err != nil {
		t.Fatal(err)
	}
	var p Pos
	for i := 0; ; i++ {
		p = appendT(t, j, string(rec))
		waitT(t, j, p)
		if len(segmentLayout(t, dir)) == 2 {
			break
		}
		if i > 100 {
			t.Fatal("no second segment after 100 more records")
		}
	}
	if segInfo, err := os.Stat(filepath.Join(dir, fileName(p, segmentExt))); err != nil || !os.SameFile(segInfo, spareInfo) {
		t.Errorf("the second segment was not made from the spare (%v)", err)
	}
	closeT(t, j)
	if got, want := files(t, dir), []string{fileName(1, segmentExt), fileName(p, segmentExt)}; !slices.Equal(got, want) {
		t.Errorf("files after Close = %q, want %q", got, want)
	}
	if size := fileSize(t, filepath.Join(dir, fileName(p, segmentExt))); size != segSize {
		t.Errorf("second segment is %d bytes, want %d", size, segSize)
	}
	j, _, recs := openT(t, dir, Options{})
	closeT(t, j)
	if len(recs) != int(p) {
		t.Errorf("loaded %d records, want %d", len(recs), p)
	}
}

func TestDelayPlan(t *testing.T) {
	us, ms := time.Microsecond, time.Millisecond
	if DefaultCommitDelay != ms {
		t.Fatalf("the table assumes the default commit delay is 1 ms, not %v", DefaultCommitDelay)
	}
	for _, tc := range []struct {
		name     string
		d        delayState
		limit    time.Duration
		have     int
		wait     time.Duration
		want     int
		disabled bool
	}{
		{name: "no history", d: delayState{}, have: 1, disabled: true},
		{name: "lone writer", d: delayState{arrived: 0, busy: 8e5, prev: 1}, have: 1, disabled: true},
		{name: "off", d: delayState{arrived: 8, busy: 8e5, prev: 2}, limit: -1, have: 1, disabled: true},
		// 1 record per 100 µs: 10 more expected in the default 1 ms, but the last batch held 2.
		{name: "steady", d: delayState{arrived: 8, busy: 8e5, prev: 2}, have: 1, wait: ms, want: 2},
		{name: "grow", d: delayState{arrived: 8, busy: 8e5, prev: 9}, have: 1, wait: ms, want: 9},
		{name: "grow, capped by the rate", d: delayState{arrived: 8, busy: 8e5, prev: 30}, have: 1, wait: ms, want: 11},
		{name: "at least one more", d: delayState{arrived: 8, busy: 8e5, prev: 1}, have: 3, wait: ms, want: 4},
		{name: "limit", d: delayState{arrived: 8, busy: 8e5, prev: 9}, limit: 100 * us, have: 1, wait: 100 * us, want: 2},
		{name: "limit, fewer", d: delayState{arrived: 4, busy: 8e5, prev: 9}, limit: 100 * us, have: 1, disabled: true},
		{name: "many", d: delayState{arrived: 8000, busy: 8e5, prev: 5000}, have: 1, wait: ms, want: 1 + delayMaxRecords},
		// 1 record per 200 µs: 5 expected in 1 ms
		{name: "5000/s", d: delayState{arrived: 4, busy: 8e5, prev: 9}, have: 1, wait: ms, want: 6},
		// 1 record per ms: exactly 1 expected in 1 ms
		{name: "1000/s", d: delayState{arrived: 4, busy: 4e6, prev: 1}, have: 1, wait: ms, want: 2},
		// 1 record per 1.25 ms: 0.8 expected in 1 ms
		{name: "800/s", d: delayState{arrived: 4, busy: 5e6, prev: 1}, have: 1, disabled: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wait, want := tc.d.plan(tc.limit, tc.have)
			if tc.disabled {
				if wait != 0 {
					t.Errorf("plan = %v, %d; want no wait", wait, want)
				}
				return
			}
			if wait != tc.wait || want != tc.want {
				t.Errorf("plan = %v, %d; want %v, %d", wait, want, tc.wait, tc.want)
			}
		})
	}
}

// TestLoneWriterNotDelayed checks that a writer waiting for each of its
// records never makes the flusher hold a batch open.
func TestLoneWriterNotDelayed(t *testing.T) {
	j, _, _ := openT(t, t.TempDir(), Options{CommitDelay: time.Second})
	defer closeT(t, j)
	for i := range 200 {
		waitT(t, j, appendT(t, j, recName(i)))
	}
	if n := j.gathers.Load(); n != 0 {
		t.Errorf("the flusher held %d batches open for a lone writer", n)
	}
}

// TestCommitDelayGroups checks that concurrent writers get held batches and
// that every record is durable and in order.
func TestCommitDelayGroups(t *testing.T) {
	for _, delay := range []time.Duration{-1, 0} {
		t.Run(fmt.Sprintf("delay=%v", delay), func(t *testing.T) {
			dir := t.TempDir()
			j, _, _ := openT(t, dir, Options{CommitDelay: delay})
			var wg sync.WaitGroup
			for g := range 16 {
				wg.Go(func() {
					for i := range 50 {
						p, err := j.Append([]byte(fmt.Sprintf("%d:%d", g, i)))
						if err == nil {
							err = j.Wait(p)
						}
						if err != nil {
							t.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			gathers, syncs := j.gathers.Load(), j.syncs.Load()
			closeT(t, j)
			t.Logf("800 records in %d syncs, %d held open", syncs, gathers)
			if delay < 0 && gathers != 0 {
				t.Errorf("%d batches held open with the delay off", gathers)
			}
			j, _, recs := openT(t, dir, Options{})
			closeT(t, j)
			if len(recs) != 800 {
				t.Errorf("loaded %d records, want 800", len(recs))
			}
		})
	}
}

// TestCommitDelayEnds holds every batch open for up to a minute and checks
// that what should end the wait early does: a full batch, an Append blocked
// on a full batch, Rotate, Close, and the timer.
func TestCommitDelayEnds(t *testing.T) {
	hold := func(d time.Duration) {
		testDelayPlan = func(have int) (time.Duration, int) { return d, have + 1000 }
		t.Cleanup(func() { testDelayPlan = nil })
	}
	// held waits until the flusher holds a batch of n records open.
	held := func(t *testing.T, j *Journal, n int) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Microsecond) {
			j.mu.Lock()
			ok := j.sleeping && j.cur.records() == n
			j.mu.Unlock()
			if ok {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("the flusher is not holding %d records", n)
			}
		}
	}
	// quick runs f and fails if it takes more than 10 s (the hold is 60 s).
	quick := func(t *testing.T, what string, f func() error) {
		t.Helper()
		start := time.Now()
		if err := f(); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Fatalf("%s took %v: the held batch was not released", what, d)
		}
	}

	t.Run("timer", func(t *testing.T) {
		hold(20 * time.Millisecond)
		j, _, _ := openT(t, t.TempDir(), Options{})
		defer closeT(t, j)
		p := appendT(t, j, "a")
		quick(t, "Wait", func() error { return j.Wait(p) })
		if j.gathers.Load() == 0 {
			t.Error("no batch was held")
		}
	})
	t.Run("close", func(t *testing.T) {
		hold(time.Minute)
		dir := t.TempDir()
		j, _, _ := openT(t, dir, Options{})
		appendT(t, j, "a")
		appendT(t, j, "b")
		held(t, j, 2)
		quick(t, "Close", j.Close)
		j, _, recs := openT(t, dir, Options{CommitDelay: -1})
		closeT(t, j)
		if !slices.Equal(recs, []string{"a", "b"}) {
			t.Errorf("after Close, loaded %q", recs)
		}
	})
	t.Run("rotate", func(t *testing.T) {
		hold(time.Minute)
		j, _, _ := openT(t, t.TempDir(), Options{})
		defer j.Close()
		p := appendT(t, j, "a")
		held(t, j, 1)
		r, err := j.Rotate()
		if err != nil {
			t.Fatal(err)
		}
		quick(t, "Wait", func() error { return j.Wait(p) })
		quick(t, "WriteSnapshot", func() error { return j.WriteSnapshot(r, []byte("a")) })
	})
	t.Run("full batch", func(t *testing.T) {
		hold(time.Minute)
		j, _, _ := openT(t, t.TempDir(), Options{MaxBatchBytes: 4096})
		defer j.Close()
		appendT(t, j, "a")
		held(t, j, 1)
		p := appendT(t, j, strings.Repeat("f", 1024)) // a quarter of MaxBatchBytes
		quick(t, "Wait", func() error { return j.Wait(p) })
	})
	t.Run("blocked append", func(t *testing.T) {
		hold(time.Minute)
		j, _, _ := openT(t, t.TempDir(), Options{MaxBatchBytes: 64 << 10})
		defer j.Close()
		appendT(t, j, "a")
		held(t, j, 1)
		// Too big to join the held batch, small enough not to fill it.
		p := appendT(t, j, strings.Repeat("g", 64<<10))
		quick(t, "Wait", func() error { return j.Wait(p) })
	})
	t.Run("no sync", func(t *testing.T) {
		hold(time.Minute)
		j, _, _ := openT(t, t.TempDir(), Options{NoSync: true})
		defer closeT(t, j)
		p := appendT(t, j, "a")
		quick(t, "Wait", func() error { return j.Wait(p) })
		if n := j.gathers.Load(); n != 0 {
			t.Errorf("%d batches held open with NoSync", n)
		}
	})
}

// TestRotateFailure checks that a failure creating a segment stops the
// journal like a failed write.
func TestRotateFailure(t *testing.T) {
	dir := t.TempDir()
	j, _, _ := openT(t, dir, Options{SegmentSize: 4096})
	waitT(t, j, appendT(t, j, "a"))
	// A directory where the next segment's temporary file would go.
	if err := os.Mkdir(filepath.Join(dir, fileName(2, segmentExt)+tempExt), 0o700); err != nil {
		t.Fatal(err)
	}
	p := appendT(t, j, strings.Repeat("x", 8192))
	if err := j.Wait(p); err == nil || !strings.Contains(err.Error(), "rotate") {
		t.Fatalf("Wait = %v, want a rotate error", err)
	}
	if _, err := j.Append([]byte("b")); err == nil {
		t.Error("Append after a failed rotation succeeded")
	}
	if err := j.Close(); err == nil || errors.Is(err, ErrClosed) {
		t.Errorf("Close = %v, want the rotate error", err)
	}
}

// TestZeroHeaderNeverValid checks what the format relies on to end a
// segment's records at an all-zero frame header: no valid frame has one.
func TestZeroHeaderNeverValid(t *testing.T) {
	if frameChecksum(make([]byte, 4), nil) == 0 {
		t.Fatal("an empty record's checksum is 0: its frame header would be all zeros")
	}
}
