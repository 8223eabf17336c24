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
	// NoSync skips fsync and fdatasync (tests and benchmarks of other
	// layers only; never the default). It also turns off CommitDelay.
	NoSync bool
	// MaxBatchBytes caps one group-commit write (default 4 MiB, at most
	// 64 MiB). A single record larger than the cap is written alone.
	MaxBatchBytes int
	// SegmentSize is the size of a new segment file (default
	// DefaultSegmentSize, 64 MiB): it is created at that size, filled with
	// zeros and synced once, and records are then written over the zeros
	// in place, so that a commit changes no file metadata. When the next
	// group commit does not fit in the rest of the segment, the flusher
	// starts a new segment first; a batch larger than a whole segment is
	// written into a new one, which grows to hold it. Starting a segment
	// needs SegmentSize bytes of free space: if they cannot be reserved,
	// the journal stops as after a failed write. The size applies to
	// segments created from now on; an existing segment keeps its own.
	SegmentSize int64
	// CommitDelay caps how long the flusher may hold a group commit open
	// for more records (default DefaultCommitDelay, 1 ms, when zero; a
	// negative value turns the delay off, so that the flusher commits as
	// soon as anything is pending; NoSync turns it off too). The flusher
	// waits only when records arrived while it was busy at a rate that
	// predicts at least one more within the cap, and it stops waiting at
	// the cap, or earlier once the batch holds as many records as that
	// rate predicts (no more than the previous batch held, but at least
	// one more than it holds), reaches a quarter of MaxBatchBytes, or an
	// Append is blocked on a full batch. A lone writer that waits for each record is never
	// delayed. Go timers shorter than a millisecond can fire up to a
	// millisecond late when the process is otherwise idle; a delay that
	// overruns its cap then ends with the next Append.
	CommitDelay time.Duration
	// HoldProcessor makes the flusher issue each group commit's fdatasync
	// as a raw system call (Linux only; elsewhere it has no effect), so
	// that its goroutine keeps its Go processor (P) while the disk
	// flushes. A goroutine in an ordinary blocking system call loses its P
	// to other work within tens of microseconds; under load no P is idle
	// when the sync returns, and the flusher then waits in the scheduler's
	// global run queue, behind the requests being decoded, before it can
	// wake the appenders whose records the sync made durable. Holding the P takes
	// that wait out of every acknowledgement. The costs: the held P runs
	// nothing else until the sync returns, so run with GOMAXPROCS one above
	// the cores (`jitsim gateway` does), and a stop-the-world phase of the
	// garbage collector waits for the sync in progress to finish.
	// Background writes (snapshots, the spare segment) never hold a P.
	HoldProcessor bool
	// Realtime runs the flusher on an OS thread of its own, raised to
	// real-time priority (SCHED_FIFO 1) where the process may (root, or
	// CAP_SYS_NICE), else to nice -10 where RLIMIT_NICE allows, else left
	// as it is (Linux only; Priority says which). When every core is busy,
	// an ordinary thread that an fdatasync wakes can wait milliseconds for
	// the kernel to run it again, and every appender in the batch waits
	// with it: on a 2-core machine under load most of the group commits
	// that took over 5 ms were that wait, not the disk. A real-time thread
	// runs the moment the sync returns. The thread ends with the flusher;
	// it never runs other goroutines. The flusher mostly sleeps in the
	// kernel; the kernel's real-time throttling (by default 95% of each
	// second) bounds what it could take if it did not.
	Realtime bool
	// OnSync, when set, is called by the flusher after each group commit
	// with the time its write and sync took (for a latency metric). It must
	// be fast and must not call the journal.
	OnSync func(time.Duration)
}

// segment is a live segment file: the position of its first record and its
// logical size, the offset just past its last record (the file itself is
// usually longer: the rest is zeros).
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
	dir      string
	opts     Options
	priority string                     // the flusher thread's scheduling, for Priority
	wrap     func(*os.File) segmentFile // nil, or a test's fault injector

	snapMu sync.Mutex // serialises WriteSnapshot and Close

	mu       sync.Mutex
	space    sync.Cond // broadcast when the flusher takes the current batch, or the journal stops
	state    int       // notLoaded, loading or loaded
	closed   bool
	err      error // the write or sync error that stopped the journal
	next     Pos   // position of the next Append
	segFirst Pos   // first position of the segment that Append writes to
	durable  Pos   // every record up to here is written and synced
	cur      *batch
	queue    []*batch // sealed batches waiting for the flusher, oldest first
	inflight *batch   // the batch the flusher is writing
	spare    []byte   // a batch buffer to reuse
	segs     []segment
	snapPos  Pos // position of the newest snapshot, 0 if none

	// The flusher sleeps on kick. While sleeping is set, Append kicks it
	// once the current batch holds wakeRecords records or wakeBytes bytes;
	// Rotate, Close and an Append blocked on a full batch kick it at once.
	kick         chan struct{}
	sleeping     bool
	wakeRecords  int
	wakeBytes    int
	spaceWaiters int // Appends blocked on a full batch

	size   atomic.Int64 // logical bytes in segs
	writes atomic.Int64 // batch writes, for tests and benchmarks
	syncs  atomic.Int64 // syncs of batches, for tests and benchmarks
	// gathers counts batches the flusher held open for more records, for
	// tests and benchmarks.
	gathers atomic.Int64

	// Owned by the flusher.
	w          segmentFile // the last segment, open for writing
	wOff       int64       // where the next batch goes in w: its logical end
	wCap       int64       // w's preallocated size
	wBatched   bool        // w is a version 3 segment: batches get a batch frame
	spareAsked bool        // a spare has been requested for w's successor
	delay      delayState

	prep    *preparer
	stopped chan struct{} // closed when the flusher returns
}

// Load calls snap once with the newest snapshot's bytes (if a snapshot
// exists), then rec for each record at or after the snapshot's position, in
// order, with its position.
// Both callbacks may keep the slices they are passed. It must be called
// once, before the first Append: a second call returns an error, as does a
// call after Close. An error from a callback stops the load and is returned
// wrapped; a record that has been damaged since Open is a *CorruptError. If
// Load fails the journal cannot be loaded again and Append fails: close it.
func (j *Journal) Load(snap func(data []byte) error, rec func(p Pos, data []byte) error) error {
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
func (j *Journal) loadSegment(s segment, from Pos, rec func(Pos, []byte) error) error {
	path := segmentPath(j.dir, s.first)
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	defer f.Close()
	// The records end exactly at s.size: an all-zero frame header before
	// that is damage, not the end.
	rr, err := newRecordReader(f, path, s.size, segmentMagic, s.first, MaxRecordSize)
	if err != nil {
		return err
	}
	var scratch []byte // reused for records (or batches) before from, which are skipped
	p := s.first
	for {
		batchStart := rr.off
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
		if !rr.batched {
			if p >= from {
				if err := rec(p, data); err != nil {
					return fmt.Errorf("journal: load record %d: %w", p, err)
				}
			} else {
				scratch = data
			}
			p++
			continue
		}
		// A batch: its records are subslices of data, which is not
		// reused once any of them has been handed to rec.
		handed := false
		problem, err := splitBatch(data, func(r []byte) error {
			q := p
			p++
			if q < from {
				return nil
			}
			handed = true
			if err := rec(q, r); err != nil {
				return fmt.Errorf("journal: load record %d: %w", q, err)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if problem != "" {
			return rr.corrupt(batchStart, "batch: "+problem)
		}
		if !handed {
			scratch = data
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
// has succeeded, after Close (ErrClosed), or once a write or sync has failed
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
		if j.cur.records() == 0 || len(j.cur.buf)+n <= j.opts.MaxBatchBytes {
			break
		}
		j.spaceWaiters++
		j.wake()
		j.space.Wait()
		j.spaceWaiters--
	}
	p := j.next
	j.next++
	j.cur.buf = appendFrame(j.cur.buf, data)
	j.cur.last = p
	if j.sleeping && (j.cur.records() >= j.wakeRecords || len(j.cur.buf) >= j.wakeBytes) {
		j.wake()
	}
	return p, nil
}

// wake wakes the flusher if it is sleeping. j.mu must be held.
func (j *Journal) wake() {
	if !j.sleeping {
		return
	}
	j.sleeping = false
	select {
	case j.kick <- struct{}{}:
	default:
	}
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
// and synced (fdatasync on Linux), or returns the write or sync error that
// lost it. Concurrent appenders share one write and sync (group commit). Wait returns nil at
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
// take a snapshot that reflects every record before the returned Pos:
// either it stops its own mutations around Rotate and the copy, or, as the
// reference gateway's ledger does, it copies while appends go on, notes
// which later records the copy already reflects, and skips those when Load
// passes them with their positions. It then calls WriteSnapshot.
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
	j.wake()
	return j.next, nil
}

// Size returns the bytes in segments written since the last snapshot (for
// the caller's "snapshot every N MiB" policy): the total logical size
// (headers and records, not the preallocated zeros) of the segments the
// newest snapshot does not make obsolete.
func (j *Journal) Size() int64 { return j.size.Load() }

// Close flushes and syncs pending records, then closes files and removes
// the spare segment file, if one was made. Appends after Close return
// ErrClosed, and so does a second Close. If a write or sync has failed,
// Close returns that error.
func (j *Journal) Close() error {
	j.snapMu.Lock()
	defer j.snapMu.Unlock()
	j.mu.Lock()
	if j.closed {
		j.mu.Unlock()
		return ErrClosed
	}
	j.closed = true
	j.wake()
	j.space.Broadcast()
	j.mu.Unlock()

	<-j.stopped
	cerr := j.w.Close()
	if perr := j.prep.close(); perr != nil && cerr == nil {
		cerr = perr
	}
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

// Priority describes how the flusher's thread is scheduled: "SCHED_FIFO 1"
// or "nice -10" when Options.Realtime raised it, else why it did not.
func (j *Journal) Priority() string { return j.priority }
