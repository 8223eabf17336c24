package journal

import (
	"errors"
	"os"
	"sync"
	"sync/atomic"
	"testing"
)

var errInjected = errors.New("injected failure")

// faultyFile is a segment file whose writes or syncs fail on demand.
type faultyFile struct {
	*os.File
	failWrite *atomic.Bool // nil: never
	failSync  *atomic.Bool // nil: never
	onWrite   func(n int)
}

func (f *faultyFile) WriteAt(p []byte, off int64) (int, error) {
	if f.onWrite != nil {
		f.onWrite(len(p))
	}
	if f.failWrite != nil && f.failWrite.Load() {
		return 0, errInjected
	}
	return f.File.WriteAt(p, off)
}

func (f *faultyFile) Datasync() error {
	if f.failSync != nil && f.failSync.Load() {
		return errInjected
	}
	return datasync(f.File)
}

// TestFailStop checks that a failed write or fsync fails its batch, every
// later Wait and Append, and Close, while earlier durable records stay
// durable.
func TestFailStop(t *testing.T) {
	for _, tc := range []struct {
		name  string
		write bool // fail writes, else syncs
	}{{"write", true}, {"sync", false}} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			var fail atomic.Bool
			wrap := func(f *os.File) segmentFile {
				ff := &faultyFile{File: f}
				if tc.write {
					ff.failWrite = &fail
				} else {
					ff.failSync = &fail
				}
				return ff
			}
			j, err := open(dir, Options{}, wrap)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := loadAll(j); err != nil {
				t.Fatal(err)
			}
			p1 := appendT(t, j, "durable")
			waitT(t, j, p1)

			fail.Store(true)
			errs := make([]error, 20)
			var wg sync.WaitGroup
			for g := range errs {
				wg.Go(func() {
					p, err := j.Append([]byte("lost"))
					if err == nil {
						err = j.Wait(p)
					}
					errs[g] = err
				})
			}
			wg.Wait()
			for g, err := range errs {
				if !errors.Is(err, errInjected) {
					t.Errorf("appender %d: %v, want the injected failure", g, err)
				}
			}
			if _, err := j.Append([]byte("after")); !errors.Is(err, errInjected) {
				t.Errorf("Append after failure: %v", err)
			}
			if _, err := j.Rotate(); !errors.Is(err, errInjected) {
				t.Errorf("Rotate after failure: %v", err)
			}
			if err := j.WriteSnapshot(p1+1, nil); !errors.Is(err, errInjected) {
				t.Errorf("WriteSnapshot after failure: %v", err)
			}
			if err := j.Wait(p1); err != nil {
				t.Errorf("Wait for a record durable before the failure: %v", err)
			}
			if err := j.Close(); !errors.Is(err, errInjected) {
				t.Errorf("Close after failure: %v", err)
			}

			j, _, recs := openT(t, dir, Options{})
			defer closeT(t, j)
			if len(recs) == 0 || recs[0] != "durable" || (tc.write && len(recs) != 1) {
				t.Errorf("reopen loaded %q", recs)
			}
		})
	}
}

// TestClosedFD closes the segment file under the journal.
func TestClosedFD(t *testing.T) {
	j, _, _ := openT(t, t.TempDir(), Options{})
	p := appendT(t, j, "a")
	waitT(t, j, p)
	j.mu.Lock()
	j.w.Close()
	j.mu.Unlock()
	p = appendT(t, j, "b")
	if err := j.Wait(p); !errors.Is(err, os.ErrClosed) {
		t.Errorf("Wait = %v, want os.ErrClosed in the chain", err)
	}
	if err := j.Close(); !errors.Is(err, os.ErrClosed) {
		t.Errorf("Close = %v, want os.ErrClosed in the chain", err)
	}
}
