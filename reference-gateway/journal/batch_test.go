package journal

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// FuzzSplitBatch feeds splitBatch arbitrary payloads: it must never panic,
// and whenever it reports no problem, framing the records it returned again
// must give back the payload exactly.
func FuzzSplitBatch(f *testing.F) {
	f.Add(batchFrame(r(1), r(2))[frameHeaderSize:])
	f.Add(batchFrame([]byte{})[frameHeaderSize:])
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0})
	f.Add([]byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, payload []byte) {
		var again []byte
		problem, err := splitBatch(payload, func(rec []byte) error {
			again = appendFrame(again, rec)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if problem == "" && !bytes.Equal(again, payload) {
			t.Fatalf("split %x without a problem, but its records frame back to %x", payload, again)
		}
	})
}

// FuzzOpenSegment opens a version 3 segment whose body is arbitrary bytes.
// Open must not panic and must either report a *CorruptError, changing
// nothing, or recover: then Load succeeds, and a second Open finds the
// same records with nothing left to repair.
func FuzzOpenSegment(f *testing.F) {
	f.Add(cat(batchFrame(r(1), r(2)), batchFrame(r(3))))
	f.Add(cat(batchFrame(r(1), r(2)), make([]byte, 16), batchFrame(r(3), r(4), r(5))[16:]))
	f.Add(cat(batchFrame(r(1)), frame(r(2))))
	f.Add([]byte{0x10, 0, 0, 0x80, 1, 2, 3, 4})
	f.Fuzz(func(t *testing.T, body []byte) {
		if len(body) > 4096 {
			return
		}
		dir := t.TempDir()
		path := filepath.Join(dir, seg1)
		seg := append(appendHeader(nil, segmentMagic, 1), body...)
		seg = append(seg, make([]byte, 64)...)
		if err := os.WriteFile(path, seg, 0o600); err != nil {
			t.Fatal(err)
		}
		opts := Options{NoSync: true, SegmentSize: 8 << 10}
		j, err := Open(dir, opts)
		if err != nil {
			var ce *CorruptError
			if !errors.As(err, &ce) {
				t.Fatalf("Open = %v, want nil or a *CorruptError", err)
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(after, seg) {
				t.Fatal("Open changed a segment it reported as corrupt")
			}
			return
		}
		_, first, err := loadAll(j)
		if err != nil {
			t.Fatalf("Load after a successful Open: %v", err)
		}
		closeT(t, j)
		repaired, _ := os.ReadFile(path)
		j, _, again := openT(t, dir, opts)
		closeT(t, j)
		if !slices.Equal(first, again) {
			t.Fatalf("second Open loaded %q, first %q", again, first)
		}
		if after, _ := os.ReadFile(path); !bytes.Equal(after, repaired) {
			t.Fatal("second Open changed the segment again")
		}
	})
}
