package journal

import (
	"fmt"
	"os"
	"time"
)

// batch is one group commit: the framed records at positions first..last
// (none when last < first), written with one write and one fsync.
type batch struct {
	first  Pos
	last   Pos
	rotate bool // start a new segment at first before writing
	buf    []byte
	done   chan struct{} // closed when the batch is durable or has failed
	err    error         // set before done is closed
}

// pending reports whether the flusher has anything to do for b.
func (b *batch) pending() bool { return b.last >= b.first || b.rotate }

// newBatch returns an empty batch starting at first. j.mu must be held.
func (j *Journal) newBatch(first Pos) *batch {
	b := &batch{first: first, last: first - 1, buf: j.spare, done: make(chan struct{})}
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

// run is the flusher: it takes batches in order, writes and fsyncs each, and
// wakes its waiters. It returns when the journal is closed and drained, or
// after the first failure.
func (j *Journal) run() {
	defer close(j.stopped)
	j.mu.Lock()
	defer j.mu.Unlock()
	for {
		for len(j.queue) == 0 && !j.cur.pending() && !j.closed {
			j.work.Wait()
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

		j.mu.Unlock()
		err := j.commit(b)
		j.mu.Lock()

		j.inflight = nil
		if err != nil {
			j.fail(b, err)
			return
		}
		if b.rotate {
			j.segs = append(j.segs, segment{first: b.first, size: headerSize})
			j.size.Add(headerSize)
		}
		j.segs[len(j.segs)-1].size += int64(len(b.buf))
		j.size.Add(int64(len(b.buf)))
		if b.last >= b.first {
			j.durable = b.last
		}
		if cap(b.buf) <= 2*j.opts.MaxBatchBytes {
			j.spare = b.buf[:0]
		}
		b.buf = nil
		close(b.done)
	}
}

// commit starts a new segment if b asks for one, then writes and fsyncs b's
// records.
func (j *Journal) commit(b *batch) error {
	if b.rotate {
		if err := j.rotate(b.first); err != nil {
			return fmt.Errorf("journal: rotate: %w", err)
		}
	}
	if len(b.buf) == 0 {
		return nil
	}
	start := time.Now()
	if _, err := j.w.Write(b.buf); err != nil {
		return fmt.Errorf("journal: write: %w", err)
	}
	j.writes.Add(1)
	if j.opts.NoSync {
		return nil
	}
	if err := j.w.Sync(); err != nil {
		return fmt.Errorf("journal: sync: %w", err)
	}
	j.syncs.Add(1)
	if j.opts.OnSync != nil {
		j.opts.OnSync(time.Since(start))
	}
	return nil
}

// rotate creates the segment that starts at first and makes it the one the
// flusher appends to. The previous segment was fsynced with its last batch.
func (j *Journal) rotate(first Pos) error {
	path := segmentPath(j.dir, first)
	if err := createFile(path, !j.opts.NoSync, appendHeader(nil, segmentMagic, first)); err != nil {
		return err
	}
	w, err := j.openSegment(path)
	if err != nil {
		return err
	}
	old := j.w
	j.w = w
	return old.Close()
}

// openSegment opens the segment at path for appending.
func (j *Journal) openSegment(path string) (segmentFile, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return nil, err
	}
	if j.wrap != nil {
		return j.wrap(f), nil
	}
	return f, nil
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
