package journal

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// setPace sets the background pace for one test.
func setPace(t *testing.T, syncBytes, shrinkBytes int64, rest time.Duration) {
	t.Helper()
	old := [3]int64{bgSyncBytes, bgShrinkBytes, int64(bgRest)}
	bgSyncBytes, bgShrinkBytes, bgRest = syncBytes, shrinkBytes, rest
	t.Cleanup(func() { bgSyncBytes, bgShrinkBytes, bgRest = old[0], old[1], time.Duration(old[2]) })
}

// paceLog records what writePaced did, in order: "w:<bytes>", "sync",
// "sleep".
type paceLog struct {
	ops  []string
	data bytes.Buffer
	fail string // the op to fail ("w", "sync")
}

func (l *paceLog) Write(p []byte) (int, error) {
	if l.fail == "w" {
		return 0, errors.New("write failed")
	}
	l.ops = append(l.ops, "w:"+string(p))
	return l.data.Write(p)
}

func (l *paceLog) sync() error {
	if l.fail == "sync" {
		return errors.New("sync failed")
	}
	l.ops = append(l.ops, "sync")
	return nil
}

func (l *paceLog) sleep(d time.Duration) { l.ops = append(l.ops, "sleep:"+d.String()) }

func TestWritePaced(t *testing.T) {
	setPace(t, 4, 8, 3*time.Millisecond)
	for _, tc := range []struct {
		name   string
		chunks []string
		synced bool
		want   string // the ops, space-separated
	}{
		{"one small chunk", []string{"abc"}, true, "w:abc"},
		{"exactly one step", []string{"abcd"}, true, "w:abcd sync sleep:3ms"},
		{"a chunk over two steps", []string{"abcdefghij"}, true, "w:abcd sync sleep:3ms w:efgh sync sleep:3ms w:ij"},
		{"steps across chunks", []string{"ab", "", "cdef", "g", "hi"}, true, "w:ab w:cd sync sleep:3ms w:ef w:g w:h sync sleep:3ms w:i"},
		{"no sync: chunks whole", []string{"abcdefghij", "kl"}, false, "w:abcdefghij w:kl"},
		{"nothing", nil, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var l paceLog
			chunks := make([][]byte, len(tc.chunks))
			for i, c := range tc.chunks {
				chunks[i] = []byte(c)
			}
			var err error
			if tc.synced {
				err = writePaced(&l, l.sync, l.sleep, chunks...)
			} else {
				err = writePaced(&l, nil, nil, chunks...)
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(l.ops, " "); got != tc.want {
				t.Errorf("ops = %q, want %q", got, tc.want)
			}
			if got, want := l.data.String(), strings.Join(tc.chunks, ""); got != want {
				t.Errorf("wrote %q, want %q", got, want)
			}
		})
	}
	for _, op := range []string{"w", "sync"} {
		l := paceLog{fail: op}
		if err := writePaced(&l, l.sync, l.sleep, []byte("abcdefgh")); err == nil || !strings.Contains(err.Error(), "failed") {
			t.Errorf("with %s failing: err = %v", op, err)
		}
	}
}

func TestRemovePaced(t *testing.T) {
	setPace(t, 1<<20, 1000, 0)
	dir := t.TempDir()
	for _, size := range []int{0, 999, 1000, 1001, 10_500} {
		path := filepath.Join(dir, "f")
		if err := os.WriteFile(path, bytes.Repeat([]byte("x"), size), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := removePaced(path); err != nil {
			t.Fatalf("size %d: %v", size, err)
		}
		if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("size %d: file still there (%v)", size, err)
		}
	}
	if err := removePaced(filepath.Join(dir, "missing")); !errNotExist(err) {
		t.Errorf("missing file: err = %v, want not-exist", err)
	}
}

// TestRecoverAfterPartialRemoval is a crash while WriteSnapshot shrinks an
// obsolete segment before removing it: the segment is cut short (mid-record)
// and still named as a segment. Open must remove it by name without reading
// it and load the snapshot and the records after it.
func TestRecoverAfterPartialRemoval(t *testing.T) {
	setPace(t, 1<<20, 100, 0)
	dir := t.TempDir()
	opts := Options{NoSync: true, SegmentSize: 256}
	j, _, _ := openT(t, dir, opts)
	for i := range 20 { // one batch each, so that they fill several segments
		if err := j.Wait(appendT(t, j, recName(i)+strings.Repeat(".", 40))); err != nil {
			t.Fatal(err)
		}
	}
	var segs []string
	for _, name := range files(t, dir) {
		if strings.HasSuffix(name, segmentExt) {
			segs = append(segs, name)
		}
	}
	if len(segs) < 3 {
		t.Fatalf("want at least 3 segments, have %q", segs)
	}
	old := filepath.Join(dir, segs[0])
	data, err := os.ReadFile(old)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := j.Rotate()
	if err := j.WriteSnapshot(p, []byte("state")); err != nil {
		t.Fatal(err)
	}
	appendT(t, j, "after")
	closeT(t, j)
	if _, err := os.Stat(old); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("obsolete segment %s not removed: %v", old, err)
	}
	// The crash: the first segment is back, shrunk to part of a record.
	if err := os.WriteFile(old, data[:headerSize+13], 0o600); err != nil {
		t.Fatal(err)
	}
	j, snap, recs := openT(t, dir, opts)
	defer closeT(t, j)
	if string(snap) != "state" || !slices.Equal(recs, []string{"after"}) {
		t.Errorf("loaded snapshot %q, records %q; want state, [after]", snap, recs)
	}
	if _, err := os.Stat(old); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open left the cut-short obsolete segment: %v", err)
	}
}
