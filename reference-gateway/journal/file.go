package journal

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// segmentFile is the segment file the flusher writes to: an osFile, or a
// wrapper that tests use to inject failures.
type segmentFile interface {
	WriteAt(p []byte, off int64) (int, error)
	Datasync() error
	Close() error
}

// osFile is a segmentFile on an *os.File; hold makes its Datasync keep the
// goroutine's Go processor (Options.HoldProcessor).
type osFile struct {
	*os.File
	hold bool
}

func (f osFile) Datasync() error {
	if f.hold {
		return datasyncHeld(f.File)
	}
	return datasync(f.File)
}

// mkdir creates dir if it does not exist, and then fsyncs its parent so the
// new directory entry is durable.
func mkdir(dir string, sync bool) error {
	if _, err := os.Stat(dir); !errNotExist(err) {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if sync {
		return syncDir(filepath.Dir(dir))
	}
	return nil
}

// errNotExist reports whether err says a file does not exist.
func errNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }

// syncDir fsyncs a directory, making renames and new entries in it durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	if err := d.Sync(); err != nil {
		d.Close()
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return d.Close()
}

// createFile atomically creates path with what fill writes into it: it
// writes path+".tmp", fsyncs it, renames it into place and fsyncs the
// directory (without sync, neither fsync). With sync, fill's writes go to
// the disk at the background pace (see writePaced), so that the flusher's
// commits do not wait behind a snapshot's megabytes. fill gets the file
// (for a header written last) and the paced writer; the file is not created
// if fill fails.
func createFile(path string, sync bool, fill func(f *os.File, w io.Writer) error) (err error) {
	tmp := path + tempExt
	f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	w := &pacedWriter{w: f}
	if sync {
		w.sync, w.sleep = func() error { return datasync(f) }, time.Sleep
	}
	if err := fill(f, w); err != nil {
		return err
	}
	if sync {
		if err := f.Sync(); err != nil {
			return err
		}
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	if sync {
		return syncDir(filepath.Dir(path))
	}
	return nil
}

// Background I/O — the spare segment's zeros, snapshots, the removal of
// obsolete files — goes to the disk in steps with a rest after each, so that
// a commit's fdatasync, whose cache flush would otherwise also carry
// everything written before it, never waits behind much of it. On the
// development VM (docs/performance-history.md), a 150 MB file written at once and
// then fsynced stalled a concurrent 4 KiB write+fdatasync loop for 50–77 ms,
// and unlinking it for about 20 ms; written in 1 MiB steps, each synced and
// followed by 2 ms of rest, and removed by truncating 8 MiB at a time, the
// loop's worst fdatasync stayed under 4 ms. Steps of 256 KiB then cut a
// commit's p99 during a 128 MiB snapshot at 4,000 appends/s from 9.5–15.6 ms
// to 6.9–10.1 ms in a slow spell of the disk (BenchmarkPaced .../snapshot,
// three pairs), for a snapshot that takes twice as long to write.
var (
	bgSyncBytes   int64 = 256 << 10            // written between syncs
	bgRest              = 2 * time.Millisecond // rest after each sync or truncate
	bgShrinkBytes int64 = 8 << 20              // removed per truncate
)

// writePaced writes chunks to w in pieces of at most bgSyncBytes. With a
// sync function it calls sync after every bgSyncBytes written and then
// sleep(bgRest); the caller syncs the last piece. It returns the first error.
func writePaced(w io.Writer, sync func() error, sleep func(time.Duration), chunks ...[]byte) error {
	pw := &pacedWriter{w: w, sync: sync, sleep: sleep}
	for _, c := range chunks {
		if _, err := pw.Write(c); err != nil {
			return err
		}
	}
	return nil
}

// pacedWriter writes to w as writePaced does, across calls to Write.
type pacedWriter struct {
	w        io.Writer
	sync     func() error        // nil: write straight through
	sleep    func(time.Duration) // after each sync
	unsynced int64
}

func (pw *pacedWriter) Write(c []byte) (int, error) {
	total := len(c)
	for len(c) > 0 {
		n := len(c)
		if pw.sync != nil {
			n = int(min(int64(n), bgSyncBytes-pw.unsynced))
		}
		if _, err := pw.w.Write(c[:n]); err != nil {
			return total - len(c), err
		}
		c = c[n:]
		if pw.sync == nil {
			continue
		}
		if pw.unsynced += int64(n); pw.unsynced == bgSyncBytes {
			if err := pw.sync(); err != nil {
				return total - len(c), err
			}
			pw.unsynced = 0
			pw.sleep(bgRest)
		}
	}
	return total, nil
}

// removePaced removes the file at path, first shrinking it bgShrinkBytes at
// a time with bgRest between steps, so that the file system frees (and, on
// a file system mounted with discard, trims) its blocks in small pieces. It
// is only for obsolete files, which recovery removes by name without reading
// them, so a crash halfway leaves nothing that matters.
func removePaced(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	fi, err := f.Stat()
	if err == nil {
		for size := fi.Size() - bgShrinkBytes; size > 0 && err == nil; size -= bgShrinkBytes {
			if err = f.Truncate(size); err == nil {
				time.Sleep(bgRest)
			}
		}
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Remove(path)
}

// errStopped is returned by newZeroFile when it is told to stop.
var errStopped = errors.New("journal: stopped")

// zeroChunk is the largest write of zeros, and a block to compare with.
var zeroChunk = make([]byte, 1<<20)

// newZeroFile creates (or truncates) path as a file of size bytes that read
// as zeros, open for reading and writing, and fsyncs it when sync is set.
//
// With fill set it writes the zeros, after reserving the space with
// fallocate(2) where that works: later writes over them then change neither
// the file's size nor its block map, which is what lets fdatasync skip the
// metadata. Without fill it only reserves the space (fallocate, or a sparse
// truncate where fallocate is missing), which is fast but leaves the file
// system to record the first write to each block at the next sync.
//
// A non-nil stop makes it a background fill at the background pace (see
// bgSyncBytes): it syncs every bgSyncBytes and rests bgRest after each sync.
// A receive on stop abandons the file and returns errStopped.
func newZeroFile(path string, size int64, fill, sync bool, stop <-chan struct{}) (f *os.File, err error) {
	f, err = os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(path)
		}
	}()
	allocated, err := allocate(f, size)
	if err != nil {
		return nil, fmt.Errorf("allocate %s: %w", path, err)
	}
	var rest *time.Timer
	if stop != nil {
		rest = time.NewTimer(time.Hour)
		defer rest.Stop()
	}
	switch {
	case fill:
		var unsynced int64
		for off := int64(0); off < size; {
			n, err := f.WriteAt(zeroChunk[:min(int64(len(zeroChunk)), size-off)], off)
			if err != nil {
				return nil, err
			}
			off += int64(n)
			unsynced += int64(n)
			if stop == nil {
				continue
			}
			if sync && unsynced >= bgSyncBytes {
				if err := datasync(f); err != nil {
					return nil, err
				}
				unsynced = 0
				rest.Reset(bgRest)
			} else {
				rest.Reset(0)
			}
			select {
			case <-stop:
				return nil, errStopped
			case <-rest.C:
			}
		}
	case !allocated:
		if err := f.Truncate(size); err != nil {
			return nil, err
		}
	}
	if sync {
		if err := f.Sync(); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// createSegment atomically creates the segment file for position first at
// path, size bytes long: a header, then zeros (written if fill is set, see
// newZeroFile). It builds it as path+".tmp", fsyncs it, renames it into
// place and fsyncs the directory (without sync, neither fsync), and returns
// it open for writing.
func createSegment(path string, first Pos, size int64, fill, sync bool) (f *os.File, err error) {
	tmp := path + tempExt
	f, err = newZeroFile(tmp, max(size, headerSize), fill, false, nil)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err := f.WriteAt(appendHeader(nil, segmentMagic, first), 0); err != nil {
		return nil, err
	}
	if sync {
		if err := f.Sync(); err != nil {
			return nil, err
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		return nil, err
	}
	if sync {
		if err := syncDir(filepath.Dir(path)); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// installSpare turns the zero-filled spare file f, at spare, into the
// segment for position first at path: it writes the header over the first
// zeros, syncs it, renames the file into place and fsyncs the directory
// (without sync, neither sync). The spare's zeros are already durable, so
// this costs one fdatasync and one directory fsync.
func installSpare(f *os.File, spare, path string, first Pos, sync bool) error {
	if _, err := f.WriteAt(appendHeader(nil, segmentMagic, first), 0); err != nil {
		return err
	}
	if sync {
		if err := datasync(f); err != nil {
			return err
		}
	}
	if err := os.Rename(spare, path); err != nil {
		return err
	}
	if sync {
		return syncDir(filepath.Dir(path))
	}
	return nil
}

// preparer keeps one zero-filled, fsynced spare file ready for the next
// segment, so that starting a segment does not make the flusher write
// Options.SegmentSize bytes of zeros while appenders wait.
type preparer struct {
	path string // the spare's file: spareName in the journal directory
	size int64
	sync bool

	req  chan struct{} // buffered: make a spare if there is none
	stop chan struct{} // closed by Close
	done chan struct{} // closed when the preparer's goroutine returns

	mu    sync.Mutex
	ready *os.File      // a finished spare, or nil
	taken bool          // the flusher holds a spare it has not yet renamed away
	took  time.Duration // how long the last spare took to make, for benchmarks
}

func newPreparer(dir string, size int64, sync bool) *preparer {
	return &preparer{
		path: filepath.Join(dir, spareName),
		size: size,
		sync: sync,
		req:  make(chan struct{}, 1),
		stop: make(chan struct{}),
		done: make(chan struct{}),
	}
}

// run makes a spare each time one is requested and none is ready or held.
// A spare that fails is abandoned: the flusher then creates its next
// segment without one, which reports any error that persists.
func (p *preparer) run() {
	defer close(p.done)
	for {
		select {
		case <-p.stop:
			return
		case <-p.req:
		}
		p.mu.Lock()
		busy := p.ready != nil || p.taken
		p.mu.Unlock()
		if busy {
			continue
		}
		start := time.Now()
		f, err := newZeroFile(p.path, p.size, true, p.sync, p.stop)
		if err != nil {
			continue
		}
		p.mu.Lock()
		p.ready, p.took = f, time.Since(start)
		p.mu.Unlock()
	}
}

// request asks for a spare without waiting for it.
func (p *preparer) request() {
	select {
	case p.req <- struct{}{}:
	default:
	}
}

// take returns the ready spare, or nil if there is none. Until release is
// called the preparer leaves the spare's path alone.
func (p *preparer) take() *os.File {
	p.mu.Lock()
	defer p.mu.Unlock()
	f := p.ready
	if f != nil {
		p.ready, p.taken = nil, true
	}
	return f
}

// release says that the spare take returned is no longer at p.path.
func (p *preparer) release() {
	p.mu.Lock()
	p.taken = false
	p.mu.Unlock()
}

// close stops the preparer and removes its spare, finished or not.
func (p *preparer) close() error {
	close(p.stop)
	<-p.done
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ready == nil {
		return nil
	}
	p.ready.Close()
	p.ready = nil
	if err := os.Remove(p.path); err != nil && !errNotExist(err) {
		return err
	}
	return nil
}
