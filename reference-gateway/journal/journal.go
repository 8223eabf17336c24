package journal

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// Pos is a record's position: its sequence number, starting at 1 (0 is
// before every record). It is an alias of uint64 so that callers can declare
// the interfaces they need in plain uint64.
type Pos = uint64

// Options tune a journal. Zero values are sensible defaults.
type Options struct {
	// NoSync skips fsync (tests and benchmarks of other layers only; never the default).
	NoSync bool
	// MaxBatchBytes caps one group-commit write (default 4 MiB). A single
	// record larger than the cap is written alone.
	MaxBatchBytes int
	// OnSync, when set, is called by the flusher after each group commit
	// with the time its write and fsync took (for a latency metric). It must
	// be fast and must not call the journal.
	OnSync func(time.Duration)
}

// segment is a live segment file: the position of its first record and its
// size in bytes.
type segment struct {
	first Pos
	size  int64
}

const (
	notLoaded = iota
	loading
	loaded
)

// Journal is an open journal directory. Its methods are safe for concurrent
// use, but Load must run, once, before the first Append.
type Journal struct {
	dir  string
	opts Options
	wrap func(*os.File) segmentFile // nil, or a test's fault injector

	snapMu sync.Mutex // serialises WriteSnapshot and Close

	mu       sync.Mutex
	work     sync.Cond // signalled when the flusher has something to do
	space    sync.Cond // broadcast when the flusher takes the current batch, or the journal stops
	state    int       // notLoaded, loading or loaded
	closed   bool
	err      error // the write or sync error that stopped the journal
	next     Pos   // position of the next Append
	segFirst Pos   // first position of the segment that Append writes to
	durable  Pos   // every record up to here is written and fsynced
	cur      *batch
	queue    []*batch // sealed batches waiting for the flusher, oldest first
	inflight *batch   // the batch the flusher is writing
	spare    []byte   // a batch buffer to reuse
	segs     []segment
	snapPos  Pos // position of the newest snapshot, 0 if none

	size   atomic.Int64 // bytes in segs
	writes atomic.Int64 // batch writes, for tests and benchmarks
	syncs  atomic.Int64 // fsyncs of batches, for tests and benchmarks

	w       segmentFile   // the last segment, open for appending; owned by the flusher
	stopped chan struct{} // closed when the flusher returns
}

// Load calls snap once with the newest snapshot's bytes (if a snapshot
// exists), then rec for each record written after that snapshot, in order.
// Both callbacks may keep the slices they are passed. It must be called
// once, before the first Append: a second call returns an error, as does a
// call after Close. An error from a callback stops the load and is returned
// wrapped; a record that has been damaged since Open is a *CorruptError. If
// Load fails the journal cannot be loaded again and Append fails: close it.
func (j *Journal) Load(snap func(data []byte) error, rec func(data []byte) error) error {
	if snap == nil || rec == nil {
		return errors.New("journal: nil load callback")
	}
	j.mu.Lock()
	switch {
	case j.closed:
		j.mu.Unlock()
		return ErrClosed
	case j.state != notLoaded:
		j.mu.Unlock()
		return errLoaded
	}
	j.state = loading
	snapPos, segs := j.snapPos, append([]segment(nil), j.segs...)
	j.mu.Unlock()

	if snapPos != 0 {
		data, err := readSnapshot(snapshotPath(j.dir, snapPos), snapPos)
		if err != nil {
			return err
		}
		if err := snap(data); err != nil {
			return fmt.Errorf("journal: load snapshot %d: %w", snapPos, err)
		}
	}
	for _, s := range segs {
		if err := j.loadSegment(s, snapPos, rec); err != nil {
			return err
		}
	}

	j.mu.Lock()
	j.state = loaded
	j.mu.Unlock()
	return nil
}

// loadSegment calls rec for each record of s at or after position from.
func (j *Journal) loadSegment(s segment, from Pos, rec func([]byte) error) error {
	path := segmentPath(j.dir, s.first)
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	defer f.Close()
	rr, err := newRecordReader(f, path, s.size, segmentMagic, s.first, MaxRecordSize)
	if err != nil {
		return err
	}
	var scratch []byte // reused for records before from, which are skipped
	for p := s.first; ; p++ {
		var buf []byte
		if p < from {
			buf = scratch
		}
		data, err := rr.next(buf)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if p < from {
			scratch = data
			continue
		}
		if err := rec(data); err != nil {
			return fmt.Errorf("journal: load record %d: %w", p, err)
		}
	}
}

// Append queues one record for the next group commit and returns its
// position without waiting for the write. Append copies data, so the caller
// may reuse it as soon as Append returns. Safe for concurrent use; records
// are written in the order Append was called. When the pending batch is
// full (Options.MaxBatchBytes) Append blocks until the flusher takes it,
// which bounds memory when appends outrun the disk.
//
// Append returns an error if data is longer than MaxRecordSize, before Load
// has succeeded, after Close (ErrClosed), or once a write or fsync has failed
// (that error).
func (j *Journal) Append(data []byte) (Pos, error) {
	if len(data) > MaxRecordSize {
		return 0, fmt.Errorf("journal: record of %d bytes exceeds maximum %d", len(data), MaxRecordSize)
	}
	n := frameHeaderSize + len(data)
	j.mu.Lock()
	defer j.mu.Unlock()
	for {
		if err := j.writable(); err != nil {
			return 0, err
		}
		if len(j.cur.buf) == 0 || len(j.cur.buf)+n <= j.opts.MaxBatchBytes {
			break
		}
		j.space.Wait()
	}
	p := j.next
	j.next++
	j.cur.buf = appendFrame(j.cur.buf, data)
	j.cur.last = p
	j.work.Signal()
	return p, nil
}

// writable returns why records cannot be appended now, or nil.
func (j *Journal) writable() error {
	switch {
	case j.closed:
		return ErrClosed
	case j.err != nil:
		return j.err
	case j.state != loaded:
		return errNotLoaded
	}
	return nil
}

// Wait blocks until the record at p (and every record before it) is written
// and fsynced, or returns the write or sync error that lost it. Concurrent
// appenders share one write and fsync (group commit). Wait returns nil at
// once for a position that is already durable, including one from before
// Open, and even if the journal has failed since. Wait(0) returns nil. Wait
// for a position that has not been appended yet returns an error.
func (j *Journal) Wait(p Pos) error {
	j.mu.Lock()
	if p >= j.next {
		next := j.next
		j.mu.Unlock()
		return fmt.Errorf("journal: wait for position %d, not yet appended (next is %d)", p, next)
	}
	if p <= j.durable {
		j.mu.Unlock()
		return nil
	}
	if j.err != nil {
		err := j.err
		j.mu.Unlock()
		return err
	}
	b := j.batchFor(p)
	j.mu.Unlock()
	<-b.done
	return b.err
}

// Rotate ends the current segment and starts a new one; it returns the
// position of the first record of the new segment. The caller uses it to
// take a consistent snapshot: it stops its own mutations, calls Rotate,
// serialises its state (which then reflects exactly every record before the
// returned Pos), resumes, and later calls WriteSnapshot.
//
// Rotate does not wait for any I/O: the flusher creates the new segment
// after writing the records before it. If the current segment holds no
// records Rotate starts nothing and returns the position of its first one.
// Rotate returns the same errors as Append.
func (j *Journal) Rotate() (Pos, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := j.writable(); err != nil {
		return 0, err
	}
	if j.next == j.segFirst {
		return j.next, nil
	}
	j.segFirst = j.next
	if j.cur.pending() {
		j.queue = append(j.queue, j.cur)
		j.cur = j.newBatch(j.next)
	}
	j.cur.rotate = true
	j.work.Signal()
	return j.next, nil
}

// Size returns the bytes in segments written since the last snapshot (for
// the caller's "snapshot every N MiB" policy): the total size of the segment
// files the newest snapshot does not make obsolete.
func (j *Journal) Size() int64 { return j.size.Load() }

// Close flushes and fsyncs pending records, then closes files. Appends after
// Close return ErrClosed, and so does a second Close. If a write or fsync has
// failed, Close returns that error.
func (j *Journal) Close() error {
	j.snapMu.Lock()
	defer j.snapMu.Unlock()
	j.mu.Lock()
	if j.closed {
		j.mu.Unlock()
		return ErrClosed
	}
	j.closed = true
	j.work.Signal()
	j.space.Broadcast()
	j.mu.Unlock()

	<-j.stopped
	cerr := j.w.Close()
	j.mu.Lock()
	err := j.err
	j.mu.Unlock()
	if err != nil {
		return err
	}
	if cerr != nil {
		return fmt.Errorf("journal: close: %w", cerr)
	}
	return nil
}
