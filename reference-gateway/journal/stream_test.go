package journal

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// snapshotPattern is n bytes that differ from one offset to the next.
func snapshotPattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

// A snapshot streamed in small writes is the same file, byte for byte, as
// the format says a snapshot of that data is (header, length, checksum of
// the length and the data, the data), and loads back as that data.
func TestWriteSnapshotFromStreams(t *testing.T) {
	dir := t.TempDir()
	j, _, _ := openT(t, dir, Options{})
	for i := range 10 {
		appendT(t, j, recName(i))
	}
	p, err := j.Rotate()
	if err != nil {
		t.Fatal(err)
	}
	data := snapshotPattern(3<<20 + 7) // several paced pieces and read-back buffers
	_, err = j.WriteSnapshotFrom(p, func(w io.Writer) error {
		for rest := data; len(rest) > 0; {
			n := min(len(rest), 1000)
			if _, err := w.Write(rest[:n]); err != nil {
				return err
			}
			rest = rest[n:]
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	closeT(t, j)

	var want []byte
	want = appendHeader(want, snapshotMagic, p)
	want = binary.LittleEndian.AppendUint32(want, uint32(len(data)))
	want = binary.LittleEndian.AppendUint32(want, frameChecksum(want[len(want)-4:], data))
	want = append(want, data...)
	got, err := os.ReadFile(filepath.Join(dir, fileName(p, snapshotExt)))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("snapshot file: %d bytes, want %d; first difference at %d", len(got), len(want), firstDiff(got, want))
	}
	j, snap, recs := openT(t, dir, Options{})
	defer closeT(t, j)
	if !bytes.Equal(snap, data) || len(recs) != 0 {
		t.Fatalf("loaded a %d-byte snapshot and %d records, want %d bytes and none", len(snap), len(recs), len(data))
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// A snapshot whose writer fails halfway leaves no file behind, keeps the
// snapshot before it, and the journal goes on.
func TestWriteSnapshotFromFailureLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	j, _, _ := openT(t, dir, Options{})
	appendT(t, j, "a")
	p1, err := j.Rotate()
	if err != nil {
		t.Fatal(err)
	}
	if err := j.WriteSnapshot(p1, []byte("one")); err != nil {
		t.Fatal(err)
	}
	appendT(t, j, "b")
	p2, err := j.Rotate()
	if err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	_, err = j.WriteSnapshotFrom(p2, func(w io.Writer) error {
		if _, err := w.Write(snapshotPattern(300 << 10)); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("WriteSnapshotFrom: %v, want it to wrap %v", err, boom)
	}
	for _, f := range files(t, dir) {
		if strings.HasSuffix(f, tempExt) && f != spareName || f == fileName(p2, snapshotExt) {
			t.Errorf("left %s behind", f)
		}
	}
	if !slices.Contains(files(t, dir), fileName(p1, snapshotExt)) {
		t.Errorf("the earlier snapshot is gone: %q", files(t, dir))
	}
	appendT(t, j, "c")
	closeT(t, j)
	j, snap, recs := openT(t, dir, Options{})
	defer closeT(t, j)
	if string(snap) != "one" || !slices.Equal(recs, []string{"b", "c"}) {
		t.Fatalf("loaded snapshot %q and records %q, want \"one\" and [b c]", snap, recs)
	}
}

// The snapshot's length field is 32 bits: writing past the maximum fails
// without writing the piece that would cross it.
func TestCountWriterStopsAtMax(t *testing.T) {
	var out bytes.Buffer
	cw := &countWriter{w: &out, max: 10}
	if _, err := cw.Write([]byte("123456")); err != nil {
		t.Fatal(err)
	}
	if _, err := cw.Write([]byte("78901")); err == nil || !strings.Contains(err.Error(), "maximum of 10 bytes") {
		t.Fatalf("write past the maximum: %v", err)
	}
	if cw.n != 6 || out.String() != "123456" {
		t.Fatalf("counted %d, wrote %q", cw.n, out.String())
	}
}
