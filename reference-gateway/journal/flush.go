package journal

import (
	"fmt"
	"math"
	"os"
	"runtime"
	"time"
)

// batch is one group commit: the framed records at positions first..last
// (none when last < first), written with one write and one sync.
type batch struct {
	first  Pos
	last   Pos
	rotate bool          // start a new segment at first before writing
	buf    []byte        // a batch frame header (filled in by commit), then the record frames
	done   chan struct{} // closed when the batch is durable or has failed
	err    error         // set before done is closed
}

// pending reports whether the flusher has anything to do for b.
func (b *batch) pending() bool { return b.last >= b.first || b.rotate }

// records returns the number of records in b.
func (b *batch) records() int {
	if b.last < b.first {
		return 0
	}
	return int(b.last - b.first + 1)
}

// newBatch returns an empty batch starting at first. j.mu must be held.
func (j *Journal) newBatch(first Pos) *batch {
	var hdr [frameHeaderSize]byte
	b := &batch{first: first, last: first - 1, buf: append(j.spare[:0], hdr[:]...), done: make(chan struct{})}
	j.spare = nil
	return b
}

// batchFor returns the newest pending batch that starts at or before p, the
// one whose completion means every record before p and p itself (if it has
// been appended) is durable, and a rotation at p is done; nil if there is
// none. j.mu must be held.
func (j *Journal) batchFor(p Pos) *batch {
	if j.cur.pending() && j.cur.first <= p {
		return j.cur
	}
	for i := len(j.queue) - 1; i >= 0; i-- {
		if j.queue[i].first <= p {
			return j.queue[i]
		}
	}
	if j.inflight != nil && j.inflight.first <= p {
		return j.inflight
	}
	return nil
}

// await blocks until every batch that starts at or before p is done, and
// returns the error that stopped the journal, if any.
func (j *Journal) await(p Pos) error {
	j.mu.Lock()
	if j.err != nil {
		err := j.err
		j.mu.Unlock()
		return err
	}
	b := j.batchFor(p)
	j.mu.Unlock()
	if b == nil {
		return nil
	}
	<-b.done
	return b.err
}

// run is the flusher: it takes batches in order, writes and syncs each, and
// wakes its waiters. It first sends how its thread is scheduled on prio
// (see Options.Realtime). It returns when the journal is closed and
// drained, or after the first failure.
func (j *Journal) run(prio chan<- string) {
	defer close(j.stopped)
	if j.opts.Realtime {
		// Never unlocked: the thread exits with this goroutine instead of
		// going back to run others, and is lowered again first in case it
		// is the main thread, which stays.
		runtime.LockOSThread()
		got, restore := raisePriority()
		defer restore()
		prio <- got
	} else {
		prio <- "normal (Options.Realtime off)"
	}
	t := time.NewTimer(time.Hour)
	t.Stop()
	j.mu.Lock()
	defer j.mu.Unlock()
	for {
		if len(j.queue) == 0 && !j.cur.pending() && !j.closed {
			idle := time.Now()
			for len(j.queue) == 0 && !j.cur.pending() && !j.closed {
				j.sleep(1, 1, nil)
			}
			if time.Since(idle) > delayIdleReset {
				j.delay.reset()
			}
		}
		if len(j.queue) == 0 && j.cur.records() > 0 && !j.closed {
			j.gather(t)
		}
		var b *batch
		switch {
		case len(j.queue) > 0:
			b = j.queue[0]
			j.queue[0] = nil
			j.queue = j.queue[1:]
		case j.cur.pending():
			b = j.cur
			j.cur = j.newBatch(b.last + 1)
			j.space.Broadcast()
		default:
			return // closed and drained
		}
		j.inflight = b
		next, start := j.next, time.Now()

		j.mu.Unlock()
		rotated, written, err := j.commit(b)
		j.mu.Lock()

		j.delay.observe(j.next-next, time.Since(start))
		j.inflight = nil
		if err != nil {
			j.fail(b, err)
			return
		}
		if rotated {
			j.segs = append(j.segs, segment{first: b.first, size: headerSize})
			j.size.Add(headerSize)
			j.segFirst = max(j.segFirst, b.first)
		}
		j.segs[len(j.segs)-1].size += written
		j.size.Add(written)
		if n := b.records(); n > 0 {
			j.durable = b.last
			j.delay.prev = n
		}
		if cap(b.buf) <= 2*j.opts.MaxBatchBytes {
			j.spare = b.buf[:0]
		}
		b.buf = nil
		close(b.done)
	}
}

// sleep waits, with j.mu released, until an Append (once the current batch
// holds records records or bytes bytes), Rotate or Close wakes the flusher,
// or until timeout (nil: no timeout) fires; it reports whether the timeout
// fired. j.mu must be held.
func (j *Journal) sleep(records, bytes int, timeout <-chan time.Time) (timedOut bool) {
	j.sleeping, j.wakeRecords, j.wakeBytes = true, records, bytes
	j.mu.Unlock()
	select {
	case <-j.kick:
	case <-timeout:
		timedOut = true
	}
	j.mu.Lock()
	j.sleeping = false
	return timedOut
}

// gather holds the current batch open for more records when the delay plan
// says it is worth it (see Options.CommitDelay), using t as its timer. j.mu
// must be held; it is released while waiting.
func (j *Journal) gather(t *time.Timer) {
	limit := j.opts.CommitDelay
	if j.opts.NoSync {
		limit = -1
	}
	wait, want := j.delay.plan(limit, j.cur.records())
	if testDelayPlan != nil && limit >= 0 {
		wait, want = testDelayPlan(j.cur.records())
	}
	if wait <= 0 {
		return
	}
	wantBytes := max(j.opts.MaxBatchBytes/4, 1)
	next, start := j.next, time.Now()
	deadline := start.Add(wait)
	slept := false
	for j.cur.records() < want && len(j.cur.buf) < wantBytes && len(j.queue) == 0 && !j.closed && j.spaceWaiters == 0 {
		left := time.Until(deadline)
		if left <= 0 {
			break
		}
		t.Reset(left)
		if !j.sleep(want, wantBytes, t.C) {
			t.Stop()
		}
		slept = true
	}
	if slept {
		j.gathers.Add(1)
	}
	j.delay.observe(j.next-next, time.Since(start))
}

// testDelayPlan, when set by a test before Open, replaces the delay plan of
// journals that may delay (see delayState.plan).
var testDelayPlan func(have int) (time.Duration, int)

const (
	// delayDecay weighs the delay state's history: each observation
	// counts 1/16 less at every later one.
	delayDecay = 15.0 / 16
	// delayMinExpected is how many more records the flusher must expect
	// within the delay before it waits for them. Below one, a wait would
	// often end with its timer, which in an idle process fires up to a
	// millisecond late, for nothing.
	delayMinExpected = 1.0
	// delayMaxRecords caps how many more records one wait asks for.
	delayMaxRecords = 1024
	// delayIdleReset forgets the arrival rate after the flusher has had
	// nothing to do for this long: the load that set it has stopped.
	delayIdleReset = 100 * time.Millisecond
)

// delayState is what the flusher has seen of recent load, to decide whether
// holding a batch open for more records is worth it. Only records appended
// while the flusher was busy (writing and syncing, or holding a batch open)
// count as arrivals: those show that appenders are running independently of
// its commits. A lone writer that waits for each record appends only while
// the flusher is idle, so it never makes the flusher wait.
type delayState struct {
	arrived float64 // decayed count of records appended while busy
	busy    float64 // decayed nanoseconds busy
	prev    int     // records in the last batch
}

// observe records that arrived records were appended during busy.
func (d *delayState) observe(arrived Pos, busy time.Duration) {
	d.arrived = d.arrived*delayDecay + float64(arrived)
	d.busy = d.busy*delayDecay + float64(busy)
}

func (d *delayState) reset() { d.arrived, d.busy, d.prev = 0, 0, 0 }

// plan returns how long to hold a batch of have records open, and how many
// records it should hold to stop early; 0 if it should be written now.
// limit is Options.CommitDelay (0: the default; negative: never wait).
func (d *delayState) plan(limit time.Duration, have int) (time.Duration, int) {
	switch {
	case limit < 0 || d.busy <= 0 || d.arrived <= 0:
		return 0, 0
	case limit == 0:
		limit = DefaultCommitDelay
	}
	expect := d.arrived / d.busy * float64(limit)
	if expect < delayMinExpected {
		return 0, 0
	}
	more := min(max(int(math.Round(expect)), 1), delayMaxRecords)
	want := min(have+more, max(have+1, d.prev))
	return limit, want
}

// commit starts a new segment if b asks for one or does not fit in the
// current one, then writes b's records at the segment's logical end and
// syncs them: as one batch frame in a version 3 segment, as bare record
// frames in an older one. It reports whether it started a segment (at
// b.first) and how many bytes it wrote.
func (j *Journal) commit(b *batch) (rotated bool, written int64, err error) {
	if b.rotate {
		if err := j.rotate(b.first); err != nil {
			return false, 0, fmt.Errorf("journal: rotate: %w", err)
		}
		rotated = true
	}
	if b.records() == 0 {
		return rotated, 0, nil
	}
	if j.wOff > headerSize && j.wOff+int64(len(b.buf)) > j.wCap {
		// The segment is full. (An empty one takes the batch and grows.)
		if err := j.rotate(b.first); err != nil {
			return rotated, 0, fmt.Errorf("journal: rotate: %w", err)
		}
		rotated = true
	}
	out := b.buf[frameHeaderSize:]
	if j.wBatched {
		fillBatchHeader(b.buf)
		out = b.buf
	}
	start := time.Now()
	if _, err := j.w.WriteAt(out, j.wOff); err != nil {
		return rotated, 0, fmt.Errorf("journal: write: %w", err)
	}
	j.wOff += int64(len(out))
	written = int64(len(out))
	j.writes.Add(1)
	if j.opts.NoSync {
		return rotated, written, nil
	}
	if err := j.w.Datasync(); err != nil {
		return rotated, 0, fmt.Errorf("journal: sync: %w", err)
	}
	took := time.Since(start)
	j.syncs.Add(1)
	if j.opts.OnSync != nil {
		j.opts.OnSync(took)
	}
	if !j.spareAsked && j.wOff > j.wCap/2 {
		j.prep.request()
		j.spareAsked = true
	}
	return rotated, written, nil
}

// rotate creates the segment that starts at first and makes it the one the
// flusher writes to, from the preparer's spare if one is ready (one
// fdatasync and a directory fsync), else from a new file whose space is
// only reserved, not zero-filled, so that the flusher never writes a
// segment's worth of zeros while appenders wait; either way it then asks
// for a spare for the next segment. The previous segment was synced with
// its last batch.
func (j *Journal) rotate(first Pos) error {
	path := segmentPath(j.dir, first)
	size := max(j.opts.SegmentSize, headerSize)
	var f *os.File
	if spare := j.prep.take(); spare != nil {
		err := installSpare(spare, j.prep.path, path, first, !j.opts.NoSync)
		j.prep.release()
		if err != nil {
			spare.Close()
			return err
		}
		f, size = spare, max(j.prep.size, headerSize)
	} else {
		var err error
		if f, err = createSegment(path, first, size, false, !j.opts.NoSync); err != nil {
			return err
		}
	}
	j.prep.request()
	j.spareAsked = true
	old := j.w
	j.w, j.wOff, j.wCap, j.wBatched = j.wrapFile(f), headerSize, size, true
	return old.Close()
}

// wrapFile returns f as the segment file the flusher writes to.
func (j *Journal) wrapFile(f *os.File) segmentFile {
	if j.wrap != nil {
		return j.wrap(f)
	}
	return osFile{f, j.opts.HoldProcessor}
}

// fail stops the journal after the flusher failed to commit b: b, every
// batch after it and every later Append get err. j.mu must be held.
func (j *Journal) fail(b *batch, err error) {
	j.err = err
	for _, q := range append([]*batch{b}, j.queue...) {
		q.err = err
		close(q.done)
	}
	j.queue = nil
	j.cur.err = err
	close(j.cur.done)
	j.space.Broadcast()
}
