package journal

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// openT opens and loads the journal in dir, failing the test on error, and
// returns it with the loaded snapshot (nil if none) and records.
func openT(t testing.TB, dir string, opts Options) (j *Journal, snap []byte, recs []string) {
	t.Helper()
	j, err := Open(dir, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	snap, recs, err = loadAll(j)
	if err != nil {
		j.Close()
		t.Fatalf("Load: %v", err)
	}
	return j, snap, recs
}

// loadAll loads j and returns what it read.
func loadAll(j *Journal) (snap []byte, recs []string, err error) {
	var last Pos
	err = j.Load(
		func(data []byte) error {
			if snap != nil {
				return errors.New("snap called twice")
			}
			snap = append([]byte{}, data...)
			return nil
		},
		func(p Pos, data []byte) error {
			if last != 0 && p != last+1 {
				return fmt.Errorf("record at position %d after %d", p, last)
			}
			last = p
			recs = append(recs, string(data))
			return nil
		})
	return snap, recs, err
}

func closeT(t testing.TB, j *Journal) {
	t.Helper()
	if err := j.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

func appendT(t testing.TB, j *Journal, data string) Pos {
	t.Helper()
	p, err := j.Append([]byte(data))
	if err != nil {
		t.Fatalf("Append(%q): %v", data, err)
	}
	return p
}

func waitT(t testing.TB, j *Journal, p Pos) {
	t.Helper()
	if err := j.Wait(p); err != nil {
		t.Fatalf("Wait(%d): %v", p, err)
	}
}

// logicalSize returns the bytes of a segment holding recs: its header and
// their frames.
func logicalSize(recs []string, batches int) int64 {
	n := int64(headerSize) + int64(batches)*frameHeaderSize
	for _, r := range recs {
		n += frameHeaderSize + int64(len(r))
	}
	return n
}

// onDiskSize is the sum of the logical sizes of dir's segments, where their
// frames end, as a fresh reader finds them.
func onDiskSize(t testing.TB, dir string) int64 {
	t.Helper()
	var total int64
	for _, name := range files(t, dir) {
		first, ok := parseName(name, segmentExt)
		if !ok {
			continue
		}
		path := filepath.Join(dir, name)
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		rr, err := newRecordReader(f, path, fileSize(t, path), segmentMagic, first, MaxRecordSize)
		if err != nil {
			t.Fatal(err)
		}
		rr.zeroEnds = true
		for {
			if _, err := rr.next(nil); err == io.EOF {
				break
			} else if err != nil {
				t.Fatal(err)
			}
		}
		f.Close()
		total += rr.off
	}
	return total
}

// journalFiles returns the names of the files in dir, sorted, leaving out
// the spare segment file, which an open journal may be preparing.
func journalFiles(t testing.TB, dir string) []string {
	t.Helper()
	return slices.DeleteFunc(files(t, dir), func(name string) bool { return name == spareName })
}

// files returns the names of the files in dir, sorted.
func files(t testing.TB, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

func fileSize(t testing.TB, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

func recName(i int) string { return fmt.Sprintf("record %d", i) }

func TestEmpty(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "journal")
	j, snap, recs := openT(t, dir, Options{})
	if snap != nil || recs != nil {
		t.Fatalf("new journal loaded snapshot %q, records %q", snap, recs)
	}
	if got, want := j.Size(), int64(headerSize); got != want {
		t.Errorf("Size = %d, want %d", got, want)
	}
	closeT(t, j)
	if got, want := files(t, dir), []string{fileName(1, segmentExt)}; !slices.Equal(got, want) {
		t.Errorf("files = %q, want %q", got, want)
	}
}

// TestRoundTrip writes records across two Rotate+WriteSnapshot cycles and
// checks that a reopen loads the newest snapshot and only the records after
// it, and that older segments and snapshots are gone.
func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	j, _, _ := openT(t, dir, Options{})
	var last Pos
	for i := 0; i < 1000; i++ {
		p := appendT(t, j, recName(i))
		if p != Pos(i+1) {
			t.Fatalf("record %d at position %d, want %d", i, p, i+1)
		}
		if i%97 == 0 {
			waitT(t, j, p)
		}
		if i == 299 || i == 699 {
			rp, err := j.Rotate()
			if err != nil {
				t.Fatal(err)
			}
			if rp != p+1 {
				t.Fatalf("Rotate after position %d = %d", p, rp)
			}
			before := j.Size()
			if err := j.WriteSnapshot(rp, []byte(strconv.Itoa(i+1))); err != nil {
				t.Fatal(err)
			}
			if after := j.Size(); after >= before || after < headerSize {
				t.Errorf("Size went from %d to %d across a snapshot", before, after)
			}
		}
		last = p
	}
	waitT(t, j, last)
	closeT(t, j)

	want := []string{fileName(701, segmentExt), fileName(701, snapshotExt)}
	if got := files(t, dir); !slices.Equal(got, want) {
		t.Fatalf("files = %q, want %q", got, want)
	}
	j, snap, recs := openT(t, dir, Options{})
	defer closeT(t, j)
	if string(snap) != "700" {
		t.Errorf("snapshot = %q, want %q", snap, "700")
	}
	if len(recs) != 300 || recs[0] != recName(700) || recs[299] != recName(999) {
		t.Fatalf("loaded %d records %q..., want records 700..999", len(recs), recs[:min(len(recs), 3)])
	}
	for k, r := range recs {
		if r != recName(700+k) {
			t.Fatalf("record %d = %q, want %q", k, r, recName(700+k))
		}
	}
	if got, want := j.Size(), onDiskSize(t, dir); got != want || got <= logicalSize(recs, 0) {
		t.Errorf("Size = %d, want %d", got, want)
	}
	if got, want := fileSize(t, filepath.Join(dir, fileName(701, segmentExt))), int64(DefaultSegmentSize); got != want {
		t.Errorf("segment file is %d bytes, want the preallocated %d", got, want)
	}
	if p := appendT(t, j, "more"); p != 1001 {
		t.Errorf("first position after reopen = %d, want 1001", p)
	}
}

// TestConcurrentAppend runs 100 goroutines appending 100 records each and
// checks every record is loaded at the position Append returned, so each
// goroutine's records are in its own order.
func TestConcurrentAppend(t *testing.T) { concurrentAppend(t, Options{}) }

// concurrentAppend appends from 100 goroutines, each waiting for each of its
// records, and checks that a reopened journal holds every record at the
// position Append gave it, in each goroutine's order.
func concurrentAppend(t *testing.T, opts Options) {
	const goroutines, per = 100, 100
	dir := t.TempDir()
	j, _, _ := openT(t, dir, opts)
	var mu sync.Mutex
	at := make(map[Pos]string)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			var prev Pos
			for i := range per {
				data := fmt.Sprintf("%d:%d", g, i)
				p, err := j.Append([]byte(data))
				if err != nil {
					t.Error(err)
					return
				}
				if p <= prev {
					t.Errorf("goroutine %d: position %d after %d", g, p, prev)
				}
				prev = p
				if err := j.Wait(p); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				at[p] = data
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	syncs := j.syncs.Load()
	closeT(t, j)
	t.Logf("%d records in %d fsyncs", goroutines*per, syncs)

	j, _, recs := openT(t, dir, Options{})
	defer closeT(t, j)
	if len(recs) != goroutines*per {
		t.Fatalf("loaded %d records, want %d", len(recs), goroutines*per)
	}
	next := make([]int, goroutines)
	for k, r := range recs {
		if at[Pos(k+1)] != r {
			t.Fatalf("position %d holds %q, Append returned it for %q", k+1, r, at[Pos(k+1)])
		}
		var g, i int
		if _, err := fmt.Sscanf(r, "%d:%d", &g, &i); err != nil {
			t.Fatal(err)
		}
		if i != next[g] {
			t.Fatalf("goroutine %d: record %d loaded where %d was expected", g, i, next[g])
		}
		next[g]++
	}
}

// TestCloseFlushes checks that Close makes records durable that nobody
// waited for, and what each method does after Close.
func TestCloseFlushes(t *testing.T) {
	dir := t.TempDir()
	j, _, _ := openT(t, dir, Options{})
	var last Pos
	for i := range 50 {
		last = appendT(t, j, recName(i))
	}
	closeT(t, j)
	if err := j.Wait(last); err != nil {
		t.Errorf("Wait after Close for a flushed record: %v", err)
	}
	if _, err := j.Append([]byte("late")); !errors.Is(err, ErrClosed) {
		t.Errorf("Append after Close: %v, want ErrClosed", err)
	}
	if _, err := j.Rotate(); !errors.Is(err, ErrClosed) {
		t.Errorf("Rotate after Close: %v, want ErrClosed", err)
	}
	if err := j.WriteSnapshot(last, nil); !errors.Is(err, ErrClosed) {
		t.Errorf("WriteSnapshot after Close: %v, want ErrClosed", err)
	}
	if err := j.Close(); !errors.Is(err, ErrClosed) {
		t.Errorf("second Close: %v, want ErrClosed", err)
	}

	j, _, recs := openT(t, dir, Options{})
	if len(recs) != 50 || recs[49] != recName(49) {
		t.Fatalf("reopen loaded %d records, want 50", len(recs))
	}
	closeT(t, j)

	j, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	closeT(t, j)
	if _, _, err := loadAll(j); !errors.Is(err, ErrClosed) {
		t.Errorf("Load after Close: %v, want ErrClosed", err)
	}
}

func TestLoadOnce(t *testing.T) {
	dir := t.TempDir()
	j, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if _, err := j.Append([]byte("x")); !errors.Is(err, errNotLoaded) {
		t.Errorf("Append before Load: %v, want %v", err, errNotLoaded)
	}
	if _, err := j.Rotate(); !errors.Is(err, errNotLoaded) {
		t.Errorf("Rotate before Load: %v, want %v", err, errNotLoaded)
	}
	if err := j.WriteSnapshot(1, nil); !errors.Is(err, errNotLoaded) {
		t.Errorf("WriteSnapshot before Load: %v, want %v", err, errNotLoaded)
	}
	if _, _, err := loadAll(j); err != nil {
		t.Fatal(err)
	}
	if _, _, err := loadAll(j); !errors.Is(err, errLoaded) {
		t.Errorf("second Load: %v, want %v", err, errLoaded)
	}
	if err := j.Load(nil, nil); err == nil {
		t.Error("Load with nil callbacks succeeded")
	}
}

func TestLoadCallbackError(t *testing.T) {
	dir := t.TempDir()
	j, _, _ := openT(t, dir, Options{})
	for i := range 5 {
		appendT(t, j, recName(i))
	}
	p, _ := j.Rotate()
	if err := j.WriteSnapshot(p, []byte("five")); err != nil {
		t.Fatal(err)
	}
	appendT(t, j, recName(5))
	appendT(t, j, recName(6))
	closeT(t, j)

	boom := errors.New("boom")
	for _, tc := range []struct {
		name string
		snap func([]byte) error
		rec  func(Pos, []byte) error
		want string
	}{
		{"snap", func([]byte) error { return boom }, func(Pos, []byte) error { return nil }, "journal: load snapshot 6: boom"},
		{"rec", func([]byte) error { return nil }, func(p Pos, b []byte) error {
			if string(b) == recName(6) {
				if p != 7 {
					return fmt.Errorf("record %s at position %d, want 7", b, p)
				}
				return boom
			}
			return nil
		}, "journal: load record 7: boom"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j, err := Open(dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer j.Close()
			err = j.Load(tc.snap, tc.rec)
			if !errors.Is(err, boom) || err.Error() != tc.want {
				t.Fatalf("Load = %v, want %q", err, tc.want)
			}
			if _, err := j.Append([]byte("x")); !errors.Is(err, errNotLoaded) {
				t.Errorf("Append after failed Load: %v, want %v", err, errNotLoaded)
			}
		})
	}
}

func TestWaitPositions(t *testing.T) {
	j, _, _ := openT(t, t.TempDir(), Options{})
	defer closeT(t, j)
	if err := j.Wait(0); err != nil {
		t.Errorf("Wait(0) = %v", err)
	}
	if err := j.Wait(1); err == nil {
		t.Error("Wait for an unappended position succeeded")
	}
	p := appendT(t, j, "a")
	waitT(t, j, p)
	waitT(t, j, p) // already durable
	if err := j.Wait(p + 1); err == nil {
		t.Error("Wait for an unappended position succeeded")
	}
}

func TestAppendLimits(t *testing.T) {
	dir := t.TempDir()
	j, _, _ := openT(t, dir, Options{})
	if _, err := j.Append(make([]byte, MaxRecordSize+1)); err == nil {
		t.Error("Append of MaxRecordSize+1 bytes succeeded")
	}
	big := strings.Repeat("b", MaxRecordSize)
	p1 := appendT(t, j, big)
	p2 := appendT(t, j, "") // empty records are records
	waitT(t, j, p2)
	closeT(t, j)
	j, _, recs := openT(t, dir, Options{})
	defer closeT(t, j)
	if p1 != 1 || len(recs) != 2 || recs[0] != big || recs[1] != "" {
		t.Fatalf("loaded %d records, want the maximal one and an empty one", len(recs))
	}
}

// TestBatchCap checks that no write is larger than MaxBatchBytes unless it
// holds a single record, under concurrent appends.
func TestBatchCap(t *testing.T) {
	const max = 256
	dir := t.TempDir()
	var mu sync.Mutex
	var writes []int
	wrap := func(f *os.File) segmentFile {
		return &faultyFile{File: f, onWrite: func(n int) {
			mu.Lock()
			writes = append(writes, n)
			mu.Unlock()
		}}
	}
	j, err := open(dir, Options{MaxBatchBytes: max, NoSync: true}, wrap)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := loadAll(j); err != nil {
		t.Fatal(err)
	}
	rec := strings.Repeat("r", 50) // 58 bytes framed: 4 fit in a batch
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				if _, err := j.Append([]byte(rec)); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	appendT(t, j, strings.Repeat("L", 1000)) // alone in its batch
	closeT(t, j)
	mu.Lock()
	defer mu.Unlock()
	total := 0
	for _, n := range writes {
		total += n
		if n > max && n != 2*frameHeaderSize+1000 {
			t.Errorf("write of %d bytes, cap %d", n, max)
		}
	}
	if want := 400*58 + 1008 + frameHeaderSize*len(writes); total != want {
		t.Errorf("wrote %d bytes, want %d", total, want)
	}
	j, _, recs := openT(t, dir, Options{})
	defer closeT(t, j)
	if len(recs) != 401 {
		t.Errorf("loaded %d records, want 401", len(recs))
	}
}

func TestRotate(t *testing.T) {
	dir := t.TempDir()
	j, _, _ := openT(t, dir, Options{})
	if p, err := j.Rotate(); err != nil || p != 1 {
		t.Fatalf("Rotate on an empty journal = %d, %v; want 1", p, err)
	}
	appendT(t, j, "a")
	if p, err := j.Rotate(); err != nil || p != 2 {
		t.Fatalf("Rotate = %d, %v; want 2", p, err)
	}
	if p, err := j.Rotate(); err != nil || p != 2 {
		t.Fatalf("Rotate of an empty segment = %d, %v; want 2", p, err)
	}
	if err := j.WriteSnapshot(2, []byte("a")); err != nil {
		t.Fatal(err)
	}
	if got, want := journalFiles(t, dir), []string{fileName(2, segmentExt), fileName(2, snapshotExt)}; !slices.Equal(got, want) {
		t.Errorf("files = %q, want %q", got, want)
	}
	// Rotations queued behind pending records, with no Wait in between.
	for i := range 3 {
		appendT(t, j, recName(i))
		if _, err := j.Rotate(); err != nil {
			t.Fatal(err)
		}
	}
	closeT(t, j)
	want := []string{fileName(2, segmentExt), fileName(2, snapshotExt), fileName(3, segmentExt), fileName(4, segmentExt), fileName(5, segmentExt)}
	if got := files(t, dir); !slices.Equal(got, want) {
		t.Errorf("files = %q, want %q", got, want)
	}
	j, snap, recs := openT(t, dir, Options{})
	defer closeT(t, j)
	if string(snap) != "a" || !slices.Equal(recs, []string{recName(0), recName(1), recName(2)}) {
		t.Errorf("loaded %q, %q", snap, recs)
	}
}

// TestSnapshotMidSegment writes a snapshot at a position that is not a
// segment boundary: the segment stays and Load skips the covered records.
func TestSnapshotMidSegment(t *testing.T) {
	dir := t.TempDir()
	j, _, _ := openT(t, dir, Options{})
	for i := range 10 {
		appendT(t, j, recName(i))
	}
	if err := j.WriteSnapshot(6, []byte("5")); err != nil {
		t.Fatal(err)
	}
	closeT(t, j)
	if got, want := files(t, dir), []string{fileName(1, segmentExt), fileName(6, snapshotExt)}; !slices.Equal(got, want) {
		t.Errorf("files = %q, want %q", got, want)
	}
	j, snap, recs := openT(t, dir, Options{})
	defer closeT(t, j)
	if string(snap) != "5" || len(recs) != 5 || recs[0] != recName(5) {
		t.Errorf("loaded %q, %q", snap, recs)
	}
}

func TestWriteSnapshotErrors(t *testing.T) {
	j, _, _ := openT(t, t.TempDir(), Options{})
	defer closeT(t, j)
	appendT(t, j, "a")
	appendT(t, j, "b")
	for _, p := range []Pos{0, 4} {
		if err := j.WriteSnapshot(p, nil); err == nil {
			t.Errorf("WriteSnapshot(%d) with next position 3 succeeded", p)
		}
	}
	if err := j.WriteSnapshot(3, []byte("ab")); err != nil {
		t.Fatal(err)
	}
	if err := j.WriteSnapshot(2, []byte("a")); err == nil {
		t.Error("WriteSnapshot older than the newest snapshot succeeded")
	}
}

// TestTornTailEveryOffset tears a segment at every byte offset of its
// records, three ways: the bytes after the tear are the preallocated zeros
// (a crash during an in-place write), are junk, or are missing (a file that
// was cut short). Open must keep exactly the complete records before the
// tear, zero the rest, and continue at the next position; records appended
// then must load after a reopen.
func TestTornTailEveryOffset(t *testing.T) {
	const segSize = 512
	src := t.TempDir()
	j, _, _ := openT(t, src, Options{NoSync: true, SegmentSize: segSize})
	payloads := []string{"", "a", "0123456789", strings.Repeat("x", 100), "last"}
	ends := []int64{headerSize}
	for _, p := range payloads { // one batch each: a batch header and a record frame
		waitT(t, j, appendT(t, j, p))
		ends = append(ends, ends[len(ends)-1]+2*frameHeaderSize+int64(len(p)))
	}
	closeT(t, j)
	full, err := os.ReadFile(filepath.Join(src, fileName(1, segmentExt)))
	if err != nil {
		t.Fatal(err)
	}
	end := ends[len(ends)-1]
	if len(full) != segSize || !isZero(full[end:]) {
		t.Fatalf("segment is %d bytes with records ending at %d, want %d bytes, zeros after the records", len(full), end, segSize)
	}
	for _, how := range []string{"zeros", "junk", "cut"} {
		for cut := int64(headerSize); cut <= end; cut++ {
			torn := bytes.Clone(full)
			switch how {
			case "zeros":
				clear(torn[cut:])
			case "junk":
				for i := cut; i < end; i++ {
					torn[i] = byte(0xa5 ^ i*7) // deterministic, no plausible lengths
				}
			case "cut":
				torn = torn[:cut]
			}
			n := 0 // complete records before cut
			for n+1 < len(ends) && ends[n+1] <= cut {
				n++
			}
			dir := t.TempDir()
			path := filepath.Join(dir, fileName(1, segmentExt))
			if err := os.WriteFile(path, torn, 0o600); err != nil {
				t.Fatal(err)
			}
			j, _, recs := openT(t, dir, Options{NoSync: true, SegmentSize: segSize})
			if !slices.Equal(recs, payloads[:n]) && !(n == 0 && recs == nil) {
				t.Fatalf("%s from %d: loaded %q, want %q", how, cut, recs, payloads[:n])
			}
			after, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if len(after) != len(torn) || !bytes.Equal(after[:ends[n]], full[:ends[n]]) || !isZero(after[ends[n]:]) {
				t.Fatalf("%s from %d: after Open the file is %d bytes, want %d: the %d complete records, then zeros", how, cut, len(after), len(torn), n)
			}
			if j.Size() != ends[n] {
				t.Fatalf("%s from %d: Size = %d, want %d", how, cut, j.Size(), ends[n])
			}
			if p := appendT(t, j, "again"); p != Pos(n+1) {
				t.Fatalf("%s from %d: next position %d, want %d", how, cut, p, n+1)
			}
			closeT(t, j)
			j, _, recs = openT(t, dir, Options{NoSync: true, SegmentSize: segSize})
			if want := append(slices.Clone(payloads[:n]), "again"); !slices.Equal(recs, want) {
				t.Fatalf("%s from %d: after appending and reopening, loaded %q, want %q", how, cut, recs, want)
			}
			closeT(t, j)
		}
	}
}

// TestGarbageTail writes bytes that hold no valid record after valid ones,
// right after them and far past them in the zero-filled tail: Open treats
// them as a torn tail and zeros them.
func TestGarbageTail(t *testing.T) {
	garbage := make([]byte, 3000)
	for i := range garbage {
		garbage[i] = byte(i*7 + i*i*13 + 0x80) // deterministic, high bytes: no plausible lengths
	}
	for _, gap := range []int64{0, 1, 4096, 50000} {
		dir := t.TempDir()
		j, _, _ := openT(t, dir, Options{SegmentSize: 64 << 10})
		waitT(t, j, appendT(t, j, "a"))
		waitT(t, j, appendT(t, j, "b"))
		closeT(t, j)
		path := filepath.Join(dir, fileName(1, segmentExt))
		end := logicalSize([]string{"a", "b"}, 2)
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.WriteAt(garbage, end+gap); err != nil {
			t.Fatal(err)
		}
		f.Close()
		j, _, recs := openT(t, dir, Options{SegmentSize: 64 << 10})
		if !slices.Equal(recs, []string{"a", "b"}) {
			t.Errorf("gap %d: loaded %q, want [a b]", gap, recs)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(data) != 64<<10 || !isZero(data[end:]) {
			t.Errorf("gap %d: after Open the file is %d bytes, non-zero after the records: %v", gap, len(data), !isZero(data[end:]))
		}
		waitT(t, j, appendT(t, j, "c"))
		closeT(t, j)
		j, _, recs = openT(t, dir, Options{})
		if !slices.Equal(recs, []string{"a", "b", "c"}) {
			t.Errorf("gap %d: after appending, loaded %q", gap, recs)
		}
		closeT(t, j)
	}
}

// TestLoadDetectsDamage damages a record between Open and Load.
func TestLoadDetectsDamage(t *testing.T) {
	dir := t.TempDir()
	j, _, _ := openT(t, dir, Options{})
	waitT(t, j, appendT(t, j, recName(1))) // batch 16..40
	waitT(t, j, appendT(t, j, recName(2))) // batch 40..64, record 2's payload at 56
	closeT(t, j)
	j, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	path := filepath.Join(dir, fileName(1, segmentExt))
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteAt([]byte{'R'}, 56) // first payload byte of record 2
	f.Close()
	_, recs, err := loadAll(j)
	var ce *CorruptError
	if !errors.As(err, &ce) || ce.Path != path || ce.Offset != 40 || ce.Reason != "checksum mismatch" {
		t.Fatalf("Load = %v, want a checksum mismatch at offset 40 of %s", err, path)
	}
	if !slices.Equal(recs, []string{recName(1)}) {
		t.Errorf("records before the damage = %q", recs)
	}
}

// A snapshot written in chunks is the same file, byte for byte, as one
// written from a single slice, and loads as their concatenation.
func TestSnapshotChunks(t *testing.T) {
	write := func(chunks ...[]byte) (file []byte, snap []byte, recs []string) {
		dir := t.TempDir()
		j, _, _ := openT(t, dir, Options{})
		for i := range 3 {
			appendT(t, j, recName(i))
		}
		p, _ := j.Rotate()
		if err := j.WriteSnapshot(p, chunks...); err != nil {
			t.Fatal(err)
		}
		appendT(t, j, recName(3))
		closeT(t, j)
		file, err := os.ReadFile(snapshotPath(dir, p))
		if err != nil {
			t.Fatal(err)
		}
		j, snap, recs = openT(t, dir, Options{})
		closeT(t, j)
		return file, snap, recs
	}
	oneFile, oneSnap, oneRecs := write([]byte("hello, world"))
	for _, chunks := range [][][]byte{
		{[]byte("hello, "), []byte("world")},
		{[]byte("h"), nil, []byte("ello, worl"), []byte("d"), {}},
	} {
		file, snap, recs := write(chunks...)
		if !bytes.Equal(file, oneFile) {
			t.Errorf("chunks %q: file differs from the single-slice one", chunks)
		}
		if string(snap) != "hello, world" || !reflect.DeepEqual(recs, oneRecs) || string(oneSnap) != "hello, world" {
			t.Errorf("chunks %q: loaded snapshot %q, records %q", chunks, snap, recs)
		}
	}
}
